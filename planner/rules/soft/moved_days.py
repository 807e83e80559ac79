"""Soft term ``moved_days``: days between an engagement's start and its ``published_start``."""

from __future__ import annotations

from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class MovedDays(SoftTerm):
    names = (TermName.MOVED_DAYS,)
    labels = {TermName.MOVED_DAYS: "Days moved away from published dates"}
    order = 60

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        moves = []
        horizon = (m.scenario.horizon_end - m.scenario.horizon_start).days + 1
        for e in m.engagements:
            if e.published_start is None:
                continue
            target = m.day(e.published_start)
            dev = m.model.new_int_var(0, horizon + abs(target), f"moved[{e.id}]")
            sched = m.vars.scheduled[e.id]
            m.model.add(dev >= m.vars.start[e.id] - target).only_enforce_if(sched)
            m.model.add(dev >= target - m.vars.start[e.id]).only_enforce_if(sched)
            moves.append(dev)
        return [ModelTerm("moved_days", "moved_days", sum(moves))]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        outcomes = plan.outcomes_by_id
        matches = []
        for e in scenario.engagements:
            o = outcomes.get(e.id)
            if e.published_start is not None and o is not None and o.scheduled and o.start != e.published_start:
                days = abs((o.start - e.published_start).days)
                matches.append(Match(days, f"{e.title} moves {days} day(s) from {e.published_start:%d %b} to "
                                     f"{o.start:%d %b}", e.id))
        return [TermResult("moved_days", sum(x.amount for x in matches), scenario.weights["moved_days"],
                           [x.sentence for x in matches], matches)]


TERM = MovedDays()
