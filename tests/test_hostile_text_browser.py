"""Hostile scenario text in a real browser (issue 12, part 1): report.html and both dashboards, in Chromium.

A scenario folder whose titles, places, names, ids, reasons and scenario name carry script (``<img onerror>``,
``</script><script>``, backticks, ``${}``, ``{{ }}``), markup and line breaks is written with
``planner.io.scenario_files.save_scenario``, its plan with ``save_plan``. The payloads call ``alert`` and add a
``<kp-pwned>`` element. Each page is loaded, every map marker hovered (Leaflet inserts a tooltip's HTML only
then), a site's popup opened, a timeline bar hovered; then no dialog may have opened, no ``kp-pwned`` element
exist in the page or in the map's frame, the map must have rendered in its sandboxed frame with no request
outside the page, and the hostile text must be visible literally in the tables, tooltips, popups, tick
labels and hover text.

The dashboard server is started as `make dashboard` starts it (tests/voila_server.py), with KP_SCENARIO and
KP_PLAN pointing at the hostile folders.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from voila_server import running_voila

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL = re.compile(r"^(data:|blob:|about:|file:|(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/)")
ERROR_TEXT = "There was an error when executing cell"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make system-deps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

RUN = "alert('kp');document.body.append(document.createElement('kp-pwned'))"
IMG = f'<img src=x onerror="{RUN}">'
SCRIPT = f"</script><script>{RUN}</script>"
TEMPLATE = "`${alert('kp')}` {{ 7*7 }} {% if 1 %}%{y} <b>bold</b> &amp; \"quoted\" 'single'"
ID = "<img/src=x/onerror=document.body.append(document.createElement('kp-pwned'))>"  # an id has no blanks


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(scenario folder, plan folder, the scenario and plan as loaded back, the renamed reviewer's id)."""
    from test_hostile_text import FIELDS, base_plan

    from planner import load_scenario
    from planner.io.plan_files import load_plan, save_plan
    from planner.io.scenario_files import save_scenario

    scenario = load_scenario(ROOT / "tests" / "fixtures" / "mini")
    texts = {
        "scenario.yaml name": f"Mini\n{IMG}",
        "participants.csv name (regional approach)": f"Cameroon {IMG}",
        "events.csv title": f"ASM18 {SCRIPT} {TEMPLATE}",
        "events.csv place": f"Livingstone {IMG}",
        "engagements.csv title": f"Review visit\nto Cameroon {IMG} {TEMPLATE}",
        "engagements.csv place": f"=HYPERLINK(\"http://x\") {IMG}",
        "plan engagements.csv reason": f"left out: {SCRIPT}",
        "reviewers.csv id": ID,
    }
    s, p = scenario, base_plan()
    for field, text in texts.items():
        s, p = FIELDS[field](s, p, text)
    folder = tmp_path_factory.mktemp("hostile")
    save_scenario(s, folder / "scenario")
    save_plan(p, folder / "plan")
    loaded = load_scenario(folder / "scenario")
    assert loaded.name == f"Mini\n{IMG}" and ID in loaded.reviewers_by_id  # the files hold the text as is
    return folder / "scenario", folder / "plan", loaded, load_plan(folder / "plan"), ID


@pytest.fixture(scope="module")
def voila(hostile):
    scenario_dir, plan_dir, *_ = hostile
    with running_voila(scenario_dir, plan_dir, ARTIFACTS / "voila-hostile.log") as base:
        yield base


@pytest.fixture(scope="module")
def kp_browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def flat(text: str) -> str:
    """Text as a browser lays it out in a line (line breaks and runs of blanks are one space)."""
    return re.sub(r"\s+", " ", text).strip()


