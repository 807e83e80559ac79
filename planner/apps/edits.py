"""What-if edits of a scenario, checked before they are accepted (the widgets of notebooks/02-what-if.ipynb).

Every edit is a pure function: it takes a ``Scenario`` and returns a *new* one (``dataclasses.replace``), or
raises ``EditRejected`` — a ``ValueError`` whose message says in plain words why the edit cannot be made
("CM-9 is not a reviewer of this scenario; did you mean CM-1?"). Nothing here reads or writes files except
``save_variant``, which writes a whole scenario folder atomically and never replaces an existing folder
without ``confirm_overwrite=True``.

Edits check what the scenario format checks (``planner.rules.validation.check_references``) and a little more:
dates inside the horizon, known reviewers and participants, a pinned day the calendar rules allow and on
which the engagement can be staffed. ``consequences`` says what an accepted edit costs (an engagement that
can no longer be staffed on any day), so that a coordinator sees it before solving.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from datetime import date, datetime
from pathlib import Path

from planner.core.calendar import allowed_starts, start_rejection
from planner.core.model import DEFAULT_WEIGHTS, PIN_ROLES, PRIORITIES, Engagement, Pin, Rules, Scenario, days_inclusive
from planner.core.problems import ScenarioError
from planner.engine.replan import mark_unavailable as _mark_unavailable
from planner.io import scenario_files
from planner.io.atomic import replacing_folder
from planner.io.references import check_references
from planner.rules.hard.pinned_people_kept import pin_problems
from planner.rules.precheck import engagement_findings, staffing_problems


class EditRejected(ValueError):
    """An edit that cannot be made; ``str(error)`` is the reason in plain words."""


class VariantExists(FileExistsError):
    """``save_variant`` would replace an existing, non-empty folder without confirmation."""


# --- the settings an edit may change -------------------------------------------------------------------

#: Rules that the what-if editor changes: name -> (label, lowest, highest). ``None`` bounds mean a yes/no rule.
#: Read from the settings' own descriptions (``planner.core.model.setting``): a new setting appears here by itself.
EDITABLE_RULES: dict[str, tuple[str, int | None, int | None]] = {
    name: (f.metadata["label"], f.metadata["edit_low"], f.metadata["edit_high"])
    for name, f in Rules.simple_settings().items() if f.metadata["edit_low"] is not None or f.type in (bool, "bool")}
MAX_WEIGHT = 1_000_000


# --- small helpers -------------------------------------------------------------------------------------


def _suggest(value: str, known, what: str) -> str:
    known = [str(k) for k in known]
    close = difflib.get_close_matches(str(value), known, n=3, cutoff=0.6)
    if close:
        return f"; did you mean {' or '.join(close)}?"
    if len(known) <= 12:
        return f"; choose one of {', '.join(sorted(known))}."
    return f"; choose one of the {what}."


def _as_date(value, what: str) -> date:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` text; anything else is rejected."""
    if value is None or value == "":
        raise EditRejected(f"Choose the {what}.")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise EditRejected(f"The {what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2018-09-24.")


def _in_horizon(scenario: Scenario, day: date, what: str) -> None:
    if not scenario.horizon_start <= day <= scenario.horizon_end:
        raise EditRejected(f"The {what} {day:%d %b %Y} is outside the scenario's horizon "
                           f"({scenario.horizon_start:%d %b %Y} to {scenario.horizon_end:%d %b %Y}).")


