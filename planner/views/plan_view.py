"""One view model of a plan, shared by the map, the timeline, the tables and the exports.

Pure functions (no widgets, no HTML): a scenario and a saved plan become *views* — one row per scheduled
engagement or fixed event — filtered by :class:`Filters`; itineraries list one person's stops. Map, timeline
and table use the same views, so they always agree.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from planner.core.calendar import arrival_site, great_circle_km, home_of, km_between
from planner.core.model import ENGAGEMENT_KINDS, ROLES, FixedEvent, Plan, Scenario, Site
from planner.views.i18n import kind_label, month_label, organisation_label, region_label, t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filters:
    """What a stakeholder narrows the plan to. ``None`` means "all".

    region: the host participant's region (``Africa`` …); kind: an engagement kind (``review_visit`` …);
    organisation: a reviewer organisation (a participant code, ``WDC`` or ``CSC``): engagements with someone
    from it on the team; month: ``YYYY-MM``: engagements with at least one day in that month.
    Fixed events are context: only the month and organisation filters apply to them.
    """

    region: str | None = None
    kind: str | None = None
    organisation: str | None = None
    month: str | None = None

    @classmethod
    def coerce(cls, value: Filters | dict | None) -> Filters:
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {"region", "kind", "organisation", "month"}
            if unknown:
                raise ValueError(f"unknown filter(s): {', '.join(sorted(unknown))}")
            return cls(**{k: (v or None) for k, v in value.items()})
        raise TypeError(f"filters must be a Filters, a dict or None, not {type(value).__name__}")

    @property
    def active(self) -> bool:
        return any((self.region, self.kind, self.organisation, self.month))


@dataclass(frozen=True)
class EngagementView:
    """One scheduled engagement as stakeholders see it."""

    id: str
    title: str
    kind: str
    priority: str
    host: str
    place: str
    region: str
    lat: float
    lon: float
    start: date
    end: date
    lead: str | None
    team: tuple[str, ...]  # reviewer ids, the lead first
    roles: dict[str, str] = field(default_factory=dict, compare=False)  # reviewer id → role
    organisations: tuple[str, ...] = ()
    # a multi-site visit's places in order (sites.csv; lat/lon is the first); empty for one site
    sites: tuple[Site, ...] = ()


def _from_event(name: str) -> property:
    return property(lambda view: getattr(view.event, name), doc=f"The fixed event's ``{name}``.")


@dataclass(frozen=True)
class EventView:
    """One fixed event (ASM18, the plenary …) as stakeholders see it: the scenario's ``FixedEvent`` and its
    attendees resolved to reviewer ids (``FixedEvent.attendees`` holds tokens such as groups or
    organisations). ``id``, ``title``, ``kind``, ``place``, ``lat``, ``lon``, ``start`` and ``end`` are the
    event's own."""

    event: FixedEvent
    attendees: tuple[str, ...]  # reviewer ids

    id = _from_event("id")
    title = _from_event("title")
    kind = _from_event("kind")
    place = _from_event("place")
    lat = _from_event("lat")
    lon = _from_event("lon")
    start = _from_event("start")
    end = _from_event("end")


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _overlaps_month(start: date, end: date, month: str) -> bool:
    return _month_key(start) <= month <= _month_key(end)


def engagement_views(scenario: Scenario, plan: Plan) -> list[EngagementView]:
    """The plan's scheduled engagements that the scenario knows, in date order."""
    engagements = scenario.engagements_by_id
    participants = scenario.participants_by_code
    reviewers = scenario.reviewers_by_id
    views = []
    for outcome in plan.scheduled():
        e = engagements.get(outcome.engagement_id)
        if e is None or outcome.host not in participants:
            log.warning("plan engagement %s is not in the scenario; skipped", outcome.engagement_id)
            continue
        team = [a for a in plan.team(e.id) if a.reviewer_id in reviewers]
        team.sort(key=lambda a: (ROLES.index(a.role) if a.role in ROLES else 9, a.reviewer_id))
        host = participants[outcome.host]
        lat, lon = arrival_site(scenario, e, outcome.host)
        views.append(EngagementView(
            id=e.id, title=e.title, kind=e.kind, priority=e.priority, host=outcome.host,
            place=e.place or host.name, region=host.region, lat=lat, lon=lon,
            start=outcome.start, end=outcome.end, lead=plan.lead(e.id),
            team=tuple(a.reviewer_id for a in team), roles={a.reviewer_id: a.role for a in team},
            organisations=tuple(sorted({reviewers[a.reviewer_id].organisation for a in team})), sites=e.sites))
    views.sort(key=lambda v: (v.start, v.end, v.title))
    return views


