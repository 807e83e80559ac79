"""Folium maps of a plan that work offline: engagement sites, team travel, regional approaches, fixed events.

Public functions (also used by the HTML report):

* :func:`plan_map` — the whole plan (optionally filtered, see ``planner.views.plan_view.Filters``);
* :func:`itinerary_map` — the trips of one or more people;
* :func:`offline_html` — a map as one self-contained HTML page with no external URL;
* :func:`map_iframe` — that page in a sandboxed ``<iframe srcdoc>`` (what notebooks, dashboards and the report
  show: the maps these builders return display themselves that way).

Offline by design: Leaflet's JS and CSS are embedded as ``data:`` URIs read from the installed
``django-js-lib-leaflet`` package (Leaflet 1.9.4; folium's jQuery, Bootstrap and awesome-markers are dropped,
markers are vector ``CircleMarker``/``PolyLine`` so no icon image is needed). With ``offline=True`` (the
default) there are no map tiles: country shapes come from the bundled Natural Earth 1:110m GeoJSON
(``planner/assets``). With ``offline=False`` OpenStreetMap tiles are added under the same shapes, so the map
stays readable when the tile server is unreachable.

Scenario text is untrusted: it reaches the page only through ``planner.views.escape`` — HTML-escaped for
Leaflet (tooltips, popups, the legend and layer names are HTML to Leaflet), then as a JSON string literal in
the script (:func:`~planner.views.escape.js_string`). folium's own ``Tooltip`` pastes its text unescaped into a
JavaScript template literal, so it is never used here (``_Tooltip`` replaces it). The map page runs in an
``<iframe sandbox="allow-scripts">`` without ``allow-same-origin``: even a script that got in could not reach
the page around the map.

Every site marker carries the CSS class ``kp-site`` (one per engagement site), travel lines ``kp-travel``,
home bases ``kp-home`` and fixed events ``kp-event``: the browser tests count them.
"""

from __future__ import annotations

import base64
import json
import math
import re
import socket
from functools import lru_cache
from importlib import resources

import folium
from babel import Locale
from branca.element import MacroElement
from jinja2 import Template

from planner.core.calendar import home_of, km_between
from planner.core.model import Plan, Scenario
from planner.views.escape import html_attr, html_text, js_string
from planner.views.i18n import approach_label, date_range_label, kind_label, participant_name, t
from planner.views.palette import (
    EVENT_COLOUR,
    HOME_COLOUR,
    KIND_COLOURS,
    approach_colour,
    kind_colour,
    person_colour,
)
from planner.views.plan_view import EventView, Filters, ItineraryStop, engagement_views, filtered, itinerary
from planner.views.wording import (
    number_text,
    participant_place,
    place_in,
    place_label,
    place_of_item,
    place_parts,
    title_in,
    title_of,
)

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_HOST = ("tile.openstreetmap.org", 443)
BOUNDARIES = "naturalearth_110m_countries.geojson"

# ------------------------------------------------------------------------------------------------------------
# Offline assets
# ------------------------------------------------------------------------------------------------------------


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS as ``data:`` URIs (images referenced by the CSS are inlined too)."""
    static = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    js = (static / "leaflet.js").read_bytes()
    css = (static / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = static / "images" / match.group(1)
        return f"url({_data_uri('image/png', image.read_bytes())})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    return _data_uri("text/javascript", js), _data_uri("text/css", css.encode("utf-8"))


@lru_cache(maxsize=1)
def country_shapes() -> dict:
    """The bundled Natural Earth 1:110m countries (``iso2``, ``iso3``, ``name`` per feature)."""
    text = (resources.files("planner") / "assets" / BOUNDARIES).read_text(encoding="utf-8")
    return json.loads(text)


def tiles_reachable(host: tuple[str, int] = TILE_HOST, timeout: float = 1.5) -> bool:
    """True when the tile server accepts a TCP connection (used only when online tiles are asked for)."""
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


class _SandboxedMap(folium.Map):
    """A folium map that a notebook shows in a sandboxed iframe (:func:`map_iframe`), not in folium's own."""

    def _repr_html_(self, **kwargs) -> str:
        return map_iframe(self)


