"""Shared helpers for the rule tests: modified copies of the mini scenario and of plans.

Everything here builds *new* objects with ``dataclasses.replace``; nothing mutates a scenario or plan in
place, so a module-scoped solved plan can be shared by many tests.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from planner import load_scenario
from planner.core.calendar import km_between, site_of
from planner.core.model import (
    Assignment,
    Engagement,
    EngagementOutcome,
    FixedEvent,
    Plan,
    Reviewer,
    Scenario,
    Unavailability,
)
from planner.rules.checker import CheckReport, Violation

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
SOLVED = ("OPTIMAL", "FEASIBLE")


def load_mini() -> Scenario:
    """A fresh copy of the mini scenario (tests/fixtures/mini)."""
    return load_scenario(MINI_DIR)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def next_weekday(day: date, weekday: int) -> date:
    """The first day on or after ``day`` that falls on ``weekday`` (0 = Monday)."""
    return day + days((weekday - day.weekday()) % 7)


# --- scenario edits ---------------------------------------------------------------------------------


def with_rules(s: Scenario, **changes) -> Scenario:
    return dataclasses.replace(s, rules=dataclasses.replace(s.rules, **changes))


def with_weights(s: Scenario, **changes) -> Scenario:
    """Weights set by hand: no longer derived (``Scenario.derived_weights``)."""
    derived = tuple(k for k in s.derived_weights if k not in changes)
    return dataclasses.replace(s, weights={**s.weights, **changes}, derived_weights=derived)


def _replace_one(items: tuple, key: str, value: str, changes: dict, what: str) -> tuple:
    found = [x for x in items if getattr(x, key) == value]
    assert found, f"no {what} {value!r} in the scenario"
    return tuple(dataclasses.replace(x, **changes) if getattr(x, key) == value else x for x in items)


def with_engagement(s: Scenario, eid: str, **changes) -> Scenario:
    return dataclasses.replace(s, engagements=_replace_one(s.engagements, "id", eid, changes, "engagement"))


def with_reviewer(s: Scenario, rid: str, **changes) -> Scenario:
    return dataclasses.replace(s, reviewers=_replace_one(s.reviewers, "id", rid, changes, "reviewer"))


def with_participant(s: Scenario, code: str, **changes) -> Scenario:
    participants = _replace_one(s.participants, "code", code, changes, "participant")
    return dataclasses.replace(s, participants=participants)


def with_event(s: Scenario, event_id: str, **changes) -> Scenario:
    return dataclasses.replace(s, events=_replace_one(s.events, "id", event_id, changes, "event"))


def with_all_reviewers(s: Scenario, **changes) -> Scenario:
    return dataclasses.replace(s, reviewers=tuple(dataclasses.replace(r, **changes) for r in s.reviewers))


def add_reviewer(s: Scenario, rid: str, organisation: str, *, home: str = "", groups=(), languages=("en",),
                 expertise=(), max_engagements: int = 2, lat: float | None = None,
                 lon: float | None = None) -> Scenario:
    """Add a reviewer living in ``home``'s capital (or at ``lat``/``lon``)."""
    if lat is None:
        p = s.participant(s.participant_of_country(home) or home)
        lat, lon = p.lat, p.lon
    r = Reviewer(rid, organisation, tuple(groups), tuple(languages), tuple(expertise), home, lat, lon,
                 max_engagements)
    return dataclasses.replace(s, reviewers=s.reviewers + (r,))


def add_unavailability(s: Scenario, rid: str, start: date, end: date, reason: str = "test") -> Scenario:
    item = Unavailability(rid, start, end, reason)
    return dataclasses.replace(s, unavailability=s.unavailability + (item,))


def add_event(s: Scenario, event_id: str, start: date, end: date, attendees, *, title: str | None = None,
              kind: str = "meeting", place: str = "Brussels, Belgium", lat: float = 50.85045,
              lon: float = 4.34878) -> Scenario:
    event = FixedEvent(event_id, title or f"Event {event_id}", kind, place, lat, lon, start, end,
                       tuple(attendees))
    return dataclasses.replace(s, events=s.events + (event,))


def add_engagement(s: Scenario, engagement: Engagement) -> Scenario:
    return dataclasses.replace(s, engagements=s.engagements + (engagement,))


def without_engagements(s: Scenario, *eids: str) -> Scenario:
    return dataclasses.replace(s, engagements=tuple(e for e in s.engagements if e.id not in eids))


def only_engagements(s: Scenario, *eids: str) -> Scenario:
    return dataclasses.replace(s, engagements=tuple(e for e in s.engagements if e.id in eids))


def buffer_between(s: Scenario, host_a: str, place_b: tuple[float, float] | str) -> int:
    """Travel-buffer days between an engagement hosted by ``host_a`` and a host code or a (lat, lon) place."""
    b = site_of(s, place_b) if isinstance(place_b, str) else place_b
    return s.rules.buffer_days(km_between(site_of(s, host_a), b))


# --- plan edits ---------------------------------------------------------------------------------------


def copy_plan(plan: Plan, *, assignments=None, engagements=None) -> Plan:
    return Plan(tuple(plan.assignments if assignments is None else assignments),
                tuple(plan.engagements if engagements is None else engagements), dict(plan.meta))


def outcome(plan: Plan, eid: str) -> EngagementOutcome:
    return plan.outcomes_by_id[eid]


def replace_outcome(plan: Plan, eid: str, **changes) -> Plan:
    assert eid in plan.outcomes_by_id, f"no outcome {eid!r} in the plan"
    return copy_plan(plan, engagements=[dataclasses.replace(o, **changes) if o.engagement_id == eid else o
                                        for o in plan.engagements])


