"""iCalendar exports: parsed back and compared with the plan, before and after a re-plan."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from planner import load_scenario
from planner.core.calendar import site_of
from planner.core.model import Plan, Scenario, Unavailability
from planner.engine.explain import explain
from planner.engine.solve import solve
from planner.exports.ics import (
    CANCELLED,
    CONFIRMED,
    TENTATIVE,
    engagement_calendar,
    engagement_uid,
    person_calendar,
    plan_calendar,
    plan_stamp,
    write_calendars,
)

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
LIVE = {CONFIRMED, TENTATIVE}  # a planned event: confirmed, or tentative when the scenario calls it hypothetical


def _solve(scenario: Scenario, reference: Plan | None = None) -> Plan:
    result = explain(scenario, solve(scenario, reproducible=True, time_limit_s=10, reference=reference),
                     reference=reference)
    assert result.plan is not None, result.summary()
    return result.plan


def _replace_engagement(s: Scenario, engagement_id: str, **changes) -> Scenario:
    return dataclasses.replace(s, engagements=tuple(dataclasses.replace(e, **changes) if e.id == engagement_id
                                                    else e for e in s.engagements))


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI_DIR)


@pytest.fixture(scope="module")
def first(mini) -> Plan:
    return _solve(mini)


@pytest.fixture(scope="module")
def replanned(mini, first) -> tuple[Scenario, Plan, str]:
    """The mini scenario after changes: AO-RV pinned 2 weeks later, CM-RV only possible in the plenary week
    (so it is left out), and AO-RV's first lead unavailable on the new dates. Re-solved with the first plan
    as reference. Returns (scenario, plan, the removed lead)."""
    ao = first.outcomes_by_id["AO-RV"]
    new_start = ao.start + timedelta(days=14)
    lead = first.lead("AO-RV")
    s = _replace_engagement(mini, "AO-RV", pinned_start=new_start)
    s = _replace_engagement(s, "CM-RV", earliest_start=date(2018, 10, 26), latest_end=date(2018, 10, 31))
    s = dataclasses.replace(s, unavailability=s.unavailability + (
        Unavailability(lead, new_start - timedelta(days=3), new_start + timedelta(days=10), "private"),))
    plan = _solve(s, reference=first)
    assert plan.outcomes_by_id["AO-RV"].start == new_start
    assert not plan.outcomes_by_id["CM-RV"].scheduled
    assert lead not in {a.reviewer_id for a in plan.team("AO-RV")}
    return s, plan, lead


def _events(calendar: Calendar) -> dict[str, dict]:
    """VEVENTs by UID, as plain values."""
    result = {}
    for e in calendar.walk("VEVENT"):
        uid = str(e["UID"])
        assert uid not in result, "duplicate UID in one calendar"
        geo = e.get("GEO")
        result[uid] = {
            "engagement": str(e.get("X-KP-ENGAGEMENT", "")), "event": str(e.get("X-KP-EVENT", "")),
            "start": e.decoded("DTSTART"), "end_exclusive": e.decoded("DTEND"),
            "status": str(e.get("STATUS")), "sequence": int(e.get("SEQUENCE", 0)),
            "summary": str(e["SUMMARY"]), "location": str(e.get("LOCATION", "")),
            "description": str(e.get("DESCRIPTION", "")),
            "geo": (geo.latitude, geo.longitude) if geo else None,
            "stamp": e.decoded("DTSTAMP"),
        }
    return result


def _roundtrip(calendar: Calendar) -> Calendar:
    return Calendar.from_ical(calendar.to_ical())


def _by_engagement(events: dict[str, dict]) -> dict[str, dict]:
    return {v["engagement"]: {**v, "uid": uid} for uid, v in events.items() if v["engagement"]}


# --- what a calendar says -----------------------------------------------------------------------------


def test_person_calendars_match_the_plan(mini, first):
    for reviewer in mini.reviewers:
        events = _events(_roundtrip(person_calendar(mini, first, reviewer.id)))
        engagements = _by_engagement(events)
        mine = {a.engagement_id: a for a in first.of_reviewer(reviewer.id)}
        assert set(engagements) == set(mine)
        for eid, a in mine.items():
            ev = engagements[eid]
            assert ev["status"] in LIVE and ev["sequence"] == 0
            # all-day: DATE values, the end exclusive
            assert type(ev["start"]) is date and type(ev["end_exclusive"]) is date
            assert ev["start"] == a.start and ev["end_exclusive"] == a.end + timedelta(days=1)
            assert ev["geo"] == pytest.approx(site_of(mini, a.host))
            assert mini.participant(a.host).name in ev["location"]
            lead = first.lead(eid)
            if lead:
                assert f"Lead: {lead}" in ev["description"]
            for member in first.team(eid):
                assert member.reviewer_id in ev["description"]
            assert f"Your role: {a.role}" in ev["description"]
        # the fixed events the person attends are in their calendar too
        attended = {v.id for v in mini.events if reviewer.id in mini.attendees_of(v.attendees)}
        assert {v["event"] for v in events.values() if v["event"]} == attended


def test_engagement_and_plan_calendars(mini, first):
    whole = _by_engagement(_events(_roundtrip(plan_calendar(mini, first))))
    assert set(whole) == {o.engagement_id for o in first.scheduled()}
    for o in first.scheduled():
        events = _by_engagement(_events(_roundtrip(engagement_calendar(mini, first, o.engagement_id))))
        assert list(events) == [o.engagement_id]
        ev = events[o.engagement_id]
        assert (ev["start"], ev["end_exclusive"]) == (o.start, o.end + timedelta(days=1))
        assert ev["uid"] == whole[o.engagement_id]["uid"] == engagement_uid(mini.name, o.engagement_id)


def test_rfc5545_shape(mini, first):
    raw = person_calendar(mini, first, first.assignments[0].reviewer_id).to_ical()
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and b"VERSION:2.0" in lines
    assert any(line.startswith(b"PRODID:") for line in lines)
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    assert b"DTSTART;VALUE=DATE:" in raw and b"DTEND;VALUE=DATE:" in raw
    cal = Calendar.from_ical(raw)
    for event in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS", "GEO"):
            assert prop in event, prop
        assert event.decoded("DTSTAMP").tzinfo is not None


def test_uids_are_deterministic_and_distinct(mini, first):
    a = engagement_uid(mini.name, "AO-RV")
    assert a == engagement_uid(mini.name, "AO-RV")
    assert len({a, engagement_uid(mini.name, "AO-RV", "ZA-1"), engagement_uid(mini.name, "AO-RV", "IN-1"),
                engagement_uid(mini.name, "CM-RV"), engagement_uid("Other scenario", "AO-RV")}) == 5


def test_export_is_reproducible(mini, first, tmp_path):
    write_calendars(mini, first, tmp_path / "a")
    write_calendars(mini, first, tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.ics"))
    assert files_a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.ics"))
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    # exporting again into the same folder changes nothing either
    before = {rel: (tmp_path / "a" / rel).read_bytes() for rel in files_a}
    write_calendars(mini, first, tmp_path / "a")
    assert before == {rel: (tmp_path / "a" / rel).read_bytes() for rel in files_a}


def test_dtstamp_comes_from_the_plan_not_the_clock(mini, first):
    assert plan_stamp(mini, first) == datetime(2018, 9, 1, tzinfo=UTC)  # reproducible: no 'created'
    meta = {**first.meta, "created": "2026-11-02T10:20:30+00:00"}
    stamped = Plan(first.assignments, first.engagements, meta)
    assert plan_stamp(mini, stamped) == datetime(2026, 11, 2, 10, 20, 30, tzinfo=UTC)
    events = _events(_roundtrip(plan_calendar(mini, stamped)))
    assert {v["stamp"] for v in events.values()} == {datetime(2026, 11, 2, 10, 20, 30, tzinfo=UTC)}


def test_files_written(mini, first, tmp_path):
    written = write_calendars(mini, first, tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert "plan.ics" in names
    assert {f"engagements/{o.engagement_id}.ics" for o in first.scheduled()} <= names
    assert {f"people/{a.reviewer_id}.ics" for a in first.assignments} <= names
    assert all(p.is_file() for p in written)
    assert not list(tmp_path.rglob("*.tmp")), "atomic writes leave no temporary file"


# --- after a re-plan ----------------------------------------------------------------------------------


def test_replan_same_uids_moved_dates_cancelled(mini, first, replanned, tmp_path):
    scenario, second, removed_lead = replanned
    write_calendars(mini, first, tmp_path)
    old = {p.relative_to(tmp_path): _events(Calendar.from_ical(p.read_bytes()))
           for p in tmp_path.rglob("*.ics")}
    out2 = tmp_path / "fresh"
    write_calendars(scenario, second, out2, previous_plan=first)  # a fresh folder: only the previous plan
    new = {p.relative_to(out2): _events(Calendar.from_ical(p.read_bytes())) for p in out2.rglob("*.ics")}
    whole_old, whole_new = _by_engagement(old[Path("plan.ics")]), _by_engagement(new[Path("plan.ics")])
    # same UIDs for the same engagements
    assert {e: v["uid"] for e, v in whole_old.items()} == {e: whole_new[e]["uid"] for e in whole_old}
    # the moved engagement: new dates, higher SEQUENCE, still confirmed
    ao = second.outcomes_by_id["AO-RV"]
    assert whole_new["AO-RV"]["start"] == ao.start != whole_old["AO-RV"]["start"]
    assert whole_new["AO-RV"]["end_exclusive"] == ao.end + timedelta(days=1)
    assert whole_new["AO-RV"]["status"] in LIVE and whole_new["AO-RV"]["sequence"] == 1
    # the engagement left out: exported once more, cancelled, with the reason
    cm = whole_new["CM-RV"]
    assert cm["status"] == CANCELLED and cm["sequence"] == 1
    assert cm["start"] == whole_old["CM-RV"]["start"]
    assert "plenary" in cm["description"]
    cm_calendar = _by_engagement(new[Path("engagements/CM-RV.ics")])
    assert cm_calendar["CM-RV"]["status"] == CANCELLED
    assert cm_calendar["CM-RV"]["uid"] == _by_engagement(old[Path("engagements/CM-RV.ics")])["CM-RV"]["uid"]
    # the removed lead: AO-RV cancelled in their own calendar only
    theirs_old = _by_engagement(old[Path(f"people/{removed_lead}.ics")])
    theirs_new = _by_engagement(new[Path(f"people/{removed_lead}.ics")])
    assert theirs_new["AO-RV"]["uid"] == theirs_old["AO-RV"]["uid"]
    assert theirs_new["AO-RV"]["status"] == CANCELLED
    assert "no longer on this engagement's team" in theirs_new["AO-RV"]["description"]
    # everyone on the new AO-RV team has it on the new dates, under their old UID where they had one
    for a in second.team("AO-RV"):
        person_new = _by_engagement(new[Path(f"people/{a.reviewer_id}.ics")])["AO-RV"]
        assert person_new["status"] in LIVE and person_new["start"] == ao.start
        before = _by_engagement(old.get(Path(f"people/{a.reviewer_id}.ics"), {}))
        if "AO-RV" in before:
            assert person_new["uid"] == before["AO-RV"]["uid"]
    # each person's confirmed engagements are exactly their assignments in the new plan
    for reviewer in scenario.reviewers:
        events = new.get(Path(f"people/{reviewer.id}.ics"), {})
        confirmed = {v["engagement"]: (v["start"], v["end_exclusive"]) for v in events.values()
                     if v["engagement"] and v["status"] in LIVE}
        assert confirmed == {a.engagement_id: (a.start, a.end + timedelta(days=1))
                             for a in second.of_reviewer(reviewer.id)}


def test_reexport_into_the_same_folder_continues_sequences(mini, first, replanned, tmp_path):
    scenario, second, removed_lead = replanned
    write_calendars(mini, first, tmp_path)
    write_calendars(scenario, second, tmp_path, previous_plan=first)
    plan_ics = tmp_path / "plan.ics"
    after_second = _by_engagement(_events(Calendar.from_ical(plan_ics.read_bytes())))
    assert after_second["AO-RV"]["sequence"] == 1 and after_second["CM-RV"]["status"] == CANCELLED
    # the same re-plan exported twice: nothing changes
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*.ics")}
    write_calendars(scenario, second, tmp_path, previous_plan=first)
    assert snapshot == {p: p.read_bytes() for p in tmp_path.rglob("*.ics")}
    # back to the first plan: AO-RV and CM-RV change again, so their SEQUENCE goes on from the file
    write_calendars(mini, first, tmp_path, previous_plan=second)
    third = _by_engagement(_events(Calendar.from_ical(plan_ics.read_bytes())))
    assert third["AO-RV"]["sequence"] == 2 and third["AO-RV"]["start"] == first.outcomes_by_id["AO-RV"].start
    assert third["CM-RV"]["status"] in LIVE and third["CM-RV"]["sequence"] == 2
    lead_events = _by_engagement(_events(Calendar.from_ical(
        (tmp_path / "people" / f"{removed_lead}.ics").read_bytes())))
    assert lead_events["AO-RV"]["status"] in LIVE and lead_events["AO-RV"]["sequence"] == 2


def test_earlier_files_alone_mark_dropped_events_cancelled(mini, first, replanned, tmp_path):
    """Without --previous, the calendar files of the earlier export still say what people have."""
    scenario, second, _ = replanned
    write_calendars(mini, first, tmp_path)
    write_calendars(scenario, second, tmp_path)
    whole = _by_engagement(_events(Calendar.from_ical((tmp_path / "plan.ics").read_bytes())))
    assert whole["CM-RV"]["status"] == CANCELLED and whole["CM-RV"]["sequence"] == 1
    assert whole["AO-RV"]["status"] in LIVE and whole["AO-RV"]["sequence"] == 1
    # a third export of the same plan keeps the cancelled event as it was
    write_calendars(scenario, second, tmp_path)
    again = _by_engagement(_events(Calendar.from_ical((tmp_path / "plan.ics").read_bytes())))
    assert again["CM-RV"] == whole["CM-RV"]


def test_files_of_another_scenario_are_not_taken_over(mini, first, tmp_path):
    other = dataclasses.replace(mini, name="Another scenario")
    write_calendars(other, first, tmp_path)
    write_calendars(mini, first, tmp_path)
    events = _events(Calendar.from_ical((tmp_path / "plan.ics").read_bytes()))
    assert all(v["status"] in LIVE and v["sequence"] == 0 for v in events.values())


def test_never_scheduled_engagement_has_no_calendar(mini, replanned, tmp_path):
    scenario, second, _ = replanned
    assert not list(engagement_calendar(scenario, second, "CM-RV").walk("VEVENT"))
    written = write_calendars(scenario, second, tmp_path)
    assert tmp_path / "engagements" / "CM-RV.ics" not in written


def test_no_unavailability_in_calendars(mini, replanned, tmp_path):
    scenario, second, removed_lead = replanned
    secret = "Kimberley-PRIVATE-reason-7f3a"
    scenario = dataclasses.replace(scenario, unavailability=tuple(
        dataclasses.replace(u, reason=secret) for u in scenario.unavailability))
    write_calendars(scenario, second, tmp_path)
    for path in tmp_path.rglob("*.ics"):
        text = path.read_bytes().decode("utf-8").replace("\r\n ", "")  # unfolded content lines
        assert secret not in text
        assert "unavailab" not in text.lower()


# --- any text: line breaks, RFC 5545 specials, control characters (issue 12) --------------------------------

AWKWARD = "Line one\nline two; a, b \\ back\\Nslash\r\nCR\rend\x07bell <b>x</b> {{ 7*7 }}"
AWKWARD_SHOWN = "Line one\nline two; a, b \\ back\\Nslash\nCR\nend\u2407bell <b>x</b> {{ 7*7 }}"  # visible_text


def _awkward(mini: Scenario) -> Scenario:
    """Line breaks in the scenario name and in a title (both once crashed the export), and more."""
    s = dataclasses.replace(mini, name=f"Scenario {AWKWARD}")
    s = _replace_engagement(s, "AO-RV", title=f"Title {AWKWARD}", place=f"Place {AWKWARD}")
    return dataclasses.replace(s, events=tuple(dataclasses.replace(v, title=f"Event {AWKWARD}")
                                               if v.id == "ASM18" else v for v in s.events))


def test_line_breaks_and_specials_export_and_parse_back_intact(mini, first, tmp_path):
    scenario = _awkward(mini)
    written = write_calendars(scenario, first, tmp_path)
    assert tmp_path / "plan.ics" in written and tmp_path / "engagements" / "AO-RV.ics" in written
    for path in written:
        data = path.read_bytes()
        lines = data.split(b"\r\n")
        assert all(len(line) <= 75 and b"\n" not in line and b"\r" not in line for line in lines), path
        assert b"\x07" not in data
        calendar = Calendar.from_ical(data)
        assert str(calendar["X-KP-SCENARIO"]) == f"Scenario {AWKWARD_SHOWN}"
        assert f"Scenario {AWKWARD_SHOWN}" in str(calendar["X-WR-CALDESC"])
    whole = Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert str(whole["NAME"]) == str(whole["X-WR-CALNAME"]) == f"KP plan – Scenario {AWKWARD_SHOWN}"
    events = {str(e["SUMMARY"]): e for e in whole.walk("VEVENT")}
    ao = events[f"Title {AWKWARD_SHOWN}"]
    assert str(ao["LOCATION"]).startswith(f"Place {AWKWARD_SHOWN}")
    assert str(ao["DESCRIPTION"]).startswith(f"Title {AWKWARD_SHOWN}\n")
    assert f"Event {AWKWARD_SHOWN}" in events
    one = Calendar.from_ical((tmp_path / "engagements" / "AO-RV.ics").read_bytes())
    assert str(one["NAME"]) == f"KP plan – Title {AWKWARD_SHOWN}"


def test_a_scenario_name_with_line_breaks_keeps_its_sequences_on_reexport(mini, first, replanned, tmp_path):
    """The earlier files are recognised as the same scenario's (X-KP-SCENARIO is read back as text)."""
    scenario, second, _ = replanned
    name = f"Scenario {AWKWARD}"
    write_calendars(dataclasses.replace(mini, name=name), first, tmp_path)
    write_calendars(dataclasses.replace(scenario, name=name), second, tmp_path)
    whole = _by_engagement(_events(Calendar.from_ical((tmp_path / "plan.ics").read_bytes())))
    assert whole["AO-RV"]["sequence"] == 1 and whole["CM-RV"]["status"] == CANCELLED