def _base_map(scenario: Scenario, *, offline: bool, lang: str) -> folium.Map:
    # no wheel zoom until the map is clicked (the wheel scrolls the page past the map), off again when the
    # pointer leaves it: _WheelAfterClick
    m = _SandboxedMap(location=[10, 15], zoom_start=2, min_zoom=1, max_zoom=8, tiles=None,
                      world_copy_jump=False, control_scale=False, height="100%", scroll_wheel_zoom=False)
    _WheelAfterClick().add_to(m)
    js, css = leaflet_assets()
    m.default_js = [("leaflet", js)]  # instance attributes: folium's class-level lists stay untouched
    m.default_css = [("leaflet_css", css)]
    m.get_root().header.add_child(folium.Element(
        "<style>.leaflet-container{background:#d7e7f0;font-family:system-ui,'DejaVu Sans',sans-serif}"
        ".kp-legend{background:rgba(255,255,255,.92);max-width:320px;"
        "padding:6px 10px;border-radius:4px;font-size:12px;line-height:1.5;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3)}"
        ".kp-legend i{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;"
        "vertical-align:middle}.kp-legend summary{cursor:pointer}"
        ".kp-stop-number{font:bold 11px sans-serif;color:#fff;text-align:center;"
        "line-height:18px;border-radius:50%;}"
        ".kp-label{white-space:nowrap;pointer-events:none}"
        ".kp-label span{display:inline-block;transform:translate(-50%,-50%);font-size:11px;color:#4a5560;"
        "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}"
        ".kp-label-participant span{color:#26323b;font-weight:600}"
        ".kp-label-city span,.kp-label-capital span{transform:translate(6px,-50%);font-size:10.5px;"
        "color:#1d2b36;font-style:italic}"
        ".kp-label .kp-dot{position:absolute;left:-3px;top:-3px;width:6px;height:6px;border-radius:50%;"
        "background:#fff;border:1px solid #1d2b36;box-sizing:border-box}"
        # scenario text keeps its line breaks (it is escaped, so a line break is the only layout it brings)
        ".leaflet-tooltip{white-space:pre}.leaflet-popup-content li{white-space:pre-line}</style>"),
        name="kp_style")
    if not offline:
        folium.TileLayer(TILE_URL, attr="© OpenStreetMap contributors", name="OpenStreetMap",
                         control=False).add_to(m)
    shapes = country_shapes()
    folium.GeoJson(
        shapes, name=t("layer_countries", lang), control=False, smooth_factor=0.5,
        style_function=(lambda _f: {"fillColor": "#f4f1e8", "color": "#9aa3a8", "weight": 0.6,
                                    "fillOpacity": 1.0 if offline else 0.0, "className": "kp-country"}),
        interactive=False,
    ).add_to(m)
    _Attribution().add_to(m)
    return m


