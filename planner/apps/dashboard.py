"""The stakeholder dashboards (dashboards/plan.ipynb, dashboards/itinerary.ipynb): read-only views of a plan.

Two layers:

* pure functions (no widgets) that turn a scenario and a saved plan into *views* — one row per scheduled
  engagement or fixed event — filter them (:class:`Filters`), and render headline figures and tables as
  HTML. ``planner.views.maps`` and ``planner.views.timeline`` use the same views, so map, timeline and table always agree;
* small ipywidgets glue (:class:`PlanDashboard`, :class:`ItineraryDashboard`): dropdowns and toggles wired
  with ``observe``; every callback's error is caught into an ``Output`` widget.

Nothing here solves or writes: a dashboard loads a saved plan folder (``make plan`` writes the default one)
and never shows the private ``reason`` of unavailability (it never reads it).
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.core.model import Plan, Scenario
from planner.views.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    date_range_label,
    kind_label,
    organisation_label,
    participant_name,
    role_label,
    t,
)
from planner.views.plan_view import (
    EngagementView,
    Filters,
    ItineraryStop,
    apply_filters,
    engagement_views,
    itinerary,
    kind_options,
    month_options,
    organisation_options,
    people_of,
    region_options,
)

log = logging.getLogger(__name__)

DEFAULT_SCENARIO = Path("data/scenarios/kp-2018-h2")
DEFAULT_PLAN = Path("plans/kp-2018-h2")

# ----------------------------------------------------------------------------------------------------------
# Views and filters (pure)
# ----------------------------------------------------------------------------------------------------------


# --- HTML pieces ----------------------------------------------------------------------------------------

_E = html.escape

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
table.kp-table td { border-top: 1px solid #dde3e8; padding: 4px 8px; vertical-align: top; }
.kp-h2 { font-size: 1.25em; font-weight: 600; margin: 0.8em 0 0.3em 0; }
</style>
"""


def kpis_html(scenario: Scenario, plan: Plan, lang: str = "en") -> str:
    """The headline figures of the whole plan (they do not follow the filters)."""
    from planner.rules.scoring import plan_kpis

    k = plan_kpis(scenario, plan)
    sep = "," if lang == "en" else "\u202f"

    def number(value: float, digits: int = 0) -> str:
        text = f"{value:,.{digits}f}".replace(",", sep)
        return text.replace(".", ",") if lang == "fr" else text

    cards = [
        (number(k["engagements_scheduled"]), t("kpi_engagements", lang)
         + (f" ({number(k['engagements_unscheduled'])} {t('kpi_unscheduled', lang)})"
            if k["engagements_unscheduled"] else "")),
        (number(k["countries_visited"]), t("kpi_countries", lang)),
        (number(k["people_involved"]), t("kpi_people", lang)),
        (number(k["travel_km"]), t("kpi_km", lang)),
        (number(k["co2_tonnes"], 1), t("kpi_co2", lang)),
    ]
    body = "".join(f'<div class="kp-kpi"><div class="kp-value">{_E(v)}</div>'
                   f'<div class="kp-label">{_E(label)}</div></div>' for v, label in cards)
    factor = str(scenario.rules.co2_kg_per_km).replace(".", "," if lang == "fr" else ".")
    note = t("kpi_co2_note", lang, factor=factor)
    return (f'<div class="kp-dash"><div class="kp-kpis">{body}</div>'
            f'<div class="kp-note">{_E(note)}</div></div>')


