"""The greedy baseline: its day-clash window against a day-by-day reading of the rule, and its keeping people
free for the required engagements they must attend, in both directions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from planner_helpers import load_mini, with_engagement, with_reviewer

import planner.engine.greedy as greedy
from planner import load_scenario
from planner.core.calendar import arrival_site, clashing_starts, departure_site, engagements_clash, km_between
from planner.rules.checker import check

KP = load_scenario(Path(__file__).resolve().parent.parent / "data" / "scenarios" / "kp-2018-h2")
PAIRS = [(e, h) for e in KP.engagements for h in e.hosts]


def one_person_can_do_both(e, host_e, start_e, f, host_f, start_f) -> bool:
    """The rule read day by day: no shared day, and between the earlier's last day and the later's first at least
    the travel buffer for the distance from the earlier's last site to the later's first, in free days."""
    days_e = {start_e + timedelta(days=k) for k in range(e.duration_days)}
    days_f = {start_f + timedelta(days=k) for k in range(f.duration_days)}
    if days_e & days_f:
        return False
    (first, host_1, days_1), (second, host_2, days_2) = sorted(
        [(e, host_e, days_e), (f, host_f, days_f)], key=lambda x: min(x[2]))
    free_days = (min(days_2) - max(days_1)).days - 1
    need = KP.rules.buffer_days(km_between(departure_site(KP, first, host_1), arrival_site(KP, second, host_2)))
    return free_days >= need


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PAIRS), st.sampled_from(PAIRS), st.integers(-40, 40))
def test_the_clash_window_is_exactly_the_days_one_person_cannot_do_both(pair_e, pair_f, offset):
    (e, host_e), (f, host_f) = pair_e, pair_f
    start_f = date(2018, 9, 10)
    start_e = start_f + timedelta(days=offset)
    first, last = clashing_starts(KP, e, host_e, f, host_f, start_f)
    clash = not one_person_can_do_both(e, host_e, start_e, f, host_f, start_f)
    assert (first <= start_e <= last) == clash
    assert engagements_clash(KP, e, host_e, start_e, f, host_f, start_f) == clash


def _chairs_required(team_min: int, chair_cap: int):
    """The mini scenario with the chairs' meeting (IN-1 and ZA-1 must attend) required and after the Angola visit,
    whose team of ``team_min`` reaches IN-1 in first-fit order when IN-1 is not kept free; each chair can do
    ``chair_cap`` engagements."""
    s = with_engagement(load_mini(), "CHAIRS", priority="required")
    s = with_engagement(s, "AO-RV", team_min=team_min, team_max=max(team_min, 5))
    return with_reviewer(with_reviewer(s, "IN-1", max_engagements=chair_cap), "ZA-1", max_engagements=chair_cap)


def _teams(plan) -> dict[str, set[str]]:
    teams: dict[str, set[str]] = {}
    for a in plan.assignments:
        teams.setdefault(a.engagement_id, set()).add(a.reviewer_id)
    return teams


def test_a_person_who_must_attend_a_later_required_engagement_is_kept_free_for_it():
    s = _chairs_required(team_min=6, chair_cap=1)
    plan = greedy.greedy_plan(s)
    assert check(s, plan).ok
    assert {o.engagement_id for o in plan.scheduled()} == {"AO-RV", "CHAIRS", "CM-RV"}
    assert "IN-1" not in _teams(plan)["AO-RV"] and "IN-1" in _teams(plan)["CHAIRS"]


def test_without_keeping_them_free_the_later_required_engagement_is_lost(monkeypatch):
    """The case above is one where it matters: first fit alone spends IN-1's one engagement on the Angola visit."""
    monkeypatch.setattr(greedy, "must_attend", lambda scenario, e: set())
    plan = greedy.greedy_plan(_chairs_required(team_min=6, chair_cap=1))
    assert "IN-1" in _teams(plan)["AO-RV"]
    assert "CHAIRS" not in {o.engagement_id for o in plan.scheduled()}


def test_a_person_with_engagements_to_spare_is_not_held_back():
    """Only one engagement is kept per later required engagement: with two, IN-1 does the visit and the meeting."""
    s = _chairs_required(team_min=6, chair_cap=2)
    plan = greedy.greedy_plan(s)
    assert check(s, plan).ok
    assert "IN-1" in _teams(plan)["AO-RV"] and "IN-1" in _teams(plan)["CHAIRS"]


def test_a_required_engagement_takes_a_kept_person_rather_than_be_left_out():
    """The Angola visit needs 7 of the 8 people it may have, so one of the chairs: it goes ahead (the first
    required one in order), and the meeting, whose chair is then spent, is the one left out."""
    s = _chairs_required(team_min=7, chair_cap=1)
    plan = greedy.greedy_plan(s)
    scheduled = {o.engagement_id for o in plan.scheduled()}
    assert "AO-RV" in scheduled and "CHAIRS" not in scheduled
    assert _teams(plan)["AO-RV"] & {"IN-1", "ZA-1"}
    assert [v.rule for v in check(s, plan).violations] == ["required_happens"]
