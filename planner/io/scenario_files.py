"""Loading and saving a scenario folder (format: docs/scenario-format.md).

``load_scenario`` reads every file, collects every problem (bad cells, missing columns, broken references,
impossible windows) and raises one ``ScenarioError`` listing them all; input files are only read.
``save_scenario`` writes each file atomically, and ``load_scenario(save_scenario(s))`` equals ``s``.
"""

from __future__ import annotations

import os
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from planner.core.model import (
    DEFAULT_WEIGHTS,
    DERIVABLE_WEIGHTS,
    ENGAGEMENT_KINDS,
    HORIZON_MAX_DAYS,
    HORIZON_MAX_DAYS_CEILING,
    HOST_CALENDAR_MODES,
    OBSERVER_ORGANISATIONS,
    PIN_ROLES,
    PRIORITIES,
    CostSettings,
    Engagement,
    FareBand,
    FixedEvent,
    Participant,
    Pin,
    Reviewer,
    Rules,
    Scenario,
    Site,
    SolverSettings,
    TravelBufferStep,
    Unavailability,
    days_inclusive,
)
from planner.core.problems import Problem, ScenarioError
from planner.io import tables as t
from planner.io.atomic import atomic_write_text
from planner.io.references import check_references, check_sites

SCENARIO_FILE = "scenario.yaml"
# columns that refer to ids defined in another table
REFERENCE_COLUMNS = {"home", "organisation", "reviewer", "hosts", "attendees", "engagement_id", "reviewer_id"}

PARTICIPANT_COLUMNS = [
    t.Column("code", t.identifier),
    t.Column("name", t.text),
    t.Column("region", t.text),
    t.Column("lat", t.latitude),
    t.Column("lon", t.longitude),
    t.Column("languages", t.language_list, optional_value=True, default=()),
    t.Column("regional_approach", t.choice("MRU", "CA"), optional_value=True, default=""),
    t.Column("member_states", t.token_list, optional_value=True, default=()),
    t.Column("participant_from", t.iso_date, required=False, optional_value=True),
]
REVIEWER_COLUMNS = [
    t.Column("id", t.identifier),
    t.Column("organisation", t.identifier),
    t.Column("groups", t.token_list, optional_value=True, default=()),
    t.Column("languages", t.language_list, optional_value=True, default=()),
    t.Column("expertise", t.token_list, optional_value=True, default=()),
    t.Column("home", t.text),
    t.Column("max_engagements", t.integer(0, 100)),
]
UNAVAILABILITY_COLUMNS = [
    t.Column("reviewer", t.identifier),
    t.Column("start", t.iso_date),
    t.Column("end", t.iso_date),
    t.Column("reason", str, optional_value=True, default=""),
]
EVENT_COLUMNS = [
    t.Column("id", t.identifier),
    t.Column("title", t.text),
    t.Column("kind", t.identifier),
    t.Column("place", t.text),
    t.Column("lat", t.latitude),
    t.Column("lon", t.longitude),
    t.Column("start", t.iso_date),
    t.Column("end", t.iso_date),
    t.Column("attendees", t.token_list, optional_value=True, default=()),
]
ENGAGEMENT_COLUMNS = [
    t.Column("id", t.identifier),
    t.Column("kind", t.choice(*ENGAGEMENT_KINDS)),
    t.Column("title", t.text),
    t.Column("hosts", t.token_list),
    t.Column("place", str, optional_value=True, default=""),
    t.Column("duration_days", t.integer(1, 60)),
    t.Column("earliest_start", t.iso_date),
    t.Column("latest_end", t.iso_date),
    t.Column("priority", t.choice(*PRIORITIES)),
    t.Column("team_min", t.integer(0, 200), optional_value=True),
    t.Column("team_max", t.integer(0, 200), optional_value=True),
    t.Column("attendees", t.token_list, optional_value=True, default=()),
    t.Column("languages", t.language_list, optional_value=True, default=()),
    t.Column("expertise", t.token_list, optional_value=True, default=()),
    t.Column("pinned_start", t.iso_date, optional_value=True),
    t.Column("published_start", t.iso_date, optional_value=True),
    # per-engagement overrides; the columns may be left out, an empty cell means the scenario's rule
    t.Column("observers", t.organisation_list(*OBSERVER_ORGANISATIONS), required=False, optional_value=True),
    t.Column("min_other_governments", t.integer(0, 50), required=False, optional_value=True),
    t.Column("interpretation", t.yes_no, required=False, optional_value=True, default=False),
]
#: the override columns, written only when some engagement uses them (older scenarios stay as they are)
ENGAGEMENT_OVERRIDE_COLUMNS = ("observers", "min_other_governments", "interpretation")
PIN_COLUMNS = [
    t.Column("engagement_id", t.identifier),
    t.Column("reviewer_id", t.identifier),
    t.Column("role", t.choice(*PIN_ROLES)),
]
SITE_COLUMNS = [
    t.Column("engagement_id", t.identifier),
    t.Column("place", t.text),
    t.Column("lat", t.latitude),
    t.Column("lon", t.longitude),
    t.Column("days", t.integer(1, 60)),
]

