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
from planner.io.atomic import atomic_write_text
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
    """Write the plan folder; each file is replaced atomically."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in plan_files(plan).items():
        atomic_write_text(folder / name, content)
    return folder


def load_plan(path: str | os.PathLike) -> Plan:
    """Read a plan folder; raise ``ScenarioError`` naming file, row and column for anything malformed."""
    folder = Path(path)
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
    else:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as error:
            problems.append(Problem("plan.json", f"expected a JSON object ({error})"))
    if assignment_rows is None or outcome_rows is None or problems:
        raise ScenarioError(problems)
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
