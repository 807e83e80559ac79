"""Domain objects of a scenario and of a plan.

Pure data: no I/O, no solver. Loading and validation live in ``planner.io.scenario_files`` and
``planner.rules.validation``; the CP-SAT model lives in ``planner.engine.model``.
Dates are ``datetime.date`` and every date range is inclusive at both ends.
"""

from __future__ import annotations

import math
from dataclasses import Field, dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from planner.core.geo import km_between

OBSERVER_ORGANISATIONS = ("WDC", "CSC")
ENGAGEMENT_KINDS = ("review_visit", "workshop", "meeting")
PRIORITIES = ("required", "high", "normal", "low")
ROLES = ("lead", "member", "attendee")
#: What a pin (pins.csv) says about one person on one engagement: their role, or that they stay off it.
PIN_ROLES = ("lead", "member", "attendee", "excluded")
#: How a scenario's rules treat the host's public holidays and weekend (``host_calendar``).
HOST_CALENDAR_MODES = ("off", "soft", "hard")


def days_inclusive(start: date, end: date) -> int:
    """Number of days in the inclusive range ``start..end``."""
    return (end - start).days + 1


def ranges_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """True when two inclusive date ranges share at least one day."""
    return a_start <= b_end and b_start <= a_end


@dataclass(frozen=True)
class Participant:
    """A KP participant (a country, or the EU for its member states)."""

    code: str
    name: str
    region: str
    lat: float
    lon: float
    languages: tuple[str, ...] = ()
    regional_approach: str = ""
    member_states: tuple[str, ...] = ()
    participant_from: date | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def francophone(self) -> bool:
        return "fr" in self.languages


@dataclass(frozen=True)
class Reviewer:
    """A person who can join review teams, workshops and meetings. Ids only, never personal names."""

    id: str
    organisation: str
    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    home: str = ""
    home_lat: float = 0.0
    home_lon: float = 0.0
    max_engagements: int = 3
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_observer(self) -> bool:
        return self.organisation in OBSERVER_ORGANISATIONS

    @property
    def is_government(self) -> bool:
        return not self.is_observer

    @property
    def lead_eligible(self) -> bool:
        return "lead-eligible" in self.groups

    def speaks(self, language: str) -> bool:
        return language in self.languages


@dataclass(frozen=True)
class Unavailability:
    """A period in which a reviewer cannot travel. ``reason`` is private."""

    reviewer: str
    start: date
    end: date
    reason: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class FixedEvent:
    """An event with fixed dates that some reviewers attend (ASM18, the plenary, ...)."""

    id: str
    title: str
    kind: str
    place: str
    lat: float
    lon: float
    start: date
    end: date
    attendees: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_plenary(self) -> bool:
        return self.kind == "plenary"


@dataclass(frozen=True)
class Site:
    """One place of a multi-site visit (sites.csv), visited for ``days`` days in the order of the file."""

    place: str
    lat: float
    lon: float
    days: int


@dataclass(frozen=True)
class Pin:
    """A person fixed onto an engagement (pins.csv): as its lead, a member, an attendee, or kept off it."""

    engagement_id: str
    reviewer_id: str
    role: str
    source_row: int | None = field(default=None, compare=False)  # row in pins.csv, for messages


@dataclass(frozen=True)
class Engagement:
    """Something to schedule: a review visit, a workshop or a meeting.

    ``observers`` and ``min_other_governments`` are None for "the scenario's rule"; ``interpretation`` means the
    host provides interpreters, so no team member needs to speak the visit's languages; ``sites`` are the places
    of a multi-site visit in order (empty: the host's capital)."""

    id: str
    kind: str
    title: str
    hosts: tuple[str, ...]
    place: str
    duration_days: int
    earliest_start: date
    latest_end: date
    priority: str = "normal"
    team_min: int | None = None
    team_max: int | None = None
    attendees: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    pinned_start: date | None = None
    published_start: date | None = None
    observers: tuple[str, ...] | None = None  # organisations whose observers the team needs; None: the rules'
    min_other_governments: int | None = None  # None: the rules' min_other_participant_governments
    interpretation: bool = False
    sites: tuple[Site, ...] = ()
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    source_row: int | None = field(default=None, compare=False)  # row in engagements.csv, for messages

    @property
    def is_review_visit(self) -> bool:
        return self.kind == "review_visit"

    @property
    def required(self) -> bool:
        return self.priority == "required"

    @property
    def latest_start(self) -> date:
        return self.latest_end - timedelta(days=self.duration_days - 1)

    def end_for(self, start: date) -> date:
        return start + timedelta(days=self.duration_days - 1)


