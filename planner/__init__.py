"""Kimberley Review Planner: plans KP peer-review visits and regional cooperation with OR-Tools CP-SAT.

Public API (see README.md and docs/):
    load_scenario, save_scenario, validate_scenario   scenario folders (docs/scenario-format.md)
"""

from importlib.metadata import PackageNotFoundError, version

from .model import Plan, Scenario
from .problems import Problem, ScenarioError
from .scenario_io import load_scenario, save_scenario
from .validation import validate_scenario

try:
    __version__ = version("kp-review-planner")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "Plan", "Problem", "Scenario", "ScenarioError", "__version__",
    "load_scenario", "save_scenario", "validate_scenario",
]
