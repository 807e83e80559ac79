"""The dashboards' HTML pieces (pure functions, no widgets): style sheet, header, headline figures, the table of
engagements, the engagements left out, an itinerary table, section titles.

Every text goes through ``planner.views.i18n.t``; data (titles, places, ids) and labels holding data are escaped
with ``planner.views.escape`` (``html_text`` for element content, ``html_attr`` for attribute values).
``planner.apps.dashboard`` puts these strings into ``ipywidgets.HTML`` widgets; the tests call them directly.
"""

from __future__ import annotations

from urllib.parse import urlencode

from planner.core.costs import plan_costs
from planner.core.model import Plan, Scenario
from planner.rules.scoring import plan_kpis
from planner.views.escape import html_attr, html_text
from planner.views.i18n import date_range_label, kind_label, role_label, t
from planner.views.loading import Loaded
from planner.views.plan_view import EngagementView, Filters, ItineraryStop, filtered_plan
from planner.views.wording import (
    number_text,
    participant_place,
    place_label,
    place_of_item,
    plan_quality,
    scenario_title,
    title_of,
)

_E = html_text

CSS = """
<style>
.kp-dash { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d2b36; }
.kp-dash h1 { font-size: 1.6em; margin: 0.2em 0; }
.kp-dash .kp-sub { color: #4a5a66; margin: 0 0 0.4em 0; }
.kp-note { color: #4a5a66; font-size: 0.9em; }
.kp-warn { background: #fff4d6; border-left: 4px solid #d49a00; padding: 0.4em 0.8em; }
.kp-kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.6em 0; }
.kp-kpi { background: #f2f5f7; border-radius: 6px; padding: 8px 14px; min-width: 140px; }
.kp-kpi .kp-value { font-size: 1.6em; font-weight: 600; }
.kp-kpi .kp-label { font-size: 0.9em; color: #4a5a66; }
table.kp-table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
table.kp-table th { text-align: left; background: #e9eef2; padding: 4px 8px; }
table.kp-table td { border-top: 1px solid #dde3e8; padding: 4px 8px; vertical-align: top;
                    white-space: pre-line; }
.kp-h2 { font-size: 1.25em; font-weight: 600; margin: 0.8em 0 0.3em 0; }
.kp-nav { margin: 0.2em 0 0.6em 0; }
table.kp-table td.kp-num { text-align: right; white-space: nowrap; }
.kp-timeline { overflow-x: auto; max-width: 100%; }
/* the timeline's picture (planner.views.timeline_images), drawn for a desktop: narrowed to fit, never enlarged */
.kp-timeline img.plot-img { max-width: 100%; height: auto; }
.kp-plan-dashboard, .kp-itinerary-dashboard { max-width: 100%; box-sizing: border-box; }
/* Phones: filters stacked full width, buttons that wrap, table rows as cards (each cell with its label) */
@media (max-width: 700px) {
  .kp-plan-dashboard .widget-hbox, .kp-itinerary-dashboard .widget-hbox { flex-direction: column !important;
    align-items: stretch !important; }
  .kp-plan-dashboard .widget-dropdown, .kp-itinerary-dashboard .widget-dropdown { width: 100% !important;
    max-width: 100% !important; height: auto !important; flex-direction: column !important;
    align-items: stretch !important; margin-bottom: 6px; }
  .kp-plan-dashboard .widget-dropdown > select, .kp-itinerary-dashboard .widget-dropdown > select {
    flex: 0 0 auto !important; width: 100% !important; max-width: 100% !important; height: 32px; }
  .kp-plan-dashboard .widget-dropdown > .widget-label,
  .kp-itinerary-dashboard .widget-dropdown > .widget-label { width: 100% !important; text-align: left; }
  .widget-toggle-buttons { flex-wrap: wrap; max-width: 100%; }
  .widget-toggle-buttons .widget-toggle-button { width: auto !important; min-width: 6em; }
  .kp-kpi { min-width: 0; flex: 1 1 40%; }
  table.kp-cards, table.kp-cards tbody, table.kp-cards tr, table.kp-cards td { display: block; width: 100%;
    box-sizing: border-box; }
  table.kp-cards thead { display: none; }
  table.kp-cards tr { border: 1px solid #dde3e8; border-radius: 6px; margin: 0 0 10px 0; padding: 4px 0; }
  table.kp-cards td { border-top: none; padding: 2px 10px; text-align: left; }
  table.kp-cards td::before { content: attr(data-label); display: block; font-size: 0.8em; color: #4a5a66; }
  table.kp-cards td.kp-num { text-align: left; }
  /* on a phone it keeps its size (and readable text) in the timeline's scrolling box */
  .kp-timeline img.plot-img { max-width: none; }
}
</style>
"""


