"""Two plans side by side (pure, no widgets): a saved plan against a variant or a re-plan, with the changes
(``planner.rules.plan_diff``: each one as ``planner.rules.changes.plan_changes`` counts it; against the
published plan a drop-out's own leaving is listed too, which a re-plan's count leaves out as given) and the
headline figures with their deltas. The notebooks' what-if editor and disruption panel display a
:class:`Comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.core.model import EngagementOutcome, Plan, Scenario
from planner.engine.solve import SolveResult
from planner.rules.plan_diff import PlanDiff, diff_plans
from planner.views.tables import joined, span_text

KPI_LABELS = {
    "engagements_scheduled": "Engagements scheduled",
    "engagements_unscheduled": "Engagements left out",
    "countries_visited": "Countries visited",
    "people_involved": "People involved",
    "travel_km": "Kilometres travelled (after chaining)",
    "co2_tonnes": "CO2 in tonnes (estimate)",
    "max_load": "Largest workload (engagements per person)",
}


@dataclass
class Comparison:
    """A saved plan against a variant: both side by side, the list of changes, the headline deltas and the
    verdict on how much of the difference is the edits' (``attribution``)."""

    diff: PlanDiff
    side_by_side: pd.DataFrame
    changes: pd.DataFrame
    kpis: pd.DataFrame
    verdict: str = ""
    both_proven: bool = False  # both plans proven best: every difference is the effect of the edits

    def sentences(self) -> list[str]:
        return self.diff.sentences() or ["No engagement changes: same dates, hosts, teams and leads."]


@dataclass(frozen=True)
class Certainty:
    """What is known of a plan's cost: its objective, a lower bound on the best cost, and whether it is proven
    best (``plan.json`` records it; a ``SolveResult`` carries it)."""

    objective: float | None
    bound: float | None
    proven: bool

    @classmethod
    def of_plan(cls, plan: Plan) -> Certainty:
        meta = plan.meta
        return cls(meta.get("objective"), meta.get("bound"), meta.get("status") == "OPTIMAL")

    @classmethod
    def of_result(cls, result: SolveResult) -> Certainty:
        return cls(result.objective, result.bound, result.proven_best)


def attribution(before: Certainty, after: Certainty) -> tuple[str, bool]:
    """How much of the cost difference between two plans is the edits' and how much may be the search's.

    Both proven best: the difference is the edits'. Otherwise the change in the best possible cost lies
    between (after's bound − before's cost) and (after's cost − before's bound); differences inside that range
    cannot be told from the search's luck."""
    if before.objective is None or after.objective is None:
        return "The cost of one of the plans is not known, so the difference cannot be attributed.", False
    delta = after.objective - before.objective
    if before.proven and after.proven:
        return (f"Both plans are proven best, so every difference below is the effect of the edits, not of the "
                f"search: the best cost changes by {delta:+,.2f}.", True)
    low = None if after.bound is None else after.bound - before.objective
    high = None if before.bound is None else after.objective - before.bound
    unproven = " and ".join(label for label, c in (("the saved plan", before), ("the variant", after))
                            if not c.proven)
    if low is None or high is None:
        return (f"The cost changes by {delta:+,.2f}, but {unproven} is not proven best and has no useful bound: "
                "part of the difference may be the search's, not the edits'.", False)
    return (f"The cost changes by {delta:+,.2f}, but {unproven} is not proven best: the best cost changes by "
            f"between {low:+,.2f} and {high:+,.2f}; a difference inside that range may be the search's, not the "
            "edits'.", False)


def _outcome_text(o: EngagementOutcome | None) -> str:
    if o is None:
        return "(not in this plan)"
    return span_text(o.start, o.end) if o.scheduled else "left out"


def compare(scenario: Scenario, before: Plan, after: Plan, labels: tuple[str, str] = ("saved", "variant"),
            after_result: SolveResult | None = None) -> Comparison:
    """``before`` and ``after`` side by side (dates, host, lead, team per engagement), the changes
    (``planner.rules.plan_diff.diff_plans``), the headline figures with their deltas and the verdict on how
    much of the difference is the edits' (``after_result`` says how sure the variant is; without it, its
    plan.json metadata)."""
    diff = diff_plans(scenario, before, after)
    old, new = before.outcomes_by_id, after.outcomes_by_id
    by_engagement: dict[str, list[str]] = {}
    for c in diff.changes:
        by_engagement.setdefault(c.engagement_id, []).append(c.label)
    a, b = labels
    rows = []
    for e in scenario.engagements:
        o, n = old.get(e.id), new.get(e.id)
        row = {"id": e.id, "title": e.title}
        for label, outcome, plan in ((a, o, before), (b, n, after)):
            scheduled = outcome is not None and outcome.scheduled
            lead = plan.lead(e.id) if scheduled else None
            team = sorted(x.reviewer_id for x in plan.team(e.id) if x.reviewer_id != lead) if scheduled else []
            row[f"{label}: dates"] = _outcome_text(outcome)
            row[f"{label}: host"] = outcome.host if scheduled else ""
            row[f"{label}: lead"] = lead or ""
            row[f"{label}: team"] = joined(team)
        row["changes"] = "; ".join(by_engagement.get(e.id, [])) or "—"
        rows.append(row)
    side = pd.DataFrame(rows).set_index("id")
    kpis = diff.kpi_table().rename(index=KPI_LABELS).rename(columns={"before": a, "after": b})
    certain_after = Certainty.of_result(after_result) if after_result is not None else Certainty.of_plan(after)
    verdict, proven = attribution(Certainty.of_plan(before), certain_after)
    if after_result is not None and after_result.stages and after_result.objective is not None:
        # a minimal-change re-plan is best only among plans with that few changes
        delta = after_result.objective - (before.meta.get("objective") or 0.0)
        verdict = (f"The new plan makes the fewest changes first: {after_result.quality()} Its cost differs by "
                   f"{delta:+,.2f}: the effect of the change together with the price of changing little "
                   "(a free re-plan, kp-plan replan --free, finds the best plan whatever it changes).")
        proven = False
    return Comparison(diff, side, diff.changes_table(), kpis, verdict, proven)


__all__ = ["KPI_LABELS", "Certainty", "Comparison", "attribution", "compare"]
