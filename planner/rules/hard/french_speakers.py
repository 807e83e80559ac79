"""Hard rule ``french_speakers``: a review team for a francophone host (French among the host participant's
languages) includes ``french_speakers_for_francophone_hosts`` French speakers, unless the host provides
interpretation (the engagement's ``interpretation`` column)."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


def _required(scenario, e, host: str) -> int:
    """How many French speakers ``e`` at ``host`` needs (0 when the rule does not apply)."""
    if not e.is_review_visit or e.interpretation or not scenario.participant(host).francophone:
        return 0
    return scenario.rules.french_speakers_for_francophone_hosts


class FrenchSpeakers(HardRule):
    name = RuleName.FRENCH_SPEAKERS
    order = 100
    staff_first = 30

    def constrain_engagement(self, m: ModelContext, e) -> None:
        n = _required(m.scenario, e, e.hosts[0])
        if n > 0:
            members = m.members_where(e, lambda r: r.speaks("fr"))
            m.model.add(sum(members) >= n * m.vars.scheduled[e.id]).only_enforce_if(
                m.switch(self.assumption(e.id, detail=str(n))))

    def check(self, c: PlanContext):
        for e, o in c.scheduled:
            n = _required(c.scenario, e, o.host)
            have = sum(1 for a in c.team(e.id) if c.reviewers[a.reviewer_id].speaks("fr"))
            if have < n:
                yield self.violation(e.id, "", f"{e.title} has {have} French speaker(s) for a francophone host; "
                                     f"expected {n}")

    def needs(self, scenario, e, host) -> list[Need]:
        n = _required(scenario, e, host)
        if n <= 0:
            return []
        return [Need(self.name, f"{n} French speaker{'s' if n > 1 else ''}",
                     lambda rs: [r for r in rs if r.speaks("fr")], n)]

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs {a.detail} French speaker(s)"


RULE = FrenchSpeakers()
