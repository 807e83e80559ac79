"""Soft terms ``max_load`` and ``load_spread``: the largest number of engagements of one reviewer, and the spread
between the busiest and the least busy reviewer (people with capacity only)."""

from __future__ import annotations

from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class Workload(SoftTerm):
    names = (TermName.MAX_LOAD, TermName.LOAD_SPREAD)
    labels = {
        TermName.MAX_LOAD: "Largest workload (engagements per person)",
        TermName.LOAD_SPREAD: "Workload spread (busiest minus least busy)",
    }
    order = 20

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        loads = [sum(m.load(r)) for r in m.reviewers if r.max_engagements > 0]
        if not loads:
            return []
        top = max((r.max_engagements for r in m.reviewers), default=0)
        high = m.model.new_int_var(0, top, "max_load")
        low = m.model.new_int_var(0, top, "min_load")
        for load in loads:
            m.model.add(high >= load)
            m.model.add(low <= load)
        return [ModelTerm("max_load", "max_load", high), ModelTerm("load_spread", "load_spread", high - low)]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        loads = {r.id: 0 for r in scenario.reviewers if r.max_engagements > 0}
        for a in plan.assignments:
            if a.reviewer_id in loads:
                loads[a.reviewer_id] += 1
        if not loads:
            return []
        high, low = max(loads.values()), min(loads.values())
        busiest = sorted(rid for rid, n in loads.items() if n == high)
        sentence = (f"{', '.join(busiest[:8])}{' …' if len(busiest) > 8 else ''} "
                    f"take{'s' if len(busiest) == 1 else ''} {high} engagement(s)")
        return [
            TermResult("max_load", high, scenario.weights["max_load"], [sentence],
                       [Match(high, f"{rid} takes {high} engagement(s)", reviewer_id=rid) for rid in busiest]),
            TermResult("load_spread", high - low, scenario.weights["load_spread"],
                       [f"loads range from {low} to {high} engagements per person"]),
        ]


TERM = Workload()
