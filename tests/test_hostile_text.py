"""Hostile scenario text in every view and export (issue 12, parts 1-3), without a browser.

For every text field of the scenario format (docs/scenario-format.md) and the plan's reasons, hypothesis puts
generated text — markup, quotes, backticks, ``${}``, ``</script>``, line breaks, control characters, formula
starts — into the mini scenario and checks each output as its reader would read it:

* HTML (dashboard pieces, widgets, the report): the parsed tags and attribute names are exactly those of the
  same page with a harmless text, and the text is read back literally;
* map pages: the same for their HTML, every piece of scenario text sits inside a JSON string literal of a
  script (never in a template literal or as code), and decodes to the literal text;
* plotly figures: no tag but plotly's ``<br>``, the text decodes literally;
* plan.xlsx (openpyxl): no formula cell at all, formula-like text marked as text, the text readable;
* calendars (icalendar): every file parses, content lines are folded CRLF lines, no property is injected,
  the text comes back literally.

"Literally" means as ``planner.views.escape.visible_text`` shows it (line breaks kept, other control
characters as control pictures); it is checked wherever the same field with a harmless text is shown.
The browser half (no script runs, in Chromium) is tests/test_hostile_text_browser.py.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner import load_scenario
from planner.apps.dashboard import ItineraryDashboard, PlanDashboard
from planner.core.model import Assignment, EngagementOutcome, Plan, Scenario
from planner.exports.html import report_html
from planner.exports.ics import calendar_bytes, engagement_calendar, person_calendar, plan_calendar
from planner.exports.xlsx import workbook_bytes
from planner.views.escape import looks_like_formula, visible_text
from planner.views.html import (
    engagements_table_html,
    header_html,
    itinerary_table_html,
    kpis_html,
    unscheduled_html,
)
from planner.views.loading import Loaded
from planner.views.maps import itinerary_map, offline_html, plan_map
from planner.views.plan_view import engagement_views, itinerary
from planner.views.timeline import BY, plan_timeline

MINI = Path(__file__).parent / "fixtures" / "mini"
# Ends every generated text (not starts: a text must be able to start with "="): non-ASCII, so never found by
# chance in base64 or code.
END = "»"

HOSTILE_PIECES = [
    "<script>alert(1)</script>", "</script>", "<img src=x onerror=alert(1)>", "<b>bold</b>", "<br>", "<!--",
    '"', "'", "`", "${alert(1)}", "%{y}", "{0}", "{{x}}", "{{ 7*7 }}", "{% if 1 %}", "{#",
    "\\", "\\n", "\\N", ";", ",", ":", "&amp;", "&#60;",
    "\n", "\r\n", "\r", "\t", "\x00", "\x07", "\x1b", "\x7f", "\u2028", "\ufffe", "=HYPERLINK(\"http://x\")",
    "=1+1", "+1", "-1", "@SUM(A1)", "BEGIN:VEVENT", "END:VCALENDAR", " ", "é", "😀",
]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=3)), min_size=1,
                   max_size=6).map("".join)


# --- the scenario and its plan -------------------------------------------------------------------------


def _assign(eid, kind, host, start, end, rid, role):
    return Assignment(eid, kind, host, date.fromisoformat(start), date.fromisoformat(end), rid, role)


def base_plan() -> Plan:
    """A hand-made plan of the mini scenario (no solver): every engagement scheduled."""
    rows = [
        ("CM-RV", "review_visit", "CM", "2018-10-01", "2018-10-04",
         [("EU-1", "lead"), ("AO-1", "member"), ("CSC-2", "member"), ("WDC-1", "member")]),
        ("AO-RV", "review_visit", "AO", "2018-10-08", "2018-10-12",
         [("IN-1", "lead"), ("CSC-2", "member"), ("WDC-1", "member"), ("ZA-1", "member")]),
        ("CHAIRS", "meeting", "ZA", "2018-10-15", "2018-10-16", [("IN-1", "attendee"), ("ZA-1", "attendee")]),
    ]
    assignments = tuple(_assign(e, k, h, s, f, rid, role) for e, k, h, s, f, team in rows for rid, role in team)
    outcomes = tuple(EngagementOutcome(e, "scheduled", date.fromisoformat(s), date.fromisoformat(f), h)
                     for e, _, h, s, f, _ in rows)
    return Plan(assignments, outcomes, {"status": "OPTIMAL"})


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


def _identifier(text: str) -> str:
    """What an id cell can hold (docs/scenario-format.md: no blanks, ';' or ',')."""
    return "".join(c for c in text if not c.isspace() and c not in ";,")


def _swap(values: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if v == old else v for v in values)


def _rename_reviewer(s: Scenario, p: Plan, old: str, new: str) -> tuple[Scenario, Plan]:
    s = dataclasses.replace(
        s, reviewers=tuple(dataclasses.replace(r, id=new) if r.id == old else r for r in s.reviewers),
        unavailability=tuple(dataclasses.replace(u, reviewer=new) if u.reviewer == old else u
                             for u in s.unavailability),
        events=tuple(dataclasses.replace(v, attendees=_swap(v.attendees, old, new)) for v in s.events),
        engagements=tuple(dataclasses.replace(e, attendees=_swap(e.attendees, old, new)) for e in s.engagements))
    p = Plan(tuple(dataclasses.replace(a, reviewer_id=new) if a.reviewer_id == old else a for a in p.assignments),
             p.engagements, p.meta)
    return s, p


def _rename_engagement(s: Scenario, p: Plan, old: str, new: str) -> tuple[Scenario, Plan]:
    s = dataclasses.replace(s, engagements=tuple(dataclasses.replace(e, id=new) if e.id == old else e
                                                 for e in s.engagements))
    p = Plan(tuple(dataclasses.replace(a, engagement_id=new) if a.engagement_id == old else a
                   for a in p.assignments),
             tuple(dataclasses.replace(o, engagement_id=new) if o.engagement_id == old else o
                   for o in p.engagements), p.meta)
    return s, p


def _rename_organisation(s: Scenario, p: Plan, old: str, new: str) -> tuple[Scenario, Plan]:
    observers = {new if k == old else k: v for k, v in s.rules.observers_required.items()}
    s = dataclasses.replace(
        s, rules=dataclasses.replace(s.rules, observers_required=observers),
        reviewers=tuple(dataclasses.replace(r, organisation=new) if r.organisation == old else r
                        for r in s.reviewers))
    return s, p


def _participant(s: Scenario, code: str, **changes) -> Scenario:
    return dataclasses.replace(s, participants=tuple(dataclasses.replace(x, **changes) if x.code == code else x
                                                     for x in s.participants))


def _event(s: Scenario, event_id: str, **changes) -> Scenario:
    return dataclasses.replace(s, events=tuple(dataclasses.replace(v, **changes) if v.id == event_id else v
                                               for v in s.events))


def _engagement(s: Scenario, engagement_id: str, **changes) -> Scenario:
    return dataclasses.replace(s, engagements=tuple(dataclasses.replace(e, **changes) if e.id == engagement_id
                                                    else e for e in s.engagements))


def _extra(s: Scenario, table: str, item_id: str, **columns) -> Scenario:
    """An extra column's cell of an engagement or fixed event (``title_fr``, ``place_fr``)."""
    return dataclasses.replace(s, **{table: tuple(dataclasses.replace(x, extra={**x.extra, **columns})
                                                  if x.id == item_id else x for x in getattr(s, table))})


