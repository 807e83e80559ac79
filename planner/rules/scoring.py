"""Scores a plan from its files alone: every soft term's value, penalty, matches and plain sentences.

The soft terms live one per module in ``planner.rules.soft`` (each with its CP-SAT expression beside its
evaluation); this module runs their evaluations in order and adds the headline figures.
"""

from __future__ import annotations

from planner.core.model import Plan, Scenario
from planner.rules.base import Match, TermResult
from planner.rules.soft import SOFT_TERMS, TERM_LABELS
from planner.rules.soft.travel import best_chains, chain_saving_km

__all__ = ["TERM_LABELS", "Match", "TermResult", "best_chains", "chain_saving_km", "evaluate", "plan_kpis",
           "total_penalty"]


def evaluate(scenario: Scenario, plan: Plan, reference: Plan | None = None) -> list[TermResult]:
    """Every soft term of ``plan``, in a fixed order, with sentences that name engagements and people."""
    return [result for term in SOFT_TERMS for result in term.evaluate(scenario, plan, reference)]


def total_penalty(terms: list[TermResult]) -> float:
    return round(sum(t.penalty for t in terms), 6)


def plan_kpis(scenario: Scenario, plan: Plan) -> dict[str, float]:
    """Headline figures of a plan (dashboards, plan comparison)."""
    terms = {t.name: t for t in evaluate(scenario, plan)}
    gross = terms["travel_km"].value
    credit = -terms["chain_credit_km"].value if "chain_credit_km" in terms else 0
    scheduled = plan.scheduled()
    hosts = {o.host for o in scheduled}
    return {
        "engagements_scheduled": len(scheduled),
        "engagements_unscheduled": len(plan.engagements) - len(scheduled),
        "countries_visited": len(hosts),
        "people_involved": len({a.reviewer_id for a in plan.assignments}),
        "travel_km": gross - credit,
        "co2_tonnes": round((gross - credit) * scenario.rules.co2_kg_per_km / 1000, 1),
        "max_load": terms["max_load"].value if "max_load" in terms else 0,
    }