FILES = {
    "participants.csv": PARTICIPANT_COLUMNS,
    "reviewers.csv": REVIEWER_COLUMNS,
    "unavailability.csv": UNAVAILABILITY_COLUMNS,
    "events.csv": EVENT_COLUMNS,
    "engagements.csv": ENGAGEMENT_COLUMNS,
}
#: files a scenario may leave out (then: no pins, no multi-site visits)
OPTIONAL_FILES = {
    "pins.csv": PIN_COLUMNS,
    "sites.csv": SITE_COLUMNS,
}

RULE_KEYS = {f.name for f in fields(Rules)}
SOLVER_KEYS = {"time_limit_s", "workers", "seed", "reproducible", "relative_gap_limit"}
TOP_KEYS = {"name", "description", "horizon", "rules", "weights", "solver", "costs"}
COST_KEYS = {"currency", "fare_bands", "daily_allowance", "funders"}
HORIZON_KEYS = {"start", "end", "max_days"}


# --- scenario.yaml -------------------------------------------------------------------------


class _Yaml:
    """Reads typed values out of the parsed scenario.yaml, recording a problem for each bad one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def bad(self, key: str, value: Any, expected: str) -> None:
        self.problems.append(Problem(SCENARIO_FILE, expected, column=key, value=str(value)))

    def unknown_keys(self, section: str, mapping: dict, allowed: set[str]) -> None:
        for key in sorted(set(mapping) - allowed, key=str):
            self.problems.append(Problem(SCENARIO_FILE, f"unknown setting in '{section}'; known settings: "
                                         + ", ".join(sorted(allowed)), column=f"{section}.{key}"))

    def integer(self, key: str, value: Any, low: int = 0, high: int = 10_000) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(key, value, f"expected a whole number from {low} to {high}")
            return None
        return value

    def number(self, key: str, value: Any, low: float = 0.0, high: float = 1e9,
               expected: str | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.bad(key, value, expected or f"expected a number from {low:g} to {high:g}")
            return None
        return float(value) if isinstance(value, float) else value

    def boolean(self, key: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.bad(key, value, "expected true or false")
            return None
        return value

    def day(self, key: str, value: Any) -> date | None:
        if isinstance(value, datetime) or not isinstance(value, (date, str)):
            self.bad(key, value, "expected a date as YYYY-MM-DD (no time of day)")
            return None
        try:
            return t.iso_date(value.isoformat() if isinstance(value, date) else value)
        except t.CellError as error:
            self.bad(key, value, str(error))
            return None


def _parse_rules(raw: Any, y: _Yaml) -> Rules:
    if raw is None:
        return Rules()
    if not isinstance(raw, dict):
        y.bad("rules", raw, "expected a mapping of rule settings")
        return Rules()
    y.unknown_keys("rules", raw, RULE_KEYS)
    values: dict[str, Any] = {}
    for key, spec in Rules.simple_settings().items():  # whole numbers, numbers and yes/no, as they describe
        if key not in raw:
            continue
        low, high = spec.metadata["low"], spec.metadata["high"]
        if spec.type in (bool, "bool"):
            parsed = y.boolean(f"rules.{key}", raw[key])
        elif spec.type in (int, "int"):
            parsed = y.integer(f"rules.{key}", raw[key], low, high)
        else:
            parsed = y.number(f"rules.{key}", raw[key], low, high)
        if parsed is not None:
            values[key] = parsed
    if "observers_required" in raw:
        observers = raw["observers_required"]
        if not isinstance(observers, dict) or any(k not in OBSERVER_ORGANISATIONS for k in observers):
            y.bad("rules.observers_required", observers, "expected a mapping such as {WDC: 1, CSC: 1}")
        else:
            counts = {k: y.integer(f"rules.observers_required.{k}", v, 0, 20) for k, v in observers.items()}
            if all(v is not None for v in counts.values()):
                values["observers_required"] = counts
    if "travel_buffer" in raw:
        steps = _parse_travel_buffer(raw["travel_buffer"], y)
        if steps is not None:
            values["travel_buffer"] = steps
    if "report_lead_time_kinds" in raw:
        kinds = raw["report_lead_time_kinds"]
        if not isinstance(kinds, list) or any(k not in ENGAGEMENT_KINDS for k in kinds):
            y.bad("rules.report_lead_time_kinds", kinds, "expected a list of engagement kinds: "
                  + ", ".join(ENGAGEMENT_KINDS))
        else:
            values["report_lead_time_kinds"] = tuple(kinds)
    if "host_calendar" in raw:
        if raw["host_calendar"] not in HOST_CALENDAR_MODES:
            y.bad("rules.host_calendar", raw["host_calendar"], "expected one of " + ", ".join(HOST_CALENDAR_MODES))
        else:
            values["host_calendar"] = raw["host_calendar"]
    if "preferred_start_weekdays" in raw:
        weekdays = raw["preferred_start_weekdays"]
        if not isinstance(weekdays, list) or any(
                isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
            y.bad("rules.preferred_start_weekdays", weekdays, "expected a list of weekdays, 0 = Monday .. 6 = Sunday")
        else:
            values["preferred_start_weekdays"] = tuple(weekdays)
    return Rules(**values)


def _distance_steps(raw: Any, y: _Yaml, key: str, value_key: str, parse_value, example: str) -> list | None:
    """A list of ``{up_to_km: km, <value_key>: value}`` steps, distances increasing, the last one ``null`` (any
    distance): the travel buffer's days and the fare bands. Returns ``(km, value)`` pairs, or None after
    recording what is wrong."""
    expected = f"expected a list of steps such as {example}, distances increasing, the last one null (any distance)"
    if not isinstance(raw, list) or not raw:
        y.bad(key, raw, expected)
        return None
    steps: list[tuple[float | None, Any]] = []
    for index, item in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(item, dict) or set(item) != {"up_to_km", value_key}:
            y.bad(where, item, expected)
            return None
        value = parse_value(f"{where}.{value_key}", item[value_key])
        km = item["up_to_km"]
        if km is not None:
            km = y.number(f"{where}.up_to_km", km, 0, 50_000)
        if value is None or (item["up_to_km"] is not None and km is None):
            return None
        steps.append((km, value))
    bounded = [km for km, _ in steps[:-1]]
    if steps[-1][0] is not None or None in bounded or bounded != sorted(bounded):
        y.bad(key, raw, expected)
        return None
    return steps


def _parse_travel_buffer(raw: Any, y: _Yaml) -> tuple[TravelBufferStep, ...] | None:
    steps = _distance_steps(raw, y, "rules.travel_buffer", "days", lambda k, v: y.integer(k, v, 0, 30),
                            "[{up_to_km: 0, days: 0}, {up_to_km: 2500, days: 1}, {up_to_km: null, days: 2}]")
    return None if steps is None else tuple(TravelBufferStep(km, days) for km, days in steps)


def _parse_costs(raw: Any, y: _Yaml) -> CostSettings:
    """scenario.yaml ``costs``: every figure an assumption (docs/scenario-format.md, "Costs")."""
    if raw is None:
        return CostSettings()
    if not isinstance(raw, dict):
        y.bad("costs", raw, "expected a mapping with currency, fare_bands, daily_allowance, funders")
        return CostSettings()
    y.unknown_keys("costs", raw, COST_KEYS)
    values: dict[str, Any] = {}
    if "currency" in raw:
        currency = raw["currency"]
        if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            y.bad("costs.currency", currency, "expected a three-letter currency code such as USD or EUR")
        else:
            values["currency"] = currency
    if "daily_allowance" in raw:
        allowance = y.number("costs.daily_allowance", raw["daily_allowance"], 0, 1e5)
        if allowance is not None:
            values["daily_allowance"] = allowance
    if "fare_bands" in raw:
        bands = _distance_steps(raw["fare_bands"], y, "costs.fare_bands", "fare",
                                lambda k, v: y.number(k, v, 0, 1e6),
                                "[{up_to_km: 1500, fare: 500}, {up_to_km: null, fare: 2200}]")
        if bands is not None:
            values["fare_bands"] = tuple(FareBand(km, fare) for km, fare in bands)
    if "funders" in raw:
        funders = raw["funders"]
        if not isinstance(funders, dict) or any(
                k not in OBSERVER_ORGANISATIONS or not isinstance(v, str) or not v.strip()
                for k, v in funders.items()):
            y.bad("costs.funders", funders, "expected a mapping of observer organisation to who pays for its people, "
                  "such as {CSC: EU}")
        else:
            values["funders"] = {k: v.strip() for k, v in funders.items()}
    return CostSettings(**values)


def _parse_weights(raw: Any, y: _Yaml) -> tuple[dict[str, float], tuple[str, ...]]:
    """The weights, and which of the derivable ones (leaving work out) are left to the package: those absent
    or written ``auto`` are derived so that work comes first (``planner.core.model.work_first_weights``)."""
    weights = dict(DEFAULT_WEIGHTS)
    if raw is None:
        return weights, DERIVABLE_WEIGHTS
    if not isinstance(raw, dict):
        y.bad("weights", raw, "expected a mapping of term name to weight")
        return weights, DERIVABLE_WEIGHTS
    y.unknown_keys("weights", raw, set(DEFAULT_WEIGHTS))
    derived = tuple(k for k in DERIVABLE_WEIGHTS if k not in raw or raw[k] == "auto")
    for key, value in raw.items():
        if key in DERIVABLE_WEIGHTS and value == "auto":
            continue
        if key in DEFAULT_WEIGHTS:
            expected = "expected a number from 0 to 1e+06" + (", or auto" if key in DERIVABLE_WEIGHTS else "")
            parsed = y.number(f"weights.{key}", value, 0, 1e6, expected=expected)
            if parsed is not None:
                try:  # decimal, not binary, arithmetic: 1.005 has three decimals
                    exact = Decimal(str(parsed)).as_tuple().exponent >= -3
                except InvalidOperation:
                    exact = False
                if not exact:
                    y.bad(f"weights.{key}", value, "expected at most three decimals")
                else:
                    weights[key] = parsed
    return weights, derived


def _parse_solver(raw: Any, y: _Yaml) -> SolverSettings:
    if raw is None:
        return SolverSettings()
    if not isinstance(raw, dict):
        y.bad("solver", raw, "expected a mapping of solver settings")
        return SolverSettings()
    y.unknown_keys("solver", raw, SOLVER_KEYS)
    values: dict[str, Any] = {}
    if "time_limit_s" in raw:
        values["time_limit_s"] = y.number("solver.time_limit_s", raw["time_limit_s"], 0.1, 86_400)
    if "workers" in raw:
        values["workers"] = y.integer("solver.workers", raw["workers"], 1, 64)
    if "seed" in raw:
        values["seed"] = y.integer("solver.seed", raw["seed"], 0, 2**31 - 1)
    if "reproducible" in raw:
        values["reproducible"] = y.boolean("solver.reproducible", raw["reproducible"])
    if "relative_gap_limit" in raw:
        values["relative_gap_limit"] = y.number("solver.relative_gap_limit", raw["relative_gap_limit"], 0, 1)
    return SolverSettings(**{k: v for k, v in values.items() if v is not None})


def _read_yaml(folder: Path, problems: list[Problem]) -> dict | None:
    raw_bytes = t.read_file(folder / SCENARIO_FILE, problems, "expected name, horizon, rules, weights, solver")
    if raw_bytes is None:
        return None
    try:
        content = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(SCENARIO_FILE, "expected UTF-8 text"))
        return None
    try:
        raw = yaml.safe_load(content)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problems.append(Problem(SCENARIO_FILE, f"expected valid YAML ({getattr(error, 'problem', error)})", row=row))
        return None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        # PyYAML's constructors raise these for values such as 2018-02-30 or '!!float ""'
        problems.append(Problem(SCENARIO_FILE, f"expected valid YAML values ({type(error).__name__}: {error})"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(SCENARIO_FILE, "the file is empty or not a mapping; expected name, horizon, "
                                "rules, weights, solver"))
        return None
    return raw


# --- building objects ------------------------------------------------------------------------


def _split_home(value: str) -> tuple[str, float | None, float | None]:
    """``home`` is a participant (or EU member state) code, or ``lat/lon``."""
    if "/" in value:
        lat_text, _, lon_text = value.partition("/")
        lat = t.latitude(lat_text)
        lon = t.longitude(lon_text)
        return "", lat, lon
    return value.strip(), None, None


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario folder; raise ``ScenarioError`` listing every problem found."""

    folder = Path(path)
    if not folder.is_dir():
        raise ScenarioError([Problem(str(folder), "expected a scenario folder containing scenario.yaml and "
                                     "the CSV files of docs/scenario-format.md")], unreadable=True)
    problems: list[Problem] = []
    raw = _read_yaml(folder, problems)
    tables = {name: t.read_table(folder / name, columns, problems) for name, columns in FILES.items()}
    for name, columns in OPTIONAL_FILES.items():
        before = len(problems)
        rows = t.read_table(folder / name, columns, problems, required_file=False)
        # an optional file that is not there is an empty table; one that is there but unusable is a problem
        tables[name] = rows if rows is not None or len(problems) > before else t.TableRows()
    if raw is None:
        raise ScenarioError(problems, unreadable=t.any_unreadable(problems))
    y = _Yaml(problems)
    if any(rows is None for rows in tables.values()):
        # a table is unusable: still report what scenario.yaml has wrong, then stop
        y.unknown_keys("scenario", raw, TOP_KEYS)
        _parse_rules(raw.get("rules"), y), _parse_weights(raw.get("weights"), y), _parse_solver(raw.get("solver"), y)
        _parse_costs(raw.get("costs"), y)
        raise ScenarioError(problems, unreadable=t.any_unreadable(problems))

    y.unknown_keys("scenario", raw, TOP_KEYS)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        y.bad("name", name, "expected the scenario's name as text")
        name = folder.name
    horizon = raw.get("horizon")
    max_days = HORIZON_MAX_DAYS
    if not isinstance(horizon, dict) or "start" not in horizon or "end" not in horizon:
        y.bad("horizon", horizon, "expected 'horizon: {start: YYYY-MM-DD, end: YYYY-MM-DD}'")
        horizon_start = horizon_end = None
    else:
        y.unknown_keys("horizon", horizon, HORIZON_KEYS)
        horizon_start = y.day("horizon.start", horizon["start"])
        horizon_end = y.day("horizon.end", horizon["end"])
        if "max_days" in horizon:
            max_days = y.integer("horizon.max_days", horizon["max_days"], 1, HORIZON_MAX_DAYS_CEILING) or max_days
        if horizon_start and horizon_end and horizon_end < horizon_start:
            y.bad("horizon.end", horizon_end, f"expected a date on or after horizon.start ({horizon_start})")
        elif horizon_start and horizon_end and days_inclusive(horizon_start, horizon_end) > max_days:
            # every check looks at each day of a window: an overlong horizon is refused before any of them runs
            y.bad("horizon.end", horizon_end, f"expected a horizon of at most {max_days} days (horizon.max_days); "
                  f"{horizon_start} to {horizon_end} is {days_inclusive(horizon_start, horizon_end)} days")
    rules = _parse_rules(raw.get("rules"), y)
    weights, derived_weights = _parse_weights(raw.get("weights"), y)
    solver = _parse_solver(raw.get("solver"), y)
    costs = _parse_costs(raw.get("costs"), y)
    description = raw.get("description") or ""

    participants = tuple(
        Participant(
            code=r.values["code"], name=r.values["name"], region=r.values["region"], lat=r.values["lat"],
            lon=r.values["lon"], languages=r.values["languages"], regional_approach=r.values["regional_approach"],
            member_states=r.values["member_states"], participant_from=r.values.get("participant_from"),
            extra=r.extra,
        )
        for r in tables["participants.csv"]
    )
    coords = {p.code: (p.lat, p.lon) for p in participants}
    for p in participants:
        for member in p.member_states:
            coords.setdefault(member, (p.lat, p.lon))

    # ids of rows dropped for bad cells: references to them are not reported a second time
    failed = {name: rows.failed_keys for name, rows in tables.items()}
    reviewers, reviewer_rows = [], []
    for r in tables["reviewers.csv"]:
        v = r.values
        try:
            home, lat, lon = _split_home(v["home"])
        except t.CellError:
            problems.append(Problem("reviewers.csv", "expected a participant code or 'lat/lon' such as "
                                    "'-25.75/28.19'", row=r.number, column="home", value=v["home"]))
            continue
        if lat is None:
            if home in failed["participants.csv"]:
                continue
            if home not in coords:
                problems.append(Problem("reviewers.csv", "expected a participant code from participants.csv "
                                        "(or an EU member state), or 'lat/lon'", row=r.number, column="home",
                                        value=home))
                continue
            lat, lon = coords[home]
        reviewers.append(Reviewer(
            id=v["id"], organisation=v["organisation"], groups=v["groups"], languages=v["languages"],
            expertise=v["expertise"], home=home, home_lat=lat, home_lon=lon,
            max_engagements=v["max_engagements"], extra=r.extra,
        ))
        reviewer_rows.append(r.number)
    unavailability = tuple(
        Unavailability(r.values["reviewer"], r.values["start"], r.values["end"], r.values["reason"] or "",
                       extra=r.extra)
        for r in tables["unavailability.csv"]
    )
    events = tuple(
        FixedEvent(id=r.values["id"], title=r.values["title"], kind=r.values["kind"], place=r.values["place"],
                   lat=r.values["lat"], lon=r.values["lon"], start=r.values["start"], end=r.values["end"],
                   attendees=r.values["attendees"], extra=r.extra)
        for r in tables["events.csv"]
    )
    sites: dict[str, list[Site]] = {}
    for r in tables["sites.csv"]:
        v = r.values
        sites.setdefault(v["engagement_id"], []).append(Site(v["place"], v["lat"], v["lon"], v["days"]))
    engagements = tuple(
        Engagement(
            id=v["id"], kind=v["kind"], title=v["title"], hosts=v["hosts"], place=v["place"] or "",
            duration_days=v["duration_days"], earliest_start=v["earliest_start"], latest_end=v["latest_end"],
            priority=v["priority"], team_min=v["team_min"], team_max=v["team_max"], attendees=v["attendees"],
            languages=v["languages"], expertise=v["expertise"], pinned_start=v["pinned_start"],
            published_start=v["published_start"], observers=v.get("observers"),
            min_other_governments=v.get("min_other_governments"),
            interpretation=bool(v.get("interpretation", False)), sites=tuple(sites.get(v["id"], ())),
            extra=r.extra, source_row=r.number,
        )
        for r in tables["engagements.csv"]
        for v in [r.values]
    )
    pins = tuple(Pin(r.values["engagement_id"], r.values["reviewer_id"], r.values["role"], source_row=r.number)
                 for r in tables["pins.csv"])
    if horizon_start is None or horizon_end is None:
        raise ScenarioError(problems)
    scenario = Scenario(
        name=name.strip(), horizon_start=horizon_start, horizon_end=horizon_end, participants=participants,
        reviewers=tuple(reviewers), unavailability=unavailability, events=events, engagements=engagements,
        rules=rules, weights=weights, solver=solver, description=str(description), source_path=str(folder),
        derived_weights=derived_weights, horizon_max_days=max_days, pins=pins, costs=costs,
    )
    rows = {name: [r.number for r in rows] for name, rows in tables.items()}
    rows["reviewers.csv"] = reviewer_rows
    dropped = set().union(*failed.values())
    site_rows = [(r.values["engagement_id"], r.number) for r in tables["sites.csv"]]
    problems.extend(p for p in check_references(scenario, rows) + check_sites(scenario, site_rows)
                    if not (p.value in dropped and p.column in REFERENCE_COLUMNS))
    if problems:
        raise ScenarioError(problems)
    return scenario


