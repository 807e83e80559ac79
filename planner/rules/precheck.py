"""Cheap pre-solve checks: can each engagement be staffed at all, on its own?

For every allowed start day of an engagement, look at the reviewers free on that day (ignoring the other
engagements) and test each staffing rule. When some rule fails on every day, that engagement cannot happen,
and the finding says why in a sentence that names the people and the commitments that block them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from planner.core.calendar import (
    Commitment,
    allowed_starts,
    commitment_blocks,
    free_starts,
    reviewer_commitments,
    start_rejection,
)
from planner.core.model import Engagement, Reviewer, Scenario
from planner.core.problems import Problem
from planner.rules.base import country_name
from planner.rules.hard import eligible_reviewers, staffing_needs
from planner.rules.names import RuleName


@dataclass(frozen=True)
class StaffingFinding:
    engagement_id: str
    engagement_required: bool
    rule: str
    sentence: str
    row: int | None = None

    def as_problem(self) -> Problem:
        return Problem("engagements.csv", self.sentence, row=self.row, column="id", value=self.engagement_id)


def _window_text(engagement: Engagement, starts: list[date]) -> str:
    first, last = starts[0], engagement.end_for(starts[-1])
    return f"between {first:%d %B} and {last:%d %B %Y}"


def _blockers(scenario: Scenario, engagement: Engagement, host: str, people: list[Reviewer],
              starts: list[date], commitments: dict[str, list[Commitment]]) -> str:
    """Each person's commitments that block some start, with their dates."""
    parts = []
    for r in people:
        labels = []
        for c in commitments[r.id]:
            label = f"{c.label} {_span(c.start, c.end)}" + (" (with the travel to and from it)" if c.place else "")
            if any(commitment_blocks(scenario, c, engagement, host, s) for s in starts) and label not in labels:
                labels.append(label)
        parts.append(f"{r.id} is {' and '.join(labels)}" if labels else f"{r.id} is free")
    return "; ".join(parts)


def _span(start: date, end: date) -> str:
    return f"on {start:%d %b}" if start == end else f"{start:%d %b}–{end:%d %b}"


def _smallest_covers(failed_on: dict[int, set[int]], days: int, largest: int = 3) -> list[tuple[int, ...]]:
    """Every smallest set of needs that between them fail on every start day (each day lacks at least one of
    them): needs that cannot be met *together*. Each is a conflict of its own: the engagement fits only once
    every one of them is resolved. Empty when no combination of up to ``largest`` needs covers every day."""
    every = set(range(days))
    keys = sorted(failed_on)
    for size in range(1, largest + 1):
        covers = [combo for combo in combinations(keys, size)
                  if set().union(*(failed_on[k] for k in combo)) == every]
        if covers:
            return covers
    return []


def _rejections(scenario: Scenario, engagement: Engagement, host: str, most: int = 4) -> str:
    """Why no day of the window may start ``engagement``, in words: each reason once, with the starts it rules
    out ("starting 12–16 Nov: during the plenary …", "starting 7 Aug: 7 Aug is a public holiday in …")."""
    reasons: dict[str, list] = {}
    day = engagement.earliest_start
    while day <= engagement.latest_start:
        reason = start_rejection(scenario, engagement, host, day)
        if reason:
            reasons.setdefault(reason, []).append(day)
        day += timedelta(days=1)
    if not reasons:
        return "its window is shorter than its duration"
    parts = [f"starting {_days_text(days)}: {r}" for r, days in reasons.items()]
    more = f"; and {len(parts) - most} more" if len(parts) > most else ""
    return "; ".join(parts[:most]) + more


def _days_text(days: list[date]) -> str:
    first, last = days[0], days[-1]
    return f"{first:%-d %b}" if first == last else f"{first:%-d %b}–{last:%-d %b}"


