"""What one Dask task does: solve one case from the scenario and the plan it is given as data, and return its
row and its changes. Pure functions of their arguments (no file, no shared state), so a worker anywhere gives
the same answer.

Every solve is reproducible (``reproducible=True`` with one CP-SAT worker, as each Dask worker has one
thread: a deterministic time limit, a fixed seed), so a case's row is the same whichever worker runs it and
however many there are. When the search proves its plan best, the lexicographic values (published work lost,
number of changes, objective) are also those of any other proven solve of the case, such as ``kp-plan replan``
with its default two-worker search; which of several equally good plans is returned may differ between the two.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import date

from planner.core.model import Plan, Scenario
from planner.engine.explain import explanation_budget, left_out_reasons
from planner.engine.replan import mark_unavailable, prepare_replan
from planner.engine.solve import SolveResult, SolveStatus, solve
from planner.rules.changes import Change, ChangeKind, plan_changes
from planner.rules.scoring import evaluate, plan_kpis, total_penalty
from planner.sweeps.cases import Case, DropoutCase, ShockCase, SweepKind, WeightCase


@dataclass(frozen=True)
class CaseSettings:
    """How every case of a sweep is solved."""

    today: date | None = None
    time_limit_s: float | None = None  # None: the scenario's solver.time_limit_s


@dataclass(frozen=True)
class CaseOutcome:
    """One case's row (column → value) and its changes to the published plan (one dict per change)."""

    row: dict
    changes: tuple[dict, ...] = ()


def baseline_objective(scenario: Scenario, plan: Plan, today: date | None = None) -> float:
    """The published plan's objective as a re-plan scores it when nothing happened (no move, no team change):
    what a re-plan's ``objective_delta`` is measured from."""
    target = prepare_replan(scenario, plan, today=today).scenario
    return total_penalty(evaluate(target, plan, plan))


def _lost(published: Plan, new: Plan) -> list[str]:
    """Engagements the published plan schedules and the new plan does not."""
    now = new.outcomes_by_id
    return sorted(o.engagement_id for o in published.scheduled()
                  if o.engagement_id in now and not now[o.engagement_id].scheduled)


def _change_rows(case_id: str, changes, reasons: dict[str, str] | None = None) -> tuple[dict, ...]:
    reasons = reasons or {}
    return tuple({"case_id": case_id, **c.as_dict(),
                  "reason": reasons.get(c.engagement_id, "") if c.kind == ChangeKind.DROPPED else ""}
                 for c in changes)


def _proven(result: SolveResult) -> bool:
    return result.status == SolveStatus.OPTIMAL and all(stage.proven for stage in result.stages)


def _replan_case(scenario: Scenario, plan: Plan, case_id: str, settings: CaseSettings, baseline: float,
                 drop_outs=()) -> CaseOutcome:
    started = time.monotonic()
    replanning = prepare_replan(scenario, plan, today=settings.today, drop_outs=drop_outs)
    result = replanning.solve(time_limit_s=settings.time_limit_s, reproducible=True, workers=1)
    row = {"status": str(result.status), "proven": _proven(result)}
    if result.plan is None:
        row.update(lost_work=None, changes=None, engagements_lost=None, lost_engagements="",
                   changed_engagements="", objective=None, objective_delta=None, given=len(replanning.given()))
        return CaseOutcome({**row, "runtime_s": round(time.monotonic() - started, 3)})
    changes = list(result.changes or ())
    lost = _lost(plan, result.plan)
    reasons = {}
    if lost:  # why each is left out now, with a fixed budget (a share of the time left would vary from run to run)
        budget = explanation_budget(result.settings)
        reasons = left_out_reasons(replanning.scenario, result, budget * len(lost), engagement_ids=frozenset(lost),
                                   each_trial_s=budget, reference=replanning.reference,
                                   exclusions=replanning.exclusions)
    lost_work = next((st.value for st in result.stages if st.name == "lost_work"), None)
    row.update(lost_work=lost_work, changes=len(changes), engagements_lost=len(lost),
               lost_engagements=";".join(lost),
               changed_engagements=";".join(sorted({c.engagement_id for c in changes})),
               objective=round(result.objective, 6), objective_delta=round(result.objective - baseline, 6),
               given=len(replanning.given()))
    return CaseOutcome({**row, "runtime_s": round(time.monotonic() - started, 3)},
                       _change_rows(case_id, changes, reasons))


