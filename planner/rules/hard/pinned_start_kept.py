"""Hard rule ``pinned_start_kept``: an engagement with a ``pinned_start`` happens and starts on that day."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


class PinnedStartKept(HardRule):
    name = RuleName.PINNED_START_KEPT
    order = 40

    def constrain_engagement(self, m: ModelContext, e) -> None:
        if e.pinned_start is not None:
            switch = m.switch(self.assumption(e.id))
            m.model.add(m.vars.scheduled[e.id] == 1).only_enforce_if(switch)
            m.model.add(m.vars.start[e.id] == m.day(e.pinned_start)).only_enforce_if(switch)

    def check(self, c: PlanContext):
        for e in c.scenario.engagements:
            o = c.outcomes.get(e.id)
            if e.pinned_start is not None and not (o and o.scheduled and o.start == e.pinned_start):
                yield self.violation(e.id, "", f"{e.title} is pinned to {e.pinned_start} but "
                                     + (f"starts on {o.start}" if o and o.scheduled else "is not scheduled"))

    def phrase(self, scenario, a) -> str:
        e = scenario.engagements_by_id[a.engagement_id]
        return f"{e.title} is pinned to {e.pinned_start:%d %b %Y}"


RULE = PinnedStartKept()
