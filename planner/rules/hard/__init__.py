"""The hard rules, one module each. ``HARD_RULES`` lists them in ``order``; a new module here that defines
``RULE`` is picked up by the model, the checker, the pre-checks and the diagnosis (docs/model.md, "Add a rule")."""

from __future__ import annotations

import importlib
import pkgutil

from planner.core.model import Engagement, Reviewer, Scenario
from planner.rules.base import HardRule, Need
from planner.rules.names import RuleName


def _discover() -> tuple[HardRule, ...]:
    rules = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rules.append(module.RULE)
    rules.sort(key=lambda r: r.order)
    names = [r.name for r in rules]
    assert len(set(names)) == len(names), f"two rule modules share a name: {names}"
    return tuple(rules)


HARD_RULES: tuple[HardRule, ...] = _discover()
BY_NAME: dict[RuleName, HardRule] = {r.name: r for r in HARD_RULES}


def eligible_reviewers(scenario: Scenario, engagement: Engagement, host: str) -> list[Reviewer]:
    """Who may join ``engagement`` at ``host`` at all: everyone no rule excludes (capacity, self-review)."""
    return [r for r in scenario.reviewers
            if not any(rule.excludes(scenario, engagement, host, r) for rule in HARD_RULES)]


def staffing_needs(scenario: Scenario, engagement: Engagement, host: str) -> list[Need]:
    """Every rule's staffing needs for ``engagement`` at ``host``, in rule order."""
    return [need for rule in HARD_RULES for need in rule.needs(scenario, engagement, host)]
