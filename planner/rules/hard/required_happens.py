"""Hard rule ``required_happens``: a ``required`` engagement is scheduled."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


class RequiredHappens(HardRule):
    name = RuleName.REQUIRED_HAPPENS
    order = 30

    def constrain_engagement(self, m: ModelContext, e) -> None:
        if e.required:
            m.model.add(m.vars.scheduled[e.id] == 1).only_enforce_if(m.switch(self.assumption(e.id)))

    def check(self, c: PlanContext):
        for e in c.scenario.engagements:
            o = c.outcomes.get(e.id)
            if e.required and not (o and o.scheduled):
                yield self.violation(e.id, "", f"{e.title} is required but not scheduled")

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} is required"


RULE = RequiredHappens()
