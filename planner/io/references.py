"""Cross-file checks of a scenario, and the ``validate`` report used by ``kp-plan validate``.

``check_references`` finds what one table says about another (unknown reviewer, host, attendee tag),
duplicate ids, inverted or out-of-horizon dates, and windows too short for their duration or longer than the
scenario's ``horizon_max_days``.
``validate_scenario`` loads a folder and adds the staffing pre-checks of ``planner.rules.precheck``.
"""

from __future__ import annotations

from planner.core.model import OBSERVER_ORGANISATIONS, Scenario, days_inclusive
from planner.core.problems import Problem


def _duplicates(file: str, column: str, ids: list[str], rows: list[int]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for value, row in zip(ids, rows, strict=True):
        if value in seen:
            problems.append(Problem(file, f"expected a unique id; already used on row {seen[value]}", row=row,
                                    column=column, value=value))
        else:
            seen[value] = row
    return problems


def _known_attendee_token(scenario: Scenario, token: str) -> bool:
    return token == "all" or bool(scenario.group_members(token))


def check_references(scenario: Scenario, rows: dict[str, list[int]]) -> list[Problem]:
    """Every cross-file and date problem of a parsed scenario. ``rows`` maps file -> row number per item."""
    problems: list[Problem] = []
    h0, h1 = scenario.horizon_start, scenario.horizon_end
    horizon = f"the horizon {h0} to {h1}"

    def in_horizon(file: str, row: int, column: str, day) -> None:
        if day is not None and not h0 <= day <= h1:
            problems.append(Problem(file, f"expected a date inside {horizon}", row=row, column=column,
                                    value=day.isoformat()))

    def ordered(file: str, row: int, start, end, start_col: str = "start", end_col: str = "end") -> bool:
        if end < start:
            problems.append(Problem(file, f"expected a date on or after {start_col} ({start})", row=row,
                                    column=end_col, value=end.isoformat()))
            return False
        return True

    p_rows, r_rows = rows["participants.csv"], rows["reviewers.csv"]
    u_rows, v_rows, e_rows = rows["unavailability.csv"], rows["events.csv"], rows["engagements.csv"]
    problems += _duplicates("participants.csv", "code", [p.code for p in scenario.participants], p_rows)
    problems += _duplicates("reviewers.csv", "id", [r.id for r in scenario.reviewers], r_rows)
    problems += _duplicates("events.csv", "id", [v.id for v in scenario.events], v_rows)
    problems += _duplicates("engagements.csv", "id", [e.id for e in scenario.engagements], e_rows)

    for p, row in zip(scenario.participants, p_rows, strict=True):
        if p.participant_from is not None and p.participant_from > h1:
            problems.append(Problem("participants.csv", f"expected a date inside or before {horizon}", row=row,
                                    column="participant_from", value=p.participant_from.isoformat()))

    for r, row in zip(scenario.reviewers, r_rows, strict=True):
        if r.organisation not in OBSERVER_ORGANISATIONS and scenario.participant_of_country(r.organisation) is None:
            problems.append(Problem("reviewers.csv", "expected a participant code from participants.csv, an EU "
                                    "member state, 'WDC' or 'CSC'", row=row, column="organisation",
                                    value=r.organisation))

    reviewer_ids = set(scenario.reviewers_by_id)
    for u, row in zip(scenario.unavailability, u_rows, strict=True):
        if u.reviewer not in reviewer_ids:
            problems.append(Problem("unavailability.csv", "expected a reviewer id from reviewers.csv", row=row,
                                    column="reviewer", value=u.reviewer))
        if ordered("unavailability.csv", row, u.start, u.end) and (u.end < h0 or u.start > h1):
            problems.append(Problem("unavailability.csv", f"expected a period that overlaps {horizon}", row=row,
                                    column="start", value=u.start.isoformat()))

    for v, row in zip(scenario.events, v_rows, strict=True):
        if ordered("events.csv", row, v.start, v.end) and (v.end < h0 or v.start > h1):
            problems.append(Problem("events.csv", f"expected an event that overlaps {horizon}", row=row,
                                    column="start", value=v.start.isoformat()))
        for token in v.attendees:
            if not _known_attendee_token(scenario, token):
                problems.append(Problem("events.csv", "expected 'all', a reviewer id or a group tag used in "
                                        "reviewers.csv", row=row, column="attendees", value=token))

    participants = scenario.participants_by_code
    for e, row in zip(scenario.engagements, e_rows, strict=True):
        f = "engagements.csv"
        for host in e.hosts:
            if host not in participants:
                problems.append(Problem(f, "expected participant codes from participants.csv", row=row,
                                        column="hosts", value=host))
        if len(set(e.hosts)) != len(e.hosts):
            problems.append(Problem(f, "expected each candidate host once", row=row, column="hosts",
                                    value=";".join(e.hosts)))
        if e.is_review_visit and len(e.hosts) != 1:
            problems.append(Problem(f, "expected exactly one host for a review visit", row=row, column="hosts",
                                    value=";".join(e.hosts)))
        if ordered(f, row, e.earliest_start, e.latest_end, "earliest_start", "latest_end"):
            in_horizon(f, row, "earliest_start", e.earliest_start)
            in_horizon(f, row, "latest_end", e.latest_end)
            window = days_inclusive(e.earliest_start, e.latest_end)
            if window > scenario.horizon_max_days:
                problems.append(Problem(f, f"expected a window of at most {scenario.horizon_max_days} days "
                                        f"(scenario.yaml horizon.max_days); {e.earliest_start}..{e.latest_end} is "
                                        f"{window} days", row=row, column="latest_end",
                                        value=e.latest_end.isoformat()))
            if window < e.duration_days:
                problems.append(Problem(f, f"expected a window of at least duration_days ({e.duration_days}); "
                                        f"{e.earliest_start}..{e.latest_end} is {window} days", row=row,
                                        column="latest_end", value=e.latest_end.isoformat()))
            if e.pinned_start is not None and not e.earliest_start <= e.pinned_start <= e.latest_start:
                problems.append(Problem(f, f"expected a start between {e.earliest_start} and {e.latest_start} so "
                                        "that the engagement fits its window", row=row, column="pinned_start",
                                        value=e.pinned_start.isoformat()))
        if e.published_start is not None:
            in_horizon(f, row, "published_start", e.published_start)
        if e.team_min is not None and e.team_max is not None and e.team_max < e.team_min:
            problems.append(Problem(f, f"expected team_max of at least team_min ({e.team_min})", row=row,
                                    column="team_max", value=str(e.team_max)))
        if not e.is_review_visit and not e.attendees and e.team_min in (None, 0):
            problems.append(Problem(f, "expected required attendees (group tags or reviewer ids) or a team_min "
                                    "for a workshop or meeting", row=row, column="attendees", value=""))
        for token in e.attendees:
            if not _known_attendee_token(scenario, token):
                problems.append(Problem(f, "expected 'all', a reviewer id or a group tag used in reviewers.csv",
                                        row=row, column="attendees", value=token))
        if e.is_review_visit and e.attendees:
            problems.append(Problem(f, "expected no attendees on a review visit: its team is chosen by the planner; "
                                    "to fix people onto it, list them in pins.csv", row=row, column="attendees",
                                    value=";".join(e.attendees)))
    problems += _check_pins(scenario)
    return problems


def check_sites(scenario: Scenario, site_rows: list[tuple[str, int]]) -> list[Problem]:
    """sites.csv (``site_rows``: each row's engagement id and row number, in file order): known engagements with
    one host, whose sites' days add up to their duration."""
    f = "sites.csv"
    problems: list[Problem] = []
    engagements = scenario.engagements_by_id
    rows_of: dict[str, list[int]] = {}
    for eid, row in site_rows:
        if eid not in engagements:
            problems.append(Problem(f, "expected an engagement id from engagements.csv", row=row,
                                    column="engagement_id", value=eid))
        else:
            rows_of.setdefault(eid, []).append(row)
    for eid, rows in rows_of.items():
        e = engagements[eid]
        if len(e.hosts) != 1:
            problems.append(Problem(f, "expected sites only for an engagement with one host", row=rows[0],
                                    column="engagement_id", value=eid))
        total = sum(site.days for site in e.sites)
        if total != e.duration_days:
            problems.append(Problem(f, f"expected the days of {eid}'s sites to add up to its duration_days "
                                    f"({e.duration_days}); they add up to {total}", row=rows[-1], column="days",
                                    value=str(e.sites[-1].days)))
    return problems


def _check_pins(scenario: Scenario) -> list[Problem]:
    """pins.csv: known engagements and people, one pin per person and engagement, at most one lead, roles that
    fit the engagement's kind, a lead who may lead."""
    f = "pins.csv"
    problems: list[Problem] = []
    engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
    seen: dict[tuple[str, str], int | None] = {}
    lead_row: dict[str, int | None] = {}
    for pin in scenario.pins:
        row = pin.source_row
        e, r = engagements.get(pin.engagement_id), reviewers.get(pin.reviewer_id)
        if e is None:
            problems.append(Problem(f, "expected an engagement id from engagements.csv", row=row,
                                    column="engagement_id", value=pin.engagement_id))
        if r is None:
            problems.append(Problem(f, "expected a reviewer id from reviewers.csv", row=row, column="reviewer_id",
                                    value=pin.reviewer_id))
        if e is None or r is None:
            continue
        key = (e.id, r.id)
        if key in seen:
            problems.append(Problem(f, f"expected one pin per person and engagement; {r.id} is already pinned on "
                                    f"{e.id} on row {seen[key]}", row=row, column="reviewer_id", value=r.id))
            continue
        seen[key] = row
        if e.is_review_visit and pin.role == "attendee":
            problems.append(Problem(f, "expected lead, member or excluded on a review visit", row=row,
                                    column="role", value=pin.role))
        if not e.is_review_visit and pin.role in ("lead", "member"):
            problems.append(Problem(f, f"expected attendee or excluded on a {e.kind.replace('_', ' ')} (only review "
                                    "visits have leads and members)", row=row, column="role", value=pin.role))
        if pin.role == "lead" and e.is_review_visit:
            if e.id in lead_row:
                problems.append(Problem(f, f"expected at most one lead for {e.id}; row {lead_row[e.id]} already "
                                        "pins its lead", row=row, column="role", value=pin.role))
            else:
                lead_row[e.id] = row
            if not scenario.may_lead(r):
                problems.append(Problem(f, f"expected a lead who may lead: {r.id} is not lead-eligible"
                                        + ("" if r.is_government else " (an observer, and the lead represents a "
                                           "participant government)"), row=row, column="reviewer_id", value=r.id))
    return problems
