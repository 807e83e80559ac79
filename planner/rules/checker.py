"""The independent plan checker: recomputes every hard rule and soft term from the plan files alone.

It never calls the solver. Every plan the solver returns must pass it; tests mutate plans and expect the
right rule to be named. Each hard rule's ``check`` lives beside its constraint in ``planner.rules.hard``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.model import Plan, Scenario
from planner.rules.base import PlanContext, Violation
from planner.rules.hard import HARD_RULES
from planner.rules.scoring import TermResult, evaluate, total_penalty

__all__ = ["HARD_RULES", "CheckReport", "Violation", "check"]


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    terms: list[TermResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> float:
        return total_penalty(self.terms)

    def rules_violated(self) -> set[str]:
        return {v.rule for v in self.violations}


def check(scenario: Scenario, plan: Plan, reference: Plan | None = None) -> CheckReport:
    """Every hard-rule violation of ``plan`` and its soft terms, computed without the solver."""
    context = PlanContext(scenario, plan)
    violations = [v for rule in HARD_RULES for v in rule.check(context)]
    return CheckReport(violations, evaluate(scenario, _scoreable(scenario, plan), reference))


def _scoreable(scenario: Scenario, plan: Plan) -> Plan:
    """The part of ``plan`` that refers to known engagements, hosts and people (the rest is already reported
    as ``plan_consistent`` violations), so that the soft terms can still be scored."""
    engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id

    def usable(o) -> bool:
        if o.engagement_id not in engagements:
            return False
        return not o.scheduled or (o.start is not None and o.end is not None
                                   and o.host in engagements[o.engagement_id].hosts)

    outcomes = tuple(o for o in plan.engagements if usable(o))
    good = {o.engagement_id for o in outcomes if o.scheduled}
    assignments = tuple(a for a in plan.assignments if a.engagement_id in good and a.reviewer_id in reviewers
                        and a.host in engagements[a.engagement_id].hosts)
    return Plan(assignments, outcomes, plan.meta)
