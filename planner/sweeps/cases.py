"""The cases of a sweep, made on the client before anything runs: plain frozen data, so that a case travels to
any Dask worker, names itself in a failure report, and the same seed gives the same cases whatever the number
of workers.

- ``dropouts``: one case per person on the plan (``DropOut(X)``: out of every engagement not started, as
  ``kp-plan replan --drop X``), or with ``pairs`` one per (engagement, team member) (``--drop X:E``).
- ``weights``: a grid (every combination of ``points`` values per weight) or a Latin hypercube of ``samples``
  points over named weights, each between its low and high value.
- ``shocks``: ``count`` seeded random availability shocks: every person (or ``people`` random people) loses
  ``days_lost`` random days, or the reviewers of one participant cannot travel for a random week (a travel ban
  on that country's delegation).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from planner.core.model import DEFAULT_WEIGHTS, Plan, Scenario

if TYPE_CHECKING:
    from planner.engine.replan import DropOut

#: the largest weight a sweep tries (the what-if editor's limit too)
MAX_WEIGHT = 1_000_000


class SweepKind(StrEnum):
    DROPOUTS = "dropouts"
    WEIGHTS = "weights"
    SHOCKS = "shocks"


class ShockKind(StrEnum):
    DAYS = "days"  # every person loses some random days
    BAN = "ban"  # one participant's reviewers cannot travel for a week
    MIXED = "mixed"  # each shock is one of the two, drawn by its seed


class CaseError(ValueError):
    """A sweep that cannot be set up (an unknown weight, a low above its high …): said in one sentence."""


@dataclass(frozen=True)
class DropoutCase:
    case_id: str
    reviewer_id: str
    engagement_id: str | None = None  # None: out of every engagement not started

    @property
    def drop_out(self) -> DropOut:
        from planner.engine.replan import DropOut  # here, not at the top: the dashboards import this module

        return DropOut(self.reviewer_id, self.engagement_id)

    @property
    def argument(self) -> str:
        """What ``kp-plan replan --drop`` takes for the same case."""
        return self.reviewer_id if self.engagement_id is None else f"{self.reviewer_id}:{self.engagement_id}"

    def describe(self) -> dict:
        return {"reviewer_id": self.reviewer_id, "engagement_id": self.engagement_id or ""}


@dataclass(frozen=True)
class WeightCase:
    case_id: str
    weights: tuple[tuple[str, float], ...]  # (name, value), in the order the sweep names them

    def describe(self) -> dict:
        return {f"w_{name}": value for name, value in self.weights}


@dataclass(frozen=True)
class Absence:
    reviewer_id: str
    start: date
    end: date


@dataclass(frozen=True)
class ShockCase:
    case_id: str
    shock: ShockKind  # DAYS or BAN
    absences: tuple[Absence, ...]
    country: str = ""  # BAN: whose reviewers cannot travel
    week_start: date | None = None  # BAN: the first day of the week

    def describe(self) -> dict:
        return {"shock": str(self.shock), "country": self.country,
                "week_start": self.week_start.isoformat() if self.week_start else "",
                "absent_days": sum((a.end - a.start).days + 1 for a in self.absences),
                "people_absent": len({a.reviewer_id for a in self.absences})}


Case = DropoutCase | WeightCase | ShockCase


# --- dropouts ----------------------------------------------------------------------------------------------


def _started(outcome, today: date | None) -> bool:
    return outcome.scheduled and today is not None and outcome.start <= today


def dropout_cases(scenario: Scenario, plan: Plan, *, pairs: bool = False, today: date | None = None
                  ) -> list[DropoutCase]:
    """One case per person on a team of an engagement not started by ``today`` (sorted by id); with
    ``pairs`` one per (engagement, person) of those teams."""
    outcomes = plan.outcomes_by_id
    known = set(scenario.engagements_by_id)
    on_plan = sorted({(a.engagement_id, a.reviewer_id) for a in plan.assignments
                      if a.engagement_id in known and not _started(outcomes[a.engagement_id], today)})
    if pairs:
        return [DropoutCase(f"{rid}:{eid}", rid, eid) for eid, rid in sorted(on_plan, key=lambda p: (p[1], p[0]))]
    return [DropoutCase(rid, rid) for rid in sorted({rid for _eid, rid in on_plan})]


# --- weights -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightRange:
    name: str
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> WeightRange:
        """From ``NAME=LOW:HIGH`` (``travel_km=0.005:0.05``)."""
        name, _, bounds = text.partition("=")
        low, _, high = bounds.partition(":")
        name = name.strip()
        if not name or not low or not high:
            raise CaseError(f"{text!r}: expected NAME=LOW:HIGH, e.g. travel_km=0.005:0.05")
        if name not in DEFAULT_WEIGHTS:
            raise CaseError(f"{name!r} is not a weight; choose one of {', '.join(DEFAULT_WEIGHTS)}")
        try:
            lo, hi = float(low), float(high)
        except ValueError:
            raise CaseError(f"{text!r}: LOW and HIGH must be numbers") from None
        if not (0 <= lo <= hi <= MAX_WEIGHT):
            raise CaseError(f"{text!r}: expected 0 <= LOW <= HIGH <= {MAX_WEIGHT:,}")
        return cls(name, lo, hi)


def _weight_value(x: float) -> float:
    """At most three decimals, as the scenario format and the what-if editor keep weights."""
    value = round(float(x), 3)
    return int(value) if value.is_integer() else value


def grid_cases(ranges: list[WeightRange], points: int) -> list[WeightCase]:
    """Every combination of ``points`` evenly spaced values per weight (both ends included)."""
    if points < 1:
        raise CaseError("a grid needs at least one point per weight")
    _distinct(ranges)
    axes = [[_weight_value(v) for v in np.linspace(r.low, r.high, points)] for r in ranges]
    return [WeightCase(f"grid-{i:04d}", tuple(zip((r.name for r in ranges), values, strict=True)))
            for i, values in enumerate(itertools.product(*axes))]


def latin_hypercube_cases(ranges: list[WeightRange], samples: int, seed: int) -> list[WeightCase]:
    """``samples`` points, each weight's range cut into ``samples`` equal strata with exactly one point in each
    (McKay's Latin hypercube: a random stratum order per weight, a random place inside each stratum)."""
    if samples < 1:
        raise CaseError("a Latin hypercube needs at least one sample")
    _distinct(ranges)
    rng = np.random.default_rng(seed)
    unit = np.column_stack([(rng.permutation(samples) + rng.random(samples)) / samples for _ in ranges])
    return [WeightCase(f"lhs-{i:04d}", tuple((r.name, _weight_value(r.low + u * (r.high - r.low)))
                                             for r, u in zip(ranges, row, strict=True)))
            for i, row in enumerate(unit)]


def _distinct(ranges: list[WeightRange]) -> None:
    if not ranges:
        raise CaseError("name at least one weight to vary, e.g. --weight travel_km=0.005:0.05")
    names = [r.name for r in ranges]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CaseError(f"{', '.join(twice)} is named more than once")


# --- shocks ------------------------------------------------------------------------------------------------


def shock_cases(scenario: Scenario, count: int, seed: int, *, days_lost: int = 2, people: int | None = None,
                kind: ShockKind | str = ShockKind.MIXED, today: date | None = None) -> list[ShockCase]:
    """``count`` shocks; shock ``i`` is drawn from its own generator seeded by (``seed``, ``i``), so a case does
    not depend on how many others there are. A days shock takes ``days_lost`` random days from every reviewer,
    or from ``people`` reviewers drawn at random; days come from the horizon after ``today``."""
    kind = ShockKind(kind)
    if people is not None and people < 1:
        raise CaseError("a days shock hits at least one person")
    if count < 0:
        raise CaseError("the number of shocks cannot be negative")
    if days_lost < 1:
        raise CaseError("each person loses at least one day in a days shock")
    first = max(scenario.horizon_start, today + timedelta(days=1)) if today else scenario.horizon_start
    span = (scenario.horizon_end - first).days + 1
    if span < 7:
        raise CaseError(f"less than a week of the horizon is left after {first:%d %b %Y}")
    reviewers = sorted(r.id for r in scenario.reviewers)
    delegations: dict[str, list[str]] = {}
    for r in scenario.reviewers:
        delegations.setdefault(r.organisation, []).append(r.id)
    countries = sorted(c for c in delegations if c in scenario.participants_by_code)
    cases = []
    for i in range(count):
        rng = random.Random(f"kp-shock:{seed}:{i}")  # a string seed: the same in every process
        this = kind if kind != ShockKind.MIXED else rng.choice([ShockKind.DAYS, ShockKind.BAN])
        if this == ShockKind.BAN and countries:
            country = rng.choice(countries)
            week = first + timedelta(days=rng.randrange(span - 6))
            absences = tuple(Absence(rid, week, week + timedelta(days=6)) for rid in sorted(delegations[country]))
            cases.append(ShockCase(f"shock-{i:04d}", ShockKind.BAN, absences, country, week))
            continue
        absences = []
        hit = reviewers if people is None or people >= len(reviewers) else sorted(rng.sample(reviewers, people))
        for rid in hit:
            for offset in sorted(rng.sample(range(span), min(days_lost, span))):
                day = first + timedelta(days=offset)
                absences.append(Absence(rid, day, day))
        cases.append(ShockCase(f"shock-{i:04d}", ShockKind.DAYS, tuple(absences)))
    return cases


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep and how each case is solved."""

    kind: SweepKind
    cases: tuple = ()
    today: date | None = None
    time_limit_s: float | None = None  # per case; None: the scenario's solver.time_limit_s
    seed: int = 0
    options: dict = field(default_factory=dict)  # how the cases were made, recorded in sweep.json
