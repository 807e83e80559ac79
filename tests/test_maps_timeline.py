"""Unit tests of the dashboard building blocks: labels (planner.views.i18n), maps (planner.views.maps), timelines
(planner.views.timeline), the pure view/filter functions (planner.views.plan_view), HTML pieces
(planner.views.html), loading (planner.views.loading) and the widget glue (planner.apps.dashboard).

They use the mini scenario and a hand-written plan of it (no solver), so they are fast and deterministic.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import string
from datetime import date
from pathlib import Path

import pytest

from planner import load_scenario
from planner.apps.dashboard import ItineraryDashboard, PlanDashboard
from planner.core.model import Assignment, EngagementOutcome, Plan
from planner.io.plan_files import save_plan
from planner.views.html import engagements_table_html, itinerary_table_html, kpis_html
from planner.views.i18n import LABELS, participant_name, t
from planner.views.loading import Loaded, load_saved
from planner.views.maps import (
    TILE_URL,
    country_shapes,
    external_urls,
    itinerary_map,
    leaflet_assets,
    map_iframe,
    offline_html,
    plan_map,
)
from planner.views.plan_view import (
    Filters,
    apply_filters,
    engagement_views,
    event_views,
    filter_events,
    itinerary,
    month_options,
)
from planner.views.timeline import plan_timeline, timeline_rows

MINI = Path(__file__).parent / "fixtures" / "mini"
ASSETS = Path(__file__).resolve().parents[1] / "planner" / "assets"
SECRET = "Xylophone-Surgery-7731"  # a private unavailability reason that must never be shown


def _assign(eid, kind, host, start, end, rid, role):
    return Assignment(eid, kind, host, date.fromisoformat(start), date.fromisoformat(end), rid, role)


def mini_plan() -> Plan:
    """The plan `kp-plan solve tests/fixtures/mini` finds (all three engagements scheduled)."""
    rows = [
        ("CM-RV", "review_visit", "CM", "2018-10-01", "2018-10-04",
         [("EU-1", "lead"), ("AO-1", "member"), ("CSC-2", "member"), ("WDC-1", "member")]),
        ("AO-RV", "review_visit", "AO", "2018-10-08", "2018-10-12",
         [("IN-1", "lead"), ("CSC-2", "member"), ("WDC-1", "member"), ("ZA-1", "member")]),
        ("CHAIRS", "meeting", "ZA", "2018-10-15", "2018-10-16", [("IN-1", "attendee"), ("ZA-1", "attendee")]),
    ]
    assignments = tuple(_assign(e, k, h, s, f, rid, role)
                        for e, k, h, s, f, team in rows for rid, role in team)
    outcomes = tuple(EngagementOutcome(e, "scheduled", date.fromisoformat(s), date.fromisoformat(f), h)
                     for e, _, h, s, f, _ in rows)
    return Plan(assignments, outcomes, {"status": "OPTIMAL"})


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(MINI)


@pytest.fixture(scope="module")
def plan():
    return mini_plan()


@pytest.fixture
def loaded(scenario, plan, tmp_path):
    return Loaded(scenario, plan, tmp_path)


def _sites(html: str) -> int:
    return len(re.findall(r'"className": "kp-site', html))


# --- labels -------------------------------------------------------------------------------------------------


def test_english_and_french_have_the_same_labels_and_placeholders():
    assert set(LABELS["en"]) == set(LABELS["fr"])
    fields = string.Formatter()
    for key, text in LABELS["en"].items():
        placeholders = {f for _, f, _, _ in fields.parse(text) if f}
        assert placeholders == {f for _, f, _, _ in fields.parse(LABELS["fr"][key]) if f}, key


def test_t_translates_fills_placeholders_and_rejects_unknown_languages():
    assert t("filter_region", "en") == "Region"
    assert t("filter_region", "fr") == "Région"
    assert t("matching", "fr", shown=1, total=3) == "1 engagements sur 3 correspondent aux filtres."
    assert t("no-such-label") == "no-such-label"
    with pytest.raises(ValueError):
        t("filter_region", "de")


def test_participant_names_in_french(scenario):
    assert participant_name(scenario, "ZA", "fr") == "Afrique du Sud"
    assert participant_name(scenario, "RU", "fr") == "Fédération de Russie"
    assert participant_name(scenario, "EU", "fr") == "Union européenne"
    assert participant_name(scenario, "ZA", "en") == "South Africa"


# --- views and filters ------------------------------------------------------------------------------------


def test_views_and_filters(scenario, plan):
    views = engagement_views(scenario, plan)
    assert [v.id for v in views] == ["CM-RV", "AO-RV", "CHAIRS"]
    assert views[0].lead == "EU-1" and views[0].team[0] == "EU-1"
    assert [v.id for v in apply_filters(views, {"kind": "meeting"})] == ["CHAIRS"]
    assert apply_filters(views, Filters(region="Asia")) == []
    assert [v.id for v in apply_filters(views, {"organisation": "IN"})] == ["AO-RV", "CHAIRS"]
    assert [v.id for v in apply_filters(views, {"month": "2018-10"})] == ["CM-RV", "AO-RV", "CHAIRS"]
    assert apply_filters(views, {"month": "2018-09"}) == []
    both = apply_filters(views, {"region": "Africa", "kind": "review_visit"})
    assert [v.id for v in both] == ["CM-RV", "AO-RV"]
    with pytest.raises(ValueError):
        Filters.coerce({"colour": "red"})


def test_fixed_events_follow_month_and_organisation_filters_only(scenario):
    events = event_views(scenario)
    assert [e.id for e in events] == ["ASM18", "PLEN"]
    assert [e.id for e in filter_events(scenario, events, {"month": "2018-09"})] == ["ASM18"]
    assert [e.id for e in filter_events(scenario, events, {"kind": "meeting"})] == ["ASM18", "PLEN"]
    assert [e.id for e in filter_events(scenario, events, {"organisation": "RU"})] == ["PLEN"]


def test_month_options_cover_the_horizon(scenario):
    assert [v for _, v in month_options(scenario)] == ["", "2018-09", "2018-10"]
    assert month_options(scenario, "fr")[1][0] == "septembre 2018"


# --- maps ---------------------------------------------------------------------------------------------------


def test_plan_map_has_one_marker_per_scheduled_site_and_travel_lines(scenario, plan):
    page = offline_html(plan_map(scenario, plan))
    assert _sites(page) == len({(v.lat, v.lon) for v in engagement_views(scenario, plan)}) == 3
    assert len(re.findall(r'"className": "kp-travel"', page)) == 10  # one line per team member
    assert len(re.findall(r'"className": "kp-event"', page)) == 2
    assert "Review visit to Angola" in page


def test_plan_map_follows_filters(scenario, plan):
    assert _sites(offline_html(plan_map(scenario, plan, filters={"kind": "meeting"}))) == 1
    assert _sites(offline_html(plan_map(scenario, plan, filters={"region": "Asia"}))) == 0


def test_offline_map_html_loads_nothing_from_outside(scenario, plan):
    maps = (plan_map(scenario, plan), itinerary_map(scenario, plan, ["CSC-2"]))
    for page in (offline_html(m) for m in maps):
        assert external_urls(page) == []
        assert re.findall(r"https?://", page) == []  # not even in a script: Leaflet and CSS are data: URIs
        assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
        assert 'src="data:text/javascript;base64,' in page


def test_online_map_adds_tiles_under_the_country_shapes(scenario, plan):
    page = offline_html(plan_map(scenario, plan, offline=False))
    assert TILE_URL in page
    assert external_urls(page) == []  # tiles are loaded by Leaflet at run time, not by src/href


def test_leaflet_assets_are_inline_and_self_contained():
    js, css = leaflet_assets()
    assert js.startswith("data:text/javascript;base64,") and css.startswith("data:text/css;base64,")
    import base64

    text = base64.b64decode(css.split(",", 1)[1]).decode()
    assert "url(images/" not in text and "url(data:image/png;base64," in text


def test_french_map_labels(scenario, plan):
    page = offline_html(plan_map(scenario, plan, lang="fr"))
    assert "Lieux des engagements" in page and "Union du fleuve Mano" in page
    assert "Engagement sites" not in page


def test_itinerary_map_numbers_a_persons_stops(scenario, plan):
    page = offline_html(itinerary_map(scenario, plan, ["CSC-2"]))
    # CSC-2: ASM18 (a fixed event of wgaap), Cameroon, Angola, the plenary
    assert len(re.findall(r'"className": "kp-travel"', page)) == 4
    assert len(re.findall(r"kp-stop-number", page)) >= 4


def test_boundaries_are_compact_public_domain_shapes_with_alpha2_codes(scenario):
    path = ASSETS / "naturalearth_110m_countries.geojson"
    assert path.stat().st_size < 1_000_000
    shapes = country_shapes()
    codes = {f["properties"]["iso2"] for f in shapes["features"]}
    assert {p.code for p in scenario.participants if p.code != "EU"} <= codes
    assert "public domain" in (ASSETS / "README.md").read_text()
    numbers = re.findall(r"-?\d+\.\d+", json.dumps(shapes["features"][0]["geometry"]))
    assert numbers and all(len(n.split(".")[1]) <= 3 for n in numbers)  # rounded to 3 decimals


# --- timeline -----------------------------------------------------------------------------------------------


def test_timeline_by_engagement_shows_every_title_and_the_fixed_events(scenario, plan):
    fig = plan_timeline(scenario, plan)
    rows = [y for trace in fig.data for y in trace.y]
    for v in engagement_views(scenario, plan):
        assert v.title in rows
    assert "Plenary" in rows and "ASM18 conference" in rows
    assert list(fig.layout.yaxis.categoryarray)[0] == "ASM18 conference"  # earliest first


def test_timeline_by_reviewer_and_by_organisation(scenario, plan):
    by_person = timeline_rows(scenario, plan, by="reviewer")
    assert {r["row"] for r in by_person if not r["group"].startswith("Fixed")} == \
        {a.reviewer_id for a in plan.assignments}
    by_org = plan_timeline(scenario, plan, by="organisation")
    rows = {y for trace in by_org.data for y in trace.y}
    assert "WDC — World Diamond Council (industry)" in rows
    assert "IN — India" in rows
    with pytest.raises(ValueError):
        plan_timeline(scenario, plan, by="colour")


def test_timeline_follows_filters(scenario, plan):
    fig = plan_timeline(scenario, plan, filters={"kind": "meeting"})
    rows = {y for trace in fig.data for y in trace.y}
    assert "Working-group chairs' meeting" in rows and "Review visit to Angola" not in rows
    empty = plan_timeline(scenario, plan, filters={"region": "Asia", "month": "2018-07"})
    assert empty.layout.meta["kp_rows"] == 0
    assert empty.layout.annotations[0].text == t("no_match")


def test_timeline_in_french(scenario, plan):
    fig = plan_timeline(scenario, plan, lang="fr")
    assert {trace.name for trace in fig.data} == {"Visite d’examen", "Réunion", "Événement fixe"}
    assert fig.layout.xaxis.title.text == "Date"
    assert fig.layout.legend.title.text == "Type"


# --- private reasons ---------------------------------------------------------------------------------------


def test_private_unavailability_reasons_never_appear(tmp_path, plan):
    folder = tmp_path / "scenario"
    shutil.copytree(MINI, folder)
    unavailability = folder / "unavailability.csv"
    unavailability.write_text(unavailability.read_text().replace("leave", SECRET), encoding="utf-8")
    scenario = load_scenario(folder)
    assert any(u.reason == SECRET for u in scenario.unavailability)
    outputs = [offline_html(plan_map(scenario, plan)), offline_html(itinerary_map(scenario, plan, ["RU-1"])),
               kpis_html(scenario, plan), engagements_table_html(scenario, engagement_views(scenario, plan)),
               itinerary_table_html(scenario, itinerary(scenario, plan, ["RU-1"]), "RU-1")]
    for by in ("engagement", "reviewer", "organisation"):
        outputs.append(plan_timeline(scenario, plan, by=by).to_json())
    dashboard = PlanDashboard(Loaded(scenario, plan, tmp_path))
    outputs += [w.value for w in (dashboard.header, dashboard.kpis, dashboard.table, dashboard.unscheduled)]
    itineraries = ItineraryDashboard(Loaded(scenario, plan, tmp_path), person="RU-1")
    outputs += [itineraries.table.value, itineraries.calendar.value]
    for text in outputs:
        assert SECRET not in text


# --- widget glue --------------------------------------------------------------------------------------------


def test_plan_dashboard_filters_and_language(loaded):
    d = PlanDashboard(loaded)
    assert d.table.value.count("<tr data-engagement") == 3
    assert "3 of 3 engagements" in d.matching.value
    d.kind.value = "meeting"
    assert d.table.value.count("<tr data-engagement") == 1
    assert "1 of 3 engagements" in d.matching.value
    d.language.value = "fr"
    assert d.kind.value == "meeting"  # the filter survives the language switch
    assert d.kind.description == "Type" and d.region.description == "Région"
    assert "Plan des examens" in d.header.value and "Chef d’équipe" in d.table.value
    assert [label for label, _ in d.by.options] == ["Engagement", "Examinateur", "Organisation"]
    d.by.value = "organisation"
    assert d.errors.outputs == ()


def test_plan_dashboard_draws_its_first_timeline_once_the_browser_is_live(loaded):
    """The browser says it is live through a front-end link (jsdlink) that copies True into ``live``; until
    then the first timeline waits, built but not drawn (Voilà must not capture output while it renders)."""
    d = PlanDashboard(loaded)
    assert d._live_link.source == (d._live_source, "value") and d._live_link.target == (d.live, "value")
    assert d._live_source.value is True and d.live.value is False
    assert not d._ready and d._pending_timeline is not None
    d.live.value = True  # what the browser's copy of the link sends
    assert d._ready and d._pending_timeline is None
    assert d.errors.outputs == ()


def test_itinerary_dashboard_person_and_organisation(loaded):
    d = ItineraryDashboard(loaded, person="IN-1")
    assert d.choice.value == "IN-1"
    assert "Review visit to Angola" in d.table.value and "Working-group chairs" in d.table.value
    assert "IN-1.ics" in d.calendar.value or "not available" in d.calendar.value
    d.mode.value = "organisation"
    d.choice.value = "CSC"
    assert "CSC-2" in d.table.value
    d.language.value = "fr"
    assert "Itinéraire de" in d.table.value
    assert d.errors.outputs == ()


def test_a_missing_plan_shows_a_message_and_never_solves(tmp_path, monkeypatch):
    monkeypatch.setenv("KP_SCENARIO", str(MINI))
    monkeypatch.setenv("KP_PLAN", str(tmp_path / "no-plan"))
    loaded = load_saved()
    assert loaded.scenario is None and loaded.message_key == "no_plan"
    d = PlanDashboard(loaded)
    assert "No saved plan was found" in d.header.value
    assert not (tmp_path / "no-plan").exists()


def test_load_saved_reads_a_saved_plan_and_flags_another_scenario_version(tmp_path, monkeypatch, plan):
    save_plan(Plan(plan.assignments, plan.engagements, {"status": "OPTIMAL", "scenario_hash": "0" * 64}),
              tmp_path / "plan")
    monkeypatch.setenv("KP_SCENARIO", str(MINI))
    monkeypatch.setenv("KP_PLAN", str(tmp_path / "plan"))
    loaded = load_saved()
    assert loaded.plan is not None and len(loaded.plan.scheduled()) == 3
    assert loaded.mismatch


# --- scenario text is shown, never run (issue 12) ---------------------------------------------------------


def _with_title(scenario, engagement_id: str, title: str):
    return dataclasses.replace(scenario, engagements=tuple(
        dataclasses.replace(e, title=title) if e.id == engagement_id else e for e in scenario.engagements))


def test_maps_are_shown_in_sandboxed_frames(scenario, plan, loaded):
    m = plan_map(scenario, plan)
    frame = map_iframe(m, title="A map")
    assert frame.startswith('<iframe class="kp-map-frame" sandbox="allow-scripts" title="A map"')
    assert "allow-same-origin" not in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    page = html.unescape(srcdoc)
    assert page.startswith("<!DOCTYPE html>") and _sites(page) == 3 and external_urls(page) == []
    assert m._repr_html_().startswith('<iframe class="kp-map-frame" sandbox="allow-scripts"')  # notebooks
    assert itinerary_map(scenario, plan, ["CSC-2"])._repr_html_().startswith(
        '<iframe class="kp-map-frame" sandbox="allow-scripts"')
    dashboard = PlanDashboard(loaded)
    assert dashboard.map_out.value.startswith('<iframe class="kp-map-frame" sandbox="allow-scripts"')
    trips = ItineraryDashboard(loaded, person="IN-1")
    assert trips.map_out.value.startswith('<iframe class="kp-map-frame" sandbox="allow-scripts"')


def test_map_text_is_escaped_html_inside_json_strings(scenario, plan):
    """folium's Tooltip pastes its text unescaped into a JavaScript template literal: never used here."""
    hostile = "`${alert(1)}` <img src=x onerror=alert(2)> </script><script>alert(3)</script>"
    s = _with_title(scenario, "CHAIRS", hostile)
    for page in (offline_html(plan_map(s, plan)), offline_html(itinerary_map(s, plan, ["IN-1"]))):
        assert not re.search(r"bindTooltip\(\s*`", page) and not re.search(r"bindPopup\(\s*`", page)
        assert hostile not in page and "<img src=x" not in page and "</script><script>alert" not in page
        literals = [json.loads(x) for x in re.findall(r'"(?:[^"\\\n]|\\.)*"', page) if "alert(1)" in x]
        assert literals and all(html.escape(hostile).replace("{", "&#123;").replace("}", "&#125;") in x
                                for x in literals)


