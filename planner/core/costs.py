"""Estimated costs of a plan, per engagement and per payer (scenario.yaml ``costs``; docs/scenario-format.md).

Every figure is an assumption: the KP publishes no cost rules. A person's cost on an engagement is the fare of
the distance band of their trip (home, every site in order, home) plus the daily allowance for each day on site.
Each government pays for its own people (an EU member state's people: the EU); an observer organisation's people
are paid for by its funder in ``costs.funders`` (the EU funded CSC participation in 2018), or by itself. Trips are
priced one by one: the chain credit of the travel term does not lower a fare.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.calendar import trip_km
from planner.core.model import Engagement, Plan, Reviewer, Scenario


def payer_of(scenario: Scenario, reviewer: Reviewer) -> str:
    """Who pays for ``reviewer``: their participant government, or their observer organisation's funder."""
    if reviewer.is_observer:
        return scenario.costs.funders.get(reviewer.organisation, reviewer.organisation)
    return scenario.participant_of_country(reviewer.organisation) or reviewer.organisation


def person_cost(scenario: Scenario, reviewer: Reviewer, engagement: Engagement, host: str) -> tuple[float, float]:
    """(fare, allowance) of ``reviewer`` on ``engagement`` at ``host``."""
    costs = scenario.costs
    return (costs.fare(trip_km(scenario, reviewer, engagement, host)),
            costs.daily_allowance * engagement.duration_days)


@dataclass(frozen=True)
class CostLine:
    """What one payer pays for one engagement."""

    engagement_id: str
    payer: str
    people: int
    fares: float
    allowances: float

    @property
    def total(self) -> float:
        return self.fares + self.allowances


def plan_costs(scenario: Scenario, plan: Plan) -> list[CostLine]:
    """The estimated cost of every scheduled engagement, one line per payer, sorted by engagement and payer."""
    engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
    lines: dict[tuple[str, str], list[float]] = {}
    for a in plan.assignments:
        e, r = engagements.get(a.engagement_id), reviewers.get(a.reviewer_id)
        if e is None or r is None or a.host not in scenario.participants_by_code:
            continue
        fare, allowance = person_cost(scenario, r, e, a.host)
        line = lines.setdefault((e.id, payer_of(scenario, r)), [0, 0.0, 0.0])
        line[0] += 1
        line[1] += fare
        line[2] += allowance
    return [CostLine(eid, payer, int(n), fares, allowances)
            for (eid, payer), (n, fares, allowances) in sorted(lines.items())]


def totals_by_payer(lines: list[CostLine]) -> dict[str, float]:
    """The total of each payer over the whole plan, largest first."""
    totals: dict[str, float] = {}
    for line in lines:
        totals[line.payer] = totals.get(line.payer, 0.0) + line.total
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def totals_by_engagement(lines: list[CostLine]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in lines:
        totals[line.engagement_id] = totals.get(line.engagement_id, 0.0) + line.total
    return totals
