"""The stakeholder dashboards in a real browser: the dashboard server as `make dashboard` starts it (Voilà with the
repository's voila.json; tests/voila_server.py) on a free local port, Debian's Chromium driven by Playwright (no
browser download).

Every page must render with no error cell, show the plan (one map marker per engagement site, every title on
the timeline), react to a filter and to the French switch, and make no request that leaves 127.0.0.1.
Screenshots go to test-artifacts/ (git-ignored).

The plan shown is the committed default plan (plans/kp-2018-h2) when it is there, else the mini scenario
solved into a temporary folder; the expected values are computed from the same files with the planner.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from voila_server import running_voila

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL = re.compile(r"^(data:|blob:|about:|(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/)")
ERROR_TEXT = "There was an error when executing cell"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make system-deps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    """(scenario folder, plan folder) the dashboards show, and the loaded scenario and plan."""
    from planner import load_scenario
    from planner.io.plan_files import load_plan

    scenario_dir, plan_dir = ROOT / "data" / "scenarios" / "kp-2018-h2", ROOT / "plans" / "kp-2018-h2"
    if not (plan_dir / "engagements.csv").exists() or not (scenario_dir / "scenario.yaml").exists():
        scenario_dir = ROOT / "tests" / "fixtures" / "mini"
        plan_dir = tmp_path_factory.mktemp("plan") / "mini"
        subprocess.run([sys.executable, "-m", "planner.apps.cli", "solve", str(scenario_dir), "--out",
                        str(plan_dir), "--reproducible"], check=True, capture_output=True, cwd=ROOT)
    return scenario_dir, plan_dir, load_scenario(scenario_dir), load_plan(plan_dir)


@pytest.fixture(scope="module")
def voila(shown):
    """Base URL of the dashboard server started as `make dashboard` starts it (voila_server.py), on a free port."""
    scenario_dir, plan_dir, _, _ = shown
    with running_voila(scenario_dir, plan_dir, ARTIFACTS / "voila.log") as base:
        yield base


@pytest.fixture(scope="module")
def kp_browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A page with every request URL recorded."""

    def __init__(self, browser, url: str):
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 2400})
        self.page.on("request", lambda request: self.requests.append(request.url))
        started = time.monotonic()
        self.page.goto(url, timeout=90_000)
        self.page.wait_for_selector("#rendered_cells", state="visible", timeout=90_000)
        self.page.wait_for_selector("#loading", state="detached", timeout=90_000)
        self.page.wait_for_selector(".jupyter-widgets", timeout=60_000)
        self.map = self.page.frame_locator(".kp-map iframe, iframe").first
        self.map.locator(".leaflet-container").wait_for(timeout=60_000)
        self.seconds = time.monotonic() - started

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not LOCAL.match(u)]

    def assert_no_error(self) -> None:
        assert ERROR_TEXT not in self.page.content()
        assert self.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']") \
            .count() == 0

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def timeline_labels(self) -> list[str]:
        return self.page.locator(".js-plotly-plot .ytick text").all_text_contents()

    def table_rows(self) -> int:
        return self.page.locator(".kp-engagement-table tr[data-engagement]").count()

    def close(self) -> None:
        self.page.close()


def test_plan_dashboard_renders_the_plan_offline(voila, kp_browser, shown):
    from planner.views.plan_view import engagement_views

    _, _, scenario, plan = shown
    views = engagement_views(scenario, plan)
    page = Page(kp_browser, f"{voila}/voila/render/plan.ipynb")
    try:
        page.page.wait_for_selector(".js-plotly-plot .ytick text", timeout=60_000)
        page.screenshot("plan-en")
        page.assert_no_error()
        assert page.map.locator(".kp-site").count() == len({(v.lat, v.lon) for v in views})
        assert page.map.locator(".kp-travel").count() == sum(len(v.team) for v in views)
        labels = page.timeline_labels()
        for v in views:
            assert v.title in labels
        assert page.table_rows() == len(views)
        assert page.page.locator(".kp-kpi").count() == 6  # engagements, countries, people, km, CO2, cost
        for secret in {u.reason for u in scenario.unavailability if u.reason}:
            assert f">{secret}<" not in page.page.content()
        assert page.outside_requests() == []
    finally:
        page.close()


