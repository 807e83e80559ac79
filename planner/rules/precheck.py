"""Cheap pre-solve checks: can each engagement be staffed at all, on its own?

For every allowed start day of an engagement, look at the reviewers free on that day (ignoring the other
engagements) and test each staffing rule. When some rule fails on every day, that engagement cannot happen,
and the finding says why in a sentence that names the people and the commitments that block them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from planner.core.calendar import (
    Commitment,
    allowed_starts,
    commitment_blocks,
    eligible_reviewers,
    free_starts,
    is_francophone_host,
    reviewer_commitments,
    start_rejection,
)
from planner.core.languages import language_name
from planner.core.model import Engagement, Reviewer, Scenario
from planner.core.problems import Problem


@dataclass(frozen=True)
class StaffingFinding:
    engagement_id: str
    engagement_required: bool
    rule: str
    sentence: str
    row: int | None = None

    def as_problem(self) -> Problem:
        return Problem("engagements.csv", self.sentence, row=self.row, column="id", value=self.engagement_id)


@dataclass(frozen=True)
class _Need:
    rule: str
    what: str  # "a French speaker", ...
    candidates: Callable[[list[Reviewer]], list[Reviewer]]
    count: int


def _needs(scenario: Scenario, engagement: Engagement, host: str) -> list[_Need]:
    """The staffing requirements of an engagement, one per hard rule, each as 'count people of a kind'."""
    rules = scenario.rules
    low, _ = scenario.team_bounds(engagement)
    needs = [_Need("team_size", f"{low} people", lambda rs: rs, low)]
    if engagement.is_review_visit:
        needs.append(_Need("lead", "a lead-eligible participant-government reviewer",
                           lambda rs: [r for r in rs if r.lead_eligible
                                       and (r.is_government or not rules.lead_must_be_participant_government)], 1))
        needs.extend(
            _Need("observers", f"{n} {org} observer{'s' if n > 1 else ''}",
                  lambda rs, org=org: [r for r in rs if r.organisation == org], n)
            for org, n in sorted(rules.observers_required.items()) if n > 0)
        if rules.french_speakers_for_francophone_hosts and is_francophone_host(scenario, host):
            n = rules.french_speakers_for_francophone_hosts
            needs.append(_Need("french_speakers", f"{n} French speaker{'s' if n > 1 else ''}",
                               lambda rs: [r for r in rs if r.speaks("fr")], n))
    else:
        for rid in scenario.attendees_of(engagement.attendees):
            needs.append(_Need("required_attendees", f"required attendee {rid}",
                               lambda rs, rid=rid: [r for r in rs if r.id == rid], 1))
    for lang in engagement.languages:
        needs.append(_Need("languages", f"a {language_name(lang)} speaker",
                           lambda rs, lang=lang: [r for r in rs if r.speaks(lang)], 1))
    for tag in engagement.expertise:
        needs.append(_Need("expertise", f"someone with '{tag}' expertise",
                           lambda rs, tag=tag: [r for r in rs if tag in r.expertise], 1))
    return needs


def _governments_met(scenario: Scenario, free: list[Reviewer]) -> bool:
    governments = {scenario.reviewer_participant(r) for r in free if r.is_government}
    return len(governments) >= scenario.rules.min_other_participant_governments


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
            findings.append(finding("window", f"{title} has no allowed start day: every start is "
                                    + " or ".join(reasons)))
            continue
        eligible = eligible_reviewers(scenario, engagement, host)
        free_on = {r.id: set(free_starts(scenario, engagement, host, r, starts, commitments[r.id]))
                   for r in eligible}
        needs = _needs(scenario, engagement, host)
        failures: dict[str, int] = {}
        ok_somewhere = False
        for s in starts:
            free = [r for r in eligible if s in free_on[r.id]]
            failed = [n.rule + ":" + n.what for n in needs if len(n.candidates(free)) < n.count]
            if engagement.is_review_visit and not _governments_met(scenario, free):
                failed.append("governments:")
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
            rule, _, what = key.partition(":")
            if rule == "governments":
                k = scenario.rules.min_other_participant_governments
                findings.append(finding(rule, f"{title} needs reviewers from {k} other participant governments "
                                        f"{window}, but fewer are free on any day"))
                continue
            need = next(n for n in needs if n.rule == rule and n.what == what)
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
