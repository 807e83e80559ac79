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
from collections.abc import Callable

from planner.core.calendar import Commitment, reviewer_commitments
from planner.core.model import Engagement, EngagementOutcome, Plan, Scenario, SolverSettings
from planner.engine.diagnose import conflicting_rules, diagnose, explain_conflict
from planner.engine.solve import SolveResult, SolveStatus, solve, with_plan
from planner.rules.changes import plan_changes
from planner.rules.names import RuleName
from planner.rules.precheck import engagement_findings
from planner.rules.scoring import TERM_LABELS, TermResult, evaluate, total_penalty

STOPPED_REASON = "Left out; the explanation was skipped because the solve was stopped."
MIN_SEARCH_S = 0.5  # the least search a trial solve is worth, after its set-up
OUT_OF_TIME_REASON = ("Left out; the time for explanations ran out before this one (kp-plan explain looks at it "
                      "with more time).")


def explanation_budget(settings: SolverSettings) -> float:
    """Seconds that all the explanations after one solve may take together: a quarter of the search's limit,
    at least 2 s and at most 10 s, so ``kp-plan solve --time-limit S`` ends within S plus a few seconds."""
    return min(10.0, max(2.0, settings.time_limit_s / 4))


def why_left_out(scenario: Scenario, engagement: Engagement, plan: Plan, settings: SolverSettings,
                 stop_event: threading.Event | None = None, reference: Plan | None = None,
                 time_limit_s: float | None = None, exclusions: frozenset[tuple[str, str]] = frozenset(),
                 trial_options: dict | None = None) -> str:
    """Why an optional engagement is not in ``plan``, in one sentence: the best plan that includes it (a
    solve with it required, under the same ``trial_options`` as the plan's solve — the same reference, drop-outs,
    re-plan policy), what that plan pushes out and what it costs more, or how many more changes it needs; or
    the rules that stop it."""
    # the same weights as the plan's (derived weights would be derived again for one more required engagement)
    forced = dataclasses.replace(
        scenario, derived_weights=(),
        engagements=tuple(dataclasses.replace(e, priority="required") if e.id == engagement.id else e
                          for e in scenario.engagements))
    budget = max(MIN_SEARCH_S, time_limit_s if time_limit_s is not None else explanation_budget(settings))
    options = dict(trial_options) if trial_options is not None else {
        "reference": reference, "exclusions": exclusions}
    if options.get("reference") is None:
        options.setdefault("hint", plan)
    trial = solve(forced, time_limit_s=budget, workers=settings.workers, stop_event=stop_event,
                  reproducible=settings.reproducible, **options)
    if trial.plan is None:
        if trial.status == SolveStatus.INFEASIBLE:
            core = [a for a in conflicting_rules(forced, budget, options.get("exclusions", frozenset())) or ()
                    if not (a.rule == RuleName.REQUIRED_HAPPENS and a.engagement_id == engagement.id)]
            if core:  # (that it must happen is what the trial asked, not a rule of the scenario)
                return "It cannot fit with the required engagements. " + explain_conflict(forced, core)
            return "It cannot fit with the required engagements."
        return (f"No plan including it was found within {budget:.1f} s (kp-plan explain looks at it with more "
                "time).")
    if trial.stages and trial.changes is not None and options.get("changes_from") is not None:
        now = len(plan_changes(scenario, options["changes_from"], plan))
        more = len(trial.changes) - now
        if more > 0:  # a minimal-change re-plan: it is left out because fitting it in changes more
            return (f"Fitting it in takes {more} more change{'' if more == 1 else 's'} to the published plan "
                    f"({len(trial.changes)} instead of {now}); this re-plan makes the fewest changes first "
                    "(kp-plan replan --free weighs it against the soft terms instead).")
    weight = scenario.weights.get(f"unscheduled_{engagement.priority}", 0)
    without_terms = evaluate(scenario, plan, reference)
    with_terms = evaluate(forced, trial.plan, reference)
    # both totals from the same evaluation, so that every term (team changes, chain credit) counts alike
    extra = total_penalty(with_terms) - (total_penalty(without_terms) - weight)
    exact = trial.proven_best and plan.meta.get("status", "OPTIMAL") == "OPTIMAL"
    pushed = _pushed_out(scenario, plan, trial.plan, engagement.id)
    if extra < 0:  # the trial found a plan better in every sense: with this engagement and cheaper
        return (f"A plan with it costs {-extra:,.2f} less in the other soft terms: the search stopped before "
                "finding it; allow more time.")
    if extra <= weight:
        return (f"A plan with it costs {extra:,.2f} more, less than the {weight:g} for leaving it out: the search "
                "stopped before finding it; allow more time.")
    cost = f"{extra:,.2f} more" if exact else f"at most {extra:,.2f} more (the best plan with it is not proven)"
    than = f"more than the {weight:g} for leaving this {engagement.priority}-priority engagement out"
    if pushed:
        return f"Fitting it in would push out {pushed}; that plan costs {cost} in the other soft terms, {than}."
    return (f"Fitting it in is possible without leaving anything else out, but costs {cost} "
            f"({_costliest(without_terms, with_terms)}), {than}.")


