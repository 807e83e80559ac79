"""Saying why, after a solve: why no plan exists, and why each optional engagement was left out.

A separate step from ``solve`` (which only searches): ``explain(scenario, solve(scenario))`` is what the
command line and the notebooks call. Reasons for left-out engagements come first from the cheap staffing
pre-checks (``planner.rules.precheck``), else from a trial solve that forces the engagement in
(``why_left_out``). Every trial solve is bounded, and a set ``stop_event`` ends the explanations too.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from planner.core.model import Engagement, EngagementOutcome, Plan, Scenario, SolverSettings
from planner.engine.diagnose import conflicting_rules, diagnose, explain_conflict
from planner.engine.solve import SolveResult, SolveStatus, solve, with_plan
from planner.rules.precheck import engagement_findings
from planner.rules.scoring import evaluate, total_penalty

STOPPED_REASON = "Left out; the explanation was skipped because the solve was stopped."
OUT_OF_TIME_REASON = ("Left out; the time for explanations ran out before this one (kp-plan explain looks at it "
                      "with more time).")


def explanation_budget(settings: SolverSettings) -> float:
    """Seconds that all the explanations after one solve may take together: a quarter of the search's limit,
    at least 2 s and at most 10 s, so ``kp-plan solve --time-limit S`` ends within S plus a few seconds."""
    return min(10.0, max(2.0, settings.time_limit_s / 4))


def why_left_out(scenario: Scenario, engagement: Engagement, plan: Plan, settings: SolverSettings,
                 stop_event: threading.Event | None = None, reference: Plan | None = None,
                 time_limit_s: float | None = None) -> str:
    """Why an optional engagement is not in ``plan``: try to fit it in (as if required, staying close to the
    same ``reference``) within ``time_limit_s`` and compare what both plans cost, or name the rules that stop
    it."""
    # the same weights as the plan's (derived weights would be derived again for one more required engagement)
    forced = dataclasses.replace(
        scenario, derived_weights=(),
        engagements=tuple(dataclasses.replace(e, priority="required") if e.id == engagement.id else e
                          for e in scenario.engagements))
    budget = max(0.5, time_limit_s if time_limit_s is not None else explanation_budget(settings))
    trial = solve(forced, time_limit_s=budget, workers=settings.workers, stop_event=stop_event,
                  reference=reference, reproducible=settings.reproducible)
    if trial.plan is None:
        if trial.status == SolveStatus.INFEASIBLE:
            core = conflicting_rules(forced, budget)
            if core:
                return "It cannot fit with the required engagements. " + explain_conflict(forced, core)
            return "It cannot fit with the required engagements."
        return f"No plan including it was found within {budget:.1f} s."
    # both totals from the same evaluation, so that every term (team changes, chain credit) counts alike
    weight = scenario.weights.get(f"unscheduled_{engagement.priority}", 0)
    without = total_penalty(evaluate(scenario, plan, reference)) - weight
    extra = total_penalty(evaluate(forced, trial.plan, reference)) - without
    if extra <= weight:
        return (f"A plan with it costs {extra:,.2f} more in other soft terms, less than the {weight:g} for "
                "leaving it out: the search stopped before finding it; allow more time.")
    return (f"Fitting it in is possible but costs {extra:,.2f} in other soft terms, more than the {weight:g} "
            f"for leaving a {engagement.priority}-priority engagement out.")


def left_out_reason(scenario: Scenario, engagement: Engagement, plan: Plan, settings: SolverSettings, *,
                    stop_event: threading.Event | None = None, reference: Plan | None = None,
                    time_limit_s: float | None = None) -> str:
    """The reason one left-out engagement gets: a staffing pre-check finding, else a trial solve of at most
    ``time_limit_s`` (default: the whole ``explanation_budget``; under half a second left: none)."""
    findings = engagement_findings(scenario, engagement)
    if findings:
        return " ".join(f.sentence for f in findings)
    if stop_event is not None and stop_event.is_set():
        return STOPPED_REASON
    if time_limit_s is not None and time_limit_s < 0.5:
        return OUT_OF_TIME_REASON
    return why_left_out(scenario, engagement, plan, settings, stop_event, reference, time_limit_s)


def with_reasons(scenario: Scenario, result: SolveResult, reasons: dict[str, str],
                 reference: Plan | None = None) -> SolveResult:
    """A new result whose plan gives the left-out engagements ``reasons`` (engagement id → sentence); the soft
    terms and the plan's metadata are evaluated again, so that their sentences quote the reasons."""
    plan = result.plan
    outcomes = tuple(EngagementOutcome(o.engagement_id, "unscheduled", reason=reasons[o.engagement_id])
                     if not o.scheduled and o.engagement_id in reasons else o for o in plan.engagements)
    return with_plan(scenario, result, dataclasses.replace(plan, engagements=outcomes), reference)


def explain(scenario: Scenario, result: SolveResult, *, reference: Plan | None = None,
            stop_event: threading.Event | None = None, time_limit_s: float | None = None) -> SolveResult:
    """``result`` with its explanations: the diagnosis of a solve without a plan, or a reason for every
    left-out engagement of a plan. All of it takes at most ``time_limit_s`` (default ``explanation_budget``)
    plus the cheap pre-checks."""
    settings = result.settings or scenario.solver
    budget = explanation_budget(settings) if time_limit_s is None else time_limit_s
    deadline = time.monotonic() + budget
    if result.plan is None:
        if result.status == SolveStatus.INFEASIBLE:
            diagnosis = diagnose(scenario, max(1.0, budget))
        else:
            stopped = result.stopped or bool(stop_event is not None and stop_event.is_set())
            diagnosis = ["The solver stopped before finding any plan" + (
                " (stopped by the user)." if stopped else f" within {settings.time_limit_s:g} s; allow more time.")]
        return dataclasses.replace(result, diagnosis=diagnosis)
    left_out = [o for o in result.plan.engagements if not o.scheduled]
    if not left_out:
        return result
    engagements = scenario.engagements_by_id
    reasons = {}
    for index, o in enumerate(left_out):  # the budget is shared: each trial gets its part of what is left
        left = deadline - time.monotonic()
        share = max(0.5, left / (len(left_out) - index)) if left >= 0.5 else 0.0  # 0: out of time
        reasons[o.engagement_id] = left_out_reason(scenario, engagements[o.engagement_id], result.plan, settings,
                                                   stop_event=stop_event, reference=reference, time_limit_s=share)
    return with_reasons(scenario, result, reasons, reference)
