"""Soft term ``host_calendar`` (with ``host_calendar: soft``): each engagement that starts on a public holiday or a
weekend day of its host counts one, and so does each public holiday among its days on site. Holidays and weekends
come from the ``holidays`` package (``planner.core.calendar``); a pinned start is not counted (a confirmed date).
With ``host_calendar: hard`` the same days are not allowed at all (``window_and_calendar``)."""

from __future__ import annotations

from planner.core.calendar import host_calendar_applies, host_calendar_clashes
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


def _counted(scenario, e) -> bool:
    return scenario.rules.host_calendar == "soft" and host_calendar_applies(scenario, e)


class HostCalendar(SoftTerm):
    names = (TermName.HOST_CALENDAR,)
    labels = {TermName.HOST_CALENDAR: "Starts on a host's public holiday or weekend, and public holidays on site"}
    order = 85

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        counts = []
        for e in m.engagements:
            if not _counted(m.scenario, e):
                continue
            for host in e.hosts:
                days = m.allowed[(e.id, host)]
                misses = {d: len(host_calendar_clashes(m.scenario, e, host, m.date_of(d))) for d in days}
                # one literal per level k: "this start costs at least k"; their sum is the start's count
                for k in range(1, max(misses.values(), default=0) + 1):
                    below = [d for d in days if misses[d] < k]
                    at_least = m.model.new_bool_var(f"host_calendar[{e.id},{host},{k}]")
                    if below:
                        m.model.add_linear_expression_in_domain(
                            m.vars.start[e.id], m.Domain.from_values(below)).only_enforce_if(
                            [m.host_literal(e, host), at_least.Not()])
                    else:
                        m.model.add_implication(m.host_literal(e, host), at_least)
                    counts.append(at_least)
        return [ModelTerm("host_calendar", "host_calendar", sum(counts))] if counts else []

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        if scenario.rules.host_calendar != "soft":
            return []
        engagements = scenario.engagements_by_id
        matches = []
        for o in plan.scheduled():
            e = engagements[o.engagement_id]
            if _counted(scenario, e):
                matches += [Match(1, f"{e.title}: {clash}", e.id)
                            for clash in host_calendar_clashes(scenario, e, o.host, o.start)]
        return [TermResult("host_calendar", len(matches), scenario.weights["host_calendar"],
                           [x.sentence for x in matches], matches)]


TERM = HostCalendar()