@dataclass(frozen=True)
class TravelBufferStep:
    """Commitments at most ``up_to_km`` apart need ``days`` free days between them."""

    up_to_km: float | None
    days: int


def setting(default, label: str, low: int | float | None = None, high: int | float | None = None,
            edit_low: int | None = None, edit_high: int | None = None):
    """A simple rule setting (a whole number, a number or yes/no) that describes itself: scenario.yaml is read
    and written from these (``low``..``high``), and the what-if editor offers it with its ``label`` (in
    ``edit_low``..``edit_high``). A new rule's setting is one such line (docs/model.md, "Add a rule")."""
    return field(default=default, metadata={"label": label, "low": low, "high": high,
                                            "edit_low": edit_low, "edit_high": edit_high})


@dataclass(frozen=True)
class Rules:
    """The rule parameters of scenario.yaml. KP practice is not codified: these are settings."""

    review_team_min: int = setting(3, "Smallest review team", 0, 365, 1, 50)
    review_team_max: int = setting(10, "Largest review team", 0, 365, 1, 50)
    min_other_participant_governments: int = setting(3, "Other participant governments on a review team",
                                                     0, 365, 0, 20)
    observers_required: dict[str, int] = field(default_factory=lambda: {"WDC": 1, "CSC": 1})
    lead_must_be_participant_government: bool = setting(
        True, "The lead represents a participant government (yes/no)")
    french_speakers_for_francophone_hosts: int = setting(
        1, "French speakers on a team visiting a francophone host", 0, 365, 0, 10)
    french_lead_for_francophone_hosts: bool = setting(
        False, "The lead of a visit to a francophone host speaks French (yes/no)")
    # off, soft (weights.host_calendar per start on a holiday or weekend and per holiday on site) or hard
    host_calendar: str = "off"
    travel_buffer: tuple[TravelBufferStep, ...] = (
        TravelBufferStep(0, 0),
        TravelBufferStep(2500, 1),
        TravelBufferStep(None, 2),
    )
    report_lead_time_days: int = setting(
        0, "Days kept free of review visits before the plenary (report lead time)", 0, 365, 0, 120)
    report_lead_time_kinds: tuple[str, ...] = ("review_visit",)
    preferred_start_weekdays: tuple[int, ...] = (0,)
    chain_max_gap_days: int = setting(7, "Most free days between two engagements that chain", 0, 365, 0, 60)
    co2_kg_per_km: float = setting(0.15, "Kilograms of CO2 per kilometre flown", 0, 10)

    @classmethod
    def simple_settings(cls) -> dict[str, Field]:
        """The self-describing settings (``setting(...)``), by name, in declaration order."""
        return {f.name: f for f in fields(cls) if "label" in f.metadata}

    def buffer_days(self, km: float) -> int:
        """Free days needed between two commitments ``km`` apart (the policy's first matching step)."""
        for step in self.travel_buffer:
            if step.up_to_km is None or km <= step.up_to_km + 1e-9:
                return step.days
        return self.travel_buffer[-1].days if self.travel_buffer else 0


#: Weights of leaving work out that a scenario may leave to the package: absent from scenario.yaml (or ``auto``)
#: they are derived so that work comes first (``work_first_weights``).
DERIVABLE_WEIGHTS = ("unscheduled_high", "unscheduled_normal", "unscheduled_low")

DEFAULT_WEIGHTS: dict[str, float] = {
    "unscheduled_high": 1000,
    "unscheduled_normal": 400,
    "unscheduled_low": 150,
    "max_load": 40,
    "load_spread": 10,
    "travel_km": 0.01,
    "chain_credit_km": 0.01,
    "lead_language": 60,
    "regional_peer": 30,
    "moved_days": 20,
    "team_changes": 25,
    "weekday_start": 5,
    "host_calendar": 100,
    "cost": 0,
}


