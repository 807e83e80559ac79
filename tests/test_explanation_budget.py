"""The explanations after a solve share one budget: the pre-checks first, then trial solves that each get at
least what the plan's own set-up took plus half a second of search, or none; and the reviewers' free start days,
computed once per commitment, are the rule's day-by-day reading."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_helpers import load_mini, with_engagement, with_participant, with_reviewer

import planner.engine.explain as explain_module
from planner import load_scenario
from planner.core.calendar import allowed_starts, commitment_blocks, free_starts, reviewer_commitments
from planner.engine.explain import MIN_SEARCH_S, OUT_OF_TIME_REASON, explain, left_out_reasons, trial_time
from planner.engine.solve import solve

KP = load_scenario(Path(__file__).resolve().parent.parent / "data" / "scenarios" / "kp-2018-h2")
COMMITMENTS = reviewer_commitments(KP)


def test_a_trial_gets_an_equal_share_when_that_is_more_than_its_set_up_and_half_a_second():
    assert trial_time(left_s=9.0, trials_left=3, setup_s=0.2) == pytest.approx(3.0)


def test_a_trial_gets_at_least_its_set_up_and_half_a_second_when_the_share_is_smaller():
    assert trial_time(left_s=9.0, trials_left=30, setup_s=2.0) == pytest.approx(2.0 + MIN_SEARCH_S)


def test_a_trial_gets_nothing_when_its_set_up_and_half_a_second_are_not_left():
    assert trial_time(left_s=2.4, trials_left=1, setup_s=2.0) == 0.0
    assert trial_time(left_s=0.4, trials_left=1, setup_s=0.0) == 0.0


def optional_left_out():
    """Two optional francophone visits and one French speaker who takes one engagement: Cameroon (normal) is left
    out, and the pre-checks pass it (it can be staffed on its own), so only a trial solve can say why."""
    s = load_mini()
    s = with_reviewer(with_reviewer(s, "CA-1", languages=("en",)), "CSC-1", languages=("en",))
    s = with_reviewer(s, "EU-1", max_engagements=1)
    s = with_participant(s, "AO", languages=("pt", "fr"))
    return with_engagement(with_engagement(s, "CM-RV", priority="normal"), "AO-RV", priority="high")


@pytest.fixture(scope="module")
def solved():
    scenario = optional_left_out()
    result = solve(scenario, time_limit_s=10, reproducible=True)
    left = [o.engagement_id for o in result.plan.engagements if not o.scheduled]
    assert "CM-RV" in left
    return scenario, result


def test_a_trial_runs_when_its_set_up_fits_the_budget(solved, monkeypatch):
    scenario, result = solved
    limits = []

    def trial(*args):
        limits.append(args[6])  # why_left_out's time_limit_s
        return "tried"

    monkeypatch.setattr(explain_module, "why_left_out", trial)
    reasons = left_out_reasons(scenario, dataclasses.replace(result, setup_s=0.3), 4.0)
    assert reasons["CM-RV"] == "tried"
    assert len(limits) == 1 and 0.8 <= limits[0] <= 4.0


def test_no_trial_runs_when_the_plans_set_up_alone_is_longer_than_the_budget(solved, monkeypatch):
    scenario, result = solved
    monkeypatch.setattr(explain_module, "why_left_out", lambda *a: pytest.fail("a trial that cannot fit ran"))
    reasons = left_out_reasons(scenario, dataclasses.replace(result, setup_s=29.0), 10.0)
    assert reasons["CM-RV"].startswith("Left out; not explained, because a trial solve of this scenario takes "
                                       "about 29 s to set up, more than the 10 s for explanations")
    explained = explain(scenario, dataclasses.replace(result, setup_s=29.0), time_limit_s=10.0)
    assert "about 29 s to set up" in explained.plan.outcomes_by_id["CM-RV"].reason


def test_trials_that_the_budget_no_longer_covers_say_the_time_ran_out(solved, monkeypatch):
    """Two engagements need trials; the first uses the whole budget up (it takes 1 s of a 1.2 s budget)."""
    scenario, result = solved

    def slow(*args):
        time.sleep(1.0)
        return "tried"

    monkeypatch.setattr(explain_module, "why_left_out", slow)
    monkeypatch.setattr(explain_module, "precheck_reason", lambda *a, **k: None)  # both go to a trial
    plan = result.plan
    outcomes = tuple(dataclasses.replace(o, status="unscheduled", start=None, end=None, host="")
                     if o.engagement_id == "AO-RV" else o for o in plan.engagements)
    both_out = dataclasses.replace(result, plan=dataclasses.replace(plan, engagements=outcomes), setup_s=0.0)
    reasons = left_out_reasons(scenario, both_out, 1.2)
    assert sorted(reasons.values()) == sorted([OUT_OF_TIME_REASON, "tried"])


def test_a_fixed_trial_time_gives_every_asked_engagement_that_time_whatever_the_others_took(solved, monkeypatch):
    """The sweeps' way: each trial gets each_trial_s even after a slow one, and only the engagements asked about."""
    scenario, result = solved
    limits = []

    def slow(*args):
        limits.append((args[1].id, args[6]))
        time.sleep(0.3)
        return "tried"

    monkeypatch.setattr(explain_module, "why_left_out", slow)
    monkeypatch.setattr(explain_module, "precheck_reason", lambda *a, **k: None)
    plan = result.plan
    outcomes = tuple(dataclasses.replace(o, status="unscheduled", start=None, end=None, host="")
                     if o.engagement_id == "AO-RV" else o for o in plan.engagements)
    both_out = dataclasses.replace(result, plan=dataclasses.replace(plan, engagements=outcomes), setup_s=5.0)
    reasons = left_out_reasons(scenario, both_out, 0.1, each_trial_s=2.0)
    assert reasons == {"AO-RV": "tried", "CM-RV": "tried"}
    assert sorted(limits) == [("AO-RV", 2.0), ("CM-RV", 2.0)]
    limits.clear()
    only = left_out_reasons(scenario, both_out, 0.1, each_trial_s=2.0, engagement_ids=frozenset({"CM-RV"}))
    assert only == {"CM-RV": "tried"} and limits == [("CM-RV", 2.0)]


