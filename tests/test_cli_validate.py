"""`kp-plan validate DIR`: exit codes 0 / 1 / 2, what is printed, no traceback, inputs left untouched."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.apps import cli
from planner.apps.cli import main

ALL_FILES = ("scenario.yaml", "participants.csv", "reviewers.csv", "unavailability.csv", "events.csv",
             "engagements.csv")


@pytest.fixture
def validate(monkeypatch, capsys):
    """Run ``main(["validate", folder])``; return (exit code, stdout, stderr), asserting no traceback.

    Works around the stale ``stream=sys.stdout`` default of ``planner.apps.cli._print_problems`` (bound at
    import time, so capsys cannot see the problem list; see test_problem_list_goes_to_the_current_stdout).
    """
    function = getattr(cli, "_print_problems", None)
    defaults = getattr(function, "__defaults__", None)
    if defaults and defaults[-1] is not None:
        monkeypatch.setattr(function, "__defaults__", defaults[:-1] + (None,))

    def run(*args: str | os.PathLike) -> tuple[int, str, str]:
        code = main(["validate", *map(str, args)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return code, captured.out, captured.err

    return run


def test_valid_scenario_exits_0_with_a_summary(mini_dir, validate):
    code, out, err = validate(mini_dir)
    assert code == 0
    assert out == (f"{mini_dir}: valid — 8 participants, 9 reviewers, 2 fixed events, 3 engagements, "
                   "horizon 2018-09-01 to 2018-10-31\n")
    assert err == ""


def test_missing_folder_exits_2(tmp_path, validate):
    code, out, _ = validate(tmp_path / "does-not-exist")
    assert code == 2
    assert str(tmp_path / "does-not-exist") in out
    assert "expected a scenario folder" in out


def test_a_file_instead_of_a_folder_exits_2(scenario_copy, validate):
    code, out, _ = validate(scenario_copy / "scenario.yaml")
    assert code == 2
    assert "scenario.yaml" in out


def test_empty_folder_lists_every_missing_file(tmp_path, validate):
    (tmp_path / "empty").mkdir()
    code, out, _ = validate(tmp_path / "empty")
    assert code == 1
    assert f"{len(ALL_FILES)} problem(s) found" in out
    for name in ALL_FILES:
        assert f"  - {name} — the file is missing" in out


@pytest.mark.parametrize("name", ALL_FILES)
def test_a_folder_in_place_of_a_file_exits_2(scenario_copy, validate, name):
    (scenario_copy / name).unlink()
    (scenario_copy / name).mkdir()
    code, out, _ = validate(scenario_copy)
    assert code == 2
    assert f"  - {name} — the file could not be read: this is a folder" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_place_of_a_csv_file_exits_2_without_waiting_for_it(scenario_copy, validate):
    (scenario_copy / "events.csv").unlink()
    os.mkfifo(scenario_copy / "events.csv")  # opening it to read would block until a writer comes
    code, out, _ = validate(scenario_copy)
    assert code == 2
    assert "  - events.csv — the file could not be read: this is not a regular file" in out


def _without_file_permission_override() -> list[str]:
    """A command prefix under which file permissions apply: none for an ordinary user; for root (the tests run
    as root in CI) the capabilities that let root read any file are dropped (util-linux setpriv)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads any file")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


def test_a_file_without_read_permission_exits_2(scenario_copy):
    prefix = _without_file_permission_override()
    (scenario_copy / "reviewers.csv").chmod(0)
    try:
        result = subprocess.run([*prefix, sys.executable, "-m", "planner.apps.cli", "validate", str(scenario_copy)],
                                capture_output=True, text=True, encoding="utf-8", timeout=60,
                                cwd=Path(__file__).parent.parent)
    finally:
        (scenario_copy / "reviewers.csv").chmod(0o644)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "  - reviewers.csv — the file could not be read (Permission denied)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_every_command_exits_2_for_an_unreadable_scenario_file(scenario_copy, capsys):
    (scenario_copy / "engagements.csv").unlink()
    (scenario_copy / "engagements.csv").mkdir()
    assert main(["explain", str(scenario_copy)]) == 2
    captured = capsys.readouterr()
    assert "engagements.csv" in captured.err and "Traceback" not in captured.out + captured.err


def test_a_horizon_of_centuries_is_reported_without_the_slow_checks(scenario_copy, edit, validate,
                                                                    monkeypatch):
    """The staffing pre-checks look at every day of every window: an overlong horizon never reaches them."""
    import planner.rules.validation

    def never(*_args, **_kwargs):
        raise AssertionError("the staffing pre-checks ran on a horizon of centuries")

    monkeypatch.setattr(planner.rules.validation, "staffing_problems", never)
    edit.replace_text(scenario_copy, "scenario.yaml", "horizon: {start: 2018-09-01, end: 2018-10-31}",
                      "horizon: {start: 1900-01-01, end: 2999-12-31}")
    for row in (2, 3, 4):
        edit.set_cell(scenario_copy, "engagements.csv", row, "earliest_start", "1900-01-01")
        edit.set_cell(scenario_copy, "engagements.csv", row, "latest_end", "2999-12-31")
    code, out, _ = validate(scenario_copy)
    assert code == 1
    assert "  - scenario.yaml, column 'horizon.end': got '2999-12-31' — expected a horizon of at most 1096 days" \
        in out
    for row in (2, 3, 4):
        assert f"  - engagements.csv, row {row}, column 'latest_end': got '2999-12-31' — expected a window of " \
               "at most 1096 days" in out


