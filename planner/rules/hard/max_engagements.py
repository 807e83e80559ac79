"""Hard rule ``max_engagements``: a reviewer takes at most their ``max_engagements`` (0: none at all)."""

from __future__ import annotations

from collections import Counter

from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


class MaxEngagements(HardRule):
    name = RuleName.MAX_ENGAGEMENTS
    order = 150

    def excludes(self, scenario, e, host, r) -> bool:
        return r.max_engagements <= 0

    def constrain(self, m: ModelContext) -> None:
        for r in m.reviewers:
            load = m.load(r)
            if load and len(load) > r.max_engagements:
                m.model.add(sum(load) <= r.max_engagements).only_enforce_if(
                    m.switch(self.assumption(reviewer_id=r.id, detail=str(r.max_engagements))))

    def check(self, c: PlanContext):
        loads = Counter(a.reviewer_id for a in c.plan.assignments)
        for rid, n in sorted(loads.items()):
            r = c.reviewers.get(rid)
            if r is not None and n > r.max_engagements:
                yield self.violation("", rid, f"{rid} takes {n} engagements; at most {r.max_engagements}")

    def phrase(self, scenario, a) -> str:
        return f"{a.reviewer_id} takes at most {a.detail} engagement(s)"


RULE = MaxEngagements()
