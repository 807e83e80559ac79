"""Comparing two plans of one scenario: the changes (counted as ``planner.rules.changes.plan_changes`` counts
them, so that a comparison and a minimal-change re-plan speak of the same changes) and how the headline figures
changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from planner.core.model import Plan, Scenario
from planner.rules.changes import Change, plan_changes
from planner.rules.scoring import plan_kpis

CHANGE_COLUMNS = ["engagement_id", "title", "change", "reviewer_id", "before", "after"]


@dataclass
class PlanDiff:
    changes: list[Change] = field(default_factory=list)
    kpis_before: dict[str, float] = field(default_factory=dict)
    kpis_after: dict[str, float] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def kpi_deltas(self) -> dict[str, float]:
        return {k: round(self.kpis_after[k] - self.kpis_before[k], 6) for k in self.kpis_before}

    def changes_table(self) -> pd.DataFrame:
        return pd.DataFrame([(c.engagement_id, c.title, str(c.kind), c.reviewer_id, c.before, c.after)
                             for c in self.changes], columns=CHANGE_COLUMNS)

    def kpi_table(self) -> pd.DataFrame:
        return pd.DataFrame({"before": self.kpis_before, "after": self.kpis_after, "change": self.kpi_deltas()})

    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]


def diff_plans(scenario: Scenario, before: Plan, after: Plan) -> PlanDiff:
    """Every change from ``before`` to ``after`` (``plan_changes``, in engagement order) and both plans'
    headline figures."""
    return PlanDiff(plan_changes(scenario, before, after), plan_kpis(scenario, before), plan_kpis(scenario, after))