#: The longest horizon, and the longest engagement window, a scenario may have unless its scenario.yaml says
#: otherwise (``horizon.max_days``): three years. The checks look at every day of every window, so a longer span
#: is almost always a typing mistake (1900 for 2019) and would make ``kp-plan validate`` crawl.
HORIZON_MAX_DAYS = 3 * 365 + 1
#: ``horizon.max_days`` itself goes no further (ten years), so that no input makes the checks slow.
HORIZON_MAX_DAYS_CEILING = 3660


@dataclass(frozen=True)
class FareBand:
    """A trip of at most ``up_to_km`` kilometres (home, every site, home) costs ``fare``; None: any distance."""

    up_to_km: float | None
    fare: float


@dataclass(frozen=True)
class CostSettings:
    """Estimated costs (scenario.yaml ``costs``), all of them assumptions: the KP publishes no cost rules.

    A person's cost on an engagement is the fare of their trip's band plus ``daily_allowance`` per day on site.
    Each government pays for its own people; ``funders`` says who pays for each observer organisation's people
    (kp-2018-h2: the EU, which funded CSC participation in 2018); an organisation not named pays for itself."""

    currency: str = "USD"
    fare_bands: tuple[FareBand, ...] = (
        FareBand(1500, 500), FareBand(5000, 1000), FareBand(9000, 1600), FareBand(None, 2200))
    daily_allowance: float = 250
    funders: dict[str, str] = field(default_factory=dict)

    def fare(self, km: float) -> float:
        for band in self.fare_bands:
            if band.up_to_km is None or km <= band.up_to_km + 1e-9:
                return band.fare
        return self.fare_bands[-1].fare if self.fare_bands else 0


class StartingPlan(StrEnum):
    """Where the plan a solve starts from comes from: the result's ``kept_start`` and plan.json's name it when
    the search found nothing better (views name it too, without loading the solver)."""

    GREEDY = "greedy baseline"
    PUBLISHED = "published plan"


