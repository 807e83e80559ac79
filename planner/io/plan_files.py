"""Saving and loading a plan folder: assignments.csv, engagements.csv, plan.json (docs/scenario-format.md)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from planner.core.model import ROLES, Assignment, EngagementOutcome, Plan, Scenario, SolverSettings
from planner.core.problems import Problem, ScenarioError
from planner.io import tables as t
from planner.io.atomic import atomic_write_text, folder_version, replacing_folder
from planner.io.scenario_files import scenario_files

ASSIGNMENT_COLUMNS = [
    t.Column("engagement_id", t.identifier),
    t.Column("kind", t.identifier),
    t.Column("host", t.identifier),
    t.Column("start", t.iso_date),
    t.Column("end", t.iso_date),
    t.Column("reviewer_id", t.identifier),
    t.Column("role", t.choice(*ROLES)),
]
OUTCOME_COLUMNS = [
    t.Column("engagement_id", t.identifier),
    t.Column("status", t.choice("scheduled", "unscheduled")),
    t.Column("start", t.iso_date, optional_value=True),
    t.Column("end", t.iso_date, optional_value=True),
    t.Column("host", str, optional_value=True, default=""),
    t.Column("reason", str, optional_value=True, default=""),
]


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's content as the package writes it (independent of formatting on disk).

    The solver settings are left out: a longer time limit does not make a plan belong to another scenario.
    """
    without_settings = dataclasses.replace(scenario, solver=SolverSettings())
    digest = hashlib.sha256()
    for name, content in sorted(scenario_files(without_settings).items()):
        digest.update(name.encode() + b"\0" + content.encode() + b"\0")
    return digest.hexdigest()


def plan_files(plan: Plan) -> dict[str, str]:
    assignments = sorted(plan.assignments, key=lambda a: (a.start, a.engagement_id,
                                                          ROLES.index(a.role), a.reviewer_id))
    outcomes = sorted(plan.engagements, key=lambda o: (o.start is None, o.start or "", o.engagement_id))
    return {
        "assignments.csv": t.write_csv_text(
            [c.name for c in ASSIGNMENT_COLUMNS],
            [[a.engagement_id, a.kind, a.host, a.start, a.end, a.reviewer_id, a.role] for a in assignments]),
        "engagements.csv": t.write_csv_text(
            [c.name for c in OUTCOME_COLUMNS],
            [[o.engagement_id, o.status, o.start, o.end, o.host, o.reason] for o in outcomes]),
        "plan.json": json.dumps(plan.meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
    }


def save_plan(plan: Plan, path: str | os.PathLike) -> Path:
    """Write the plan folder as a whole: a reader (or a write killed at any point) finds the old folder or the
    new one, never a mix. The three files are written into a staging folder beside ``path``, which then takes
    its place in one step (``planner.io.atomic.replacing_folder``); other entries of an existing folder (say,
    ``exports/``) are kept. Raises ``ScenarioError`` naming ``path`` when it is a file."""
    folder = Path(path)
    with replacing_folder(folder, keep_others=True) as staging:
        for name, content in plan_files(plan).items():
            atomic_write_text(staging / name, content)
    return folder


#: How many times a reader reads a folder that was replaced while it read it before giving up.
READ_ATTEMPTS = 5


def load_plan(path: str | os.PathLike) -> Plan:
    """Read a plan folder; raise ``ScenarioError`` naming file, row and column for anything malformed.

    The three files come from one version of the folder: when ``save_plan`` replaced the folder while it was
    being read, it is read again."""
    folder = Path(path)
    for _attempt in range(READ_ATTEMPTS):
        before = folder_version(folder)
        try:
            plan = _read_plan_folder(folder)
        except (ScenarioError, OSError):  # OSError: a file vanished with the old version of the folder
            if folder_version(folder) == before:
                raise
            continue
        if folder_version(folder) == before:
            return plan
    raise ScenarioError([Problem(str(folder), f"the folder was replaced {READ_ATTEMPTS} times while it was being "
                                 "read; try again when the program writing it has finished")], unreadable=True)


def _read_plan_folder(folder: Path) -> Plan:
    if not folder.is_dir():
        raise ScenarioError([Problem(str(folder), "expected a plan folder with assignments.csv, "
                                     "engagements.csv and plan.json")], unreadable=True)
    problems: list[Problem] = []
    assignment_rows = t.read_table(folder / "assignments.csv", ASSIGNMENT_COLUMNS, problems)
    outcome_rows = t.read_table(folder / "engagements.csv", OUTCOME_COLUMNS, problems)
    meta: dict = {}
    meta_path = folder / "plan.json"
    if not meta_path.exists():
        problems.append(Problem("plan.json", "the file is missing"))
    elif not meta_path.is_file():
        raise ScenarioError([Problem(str(meta_path), "expected a file, found a folder or a device")],
                            unreadable=True)
    else:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as error:
            problems.append(Problem("plan.json", f"expected a JSON object ({error})"))
    if assignment_rows is None or outcome_rows is None or problems:
        raise ScenarioError(problems, unreadable=t.any_unreadable(problems))  # a folder in a file's place: exit 2
    outcomes = []
    for r in outcome_rows:
        v = r.values
        if v["status"] == "scheduled" and (v["start"] is None or v["end"] is None or not v["host"]):
            problems.append(Problem("engagements.csv", "a scheduled engagement needs start, end and host",
                                    row=r.number, column="start"))
            continue
        outcomes.append(EngagementOutcome(v["engagement_id"], v["status"], v["start"], v["end"],
                                          v["host"] or "", v["reason"] or ""))
    assignments = tuple(Assignment(**r.values) for r in assignment_rows)
    if problems:
        raise ScenarioError(problems)
    return Plan(assignments, tuple(outcomes), meta)
