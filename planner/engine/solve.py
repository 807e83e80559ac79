"""Running the CP-SAT model: ``solve`` searches for a plan and returns a ``SolveResult``; it never raises
because no plan exists.

One job: build the model, start from a hint (``planner.engine.hints``), search, and turn the best solution
into an immutable ``Plan`` with its soft terms and metadata. Saying *why* — why no plan exists, why an
engagement was left out — is a separate step (``planner.engine.explain.explain``) that the command line and
the notebooks call after a solve.

Progress is reported through a callback (objective, bound, gap, elapsed) and a ``threading.Event`` stops the
search within a fraction of a second, keeping the best plan found.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import ortools
from ortools.sat.python import cp_model

from planner.core.model import Assignment, EngagementOutcome, Plan, Scenario, SolverSettings, StartingPlan
from planner.core.version import PACKAGE_VERSION
from planner.engine.greedy import greedy_plan
from planner.engine.hints import complete_hint, hint_from_plan
from planner.engine.model import WEIGHT_SCALE, ModelBuilder
from planner.engine.stopping import solve_stoppable
from planner.io.plan_files import scenario_hash
from planner.rules.changes import Change, plan_changes
from planner.rules.checker import check
from planner.rules.names import TermName
from planner.rules.scoring import TermResult, evaluate, total_penalty


class SolveStatus(StrEnum):
    """How a solve ended. A ``StrEnum``: it compares equal to CP-SAT's status names."""

    OPTIMAL = "OPTIMAL"  # a plan, proven best
    FEASIBLE = "FEASIBLE"  # a plan; the search stopped before proving it best
    INFEASIBLE = "INFEASIBLE"  # proven: no plan satisfies the hard rules
    UNKNOWN = "UNKNOWN"  # no plan found yet: the search stopped first
    MODEL_INVALID = "MODEL_INVALID"  # a bug: the model is malformed

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


_FROM_CP_SAT = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


def useful_bound(objective: float | None, bound: float | None, gap: float | None) -> bool:
    """A bound worth showing: known, not below zero (the objective never is), a gap of at most 100 %."""
    return objective is not None and bound is not None and bound >= 0 and gap is not None and gap <= 1


def bound_text(objective: float | None, bound: float | None, gap: float | None) -> str:
    """Objective, bound and gap for a progress line; a bound that says nothing yet is not shown as a number."""
    best = "—" if objective is None else f"{objective:,.2f}"
    if not useful_bound(objective, bound, gap):
        return f"objective {best}, no useful bound yet"
    return f"objective {best}, bound {bound:,.2f}, gap {gap:.1%}"


@dataclass(frozen=True)
class Progress:
    """One progress report during a solve. ``stage`` names the level of a minimal-change re-plan being
    minimised ("" for the soft terms of a plain solve)."""

    elapsed_s: float
    objective: float | None
    bound: float | None
    gap: float | None
    solutions: int
    stage: str = ""
    starting_from: str = ""  # the starting plan's source ("greedy baseline", "published plan"); "" for the search's

    def text(self) -> str:
        if self.stage:
            best = "—" if self.objective is None else f"{self.objective:,g}"
            bound = "" if self.bound is None else f", at least {max(0.0, self.bound):,g}"
            return f"{self.elapsed_s:.1f} s, {self.stage}: {best}{bound}"
        if self.starting:
            return (f"{self.elapsed_s:.1f} s, starting plan, the {self.starting_from} (every rule holds): "
                    f"{bound_text(self.objective, None, None)}")
        return f"{self.elapsed_s:.1f} s, plan #{self.solutions}: {bound_text(self.objective, self.bound, self.gap)}"

    @property
    def starting(self) -> bool:
        """The plan the search starts from (the greedy baseline or the published plan), not one it found."""
        return bool(self.starting_from)


class StageName(StrEnum):
    """The levels of a minimal-change re-plan, minimised one after the other."""

    LOST_WORK = "lost_work"
    CHANGES = "changes"


STAGE_LABELS = {
    StageName.LOST_WORK: "published work left out (unscheduled weight)",
    StageName.CHANGES: "changes to the published plan",
}


