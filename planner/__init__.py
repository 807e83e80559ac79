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

from importlib import import_module

from planner.core.version import PACKAGE_VERSION as __version__

# Each public name and the module it lives in. Imported on first use (PEP 562), so that a dashboard kernel, which
# only reads a saved plan, loads neither OR-Tools nor the engine (about 10 % of the dashboard's import CPU).
_PUBLIC = {
    "Plan": "planner.core.model", "Scenario": "planner.core.model",
    "Problem": "planner.core.problems", "ScenarioError": "planner.core.problems",
    "explain": "planner.engine.explain",
    "mark_unavailable": "planner.engine.replan", "replan": "planner.engine.replan",
    "SolveResult": "planner.engine.solve", "SolveStatus": "planner.engine.solve", "solve": "planner.engine.solve",
    "load_plan": "planner.io.plan_files", "save_plan": "planner.io.plan_files",
    "load_scenario": "planner.io.scenario_files", "save_scenario": "planner.io.scenario_files",
    "CheckReport": "planner.rules.checker", "Violation": "planner.rules.checker", "check": "planner.rules.checker",
    "PlanDiff": "planner.rules.plan_diff", "diff_plans": "planner.rules.plan_diff",
    "validate_scenario": "planner.rules.validation",
}


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value  # the next lookup is a plain attribute
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


__all__ = ["__version__", *sorted(_PUBLIC)]
