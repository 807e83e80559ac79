"""Explaining failure: why no plan exists, and why an optional engagement was left out.

First the cheap staffing pre-checks (``planner.rules.precheck``); when they find nothing, a diagnosis pass solves the
model with every hard rule behind an assumption literal (one worker, as assumptions require), takes the
solver's infeasible subset and shrinks it by deletion to a small set of rules, then says them in plain words.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from planner.core.model import Scenario
from planner.engine.model import ModelBuilder
from planner.rules.base import Assumption
from planner.rules.hard import BY_NAME
from planner.rules.precheck import staffing_problems


def _phrase(scenario: Scenario, a: Assumption) -> str:
    return BY_NAME[a.rule].phrase(scenario, a)


def conflicting_rules(scenario: Scenario, time_limit_s: float = 20.0,
                      exclusions: frozenset[tuple[str, str]] = frozenset()) -> list[Assumption] | None:
    """A small set of hard rules that cannot hold together, or None when all of them can (or time ran out).
    ``exclusions`` (drop-outs) hold throughout: they are given, not rules to blame."""
    deadline = time.monotonic() + time_limit_s
    builder = ModelBuilder(scenario, diagnosis=True, exclusions=exclusions).build()
    lits = builder.assumption_literals

    def infeasible_core(active: list[Assumption]) -> list[Assumption] | None:
        builder.model.clear_assumptions()
        builder.model.add_assumptions([lits[a] for a in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # assumptions are only honoured by a single worker
        solver.parameters.max_time_in_seconds = max(0.5, deadline - time.monotonic())
        if solver.solve(builder.model) != cp_model.INFEASIBLE:
            return None
        core = set(solver.sufficient_assumptions_for_infeasibility())
        return [a for a in active if lits[a].index in core]

    core = infeasible_core(sorted(lits, key=lambda a: lits[a].index))
    if core is None:
        return None
    # deletion: drop every rule the conflict does not need
    index = 0
    while index < len(core) and time.monotonic() < deadline:
        trial = core[:index] + core[index + 1:]
        smaller = infeasible_core(trial) if trial else None
        if smaller is not None:
            core = smaller
        else:
            index += 1
    return core


def explain_conflict(scenario: Scenario, core: list[Assumption]) -> str:
    phrases = dict.fromkeys(_phrase(scenario, a) for a in core)  # one commitment can block several engagements
    return "These rules cannot all hold: " + "; ".join(phrases) + "."


def diagnose(scenario: Scenario, time_limit_s: float = 20.0,
             exclusions: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Plain sentences saying why no plan satisfies the hard rules (given the drop-outs in ``exclusions``)."""
    findings = list(dict.fromkeys(f.sentence for f in staffing_problems(scenario, exclusions)
                                  if f.engagement_required))
    if findings:  # one sentence per cause (two hosts can fail for the same reason)
        return findings
    core = conflicting_rules(scenario, time_limit_s, exclusions)
    if core is None:
        return ["No single small conflict was found within the time allowed; the required engagements together "
                "need more people or days than the scenario has. Try relaxing one rule at a time in 02-what-if."]
    return [explain_conflict(scenario, core)]