class HostilePage:
    """A page loaded with every request recorded, requests outside the page aborted and dialogs counted."""

    def __init__(self, browser, url: str, map_frame: str):
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 2400})
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.goto(url, timeout=90_000)
        self.frame_element = self.page.locator(map_frame).first
        self.map = self.page.frame_locator(map_frame).first
        self.map.locator(".leaflet-container").wait_for(timeout=60_000)

    def _guard(self, route) -> None:
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def hover_every_marker(self) -> list[str]:
        """Point at each site, event, travel line, home and stop (a mouseover on the marker itself: markers
        overlap, so the mouse at a marker's centre may be over another); return the tooltips' texts."""
        shown = []
        for selector in (".kp-site", ".kp-event", ".kp-travel", ".kp-home", ".kp-stop"):
            markers = self.map.locator(selector)
            for index in range(markers.count()):
                markers.nth(index).dispatch_event("mouseover")
                tooltip = self.map.locator(".leaflet-tooltip")
                tooltip.wait_for(timeout=10_000)
                shown.append(tooltip.inner_text())
                markers.nth(index).dispatch_event("mouseout")
                tooltip.wait_for(state="detached", timeout=10_000)
        return shown

    def open_popups(self) -> list[str]:
        """Click each site (on the marker itself, as above); return the popups' texts."""
        shown = []
        sites = self.map.locator(".kp-site")
        for index in range(sites.count()):
            sites.nth(index).dispatch_event("click")
            popup = self.map.locator(".leaflet-popup-content")
            popup.wait_for(timeout=10_000)
            shown.append(popup.inner_text())
            self.map.locator(".leaflet-popup-close-button").dispatch_event("click")
            popup.wait_for(state="detached", timeout=10_000)
        return shown

    def assert_nothing_ran(self) -> None:
        self.page.wait_for_timeout(500)  # let any injected handler fire (this only waits: nothing is timed)
        assert self.dialogs == []
        assert self.page.locator("kp-pwned").count() == 0
        assert self.map.locator("kp-pwned").count() == 0
        assert self.frame_element.get_attribute("sandbox") == "allow-scripts"
        assert self.outside == []

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


LINES = """label => { const lines = [...label.querySelectorAll('tspan.line')].map(line => line.textContent);
    return lines.length ? lines.join('\\n') : label.textContent; }"""


def plotly_text(locator) -> str:
    """An SVG text of plotly, a line break where plotly breaks it (a ``<br>``), laid out in a line."""
    return flat(locator.evaluate(LINES))


def tick_labels(page, scope: str) -> list[str]:
    """The timeline's row labels."""
    labels = page.locator(f"{scope} .ytick text")
    return [plotly_text(labels.nth(index)) for index in range(labels.count())]


def _titles(scenario) -> list[str]:
    return [e.title for e in scenario.engagements] + [v.title for v in scenario.events]


def _scheduled_titles(scenario, plan) -> list[str]:
    """What the timeline shows: scheduled engagements and fixed events (CHAIRS is left out, with a reason)."""
    return [scenario.engagements_by_id[o.engagement_id].title for o in plan.scheduled()] + \
        [v.title for v in scenario.events]


def test_report_runs_no_scenario_script_and_shows_the_text(hostile, kp_browser, tmp_path):
    from planner.exports import export_plan
    from planner.views.plan_view import engagement_views

    _, _, scenario, plan, person = hostile
    written = export_plan(scenario, plan, tmp_path)  # line breaks in the scenario name and a title: no crash
    report = next(path for path in written if path.name == "report.html")
    page = HostilePage(kp_browser, report.as_uri(), "iframe.kp-map")
    try:
        sites = {(v.lat, v.lon) for v in engagement_views(scenario, plan)}
        assert page.map.locator(".kp-site").count() == len(sites)  # the map works in its sandbox, offline
        tooltips = page.hover_every_marker()
        popups = page.open_popups()
        page.page.locator("#kp-timeline-engagement .point").first.hover(force=True)
        page.page.locator(".hoverlayer .hovertext").first.wait_for(timeout=10_000)
        page.screenshot("hostile-report")
        page.assert_nothing_ran()
        body = flat(page.page.locator("body").inner_text())
        for text in _titles(scenario) + [scenario.name, person, plan.outcomes_by_id["CHAIRS"].reason]:
            assert flat(text) in body
        cameroon = next(p.name for p in scenario.participants if p.code == "CM")
        assert any(flat(cameroon) in flat(t) for t in tooltips)
        asm18 = next(v for v in scenario.events if v.id == "ASM18")
        assert any(flat(asm18.title) in flat(t) and flat(asm18.place) in flat(t) for t in tooltips)
        assert any(flat(scenario.engagements_by_id["CM-RV"].title) in flat(popup) for popup in popups)
        ticks = tick_labels(page.page, "#kp-timeline-engagement")
        for title in _scheduled_titles(scenario, plan):
            assert flat(title) in ticks
    finally:
        page.close()


