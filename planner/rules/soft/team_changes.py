"""Soft term ``team_changes`` (only when re-planning from a reference plan): people added to or removed from
the teams of engagements that the reference schedules, plus one for each review visit whose reference lead no
longer leads it."""

from __future__ import annotations

from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


class TeamChanges(SoftTerm):
    names = (TermName.TEAM_CHANGES,)
    labels = {TermName.TEAM_CHANGES: "People added to or removed from published teams"}
    order = 70

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        reference = m.reference
        if reference is None:
            return []
        before = {(a.engagement_id, a.reviewer_id) for a in reference.assignments}
        scheduled_before = {o.engagement_id for o in reference.scheduled()}
        changes = []
        for (eid, rid), a in m.vars.assigned.items():
            if eid in scheduled_before:
                changes.append(1 - a if (eid, rid) in before else a)
        for eid, rid in sorted(before):  # people who can no longer be assigned count as removed
            if (eid, rid) not in m.vars.assigned and eid in m.vars.scheduled:
                changes.append(1)
        for eid in sorted(scheduled_before):  # a review visit whose published lead no longer leads
            lead_id = reference.lead(eid)
            if lead_id is not None and eid in m.vars.scheduled:
                lead = m.vars.lead.get((eid, lead_id))
                changes.append(1 if lead is None else 1 - lead)
        return [ModelTerm("team_changes", "team_changes", sum(changes))]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        if reference is None:
            return []
        engagements = scenario.engagements_by_id
        before = {(a.engagement_id, a.reviewer_id) for a in reference.assignments}
        after = {(a.engagement_id, a.reviewer_id) for a in plan.assignments}
        scheduled_before = {o.engagement_id for o in reference.scheduled() if o.engagement_id in engagements}
        matches = [Match(1, f"{rid} leaves {engagements[eid].title}", eid, rid)
                   for eid, rid in sorted(k for k in before - after if k[0] in scheduled_before)]
        matches += [Match(1, f"{rid} joins {engagements[eid].title}", eid, rid)
                    for eid, rid in sorted(k for k in after - before if k[0] in scheduled_before)]
        for eid in sorted(scheduled_before):
            lead_before, lead_after = reference.lead(eid), plan.lead(eid)
            if lead_before is not None and lead_after != lead_before:
                matches.append(Match(1, f"{engagements[eid].title} is no longer led by {lead_before}"
                                     + (f" but by {lead_after}" if lead_after else ""), eid, lead_before))
        return [TermResult("team_changes", len(matches), scenario.weights["team_changes"],
                           [x.sentence for x in matches], matches)]


TERM = TeamChanges()
