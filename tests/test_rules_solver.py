"""The solver respects each hard rule where it bites, and its reports agree with the independent checker.

Each test builds a small variant of the mini scenario in which one rule changes what the best plan would
otherwise be (where it can, the test shows that too), solves it with a short time limit, and checks both the
rule's effect on the plan and that ``check`` finds no violation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from planner_helpers import (
    SOLVED,
    add_event,
    add_reviewer,
    add_unavailability,
    buffer_between,
    days,
    describe,
    load_mini,
    loads,
    outcome,
    plan_signature,
    review_visits,
    solve_explained,
    team_ids,
    with_all_reviewers,
    with_engagement,
    with_participant,
    with_reviewer,
    with_rules,
    with_weights,
)

from planner.engine.solve import solve
from planner.io.plan_files import plan_files
from planner.rules.checker import check

ROOT = Path(__file__).resolve().parents[1]
KP_2018 = ROOT / "data" / "scenarios" / "kp-2018-h2"
LIMIT = 10  # seconds; the mini variants solve to optimality in well under a second


def solved(s, **kwargs):
    """Solve ``s``; the plan must exist and pass the checker."""
    kwargs.setdefault("time_limit_s", LIMIT)
    result = solve_explained(s, **kwargs)
    assert result.status in SOLVED, (result.status, result.diagnosis)
    report = check(s, result.plan, kwargs.get("reference"))
    assert report.ok, describe(report)
    return result


def in_range(day: date, first: date, last: date) -> bool:
    return first <= day <= last


@pytest.fixture(scope="module")
def mini():
    return load_mini()


@pytest.fixture(scope="module")
def mini_result(mini):
    return solved(mini)


# --- the plain mini scenario ------------------------------------------------------------------------------


def test_mini_is_solved_optimally_and_passes_the_checker(mini, mini_result):
    assert mini_result.status == "OPTIMAL"
    assert len(mini_result.plan.scheduled()) == len(mini.engagements)
    assert mini_result.gap == pytest.approx(0.0, abs=1e-9)
    assert mini_result.diagnosis == []


# --- one test per hard rule ---------------------------------------------------------------------------------


def test_window_report_lead_time_and_plenary(mini):
    s = with_rules(mini, report_lead_time_days=20)
    s = with_engagement(s, "AO-RV", earliest_start=date(2018, 10, 1), latest_end=mini.horizon_end)
    s = with_engagement(s, "CHAIRS", earliest_start=date(2018, 10, 10), latest_end=date(2018, 10, 28))
    plan = solved(s).plan
    plenary = s.plenary()
    lead_time_start = plenary.start - days(20)
    for o in review_visits(plan, s):
        assert o.end < lead_time_start, o
    ao = outcome(plan, "AO-RV")
    assert in_range(ao.start, date(2018, 10, 1), date(2018, 10, 4))
    # the lead time only concerns review visits: the chairs' meeting falls inside it ...
    chairs = outcome(plan, "CHAIRS")
    assert chairs.scheduled and chairs.start >= lead_time_start
    # ... but, like everything, stays out of the plenary (and its travel buffer: everybody attends it)
    assert chairs.end < plenary.start - days(buffer_between(s, chairs.host, (plenary.lat, plenary.lon)))


def test_window_host_not_yet_a_participant(mini):
    s = with_participant(mini, "AO", participant_from=date(2018, 10, 8))
    plan = solved(s).plan
    assert outcome(plan, "AO-RV").start >= date(2018, 10, 8)


def test_window_host_choice_follows_participant_from(mini):
    # Cameroon only joins after every window: the meeting goes to its other candidate host, the Cameroon
    # visit cannot happen and says why
    s = with_participant(mini, "CM", participant_from=date(2018, 10, 25))
    s = with_engagement(s, "CHAIRS", hosts=("CM", "SL"))
    plan = solved(s).plan
    assert outcome(plan, "CHAIRS").host == "SL"
    cm = outcome(plan, "CM-RV")
    assert not cm.scheduled and "participant" in cm.reason


def test_required_happens(mini):
    # with no penalty for leaving it out, the chairs' meeting is not worth its travel ...
    free = with_weights(mini, unscheduled_normal=0)
    result = solved(free)
    left_out = outcome(result.plan, "CHAIRS")
    assert not left_out.scheduled
    assert left_out.reason  # every unscheduled engagement says why
    # ... unless it is required
    plan = solved(with_engagement(free, "CHAIRS", priority="required")).plan
    assert outcome(plan, "CHAIRS").scheduled


def test_pinned_start_kept(mini):
    pin = date(2018, 9, 19)  # a Wednesday: the weekday preference alone would never choose it
    assert pin.weekday() not in mini.rules.preferred_start_weekdays
    plan = solved(with_engagement(mini, "CM-RV", pinned_start=pin)).plan
    o = outcome(plan, "CM-RV")
    assert o.scheduled and o.start == pin and o.end == date(2018, 9, 22)


def test_pinned_optional_engagement_happens(mini):
    # a pin makes an engagement happen even when leaving it out would be cheaper
    s = with_weights(mini, unscheduled_normal=0)
    plan = solved(with_engagement(s, "CHAIRS", pinned_start=date(2018, 10, 15))).plan
    assert outcome(plan, "CHAIRS").start == date(2018, 10, 15)


@pytest.mark.parametrize("low, high", [(5, 5), (4, 4)])
def test_team_size(mini, low, high):
    plan = solved(with_rules(mini, review_team_min=low, review_team_max=high)).plan
    assert review_visits(plan, mini)
    for o in review_visits(plan, mini):
        assert low <= len(plan.team(o.engagement_id)) <= high


def test_team_size_too_small_for_the_other_rules(mini):
    # two other governments and two observers do not fit in a team of three
    result = solve_explained(with_rules(mini, review_team_min=3, review_team_max=3), time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE" and result.plan is None
    assert any("3 to 3 people" in sentence for sentence in result.diagnosis), result.diagnosis


def test_team_size_of_a_meeting_with_extra_seats(mini):
    s = with_engagement(mini, "CHAIRS", team_min=4, team_max=4)
    plan = solved(s).plan
    assert len(plan.team("CHAIRS")) == 4
    assert {"IN-1", "ZA-1"} <= team_ids(plan, "CHAIRS")


def test_one_lead_from_the_only_eligible_reviewer(mini):
    s = mini
    for r in mini.reviewers:
        if r.id != "CA-1":
            s = with_reviewer(s, r.id, groups=tuple(g for g in r.groups if g != "lead-eligible"))
    plan = solved(s).plan
    for o in review_visits(plan, s):
        leads = [a.reviewer_id for a in plan.team(o.engagement_id) if a.role == "lead"]
        assert leads == ["CA-1"]


def test_one_lead_must_be_a_government_reviewer(mini):
    s = mini
    for r in mini.reviewers:
        s = with_reviewer(s, r.id, groups=tuple(g for g in r.groups if g != "lead-eligible"))
    s = with_reviewer(s, "WDC-1", groups=("wgde", "lead-eligible"))
    # only an observer is lead-eligible: with the rule on, nobody can lead the required visit
    result = solve_explained(s, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE" and result.plan is None and result.diagnosis
    # with the rule off, the observer leads
    relaxed = with_rules(s, lead_must_be_participant_government=False)
    plan = solved(relaxed).plan
    assert plan.lead("AO-RV") == "WDC-1"


def test_no_self_review_government(mini):
    # artisanal-mining expertise: AO-1 (at home in Luanda, 0 km) would be the cheapest, but is from Angola
    s = with_engagement(mini, "AO-RV", expertise=("artisanal-mining",))
    plan = solved(s).plan
    team = team_ids(plan, "AO-RV")
    assert "AO-1" not in team
    assert any("artisanal-mining" in s.reviewers_by_id[rid].expertise for rid in team)


def test_no_self_review_observer(mini):
    # CSC-1 lives in Yaoundé (0 km to the Cameroon visit) but, as an observer from Cameroon, may not
    # review it
    s = with_engagement(mini, "CM-RV", priority="required")
    plan = solved(s).plan
    assert "CSC-1" not in team_ids(plan, "CM-RV")
    assert "CSC-2" in team_ids(plan, "CM-RV")


def test_no_self_review_eu_member_state(mini):
    # a reviewer of a member state's government counts as the EU: give the EU a review visit
    s = with_engagement(mini, "CM-RV", hosts=("EU",), priority="required", expertise=("customs",))
    assert s.reviewers_by_id["EU-1"].expertise == ("customs",)
    # EU-1 is the only customs expert and cannot go: the visit cannot be staffed
    result = solve_explained(s, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE" and result.plan is None
    assert any("customs" in sentence for sentence in result.diagnosis)
    plan = solved(with_engagement(s, "CM-RV", expertise=())).plan
    assert "EU-1" not in team_ids(plan, "CM-RV")


def test_other_governments(mini):
    s = with_rules(mini, min_other_participant_governments=3)
    plan = solved(s).plan
    reviewers = s.reviewers_by_id
    for o in review_visits(plan, s):
        governments = {s.reviewer_participant(reviewers[rid]) for rid in team_ids(plan, o.engagement_id)
                       if reviewers[rid].is_government} - {o.host}
        assert len(governments) >= 3


def test_observers(mini):
    s = with_rules(mini, observers_required={"WDC": 1, "CSC": 2})
    plan = solved(s).plan
    csc = {r.id for r in s.reviewers if r.organisation == "CSC"}
    assert csc <= team_ids(plan, "AO-RV")
    # only one CSC observer may go to Cameroon (CSC-1 is from there): that visit cannot happen
    cm = outcome(plan, "CM-RV")
    assert not cm.scheduled and "CSC" in cm.reason


def test_french_speakers(mini):
    # EU-1 no longer speaks French: CA-1 (flying in from Ottawa) is the only eligible French speaker
    s = with_reviewer(mini, "EU-1", languages=("en",))
    s = with_engagement(s, "CM-RV", priority="required")
    plan = solved(s).plan
    assert "CA-1" in team_ids(plan, "CM-RV")
    # the rule is what brings CA-1: without it the long trip from Canada is not worth it
    plan = solved(with_rules(s, french_speakers_for_francophone_hosts=0)).plan
    assert "CA-1" not in team_ids(plan, "CM-RV")


def test_languages(mini):
    # only RU-1 speaks Russian, and RU-1 is unavailable 1-7 October
    s = with_engagement(mini, "CM-RV", priority="required", languages=("ru",))
    plan = solved(s).plan
    o = outcome(plan, "CM-RV")
    assert "RU-1" in team_ids(plan, "CM-RV")
    assert o.end < date(2018, 10, 1) or o.start > date(2018, 10, 7)


def test_expertise(mini):
    s = with_engagement(mini, "AO-RV", expertise=("customs",))
    plan = solved(s).plan
    assert "EU-1" in team_ids(plan, "AO-RV")


def test_required_attendees(mini):
    s = with_engagement(mini, "CHAIRS", priority="required", attendees=("wg-chair", "RU-1"))
    plan = solved(s).plan
    o = outcome(plan, "CHAIRS")
    assert team_ids(plan, "CHAIRS") == {"IN-1", "ZA-1", "RU-1"}
    assert o.end < date(2018, 10, 1) or o.start > date(2018, 10, 7)  # RU-1's unavailability


def test_fixed_commitments_unavailability_forces_the_date(mini):
    # EU-1 (the only customs expert) is free only 1-7 October; the 5-day visit must fit in there
    s = with_engagement(mini, "AO-RV", expertise=("customs",))
    s = add_unavailability(s, "EU-1", date(2018, 9, 1), date(2018, 9, 30))
    s = add_unavailability(s, "EU-1", date(2018, 10, 8), date(2018, 10, 31))
    plan = solved(s).plan
    o = outcome(plan, "AO-RV")
    assert "EU-1" in team_ids(plan, "AO-RV")
    assert in_range(o.start, date(2018, 10, 1), date(2018, 10, 3))


def test_fixed_commitments_event_and_travel_buffer_push_the_start(mini):
    # EU-1 attends a meeting in Brussels until Sunday 16 September; Luanda is far: two free days to travel.
    # The window allows starts on 17, 18 and 19 September.
    s = with_engagement(mini, "AO-RV", expertise=("customs",), earliest_start=date(2018, 9, 17),
                        latest_end=date(2018, 9, 23))
    assert solved(s).plan.outcomes_by_id["AO-RV"].start == date(2018, 9, 17)  # the preferred Monday
    s = add_event(s, "BRX", date(2018, 9, 14), date(2018, 9, 16), ("EU-1",))
    buffer = buffer_between(s, "AO", (50.85045, 4.34878))
    assert buffer == 2
    plan = solved(s).plan
    o = outcome(plan, "AO-RV")
    assert "EU-1" in team_ids(plan, "AO-RV")
    assert o.start == date(2018, 9, 16) + days(buffer + 1)  # the first day the buffer allows


def test_one_place_at_a_time_with_travel_buffer(mini):
    # both visits need EU-1 (the only customs expert) and must share a window with room for exactly
    # the two visits and the travel buffer between Luanda and Yaoundé
    buffer = buffer_between(mini, "AO", "CM")
    assert buffer == 1
    first = date(2018, 10, 8)
    last = first + days(5 + buffer + 4 - 1)
    s = mini
    for eid in ("AO-RV", "CM-RV"):
        s = with_engagement(s, eid, priority="required", expertise=("customs",), earliest_start=first,
                            latest_end=last)
    plan = solved(s).plan
    ao, cm = outcome(plan, "AO-RV"), outcome(plan, "CM-RV")
    assert "EU-1" in team_ids(plan, "AO-RV") & team_ids(plan, "CM-RV")
    earlier, later = sorted([ao, cm], key=lambda o: o.start)
    assert (later.start - earlier.end).days - 1 == buffer


def test_max_engagements_forces_different_teams(mini):
    s = with_all_reviewers(mini, max_engagements=1)
    s = add_reviewer(s, "WDC-2", "WDC", lat=51.2194, lon=4.4025, max_engagements=1)
    plan = solved(s).plan
    assert len(plan.scheduled()) == 3
    assert max(loads(plan).values()) == 1
    teams = [team_ids(plan, o.engagement_id) for o in plan.scheduled()]
    assert not (teams[0] & teams[1] or teams[0] & teams[2] or teams[1] & teams[2])


def test_max_engagements_zero_means_never(mini, mini_result):
    busiest = loads(mini_result.plan).most_common(1)[0][0]
    plan = solved(with_reviewer(mini, busiest, max_engagements=0)).plan
    assert busiest not in loads(plan)


# --- solver reports -----------------------------------------------------------------------------------------


def _published(s, plan):
    """The mini scenario with each engagement's published start a few days off the plan's."""
    for i, o in enumerate(plan.scheduled()):
        s = with_engagement(s, o.engagement_id, published_start=o.start + days(2 + i))
    return s


@pytest.mark.parametrize("variant", ["mini", "published", "reference", "weights", "multi_host"])
def test_objective_equals_checker_objective(mini, mini_result, variant):
    s, reference = mini, None
    if variant == "published":
        s = _published(mini, mini_result.plan)
    elif variant == "reference":
        reference = mini_result.plan
        s = with_rules(mini, min_other_participant_governments=3)  # the old plan no longer fits as it is
    elif variant == "weights":
        s = with_weights(mini, travel_km=0.123, chain_credit_km=0.005, regional_peer=77, load_spread=0)
    elif variant == "multi_host":  # the meeting may be held in any of three capitals
        s = with_engagement(mini, "CHAIRS", hosts=("ZA", "AO", "CM"))
    result = solved(s, reference=reference)
    assert result.status == "OPTIMAL"
    report = check(s, result.plan, reference)
    assert result.objective == pytest.approx(report.objective, abs=1e-6)
    assert result.plan.meta["objective"] == pytest.approx(report.objective, abs=1e-6)
    assert {t.name: t.value for t in result.terms} == {t.name: t.value for t in report.terms}


def test_resolving_with_the_plan_as_reference_keeps_teams_and_cost(mini, mini_result):
    again = solved(mini, reference=mini_result.plan)
    assert again.term("team_changes").value == 0
    assert again.objective == pytest.approx(mini_result.objective, abs=1e-6)
    people = {(a.engagement_id, a.reviewer_id, a.role) for a in mini_result.plan.assignments}
    assert {(a.engagement_id, a.reviewer_id, a.role) for a in again.plan.assignments} == people


def test_replanning_hint_is_complete_and_feasible(mini, mini_result):
    """Every variable is hinted (not only the decisions) and CP-SAT accepts the hint as a feasible solution."""
    lines: list[str] = []
    again = solve(mini, time_limit_s=LIMIT, reference=mini_result.plan, log_callback=lines.append)
    assert again.found_plan
    assert any("The solution hint is complete and is feasible" in line for line in lines), \
        [line for line in lines if "hint" in line.lower()]


def test_a_complete_hint_is_the_plan_itself_and_a_plan_that_no_longer_fits_keeps_its_decisions_only(mini, mini_result):
    """The hint fills in every variable from a copy of the built model (the same model, not built twice) and its
    decisions are the plan's; a plan that breaks a rule now is hinted by its decisions alone."""
    from planner.engine.hints import complete_hint, hint_from_plan
    from planner.engine.model import ModelBuilder
    from planner.engine.solve import settings_for

    reference = mini_result.plan
    decisions = ModelBuilder(mini, reference).build()
    hint_from_plan(decisions, reference)
    wanted = dict(zip(decisions.model.proto.solution_hint.vars, decisions.model.proto.solution_hint.values,
                      strict=True))
    builder = ModelBuilder(mini, reference).build()
    assert complete_hint(builder, reference, settings_for(mini, LIMIT))
    proto = builder.model.proto
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    assert len(hinted) == len(proto.variables) and all(hinted[index] == value for index, value in wanted.items())

    member = next(a for a in reference.assignments if a.role == "member")
    broken = with_reviewer(mini, member.reviewer_id, max_engagements=0)  # the reference breaks a rule now
    builder = ModelBuilder(broken, reference).build()
    assert not complete_hint(builder, reference, settings_for(broken, LIMIT))
    assert 0 < len(builder.model.proto.solution_hint.vars) < len(builder.model.proto.variables)



