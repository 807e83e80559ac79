"""Soft term ``regional_peer``: review visits without a government reviewer from the host's region."""

from __future__ import annotations

from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


def region_of(scenario, r) -> str | None:
    code = scenario.reviewer_participant(r)
    return scenario.participant(code).region if code else None


class RegionalPeer(SoftTerm):
    names = (TermName.REGIONAL_PEER,)
    labels = {TermName.REGIONAL_PEER: "Review visits without a peer from the host's region"}
    order = 50

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        misses = []
        for e in m.engagements:
            if not e.is_review_visit:
                continue
            region = m.scenario.participant(e.hosts[0]).region
            peers = m.members_where(e, lambda r, region=region: r.is_government
                                    and region_of(m.scenario, r) == region)
            miss = m.model.new_bool_var(f"no_regional_peer[{e.id}]")
            m.model.add(sum(peers) + miss >= m.vars.scheduled[e.id])
            misses.append(miss)
        return [ModelTerm("regional_peer", "regional_peer", sum(misses))]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
        matches = []
        for o in plan.scheduled():
            e = engagements[o.engagement_id]
            if not e.is_review_visit:
                continue
            region = scenario.participant(o.host).region
            team = [reviewers[a.reviewer_id] for a in plan.team(e.id)]
            if not any(r.is_government and region_of(scenario, r) == region for r in team):
                matches.append(Match(1, f"{e.title}: no government reviewer from {region} on the team", e.id))
        return [TermResult("regional_peer", len(matches), scenario.weights["regional_peer"],
                           [x.sentence for x in matches], matches)]


TERM = RegionalPeer()
