"""The stakeholder dashboards (dashboards/plan.ipynb, dashboards/itinerary.ipynb): widget glue only.

What a dashboard shows is built elsewhere, as pure functions: the view model of a plan and its filters in
``planner.views.plan_view``, the HTML pieces in ``planner.views.html``, the map in ``planner.views.maps``, the
timeline in ``planner.views.timeline``, loading the saved plan in ``planner.views.loading``. Here, small
ipywidgets classes (:class:`PlanDashboard`, :class:`ItineraryDashboard`) wire dropdowns and toggles to them with
``observe``; every callback's error is caught into an ``Output`` widget.

Nothing here solves or writes: a dashboard loads a saved plan folder (``make plan`` writes the default one)
and never shows the private ``reason`` of unavailability (it never reads it).

Scenario text reaches the page only through those view functions, which escape it
(``planner.views.escape``); this module writes no scenario text into HTML itself. Maps are sandboxed iframes.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from urllib.parse import parse_qs

import ipywidgets as w
from IPython.display import display

from planner.core.model import Plan, Scenario
from planner.exports.common import safe_filename
from planner.exports.download import ICS_MIME, download_link, organisation_ics, person_ics
from planner.sweeps.resilience import panel_html, resilience_panel
from planner.views.html import (
    engagements_table_html,
    header_html,
    itinerary_table_html,
    kpis_html,
    matching_html,
    section_title_html,
    unscheduled_html,
)
from planner.views.i18n import UI_LANGUAGE_NAMES, UI_LANGUAGES, organisation_label, t
from planner.views.loading import Loaded
from planner.views.maps import itinerary_map, map_iframe, plan_map, tiles_reachable
from planner.views.plan_view import (
    Filters,
    apply_filters,
    engagement_views,
    itinerary,
    kind_options,
    month_options,
    organisation_options,
    people_of,
    region_options,
)
from planner.views.timeline import BY, figure_bundle, plan_timeline
from planner.views.timeline_images import with_image

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------------------------
# Calendar download (planner.exports)
# ----------------------------------------------------------------------------------------------------------


def calendar_link_html(scenario: Scenario, plan: Plan, reviewer_id: str, lang: str = "en") -> str:
    """A download link (a ``data:`` URI, no server round trip) for one person's calendar in the page's
    language (``planner.exports.download.person_ics``)."""
    link = download_link(person_ics(scenario, plan, reviewer_id, lang=lang), f"{safe_filename(reviewer_id)}.ics",
                         t("calendar_download", lang, who=reviewer_id), ICS_MIME)
    return f'<p class="kp-calendar">{link}</p>'


def organisation_calendar_link_html(scenario: Scenario, plan: Plan, organisation: str, lang: str = "en") -> str:
    """A download link for the calendar of everyone of one organisation (each engagement and fixed event once,
    ``planner.exports.download.organisation_ics``) in the page's language."""
    link = download_link(organisation_ics(scenario, plan, organisation, lang=lang),
                         f"{safe_filename(organisation)}.ics",
                         t("calendar_org_download", lang, who=organisation_label(scenario, organisation, lang)),
                         ICS_MIME)
    return f'<p class="kp-calendar">{link}</p>'


# ----------------------------------------------------------------------------------------------------------
# Widget glue
# ----------------------------------------------------------------------------------------------------------


def language_from_url(default: str = "en") -> str:
    """The page's language from its address (``?lang=fr``): Voilà gives the kernel the query string of the
    page it renders in ``QUERY_STRING``. An unknown or missing language gives ``default``.

    A kernel Voilà pre-heated (``preheat_kernel`` in voila.json: ``VOILA_PREHEAT=True``) executes the notebook
    before any page asks for it; here it waits until a page does and Voilà hands it that page's address
    (:func:`wait_for_page_request`), so what the notebook did before this call was done ahead of time."""
    wait_for_page_request()
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [])
    return values[0] if values and values[0] in UI_LANGUAGES else default