def _reviewer(s: Scenario, rid: str, **changes) -> Scenario:
    return dataclasses.replace(s, reviewers=tuple(dataclasses.replace(r, **changes) if r.id == rid else r
                                                  for r in s.reviewers))


def _left_out_with_reason(s: Scenario, p: Plan, reason: str) -> tuple[Scenario, Plan]:
    outcomes = tuple(EngagementOutcome("CHAIRS", "unscheduled", None, None, "", reason)
                     if o.engagement_id == "CHAIRS" else o for o in p.engagements)
    return s, Plan(tuple(a for a in p.assignments if a.engagement_id != "CHAIRS"), outcomes, p.meta)


def _text_field(change):
    return lambda s, p, text: (change(s, text), p)


# Every text field of the scenario format (ids are texts too: they are shown) and the plan's reasons, in the
# order they are applied (renaming an id last). unavailability.csv's reason is private and never shown
# (tests/test_maps_timeline.py checks that).
FIELDS = {
    "scenario.yaml name": _text_field(lambda s, x: dataclasses.replace(s, name=x)),
    "scenario.yaml description": _text_field(lambda s, x: dataclasses.replace(s, description=x)),
    "participants.csv name": _text_field(lambda s, x: _participant(s, "AO", name=x)),
    "participants.csv name (regional approach)": _text_field(lambda s, x: _participant(s, "CM", name=x)),
    "participants.csv region": _text_field(lambda s, x: _participant(s, "CM", region=x)),
    "reviewers.csv groups": _text_field(lambda s, x: _reviewer(s, "ZA-1", groups=("wgm", x))),
    "reviewers.csv expertise": _text_field(lambda s, x: _reviewer(s, "ZA-1", expertise=(x,))),
    "events.csv title": _text_field(lambda s, x: _event(s, "ASM18", title=x)),
    "events.csv kind": _text_field(lambda s, x: _event(s, "ASM18", kind=x)),
    "events.csv place": _text_field(lambda s, x: _event(s, "ASM18", place=x)),
    "engagements.csv title": _text_field(lambda s, x: _engagement(s, "CM-RV", title=x)),
    "engagements.csv place": _text_field(lambda s, x: _engagement(s, "CM-RV", place=x)),
    # shown by the French outputs only (test_french_outputs_keep_their_structure_and_show_the_text)
    "engagements.csv title_fr": _text_field(lambda s, x: _extra(s, "engagements", "AO-RV", title_fr=x)),
    "engagements.csv place_fr": _text_field(lambda s, x: _extra(s, "engagements", "AO-RV", place_fr=x)),
    "events.csv title_fr": _text_field(lambda s, x: _extra(s, "events", "ASM18", title_fr=x)),
    "events.csv place_fr": _text_field(lambda s, x: _extra(s, "events", "ASM18", place_fr=x)),
    "plan engagements.csv reason": _left_out_with_reason,
    "reviewers.csv id": lambda s, p, x: _rename_reviewer(s, p, "CSC-2", x),
    "reviewers.csv organisation": lambda s, p, x: _rename_organisation(s, p, "WDC", x),
    "events.csv id": _text_field(lambda s, x: _event(s, "ASM18", id=x)),
    "engagements.csv id": lambda s, p, x: _rename_engagement(s, p, "CM-RV", x),
}
ID_FIELDS = {"reviewers.csv groups", "reviewers.csv expertise", "events.csv kind", "reviewers.csv id",
             "reviewers.csv organisation", "events.csv id", "engagements.csv id"}