class _WheelAfterClick(MacroElement):
    """Leaflet's wheel zoom (off in the map's options) switched on by a click on the map and off when the
    pointer leaves it."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function (map) {
            map.on("click", function () { map.scrollWheelZoom.enable(); });
            map.on("mouseout", function () { map.scrollWheelZoom.disable(); });
        })({{ this._parent.get_name() }});
    {% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "KpWheelAfterClick"


class _Popup(MacroElement):
    """A popup with fixed HTML content (folium's Popup needs jQuery, which offline maps do not load).
    ``content`` is HTML whose scenario text the caller has escaped with ``html_text``."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.content }}, {"maxWidth": 360});
    {% endmacro %}""")

    def __init__(self, content: str):
        super().__init__()
        self._name = "KpPopup"
        self.content = js_string(content)


class _Tooltip(MacroElement):
    """A tooltip showing ``text`` literally: HTML-escaped (Leaflet sets it as HTML), then a JSON string
    literal in the script."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.content }}, {"sticky": true});
    {% endmacro %}""")

    def __init__(self, text: str):
        super().__init__()
        self._name = "KpTooltip"
        self.content = js_string(html_text(text))


def _with_tooltip(layer, text: str):
    """``layer`` with a tooltip showing ``text`` (plain text, any characters)."""
    layer.add_child(_Tooltip(text))
    return layer


class _Attribution(MacroElement):
    """Plain-text attribution ('Leaflet', 'Natural Earth'): no link, no flag image."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');
        {{ this._parent.get_name() }}.attributionControl.addAttribution('Natural Earth');
    {% endmacro %}""")


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    """(area, lat, lon) of a polygon ring of [lon, lat] points (the shoelace formula, in degrees)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(ys) / len(ys), sum(xs) / len(xs)
    return abs(area) / 2, cy / (3 * area), cx / (3 * area)


@lru_cache(maxsize=1)
def country_label_points() -> dict[str, tuple[float, float]]:
    """Where each country's name goes: the centroid of the largest polygon of its Natural Earth shape (the
    mainland, not an overseas part), by ISO 3166 alpha-2 code."""
    points = {}
    for feature in country_shapes()["features"]:
        code, geometry = feature["properties"].get("iso2", ""), feature["geometry"]
        if not code or code == "AQ":
            continue
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        area, lat, lon = max(_ring_centroid(polygon[0]) for polygon in polygons)
        points[code] = (round(lat, 3), round(lon, 3))
    return points


def country_label(scenario: Scenario, code: str, lang: str) -> str:
    """A country's name on the map: the participant's name (``participant_name``) for a participant, else
    the CLDR name in ``lang`` (babel), else Natural Earth's English name."""
    if code in scenario.participants_by_code:
        return participant_name(scenario, code, lang)
    name = Locale.parse(lang).territories.get(code)
    if name:
        return name
    return next((f["properties"]["name"] for f in country_shapes()["features"]
                 if f["properties"].get("iso2") == code), code)


def _labels(scenario: Scenario, lang: str, *, hosts: set[str], cities: list[tuple[float, float, str]]) -> list:
    """The map's labels as [lat, lon, HTML-escaped text, kind, lowest zoom]: the countries (``hosts``, where
    the plan shown goes, from zoom 2; other participants from 3; every other country from 4), the cities the
    shown plan names (engagement and event places, from zoom 3) and the participants' capitals, named when
    the scenario names a city there (from zoom 4; a participant's capital has coordinates, no name)."""
    labels = []
    for code, (lat, lon) in sorted(country_label_points().items()):
        zoom = 2 if code in hosts else 3 if code in scenario.participants_by_code else 4
        kind = "kp-label-country" + (" kp-label-participant" if code in scenario.participants_by_code else "")
        labels.append([lat, lon, html_text(country_label(scenario, code, lang)), kind, zoom])
    named: set[tuple[float, float]] = set()
    for lat, lon, name in cities:
        key = (round(lat, 2), round(lon, 2))
        if name and key not in named:
            named.add(key)
            labels.append([lat, lon, html_text(name), "kp-label-city", 3])
    for p in sorted(scenario.participants, key=lambda p: p.code):
        key = (round(p.lat, 2), round(p.lon, 2))
        if key not in named:  # a dot where the capital is
            named.add(key)
            labels.append([p.lat, p.lon, "", "kp-label-capital", 4])
    return labels


def _city_of(place: str, lang: str, translated: str = "") -> str:
    """The first city a place names, in ``lang``: 'Moscow, Arkhangelsk, Vladivostok' → 'Moscow';
    'Livingstone, Zambia' → 'Livingstone'; 'Pretoria (assumed)' → 'Pretoria'."""
    return place_in(place_parts(place)[0], lang, place_parts(translated)[0]).split(",")[0].strip()


def _plan_cities(scenario: Scenario, lang: str, items) -> list[tuple[float, float, str]]:
    """(lat, lon, city) of the engagements and fixed events shown (views, events or itinerary stops): the
    place the scenario gives them (an engagement without a place, at its host's capital, names no city)."""
    engagements = scenario.engagements_by_id
    events = {v.id: v for v in scenario.events}
    cities = []
    for item in items:
        if isinstance(item, ItineraryStop):
            engagement_id, event_id = item.engagement_id, item.event_id
        elif isinstance(item, EventView):
            engagement_id, event_id = "", item.id
        else:
            engagement_id, event_id = item.id, ""
        source = engagements.get(engagement_id) or events.get(event_id)
        if source is not None and source.place:
            translated = place_of_item(scenario, lang, engagement_id, event_id)
            cities.append((item.lat, item.lon, _city_of(source.place, lang, translated)))
    return cities


class _Labels(MacroElement):
    """Country, city and capital labels drawn offline (no tiles): Leaflet markers with a text icon in a pane
    of their own above the country shapes and below the markers, that ignores the pointer; each label shows
    from its lowest zoom on. ``labels``: from :func:`_labels` (texts HTML-escaped: Leaflet sets them as HTML),
    written as an array literal whose texts are each a string literal (:func:`~planner.views.escape.js_string`)."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function (map, labels) {
            var pane = map.createPane("kpLabels");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
            var shown = labels.map(function (l) {
                var dot = l[3].indexOf("kp-label-city") >= 0 || l[3].indexOf("kp-label-capital") >= 0;
                var icon = L.divIcon({className: "kp-label " + l[3], iconSize: null,
                    html: (dot ? '<i class="kp-dot"></i>' : "") + "<span>" + l[2] + "</span>"});
                return {zoom: l[4], marker: L.marker([l[0], l[1]], {icon: icon, pane: "kpLabels",
                    interactive: false, keyboard: false})};
            });
            var update = function () {
                var z = map.getZoom();
                shown.forEach(function (s) {
                    if (z >= s.zoom) { if (!map.hasLayer(s.marker)) { s.marker.addTo(map); } }
                    else if (map.hasLayer(s.marker)) { map.removeLayer(s.marker); }
                });
            };
            map.on("zoomend", update);
            update();
        })({{ this._parent.get_name() }}, {{ this.labels }});
    {% endmacro %}""")

    def __init__(self, labels: list):
        super().__init__()
        self._name = "KpLabels"
        # an array literal: numbers as numbers, each text a string literal of its own (js_string)
        self.labels = "[" + ",".join(f"[{float(lat)!r},{float(lon)!r},{js_string(text)},{js_string(kind)},{int(zoom)}]"
                                     for lat, lon, text, kind, zoom in labels) + "]"