def _person(scenario: Scenario, rid: str) -> str:
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
        team = ", ".join(_person(scenario, r) for r in v.team if r != v.lead)
        rows.append(
            f'<tr data-engagement="{_E(v.id)}"><td>{_E(date_range_label(v.start, v.end, lang))}</td>'
            f'<td class="kp-title">{_E(v.title)}</td><td>{_E(kind_label(v.kind, lang))}</td>'
            f"<td>{_E(participant_name(scenario, v.host, lang))} ({_E(v.place)})</td>"
            f"<td>{_E(_person(scenario, v.lead) if v.lead else '—')}</td><td>{_E(team) or '—'}</td></tr>")
    return (f'<div class="kp-dash"><table class="kp-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def unscheduled_html(scenario: Scenario, plan: Plan, lang: str = "en") -> str:
    """Engagements the plan leaves out, with the plan's public sentence saying why (may be empty)."""
    engagements = scenario.engagements_by_id
    rows = [(engagements[o.engagement_id].title, o.reason) for o in plan.engagements
            if not o.scheduled and o.engagement_id in engagements]
    if not rows:
        return ""
    body = "".join(f"<tr><td>{_E(title)}</td><td>{_E(reason)}</td></tr>" for title, reason in rows)
    return (f'<div class="kp-dash"><div class="kp-h2">{_E(t("unscheduled_title", lang))}</div>'
            f'<table class="kp-table"><thead><tr><th>{_E(t("col_engagement", lang))}</th>'
            f'<th>{_E(t("col_reason", lang))}</th></tr></thead><tbody>{body}</tbody></table></div>')


def itinerary_table_html(scenario: Scenario, stops: list[ItineraryStop], who: str, lang: str = "en",
                         show_person: bool = False) -> str:
    if not stops:
        return f'<div class="kp-dash"><p class="kp-note">{_E(t("nothing_planned", lang, who=who))}</p></div>'
    keys = ["col_dates", "col_engagement", "col_kind", "col_place", "col_role", "col_km"]
    if show_person:
        keys.insert(1, "person")
    head = "".join(f"<th>{_E(t(k, lang))}</th>" for k in keys)
    rows = []
    for s in stops:
        role = t("role_event", lang) if s.role == "event" else role_label(s.role, lang)
        kind = kind_label(s.kind, lang) + (f" ({t('fixed_event', lang)})" if s.event_id else "")
        person = f"<td>{_E(s.reviewer_id)}</td>" if show_person else ""
        rows.append(f"<tr><td>{_E(date_range_label(s.start, s.end, lang))}</td>{person}"
                    f'<td class="kp-title">{_E(s.title)}</td><td>{_E(kind)}</td><td>{_E(s.place)}</td>'
                    f"<td>{_E(role)}</td><td>{s.km_from_home:,}</td></tr>")
    return (f'<div class="kp-dash"><div class="kp-h2">{_E(t("itinerary_of", lang, who=who))}</div>'
            f'<table class="kp-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def calendar_export() -> Callable[[Scenario, Plan, str], bytes] | None:
    """One person's calendar as .ics bytes (``planner.exports.download.person_ics``), or None without it."""
    try:
        from planner.exports.download import person_ics
    except ImportError:
        return None
    return person_ics


def calendar_link_html(scenario: Scenario, plan: Plan, reviewer_id: str, lang: str = "en") -> str:
    """A download link (a ``data:`` URI, no server round trip) for one person's calendar, or a notice."""
    export = calendar_export()
    if export is None:
        return f'<p class="kp-note kp-calendar">{_E(t("calendar_not_available", lang))}</p>'
    from planner.exports.download import ICS_MIME, download_link

    link = download_link(export(scenario, plan, reviewer_id), f"{reviewer_id}.ics",
                         t("calendar_download", lang, who=reviewer_id), ICS_MIME)
    return f'<p class="kp-calendar">{link}</p>'


# --- loading --------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    """A scenario and its saved plan, or the message to show when there is none."""

    scenario: Scenario | None
    plan: Plan | None
    plan_dir: Path
    message_key: str = ""
    mismatch: bool = False


def repo_root(start: Path | None = None) -> Path:
    """The folder holding data/ and plans/ (dashboards run with their own folder as working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "scenarios").is_dir() or (folder / "plans").is_dir():
            return folder
    return here


def load_saved(scenario_dir: str | os.PathLike | None = None,
               plan_dir: str | os.PathLike | None = None) -> Loaded:
    """Load the scenario and its saved plan; never solve.

    Defaults: ``$KP_SCENARIO`` / ``$KP_PLAN``, else data/scenarios/kp-2018-h2 and plans/kp-2018-h2 under the
    repository root.
    """
    from planner.io.plan_files import load_plan, scenario_hash
    from planner.io.scenario_files import load_scenario

    root = repo_root()
    scenario_path = Path(scenario_dir or os.environ.get("KP_SCENARIO") or root / DEFAULT_SCENARIO)
    plan_path = Path(plan_dir or os.environ.get("KP_PLAN") or root / DEFAULT_PLAN)
    if not (plan_path / "engagements.csv").exists():
        return Loaded(None, None, plan_path, "no_plan")
    scenario = load_scenario(scenario_path)
    plan = load_plan(plan_path)
    mismatch = bool(plan.meta.get("scenario_hash")) and plan.meta["scenario_hash"] != scenario_hash(scenario)
    return Loaded(scenario, plan, plan_path, mismatch=mismatch)


def header_html(loaded: Loaded, title_key: str, subtitle_key: str, lang: str = "en") -> str:
    parts = [CSS, '<div class="kp-dash">', f"<h1>{_E(t(title_key, lang))}</h1>"]
    if loaded.scenario is None:
        parts.append(f'<p class="kp-warn kp-no-plan">{_E(t("no_plan", lang, path=str(loaded.plan_dir)))}</p>')
    else:
        subtitle = t(subtitle_key, lang, scenario=loaded.scenario.name,
                     status=loaded.plan.meta.get("status", "?"))
        parts.append(f'<p class="kp-sub">{_E(subtitle)}</p>')
        parts.append(f'<p class="kp-note">{_E(t("read_only_note", lang))}</p>')
        if loaded.mismatch:
            parts.append(f'<p class="kp-warn">{_E(t("plan_mismatch", lang))}</p>')
    parts.append("</div>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------------------------
# Widget glue
# ----------------------------------------------------------------------------------------------------------


def _offline_default() -> bool:
    """Maps are offline unless KP_MAP_TILES=online (then tiles are used when the tile server answers)."""
    if os.environ.get("KP_MAP_TILES", "offline").lower() != "online":
        return True
    from planner.views.maps import tiles_reachable

    return not tiles_reachable()


class _Base:
    """Shared glue: the language toggle, an error area, and safe callbacks."""

    def __init__(self, loaded: Loaded, lang: str = "en"):
        import ipywidgets as w
        import plotly.io as pio

        pio.renderers.default = "plotly_mimetype"  # rendered by the jupyterlab-plotly extension, no CDN
        self.w = w
        self.loaded = loaded
        self.lang = lang
        self.offline = _offline_default()
        self.errors = w.Output(layout=w.Layout(width="100%"))
        self.language = w.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=lang,
                                        style={"button_width": "90px"})
        self.language.add_class("kp-language")
        self._updating = False
        self._ready = False  # True once the page is rendered: see _show

    def _safe(self, callback: Callable[[], None]) -> Callable[..., None]:
        def handler(*_args) -> None:
            if self._updating:
                return
            self._ready = True
            try:
                callback()
            except Exception:  # noqa: BLE001 - shown to the viewer as a short message, logged in full
                log.exception("dashboard update failed")
                with self.errors:
                    self.errors.clear_output()
                    print(t("error", self.lang))
        return handler

    def _set_options(self, dropdown, options: list[tuple[str, str]]) -> None:
        """New (translated) options for a filter; its value stays ("" means "all": None would mean
        "nothing selected" to ipywidgets)."""
        value = dropdown.value
        values = [v for _, v in options]
        dropdown.options = options
        dropdown.value = value if value in values else ""

    def _show(self, output, *objects) -> None:
        """Replace what the Output widget ``output`` shows (a captured display, as the browser expects)."""
        from IPython.display import display

        with output:
            output.clear_output(wait=True)
            for obj in objects:
                display(obj)

    def _boot_widgets(self, callback: Callable[[], None]) -> list:
        """Widgets that call ``callback`` once the page is live in the browser.

        Output widgets are filled only from callbacks, never while the notebook runs: capturing output while
        Voilà 0.5 renders the page sometimes kept the page from ever finishing (about one page in five), and
        setting ``Output.outputs`` directly fails in Voilà's bundled output area. So the first plot is drawn
        when a hidden button is clicked by an ``onerror`` handler of an empty ``data:`` image, which runs as
        soon as the page shows the widgets (no request leaves the page).
        """
        w = self.w
        name = f"kp-boot-{id(self):x}"
        button = w.Button(layout=w.Layout(display="none"))
        button.add_class(name)
        button.on_click(self._safe(callback))
        trigger = w.HTML(
            f'<img alt="" style="display:none" src="data:," '
            f"onerror=\"var b=document.querySelector('button.{name}'); if (b) {{ b.click(); }}\">")
        return [button, trigger]

    @staticmethod
    def _map_html(folium_map) -> str:
        """A folium map as the HTML of an ``<iframe srcdoc>``: its scripts run inside the frame, so the map
        can live in a plain HTML widget (no output capture)."""
        return folium_map._repr_html_()


class PlanDashboard(_Base):
    """plan.ipynb: headline figures, map, timeline and table with shared filters and an EN/FR switch."""

    def __init__(self, loaded: Loaded, lang: str = "en"):
        super().__init__(loaded, lang)
        w = self.w
        self.header = w.HTML()
        self.kpis = w.HTML()
        dropdown = {"layout": w.Layout(width="240px"), "style": {"description_width": "100px"}}
        self.region = w.Dropdown(**dropdown)
        self.kind = w.Dropdown(**dropdown)
        self.organisation = w.Dropdown(layout=w.Layout(width="360px"), style={"description_width": "100px"})
        self.month = w.Dropdown(**dropdown)
        for name in ("region", "kind", "organisation", "month"):
            getattr(self, name).add_class(f"kp-filter-{name}")
        self.matching = w.HTML()
        self.map_title, self.timeline_title, self.table_title = w.HTML(), w.HTML(), w.HTML()
        self.map_out = w.HTML(layout=w.Layout(width="100%"))
        self.map_out.add_class("kp-map")
        self.by = w.ToggleButtons(options=[("engagement", "engagement")], style={"button_width": "130px"})
        self.by.add_class("kp-timeline-by")
        self.timeline_out = w.Output(layout=w.Layout(width="100%"))
        self.timeline_out.add_class("kp-timeline")
        self.table = w.HTML()
        self.table.add_class("kp-engagement-table")
        self.unscheduled = w.HTML()
        if loaded.scenario is None:
            self.widget = w.VBox([self.language, self.header, self.errors])
            self.language.observe(self._safe(self._render_header), names="value")
            self._render_header()
            return
        self.language.observe(self._safe(self.relabel), names="value")
        for control in (self.region, self.kind, self.organisation, self.month):
            control.observe(self._safe(self.refresh), names="value")
        self.by.observe(self._safe(self.refresh_timeline), names="value")
        filters = w.HBox([self.region, self.kind, self.organisation, self.month],
                         layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([
            w.HBox([self.language], layout=w.Layout(justify_content="flex-end")),
            self.header, self.kpis, filters, self.matching, self.errors,
            self.map_title, self.map_out,
            self.timeline_title, self.by, self.timeline_out,
            self.table_title, self.table, self.unscheduled, *self._boot_widgets(self._draw_first_timeline),
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("kp-plan-dashboard")
        self.relabel()

    @property
    def filters(self) -> Filters:
        return Filters(self.region.value or None, self.kind.value or None, self.organisation.value or None,
                       self.month.value or None)

    def _render_header(self) -> None:
        self.lang = self.language.value
        self.header.value = header_html(self.loaded, "plan_title", "plan_subtitle", self.lang)

    def relabel(self) -> None:
        """Translate every label, then redraw (the filters keep their values)."""
        self.lang = lang = self.language.value
        s, p = self.loaded.scenario, self.loaded.plan
        self._updating = True
        try:
            self.region.description = t("filter_region", lang)
            self.kind.description = t("filter_kind", lang)
            self.organisation.description = t("filter_organisation", lang)
            self.month.description = t("filter_month", lang)
            self._set_options(self.region, region_options(s, p, lang))
            self._set_options(self.kind, kind_options(s, p, lang))
            self._set_options(self.organisation, organisation_options(s, p, lang))
            self._set_options(self.month, month_options(s, lang))
            by = self.by.value
            self.by.options = [(t(f"by_{b}", lang), b) for b in ("engagement", "reviewer", "organisation")]
            self.by.value = by
            self.by.description = t("timeline_by", lang)
        finally:
            self._updating = False
        self._render_header()
        self.kpis.value = kpis_html(s, p, lang)
        self.map_title.value = f'<div class="kp-dash kp-h2">{_E(t("map", lang))}</div>'
        self.timeline_title.value = f'<div class="kp-dash kp-h2">{_E(t("timeline", lang))}</div>'
        self.table_title.value = f'<div class="kp-dash kp-h2">{_E(t("engagements", lang))}</div>'
        self.unscheduled.value = unscheduled_html(s, p, lang)
        self.refresh()

    def refresh(self) -> None:
        """Redraw map, timeline and table for the current filters."""
        from planner.views.maps import plan_map

        s, p, lang = self.loaded.scenario, self.loaded.plan, self.lang
        views = apply_filters(engagement_views(s, p), self.filters)
        total = len(engagement_views(s, p))
        self.matching.value = (f'<div class="kp-dash kp-note kp-matching">'
                               f'{_E(t("matching", lang, shown=len(views), total=total))}</div>')
        self.map_out.value = self._map_html(plan_map(s, p, lang=lang, offline=self.offline, filters=self.filters))
        self.refresh_timeline()
        self.table.value = engagements_table_html(s, views, lang)

    def refresh_timeline(self) -> None:
        from planner.views.timeline import plan_timeline

        s, p = self.loaded.scenario, self.loaded.plan
        figure = plan_timeline(s, p, by=self.by.value, lang=self.lang, filters=self.filters)
        if not self._ready:
            self._pending_timeline = figure  # drawn once the page is live (see _boot_widgets)
            return
        self._pending_timeline = None
        self._show(self.timeline_out, figure)

    def _draw_first_timeline(self) -> None:
        figure, self._pending_timeline = getattr(self, "_pending_timeline", None), None
        if figure is None:
            self.refresh_timeline()
        else:
            self._show(self.timeline_out, figure)


class ItineraryDashboard(_Base):
    """itinerary.ipynb: a person's or organisation's itinerary, a map of the trips, the calendar download."""

    def __init__(self, loaded: Loaded, lang: str = "en", person: str | None = None):
        super().__init__(loaded, lang)
        w = self.w
        self.header = w.HTML()
        self.mode = w.ToggleButtons(options=[("person", "person")], style={"button_width": "150px"})
        self.mode.add_class("kp-itinerary-mode")
        self.choice = w.Dropdown(layout=w.Layout(width="380px"), style={"description_width": "110px"})
        self.choice.add_class("kp-itinerary-choice")
        self.table = w.HTML()
        self.table.add_class("kp-itinerary-table")
        self.calendar = w.HTML()
        self.map_out = w.HTML(layout=w.Layout(width="100%"))
        self.map_out.add_class("kp-map")
        if loaded.scenario is None:
            self.widget = w.VBox([self.language, self.header, self.errors])
            self.language.observe(self._safe(self._render_header), names="value")
            self._render_header()
            return
        self._initial_person = person
        self.language.observe(self._safe(self.relabel), names="value")
        self.mode.observe(self._safe(self._mode_changed), names="value")
        self.choice.observe(self._safe(self.refresh), names="value")
        self.widget = w.VBox([
            w.HBox([self.language], layout=w.Layout(justify_content="flex-end")),
            self.header, w.HBox([self.mode, self.choice], layout=w.Layout(flex_flow="row wrap")),
            self.errors, self.table, self.calendar, self.map_out,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("kp-itinerary-dashboard")
        self.relabel()

    def _render_header(self) -> None:
        self.lang = self.language.value
        self.header.value = header_html(self.loaded, "itinerary_title", "itinerary_subtitle", self.lang)

    def _choices(self) -> list[tuple[str, str]]:
        s, p = self.loaded.scenario, self.loaded.plan
        if self.mode.value == "person":
            busy = {a.reviewer_id for a in p.assignments}
            return [(f"{r.id} ({organisation_label(s, r.organisation, self.lang)})", r.id)
                    for r in sorted(s.reviewers, key=lambda r: (r.id not in busy, r.id))]
        orgs = sorted({r.organisation for r in s.reviewers}, key=lambda o: (o in ("WDC", "CSC"), o))
        return [(organisation_label(s, o, self.lang), o) for o in orgs]

    def relabel(self) -> None:
        self.lang = lang = self.language.value
        self._updating = True
        try:
            mode = self.mode.value
            self.mode.options = [(t("choose_person", lang), "person"),
                                 (t("choose_organisation", lang), "organisation")]
            self.mode.value = mode
            self.mode.description = t("choose", lang)
            self.choice.description = t("person" if mode == "person" else "organisation", lang)
            current = self.choice.value or self._initial_person
            options = self._choices()
            self.choice.options = options
            values = [v for _, v in options]
            self.choice.value = current if current in values else (values[0] if values else None)
        finally:
            self._updating = False
        self._render_header()
        self.refresh()

    def _mode_changed(self) -> None:
        self._initial_person = None
        self.choice.value = None
        self.relabel()

    def refresh(self) -> None:
        from planner.views.maps import itinerary_map

        s, p, lang = self.loaded.scenario, self.loaded.plan, self.lang
        if self.choice.value is None:
            return
        if self.mode.value == "person":
            people, who = [self.choice.value], self.choice.value
            self.calendar.value = calendar_link_html(s, p, self.choice.value, lang)
        else:
            people = people_of(s, self.choice.value)
            who = organisation_label(s, self.choice.value, lang)
            note = t("calendar_not_available" if calendar_export() is None else "calendar_org_note", lang)
            self.calendar.value = f'<p class="kp-note kp-calendar">{_E(note)}</p>'
        stops = itinerary(s, p, people)
        self.table.value = itinerary_table_html(s, stops, who, lang, show_person=len(people) > 1)
        self.map_out.value = self._map_html(itinerary_map(s, p, people, lang=lang, offline=self.offline))
