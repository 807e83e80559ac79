"""The shape of a hard rule and of a soft term, and what they see.

A hard rule is one module in ``planner/rules/hard/`` holding, side by side, its CP-SAT constraint
(``constrain_engagement`` / ``constrain``), its independent check of a finished plan (``check``), its staffing
needs for the pre-checks (``needs``) and its sentence for the diagnosis (``phrase``). The constraint and the
check are two separate computations on purpose: the checker proves that the solver's plans obey the rules.

A soft term is one module in ``planner/rules/soft/`` holding its CP-SAT expression (``add_to_model``) and its
evaluation of a finished plan (``evaluate``), which returns each match with the ids it concerns (Timefold's
score analysis), so that a view can say which engagement or person a penalty belongs to.

The rule modules do not import the engine: they write constraints against ``ModelContext``, which
``planner.engine.model.ModelBuilder`` implements (the layers point down: engine → rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

from planner.core.model import Engagement, EngagementOutcome, Plan, Reviewer, Scenario
from planner.rules.names import RuleName, TermName


def country_name(scenario: Scenario, code: str) -> str:
    """A participant's name for sentences ("Cameroon", not "CM"); an unknown code as it is."""
    known = scenario.participants_by_code.get(code)
    return known.name if known is not None else code


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
    Domain: Any  # ortools.sat.python.cp_model.Domain, for domain constraints (the rules never import OR-Tools)
    vars: Any  # planner.engine.variables.Variables: scheduled, host, start, assigned, lead, ...
    engagements: list[Engagement]
    reviewers: list[Reviewer]
    eligible: dict[str, list[Reviewer]]
    allowed: dict[tuple[str, str], list[int]]
    commitments: dict[str, list]
    diagnosis: bool
    reference: Plan | None  # the published plan when re-planning (team_changes)
    reviewer_by_id: dict[str, Reviewer]
    trip_at: dict[tuple[str, str, str], Any]  # travel: (engagement, person, host) -> "goes there"
    follows: dict[tuple[str, str], Any]  # travel: (A, B) -> "B follows A within the chain gap"
    chain_limit: int
    chain_credit_modelled: bool

    def switch(self, assumption: Assumption) -> list: ...
    def host_literal(self, e: Engagement, host: str) -> Any: ...
    def members_where(self, e: Engagement, predicate: Callable[[Reviewer], bool]) -> list: ...
    def team(self, e: Engagement) -> list: ...
    def load(self, r: Reviewer) -> list: ...
    def day(self, d: date) -> int: ...
    def date_of(self, day: int) -> date: ...
    def site_km(self, a: tuple[float, float], b: tuple[float, float]) -> int: ...
    def travel_km(self, r: Reviewer, e: Engagement, host: str) -> int: ...


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
    staff_first: ClassVar[int] = 50  # the greedy baseline meets needs of lower values first

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


# --- soft terms -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One thing a soft term counts: the engagement and person it concerns, how much, and a sentence."""

    amount: float
    sentence: str
    engagement_id: str = ""
    reviewer_id: str = ""

    def as_dict(self) -> dict:
        return {"amount": self.amount, "sentence": self.sentence, "engagement_id": self.engagement_id,
                "reviewer_id": self.reviewer_id}


@dataclass
class TermResult:
    """A soft term's value in a plan, its weight, and its matches (the sentences are for people)."""

    name: str
    value: float
    weight: float
    sentences: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def penalty(self) -> float:
        return self.value * self.weight

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "weight": self.weight,
                "penalty": round(self.penalty, 6), "sentences": list(self.sentences),
                "matches": [m.as_dict() for m in self.matches]}


@dataclass
class ModelTerm:
    """A soft term in the CP-SAT model: a linear expression and the weight key it is multiplied by."""

    name: str
    weight_key: str
    expr: Any
    weight: float | None = None  # overrides the scenario's weight for ``weight_key``


class SoftTerm:
    """One soft term (or a pair that share an encoding, like travel and its chain credit)."""

    names: ClassVar[tuple[TermName, ...]]
    labels: ClassVar[dict[TermName, str]]  # what each term counts, for tables and reports
    order: ClassVar[int]  # the order of the model's terms and of the evaluation

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        raise NotImplementedError

    def evaluate(self, scenario: Scenario, plan: Plan, reference: Plan | None) -> list[TermResult]:
        raise NotImplementedError