def _approaches_layer(scenario: Scenario, lang: str) -> folium.FeatureGroup | None:
    by_code = {p.code: p for p in scenario.participants}
    features = []
    for feature in country_shapes()["features"]:
        p = by_code.get(feature["properties"]["iso2"])
        if p is not None and p.regional_approach:
            features.append({
                "type": "Feature", "geometry": feature["geometry"],
                "properties": {"approach": p.regional_approach,  # the tooltip sets the label as HTML
                               "label": html_text(f"{approach_label(p.regional_approach, lang)}: "
                                                  f"{participant_name(scenario, p.code, lang)}")}})
    if not features:
        return None
    group = folium.FeatureGroup(name=html_text(t("layer_approaches", lang)))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {"fillColor": approach_colour(f["properties"]["approach"]),
                                  "color": "#8a5a00", "weight": 0.8, "fillOpacity": 0.45},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(group)
    return group


def _legend(scenario: Scenario, lang: str, *, kinds=(), people=(), events: bool, offline: bool,
            approaches: bool = True) -> MacroElement:
    rows = [f'<i style="background:{kind_colour(k)}"></i>{html_text(kind_label(k, lang))}' for k in kinds]
    rows += [f'<i style="background:{colour}"></i>{html_text(person)}' for person, colour in people]
    if events:
        rows.append(f'<i style="background:#fff;border:2px dashed {EVENT_COLOUR};width:8px;height:8px"></i>'
                    f'{html_text(t("fixed_event", lang))}')
    codes = sorted({p.regional_approach for p in scenario.participants if p.regional_approach})
    codes = codes if approaches else []
    rows += [f'<i style="background:{approach_colour(a)};border-radius:2px"></i>'
             f"{html_text(approach_label(a, lang))}" for a in codes]
    rows.append(f'<i style="background:{HOME_COLOUR};width:7px;height:7px"></i>'
                f'{html_text(t("layer_homes", lang))}')
    if offline:
        rows.append(f'<span style="color:#5c6770">{html_text(t("offline_note", lang))}</span>')
    return _Legend(f'<details class="kp-legend-fold" open><summary><b>{html_text(t("legend", lang))}</b>'
                   f'</summary>{"<br>".join(rows)}</details>')


