"""A greedy baseline: what a coordinator with a spreadsheet does.

Engagements in order of priority, then of earliest start; for each, the first host and the earliest day on
which a team can be formed from the first eligible reviewers (by id), who are then booked. No look-ahead,
no optimisation. Used by the benchmarks to show what CP-SAT adds; its plans pass ``planner.check``.
"""

from __future__ import annotations

from datetime import date

from planner.core.calendar import (
    allowed_starts,
    blocked_starts,
    eligible_reviewers,
    engagements_clash,
    is_francophone_host,
    reviewer_commitments,
)
from planner.core.model import PRIORITIES, Assignment, Engagement, EngagementOutcome, Plan, Reviewer, Scenario


def _pick_team(scenario: Scenario, e: Engagement, host: str, free: list[Reviewer]) -> list[tuple[Reviewer, str]] | None:
    """First-fit team from ``free`` (sorted by id) meeting every composition rule, or None."""
    rules = scenario.rules
    low, high = scenario.team_bounds(e)
    team: list[Reviewer] = []

    def add(candidates: list[Reviewer], count: int) -> bool:
        have = sum(1 for r in team if r in candidates)
        for r in candidates:
            if have >= count:
                break
            if r not in team:
                team.append(r)
                have += 1
        return have >= count

    role = "member" if e.is_review_visit else "attendee"
    if not e.is_review_visit:
        required = set(scenario.attendees_of(e.attendees))
        if not add([r for r in free if r.id in required], len(required)):
            return None
    else:
        leads = [r for r in free if r.lead_eligible
                 and (r.is_government or not rules.lead_must_be_participant_government)]
        if not leads:
            return None
        team.append(leads[0])
        for org, n in sorted(rules.observers_required.items()):
            if not add([r for r in free if r.organisation == org], n):
                return None
        n = rules.french_speakers_for_francophone_hosts
        if n and is_francophone_host(scenario, host) and not add([r for r in free if r.speaks("fr")], n):
            return None
        governments = {scenario.reviewer_participant(r) for r in team if r.is_government}
        for r in free:
            if len(governments) >= rules.min_other_participant_governments:
                break
            code = scenario.reviewer_participant(r)
            if r.is_government and code not in governments:
                team.append(r)
                governments.add(code)
        if len(governments) < rules.min_other_participant_governments:
            return None
    for lang in e.languages:
        if not add([r for r in free if r.speaks(lang)], 1):
            return None
    for tag in e.expertise:
        if not add([r for r in free if tag in r.expertise], 1):
            return None
    add(free, low)
    if not low <= len(team) <= high:
        return None
    if e.is_review_visit:
        return [(team[0], "lead")] + [(r, role) for r in team[1:]]
    return [(r, role) for r in team]


def greedy_plan(scenario: Scenario) -> Plan:
    """Schedule greedily; engagements that do not fit are left unscheduled with a short reason."""
    commitments = reviewer_commitments(scenario)
    booked: dict[str, list[tuple[Engagement, str, date]]] = {r.id: [] for r in scenario.reviewers}
    order = sorted(scenario.engagements, key=lambda e: (PRIORITIES.index(e.priority), e.earliest_start, e.id))
    assignments: list[Assignment] = []
    outcomes: list[EngagementOutcome] = []
    for e in order:
        placed = False
        for host in e.hosts:
            eligible = sorted(eligible_reviewers(scenario, e, host), key=lambda r: r.id)
            # each person's blocked start ranges for this engagement and host, computed once
            blocked = {r.id: [blocked_starts(scenario, c, e, host) for c in commitments[r.id]] for r in eligible}
            for start in allowed_starts(scenario, e, host):
                free = [r for r in eligible
                        if len(booked[r.id]) < r.max_engagements
                        and not any(first <= start <= last for first, last in blocked[r.id])
                        and not any(engagements_clash(scenario, e, host, start, f, fh, fs)
                                    for f, fh, fs in booked[r.id])]
                team = _pick_team(scenario, e, host, free)
                if team is None:
                    continue
                end = e.end_for(start)
                for r, role in team:
                    booked[r.id].append((e, host, start))
                    assignments.append(Assignment(e.id, e.kind, host, start, end, r.id, role))
                outcomes.append(EngagementOutcome(e.id, "scheduled", start, end, host))
                placed = True
                break
            if placed:
                break
        if not placed:
            outcomes.append(EngagementOutcome(e.id, "unscheduled",
                                              reason="no day on which a first-fit team was free"))
    outcomes.sort(key=lambda o: o.engagement_id)
    return Plan(tuple(assignments), tuple(outcomes), {"status": "GREEDY"})
