"""Dates, places and availability shared by the pre-checks, the CP-SAT model and the plan checker.

Everything that decides *whether a day is allowed* lives here once, so the solver and the independent
checker cannot disagree about what a rule means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.core.geo import EARTH_RADIUS_KM, great_circle_km, km_between  # noqa: F401 - part of this API
from planner.core.model import Engagement, Reviewer, Scenario


def site_of(scenario: Scenario, host: str) -> tuple[float, float]:
    """Where an engagement hosted by ``host`` takes place: the host's capital."""
    p = scenario.participant(host)
    return p.lat, p.lon


def home_of(reviewer: Reviewer) -> tuple[float, float]:
    return reviewer.home_lat, reviewer.home_lon


@dataclass(frozen=True)
class Commitment:
    """A fixed, dated commitment of one reviewer: a fixed event (with a place) or unavailability (none)."""

    start: date
    end: date
    label: str
    place: tuple[float, float] | None  # None: unavailability, no travel buffer
    event_id: str = ""


def reviewer_commitments(scenario: Scenario) -> dict[str, list[Commitment]]:
    """For each reviewer, the fixed events they attend and their unavailability, sorted by start."""
    result: dict[str, list[Commitment]] = {r.id: [] for r in scenario.reviewers}
    for event in scenario.events:
        for rid in scenario.attendees_of(event.attendees):
            result[rid].append(Commitment(event.start, event.end, f"at {event.title} in {event.place}",
                                          (event.lat, event.lon), event.id))
    for u in scenario.unavailability:
        if u.reviewer in result:
            result[u.reviewer].append(Commitment(u.start, u.end, "unavailable", None))
    for items in result.values():
        items.sort(key=lambda c: (c.start, c.end, c.label))
    return result


def blocked_starts(scenario: Scenario, commitment: Commitment, engagement: Engagement,
                   host: str) -> tuple[date, date]:
    """The first and last start day of ``engagement`` at ``host`` that collide with ``commitment``.

    Hard rule (nobody is in two places at once): the engagement's days, widened on both sides by the
    travel buffer for the distance between the two places, must not touch the commitment's days.
    """
    buffer = 0
    if commitment.place is not None:
        buffer = scenario.rules.buffer_days(km_between(site_of(scenario, host), commitment.place))
    first = commitment.start - timedelta(days=buffer + engagement.duration_days - 1)
    return first, commitment.end + timedelta(days=buffer)


def commitment_blocks(scenario: Scenario, commitment: Commitment, engagement: Engagement, host: str,
                      start: date) -> bool:
    """True when doing ``engagement`` at ``host`` from ``start`` collides with ``commitment``."""
    first, last = blocked_starts(scenario, commitment, engagement, host)
    return first <= start <= last


def engagements_clash(scenario: Scenario, e: Engagement, host_e: str, start_e: date,
                      f: Engagement, host_f: str, start_f: date) -> bool:
    """True when one person cannot do both engagements: they overlap or leave less than the travel buffer."""
    buffer = scenario.rules.buffer_days(km_between(site_of(scenario, host_e), site_of(scenario, host_f)))
    end_e, end_f = e.end_for(start_e), f.end_for(start_f)
    return start_e - timedelta(days=buffer) <= end_f and start_f <= end_e + timedelta(days=buffer)


def blackout_periods(scenario: Scenario, engagement: Engagement) -> list[tuple[date, date, str]]:
    """Hard rule: no engagement in the plenary week; for the kinds named in the rules, none in the report
    lead time before it either. Returns the forbidden day ranges with a reason."""
    plenary = scenario.plenary()
    if plenary is None:
        return []
    title = f"the plenary ({plenary.title}, {plenary.start:%d %b}–{plenary.end:%d %b})"
    periods = [(plenary.start, plenary.end, title)]
    lead = scenario.rules.report_lead_time_days
    if lead > 0 and engagement.kind in scenario.rules.report_lead_time_kinds:
        periods.append((plenary.start - timedelta(days=lead), plenary.start - timedelta(days=1),
                        f"the {lead}-day report lead time before the plenary"))
    return periods


def start_rejection(scenario: Scenario, engagement: Engagement, host: str, start: date,
                    ignore_pin: bool = False) -> str | None:
    """Why ``engagement`` may not start on ``start`` at ``host`` (window, pin, blackout, membership), or None."""
    end = engagement.end_for(start)
    if start < engagement.earliest_start or end > engagement.latest_end:
        return (f"outside its window {engagement.earliest_start:%d %b}–{engagement.latest_end:%d %b %Y}")
    if not ignore_pin and engagement.pinned_start is not None and start != engagement.pinned_start:
        return f"not on its pinned start {engagement.pinned_start:%d %b %Y}"
    for first, last, reason in blackout_periods(scenario, engagement):
        if start <= last and first <= end:
            return f"during {reason}"
    joined = scenario.participant(host).participant_from
    if joined is not None and start < joined:
        return f"before {host} becomes a participant on {joined:%d %b %Y}"
    return None


def allowed_starts(scenario: Scenario, engagement: Engagement, host: str) -> list[date]:
    """Every start day that the calendar rules allow for ``engagement`` at ``host``."""
    days = []
    day = engagement.earliest_start
    while day <= engagement.latest_start:
        if start_rejection(scenario, engagement, host, day) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


def free_starts(scenario: Scenario, engagement: Engagement, host: str, reviewer: Reviewer,
                starts: list[date], commitments: list[Commitment]) -> list[date]:
    """The subset of ``starts`` on which ``reviewer`` has no clash with their fixed commitments."""
    return [s for s in starts
            if not any(commitment_blocks(scenario, c, engagement, host, s) for c in commitments)]


def weekday_penalty(scenario: Scenario, start: date) -> int:
    """1 when a start falls on a day that is not a preferred weekday (soft), else 0."""
    preferred = scenario.rules.preferred_start_weekdays
    return 0 if not preferred or start.weekday() in preferred else 1