def test_problems_in_every_file_are_listed_at_once(scenario_copy, edit, validate, folder_hashes):
    edit.replace_text(scenario_copy, "scenario.yaml", "workers: 2", "workers: 0")
    edit.set_cell(scenario_copy, "participants.csv", 9, "lon", "west")
    edit.set_cell(scenario_copy, "reviewers.csv", 10, "max_engagements", "lots")
    edit.set_cell(scenario_copy, "unavailability.csv", 2, "end", "2018-10-32")
    edit.set_cell(scenario_copy, "events.csv", 3, "lat", "")
    edit.set_cell(scenario_copy, "engagements.csv", 4, "team_min", "-3")
    before = folder_hashes(scenario_copy)
    code, out, _ = validate(scenario_copy)
    assert code == 1
    expected = [
        "scenario.yaml, column 'solver.workers': got '0'",
        "participants.csv, row 9, column 'lon': got 'west'",
        "reviewers.csv, row 10, column 'max_engagements': got 'lots'",
        "unavailability.csv, row 2, column 'end': got '2018-10-32'",
        "events.csv, row 3, column 'lat': got ''",
        "engagements.csv, row 4, column 'team_min': got '-3'",
    ]
    for location in expected:
        assert location in out
    assert f"{len(expected)} problem(s) found" in out
    assert len([line for line in out.splitlines() if line.startswith("  - ")]) == len(expected)
    assert folder_hashes(scenario_copy) == before


def test_validate_never_modifies_inputs(mini_dir, scenario_copy, edit, validate, folder_hashes):
    before_valid = folder_hashes(mini_dir)
    assert validate(mini_dir)[0] == 0
    assert folder_hashes(mini_dir) == before_valid
    edit.set_cell(scenario_copy, "engagements.csv", 2, "hosts", "XX")
    (scenario_copy / "participants.csv").write_bytes(
        b"\xef\xbb\xbf" + (scenario_copy / "participants.csv").read_bytes().replace(b"\n", b"\r\n"))
    before = folder_hashes(scenario_copy)
    names_before = sorted(p.name for p in scenario_copy.iterdir())
    assert validate(scenario_copy)[0] == 1
    assert folder_hashes(scenario_copy) == before
    assert sorted(p.name for p in scenario_copy.iterdir()) == names_before  # nothing created either


@pytest.mark.parametrize("argv", [[], ["validate"], ["frobnicate", "x"], ["validate", "a", "b"]])
def test_bad_arguments_exit_2_without_traceback(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "usage" in captured.err


def test_help_exits_0(capsys):
    assert main(["validate", "--help"]) == 0
    assert "folder" in capsys.readouterr().out


@pytest.mark.parametrize("junk", [b"", b"\x00\x01\x02\xff", b"\xff\xfe" + "é,ü".encode("utf-16-le"),
                                  b'"unterminated\n', b"a,b\n" + b"x" * 200_000, b",,,\n,,,\n"])
def test_junk_in_every_file_is_reported_without_traceback(scenario_copy, validate, junk):
    for name in ALL_FILES:
        (scenario_copy / name).write_bytes(junk)
    code, out, _ = validate(scenario_copy)
    assert code == 1
    for name in ALL_FILES:
        assert f"  - {name}" in out


def test_problem_output_names_file_row_column_value_and_expectation(scenario_copy, edit, validate):
    edit.set_cell(scenario_copy, "reviewers.csv", 3, "home", "Delhi")
    code, out, _ = validate(scenario_copy)
    assert code == 1
    assert out.splitlines()[0] == f"{scenario_copy}: 1 problem(s) found"
    assert out.splitlines()[1] == ("  - reviewers.csv, row 3, column 'home': got 'Delhi' — expected a "
                                   "participant code from participants.csv (or an EU member state), "
                                   "or 'lat/lon'")


def test_problem_list_goes_to_the_current_stdout(scenario_copy, edit):
    edit.set_cell(scenario_copy, "engagements.csv", 2, "hosts", "XX")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["validate", str(scenario_copy)])
    assert code == 1
    assert "engagements.csv, row 2, column 'hosts'" in buffer.getvalue()


def _run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner.apps.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, cwd=Path(__file__).parent.parent)


def test_command_line_process_exit_codes_and_output(mini_dir, scenario_copy, edit, tmp_path):
    """The real process: exit codes as documented, problems on stdout, nothing on stderr, no traceback."""
    ok = _run_module("validate", str(mini_dir))
    assert ok.returncode == 0 and "valid" in ok.stdout and ok.stderr == ""

    edit.set_cell(scenario_copy, "unavailability.csv", 2, "reviewer", "RU-9")
    bad = _run_module("validate", str(scenario_copy))
    assert bad.returncode == 1
    assert "unavailability.csv, row 2, column 'reviewer': got 'RU-9'" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr

    missing = _run_module("validate", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stdout + missing.stderr