def test_a_stop_asked_for_before_the_complete_hint_leaves_the_decisions_hinted_only(mini, mini_result):
    import threading

    from planner.engine.hints import complete_hint
    from planner.engine.model import ModelBuilder
    from planner.engine.solve import settings_for

    reference = mini_result.plan
    stopped = threading.Event()
    stopped.set()
    builder = ModelBuilder(mini, reference).build()
    assert not complete_hint(builder, reference, settings_for(mini, LIMIT), stopped)
    assert 0 < len(builder.model.proto.solution_hint.vars) < len(builder.model.proto.variables)
    builder = ModelBuilder(mini, reference).build()
    assert complete_hint(builder, reference, settings_for(mini, LIMIT), threading.Event())  # not set: complete


@pytest.mark.parametrize("reproducible", [True, False])
def test_the_complete_hint_probe_is_limited_in_deterministic_units_only_when_reproducible(mini, mini_result,
                                                                                          monkeypatch, reproducible):
    """A wall-clock limit on the probe of a reproducible solve would let a busy machine change the hint, and so
    the plan."""
    import planner.engine.hints as hints_module
    from planner.engine.model import ModelBuilder
    from planner.engine.solve import settings_for

    made = []
    real_solver = cp_model.CpSolver

    class Recording(real_solver):
        def __init__(self):
            super().__init__()
            made.append(self)

    monkeypatch.setattr(hints_module.cp_model, "CpSolver", Recording)
    settings = settings_for(mini, 30, reproducible=reproducible)
    assert hints_module.complete_hint(ModelBuilder(mini, mini_result.plan).build(), mini_result.plan, settings)
    (probe,) = made
    if reproducible:
        assert probe.parameters.max_deterministic_time == pytest.approx(3.0)
        assert probe.parameters.max_time_in_seconds > 3.0
    else:
        assert probe.parameters.max_time_in_seconds == pytest.approx(3.0)
        assert probe.parameters.max_deterministic_time > 1e6  # CP-SAT's default: no deterministic limit

