"""Hard rule ``other_governments``: a review team includes reviewers of at least
``min_other_participant_governments`` participant governments other than the host (or the engagement's own
``min_other_governments``: ``Scenario.other_governments_for``)."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


class OtherGovernments(HardRule):
    name = RuleName.OTHER_GOVERNMENTS
    order = 80
    staff_first = 40

    def constrain_engagement(self, m: ModelContext, e) -> None:
        k = m.scenario.other_governments_for(e)
        if k <= 0 or not e.is_review_visit:
            return
        by_participant: dict[str, list] = {}
        for r in m.eligible[e.id]:
            if r.is_government:
                by_participant.setdefault(m.scenario.reviewer_participant(r), []).append(m.vars.assigned[(e.id, r.id)])
        present = []
        for code in sorted(by_participant):
            lit = m.model.new_bool_var(f"government_present[{e.id},{code}]")
            m.model.add_bool_or(by_participant[code]).only_enforce_if(lit)
            present.append(lit)
        m.model.add(sum(present) >= k * m.vars.scheduled[e.id]).only_enforce_if(
            m.switch(self.assumption(e.id, detail=str(k))))

    def check(self, c: PlanContext):
        for e, o in c.scheduled:
            k = c.scenario.other_governments_for(e)
            if not e.is_review_visit:
                continue
            governments = {c.scenario.reviewer_participant(c.reviewers[a.reviewer_id]) for a in c.team(e.id)
                           if c.reviewers[a.reviewer_id].is_government} - {o.host}
            if len(governments) < k:
                yield self.violation(e.id, "", f"{e.title} has reviewers of {len(governments)} other participant "
                                     f"governments; expected at least {k}")

    def needs(self, scenario, e, host) -> list[Need]:
        k = scenario.other_governments_for(e)
        if not e.is_review_visit or k <= 0:
            return []
        return [Need(self.name, f"reviewers from {k} other participant governments",
                     lambda rs: [r for r in rs if r.is_government], k, distinct=scenario.reviewer_participant)]

    def phrase(self, scenario, a) -> str:
        title = scenario.engagements_by_id[a.engagement_id].title
        return f"{title} needs reviewers of {a.detail} other participant governments"


RULE = OtherGovernments()
