"""The report of ``kp-plan validate``: a folder loaded with every check, plus the staffing pre-checks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from planner.core.model import Scenario
from planner.core.problems import Problem, ScenarioError
from planner.io.scenario_files import load_scenario
from planner.rules.hard.pinned_people_kept import pin_problems
from planner.rules.precheck import staffing_problems


@dataclass
class ValidationReport:
    """What ``kp-plan validate`` prints: errors make the scenario unusable, findings of pre-checks too."""

    folder: str
    scenario: Scenario | None = None
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unreadable

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 0 if self.ok else 1


def validate_scenario(path: str | os.PathLike) -> ValidationReport:
    """Load a folder and run every check, including whether each required engagement can be staffed."""
    report = ValidationReport(str(path))
    try:
        report.scenario = load_scenario(Path(path))
    except ScenarioError as error:
        report.problems = error.problems
        report.unreadable = error.unreadable
        return report
    report.problems = pin_problems(report.scenario) + [
        f.as_problem() for f in staffing_problems(report.scenario) if f.engagement_required]
    return report