class _Legend(MacroElement):
    """The legend as a Leaflet control in the map's bottom-left corner, a ``<details>`` that folds away
    (folded at first on a narrow screen); ``content``: HTML whose text the caller has escaped."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "kp-legend");
                div.innerHTML = {{ this.content }};
                // folded on a narrow screen (it would cover the map), open on a wide one; a click on
                // "Legend" folds or unfolds it. A frame not laid out yet has no width: decide when it has one.
                var fold = function () {
                    if (window.innerWidth > 0 && window.innerWidth < 600) {
                        div.querySelector("details").removeAttribute("open");
                    }
                };
                if (window.innerWidth > 0) { fold(); } else { window.addEventListener("resize", fold, {once: true}); }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
    {% endmacro %}""")

    def __init__(self, content: str):
        super().__init__()
        self._name = "KpLegend"
        self.content = js_string(content)


class _FitWhenSized(MacroElement):
    """Fit the map to ``bounds`` once its frame has a size, and again whenever that size changes.

    The map page runs in an ``<iframe srcdoc>`` that a dashboard often creates before the browser has laid it
    out (a widget being drawn, a busy machine): Leaflet then measures a 0 × 0 map, and a ``fitBounds`` at that
    moment picks a zoom and centre for no area at all — the map stays blank or shows the wrong place until
    something redraws it. Here a ``ResizeObserver`` on the map's container (a window ``resize`` listener where
    there is none) tells Leaflet its new size (``invalidateSize``) and fits the bounds again, until the viewer
    moves or zooms the map themselves (their view is then left alone; a resize still updates the size).
    ``bounds``: ``[[south, west], [north, east]]`` or None (the world view the map starts with).
    """

    _template = Template("""{% macro script(this, kwargs) %}
        (function (map, bounds) {
            var container = map.getContainer(), own = false, last = "";
            ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (name) {
                container.addEventListener(name, function () { own = true; }, {passive: true});
            });
            var fit = function () {
                var w = container.clientWidth, h = container.clientHeight;
                if (!w || !h || (w + "x" + h) === last) { return; }
                last = w + "x" + h;
                map.invalidateSize({animate: false, pan: false});
                if (bounds && !own) { map.fitBounds(bounds, {animate: false}); }
            };
            if (window.ResizeObserver) { new ResizeObserver(fit).observe(container); }
            window.addEventListener("resize", fit);
            window.addEventListener("load", fit);
            fit();
        })({{ this._parent.get_name() }}, /* bounds */ {{ this.bounds }});
    {% endmacro %}""")

    def __init__(self, bounds: list[list[float]] | None):
        super().__init__()
        self._name = "KpFitWhenSized"
        self.bounds = json.dumps(bounds)  # numbers only: no scenario text


def _fit(m: folium.Map, points: list[tuple[float, float]]) -> None:
    """Fit the map to ``points`` (three degrees around them) whenever its frame is laid out: _FitWhenSized."""
    bounds = None
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        bounds = [[max(min(lats) - 3, -85.0), min(lons) - 3], [min(max(lats) + 3, 85.0), max(lons) + 3]]
    _FitWhenSized(bounds).add_to(m)