@dataclass(frozen=True)
class Stage:
    """One level of a lexicographic solve: the value reached, its lower bound, and whether it is proven least
    (each later level keeps this one at its value)."""

    name: StageName
    value: float
    bound: float
    proven: bool

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.name]

    def text(self) -> str:
        if self.name == StageName.CHANGES:
            count = round(self.value)
            value = f"{count} change{'' if count == 1 else 's'} to the published plan"
            proof = "proven fewest" if self.proven else f"maybe only {max(0, math.ceil(self.bound - 1e-9))}"
        else:
            value = ("no published work left out" if self.value == 0 else
                     f"published work worth {self.value:,g} in unscheduled weight left out")
            proof = "proven least" if self.proven else "maybe less"
        return f"{value} ({proof})"


@dataclass(frozen=True)
class SolveResult:
    """What a solve produced. ``plan`` is None when no plan was found (``explain`` fills ``diagnosis``)."""

    status: SolveStatus
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float
    plan: Plan | None
    terms: list[TermResult] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)
    settings: SolverSettings | None = None
    stopped: bool = False
    solutions: int = 0
    chain_credit_modelled: bool = True  # False: too large to optimise the chain credit; it is only reported
    candidates_pruned: bool = False  # True: each engagement only considered its nearest candidates
    stages: tuple[Stage, ...] = ()  # a minimal-change re-plan's levels, before the soft terms
    changes: tuple[Change, ...] | None = None  # changes to ``changes_from`` (None without it)
    changes_from: Plan | None = None  # the published plan a re-plan counts its changes from
    policy: str = ""  # a re-plan's policy: "fewest", "weighted" or "free"
    exclusions: frozenset[tuple[str, str]] = frozenset()  # drop-outs: (engagement, person) kept off the teams
    kept_start: str = ""  # the plan is the starting plan ("greedy baseline", "published plan"): nothing beat it
    search_status: SolveStatus | None = None  # with ``kept_start``: how the search itself ended
    setup_s: float = 0.0  # wall-clock seconds before the search began: starting plan, model build, hint (0: unknown)

    @property
    def found_plan(self) -> bool:
        return self.plan is not None

    def term(self, name: str) -> TermResult | None:
        return next((t for t in self.terms if t.name == name), None)

    @property
    def proven_best(self) -> bool:
        return self.status == SolveStatus.OPTIMAL

    def useful_bound(self) -> bool:
        return useful_bound(self.objective, self.bound, self.gap)

    def quality(self) -> str:
        """How good the plan is, in plain words (no solver vocabulary)."""
        if self.plan is None:
            if self.status == SolveStatus.INFEASIBLE:
                return "No plan exists: the hard rules cannot all hold."
            return "No plan found yet" + (": the search was stopped." if self.stopped else
                                          "; more time would help.")
        if self.stages:
            levels = "; ".join(stage.text() for stage in self.stages)
            best = "proven best" if self.proven_best else "not proven best yet"
            return f"{levels[0].upper()}{levels[1:]}; among those plans, {best}."
        if self.proven_best:
            return "Proven best: no plan that keeps every rule costs less."
        origin, time_helps = self._kept_start_text()
        more = " More time would help." if time_helps and not self.stopped else ""
        if not self.useful_bound():
            return "Every rule holds, but how far from the best it is is not known yet." + origin + more
        share = self.gap * 100
        within = f"{share:.1f} %" if share >= 0.95 else f"{share:.2f} %"
        return f"Every rule holds; within {within} of the best possible plan." + origin + more

    def _kept_start_text(self) -> tuple[str, bool]:
        """What to say when the plan is the starting plan, and whether more time could find a better one."""
        if not self.kept_start:
            return "", True
        kept = f" It is the {self.kept_start} the search started from"
        if self.search_status == SolveStatus.INFEASIBLE:
            if self.candidates_pruned:
                return (f"{kept}: the search, which considered only each engagement's nearest candidates, found "
                        "no plan among them.", False)
            return (f"{kept}: the search's model found no plan at all, which the checker contradicts (a fault in "
                    "the planner worth reporting).", False)
        if self.search_status == SolveStatus.OPTIMAL:  # proven best within what a large model leaves out
            limits = [text for limited, text in (
                (not self.chain_credit_modelled, "leaves the chain credit out"),
                (self.candidates_pruned, "considers only each engagement's nearest candidates")) if limited]
            return (f"{kept}: the search's best plan costs more by the checker's count (at this size the search "
                    f"{' and '.join(limits) or 'scores plans on its own scale'}).", False)
        if self.search_status == SolveStatus.FEASIBLE:
            return f"{kept}: the plans the search found cost more.", True
        return f"{kept}: the search found no plan before it stopped.", True

    def summary(self) -> str:
        if self.plan is None:
            said = ("no plan satisfies the hard rules." if self.status == SolveStatus.INFEASIBLE
                    else "no plan found yet.")
            return " ".join([f"{self.status}: {said}", *self.diagnosis])
        scheduled = len(self.plan.scheduled())
        if self.useful_bound():
            bound = f"bound {self.bound:,.2f}, gap {self.gap:.2%}"
        else:
            bound = "no useful bound yet"
        return (f"{self.status}: {scheduled}/{len(self.plan.engagements)} engagements scheduled, objective "
                f"{self.objective:,.2f}, {bound}, {self.runtime_s:.1f} s. {self.quality()}")


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None] | None, started: float, scale: int = WEIGHT_SCALE,
                 stage: str = "", better_than: float | None = None):
        super().__init__()
        self.better_than = better_than  # the reported starting plan's objective: only better plans are news
        self.report = report
        self.started = started
        self.scale = scale
        self.stage = stage
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.report is not None:
            objective = self.objective_value / self.scale
            if self.better_than is not None and objective >= self.better_than - 1e-6:
                return  # the user already has a plan at least this good (the starting plan)
            bound = self.best_objective_bound / self.scale
            self.report(Progress(time.monotonic() - self.started, objective, bound,
                                 relative_gap(objective, bound), self.solutions, self.stage))


