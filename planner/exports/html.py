"""The plan as one self-contained HTML file: headline figures, map, timeline and tables.

Made to be sent as an e-mail attachment and opened with no internet and no server:

* the map is ``planner.views.maps.plan_map`` in ``planner.views.maps.map_iframe`` (Leaflet inlined, country
  shapes instead of tiles), an ``<iframe srcdoc>`` sandboxed with ``allow-scripts`` only, so its page stays
  separate from the report;
* the timeline is ``planner.views.timeline.plan_timeline`` with plotly.js inlined (``include_plotlyjs=True``);
* the tables (engagements, unscheduled engagements with reasons, soft terms, each person's itinerary) are
  plain HTML with inline CSS and system fonts.

Scenario text is escaped with ``planner.views.escape`` wherever it lands (``html_text``, ``html_attr``; the
map and the timeline escape their own), so a title such as ``<script>…`` is shown, never run.

No URL outside the file is referenced (tests/test_exports_html.py opens it in Chromium with every
non-file request blocked). Nothing depends on the wall clock, and unavailability never appears.
"""

from __future__ import annotations

import math
import os
from datetime import date

import pandas as pd
from babel.dates import format_date

from planner.core.model import Plan, Scenario
from planner.exports.xlsx import itinerary_frame, sheet_frames, term_rows
from planner.io.atomic import atomic_write_text
from planner.views.escape import html_attr, html_text
from planner.views.i18n import date_range_label, heading
from planner.views.maps import map_iframe, plan_map
from planner.views.timeline import plan_timeline
from planner.views.wording import number_text, plan_quality, scenario_title

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1d2a36; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: .5rem 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #dde5f0; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.kp-sub { color: #5c6770; margin: 0 0 1rem; }
.kp-kpis { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
.kp-kpi { background: #f3f6fa; border: 1px solid #dde5f0; border-radius: 6px; padding: .5rem .8rem;
          min-width: 9rem; }
.kp-kpi b { display: block; font-size: 1.35rem; }
.kp-kpi span { color: #5c6770; font-size: .85rem; }
nav a { margin-right: 1rem; }
.kp-map { width: 100%; height: 560px; border: 1px solid #dde5f0; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .3rem 0 1rem; }
th, td { border: 1px solid #dde5f0; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #dde5f0; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f8fafc; }
td { white-space: pre-line; }
td.num { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
ul.kp-sentences { margin: 0; padding-left: 1.1rem; }
details { margin: .3rem 0; }
summary { cursor: pointer; font-weight: 600; }
.kp-note { color: #5c6770; font-size: .85rem; }
footer { margin-top: 2rem; color: #5c6770; font-size: .8rem; }
@media print { .kp-map { height: 420px; } nav { display: none; } details { display: block; }
               th { position: static; } }
"""

ENGAGEMENT_COLUMNS = ["Start", "End", "Days", "Title", "Kind", "Priority", "Place", "Lead", "Team"]
UNSCHEDULED_COLUMNS = ["Title", "Kind", "Priority", "Earliest start", "Latest end", "Duration (days)",
                       "Reason"]
TERM_COLUMNS = ["Description", "Value", "Weight", "Penalty", "Details"]
COST_COLUMNS = ["Engagement", "Payer", "People", "Fares", "Allowances", "Total"]
ITINERARY_COLUMNS = ["Start", "End", "Days", "What", "Kind", "Place", "Role", "Km from home",
                     "Free days until next"]


_e = html_text


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(column: str, value, lang: str = "en") -> str:
    if isinstance(value, tuple):  # sentences, one an item
        items = "".join(f"<li>{_e(line)}</li>" for line in value)
        return f'<td><ul class="kp-sentences">{items}</ul></td>' if value else "<td></td>"
    if _missing(value) or value == "":
        return "<td></td>"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return f'<td class="date">{_e(_date_text(value, lang))}</td>'
    if isinstance(value, bool):
        return f"<td>{_e(heading('yes' if value else 'no', lang))}</td>"
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            value = int(value)
        return f'<td class="num">{_e(_number(value, lang))}</td>'
    return f"<td>{_e(value)}</td>"


def _date_text(day: date, lang: str) -> str:
    """'Mon 03 Sep 2018' / 'lun. 3 sept. 2018' (CLDR, through babel)."""
    return f"{day:%a %d %b %Y}" if lang == "en" else format_date(day, "EEE d MMM y", locale=lang)


def _number(value: float, lang: str) -> str:
    """'1,891' / '1 891'; two decimals for a fraction (CLDR separators, through babel)."""
    return number_text(value, lang, 0 if isinstance(value, int) else 2)


def _table(frame: pd.DataFrame, columns: list[str], css_class: str, lang: str = "en") -> str:
    columns = [c for c in columns if c in frame.columns]
    head = "".join(f"<th>{_e(heading(c, lang))}</th>" for c in columns)
    rows = "".join("<tr>" + "".join(_cell(c, row[c], lang) for c in columns) + "</tr>"
                   for _, row in frame.iterrows())
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _kpis(summary: pd.DataFrame, lang: str = "en") -> str:
    wanted = {heading(item, lang) for item in (
        "Engagements scheduled", "Engagements left out", "Countries visited", "People involved",
        "Kilometres travelled (after chaining)", "Largest workload (engagements per person)")}
    cards = []
    for _, row in summary.iterrows():
        item = str(row["Item"])
        if item in wanted or item.startswith("CO2"):
            value = row["Value"]
            shown = (_e(_number(value, lang)) if isinstance(value, int | float) and not _missing(value)
                     else _e(value))
            label = heading("CO2 estimate, tonnes (assumption)", lang) if item.startswith("CO2") else item
            cards.append(f'<div class="kp-kpi"><b>{shown}</b><span>{_e(label)}</span></div>')
    return f'<div class="kp-kpis">{"".join(cards)}</div>'


def map_section(scenario: Scenario, plan: Plan, lang: str = "en") -> str:
    """The offline map in a sandboxed ``<iframe srcdoc>`` (the map page keeps its own scripts and styles)."""
    return map_iframe(plan_map(scenario, plan, lang=lang, offline=True), title=heading("Map of the plan", lang),
                      css_class="kp-map")


def timeline_section(scenario: Scenario, plan: Plan, lang: str = "en") -> str:
    """The timeline by engagement (plotly.js inlined once) and by person."""
    parts = []
    titles = {"engagement": "By engagement", "reviewer": "By person"}
    for index, by in enumerate(("engagement", "reviewer")):
        try:
            figure = plan_timeline(scenario, plan, by=by, lang=lang)
        except (ValueError, KeyError, TypeError):
            if index == 0:
                raise
            continue  # an optional second view the timeline module does not offer
        parts.append(f"<h3>{_e(heading(titles[by], lang))}</h3>")
        parts.append(figure.to_html(full_html=False, include_plotlyjs=(index == 0), config=PLOTLY_CONFIG,
                                    div_id=f"kp-timeline-{by}"))
    return "\n".join(parts)


def report_html(scenario: Scenario, plan: Plan, *, lang: str = "en") -> str:
    """The whole report as one HTML document (for a download button or ``write_report``), in ``lang``
    ('en' or 'fr': headings ``planner.views.i18n.heading``, numbers and dates in the locale through babel)."""
    sheets = sheet_frames(scenario, plan, lang)
    summary = sheets["Summary"]
    meta = plan.meta or {}
    engagements = sheets["Engagements"]
    scheduled = engagements[engagements["Status"] == heading("scheduled", lang)]
    unscheduled = sheets["Unscheduled"]
    people = [r.id for r in scenario.reviewers if plan.of_reviewer(r.id)]

    def h(text: str, **values) -> str:
        return _e(heading(text, lang, **values))

    created = meta.get("created")
    if lang == "en":
        period = f"{scenario.horizon_start:%d %b %Y} – {scenario.horizon_end:%d %b %Y}"
    else:
        period = date_range_label(scenario.horizon_start, scenario.horizon_end, lang)
    subtitle = (_e(plan_quality(meta, lang))
                + (" " + h("Made {created} (UTC).", created=created) if created else "")
                + " " + h("Horizon {period}.", period=period))

    itineraries = []
    for rid in people:
        frame = itinerary_frame(scenario, plan, rid, lang)
        count = h("{count} engagement(s)", count=_number(len(plan.of_reviewer(rid)), lang))
        itineraries.append(f'<details open class="kp-itinerary" id="person-{html_attr(rid)}"><summary>{_e(rid)} '
                           f"({count})</summary>"
                           f"{_table(frame, ITINERARY_COLUMNS, 'kp-itinerary-table', lang)}</details>")

    unscheduled_html = (_table(unscheduled, UNSCHEDULED_COLUMNS, "kp-unscheduled", lang) if len(unscheduled)
                        else f'<p class="kp-note">{h("Every engagement is scheduled.")}</p>')
    name = _e(scenario_title(scenario, lang))
    map_note = h("Engagement sites at the host's capital; country shapes instead of map tiles, so the map works "
                 "offline.")
    body = f"""
<header>
<h1>{h("Kimberley Process review plan")} — {name}</h1>
<p class="kp-sub">{subtitle}</p>
<nav><a href="#map">{h("Map")}</a><a href="#timeline">{h("Timeline")}</a><a href="#engagements">{h("Engagements")}</a>
<a href="#unscheduled">{h("Not scheduled")}</a><a href="#terms">{h("Soft terms")}</a>
<a href="#costs">{h("Costs")}</a><a href="#people">{h("Itineraries")}</a></nav>
</header>
{_kpis(summary, lang)}
<section id="map"><h2>{h("Map")}</h2>
{map_section(scenario, plan, lang)}
<p class="kp-note">{map_note}</p></section>
<section id="timeline"><h2>{h("Timeline")}</h2>
{timeline_section(scenario, plan, lang)}
</section>
<section id="engagements"><h2>{h("Scheduled engagements")} ({_number(len(scheduled), lang)})</h2>
{_table(scheduled, ENGAGEMENT_COLUMNS, "kp-engagements", lang)}
</section>
<section id="unscheduled"><h2>{h("Not scheduled")} ({_number(len(unscheduled), lang)})</h2>
{unscheduled_html}
</section>
<section id="terms"><h2>{h("Why the plan is scored as it is (soft terms)")}</h2>
<p class="kp-note">{h("Each term's value × weight = penalty; the plan keeps the total as low as the rules allow.")}</p>
{_table(pd.DataFrame(term_rows(scenario, plan, lang)), TERM_COLUMNS, "kp-terms", lang)}
</section>
<section id="costs"><h2>{h("Estimated costs (assumptions)")}</h2>
<p class="kp-note">{h("Each government pays for its own people; observers' funders as the scenario says. Fares by "
                      "distance and a daily allowance are assumed figures, not KP rates.")}</p>
{_table(sheets["Costs"], COST_COLUMNS, "kp-costs", lang)}
</section>
<section id="people"><h2>{h("Itineraries")} ({h("{count} people", count=_number(len(people), lang))})</h2>
{"".join(itineraries)}
</section>
<footer>{h("Made by kp-plan export from a saved plan of “{scenario}” (package {version}). Reviewer ids only; "
           "no personal data.", scenario=scenario_title(scenario, lang),
           version=meta.get("package_version", "unknown"))}</footer>
"""
    title = f"KP plan — {scenario.name}" if lang == "en" else heading("KP plan — {scenario}", lang,
                                                                        scenario=scenario_title(scenario, lang))
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html_attr(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def write_report(scenario: Scenario, plan: Plan, path: str | os.PathLike, *, lang: str = "en") -> None:
    """Write the report to ``path`` atomically."""
    atomic_write_text(path, report_html(scenario, plan, lang=lang))
