"""Hard rule ``french_lead``: when ``french_lead_for_francophone_hosts`` is on, the lead of a review visit to a
francophone host speaks French (in the cases found, francophone hosts had francophone leads: a setting, not a
KP rule). Off, the soft term ``lead_language`` still prefers a lead who speaks a language of the host."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.hard.one_lead import may_lead
from planner.rules.names import RuleName


def applies(scenario, e, host: str) -> bool:
    """Does ``e`` at ``host`` need a French-speaking lead?"""
    return (scenario.rules.french_lead_for_francophone_hosts and e.is_review_visit
            and scenario.participant(host).francophone)


class FrenchLead(HardRule):
    name = RuleName.FRENCH_LEAD
    order = 105
    staff_first = 5  # before the lead in general: a French-speaking lead is the scarcer role

    def constrain_engagement(self, m: ModelContext, e) -> None:
        french_leads = [m.vars.lead[(e.id, r.id)] for r in m.eligible[e.id]
                        if (e.id, r.id) in m.vars.lead and r.speaks("fr")]
        for host in e.hosts:
            if applies(m.scenario, e, host):
                m.model.add(sum(french_leads) >= m.host_literal(e, host)).only_enforce_if(
                    m.switch(self.assumption(e.id, detail=host)))

    def check(self, c: PlanContext):
        for e, o in c.scheduled:
            if not applies(c.scenario, e, o.host):
                continue
            lead = c.plan.lead(e.id)
            if lead is not None and lead in c.reviewers and not c.reviewers[lead].speaks("fr"):
                yield self.violation(e.id, lead, f"{e.title} is led by {lead}, who does not speak French; a visit "
                                     "to a francophone host has a French-speaking lead")

    def needs(self, scenario, e, host) -> list[Need]:
        if not applies(scenario, e, host):
            return []
        return [Need(self.name, "a French-speaking lead",
                     lambda rs: [r for r in rs if may_lead(scenario, r) and r.speaks("fr")], 1)]

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs a French-speaking lead"


RULE = FrenchLead()