def solver_parameters(solver: cp_model.CpSolver, settings: SolverSettings) -> None:
    """Apply settings. Reproducible runs use deterministic time and interleaved search with a fixed seed, so
    the same scenario gives the same plan whatever the machine's load."""
    p = solver.parameters
    p.random_seed = settings.seed
    p.num_workers = max(1, settings.workers)
    p.relative_gap_limit = settings.relative_gap_limit
    p.linearization_level = 2  # puts the implications behind the chain credits into the LP: a sound bound
    if p.num_workers == 2:
        # In a portfolio each worker has its own parameters, and the default 2-worker one runs linearization
        # level 1: no worker saw the chain credit's subtour cuts and kp-2018-h2's bound stayed near 2,470.
        # Two workers are one full-problem search and one thread of first-solution and LNS helpers (CP-SAT's
        # log: "1 full problem subsolver"); the full LP as that search proves kp-2018-h2 optimal, interleaved
        # (reproducible) too, at 37.5 deterministic units. (An LP-bound tree search named second never ran.)
        p.subsolvers.append("max_lp")
        p.cp_model_probing_level = 0  # probing took ~1.5 of kp-2018-h2's 2.5 s presolve, for no bound gain
    if settings.reproducible:
        p.interleave_search = True
        p.max_deterministic_time = settings.time_limit_s
        p.max_time_in_seconds = settings.time_limit_s * 20
    else:
        p.max_time_in_seconds = settings.time_limit_s


def settings_for(scenario: Scenario, time_limit_s: float | None = None, reproducible: bool | None = None,
                 workers: int | None = None) -> SolverSettings:
    """The scenario's solver settings with the caller's overrides."""
    s = scenario.solver
    reproducible = s.reproducible if reproducible is None else reproducible
    return SolverSettings(
        time_limit_s=s.time_limit_s if time_limit_s is None else float(time_limit_s),
        # reproducible too: interleaved search is deterministic for a given number of workers (the number is
        # the scenario's or the caller's, never the machine's, so every machine gives the same plan)
        workers=s.workers if workers is None else workers,
        seed=s.seed,
        reproducible=reproducible,
        relative_gap_limit=s.relative_gap_limit,
    )


