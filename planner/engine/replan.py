"""Re-planning with few changes when something moves.

A published plan becomes the reference: its dates become ``published_start`` (moving costs ``moved_days``
per day), its teams feed the ``team_changes`` term, and the solver starts from a complete hint of it.
Engagements that have already started by ``today`` are pinned: the past does not move.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from planner.core.model import Plan, Scenario, Unavailability
from planner.engine.solve import SolveResult, solve


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


def replan(scenario: Scenario, plan: Plan, *, today: date | None = None, **solve_options) -> SolveResult:
    """Solve ``scenario`` again staying as close as possible to ``plan`` (dates, hosts and teams)."""
    return solve(published(scenario, plan, today), reference=plan, **solve_options)
