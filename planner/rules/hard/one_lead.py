"""Hard rule ``one_lead``: a review visit has exactly one lead, a lead-eligible member of the team who (when
``lead_must_be_participant_government`` is on) represents a participant government; the others are members.
Workshops and meetings have attendees only. The model's lead variables exist only for people who ``may_lead``."""

from __future__ import annotations

from planner.core.model import Reviewer, Scenario
from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


def may_lead(scenario: Scenario, r: Reviewer) -> bool:
    return scenario.may_lead(r)


class OneLead(HardRule):
    name = RuleName.ONE_LEAD
    order = 60
    staff_first = 10

    def constrain_engagement(self, m: ModelContext, e) -> None:
        if not e.is_review_visit:
            return
        leads = [m.vars.lead[(e.id, r.id)] for r in m.eligible[e.id] if (e.id, r.id) in m.vars.lead]
        m.model.add(sum(leads) == m.vars.scheduled[e.id]).only_enforce_if(m.switch(self.assumption(e.id)))

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            team = c.team(e.id)
            if e.is_review_visit:
                leads = [a for a in team if a.role == "lead"]
                if len(leads) != 1:
                    yield self.violation(e.id, "", f"{e.title} has {len(leads)} leads; expected exactly one")
                for a in leads:
                    r = c.reviewers[a.reviewer_id]
                    if not may_lead(c.scenario, r):
                        yield self.violation(e.id, r.id, f"{r.id} leads {e.title} but is not a lead-eligible "
                                             "participant-government reviewer")
                for a in team:
                    if a.role not in ("lead", "member"):
                        yield self.violation(e.id, a.reviewer_id, f"{a.reviewer_id} has role {a.role!r} on a review "
                                             "visit; expected lead or member")
            else:
                for a in team:
                    if a.role != "attendee":
                        yield self.violation(e.id, a.reviewer_id, f"{a.reviewer_id} has role {a.role!r} on "
                                             f"{e.title}; expected attendee")

    def needs(self, scenario, e, host) -> list[Need]:
        if not e.is_review_visit:
            return []
        return [Need(self.name, "a lead-eligible participant-government reviewer",
                     lambda rs: [r for r in rs if may_lead(scenario, r)], 1)]

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs a lead-eligible participant-government lead"


RULE = OneLead()
