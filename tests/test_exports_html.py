"""The self-contained HTML report: no outside URL, the plan's content, and (browser) it renders offline."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest

from planner.core.model import EngagementOutcome, Plan

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def report(left_out, tmp_path_factory) -> Path:
    from planner.exports.html import write_report

    scenario, plan = left_out
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_report(scenario, plan, path)
    return path


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_SRCDOC = re.compile(r'srcdoc="([^"]*)"', re.S)
_REFERENCE = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?)"""
                        r"""((?:https?:)?//[^"'\s)>]+)""", re.I)


def _outside_references(page: str) -> list[str]:
    """URLs a browser would load from ``page`` or from an ``<iframe srcdoc>`` in it (script code excluded:
    plotly.js mentions URLs it never loads for a timeline). ``<a href>`` links are counted too."""
    found = []
    for srcdoc in _SRCDOC.findall(page):
        found += _outside_references(html.unescape(srcdoc))
    markup = _SRCDOC.sub('srcdoc=""', page)
    for script in re.findall(r"<script\b([^>]*)>", markup, re.I):  # <script src=...> itself
        found += _REFERENCE.findall(script)
    found += _REFERENCE.findall(_SCRIPT.sub("", markup))
    return found


def test_report_is_one_file_with_no_outside_reference(report):
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert _outside_references(page) == []
    assert "cdn.plot.ly/plotly" not in _SCRIPT.sub("", page)
    assert "<iframe" in page and "leaflet" in html.unescape(page).lower()
    assert 'class="plotly-graph-div"' in page


def test_report_shows_the_plan(report, left_out):
    scenario, plan = left_out
    page = html.unescape(_SCRIPT.sub("", _SRCDOC.sub("", report.read_text(encoding="utf-8"))))
    assert scenario.name in page
    engagements = scenario.engagements_by_id
    for o in plan.scheduled():
        assert engagements[o.engagement_id].title in page
        assert f"{o.start:%a %d %b %Y}" in page
        for a in plan.team(o.engagement_id):
            assert a.reviewer_id in page
    assert plan.outcomes_by_id["CM-RV"].reason in page  # unscheduled, with its reason
    assert "Total penalty (lower is better)" in page
    for rid in {a.reviewer_id for a in plan.assignments}:
        assert f'id="person-{rid}"' in report.read_text(encoding="utf-8")


def test_report_map_is_sandboxed(report):
    page = report.read_text(encoding="utf-8")
    (frame,) = re.findall(r"<iframe\b[^>]*>", page)
    assert ' sandbox="allow-scripts" ' in frame and "allow-same-origin" not in frame


def test_report_shows_hostile_text_as_text(left_out):
    """Titles, the scenario name and soft-term sentences holding markup are text: the report's own tags are
    all there is, and a title's line break stays inside its sentence (one list item per sentence)."""
    from planner.exports.html import report_html

    scenario, plan = left_out
    hostile = "<script>alert(1)</script>\n<img src=x onerror=alert(2)>"
    scenario = dataclasses.replace(scenario, name=f"Name {hostile}", engagements=tuple(
        dataclasses.replace(e, title=f"{e.title} {hostile}") for e in scenario.engagements))
    page = report_html(scenario, plan)
    markup = _SRCDOC.sub('srcdoc=""', _SCRIPT.sub("", page))
    assert "<script>alert" not in page and "<img src=x" not in page  # not in the map or timeline either
    assert html.escape(f"Name {hostile}") in markup
    unscheduled = next(e for e in scenario.engagements if e.id == "CM-RV")
    item = f"<li>{html.escape(unscheduled.title)} is not scheduled"
    assert item in markup  # the unscheduled term's sentence, the title's line break inside it


def test_report_of_a_plan_with_nothing_scheduled(mini, tmp_path):
    from planner.exports.html import report_html

    empty = Plan((), tuple(EngagementOutcome(e.id, "unscheduled", reason="left out for the test")
                           for e in mini.engagements), {})
    page = report_html(mini, empty)
    assert "left out for the test" in page and _outside_references(page) == []


def test_no_unavailability_in_report(left_out, tmp_path):
    from planner.exports.html import report_html

    scenario, plan = left_out
    secret = "Kimberley-PRIVATE-reason-7f3a"
    scenario = dataclasses.replace(scenario, unavailability=tuple(
        dataclasses.replace(u, reason=secret) for u in scenario.unavailability))
    page = report_html(scenario, plan)
    assert secret not in page and secret not in html.unescape(page)


def _open_offline(path: Path, check) -> tuple[list[str], list[str]]:
    """Open ``path`` from disk in Chromium with the network off and every non-file request aborted, run
    ``check(page)``; return (requests that were attempted, page errors)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    attempted: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.resolve().as_uri())
            check(page)
        finally:
            browser.close()
    return attempted, errors


@pytest.mark.browser
def test_report_renders_offline_in_chromium(report, left_out):
    """Opened from disk like an e-mail attachment: every request that is not the file itself is blocked and
    recorded; the map (Leaflet, inside its iframe) and the timeline (plotly) must render all the same."""
    scenario, plan = left_out

    def check(page) -> None:
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        map_frame = page.frame_locator("iframe.kp-map")
        map_frame.locator(".leaflet-container").wait_for(timeout=30_000)
        assert map_frame.locator(".leaflet-container").count() == 1
        assert map_frame.locator("path.leaflet-interactive").count() >= len(plan.scheduled())
        assert page.locator(".js-plotly-plot").count() >= 1
        assert page.locator("#kp-timeline-engagement .barlayer .point").count() >= len(plan.scheduled())
        assert page.locator("table.kp-engagements tbody tr").count() == len(plan.scheduled())
        assert page.locator("table.kp-unscheduled tbody tr").count() == 1

    attempted, errors = _open_offline(report, check)
    assert attempted == [], f"the report tried to load {attempted}"
    assert errors == []


@pytest.mark.browser
def test_the_guard_sees_outside_requests(tmp_path):
    """The check above means something: a page that loads an outside image is caught."""
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<!DOCTYPE html><img src="https://example.org/x.png"><p id="done">x</p>',
                         encoding="utf-8")
    attempted, _ = _open_offline(page_file, lambda page: page.wait_for_timeout(500))
    assert attempted == ["https://example.org/x.png"]