def extract_plan(builder: ModelBuilder, solver: cp_model.CpSolver) -> Plan:
    """The plan that the solver's best solution describes (no metadata yet)."""
    v = builder.vars
    assignments, outcomes = [], []
    for e in builder.engagements:
        if not solver.boolean_value(v.scheduled[e.id]):
            outcomes.append(EngagementOutcome(e.id, "unscheduled"))
            continue
        start = builder.date_of(solver.value(v.start[e.id]))
        host = next(h for h in e.hosts if solver.boolean_value(v.host[(e.id, h)]))
        end = e.end_for(start)
        outcomes.append(EngagementOutcome(e.id, "scheduled", start, end, host))
        for r in builder.eligible[e.id]:
            if solver.boolean_value(v.assigned[(e.id, r.id)]):
                if not e.is_review_visit:
                    role = "attendee"
                elif (e.id, r.id) in v.lead and solver.boolean_value(v.lead[(e.id, r.id)]):
                    role = "lead"
                else:
                    role = "member"
                assignments.append(Assignment(e.id, e.kind, host, start, end, r.id, role))
    return Plan(tuple(assignments), tuple(outcomes))


def plan_meta(scenario: Scenario, result: SolveResult) -> dict:
    """What plan.json records about the solve that made a plan."""
    settings = result.settings
    meta = {
        "status": str(result.status),
        "objective": result.objective,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 6),
        "terms": [t.as_dict() for t in result.terms],
        "solver": {"time_limit_s": settings.time_limit_s, "workers": settings.workers, "seed": settings.seed,
                   "reproducible": settings.reproducible, "relative_gap_limit": settings.relative_gap_limit},
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "chain_credit_modelled": result.chain_credit_modelled,
        "candidates_pruned": result.candidates_pruned,
        "package_version": PACKAGE_VERSION,
        "ortools_version": ortools.__version__,
    }
    if result.changes is not None:
        meta["changes"] = {"count": len(result.changes), "policy": result.policy or "weighted",
                           "stages": [{"name": str(st.name), "value": st.value, "bound": st.bound,
                                       "proven": st.proven} for st in result.stages],
                           "list": [c.as_dict() for c in result.changes]}
    if result.kept_start:  # the search found nothing better than the plan it started from
        meta["kept_start"] = {"source": str(result.kept_start), "search_status": str(result.search_status)}
    if result.exclusions:  # drop-outs, so that explaining the saved plan respects them
        meta["drop_outs"] = [list(pair) for pair in sorted(result.exclusions)]
    if not settings.reproducible:  # wall-clock facts would break byte-identical files
        meta["created"] = datetime.now(UTC).isoformat(timespec="seconds")
        meta["runtime_s"] = round(result.runtime_s, 3)
    return meta


def with_plan(scenario: Scenario, result: SolveResult, plan: Plan, reference: Plan | None = None,
              terms: list[TermResult] | None = None) -> SolveResult:
    """``result`` with ``plan`` in it: its soft terms evaluated (unless ``terms`` are its terms, already
    evaluated against ``reference``), its changes to ``result.changes_from`` (else to ``reference``) listed and
    its metadata written."""
    base = result.changes_from if result.changes_from is not None else reference
    changes = None if base is None else tuple(plan_changes(scenario, base, plan))
    terms = evaluate(scenario, plan, reference) if terms is None else terms
    scored = dataclasses.replace(result, plan=plan, terms=terms, changes=changes, changes_from=base)
    return dataclasses.replace(scored, plan=dataclasses.replace(plan, meta=plan_meta(scenario, scored)))


def _run(builder: ModelBuilder, settings: SolverSettings, progress, stop_event, log_callback=None,
         called: float | None = None, scale: int = WEIGHT_SCALE, stage: str = "", better_than: float | None = None):
    solver = cp_model.CpSolver()
    solver_parameters(solver, settings)
    if log_callback is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = log_callback
    started = time.monotonic()
    callback = _ProgressCallback(progress, called if called is not None else started, scale, stage, better_than)
    status = solve_stoppable(solver, builder.model, stop_event, callback)
    return solver, status, time.monotonic() - started, callback.solutions