# A harmless text per field, in mixed case: where an output shows it unchanged, the field is shown there.
HARMLESS = {field: f"HarmLess{index:02d}" for index, field in enumerate(FIELDS)}


def with_texts(scenario: Scenario, texts: dict[str, str]) -> tuple[Scenario, Plan, dict[str, str]]:
    """The scenario and plan with each field's text (then the end marker), and the texts as placed, as a
    scenario file can hold them: a text cell is read without its surrounding blanks, an id cell cannot hold
    blanks, ';' or ','."""
    s, p, placed = scenario, base_plan(), {}
    for field, change in FIELDS.items():
        text = _identifier(texts[field]) if field in ID_FIELDS else texts[field].strip()
        placed[field] = text + END
        s, p = change(s, p, placed[field])
    return s, p, placed


# --- reading each output ----------------------------------------------------------------------------------


class _Reader(HTMLParser):
    """Tags with their attribute names (the page's structure), text and attribute values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.structure: list[str] = []
        self.texts: list[str] = []
        self.attrs: dict[str, list[str]] = {}
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.structure.append(tag + "(" + ",".join(sorted(name for name, _ in attrs)) + ")")
        for name, value in attrs:
            self.attrs.setdefault(name, []).append(value or "")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self.structure.append("/" + tag)
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.texts).append(data)

    def handle_comment(self, data):
        self.structure.append("<!--")


def read_html(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader


def html_texts(reader: _Reader, *, skip_attrs=("srcdoc", "href", "style")) -> list[str]:
    return ["".join(reader.texts)] + [v for name, values in reader.attrs.items() if name not in skip_attrs
                                      for v in values]


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def map_texts(page: str) -> tuple[list[str], list[str]]:
    """The map page's structure and the texts its scripts hand to Leaflet. Every marker of scenario text must
    sit inside a JSON string literal: outside them (code, template literals, HTML) none may remain."""
    reader = read_html(page)
    assert END not in "".join(reader.texts) and all(END not in v for vs in reader.attrs.values() for v in vs)
    texts = []
    for script in reader.scripts:
        assert END not in _JSON_STRING.sub('""', script), "scenario text outside a JSON string literal"
        for literal in _JSON_STRING.findall(script):
            value = json.loads(literal)
            if END in value:
                texts += html_texts(read_html(value))  # Leaflet sets tooltips, popups and labels as HTML
    return reader.structure, texts


def dashboard_pieces(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    views = engagement_views(s, p)
    people = [r.id for r in s.reviewers]
    loaded = Loaded(s, p, Path("plan"))
    return [kpis_html(s, p, lang), engagements_table_html(s, views, lang), unscheduled_html(s, p, lang),
            itinerary_table_html(s, itinerary(s, p, people), "everyone", lang, show_person=True),
            header_html(loaded, "plan_title", "plan_subtitle", lang)]


def figure_texts(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    """Every text of the timelines as plotly.js shows it; no tag but <br> gets in."""
    texts = []
    for by in BY:
        figure = plan_timeline(s, p, by=by, lang=lang).to_plotly_json()
        strings = [v for trace in figure["data"] for key in ("y", "text", "customdata", "name")
                   for v in _flatten(trace.get(key))]
        strings += list(_flatten(figure["layout"].get("yaxis", {}).get("categoryarray")))
        for value in strings:
            assert not re.search(r"<(?!br>)|(?<!<br)>", value), value
            texts.append(html.unescape(value.replace("<br>", "\n")))
    return texts


def _flatten(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    elif value is not None and hasattr(value, "tolist"):
        yield from _flatten(value.tolist())


def workbook_texts(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(s, p, lang)))
    texts = [book.properties.title or ""]
    for sheet in book:
        texts.append(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert cell.quotePrefix or not looks_like_formula(cell.value), \
                        f"{sheet.title}!{cell.coordinate} {cell.value!r} is not marked as text"
    return texts


TEXT_PROPERTIES = ("SUMMARY", "LOCATION", "DESCRIPTION", "NAME", "X-WR-CALNAME", "X-WR-CALDESC", "X-KP-SCENARIO",
                   "X-KP-CATEGORY", "X-KP-ENGAGEMENT", "X-KP-EVENT", "X-KP-REVIEWER")


def calendar_texts(s: Scenario, p: Plan, lang: str = "en") -> tuple[Counter, list[str]]:
    """Property names of every calendar (to compare: nothing injected) and their text values."""
    calendars = [plan_calendar(s, p, lang=lang)] + [person_calendar(s, p, r.id, lang=lang) for r in s.reviewers]
    calendars += [engagement_calendar(s, p, e.id, lang=lang) for e in s.engagements]
    names: Counter = Counter()
    texts = []
    for calendar in calendars:
        data = calendar_bytes(calendar)
        lines = data.split(b"\r\n")
        assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
        assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", data.replace(b"\r\n", b"")), "control character"
        parsed = Calendar.from_ical(data)
        for component in parsed.walk():
            names.update(f"{component.name}:{key}" for key in component)
            for key in TEXT_PROPERTIES:
                if key in component:
                    texts.append(str(component[key]))
            if "CATEGORIES" in component:
                texts += [str(c) for c in component["CATEGORIES"].cats]
    return names, texts


# --- the properties ------------------------------------------------------------------------------------------

hostile_fields = st.fixed_dictionaries({field: hostile for field in FIELDS})


def settings_(examples: int):
    # No shrinking: an example is 17 texts and renders whole pages, so shrinking one took over five minutes;
    # the failure message names the field and the output, and the example is printed as found.
    return settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


_shown_where: dict[str, set[str]] = {}


def assert_shown_literally(mini, sink: str, read, texts: list[str], placed: dict[str, str]) -> None:
    """Every field this output shows (its harmless text is there unchanged) shows the hostile text
    literally."""
    if sink not in _shown_where:
        found = read(*with_texts(mini, HARMLESS)[:2])
        _shown_where[sink] = {f for f, text in HARMLESS.items() if any(text + END in t for t in found)}
    assert _shown_where[sink], f"{sink}: no field found at all (the reader is broken)"
    missing = [f for f in sorted(_shown_where[sink]) if not any(visible_text(placed[f]) in t for t in texts)]
    assert missing == [], f"{sink}: not shown literally: {missing}"


def _pieces_texts(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    return [t for piece in dashboard_pieces(s, p, lang) for t in html_texts(read_html(piece))]


@settings_(50)
@given(texts=hostile_fields)
def test_dashboard_html_keeps_its_structure_and_shows_the_text(mini, texts):
    s, p, placed = with_texts(mini, texts)
    harmless = with_texts(mini, HARMLESS)
    for after, before in zip(dashboard_pieces(s, p), dashboard_pieces(*harmless[:2]), strict=True):
        assert read_html(after).structure == read_html(before).structure
    assert_shown_literally(mini, "dashboard HTML", _pieces_texts, _pieces_texts(s, p), placed)


def _maps(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    return [offline_html(plan_map(s, p, lang=lang)),
            offline_html(itinerary_map(s, p, [r.id for r in s.reviewers], lang=lang))]


def _maps_texts(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    return [t for page in _maps(s, p, lang) for t in map_texts(page)[1]]


@settings_(20)
@given(texts=hostile_fields)
def test_maps_keep_scenario_text_inside_string_literals_and_show_it(mini, texts):
    s, p, placed = with_texts(mini, texts)
    found = []
    for page, harmless_page in zip(_maps(s, p), _maps(*with_texts(mini, HARMLESS)[:2]), strict=True):
        structure, texts_here = map_texts(page)
        assert structure == map_texts(harmless_page)[0]
        found += texts_here
    assert_shown_literally(mini, "maps", _maps_texts, found, placed)


@settings_(20)
@given(texts=hostile_fields)
def test_timelines_show_the_text_with_no_markup(mini, texts):
    s, p, placed = with_texts(mini, texts)
    assert_shown_literally(mini, "timelines", figure_texts, figure_texts(s, p), placed)


def _report_texts(s: Scenario, p: Plan, lang: str = "en") -> list[str]:
    return html_texts(read_html(report_html(s, p, lang=lang)))


@settings_(12)
@given(texts=hostile_fields)
def test_report_keeps_its_structure_sandboxes_its_map_and_shows_the_text(mini, texts):
    s, p, placed = with_texts(mini, texts)
    page, harmless = read_html(report_html(s, p)), read_html(report_html(*with_texts(mini, HARMLESS)[:2]))
    assert page.structure == harmless.structure
    assert page.attrs["sandbox"] == ["allow-scripts"]
    (srcdoc,) = page.attrs["srcdoc"]
    assert map_texts(srcdoc)[0] == map_texts(harmless.attrs["srcdoc"][0])[0]
    assert_shown_literally(mini, "report", _report_texts, html_texts(page), placed)


@settings_(20)
@given(texts=hostile_fields)
def test_workbook_has_no_formula_and_shows_the_text(mini, texts):
    s, p, placed = with_texts(mini, texts)
    assert_shown_literally(mini, "plan.xlsx", workbook_texts, workbook_texts(s, p), placed)


@settings_(40)
@given(texts=hostile_fields)
def test_calendars_parse_inject_nothing_and_show_the_text(mini, texts):
    s, p, placed = with_texts(mini, texts)
    names, found = calendar_texts(s, p)
    assert names == calendar_texts(*with_texts(mini, HARMLESS)[:2])[0]
    assert_shown_literally(mini, "calendars", lambda s, p: calendar_texts(s, p)[1], found, placed)


@settings_(8)
@given(texts=hostile_fields)
def test_french_outputs_keep_their_structure_and_show_the_text(mini, texts):
    """The French dashboard pieces, maps, timelines, report, workbook and calendars: the same checks as the
    English ones above, and they show the French columns (title_fr, place_fr) too."""
    s, p, placed = with_texts(mini, texts)
    harmless = with_texts(mini, HARMLESS)[:2]
    for after, before in zip(dashboard_pieces(s, p, "fr"), dashboard_pieces(*harmless, "fr"), strict=True):
        assert read_html(after).structure == read_html(before).structure
    for page, harmless_page in zip(_maps(s, p, "fr"), _maps(*harmless, "fr"), strict=True):
        assert map_texts(page)[0] == map_texts(harmless_page)[0]
    assert read_html(report_html(s, p, lang="fr")).structure == read_html(report_html(*harmless, lang="fr")).structure
    names, found_in_calendars = calendar_texts(s, p, "fr")
    assert names == calendar_texts(*harmless, "fr")[0]
    outputs = {
        "dashboard HTML (fr)": _pieces_texts, "maps (fr)": _maps_texts, "timelines (fr)": figure_texts,
        "report (fr)": _report_texts, "plan.xlsx (fr)": workbook_texts,
        "calendars (fr)": lambda s, p, lang: calendar_texts(s, p, lang)[1],
    }
    # a French place is named part by part ("Moscow, Arkhangelsk" → "Moscou, Arkhangelsk"): its commas come
    # back as ", ", so the texts to find literally have none in places
    s, p, placed = with_texts(mini, {f: t.replace(",", "") if "place" in f else t for f, t in texts.items()})
    for sink, read in outputs.items():
        assert_shown_literally(mini, sink, lambda s, p, read=read: read(s, p, "fr"), read(s, p, "fr"), placed)
    shown = set().union(*(_shown_where[sink] for sink in outputs))
    assert {"engagements.csv title_fr", "events.csv title_fr"} <= shown, shown  # the French columns are shown


def _widget_pages(s: Scenario, p: Plan) -> list[str]:
    loaded = Loaded(s, p, Path("plan"))
    board = PlanDashboard(loaded)
    trips = ItineraryDashboard(loaded, person=s.reviewers[-1].id)  # CSC-2, renamed
    assert board.errors.outputs == () and trips.errors.outputs == ()
    return [board.header.value, board.kpis.value, board.table.value, board.unscheduled.value,
            board.map_out.value, trips.table.value, trips.calendar.value, trips.map_out.value]


@settings_(6)
@given(texts=hostile_fields)
def test_dashboard_widgets_hold_escaped_html_and_sandboxed_maps(mini, texts):
    s, p, _ = with_texts(mini, texts)
    for after, before in zip(_widget_pages(s, p), _widget_pages(*with_texts(mini, HARMLESS)[:2]), strict=True):
        reader = read_html(after)
        assert reader.structure == read_html(before).structure
        assert all(value == "allow-scripts" for value in reader.attrs.get("sandbox", []))


# --- the crash of issue 12: line breaks in names, through the command line -----------------------------------


def test_kp_plan_export_with_line_breaks_in_the_scenario_name_and_a_title(mini, tmp_path, capsys):
    """``kp-plan export`` once stopped with a traceback after writing part of the files."""
    from planner.apps.cli import main
    from planner.io.plan_files import save_plan
    from planner.io.scenario_files import save_scenario

    s = _engagement(dataclasses.replace(mini, name="Mini\nsecond line"), "CM-RV", title="Review visit\nto Cameroon")
    p = base_plan()
    save_scenario(s, tmp_path / "scenario")
    save_plan(p, tmp_path / "plan")
    assert main(["export", str(tmp_path / "plan"), "--scenario", str(tmp_path / "scenario"),
                 "--out", str(tmp_path / "out")]) == 0
    assert "Traceback" not in capsys.readouterr().err
    out = tmp_path / "out"  # found by name below: how the folder is laid out is export_plan's business
    calendars = sorted(out.rglob("*.ics"))
    assert {path.name for path in calendars} >= {"plan.ics", "CM-RV.ics", "CSC-2.ics"}
    for path in calendars:
        assert str(Calendar.from_ical(path.read_bytes())["X-KP-SCENARIO"]) == "Mini\nsecond line"
    names = {str(Calendar.from_ical(path.read_bytes())["NAME"]) for path in calendars}
    assert "KP plan – Review visit\nto Cameroon" in names
    (workbook,) = {path.resolve() for path in out.rglob("plan.xlsx")}
    assert openpyxl.load_workbook(workbook)["Summary"]["B2"].value == "Mini\nsecond line"
    (report,) = {path.resolve() for path in out.rglob("report.html")}
    assert "Review visit\nto Cameroon" in report.read_text(encoding="utf-8")