# --- saving -------------------------------------------------------------------------------------


def _rule_value(rules: Rules, key: str):
    """One rule setting as scenario.yaml writes it."""
    if key == "observers_required":
        return dict(rules.observers_required)
    if key == "travel_buffer":
        return [{"up_to_km": s.up_to_km, "days": s.days} for s in rules.travel_buffer]
    value = getattr(rules, key)
    return list(value) if isinstance(value, tuple) else value


def _yaml_document(scenario: Scenario) -> dict:
    rules = scenario.rules
    return {
        "name": scenario.name,
        "description": scenario.description,
        "horizon": {"start": scenario.horizon_start.isoformat(), "end": scenario.horizon_end.isoformat(),
                    # written only when set, so that scenarios saved before the setting existed stay as they are
                    **({"max_days": scenario.horizon_max_days}
                       if scenario.horizon_max_days != HORIZON_MAX_DAYS else {})},
        "rules": {f.name: _rule_value(rules, f.name) for f in fields(Rules)},  # in declaration order
        "weights": {k: "auto" if k in scenario.derived_weights else v for k, v in scenario.weights.items()},
        "solver": {
            "time_limit_s": scenario.solver.time_limit_s,
            "workers": scenario.solver.workers,
            "seed": scenario.solver.seed,
            "reproducible": scenario.solver.reproducible,
            "relative_gap_limit": scenario.solver.relative_gap_limit,
        },
        **({} if scenario.costs == CostSettings() else {"costs": _costs_document(scenario.costs)}),
    }


