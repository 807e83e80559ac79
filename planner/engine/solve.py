"""Running the CP-SAT model: ``solve`` returns a ``SolveResult`` and never raises because no plan exists.

Progress is reported through a callback (objective, bound, gap, elapsed) and a ``threading.Event`` stops the
search within a fraction of a second, keeping the best plan found.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import ortools
from ortools.sat.python import cp_model

from planner.core.model import Assignment, EngagementOutcome, Plan, Scenario, SolverSettings
from planner.engine.greedy import greedy_plan
from planner.engine.model import WEIGHT_SCALE, ModelBuilder
from planner.rules.precheck import engagement_findings
from planner.rules.scoring import TermResult, evaluate

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class Progress:
    """One progress report during a solve."""

    elapsed_s: float
    objective: float | None
    bound: float | None
    gap: float | None
    solutions: int


@dataclass
class SolveResult:
    """What a solve produced. ``plan`` is None when no plan was found (see ``diagnosis``)."""

    status: str
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

    @property
    def found_plan(self) -> bool:
        return self.plan is not None

    def term(self, name: str) -> TermResult | None:
        return next((t for t in self.terms if t.name == name), None)

    def summary(self) -> str:
        if self.plan is None:
            return f"{self.status}: no plan satisfies the hard rules. " + " ".join(self.diagnosis)
        scheduled = len(self.plan.scheduled())
        gap = "n/a" if self.gap is None else f"{self.gap:.2%}"
        return (f"{self.status}: {scheduled}/{len(self.plan.engagements)} engagements scheduled, objective "
                f"{self.objective:g}, bound {self.bound:g}, gap {gap}, {self.runtime_s:.1f} s")


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None] | None, started: float):
        super().__init__()
        self.report = report
        self.started = started
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.report is not None:
            objective = self.objective_value / WEIGHT_SCALE
            bound = self.best_objective_bound / WEIGHT_SCALE
            self.report(Progress(time.monotonic() - self.started, objective, bound,
                                 relative_gap(objective, bound), self.solutions))


def solver_parameters(solver: cp_model.CpSolver, settings: SolverSettings) -> None:
    """Apply settings. Reproducible runs use deterministic time and interleaved search with a fixed seed, so
    the same scenario gives the same plan whatever the machine's load."""
    p = solver.parameters
    p.random_seed = settings.seed
    p.num_workers = max(1, settings.workers)
    p.relative_gap_limit = settings.relative_gap_limit
    p.linearization_level = 2  # puts the implications behind the chain credits into the LP: a sound bound
    if settings.reproducible:
        p.interleave_search = True
        p.max_deterministic_time = settings.time_limit_s
        p.max_time_in_seconds = settings.time_limit_s * 20
    else:
        p.max_time_in_seconds = settings.time_limit_s


def _settings(scenario: Scenario, time_limit_s: float | None, reproducible: bool | None,
              workers: int | None) -> SolverSettings:
    s = scenario.solver
    return SolverSettings(
        time_limit_s=s.time_limit_s if time_limit_s is None else float(time_limit_s),
        workers=s.workers if workers is None else workers,
        seed=s.seed,
        reproducible=s.reproducible if reproducible is None else reproducible,
        relative_gap_limit=s.relative_gap_limit,
    )


def _extract_plan(builder: ModelBuilder, solver: cp_model.CpSolver) -> Plan:
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


def _plan_meta(scenario: Scenario, result: SolveResult) -> dict:
    from planner import __version__
    from planner.io.plan_files import scenario_hash

    settings = result.settings
    meta = {
        "status": result.status,
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
        "package_version": __version__,
        "ortools_version": ortools.__version__,
    }
    if not settings.reproducible:  # wall-clock facts would break byte-identical files
        meta["created"] = datetime.now(UTC).isoformat(timespec="seconds")
        meta["runtime_s"] = round(result.runtime_s, 3)
    return meta


