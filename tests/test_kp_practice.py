"""Real KP practice in the model (issue 13): pinned people, per-engagement overrides (observers, other
governments, interpretation), a French-speaking lead, multi-site visits, host calendars and cost estimates.
Each rule both ways: the solver keeps it and the checker names a plan that breaks it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from planner_helpers import (
    SOLVED,
    add_assignment,
    assert_violates,
    describe,
    load_mini,
    outcome,
    remove_assignment,
    replace_assignment,
    role_of,
    solve_explained,
    team_ids,
    term_value,
    violations_of,
    with_engagement,
    with_reviewer,
    with_rules,
    with_weights,
)

from planner import load_scenario
from planner.core.calendar import home_of, km_between, start_rejection, trip_km
from planner.core.costs import payer_of, person_cost, plan_costs, totals_by_engagement, totals_by_payer
from planner.core.model import Pin, Site
from planner.core.problems import ScenarioError
from planner.engine.solve import solve
from planner.io.scenario_files import save_scenario
from planner.rules.checker import check
from planner.rules.validation import validate_scenario

KP = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "kp-2018-h2"
LIMIT = 10


def solved(s, **kwargs):
    kwargs.setdefault("time_limit_s", LIMIT)
    result = solve_explained(s, **kwargs)
    assert result.status in SOLVED, (result.status, result.diagnosis)
    report = check(s, result.plan)
    assert report.ok, describe(report)
    return result


@pytest.fixture(scope="module")
def mini():
    return load_mini()


@pytest.fixture(scope="module")
def mini_plan(mini):
    return solved(mini).plan


def with_pins(s, *pins: tuple[str, str, str]):
    return dataclasses.replace(s, pins=tuple(Pin(e, r, role, source_row=i + 2) for i, (e, r, role) in enumerate(pins)))


# --- pins -------------------------------------------------------------------------------------------------


def test_pinned_lead_and_member_are_kept_and_the_rest_is_completed(mini, mini_plan):
    free_lead = "CA-1" if role_of(mini_plan, "AO-RV", "CA-1") != "lead" else "EU-1"
    s = with_pins(mini, ("AO-RV", free_lead, "lead"), ("AO-RV", "CSC-2", "member"))
    plan = solved(s).plan
    assert role_of(plan, "AO-RV", free_lead) == "lead"
    assert role_of(plan, "AO-RV", "CSC-2") == "member"
    assert len(team_ids(plan, "AO-RV")) >= s.team_bounds(s.engagements_by_id["AO-RV"])[0]


def test_a_pinned_member_is_not_made_lead(mini, mini_plan):
    lead = next(a.reviewer_id for a in mini_plan.team("AO-RV") if a.role == "lead")
    plan = solved(with_pins(mini, ("AO-RV", lead, "member"))).plan
    assert role_of(plan, "AO-RV", lead) == "member"


def test_an_excluded_person_stays_off(mini, mini_plan):
    someone = sorted(team_ids(mini_plan, "AO-RV"))[0]
    plan = solved(with_pins(mini, ("AO-RV", someone, "excluded"))).plan
    assert someone not in team_ids(plan, "AO-RV")


def test_the_checker_names_a_broken_pin(mini, mini_plan):
    member = next(a.reviewer_id for a in mini_plan.team("AO-RV") if a.role == "member")
    lead = next(a.reviewer_id for a in mini_plan.team("AO-RV") if a.role == "lead")
    assert check(with_pins(mini, ("AO-RV", member, "member")), mini_plan).ok
    # pinned off, but on the team
    report = check(with_pins(mini, ("AO-RV", member, "excluded")), mini_plan)
    assert_violates(report, "pinned_people_kept", engagement_id="AO-RV", reviewer_id=member)
    assert member in violations_of(report, "pinned_people_kept")[0].sentence
    # pinned on, but not there
    report = check(with_pins(mini, ("AO-RV", member, "member")), remove_assignment(mini_plan, "AO-RV", member))
    assert "is pinned onto" in violations_of(report, "pinned_people_kept")[0].sentence
    # pinned as lead, but a member
    report = check(with_pins(mini, ("AO-RV", member, "lead")), mini_plan)
    [v] = violations_of(report, "pinned_people_kept")
    assert v.reviewer_id == member and "as its lead" in v.sentence and "as a member" in v.sentence
    assert check(with_pins(mini, ("AO-RV", lead, "lead")), mini_plan).ok


def test_a_pin_that_cannot_hold_is_explained(mini):
    # RU-1 speaks no French and CM-RV needs a French-speaking lead: RU-1 may not lead (not lead-eligible) at all
    s = with_pins(with_engagement(mini, "CM-RV", priority="required"), ("CM-RV", "CSC-1", "member"))
    # CSC-1 is from Cameroon: the pin cannot hold, and validation says so by file, row and column
    problems = validate_problems(s)
    assert any(p.file == "pins.csv" and p.row == 2 and p.column == "reviewer_id" and "CSC-1" in p.expected
               for p in problems), problems
    result = solve_explained(s, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE"
    assert "CSC-1" in " ".join(result.diagnosis), result.diagnosis


def validate_problems(s, tmp=None):
    folder = Path(tmp or _tmp()) / "scenario"
    save_scenario(s, folder, overwrite=True)
    return validate_scenario(folder).problems


def _tmp():
    import tempfile
    return tempfile.mkdtemp(prefix="kp-practice-")


def test_pins_csv_is_read_and_written(mini, tmp_path):
    s = with_pins(mini, ("AO-RV", "EU-1", "lead"), ("CHAIRS", "IN-1", "attendee"), ("AO-RV", "CSC-2", "excluded"))
    folder = save_scenario(s, tmp_path / "s")
    text = (folder / "pins.csv").read_text()
    assert text.splitlines()[0] == "engagement_id,reviewer_id,role"
    again = load_scenario(folder)
    assert again.pins == s.pins and [p.source_row for p in again.pins] == [2, 3, 4]
    # a scenario without pins has no pins.csv, and saving over a folder removes a stale one
    save_scenario(mini, folder, overwrite=True)
    assert not (folder / "pins.csv").exists() and load_scenario(folder).pins == ()


@pytest.mark.parametrize(("rows", "row", "column", "words"), [
    (["XX-RV,EU-1,lead"], 2, "engagement_id", "engagement id"),
    (["AO-RV,NOBODY,member"], 2, "reviewer_id", "reviewer id"),
    (["AO-RV,EU-1,boss"], 2, "role", "'lead'"),
    (["AO-RV,EU-1,lead", "AO-RV,CA-1,lead"], 3, "role", "at most one lead"),
    (["AO-RV,EU-1,lead", "AO-RV,EU-1,member"], 3, "reviewer_id", "one pin per person"),
    (["AO-RV,EU-1,attendee"], 2, "role", "lead, member or excluded"),
    (["CHAIRS,ZA-1,lead"], 2, "role", "attendee or excluded"),
    (["AO-RV,RU-1,lead"], 2, "reviewer_id", "not lead-eligible"),
])
def test_bad_pins_are_reported_by_file_row_and_column(mini, tmp_path, rows, row, column, words):
    folder = save_scenario(mini, tmp_path / "s")
    (folder / "pins.csv").write_text("engagement_id,reviewer_id,role\n" + "\n".join(rows) + "\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    found = [p for p in caught.value.problems if p.file == "pins.csv"]
    assert any(p.row == row and p.column == column and words in p.expected for p in found), found


def test_a_pinned_person_unavailable_for_the_whole_window_is_reported(mini, tmp_path):
    e = mini.engagements_by_id["AO-RV"]
    s = dataclasses.replace(mini, unavailability=mini.unavailability + (
        type(mini.unavailability[0])("EU-1", e.earliest_start, e.latest_end, "test"),))
    problems = validate_problems(with_pins(s, ("AO-RV", "EU-1", "lead")), tmp_path)
    assert any(p.file == "pins.csv" and p.row == 2 and "unavailable" in p.expected for p in problems), problems


def test_attendees_on_a_review_visit_point_to_pins_csv(mini, tmp_path):
    folder = save_scenario(with_engagement(mini, "AO-RV", attendees=("EU-1",)), tmp_path / "s")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert any(p.file == "engagements.csv" and p.column == "attendees" and "pins.csv" in p.expected
               for p in caught.value.problems)


def test_a_complete_team_pinned_onto_the_russia_visit_is_kept():
    """Lead, three other governments including the EU, WDC and CSC, all free on 25-30 Aug 2018."""
    s = load_scenario(KP)
    e = s.engagements_by_id["RU-RV"]
    free = _free_for(s, e)
    lead = next(r for r in free if s.may_lead(r) and r.is_government and r.organisation != "RU"
                and s.reviewer_participant(r) != "EU")
    team = [lead]
    governments = {s.reviewer_participant(lead)}
    eu = next(r for r in free if r.is_government and s.reviewer_participant(r) == "EU" and r not in team)
    team.append(eu)
    governments.add("EU")
    for r in free:
        if len(governments) >= 4:
            break
        code = s.reviewer_participant(r)
        if r.is_government and code not in governments and code != "RU":
            team.append(r)
            governments.add(code)
    team += [next(r for r in free if r.organisation == org) for org in ("WDC", "CSC")]
    assert len(governments) == 4, "three other governments besides the lead's"
    pins = [("RU-RV", lead.id, "lead")] + [("RU-RV", r.id, "member") for r in team[1:]]
    pinned = with_pins(s, *pins)
    result = solve(pinned, time_limit_s=60)
    assert result.status in SOLVED, result.diagnosis
    assert check(pinned, result.plan).ok, describe(check(pinned, result.plan))
    assert role_of(result.plan, "RU-RV", lead.id) == "lead"
    assert {r.id for r in team} <= team_ids(result.plan, "RU-RV")
    assert all(role_of(result.plan, "RU-RV", r.id) == "member" for r in team[1:])
    # and a broken pin is named: take the pinned EU member off the team
    broken = check(pinned, remove_assignment(result.plan, "RU-RV", eu.id))
    assert any(v.reviewer_id == eu.id for v in violations_of(broken, "pinned_people_kept"))


def _free_for(s, e):
    """People who could be on ``e`` on its pinned dates: not from the host, not busy then, with capacity."""
    from planner.core.calendar import commitment_blocks, reviewer_commitments
    from planner.rules.hard import eligible_reviewers

    commitments = reviewer_commitments(s)
    start = e.pinned_start or e.earliest_start
    return [r for r in sorted(eligible_reviewers(s, e, e.hosts[0]), key=lambda r: r.id)
            if not any(commitment_blocks(s, c, e, e.hosts[0], start) for c in commitments[r.id])]


# --- per-engagement overrides ---------------------------------------------------------------------------------


def test_observers_wdc_accepts_a_team_without_csc(mini, mini_plan):
    csc = [rid for rid in team_ids(mini_plan, "AO-RV") if mini.reviewers_by_id[rid].organisation == "CSC"]
    plan = mini_plan
    for rid in csc:
        plan = remove_assignment(plan, "AO-RV", rid)
    assert_violates(check(mini, plan), "observers", engagement_id="AO-RV")
    only_wdc = with_engagement(mini, "AO-RV", observers=("WDC",))
    assert not violations_of(check(only_wdc, plan), "observers")
    # and no observers at all: "none"
    for rid in team_ids(plan, "AO-RV"):
        if mini.reviewers_by_id[rid].organisation == "WDC":
            plan = remove_assignment(plan, "AO-RV", rid)
    assert [v.engagement_id for v in violations_of(check(only_wdc, plan), "observers")] == ["AO-RV"]
    assert not violations_of(check(with_engagement(mini, "AO-RV", observers=()), plan), "observers")


def test_observers_wdc_lets_the_solver_plan_without_csc(mini):
    # the CSC people are away for the whole horizon: only an engagement that needs no CSC can happen
    s = mini
    for rid in ("CSC-1", "CSC-2"):
        s = with_reviewer(s, rid, max_engagements=0)
    s = with_engagement(s, "AO-RV", observers=("WDC",))
    plan = solved(s).plan
    assert outcome(plan, "AO-RV").scheduled
    assert not outcome(plan, "CM-RV").scheduled  # still needs a CSC observer: the rule of the scenario


def test_min_other_governments_per_engagement(mini, mini_plan):
    o = outcome(mini_plan, "AO-RV")
    governments = {mini.reviewer_participant(mini.reviewers_by_id[rid]) for rid in team_ids(mini_plan, "AO-RV")
                   if mini.reviewers_by_id[rid].is_government} - {o.host}
    stricter = with_engagement(mini, "AO-RV", min_other_governments=len(governments) + 1)
    assert_violates(check(stricter, mini_plan), "other_governments", engagement_id="AO-RV")
    assert not violations_of(check(with_engagement(mini, "AO-RV", min_other_governments=len(governments)),
                                   mini_plan), "other_governments")


def test_interpretation_needs_no_speaker(mini, mini_plan):
    # nobody on the team speaks Tswana
    needs_tn = with_engagement(mini, "AO-RV", languages=("tn",))
    assert_violates(check(needs_tn, mini_plan), "languages_and_expertise", engagement_id="AO-RV")
    interpreted = with_engagement(needs_tn, "AO-RV", interpretation=True)
    assert not violations_of(check(interpreted, mini_plan), "languages_and_expertise")
    # the solver: with interpretation the visit happens although nobody can speak the language
    assert not outcome(solve(with_engagement(needs_tn, "AO-RV", priority="high"), time_limit_s=LIMIT).plan,
                       "AO-RV").scheduled
    assert outcome(solved(with_engagement(interpreted, "AO-RV", priority="high")).plan, "AO-RV").scheduled


def test_interpretation_also_covers_french_speakers(mini, mini_plan):
    if not outcome(mini_plan, "CM-RV").scheduled:
        pytest.skip("the mini plan leaves CM-RV out")
    plan = mini_plan
    for rid in team_ids(plan, "CM-RV"):
        if mini.reviewers_by_id[rid].speaks("fr"):
            plan = remove_assignment(plan, "CM-RV", rid)
    assert [v.engagement_id for v in violations_of(check(mini, plan), "french_speakers")] == ["CM-RV"]
    assert not violations_of(check(with_engagement(mini, "CM-RV", interpretation=True), plan), "french_speakers")


def test_override_columns_round_trip_and_bad_cells(mini, tmp_path):
    s = with_engagement(mini, "AO-RV", observers=("WDC",), min_other_governments=1, interpretation=True)
    s = with_engagement(s, "CM-RV", observers=())
    folder = save_scenario(s, tmp_path / "s")
    header = (folder / "engagements.csv").read_text().splitlines()[0]
    assert header.endswith("observers,min_other_governments,interpretation")
    again = load_scenario(folder)
    assert again.engagements_by_id["AO-RV"] == s.engagements_by_id["AO-RV"]
    assert again.engagements_by_id["CM-RV"].observers == ()
    assert again.engagements_by_id["CHAIRS"].observers is None
    # a scenario without overrides keeps its old columns
    assert "observers" not in (save_scenario(mini, tmp_path / "old") / "engagements.csv").read_text()
    text = (folder / "engagements.csv").read_text().replace(",WDC,1,yes", ",WDX,one,maybe")
    (folder / "engagements.csv").write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    columns = {p.column for p in caught.value.problems if p.file == "engagements.csv" and p.row == 2}
    assert columns == {"observers", "min_other_governments", "interpretation"}


# --- a French-speaking lead -----------------------------------------------------------------------------------


def test_french_lead_both_ways(mini):
    s = with_engagement(mini, "CM-RV", priority="required")
    plan = solved(s).plan
    lead = next(a.reviewer_id for a in plan.team("CM-RV") if a.role == "lead")
    # make the plan's lead someone without French (ZA-1 speaks English only), if the plan's lead speaks French
    english_only = "ZA-1"
    if lead != english_only:
        plan = replace_assignment(plan, "CM-RV", lead, role="member")
        plan = (replace_assignment(plan, "CM-RV", english_only, role="lead") if english_only in team_ids(plan, "CM-RV")
                else add_assignment(plan, s, "CM-RV", english_only, role="lead"))
    on = with_rules(s, french_lead_for_francophone_hosts=True)
    [v] = violations_of(check(on, plan), "french_lead")
    assert (v.engagement_id, v.reviewer_id) == ("CM-RV", english_only) and "does not speak French" in v.sentence
    assert not violations_of(check(s, plan), "french_lead")
    # the solver gives Cameroon a French-speaking lead when the rule is on ...
    fr_plan = solved(with_weights(on, lead_language=0)).plan
    fr_lead = next(a.reviewer_id for a in fr_plan.team("CM-RV") if a.role == "lead")
    assert on.reviewers_by_id[fr_lead].speaks("fr")
    # ... and cannot when no lead-eligible person speaks French
    nobody = on
    for r in on.reviewers:
        if r.lead_eligible and r.speaks("fr"):
            nobody = with_reviewer(nobody, r.id, languages=tuple(x for x in r.languages if x != "fr"))
    nobody = with_rules(nobody, french_speakers_for_francophone_hosts=0)
    result = solve_explained(nobody, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE"
    assert "French-speaking lead" in " ".join(result.diagnosis), result.diagnosis


# --- multi-site visits ------------------------------------------------------------------------------------------

SAURIMO = Site("Saurimo, Lunda Sul", -9.66078, 20.39155, 3)
LUANDA = Site("Luanda", -8.83682, 13.23432, 2)


def test_a_two_site_visit_counts_its_legs(mini, mini_plan):
    s = with_engagement(mini, "AO-RV", sites=(LUANDA, SAURIMO))
    e = s.engagements_by_id["AO-RV"]
    for a in mini_plan.team("AO-RV"):
        home = home_of(s.reviewers_by_id[a.reviewer_id])
        expected = (km_between(home, (LUANDA.lat, LUANDA.lon)) + km_between((LUANDA.lat, LUANDA.lon),
                    (SAURIMO.lat, SAURIMO.lon)) + km_between((SAURIMO.lat, SAURIMO.lon), home))
        assert trip_km(s, s.reviewers_by_id[a.reviewer_id], e, "AO") == expected
        assert expected > trip_km(mini, mini.reviewers_by_id[a.reviewer_id], mini.engagements_by_id["AO-RV"], "AO")
    before, after = term_value(check(mini, mini_plan), "travel_km"), term_value(check(s, mini_plan), "travel_km")
    extra = sum(trip_km(s, s.reviewers_by_id[a.reviewer_id], e, "AO")
                - trip_km(mini, mini.reviewers_by_id[a.reviewer_id], mini.engagements_by_id["AO-RV"], "AO")
                for a in mini_plan.team("AO-RV"))
    assert after - before == extra > 0
    # the solver's objective counts the same kilometres as the checker
    result = solved(s)
    assert result.objective == pytest.approx(check(s, result.plan).objective, abs=1e-6)


def test_sites_csv_round_trip_and_days_must_add_up(mini, tmp_path):
    s = with_engagement(mini, "AO-RV", sites=(LUANDA, SAURIMO))
    folder = save_scenario(s, tmp_path / "s")
    assert load_scenario(folder).engagements_by_id["AO-RV"].sites == (LUANDA, SAURIMO)
    (folder / "sites.csv").write_text((folder / "sites.csv").read_text().replace(",3\n", ",4\n"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    [p] = [p for p in caught.value.problems if p.file == "sites.csv"]
    assert p.row == 3 and p.column == "days" and "add up" in p.expected


# --- host calendars -------------------------------------------------------------------------------------------


def _holiday_in(code: str, first: date, last: date) -> tuple[date, str]:
    off = holidays.country_holidays(code, years=first.year)
    found = sorted((d, n) for d, n in off.items() if first <= d <= last and d.weekday() < 5)
    assert found, f"the holidays package lists no weekday holiday of {code} between {first} and {last}"
    return found[0]


def test_a_real_public_holiday_of_the_host_blocks_a_start(mini):
    # Angola's National Heroes' Day (17 Sep), or whatever the holidays package lists first in the window
    e = mini.engagements_by_id["AO-RV"]
    day, name = _holiday_in("AO", e.earliest_start, e.latest_start)
    assert start_rejection(mini, e, "AO", day) is None  # off by default
    hard = with_rules(mini, host_calendar="hard")
    reason = start_rejection(hard, e, "AO", day)
    assert reason and f"{day:%-d %b} is a public holiday in Angola" in reason and name in reason
    # a week later (no holiday on site, a weekday) is fine
    later = day + timedelta(days=7)
    while start_rejection(hard, e, "AO", later) is not None:
        later += timedelta(days=1)
    assert later.weekday() < 5
    # pinned on the holiday: the solver cannot keep both, and says why
    plan = solved(with_engagement(mini, "AO-RV", pinned_start=day)).plan
    assert outcome(plan, "AO-RV").start == day
    assert_violates(check(with_engagement(hard, "AO-RV", earliest_start=day, latest_end=e.end_for(day)), plan),
                    "window_and_calendar", engagement_id="AO-RV")


def test_a_weekend_start_is_rejected_and_a_pinned_start_is_exempt(mini):
    e = mini.engagements_by_id["AO-RV"]
    saturday = e.earliest_start + timedelta(days=(5 - e.earliest_start.weekday()) % 7)
    hard = with_rules(mini, host_calendar="hard")
    assert "weekend day in Angola" in start_rejection(hard, e, "AO", saturday)
    pinned = dataclasses.replace(e, pinned_start=saturday)
    assert start_rejection(hard, pinned, "AO", saturday) is None


def test_host_calendar_hard_plans_avoid_holidays_and_soft_plans_count_them(mini):
    e = mini.engagements_by_id["AO-RV"]
    day, _ = _holiday_in("AO", e.earliest_start, e.latest_start)
    # a window in which only the holiday is a weekday start without a holiday on site
    narrow = with_engagement(mini, "AO-RV", earliest_start=day - timedelta(days=3), latest_end=day + timedelta(days=10))
    hard = solved(with_rules(narrow, host_calendar="hard")).plan
    o = outcome(hard, "AO-RV")
    assert o.scheduled and o.start.weekday() < 5
    assert not any(o.start + timedelta(days=k) == day for k in range(e.duration_days))
    soft = with_weights(with_rules(narrow, host_calendar="soft"), host_calendar=100)
    result = solved(soft)
    assert result.objective == pytest.approx(check(soft, result.plan).objective, abs=1e-6)
    # the checker counts a start on the holiday: one for the start, nothing else in five weekdays
    on_holiday = replace_outcome_start(soft, result.plan, "AO-RV", day)
    assert term_value(check(soft, on_holiday), "host_calendar") >= 1


def replace_outcome_start(s, plan, eid, start):
    from planner_helpers import move_engagement
    return move_engagement(plan, s, eid, start)


# --- costs ------------------------------------------------------------------------------------------------------


def test_costs_per_payer_add_up(mini, mini_plan):
    lines = plan_costs(mini, mini_plan)
    by_hand = 0.0
    for a in mini_plan.assignments:
        r, e = mini.reviewers_by_id[a.reviewer_id], mini.engagements_by_id[a.engagement_id]
        fare, allowance = person_cost(mini, r, e, a.host)
        assert fare == mini.costs.fare(trip_km(mini, r, e, a.host))
        assert allowance == mini.costs.daily_allowance * e.duration_days
        by_hand += fare + allowance
    assert sum(line.total for line in lines) == pytest.approx(by_hand)
    assert sum(totals_by_payer(lines).values()) == pytest.approx(by_hand)
    assert sum(totals_by_engagement(lines).values()) == pytest.approx(by_hand)
    assert sum(line.people for line in lines) == len(mini_plan.assignments)
    # observers pay for themselves unless a funder is named; the EU pays for people of its member states
    assert payer_of(mini, mini.reviewers_by_id["CSC-1"]) == "CSC"
    funded = dataclasses.replace(mini, costs=dataclasses.replace(mini.costs, funders={"CSC": "EU"}))
    assert payer_of(funded, funded.reviewers_by_id["CSC-1"]) == "EU"
    assert payer_of(mini, mini.reviewers_by_id["EU-1"]) == "EU"  # a Belgian official
    assert payer_of(mini, mini.reviewers_by_id["WDC-1"]) == "WDC"
    assert payer_of(mini, mini.reviewers_by_id["ZA-1"]) == "ZA"
    assert sum(totals_by_payer(plan_costs(funded, mini_plan)).values()) == pytest.approx(by_hand)


def test_cost_as_a_soft_term_agrees_with_the_checker(mini):
    s = with_weights(mini, cost=0.01)
    result = solved(s)
    report = check(s, result.plan)
    assert result.objective == pytest.approx(report.objective, abs=1e-6)
    assert term_value(report, "cost") == pytest.approx(round(sum(line.total for line in plan_costs(s, result.plan))),
                                                       abs=len(result.plan.assignments))


def test_costs_section_of_scenario_yaml(mini, tmp_path):
    folder = save_scenario(mini, tmp_path / "s")
    text = (folder / "scenario.yaml").read_text()
    (folder / "scenario.yaml").write_text(text + "costs:\n  currency: EUR\n  daily_allowance: 300\n"
                                          "  fare_bands: [{up_to_km: 3000, fare: 700}, {up_to_km: null, fare: 1900}]\n"
                                          "  funders: {CSC: EU, WDC: WDC}\n")
    s = load_scenario(folder)
    assert s.costs.currency == "EUR" and s.costs.fare(2000) == 700 and s.costs.fare(12000) == 1900
    assert load_scenario(save_scenario(s, tmp_path / "again")).costs == s.costs
    (folder / "scenario.yaml").write_text(text + "costs:\n  currency: euros\n  fare_bands: [{up_to_km: 3000}]\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    columns = {p.column for p in caught.value.problems}
    assert "costs.currency" in columns and "costs.fare_bands[0]" in columns  # the band without a fare


def test_the_mini_copy_is_untouched(tmp_path):
    """Loading never modifies input files (pins.csv and sites.csv included)."""
    folder = tmp_path / "m"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", folder)
    (folder / "pins.csv").write_text("engagement_id,reviewer_id,role\nAO-RV,EU-1,lead\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    load_scenario(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_costs_in_words_and_as_a_table(mini, mini_plan):
    from planner.views.tables import costs_table, costs_text

    table = costs_table(mini, mini_plan)
    lines = plan_costs(mini, mini_plan)
    assert len(table) == len(lines) and table["people"].sum() == len(mini_plan.assignments)
    total = sum(line.total for line in lines)
    assert f"{total:,.0f} USD" in costs_text(mini, mini_plan)
    assert "assumed" in costs_text(mini, mini_plan)
    assert "European Union" in set(table["payer"])  # the Belgian official's government


def test_an_engagement_whose_only_starts_are_host_holidays_is_explained_by_name(mini):
    e = mini.engagements_by_id["AO-RV"]
    day, name = _holiday_in("AO", e.earliest_start, e.latest_start)
    only_that_day = with_engagement(with_rules(mini, host_calendar="hard"), "AO-RV", earliest_start=day,
                                    latest_end=e.end_for(day))
    result = solve_explained(only_that_day, time_limit_s=LIMIT)
    assert result.status == "INFEASIBLE"
    text = " ".join(result.diagnosis)
    assert "no allowed start day" in text and f"{day:%-d %b} is a public holiday in Angola ({name})" in text


def test_a_pinned_person_who_drops_out_is_replaced(mini, mini_plan):
    from planner.engine.replan import DropOut, prepare_replan

    member = next(a.reviewer_id for a in mini_plan.team("AO-RV") if a.role == "member")
    pinned = with_pins(mini, ("AO-RV", member, "member"))
    o = outcome(mini_plan, "AO-RV")
    replanning = prepare_replan(pinned, mini_plan, today=o.start - timedelta(days=14),
                                drop_outs=[DropOut(member, "AO-RV")])
    assert replanning.scenario.pins == ()
    result = replanning.solve(time_limit_s=LIMIT)
    assert result.status in SOLVED and member not in team_ids(result.plan, "AO-RV")
    assert check(replanning.scenario, result.plan).ok


@pytest.fixture(scope="module")
def published():
    from planner.io.plan_files import load_plan

    return load_scenario(KP), load_plan(KP.parents[2] / "plans" / "kp-2018-h2")


def test_the_itinerary_map_follows_a_person_through_every_site(published):
    """A member of the Russia visit's team: their line runs home → Moscow → Arkhangelsk → Vladivostok, with a
    stop at each further site; someone who is not on a multi-site visit has no such stop."""
    from planner.views.maps import itinerary_map, offline_html

    scenario, plan = published
    sites = scenario.engagements_by_id["RU-RV"].sites
    member = sorted(a.reviewer_id for a in plan.assignments if a.engagement_id == "RU-RV")[0]
    page = offline_html(itinerary_map(scenario, plan, [member]))
    route = json.dumps([[s.lat, s.lon] for s in sites])[1:-1]  # the three sites, in order, within the line
    assert route in page
    assert page.count("kp-site-stop") == 2 and "Vladivostok" in page
    elsewhere = sorted({a.reviewer_id for a in plan.assignments}
                       - {a.reviewer_id for a in plan.assignments if a.engagement_id == "RU-RV"})[0]
    assert "kp-site-stop" not in offline_html(itinerary_map(scenario, plan, [elsewhere]))


def test_every_site_of_the_russia_visit_is_shown(published):
    """The map draws the route through Moscow, Arkhangelsk and Vladivostok with a stop at each further site;
    the calendar lists the sites in order, in English and in French."""
    from planner.exports.ics import plan_calendar
    from planner.views.maps import offline_html, plan_map

    scenario, plan = published
    sites = scenario.engagements_by_id["RU-RV"].sites
    assert [s.place for s in sites] == ["Moscow", "Arkhangelsk", "Vladivostok"]
    page = offline_html(plan_map(scenario, plan))
    assert page.count("kp-route") >= 1 and page.count("kp-site-stop") >= 2
    # the tooltip is a JavaScript string literal (escaped as planner.views.escape.js_string does)
    assert json.dumps("Moscow (2 days) → Arkhangelsk (2 days) → Vladivostok (2 days)") in page
    assert json.dumps("Moscou (2 jours)")[:-1] in offline_html(plan_map(scenario, plan, lang="fr"))
    events = {str(e.get("X-KP-ENGAGEMENT")): e for e in plan_calendar(scenario, plan).walk("VEVENT")}
    assert "Sites in order: Moscow (2 days), Arkhangelsk (2 days), Vladivostok (2 days)" in str(
        events["RU-RV"]["DESCRIPTION"])


def test_the_workbook_counts_the_legs_between_sites(published, tmp_path):
    """The workbook's kilometres per person are the checker's: home, every site in order, home."""
    from openpyxl import load_workbook

    from planner.exports.xlsx import write_workbook

    scenario, plan = published
    write_workbook(scenario, plan, tmp_path / "plan.xlsx")
    sheet = next(ws for ws in load_workbook(tmp_path / "plan.xlsx").worksheets if ws.title == "People")
    header = [c.value for c in sheet[1]]
    km_col, id_col = header.index("Kilometres (round trips)"), header.index("Reviewer")
    km = {row[id_col]: row[km_col] for row in sheet.iter_rows(min_row=2, values_only=True)}
    ru = [a for a in plan.assignments if a.engagement_id == "RU-RV"]
    for a in ru:
        r = scenario.reviewers_by_id[a.reviewer_id]
        expected = sum(trip_km(scenario, r, scenario.engagements_by_id[x.engagement_id], x.host)
                       for x in plan.of_reviewer(r.id))
        assert km[r.id] == expected
        # more than flying to Moscow and back: the legs to Arkhangelsk and Vladivostok count
        assert trip_km(scenario, r, scenario.engagements_by_id["RU-RV"], "RU") > 2 * km_between(
            home_of(r), (scenario.participant("RU").lat, scenario.participant("RU").lon))


def test_costs_in_the_workbook_and_the_report(published):
    """The workbook's Costs sheet and the report's costs section say what plan_costs says, per payer."""
    from planner.exports.html import report_html
    from planner.exports.xlsx import sheet_frames

    scenario, plan = published
    lines = plan_costs(scenario, plan)
    costs = sheet_frames(scenario, plan)["Costs"]
    assert len(costs) == len(lines) and costs["Total"].sum() == pytest.approx(sum(round(x.total) for x in lines))
    summary = sheet_frames(scenario, plan)["Summary"]
    item = "Estimated cost in USD (assumed fares and allowances)"
    assert summary.loc[summary["Item"] == item, "Value"].item() == round(sum(x.total for x in lines))
    eu = costs[costs["Payer"] == "European Union"]
    csc = sum(1 for a in plan.assignments if scenario.reviewers_by_id[a.reviewer_id].organisation == "CSC")
    assert csc and eu["People"].sum() >= csc  # the EU pays for the CSC observers in kp-2018-h2
    page = report_html(scenario, plan)
    assert 'id="costs"' in page and "Estimated costs (assumptions)" in page and "kp-costs" in page


def test_the_dashboard_headline_shows_the_estimated_cost_of_what_is_shown(published):
    from planner.views.html import kpis_html
    from planner.views.plan_view import Filters, filtered_plan
    from planner.views.wording import number_text

    scenario, plan = published
    whole = round(sum(x.total for x in plan_costs(scenario, plan)))
    assert f"{number_text(whole)}</div><div class=\"kp-label\">Estimated cost, USD (assumed)" in kpis_html(
        scenario, plan)
    europe = Filters(region="Europe")
    part = round(sum(x.total for x in plan_costs(scenario, filtered_plan(scenario, plan, europe))))
    assert 0 < part < whole
    assert f"{number_text(part)}</div>" in kpis_html(scenario, plan, filters=europe)
    assert "Coût estimé, USD (hypothèse)" in kpis_html(scenario, plan, "fr")
