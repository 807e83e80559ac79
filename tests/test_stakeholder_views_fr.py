"""The French page in French (issue 14 c), a readable timeline and a map that leaves the page's scrolling alone
(issue 14 d): the view functions, without a browser (tests/test_dashboards_browser.py has the pages)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import pytest

from planner import load_scenario
from planner.io.plan_files import load_plan
from planner.views.html import engagements_table_html, header_html, itinerary_table_html, kpis_html
from planner.views.loading import Loaded
from planner.views.maps import map_iframe, offline_html, plan_map
from planner.views.plan_view import engagement_views, itinerary, people_of
from planner.views.timeline import month_tick, plan_timeline
from planner.views.wording import place_in, title_in

ROOT = Path(__file__).resolve().parents[1]
#: English a French reader must not meet on the French page (titles from the scenario's title_fr)
ENGLISH = re.compile(r"FEASIBLE|OPTIMAL|Moscow|assumed|second half|Angola \(Angola\)|\d,\d{3}|solver|"
                     r"South Africa|Russian Federation|Zambia\b|Brussels|\b(Jul|Aug|Sep|Oct|Nov|Dec) 2018|"
                     r"Review visit|hypothetical|workshop|meeting|plenary")


@pytest.fixture(scope="module")
def published():
    return (load_scenario(ROOT / "data" / "scenarios" / "kp-2018-h2"), load_plan(ROOT / "plans" / "kp-2018-h2"))


def _shown_text(fig) -> str:
    """What a timeline shows: tick labels, row labels, legend, hover texts."""
    parts = [*fig.layout.xaxis.ticktext, fig.layout.xaxis.title.text or "", fig.layout.legend.title.text or ""]
    for trace in fig.data:
        parts += [trace.name, trace.hovertemplate, *trace.y, *(x for row in trace.customdata for x in row)]
    return "\n".join(str(p) for p in parts)


def _french_pieces(scenario, plan) -> dict[str, str]:
    loaded = Loaded(scenario=scenario, plan=plan, plan_dir=ROOT / "plans" / "kp-2018-h2")
    views = engagement_views(scenario, plan)
    return {
        "header": header_html(loaded, "plan_title", "plan_subtitle", "fr", link_to="itinerary"),
        "kpis": kpis_html(scenario, plan, "fr"),
        "table": engagements_table_html(scenario, views, "fr"),
        "itinerary": itinerary_table_html(scenario, itinerary(scenario, plan, people_of(scenario, "WDC")), "WDC",
                                          "fr", show_person=True),
        "timeline": _shown_text(plan_timeline(scenario, plan, lang="fr")),
    }


def test_french_page_has_no_english(published):
    scenario, plan = published
    for name, text in _french_pieces(scenario, plan).items():
        found = [m.group(0) for m in ENGLISH.finditer(text)]
        assert not found, (name, found)
    english = {name: bool(ENGLISH.search(text)) for name, text in {
        "header": header_html(Loaded(scenario, plan, ROOT), "plan_title", "plan_subtitle", "en"),
        "timeline": _shown_text(plan_timeline(scenario, plan, lang="en")),
        "kpis": kpis_html(scenario, plan, "en")}.items()}
    assert all(english.values()), english  # the same checks do find the English page's words


def test_french_names_come_from_cldr_and_the_scenario(published):
    scenario, plan = published
    assert place_in("Moscow, Arkhangelsk, Vladivostok", "fr") == "Moscou, Arkhangelsk, Vladivostok"
    assert place_in("Livingstone, Zambia", "fr") == "Livingstone, Zambie"
    assert place_in("Moscow", "en") == "Moscow" and place_in("Moscow", "fr", "Moscou (Russie)") == "Moscou (Russie)"
    ru = scenario.engagements_by_id["RU-RV"]
    assert title_in(ru, "fr") == "Visite d’examen en Fédération de Russie (confirmée)"  # its title_fr
    untitled = dataclasses.replace(ru, extra={k: v for k, v in ru.extra.items() if k != "title_fr"})
    assert title_in(untitled, "fr") == ru.title  # no title_fr: the scenario's title
    french = dataclasses.replace(ru, extra={**ru.extra, "title_fr": "Visite d’examen en Russie (confirmée)"})
    assert title_in(french, "fr") == "Visite d’examen en Russie (confirmée)" and title_in(french, "en") == ru.title
    changed = dataclasses.replace(scenario, engagements=tuple(french if e.id == "RU-RV" else e
                                                              for e in scenario.engagements))
    table = engagements_table_html(changed, engagement_views(changed, plan), "fr")
    assert "Visite d’examen en Russie (confirmée)" in table and ru.title not in table
    assert "Moscou" in table and "Russie" in table


def test_french_numbers_and_month_ticks(published):
    scenario, plan = published
    assert month_tick(date(2018, 9, 1), "fr") == "sept. 2018" and month_tick(date(2018, 9, 1), "en") == "Sep 2018"
    assert re.search(r"\d\u202f\d{3}", kpis_html(scenario, plan, "fr"))
    assert re.search(r"\d,\d{3}", kpis_html(scenario, plan, "en"))


# --- timeline (d) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["engagement", "reviewer", "organisation"])
def test_timeline_has_no_text_in_bars_and_spans_the_active_months(published, by):
    scenario, plan = published
    fig = plan_timeline(scenario, plan, by=by)
    assert all(trace.text is None for trace in fig.data), by
    starts = [min(trace.base) for trace in fig.data]
    first = min(starts)
    months = fig.layout.meta["kp_months"]
    assert months[0] == f"{first[:7]}-01" if isinstance(first, str) else months[0] == first.strftime("%Y-%m-01")
    active = {o.start.strftime("%Y-%m") for o in plan.scheduled()} | {e.start.strftime("%Y-%m")
                                                                        for e in scenario.events}
    assert "2018-07" not in active and not any(m.startswith("2018-07") for m in months)  # July: nothing
    assert len(fig.layout.xaxis.ticktext) == len(months)
    # the legend under the plot (container bottom), the toolbar above it: they cannot overlap
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0 and fig.layout.margin.b >= 80


# --- map (d) ---------------------------------------------------------------------------------------------


def test_map_wheel_zoom_only_after_a_click_and_a_legend_that_folds(published):
    scenario, plan = published
    page = offline_html(plan_map(scenario, plan))
    assert '"scrollWheelZoom": false' in page
    assert "scrollWheelZoom.enable()" in page and 'map.on("click"' in page
    assert '"collapsed": true' in page  # the layer control is an icon until opened
    assert "kp-legend-fold" in page and "<details" in json.loads(
        re.search(r"div\.innerHTML = (\"(?:[^\"\\]|\\.)*\")", page).group(1))
    assert "min-height:50vh" in map_iframe(plan_map(scenario, plan))


def test_region_filter_zooms_the_map(published):
    scenario, plan = published

    def bounds(filters):
        page = offline_html(plan_map(scenario, plan, filters=filters))
        # the bounds the map is fitted to once its frame has a size (maps._FitWhenSized)
        return json.loads(re.search(r"/\* bounds \*/ (\[\[.*?\]\])\);", page, re.S).group(1))

    everything, africa = bounds(None), bounds({"region": "Africa"})
    assert africa != everything
    (south, west), (north, east) = africa
    sites = [v for v in engagement_views(scenario, plan) if v.region == "Africa"]
    assert all(south <= v.lat <= north and west <= v.lon <= east for v in sites)
    assert (north - south) < (everything[1][0] - everything[0][0])


# --- calendars in the page's language (c) ---------------------------------------------------------------


def test_calendar_follows_the_page_language(published):
    import base64

    from icalendar import Calendar

    from planner.apps.dashboard import calendar_link_html

    scenario, plan = published
    rid = next(a.reviewer_id for a in plan.assignments if a.engagement_id == "RU-RV")

    def ru_event(lang):
        link = calendar_link_html(scenario, plan, rid, lang)
        data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1))
        events = {str(e.get("X-KP-ENGAGEMENT")): e for e in Calendar.from_ical(data).walk("VEVENT")}
        return events["RU-RV"]

    fr, en = ru_event("fr"), ru_event("en")
    assert str(fr["LOCATION"]).startswith("Moscou") and "Russie" in str(fr["LOCATION"])
    assert "Quand :" in str(fr["DESCRIPTION"]) and "Votre rôle :" in str(fr["DESCRIPTION"])
    words = str(fr["DESCRIPTION"]).replace(scenario.name, "")
    assert not ENGLISH.search(words), words  # the scenario's own name aside (data)
    assert str(fr["SUMMARY"]).startswith("Visite d’examen en Fédération de Russie")  # its title_fr
    assert str(en["LOCATION"]).startswith("Moscow") and "When:" in str(en["DESCRIPTION"])
    assert fr["UID"] == en["UID"]  # the same event whatever the language: an update, not a copy


# --- the French report and workbook (issue 14 c, 6) --------------------------------------------------------

#: English words a French reader must not meet in the French workbook's and report's headings
ENGLISH_HEADINGS = re.compile(
    r"\b(Summary|Teams|People|Soft terms|Unscheduled|Item|Value|Scenario|Horizon|Plan quality|Total penalty|"
    r"Start|End|Days|Title|Kind|Priority|Status|Host|Place|Lead|Team|Reason|Reviewer|Role|Languages|Groups|"
    r"Weight|Penalty|Details|What|Km from home|Free days|Earliest|Latest|Duration|scheduled|Map|Timeline|"
    r"Itineraries|By person|Not scheduled|Countries visited|People involved|Kilometres|Largest workload|"
    r"CO2 estimate|review plan|fixed event|attendee|Made by|Every engagement)\b")


def _workbook_headings(data: bytes) -> str:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    parts = list(book.sheetnames)
    for sheet in book.worksheets:
        parts += [str(c.value) for c in sheet[1] if c.value is not None]  # the header row
    summary = book.worksheets[0]
    parts += [str(row[0].value) for row in summary.iter_rows(min_row=2)]  # the summary's items
    engagements = book.worksheets[1]
    status = [c.value for c in engagements[1]].index("Statut" if "Statut" in [c.value for c in engagements[1]]
                                                      else "Status")
    parts += [str(row[status].value) for row in engagements.iter_rows(min_row=2)]
    return "\n".join(parts)


def _report_headings(page: str) -> str:
    import html as html_module

    found = re.findall(r"<(h1|h2|h3|th|summary|title|nav|footer)\b[^>]*>(.*?)</\1>", page, re.S)
    found += [("kpi", m) for m in re.findall(r'<div class="kp-kpi"><b>[^<]*</b><span>([^<]*)</span>', page)]
    found += [("note", m) for m in re.findall(r'<p class="kp-(?:note|sub)">(.*?)</p>', page, re.S)]
    return "\n".join(html_module.unescape(re.sub(r"<[^>]+>", " ", text)) for _, text in found)


def test_french_workbook_has_french_headings_and_cldr_names(published):
    from planner.exports.xlsx import workbook_bytes, workbook_sheets

    scenario, plan = published
    english, french = _workbook_headings(workbook_bytes(scenario, plan)), _workbook_headings(
        workbook_bytes(scenario, plan, "fr"))
    assert len(ENGLISH_HEADINGS.findall(english)) > 30  # the list does catch the English workbook
    assert not ENGLISH_HEADINGS.findall(french), ENGLISH_HEADINGS.findall(french)
    assert "Résumé" in french and "Début" in french and "programmé" in french
    sheets = workbook_sheets(scenario, plan, "fr")
    engagements = sheets["Engagements"]
    countries = set(engagements["Pays hôte"]) - {""}
    assert "Russie" in countries and "Afrique du Sud" in countries  # CLDR (babel)
    assert not {"Russian Federation", "South Africa"} & countries
    assert not any("(assumed)" in str(p) for p in engagements["Lieu"])
    assert any("Moscou" in str(p) for p in engagements["Lieu"])
    assert "Visite d’examen" in set(engagements["Type"])
    assert set(workbook_sheets(scenario, plan)) - set(sheets) == {"Summary", "Teams", "People", "Soft terms",
                                                                  "Unscheduled", "Costs"}
    assert "Coûts estimés" in sheets and "Payeur" in sheets["Coûts estimés"].columns


def test_french_report_has_french_headings_numbers_and_dates(published):
    from planner.exports.html import report_html

    scenario, plan = published
    english, french = report_html(scenario, plan), report_html(scenario, plan, lang="fr")
    assert len(ENGLISH_HEADINGS.findall(_report_headings(english))) > 20
    found = ENGLISH_HEADINGS.findall(_report_headings(french))
    assert not found, found
    assert '<html lang="fr">' in french and "Plan des examens du Processus de Kimberley" in french
    cells = re.findall(r'<td class="(?:num|date)">([^<]*)</td>', french)
    assert cells and not any(re.search(r"\d,\d{3}", c) for c in cells)  # CLDR: '1 891', not '1,891'
    assert any("\u202f" in c or "\xa0" in c for c in cells)
    assert any(re.search(r"\b(sept|oct|nov)\.", c) for c in cells)  # babel's French dates
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
                         french)
    kpis = re.findall(r'<div class="kp-kpi"><b>([^<]*)</b>', french)
    assert any("\u202f" in k or "\xa0" in k for k in kpis)  # the kilometres: thousands separated the French way


def test_kp_plan_export_lang_fr_writes_french_workbook_and_report(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "fr"
    run = subprocess.run([sys.executable, "-m", "planner.apps.cli", "export", str(ROOT / "plans" / "kp-2018-h2"),
                          "--scenario", str(ROOT / "data" / "scenarios" / "kp-2018-h2"), "--out", str(out),
                          "--lang", "fr", "--xlsx", "--html"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert not ENGLISH_HEADINGS.findall(_workbook_headings((out / "plan.xlsx").read_bytes()))
    assert not ENGLISH_HEADINGS.findall(_report_headings((out / "report.html").read_text(encoding="utf-8")))
