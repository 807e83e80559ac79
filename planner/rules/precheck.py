"""Cheap pre-solve checks: can each engagement be staffed at all, on its own?

For every allowed start day of an engagement, look at the reviewers free on that day (ignoring the other
engagements) and test each staffing rule. When some rule fails on every day, that engagement cannot happen,
and the finding says why in a sentence that names the people and the commitments that block them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    parts = []
    for r in people:
        labels = []
        for c in commitments[r.id]:
            if any(commitment_blocks(scenario, c, engagement, host, s) for s in starts) and c.label not in labels:
                labels.append(c.label)
        parts.append(f"{r.id} is {' and '.join(labels)}" if labels else f"{r.id} is free")
    return "; ".join(parts)


def engagement_findings(scenario: Scenario, engagement: Engagement,
                        commitments: dict[str, list[Commitment]] | None = None) -> list[StaffingFinding]:
    """Why ``engagement`` cannot be staffed at any host and start (empty when it can)."""
    commitments = commitments if commitments is not None else reviewer_commitments(scenario)
    findings: list[StaffingFinding] = []
    title = engagement.title
    for host in engagement.hosts:
        def finding(rule: str, sentence: str, host: str = host) -> StaffingFinding:
            where = f" (host {host})" if len(engagement.hosts) > 1 else ""
            return StaffingFinding(engagement.id, engagement.required, rule, sentence + where, engagement.source_row)

        starts = allowed_starts(scenario, engagement, host)
        if not starts:
            reasons = sorted({start_rejection(scenario, engagement, host, engagement.earliest_start) or "",
                              start_rejection(scenario, engagement, host, engagement.latest_start) or ""} - {""})
            findings.append(finding(RuleName.WINDOW_AND_CALENDAR, f"{title} has no allowed start day: every start is "
                                    + " or ".join(reasons)))
            continue
        eligible = eligible_reviewers(scenario, engagement, host)
        free_on = {r.id: set(free_starts(scenario, engagement, host, r, starts, commitments[r.id]))
                   for r in eligible}
        needs = staffing_needs(scenario, engagement, host)
        failures: dict[int, int] = {}  # need index -> days on which it fails
        ok_somewhere = False
        for s in starts:
            free = [r for r in eligible if s in free_on[r.id]]
            failed = [i for i, n in enumerate(needs) if not n.met_by(free)]
            if not failed:
                ok_somewhere = True
                break
            for key in failed:
                failures[key] = failures.get(key, 0) + 1
        if ok_somewhere:
            return []
        always = [k for k, n in failures.items() if n == len(starts)] or [max(failures, key=failures.get)]
        window = _window_text(engagement, starts)
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


def staffing_problems(scenario: Scenario) -> list[StaffingFinding]:
    """Pre-check every engagement; required ones that fail make the scenario infeasible."""
    commitments = reviewer_commitments(scenario)
    findings: list[StaffingFinding] = []
    for engagement in scenario.engagements:
        findings.extend(engagement_findings(scenario, engagement, commitments))
    return findings
