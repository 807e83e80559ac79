"""Hard rule ``required_attendees``: every required attendee of a workshop or meeting (reviewer ids and the
members of the listed groups) attends it when it happens."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


class RequiredAttendees(HardRule):
    name = RuleName.REQUIRED_ATTENDEES
    order = 120
    staff_first = 0

    def constrain_engagement(self, m: ModelContext, e) -> None:
        if e.is_review_visit:
            return
        eligible = {r.id for r in m.eligible[e.id]}
        for rid in m.scenario.attendees_of(e.attendees):
            switch = m.switch(self.assumption(e.id, rid))
            if rid in eligible:
                m.model.add(m.vars.assigned[(e.id, rid)] == m.vars.scheduled[e.id]).only_enforce_if(switch)
            else:  # a required attendee with no capacity: the engagement cannot happen
                m.model.add(m.vars.scheduled[e.id] == 0).only_enforce_if(switch)

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            if e.is_review_visit:
                continue
            present = {a.reviewer_id for a in c.team(e.id)}
            for rid in c.scenario.attendees_of(e.attendees):
                if rid not in present:
                    yield self.violation(e.id, rid, f"{rid} must attend {e.title} but is not listed")

    def needs(self, scenario, e, host) -> list[Need]:
        if e.is_review_visit:
            return []
        return [Need(self.name, f"required attendee {rid}", lambda rs, rid=rid: [r for r in rs if r.id == rid], 1)
                for rid in scenario.attendees_of(e.attendees)]

    def phrase(self, scenario, a) -> str:
        return f"{a.reviewer_id} must attend {scenario.engagements_by_id[a.engagement_id].title}"


RULE = RequiredAttendees()
