"""Download links for notebooks and dashboards: the bytes they carry, and (browser) that a click downloads."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar

from planner.exports.download import download_link, download_links_html, person_ics

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
CHROMIUM = Path("/usr/bin/chromium")


def _links(page: str) -> dict[str, bytes]:
    found = re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', page)
    return {name: base64.b64decode(data) for name, data in found}


def test_links_carry_the_exports(mini, plan):
    rid = plan.assignments[0].reviewer_id
    links = _links(download_links_html(mini, plan, reviewer_id=rid))
    assert set(links) == {f"{rid}.ics", "plan.ics", "plan.xlsx"}
    mine = Calendar.from_ical(links[f"{rid}.ics"])
    assert {str(e["X-KP-ENGAGEMENT"]) for e in mine.walk("VEVENT") if "X-KP-ENGAGEMENT" in e} == \
        {a.engagement_id for a in plan.of_reviewer(rid)}
    assert links[f"{rid}.ics"] == person_ics(mini, plan, rid)
    sheets = pd.read_excel(io.BytesIO(links["plan.xlsx"]), sheet_name=None)
    assert "Engagements" in sheets


def test_report_link_only_when_asked(mini, plan):
    links = _links(download_links_html(mini, plan, workbook=False, report=True))
    assert set(links) == {"plan.ics", "report.html"}
    assert links["report.html"].startswith(b"<!DOCTYPE html>")


def test_link_escapes_names():
    link = download_link(b"x", 'a"b.ics', "<label>")
    assert 'download="a&quot;b.ics"' in link and "&lt;label&gt;" in link


def test_link_holds_hostile_names_as_text():
    """A file name and a label from scenario text (a reviewer id) stay one attribute and one text."""
    from html.parser import HTMLParser

    name = '"><img src=x onerror=alert(1)> {{ 7*7 }}.ics'
    label = "Calendar of </a><script>alert(2)</script>\n{# x"
    seen: list = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            seen.append((tag, dict(attrs)))

        def handle_data(self, data):
            seen.append(data)

    Reader(convert_charrefs=True).feed(download_link(b"x", name, label))
    assert [item[0] for item in seen if isinstance(item, tuple)] == ["a"]
    assert seen[0][1]["download"] == name and seen[1] == label


@pytest.mark.browser
def test_click_downloads_the_file(mini, plan, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    rid = plan.assignments[0].reviewer_id
    page_file = tmp_path / "page.html"
    links = download_links_html(mini, plan, reviewer_id=rid)
    page_file.write_text(f"<!DOCTYPE html><meta charset='utf-8'>{links}", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox",
                                                                          "--disable-gpu"])
        try:
            page = browser.new_context(accept_downloads=True, offline=True).new_page()
            page.goto(page_file.as_uri())
            with page.expect_download() as info:
                page.click(f'a[download="{rid}.ics"]')
            download = info.value
            assert download.suggested_filename == f"{rid}.ics"
            assert Path(download.path()).read_bytes() == person_ics(mini, plan, rid)
        finally:
            browser.close()
