"""The shape of a hard rule, and what a rule sees.

A hard rule is one module in ``planner/rules/hard/`` holding, side by side, its CP-SAT constraint
(``constrain_engagement`` / ``constrain``), its independent check of a finished plan (``check``), its staffing
needs for the pre-checks (``needs``) and its sentence for the diagnosis (``phrase``). The constraint and the
check are two separate computations on purpose: the checker proves that the solver's plans obey the rules.

The rule modules do not import the engine: they write constraints against ``ModelContext``, which
``planner.engine.model.ModelBuilder`` implements (the layers point down: engine → rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from planner.core.model import Engagement, EngagementOutcome, Plan, Reviewer, Scenario
from planner.rules.names import RuleName


@dataclass(frozen=True)
class Violation:
    """A hard rule that a plan breaks, with the ids it concerns and a sentence for people."""

    rule: RuleName
    engagement_id: str
    reviewer_id: str
    sentence: str


@dataclass(frozen=True)
class Assumption:
    """A switch for one hard rule on one subject (an engagement, a person), used to explain infeasibility."""

    rule: RuleName
    engagement_id: str = ""
    reviewer_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Need:
    """A staffing need of one rule, for the pre-checks: ``count`` people of ``candidates`` free at once (or, with
    ``distinct``, people of ``count`` distinct keys, e.g. governments)."""

    rule: RuleName
    what: str  # "a French speaker", ...
    candidates: Callable[[list[Reviewer]], list[Reviewer]]
    count: int
    distinct: Callable[[Reviewer], Any] | None = None

    def met_by(self, free: list[Reviewer]) -> bool:
        return self.amount(self.candidates(free)) >= self.count

    def amount(self, people: list[Reviewer]) -> int:
        return len({self.distinct(r) for r in people}) if self.distinct else len(people)


class ModelContext(Protocol):
    """What a rule's constraint sees of the CP-SAT model being built (``planner.engine.model.ModelBuilder``)."""

    scenario: Scenario
    model: Any  # ortools.sat.python.cp_model.CpModel
    vars: Any  # planner.engine.variables.Variables: scheduled, host, start, assigned, lead, ...
    engagements: list[Engagement]
    reviewers: list[Reviewer]
    eligible: dict[str, list[Reviewer]]
    allowed: dict[tuple[str, str], list[int]]
    commitments: dict[str, list]
    diagnosis: bool

    def switch(self, assumption: Assumption) -> list: ...
    def host_literal(self, e: Engagement, host: str) -> Any: ...
    def members_where(self, e: Engagement, predicate: Callable[[Reviewer], bool]) -> list: ...
    def team(self, e: Engagement) -> list: ...
    def load(self, r: Reviewer) -> list: ...
    def day(self, d: date) -> int: ...
    def date_of(self, day: int) -> date: ...
    def site_km(self, a: tuple[float, float], b: tuple[float, float]) -> int: ...


class PlanContext:
    """What a rule's check sees of a finished plan: look-ups over the scenario and the plan's scheduled part."""

    def __init__(self, scenario: Scenario, plan: Plan):
        self.scenario = scenario
        self.plan = plan
        self.engagements = scenario.engagements_by_id
        self.reviewers = scenario.reviewers_by_id
        self.outcomes = plan.outcomes_by_id
        self.scheduled: list[tuple[Engagement, EngagementOutcome]] = [
            (self.engagements[o.engagement_id], o) for o in plan.engagements
            if o.scheduled and o.engagement_id in self.engagements and o.start is not None
            and o.host in self.engagements[o.engagement_id].hosts and o.host in scenario.participants_by_code]

    def team(self, eid: str):
        return [a for a in self.plan.team(eid) if a.reviewer_id in self.reviewers]

    def title(self, eid: str) -> str:
        e = self.engagements.get(eid)
        return e.title if e else eid


class HardRule:
    """One hard rule. Subclasses set ``name`` and ``order`` and override what applies to them."""

    name: ClassVar[RuleName]
    order: ClassVar[int]  # the checker's and the model's order (model construction order is fixed)

    def constrain_engagement(self, m: ModelContext, e: Engagement) -> None:
        """Add this rule's constraints for one engagement (called in ``order`` for each engagement)."""

    def constrain(self, m: ModelContext) -> None:
        """Add this rule's constraints that span engagements (called after every per-engagement rule)."""

    def check(self, c: PlanContext) -> Iterator[Violation]:
        """Every violation of this rule in a finished plan, computed without the solver."""
        raise NotImplementedError

    def excludes(self, scenario: Scenario, e: Engagement, host: str, r: Reviewer) -> bool:
        """True when this rule keeps ``r`` off ``e`` at ``host`` whatever the dates (no variable is made)."""
        return False

    def needs(self, scenario: Scenario, e: Engagement, host: str) -> list[Need]:
        """Staffing needs this rule puts on ``e`` at ``host`` (for the pre-checks and the greedy baseline)."""
        return []

    def phrase(self, scenario: Scenario, a: Assumption) -> str:
        """This rule on one subject, in words, for a list of rules that cannot all hold."""
        return f"{self.name} {a.engagement_id} {a.reviewer_id} {a.detail}".strip()

    def violation(self, engagement_id: str, reviewer_id: str, sentence: str) -> Violation:
        return Violation(self.name, engagement_id, reviewer_id, sentence)

    def assumption(self, engagement_id: str = "", reviewer_id: str = "", detail: str = "") -> Assumption:
        return Assumption(self.name, engagement_id, reviewer_id, detail)