def _whole_number(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or value is None:
        raise EditRejected(f"The {what} must be a whole number from {low} to {high}.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        raise EditRejected(f"The {what} must be a whole number from {low} to {high}, not {value!r}.")
    return value


def _engagement(scenario: Scenario, engagement_id: str) -> Engagement:
    e = scenario.engagements_by_id.get(str(engagement_id).strip())
    if e is None:
        raise EditRejected(f"{engagement_id!r} is not an engagement of this scenario"
                           + _suggest(engagement_id, scenario.engagements_by_id, "engagement ids"))
    return e


def _reviewer_id(scenario: Scenario, reviewer_id) -> str:
    """A known reviewer id (``za-1`` is ``ZA-1``), else ``EditRejected`` with the nearest ids."""
    rid = str(reviewer_id or "").strip()
    if not rid:
        raise EditRejected("Choose a reviewer.")
    if rid not in scenario.reviewers_by_id and rid.upper() in scenario.reviewers_by_id:
        rid = rid.upper()
    if rid not in scenario.reviewers_by_id:
        raise EditRejected(f"{rid} is not a reviewer of this scenario"
                           + _suggest(rid, scenario.reviewers_by_id, "reviewer ids in reviewers.csv"))
    return rid


def _with_engagement(scenario: Scenario, engagement: Engagement) -> Scenario:
    return dataclasses.replace(scenario, engagements=tuple(
        engagement if e.id == engagement.id else e for e in scenario.engagements))


def _checked(scenario: Scenario) -> Scenario:
    """The scenario, if it passes the scenario format's cross-file checks; else ``EditRejected``."""

    rows = {name: list(range(2, 2 + len(items))) for name, items in (
        ("participants.csv", scenario.participants), ("reviewers.csv", scenario.reviewers),
        ("unavailability.csv", scenario.unavailability), ("events.csv", scenario.events),
        ("engagements.csv", scenario.engagements))}
    problems = check_references(scenario, rows)
    if problems:
        details = "; ".join(f"{p.column} {p.value!r}: {p.expected}" if p.value else p.expected
                            for p in problems[:3])
        raise EditRejected(f"The edit would make the scenario invalid ({details}).")
    return scenario


# --- edits -------------------------------------------------------------------------------------------------


def mark_unavailable(scenario: Scenario, reviewer_id: str, start, end, reason: str = "unavailable (what-if)"
                     ) -> Scenario:
    """``reviewer_id`` cannot travel from ``start`` to ``end`` (inclusive, both inside the horizon).

    ``reason`` is private: coordinators see it in their notebooks, dashboards and exports never show it."""
    rid = _reviewer_id(scenario, reviewer_id)
    first, last = _as_date(start, "first day"), _as_date(end, "last day")
    _in_horizon(scenario, first, "first day")
    _in_horizon(scenario, last, "last day")
    if last < first:
        raise EditRejected(f"The last day {last:%d %b %Y} is before the first day {first:%d %b %Y}.")
    return _checked(_mark_unavailable(scenario, rid, first, last, str(reason or "unavailable (what-if)")))


def set_rule(scenario: Scenario, name: str, value) -> Scenario:
    """Change one rule of ``EDITABLE_RULES`` (team size, French speakers, report lead time …)."""
    if name not in EDITABLE_RULES:
        raise EditRejected(f"{name!r} is not a rule the editor changes"
                           + _suggest(name, EDITABLE_RULES, "rules: " + ", ".join(EDITABLE_RULES)))
    label, low, high = EDITABLE_RULES[name]
    if low is None:
        if not isinstance(value, bool):
            raise EditRejected(f"{label}: choose yes (True) or no (False), not {value!r}.")
        new_value = value
    else:
        new_value = _whole_number(value, f"value of '{label}'", low, high)
    rules = dataclasses.replace(scenario.rules, **{name: new_value})
    if rules.review_team_min > rules.review_team_max:
        raise EditRejected(f"The smallest review team ({rules.review_team_min}) would be larger than the largest "
                           f"({rules.review_team_max}); change the other bound first.")
    return _checked(dataclasses.replace(scenario, rules=rules))


def set_weight(scenario: Scenario, name: str, value) -> Scenario:
    """Change one soft-term weight (0 switches the term off; at most three decimals)."""
    if name not in DEFAULT_WEIGHTS:
        raise EditRejected(f"{name!r} is not a weight" + _suggest(name, DEFAULT_WEIGHTS, "weights: "
                                                                  + ", ".join(DEFAULT_WEIGHTS)))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise EditRejected(f"The weight of {name} must be a number, not {value!r}.")
    if not 0 <= value <= MAX_WEIGHT:
        raise EditRejected(f"The weight of {name} must be from 0 to {MAX_WEIGHT:,}, not {value:g}.")
    rounded = round(float(value), 3)
    if abs(rounded - value) > 1e-9:  # sliders give 0.010000000000000002: that is 0.01
        raise EditRejected(f"The weight of {name} may have at most three decimals, not {value!r}.")
    rounded = int(rounded) if rounded.is_integer() else rounded
    # a weight set by hand is no longer derived (work_first_weights)
    derived = tuple(k for k in scenario.derived_weights if k != name)
    return dataclasses.replace(scenario, weights={**scenario.weights, name: rounded}, derived_weights=derived)


def set_weights(scenario: Scenario, weights: dict) -> Scenario:
    """Several weights at once (each checked as by ``set_weight``)."""
    for name, value in weights.items():
        scenario = set_weight(scenario, name, value)
    return scenario


def pin(scenario: Scenario, engagement_id: str, start) -> Scenario:
    """The engagement happens and starts on ``start``. Rejected when the calendar rules forbid that day or
    nobody could staff it then (the solve would have no plan)."""
    e = _engagement(scenario, engagement_id)
    day = _as_date(start, "start day")
    _in_horizon(scenario, day, "start day")
    rejections = [start_rejection(scenario, e, host, day, ignore_pin=True) for host in e.hosts]
    if all(rejections):
        raise EditRejected(f"{e.title} cannot start on {day:%a %d %b %Y}: it would be {rejections[0]}.")
    pinned = dataclasses.replace(e, pinned_start=day)
    changed = _checked(_with_engagement(scenario, pinned))
    findings = engagement_findings(changed, pinned)
    if findings:
        raise EditRejected(f"{e.title} cannot be staffed if it starts on {day:%d %b %Y}: "
                           + " ".join(f.sentence for f in findings))
    return changed


def unpin(scenario: Scenario, engagement_id: str) -> Scenario:
    """The engagement may start on any allowed day of its window again."""
    e = _engagement(scenario, engagement_id)
    if e.pinned_start is None:
        raise EditRejected(f"{e.title} is not pinned; there is nothing to unpin.")
    return _checked(_with_engagement(scenario, dataclasses.replace(e, pinned_start=None)))


def pin_person(scenario: Scenario, engagement_id: str, reviewer_id: str, role: str) -> Scenario:
    """Fix a person onto an engagement as its ``lead``, a ``member`` or an ``attendee``, or keep them off it
    (``excluded``) — a row of pins.csv. A person already pinned on the engagement gets the new role. Rejected
    when the pin could never hold (another rule keeps the person off, or they are busy on every start day)."""
    e = _engagement(scenario, engagement_id)
    rid = _reviewer_id(scenario, reviewer_id)
    if role not in PIN_ROLES:
        raise EditRejected(f"{role!r} is not a pin role; choose one of {', '.join(PIN_ROLES)}.")
    pins = tuple(p for p in scenario.pins if (p.engagement_id, p.reviewer_id) != (e.id, rid))
    if role == "lead":  # a new lead replaces the pinned one
        pins = tuple(p for p in pins if not (p.engagement_id == e.id and p.role == "lead"))
    changed = _checked(dataclasses.replace(scenario, pins=pins + (Pin(e.id, rid, role, source_row=len(pins) + 2),)))
    problems = [p for p in pin_problems(changed) if p.value in (rid, e.id)]
    if problems:
        raise EditRejected(problems[0].expected.removeprefix("expected a pin that can hold: ").rstrip(".") + ".")
    return changed


def unpin_person(scenario: Scenario, engagement_id: str, reviewer_id: str) -> Scenario:
    """Remove the pin of a person on an engagement: the planner chooses freely again."""
    e = _engagement(scenario, engagement_id)
    rid = _reviewer_id(scenario, reviewer_id)
    pins = tuple(p for p in scenario.pins if (p.engagement_id, p.reviewer_id) != (e.id, rid))
    if len(pins) == len(scenario.pins):
        raise EditRejected(f"{rid} is not pinned on {e.title}; there is nothing to unpin.")
    return _checked(dataclasses.replace(scenario, pins=tuple(
        dataclasses.replace(p, source_row=i + 2) for i, p in enumerate(pins))))


_LANGUAGE = re.compile(r"^[a-z]{2}$")
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _tokens(values, what: str, pattern: re.Pattern) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[;,\s]+", values) if v]
    result = tuple(str(v).strip() for v in values or ())
    for v in result:
        if not pattern.match(v):
            raise EditRejected(f"{v!r} is not a valid {what}.")
    return result


def add_invitation(scenario: Scenario, host: str, earliest_start, latest_end, duration_days: int = 5, *,
                   priority: str = "normal", engagement_id: str | None = None, title: str | None = None,
                   place: str = "", team_min: int | None = None, team_max: int | None = None,
                   languages=(), expertise=()) -> Scenario:
    """A new review visit: ``host`` (a participant code) invited the KP between two dates.

    Rejected when the host is unknown or already has a review visit, the window leaves the horizon or is
    shorter than the visit, or the calendar rules (plenary, report lead time, membership) leave no start day.
    A required invitation that nobody could staff is rejected too (no plan would exist); an optional one is
    accepted and ``consequences`` says it will be left out.
    """
    code = str(host or "").strip().upper()
    if not code:
        raise EditRejected("Choose the host participant.")
    if code not in scenario.participants_by_code:
        raise EditRejected(f"{code} is not a participant of this scenario"
                           + _suggest(code, scenario.participants_by_code, "participant codes"))
    participant = scenario.participant(code)
    existing = [e.id for e in scenario.engagements if e.is_review_visit and e.hosts == (code,)]
    if existing:
        raise EditRejected(f"{participant.name} already has a review visit ({existing[0]}); change that one "
                           "instead of inviting twice.")
    duration = _whole_number(duration_days, "duration in days", 1, 60)
    first, last = _as_date(earliest_start, "earliest start"), _as_date(latest_end, "latest end")
    _in_horizon(scenario, first, "earliest start")
    _in_horizon(scenario, last, "latest end")
    if last < first:
        raise EditRejected(f"The latest end {last:%d %b %Y} is before the earliest start {first:%d %b %Y}.")
    window = days_inclusive(first, last)
    if window < duration:
        raise EditRejected(f"A {duration}-day visit does not fit between {first:%d %b} and {last:%d %b %Y} "
                           f"({window} days).")
    if priority not in PRIORITIES:
        raise EditRejected(f"The priority must be one of {', '.join(PRIORITIES)}, not {priority!r}.")
    low = None if team_min in (None, "") else _whole_number(team_min, "smallest team", 1, 50)
    high = None if team_max in (None, "") else _whole_number(team_max, "largest team", 1, 50)
    if low is not None and high is not None and high < low:
        raise EditRejected(f"The largest team ({high}) is smaller than the smallest ({low}).")
    eid = (engagement_id or f"{code}-RV").strip()
    if not _TOKEN.match(eid):
        raise EditRejected(f"{eid!r} is not a usable id; use letters, digits and '-' only.")
    if eid in scenario.engagements_by_id:
        raise EditRejected(f"There is already an engagement with the id {eid}; choose another id.")
    invitation = Engagement(
        id=eid, kind="review_visit", title=(title or f"Review visit to {participant.name} (what-if invitation)"),
        hosts=(code,), place=place or "", duration_days=duration, earliest_start=first, latest_end=last,
        priority=priority, team_min=low, team_max=high,
        languages=_tokens(languages, "language code (two letters such as fr)", _LANGUAGE),
        expertise=_tokens(expertise, "expertise tag", _TOKEN))
    changed = dataclasses.replace(scenario, engagements=scenario.engagements + (invitation,))
    if not allowed_starts(changed, invitation, code):
        reasons = sorted({start_rejection(changed, invitation, code, d) or ""
                          for d in (invitation.earliest_start, invitation.latest_start)} - {""})
        raise EditRejected(f"The visit could start on no day of that window: every start is "
                           f"{' or '.join(reasons)}.")
    changed = _checked(changed)
    if invitation.required:
        findings = engagement_findings(changed, invitation)
        if findings:
            raise EditRejected("A required visit that nobody could staff leaves no plan: "
                               + " ".join(f.sentence for f in findings))
    return changed


# --- what an edit costs -------------------------------------------------------------------------------------


def consequences(before: Scenario, after: Scenario) -> list[str]:
    """Engagements that could be staffed in ``before`` but on no day in ``after``, in sentences
    (required ones mean that no plan exists at all)."""
    old = {(f.engagement_id, f.sentence) for f in staffing_problems(before)}
    notes = []
    for f in staffing_problems(after):
        if (f.engagement_id, f.sentence) in old:
            continue
        if f.engagement_required:
            notes.append(f"No plan can exist any more: {f.sentence}")
        else:
            notes.append(f"It will be left out: {f.sentence}")
    return notes


# --- saving a variant -----------------------------------------------------------------------------------


def save_variant(scenario: Scenario, folder: str | os.PathLike, confirm_overwrite: bool = False, *,
                 name: str | None = None, note: str = "") -> Path:
    """Write ``scenario`` as a new scenario folder, atomically.

    The files are written into a hidden staging folder next to ``folder`` and read back with
    ``load_scenario`` (so a saved variant always loads); the staging folder then takes ``folder``'s place in
    one step (``planner.io.atomic.replacing_folder``: there is never a moment without a folder, nor one that
    mixes old and new files, and a failed or killed save leaves the old folder). An existing non-empty
    ``folder`` is never replaced unless ``confirm_overwrite=True``. ``name`` renames the scenario; ``note``
    is added to its description (e.g. the list of edits).
    """
    target = Path(folder)
    if not target.name or target.name in (".", ".."):
        raise EditRejected("Give the variant a folder name.")
    if target.exists() and not target.is_dir():
        raise VariantExists(f"{target} is a file, not a folder; choose another name.")
    if target.is_dir() and any(target.iterdir()) and not confirm_overwrite:
        raise VariantExists(f"The folder {target} already exists and is not empty; choose another name, or "
                            "confirm that it may be replaced.")
    variant = scenario
    if name or note:
        description = "\n".join(x for x in (scenario.description.strip(), note.strip()) if x)
        variant = dataclasses.replace(scenario, name=(name or scenario.name).strip(), description=description)
    try:
        with replacing_folder(target) as staging:
            scenario_files.save_scenario(variant, staging, overwrite=True)
            try:
                scenario_files.load_scenario(staging)
            except ScenarioError as error:
                raise EditRejected(f"The variant would not load back: {error}") from error
    except ScenarioError as error:  # the folder itself cannot be written (say, it holds the working folder)
        raise EditRejected(str(error)) from error
    return target


__all__ = [
    "EDITABLE_RULES", "EditRejected", "VariantExists", "add_invitation", "consequences", "mark_unavailable",
    "pin", "save_variant", "set_rule", "set_weight", "set_weights", "unpin",
]
