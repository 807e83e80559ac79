"""The map is drawn where the viewer looks (issue 14, the maps left blank under load, and the band under the map):
Leaflet starts inside an ``<iframe srcdoc>`` that often has no size yet; the map must still end up fitted to the
plan once the frame is laid out. Chromium through Playwright; Voilà from tests/test_dashboards_browser.py.
"""

from __future__ import annotations

import math
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
        _scroll_to_map(page)
        page.wait_for_timeout(500)
        _assert_drawn(_frame(page).evaluate(DRAWN))
        # no blank band: the map fills its frame, the frame its widget, and the next section follows at once
        box = page.locator(".kp-map iframe").first.bounding_box()
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


def _kpi_first(page) -> str:
    return page.locator(".kp-kpi .kp-value").first.inner_text()


def test_region_filter_changes_the_figures_and_the_map_shows_labels(voila, kp_browser, shown):  # noqa: F811
    from planner.views.i18n import region_label
    from planner.views.plan_view import apply_filters, engagement_views

    _, _, scenario, plan = shown
    views = engagement_views(scenario, plan)
    region = max({v.region for v in views}, key=lambda r: sum(v.region == r for v in views))
    mine = apply_filters(views, {"region": region})
    assert len(mine) < len(views)
    page = kp_browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{voila}/voila/render/plan.ipynb", timeout=120_000)
        page.wait_for_selector("#loading", state="detached", timeout=120_000)
        page.frame_locator(".kp-map iframe").first.locator("path.kp-site").first.wait_for(timeout=60_000)
        assert _kpi_first(page) == str(len(views))
        page.locator(".kp-filter-region select").select_option(label=region_label(region, "en"))
        page.wait_for_function("n => document.querySelector('.kp-kpi .kp-value').textContent === n",
                               arg=str(len(mine)), timeout=30_000)
        _scroll_to_map(page)
        map_frame = page.frame_locator(".kp-map iframe").first
        map_frame.locator("path.kp-site").first.wait_for(timeout=30_000)
        expected = {v.place.split(",")[0].replace(" (assumed)", "") for v in mine
                    if scenario.engagements_by_id[v.id].place}
        label = map_frame.locator(".kp-label-city span", has_text=sorted(expected)[0])
        label.wait_for(timeout=30_000)
        box = label.bounding_box()
        frame_box = page.locator(".kp-map iframe").first.bounding_box()
        assert box and box["width"] > 0 and frame_box["x"] <= box["x"] <= frame_box["x"] + frame_box["width"]
        assert map_frame.locator(".kp-label-country").count() > 10
        page.screenshot(path=str(ARTIFACTS / "plan-region-labels.png"))
        page.locator(".kp-filter-region select").select_option(index=0)  # "All" again: the whole plan
        page.wait_for_function("n => document.querySelector('.kp-kpi .kp-value').textContent === n",
                               arg=str(len(views)), timeout=30_000)
        assert ERROR_TEXT not in page.content()
    finally:
        page.close()


def test_an_organisations_stops_at_one_place_do_not_hide_each_other(voila, kp_browser, shown):  # noqa: F811
    _, _, scenario, _ = shown
    page = kp_browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{voila}/voila/render/itinerary.ipynb", timeout=120_000)
        page.wait_for_selector("#loading", state="detached", timeout=120_000)
        page.locator(".kp-itinerary-mode button").nth(1).click()
        page.wait_for_selector(".kp-itinerary-choice option >> text=World Diamond Council", state="attached",
                               timeout=30_000)
        page.wait_for_function("() => [...document.querySelectorAll('.kp-itinerary-choice option')]"
                               ".some(o => o.textContent.replace(/\\s/g, ' ').startsWith('WDC '))", timeout=30_000)
        options = page.locator(".kp-itinerary-choice option").all_text_contents()
        page.locator(".kp-itinerary-choice select").select_option(
            index=next(i for i, label in enumerate(options) if label.replace("\xa0", " ").startswith("WDC ")))
        page.wait_for_selector(".kp-itinerary-table >> text=WDC-2", timeout=30_000)
        _scroll_to_map(page)
        map_frame = page.frame_locator(".kp-map iframe").first
        map_frame.locator(".kp-stop-spread").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        by_site: dict[str, list[dict]] = {}
        for stop in map_frame.locator(".kp-stop-number").all():
            by_site.setdefault(stop.get_attribute("data-site"), []).append(stop.bounding_box())
        shared = [boxes for boxes in by_site.values() if len(boxes) > 1]
        assert shared and max(len(b) for b in shared) >= 3, by_site  # several people at one place
        for boxes in shared:
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    # the markers are round: none covers another of the same place when their centres are at
                    # least a diameter apart
                    apart = math.dist((a["x"] + a["width"] / 2, a["y"] + a["height"] / 2),
                                      (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2))
                    assert apart >= a["width"] - 0.5, (a, b)
        # the map is the page's last piece: nothing blank under it inside the dashboard
        gap = page.evaluate("""() => document.querySelector('.kp-itinerary-dashboard').getBoundingClientRect().bottom
            - document.querySelector('.kp-map iframe').getBoundingClientRect().bottom""")
        assert 0 <= gap <= 12, gap
        page.screenshot(path=str(ARTIFACTS / "itinerary-wdc-spread.png"))
    finally:
        page.close()


def _scroll_to_map(page) -> None:
    """Scroll to whichever map frame the page has now: a map is redrawn when a filter or choice changes, so a
    located frame may be replaced between finding and scrolling it."""
    page.wait_for_function("() => { const f = document.querySelector('.kp-map iframe');"
                           " if (!f) return false; f.scrollIntoView({block: 'center'}); return true; }",
                           timeout=30_000)
