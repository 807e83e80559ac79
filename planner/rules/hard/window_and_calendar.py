"""Hard rule ``window_and_calendar``: an engagement starts inside its window, not in the plenary week nor (for
the kinds the rules name) in the report lead time before it, and not before its host becomes a participant;
with ``host_calendar: hard``, not on a start that falls on the host's public holiday or weekend nor with a public
holiday on site (a pinned start is exempt: its date is confirmed). What each day allows is decided once, in
``planner.core.calendar``; the model takes its start domains from it."""

from __future__ import annotations

from planner.core.calendar import start_rejection
from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


class WindowAndCalendar(HardRule):
    name = RuleName.WINDOW_AND_CALENDAR
    order = 20

    def constrain_engagement(self, m: ModelContext, e) -> None:
        switch = m.switch(self.assumption(e.id))
        for host in e.hosts:
            days = m.allowed[(e.id, host)]
            lit = m.host_literal(e, host)
            if days:
                m.model.add_linear_expression_in_domain(
                    m.vars.start[e.id], m.Domain.from_values(days)).only_enforce_if([lit, *switch])
            else:
                m.model.add_bool_or([lit.Not(), *(s.Not() for s in switch)])

    def check(self, c: PlanContext):
        for e, o in c.scheduled:
            reason = start_rejection(c.scenario, e, o.host, o.start, ignore_pin=True)
            if reason:
                yield self.violation(e.id, "", f"{e.title} starts on {o.start}: {reason}")

    def phrase(self, scenario, a) -> str:
        e = scenario.engagements_by_id[a.engagement_id]
        calendar = (", the host's public holidays and weekend" if scenario.rules.host_calendar == "hard"
                    and e.pinned_start is None else "")
        return (f"{e.title} must fit in {e.earliest_start:%d %b}–{e.latest_end:%d %b} outside the plenary{calendar} "
                "and its report lead time")


RULE = WindowAndCalendar()