def test_a_filter_changes_map_timeline_and_table(voila, kp_browser, shown):
    from planner.views.plan_view import apply_filters, engagement_views

    _, _, scenario, plan = shown
    views = engagement_views(scenario, plan)
    kind = sorted({v.kind for v in views}, key=lambda k: sum(v.kind == k for v in views))[0]  # the rarest
    expected = apply_filters(views, {"kind": kind})
    page = Page(kp_browser, f"{voila}/voila/render/plan.ipynb")
    try:
        page.page.wait_for_selector(".js-plotly-plot .ytick text", timeout=60_000)
        before = page.timeline_labels()
        from planner.views.i18n import kind_label

        page.page.locator(".kp-filter-kind select").select_option(label=kind_label(kind, "en"))
        page.page.wait_for_function(
            "n => document.querySelectorAll('.kp-engagement-table tr[data-engagement]').length === n",
            arg=len(expected), timeout=30_000)
        page.page.wait_for_function(
            "before => { const t = [...document.querySelectorAll('.js-plotly-plot .ytick text')]"
            ".map(e => e.textContent); return t.length > 0 && t.join('|') !== before.join('|'); }",
            arg=before, timeout=30_000)
        page.map.locator(".leaflet-container").wait_for(timeout=30_000)
        # the timeline may be redrawn once more (a live page draws its pending figure): wait for the filtered one
        wanted = sorted(v.title for v in expected)
        others = sorted(v.title for v in views if v not in expected)
        page.page.wait_for_function(
            "([wanted, others]) => { const t = [...document.querySelectorAll('.js-plotly-plot .ytick text')]"
            ".map(e => e.textContent); return wanted.every(w => t.includes(w)) && !others.some(o => t.includes(o)); }",
            arg=[wanted, others], timeout=30_000)
        page.screenshot("plan-filtered")
        after = page.timeline_labels()
        for v in views:
            assert (v.title in after) == (v in expected)
        # the map's iframe is sandboxed (no same origin): the page cannot read it, Playwright's frame locator can
        expect(page.map.locator(".kp-site")).to_have_count(len({(v.lat, v.lon) for v in expected}), timeout=30_000)
        page.assert_no_error()
        assert page.outside_requests() == []
    finally:
        page.close()


def test_the_french_switch_changes_the_labels(voila, kp_browser):
    page = Page(kp_browser, f"{voila}/voila/render/plan.ipynb")
    try:
        assert page.page.get_by_text("Kimberley Process review plan").count() == 1
        page.page.locator(".kp-language button", has_text="Français").click()
        page.page.wait_for_selector("text=Plan des examens du Processus de Kimberley", timeout=30_000)
        page.page.wait_for_selector(".js-plotly-plot .legendtext >> text=Visite d’examen", timeout=30_000)
        page.map.locator("text=Lieux des engagements").wait_for(state="attached", timeout=30_000)  # collapsed
        content = page.page.content()
        assert "Chef d’équipe" in content and "Région" in content and "Pays visités" in content
        # (the page's script holds both languages' tab titles: what is shown is checked)
        assert "Kimberley Process review plan" not in page.page.locator("#rendered_cells").inner_text()
        # the tab and <html lang> follow the switch (the kp-offline template's script)
        assert page.page.title() == "Plan des examens du Processus de Kimberley"
        assert page.page.evaluate("() => document.documentElement.lang") == "fr"
        page.screenshot("plan-fr")
        page.assert_no_error()
        assert page.outside_requests() == []
    finally:
        page.close()


def test_itinerary_dashboard(voila, kp_browser, shown):
    _, _, scenario, plan = shown
    person = plan.assignments[0].reviewer_id
    page = Page(kp_browser, f"{voila}/voila/render/itinerary.ipynb")
    try:
        options = page.page.locator(".kp-itinerary-choice option").all_text_contents()
        index = next(i for i, label in enumerate(options) if label.replace("\xa0", " ").startswith(person + " "))
        page.page.locator(".kp-itinerary-choice select").select_option(index=index)
        titles = {scenario.engagements_by_id[a.engagement_id].title for a in plan.of_reviewer(person)}
        for title in titles:
            page.page.wait_for_selector(f".kp-itinerary-table >> text={title}", timeout=30_000)
        page.map.locator(".kp-travel").first.wait_for(timeout=30_000)
        link = page.page.locator("a.kp-download")
        if link.count():
            assert link.first.get_attribute("href").startswith("data:text/calendar")
            assert link.first.get_attribute("download") == f"{person}.ics"
        else:
            assert page.page.get_by_text("Calendar download: not available yet.").count() == 1
        page.screenshot("itinerary-person")
        page.page.locator(".kp-itinerary-mode button").nth(1).click()
        page.page.wait_for_selector(".kp-itinerary-table >> text=Itinerary of", timeout=30_000)
        page.page.locator(".kp-language button", has_text="Français").click()
        page.page.wait_for_selector(".kp-itinerary-table >> text=Itinéraire de", timeout=30_000)
        page.screenshot("itinerary-organisation-fr")
        page.assert_no_error()
        assert page.outside_requests() == []
    finally:
        page.close()
