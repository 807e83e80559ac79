"""Dates, places and availability shared by the pre-checks, the CP-SAT model and the plan checker.

Everything that decides *whether a day is allowed* lives here once, so the solver and the independent
checker cannot disagree about what a rule means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from planner.core.geo import EARTH_RADIUS_KM, great_circle_km, km_between  # noqa: F401 - part of this API
from planner.core.model import Engagement, Reviewer, Scenario


def site_of(scenario: Scenario, host: str) -> tuple[float, float]:
    """Where an engagement hosted by ``host`` takes place: the host's capital."""
    p = scenario.participant(host)
    return p.lat, p.lon


def home_of(reviewer: Reviewer) -> tuple[float, float]:
    return reviewer.home_lat, reviewer.home_lon


def sites_of(scenario: Scenario, engagement: Engagement, host: str) -> tuple[tuple[float, float], ...]:
    """The places of ``engagement`` at ``host`` in the order they are visited: its sites (sites.csv), or the
    host's capital."""
    if engagement.sites:
        return tuple((site.lat, site.lon) for site in engagement.sites)
    return (site_of(scenario, host),)


def arrival_site(scenario: Scenario, engagement: Engagement, host: str) -> tuple[float, float]:
    """Where a person arrives for ``engagement``: its first site."""
    return sites_of(scenario, engagement, host)[0]


def departure_site(scenario: Scenario, engagement: Engagement, host: str) -> tuple[float, float]:
    """Where a person leaves ``engagement`` from: its last site."""
    return sites_of(scenario, engagement, host)[-1]


def site_legs_km(scenario: Scenario, engagement: Engagement, host: str) -> int:
    """Kilometres between the sites of a multi-site visit, in order (0 for one site)."""
    places = sites_of(scenario, engagement, host)
    return sum(km_between(a, b) for a, b in zip(places, places[1:], strict=False))


def trip_km(scenario: Scenario, reviewer: Reviewer, engagement: Engagement, host: str) -> int:
    """A person's trip for one engagement: home, each site in order, home."""
    home = home_of(reviewer)
    return (km_between(home, arrival_site(scenario, engagement, host)) + site_legs_km(scenario, engagement, host)
            + km_between(departure_site(scenario, engagement, host), home))


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
    travel buffer for the distance between the two places (from its last site to the commitment before it, from
    the commitment to its first site after it), must not touch the commitment's days.
    """
    before = after = 0
    if commitment.place is not None:
        before = scenario.rules.buffer_days(km_between(departure_site(scenario, engagement, host), commitment.place))
        after = scenario.rules.buffer_days(km_between(commitment.place, arrival_site(scenario, engagement, host)))
    first = commitment.start - timedelta(days=before + engagement.duration_days - 1)
    return first, commitment.end + timedelta(days=after)


def commitment_blocks(scenario: Scenario, commitment: Commitment, engagement: Engagement, host: str,
                      start: date) -> bool:
    """True when doing ``engagement`` at ``host`` from ``start`` collides with ``commitment``."""
    first, last = blocked_starts(scenario, commitment, engagement, host)
    return first <= start <= last


def engagements_clash(scenario: Scenario, e: Engagement, host_e: str, start_e: date,
                      f: Engagement, host_f: str, start_f: date) -> bool:
    """True when one person cannot do both engagements: they overlap or leave less than the travel buffer (for
    the distance from the earlier one's last site to the later one's first site)."""
    first, last = clashing_starts(scenario, e, host_e, f, host_f, start_f)
    return first <= start_e <= last


def clashing_starts(scenario: Scenario, e: Engagement, host_e: str, f: Engagement, host_f: str,
                    start_f: date) -> tuple[date, date]:
    """The first and last start day of ``e`` at ``host_e`` on which one person cannot also do ``f`` at ``host_f``
    from ``start_f``: ``e`` must end, plus the buffer from ``e`` to ``f``, before ``f`` starts, or start after
    ``f`` ends plus the buffer from ``f`` to ``e``."""
    e_then_f = travel_buffer_between(scenario, e, host_e, f, host_f)
    f_then_e = travel_buffer_between(scenario, f, host_f, e, host_e)
    first = start_f - timedelta(days=e_then_f + e.duration_days - 1)
    return first, f.end_for(start_f) + timedelta(days=f_then_e)


def travel_buffer_between(scenario: Scenario, e: Engagement, host_e: str, f: Engagement, host_f: str) -> int:
    """Free days a person needs between doing ``e`` and then ``f``: the buffer for the distance from ``e``'s last
    site to ``f``'s first."""
    leave, reach = departure_site(scenario, e, host_e), arrival_site(scenario, f, host_f)
    return scenario.rules.buffer_days(km_between(leave, reach))


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
    if scenario.rules.host_calendar == "hard" and host_calendar_applies(scenario, engagement):
        clashes = host_calendar_clashes(scenario, engagement, host, start)
        if clashes:
            return "; ".join(clashes)
    return None


