"""Comparing two plans of one scenario: what moved, who changed, and how the headline figures changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from planner.core.model import Plan, Scenario
from planner.rules.scoring import plan_kpis


@dataclass(frozen=True)
class EngagementChange:
    engagement_id: str
    title: str
    change: str  # "moved", "rehosted", "now scheduled", "now unscheduled", "team changed", "lead changed"
    before: str
    after: str


@dataclass
class PlanDiff:
    changes: list[EngagementChange] = field(default_factory=list)
    kpis_before: dict[str, float] = field(default_factory=dict)
    kpis_after: dict[str, float] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def kpi_deltas(self) -> dict[str, float]:
        return {k: round(self.kpis_after[k] - self.kpis_before[k], 6) for k in self.kpis_before}

    def changes_table(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.changes],
                            columns=["engagement_id", "title", "change", "before", "after"])

    def kpi_table(self) -> pd.DataFrame:
        return pd.DataFrame({"before": self.kpis_before, "after": self.kpis_after, "change": self.kpi_deltas()})

    def sentences(self) -> list[str]:
        return [f"{c.title}: {c.change} ({c.before} → {c.after})" for c in self.changes]


def _dates(o) -> str:
    return f"{o.start:%d %b}–{o.end:%d %b}" if o is not None and o.scheduled else "unscheduled"


def diff_plans(scenario: Scenario, before: Plan, after: Plan) -> PlanDiff:
    """Every engagement-level difference between ``before`` and ``after``, in engagement order."""
    result = PlanDiff(kpis_before=plan_kpis(scenario, before), kpis_after=plan_kpis(scenario, after))
    old, new = before.outcomes_by_id, after.outcomes_by_id
    for e in sorted(scenario.engagements, key=lambda e: e.id):
        o, n = old.get(e.id), new.get(e.id)
        was, now = bool(o and o.scheduled), bool(n and n.scheduled)

        def add(change: str, b: str, a: str, e=e) -> None:
            result.changes.append(EngagementChange(e.id, e.title, change, b, a))

        if was and not now:
            add("now unscheduled", _dates(o), "unscheduled")
            continue
        if now and not was:
            add("now scheduled", "unscheduled", _dates(n))
        if was and now:
            if o.start != n.start:
                add("moved", _dates(o), _dates(n))
            if o.host != n.host:
                add("rehosted", o.host, n.host)
        team_before = {a.reviewer_id for a in before.team(e.id)}
        team_after = {a.reviewer_id for a in after.team(e.id)}
        if was and now and team_before != team_after:
            removed, added = sorted(team_before - team_after), sorted(team_after - team_before)
            add("team changed", "-" + ", -".join(removed) if removed else "nobody left",
                "+" + ", +".join(added) if added else "nobody joined")
        if was and now and before.lead(e.id) != after.lead(e.id):
            add("lead changed", before.lead(e.id) or "none", after.lead(e.id) or "none")
    return result
