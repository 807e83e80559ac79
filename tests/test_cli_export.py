"""``kp-plan export``: the exports of a plan folder, scenario look-up, --previous, bad input, privacy."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar

from planner import load_scenario
from planner.apps.cli import main
from planner.engine.solve import solve
from planner.io.plan_files import load_plan, save_plan

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
SECRET = "Kimberley-PRIVATE-reason-7f3a"


def _with_secret_reasons(folder: Path) -> None:
    """Every unavailability reason becomes SECRET, and one more period is added."""
    path = folder / "unavailability.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index("reason")
    for row in rows[1:]:
        row[index] = SECRET
    rows.append(["CSC-1", "2018-09-03", "2018-09-05", f"{SECRET} (second)"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> tuple[Path, Path]:
    """(scenario folder, plan folder): a copy of the mini scenario with private reasons, solved."""
    root = tmp_path_factory.mktemp("cli-export")
    scenario = root / "scenario"
    shutil.copytree(MINI_DIR, scenario)
    _with_secret_reasons(scenario)
    plan = root / "plan"
    assert main(["solve", str(scenario), "--out", str(plan), "--reproducible", "--quiet"]) == 0
    return scenario, plan


def test_export_everything(solved, tmp_path, capsys):
    scenario, plan = solved
    out = tmp_path / "out"
    assert main(["export", str(plan), "--scenario", str(scenario), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "calendar(s)" in said and "plan.xlsx" in said and "report.html" in said
    assert (out / "calendars" / "plan.ics").is_file()
    saved = load_plan(plan)
    for a in saved.assignments:
        assert (out / "calendars" / "people" / f"{a.reviewer_id}.ics").is_file()
    for o in saved.scheduled():
        assert (out / "calendars" / "engagements" / f"{o.engagement_id}.ics").is_file()
    assert set(pd.read_excel(out / "plan.xlsx", sheet_name=None)) >= {"Engagements", "Teams", "Soft terms"}
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_flags_choose_exports_and_default_folder(solved, tmp_path):
    scenario, plan = solved
    copy = tmp_path / "plan"
    shutil.copytree(plan, copy)
    assert main(["export", str(copy), "--scenario", str(scenario), "--xlsx"]) == 0
    assert sorted(p.name for p in (copy / "exports").iterdir()) == ["plan.xlsx"]
    assert main(["export", str(copy), "--scenario", str(scenario), "--ics"]) == 0
    assert sorted(p.name for p in (copy / "exports").iterdir()) == ["calendars", "plan.xlsx"]
    assert load_plan(copy).assignments == load_plan(plan).assignments, "the plan folder still loads"


def test_scenario_found_by_content(solved, tmp_path, monkeypatch, capsys):
    scenario, plan = solved
    shutil.copytree(scenario, tmp_path / "data" / "scenarios" / "some-name")
    shutil.copytree(MINI_DIR, tmp_path / "data" / "scenarios" / "other")  # same name, other content
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(plan), "--ics", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "calendars" / "plan.ics").is_file()
    shutil.rmtree(tmp_path / "data" / "scenarios" / "some-name")
    capsys.readouterr()
    assert main(["export", str(plan), "--ics", "--out", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "--scenario DIR" in err and "Mini test scenario" in err


def test_previous_plan_marks_cancellations(solved, tmp_path):
    scenario, plan = solved
    changed = tmp_path / "changed"
    shutil.copytree(scenario, changed)
    text = (changed / "engagements.csv").read_text(encoding="utf-8")
    # CM-RV can now only take place in the plenary week: the re-plan leaves it out
    line = next(row for row in text.splitlines() if row.startswith("CM-RV,"))
    (changed / "engagements.csv").write_text(
        text.replace(line, line.replace("2018-09-01,2018-10-20", "2018-10-26,2018-10-31")), encoding="utf-8")
    first = load_plan(plan)
    result = solve(load_scenario(changed), reference=first, reproducible=True, time_limit_s=10)
    assert result.plan is not None and not result.plan.outcomes_by_id["CM-RV"].scheduled
    replanned = save_plan(result.plan, tmp_path / "replanned")
    out = tmp_path / "out"
    assert main(["export", str(replanned), "--scenario", str(changed), "--previous", str(plan), "--ics",
                 "--out", str(out)]) == 0
    cm = Calendar.from_ical((out / "calendars" / "engagements" / "CM-RV.ics").read_bytes())
    (event,) = cm.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == first.outcomes_by_id["CM-RV"].start


def test_no_private_reason_in_any_export(solved, tmp_path):
    scenario, plan = solved
    assert SECRET in (scenario / "unavailability.csv").read_text(encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", str(plan), "--scenario", str(scenario), "--out", str(out)]) == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".ics", ".xlsx", ".html"}
    for path in files:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        elif path.suffix == ".ics":
            texts = [path.read_bytes().decode("utf-8").replace("\r\n ", "")]  # unfolded
        else:
            texts = [path.read_text(encoding="utf-8")]
        for text in texts:
            assert SECRET not in text, path
            assert "PRIVATE-reason" not in text, path


def test_plan_of_another_scenario_is_refused(solved, tmp_path, capsys):
    _, plan = solved
    other = tmp_path / "other"
    shutil.copytree(MINI_DIR, other)
    text = (other / "engagements.csv").read_text(encoding="utf-8")
    (other / "engagements.csv").write_text(text.replace("AO-RV,", "AO-RV2,"), encoding="utf-8")
    assert main(["export", str(plan), "--scenario", str(other), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "'AO-RV'" in err and "does not fit the scenario" in err
    assert not (tmp_path / "out").exists()


def test_unreadable_input(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing")]) == 2
    assert "expected a plan folder" in capsys.readouterr().err
    assert main(["export"]) == 2  # PLAN_DIR is required


def test_help_lists_the_options(capsys):
    assert main(["export", "--help"]) == 0
    said = capsys.readouterr().out
    for option in ("--ics", "--xlsx", "--html", "--out", "--scenario", "--previous"):
        assert option in said