def saved_result(scenario: Scenario, plan: Plan) -> SolveResult:
    """A saved plan as a ``SolveResult`` (to explain it without solving again): its soft terms evaluated, its
    status, bound and gap as plan.json records them."""
    meta = plan.meta
    status = _known(SolveStatus, meta.get("status")) or SolveStatus.FEASIBLE
    terms = evaluate(scenario, plan)
    kept = meta.get("kept_start") if isinstance(meta.get("kept_start"), dict) else {}
    source = _known(StartingPlan, kept.get("source"))  # plan.json is anyone's to edit: known names only
    return SolveResult(status if status.has_plan else SolveStatus.FEASIBLE, total_penalty(terms),
                       meta.get("bound"), meta.get("gap"), float(meta.get("runtime_s") or 0.0), plan, terms,
                       settings=scenario.solver, candidates_pruned=bool(meta.get("candidates_pruned")),
                       chain_credit_modelled=meta.get("chain_credit_modelled", True) is not False,
                       kept_start=source or "", search_status=_known(SolveStatus, kept.get("search_status")))


def _known(names: type[StrEnum], value):
    """The member of ``names`` that ``value`` names, else None (anything else a file may hold)."""
    return names(value) if isinstance(value, str) and value in {member.value for member in names} else None


def _hint_solution(builder: ModelBuilder, solver: cp_model.CpSolver) -> None:
    """Hint the solver's whole last solution: the next level starts where this one ended."""
    values = list(solver.response_proto.solution)
    model = builder.model
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def _remaining(settings: SolverSettings, used: float) -> SolverSettings:
    return dataclasses.replace(settings, time_limit_s=max(0.1, settings.time_limit_s - used))


