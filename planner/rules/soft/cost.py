"""Soft term ``cost`` (weight 0 unless scenario.yaml gives one): the estimated cost of every person's trip and days
on site (``planner.core.costs``: fare by distance band plus the daily allowance, all assumptions)."""

from __future__ import annotations

from planner.core.costs import person_cost, plan_costs, totals_by_payer
from planner.core.model import Engagement, Reviewer, Scenario
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName


def trip_cost(scenario: Scenario, reviewer: Reviewer, engagement: Engagement, host: str) -> int:
    """One person's fare and allowances for one engagement, in whole currency units: what the model and the
    checker both count, so that the objective stays integral and the two agree."""
    return int(round(sum(person_cost(scenario, reviewer, engagement, host))))


class Cost(SoftTerm):
    names = (TermName.COST,)
    labels = {TermName.COST: "Estimated cost of fares and daily allowances (assumed figures)"}
    order = 90

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        if not m.scenario.weights.get("cost", 0):
            return []
        engagements = m.scenario.engagements_by_id
        # trip_at is filled by the travel term
        expr = sum(trip_cost(m.scenario, m.reviewer_by_id[rid], engagements[eid], host) * at
                   for (eid, rid, host), at in m.trip_at.items())
        return [ModelTerm("cost", "cost", expr)]

    def evaluate(self, scenario, plan, reference) -> list[TermResult]:
        weight = scenario.weights.get("cost", 0)
        if not weight:
            return []  # the estimates are shown on their own (planner.core.costs); as a term only when weighted
        engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
        value = sum(trip_cost(scenario, reviewers[a.reviewer_id], engagements[a.engagement_id], a.host)
                    for a in plan.assignments if a.engagement_id in engagements and a.reviewer_id in reviewers
                    and a.host in scenario.participants_by_code)
        currency = scenario.costs.currency
        matches = [Match(round(total), f"{payer} pays about {total:,.0f} {currency} (estimate)")
                   for payer, total in totals_by_payer(plan_costs(scenario, plan)).items()]
        return [TermResult("cost", value, weight, [x.sentence for x in matches], matches)]


TERM = Cost()
