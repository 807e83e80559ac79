"""A greedy baseline: what a coordinator with a spreadsheet does.

Engagements in order of priority, then of earliest start; for each, the first host and the earliest day on
which a team can be formed from the first eligible reviewers (by id), who are then booked. Like a coordinator,
it keeps people free for the required engagements they must attend (one engagement for each, until its
turn), unless a required engagement cannot happen otherwise. No other look-ahead, no optimisation. Used by
the benchmarks to show what CP-SAT adds and by ``solve`` as a starting plan; its plans pass ``planner.check``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date

import numpy as np

from planner.core.calendar import (
    Commitment,
    allowed_starts,
    blocked_starts,
    clashing_starts,
    reviewer_commitments,
)
from planner.core.model import PRIORITIES, Assignment, Engagement, EngagementOutcome, Plan, Reviewer, Scenario
from planner.rules.hard import BY_NAME, eligible_reviewers, staffing_needs
from planner.rules.names import RuleName

#: the needs about who leads (the lead is chosen once, meeting them all)
LEAD_RULES = (RuleName.ONE_LEAD, RuleName.FRENCH_LEAD)
#: person → the (engagement, host, start) booked so far
Bookings = dict[str, list[tuple[Engagement, str, date]]]


def _pick_team(scenario: Scenario, e: Engagement, host: str, free: list[Reviewer]) -> list[tuple[Reviewer, str]] | None:
    """First-fit team from ``free`` (sorted by id) meeting every rule's staffing need, or None: the pinned people
    first, a lead, then each need in rule order, then anyone to reach the smallest team."""
    low, high = scenario.team_bounds(e)
    pins = {p.reviewer_id: p.role for p in scenario.pins_of(e.id)}
    team: list[Reviewer] = [r for r in free if pins.get(r.id) in ("lead", "member", "attendee")]
    if len(team) < sum(1 for role in pins.values() if role != "excluded"):
        return None  # a pinned person is busy on this day
    lead: Reviewer | None = next((r for r in team if pins[r.id] == "lead"), None)
    # a spreadsheet user fills the scarce roles first: required attendees, the lead, observers, speakers, governments
    needs = sorted(staffing_needs(scenario, e, host), key=lambda n: BY_NAME[n.rule].staff_first)
    lead_needs = [n for n in needs if n.rule in LEAD_RULES]
    if e.is_review_visit and lead is None:
        allowed = set.intersection(*({r.id for r in n.candidates(free)} for n in lead_needs)) if lead_needs \
            else {r.id for r in free}  # once per need, not per person (large scenarios have many free people)
        leads = [r for r in free if pins.get(r.id) != "member" and r.id in allowed]
        if not leads:
            return None
        lead = leads[0]
        if lead not in team:
            team.append(lead)
    for need in needs:
        if need.rule == RuleName.TEAM_SIZE or need.rule in LEAD_RULES:
            continue  # the team is filled up last; the lead is chosen
        candidates = need.candidates(free)
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


def commitment_holders(commitments: dict[str, list[Commitment]]) -> dict[tuple, list[str]]:
    """Who holds each distinct commitment (a fixed event is shared by its attendees), by its dates and place."""
    holders: dict[tuple, list[str]] = {}
    for rid, items in commitments.items():
        for c in items:
            holders.setdefault((c.start, c.end, c.place), []).append(rid)
    return holders


def free_matrix(scenario: Scenario, e: Engagement, host: str, eligible: list[Reviewer], starts: list[date],
                 holders: dict[tuple, list[str]]) -> np.ndarray:
    """(person × start day) → free of fixed commitments: each distinct commitment is turned into blocked start
    days once, for all who hold it."""
    days = [d.toordinal() for d in starts]
    row_of = {r.id: i for i, r in enumerate(eligible)}
    free = np.ones((len(eligible), len(starts)), dtype=bool)
    for (start, end, place), rids in holders.items():
        rows = [row_of[rid] for rid in rids if rid in row_of]
        if not rows:
            continue
        first, last = blocked_starts(scenario, Commitment(start, end, "", place), e, host)
        low, high = bisect_left(days, first.toordinal()), bisect_right(days, last.toordinal())
        if low < high:
            free[rows, low:high] = False
    return free


def block_bookings(scenario: Scenario, e: Engagement, host: str, eligible: list[Reviewer], rows: list[int],
                   starts: list[date], booked: Bookings, free: np.ndarray) -> None:
    """Mark in ``free`` the start days of ``e`` on which the booked engagements of the people in ``rows`` clash
    with it: each booking is turned into its clashing start days once, not tested day by day."""
    days = [d.toordinal() for d in starts]
    for i in rows:
        for f, host_f, start_f in booked[eligible[i].id]:
            first, last = clashing_starts(scenario, e, host, f, host_f, start_f)
            low, high = bisect_left(days, first.toordinal()), bisect_right(days, last.toordinal())
            free[i, low:high] = False


def must_attend(scenario: Scenario, e: Engagement) -> set[str]:
    """Who must be on a team of ``e`` if it happens: its required attendees and the people pinned onto it."""
    pinned = {p.reviewer_id for p in scenario.pins_of(e.id) if p.role != "excluded"}
    return set(scenario.attendees_of(e.attendees)) | pinned


def _first_fit(scenario: Scenario, e: Engagement, booked: Bookings, reserved: Counter,
               holders: dict[tuple, list[str]]) -> tuple[str, date, list[tuple[Reviewer, str]]] | None:
    """The first host and earliest start day of ``e`` on which a first-fit team can be formed from people free of
    their commitments and bookings and with an engagement left beyond those ``reserved``: (host, start, team)."""
    for host in e.hosts:
        starts = allowed_starts(scenario, e, host)
        if not starts:
            continue
        eligible = sorted(eligible_reviewers(scenario, e, host), key=lambda r: r.id)
        open_ = [i for i, r in enumerate(eligible) if len(booked[r.id]) + reserved[r.id] < r.max_engagements]
        eligible_free = free_matrix(scenario, e, host, eligible, starts, holders)
        block_bookings(scenario, e, host, eligible, open_, starts, booked, eligible_free)
        for j, start in enumerate(starts):
            column = eligible_free[:, j]
            team = _pick_team(scenario, e, host, [eligible[i] for i in open_ if column[i]])
            if team is not None:
                return host, start, team
    return None


def greedy_plan(scenario: Scenario) -> Plan:
    """Schedule greedily; engagements that do not fit are left unscheduled with a short reason."""
    commitments = reviewer_commitments(scenario)
    booked: Bookings = {r.id: [] for r in scenario.reviewers}
    order = sorted(scenario.engagements, key=lambda e: (PRIORITIES.index(e.priority), e.earliest_start, e.id))
    # a coordinator keeps people free for the required engagements they must attend: each such engagement still
    # to place holds one of its people's max_engagements until its turn
    reserved = Counter(rid for e in order if e.required for rid in must_attend(scenario, e))
    assignments: list[Assignment] = []
    outcomes: list[EngagementOutcome] = []
    holders = commitment_holders(commitments)
    for e in order:
        if e.required:
            reserved.subtract(must_attend(scenario, e))
        found = _first_fit(scenario, e, booked, reserved, holders)
        if found is None and e.required:
            # a required engagement takes a person kept free for a later one rather than be left out itself
            found = _first_fit(scenario, e, booked, Counter(), holders)
        if found is None:
            outcomes.append(EngagementOutcome(e.id, "unscheduled",
                                              reason="no day on which a first-fit team was free"))
            continue
        host, start, team = found
        end = e.end_for(start)
        for r, role in team:
            booked[r.id].append((e, host, start))
            assignments.append(Assignment(e.id, e.kind, host, start, end, r.id, role))
        outcomes.append(EngagementOutcome(e.id, "scheduled", start, end, host))
    outcomes.sort(key=lambda o: o.engagement_id)
    return Plan(tuple(assignments), tuple(outcomes), {"status": "GREEDY"})
