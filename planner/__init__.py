"""Kimberley Review Planner: plans KP peer-review visits and regional cooperation with OR-Tools CP-SAT.

Public API (see README.md and docs/):
    load_scenario, save_scenario, validate_scenario   scenario folders (docs/scenario-format.md)
    solve -> SolveResult                              the CP-SAT planner (planner.engine.solve)
    explain -> SolveResult                            why left out / why no plan (planner.engine.explain)
    check -> CheckReport                              the independent plan checker (planner.rules.checker)
    save_plan, load_plan                              plan folders
    replan, mark_unavailable                          minimal-change re-planning (planner.engine.replan)
    diff_plans                                        comparing two plans (planner.rules.plan_diff)
"""

from planner.core.model import Plan, Scenario  # noqa: E402
from planner.core.problems import Problem, ScenarioError  # noqa: E402
from planner.core.version import PACKAGE_VERSION as __version__
from planner.engine.explain import explain  # noqa: E402
from planner.engine.replan import mark_unavailable, replan  # noqa: E402
from planner.engine.solve import SolveResult, SolveStatus, solve  # noqa: E402
from planner.io.plan_files import load_plan, save_plan  # noqa: E402
from planner.io.scenario_files import load_scenario, save_scenario  # noqa: E402
from planner.rules.checker import CheckReport, Violation, check  # noqa: E402
from planner.rules.plan_diff import PlanDiff, diff_plans  # noqa: E402
from planner.rules.validation import validate_scenario  # noqa: E402

__all__ = [
    "CheckReport", "Plan", "PlanDiff", "Problem", "Scenario", "ScenarioError", "SolveResult", "SolveStatus",
    "Violation",
    "__version__", "check", "diff_plans", "explain", "load_plan", "load_scenario", "mark_unavailable", "replan",
    "save_plan", "save_scenario", "solve", "validate_scenario",
]