def test_template_syntax_in_scenario_text_is_shown_not_run(scenario, plan):
    """branca renders every script of a folium map as a Jinja template once more: a title such as
    ``{{ 7*7 }}`` once came out as 49 (any Python reachable from Jinja ran), and ``{#`` broke the map."""
    for title in ("Sum {{ 7*7 }} here", "Loop {% for x in range(3) %}{{ x }}{% endfor %}", "Comment {# open"):
        s = _with_title(scenario, "CHAIRS", title)
        for page in (offline_html(plan_map(s, plan)), offline_html(itinerary_map(s, plan, ["IN-1"]))):
            texts = [html.unescape(json.loads(x)) for x in re.findall(r'"(?:[^"\\\n]|\\.)*"', page)]
            assert any(title in text for text in texts), title
            assert not any("Sum 49 here" in text or "Loop 012" in text for text in texts)


def test_timeline_text_is_plotly_safe(scenario, plan):
    """plotly.js reads labels and hover text as HTML-ish markup: scenario text has no tag but plotly's line
    break, and decodes to the text."""
    title = "<b>bold</b> & <a href='javascript:alert(1)'>link</a>\nsecond line"
    fig = plan_timeline(_with_title(scenario, "CHAIRS", title), plan)
    rows = [y for trace in fig.data for y in trace.y]
    encoded = "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href='javascript:alert(1)'&gt;link&lt;/a&gt;<br>second line"
    assert encoded in rows and encoded in fig.layout.yaxis.categoryarray
    hover = [c[0] for trace in fig.data for c in trace.customdata]
    assert encoded in hover
    assert timeline_rows(_with_title(scenario, "CHAIRS", title), plan)[2]["label"] == title  # the data as is
