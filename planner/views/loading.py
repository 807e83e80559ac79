"""Loading what a dashboard shows: a scenario and its saved plan, found from the repository root or from
``$KP_SCENARIO`` / ``$KP_PLAN``. Never solves and never writes (``planner.io`` reads the files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planner.core.model import Plan, Scenario
from planner.io.atomic import folder_version
from planner.io.plan_files import load_plan, scenario_hash
from planner.io.scenario_files import load_scenario

DEFAULT_SCENARIO = Path("data/scenarios/kp-2018-h2")
DEFAULT_PLAN = Path("plans/kp-2018-h2")


@dataclass
class Loaded:
    """A scenario and its saved plan, or the message to show when there is none."""

    scenario: Scenario | None
    plan: Plan | None
    plan_dir: Path
    message_key: str = ""
    mismatch: bool = False
    scenario_dir: Path | None = None
    version: tuple = ()  # what the folders were when they were read (source_version)

    def outdated(self) -> bool:
        """True when the plan folder was replaced or a scenario file changed since this was loaded (a
        dashboard kernel that Voilà pre-heated may wait a long time before a page uses it)."""
        return bool(self.version) and source_version(self.scenario_dir, self.plan_dir) != self.version


def source_version(scenario_dir: Path | None, plan_dir: Path) -> tuple:
    """What changes when ``make plan`` replaces the plan folder (``folder_version``) or a scenario file is
    rewritten (each file's size and modification time)."""
    files = ()
    if scenario_dir is not None and Path(scenario_dir).is_dir():
        files = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                             for p in Path(scenario_dir).iterdir() if p.is_file()))
    return folder_version(plan_dir), files


def repo_root(start: Path | None = None) -> Path:
    """The folder holding data/ and plans/ (dashboards run with their own folder as working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "scenarios").is_dir() or (folder / "plans").is_dir():
            return folder
    return here


def default_scenario_dir() -> Path:
    """The scenario to show: ``$KP_SCENARIO``, else data/scenarios/kp-2018-h2 under the repository root."""
    return Path(os.environ.get("KP_SCENARIO") or repo_root() / DEFAULT_SCENARIO)


def default_plan_dir() -> Path:
    """The saved plan to show: ``$KP_PLAN``, else plans/kp-2018-h2 under the repository root."""
    return Path(os.environ.get("KP_PLAN") or repo_root() / DEFAULT_PLAN)


def load_saved(scenario_dir: str | os.PathLike | None = None,
               plan_dir: str | os.PathLike | None = None) -> Loaded:
    """Load the scenario and its saved plan; never solve.

    Defaults: ``$KP_SCENARIO`` / ``$KP_PLAN``, else data/scenarios/kp-2018-h2 and plans/kp-2018-h2 under the
    repository root. The plan is read by ``load_plan``, whose three files always come from one version of the
    folder, even while ``make plan`` replaces it (docs/architecture.md, "Atomic folders").
    """
    scenario_path = Path(scenario_dir) if scenario_dir else default_scenario_dir()
    plan_path = Path(plan_dir) if plan_dir else default_plan_dir()
    version = source_version(scenario_path, plan_path)
    if not (plan_path / "engagements.csv").exists():
        return Loaded(None, None, plan_path, "no_plan", scenario_dir=scenario_path, version=version)
    scenario = load_scenario(scenario_path)
    plan = load_plan(plan_path)
    mismatch = bool(plan.meta.get("scenario_hash")) and plan.meta["scenario_hash"] != scenario_hash(scenario)
    return Loaded(scenario, plan, plan_path, mismatch=mismatch, scenario_dir=scenario_path, version=version)


__all__ = ["DEFAULT_PLAN", "DEFAULT_SCENARIO", "Loaded", "default_plan_dir", "default_scenario_dir",
           "load_saved", "repo_root"]