@dataclass(frozen=True)
class SolverSettings:
    time_limit_s: float = 30.0
    workers: int = 2  # one per core of the machines this runs on; 2: the full-LP search and its helpers (solve.py)
    seed: int = 0
    reproducible: bool = False
    relative_gap_limit: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: the folder described in docs/scenario-format.md."""

    name: str
    horizon_start: date
    horizon_end: date
    participants: tuple[Participant, ...]
    reviewers: tuple[Reviewer, ...]
    unavailability: tuple[Unavailability, ...]
    events: tuple[FixedEvent, ...]
    engagements: tuple[Engagement, ...]
    rules: Rules = field(default_factory=Rules)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    solver: SolverSettings = field(default_factory=SolverSettings)
    description: str = ""
    source_path: str = field(default="", compare=False)
    # weights derived so that leaving work out never pays (``work_first_weights``), re-derived on every change;
    # loading a scenario.yaml that leaves them out (or says ``auto``) lists them here
    derived_weights: tuple[str, ...] = ()
    # the longest horizon and engagement window allowed (scenario.yaml ``horizon.max_days``)
    horizon_max_days: int = HORIZON_MAX_DAYS
    pins: tuple[Pin, ...] = ()  # pins.csv: people fixed onto (or kept off) engagements
    costs: CostSettings = field(default_factory=CostSettings)

    def __post_init__(self) -> None:
        if self.derived_weights:
            object.__setattr__(self, "weights", {**self.weights, **work_first_weights(self)})

    # --- look-ups -----------------------------------------------------------------
    def participant(self, code: str) -> Participant:
        return self.participants_by_code[code]

    @cached_property
    def participants_by_code(self) -> dict[str, Participant]:
        return {p.code: p for p in self.participants}

    @cached_property
    def reviewers_by_id(self) -> dict[str, Reviewer]:
        return {r.id: r for r in self.reviewers}

    @cached_property
    def engagements_by_id(self) -> dict[str, Engagement]:
        return {e.id: e for e in self.engagements}

    @cached_property
    def events_by_id(self) -> dict[str, FixedEvent]:
        return {v.id: v for v in self.events}

    @cached_property
    def _country_to_participant(self) -> dict[str, str]:
        mapping = {m: p.code for p in self.participants for m in p.member_states}
        mapping.update({p.code: p.code for p in self.participants})
        return mapping

    def participant_of_country(self, code: str) -> str | None:
        """The participant a country belongs to: itself, or the EU for an EU member state."""
        return self._country_to_participant.get(code)

    def reviewer_participant(self, reviewer: Reviewer) -> str | None:
        """The participant a reviewer is *from*: their government, or for observers their home participant."""
        if reviewer.is_government:
            return self.participant_of_country(reviewer.organisation)
        return self.participant_of_country(reviewer.home) if reviewer.home else None

    @cached_property
    def _group_index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for r in self.reviewers:
            for tag in r.groups:
                index.setdefault(tag, []).append(r.id)
        return {tag: tuple(ids) for tag, ids in index.items()}

    def group_members(self, tag: str) -> tuple[str, ...]:
        """Reviewer ids matched by an attendee token: ``all``, a reviewer id or a group tag."""
        if tag == "all":
            return tuple(r.id for r in self.reviewers)
        if tag in self.reviewers_by_id:
            return (tag,)
        return self._group_index.get(tag, ())

    def attendees_of(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """Sorted reviewer ids matched by a list of attendee tokens."""
        ids: set[str] = set()
        for token in tokens:
            ids.update(self.group_members(token))
        return tuple(sorted(ids))

    @cached_property
    def _pins_by_engagement(self) -> dict[str, tuple[Pin, ...]]:
        index: dict[str, list[Pin]] = {}
        for pin in self.pins:
            index.setdefault(pin.engagement_id, []).append(pin)
        return {eid: tuple(pins) for eid, pins in index.items()}

    def pins_of(self, engagement_id: str) -> tuple[Pin, ...]:
        """The pins of one engagement, in the order of pins.csv."""
        return self._pins_by_engagement.get(engagement_id, ())

    def may_lead(self, reviewer: Reviewer) -> bool:
        """Whether ``reviewer`` may lead a review visit (the rule ``one_lead``)."""
        return reviewer.lead_eligible and (reviewer.is_government
                                           or not self.rules.lead_must_be_participant_government)

    def observers_for(self, engagement: Engagement) -> dict[str, int]:
        """How many observers of each organisation a review team needs: the rules' counts, or for an engagement
        whose ``observers`` column names organisations, those (at least one each) and no others."""
        required = self.rules.observers_required
        if engagement.observers is None:
            return dict(required)
        return {org: max(1, required.get(org, 0)) if org in engagement.observers else 0
                for org in OBSERVER_ORGANISATIONS}

    def other_governments_for(self, engagement: Engagement) -> int:
        """How many participant governments other than the host a review team includes at least."""
        if engagement.min_other_governments is not None:
            return engagement.min_other_governments
        return self.rules.min_other_participant_governments

    def plenary(self) -> FixedEvent | None:
        plenaries = [v for v in self.events if v.is_plenary]
        return min(plenaries, key=lambda v: v.start) if plenaries else None

    def team_bounds(self, engagement: Engagement) -> tuple[int, int]:
        """Team size bounds: the engagement's own, else the rules' (review visits) or its attendees."""
        if engagement.is_review_visit:
            low = self.rules.review_team_min if engagement.team_min is None else engagement.team_min
            high = self.rules.review_team_max if engagement.team_max is None else engagement.team_max
            return low, high
        required = len(self.attendees_of(engagement.attendees))
        low = required if engagement.team_min is None else max(required, engagement.team_min)
        high = max(low, required if engagement.team_max is None else engagement.team_max)
        return low, high


def soft_term_spread(scenario: Scenario) -> dict[str, float]:
    """For each soft term other than leaving work out: an upper bound on how much its weighted value can differ
    between two plans of ``scenario`` (every term at its largest against zero). A new soft term adds its line
    here (docs/architecture.md, "Add a soft term"; a test checks that every term has one).

    team_changes assumes the published teams are no larger than today's team maximum."""
    w = scenario.weights
    engagements = scenario.engagements
    visits = sum(1 for e in engagements if e.is_review_visit)
    top_load = max((r.max_engagements for r in scenario.reviewers), default=0)
    horizon = max(0, (scenario.horizon_end - scenario.horizon_start).days + 1)
    by_code = {p.code: (p.lat, p.lon) for p in scenario.participants}
    homes = {(r.home_lat, r.home_lon) for r in scenario.reviewers}  # few distinct places: capitals
    farthest: dict[tuple, int] = {}
    km_max, team_sizes, cost_max = 0, 0, 0.0
    for e in engagements:
        high = min(scenario.team_bounds(e)[1], len(scenario.reviewers))
        team_sizes += high
        trip_most = 0
        for h in e.hosts:
            if h not in by_code:
                continue
            places = tuple((x.lat, x.lon) for x in e.sites) or (by_code[h],)
            legs = sum(km_between(a, b) for a, b in zip(places, places[1:], strict=False))
            ends = (places[0], places[-1])
            if ends not in farthest:
                farthest[ends] = max((km_between(home, ends[0]) + km_between(ends[1], home) for home in homes),
                                     default=0)
            trip_most = max(trip_most, farthest[ends] + legs)
        km_max += high * trip_most
        cost_max += high * (scenario.costs.fare(trip_most) + scenario.costs.daily_allowance * e.duration_days)
    published = sum(1 for e in engagements if e.published_start is not None)
    return {
        "max_load": abs(w.get("max_load", 0)) * top_load,
        "load_spread": abs(w.get("load_spread", 0)) * top_load,
        "travel_km": abs(w.get("travel_km", 0)) * km_max,
        "chain_credit_km": abs(w.get("chain_credit_km", 0)) * km_max,  # the credit never exceeds the km flown
        "lead_language": abs(w.get("lead_language", 0)) * visits,
        "regional_peer": abs(w.get("regional_peer", 0)) * visits,
        "moved_days": abs(w.get("moved_days", 0)) * horizon * published,
        "team_changes": abs(w.get("team_changes", 0)) * (2 * team_sizes + visits),
        "weekday_start": abs(w.get("weekday_start", 0)) * len(engagements),
        "host_calendar": abs(w.get("host_calendar", 0)) * sum(1 + e.duration_days for e in engagements)
        if scenario.rules.host_calendar == "soft" else 0,  # only the soft setting counts it
        "cost": abs(w.get("cost", 0)) * cost_max,
    }


