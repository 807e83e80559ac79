"""iCalendar files (RFC 5545) of a plan: one calendar per person, one per organisation (all its people), one
per engagement, one for the whole plan.

Every engagement is an all-day event (``DTSTART;VALUE=DATE``, ``DTEND`` the day *after* the last day, as
RFC 5545 makes the end exclusive) with the place, ``GEO`` coordinates, the lead and the team.

How calendar programs are told about a re-plan (docs/exports.md):

* **UID** — derived (UUID 5) from the scenario name and the engagement id, plus the reviewer id in a
  person's calendar, so it is the same in every export of every plan of the scenario. A calendar program
  that already has the event updates it instead of adding a second copy. Person and engagement calendars
  use different UIDs on purpose: taking a person off a team cancels the event in *their* calendar only.
* **STATUS:CANCELLED** — an event that the previous plan had and the new plan no longer has (the engagement
  is left out, or the person is no longer on its team) is exported once more, cancelled. The previous state
  comes from ``previous`` (a plan, ``kp-plan export --previous PLAN_DIR``) and from the calendar file that
  an earlier export left at the same path (``existing``).
* **SEQUENCE** — 0 the first time; +1 whenever what the event says changes (dates, place, team, status),
  counted from the SEQUENCE in the earlier file when there is one, else from the previous plan.
* **DTSTAMP** — the plan's ``created`` time from plan.json, not the wall clock, so that exporting the same
  plan twice gives the same bytes. Reproducible plans carry no creation time: they use midnight UTC of the
  scenario's first day (the value only has to be a valid UTC time; updates are ordered by SEQUENCE). An
  event whose SEQUENCE is unchanged keeps the DTSTAMP of the earlier file.

Text (titles, places, names, reasons, ids) is written as RFC 5545 TEXT (``_Text``: icalendar's ``vText`` with
exact escaping): backslash, ``;``, ``,`` and line breaks escaped; icalendar folds the lines at 75 octets.
Calendar text cannot hold other control characters, so they are shown as their control pictures
(``planner.views.escape.visible_text``). icalendar types ``NAME``, ``X-WR-CALNAME``, ``X-WR-CALDESC`` and the
``X-KP-*`` properties as "unknown" and would write them verbatim (a line break there broke the file), so
they are given as TEXT with an explicit ``VALUE=TEXT`` (the default type of those properties), which also
makes a reader decode them as text.

Unavailability (and its private reason) never appears in a calendar.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from icalendar.prop import vText

from planner.core.calendar import arrival_site
from planner.core.model import FixedEvent, Plan, Scenario
from planner.exports.common import (
    date_range_text,
    location_of,
    person_label,
    safe_filename,
    team_of,
)
from planner.io.atomic import atomic_write_bytes
from planner.views.escape import visible_text
from planner.views.i18n import date_range_label, has, kind_label, role_label, t
from planner.views.wording import participant_place, place_in, place_parts, settled, title_in

#: Fixed namespace of every UID this package makes (never change it: UIDs would change with it).
UID_NAMESPACE = uuid.UUID("156c0af2-552f-4332-911f-6b46e5959236")
PRODID = "-//Kimberley Review Planner//kp-plan export//EN"
CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


# --- identities ---------------------------------------------------------------------------------------


def engagement_uid(scenario_name: str, engagement_id: str, reviewer_id: str | None = None) -> str:
    """The UID of an engagement's event: the same in every export of every plan of the scenario."""
    parts = [scenario_name, "engagement", engagement_id] + ([reviewer_id] if reviewer_id else [])
    return str(uuid.uuid5(UID_NAMESPACE, "\x1f".join(parts)))


def event_uid(scenario_name: str, event_id: str, reviewer_id: str | None = None) -> str:
    """The UID of a fixed event (ASM18, the plenary …) in a person's or the whole plan's calendar."""
    parts = [scenario_name, "fixed-event", event_id] + ([reviewer_id] if reviewer_id else [])
    return str(uuid.uuid5(UID_NAMESPACE, "\x1f".join(parts)))


def organisation_uid(scenario_name: str, kind: str, item_id: str, organisation: str) -> str:
    """The UID of an engagement's (``kind`` "engagement") or fixed event's ("fixed-event") event in an
    organisation's calendar: its own identity, so that an organisation's calendar and its people's own
    calendars can sit side by side in one calendar program."""
    return str(uuid.uuid5(UID_NAMESPACE, "\x1f".join([scenario_name, "organisation", organisation, kind, item_id])))


