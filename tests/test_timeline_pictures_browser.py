"""The plan page with the pictures of its first timeline (planner.views.timeline_images), as `make dashboard` serves
it: the server draws them as it starts (planner.apps.prerender); a page shows its language's picture before
plotly.js has drawn anything, and the interactive figure once the pointer enters the picture (a tap, on a phone).
Voilà, Chromium and the page helpers are those of tests/test_dashboards_browser.py and
tests/test_stakeholder_views_browser.py; here the server has a picture folder of its own."""

from __future__ import annotations

import base64
import time

import pytest
from test_dashboards_browser import ARTIFACTS, kp_browser, shown  # noqa: F401 - fixtures
from test_stakeholder_views_browser import DESKTOP, PHONE, _no_sideways_scroll, _open
from voila_server import running_voila

from planner.apps.prerender import first_timelines
from planner.views.i18n import UI_LANGUAGES
from planner.views.loading import load_saved
from planner.views.timeline_images import image_path

pytestmark = pytest.mark.browser

PICTURE = ".kp-timeline img.plot-img"


@pytest.fixture(scope="module")
def served(shown, tmp_path_factory):  # noqa: F811 - fixture
    """(base URL, {language: the picture's base64}) once the server has drawn its pictures."""
    scenario_dir, plan_dir, _, _ = shown
    folder = tmp_path_factory.mktemp("pictures")
    paths = [image_path(spec, folder) for spec in first_timelines(load_saved(scenario_dir, plan_dir))]
    with running_voila(scenario_dir, plan_dir, ARTIFACTS / "voila-pictures.log", pictures=folder) as base:
        deadline = time.monotonic() + 120
        while not all(p.exists() for p in paths):
            assert time.monotonic() < deadline, (ARTIFACTS / "voila-pictures.log").read_text()[-2000:]
            time.sleep(0.5)
        yield base, {lang: base64.b64encode(p.read_bytes()).decode() for lang, p in zip(UI_LANGUAGES, paths,
                                                                                       strict=True)}


def _picture_then_figure(page, expected: str, enter) -> None:
    """The page shows ``expected`` (base64) as its timeline and no plotly figure; ``enter`` (pointer or tap) on
    the picture brings the interactive figure, with its rows, in its place."""
    page.wait_for_selector(f"{PICTURE}[src^='data:']", timeout=60_000)
    assert page.locator(PICTURE).get_attribute("src") == "data:image/png;base64," + expected
    assert page.locator(PICTURE).evaluate("i => i.complete && i.naturalWidth > 0")
    assert page.locator(".js-plotly-plot").count() == 0  # plotly.js has drawn nothing yet
    box = page.locator(PICTURE).bounding_box()
    assert box["height"] > 200
    enter(box["x"] + min(60, box["width"] / 2), box["y"] + box["height"] / 2)
    page.wait_for_selector(".js-plotly-plot .ytick text", timeout=30_000)
    assert page.locator(".js-plotly-plot .ytick text").count() >= 3
    assert page.locator(PICTURE).evaluate("i => getComputedStyle(i).display") == "none"


def test_desktop_page_shows_its_picture_then_the_figure(served, kp_browser):  # noqa: F811 - fixture
    base, pictures = served
    page = _open(kp_browser, f"{base}/voila/render/plan.ipynb", DESKTOP)
    try:
        page.locator(".kp-timeline").scroll_into_view_if_needed()
        box, area = page.locator(PICTURE).bounding_box(), page.locator(".kp-timeline").bounding_box()
        assert box["x"] + box["width"] <= area["x"] + area["width"] + 1  # narrowed to fit, never wider
        page.wait_for_selector(f"{PICTURE}[src^='data:']", timeout=60_000)
        assert page.locator(PICTURE).get_attribute("alt").startswith("Timeline of the engagements (a picture")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "plan-desktop-picture.png"), full_page=True)
        # in steps, as a hand moves it: a page does not always see a pointer that jumps in one event
        _picture_then_figure(page, pictures["en"], lambda x, y: page.mouse.move(x, y, steps=10))
        _no_sideways_scroll(page)
    finally:
        page.close()


def test_french_phone_page_shows_the_french_picture_and_a_tap_draws_the_figure(served, kp_browser):  # noqa: F811
    base, pictures = served
    context = kp_browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{base}/voila/render/plan.ipynb?lang=fr", timeout=120_000)
        page.wait_for_selector("#loading", state="detached", timeout=120_000)
        page.locator(".kp-timeline").scroll_into_view_if_needed()
        page.wait_for_selector(f"{PICTURE}[src^='data:']", timeout=60_000)
        assert page.locator(PICTURE).get_attribute("alt").startswith("Calendrier des engagements (une image")
        _no_sideways_scroll(page)  # the picture keeps its size inside the timeline's own scrolling box
        area = page.locator(".kp-timeline").bounding_box()
        assert area["x"] + area["width"] <= PHONE["width"] + 1
        page.screenshot(path=str(ARTIFACTS / "plan-phone-fr-picture.png"), full_page=True)
        _picture_then_figure(page, pictures["fr"], page.touchscreen.tap)
    finally:
        context.close()
