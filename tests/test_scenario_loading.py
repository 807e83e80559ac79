"""Loading the mini scenario, and save_scenario -> load_scenario round trips (docs/scenario-format.md)."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

import planner
from planner import Scenario, ScenarioError, load_scenario, save_scenario

SCENARIO_FILES = {"scenario.yaml", "participants.csv", "reviewers.csv", "unavailability.csv", "events.csv",
                  "engagements.csv"}


def same_content(a: Scenario, b: Scenario) -> bool:
    """Dataclass equality, ignoring only where each scenario was read from."""
    return dataclasses.replace(a, source_path="") == dataclasses.replace(b, source_path="")


def read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- loading the example ------------------------------------------------------------------------------


def test_mini_loads_with_expected_content(mini_dir):
    s = load_scenario(mini_dir)
    assert s.name == "Mini test scenario"
    assert (s.horizon_start, s.horizon_end) == (date(2018, 9, 1), date(2018, 10, 31))
    assert [p.code for p in s.participants] == ["ZA", "CM", "AO", "IN", "EU", "RU", "CA", "SL"]
    assert len(s.reviewers) == 9 and len(s.events) == 2 and len(s.engagements) == 3
    assert s.participant("EU").member_states == ("BE", "FR", "DE", "NL")
    assert s.participant("CM").francophone and s.participant("CM").regional_approach == "CA"
    wdc = s.reviewers_by_id["WDC-1"]
    assert wdc.home == "" and (wdc.home_lat, wdc.home_lon) == (51.2194, 4.4025)
    csc = s.reviewers_by_id["CSC-1"]
    assert csc.home == "CM" and (csc.home_lat, csc.home_lon) == (3.86667, 11.51667)
    eu1 = s.reviewers_by_id["EU-1"]
    assert s.reviewer_participant(eu1) == "EU"  # a Belgian government reviewer counts as the EU
    assert s.events_by_id["ASM18"].place == "Livingstone, Zambia"
    ao = s.engagements_by_id["AO-RV"]
    assert ao.required and ao.duration_days == 5 and ao.source_row == 2
    assert s.engagements_by_id["CM-RV"].place == "Yaoundé"
    assert s.engagements_by_id["CHAIRS"].attendees == ("wg-chair",)
    assert s.rules.review_team_max == 5 and s.rules.min_other_participant_governments == 2
    assert s.weights["travel_km"] == 0.01 and s.weights["unscheduled_high"] == 1000  # defaults kept
    assert s.solver.time_limit_s == 10
    assert s.unavailability[0].reason == "leave"


def test_load_accepts_str_and_path(mini_dir):
    assert same_content(load_scenario(str(mini_dir)), load_scenario(mini_dir))


def test_validate_scenario_on_mini_is_ok(mini_dir):
    report = planner.validate_scenario(mini_dir)
    assert report.ok and report.exit_code == 0 and report.problems == []


def test_loading_never_modifies_the_folder(mini_dir, folder_hashes):
    before = folder_hashes(mini_dir)
    load_scenario(mini_dir)
    planner.validate_scenario(mini_dir)
    assert folder_hashes(mini_dir) == before


def test_byte_order_mark_is_accepted(scenario_copy, mini_dir):
    for name in SCENARIO_FILES:
        path = scenario_copy / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert same_content(load_scenario(scenario_copy), load_scenario(mini_dir))


def test_crlf_line_endings_are_accepted(scenario_copy, mini_dir):
    for name in SCENARIO_FILES:
        path = scenario_copy / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert same_content(load_scenario(scenario_copy), load_scenario(mini_dir))


def test_columns_may_come_in_any_order(scenario_copy, mini_dir, edit):
    for name in SCENARIO_FILES - {"scenario.yaml"}:
        rows = edit.read_rows(scenario_copy / name)
        order = list(reversed(range(len(rows[0]))))
        edit.write_rows(scenario_copy / name, [[r[i] if i < len(r) else "" for i in order] for r in rows])
    assert same_content(load_scenario(scenario_copy), load_scenario(mini_dir))


def test_blank_lines_are_ignored(scenario_copy, mini_dir):
    path = scenario_copy / "reviewers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\nIN-1", "\n\n,,,,,,\nIN-1") + "\n\n",
                    encoding="utf-8")
    assert same_content(load_scenario(scenario_copy), load_scenario(mini_dir))


def test_optional_participant_from_column(scenario_copy, edit):
    rows = edit.read_rows(scenario_copy / "participants.csv")
    rows[0].append("participant_from")
    for row in rows[1:]:
        row.append("2018-10-01" if row[0] == "SL" else "")
    edit.write_rows(scenario_copy / "participants.csv", rows)
    s = load_scenario(scenario_copy)
    assert s.participant("SL").participant_from == date(2018, 10, 1)
    assert s.participant("ZA").participant_from is None


def test_extra_columns_are_read_into_extra(scenario_copy, edit):
    for name in ("participants.csv", "reviewers.csv", "events.csv", "engagements.csv"):
        rows = edit.read_rows(scenario_copy / name)
        edit.write_rows(scenario_copy / name, [rows[0] + ["note"]] + [r + [f"n-{r[0]}"] for r in rows[1:]])
    s = load_scenario(scenario_copy)
    assert s.participant("ZA").extra == {"note": "n-ZA"}
    assert s.reviewers_by_id["IN-1"].extra == {"note": "n-IN-1"}
    assert s.events_by_id["PLEN"].extra == {"note": "n-PLEN"}
    assert s.engagements_by_id["CHAIRS"].extra == {"note": "n-CHAIRS"}


# --- round trips -----------------------------------------------------------------------------------------


def test_round_trip_equal(mini_dir, tmp_path):
    original = load_scenario(mini_dir)
    out = save_scenario(original, tmp_path / "out")
    assert out == tmp_path / "out"
    again = load_scenario(out)
    assert same_content(again, original)
    # field by field as well, so that a failure says where
    for f in dataclasses.fields(Scenario):
        if f.name != "source_path":
            assert getattr(again, f.name) == getattr(original, f.name), f.name


def test_round_trip_plain_dataclass_equality(mini_dir, tmp_path):
    original = load_scenario(mini_dir)
    assert load_scenario(save_scenario(original, tmp_path / "out")) == original


def test_saving_twice_is_byte_identical(mini_dir, tmp_path):
    s = load_scenario(mini_dir)
    a = read_all(save_scenario(s, tmp_path / "a"))
    b = read_all(save_scenario(s, tmp_path / "b"))
    assert set(a) == SCENARIO_FILES
    assert a == b


def test_save_load_save_is_a_fixed_point(mini_dir, tmp_path):
    first = save_scenario(load_scenario(mini_dir), tmp_path / "a")
    second = save_scenario(load_scenario(first), tmp_path / "b")
    assert read_all(first) == read_all(second)


def test_saved_files_are_utf8_without_bom_and_lf(mini_dir, tmp_path):
    folder = save_scenario(load_scenario(mini_dir), tmp_path / "out")
    for name, data in read_all(folder).items():
        assert not data.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in data, name
        data.decode("utf-8")
    assert "Yaoundé" in (folder / "engagements.csv").read_text(encoding="utf-8")


def test_save_refuses_non_empty_folder(mini_dir, tmp_path, folder_hashes):
    s = load_scenario(mini_dir)
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    before = folder_hashes(target)
    with pytest.raises(FileExistsError):
        save_scenario(s, target)
    assert folder_hashes(target) == before  # nothing written


def test_save_refuses_to_overwrite_an_existing_scenario(mini_dir, tmp_path):
    s = load_scenario(mini_dir)
    target = save_scenario(s, tmp_path / "out")
    changed = dataclasses.replace(s, name="Changed")
    with pytest.raises(FileExistsError):
        save_scenario(changed, target)
    assert load_scenario(target).name == "Mini test scenario"
    save_scenario(changed, target, overwrite=True)
    assert load_scenario(target).name == "Changed"


def test_save_into_empty_existing_folder_and_creates_parents(mini_dir, tmp_path):
    s = load_scenario(mini_dir)
    (tmp_path / "empty").mkdir()
    save_scenario(s, tmp_path / "empty")
    save_scenario(s, tmp_path / "deep" / "er" / "out")
    assert same_content(load_scenario(tmp_path / "deep" / "er" / "out"), s)


def test_save_leaves_no_temporary_files(mini_dir, tmp_path):
    s = load_scenario(mini_dir)
    target = save_scenario(s, tmp_path / "out")
    assert {p.name for p in target.iterdir()} == SCENARIO_FILES
    save_scenario(dataclasses.replace(s, name="Again"), target, overwrite=True)
    assert {p.name for p in target.iterdir()} == SCENARIO_FILES
    assert list(tmp_path.iterdir()) == [target]


def test_save_is_atomic_per_file_when_interrupted(mini_dir, tmp_path, monkeypatch):
    """A failure while saving leaves every file either old or new, never partial, and no temp file."""
    s = load_scenario(mini_dir)
    target = save_scenario(s, tmp_path / "out")
    old = read_all(target)
    changed = dataclasses.replace(
        s, name="Changed",
        participants=tuple(dataclasses.replace(p, name=p.name + " (x)") for p in s.participants),
        engagements=tuple(dataclasses.replace(e, title=e.title + " (x)") for e in s.engagements))

    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(planner.io.atomic.os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_scenario(changed, target, overwrite=True)
    monkeypatch.undo()

    assert {p.name for p in target.iterdir()} == SCENARIO_FILES
    new = read_all(save_scenario(changed, tmp_path / "new"))
    for name, data in read_all(target).items():
        assert data in (old[name], new[name]), name
    # the failed write kept the old file
    assert read_all(target)["participants.csv"] == old["participants.csv"]


def test_round_trip_keeps_extra_columns(scenario_copy, tmp_path, edit):
    for name in ("participants.csv", "reviewers.csv", "events.csv", "engagements.csv"):
        rows = edit.read_rows(scenario_copy / name)
        edit.write_rows(scenario_copy / name, [rows[0] + ["note"]] + [r + [f"n-{r[0]}"] for r in rows[1:]])
    s = load_scenario(scenario_copy)
    out = save_scenario(s, tmp_path / "out")
    for name in ("participants.csv", "reviewers.csv", "events.csv", "engagements.csv"):
        header = edit.read_rows(out / name)[0]
        assert header[-1] == "note", name
    again = load_scenario(out)
    assert same_content(again, s)
    assert again.reviewers_by_id["IN-1"].extra == {"note": "n-IN-1"}
    assert again.engagements_by_id["CHAIRS"].extra == {"note": "n-CHAIRS"}


def test_round_trip_keeps_extra_columns_of_unavailability(scenario_copy, tmp_path, edit):
    rows = edit.read_rows(scenario_copy / "unavailability.csv")
    edit.write_rows(scenario_copy / "unavailability.csv",
                    [rows[0] + ["note"]] + [r + ["x"] for r in rows[1:]])
    out = save_scenario(load_scenario(scenario_copy), tmp_path / "out")
    assert edit.read_rows(out / "unavailability.csv")[0][-1] == "note"


def test_round_trip_of_awkward_text(scenario_copy, tmp_path, edit):
    """Commas, quotes, newlines, unicode and leading spaces in free-text cells survive save -> load."""
    edit.set_cell(scenario_copy, "engagements.csv", 2, "title", 'Visit "A", part 1\nsecond line — ção')
    edit.set_cell(scenario_copy, "engagements.csv", 3, "place", "  Yaoundé, Cameroun")
    edit.set_cell(scenario_copy, "unavailability.csv", 2, "reason", 'a, "b"\r\nc')
    edit.set_cell(scenario_copy, "participants.csv", 2, "name", "Afrique du Sud; 南非")
    s = load_scenario(scenario_copy)
    assert s.engagements[0].title == 'Visit "A", part 1\nsecond line — ção'
    again = load_scenario(save_scenario(s, tmp_path / "out"))
    assert same_content(again, s)


def test_round_trip_of_text_with_lone_carriage_return(mini_dir, tmp_path):
    loaded = load_scenario(mini_dir)
    first = dataclasses.replace(loaded.engagements[0], title="first\rsecond")
    s = dataclasses.replace(loaded, engagements=(first,) + loaded.engagements[1:])
    again = load_scenario(save_scenario(s, tmp_path / "out"))
    assert again.engagements[0].title == "first\rsecond"
    assert same_content(again, s)


def test_round_trip_of_constructed_scenario(mini_dir, tmp_path):
    """Defaults (rules, weights, solver) and optional fields written and read back."""
    s = load_scenario(mini_dir)
    e = s.engagements[2]
    changed = dataclasses.replace(
        s,
        description="",
        rules=planner.core.model.Rules(),
        weights={**s.weights, "moved_days": 12.5, "lead_language": 0},
        solver=planner.core.model.SolverSettings(time_limit_s=2.5, workers=1, seed=7, reproducible=True,
                                            relative_gap_limit=0.05),
        engagements=s.engagements[:2] + (dataclasses.replace(
            e, team_min=2, team_max=4, pinned_start=date(2018, 9, 17), published_start=date(2018, 9, 17),
            languages=("en", "fr"), expertise=("valuation",)),),
    )
    again = load_scenario(save_scenario(changed, tmp_path / "out"))
    assert same_content(again, changed)


def test_scenario_error_is_raised_for_missing_folder(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope")
    assert info.value.unreadable
    assert str(tmp_path / "nope") in str(info.value)


def test_saved_files_get_ordinary_permissions(mini_dir, tmp_path):
    """Atomic writes go through a temporary file, but the result is readable like any new file."""
    import os
    import stat

    folder = save_scenario(load_scenario(mini_dir), tmp_path / "out")
    mask = os.umask(0)
    os.umask(mask)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


# --- the longest horizon (horizon.max_days) ----------------------------------------------------------------


def _with_horizon(scenario_copy: Path, horizon: str) -> Path:
    path = scenario_copy / "scenario.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    [index] = [i for i, line in enumerate(lines) if line.startswith("horizon:")]
    lines[index] = horizon + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return scenario_copy


def test_the_default_bound_is_three_years(scenario_copy):
    assert planner.core.model.HORIZON_MAX_DAYS == 1096
    three_years = load_scenario(_with_horizon(scenario_copy, "horizon: {start: 2016-01-01, end: 2018-12-31}"))
    assert three_years.horizon_max_days == 1096
    _with_horizon(scenario_copy, "horizon: {start: 2015-12-31, end: 2018-12-31}")  # one day more
    with pytest.raises(ScenarioError) as info:
        load_scenario(scenario_copy)
    assert [(p.file, p.column) for p in info.value.problems] == [("scenario.yaml", "horizon.end")]
    assert not info.value.unreadable


def test_a_scenario_may_raise_its_bound_and_keeps_it_when_saved(scenario_copy, tmp_path):
    folder = _with_horizon(scenario_copy, "horizon: {start: 2015-01-01, end: 2018-12-31, max_days: 1461}")
    scenario = load_scenario(folder)
    assert scenario.horizon_max_days == 1461
    saved = save_scenario(scenario, tmp_path / "out")
    assert "max_days: 1461" in (saved / "scenario.yaml").read_text(encoding="utf-8")
    assert same_content(load_scenario(saved), scenario)


def test_the_default_bound_is_not_written(mini_dir, tmp_path):
    """Scenarios saved before the setting existed are saved again byte for byte."""
    saved = save_scenario(load_scenario(mini_dir), tmp_path / "out")
    assert "max_days" not in (saved / "scenario.yaml").read_text(encoding="utf-8")
