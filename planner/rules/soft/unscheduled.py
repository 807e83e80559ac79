"""Soft terms ``unscheduled_high`` / ``_normal`` / ``_low``: optional engagements left out, weighted by priority
(required engagements are a hard rule)."""

from __future__ import annotations

from planner.core.model import PRIORITIES
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class Unscheduled(SoftTerm):
    names = (TermName.UNSCHEDULED_HIGH, TermName.UNSCHEDULED_NORMAL, TermName.UNSCHEDULED_LOW)
    labels = {
        TermName.UNSCHEDULED_HIGH: "High-priority engagements left out",
        TermName.UNSCHEDULED_NORMAL: "Normal-priority engagements left out",
        TermName.UNSCHEDULED_LOW: "Low-priority engagements left out",
    }
    order = 10

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        terms = []
        for priority in PRIORITIES[1:]:
            missing = [1 - m.vars.scheduled[e.id] for e in m.engagements if e.priority == priority]
            terms.append(ModelTerm(f"unscheduled_{priority}", f"unscheduled_{priority}", sum(missing)))
        return terms

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        outcomes = plan.outcomes_by_id
        results = []
        for priority in PRIORITIES[1:]:
            matches = []
            for e in scenario.engagements:
                o = outcomes.get(e.id)
                if e.priority == priority and not (o and o.scheduled):
                    reason = f": {o.reason}" if o is not None and o.reason else ""
                    matches.append(Match(1, f"{e.title} is not scheduled{reason}", engagement_id=e.id))
            name = f"unscheduled_{priority}"
            results.append(TermResult(name, len(matches), scenario.weights[name], [x.sentence for x in matches],
                                      matches))
        return results


TERM = Unscheduled()
