"""The independent plan checker: recomputes every hard rule and soft term from the plan files alone.

It never calls the solver. Every plan the solver returns must pass it; tests mutate plans and expect the
right rule to be named. One function per hard rule, each yielding ``Violation``s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

from planner.core.calendar import (
    commitment_blocks,
    engagements_clash,
    is_francophone_host,
    reviewer_commitments,
    start_rejection,
)
from planner.core.model import Engagement, EngagementOutcome, Plan, Scenario
from planner.rules.scoring import TermResult, evaluate, total_penalty


@dataclass(frozen=True)
class Violation:
    rule: str
    engagement_id: str
    reviewer_id: str
    sentence: str


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    terms: list[TermResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> float:
        return total_penalty(self.terms)

    def rules_violated(self) -> set[str]:
        return {v.rule for v in self.violations}


class _Context:
    def __init__(self, scenario: Scenario, plan: Plan):
        self.scenario = scenario
        self.plan = plan
        self.engagements = scenario.engagements_by_id
        self.reviewers = scenario.reviewers_by_id
        self.outcomes = plan.outcomes_by_id
        self.scheduled: list[tuple[Engagement, EngagementOutcome]] = [
            (self.engagements[o.engagement_id], o) for o in plan.engagements
            if o.scheduled and o.engagement_id in self.engagements and o.start is not None
            and o.host in self.engagements[o.engagement_id].hosts and o.host in scenario.participants_by_code]

    def team(self, eid: str):
        return [a for a in self.plan.team(eid) if a.reviewer_id in self.reviewers]


def rule_plan_consistent(c: _Context) -> Iterator[Violation]:
    """Hard rule: the plan refers to the scenario's engagements, hosts and people, once each, and every
    assignment repeats its engagement's dates and host."""
    for e in c.scenario.engagements:
        if e.id not in c.outcomes:
            yield Violation("plan_consistent", e.id, "", f"{e.title} has no row in the plan's engagements.csv")
    for o in c.plan.engagements:
        e = c.engagements.get(o.engagement_id)
        if e is None:
            yield Violation("plan_consistent", o.engagement_id, "", f"unknown engagement {o.engagement_id}")
            continue
        if o.scheduled:
            if o.start is None or o.end is None:
                yield Violation("plan_consistent", e.id, "", f"{e.title} is scheduled without dates")
            elif o.end != e.end_for(o.start):
                yield Violation("plan_consistent", e.id, "", f"{e.title} lasts {e.duration_days} days, so it "
                                f"should end on {e.end_for(o.start)}, not {o.end}")
            if o.host not in e.hosts:
                yield Violation("plan_consistent", e.id, "", f"{e.title} is hosted by {o.host or 'nobody'}, "
                                f"not one of its candidate hosts {', '.join(e.hosts)}")
    seen = Counter((a.engagement_id, a.reviewer_id) for a in c.plan.assignments)
    for (eid, rid), n in sorted(seen.items()):
        if n > 1:
            yield Violation("plan_consistent", eid, rid, f"{rid} is listed {n} times on {eid}")
    for a in c.plan.assignments:
        o = c.outcomes.get(a.engagement_id)
        if a.reviewer_id not in c.reviewers:
            yield Violation("plan_consistent", a.engagement_id, a.reviewer_id, f"unknown reviewer {a.reviewer_id}")
        if o is None or not o.scheduled:
            yield Violation("plan_consistent", a.engagement_id, a.reviewer_id,
                            f"{a.reviewer_id} is assigned to {a.engagement_id}, which is not scheduled")
        elif (a.start, a.end, a.host) != (o.start, o.end, o.host):
            yield Violation("plan_consistent", a.engagement_id, a.reviewer_id,
                            f"{a.reviewer_id}'s dates or host for {a.engagement_id} differ from the engagement's")


def rule_window_and_calendar(c: _Context) -> Iterator[Violation]:
    """Hard rule: inside the window, outside the plenary and report lead time, host already a participant."""
    for e, o in c.scheduled:
        reason = start_rejection(c.scenario, e, o.host, o.start, ignore_pin=True)
        if reason:
            yield Violation("window_and_calendar", e.id, "", f"{e.title} starts on {o.start}: {reason}")


def rule_required_happens(c: _Context) -> Iterator[Violation]:
    """Hard rule: required engagements are scheduled."""
    for e in c.scenario.engagements:
        o = c.outcomes.get(e.id)
        if e.required and not (o and o.scheduled):
            yield Violation("required_happens", e.id, "", f"{e.title} is required but not scheduled")