def _run(builder: ModelBuilder, settings: SolverSettings, progress, stop_event, log_callback=None,
         called: float | None = None):
    solver = cp_model.CpSolver()
    solver_parameters(solver, settings)
    if log_callback is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = log_callback
    started = time.monotonic()
    callback = _ProgressCallback(progress, called if called is not None else started)
    done = threading.Event()
    watcher = None
    if stop_event is not None:
        def watch() -> None:
            while not done.is_set():
                if stop_event.wait(0.05):
                    solver.stop_search()
                    return
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    try:
        status = solver.solve(builder.model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    return solver, status, time.monotonic() - started, callback.solutions


def complete_hint(builder: ModelBuilder, plan: Plan, settings: SolverSettings) -> bool:
    """Hint *every* variable: fix the plan's decisions, let CP-SAT fill in the rest, and hint that whole
    solution. Falls back to hinting the decisions only when the plan no longer fits the scenario."""
    probe = ModelBuilder(builder.scenario, builder.reference).build()
    probe.hint_from_plan(plan)
    # fix the hinted decisions and keep the objective, so that helper variables (loads, chains) take their
    # best values for these decisions: the hint then costs exactly what the plan costs
    proto = probe.model.proto
    for i, var_index in enumerate(proto.solution_hint.vars):
        value = proto.solution_hint.values[i]
        probe.model.add(probe.model.get_int_var_from_proto_index(var_index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, settings.time_limit_s / 10)
    solver.parameters.num_workers = 1
    status = solver.solve(probe.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        builder.hint_from_plan(plan)
        return False
    target = builder.model
    target.clear_hints()
    for index in range(len(target.proto.variables)):
        var = target.get_int_var_from_proto_index(index)
        target.add_hint(var, solver.value(probe.model.get_int_var_from_proto_index(index)))
    return True


def solve(scenario: Scenario, *, time_limit_s: float | None = None, reproducible: bool | None = None,
          workers: int | None = None, reference: Plan | None = None,
          progress: Callable[[Progress], None] | None = None, stop_event: threading.Event | None = None,
          explain_unscheduled: bool = True, log_callback: Callable[[str], None] | None = None,
          warm_start: bool = True) -> SolveResult:
    """Plan ``scenario``: decide which engagements happen, when, where and with whom.

    ``reference`` is a published plan to stay close to (complete hint plus the ``team_changes`` term);
    ``stop_event`` stops the search and keeps the best plan found. Without a reference, ``warm_start`` hints
    the greedy baseline's plan. Progress times count from this call (model build included).
    """
    called = time.monotonic()
    settings = _settings(scenario, time_limit_s, reproducible, workers)
    builder = ModelBuilder(scenario, reference).build()
    if reference is not None:
        complete_hint(builder, reference, settings)
    elif warm_start:  # a spreadsheet-style first plan gives large scenarios a quick first solution
        builder.hint_from_plan(greedy_plan(scenario))
    solver, status, runtime, solutions = _run(builder, settings, progress, stop_event, log_callback, called)
    name = STATUS_NAMES.get(status, str(status))
    stopped = bool(stop_event is not None and stop_event.is_set())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        from planner.engine.diagnose import diagnose

        diagnosis = diagnose(scenario) if status == cp_model.INFEASIBLE else [
            "The solver stopped before finding any plan" + (" (stopped by the user)." if stopped else
                                                            f" within {settings.time_limit_s:g} s; "
                                                            "allow more time.")]
        return SolveResult(name, None, None, None, runtime, None, [], diagnosis, settings, stopped, solutions)
    objective = solver.objective_value / WEIGHT_SCALE
    bound = solver.best_objective_bound / WEIGHT_SCALE
    plan = _extract_plan(builder, solver)
    result = SolveResult(name, objective, bound, relative_gap(objective, bound), runtime, plan,
                         settings=settings, stopped=stopped, solutions=solutions,
                         chain_credit_modelled=builder.chain_credit_modelled,
                         candidates_pruned=builder.candidates_pruned)
    if explain_unscheduled:
        plan.engagements = tuple(_with_reasons(scenario, plan, settings, stop_event, reference))
    result.terms = evaluate(scenario, plan, reference)
    plan.meta = _plan_meta(scenario, result)
    return result


def _with_reasons(scenario: Scenario, plan: Plan, settings: SolverSettings,
                  stop_event: threading.Event | None = None, reference: Plan | None = None):
    """Give each unscheduled engagement its reason: a staffing pre-check finding, else what trying to fit it
    in shows."""
    from planner.engine.diagnose import why_left_out

    engagements = scenario.engagements_by_id
    for o in plan.engagements:
        if o.scheduled:
            yield o
            continue
        e = engagements[o.engagement_id]
        findings = engagement_findings(scenario, e)
        if findings:
            reason = " ".join(f.sentence for f in findings)
        elif stop_event is not None and stop_event.is_set():
            reason = "Left out; the explanation was skipped because the solve was stopped."
        else:
            reason = why_left_out(scenario, e, plan, settings, stop_event, reference)
        yield EngagementOutcome(o.engagement_id, "unscheduled", reason=reason)
