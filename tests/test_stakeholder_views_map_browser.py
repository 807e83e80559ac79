"""The map is drawn where the viewer looks (issue 14, the maps left blank under load, and the band under the map):
Leaflet starts inside an ``<iframe srcdoc>`` that often has no size yet; the map must still end up fitted to the
plan once the frame is laid out. Chromium through Playwright; Voilà from tests/test_dashboards_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dashboards_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ERROR_TEXT, kp_browser, shown, voila  # noqa: F401

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

#: What is drawn inside the map's visible area (the Leaflet container clipped to the frame's window):
#: country shapes (``kp-country``) and engagement sites (``kp-site``) with a non-empty box there, the box of
#: all visible country shapes together, and Leaflet's zoom.
DRAWN = """() => {
  const key = Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k));
  const map = window[key];
  const c = map.getContainer().getBoundingClientRect();
  const view = {left: Math.max(c.left, 0), top: Math.max(c.top, 0),
                right: Math.min(c.right, innerWidth), bottom: Math.min(c.bottom, innerHeight)};
  const inside = sel => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect()).map(r => ({
      left: Math.max(r.left, view.left), top: Math.max(r.top, view.top),
      right: Math.min(r.right, view.right), bottom: Math.min(r.bottom, view.bottom)}))
    .filter(r => r.right - r.left > 0 && r.bottom - r.top > 0);
  const countries = inside("path.kp-country"), sites = inside("path.kp-site");
  const spread = rs => rs.length ? [Math.max(...rs.map(r => r.right)) - Math.min(...rs.map(r => r.left)),
                                    Math.max(...rs.map(r => r.bottom)) - Math.min(...rs.map(r => r.top))] : [0, 0];
  return {view: [view.right - view.left, view.bottom - view.top], countries: countries.length,
          countries_box: spread(countries), sites: sites.length,
          all_sites: document.querySelectorAll("path.kp-site").length, sites_box: spread(sites),
          zoom: map.getZoom()};
}"""


def _frame(page):
    return next(f for f in page.frames if f != page.main_frame and f.url.startswith("about:srcdoc"))


def _assert_drawn(drawn: dict) -> None:
    width, height = drawn["view"]
    assert width > 300 and height > 300, drawn
    assert drawn["countries"] >= 20, drawn  # country shapes drawn inside the visible map
    assert drawn["countries_box"][0] >= 0.6 * width and drawn["countries_box"][1] >= 0.6 * height, drawn
    assert drawn["sites"] == drawn["all_sites"] > 0, drawn  # every site inside the visible map
    assert drawn["zoom"] >= 1, drawn


def test_a_map_whose_frame_is_laid_out_late_is_fitted_when_it_gets_its_size(kp_browser):  # noqa: F811
    """The frame first has no size (as in a dashboard still being drawn), then gets one: the map is fitted to
    the plan then, not left at the zoom a 0 × 0 map got (before the fix: zoom 0, the world 256 px wide)."""
    from planner import load_scenario
    from planner.io.plan_files import load_plan
    from planner.views.maps import map_iframe, plan_map

    scenario = load_scenario(ROOT / "data" / "scenarios" / "kp-2018-h2")
    plan = load_plan(ROOT / "plans" / "kp-2018-h2")
    frame = map_iframe(plan_map(scenario, plan, filters={"region": "Africa"}))
    page = kp_browser.new_page(viewport=DESKTOP)
    try:
        page.set_content(f'<body style="margin:0"><div id="box" style="width:0;height:0;overflow:hidden">'
                         f"{frame}</div></body>")
        page.frame_locator("iframe").locator(".leaflet-container").wait_for(state="attached", timeout=30_000)
        page.wait_for_timeout(500)
        page.evaluate("() => { const b = document.getElementById('box'); b.style.width = '1200px';"
                      " b.style.height = '600px'; }")
        _frame(page).wait_for_function("() => document.querySelector('.leaflet-container').clientWidth > 1000",
                                       timeout=10_000)
        page.wait_for_timeout(500)
        drawn = _frame(page).evaluate(DRAWN)
        _assert_drawn(drawn)
        assert drawn["zoom"] >= 3, drawn  # zoomed to Africa, not the world
        assert drawn["sites_box"][0] >= 0.3 * drawn["view"][0], drawn  # the sites spread over the map
        # a resize later keeps it fitted (the viewer has not moved the map)
        page.evaluate("() => { document.getElementById('box').style.width = '700px'; }")
        _frame(page).wait_for_function("() => document.querySelector('.leaflet-container').clientWidth < 800",
                                       timeout=10_000)
        page.wait_for_timeout(500)
        _assert_drawn(_frame(page).evaluate(DRAWN))
    finally:
        page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_the_dashboard_map_is_drawn_and_no_band_under_it(voila, kp_browser, viewport):  # noqa: F811
    page = kp_browser.new_page(viewport=viewport)
    try:
        page.goto(f"{voila}/voila/render/plan.ipynb", timeout=120_000)
        page.wait_for_selector("#loading", state="detached", timeout=120_000)
        page.frame_locator(".kp-map iframe").first.locator("path.kp-site").first.wait_for(timeout=60_000)
        assert ERROR_TEXT not in page.content()
        frame_el = page.locator(".kp-map iframe").first
        frame_el.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        _assert_drawn(_frame(page).evaluate(DRAWN))
        # no blank band: the map fills its frame, the frame its widget, and the next section follows at once
        box = frame_el.bounding_box()
        widget = page.locator(".kp-map").first.bounding_box()
        container = _frame(page).evaluate("() => document.querySelector('.leaflet-container').clientHeight")
        assert abs(container - box["height"]) <= 1, (container, box)
        assert widget["y"] + widget["height"] - (box["y"] + box["height"]) <= 4, (widget, box)
        below = page.evaluate("""() => { const m = document.querySelector('.kp-map');
            return m.nextElementSibling.getBoundingClientRect().top - m.getBoundingClientRect().bottom; }""")
        assert below <= 12, below
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"plan-map-{viewport['width']}.png"))
    finally:
        page.close()
