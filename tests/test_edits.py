"""planner.apps.edits: validated what-if edits (notebooks/02-what-if.ipynb) and atomic variant folders."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from planner import load_scenario
from planner.apps import edits
from planner.apps.edits import EditRejected, VariantExists
from planner.core.model import Scenario
from tests.planner_helpers import load_mini


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_mini()


# --- mark_unavailable -----------------------------------------------------------------------------------


def test_mark_unavailable_adds_a_period_and_leaves_the_original_alone(mini):
    changed = edits.mark_unavailable(mini, "ZA-1", date(2018, 9, 20), date(2018, 9, 25), "illness")
    assert changed.unavailability[-1].reviewer == "ZA-1"
    assert (changed.unavailability[-1].start, changed.unavailability[-1].end) == (date(2018, 9, 20),
                                                                                 date(2018, 9, 25))
    assert changed.unavailability[-1].reason == "illness"
    assert len(changed.unavailability) == len(mini.unavailability) + 1
    assert "ZA-1" not in {u.reviewer for u in mini.unavailability}


def test_mark_unavailable_accepts_iso_text_and_lower_case_ids(mini):
    changed = edits.mark_unavailable(mini, "za-1", "2018-09-20", "2018-09-20")
    assert changed.unavailability[-1].reviewer == "ZA-1"
    assert changed.unavailability[-1].start == date(2018, 9, 20)


@pytest.mark.parametrize("reviewer, start, end, words", [
    ("ZA-9", "2018-09-20", "2018-09-25", "ZA-9 is not a reviewer of this scenario; did you mean ZA-1?"),
    ("", "2018-09-20", "2018-09-25", "Choose a reviewer"),
    ("ZA-1", "2018-08-20", "2018-09-25", "outside the scenario's horizon (01 Sep 2018 to 31 Oct 2018)"),
    ("ZA-1", "2018-09-20", "2018-11-02", "The last day 02 Nov 2018 is outside"),
    ("ZA-1", "2018-09-25", "2018-09-20", "The last day 20 Sep 2018 is before the first day 25 Sep 2018"),
    ("ZA-1", "20/09/2018", "2018-09-25", "is not a date; write it as YYYY-MM-DD"),
    ("ZA-1", None, "2018-09-25", "Choose the first day"),
])
def test_mark_unavailable_rejects_with_a_reason(mini, reviewer, start, end, words):
    with pytest.raises(EditRejected) as caught:
        edits.mark_unavailable(mini, reviewer, start, end)
    assert words in str(caught.value)


def test_edit_rejected_is_a_value_error():
    assert issubclass(EditRejected, ValueError)


# --- rules and weights ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [
    ("review_team_min", 4), ("review_team_max", 8), ("french_speakers_for_francophone_hosts", 2),
    ("report_lead_time_days", 28), ("min_other_participant_governments", 1), ("chain_max_gap_days", 3),
    ("lead_must_be_participant_government", False),
])
def test_set_rule_changes_one_rule(mini, name, value):
    changed = edits.set_rule(mini, name, value)
    assert getattr(changed.rules, name) == value
    others = {f.name for f in dataclasses.fields(mini.rules)} - {name}
    assert all(getattr(changed.rules, f) == getattr(mini.rules, f) for f in others)


@pytest.mark.parametrize("name, value, words", [
    ("review_team_min", 0, "from 1 to 50"),
    ("review_team_min", 3.5, "whole number"),
    ("review_team_min", 6, "smallest review team (6) would be larger than the largest (5)"),
    ("review_team_max", 2, "smallest review team (3) would be larger than the largest (2)"),
    ("team_min", 3, "did you mean review_team_min?"),
    ("lead_must_be_participant_government", 1, "choose yes (True) or no (False)"),
    ("report_lead_time_days", -1, "from 0 to 120"),
])
def test_set_rule_rejects_with_a_reason(mini, name, value, words):
    with pytest.raises(EditRejected) as caught:
        edits.set_rule(mini, name, value)
    assert words in str(caught.value)


def test_set_rule_accepts_a_whole_number_given_as_text_or_float(mini):
    assert edits.set_rule(mini, "review_team_min", "4").rules.review_team_min == 4
    assert edits.set_rule(mini, "review_team_min", 4.0).rules.review_team_min == 4


def test_set_weight_changes_one_weight_and_zero_switches_a_term_off(mini):
    changed = edits.set_weight(mini, "max_load", 80)
    assert changed.weights["max_load"] == 80
    assert edits.set_weight(mini, "weekday_start", 0).weights["weekday_start"] == 0
    assert mini.weights["max_load"] == 40
    assert {k for k in changed.weights if changed.weights[k] != mini.weights[k]} == {"max_load"}


def test_set_weight_absorbs_slider_float_noise(mini):
    assert edits.set_weight(mini, "travel_km", 0.010000000000000002).weights["travel_km"] == 0.01


@pytest.mark.parametrize("name, value, words", [
    ("travel_km", 0.0101, "at most three decimals"),
    ("travel_km", -1, "from 0 to 1,000,000"),
    ("travel_km", True, "must be a number"),
    ("travel_km", float("nan"), "must be a number"),
    ("travl_km", 1, "did you mean travel_km?"),
])
def test_set_weight_rejects_with_a_reason(mini, name, value, words):
    with pytest.raises(EditRejected) as caught:
        edits.set_weight(mini, name, value)
    assert words in str(caught.value)


def test_set_weights_applies_each(mini):
    changed = edits.set_weights(mini, {"max_load": 10, "load_spread": 0})
    assert (changed.weights["max_load"], changed.weights["load_spread"]) == (10, 0)


# --- pin / unpin ----------------------------------------------------------------------------------------------


def test_pin_and_unpin(mini):
    pinned = edits.pin(mini, "AO-RV", date(2018, 9, 17))
    assert pinned.engagements_by_id["AO-RV"].pinned_start == date(2018, 9, 17)
    assert mini.engagements_by_id["AO-RV"].pinned_start is None
    assert edits.unpin(pinned, "AO-RV").engagements_by_id["AO-RV"].pinned_start is None


def test_pin_rejects_a_day_outside_the_window(mini):
    with pytest.raises(EditRejected, match="cannot start on Thu 18 Oct 2018: it would be outside its window"):
        edits.pin(mini, "AO-RV", "2018-10-18")  # 5 days from 18 Oct end after 20 Oct


def test_pin_rejects_a_day_in_the_report_lead_time(mini):
    scenario = edits.set_rule(mini, "report_lead_time_days", 20)
    with pytest.raises(EditRejected, match="during the 20-day report lead time"):
        edits.pin(scenario, "AO-RV", "2018-10-10")


def test_pin_rejects_a_day_nobody_could_staff(mini):
    scenario = edits.mark_unavailable(mini, "CSC-1", "2018-09-14", "2018-09-30")
    scenario = edits.mark_unavailable(scenario, "CSC-2", "2018-09-14", "2018-09-30")
    with pytest.raises(EditRejected) as caught:
        edits.pin(scenario, "AO-RV", "2018-09-17")
    assert "cannot be staffed if it starts on 17 Sep 2018" in str(caught.value)
    assert "CSC observer" in str(caught.value)


def test_pin_and_unpin_reject_unknown_or_unpinned_engagements(mini):
    with pytest.raises(EditRejected, match="'AO-XX' is not an engagement of this scenario; did you mean AO-RV"):
        edits.pin(mini, "AO-XX", "2018-09-17")
    with pytest.raises(EditRejected, match="choose one of AO-RV, CHAIRS, CM-RV"):
        edits.unpin(mini, "nothing-like-it")
    with pytest.raises(EditRejected, match="is not pinned; there is nothing to unpin"):
        edits.unpin(mini, "AO-RV")


def test_pin_person_and_remove_the_pin(mini):
    pinned = edits.pin_person(mini, "AO-RV", "eu-1", "lead")
    assert [(p.engagement_id, p.reviewer_id, p.role) for p in pinned.pins] == [("AO-RV", "EU-1", "lead")]
    assert mini.pins == ()
    # a new role for the same person replaces the pin; a new lead replaces the pinned lead
    again = edits.pin_person(pinned, "AO-RV", "EU-1", "member")
    assert [(p.reviewer_id, p.role) for p in again.pins] == [("EU-1", "member")]
    other_lead = edits.pin_person(pinned, "AO-RV", "CA-1", "lead")
    assert [(p.reviewer_id, p.role) for p in other_lead.pins] == [("CA-1", "lead")]
    assert edits.unpin_person(pinned, "AO-RV", "EU-1").pins == ()
    with pytest.raises(EditRejected, match="EU-1 is not pinned on Review visit to Angola"):
        edits.unpin_person(mini, "AO-RV", "EU-1")


def test_pin_person_rejects_pins_that_cannot_hold(mini):
    with pytest.raises(EditRejected, match="did you mean ZA-1"):
        edits.pin_person(mini, "AO-RV", "ZA-9", "member")
    with pytest.raises(EditRejected, match="not lead-eligible"):
        edits.pin_person(mini, "AO-RV", "RU-1", "lead")
    with pytest.raises(EditRejected, match="AO-1 cannot be on AO-RV at all"):
        edits.pin_person(mini, "AO-RV", "AO-1", "member")  # Angolan: no self-review
    with pytest.raises(EditRejected, match="attendee or excluded"):
        edits.pin_person(mini, "CHAIRS", "ZA-1", "member")
    busy = edits.mark_unavailable(mini, "CA-1", "2018-09-01", "2018-10-31")
    with pytest.raises(EditRejected, match="CA-1 is unavailable or at a fixed event on every start day"):
        edits.pin_person(busy, "AO-RV", "CA-1", "member")


# --- add_invitation -------------------------------------------------------------------------------------------


def test_add_invitation_adds_a_review_visit(mini):
    changed = edits.add_invitation(mini, "sl", "2018-09-03", "2018-10-12", 4, languages="en",
                                   expertise=["valuation"])
    e = changed.engagements_by_id["SL-RV"]
    assert (e.kind, e.hosts, e.duration_days, e.priority) == ("review_visit", ("SL",), 4, "normal")
    assert (e.earliest_start, e.latest_end) == (date(2018, 9, 3), date(2018, 10, 12))
    assert e.title == "Review visit to Sierra Leone (what-if invitation)"
    assert (e.languages, e.expertise) == (("en",), ("valuation",))
    assert len(changed.engagements) == len(mini.engagements) + 1
    assert "SL-RV" not in mini.engagements_by_id


def test_add_invitation_takes_an_id_title_priority_and_team(mini):
    changed = edits.add_invitation(mini, "RU", date(2018, 9, 3), date(2018, 10, 12), 5, priority="low",
                                   engagement_id="RU-RV-2", title="Second Russian visit", team_min=3, team_max=4)
    e = changed.engagements_by_id["RU-RV-2"]
    assert (e.title, e.priority, e.team_min, e.team_max) == ("Second Russian visit", "low", 3, 4)


@pytest.mark.parametrize("args, kwargs, words", [
    (("XX", "2018-09-03", "2018-10-12"), {}, "XX is not a participant of this scenario"),
    (("", "2018-09-03", "2018-10-12"), {}, "Choose the host participant"),
    (("CM", "2018-09-03", "2018-10-12"), {}, "Cameroon already has a review visit (CM-RV)"),
    (("SL", "2018-08-03", "2018-10-12"), {}, "earliest start 03 Aug 2018 is outside the scenario's horizon"),
    (("SL", "2018-09-03", "2018-09-05"), {}, "A 5-day visit does not fit between 03 Sep and 05 Sep 2018"),
    (("SL", "2018-09-12", "2018-09-03"), {}, "latest end 03 Sep 2018 is before the earliest start"),
    (("SL", "2018-10-27", "2018-10-31"), {"duration_days": 3}, "could start on no day of that window: every "
                                                               "start is during the plenary"),
    (("SL", "2018-09-03", "2018-10-12"), {"duration_days": 0}, "duration in days must be a whole number"),
    (("SL", "2018-09-03", "2018-10-12"), {"priority": "urgent"}, "priority must be one of required, high"),
    (("SL", "2018-09-03", "2018-10-12"), {"engagement_id": "AO-RV"}, "already an engagement with the id AO-RV"),
    (("SL", "2018-09-03", "2018-10-12"), {"engagement_id": "a b"}, "is not a usable id"),
    (("SL", "2018-09-03", "2018-10-12"), {"languages": "french"}, "'french' is not a valid language code"),
    (("SL", "2018-09-03", "2018-10-12"), {"team_min": 5, "team_max": 3}, "largest team (3) is smaller"),
])
def test_add_invitation_rejects_with_a_reason(mini, args, kwargs, words):
    with pytest.raises(EditRejected) as caught:
        edits.add_invitation(mini, *args, **kwargs)
    assert words in str(caught.value)


def test_a_required_invitation_nobody_could_staff_is_rejected_an_optional_one_is_noted(mini):
    with pytest.raises(EditRejected, match="A required visit that nobody could staff leaves no plan"):
        edits.add_invitation(mini, "SL", "2018-09-03", "2018-10-12", priority="required", languages="ja")
    optional = edits.add_invitation(mini, "SL", "2018-09-03", "2018-10-12", priority="low", languages="ja")
    notes = edits.consequences(mini, optional)
    assert len(notes) == 1 and notes[0].startswith("It will be left out:")


# --- consequences ---------------------------------------------------------------------------------------------


def test_consequences_say_when_no_plan_can_exist(mini):
    assert edits.consequences(mini, edits.set_rule(mini, "review_team_max", 5)) == []
    impossible = edits.set_rule(edits.set_rule(mini, "review_team_max", 50), "review_team_min", 9)
    notes = edits.consequences(mini, impossible)
    assert any(n.startswith("No plan can exist any more:") and "Angola" in n for n in notes)


# --- save_variant ---------------------------------------------------------------------------------------------


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_save_variant_writes_a_folder_that_loads_back_equal(mini, tmp_path):
    variant = edits.add_invitation(edits.mark_unavailable(mini, "ZA-1", "2018-09-20", "2018-09-25"),
                                   "SL", "2018-09-03", "2018-10-12")
    path = edits.save_variant(variant, tmp_path / "what-if", name="Mini what-if", note="Edits: two.")
    loaded = load_scenario(path)
    assert loaded.name == "Mini what-if"
    assert loaded.description.endswith("Edits: two.")
    assert dataclasses.replace(loaded, name=variant.name, description=variant.description) == variant
    assert _hidden(tmp_path) == []


def test_save_variant_refuses_an_existing_folder_without_confirmation(mini, tmp_path, folder_hashes):
    target = edits.save_variant(mini, tmp_path / "v")
    before = folder_hashes(target)
    changed = edits.set_rule(mini, "review_team_max", 4)
    with pytest.raises(VariantExists, match="already exists and is not empty; choose another name, or confirm"):
        edits.save_variant(changed, target)
    assert folder_hashes(target) == before
    assert _hidden(tmp_path) == []
    edits.save_variant(changed, target, confirm_overwrite=True)
    assert load_scenario(target).rules.review_team_max == 4
    assert _hidden(tmp_path) == []


def test_save_variant_uses_an_existing_empty_folder(mini, tmp_path):
    (tmp_path / "empty").mkdir()
    edits.save_variant(mini, tmp_path / "empty")
    assert (tmp_path / "empty" / "scenario.yaml").exists()


def test_save_variant_refuses_a_file(mini, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(VariantExists, match="is a file, not a folder"):
        edits.save_variant(mini, tmp_path / "file", confirm_overwrite=True)


def test_a_failed_save_leaves_the_old_folder_and_no_temporary_files(mini, tmp_path, monkeypatch, folder_hashes):
    target = edits.save_variant(mini, tmp_path / "v")
    before = folder_hashes(target)

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("planner.io.scenario_files.save_scenario", broken)
    with pytest.raises(OSError, match="disk full"):
        edits.save_variant(edits.set_rule(mini, "review_team_max", 4), target, confirm_overwrite=True)
    assert folder_hashes(target) == before
    assert _hidden(tmp_path) == []