def rule_pinned_start_kept(c: _Context) -> Iterator[Violation]:
    """Hard rule: pinned engagements happen on their pinned start."""
    for e in c.scenario.engagements:
        o = c.outcomes.get(e.id)
        if e.pinned_start is not None and not (o and o.scheduled and o.start == e.pinned_start):
            yield Violation("pinned_start_kept", e.id, "", f"{e.title} is pinned to {e.pinned_start} but "
                            + (f"starts on {o.start}" if o and o.scheduled else "is not scheduled"))


def rule_team_size(c: _Context) -> Iterator[Violation]:
    """Hard rule: team size within bounds."""
    for e, _ in c.scheduled:
        low, high = c.scenario.team_bounds(e)
        n = len(c.team(e.id))
        if not low <= n <= high:
            yield Violation("team_size", e.id, "", f"{e.title} has {n} people; expected {low} to {high}")


def rule_roles(c: _Context) -> Iterator[Violation]:
    """Hard rule: a review visit has exactly one lead, lead-eligible and (when the rule is on) from a
    participant government; the others are members. Workshops and meetings have attendees only."""
    government_only = c.scenario.rules.lead_must_be_participant_government
    for e, _ in c.scheduled:
        team = c.team(e.id)
        if e.is_review_visit:
            leads = [a for a in team if a.role == "lead"]
            if len(leads) != 1:
                yield Violation("one_lead", e.id, "", f"{e.title} has {len(leads)} leads; expected exactly one")
            for a in leads:
                r = c.reviewers[a.reviewer_id]
                if not r.lead_eligible or (government_only and not r.is_government):
                    yield Violation("one_lead", e.id, r.id, f"{r.id} leads {e.title} but is not a lead-eligible "
                                    "participant-government reviewer")
            for a in team:
                if a.role not in ("lead", "member"):
                    yield Violation("one_lead", e.id, a.reviewer_id, f"{a.reviewer_id} has role {a.role!r} on a "
                                    "review visit; expected lead or member")
        else:
            for a in team:
                if a.role != "attendee":
                    yield Violation("one_lead", e.id, a.reviewer_id, f"{a.reviewer_id} has role {a.role!r} on "
                                    f"{e.title}; expected attendee")


def rule_no_self_review(c: _Context) -> Iterator[Violation]:
    """Hard rule: nobody reviews the participant they are from (EU member states count as the EU)."""
    for e, o in c.scheduled:
        if not e.is_review_visit:
            continue
        for a in c.team(e.id):
            if c.scenario.reviewer_participant(c.reviewers[a.reviewer_id]) == o.host:
                yield Violation("no_self_review", e.id, a.reviewer_id,
                                f"{a.reviewer_id} is from {o.host} and cannot review it")


def rule_other_governments(c: _Context) -> Iterator[Violation]:
    """Hard rule: review teams include reviewers of at least N other participant governments."""
    k = c.scenario.rules.min_other_participant_governments
    for e, o in c.scheduled:
        if not e.is_review_visit:
            continue
        governments = {c.scenario.reviewer_participant(c.reviewers[a.reviewer_id]) for a in c.team(e.id)
                       if c.reviewers[a.reviewer_id].is_government} - {o.host}
        if len(governments) < k:
            yield Violation("other_governments", e.id, "", f"{e.title} has reviewers of {len(governments)} other "
                            f"participant governments; expected at least {k}")


def rule_observers(c: _Context) -> Iterator[Violation]:
    """Hard rule: review teams include the required WDC and CSC observers."""
    for e, _ in c.scheduled:
        if not e.is_review_visit:
            continue
        for org, n in sorted(c.scenario.rules.observers_required.items()):
            have = sum(1 for a in c.team(e.id) if c.reviewers[a.reviewer_id].organisation == org)
            if have < n:
                yield Violation("observers", e.id, "", f"{e.title} has {have} {org} observer(s); expected {n}")


def rule_french_speakers(c: _Context) -> Iterator[Violation]:
    """Hard rule: review teams for francophone hosts include the required number of French speakers."""
    n = c.scenario.rules.french_speakers_for_francophone_hosts
    for e, o in c.scheduled:
        if n and e.is_review_visit and is_francophone_host(c.scenario, o.host):
            have = sum(1 for a in c.team(e.id) if c.reviewers[a.reviewer_id].speaks("fr"))
            if have < n:
                yield Violation("french_speakers", e.id, "", f"{e.title} has {have} French speaker(s) for a "
                                f"francophone host; expected {n}")