def replace_assignment(plan: Plan, eid: str, rid: str, **changes) -> Plan:
    assert (eid, rid) in {(a.engagement_id, a.reviewer_id) for a in plan.assignments}, f"{rid} not on {eid}"
    return copy_plan(plan, assignments=[
        dataclasses.replace(a, **changes) if (a.engagement_id, a.reviewer_id) == (eid, rid) else a
        for a in plan.assignments])


def remove_assignment(plan: Plan, eid: str, rid: str) -> Plan:
    assert (eid, rid) in {(a.engagement_id, a.reviewer_id) for a in plan.assignments}, f"{rid} not on {eid}"
    return copy_plan(plan, assignments=[a for a in plan.assignments
                                        if (a.engagement_id, a.reviewer_id) != (eid, rid)])


def add_assignment(plan: Plan, s: Scenario, eid: str, rid: str, role: str | None = None) -> Plan:
    """Put ``rid`` on ``eid`` with the engagement's dates and host (role: member or attendee by default)."""
    o = outcome(plan, eid)
    e = s.engagements_by_id.get(eid)
    kind = e.kind if e else "meeting"
    role = role or ("member" if kind == "review_visit" else "attendee")
    extra = Assignment(eid, kind, o.host, o.start, o.end, rid, role)
    return copy_plan(plan, assignments=[*plan.assignments, extra])


def swap_reviewer(plan: Plan, eid: str, old: str, new: str) -> Plan:
    return replace_assignment(plan, eid, old, reviewer_id=new)


def move_engagement(plan: Plan, s: Scenario, eid: str, start: date) -> Plan:
    """Move a scheduled engagement (its outcome and every assignment) to start on ``start``."""
    end = s.engagements_by_id[eid].end_for(start)
    moved = replace_outcome(plan, eid, start=start, end=end)
    return copy_plan(moved, assignments=[dataclasses.replace(a, start=start, end=end)
                                         if a.engagement_id == eid else a for a in plan.assignments])


def rehost(plan: Plan, eid: str, host: str) -> Plan:
    """The plan with ``eid`` (its outcome and team) at another host, dates unchanged."""
    moved = replace_outcome(plan, eid, host=host)
    return copy_plan(moved, assignments=[dataclasses.replace(a, host=host) if a.engagement_id == eid else a
                                         for a in moved.assignments])


def unschedule(plan: Plan, eid: str, reason: str = "left out by a test") -> Plan:
    """Mark ``eid`` unscheduled and drop its team."""
    changed = replace_outcome(plan, eid, status="unscheduled", start=None, end=None, host="", reason=reason)
    return copy_plan(changed, assignments=[a for a in plan.assignments if a.engagement_id != eid])


# --- inspection ------------------------------------------------------------------------------------------


def team_ids(plan: Plan, eid: str) -> set[str]:
    return {a.reviewer_id for a in plan.team(eid)}


def role_of(plan: Plan, eid: str, rid: str) -> str | None:
    return next((a.role for a in plan.team(eid) if a.reviewer_id == rid), None)


def loads(plan: Plan) -> Counter:
    return Counter(a.reviewer_id for a in plan.assignments)


def review_visits(plan: Plan, s: Scenario) -> list[EngagementOutcome]:
    engagements = s.engagements_by_id
    return [o for o in plan.scheduled() if engagements[o.engagement_id].is_review_visit]


def plan_signature(plan: Plan) -> tuple[frozenset, frozenset]:
    """What a plan decides (who, where, when, which role), ignoring meta and unscheduled reasons."""
    return (frozenset((a.engagement_id, a.reviewer_id, a.role, a.host, a.start, a.end)
                      for a in plan.assignments),
            frozenset((o.engagement_id, o.status, o.start, o.end, o.host) for o in plan.engagements))


def violations_of(report: CheckReport, rule: str) -> list[Violation]:
    return [v for v in report.violations if v.rule == rule]


def describe(report: CheckReport) -> str:
    return "\n".join(f"{v.rule}: {v.sentence}" for v in report.violations) or "no violations"


def assert_violates(report: CheckReport, rule: str, *, engagement_id: str | None = None,
                    reviewer_id: str | None = None, only: bool = True) -> list[Violation]:
    """``rule`` is violated (naming the engagement / reviewer when given); with ``only``, no other rule is."""
    found = violations_of(report, rule)
    assert found, f"expected a {rule} violation, got: {describe(report)}"
    if engagement_id is not None:
        assert any(v.engagement_id == engagement_id for v in found), \
            f"expected {rule} to name engagement {engagement_id}: {describe(report)}"
    if reviewer_id is not None:
        assert any(v.reviewer_id == reviewer_id for v in found), \
            f"expected {rule} to name reviewer {reviewer_id}: {describe(report)}"
    if only:
        assert report.rules_violated() == {rule}, f"expected only {rule}: {describe(report)}"
    return found


def term_value(terms_or_report, name: str) -> float | None:
    terms = getattr(terms_or_report, "terms", terms_or_report)
    term = next((t for t in terms if t.name == name), None)
    return None if term is None else term.value


def solve_explained(scenario: Scenario, **options):
    """Solve, then explain (``planner.engine.explain``): reasons for left-out engagements, or the diagnosis."""
    from planner.engine.explain import explain
    from planner.engine.solve import solve

    return explain(scenario, solve(scenario, **options), reference=options.get("reference"))
