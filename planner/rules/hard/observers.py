"""Hard rule ``observers``: a review team includes the observers that ``observers_required`` asks for, by
organisation (WDC for industry, CSC for civil society), or those its ``observers`` column names
(``Scenario.observers_for``)."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


class Observers(HardRule):
    name = RuleName.OBSERVERS
    order = 90
    staff_first = 20

    def constrain_engagement(self, m: ModelContext, e) -> None:
        if not e.is_review_visit:
            return
        for org, n in sorted(m.scenario.observers_for(e).items()):
            if n > 0:
                members = m.members_where(e, lambda r, org=org: r.organisation == org)
                m.model.add(sum(members) >= n * m.vars.scheduled[e.id]).only_enforce_if(
                    m.switch(self.assumption(e.id, detail=f"{n} {org}")))

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            if not e.is_review_visit:
                continue
            for org, n in sorted(c.scenario.observers_for(e).items()):
                have = sum(1 for a in c.team(e.id) if c.reviewers[a.reviewer_id].organisation == org)
                if have < n:
                    yield self.violation(e.id, "", f"{e.title} has {have} {org} observer(s); expected {n}")

    def needs(self, scenario, e, host) -> list[Need]:
        if not e.is_review_visit:
            return []
        return [Need(self.name, f"{n} {org} observer{'s' if n > 1 else ''}",
                     lambda rs, org=org: [r for r in rs if r.organisation == org], n)
                for org, n in sorted(scenario.observers_for(e).items()) if n > 0]

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs {a.detail} observer(s)"


RULE = Observers()