def kpis_html(scenario: Scenario, plan: Plan, lang: str = "en", filters: Filters | dict | None = None) -> str:
    """The headline figures of what the filters show (``planner.views.plan_view.filtered_plan``: the
    engagements that match, their teams, travel and CO2); without filters, of the whole plan."""
    filters = Filters.coerce(filters)
    shown = filtered_plan(scenario, plan, filters)
    k = plan_kpis(scenario, shown)
    cost = sum(line.total for line in plan_costs(scenario, shown))

    def number(value: float, digits: int = 0) -> str:
        return number_text(value, lang, digits)

    cards = [
        (number(k["engagements_scheduled"]), t("kpi_engagements", lang)
         + (f" ({number(k['engagements_unscheduled'])} {t('kpi_unscheduled', lang)})"
            if k["engagements_unscheduled"] else "")),
        (number(k["countries_visited"]), t("kpi_countries", lang)),
        (number(k["people_involved"]), t("kpi_people", lang)),
        (number(k["travel_km"]), t("kpi_km", lang)),
        (number(k["co2_tonnes"], 1), t("kpi_co2", lang)),
        (number(cost), t("kpi_cost", lang, currency=scenario.costs.currency)),
    ]
    body = "".join(f'<div class="kp-kpi"><div class="kp-value">{_E(v)}</div>'
                   f'<div class="kp-label">{_E(label)}</div></div>' for v, label in cards)
    factor = number_text(scenario.rules.co2_kg_per_km, lang, 2)
    note = t("kpi_co2_note", lang, factor=factor)
    if filters.active:
        note = f'{t("kpi_filtered", lang)} {note}'
    return (f'<div class="kp-dash kp-kpi-block" data-filtered="{"yes" if filters.active else "no"}">'
            f'<div class="kp-kpis">{body}</div><div class="kp-note">{_E(note)}</div></div>')


def person_text(scenario: Scenario, rid: str) -> str:
    r = scenario.reviewers_by_id.get(rid)
    return f"{rid} ({r.organisation})" if r and not rid.startswith(r.organisation + "-") else rid