def test_resolving_with_the_plan_as_reference_returns_it(mini):
    reference = solved(mini, reproducible=True).plan
    again = solved(mini, reference=reference, workers=1)  # one worker: the outcome is deterministic
    assert plan_signature(again.plan) == plan_signature(reference)


def test_reproducible_mode_gives_identical_files(mini):
    first = solved(mini, reproducible=True)
    second = solved(mini, reproducible=True)
    a, b = plan_files(first.plan), plan_files(second.plan)
    assert a == b
    assert "created" not in first.plan.meta and first.plan.meta["solver"]["reproducible"] is True


def test_reproducible_search_cut_short_gives_the_same_files_in_other_processes(tmp_path):
    """Two interleaved workers stopped mid-search (3 deterministic units: kp-2018-h2 not yet proven) write the
    same files from two processes with different hash seeds, as `make plan` does from machine to machine."""
    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"plan-{seed}"
        subprocess.run([sys.executable, "-m", "planner.apps.cli", "solve", str(KP_2018), "--out", str(out),
                        "--reproducible", "--time-limit", "3", "--quiet"], check=True, capture_output=True,
                       cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed})
        folders.append(out)
    meta = json.loads((folders[0] / "plan.json").read_text(encoding="utf-8"))
    assert meta["status"] == "FEASIBLE" and meta["solver"]["workers"] == 2  # the search was cut short
    names = sorted(p.name for p in folders[0].iterdir())
    assert names == sorted(p.name for p in folders[1].iterdir()) and "plan.json" in names
    for name in names:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