def rule_languages_and_expertise(c: _Context) -> Iterator[Violation]:
    """Hard rule: someone on the team speaks each required language and has each required expertise."""
    for e, _ in c.scheduled:
        team = [c.reviewers[a.reviewer_id] for a in c.team(e.id)]
        for lang in e.languages:
            if not any(r.speaks(lang) for r in team):
                yield Violation("languages_and_expertise", e.id, "", f"nobody on {e.title} speaks '{lang}'")
        for tag in e.expertise:
            if not any(tag in r.expertise for r in team):
                yield Violation("languages_and_expertise", e.id, "", f"nobody on {e.title} has '{tag}' expertise")


def rule_required_attendees(c: _Context) -> Iterator[Violation]:
    """Hard rule: every required attendee attends a workshop or meeting that happens."""
    for e, _ in c.scheduled:
        if e.is_review_visit:
            continue
        present = {a.reviewer_id for a in c.team(e.id)}
        for rid in c.scenario.attendees_of(e.attendees):
            if rid not in present:
                yield Violation("required_attendees", e.id, rid, f"{rid} must attend {e.title} but is not listed")


def rule_fixed_commitments(c: _Context) -> Iterator[Violation]:
    """Hard rule: no assignment collides with the person's fixed events or unavailability (with buffers)."""
    commitments = reviewer_commitments(c.scenario)
    for e, o in c.scheduled:
        for a in c.team(e.id):
            for item in commitments.get(a.reviewer_id, []):
                if commitment_blocks(c.scenario, item, e, o.host, o.start):
                    label = "unavailable" if item.place is None else item.label
                    yield Violation("fixed_commitments", e.id, a.reviewer_id,
                                    f"{a.reviewer_id} is sent to {e.title} ({o.start}–{o.end}) but is {label} "
                                    f"({item.start}–{item.end})")


def rule_one_place_at_a_time(c: _Context) -> Iterator[Violation]:
    """Hard rule: nobody does two engagements that overlap or leave less than the travel buffer between."""
    by_id = {e.id: (e, o) for e, o in c.scheduled}
    for rid in sorted(c.reviewers):
        mine = sorted({a.engagement_id for a in c.plan.of_reviewer(rid) if a.engagement_id in by_id})
        for x, y in combinations(mine, 2):
            (e, oe), (f, of) = by_id[x], by_id[y]
            if engagements_clash(c.scenario, e, oe.host, oe.start, f, of.host, of.start):
                yield Violation("one_place_at_a_time", x, rid, f"{rid} cannot do both {e.title} ({oe.start}–"
                                f"{oe.end}) and {f.title} ({of.start}–{of.end}) with the travel time between them")


def rule_max_engagements(c: _Context) -> Iterator[Violation]:
    """Hard rule: nobody takes more than their ``max_engagements``."""
    loads = Counter(a.reviewer_id for a in c.plan.assignments)
    for rid, n in sorted(loads.items()):
        r = c.reviewers.get(rid)
        if r is not None and n > r.max_engagements:
            yield Violation("max_engagements", "", rid, f"{rid} takes {n} engagements; at most {r.max_engagements}")


HARD_RULES = (
    rule_plan_consistent, rule_window_and_calendar, rule_required_happens, rule_pinned_start_kept,
    rule_team_size, rule_roles, rule_no_self_review, rule_other_governments, rule_observers,
    rule_french_speakers, rule_languages_and_expertise, rule_required_attendees, rule_fixed_commitments,
    rule_one_place_at_a_time, rule_max_engagements,
)


def check(scenario: Scenario, plan: Plan, reference: Plan | None = None) -> CheckReport:
    """Every hard-rule violation of ``plan`` and its soft terms, computed without the solver."""
    context = _Context(scenario, plan)
    violations = [v for rule in HARD_RULES for v in rule(context)]
    return CheckReport(violations, evaluate(scenario, _scoreable(scenario, plan), reference))


def _scoreable(scenario: Scenario, plan: Plan) -> Plan:
    """The part of ``plan`` that refers to known engagements, hosts and people (the rest is already reported
    as ``plan_consistent`` violations), so that the soft terms can still be scored."""
    engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id

    def usable(o) -> bool:
        if o.engagement_id not in engagements:
            return False
        return not o.scheduled or (o.start is not None and o.end is not None
                                   and o.host in engagements[o.engagement_id].hosts)

    outcomes = tuple(o for o in plan.engagements if usable(o))
    good = {o.engagement_id for o in outcomes if o.scheduled}
    assignments = tuple(a for a in plan.assignments if a.engagement_id in good and a.reviewer_id in reviewers
                        and a.host in engagements[a.engagement_id].hosts)
    return Plan(assignments, outcomes, plan.meta)
