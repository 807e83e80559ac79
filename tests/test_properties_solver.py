"""Property tests on random synthetic scenarios: every plan the solver returns passes the independent checker,
its objective agrees with the checker's when optimal, and single-rule mutations are caught by the right rule."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.apps.synthetic import SyntheticSpec, generate
from planner.core.model import Assignment, Plan, Unavailability
from planner.engine.explain import explain
from planner.engine.solve import solve
from planner.rules.checker import check

SPECS = st.builds(
    SyntheticSpec,
    engagements=st.integers(3, 8),
    reviewers=st.integers(24, 40),
    horizon_days=st.integers(60, 120),
    francophone_share=st.sampled_from([0.0, 0.3, 0.6]),
    availability_density=st.sampled_from([0.7, 0.85, 1.0]),
    required_share=st.sampled_from([0.0, 0.2, 0.4]),
    seed=st.integers(0, 10_000),
)
PROPERTY_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _solved(spec: SyntheticSpec):
    scenario = generate(spec)
    result = solve(scenario, time_limit_s=2, workers=2)
    return scenario, (result if result.plan is not None else explain(scenario, result))


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(SPECS)
def test_every_solver_plan_passes_the_checker(spec):
    scenario, result = _solved(spec)
    if result.plan is None:  # required engagements may compete for the same people: then say why
        assert result.status in ("INFEASIBLE", "UNKNOWN") and result.diagnosis
        return
    report = check(scenario, result.plan)
    assert report.violations == [], report.violations
    if result.status == "OPTIMAL" and result.chain_credit_modelled:
        assert report.objective == pytest.approx(result.objective, abs=1e-6)


def _mutations(scenario, plan: Plan):
    """(rule, mutated plan) pairs, each breaking exactly one hard rule of a valid plan."""
    engagements = scenario.engagements_by_id
    for o in plan.scheduled():
        e = engagements[o.engagement_id]
        team = list(plan.team(e.id))
        others = [a for a in plan.assignments if a.engagement_id != e.id]
        outcomes = [x for x in plan.engagements if x.engagement_id != e.id]
        if e.is_review_visit and team:
            # two leads
            members = [a for a in team if a.role == "member"]
            if members:
                promoted = [dataclasses.replace(a, role="lead") if a == members[0] else a for a in team]
                yield "one_lead", Plan(tuple(others + promoted), plan.engagements)
        # an end date that does not match the duration
        wrong = dataclasses.replace(o, end=o.end + timedelta(days=1))
        moved_team = [dataclasses.replace(a, end=wrong.end) for a in team]
        yield "plan_consistent", Plan(tuple(others + moved_team), tuple(outcomes + [wrong]))
        # the whole engagement a week before its window opens
        early = o.start - timedelta(days=(o.start - e.earliest_start).days + 7)
        shift = early - o.start
        before = dataclasses.replace(o, start=o.start + shift, end=o.end + shift)
        shifted = [dataclasses.replace(a, start=a.start + shift, end=a.end + shift) for a in team]
        yield "window_and_calendar", Plan(tuple(others + shifted), tuple(outcomes + [before]))
        # a team of one
        if len(team) > 1 and scenario.team_bounds(e)[0] > 1:
            yield "team_size", Plan(tuple(others + team[:1]), plan.engagements)
        if e.required:
            dropped = dataclasses.replace(o, status="unscheduled", start=None, end=None, host="")
            yield "required_happens", Plan(tuple(others), tuple(outcomes + [dropped]))


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(SPECS)
def test_single_rule_mutations_are_caught_by_that_rule(spec):
    scenario, result = _solved(spec)
    if result.plan is None:
        return
    for rule, mutated in _mutations(scenario, result.plan):
        assert rule in check(scenario, mutated).rules_violated(), rule


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(SPECS, st.data())
def test_a_reviewer_sent_during_their_unavailability_is_caught(spec, data):
    scenario, result = _solved(spec)
    if result.plan is None or not result.plan.assignments:
        return
    a: Assignment = data.draw(st.sampled_from(sorted(result.plan.assignments, key=lambda a: (a.engagement_id,
                                                                                          a.reviewer_id))))
    away = Unavailability(a.reviewer_id, a.start, a.start, "test")
    changed = dataclasses.replace(scenario, unavailability=scenario.unavailability + (away,))
    report = check(changed, result.plan)
    assert any(v.rule == "fixed_commitments" and v.reviewer_id == a.reviewer_id for v in report.violations)