def work_first_weights(scenario: Scenario) -> dict[str, float]:
    """Weights for leaving work out that provably dominate: by priority, then every other soft term.

    ``spread`` (the sum of ``soft_term_spread``) bounds how much all the other soft terms together can change
    between any two plans. Leaving out a low-priority engagement then costs more than any saving elsewhere, a
    normal one more than every low one and ``spread`` together, and a high one more than every normal and low
    one: the solver schedules as many engagements as it can, priority by priority, before it looks at travel,
    workload or dates.
    """
    spread = sum(soft_term_spread(scenario).values())
    count = {p: sum(1 for e in scenario.engagements if e.priority == p) for p in PRIORITIES}
    derived: dict[str, float] = {}
    above = math.floor(spread) + 1  # whole numbers: the objective is integral after scaling
    for priority in ("low", "normal", "high"):
        key = f"unscheduled_{priority}"
        if key in scenario.derived_weights:
            derived[key] = above
        above += derived.get(key, scenario.weights.get(key, 0)) * count[priority]
    return derived


# --- plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    engagement_id: str
    kind: str
    host: str
    start: date
    end: date
    reviewer_id: str
    role: str


@dataclass(frozen=True)
class EngagementOutcome:
    engagement_id: str
    status: str  # "scheduled" or "unscheduled"
    start: date | None = None
    end: date | None = None
    host: str = ""
    reason: str = ""

    @property
    def scheduled(self) -> bool:
        return self.status == "scheduled"


@dataclass(frozen=True)
class Plan:
    """A plan: what solving writes and what dashboards and exports read. Immutable: a changed plan is a new
    one (``dataclasses.replace``)."""

    assignments: tuple[Assignment, ...]
    engagements: tuple[EngagementOutcome, ...]
    meta: dict = field(default_factory=dict)

    @property
    def outcomes_by_id(self) -> dict[str, EngagementOutcome]:
        return {o.engagement_id: o for o in self.engagements}

    def team(self, engagement_id: str) -> tuple[Assignment, ...]:
        return tuple(a for a in self.assignments if a.engagement_id == engagement_id)

    def lead(self, engagement_id: str) -> str | None:
        leads = [a.reviewer_id for a in self.team(engagement_id) if a.role == "lead"]
        return leads[0] if leads else None

    def of_reviewer(self, reviewer_id: str) -> tuple[Assignment, ...]:
        return tuple(sorted((a for a in self.assignments if a.reviewer_id == reviewer_id),
                            key=lambda a: (a.start, a.engagement_id)))

    def scheduled(self) -> tuple[EngagementOutcome, ...]:
        return tuple(o for o in self.engagements if o.scheduled)