# --- the host's calendar: public holidays (the ``holidays`` package) and weekend -----------------------------

DEFAULT_WEEKEND = frozenset({5, 6})  # Saturday and Sunday, where the ``holidays`` package knows no country


@lru_cache(maxsize=256)
def _national_calendar(code: str, first_year: int, last_year: int) -> tuple[dict[date, str], frozenset[int]]:
    """Public holidays and weekend days of a country, from the ``holidays`` package; none for a code it does not
    know (the EU)."""
    try:
        calendar = holidays.country_holidays(code, years=range(first_year, last_year + 1))
    except NotImplementedError:
        return {}, DEFAULT_WEEKEND
    return dict(calendar.items()), frozenset(calendar.weekend)


def host_holidays(scenario: Scenario, host: str) -> dict[date, str]:
    """The host's public holidays over the scenario's horizon, by date (``holidays`` package)."""
    return _national_calendar(host, scenario.horizon_start.year, scenario.horizon_end.year)[0]


def host_weekend(scenario: Scenario, host: str) -> frozenset[int]:
    """The host's weekend days (0 = Monday): Friday–Saturday in some hosts, per the ``holidays`` package."""
    return _national_calendar(host, scenario.horizon_start.year, scenario.horizon_end.year)[1]


def host_calendar_applies(scenario: Scenario, engagement: Engagement) -> bool:
    """The host-calendar rule looks at every engagement except those whose start is pinned (a confirmed date)."""
    return scenario.rules.host_calendar != "off" and engagement.pinned_start is None


def host_calendar_clashes(scenario: Scenario, engagement: Engagement, host: str, start: date) -> list[str]:
    """What is wrong with ``start`` for the host's calendar, in words: a start on a public holiday or on a
    weekend day, and each public holiday among the days on site."""
    name = scenario.participant(host).name
    off = host_holidays(scenario, host)
    clashes = []
    if start in off:
        clashes.append(f"{start:%-d %b} is a public holiday in {name} ({off[start]})")
    elif start.weekday() in host_weekend(scenario, host):
        clashes.append(f"{start:%a %-d %b} is a weekend day in {name}")
    for offset in range(1, engagement.duration_days):
        day = start + timedelta(days=offset)
        if day in off:
            clashes.append(f"{day:%-d %b} is a public holiday in {name} ({off[day]})")
    return clashes


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
    blocked = [blocked_starts(scenario, c, engagement, host) for c in commitments]  # once per commitment
    return [s for s in starts if not any(first <= s <= last for first, last in blocked)]


def weekday_penalty(scenario: Scenario, start: date) -> int:
    """1 when a start falls on a day that is not a preferred weekday (soft), else 0."""
    preferred = scenario.rules.preferred_start_weekdays
    return 0 if not preferred or start.weekday() in preferred else 1
