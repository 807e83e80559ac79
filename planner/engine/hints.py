"""Warm starts: hint a plan's decisions, or every variable of the model (a complete hint).

A complete hint lets CP-SAT start from the published plan at its exact cost (the solver log then says "The
solution hint is complete and is feasible"), so re-planning never begins worse than what is published.
"""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

from planner.core.model import Plan, SolverSettings
from planner.engine.model import ModelBuilder
from planner.engine.stopping import solve_stoppable


def hint_from_plan(builder: ModelBuilder, plan: Plan) -> None:
    """Hint the decisions of ``plan`` (happens, host, start, team, lead)."""
    m, v = builder.model, builder.vars
    outcomes = plan.outcomes_by_id
    team = {(a.engagement_id, a.reviewer_id): a.role for a in plan.assignments}
    for e in builder.engagements:
        o = outcomes.get(e.id)
        scheduled = bool(o and o.scheduled)
        m.add_hint(v.scheduled[e.id], scheduled)
        if scheduled:
            m.add_hint(v.start[e.id], builder.day(o.start))
        if len(e.hosts) > 1:
            for host in e.hosts:
                m.add_hint(v.host[(e.id, host)], scheduled and o.host == host)
        for r in builder.eligible[e.id]:
            m.add_hint(v.assigned[(e.id, r.id)], (e.id, r.id) in team and scheduled)
            if (e.id, r.id) in v.lead:
                m.add_hint(v.lead[(e.id, r.id)], team.get((e.id, r.id)) == "lead" and scheduled)


def complete_hint(builder: ModelBuilder, plan: Plan, settings: SolverSettings,
                  stop_event: threading.Event | None = None) -> bool:
    """Hint *every* variable: fix the plan's decisions in a copy of the model, let CP-SAT fill in the rest, and
    hint that whole solution. Falls back to hinting the decisions only when the plan no longer fits the scenario
    (a drop-out left a team short, say), or when ``stop_event`` stops the probe. True when the hint is complete.
    The probe's limit is a tenth of the solve's, in deterministic units for a reproducible solve: a probe cut
    short by a busy machine would otherwise change the hint, and so the plan."""
    hint_from_plan(builder, plan)
    if stop_event is not None and stop_event.is_set():
        return False  # stopped already: the decisions stay hinted
    # fix the hinted decisions and keep the objective, so that helper variables (loads, chains) take their
    # best values for these decisions: the hint then costs exactly what the plan costs. A copy of the built
    # model rather than a second build: the same model, 0.3 s sooner on kp-2018-h2. (Hinting instead the valid
    # plan that keeps most of a plan that no longer fits was measured and not kept: docs/benchmarks.md.)
    probe = builder.model.clone()
    hints = probe.proto.solution_hint
    for var_index, value in zip(hints.vars, hints.values, strict=True):
        probe.add(probe.get_int_var_from_proto_index(var_index) == value)
    solver = cp_model.CpSolver()
    limit = max(1.0, settings.time_limit_s / 10)
    solver.parameters.num_workers = 1
    if settings.reproducible:
        solver.parameters.max_deterministic_time = limit
        solver.parameters.max_time_in_seconds = limit * 20  # as the solve's own: only a safety net
    else:
        solver.parameters.max_time_in_seconds = limit
    if solve_stoppable(solver, probe, stop_event) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False  # the decisions stay hinted
    target = builder.model
    target.clear_hints()
    for index in range(len(target.proto.variables)):
        var = target.get_int_var_from_proto_index(index)
        target.add_hint(var, solver.value(probe.get_int_var_from_proto_index(index)))
    return True