def event_views(scenario: Scenario) -> list[EventView]:
    """The scenario's fixed events, in date order, with their attendees resolved to reviewer ids."""
    return sorted((EventView(v, scenario.attendees_of(v.attendees)) for v in scenario.events),
                  key=lambda v: (v.start, v.end, v.title))


def apply_filters(views: Iterable[EngagementView], filters: Filters | dict | None) -> list[EngagementView]:
    """The engagement views that pass every set filter."""
    f = Filters.coerce(filters)
    return [v for v in views
            if (f.region is None or v.region == f.region)
            and (f.kind is None or v.kind == f.kind)
            and (f.organisation is None or f.organisation in v.organisations)
            and (f.month is None or _overlaps_month(v.start, v.end, f.month))]


def event_region(scenario: Scenario, event: EventView | FixedEvent) -> str:
    """The region of a fixed event: that of the participant whose capital is nearest to its place (a fixed
    event names a place, not a host: 'Mumbai, India' is in Asia, 'Brussels, Belgium' in Europe)."""
    if not scenario.participants:
        return ""
    nearest = min(scenario.participants, key=lambda p: great_circle_km(event.lat, event.lon, p.lat, p.lon))
    return nearest.region


def filter_events(scenario: Scenario, events: Iterable[EventView],
                  filters: Filters | dict | None) -> list[EventView]:
    """Fixed events that pass the region, month and organisation filters (the kind filter leaves them
    alone: their kinds are not engagement kinds)."""
    f = Filters.coerce(filters)
    reviewers = scenario.reviewers_by_id
    result = []
    for v in events:
        if f.region is not None and event_region(scenario, v) != f.region:
            continue
        if f.month is not None and not _overlaps_month(v.start, v.end, f.month):
            continue
        if f.organisation is not None and not any(
                reviewers[r].organisation == f.organisation for r in v.attendees if r in reviewers):
            continue
        result.append(v)
    return result


def filtered(scenario: Scenario, plan: Plan,
             filters: Filters | dict | None) -> tuple[list[EngagementView], list[EventView]]:
    """Engagements and fixed events after the filters: what map, timeline and table all show."""
    return (apply_filters(engagement_views(scenario, plan), filters),
            filter_events(scenario, event_views(scenario), filters))


def filtered_plan(scenario: Scenario, plan: Plan, filters: Filters | dict | None) -> Plan:
    """The part of ``plan`` that the filters show, as a plan of its own (for the headline figures): the
    scheduled engagements that pass the filters with their teams, and the engagements left out whose kind and
    candidate hosts' region pass them (a left-out engagement has no month or team, so a month or organisation
    filter leaves none of them). Without filters, the plan itself."""
    f = Filters.coerce(filters)
    if not f.active:
        return plan
    shown = {v.id for v in apply_filters(engagement_views(scenario, plan), f)}
    engagements = scenario.engagements_by_id
    participants = scenario.participants_by_code

    def left_out_shown(engagement_id: str) -> bool:
        e = engagements.get(engagement_id)
        if e is None or f.month is not None or f.organisation is not None:
            return False
        regions = {participants[h].region for h in e.hosts if h in participants}
        return (f.kind is None or e.kind == f.kind) and (f.region is None or f.region in regions)

    outcomes = tuple(o for o in plan.engagements
                     if (o.scheduled and o.engagement_id in shown)
                     or (not o.scheduled and left_out_shown(o.engagement_id)))
    return dataclasses.replace(plan, engagements=outcomes,
                               assignments=tuple(a for a in plan.assignments if a.engagement_id in shown))