def test_an_engagement_the_pre_checks_explain_needs_no_trial(solved, monkeypatch):
    scenario, result = solved
    monkeypatch.setattr(explain_module, "why_left_out", lambda *a: pytest.fail("the pre-check should answer"))
    impossible = dataclasses.replace(scenario, engagements=tuple(
        dataclasses.replace(e, earliest_start=date(2018, 11, 12), latest_end=date(2018, 11, 14))
        if e.id == "CM-RV" else e for e in scenario.engagements))  # the plenary week: no allowed start day
    reasons = left_out_reasons(impossible, result, 10.0)
    assert "no allowed start day" in reasons["CM-RV"]


PAIRS = [(e, h, r) for e in KP.engagements for h in e.hosts for r in KP.reviewers]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PAIRS), st.lists(st.integers(0, 180), min_size=1, max_size=20, unique=True))
def test_free_starts_are_the_days_no_commitment_blocks(triple, offsets):
    engagement, host, reviewer = triple
    starts = sorted(date(2018, 7, 1) + timedelta(days=k) for k in offsets)
    commitments = COMMITMENTS[reviewer.id]
    expected = [s for s in starts if not any(commitment_blocks(KP, c, engagement, host, s) for c in commitments)]
    assert free_starts(KP, engagement, host, reviewer, starts, commitments) == expected


def test_free_starts_leave_out_a_day_a_commitment_blocks():
    """In both directions: a reviewer with a commitment loses the start days that collide with it, not others."""
    engagement, host, reviewer = next((e, h, r) for e, h, r in PAIRS if COMMITMENTS[r.id])
    starts = allowed_starts(KP, engagement, host)
    free = free_starts(KP, engagement, host, reviewer, starts, COMMITMENTS[reviewer.id])
    blocked = [s for s in starts if s not in free]
    assert all(any(commitment_blocks(KP, c, engagement, host, s) for c in COMMITMENTS[reviewer.id])
               for s in blocked)
    assert free_starts(KP, engagement, host, reviewer, starts, []) == starts


def trial_costing(monkeypatch, result, with_total: float, without_total: float) -> None:
    """why_left_out's trial solve returns the plan itself, and the scoring gives the two totals asked for (first the
    trial's plan, then the plan's own), so only the wording of the cost is under test."""
    trial = dataclasses.replace(result, stages=(), changes=None)
    monkeypatch.setattr(explain_module, "solve", lambda *a, **k: trial)
    totals = iter([with_total, without_total])
    monkeypatch.setattr(explain_module, "total_penalty", lambda terms: next(totals))


def test_a_trial_plan_that_is_cheaper_says_less_and_never_a_negative_more(solved, monkeypatch):
    scenario, result = solved
    cm = scenario.engagements_by_id["CM-RV"]
    weight = scenario.weights["unscheduled_normal"]
    trial_costing(monkeypatch, result, with_total=1_000.0, without_total=1_000.0 + weight + 349.17)
    reason = explain_module.why_left_out(scenario, cm, result.plan, result.settings, time_limit_s=1)
    assert "costs 349.17 less" in reason and "-349" not in reason and "allow more time" in reason


def test_a_trial_plan_that_costs_more_than_leaving_it_out_says_more(solved, monkeypatch):
    scenario, result = solved
    cm = scenario.engagements_by_id["CM-RV"]
    weight = scenario.weights["unscheduled_normal"]
    trial_costing(monkeypatch, result, with_total=1_010.0, without_total=1_000.0)  # 10 more, plus the weight
    reason = explain_module.why_left_out(scenario, cm, result.plan, result.settings, time_limit_s=1)
    assert f"{weight + 10:,.2f} more" in reason and "less" not in reason
