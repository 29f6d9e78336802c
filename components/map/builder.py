"""Build the map as a folium object; never display it.

The map is split in two so that filtering never re-mounts it (see docs/map.md):

- ``base_map``: what only the basemap, the language and the dataset size change — tiles, county
  names, the no-data hatch, the plugin assets. streamlit-folium keys its component on this.
- ``overlays``: one ``FeatureGroup`` per layer (choropleth, routes, industry clusters, points,
  selection), pushed through ``st_folium(feature_group_to_add=...)``.

``build_map`` puts both together (for tests and exports). Inputs are WGS-84 frames tagged with
their datum; for a GCJ-02 basemap (Gaode) every overlay is converted here, so no caller can
draw a WGS-84 layer on GCJ-02 tiles. Every piece of data text is escaped before it becomes
tooltip HTML. Points are one GeoJson layer with an icon per category, not one Marker each.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices.providers as xyz
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from analysis.balance import REGION_GROUPS
from analysis.choropleth import Classes
from components.i18n import name_of, t
from components.map import symbols
from components.map.events import token
from components.map.offline_assets import localise
from components.state.view_state import Selection
from data.schema import PRECISIONS
from geo.datum import GCJ02, WGS84, require_datum, to_gcj02, wgs84_to_gcj02
from geo.placement import Box, CountySlots, boxes_overlap, text_box

DATUM_OF_BASEMAP = {"none": WGS84, "osm": WGS84, "esri": WGS84, "gaode": GCJ02}
TILES = {
    "osm": xyz.OpenStreetMap.Mapnik,
    "esri": xyz.Esri.WorldImagery,
    "gaode": xyz.Gaode.Normal,
}
POINT_DECIMALS = 6
DISPLAY_DECIMALS = 4
# Above this many points in the dataset, points are clustered where dense (the plugin is served
# locally, in one file with Leaflet). Below it every point is drawn on its own.
CLUSTER_MIN_POINTS = 300
CLUSTER_OPTIONS = {
    "maxClusterRadius": 40,
    "disableClusteringAtZoom": 13,
    "chunkedLoading": True,
    "showCoverageOnHover": False,
    "spiderfyOnMaxZoom": True,
}
MAP_HEIGHT_PX = 600
# From this zoom on, the industry clusters are named on the map (at city scale the names would
# cover the county names; their counties are outlined and the names are in the tooltips).
NEAR_ZOOM = 9

MAP_CSS = f"""
<style>
.leaflet-container {{ background: #f6f7f9; font-family: "Noto Sans CJK SC", "Noto Sans SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; }}
:is(.sy-label, .sy-placed-label) {{ background: none; border: none; }}
:is(.sy-label, .sy-placed-label) span {{ display: inline-block; transform: translate(-50%, -50%); white-space: nowrap;
  font-size: 12.5px; font-weight: 600; color: #1b1b1b; text-shadow: 0 0 3px #fff, 0 0 3px #fff,
  0 0 2px #fff; pointer-events: none; }}
:is(.sy-label, .sy-placed-label).sy-small span {{ font-size: 11px; }}
:is(.sy-label, .sy-placed-label).sy-west span {{ transform: translate(calc(-100% + 6px), -50%); }}
:is(.sy-label, .sy-placed-label).sy-east span {{ transform: translate(-6px, -50%); }}
:is(.sy-label, .sy-placed-label).sy-south span {{ transform: translate(-50%, -15%); }}
:is(.sy-label, .sy-placed-label).sy-north span {{ transform: translate(-50%, -85%); }}
.sy-region-label span {{ display: inline-block; white-space: nowrap; font-size: 11px;
  font-style: italic; letter-spacing: .5px; color: {symbols.REGION_COLOUR}; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; transform: translate(-50%, -50%); }}
.sy-cluster-label {{ display: none; }}
.sy-near .sy-cluster-label {{ display: block; }}
.sy-cluster-label span {{ display: inline-block; transform: translate(-50%, 0); white-space: nowrap;
  font-size: 11px; font-style: italic; color: {symbols.CLUSTER_COLOUR}; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; line-height: 1.25; }}
.sy-point {{ background: none; border: none; }}
.sy-point svg {{ display: block; margin: {(symbols.TAP_TARGET_PX - symbols.POINT_ICON_PX) // 2}px;
  filter: drop-shadow(0 0 1px rgba(0,0,0,.6)); }}
.sy-selected-point {{ background: none; border: none; }}
.sy-selected-point div {{ width: 30px; height: 30px; border-radius: 50%;
  border: 3px solid {symbols.SELECTED_COLOUR}; box-shadow: 0 0 0 2px #fff; }}
.leaflet-tooltip {{ font-size: 12.5px; line-height: 1.45; width: max-content; max-width: min(300px, 70vw);
  white-space: normal; overflow-wrap: anywhere; }}
.leaflet-container:focus:not(:focus-visible) {{ outline: none; }}
.leaflet-control-attribution {{ max-width: 60vw; }}
.sy-one-finger-scrolls {{ touch-action: pan-x pan-y; }}
.sy-reset a {{ font-size: 18px; line-height: 30px; font-weight: 700; }}
.sy-basemap-failed {{ position: absolute; z-index: 1000; left: 50%; top: 10px; transform: translateX(-50%);
  background: #fff8e1; border: 1px solid #e0a800; border-radius: 4px; padding: 4px 10px;
  font-size: 12.5px; color: #5d4300; }}
.leaflet-tooltip .sy-muted {{ color: #666; }}
.sy-placed-label span {{ pointer-events: auto; cursor: pointer; }}
.sy-count {{ display: inline-block; min-width: 19px; height: 19px; line-height: 16px; margin-left: 4px;
  padding: 0 3px; box-sizing: border-box; border: 1.5px dashed {symbols.PLACED_RIM};
  border-radius: 10px; background: #fff; font-size: 11px; font-weight: 700; text-align: center;
  color: #202124; text-shadow: none; vertical-align: 1px; }}
.sy-placed {{ background: none; border: none; }}
.sy-placed svg {{ display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,.45)); }}
.sy-placed.sy-placed-selected svg {{ filter: drop-shadow(0 0 0 {symbols.SELECTED_COLOUR})
  drop-shadow(0 0 3px {symbols.SELECTED_COLOUR}); }}
.sy-mine {{ background: none; border: none; }}
.sy-mine svg {{ display: block; margin: {(symbols.TAP_TARGET_PX - symbols.POINT_ICON_PX) // 2}px;
  filter: drop-shadow(0 0 1px #fff); }}
</style>
"""


class _Text(Element):
    """Finished text in a figure (no template to compile)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


# branca's MacroElement.render wraps each rendered part (header, html, script) of every folium
# element in a new Element, i.e. compiles the finished text as a jinja Template and renders it
# again, on every render. That costs ~25 ms of every map rerun, and it runs any jinja markup the
# text holds: a planner's project named "{{ … }}" would be evaluated on the server each time the
# map drew it (code, not just text). Every part is added as finished text instead, never
# compiled. What
# branca's second pass did on purpose is done here: folium's element references ``{{'name'}}``
# are resolved (as streamlit-folium resolves them), line ends normalised and one trailing
# newline dropped, as jinja does. For the app's own text the output is branca's, character for
# character (tests/components/test_map_builder.py).
_BRANCA_MACRO_RENDER = MacroElement.render
_ELEMENT_REFERENCE = re.compile(r"\{\{\s*'([A-Za-z_$][A-Za-z0-9_$]*)'\s*\}\}")


def _finished(text: str) -> Element:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "{{" in text:
        text = _ELEMENT_REFERENCE.sub(r"\1", text)
    return _Text(text[:-1] if text.endswith("\n") else text)


def _render_macro_without_compiling(self: MacroElement, **kwargs) -> None:
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(_finished(macro(self, kwargs)), name=self.get_name())
    for child in self._children.values():
        child.render(**kwargs)


MacroElement.render = _render_macro_without_compiling


# Leaflet sets a path's fill attribute from fillColor, so `url(#sy-nodata)` fills a polygon
# with this SVG pattern; it lives in the map's (persistent) SVG renderer.
_HATCH_SCRIPT = Template(
    """
{% macro script(this, kwargs) %}
(function (map) {
    var renderer = map.getRenderer({options: {}});
    var svg = renderer._container;
    if (!svg || svg.querySelector("#{{ this.pattern_id }}")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "{{ this.pattern_id }}");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "7");
    pattern.setAttribute("height", "7");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", "7"); bg.setAttribute("height", "7"); bg.setAttribute("fill", "#ffffff");
    var line = document.createElementNS(ns, "rect");
    line.setAttribute("width", "2.2"); line.setAttribute("height", "7"); line.setAttribute("fill", "#b0b0b0");
    pattern.appendChild(bg); pattern.appendChild(line); defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
})({{ this._parent.get_name() }});
{% endmacro %}
"""
)


class _HatchPattern(MacroElement):
    _template = _HATCH_SCRIPT

    def __init__(self) -> None:
        super().__init__()
        self._name = "HatchPattern"
        self.pattern_id = symbols.NO_DATA_PATTERN_ID


class _ZoomClass(MacroElement):
    """Marks the map container ``sy-near`` from zoom NEAR_ZOOM on (CSS shows more labels)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
    function update() { map.getContainer().classList.toggle("sy-near", map.getZoom() >= {{ this.zoom }}); }
    map.on("zoomend", update);
    update();
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, zoom: float) -> None:
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = zoom


class _HandUse(MacroElement):
    """What makes the map work by hand and on a phone.

    - The first click counts: Leaflet focuses the map on mousedown, and when the map is partly
      off screen the browser scrolls the page to it, so the mouseup lands elsewhere and no click
      fires. Focus without scrolling (keyboard access stays; the focus ring only for keys).
    - A "reset view" button fits the city again.
    - On a touch screen one finger scrolls the page and two fingers move the map.
    - An online basemap that cannot load says so on the map instead of failing silently.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
    var box = map.getContainer();
    var kb = map.keyboard;
    if (kb) {
        L.DomEvent.off(box, "mousedown", kb._onMouseDown, kb);
        L.DomEvent.on(box, "mousedown", function () {
            if (!kb._focused) { box.focus({preventScroll: true}); }
        });
    }
    var home = {{ this.home|tojson }};  // the whole city
    var Reset = L.Control.extend({
        options: {position: "topleft"},
        onAdd: function () {
            var bar = L.DomUtil.create("div", "leaflet-bar sy-reset");
            var a = L.DomUtil.create("a", "", bar);
            a.href = "#"; a.setAttribute("role", "button");
            a.title = {{ this.reset_title|tojson }};
            a.setAttribute("aria-label", {{ this.reset_title|tojson }});
            a.innerHTML = "&#x27F2;";
            L.DomEvent.on(a, "click", function (e) {
                L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
                map.fitBounds(home);
            });
            L.DomEvent.disableClickPropagation(bar);
            return bar;
        }
    });
    new Reset().addTo(map);
    if (L.Browser.touch && L.Browser.mobile) {
        map.dragging.disable();
        box.classList.add("sy-one-finger-scrolls");
        box.addEventListener("touchstart", function (e) {
            if (e.touches.length > 1) { map.dragging.enable(); } else { map.dragging.disable(); }
        }, {passive: true});
        box.addEventListener("touchend", function (e) {
            if (e.touches.length === 0) { map.dragging.disable(); }
        }, {passive: true});
    }
    // The view travels in the page's address (?view=lat,lng,zoom, in WGS-84), so a copied
    // link opens here. Streamlit rewrites the address when the script changes a parameter,
    // so the parameter is put back when it goes missing.
    var shift = {{ this.shift|tojson }};  // GCJ-02 minus WGS-84 here (zero on WGS-84 maps)
    function viewParam() {
        var c = map.getCenter();
        return (c.lat - shift[0]).toFixed(4) + "," + (c.lng - shift[1]).toFixed(4) + ","
            + map.getZoom();
    }
    function writeView() {
        try {
            var url = new URL(window.parent.location.href);
            var value = viewParam();
            if (url.searchParams.get("view") === value) { return; }
            url.searchParams.set("view", value);
            var href = url.toString().replace(/view=([0-9.%C-]+)/, function (m) {
                return m.replace(/%2C/g, ",");  // commas read better, and are allowed here
            });
            window.parent.history.replaceState(window.parent.history.state, "", href);
        } catch (e) { /* not embedded in the app's page */ }
    }
    var moved = false;
    map.on("moveend", function () { moved = true; writeView(); });
    setInterval(function () { if (moved) { writeView(); } }, 1000);
    var failed = false;
    map.eachLayer(function (layer) {
        if (!layer.getTileUrl) { return; }
        layer.on("tileerror", function () {
            if (failed) { return; }
            failed = true;
            var note = L.DomUtil.create("div", "sy-basemap-failed", box);
            note.textContent = {{ this.tiles_failed|tojson }};
        });
    });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, lang: str, basemap: str, home: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "HandUse"
        self.shift = datum_shift(basemap)
        self.home = [[round(float(v), 5) for v in corner] for corner in home]
        self.reset_title = t("map.reset", lang)
        self.tiles_failed = t("map.tiles_failed", lang)


@dataclass(frozen=True)
class MapView:
    """Where a map opens: centre (WGS-84) and zoom."""

    lat: float
    lng: float
    zoom: float

    @classmethod
    def parse(cls, text: str | None) -> MapView | None:
        """``"27.24,111.47,9.5"`` from a link, or None when absent or not sensible here."""
        try:
            lat, lng, zoom = (float(part) for part in (text or "").split(","))
        except ValueError:
            return None
        if not (24 <= lat <= 29 and 108 <= lng <= 114 and 6 <= zoom <= 18):
            return None  # nowhere near Shaoyang, or a zoom the map does not allow
        return cls(round(lat, 5), round(lng, 5), round(zoom * 4) / 4)


class _OpenAt(MacroElement):
    """Opens the map at a given view instead of the whole city."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.setView({{ this.center|tojson }}, {{ this.zoom }});
{% endmacro %}
"""
    )

    def __init__(self, view: MapView, basemap: str) -> None:
        super().__init__()
        self._name = "OpenAt"
        dlat, dlng = datum_shift(basemap, view.lat, view.lng)
        self.center = [round(view.lat + dlat, 6), round(view.lng + dlng, 6)]
        self.zoom = view.zoom


class ScriptStart(MacroElement):
    """Sets ``window.syMapScriptAt`` when the map's script starts (read by benchmarks)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.syMapScriptAt = window.syMapScriptAt || Date.now();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScriptStart"


class OverlayStamp(MacroElement):
    """Sets ``window.syOverlayStamp`` when the overlays are (re)drawn: a hook for tests/benchmarks."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.syOverlayStamp = {{ this.stamp|tojson }};
// When the layers added in this same task have been painted (read by benchmarks).
requestAnimationFrame(function () { window.syOverlayDrawnAt = Date.now(); });
{% endmacro %}
"""
    )

    def __init__(self, stamp: str) -> None:
        super().__init__()
        self._name = "OverlayStamp"
        self.stamp = stamp


# ---------------------------------------------------------------------------------------------
# Plain inputs


@dataclass(frozen=True)
class Choropleth:
    """County values and their classes, with the label and unit to show."""

    values: Mapping[str, float | None]
    classes: Classes
    label: str
    unit: str
    decimals: int = 0
    unit_in_title: bool = True  # False when the label already says it ("per 100,000 residents")

    @property
    def title(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit_in_title else self.label

    def value_text(self, value: float | None, lang: str) -> str:
        """A county's value for display: the number (and unit), or unknown."""
        shown = format_value(value, self.decimals, lang)
        if value is None:
            return shown
        return f"{shown} {self.unit}"


@dataclass(frozen=True)
class MapContent:
    """What the overlays draw. Frames are WGS-84 and tagged with their datum."""

    counties: gpd.GeoDataFrame  # display polygons: adcode, name_zh, name_en
    choropleth: Choropleth
    points: gpd.GeoDataFrame  # initiatives with a Point geometry
    routes: gpd.GeoDataFrame  # initiatives with a (Multi)LineString geometry
    clusters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # adcode -> names
    selection: Selection | None = None
    selected_counties: Sequence[str] = ()  # counties to outline for the selection
    selected_geometry: shapely.Geometry | None = None  # WGS-84
    stamp: str = ""
    # Optional: the points layer's data (payload JSON text, lookups) already made for this view
    # (see PointColumns), e.g. from a cache; it must describe ``points`` in the view's datum.
    points_data: tuple[str, PointLookups] | None = None
    # County-level initiatives drawn inside their counties (see map_model.placed_symbols).
    placed: Sequence[PlacedSymbol] = ()
    # Optional: county_shapes of ``counties`` in the view's datum, already made (from a cache).
    county_shapes: Mapping[str, str] | None = None


# ---------------------------------------------------------------------------------------------
# Helpers


def datum_of(basemap: str) -> str:
    if basemap not in DATUM_OF_BASEMAP:
        raise ValueError(f"unknown basemap {basemap!r}; expected one of {tuple(DATUM_OF_BASEMAP)}")
    return DATUM_OF_BASEMAP[basemap]


def for_view(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """``frame`` (WGS-84) in the datum of ``basemap``: a GCJ-02 copy for Gaode, else itself."""
    require_datum(frame, WGS84)
    return to_gcj02(frame) if datum_of(basemap) == GCJ02 else frame


def _geometry_for_view(geom: shapely.Geometry | None, basemap: str) -> shapely.Geometry | None:
    if geom is None or datum_of(basemap) == WGS84:
        return geom
    frame = gpd.GeoDataFrame(geometry=[geom], crs="EPSG:4326")
    frame.attrs["datum"] = WGS84
    return to_gcj02(frame).geometry.iloc[0]


def datum_shift(basemap: str, lat: float = 27.0, lng: float = 111.0) -> tuple[float, float]:
    """(dlat, dlng) from WGS-84 to the basemap's datum near (lat, lng): about 600 m on Gaode,
    nothing elsewhere. Slowly varying, so one value serves a whole view."""
    if datum_of(basemap) == WGS84:
        return (0.0, 0.0)
    glng, glat = wgs84_to_gcj02(lng, lat)
    return (round(float(glat) - lat, 7), round(float(glng) - lng, 7))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def format_value(value: float | None, decimals: int, lang: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return t("county.unknown", lang)
    return f"{value:,.{decimals}f}"


_EN_SUFFIXES = (" Miao Autonomous County", " Autonomous County", " District", " County", " City")


def short_name(row: Mapping, lang: str) -> str:
    """A county's map label: the Chinese name, or the English one without "County"/"District"."""
    name = name_of(row, lang)
    if lang == "en":
        for suffix in _EN_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def _label_points(frame: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """(lat, lon) of a point inside each polygon, for labels."""
    points = shapely.point_on_surface(frame.geometry.values)
    return [(round(p.y, 5), round(p.x, 5)) for p in points]


def _district_label_placement(
    counties: gpd.GeoDataFrame, label_points: list[tuple[float, float]]
) -> dict[int, str]:
    """CSS classes pushing the small urban districts' labels apart (away from their centre).

    The three districts are too small for centred labels at city zoom: each label is drawn on
    the side of its point facing away from the districts' common centre, in a smaller font.
    """
    if "type" not in counties.columns:
        return {}
    rows = [i for i, kind in enumerate(counties["type"]) if kind == "district"]
    if len(rows) < 2:
        return {i: "sy-small" for i in rows}
    lat0 = sum(label_points[i][0] for i in rows) / len(rows)
    lon0 = sum(label_points[i][1] for i in rows) / len(rows)
    placement = {}
    for i in rows:
        dlat, dlon = label_points[i][0] - lat0, label_points[i][1] - lon0
        if abs(dlon) >= abs(dlat):
            side = "sy-east" if dlon > 0 else "sy-west"
        else:
            side = "sy-north" if dlat > 0 else "sy-south"
        placement[i] = f"sy-small {side}"
    return placement


def _marker_layer(rows: list[dict], point_to_layer: str, name: str, **kwargs) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": rows},
        name=name,
        pointToLayer=JsCode(point_to_layer),
        **kwargs,
    )


def _point_feature(lon: float, lat: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(float(lon), POINT_DECIMALS), round(float(lat), POINT_DECIMALS)],
        },
        "properties": properties,
    }


_LABEL_POINT = """
function (feature, latlng) {
    return L.marker(latlng, {
        icon: L.divIcon({className: feature.properties.cls, html: feature.properties.html,
                         iconSize: [0, 0]}),
        interactive: false, keyboard: false
    });
}
"""

# Styles travel in each feature's properties; passing them as the layer's style option applies
# them when each path is created (so `className` lands on the SVG path, for tests and CSS).
_STYLE_FROM_PROPERTIES = JsCode("function (feature) { return feature.properties.style; }")

_TOOLTIP_STICKY = """
function (feature, layer) {
    layer.bindTooltip(feature.properties.tip, {sticky: true, direction: "auto"});
}
"""

_COUNTY_EVENTS = """
function (feature, layer) {
    layer.bindTooltip(feature.properties.tip, {sticky: true, direction: "auto"});
    layer.on("mouseover", function () { layer.setStyle({weight: 3, color: "#111111"}); });
    layer.on("mouseout", function () { layer.setStyle(feature.properties.style); });
}
"""


def _point_to_layer_js() -> str:
    icons = {category: symbols.category_svg(category) for category in symbols.CATEGORY_STYLE}
    icons["_"] = symbols.category_svg("_")
    half = symbols.TAP_TARGET_PX // 2
    return f"""
(function () {{
    var svg = {json.dumps(icons, ensure_ascii=False)};
    var order = {json.dumps(list(symbols.CATEGORY_STYLE))};
    var icons = {{}};
    return function (feature, latlng) {{
        var c = order[feature.properties.c];
        if (!(c in svg)) {{ c = "_"; }}
        if (!icons[c]) {{
            icons[c] = L.divIcon({{className: "sy-point sy-cat-" + c, html: svg[c],
                                   iconSize: [{symbols.TAP_TARGET_PX}, {symbols.TAP_TARGET_PX}],
                                   iconAnchor: [{half}, {half}]}});
        }}
        return L.marker(latlng, {{icon: icons[c], keyboard: false, riseOnHover: true}});
    }};
}})()
"""


# ---------------------------------------------------------------------------------------------
# The base map


def base_map(
    counties: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    lang: str = "zh",
    height: int = MAP_HEIGHT_PX,
    avoid: Sequence[tuple[float, float]] = (),
    view: MapView | None = None,
    regions: RegionLayout | None = None,
) -> folium.Map:
    """The stable part of the map: basemap tiles, county names, assets. Returns a folium.Map.

    ``avoid`` are (lon, lat) of symbols the names of the report's two groups must not cover;
    ``view`` is where to open (from a shared link), else the whole city; ``regions`` is
    ``region_layout`` already made for this basemap and language (it costs ~20 ms), else it is
    made here.
    """
    view_counties = for_view(counties, basemap)
    minx, miny, maxx, maxy = view_counties.total_bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=8,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
        # folium hands min_zoom/max_zoom to its tile layer only; the clustering plugin needs
        # them on the map itself.
        minZoom=6,
        maxZoom=18,
        height=height,
    )
    ScriptStart().add_to(fmap)
    fmap.get_root().header.add_child(_Text(MAP_CSS), name="sy_css")
    if basemap in TILES:
        provider = TILES[basemap]
        folium.TileLayer(
            tiles=provider.build_url(),
            attr=provider.html_attribution,
            name=t(f"basemap.{basemap}", lang),
            max_zoom=18,
            max_native_zoom=min(int(provider.get("max_zoom", 18)), 18),
            overlay=False,
            control=False,
        ).add_to(fmap)
    labels = [
        _point_feature(
            label.lon,
            label.lat,
            {
                "cls": f"sy-label sy-label-{adcode} {label.classes}",
                "html": f"<span>{_e(label.text)}</span>",
            },
        )
        for adcode, label in county_labels(view_counties, lang).items()
    ]
    # A county whose initiatives are summed up beside its name (the placed layer's county
    # level) hides its plain name meanwhile: the placed layer adds `sy-hide-<adcode>`.
    hide = "".join(
        f".sy-hide-{adcode} .sy-label-{adcode}{{visibility:hidden}}"
        for adcode in view_counties["adcode"].astype(str)
    )
    fmap.get_root().header.add_child(_Text(f"<style>{hide}</style>"), name="sy_hide_css")
    if regions is None:
        regions = region_layout(view_counties, lang, avoid)
    if regions is not None:
        divide, region_names = regions
        # Above the choropleth's fills (overlay pane, 400), below the markers.
        folium.map.CustomPane("sy-divide", z_index=450).add_to(fmap)
        folium.GeoJson(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(shapely.set_precision(divide, 1e-4)),
                "properties": {"kind": "region-divide"},
            },
            name="region-divide",
            interactive=False,
            control=False,
            pane="sy-divide",
            style_function=lambda _: dict(
                symbols.REGION_DIVIDE_STYLE, className="sy-region-divide"
            ),
        ).add_to(fmap)
        names = [
            _point_feature(
                label.lon, label.lat,
                {"cls": "sy-region-label", "html": f"<span>{_e(label.text)}</span>"},
            )
            for label in region_names
        ]  # fmt: skip
        _marker_layer(names, _LABEL_POINT, name="region-labels", control=False).add_to(fmap)
    label_group = folium.FeatureGroup(name=t("layer.labels", lang), control=False)
    _marker_layer(labels, _LABEL_POINT, name="labels", control=False).add_to(label_group)
    label_group.add_to(fmap)
    _HatchPattern().add_to(fmap)
    _ZoomClass(NEAR_ZOOM).add_to(fmap)
    _HandUse(lang, basemap, [[miny, minx], [maxy, maxx]]).add_to(fmap)
    if view is None:
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    else:
        _OpenAt(view, basemap).add_to(fmap)
    localise(fmap)
    return fmap


# ---------------------------------------------------------------------------------------------
# Overlays


def county_tooltip(
    row: Mapping, value: float | None, choropleth: Choropleth, clusters: Sequence[str], lang: str
) -> str:
    parts = [f"<b>{_e(name_of(row, lang))}</b>"]
    parts.append(
        _e(
            t(
                "tooltip.value",
                lang,
                measure=choropleth.label,
                value=choropleth.value_text(value, lang),
            )
        )
    )
    if clusters:
        parts.append(_e(t("tooltip.clusters", lang, names=t("list.sep", lang).join(clusters))))
    parts.append(f'<span class="sy-muted">{_e(t("tooltip.click_county", lang))}</span>')
    parts.append(f"<span hidden>{_e(token('county', str(row['adcode'])))}</span>")
    return "<br>".join(parts[:-1]) + parts[-1]


def _display_geometry(geom: shapely.Geometry) -> dict:
    """GeoJSON of a display polygon, coordinates rounded to 4 decimals (~10 m; the display
    set is already simplified at ~150 m)."""
    return shapely.geometry.mapping(
        shapely.transform(geom, lambda coords: np.round(coords, DISPLAY_DECIMALS))
    )


def county_shapes(counties: gpd.GeoDataFrame) -> dict[str, str]:
    """{adcode: the county's display polygon as GeoJSON text}, for counties in the view's
    datum: the same on every rerun, so made once (components/cache.py) rather than per map."""
    return {
        str(adcode): js_json(_display_geometry(geom))
        for adcode, geom in zip(counties["adcode"], counties.geometry, strict=True)
    }


def county_features(
    counties: gpd.GeoDataFrame,
    choropleth: Choropleth,
    clusters: Mapping[str, Sequence[str]],
    lang: str,
    selected: Sequence[str] = (),
) -> list[dict]:
    """Each county's properties for the choropleth (adcode, style, tooltip, label point), in
    drawing order: counties with an industry cluster outlined in purple and the selected ones
    in blue come last, so on top."""
    colours = symbols.palette(choropleth.classes.k)
    features = []
    for row, label in zip(
        counties[["adcode", "name_zh", "name_en"]].to_dict("records"),
        _label_points(counties),
        strict=True,
    ):
        adcode = str(row["adcode"])
        value = choropleth.values.get(adcode)
        klass = choropleth.classes.of.get(adcode)
        if klass is None:
            style = dict(symbols.NO_DATA_STYLE, className="sy-county sy-nodata")
        else:
            style = {
                "fillColor": colours[klass],
                "fillOpacity": symbols.CHOROPLETH_OPACITY,
                "color": symbols.COUNTY_EDGE,
                "weight": 1.2,
                "className": f"sy-county sy-class-{klass}",
            }
        rank = 0
        if adcode in selected:
            style.update(color=symbols.SELECTED_COLOUR, weight=4, dashArray=None, opacity=1)
            style["className"] += " sy-selected"
            rank = 2
        elif clusters.get(adcode):
            style.update(color=symbols.CLUSTER_COLOUR, weight=3, dashArray=None, opacity=0.95)
            style["className"] += " sy-cluster-outline"
            rank = 1
        tip = county_tooltip(row, value, choropleth, clusters.get(adcode, ()), lang)
        features.append(
            (rank, {"adcode": adcode, "style": style, "tip": tip, "label": list(label)})
        )
    features.sort(key=lambda pair: pair[0])
    return [properties for _, properties in features]


class CountiesGeoJson(MacroElement):
    """The choropleth as ONE Leaflet GeoJSON layer: polygons from ``county_shapes`` (text made
    once), styles and tooltips from the view."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data_js }}, {
    style: function (feature) { return feature.properties.style; },
    onEachFeature: {{ this.on_each_feature }}
});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, features: Sequence[Mapping], shapes: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "CountiesGeoJson"
        self.data_js = (
            '{"type":"FeatureCollection","features":['
            + ",".join(
                f'{{"type":"Feature","geometry":{shapes[p["adcode"]]},"properties":{js_json(p)}}}'
                for p in features
            )
            + "]}"
        )
        self.on_each_feature = _COUNTY_EVENTS

    @property
    def data(self) -> dict:
        """The layer's GeoJSON FeatureCollection (as folium.GeoJson has it)."""
        return json.loads(self.data_js)  # JSON reads the escaped "<\/" as "</"


def choropleth_layer(
    counties: gpd.GeoDataFrame,
    choropleth: Choropleth,
    clusters: Mapping[str, Sequence[str]],
    lang: str,
    selected: Sequence[str] = (),
    shapes: Mapping[str, str] | None = None,
) -> folium.FeatureGroup:
    """The counties filled by class; counties with an industry cluster outlined in purple and
    the selected ones in blue (outlined counties are drawn last, so on top). ``shapes`` is
    ``county_shapes(counties)`` if already made."""
    group = folium.FeatureGroup(name=t("layer.choropleth", lang))
    CountiesGeoJson(
        county_features(counties, choropleth, clusters, lang, selected),
        county_shapes(counties) if shapes is None else shapes,
    ).add_to(group)
    return group


def route_tooltip(row: Mapping, lang: str) -> str:
    kind = row.get("route_kind") or ""
    status = row.get("route_status") or "unknown"
    parts = [
        f"<b>{_e(name_of(row, lang))}</b>",
        _e(f"{t(f'route_kind.{kind}', lang)} · {t(f'route_status.{status}', lang)}"),
    ]
    if row.get("precision") == "schematic":
        parts.append(f'<span class="sy-muted">{_e(t("route.schematic", lang))}</span>')
    parts.append(f'<span class="sy-muted">{_e(t("tooltip.click_item", lang))}</span>')
    return "<br>".join(parts) + f"<span hidden>{_e(token('initiative', str(row['id'])))}</span>"


def routes_layer(routes: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    features = []
    columns = ["id", "name_zh", "name_en", "route_kind", "route_status", "precision"]
    # Wide translucent corridors go under the lines.
    order = sorted(
        zip(routes[columns].to_dict("records"), routes.geometry, strict=True),
        key=lambda pair: pair[0].get("route_kind") != "corridor",
    )
    for row, geom in order:
        style = dict(
            symbols.ROUTE_STYLE.get(row.get("route_kind") or "", symbols.ROUTE_STYLE["road"])
        )
        style["className"] = "sy-route"
        dash = symbols.route_dash(row.get("precision"), row.get("route_status"))
        if dash:
            style["dashArray"] = dash
            style["lineCap"] = "round" if dash == symbols.DASH_PLANNED else "butt"
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-5)),
                "properties": {"id": row["id"], "style": style, "tip": route_tooltip(row, lang)},
            }
        )
    group = folium.FeatureGroup(name=t("layer.routes", lang))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="routes",
        style=_STYLE_FROM_PROPERTIES,
        on_each_feature=JsCode(_TOOLTIP_STICKY),
        control=False,
    ).add_to(group)
    return group


def point_tooltip(row: Mapping, county_names: Mapping[str, str], lang: str) -> str:
    """The tooltip of one point initiative as escaped HTML (the naive benchmark build uses it;
    the map itself assembles the same text in the browser from the compact properties)."""
    counties = t("list.sep", lang).join(
        county_names.get(code, code) for code in row.get("counties") or ()
    )
    parts = [
        f"<b>{_e(name_of(row, lang))}</b>",
        _e(
            f"{t('category.' + str(row.get('category')), lang)} · {t('precision.' + str(row.get('precision')), lang)}"
        ),
    ]
    if counties:
        parts.append(_e(counties))
    parts.append(f'<span class="sy-muted">{_e(t("tooltip.click_item", lang))}</span>')
    return "<br>".join(parts) + f"<span hidden>{_e(token('initiative', str(row['id'])))}</span>"


def script_safe(json_text: str) -> str:
    """JSON text made safe inside a <script>: no ``</`` and no raw line separators."""
    return json_text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def js_json(value: object) -> str:
    """Compact JSON of ``value``, safe inside a <script>."""
    return script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


@dataclass(frozen=True)
class PointLookups:
    """Escaped labels the browser combines into point tooltips (sent once, not per point)."""

    categories: tuple[str, ...]
    precisions: tuple[str, ...]
    counties: tuple[str, ...]
    adcodes: tuple[str, ...]
    hint: str
    sep: str = "、"

    @classmethod
    def make(cls, county_names: Mapping[str, str], lang: str) -> PointLookups:
        return cls(
            categories=tuple(_e(t(f"category.{c}", lang)) for c in symbols.CATEGORY_STYLE),
            precisions=tuple(_e(t(f"precision.{p}", lang)) for p in PRECISIONS),
            counties=tuple(_e(name) for name in county_names.values()),
            adcodes=tuple(county_names),
            hint=_e(t("tooltip.click_item", lang)),
            sep=_e(t("list.sep", lang)),
        )


def _json_texts(values: Sequence[object]) -> np.ndarray:
    """Each value's compact JSON text, safe inside a <script>."""
    return np.array([js_json(value) for value in values], dtype=object)


@dataclass(frozen=True, eq=False)  # arrays: compared and hashed by identity
class PointColumns:
    """The point initiatives of a dataset as JSON text, made once; a view's payload is joined
    from its rows' texts.

    The payload goes column by column: ``id``, escaped name ``n``, category ``c``, precision
    ``p`` and counties ``k`` as indices into ``PointLookups``, and ``xy`` (lon, lat pairs
    rounded to 6 decimals, flattened). The browser turns the columns into GeoJSON features:
    10,000 points travel as ~0.7 MB instead of ~1.6 MB of GeoJSON text. A filter change joins
    the texts of the rows it keeps (~2 ms for 10,000 points) instead of escaping and encoding
    them again (~40 ms).
    """

    index: pd.Index  # the frame's index: a view's rows are looked up by it
    ids: np.ndarray  # the JSON text of each column's value, row by row
    names: np.ndarray
    categories: np.ndarray
    precisions: np.ndarray
    counties: np.ndarray
    xy: np.ndarray

    @classmethod
    def of(cls, points: gpd.GeoDataFrame, lookups: PointLookups, lang: str) -> PointColumns:
        """``points`` in the view's datum (see for_view); its index must be unique."""
        if not points.index.is_unique:
            raise ValueError("the points' index must be unique")
        names = points["name_zh"].astype(object)
        if lang == "en":
            english = points["name_en"].astype(object)
            names = english.where(english.notna() & (english != ""), names)
        category_index = {c: i for i, c in enumerate(symbols.CATEGORY_STYLE)}
        precision_index = {p: i for i, p in enumerate(PRECISIONS)}
        county_index = {a: i for i, a in enumerate(lookups.adcodes)}
        xy = np.round(shapely.get_coordinates(points.geometry.values), POINT_DECIMALS).tolist()
        return cls(
            index=points.index,
            ids=_json_texts([_e(item_id) for item_id in points["id"].tolist()]),
            names=_json_texts([_e(name) for name in names.tolist()]),
            categories=_json_texts([category_index.get(c, -1) for c in points["category"]]),
            precisions=_json_texts([precision_index.get(p, -1) for p in points["precision"]]),
            counties=_json_texts(
                [
                    [county_index[a] for a in touched if a in county_index]
                    for touched in points["counties"].tolist()
                ]
            ),
            xy=np.array([js_json(pair)[1:-1] for pair in xy], dtype=object),
        )

    def payload_js(self, index: pd.Index) -> str:
        """The payload's JSON text for the rows ``index`` (a subset of this dataset's)."""
        rows = self.index.get_indexer(index)
        if (rows < 0).any():
            raise KeyError("rows that are not among these points")

        def column(texts: np.ndarray) -> str:
            return "[" + ",".join(texts[rows]) + "]"

        return (
            f'{{"id":{column(self.ids)},"n":{column(self.names)},'
            f'"c":{column(self.categories)},"p":{column(self.precisions)},'
            f'"k":{column(self.counties)},"xy":{column(self.xy)}}}'
        )


class PointsGeoJson(MacroElement):
    """ONE Leaflet GeoJSON layer for every point initiative: an SVG icon per category, and a
    tooltip per point carrying its id (bound on first hover or click, so 10,000 points do not
    build 10,000 tooltips up front)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_lookups = {{ this.lookups_js }};
var {{ this.get_name() }}_data = {{ this.data_js }};
var {{ this.get_name() }} = L.geoJSON(null, {
    pointToLayer: {{ this.point_to_layer }},
    onEachFeature: function (feature, layer) {
        layer.on("mouseover click", function (e) {
            if (layer.getTooltip()) { return; }
            var p = feature.properties, l = {{ this.get_name() }}_lookups;
            var counties = (p.k || []).map(function (i) { return l.counties[i]; }).join(l.sep);
            var html = "<b>" + p.n + "</b><br>" + (l.categories[p.c] || "") + " · "
                + (l.precisions[p.p] || "") + (counties ? "<br>" + counties : "")
                + '<br><span class="sy-muted">' + l.hint + "</span>"
                + "<span hidden>[[initiative:" + p.id + "]]</span>";
            layer.bindTooltip(html, {direction: "top", offset: [0, -8]});
            if (e.type === "mouseover") { layer.openTooltip(); }
        });
    }
});
(function (d, layer) {
    var features = new Array(d.id.length);
    for (var i = 0; i < d.id.length; i++) {
        features[i] = {type: "Feature",
                       geometry: {type: "Point", coordinates: [d.xy[2 * i], d.xy[2 * i + 1]]},
                       properties: {id: d.id[i], n: d.n[i], c: d.c[i], p: d.p[i], k: d.k[i]}};
    }
    layer.addData({type: "FeatureCollection", features: features});
})({{ this.get_name() }}_data, {{ this.get_name() }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, payload_js: str, lookups: PointLookups) -> None:
        super().__init__()
        self._name = "PointsGeoJson"
        self.data_js = payload_js  # PointColumns.payload_js
        self.lookups_js = js_json(
            {
                "categories": lookups.categories,
                "precisions": lookups.precisions,
                "counties": lookups.counties,
                "hint": lookups.hint,
                "sep": lookups.sep,
            }
        )
        self.point_to_layer = _point_to_layer_js()


def county_names_of(counties: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """{adcode: display name}, in the frame's (adcode) order."""
    return {
        str(row["adcode"]): name_of(row, lang)
        for row in counties[["adcode", "name_zh", "name_en"]].to_dict("records")
    }


def point_columns(
    points: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, lang: str, basemap: str
) -> tuple[PointColumns, PointLookups]:
    """The points' payload texts and lookups for a basemap (WGS-84 frames in; datum handled)."""
    lookups = PointLookups.make(county_names_of(counties, lang), lang)
    return PointColumns.of(for_view(points, basemap), lookups, lang), lookups


def points_layer(
    points: gpd.GeoDataFrame,
    county_names: Mapping[str, str],
    lang: str,
    *,
    clustered: bool,
    data: tuple[str, PointLookups] | None = None,
) -> folium.FeatureGroup:
    """All point initiatives as ONE GeoJSON layer (clustered where dense when ``clustered``).

    ``points`` must already be in the view's datum; ``data`` (the payload's JSON text and the
    lookups) replaces the payload made from it.
    """
    group = folium.FeatureGroup(name=t("layer.points", lang))
    if data is None:
        lookups = PointLookups.make(county_names, lang)
        data = (PointColumns.of(points, lookups, lang).payload_js(points.index), lookups)
    layer = PointsGeoJson(*data)
    if clustered:
        cluster = folium.plugins.MarkerCluster(
            name="points-cluster", control=False, options=CLUSTER_OPTIONS
        )
        layer.add_to(cluster)
        cluster.add_to(group)
    else:
        layer.add_to(group)
    return group


def clusters_layer(
    counties: gpd.GeoDataFrame, clusters: Mapping[str, Sequence[str]], lang: str
) -> folium.FeatureGroup:
    """The names of the industry clusters on their counties (the purple outline is drawn by
    the choropleth, so the polygons are sent once)."""
    group = folium.FeatureGroup(name=t("layer.clusters", lang))
    hosting = counties[counties["adcode"].isin([a for a, names in clusters.items() if names])]
    if hosting.empty:
        return group
    labels = []
    for adcode, (lat, lon) in zip(hosting["adcode"], _label_points(hosting), strict=True):
        names = list(clusters[adcode])
        shown = (
            names[0]
            if len(names) == 1
            else t("map.clusters_more", lang, first=names[0], n=len(names), more=len(names) - 1)
        )
        labels.append(
            _point_feature(
                lon, lat, {"cls": "sy-cluster-label", "html": f"<span>{_e(shown)}</span>"}
            )
        )
    # Offset below the county name.
    label_js = _LABEL_POINT.replace("iconSize: [0, 0]", "iconSize: [0, 0], iconAnchor: [0, -9]")
    _marker_layer(labels, label_js, name="cluster-labels", control=False).add_to(group)
    return group


LABEL_FONT_PX = 12.5
SMALL_LABEL_FONT_PX = 11.0
CLUSTER_LABEL_FONT_PX = 11.0
CLUSTER_LABEL_OFFSET_PX = 9  # the cluster line starts this far below the county name's anchor
COUNT_BADGE_PX = 28  # the ".sy-count" badge a county's name carries when zoomed out (3 digits)


def cluster_label_text(names: Sequence[str], lang: str) -> str:
    """What the map writes under a county that hosts industry clusters."""
    if len(names) == 1:
        return names[0]
    return t("map.clusters_more", lang, first=names[0], n=len(names), more=len(names) - 1)


@dataclass(frozen=True)
class CountyLabel:
    """A county's name on the map: where (lon, lat of its anchor), its CSS classes, its text."""

    lon: float
    lat: float
    classes: str  # "" or e.g. "sy-small sy-west" for the urban districts
    text: str

    @property
    def side(self) -> str:
        return next(
            (s for s in ("east", "west", "north", "south") if f"sy-{s}" in self.classes), "centre"
        )

    @property
    def font_px(self) -> float:
        return SMALL_LABEL_FONT_PX if "sy-small" in self.classes else LABEL_FONT_PX


def county_labels(counties: gpd.GeoDataFrame, lang: str) -> dict[str, CountyLabel]:
    """{adcode: its map label}, in the frame's order (anchors in the frame's datum)."""
    points = _label_points(counties)
    placement = _district_label_placement(counties, points)
    records = counties[["adcode", "name_zh", "name_en"]].to_dict("records")
    return {
        str(row["adcode"]): CountyLabel(lon, lat, placement.get(i, ""), short_name(row, lang))
        for i, (row, (lat, lon)) in enumerate(zip(records, points, strict=True))
    }


REGION_FONT_PX = 11.0
# Where along the divide (from its northern end) its names may sit, in order of preference.
REGION_LABEL_AT = (0.35, 0.5, 0.65, 0.2, 0.8, 0.1, 0.9)
REGION_LABEL_OFFSET_PX = (52, 36, 72)  # how far each name may sit from the divide


RegionLayout = tuple[shapely.Geometry, list[CountyLabel]]


def region_layout(
    counties: gpd.GeoDataFrame, lang: str, avoid: Sequence[tuple[float, float]] = ()
) -> RegionLayout | None:
    """The divide between the report's two groups and their names, for ``counties`` in the
    view's datum; None when the counties carry no groups."""
    divide = region_divide(counties)
    if divide is None:
        return None
    return divide, region_labels(counties, lang, divide, avoid)


def region_divide(counties: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """The line between the report's two groups (东部城镇群 / 西部生态圈), or None."""
    if "region_group" not in counties.columns:
        return None
    groups = [
        shapely.union_all(counties.loc[counties["region_group"] == g, "geometry"].values)
        for g in REGION_GROUPS
    ]
    if any(g.is_empty for g in groups):
        return None
    line = shapely.line_merge(shapely.intersection(groups[0].boundary, groups[1].boundary))
    return None if line.is_empty else line


def region_labels(
    counties: gpd.GeoDataFrame,
    lang: str,
    divide: shapely.Geometry,
    avoid: Sequence[tuple[float, float]] = (),
) -> list[CountyLabel]:
    """The two groups' names, one on each side of the divide, at the first place along it
    (from its northern end) where both fall inside their own group."""
    line = divide if divide.geom_type == "LineString" else max(divide.geoms, key=lambda g: g.length)
    coords = shapely.get_coordinates(line)
    if coords[0][1] < coords[-1][1]:
        line = shapely.reverse(line)
    areas = [
        shapely.union_all(counties.loc[counties["region_group"] == g, "geometry"].values)
        for g in REGION_GROUPS
    ]
    names = [
        text_box(c.lon, c.lat, c.text, c.font_px, side=c.side, extra_px=COUNT_BADGE_PX)
        for c in county_labels(counties, lang).values()
    ] + [Box.around(lon, lat, symbols.POINT_ICON_PX / 2 + 2) for lon, lat in avoid]
    labels = []
    for group, area in zip(REGION_GROUPS, areas, strict=True):
        text = t(f"region_group.{group}", lang)
        for fraction in REGION_LABEL_AT:
            at = line.interpolate(fraction, normalized=True)
            ahead = line.interpolate(fraction + 0.02, normalized=True)
            # A unit normal to the divide, in the local (lon·cos φ, lat) plane.
            cos = float(np.cos(np.radians(at.y)))
            dx, dy = (ahead.x - at.x) * cos, ahead.y - at.y
            norm = float(np.hypot(dx, dy)) or 1.0
            nx, ny = -dy / norm, dx / norm
            per_px = 1 / (256 * 2**8 / 360 / cos)  # degrees of latitude per pixel at zoom 8
            spots = [
                (at.x + k * nx * px * per_px / cos, at.y + k * ny * px * per_px)
                for px in REGION_LABEL_OFFSET_PX
                for k in (1, -1)
            ]
            spot = next(
                (
                    (lon, lat)
                    for lon, lat in spots
                    if area.contains(shapely.Point(lon, lat))
                    and not any(
                        boxes_overlap(text_box(lon, lat, text, REGION_FONT_PX), other, 8.0)
                        for other in names
                    )
                ),
                None,
            )
            if spot is not None:
                labels.append(CountyLabel(float(spot[0]), float(spot[1]), "", text))
                break
    return labels


def label_boxes(
    counties: gpd.GeoDataFrame, lang: str, cluster_texts: Mapping[str, str] | None = None
) -> list[Box]:
    """The screen boxes of the county names and of the cluster lines under them (shown from
    NEAR_ZOOM on), placed as the map's CSS places them: what county-placed symbols keep clear of."""
    boxes = []
    for adcode, label in county_labels(counties, lang).items():
        boxes.append(
            text_box(
                label.lon, label.lat, label.text, label.font_px, side=label.side,
                extra_px=COUNT_BADGE_PX,
            )
        )  # fmt: skip
        text = (cluster_texts or {}).get(adcode)
        if text:
            boxes.append(
                text_box(
                    label.lon, label.lat, text, CLUSTER_LABEL_FONT_PX, side="below",
                    pad=CLUSTER_LABEL_OFFSET_PX, zoom_from=NEAR_ZOOM,
                )
            )  # fmt: skip
    divide = region_divide(counties)
    if divide is not None:
        boxes += [
            text_box(label.lon, label.lat, label.text, REGION_FONT_PX)
            for label in region_labels(counties, lang, divide)
        ]
    return boxes


def county_slots(
    counties: gpd.GeoDataFrame,
    lang: str,
    sited: Sequence[tuple[float, float]] = (),
    cluster_texts: Mapping[str, str] | None = None,
) -> CountySlots:
    """Slot layouts inside the (WGS-84 display) counties, clear of their names, the cluster
    lines and the sited point symbols (lon, lat)."""
    require_datum(counties, WGS84)
    anchors = {
        str(a): (lon, lat)
        for a, (lat, lon) in zip(counties["adcode"], _label_points(counties), strict=True)
    }
    polygons = dict(zip(counties["adcode"].astype(str), counties.geometry, strict=True))
    half = symbols.POINT_ICON_PX / 2 + 2
    obstacles = label_boxes(counties, lang, cluster_texts) + [
        Box.around(lon, lat, half) for lon, lat in sited
    ]
    return CountySlots(
        polygons,
        anchors,
        obstacles,
        radius_px=symbols.PLACED_DISC_PX / 2,
        spacing_px=symbols.PLACED_DISC_PX + 3,
    )


PLACED_TIP_NAMES = 8  # a summing-up tooltip names this many initiatives, then "… and N more"


@dataclass(frozen=True)
class PlacedSymbol:
    """One symbol of the county-placed layer: an initiative, a category group or a county's
    total, shown inside ``adcode`` while the zoom is in [zoom_from, zoom_to)."""

    level: str  # "item" | "group" | "county"
    adcode: str
    lon: float
    lat: float
    zoom_from: float
    zoom_to: float
    category: str | None  # None for a county's total
    ids: tuple[str, ...]
    counties: tuple[str, ...]  # the counties to highlight on hover
    tip: str  # escaped HTML, ending with the click token (the browser writes the same text)
    label: CountyLabel | None = None  # the county level: drawn as the county's name + count
    # What the tooltip is made of, in the view's language: the name and category of each of
    # ``ids``, and the display names of ``adcode`` and of ``counties``.
    names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    county_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def sums_up(self) -> bool:
        """Whether the tooltip sums up several initiatives (a county's total or a category
        group of several) rather than naming one."""
        return self.level == "county" or (self.level == "group" and len(self.ids) > 1)


class PlacedLayer(MacroElement):
    """The county-placed symbols as ONE Leaflet feature group whose members follow the zoom:
    a county's total when zoomed out, one symbol per category, then one per initiative.

    The tooltips are written in the browser from compact columns (each initiative's escaped
    name once, translated phrases once), the text of ``PlacedSymbol.tip`` exactly.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function (group, features, items, text, icons, selected) {
    function fill(template, values) {
        return template.replace(/\\{(\\w+)\\}/g, function (m, key) {
            return key in values ? values[key] : m;
        });
    }
    function tipOf(f) {
        if (f.t === "county" || (f.t === "group" && f.i.length > 1)) {
            var n = f.i.length, first = items.c[f.i[0]];
            var one = f.i.every(function (i) { return items.c[i] === first; });
            var title = one
                ? fill(text.group, {county: text.cn[f.a], category: text.cat[first], n: n})
                : fill(text.total, {county: text.cn[f.a], n: n});
            var names = f.i.slice(0, text.max).map(function (i) { return items.n[i]; });
            if (n > text.max) { names.push(fill(text.more, {n: n - text.max})); }
            return "<b>" + title + "</b><br>" + names.join("<br>")
                + '<br><span class="sy-muted">' + text.expand + "</span>"
                + "<span hidden>[[county:" + text.ca[f.a] + "]]</span>";
        }
        var i = f.i[0];
        var parts = ["<b>" + items.n[i] + "</b>", text.cat[items.c[i]] + " · " + text.where];
        if (f.k.length > 1) {
            parts.push(fill(text.also, {n: f.k.length, names: f.k.map(function (a) {
                return text.cn[a]; }).join(text.sep)}));
        }
        parts.push('<span class="sy-muted">' + text.hint + "</span>");
        return parts.join("<br>") + "<span hidden>[[initiative:" + items.e[i] + "]]</span>";
    }
    var entries = features.map(function (f) {
        var ids = f.i.map(function (i) { return items.id[i]; });
        var icon;
        if (f.t === "county") {
            // The county's name with its number of county-level initiatives beside it.
            icon = L.divIcon({className: "sy-placed-label " + f.lc,
                              html: "<span>" + f.lt + '<b class="sy-count">' + ids.length + "</b></span>",
                              iconSize: [0, 0]});
        } else {
            icon = L.divIcon({
                className: "sy-placed sy-placed-" + f.t
                    + (selected && ids.indexOf(selected) >= 0 ? " sy-placed-selected" : ""),
                html: icons[f.c + "|" + ids.length],
                iconSize: [{{ this.px }}, {{ this.px }}],
                iconAnchor: [{{ this.px // 2 }}, {{ this.px // 2 }}]});
        }
        var marker = L.marker([f.xy[1], f.xy[0]], {icon: icon, keyboard: false, riseOnHover: true});
        marker.feature = {properties: {id: ids.length === 1 ? ids[0] : null, ids: ids,
                                       level: f.t, adcode: f.a}};
        marker.bindTooltip(tipOf(f), {direction: "top", offset: [0, -{{ this.px // 2 }}],
                                      className: "sy-tip"});
        marker.on("mouseover", function () { highlight(f.k, true); });
        marker.on("mouseout", function () { highlight(f.k, false); });
        if (ids.length > 1) {
            marker.on("click", function () {
                var map = group._map;
                if (map) { map.flyTo(marker.getLatLng(), Math.max(map.getZoom(), f.z1)); }
            });
        }
        return {f: f, marker: marker};
    });
    function highlight(adcodes, on) {
        var map = group._map;
        if (!map) { return; }
        map.eachLayer(function (layer) {
            var p = layer.feature && layer.feature.properties;
            if (p && p.adcode && p.style && layer.setStyle && adcodes.indexOf(p.adcode) >= 0) {
                layer.setStyle(on ? {weight: 3.5, color: "{{ this.highlight }}", dashArray: null}
                                  : p.style);
                if (on) { layer.bringToFront(); }
            }
        });
    }
    function update() {
        var map = group._map;
        if (!map) { return; }
        var z = map.getZoom();
        var box = map.getContainer().classList;
        entries.forEach(function (e) {
            var on = z >= e.f.z0 && z < e.f.z1;
            if (on && !group.hasLayer(e.marker)) { group.addLayer(e.marker); }
            if (!on && group.hasLayer(e.marker)) { group.removeLayer(e.marker); }
            if (e.f.t === "county") { box.toggle("sy-hide-" + e.f.a, on); }
        });
    }
    function release(map) {
        entries.forEach(function (e) {
            if (e.f.t === "county") { map.getContainer().classList.remove("sy-hide-" + e.f.a); }
        });
    }
    // Bound while on the map only: a rerun replaces the layer, and the old one lets go.
    var bound = null;
    group.on("add", function () { bound = group._map; bound.on("zoomend", update); update(); });
    group.on("remove", function () {
        if (bound) { bound.off("zoomend", update); release(bound); bound = null; }
    });
})({{ this.get_name() }}, {{ this.features_js }}, {{ this.items_js }}, {{ this.text_js }},
   {{ this.icons_js }}, {{ this.selected_js }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, placed: Sequence[PlacedSymbol], selected: str | None, lang: str) -> None:
        super().__init__()
        self._name = "PlacedLayer"
        order = list(symbols.CATEGORY_STYLE)
        features, icons = [], {}
        # Each initiative once: raw id, escaped id, escaped name, index of its category label.
        items: dict[str, list] = {"id": [], "e": [], "n": [], "c": []}
        item_index: dict[str, int] = {}
        labels: dict[str, int] = {}
        county_names: dict[str, str] = {}
        for item in placed:
            c = order.index(item.category) if item.category in order else -1
            n = len(item.ids)
            key = f"{c}|{n}"
            if key not in icons:
                icons[key] = symbols.placed_svg(item.category, n)
            indices = []
            for item_id, name, category in zip(item.ids, item.names, item.categories, strict=True):
                if item_id not in item_index:
                    item_index[item_id] = len(items["id"])
                    label = t(f"category.{category}", lang)
                    labels.setdefault(label, len(labels))
                    items["id"].append(item_id)
                    items["e"].append(_e(item_id))
                    items["n"].append(_e(name))
                    items["c"].append(labels[label])
                indices.append(item_index[item_id])
            county_names.update(item.county_names)
            features.append(
                {
                    "t": item.level,
                    "a": item.adcode,
                    "xy": [round(item.lon, POINT_DECIMALS), round(item.lat, POINT_DECIMALS)],
                    "z0": item.zoom_from,
                    "z1": item.zoom_to,
                    "c": c,
                    "i": indices,
                    "k": list(item.counties),
                }
            )
            if item.label is not None:
                features[-1].update(lc=item.label.classes, lt=_e(item.label.text))
        # Translated phrases, escaped; ``{name}`` fields are filled in the browser with
        # escaped values (escaping commutes with filling in).
        text = {
            "cat": [_e(label) for label in labels],
            "cn": {a: _e(name) for a, name in county_names.items()},
            "ca": {a: _e(a) for a in county_names},
            "where": _e(t("placed.where", lang)),
            "hint": _e(t("tooltip.click_item", lang)),
            "expand": _e(t("placed.expand", lang)),
            "sep": _e(t("list.sep", lang)),
            "also": _e(t("placed.also", lang, n="{n}", names="{names}")),
            "group": _e(t("placed.group", lang, county="{county}", category="{category}", n="{n}")),
            "total": _e(t("placed.county_total", lang, county="{county}", n="{n}")),
            "more": _e(t("placed.more", lang, n="{n}")),
            "max": PLACED_TIP_NAMES,
        }
        self.features_js = js_json(features)
        self.items_js = js_json(items)
        self.text_js = js_json(text)
        self.icons_js = js_json(icons)
        self.selected_js = js_json(selected)
        self.px = symbols.PLACED_ICON_PX
        self.highlight = symbols.SELECTED_COLOUR


def placed_layer(
    placed: Sequence[PlacedSymbol], basemap: str, lang: str, selected: str | None = None
) -> folium.FeatureGroup:
    """The county-placed symbols (WGS-84 positions, converted for a GCJ-02 basemap)."""
    group = folium.FeatureGroup(name=t("layer.placed", lang))
    if not placed:
        return group
    if datum_of(basemap) != WGS84:
        frame = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy([p.lon for p in placed], [p.lat for p in placed]),
            crs="EPSG:4326",
        )
        frame.attrs["datum"] = WGS84
        moved = for_view(frame, basemap).geometry
        placed = [replace(p, lon=g.x, lat=g.y) for p, g in zip(placed, moved, strict=True)]
    PlacedLayer(placed, selected, lang).add_to(group)
    return group


def selection_layer(geometry: shapely.Geometry | None, lang: str) -> folium.FeatureGroup:
    """A ring around the selected point or a halo along the selected line (not clickable);
    a selected county is outlined by the choropleth."""
    group = folium.FeatureGroup(name=t("layer.selection", lang), control=False)
    if geometry is None:
        return group
    if geometry.geom_type == "Point":
        folium.Marker(
            [round(geometry.y, POINT_DECIMALS), round(geometry.x, POINT_DECIMALS)],
            icon=folium.DivIcon(
                html="<div></div>",
                class_name="sy-selected-point",
                icon_size=(30, 30),
                icon_anchor=(15, 15),
            ),
            interactive=False,
            keyboard=False,
        ).add_to(group)
    else:
        folium.GeoJson(
            shapely.geometry.mapping(geometry),
            name="selected-line",
            interactive=False,
            control=False,
            style_function=lambda _: {
                "color": symbols.SELECTED_COLOUR,
                "weight": 9,
                "opacity": 0.35,
                "className": "sy-selected-line",
            },
        ).add_to(group)
    return group


# A "my data" point: the diamond icon, made once and shared by every point of the layer.
_MINE_POINT = f"""
(function () {{
    var icon = null;
    return function (feature, latlng) {{
        if (!icon) {{
            icon = L.divIcon({{className: "sy-mine", html: {json.dumps(symbols.mine_svg())},
                               iconSize: [{symbols.TAP_TARGET_PX}, {symbols.TAP_TARGET_PX}],
                               iconAnchor: [{symbols.TAP_TARGET_PX // 2}, {symbols.TAP_TARGET_PX // 2}]}});
        }}
        return L.marker(latlng, {{icon: icon, keyboard: false, riseOnHover: true}});
    }};
}})()
"""

_MINE_TOOLTIP = """
function (feature, layer) {
    layer.bindTooltip(feature.properties.tip, {direction: "top", offset: [0, -8]});
}
"""


def _user_text(value: object) -> str:
    """Planner-typed text for a tooltip: escaped, and unable to pose as a click token
    (``[[county:…]]``, see map_events) when streamlit-folium returns the tooltip's text."""
    return _e(value).replace("[[", "[\u200b[")


def my_project_tooltip(row: Mapping, lang: str) -> str:
    """A "my data" point's tooltip as escaped HTML: name, status, investment (亿元 or unknown)."""
    status = row.get("status")
    status_text = t(f"data.status.{status}" if status else "data.status.none", lang)
    amount = row.get("investment_yi")
    if amount is None or (isinstance(amount, float) and np.isnan(amount)):
        amount_text = t("county.unknown", lang)
    else:
        amount_text = t("mine.yi", lang, value=f"{float(amount):,.2f}".rstrip("0").rstrip("."))
    return "<br>".join(
        [
            f"<b>{_user_text(name_of(row, lang))}</b>",
            _user_text(t("mine.tooltip.status", lang, status=status_text)),
            _user_text(t("mine.tooltip.investment", lang, value=amount_text)),
            f'<span class="sy-muted">{_e(t("mine.tooltip.source", lang))}</span>',
        ]
    )


def my_projects_layer(projects: gpd.GeoDataFrame, basemap: str, lang: str) -> folium.FeatureGroup:
    """The planner's projects that have coordinates as ONE GeoJSON layer of diamonds.

    ``projects`` is WGS-84 and tagged (data.store.projects_geoframe); it is converted to the
    basemap's datum here. Rows without a geometry are left out (the page lists them).
    """
    group = folium.FeatureGroup(name=t("mine.layer", lang))
    located = projects[projects.geometry.notna() & ~projects.geometry.is_empty]
    if located.empty:
        return group
    located = for_view(located, basemap)
    columns = ["project_id", "name_zh", "name_en", "status", "investment_yi"]
    features = [
        _point_feature(
            point.x, point.y, {"id": _e(row["project_id"]), "tip": my_project_tooltip(row, lang)}
        )
        for row, point in zip(located[columns].to_dict("records"), located.geometry, strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="my-projects",
        pointToLayer=JsCode(_MINE_POINT),
        on_each_feature=JsCode(_MINE_TOOLTIP),
        control=False,
    ).add_to(group)
    return group


def overlays(
    content: MapContent, *, basemap: str = "none", lang: str = "zh", clustered: bool = False
) -> list[folium.FeatureGroup]:
    """The layers that filters change, each a FeatureGroup, in drawing order."""
    counties = for_view(content.counties, basemap)
    routes = for_view(content.routes, basemap)
    county_names = county_names_of(counties, lang)
    points = (
        content.points if content.points_data is not None else for_view(content.points, basemap)
    )
    groups = [
        choropleth_layer(
            counties,
            content.choropleth,
            content.clusters,
            lang,
            content.selected_counties,
            content.county_shapes,
        ),
        clusters_layer(counties, content.clusters, lang),
        routes_layer(routes, lang),
        points_layer(points, county_names, lang, clustered=clustered, data=content.points_data),
        placed_layer(
            content.placed,
            basemap,
            lang,
            content.selection.id
            if content.selection and content.selection.kind == "initiative"
            else None,
        ),
        selection_layer(_geometry_for_view(content.selected_geometry, basemap), lang),
    ]
    OverlayStamp(content.stamp).add_to(groups[-1])
    for group in groups:
        localise(group)
    return groups


def layer_control() -> folium.LayerControl:
    return folium.LayerControl(collapsed=True, position="topright")


def build_map(
    content: MapContent,
    *,
    basemap: str = "none",
    lang: str = "zh",
    clustered: bool = False,
    height: int = MAP_HEIGHT_PX,
) -> folium.Map:
    """The whole map (base + overlays + layer control) as one folium.Map, not displayed."""
    fmap = base_map(content.counties, basemap=basemap, lang=lang, height=height)
    for group in overlays(content, basemap=basemap, lang=lang, clustered=clustered):
        group.add_to(fmap)
    layer_control().add_to(fmap)
    localise(fmap)
    return fmap
