"""Shared fixtures for the scenario tests: the mini example scenario and editable copies of it.

Only scenario-related fixtures live here. Property-based tests (tests/test_scenario_fuzz.py) do not use the
function-scoped fixtures below; they copy the files into a ``tempfile`` folder per example instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"

SCENARIO_FILES = (
    "scenario.yaml",
    "participants.csv",
    "reviewers.csv",
    "unavailability.csv",
    "events.csv",
    "engagements.csv",
)


@pytest.fixture
def mini_dir() -> Path:
    """The pristine example scenario (never write into it)."""
    return MINI_DIR


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Path:
    """A fresh, writable copy of the mini scenario at ``tmp_path / "scenario"``."""
    target = tmp_path / "scenario"
    shutil.copytree(MINI_DIR, target)
    return target


# --- editing helpers (fixtures so that tests need not import conftest) ------------------------------


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the spreadsheet row number (header = 1, first data row = 2)."""
    path = folder / file
    rows = _read_rows(path)
    index = rows[0].index(column)
    rows[row - 1][index] = value
    _write_rows(path, rows)


def _append_row(folder: Path, file: str, values: dict[str, str]) -> int:
    """Append a data row (missing columns empty); return its spreadsheet row number."""
    path = folder / file
    rows = _read_rows(path)
    header = rows[0]
    unknown = set(values) - set(header)
    assert not unknown, f"no such column(s) in {file}: {unknown}"
    rows.append([values.get(name, "") for name in header])
    _write_rows(path, rows)
    return len(rows)


def _drop_column(folder: Path, file: str, column: str) -> None:
    path = folder / file
    rows = _read_rows(path)
    index = rows[0].index(column)
    _write_rows(path, [r[:index] + r[index + 1:] for r in rows])


def _replace_text(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not found in {file}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8", newline="")


class ScenarioEditor:
    """Small, explicit edits of a scenario folder, as a user would make them in a spreadsheet."""

    set_cell = staticmethod(_set_cell)
    append_row = staticmethod(_append_row)
    drop_column = staticmethod(_drop_column)
    replace_text = staticmethod(_replace_text)
    read_rows = staticmethod(_read_rows)
    write_rows = staticmethod(_write_rows)


@pytest.fixture
def edit() -> ScenarioEditor:
    """Helpers to break a scenario copy: ``edit.set_cell(folder, file, row, column, value)`` etc."""
    return ScenarioEditor()


def _hash_folder(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder_hashes() -> Callable[[Path], dict[str, str]]:
    """``folder_hashes(folder)``: SHA-256 of every file below ``folder``, keyed by relative path."""
    return _hash_folder


# --- solved plans of the mini scenario, shared by the export tests ---------------------------------------


@pytest.fixture(scope="module")
def mini():
    """The mini scenario (tests/fixtures/mini), loaded once per module."""
    from planner import load_scenario

    return load_scenario(MINI_DIR)


@pytest.fixture(scope="module")
def plan(mini):
    """The mini scenario's reproducible plan."""
    from planner_helpers import solve_explained

    result = solve_explained(mini, reproducible=True, time_limit_s=10)
    assert result.plan is not None
    return result.plan


@pytest.fixture(scope="module")
def left_out(mini):
    """CM-RV can only happen in the plenary week, so it is left out with a reason: (scenario, plan)."""
    import dataclasses
    from datetime import date

    from planner_helpers import solve_explained

    s = dataclasses.replace(mini, engagements=tuple(
        dataclasses.replace(e, earliest_start=date(2018, 10, 26), latest_end=date(2018, 10, 31))
        if e.id == "CM-RV" else e for e in mini.engagements))
    result = solve_explained(s, reproducible=True, time_limit_s=10)
    assert result.plan is not None and not result.plan.outcomes_by_id["CM-RV"].scheduled
    return s, result.plan