def solve(scenario: Scenario, *, time_limit_s: float | None = None, reproducible: bool | None = None,
          workers: int | None = None, reference: Plan | None = None, fewest_changes: bool = False,
          hint: Plan | None = None, exclusions: frozenset[tuple[str, str]] = frozenset(),
          changes_from: Plan | None = None, policy: str = "", frozen: tuple = (),
          progress: Callable[[Progress], None] | None = None,
          stop_event: threading.Event | None = None, log_callback: Callable[[str], None] | None = None,
          warm_start: bool = True) -> SolveResult:
    """Plan ``scenario``: decide which engagements happen, when, where and with whom.

    ``reference`` is a published plan to stay close to (complete hint plus the ``team_changes`` term). With
    ``fewest_changes`` the solve is lexicographic: first keep as much of the reference's work as the rules
    allow, then make the fewest changes to it (``planner.rules.changes``), then the best soft terms among those
    plans; the whole of it shares ``time_limit_s``. ``hint`` is a plan to start from without staying close to
    it (a what-if variant starts from the published plan). Without either, ``warm_start`` hints the greedy
    baseline's plan. ``exclusions`` are (engagement, person) pairs kept off the teams (a drop-out);
    ``frozen`` assignments keep their engagements' teams and leads exactly (what has started). The result's
    ``changes`` count from ``changes_from`` (default: ``reference``) and it records ``policy``.
    ``stop_event`` stops the search and keeps the best plan found. Progress times count from
    this call (model build included); the first report is the starting plan when one holds every rule (the
    published plan, else the greedy baseline; ``Progress.starting``), and the result is never worse than it.
    Left-out engagements carry no reason and a failed solve no diagnosis: ``planner.engine.explain.explain``
    adds them.
    """
    called = time.monotonic()
    settings = settings_for(scenario, time_limit_s, reproducible, workers)
    if fewest_changes and reference is None:
        raise ValueError("fewest_changes needs the reference plan to count changes from")
    start = reference if reference is not None else hint  # a published plan to start from, if any
    # the starting plan: one that holds every rule (checked before the model is built), which the user has at
    # once and a solve never returns less than
    begin = (None if start is None else
             _starting_plan(scenario, start, StartingPlan.PUBLISHED, reference, exclusions, frozen))
    baseline = None
    if begin is None and warm_start and not fewest_changes:
        # a spreadsheet-style first plan, when there is no plan to start from or it breaks a rule now; hinted
        # when nothing else is, it also gives large scenarios a quick first solution
        baseline = greedy_plan(scenario)
        begin = _starting_plan(scenario, baseline, StartingPlan.GREEDY, reference, exclusions, frozen)
    reports_start = begin is not None and not fewest_changes  # fewest-changes levels come first: no start shown
    if reports_start and progress is not None:
        progress(Progress(time.monotonic() - called, begin.objective, None, None, 0, starting_from=begin.source))
    builder = ModelBuilder(scenario, reference, count_changes=fewest_changes, exclusions=exclusions,
                           frozen=frozen).build()
    # the search's reports must beat the starting plan, on the solver's scale (their own)
    better_than = begin.solver_objective(builder.chain_credit_modelled) if reports_start else None
    if start is not None:
        complete_hint(builder, start, settings, stop_event)  # its decisions at least, even when it breaks a rule now
    elif baseline is not None:
        hint_from_plan(builder, baseline)
    extras = {"changes_from": changes_from if changes_from is not None else reference, "policy": policy,
              "exclusions": exclusions, "setup_s": round(time.monotonic() - called, 3)}
    stages: list[Stage] = []
    # the limit is the user's wait: wall-clock seconds since this call, so the model build, the starting plan and
    # the hint count too; deterministic units, when reproducible, count the search alone (they do not see a clock)
    used = 0.0 if settings.reproducible else time.monotonic() - called
    solver = cp_status = last_found = None
    solutions = 0
    levels = [(StageName.LOST_WORK, builder.lost_work_expr, WEIGHT_SCALE),
              (StageName.CHANGES, builder.changes_expr, 1)] if fewest_changes else []
    for name, expr, scale in levels:
        builder.model.minimize(expr)
        solver, cp_status, _, found = _run(builder, _remaining(settings, used), progress, stop_event,
                                           log_callback, called, scale, STAGE_LABELS[name])
        used = used + solver.deterministic_time if settings.reproducible else time.monotonic() - called
        solutions += found
        if cp_status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last_found is not None:  # keep the previous level's plan rather than none
                return _result(builder, scenario, settings, last_found, cp_model.FEASIBLE,
                               time.monotonic() - called, solutions, stop_event, reference, tuple(stages),
                               keep_objective=False, extras=extras)
            return _result(builder, scenario, settings, solver, cp_status, time.monotonic() - called, solutions,
                           stop_event, reference, tuple(stages), start=begin, extras=extras)
        last_found = solver
        value = round(solver.objective_value)
        stages.append(Stage(name, value / scale, solver.best_objective_bound / scale, cp_status == cp_model.OPTIMAL))
        builder.model.add(expr <= value)  # later levels keep this one at its value
        _hint_solution(builder, solver)
        if stop_event is not None and stop_event.is_set():
            return _result(builder, scenario, settings, solver, cp_status, time.monotonic() - called, solutions,
                           stop_event, reference, tuple(stages), keep_objective=False, extras=extras)
    if levels:
        builder.model.minimize(builder.objective_expr)
    last = solver
    solver, cp_status, _, found = _run(builder, _remaining(settings, used), progress, stop_event,
                                       log_callback, called, better_than=better_than)
    solutions += found
    if cp_status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and last is not None:
        # the soft-terms level found nothing in the time left: keep the previous level's plan
        return _result(builder, scenario, settings, last, cp_model.FEASIBLE, time.monotonic() - called, solutions,
                       stop_event, reference, tuple(stages), keep_objective=False, extras=extras)
    return _result(builder, scenario, settings, solver, cp_status, time.monotonic() - called, solutions, stop_event,
                   reference, tuple(stages), start=begin, extras=extras)


@dataclass(frozen=True)
class _Start:
    """A plan a solve starts from that holds every rule, where it comes from and its soft terms (the checker's)."""

    plan: Plan
    source: StartingPlan
    terms: list[TermResult]  # the checker's, against the solve's reference

    @property
    def objective(self) -> float:
        return total_penalty(self.terms)

    def solver_objective(self, chain_credit_modelled: bool) -> float:
        """Its objective on the solver's scale, which the search's progress reports use: without the chain
        credit when the model leaves that out (a large scenario)."""
        if chain_credit_modelled:
            return self.objective
        return self.objective - sum(t.penalty for t in self.terms if t.name == TermName.CHAIN_CREDIT_KM)


def _starting_plan(scenario: Scenario, plan: Plan, source: StartingPlan, reference: Plan | None,
                   exclusions: frozenset[tuple[str, str]], frozen: tuple) -> _Start | None:
    """``plan`` as a starting plan when the checker passes it, it keeps every dropped-out person off the teams and
    every started engagement's team and lead exactly (``frozen``); else None."""
    if any((a.engagement_id, a.reviewer_id) in exclusions for a in plan.assignments):
        return None
    frozen_teams = {a.engagement_id for a in frozen}
    kept = {(a.engagement_id, a.reviewer_id, a.role) for a in plan.assignments if a.engagement_id in frozen_teams}
    if kept != {(a.engagement_id, a.reviewer_id, a.role) for a in frozen}:
        return None
    report = check(scenario, plan, reference)
    if not report.ok:
        return None
    return _Start(dataclasses.replace(plan, meta={}), source, report.terms)


