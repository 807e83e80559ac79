"""Where the coordinators' notebooks read and write.

Plans under ``plans_dir()`` (``$KP_PLANS_DIR``, else ``plans/``; git ignores every folder there except the
committed ``plans/kp-2018-h2``, which notebooks never write), scenario variants under ``variants_dir()``
(``$KP_VARIANTS_DIR``, else ``data/scenarios``). The scenario is ``scenario_dir()`` (``$KP_SCENARIO``, else
data/scenarios/kp-2018-h2), as for the dashboards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planner.apps import edits
from planner.core.model import Plan, Scenario
from planner.io.plan_files import load_plan, save_plan, scenario_hash
from planner.views.loading import DEFAULT_PLAN as COMMITTED_PLAN
from planner.views.loading import default_scenario_dir as scenario_dir
from planner.views.loading import repo_root

NOTEBOOK_PLAN = "notebook-kp-2018-h2"


def plans_dir() -> Path:
    """Where notebooks save plans: ``$KP_PLANS_DIR`` (the notebook tests set a temporary folder), else plans/."""
    return Path(os.environ.get("KP_PLANS_DIR") or repo_root() / "plans")


def variants_dir() -> Path:
    """Where 02-what-if saves scenario variants: ``$KP_VARIANTS_DIR``, else data/scenarios."""
    return Path(os.environ.get("KP_VARIANTS_DIR") or repo_root() / "data" / "scenarios")


def plan_folder(name: str = NOTEBOOK_PLAN) -> Path:
    """The folder a notebook saves plan ``name`` to; never the committed plans/kp-2018-h2."""
    name = (name or "").strip()
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise edits.EditRejected("Give the plan a simple folder name such as 'notebook-kp-2018-h2' "
                                 "(no slashes, not starting with a dot).")
    folder = plans_dir() / name
    if folder.resolve() == (repo_root() / COMMITTED_PLAN).resolve():
        raise edits.EditRejected("plans/kp-2018-h2 is the committed reference plan (written by `make plan`); "
                                 "save the notebook's plan under another name.")
    return folder


def save_notebook_plan(plan: Plan, name: str = NOTEBOOK_PLAN) -> Path:
    """Save ``plan`` under ``plans_dir()/name``; the folder is replaced as a whole (``save_plan``), so a
    dashboard or a second notebook reading it meanwhile sees the old plan or the new one, never a mix."""
    if plan is None:
        raise edits.EditRejected("There is no plan to save yet: solve first.")
    return save_plan(plan, plan_folder(name))


@dataclass
class SavedPlan:
    plan: Plan
    path: Path
    note: str = ""


def load_saved_plan(scenario: Scenario, name: str | None = None) -> SavedPlan:
    """A saved plan of ``scenario``: ``plans_dir()/name`` when ``name`` is given (e.g. the plan
    01-plan-the-season saved, ``NOTEBOOK_PLAN``), else the published plan plans/kp-2018-h2 (what the
    dashboards show; made by ``make plan`` with the full time limit), falling back to the notebook's plan.
    ``note`` says which, and warns when the plan was made for other scenario files."""
    if name:
        candidates = [plans_dir() / name]
    else:
        candidates = [repo_root() / COMMITTED_PLAN, plans_dir() / NOTEBOOK_PLAN]
    for path in candidates:
        if (path / "engagements.csv").exists():
            plan = load_plan(path)
            known = set(scenario.engagements_by_id)
            if not {o.engagement_id for o in plan.engagements} <= known:
                continue
            note = f"Saved plan: {path}"
            if plan.meta.get("scenario_hash") and plan.meta["scenario_hash"] != scenario_hash(scenario):
                note += (" (made for a different version of the scenario files; its engagements and people "
                         "still match)")
            return SavedPlan(plan, path, note)
    raise edits.EditRejected(f"No saved plan of this scenario was found in {', '.join(map(str, candidates))}: "
                             "run `make plan`, or 01-plan-the-season.ipynb and save its plan.")


__all__ = ["COMMITTED_PLAN", "NOTEBOOK_PLAN", "SavedPlan", "load_saved_plan", "plan_folder", "plans_dir",
           "save_notebook_plan", "scenario_dir", "variants_dir"]
