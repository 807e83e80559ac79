"""Kimberley Review Planner: plans KP peer-review visits and regional cooperation with OR-Tools CP-SAT.

Public API (see README.md and docs/):
    load_scenario, save_scenario, validate_scenario   scenario folders (docs/scenario-format.md)
    solve -> SolveResult                              the CP-SAT planner (planner.engine.solve)
    check -> CheckReport                              the independent plan checker (planner.rules.checker)
    save_plan, load_plan                              plan folders
    replan, mark_unavailable                          minimal-change re-planning (planner.engine.replan)
    diff_plans                                        comparing two plans (planner.rules.plan_diff)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kp-review-planner")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from planner.core.model import Plan, Scenario  # noqa: E402
from planner.core.problems import Problem, ScenarioError  # noqa: E402
from planner.engine.replan import mark_unavailable, replan  # noqa: E402
from planner.engine.solve import SolveResult, solve  # noqa: E402
from planner.io.plan_files import load_plan, save_plan  # noqa: E402
from planner.io.scenario_files import load_scenario, save_scenario  # noqa: E402
from planner.rules.checker import CheckReport, Violation, check  # noqa: E402
from planner.rules.plan_diff import PlanDiff, diff_plans  # noqa: E402
from planner.rules.validation import validate_scenario  # noqa: E402

__all__ = [
    "CheckReport", "Plan", "PlanDiff", "Problem", "Scenario", "ScenarioError", "SolveResult", "Violation",
    "__version__", "check", "diff_plans", "load_plan", "load_scenario", "mark_unavailable", "replan",
    "save_plan", "save_scenario", "solve", "validate_scenario",
]
