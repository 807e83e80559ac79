"""Soft term ``weekday_start``: engagements starting on a day that is not one of ``preferred_start_weekdays``.

An engagement with a ``pinned_start`` is not counted: its date is confirmed (RU-RV starts on Saturday 25 Aug 2018),
so a preference cannot move it and should not make the plan look worse for it."""

from __future__ import annotations

from planner.core.calendar import weekday_penalty
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class WeekdayStart(SoftTerm):
    names = (TermName.WEEKDAY_START,)
    labels = {TermName.WEEKDAY_START: "Engagements not starting on a preferred weekday"}
    order = 80

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        preferred = m.scenario.rules.preferred_start_weekdays
        if not preferred:
            return []
        misses = []
        for e in m.engagements:
            if e.pinned_start is not None:  # a confirmed date is not a preference's to penalise (as in evaluate)
                continue
            domain_values = sorted({d for host in e.hosts for d in m.allowed[(e.id, host)]})
            good = [d for d in domain_values if m.date_of(d).weekday() in preferred]
            if len(good) == len(domain_values):
                continue
            miss = m.model.new_bool_var(f"weekday_miss[{e.id}]")
            sched = m.vars.scheduled[e.id]
            if good:
                m.model.add_linear_expression_in_domain(m.vars.start[e.id], m.Domain.from_values(good)) \
                    .only_enforce_if([sched, miss.Not()])
            else:
                m.model.add_implication(sched, miss)
            misses.append(miss)
        return [ModelTerm("weekday_start", "weekday_start", sum(misses))]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        if not scenario.rules.preferred_start_weekdays:
            return []
        engagements = scenario.engagements_by_id
        matches = [Match(1, f"{engagements[o.engagement_id].title} starts on a {o.start:%A}", o.engagement_id)
                   for o in plan.scheduled()
                   if engagements[o.engagement_id].pinned_start is None and weekday_penalty(scenario, o.start)]
        return [TermResult("weekday_start", len(matches), scenario.weights["weekday_start"],
                           [x.sentence for x in matches], matches)]


TERM = WeekdayStart()