def engagement_findings(scenario: Scenario, engagement: Engagement,
                        commitments: dict[str, list[Commitment]] | None = None,
                        excluded: frozenset[tuple[str, str]] = frozenset()) -> list[StaffingFinding]:
    """Why ``engagement`` cannot be staffed at any host and start (empty when it can); ``excluded``
    (engagement, person) pairs are drop-outs, named in the sentence when they matter."""
    commitments = commitments if commitments is not None else reviewer_commitments(scenario)
    findings: list[StaffingFinding] = []
    title = engagement.title
    for host in engagement.hosts:
        def finding(rule: str, sentence: str, host: str = host) -> StaffingFinding:
            where = f" (in {country_name(scenario, host)})" if len(engagement.hosts) > 1 else ""
            gone = sorted(rid for eid, rid in excluded if eid == engagement.id)
            given = f", given that {' and '.join(gone)} dropped out" if gone else ""
            return StaffingFinding(engagement.id, engagement.required, rule, sentence + where + given,
                                   engagement.source_row)

        starts = allowed_starts(scenario, engagement, host)
        if not starts:
            findings.append(finding(RuleName.WINDOW_AND_CALENDAR, f"{title} has no allowed start day: "
                                    + _rejections(scenario, engagement, host)))
            continue
        gone = sorted(rid for eid, rid in excluded if eid == engagement.id)
        eligible = [r for r in eligible_reviewers(scenario, engagement, host) if r.id not in gone]
        free_on = {r.id: set(free_starts(scenario, engagement, host, r, starts, commitments[r.id]))
                   for r in eligible}
        needs = staffing_needs(scenario, engagement, host)
        failed_on: dict[int, set[int]] = {}  # need index -> the start days (indices) on which it fails
        ok_somewhere = False
        for day, s in enumerate(starts):
            free = [r for r in eligible if s in free_on[r.id]]
            failed = [i for i, n in enumerate(needs) if not n.met_by(free)]
            if not failed:
                ok_somewhere = True
                break
            for key in failed:
                failed_on.setdefault(key, set()).add(day)
        if ok_somewhere:
            return []
        window = _window_text(engagement, starts)
        always = [k for k, days in failed_on.items() if len(days) == len(starts)]
        if not always:  # every need can be met on some day, but not all of them on the same day
            for cover in _smallest_covers(failed_on, len(starts)) or [tuple(sorted(failed_on))]:
                wanted = [needs[k] for k in cover]
                pool = list({r.id: r for n in wanted for r in n.candidates(eligible)}.values())
                findings.append(finding(
                    wanted[0].rule, f"{title} needs {_together([n.what for n in wanted])} at once {window}, but "
                    f"never all on the same days: {_blockers(scenario, engagement, host, pool, starts, commitments)}"))
            continue
        for key in always:
            need = needs[key]
            rule, what = need.rule, need.what
            if need.distinct is not None:  # distinct kinds of people (governments): no one person to name
                findings.append(finding(rule, f"{title} needs {what} {window}, but fewer are free on any day"))
                continue
            pool = need.candidates(eligible)
            if not pool:
                findings.append(finding(rule, f"{title} needs {what}, but nobody eligible in reviewers.csv "
                                        "qualifies"))
            elif len(pool) < need.count:
                findings.append(finding(rule, f"{title} needs {what}, but only {len(pool)} eligible reviewers "
                                        "qualify"))
            else:
                findings.append(finding(rule, f"{title} needs {what} {window}, but they are never free enough "
                                        f"at once: {_blockers(scenario, engagement, host, pool, starts, commitments)}"))
    return findings


def _together(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def staffing_problems(scenario: Scenario, excluded: frozenset[tuple[str, str]] = frozenset()
                      ) -> list[StaffingFinding]:
    """Pre-check every engagement; required ones that fail make the scenario infeasible."""
    commitments = reviewer_commitments(scenario)
    findings: list[StaffingFinding] = []
    for engagement in scenario.engagements:
        findings.extend(engagement_findings(scenario, engagement, commitments, excluded))
    return findings
