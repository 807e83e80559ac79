"""Whole-folder atomicity of plan folders, exports and scenario variants (planner/io/atomic.py).

The kill test runs tests/kill_harness.py: writers killed with SIGKILL before every file operation (exports:
every few) and after random delays; every folder read back must be wholly the old or wholly the new version.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner.core.model import Assignment, EngagementOutcome, Plan
from planner.core.problems import ScenarioError
from planner.exports import export_plan
from planner.io import atomic, plan_files
from planner.io.atomic import atomic_write_text, remove_leftovers
from planner.io.plan_files import load_plan, save_plan
from planner.io.scenario_files import load_scenario

HERE = Path(__file__).parent
MINI_DIR = HERE / "fixtures" / "mini"
ROOT = HERE.parent


def _plan(note: str, start: date = date(2018, 9, 3)) -> Plan:
    end = date(2018, 9, start.day + 4)
    return Plan((Assignment("AO-RV", "review_visit", "AO", start, end, "ZA-1", "lead"),
                 Assignment("AO-RV", "review_visit", "AO", start, end, "AO-1", "member")),
                (EngagementOutcome("AO-RV", "scheduled", start, end, "AO"),
                 EngagementOutcome("CM-RV", "unscheduled", reason="no team"),
                 EngagementOutcome("CHAIRS", "unscheduled", reason="no team")),
                {"status": "FEASIBLE", "note": note})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the kill test ------------------------------------------------------------------------------------------

# (writer, harness arguments, fewest kills expected): plans and variants are killed before every file operation,
# exports (about 200 operations, each run renders the report) before every eighth one.
KILL_RUNS = [
    pytest.param("plan", ["--random", "20"], 80, id="save_plan"),
    pytest.param("variant", ["--random", "20"], 100, id="save_variant"),
    pytest.param("export", ["--random", "10", "--stride", "8"], 50, id="export_plan", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("writer", "arguments", "fewest_kills"), KILL_RUNS)
def test_a_killed_writer_leaves_the_old_or_the_new_folder_never_a_mix(tmp_path, writer, arguments, fewest_kills):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, str(HERE / "kill_harness.py"), writer, str(tmp_path), *arguments],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert summary["mixed"] == [], f"mixed folders after kills: {summary['mixed'][:5]}"
    assert summary["failed"] == [] and summary["finished_but_not_new"] == []
    assert summary["kills"] >= fewest_kills and summary["operation_kills"] and summary["random_kills"]
    assert summary["states"]["old"] and summary["states"]["new"], "kills before and after the switch"
    assert summary["most_leftovers_after_a_kill"] <= 1, "each write removes what the killed one before it left"
    assert summary["leftovers_after_whole_write"] == [], "the next write removes what killed writes left"


# --- plan folders -------------------------------------------------------------------------------------------


def test_save_plan_replaces_the_folder_and_keeps_its_other_entries(tmp_path):
    folder = save_plan(_plan("A"), tmp_path / "plan")
    (folder / "exports").mkdir()
    (folder / "exports" / "report.html").write_text("an earlier export")
    before = os.stat(folder).st_ino
    assert save_plan(_plan("B", date(2018, 9, 10)), folder) == folder
    assert os.stat(folder).st_ino != before, "a new folder took the old one's place"
    assert load_plan(folder).meta["note"] == "B"
    assert (folder / "exports" / "report.html").read_text() == "an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"], "no staging folder left beside it"


def test_the_same_plan_gives_byte_identical_files(tmp_path):
    """What keeps `make plan` from changing the committed plans/kp-2018-h2."""
    committed = ROOT / "plans" / "kp-2018-h2"
    copy = save_plan(load_plan(committed), tmp_path / "kp-2018-h2")
    assert _files(copy) == _files(committed)


def test_save_plan_over_a_folder_an_earlier_version_wrote(tmp_path):
    """Files written one by one in place, with a temporary file of a killed write inside: loads, and the next
    save drops the temporary file."""
    old = tmp_path / "old"
    old.mkdir()
    for name, content in plan_files.plan_files(_plan("old")).items():
        (old / name).write_text(content, encoding="utf-8")
    (old / ".plan.json.k2j4x9qa.tmp").write_text("{half")
    assert load_plan(old).meta["note"] == "old"
    save_plan(_plan("new"), old)
    assert sorted(p.name for p in old.iterdir()) == ["assignments.csv", "engagements.csv", "plan.json"]


def test_save_plan_refuses_a_file_and_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ScenarioError, match="file, not a folder"):
        save_plan(_plan("A"), tmp_path / "file")
    folder = save_plan(_plan("A"), tmp_path / "plan")
    monkeypatch.chdir(folder)
    with pytest.raises(ScenarioError, match="working folder") as refused:
        save_plan(_plan("B"), ".")
    assert refused.value.problems[0].file == "."
    assert load_plan(folder).meta["note"] == "A"


def test_a_symbolic_link_to_a_plan_folder_stays_a_link(tmp_path):
    real = save_plan(_plan("A"), tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    save_plan(_plan("B"), link)
    assert link.is_symlink() and load_plan(real).meta["note"] == "B"


def test_where_folders_cannot_be_swapped_two_renames_replace_it(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    folder = save_plan(_plan("A"), tmp_path / "plan")
    save_plan(_plan("B"), folder)
    assert load_plan(folder).meta["note"] == "B"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_the_next_write_removes_leftovers_of_killed_writes_but_not_those_of_live_ones(tmp_path):
    folder = save_plan(_plan("A"), tmp_path / "plan")
    dead_staging = tmp_path / ".plan.a1b2c3d4.tmp"
    dead_staging.mkdir()
    (dead_staging / "plan.json").write_text("{}")
    dead_aside = tmp_path / ".plan.old-0123abcd"  # what save_variant of earlier versions left
    dead_aside.mkdir()
    live_staging = tmp_path / ".plan.e5f6a7b8.tmp"
    live_staging.mkdir()
    held = os.open(live_staging, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a writer that is still running holds
        save_plan(_plan("B"), folder)
        assert sorted(p.name for p in tmp_path.iterdir()) == [".plan.e5f6a7b8.tmp", "plan"]
    finally:
        os.close(held)
    assert remove_leftovers(folder) == [live_staging]


def test_a_temporary_file_of_a_killed_file_write_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "scenario.yaml"
    (tmp_path / ".scenario.yaml.x8c1m0pz.tmp").write_text("half")
    (tmp_path / ".other.yaml.x8c1m0pz.tmp").write_text("not ours")
    atomic_write_text(target, "name: x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.yaml.x8c1m0pz.tmp", "scenario.yaml"]


def test_load_plan_reads_again_a_folder_replaced_while_it_read(tmp_path, monkeypatch):
    folder = save_plan(_plan("A"), tmp_path / "plan")
    read = plan_files._read_plan_folder
    replaced = []

    def racing(path):
        plan = read(path)
        if not replaced:  # a save_plan lands while this read is going on
            replaced.append(save_plan(_plan("B"), path))
        return plan

    monkeypatch.setattr(plan_files, "_read_plan_folder", racing)
    assert load_plan(folder).meta["note"] == "B"


def test_load_plan_gives_up_on_a_folder_replaced_all_the_time(tmp_path, monkeypatch):
    folder = save_plan(_plan("A"), tmp_path / "plan")
    read = plan_files._read_plan_folder

    def racing(path):
        plan = read(path)
        save_plan(_plan("B"), path)
        return plan

    monkeypatch.setattr(plan_files, "_read_plan_folder", racing)
    with pytest.raises(ScenarioError, match="replaced 5 times while it was being read") as refused:
        load_plan(folder)
    assert refused.value.problems[0].file == str(folder) and refused.value.unreadable


# --- exports and variants -----------------------------------------------------------------------------------


def test_a_failed_export_leaves_the_previous_export_intact(tmp_path, monkeypatch):
    scenario = load_scenario(MINI_DIR)
    out = tmp_path / "exports"
    export_plan(scenario, _plan("A"), out, html=False)
    before = _files(out)

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("planner.exports.xlsx.write_workbook", broken)  # imported when an export runs
    with pytest.raises(OSError, match="disk full"):
        export_plan(scenario, _plan("B", date(2018, 9, 10)), out, html=False)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]


def test_export_returns_the_files_in_the_folder_and_keeps_other_exports(tmp_path):
    scenario = load_scenario(MINI_DIR)
    out = tmp_path / "exports"
    export_plan(scenario, _plan("A"), out, ics=False, html=False)
    written = export_plan(scenario, _plan("A"), out, xlsx=False, html=False)
    assert written and all(p.is_file() and p.is_relative_to(out / "calendars") for p in written)
    assert sorted(p.name for p in out.iterdir()) == ["calendars", "plan.xlsx"]


def test_a_variant_replaces_a_folder_in_one_step(tmp_path):
    from planner.apps import edits

    mini = load_scenario(MINI_DIR)
    target = edits.save_variant(mini, tmp_path / "v")
    before = os.stat(target).st_ino
    edits.save_variant(dataclasses.replace(mini, name="Second"), target, confirm_overwrite=True)
    assert os.stat(target).st_ino != before and load_scenario(target).name == "Second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]