def _pushed_out(scenario: Scenario, plan: Plan, trial: Plan, engagement_id: str) -> str:
    """The engagements that the plan with ``engagement_id`` leaves out although ``plan`` has them, each with
    the people it would lose to ``engagement_id`` ("Review visit to Cameroon (which loses EU-2 to it)")."""
    before, after = plan.outcomes_by_id, trial.outcomes_by_id
    team_now = {a.reviewer_id for a in trial.team(engagement_id)}
    parts = []
    for e in sorted(scenario.engagements, key=lambda e: e.id):
        o, n = before.get(e.id), after.get(e.id)
        if e.id != engagement_id and o is not None and o.scheduled and (n is None or not n.scheduled):
            shared = sorted({a.reviewer_id for a in plan.team(e.id)} & team_now)
            parts.append(e.title + (f" (which loses {_and(shared)} to it)" if shared else ""))
    return "; ".join(parts)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _costliest(before: list[TermResult], after: list[TermResult]) -> str:
    """The soft terms that grow most, and what the others add up to, in words ("kilometres travelled
    +335.62, the other terms -259.30")."""
    deltas = sorted(((a.penalty - b.penalty, a.name) for b, a in zip(before, after, strict=True)), reverse=True)
    grown = [(delta, name) for delta, name in deltas if delta > 0.005][:2]
    shown = ", ".join(f"{TERM_LABELS.get(name, name).lower()} +{delta:,.2f}" for delta, name in grown)
    rest = sum(delta for delta, _ in deltas) - sum(delta for delta, _ in grown)
    if abs(rest) > 0.005:
        shown += f"{', ' if shown else ''}the other terms {rest:+,.2f}"
    return shown or "no term changes"


def precheck_reason(scenario: Scenario, engagement: Engagement, *,
                    exclusions: frozenset[tuple[str, str]] = frozenset(),
                    commitments: dict[str, list[Commitment]] | None = None) -> str | None:
    """The staffing pre-checks' sentence for a left-out engagement that cannot be staffed on its own (None when
    it can); ``commitments`` (``reviewer_commitments``) computed once serve many engagements."""
    findings = engagement_findings(scenario, engagement, commitments, excluded=exclusions)
    return " ".join(f.sentence for f in findings) if findings else None


def trial_time(left_s: float, trials_left: int, setup_s: float) -> float:
    """Seconds the next trial solve gets out of the ``left_s`` that ``trials_left`` trials share: an equal share,
    but at least the plan's own set-up time (starting plan and model build, which a trial repeats) plus
    ``MIN_SEARCH_S`` of search; 0 when that much is not left, so the explanations end within their budget."""
    least = setup_s + MIN_SEARCH_S
    if left_s < least:
        return 0.0
    return max(least, left_s / trials_left)


def no_time_reason(setup_s: float, budget_s: float) -> str:
    """A trial skipped for want of time: because one trial alone would not fit the whole budget (a large
    scenario), or because the trials before it used the budget up."""
    if setup_s + MIN_SEARCH_S > budget_s:
        return (f"Left out; not explained, because a trial solve of this scenario takes about {setup_s:.0f} s "
                f"to set up, more than the {budget_s:.0f} s for explanations (kp-plan explain looks at it with "
                "more time).")
    return OUT_OF_TIME_REASON