def plan_stamp(scenario: Scenario, plan: Plan) -> datetime:
    """DTSTAMP of a plan's events: plan.json's ``created`` (UTC), else midnight UTC of the horizon start."""
    created = plan.meta.get("created") if plan.meta else None
    if isinstance(created, str):
        try:
            stamp = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
        if stamp is not None:
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            return stamp.astimezone(UTC).replace(microsecond=0)
    return datetime.combine(scenario.horizon_start, time(0), tzinfo=UTC)


# --- what one event says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventItem:
    """One event as a plan describes it, before SEQUENCE and DTSTAMP are decided. ``end`` is inclusive."""

    uid: str
    summary: str
    start: date
    end: date
    location: str
    lat: float | None
    lon: float | None
    description: str
    category: str
    engagement_id: str = ""
    event_id: str = ""
    reviewer_id: str = ""
    status: str = CONFIRMED

    @property
    def fingerprint(self) -> str:
        """Hash of everything a calendar program shows: a change means a new SEQUENCE."""
        text = "\x1f".join(str(x) for x in (self.summary, self.start, self.end, self.location, self.lat,
                                            self.lon, self.description, self.category, self.status))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def cancelled(self, why: str) -> EventItem:
        return replace(self, status=CANCELLED, summary=f"Cancelled: {self.summary}",
                       description=f"CANCELLED in the new plan: {why}\n\n{self.description}")


def _dates_text(start: date, end: date, lang: str) -> str:
    return date_range_text(start, end) if lang == "en" else date_range_label(start, end, lang)


def _engagement_item(scenario: Scenario, plan: Plan, engagement_id: str,
                     reviewer_id: str | None = None, lang: str = "en") -> EventItem:
    """The event of a scheduled engagement (in a person's calendar when ``reviewer_id`` is given), worded in
    ``lang`` (titles from a ``title_fr`` column, places and countries from CLDR: ``planner.views.wording``)."""
    e = scenario.engagements_by_id[engagement_id]
    o = plan.outcomes_by_id[engagement_id]
    lat, lon = arrival_site(scenario, e, o.host)
    place, place_assumed = place_parts(e.place)
    own = place_parts(e.extra.get(f"place_{lang}", ""))[0] if lang != "en" else ""
    place = (location_of(scenario, replace(e, place=place), o.host)[0] if lang == "en"
             else participant_place(scenario, o.host, place, lang, own))
    team = team_of(plan, engagement_id)
    lead = plan.lead(engagement_id)
    status = CONFIRMED if settled(e) else TENTATIVE
    title = title_in(e, lang)
    priority = t(f"priority_{e.priority}", lang) if has(f"priority_{e.priority}") else e.priority
    lines = [title, t("ics_kind_priority", lang, kind=kind_label(e.kind, lang), priority=priority),
             t("ics_when", lang, dates=_dates_text(o.start, o.end, lang)),
             t("ics_where", lang, place=place, lat=f"{lat:.5f}", lon=f"{lon:.5f}")]
    if len(e.sites) > 1:
        lines.append(t("ics_sites", lang, sites=", ".join(
            f"{place_in(site.place, lang)} ({site.days} {t('days_word', lang)})" for site in e.sites)))
    if place_assumed:
        lines.append(t("place_assumed", lang))
    if status == TENTATIVE:
        basis = e.extra.get("basis", "").strip()
        lines.append(t("ics_tentative", lang, basis=f" ({basis})" if basis else ""))
    if lead:
        lines.append(t("ics_lead", lang, who=person_label(scenario, lead)))
    mark = t("ics_lead_mark", lang)
    members = [person_label(scenario, a.reviewer_id) + ("" if a.role != "lead" else f" – {mark}") for a in team]
    lines.append(t("ics_team", lang, count=len(team),
                   members=", ".join(members) if members else t("ics_nobody", lang)))
    if reviewer_id:
        role = next((a.role for a in team if a.reviewer_id == reviewer_id), "")
        lines.append(t("ics_your_role", lang, role=role if lang == "en" else role_label(role, lang)))
    lines.append(t("ics_scenario", lang, scenario=scenario.name))
    return EventItem(
        uid=engagement_uid(scenario.name, engagement_id, reviewer_id), summary=title, start=o.start,
        end=o.end, location=place, lat=lat, lon=lon, description="\n".join(lines),
        category=kind_label(e.kind, lang), engagement_id=engagement_id, reviewer_id=reviewer_id or "",
        status=status)


