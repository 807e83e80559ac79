"""Download buttons for notebooks and dashboards: the exports as bytes, offered as ``data:`` links.

A ``data:`` link needs no server round trip and no file on disk, so it works in Voilà (inside an
``ipywidgets.HTML``) and in JupyterLab alike::

    from planner.exports.download import download_links_html
    widgets.HTML(download_links_html(scenario, plan, reviewer_id="ZA-1"))

The HTML report is several megabytes (plotly.js and Leaflet are inside it): offer it behind a button
(``report=True`` only when asked) rather than in every refresh of a page.
"""

from __future__ import annotations

import base64

from planner.core.model import Plan, Scenario
from planner.exports.common import safe_filename
from planner.exports.ics import calendar_bytes, organisation_calendar, person_calendar, plan_calendar
from planner.views.escape import html_attr, html_text
from planner.views.i18n import t

ICS_MIME = "text/calendar"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_MIME = "text/html"


def person_ics(scenario: Scenario, plan: Plan, reviewer_id: str, previous: Plan | None = None,
               lang: str = "en") -> bytes:
    """One person's calendar as .ics bytes (what a dashboard's "add to my calendar" link offers), worded in
    the page's language ``lang``."""
    return calendar_bytes(person_calendar(scenario, plan, reviewer_id, previous, lang=lang))


def organisation_ics(scenario: Scenario, plan: Plan, organisation: str, previous: Plan | None = None,
                     lang: str = "en") -> bytes:
    """The calendar of everyone of one organisation (``planner.exports.ics.organisation_calendar``) as .ics
    bytes, worded in ``lang``."""
    return calendar_bytes(organisation_calendar(scenario, plan, organisation, previous, lang=lang))


def plan_ics(scenario: Scenario, plan: Plan, previous: Plan | None = None, lang: str = "en") -> bytes:
    """The whole plan's calendar as .ics bytes."""
    return calendar_bytes(plan_calendar(scenario, plan, previous, lang=lang))


def download_link(data: bytes, filename: str, label: str, mime: str = "application/octet-stream") -> str:
    """An ``<a download>`` link carrying ``data`` in a ``data:`` URI, styled as a button (kp-download).
    ``filename`` and ``label`` are escaped here (they may hold scenario text such as a reviewer id)."""
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'<a class="kp-download" download="{html_attr(filename)}" href="{html_attr(uri)}" '
            'style="display:inline-block;margin:.2rem .4rem .2rem 0;padding:.3rem .7rem;border:1px solid '
            '#1f6fb2;border-radius:4px;color:#1f6fb2;text-decoration:none">'
            f"{html_text(label)}</a>")


def download_links_html(scenario: Scenario, plan: Plan, *, reviewer_id: str | None = None,
                        workbook: bool = True, report: bool = False, lang: str = "en") -> str:
    """Download links: the person's calendar (when ``reviewer_id`` is given), the whole plan's calendar,
    the Excel workbook and, when asked, the HTML report, all in ``lang`` (labels and files)."""
    # imported here: the workbook and the report need pandas and openpyxl, which a dashboard showing only
    # calendar links need not load (a dashboard kernel's start, docs/benchmarks.md)
    from planner.exports.html import report_html
    from planner.exports.xlsx import workbook_bytes

    links = []
    if reviewer_id:
        links.append(download_link(person_ics(scenario, plan, reviewer_id, lang=lang),
                                   f"{safe_filename(reviewer_id)}.ics",
                                   t("calendar_download", lang, who=reviewer_id), ICS_MIME))
    links.append(download_link(plan_ics(scenario, plan, lang=lang), "plan.ics", t("download_plan_ics", lang),
                               ICS_MIME))
    if workbook:
        links.append(download_link(workbook_bytes(scenario, plan, lang), "plan.xlsx", t("download_xlsx", lang),
                                   XLSX_MIME))
    if report:
        links.append(download_link(report_html(scenario, plan, lang=lang).encode("utf-8"), "report.html",
                                   t("download_report", lang), HTML_MIME))
    return f'<div class="kp-downloads">{"".join(links)}</div>'
