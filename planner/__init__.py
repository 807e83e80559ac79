"""Kimberley Review Planner: plans KP peer-review visits and regional cooperation with OR-Tools CP-SAT.

Public API (see README.md and docs/):
    load_scenario, save_scenario, validate_scenario   scenario folders (docs/scenario-format.md)
    solve -> SolveResult                              the CP-SAT planner (planner.solve)
    check -> CheckReport                              the independent plan checker (planner.checker)
    save_plan, load_plan                              plan folders
    replan, mark_unavailable                          minimal-change re-planning (planner.replan)
    diff_plans                                        comparing two plans (planner.plan_diff)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kp-review-planner")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from .checker import CheckReport, Violation, check  # noqa: E402
from .model import Plan, Scenario  # noqa: E402
from .plan_diff import PlanDiff, diff_plans  # noqa: E402
from .plan_io import load_plan, save_plan  # noqa: E402
from .problems import Problem, ScenarioError  # noqa: E402
from .replan import mark_unavailable, replan  # noqa: E402
from .scenario_io import load_scenario, save_scenario  # noqa: E402
from .solve import SolveResult, solve  # noqa: E402
from .validation import validate_scenario  # noqa: E402

__all__ = [
    "CheckReport", "Plan", "PlanDiff", "Problem", "Scenario", "ScenarioError", "SolveResult", "Violation",
    "__version__", "check", "diff_plans", "load_plan", "load_scenario", "mark_unavailable", "replan",
    "save_plan", "save_scenario", "solve", "validate_scenario",
]