def _fixed_event_item(scenario: Scenario, event: FixedEvent, reviewer_id: str | None = None,
                      lang: str = "en") -> EventItem:
    place, place_assumed = place_parts(event.place)
    place = place_in(place, lang, place_parts(event.extra.get(f"place_{lang}", ""))[0] if lang != "en" else "")
    status = CONFIRMED if settled(event) else TENTATIVE
    title = title_in(event, lang)
    lines = [title, t("ics_fixed", lang, kind=event.kind if lang == "en" else kind_label(event.kind, lang)),
             t("ics_when", lang, dates=_dates_text(event.start, event.end, lang)),
             t("ics_where", lang, place=place, lat=f"{event.lat:.5f}", lon=f"{event.lon:.5f}")]
    if place_assumed:
        lines.append(t("place_assumed", lang))
    if status == TENTATIVE:
        lines.append(t("ics_tentative", lang, basis=""))
    lines.append(t("ics_scenario", lang, scenario=scenario.name))
    return EventItem(
        uid=event_uid(scenario.name, event.id, reviewer_id), summary=title, start=event.start,
        end=event.end, location=place, lat=event.lat, lon=event.lon, description="\n".join(lines),
        category=kind_label(event.kind, lang), event_id=event.id, reviewer_id=reviewer_id or "", status=status)


def _unscheduled_why(scenario: Scenario, plan: Plan, engagement_id: str) -> str:
    o = plan.outcomes_by_id.get(engagement_id)
    if o is None:
        return "the engagement is no longer part of the scenario."
    if o.scheduled:
        return ""
    reason = o.reason.strip()
    return "the engagement is not scheduled" + (f": {reason}" if reason else ".")


# --- turning items into a calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    """An event of the calendar file an earlier export wrote."""

    sequence: int
    fingerprint: str
    stamp: datetime | None
    status: str
    item: EventItem | None
    component: Event


class _Text(vText):
    """RFC 5545 TEXT escaped exactly as section 3.3.11 says: backslash, ``;``, ``,`` and line breaks. (vText
    itself takes the two characters backslash-N of a text for a line break, as its documentation says, which
    would change a title such as ``C:\\Notes``; reading is icalendar's and exact.)"""

    __slots__ = ()

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        return text.encode(self.encoding)


def _text(value: object) -> _Text:
    """A TEXT value with characters a calendar can carry (the lines are folded by icalendar)."""
    return _Text(visible_text(value))


def _add_text(component, name: str, value: object) -> None:
    """Add a TEXT property that icalendar does not know as TEXT (``NAME``, ``X-…``): see the module
    docstring."""
    component.add(name, _text(value), parameters={"VALUE": "TEXT"})