# --- filter choices -------------------------------------------------------------------------------------


def region_options(scenario: Scenario, plan: Plan, lang: str = "en") -> list[tuple[str, str]]:
    regions = sorted({v.region for v in engagement_views(scenario, plan)})
    return [(t("all", lang), "")] + [(region_label(r, lang), r) for r in regions]


def kind_options(scenario: Scenario, plan: Plan, lang: str = "en") -> list[tuple[str, str]]:
    kinds = {v.kind for v in engagement_views(scenario, plan)}
    return [(t("all", lang), "")] + [(kind_label(k, lang), k) for k in ENGAGEMENT_KINDS if k in kinds]


def organisation_options(scenario: Scenario, plan: Plan, lang: str = "en") -> list[tuple[str, str]]:
    orgs = sorted({o for v in engagement_views(scenario, plan) for o in v.organisations},
                  key=lambda o: (o in ("WDC", "CSC"), o))
    return [(t("all", lang), "")] + [(organisation_label(scenario, o, lang), o) for o in orgs]


def month_options(scenario: Scenario, lang: str = "en") -> list[tuple[str, str]]:
    months = []
    year, month = scenario.horizon_start.year, scenario.horizon_start.month
    while (year, month) <= (scenario.horizon_end.year, scenario.horizon_end.month):
        months.append((month_label(year, month, lang), f"{year:04d}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [(t("all", lang), "")] + months


# --- itineraries --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItineraryStop:
    """One stop of a person's itinerary: a scheduled engagement of the plan or a fixed event they attend.
    ``place`` is the engagement's place (else the host's name) or the event's; ``host`` the engagement's
    host participant (empty for a fixed event). Unavailability is never a stop: it stays private."""

    reviewer_id: str
    start: date
    end: date
    title: str
    kind: str
    role: str  # lead / member / attendee, or "event" for a fixed event
    place: str
    lat: float
    lon: float
    km_from_home: int
    engagement_id: str = ""
    event_id: str = ""
    host: str = ""
    sites: tuple[Site, ...] = ()  # a multi-site visit's places in order (lat/lon is the first); empty for one


def itinerary(scenario: Scenario, plan: Plan, reviewer_ids: Iterable[str]) -> list[ItineraryStop]:
    """Scheduled engagements and fixed events of the given people, in date order (the dashboards' itinerary
    page, the itinerary map and the exports' itinerary sheets and tables all use it)."""
    wanted = set(reviewer_ids)
    reviewers = scenario.reviewers_by_id
    engagements = scenario.engagements_by_id
    stops = []
    for v in engagement_views(scenario, plan):
        for rid in v.team:
            if rid in wanted:
                km = km_between(home_of(reviewers[rid]), (v.lat, v.lon))
                stops.append(ItineraryStop(rid, v.start, v.end, v.title, v.kind, v.roles.get(rid, "member"),
                                           v.place, v.lat, v.lon, km, engagement_id=v.id, host=v.host,
                                           sites=v.sites))
    for ev in event_views(scenario):
        for rid in ev.attendees:
            if rid in wanted:
                km = km_between(home_of(reviewers[rid]), (ev.lat, ev.lon))
                stops.append(ItineraryStop(rid, ev.start, ev.end, ev.title, ev.kind, "event", ev.place,
                                           ev.lat, ev.lon, km, event_id=ev.id))
    assert all(s.engagement_id in engagements or s.event_id for s in stops)
    stops.sort(key=lambda s: (s.start, s.end, s.reviewer_id, s.title))
    return stops


def people_of(scenario: Scenario, organisation: str) -> list[str]:
    return sorted(r.id for r in scenario.reviewers if r.organisation == organisation)
