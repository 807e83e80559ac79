"""Soft term ``weekday_start``: a start on a day that is not preferred costs its weight, unless the start is pinned.

A pinned start is a confirmed date (kp-2018-h2's review visit to Russia starts on Saturday 25 Aug 2018): no
preference can move it, so it is not counted, in the checker's evaluation and in the solver's model alike.
"""

from __future__ import annotations

from datetime import date

import pytest
from planner_helpers import (
    SOLVED,
    describe,
    load_mini,
    move_engagement,
    outcome,
    solve_explained,
    term_value,
    with_engagement,
    with_weights,
)

from planner.rules.checker import check

LIMIT = 10  # seconds; the mini variants solve to optimality in well under a second
SATURDAY = date(2018, 9, 22)
VISIT = "CM-RV"  # 4 days, window 1 Sep - 20 Oct 2018 in the mini scenario


@pytest.fixture(scope="module")
def mini():
    s = load_mini()
    assert SATURDAY.weekday() == 5 and 5 not in s.rules.preferred_start_weekdays
    return s


@pytest.fixture(scope="module")
def plan(mini):
    result = solve_explained(mini, time_limit_s=LIMIT)
    assert result.status in SOLVED, (result.status, result.diagnosis)
    return result.plan


def solved(s):
    result = solve_explained(s, time_limit_s=LIMIT)
    assert result.status == "OPTIMAL", (result.status, result.diagnosis)
    report = check(s, result.plan)
    assert report.ok, describe(report)
    assert result.objective == pytest.approx(report.objective, abs=1e-6)  # the model agrees with the checker
    return result


# --- the checker's evaluation, on a hand-moved plan (no solve of the variant) ------------------------------


def test_an_unpinned_saturday_start_is_counted(mini, plan):
    saturday = move_engagement(plan, mini, VISIT, SATURDAY)
    assert term_value(check(mini, plan), "weekday_start") == 0
    report = check(mini, saturday)
    assert term_value(report, "weekday_start") == 1
    term = next(t for t in report.terms if t.name == "weekday_start")
    assert [m.engagement_id for m in term.matches] == [VISIT] and "Saturday" in term.sentences[0]


def test_a_pinned_saturday_start_is_not_counted(mini, plan):
    pinned = with_engagement(mini, VISIT, pinned_start=SATURDAY)
    saturday = move_engagement(plan, pinned, VISIT, SATURDAY)
    report = check(pinned, saturday)
    assert term_value(report, "weekday_start") == 0
    assert next(t for t in report.terms if t.name == "weekday_start").matches == []


def test_a_pin_on_another_engagement_does_not_hide_this_one(mini, plan):
    other = next(o for o in plan.scheduled() if o.engagement_id != VISIT)
    pinned_elsewhere = with_engagement(mini, other.engagement_id, pinned_start=other.start)
    saturday = move_engagement(plan, pinned_elsewhere, VISIT, SATURDAY)
    assert term_value(check(pinned_elsewhere, saturday), "weekday_start") == 1


# --- the solver's model: the objective does not depend on the weight for a pinned start --------------------


def test_the_model_does_not_penalise_a_pinned_saturday_start(mini):
    pinned = with_engagement(mini, VISIT, pinned_start=SATURDAY)
    cheap = solved(with_weights(pinned, weekday_start=5))
    dear = solved(with_weights(pinned, weekday_start=500))
    for result in (cheap, dear):
        assert outcome(result.plan, VISIT).start == SATURDAY
        assert result.term("weekday_start").value == 0
    assert dear.objective == pytest.approx(cheap.objective, abs=1e-6)


def test_the_model_penalises_an_unpinned_saturday_start(mini):
    # the window leaves Saturday as the only start day, so the visit starts on it without being pinned
    only_saturday = with_engagement(mini, VISIT, priority="required", earliest_start=SATURDAY,
                                    latest_end=mini.engagements_by_id[VISIT].end_for(SATURDAY))
    cheap = solved(with_weights(only_saturday, weekday_start=5))
    dear = solved(with_weights(only_saturday, weekday_start=500))
    for result in (cheap, dear):
        assert outcome(result.plan, VISIT).start == SATURDAY
        assert result.term("weekday_start").value == 1
    assert dear.objective == pytest.approx(cheap.objective + 495, abs=1e-6)
