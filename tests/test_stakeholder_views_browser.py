"""The dashboards on a phone (390 × 844) and a desktop (1280 × 800) in Chromium (issue 14 e, and the map's wheel
zoom and the timeline's toolbar of 14 d). Voilà, Chromium and the page helper are tests/test_dashboards_browser.py's.
"""

from __future__ import annotations

import re
import time

import pytest
from test_dashboards_browser import ARTIFACTS, ERROR_TEXT, kp_browser, shown, voila  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ENGLISH = re.compile(r"FEASIBLE|OPTIMAL|Moscow|assumed|second half|solver|Angola \(Angola\)|\d,\d{3}|"
                     r"Review visit|hypothetical|workshop|meeting")


# every line the loading screen shows, recorded as it changes (the screen is gone once the page is ready)
RECORD_LOADING = """new MutationObserver(() => {
  const line = document.getElementById("loading_text");
  const seen = (window.kpLoading = window.kpLoading || []);
  if (line && getComputedStyle(line).visibility === "visible" && seen[seen.length - 1] !== line.textContent) {
    seen.push(line.textContent);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});"""


def _open(browser, url: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.add_init_script(RECORD_LOADING)
    page.goto(url, timeout=120_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_selector("#loading", state="detached", timeout=120_000)
    page.wait_for_selector(".jupyter-widgets", timeout=60_000)
    page.frame_locator(".kp-map iframe").first.locator(".leaflet-container").wait_for(timeout=60_000)
    assert ERROR_TEXT not in page.content()
    return page


def _map_frame(page):
    return next(f for f in page.frames if f != page.main_frame and f.url.startswith("about:srcdoc"))


def _zoom(frame) -> float:
    return frame.evaluate("() => { const k = Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k));"
                          " return window[k].getZoom(); }")


def _no_sideways_scroll(page) -> None:
    """Neither the document nor Voilà's scrolling body is wider than the window, and no widget reaches past
    its right edge."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    inner = page.evaluate("() => [...document.querySelectorAll('body, #rendered_cells, .jp-OutputArea')]"
                          ".map(e => [e.scrollWidth, e.clientWidth])")
    assert all(scroll <= client + 1 for scroll, client in inner), inner
    right = page.evaluate("() => Math.max(...[...document.querySelectorAll('.jupyter-widgets, table, iframe')]"
                          ".map(e => e.getBoundingClientRect().right))")
    assert right <= width[1] + 1, right


def test_plan_page_on_a_phone_in_french(voila, kp_browser):  # noqa: F811 - fixtures
    page = _open(kp_browser, f"{voila}/voila/render/plan.ipynb?lang=fr", PHONE)
    try:
        page.wait_for_selector("text=Plan des examens du Processus de Kimberley", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "plan-phone-fr.png"), full_page=True)
        _no_sideways_scroll(page)
        frame_box = page.locator(".kp-map iframe").first.bounding_box()
        assert frame_box["height"] >= PHONE["height"] / 2, frame_box
        assert frame_box["width"] >= PHONE["width"] - 40, frame_box
        layers = _map_frame(page).locator(".leaflet-control-layers")
        assert "leaflet-control-layers-expanded" not in (layers.get_attribute("class") or "")
        assert _map_frame(page).locator(".kp-legend details").get_attribute("open") is None  # folded
        boxes = [page.locator(f".kp-filter-{name}").bounding_box()
                 for name in ("region", "kind", "organisation", "month")]
        assert len({round(b["x"]) for b in boxes}) == 1 and all(b["width"] >= PHONE["width"] - 60 for b in boxes)
        assert len({round(b["y"]) for b in boxes}) == 4  # stacked
        for above, below in zip(boxes, boxes[1:], strict=False):
            assert above["y"] + above["height"] <= below["y"] + 1, (above, below)  # without overlapping
        row = page.locator(".kp-engagement-table tr[data-engagement]").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card
        assert page.locator(".kp-engagement-table td[data-label='Chef d’équipe']").count() > 0
        text = page.locator("#rendered_cells").inner_text()
        found = ENGLISH.findall(text)
        assert not found, found
        link = page.locator("a.kp-page-link")
        assert link.get_attribute("href") == "itinerary.ipynb?lang=fr"
        # the tab, the page's language and the loading screen were French too (not "plan", lang="en",
        # Voilà's "Running …" and "Executing 1 of 1")
        assert page.title() == "Plan des examens du Processus de Kimberley"
        assert page.evaluate("() => document.documentElement.lang") == "fr"
        lines = page.evaluate("() => window.kpLoading || []")
        assert lines and set(lines) == {"Préparation du plan…"}, lines
    finally:
        page.close()


def test_plan_page_on_a_desktop_wheel_legend_and_toolbar(voila, kp_browser):  # noqa: F811 - fixtures
    page = _open(kp_browser, f"{voila}/voila/render/plan.ipynb", DESKTOP)
    try:
        # the loading spinner is gone by now: an element of its class shows whether it would have rotated
        spin = page.evaluate("() => { const s = document.createElement('div'); s.className = 'spinner';"
                             " document.body.append(s); const a = getComputedStyle(s).animationName;"
                             " s.remove(); return a; }")
        assert spin == "none", f"Voilà's spinner rotates ({spin}): every waiting page redraws 60 times a second"
        assert page.title() == "Kimberley Process review plan"
        assert page.evaluate("() => document.documentElement.lang") == "en"
        lines = page.evaluate("() => window.kpLoading || []")
        assert lines and set(lines) == {"Preparing the plan…"}, lines
        page.wait_for_selector(".js-plotly-plot .legend", timeout=60_000)
        # no picture here (this server draws none): plotly's empty <img> gets no alt, which would show as text
        images = page.evaluate("() => [...document.querySelectorAll('img.plot-img')]"
                               ".map(i => [i.getAttribute('src') || '', i.alt])")
        assert images and all(alt == "" for src, alt in images if not src.startswith("data:")), images
        _no_sideways_scroll(page)
        frame_el = page.locator(".kp-map iframe").first
        frame_el.scroll_into_view_if_needed()
        box = frame_el.bounding_box()
        assert box["height"] >= DESKTOP["height"] / 2
        frame = _map_frame(page)
        before = _zoom(frame)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        time.sleep(1.0)  # Leaflet's wheel debounce: wait for a zoom that must not come
        assert _zoom(frame) == before, "the wheel zoomed the map before a click"
        frame_el.scroll_into_view_if_needed()  # the wheel scrolled the page instead, as it should
        box = frame_el.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        frame.wait_for_function(f"() => {{ const k = Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k));"
                                f" return window[k].getZoom() > {before}; }}", timeout=10_000)
        legend = frame.locator(".kp-legend details")
        assert legend.get_attribute("open") is not None  # open on a wide screen
        frame.locator(".kp-legend summary").click()
        assert legend.get_attribute("open") is None  # and folds away
        # plotly's toolbar appears on hover: it must not cover the legend
        plot = page.locator(".js-plotly-plot").first
        plot.hover()
        modebar = page.locator(".js-plotly-plot .modebar").first
        modebar.wait_for(state="visible", timeout=10_000)
        m, g = modebar.bounding_box(), page.locator(".js-plotly-plot .legend").first.bounding_box()
        overlap = not (m["x"] + m["width"] <= g["x"] or g["x"] + g["width"] <= m["x"]
                       or m["y"] + m["height"] <= g["y"] or g["y"] + g["height"] <= m["y"])
        assert not overlap, (m, g)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "plan-desktop.png"), full_page=True)
    finally:
        page.close()


def test_itinerary_page_on_a_phone(voila, kp_browser):  # noqa: F811 - fixtures
    page = _open(kp_browser, f"{voila}/voila/render/itinerary.ipynb", PHONE)
    try:
        page.wait_for_selector(".kp-itinerary-table tbody tr", timeout=30_000)
        _no_sideways_scroll(page)
        box = page.locator(".kp-itinerary-choice").bounding_box()
        assert box["width"] >= PHONE["width"] - 60, box
        assert page.locator(".kp-map iframe").first.bounding_box()["height"] >= PHONE["height"] / 2
        assert page.locator("a.kp-page-link").get_attribute("href") == "plan.ipynb?lang=en"
        assert page.title() == "Itineraries — Kimberley Process review plan"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "itinerary-phone.png"), full_page=True)
    finally:
        page.close()