def wait_for_page_request(timeout_s: float = 5.0) -> bool:
    """In a kernel Voilà pre-heated, wait for the page that takes it and put that request's details
    (``QUERY_STRING`` and the like) into ``os.environ``; elsewhere return at once. True when a page's details
    came.

    What ``voila.utils.wait_for_request`` does (Voilà's handler sends the details as one JSON message on the
    websocket ``voila/query/<kernel id>`` of the server that started the kernel, with the environment
    variables it gave the kernel), without importing the ``voila`` package: its ``__init__`` loads Voilà's
    server, JupyterLab's server and jsonschema's formats: a pre-heated kernel used 3.8–4.6 CPU-s with it,
    1.2–1.5 without (docs/dashboards.md, "Pre-heated kernels, and what a page costs")."""
    env = os.environ
    kernel_id = env.get("VOILA_KERNEL_ID")
    if env.get("VOILA_PREHEAT", "False") == "False" or not kernel_id:
        return False
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{kernel_id}")
    try:
        with connect(url, open_timeout=timeout_s) as socket:
            details = json.loads(socket.recv())
    except (OSError, TimeoutError, ValueError, WebSocketException) as error:  # no answer, or not Voilà's
        logging.getLogger(__name__).warning("no page details from %s: %s", url, error)
        return False
    for key, value in details.items():
        os.environ[str(key)] = str(value)
    return True


def _offline_default() -> bool:
    """Maps are offline unless KP_MAP_TILES=online (then tiles are used when the tile server answers)."""
    if os.environ.get("KP_MAP_TILES", "offline").lower() != "online":
        return True
    return not tiles_reachable()