def _costs_document(costs: CostSettings) -> dict:
    return {"currency": costs.currency,
            "fare_bands": [{"up_to_km": b.up_to_km, "fare": b.fare} for b in costs.fare_bands],
            "daily_allowance": costs.daily_allowance, "funders": dict(costs.funders)}


def _extra_columns(items) -> list[str]:
    names: list[str] = []
    for item in items:
        for key in item.extra:
            if key not in names:
                names.append(key)
    return names


# Characters YAML reads as line breaks: in a plain or single-quoted string PyYAML writes them as they are, and
# reading folds them into a space; a double-quoted string escapes them (\N, \L, \P), so the text comes back.
YAML_LINE_BREAKS = "\x85\u2028\u2029"


class _ScenarioDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing a string with a YAML line break in it double-quoted."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if any(ch in text for ch in YAML_LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ScenarioDumper.add_representer(str, _represent_text)


def scenario_files(scenario: Scenario) -> dict[str, str]:
    """The text of every file of a scenario folder, keyed by file name."""
    files = {SCENARIO_FILE: yaml.dump(_yaml_document(scenario), Dumper=_ScenarioDumper, sort_keys=False,
                                      allow_unicode=True)}

    extra = _extra_columns(scenario.participants)
    header = [c.name for c in PARTICIPANT_COLUMNS] + extra
    files["participants.csv"] = t.write_csv_text(header, [
        [p.code, p.name, p.region, p.lat, p.lon, p.languages, p.regional_approach, p.member_states,
         p.participant_from] + [p.extra.get(k, "") for k in extra]
        for p in scenario.participants
    ])
    extra = _extra_columns(scenario.reviewers)
    header = [c.name for c in REVIEWER_COLUMNS] + extra
    files["reviewers.csv"] = t.write_csv_text(header, [
        [r.id, r.organisation, r.groups, r.languages, r.expertise,
         r.home or f"{r.home_lat!r}/{r.home_lon!r}", r.max_engagements] + [r.extra.get(k, "") for k in extra]
        for r in scenario.reviewers
    ])
    extra = _extra_columns(scenario.unavailability)
    files["unavailability.csv"] = t.write_csv_text(
        [c.name for c in UNAVAILABILITY_COLUMNS] + extra,
        [[u.reviewer, u.start, u.end, u.reason] + [u.extra.get(k, "") for k in extra]
         for u in scenario.unavailability],
    )
    extra = _extra_columns(scenario.events)
    header = [c.name for c in EVENT_COLUMNS] + extra
    files["events.csv"] = t.write_csv_text(header, [
        [v.id, v.title, v.kind, v.place, v.lat, v.lon, v.start, v.end, v.attendees]
        + [v.extra.get(k, "") for k in extra]
        for v in scenario.events
    ])
    extra = _extra_columns(scenario.engagements)
    overrides = any(e.observers is not None or e.min_other_governments is not None or e.interpretation
                    for e in scenario.engagements)
    header = [c.name for c in ENGAGEMENT_COLUMNS if overrides or c.name not in ENGAGEMENT_OVERRIDE_COLUMNS] + extra
    files["engagements.csv"] = t.write_csv_text(header, [
        [e.id, e.kind, e.title, e.hosts, e.place, e.duration_days, e.earliest_start, e.latest_end, e.priority,
         e.team_min, e.team_max, e.attendees, e.languages, e.expertise, e.pinned_start, e.published_start]
        + ([_observers_cell(e), e.min_other_governments, "yes" if e.interpretation else ""] if overrides else [])
        + [e.extra.get(k, "") for k in extra]
        for e in scenario.engagements
    ])
    if scenario.pins:
        files["pins.csv"] = t.write_csv_text([c.name for c in PIN_COLUMNS], [
            [p.engagement_id, p.reviewer_id, p.role] for p in scenario.pins])
    if any(e.sites for e in scenario.engagements):
        files["sites.csv"] = t.write_csv_text([c.name for c in SITE_COLUMNS], [
            [e.id, site.place, site.lat, site.lon, site.days] for e in scenario.engagements for site in e.sites])
    return files


def _observers_cell(e: Engagement) -> str:
    if e.observers is None:
        return ""
    return ";".join(e.observers) if e.observers else "none"


def save_scenario(scenario: Scenario, path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write ``scenario`` as a folder, each file atomically. Refuses to overwrite unless told to."""
    folder = Path(path)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise FileExistsError(f"{folder} already exists and is not empty; pass overwrite=True to replace it")
    folder.mkdir(parents=True, exist_ok=True)
    files = scenario_files(scenario)
    for name, content in files.items():
        atomic_write_text(folder / name, content)
    for name in OPTIONAL_FILES:  # an optional file the scenario no longer has must not linger from before
        if name not in files:
            (folder / name).unlink(missing_ok=True)
    return folder