def engagements_table_html(scenario: Scenario, views: list[EngagementView], lang: str = "en") -> str:
    """The table of engagements: dates, engagement, kind, host, lead and team."""
    if not views:
        return f'<div class="kp-dash"><p class="kp-note">{_E(t("no_match", lang))}</p></div>'
    head = "".join(f"<th>{_E(t(k, lang))}</th>" for k in
                   ("col_dates", "col_engagement", "col_kind", "col_host", "col_lead", "col_team"))
    rows = []
    for v in views:
        team = ", ".join(person_text(scenario, r) for r in v.team if r != v.lead)
        rows.append(
            f'<tr data-engagement="{html_attr(v.id)}">' + _cells(lang, [
                ("col_dates", date_range_label(v.start, v.end, lang), ""),
                ("col_engagement", title_of(scenario, lang, v.id, fallback=v.title), "kp-title"),
                ("col_kind", kind_label(v.kind, lang), ""),
                ("col_host", participant_place(scenario, v.host, v.place, lang, place_of_item(scenario, lang, v.id)),
                 ""),
                ("col_lead", person_text(scenario, v.lead) if v.lead else "—", ""),
                ("col_team", team or "—", "")]) + "</tr>")
    return (f'<div class="kp-dash"><table class="kp-table kp-cards"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _cells(lang: str, cells: list[tuple[str, str, str]]) -> str:
    """Table cells from (column label key, text, CSS class); each carries its column's label
    (``data-label``), which a phone shows above the text when the rows become cards."""
    return "".join(f'<td data-label="{html_attr(t(key, lang))}"' + (f' class="{css}"' if css else "")
                   + f">{_E(text)}</td>" for key, text, css in cells)


def unscheduled_html(scenario: Scenario, plan: Plan, lang: str = "en") -> str:
    """Engagements the plan leaves out, with the plan's public sentence saying why (may be empty)."""
    engagements = scenario.engagements_by_id
    rows = [(title_of(scenario, lang, o.engagement_id), o.reason) for o in plan.engagements
            if not o.scheduled and o.engagement_id in engagements]
    if not rows:
        return ""
    body = "".join("<tr>" + _cells(lang, [("col_engagement", title, ""), ("col_reason", reason, "")]) + "</tr>"
                   for title, reason in rows)
    return (f'<div class="kp-dash"><div class="kp-h2">{_E(t("unscheduled_title", lang))}</div>'
            f'<table class="kp-table kp-cards"><thead><tr><th>{_E(t("col_engagement", lang))}</th>'
            f'<th>{_E(t("col_reason", lang))}</th></tr></thead><tbody>{body}</tbody></table></div>')


def _stop_rows(stops: list[ItineraryStop]) -> list[list[ItineraryStop]]:
    """Stops of several people grouped by what they attend (one row per engagement or fixed event), in the
    order of the first stop of each."""
    rows: dict[tuple, list[ItineraryStop]] = {}
    for s in stops:
        rows.setdefault((s.engagement_id, s.event_id, s.start, s.end), []).append(s)
    return list(rows.values())


def itinerary_table_html(scenario: Scenario, stops: list[ItineraryStop], who: str, lang: str = "en",
                         show_person: bool = False) -> str:
    """A person's itinerary; with ``show_person`` (an organisation's), one row per engagement or fixed event
    with everyone of the organisation who goes (a fixed event is listed once, not once per person)."""
    if not stops:
        return f'<div class="kp-dash"><p class="kp-note">{_E(t("nothing_planned", lang, who=who))}</p></div>'
    keys = ["col_dates", "col_engagement", "col_kind", "col_place", "col_role", "col_km"]
    if show_person:
        keys.insert(1, "person")
    head = "".join(f"<th>{_E(t(k, lang))}</th>" for k in keys)
    rows = []
    for group in _stop_rows(stops) if show_person else [[s] for s in stops]:
        s = group[0]
        roles = [t("role_event", lang) if x.role == "event" else role_label(x.role, lang) for x in group]
        role = roles[0] if len(set(roles)) == 1 else ", ".join(f"{x.reviewer_id}: {r}"
                                                                 for x, r in zip(group, roles, strict=True))
        kind = kind_label(s.kind, lang) + (f" ({t('fixed_event', lang)})" if s.event_id else "")
        kms = sorted({x.km_from_home for x in group})
        km = " – ".join(number_text(k, lang) for k in ((kms[0], kms[-1]) if len(kms) > 1 else kms))
        own = place_of_item(scenario, lang, s.engagement_id, s.event_id)
        place = (participant_place(scenario, s.host, s.place, lang, own) if s.host
                 else place_label(s.place, lang, own))
        title = title_of(scenario, lang, s.engagement_id, s.event_id, s.title)
        cells = [("col_dates", date_range_label(s.start, s.end, lang), "")]
        if show_person:
            cells.append(("person", ", ".join(x.reviewer_id for x in group), ""))
        cells += [("col_engagement", title, "kp-title"), ("col_kind", kind, ""), ("col_place", place, ""),
                  ("col_role", role, ""), ("col_km", km, "kp-num")]
        rows.append("<tr>" + _cells(lang, cells) + "</tr>")
    return (f'<div class="kp-dash"><div class="kp-h2">{_E(t("itinerary_of", lang, who=who))}</div>'
            f'<table class="kp-table kp-cards"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


#: The dashboards' notebooks and the label of a link to each (they sit side by side in Voilà's render folder).
PAGES = {"plan": ("plan.ipynb", "link_plan"), "itinerary": ("itinerary.ipynb", "link_itinerary")}


def page_link_html(page: str, lang: str = "en") -> str:
    """A link to the other dashboard (``plan`` or ``itinerary``) that keeps the language (``?lang=fr``)."""
    notebook, key = PAGES[page]
    href = f"{notebook}?{urlencode({'lang': lang})}"
    return (f'<p class="kp-nav"><a class="kp-page-link" href="{html_attr(href)}" target="_top">'
            f"{_E(t(key, lang))} →</a></p>")


def header_html(loaded: Loaded, title_key: str, subtitle_key: str, lang: str = "en",
                link_to: str | None = None) -> str:
    """The page's title, its plain-words subtitle (``planner.views.wording.plan_quality``), the read-only note,
    and a link to the other dashboard (``link_to``: ``plan`` or ``itinerary``)."""
    # lang: for screen readers, and the page template's script follows it (tab title, <html lang>) when the
    # page switches language in place
    parts = [CSS, f'<div class="kp-dash kp-page-header" lang="{html_attr(lang)}">',
             f"<h1>{_E(t(title_key, lang))}</h1>"]
    if loaded.scenario is None:
        parts.append(f'<p class="kp-warn kp-no-plan">{_E(t("no_plan", lang, path=str(loaded.plan_dir)))}</p>')
    else:
        subtitle = t(subtitle_key, lang, scenario=scenario_title(loaded.scenario, lang),
                     quality=plan_quality(loaded.plan.meta, lang))
        parts.append(f'<p class="kp-sub">{_E(subtitle)}</p>')
        if link_to:
            parts.append(page_link_html(link_to, lang))
        parts.append(f'<p class="kp-note">{_E(t("read_only_note", lang))}</p>')
        if loaded.mismatch:
            parts.append(f'<p class="kp-warn">{_E(t("plan_mismatch", lang))}</p>')
    parts.append("</div>")
    return "".join(parts)


def section_title_html(key: str, lang: str = "en") -> str:
    """A section title ("Map", "Timeline" …) in the dashboards' style."""
    return f'<div class="kp-dash kp-h2">{_E(t(key, lang))}</div>'


def matching_html(shown: int, total: int, lang: str = "en") -> str:
    """The line saying how many engagements match the filters ("3 of 12 engagements match …")."""
    return f'<div class="kp-dash kp-note kp-matching">{_E(t("matching", lang, shown=shown, total=total))}</div>'


def note_html(key: str, lang: str = "en", css_class: str = "", **values) -> str:
    """A short note paragraph (``kp-note``, plus ``css_class``), e.g. the calendar notice of the itinerary
    page."""
    classes = f"kp-note {css_class}".strip()
    return f'<p class="{html_attr(classes)}">{_E(t(key, lang, **values))}</p>'


__all__ = ["CSS", "engagements_table_html", "header_html", "itinerary_table_html", "kpis_html", "matching_html",
           "note_html", "section_title_html", "unscheduled_html"]