class _Base:
    """Shared glue: the language toggle, an error area, and safe callbacks."""

    def __init__(self, loaded: Loaded, lang: str = "en"):
        self.w = w
        self.loaded = loaded
        self.lang = lang
        self.offline = _offline_default()
        self.errors = w.Output(layout=w.Layout(width="100%"))
        self.language = w.ToggleButtons(options=[(UI_LANGUAGE_NAMES[x], x) for x in UI_LANGUAGES], value=lang,
                                        style={"button_width": "90px"})
        self.language.add_class("kp-language")
        self._updating = False
        self._ready = False  # True once the page is live in the browser: see _when_live

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

    def set_language(self, lang: str) -> None:
        """Show the page in ``lang`` (the page's address asked for it: ``language_from_url``), as the language
        switch does, but before the page is live (so nothing is drawn into an Output widget yet)."""
        if lang == self.language.value or lang not in UI_LANGUAGES:
            return
        self._updating = True
        try:
            self.language.value = lang
        finally:
            self._updating = False
        (self.relabel if self.loaded.scenario is not None else self._render_header)()

    def _set_options(self, dropdown, options: list[tuple[str, str]]) -> None:
        """New (translated) options for a filter; its value stays ("" means "all": None would mean
        "nothing selected" to ipywidgets)."""
        value = dropdown.value
        values = [v for _, v in options]
        dropdown.options = options
        dropdown.value = value if value in values else ""

    def _show(self, output, *objects) -> None:
        """Replace what the Output widget ``output`` shows (a captured display, as the browser expects)."""
        with output:
            output.clear_output(wait=True)
            for obj in objects:
                if isinstance(obj, dict):  # a mime bundle (timeline.figure_bundle)
                    display(obj, raw=True)
                else:
                    display(obj)

    def _when_live(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the page is live in the browser.

        Output widgets are filled only from callbacks, never while the notebook runs: capturing output while
        Voilà 0.5 renders the page sometimes kept the page from ever finishing (about one page in five), and
        setting ``Output.outputs`` directly fails in Voilà's bundled output area. The browser says it is
        live through a stock ipywidgets front-end link (``jsdlink``): when the browser creates the link's
        model, it copies the source's value (True) into ``live`` and sends it to the kernel, whose
        ``observe`` then runs ``callback``. Neither widget is displayed; no page script is involved.
        """
        w = self.w
        self._live_source = w.Checkbox(value=True)
        self.live = w.Checkbox(value=False)
        self._live_link = w.jsdlink((self._live_source, "value"), (self.live, "value"))
        self.live.observe(self._safe(callback), names="value")

    @staticmethod
    def _map_html(folium_map) -> str:
        """A folium map as the HTML of a sandboxed ``<iframe srcdoc>`` (``planner.views.maps.map_iframe``): its
        scripts run inside the frame, so the map can live in a plain HTML widget (no output capture), and in
        an opaque origin, so nothing in the map page can reach the dashboard or its kernel."""
        return map_iframe(folium_map)


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
        self.by = w.ToggleButtons(options=[(BY[0], BY[0])], style={"button_width": "130px"})
        self.by.add_class("kp-timeline-by")
        self.timeline_out = w.Output(layout=w.Layout(width="100%"))
        self.timeline_out.add_class("kp-timeline")
        self.table = w.HTML()
        self.table.add_class("kp-engagement-table")
        self.unscheduled = w.HTML()
        self.resilience = w.HTML()  # a dropouts sweep saved with the plan (planner.sweeps), else nothing
        self.resilience.add_class("kp-resilience-panel")
        self._resilience = (resilience_panel(loaded.plan_dir, loaded.plan)
                            if loaded.scenario is not None and loaded.plan is not None else None)
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
            self.table_title, self.table, self.unscheduled, self.resilience,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("kp-plan-dashboard")
        self._when_live(self._draw_first_timeline)
        self.relabel()

    @property
    def filters(self) -> Filters:
        return Filters(self.region.value or None, self.kind.value or None, self.organisation.value or None,
                       self.month.value or None)

    def _render_header(self) -> None:
        self.lang = self.language.value
        self.header.value = header_html(self.loaded, "plan_title", "plan_subtitle", self.lang,
                                        link_to="itinerary")

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
        self.map_title.value = section_title_html("map", lang)
        self.timeline_title.value = section_title_html("timeline", lang)
        self.table_title.value = section_title_html("engagements", lang)
        self.unscheduled.value = unscheduled_html(s, p, lang)
        self.resilience.value = ("" if self._resilience is None else
                                 panel_html(self._resilience, title=t("resilience", lang)))
        self.refresh()

    def refresh(self) -> None:
        """Redraw map, timeline and table for the current filters."""
        s, p, lang = self.loaded.scenario, self.loaded.plan, self.lang
        views = apply_filters(engagement_views(s, p), self.filters)
        total = len(engagement_views(s, p))
        self.matching.value = matching_html(len(views), total, lang)
        self.kpis.value = kpis_html(s, p, lang, self.filters)
        self.map_out.value = self._map_html(plan_map(s, p, lang=lang, offline=self.offline, filters=self.filters))
        self.refresh_timeline()
        self.table.value = engagements_table_html(s, views, lang)

    def refresh_timeline(self) -> None:
        figure = timeline_bundle(self.loaded, self.lang, self.by.value, self.filters)
        if not self._ready:
            self._pending_timeline = figure  # drawn once the page is live (see _when_live)
            return
        self._pending_timeline = None
        self._show_timeline(figure)

    def _draw_first_timeline(self) -> None:
        figure, self._pending_timeline = getattr(self, "_pending_timeline", None), None
        if figure is None:
            self.refresh_timeline()
        else:
            self._show_timeline(figure)

    def _show_timeline(self, bundle: dict) -> None:
        # with its picture when the server drew one (planner.views.timeline_images): looked up as it is shown,
        # since a pre-heated kernel may have built the figure before the server had drawn it
        self._show(self.timeline_out, with_image(bundle))


def timeline_bundle(loaded: Loaded, lang: str, by: str = BY[0], filters: Filters | None = None) -> dict:
    """The plan dashboard's timeline as the plotly mime bundle it shows (JupyterLab's plotly extension draws it,
    no CDN; built without plotly.io's renderers, whose import costs seconds: timeline.figure_bundle). With the
    defaults, the timeline a page shows first, whose pictures planner.apps.prerender draws."""
    return figure_bundle(plan_timeline(loaded.scenario, loaded.plan, by=by, lang=lang, filters=filters))


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
        self.header.value = header_html(self.loaded, "itinerary_title", "itinerary_subtitle", self.lang,
                                        link_to="plan")

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
        s, p, lang = self.loaded.scenario, self.loaded.plan, self.lang
        if self.choice.value is None:
            return
        if self.mode.value == "person":
            people, who = [self.choice.value], self.choice.value
            self.calendar.value = calendar_link_html(s, p, self.choice.value, lang)
        else:
            people = people_of(s, self.choice.value)
            who = organisation_label(s, self.choice.value, lang)
            self.calendar.value = organisation_calendar_link_html(s, p, self.choice.value, lang)
        stops = itinerary(s, p, people)
        self.table.value = itinerary_table_html(s, stops, who, lang, show_person=len(people) > 1)
        self.map_out.value = self._map_html(itinerary_map(s, p, people, lang=lang, offline=self.offline))