def spread_offsets(count: int) -> list[tuple[int, int]]:
    """Pixel offsets that spread ``count`` stop markers (18 px wide) at one place around it, neighbours about
    20 px apart, so that none hides another (the trips' lines still end at the place itself): one ring whose
    radius grows with the count, then rings 21 px further out for more than twelve. One marker stays put."""
    if count <= 1:
        return [(0, 0)] * count
    rings = [count] if count <= 12 else []
    if not rings:
        left, radius = count, 12.0
        while left:
            rings.append(min(left, int(2 * math.pi * radius // 21)))
            left -= rings[-1]
            radius += 21
    offsets = []
    for index, here in enumerate(rings):
        radius = max(12.0, 21 * here / (2 * math.pi)) if len(rings) == 1 else 12.0 + 21 * index
        offsets += [(round(radius * math.cos(2 * math.pi * i / here - math.pi / 2)),
                     round(radius * math.sin(2 * math.pi * i / here - math.pi / 2))) for i in range(here)]
    return offsets


def _event_marker(ev, lang: str) -> folium.CircleMarker:
    return _with_tooltip(folium.CircleMarker(
        [ev.lat, ev.lon], radius=8, color=EVENT_COLOUR, weight=2, dash_array="4 3", fill=True,
        fill_color="#ffffff", fill_opacity=0.8, class_name="kp-event"),
        f"{title_in(ev.event, lang)} — {place_label(ev.place, lang)}, {date_range_label(ev.start, ev.end, lang)}")


# ------------------------------------------------------------------------------------------------------------
# Public builders
# ------------------------------------------------------------------------------------------------------------


def _site_stop(site, colour: str, tooltip: str) -> folium.CircleMarker:
    """The stop at a further site of a multi-site visit (class ``kp-site-stop``), on the plan and itinerary maps."""
    return _with_tooltip(folium.CircleMarker([site.lat, site.lon], radius=5, color=colour, weight=2, fill=True,
                                             fill_color="#ffffff", fill_opacity=0.9, class_name="kp-site-stop"),
                         tooltip)


def _site_route(v, lang: str) -> folium.PolyLine:
    """The line through a multi-site visit's places in order, with their names and days in its tooltip."""
    stops = " → ".join(f"{place_in(site.place, lang)} ({number_text(site.days, lang)} {t('days_word', lang)})"
                       for site in v.sites)
    return _with_tooltip(folium.PolyLine([[site.lat, site.lon] for site in v.sites], color=kind_colour(v.kind),
                                         weight=3, opacity=0.9, dash_array="6 4", class_name="kp-route"), stops)


def plan_map(scenario: Scenario, plan: Plan, *, lang: str = "en", offline: bool = True,
             filters: Filters | dict | None = None) -> folium.Map:
    """The plan on a world map.

    Layers: country shapes (Natural Earth; under OpenStreetMap tiles when ``offline=False``); the countries of
    the regional approaches (``regional_approach`` in participants.csv) shaded; one circle marker per
    engagement site (a host capital; colour by kind, size by the number of engagements there, class
    ``kp-site``); each team member's line from their home base to the site (``kp-travel``) and the home bases
    (``kp-home``); fixed events (dashed circles, ``kp-event``). ``filters`` narrows engagements and events
    exactly as the dashboard's table and timeline do. Labels follow ``lang`` ('en' or 'fr').
    Private unavailability reasons are never read.
    """
    views, events = filtered(scenario, plan, filters)
    reviewers = scenario.reviewers_by_id
    m = _base_map(scenario, offline=offline, lang=lang)
    approaches = _approaches_layer(scenario, lang)
    if approaches is not None:
        approaches.add_to(m)

    travel = folium.FeatureGroup(name=html_text(t("layer_travel", lang)))
    homes: dict[tuple[float, float], list[str]] = {}
    for v in views:
        colour = kind_colour(v.kind)
        for rid in v.team:
            r = reviewers[rid]
            home = home_of(r)
            homes.setdefault(home, []).append(rid)
            home_name = participant_name(scenario, r.home, lang) if r.home in scenario.participants_by_code \
                else r.home
            _with_tooltip(folium.PolyLine(
                [home, (v.lat, v.lon)], color=colour, weight=1.5, opacity=0.55, class_name="kp-travel"),
                t("travel_tooltip", lang, person=rid, home=home_name, site=place_label(v.place, lang),
                  km=number_text(km_between(home, (v.lat, v.lon)), lang))).add_to(travel)
    travel.add_to(m)

    home_layer = folium.FeatureGroup(name=html_text(t("layer_homes", lang)))
    for point, people in sorted(homes.items()):
        _with_tooltip(folium.CircleMarker(point, radius=3, color=HOME_COLOUR, weight=1, fill=True,
                                          fill_opacity=0.9, class_name="kp-home"),
                      t("home_tooltip", lang, people=", ".join(sorted(set(people))))).add_to(home_layer)
    home_layer.add_to(m)

    events_layer = folium.FeatureGroup(name=html_text(t("layer_events", lang)))
    for ev in events:
        _event_marker(ev, lang).add_to(events_layer)
    events_layer.add_to(m)

    sites = folium.FeatureGroup(name=html_text(t("layer_sites", lang)))
    for v in views:  # a multi-site visit: its route from the first site on, and a stop at each further site
        if len(v.sites) > 1:
            _site_route(v, lang).add_to(sites)
            title = title_of(scenario, lang, v.id, fallback=v.title)
            for site in v.sites[1:]:
                _site_stop(site, kind_colour(v.kind), f"{place_in(site.place, lang)} — {title}").add_to(sites)
    by_site: dict[tuple[float, float], list] = {}
    for v in views:
        by_site.setdefault((v.lat, v.lon), []).append(v)
    for (lat, lon), here in by_site.items():
        kinds = sorted({v.kind for v in here})
        colour = kind_colour(here[0].kind)
        names = "".join(
            f"<li><b>{html_text(title_of(scenario, lang, v.id, fallback=v.title))}</b><br>"
            f"{html_text(date_range_label(v.start, v.end, lang))}"
            f" — {html_text(t('col_lead', lang))}: {html_text(v.lead or '—')}; "
            f"{html_text(t('col_team', lang))}: {html_text(', '.join(r for r in v.team if r != v.lead))}</li>"
            for v in here)
        place = participant_place(scenario, here[0].host, here[0].place, lang,
                                  place_of_item(scenario, lang, here[0].id))
        marker = folium.CircleMarker(
            [lat, lon], radius=7 + 2 * min(len(here), 5), color="#1d2b36" if len(kinds) > 1 else colour,
            weight=2, fill=True, fill_color=colour, fill_opacity=0.85,
            class_name="kp-site " + " ".join(f"kp-kind-{re.sub(r'[^A-Za-z0-9_-]', '_', k)}" for k in kinds))
        _with_tooltip(marker, t("site_tooltip", lang, place=place, count=len(here)))
        marker.add_child(_Popup(f"<b>{html_text(place)}</b><ul style='padding-left:16px;margin:4px 0'>{names}</ul>"))
        marker.add_to(sites)
    sites.add_to(m)

    _Labels(_labels(scenario, lang, hosts={v.host for v in views},
                    cities=_plan_cities(scenario, lang, [*views, *events]))).add_to(m)
    # collapsed: an icon that opens on hover or tap, so that it never hides the map on a small screen
    folium.LayerControl(collapsed=True).add_to(m)
    shown_kinds = [k for k in KIND_COLOURS if any(v.kind == k for v in engagement_views(scenario, plan))]
    _legend(scenario, lang, kinds=shown_kinds, events=bool(events), offline=offline).add_to(m)
    if Filters.coerce(filters).region:  # a region chosen: zoom to its sites (home bases are elsewhere)
        _fit(m, _points(views) or [(e.lat, e.lon) for e in events])
    else:
        _fit(m, _points(views) + list(homes) + [(e.lat, e.lon) for e in events])
    return m


def _points(views) -> list[tuple[float, float]]:
    """Every place of the engagements shown: each site of a multi-site visit too."""
    return [p for v in views for p in ([(s.lat, s.lon) for s in v.sites] or [(v.lat, v.lon)])]


def itinerary_map(scenario: Scenario, plan: Plan, reviewer_ids, *, lang: str = "en",
                  offline: bool = True) -> folium.Map:
    """The trips of the given people: a line from each person's home base to every engagement and fixed event
    they attend (dashed for fixed events; on through each further site of a multi-site visit, a stop
    ``kp-site-stop`` at each), numbered stops in date order (class ``kp-stop``; several at one
    place are spread around it, :func:`spread_offsets`, class ``kp-stop-spread``), home bases (``kp-home``,
    one per place, naming its people). One colour per person; country, city and capital labels offline."""
    people = sorted(set(reviewer_ids))
    reviewers = scenario.reviewers_by_id
    stops = itinerary(scenario, plan, people)
    m = _base_map(scenario, offline=offline, lang=lang)
    trips = folium.FeatureGroup(name=html_text(t("layer_trips", lang)))
    points: list[tuple[float, float]] = []
    numbers: dict[str, int] = {}
    homes: dict[tuple[float, float], list[tuple[str, str]]] = {}  # one marker per home base, its people
    markers: dict[tuple[float, float], list[tuple[str, str, str]]] = {}  # site → (colour, number, tooltip)
    for index, rid in enumerate(people):
        if rid not in reviewers:
            continue
        colour = person_colour(index)
        home = home_of(reviewers[rid])
        mine = [s for s in stops if s.reviewer_id == rid]
        if not mine:
            continue
        points.append(home)
        homes.setdefault(home, []).append((rid, colour))
        for s in mine:
            numbers[rid] = numbers.get(rid, 0) + 1
            site = (s.lat, s.lon)
            points.append(site)
            when = date_range_label(s.start, s.end, lang)
            title = title_of(scenario, lang, s.engagement_id, s.event_id, s.title)
            label = f"{numbers[rid]}. {title} — {when} ({number_text(s.km_from_home, lang)} km)"
            further = [(x.lat, x.lon) for x in s.sites[1:]]  # a multi-site visit goes on from its first site
            points.extend(further)
            _with_tooltip(folium.PolyLine([home, site, *further], color=colour, weight=2.5, opacity=0.8,
                                          dash_array="6 5" if s.event_id else None, class_name="kp-travel"),
                          f"{rid}: {label}").add_to(trips)
            markers.setdefault(site, []).append((colour, str(numbers[rid]), f"{rid}: {label}"))
            for x in s.sites[1:]:
                _site_stop(x, colour, f"{rid}: {place_in(x.place, lang)} — {title}").add_to(trips)
    for home, here in sorted(homes.items()):
        colour = here[0][1] if len(here) == 1 else HOME_COLOUR
        _with_tooltip(folium.CircleMarker(home, radius=5 + min(len(here) - 1, 3), color=colour, weight=2,
                                          fill=True, fill_color="#fff", fill_opacity=1, class_name="kp-home"),
                      t("home_tooltip", lang, people=", ".join(rid for rid, _ in here))).add_to(trips)
    for site, here in markers.items():
        for (colour, number, tooltip), (dx, dy) in zip(here, spread_offsets(len(here)), strict=True):
            _with_tooltip(folium.Marker(site, icon=folium.DivIcon(
                html=(f'<div class="kp-stop-number" data-site="{site[0]:.4f},{site[1]:.4f}" '
                      f'style="background:{colour}">{number}</div>'),
                icon_size=(18, 18), icon_anchor=(9 - dx, 9 - dy),
                class_name="kp-stop" + (" kp-stop-spread" if len(here) > 1 else ""))), tooltip).add_to(trips)
    trips.add_to(m)
    _Labels(_labels(scenario, lang, hosts={s.host for s in stops if s.host},
                    cities=_plan_cities(scenario, lang, stops))).add_to(m)
    shown = [(rid, person_colour(i)) for i, rid in enumerate(people)
             if any(s.reviewer_id == rid for s in stops)]
    _legend(scenario, lang, people=shown[:12], events=any(s.event_id for s in stops), offline=offline,
            approaches=False).add_to(m)
    _fit(m, points)
    return m


def offline_html(m: folium.Map) -> str:
    """The map as a complete, self-contained HTML page (Leaflet inline, no tiles in offline mode).

    Every script and style sheet is embedded; the only http(s) URLs left are those of an explicitly online
    tile layer (``offline=False``).
    """
    return m.get_root().render()


def map_iframe(m: folium.Map, *, title: str = "Map", css_class: str = "kp-map-frame",
               height: str = "560px") -> str:
    """The map's page (:func:`offline_html`) in an ``<iframe srcdoc>`` sandboxed with ``allow-scripts``
    only: Leaflet runs, but in an opaque origin, so the map page cannot touch the page around it (its
    DOM, cookies, storage or kernel connection), open pop-ups, navigate the top page or submit forms."""
    return (f'<iframe class="{html_attr(css_class)}" sandbox="allow-scripts" title="{html_attr(title)}" '
            f'style="display:block;width:100%;height:{html_attr(height)};min-height:50vh;border:none" '
            f'srcdoc="{html_attr(offline_html(m))}">'
            "</iframe>")


_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)|url\(\s*["']?(https?://[^"')\s]+)""")


def external_urls(page: str) -> list[str]:
    """Every non-local http(s) URL that a browser would load from ``page`` (src, href, CSS url())."""
    found = []
    for match in _URL.finditer(page):
        url = match.group(1) or match.group(2)
        host = re.sub(r"^https?://([^/:]+).*$", r"\1", url)
        if host not in ("localhost", "127.0.0.1", "[::1]"):
            found.append(url)
    return found


__all__ = ["country_shapes", "external_urls", "itinerary_map", "leaflet_assets", "map_iframe", "offline_html",
           "plan_map", "tiles_reachable"]
