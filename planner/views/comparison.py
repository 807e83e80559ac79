"""Two plans side by side (pure, no widgets): a saved plan against a variant or a re-plan, with the changes
(``planner.rules.plan_diff``) and the headline figures with their deltas. The notebooks' what-if editor and
disruption panel display a :class:`Comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.core.model import EngagementOutcome, Plan, Scenario
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
    """A saved plan against a variant: both side by side, the list of changes and the headline deltas."""

    diff: PlanDiff
    side_by_side: pd.DataFrame
    changes: pd.DataFrame
    kpis: pd.DataFrame

    def sentences(self) -> list[str]:
        return self.diff.sentences() or ["No engagement changes: same dates, hosts, teams and leads."]


def _outcome_text(o: EngagementOutcome | None) -> str:
    if o is None:
        return "(not in this plan)"
    return span_text(o.start, o.end) if o.scheduled else "left out"


def compare(scenario: Scenario, before: Plan, after: Plan, labels: tuple[str, str] = ("saved", "variant")
            ) -> Comparison:
    """``before`` and ``after`` side by side (dates, host, lead, team per engagement), the changes
    (``planner.rules.plan_diff.diff_plans``) and the headline figures with their deltas."""
    diff = diff_plans(scenario, before, after)
    old, new = before.outcomes_by_id, after.outcomes_by_id
    by_engagement: dict[str, list[str]] = {}
    for c in diff.changes:
        by_engagement.setdefault(c.engagement_id, []).append(c.change)
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
    return Comparison(diff, side, diff.changes_table(), kpis)


__all__ = ["KPI_LABELS", "Comparison", "compare"]