def test_impossible_required_engagement_is_infeasible_with_a_diagnosis(mini):
    # only AO-1 speaks Portuguese, and AO-1 is from Angola
    s = with_engagement(mini, "AO-RV", languages=("pt",))
    result = solve_explained(s, time_limit_s=LIMIT)  # must not raise
    assert result.status == "INFEASIBLE"
    assert result.plan is None and result.objective is None and not result.found_plan
    assert result.diagnosis and all(isinstance(x, str) and x for x in result.diagnosis)
    assert any("Portuguese" in sentence for sentence in result.diagnosis), result.diagnosis
    assert "no plan" in result.summary()


def test_impossible_combination_is_infeasible_with_a_diagnosis(mini):
    # each visit alone can be staffed, together they cannot: one customs expert who takes one engagement
    s = with_reviewer(mini, "EU-1", max_engagements=1)
    for eid in ("AO-RV", "CM-RV"):
        s = with_engagement(s, eid, priority="required", expertise=("customs",))
    result = solve_explained(s, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE" and result.plan is None
    assert result.diagnosis
    text = " ".join(result.diagnosis)
    assert "EU-1" in text and "customs" in text, text


def test_impossible_optional_engagement_is_left_out_with_a_reason(mini):
    s = with_engagement(mini, "CM-RV", languages=("zz",))  # nobody speaks it
    result = solved(s)
    o = outcome(result.plan, "CM-RV")
    assert not o.scheduled and o.reason
    assert "zz" in o.reason
    assert result.term("unscheduled_high").value == 1
    assert all(x.scheduled for x in result.plan.engagements if x.engagement_id != "CM-RV")


def test_optional_engagement_that_cannot_fit_with_the_required_ones(mini):
    # the pre-checks pass (EU-1 could staff either visit), but EU-1 takes one engagement and the
    # required Angola visit needs them
    s = with_reviewer(mini, "EU-1", max_engagements=1)
    s = with_engagement(s, "AO-RV", expertise=("customs",))
    s = with_engagement(s, "CM-RV", expertise=("customs",))
    result = solved(s)
    o = outcome(result.plan, "CM-RV")
    assert outcome(result.plan, "AO-RV").scheduled and not o.scheduled
    assert o.reason and "cannot fit" in o.reason, o.reason
    assert "EU-1" in o.reason