def _voila(browser, url: str) -> HostilePage:
    page = HostilePage(browser, url, ".kp-map iframe")
    page.page.wait_for_selector("#rendered_cells", state="visible", timeout=90_000)
    page.page.wait_for_selector("#loading", state="detached", timeout=90_000)
    assert ERROR_TEXT not in page.page.content()
    return page


def test_plan_dashboard_runs_no_scenario_script_and_shows_the_text(hostile, voila, kp_browser):
    _, _, scenario, plan, person = hostile
    page = _voila(kp_browser, f"{voila}/voila/render/plan.ipynb")
    try:
        page.page.wait_for_selector(".js-plotly-plot .ytick text", timeout=60_000)
        tooltips = page.hover_every_marker()
        popups = page.open_popups()
        page.page.locator(".js-plotly-plot .point").first.hover(force=True)
        hover = page.page.locator(".hoverlayer .hovertext").first
        hover.wait_for(timeout=10_000)
        page.screenshot("hostile-plan-dashboard")
        page.assert_nothing_ran()
        assert ERROR_TEXT not in page.page.content()
        table = flat(page.page.locator(".kp-engagement-table").inner_text())
        for o in plan.scheduled():
            e = scenario.engagements_by_id[o.engagement_id]
            assert flat(e.title) in table and flat(e.place) in table
        assert flat(scenario.name) in flat(page.page.locator(".kp-sub").first.inner_text())
        assert flat(plan.outcomes_by_id["CHAIRS"].reason) in flat(page.page.locator("body").inner_text())
        ticks = tick_labels(page.page, ".js-plotly-plot")
        for title in _scheduled_titles(scenario, plan):
            assert flat(title) in ticks
        shown = {flat(t) for t in tooltips}
        assert any(flat(scenario.engagements_by_id["CM-RV"].place) in t for t in shown)
        assert any(person in t for t in shown)  # the renamed reviewer's travel line
        assert any(flat(scenario.engagements_by_id["CM-RV"].title) in flat(popup) for popup in popups)
        assert any(flat(t) in plotly_text(hover.locator("text").first) for t in _titles(scenario))
    finally:
        page.close()


def test_itinerary_dashboard_runs_no_scenario_script_and_shows_the_text(hostile, voila, kp_browser):
    from planner.exports.common import safe_filename

    _, _, scenario, plan, person = hostile
    page = _voila(kp_browser, f"{voila}/voila/render/itinerary.ipynb")
    try:
        choice = page.page.locator(".kp-itinerary-choice select")
        options = page.page.locator(".kp-itinerary-choice option").all_text_contents()
        index = next(i for i, label in enumerate(options) if label.replace("\xa0", " ").startswith(person + " "))
        choice.select_option(index=index)
        stops = {scenario.engagements_by_id[a.engagement_id].title for a in plan.of_reviewer(person)}
        stops |= {v.title for v in scenario.events if person in scenario.attendees_of(v.attendees)}
        table = page.page.locator(".kp-itinerary-table")
        page.page.wait_for_function(
            "n => document.querySelectorAll('.kp-itinerary-table tbody tr').length === n", arg=len(stops),
            timeout=30_000)
        page.map = page.page.frame_locator(".kp-map iframe").first  # the map of the chosen person
        page.map.locator(".kp-stop").first.wait_for(timeout=30_000)
        tooltips = page.hover_every_marker()
        page.screenshot("hostile-itinerary-dashboard")
        page.assert_nothing_ran()
        assert ERROR_TEXT not in page.page.content()
        shown = flat(table.inner_text())
        for title in stops:
            assert flat(title) in shown
        assert flat(f"Itinerary of {person}") in shown
        assert any(flat(title) in flat(t) for t in tooltips for title in stops)
        link = page.page.locator("a.kp-download").first
        assert link.get_attribute("download") == f"{safe_filename(person)}.ics"
        assert link.get_attribute("href").startswith("data:text/calendar")
        assert flat(person) in flat(link.inner_text())
    finally:
        page.close()
