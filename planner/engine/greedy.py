"""A greedy baseline: what a coordinator with a spreadsheet does.

Engagements in order of priority, then of earliest start; for each, the first host and the earliest day on
which a team can be formed from the first eligible reviewers (by id), who are then booked. No look-ahead,
no optimisation. Used by the benchmarks to show what CP-SAT adds; its plans pass ``planner.check``.
"""

from __future__ import annotations

from datetime import date

from planner.core.calendar import allowed_starts, blocked_starts, engagements_clash, reviewer_commitments
from planner.core.model import PRIORITIES, Assignment, Engagement, EngagementOutcome, Plan, Reviewer, Scenario
from planner.rules.hard import BY_NAME, eligible_reviewers, staffing_needs
from planner.rules.names import RuleName


def _pick_team(scenario: Scenario, e: Engagement, host: str, free: list[Reviewer]) -> list[tuple[Reviewer, str]] | None:
    """First-fit team from ``free`` (sorted by id) meeting every rule's staffing need, or None: a lead first,
    then each need in rule order, then anyone to reach the smallest team."""
    low, high = scenario.team_bounds(e)
    team: list[Reviewer] = []
    lead: Reviewer | None = None
    # a spreadsheet user fills the scarce roles first: required attendees, the lead, observers, speakers, governments
    needs = sorted(staffing_needs(scenario, e, host), key=lambda n: BY_NAME[n.rule].staff_first)
    for need in needs:
        candidates = need.candidates(free)
        if need.rule == RuleName.TEAM_SIZE:
            continue  # filled up last
        if need.rule == RuleName.ONE_LEAD:
            if not candidates:
                return None
            lead = candidates[0]
            team.append(lead)
            continue
        for r in candidates:
            if need.amount([x for x in team if x in candidates]) >= need.count:
                break
            if r not in team and (need.distinct is None or need.distinct(r) not in {need.distinct(x) for x in team
                                                                                    if x in candidates}):
                team.append(r)
        if need.amount([x for x in team if x in candidates]) < need.count:
            return None
    for r in free:
        if len(team) >= low:
            break
        if r not in team:
            team.append(r)
    if not low <= len(team) <= high:
        return None
    if e.is_review_visit:
        return [(r, "lead" if r is lead else "member") for r in team]
    return [(r, "attendee") for r in team]


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