def run_dropout(scenario: Scenario, plan: Plan, case: DropoutCase, settings: CaseSettings,
                baseline: float) -> CaseOutcome:
    """The minimal-change re-plan without ``case``'s person (``kp-plan replan --drop`` of the same case)."""
    outcome = _replan_case(scenario, plan, case.case_id, settings, baseline, [case.drop_out])
    return dataclasses.replace(outcome, row={"case_id": case.case_id, **case.describe(), **outcome.row})


def run_shock(scenario: Scenario, plan: Plan, case: ShockCase, settings: CaseSettings,
              baseline: float) -> CaseOutcome:
    """The minimal-change re-plan after ``case``'s absences (``kp-plan replan --unavailable`` for each)."""
    changed = scenario
    for a in case.absences:
        changed = mark_unavailable(changed, a.reviewer_id, a.start, a.end, "availability shock (sweep)")
    outcome = _replan_case(changed, plan, case.case_id, settings, baseline)
    return dataclasses.replace(outcome, row={"case_id": case.case_id, **case.describe(), **outcome.row})


def with_weights(scenario: Scenario, weights) -> Scenario:
    """``scenario`` with these weights set by hand (no longer derived, as the what-if editor sets them)."""
    names = {name for name, _value in weights}
    return dataclasses.replace(scenario, weights={**scenario.weights, **dict(weights)},
                               derived_weights=tuple(k for k in scenario.derived_weights if k not in names))


def _aspects(changes: list[Change]) -> dict[str, list[str]]:
    """Which engagements' dates, hosts or teams differ (dropped and newly scheduled count as dates)."""
    kinds = {"dates": (ChangeKind.MOVED, ChangeKind.DROPPED, ChangeKind.ADDED), "host": (ChangeKind.REHOSTED,),
             "team": (ChangeKind.JOINS, ChangeKind.LEAVES, ChangeKind.LEAD)}
    return {aspect: sorted({c.engagement_id for c in changes if c.kind in which}) for aspect, which in kinds.items()}


def run_weights(scenario: Scenario, plan: Plan, case: WeightCase, settings: CaseSettings,
                baseline: float) -> CaseOutcome:
    """The best plan with ``case``'s weights, searched from the published plan (as a what-if variant is);
    its headline figures and what differs from the published plan."""
    del baseline  # objectives under other weights are not comparable with the published one
    started = time.monotonic()
    weighted = with_weights(scenario, case.weights)
    result = solve(weighted, hint=plan, time_limit_s=settings.time_limit_s, reproducible=True, workers=1)
    row = {"case_id": case.case_id, **case.describe(), "status": str(result.status), "proven": _proven(result)}
    if result.plan is None:
        row.update(objective=None, changes=None, dates_changed="", host_changed="", team_changed="")
        return CaseOutcome({**row, "runtime_s": round(time.monotonic() - started, 3)})
    changes = plan_changes(weighted, plan, result.plan)
    aspects = _aspects(changes)
    row.update(objective=round(result.objective, 6), changes=len(changes),
               **{f"kpi_{k}": v for k, v in plan_kpis(weighted, result.plan).items()},
               dates_changed=";".join(aspects["dates"]), host_changed=";".join(aspects["host"]),
               team_changed=";".join(aspects["team"]))
    return CaseOutcome({**row, "runtime_s": round(time.monotonic() - started, 3)},
                       _change_rows(case.case_id, changes))


_RUNNERS = {SweepKind.DROPOUTS: run_dropout, SweepKind.WEIGHTS: run_weights, SweepKind.SHOCKS: run_shock}


def run_case(kind: SweepKind | str, scenario: Scenario, plan: Plan, case: Case, settings: CaseSettings,
             baseline: float) -> CaseOutcome:
    """The task a Dask worker runs for one case."""
    return _RUNNERS[SweepKind(kind)](scenario, plan, case, settings, baseline)