def _start_is_better(status: SolveStatus, found_terms: list[TermResult] | None, keep_objective: bool,
                     stages: tuple, start: _Start) -> bool:
    """The starting plan beats what the search ended with: no plan (stopped first, or a model that disagrees with
    the checker), or, in a plain solve, one that the checker scores worse — compared on the checker's scale, as
    the solver's may leave out a term (the chain credit of a large scenario) or count a helper short of its best."""
    if status in (SolveStatus.UNKNOWN, SolveStatus.INFEASIBLE):  # not MODEL_INVALID: a bug, not to be hidden
        return True
    if found_terms is None or not keep_objective or stages:
        return False
    return total_penalty(found_terms) > start.objective + 1e-6


def _result(builder: ModelBuilder, scenario: Scenario, settings: SolverSettings, solver: cp_model.CpSolver,
            cp_status, runtime: float, solutions: int, stop_event, reference: Plan | None,
            stages: tuple[Stage, ...], keep_objective: bool = True, start: _Start | None = None,
            extras: dict | None = None) -> SolveResult:
    """The result of the solver's last solution; ``keep_objective=False`` when that solution minimised a level
    before the soft terms (its soft-terms objective is then recomputed from the plan, with no bound). A solve
    never returns less than its starting plan ``start``: that plan is the result when the search ended with no
    plan (stopped first, or a model that disagrees with the checker) or, in a plain solve, on a plan the checker
    scores worse (a search cut short ends on its own heuristics' solutions)."""
    status = _FROM_CP_SAT.get(cp_status, SolveStatus.UNKNOWN)
    extras = extras or {}
    found = extract_plan(builder, solver) if status.has_plan else None  # the search's plan, extracted once
    # scored once: to compare it with the starting plan, and for the result (only in a plain solve)
    found_terms = (evaluate(scenario, found, reference)
                   if found is not None and start is not None and keep_objective and not stages else None)
    if start is not None and _start_is_better(status, found_terms, keep_objective, stages, start):
        bound = None  # the search's bound, when it holds for every plan and says something about this one
        if status.has_plan and builder.chain_credit_modelled and not builder.candidates_pruned:
            searched = solver.best_objective_bound / WEIGHT_SCALE
            bound = searched if searched <= start.objective + 1e-6 else None
        result = SolveResult(SolveStatus.FEASIBLE, start.objective, bound, relative_gap(start.objective, bound),
                             runtime, None, settings=settings,
                             stopped=bool(stop_event is not None and stop_event.is_set()), solutions=solutions,
                             chain_credit_modelled=builder.chain_credit_modelled,
                             candidates_pruned=builder.candidates_pruned, stages=stages,
                             kept_start=start.source, search_status=status, **extras)
        return with_plan(scenario, result, start.plan, reference, terms=start.terms)
    if status == SolveStatus.OPTIMAL and any(not stage.proven for stage in stages):
        status = SolveStatus.FEASIBLE  # a level before was not proven least
    if not keep_objective and status == SolveStatus.OPTIMAL:
        status = SolveStatus.FEASIBLE
    result = SolveResult(status, None, None, None, runtime, None, settings=settings,
                         stopped=bool(stop_event is not None and stop_event.is_set()), solutions=solutions,
                         chain_credit_modelled=builder.chain_credit_modelled,
                         candidates_pruned=builder.candidates_pruned, stages=stages, **extras)
    if found is None:
        return result
    plan = found
    if keep_objective:
        objective = solver.objective_value / WEIGHT_SCALE
        bound = solver.best_objective_bound / WEIGHT_SCALE
    else:
        objective = total_penalty(evaluate(scenario, plan, reference))
        bound = None
    result = dataclasses.replace(result, objective=objective, bound=bound, gap=relative_gap(objective, bound))
    return with_plan(scenario, result, plan, reference, terms=found_terms)