def _known_events(existing: Calendar | None, scenario: Scenario) -> dict[str, _Known]:
    """Events of an earlier export of the same scenario, by UID (other scenarios' files are ignored)."""
    if existing is None or str(existing.get("X-KP-SCENARIO", "")) != visible_text(scenario.name):
        return {}
    known = {}
    for component in existing.walk("VEVENT"):
        uid = str(component.get("UID", ""))
        if not uid:
            continue
        try:
            sequence = int(component.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            sequence = 0
        stamp = component.decoded("DTSTAMP") if "DTSTAMP" in component else None
        known[uid] = _Known(sequence, str(component.get("X-KP-FINGERPRINT", "")),
                            stamp if isinstance(stamp, datetime) else None,
                            str(component.get("STATUS", CONFIRMED)).upper(), _item_from(component), component)
    return known


def _item_from(component: Event) -> EventItem | None:
    """Rebuild the item an earlier export wrote (to cancel it when neither plan knows it any more)."""
    try:
        start = component.decoded("DTSTART")
        end = component.decoded("DTEND") - timedelta(days=1)
        geo = component.get("GEO")
        return EventItem(
            uid=str(component["UID"]), summary=str(component.get("SUMMARY", "")), start=start, end=end,
            location=str(component.get("LOCATION", "")), lat=geo.latitude if geo else None,
            lon=geo.longitude if geo else None, description=str(component.get("DESCRIPTION", "")),
            category=str(component.get("X-KP-CATEGORY", "")),
            engagement_id=str(component.get("X-KP-ENGAGEMENT", "")),
            event_id=str(component.get("X-KP-EVENT", "")),
            reviewer_id=str(component.get("X-KP-REVIEWER", "")))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _vevent(item: EventItem, sequence: int, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.end + timedelta(days=1))  # exclusive end of an all-day event
    event.add("summary", _text(item.summary))
    event.add("location", _text(item.location))
    if item.lat is not None and item.lon is not None:
        event.add("geo", (round(item.lat, 6), round(item.lon, 6)))
    event.add("description", _text(item.description))
    if item.category:
        event.add("categories", _text(item.category))  # one category: commas in it are escaped
        _add_text(event, "x-kp-category", item.category)
    event.add("status", item.status)
    # a tentative engagement still holds the days in the person's calendar; a cancelled one frees them
    event.add("transp", "TRANSPARENT" if item.status == CANCELLED else "OPAQUE")
    event.add("sequence", sequence)
    if item.engagement_id:
        _add_text(event, "x-kp-engagement", item.engagement_id)
    if item.event_id:
        _add_text(event, "x-kp-event", item.event_id)
    if item.reviewer_id:
        _add_text(event, "x-kp-reviewer", item.reviewer_id)
    _add_text(event, "x-kp-fingerprint", item.fingerprint)
    return event


def _calendar(scenario: Scenario, plan: Plan, name: str, description: str, current: Iterable[EventItem],
              cancelled: Iterable[EventItem], previous: Iterable[EventItem],
              existing: Calendar | None) -> Calendar:
    """Assemble a calendar: the plan's events, events to cancel, SEQUENCE and DTSTAMP (module docstring)."""
    stamp = plan_stamp(scenario, plan)
    known = _known_events(existing, scenario)
    before = {i.uid: i for i in previous}
    items = {i.uid: i for i in current}
    for item in cancelled:
        items.setdefault(item.uid, item)
    carried: list[Event] = []
    for uid, k in known.items():
        if uid in items:
            continue
        if k.status == CANCELLED:
            carried.append(k.component)  # already cancelled: keep it (and its SEQUENCE) as it was
        elif k.item is not None:
            items[uid] = k.item.cancelled("it is no longer in the plan.")

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    _add_text(cal, "name", name)
    _add_text(cal, "x-wr-calname", name)
    cal.add("description", _text(description))
    _add_text(cal, "x-wr-caldesc", description)
    _add_text(cal, "x-kp-scenario", scenario.name)
    events: list[tuple[date, str, Event]] = []
    for uid, item in items.items():
        fingerprint = item.fingerprint
        event_stamp = stamp
        if uid in known:
            k = known[uid]
            sequence = k.sequence if k.fingerprint == fingerprint else k.sequence + 1
            if sequence == k.sequence and k.stamp is not None:
                event_stamp = k.stamp
            elif k.stamp is not None:
                event_stamp = max(stamp, k.stamp)
        elif uid in before:
            sequence = 0 if before[uid].fingerprint == fingerprint else 1
        else:
            sequence = 0
        events.append((item.start, uid, _vevent(item, sequence, event_stamp)))
    for component in carried:
        events.append((component.decoded("DTSTART"), str(component["UID"]), component))
    for _, _, event in sorted(events, key=lambda x: (x[0], x[1])):
        cal.add_component(event)
    return cal


# --- public API --------------------------------------------------------------------------------------


def _person_items(scenario: Scenario, plan: Plan, reviewer_id: str, lang: str = "en") -> list[EventItem]:
    outcomes = plan.outcomes_by_id
    return [_engagement_item(scenario, plan, a.engagement_id, reviewer_id, lang)
            for a in plan.of_reviewer(reviewer_id)
            if a.engagement_id in scenario.engagements_by_id and a.engagement_id in outcomes
            and outcomes[a.engagement_id].scheduled and a.host in scenario.participants_by_code]


def person_calendar(scenario: Scenario, plan: Plan, reviewer_id: str, previous: Plan | None = None, *,
                    existing: Calendar | None = None, fixed_events: bool = True, lang: str = "en") -> Calendar:
    """A person's calendar: their engagements (role, team, lead) and the fixed events they attend.

    ``previous``: the plan people already have; its engagements that this person no longer does come out
    as cancelled. ``existing``: the calendar file an earlier export wrote (SEQUENCE continues from it).
    """
    if reviewer_id not in scenario.reviewers_by_id:
        raise KeyError(f"no reviewer {reviewer_id!r} in the scenario")
    current = _person_items(scenario, plan, reviewer_id, lang)
    if fixed_events:
        current += [_fixed_event_item(scenario, v, reviewer_id, lang) for v in scenario.events
                    if reviewer_id in scenario.attendees_of(v.attendees)]
    before = [] if previous is None else _person_items(scenario, previous, reviewer_id, lang)
    cancelled = _cancelled(scenario, plan, before, current, f"{reviewer_id} is no longer on this engagement's team.")
    return _calendar(scenario, plan, t("ics_name", lang, who=reviewer_id),
                     t("ics_person_description", lang, who=person_label(scenario, reviewer_id),
                       scenario=scenario.name),
                     current, cancelled, before, existing)


def _cancelled(scenario: Scenario, plan: Plan, before: list[EventItem], current: list[EventItem],
               left: str) -> list[EventItem]:
    """The events of ``before`` (a previous plan's) whose engagement is no longer in ``current``, cancelled with
    why: the engagement left the plan (its reason), or ``left`` (the person or organisation left its team)."""
    now_ids = {i.engagement_id for i in current if i.engagement_id}
    return [item.cancelled(_unscheduled_why(scenario, plan, item.engagement_id) or left)
            for item in before if item.engagement_id not in now_ids]


def _organisation_people(scenario: Scenario, organisation: str) -> set[str]:
    return {r.id for r in scenario.reviewers if r.organisation == organisation}


def _organisation_items(scenario: Scenario, plan: Plan, organisation: str, lang: str) -> list[EventItem]:
    """The organisation's engagements, each once, with who of the organisation goes and in what role."""
    people = _organisation_people(scenario, organisation)
    outcomes = plan.outcomes_by_id
    items = []
    for o in plan.scheduled():
        if o.engagement_id not in scenario.engagements_by_id or o.host not in scenario.participants_by_code:
            continue
        mine = [a for a in team_of(plan, o.engagement_id) if a.reviewer_id in people]
        if not mine or not outcomes[o.engagement_id].scheduled:
            continue
        item = _engagement_item(scenario, plan, o.engagement_id, lang=lang)
        who = ", ".join(person_label(scenario, a.reviewer_id)
                        + f" ({a.role if lang == 'en' else role_label(a.role, lang)})" for a in mine)
        going = t("ics_org_people", lang, who=organisation, people=who)
        items.append(replace(item, uid=organisation_uid(scenario.name, "engagement", o.engagement_id, organisation),
                             description=f"{item.description}\n{going}", reviewer_id=""))
    return items


def organisation_calendar(scenario: Scenario, plan: Plan, organisation: str, previous: Plan | None = None, *,
                          existing: Calendar | None = None, lang: str = "en") -> Calendar:
    """The calendar of everyone of one organisation (a participant code, ``WDC``, ``CSC``): each engagement
    any of them is on, once, saying who of them goes and in what role, and each fixed event any of them
    attends, once. Its events have UIDs of their own (``organisation_uid``). ``previous``: the plan people
    already have; its engagements that no one of the organisation does any more come out cancelled."""
    people = _organisation_people(scenario, organisation)
    if not people:
        raise KeyError(f"no reviewer of organisation {organisation!r} in the scenario")
    current = _organisation_items(scenario, plan, organisation, lang)
    for v in scenario.events:
        going = sorted(people & set(scenario.attendees_of(v.attendees)))
        if going:
            item = _fixed_event_item(scenario, v, lang=lang)
            who = ", ".join(person_label(scenario, rid) for rid in going)
            current.append(replace(item, uid=organisation_uid(scenario.name, "fixed-event", v.id, organisation),
                                   description=f"{item.description}\n"
                                               f"{t('ics_org_people', lang, who=organisation, people=who)}"))
    before = [] if previous is None else _organisation_items(scenario, previous, organisation, lang)
    cancelled = _cancelled(scenario, plan, before, current, t("ics_org_left", lang, who=organisation))
    return _calendar(scenario, plan, t("ics_name", lang, who=organisation),
                     t("ics_org_description", lang, who=organisation, scenario=scenario.name),
                     current, cancelled, before, existing)


def _previous_engagement_items(scenario: Scenario, previous: Plan | None,
                               lang: str = "en") -> dict[str, EventItem]:
    if previous is None:
        return {}
    return {o.engagement_id: _engagement_item(scenario, previous, o.engagement_id, lang=lang)
            for o in previous.scheduled() if o.engagement_id in scenario.engagements_by_id
            and o.host in scenario.participants_by_code}


def engagement_calendar(scenario: Scenario, plan: Plan, engagement_id: str, previous: Plan | None = None, *,
                        existing: Calendar | None = None, lang: str = "en") -> Calendar:
    """One engagement's calendar: a single event (cancelled when the previous plan had it and this one
    does not). Without any event (never scheduled), the calendar has no VEVENT."""
    e = scenario.engagements_by_id[engagement_id]
    o = plan.outcomes_by_id.get(engagement_id)
    current = [_engagement_item(scenario, plan, engagement_id, lang=lang)] if o is not None and o.scheduled else []
    before = _previous_engagement_items(scenario, previous, lang).get(engagement_id)
    cancelled = []
    if before is not None and not current:
        cancelled.append(before.cancelled(_unscheduled_why(scenario, plan, engagement_id)))
    return _calendar(scenario, plan, t("ics_name", lang, who=title_in(e, lang)),
                     f"{title_in(e, lang)} ({scenario.name})",
                     current, cancelled, [before] if before else [], existing)


def plan_calendar(scenario: Scenario, plan: Plan, previous: Plan | None = None, *,
                  existing: Calendar | None = None, lang: str = "en") -> Calendar:
    """The whole plan in one calendar: every scheduled engagement (same UIDs as the engagement calendars)
    and every fixed event."""
    current = [_engagement_item(scenario, plan, o.engagement_id, lang=lang) for o in plan.scheduled()
               if o.engagement_id in scenario.engagements_by_id]
    current += [_fixed_event_item(scenario, v, lang=lang) for v in scenario.events]
    scheduled_now = {o.engagement_id for o in plan.scheduled()}
    before = _previous_engagement_items(scenario, previous, lang)
    cancelled = [item.cancelled(_unscheduled_why(scenario, plan, eid))
                 for eid, item in before.items() if eid not in scheduled_now]
    return _calendar(scenario, plan, t("ics_name", lang, who=scenario.name),
                     t("ics_plan_description", lang, scenario=scenario.name),
                     current, cancelled, before.values(), existing)


def calendar_bytes(calendar: Calendar) -> bytes:
    """The .ics content (CRLF line endings, folded lines, as RFC 5545 wants)."""
    return calendar.to_ical()


def has_events(calendar: Calendar) -> bool:
    return any(True for _ in calendar.walk("VEVENT"))


def read_calendar(path: str | os.PathLike) -> Calendar | None:
    """An earlier export's calendar file, or None when there is none (or it cannot be parsed)."""
    target = Path(path)
    if not target.is_file():
        return None
    try:
        return Calendar.from_ical(target.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None


def write_calendars(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike,
                    previous_plan: Plan | None = None, lang: str = "en") -> list[Path]:
    """Write ``plan.ics`` (everything), ``people/<reviewer>.ics``, ``organisations/<organisation>.ics``
    (everyone of one organisation: :func:`organisation_calendar`) and ``engagements/<engagement>.ics`` into
    ``out_dir``; return the files written. Calendar files already there (an earlier export) are read first:
    SEQUENCE numbers continue from them and their events that are no longer planned come out cancelled.
    A calendar that would have no event is not written."""
    folder = Path(out_dir)
    written: list[Path] = []

    def emit(path: Path, build) -> None:
        calendar = build(read_calendar(path))
        if has_events(calendar):
            atomic_write_bytes(path, calendar_bytes(calendar))
            written.append(path)

    emit(folder / "plan.ics", lambda old: plan_calendar(scenario, plan, previous_plan, existing=old, lang=lang))
    for reviewer in scenario.reviewers:
        emit(folder / "people" / f"{safe_filename(reviewer.id)}.ics",
             lambda old, rid=reviewer.id: person_calendar(scenario, plan, rid, previous_plan, existing=old,
                                                          lang=lang))
    for organisation in sorted({r.organisation for r in scenario.reviewers}):
        emit(folder / "organisations" / f"{safe_filename(organisation)}.ics",
             lambda old, org=organisation: organisation_calendar(scenario, plan, org, previous_plan, existing=old,
                                                                 lang=lang))
    for engagement in scenario.engagements:
        emit(folder / "engagements" / f"{safe_filename(engagement.id)}.ics",
             lambda old, eid=engagement.id: engagement_calendar(scenario, plan, eid, previous_plan,
                                                                existing=old, lang=lang))
    return written
