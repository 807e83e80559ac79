"""Soft term ``lead_language``: review visits whose lead speaks none of the host's languages."""

from __future__ import annotations

from planner.core.languages import language_list
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class LeadLanguage(SoftTerm):
    names = (TermName.LEAD_LANGUAGE,)
    labels = {TermName.LEAD_LANGUAGE: "Review visits whose lead speaks no language of the host"}
    order = 40

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        misses = []
        for e in m.engagements:
            if not e.is_review_visit:
                continue
            host_languages = set(m.scenario.participant(e.hosts[0]).languages)
            for r in m.eligible[e.id]:
                lead = m.vars.lead.get((e.id, r.id))
                if lead is not None and not host_languages & set(r.languages):
                    misses.append(lead)
        return [ModelTerm("lead_language", "lead_language", sum(misses))]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
        matches = []
        for o in plan.scheduled():
            e = engagements[o.engagement_id]
            lead_id = plan.lead(e.id)
            host = scenario.participant(o.host)
            if e.is_review_visit and lead_id and not set(host.languages) & set(reviewers[lead_id].languages):
                spoken = language_list(host.languages) or "the host's language"
                matches.append(Match(1, f"{e.title}: the lead {lead_id} speaks no {spoken}", e.id, lead_id))
        return [TermResult("lead_language", len(matches), scenario.weights["lead_language"],
                           [x.sentence for x in matches], matches)]


TERM = LeadLanguage()