def left_out_reasons(scenario: Scenario, result: SolveResult, budget_s: float, *, reference: Plan | None = None,
                     stop_event: threading.Event | None = None,
                     exclusions: frozenset[tuple[str, str]] = frozenset(), trial_options: dict | None = None,
                     progress: Callable[[str], None] | None = None,
                     run_trial: Callable[[Callable[[], str]], str] | None = None,
                     engagement_ids: frozenset[str] | None = None, each_trial_s: float | None = None,
                     ) -> dict[str, str]:
    """A reason for every engagement ``result``'s plan leaves out (or those of them in ``engagement_ids``), all
    within ``budget_s`` seconds: first the staffing pre-checks for all of them (the reviewers' commitments
    computed once), then trial solves for the rest, sharing what is left (``trial_time``). ``each_trial_s``
    instead gives every trial that many seconds, whatever the others took (the sweeps: a share of the time left
    would vary from run to run). ``run_trial`` runs one trial (it gets a function that returns the reason; the
    notebook runs it in a thread that Stop abandons)."""
    deadline = time.monotonic() + budget_s
    settings = result.settings or scenario.solver
    engagements = scenario.engagements_by_id
    commitments = reviewer_commitments(scenario)
    reasons: dict[str, str] = {}
    trials = []
    for o in result.plan.engagements:
        if not o.scheduled and (engagement_ids is None or o.engagement_id in engagement_ids):
            found = precheck_reason(scenario, engagements[o.engagement_id], exclusions=exclusions,
                                    commitments=commitments)
            if found is not None:
                reasons[o.engagement_id] = found
            else:
                trials.append(o.engagement_id)
    for index, engagement_id in enumerate(trials):
        engagement = engagements[engagement_id]
        if stop_event is not None and stop_event.is_set():
            reasons[engagement_id] = STOPPED_REASON
            continue
        if each_trial_s is not None:
            share = each_trial_s if each_trial_s >= MIN_SEARCH_S else 0.0
        else:
            share = trial_time(deadline - time.monotonic(), len(trials) - index, result.setup_s)
        if share == 0.0:
            reasons[engagement_id] = no_time_reason(result.setup_s, budget_s)
            continue
        if progress is not None:
            progress(f"Explaining why {engagement.title} is left out (up to {share:.1f} s)…")

        def trial(engagement: Engagement = engagement, share: float = share) -> str:
            return why_left_out(scenario, engagement, result.plan, settings, stop_event, reference, share,
                                exclusions, trial_options)

        reasons[engagement_id] = trial() if run_trial is None else run_trial(trial)
    return reasons


def with_reasons(scenario: Scenario, result: SolveResult, reasons: dict[str, str],
                 reference: Plan | None = None) -> SolveResult:
    """A new result whose plan gives the left-out engagements ``reasons`` (engagement id → sentence); the soft
    terms and the plan's metadata are evaluated again, so that their sentences quote the reasons."""
    plan = result.plan
    outcomes = tuple(EngagementOutcome(o.engagement_id, "unscheduled", reason=reasons[o.engagement_id])
                     if not o.scheduled and o.engagement_id in reasons else o for o in plan.engagements)
    return with_plan(scenario, result, dataclasses.replace(plan, engagements=outcomes), reference)


def explain(scenario: Scenario, result: SolveResult, *, reference: Plan | None = None,
            stop_event: threading.Event | None = None, time_limit_s: float | None = None,
            exclusions: frozenset[tuple[str, str]] = frozenset(),
            progress: Callable[[str], None] | None = None, trial_options: dict | None = None) -> SolveResult:
    """``result`` with its explanations: the diagnosis of a solve without a plan, or a reason for every
    left-out engagement of a plan (``left_out_reasons``). All of it takes about ``time_limit_s`` (default
    ``explanation_budget``); ``progress`` hears a line before each trial solve."""
    settings = result.settings or scenario.solver
    budget = explanation_budget(settings) if time_limit_s is None else time_limit_s
    if result.plan is None:
        if result.status == SolveStatus.INFEASIBLE:
            diagnosis = diagnose(scenario, max(1.0, budget), exclusions)
        else:
            stopped = result.stopped or bool(stop_event is not None and stop_event.is_set())
            diagnosis = ["The solver stopped before finding any plan" + (
                " (stopped by the user)." if stopped else f" within {settings.time_limit_s:g} s; allow more time.")]
        return dataclasses.replace(result, diagnosis=diagnosis)
    if all(o.scheduled for o in result.plan.engagements):
        return result
    reasons = left_out_reasons(scenario, result, budget, reference=reference,
                               stop_event=stop_event, exclusions=exclusions, trial_options=trial_options,
                               progress=progress)
    return with_reasons(scenario, result, reasons, reference)
