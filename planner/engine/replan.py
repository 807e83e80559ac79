"""Re-planning when something moves: three policies, chosen by the coordinator.

- ``fewest`` (the default): lexicographic. First keep as much of the published work as the rules allow,
  then make the fewest changes to the published plan (``planner.rules.changes``: a moved engagement, a new
  host, each person who joins or leaves, a new lead), then the best soft terms among those plans.
- ``weighted``: one objective; moving costs ``moved_days`` per day and each team change ``team_changes``, traded
  against the other soft terms (the chain credit can then outweigh a team change).
- ``free``: the best plan for the changed scenario, starting from the published plan but not held to it.

In every policy the published plan is the starting point (a complete hint when it still holds every rule;
otherwise its decisions), engagements that have started by ``today`` keep their dates, teams and leads (the past
does not move) and the others cannot move into the past.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.core.model import Plan, Scenario, Unavailability
from planner.engine.solve import SolveResult, solve
from planner.rules.changes import Change, plan_changes


def mark_unavailable(scenario: Scenario, reviewer_id: str, start: date, end: date,
                     reason: str = "dropped out") -> Scenario:
    """A copy of ``scenario`` in which ``reviewer_id`` cannot travel from ``start`` to ``end``."""
    if reviewer_id not in scenario.reviewers_by_id:
        raise ValueError(f"unknown reviewer {reviewer_id!r}; expected one of reviewers.csv's ids")
    if end < start:
        raise ValueError(f"the end {end} is before the start {start}")
    period = Unavailability(reviewer_id, start, end, reason)
    return dataclasses.replace(scenario, unavailability=scenario.unavailability + (period,))


def published(scenario: Scenario, plan: Plan, today: date | None = None) -> Scenario:
    """A copy of ``scenario`` whose engagements remember the plan's dates as published; engagements that
    started on or before ``today`` are pinned where they are, and the others may start no earlier than the day
    after ``today`` (an engagement whose window has passed can then no longer happen)."""
    outcomes = plan.outcomes_by_id
    engagements = []
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        started = o is not None and o.scheduled and today is not None and o.start <= today
        if o is not None and o.scheduled:
            e = dataclasses.replace(e, published_start=o.start)
        if started:
            e = dataclasses.replace(e, pinned_start=o.start)
        elif today is not None and e.earliest_start <= today:
            # what has not started yet cannot move into the past
            e = dataclasses.replace(e, earliest_start=today + timedelta(days=1))
        engagements.append(e)
    return dataclasses.replace(scenario, engagements=tuple(engagements))


class ReplanPolicy(StrEnum):
    FEWEST = "fewest"  # lexicographic: published work kept, then fewest changes, then soft terms
    WEIGHTED = "weighted"  # changes priced by the moved_days and team_changes weights
    FREE = "free"  # the best plan; the published one is only the starting point


@dataclass(frozen=True)
class DropOut:
    """``reviewer_id`` cannot do ``engagement_id`` after all (whatever its dates), or with no engagement, any
    engagement that has not started yet."""

    reviewer_id: str
    engagement_id: str | None = None

    @classmethod
    def parse(cls, text: str) -> DropOut:
        """From ``REVIEWER`` or ``REVIEWER:ENGAGEMENT``."""
        reviewer, _, engagement = text.partition(":")
        return cls(reviewer.strip(), engagement.strip() or None)


def apply_drop_outs(scenario: Scenario, plan: Plan, drop_outs: Sequence[DropOut], today: date | None = None
                    ) -> tuple[Scenario, Plan, frozenset[tuple[str, str]]]:
    """What the drop-outs change before re-planning: the scenario without the dropped-out people among the
    attendees and pins of those engagements (a meeting goes ahead without them), the published ``plan`` without them
    (what the re-plan counts its changes from: a drop-out is given, not a change the re-plan makes) and the
    (engagement, person) pairs they are kept off.

    Raises ``ValueError`` naming an unknown person or engagement, or a person who is not on that team."""
    outcomes = plan.outcomes_by_id
    excluded: set[tuple[str, str]] = set()
    for d in drop_outs:
        if d.reviewer_id not in scenario.reviewers_by_id:
            raise ValueError(f"unknown reviewer {d.reviewer_id!r}; expected one of reviewers.csv's ids")
        if d.engagement_id is None:
            excluded.update((e.id, d.reviewer_id) for e in scenario.engagements
                            if not _started(outcomes.get(e.id), today))
            continue
        if d.engagement_id not in scenario.engagements_by_id:
            raise ValueError(f"unknown engagement {d.engagement_id!r}; expected one of engagements.csv's ids")
        if d.reviewer_id not in {a.reviewer_id for a in plan.team(d.engagement_id)}:
            team = ", ".join(sorted(a.reviewer_id for a in plan.team(d.engagement_id))) or "nobody"
            raise ValueError(f"{d.reviewer_id} is not on the team of {d.engagement_id} in the plan ({team})")
        excluded.add((d.engagement_id, d.reviewer_id))
    engagements = []
    for e in scenario.engagements:
        attendees = scenario.attendees_of(e.attendees)
        gone = {rid for eid, rid in excluded if eid == e.id}
        if gone & set(attendees):  # the named attendees, less who dropped out
            e = dataclasses.replace(e, attendees=tuple(r for r in attendees if r not in gone))
        engagements.append(e)
    kept = tuple(a for a in plan.assignments if (a.engagement_id, a.reviewer_id) not in excluded)
    # a pinned person who drops out can no longer be held to the pin (kept off, like an ``excluded`` pin)
    pins = tuple(p for p in scenario.pins if (p.engagement_id, p.reviewer_id) not in excluded)
    return (dataclasses.replace(scenario, engagements=tuple(engagements), pins=pins),
            dataclasses.replace(plan, assignments=kept), frozenset(excluded))


def _started(o, today: date | None) -> bool:
    return o is not None and o.scheduled and today is not None and o.start <= today


@dataclass(frozen=True)
class Replanning:
    """A re-plan ready to solve (``prepare_replan``): what the new plan must satisfy and what it is compared to."""

    scenario: Scenario  # what the new plan must satisfy: published dates, what started pinned, drop-outs applied
    published: Plan  # the plan as published
    reference: Plan  # the published plan without the dropped-out people: changes count from here
    exclusions: frozenset[tuple[str, str]]  # (engagement, person) pairs kept off the teams
    policy: ReplanPolicy
    frozen: tuple = ()  # the assignments of engagements started by today: their teams and leads do not change

    def given(self) -> list[Change]:
        """The drop-outs themselves, as changes to the published plan (not counted as the re-plan's)."""
        return plan_changes(self.scenario, self.published, self.reference)

    @property
    def options(self) -> dict:
        """What ``planner.engine.solve.solve`` needs for this re-plan (also for the explanations' trials)."""
        common = {"exclusions": self.exclusions, "frozen": self.frozen, "policy": str(self.policy),
                  "changes_from": self.reference}
        if self.policy == ReplanPolicy.FREE:  # the published plan is only the starting point
            return {**common, "hint": self.reference}
        return {**common, "reference": self.reference, "fewest_changes": self.policy == ReplanPolicy.FEWEST}

    def solve(self, **solve_options) -> SolveResult:
        return solve(self.scenario, **self.options, **solve_options)


def prepare_replan(scenario: Scenario, plan: Plan, *, today: date | None = None,
                   policy: ReplanPolicy | str = ReplanPolicy.FEWEST, drop_outs: Sequence[DropOut] = ()
                   ) -> Replanning:
    """The re-plan of ``scenario`` from the published ``plan`` under ``policy`` (see the module's docstring).
    ``drop_outs`` take people off teams: their leaving is given, so the re-plan's changes are counted from the
    plan without them. Raises ``ValueError`` for a drop-out naming an unknown person or engagement."""
    policy = ReplanPolicy(policy)
    changed, reference, excluded = apply_drop_outs(scenario, plan, drop_outs, today)
    target = published(changed, plan, today)
    if policy == ReplanPolicy.FREE:  # no published dates to stay near
        target = dataclasses.replace(target, engagements=tuple(dataclasses.replace(e, published_start=None)
                                                               for e in target.engagements))
    outcomes = plan.outcomes_by_id
    frozen = tuple(a for a in reference.assignments if _started(outcomes.get(a.engagement_id), today))
    return Replanning(target, plan, reference, excluded, policy, frozen)


def replan(scenario: Scenario, plan: Plan, *, today: date | None = None,
           policy: ReplanPolicy | str = ReplanPolicy.FEWEST, drop_outs: Sequence[DropOut] = (),
           **solve_options) -> SolveResult:
    """``prepare_replan(...).solve(...)``: the result's ``changes`` list what the re-plan changes; with
    ``fewest`` its ``stages`` say whether the kept work and the number of changes are proven least. Check the
    new plan against ``prepare_replan(...).scenario``."""
    return prepare_replan(scenario, plan, today=today, policy=policy, drop_outs=drop_outs).solve(**solve_options)
