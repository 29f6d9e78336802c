"""The story's maps: a county spotlight on screen, and what the offline HTML adds to a map
(its title, legend, source line and the small card a click opens).

Pure: takes plain frames and strings, returns folium maps, HTML text and card payloads. All
data text is escaped here; the page only places the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import folium
import geopandas as gpd
import shapely
from branca.element import Element
from folium.utilities import JsCode

from components.i18n import name_of, t
from components.map import builder as map_builder
from components.map import model as map_model
from components.map import symbols
from components.map.builder import Choropleth, MapContent
from components.map.events import token
from components.map.offline_assets import localise
from components.views.cards import highlighted_html
from data.report import Report

# Cluster names were purple italics on the blue choropleth: make them dark upright text on a
# white tag. Leaflet focuses a clicked path and the browser draws a box around it: not wanted.
READABLE_CSS = """
<style>
.sy-cluster-label span { font-style: normal; font-weight: 600; color: #2d1b4e;
  background: rgba(255,255,255,.88); border: 1px solid #7b2cbf; border-radius: 3px;
  padding: 1px 4px; text-shadow: none; }
.leaflet-interactive:focus, .leaflet-container path:focus { outline: none; }
</style>
"""

_COUNTY_EVENTS = """
function (feature, layer) {
    layer.bindTooltip(feature.properties.tip, {sticky: true});
}
"""


def spotlight_tooltip(row: Mapping, lang: str) -> str:
    """A county's tooltip on the spotlight map (escaped), carrying its click token."""
    return (
        f"<b>{escape(name_of(row, lang))}</b><br>"
        f'<span class="sy-muted">{escape(t("tooltip.click_county", lang))}</span>'
        f"<span hidden>{escape(token('county', str(row['adcode'])))}</span>"
    )


def spotlight_layer(counties: gpd.GeoDataFrame, adcode: str, lang: str) -> folium.FeatureGroup:
    """Every county muted grey except `adcode`: light blue with the selection outline, on top."""
    features = []
    for row, geom in zip(
        counties[["adcode", "name_zh", "name_en"]].to_dict("records"),
        counties.geometry,
        strict=True,
    ):
        chosen = str(row["adcode"]) == adcode
        style = {
            "fillColor": symbols.SPOTLIGHT_FILL if chosen else symbols.MUTED_FILL,
            "fillOpacity": 0.85,
            "color": symbols.SELECTED_COLOUR if chosen else symbols.MUTED_EDGE,
            "weight": 4 if chosen else 1,
            "className": "sy-county sy-selected sy-spotlight" if chosen else "sy-county sy-muted",
        }
        features.append(
            (
                chosen,
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(
                        shapely.set_precision(geom, 10**-map_builder.DISPLAY_DECIMALS)
                    ),
                    "properties": {
                        "adcode": str(row["adcode"]),
                        "style": style,
                        "tip": spotlight_tooltip(row, lang),
                    },
                },
            )
        )
    features.sort(key=lambda pair: pair[0])  # the chosen county last, so its outline is on top
    group = folium.FeatureGroup(name=t("layer.choropleth", lang))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [feature for _, feature in features]},
        name="counties",
        style=JsCode("function (feature) { return feature.properties.style; }"),
        on_each_feature=JsCode(_COUNTY_EVENTS),
        control=False,
    ).add_to(group)
    return group


def story_map(
    content: MapContent, *, lang: str, spotlight: str | None = None, height: int = 620
) -> folium.Map:
    """The map of one story step: the ordinary map, or with `spotlight` (an adcode) that
    county emphasised, framed, with its own routes, points and clusters. No basemap tiles."""
    if spotlight is None:
        fmap = map_builder.build_map(content, basemap="none", lang=lang, height=height)
    else:
        counties = content.counties
        fmap = map_builder.base_map(counties, basemap="none", lang=lang, height=height)
        spotlight_layer(counties, spotlight, lang).add_to(fmap)
        clusters = {spotlight: list(content.clusters.get(spotlight, ()))}
        map_builder.clusters_layer(counties, clusters, lang).add_to(fmap)
        map_builder.routes_layer(content.routes, lang).add_to(fmap)
        map_builder.points_layer(
            content.points, map_builder.county_names_of(counties, lang), lang, clustered=False
        ).add_to(fmap)
        map_builder.placed_layer(content.placed, "none", lang).add_to(fmap)
        map_builder.OverlayStamp(content.stamp).add_to(fmap)  # the hook the ordinary map has
        minx, miny, maxx, maxy = counties[counties["adcode"] == spotlight].total_bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding=(20, 20))
    fmap.get_root().header.add_child(Element(READABLE_CSS), name="sy_story_css")
    localise(fmap)  # every layer's assets from the app itself, none from a CDN
    return fmap


def spotlight_legend_html(
    lang: str,
    categories: Sequence[str],
    route_kinds: Sequence[str],
    clusters: bool,
    *,
    placed: bool = False,
) -> str:
    """The spotlight map's legend (escaped HTML): the county, the others, symbols, routes."""

    def swatch(fill: str, edge: str, width: int) -> str:
        return (
            f'<span style="display:inline-block;width:22px;height:14px;background:{fill};'
            f'border:{width}px solid {edge};vertical-align:-2px"></span>'
        )

    rows = [
        f"<div>{swatch(symbols.SPOTLIGHT_FILL, symbols.SELECTED_COLOUR, 3)} "
        f"{escape(t('story.legend.spotlight', lang))}</div>",
        f"<div>{swatch(symbols.MUTED_FILL, symbols.MUTED_EDGE, 1)} "
        f"{escape(t('story.legend.others', lang))}</div>",
    ]
    for category in [c for c in symbols.CATEGORY_STYLE if c in set(categories)]:
        rows.append(
            f"<div>{symbols.category_icon(category, 16)} "
            f"{escape(t(f'category.{category}', lang))}</div>"
        )
    for kind in [k for k in symbols.ROUTE_STYLE if k in set(route_kinds)]:
        style = symbols.ROUTE_STYLE[kind]
        rows.append(
            f'<div><span style="display:inline-block;width:30px;border-top:'
            f'{min(float(style["weight"]), 8):.0f}px solid {style["color"]};vertical-align:3px">'
            f"</span> {escape(t(f'route_kind.{kind}', lang))}</div>"
        )
    if placed:
        rows.append(
            f"<div>{symbols.placed_icon('industry_cluster', 1, 20)} "
            f"{escape(t('legend.placed', lang))}</div>"
        )
    if clusters:
        rows.append(f"<div>{escape(t('story.legend.cluster_tag', lang))}</div>")
    return (
        '<div class="sy-legend" role="figure" '
        f'aria-label="{escape(t("legend.title", lang))}" style="font-size:13px;line-height:1.7;'
        'display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:0 18px">'
        + "".join(rows)
        + "</div>"
    )


# ---------------------------------------------------------------------------------------------
# Cards for the offline HTML


def initiative_card(
    row: Mapping, report: Report, county_names: Mapping[str, str], lang: str
) -> str:
    """A small card (escaped HTML): name, category, where, and the report sentence."""
    where = t("list.sep", lang).join(
        county_names.get(code, code) for code in row.get("counties") or ()
    ) or t("item.citywide", lang)
    sentence = highlighted_html(report, int(row["source_start"]), int(row["source_end"]))
    category = t(f"category.{row.get('category')}", lang)
    return (
        f"<h3>{escape(name_of(row, lang))}</h3>"
        f'<p class="sy-meta">{escape(category)} · '
        f"{escape(where)}</p>"
        f"<p><b>{escape(t('item.sentence', lang))}</b></p>"
        f"<blockquote>{sentence}</blockquote>"
    )


def county_card(
    row: Mapping,
    items: gpd.GeoDataFrame,
    lang: str,
    *,
    choropleth: Choropleth | None = None,
    shown: int = 20,
) -> str:
    """A small card (escaped HTML) for a county: its name, the map's value there, and the
    initiatives of this view that touch it (the first `shown`, then how many more)."""
    adcode = str(row["adcode"])
    touching = items[items["counties"].map(lambda codes: adcode in codes)]
    parts = [f"<h3>{escape(name_of(row, lang))}</h3>"]
    if choropleth is not None:
        value = choropleth.values.get(adcode)
        parts.append(
            f'<p class="sy-meta">{escape(choropleth.label)}: '
            f"{escape(choropleth.value_text(value, lang))}</p>"
        )
    parts.append(f"<p><b>{escape(t('story.card.items', lang, n=len(touching)))}</b></p>")
    entries = [
        f"<li>{symbols.category_icon(item['category'], 13)} {escape(name_of(item, lang))}</li>"
        for item in touching.head(shown).to_dict("records")
    ]
    if len(touching) > shown:
        entries.append(f"<li>{escape(t('story.card.more', lang, n=len(touching) - shown))}</li>")
    if entries:
        parts.append("<ul>" + "".join(entries) + "</ul>")
    return "".join(parts)


def card_payload(
    counties: gpd.GeoDataFrame,
    filtered: gpd.GeoDataFrame,
    report: Report,
    lang: str,
    *,
    choropleth: Choropleth | None = None,
) -> dict[str, dict[str, str]]:
    """{"county": {adcode: card}, "initiative": {id: card}} for every county and every
    initiative of the view, drawn at a site or placed in its county (cards are escaped HTML)."""
    names = map_builder.county_names_of(counties, lang)
    drawn = filtered[(filtered["geom_kind"] != "none") | (filtered["counties"].map(len) > 0)]
    return {
        "county": {
            str(row["adcode"]): county_card(row, filtered, lang, choropleth=choropleth)
            for row in counties[["adcode", "name_zh", "name_en"]].to_dict("records")
        },
        "initiative": {
            str(row["id"]): initiative_card(row, report, names, lang)
            for row in drawn.drop(columns="geometry").to_dict("records")
        },
    }


def project_rows(filtered: gpd.GeoDataFrame, adcode: str, lang: str) -> list[dict[str, str]]:
    """The spotlit county's initiatives, by category then name: id, name, category, and
    whether it is drawn (a point or line) or county-wide (listed only)."""
    touching = filtered[filtered["counties"].map(lambda codes: adcode in codes)]
    order = {category: i for i, category in enumerate(symbols.CATEGORY_STYLE)}
    rows = [
        {
            "id": str(row["id"]),
            "name": name_of(row, lang),
            "category": str(row["category"]),
            "drawn": row["geom_kind"] != "none",
        }
        for row in touching.drop(columns="geometry").to_dict("records")
    ]
    return sorted(rows, key=lambda row: (order.get(row["category"], 99), row["name"]))


def project_list_html(rows: Sequence[Mapping], lang: str) -> str:
    """The spotlit county's initiatives (from `project_rows`) as an escaped HTML list, each with
    its category symbol, the drawn ones marked "on the map"."""
    drawn = escape(t("story.spotlight.drawn", lang))
    items = []
    for row in rows:
        category = str(row["category"])
        icon = symbols.category_icon(category, 15, alt=t(f"category.{category}", lang))
        mark = f' <span class="sy-drawn">({drawn})</span>' if row["drawn"] else ""
        items.append(f"<li>{icon} {escape(str(row['name']))}{mark}</li>")
    return (
        "<style>.sy-projects{list-style:none;padding-left:0;margin:0;font-size:14px;"
        "line-height:1.6}.sy-projects .sy-drawn{color:#0b57d0;font-size:12px}</style>"
        f'<ul class="sy-projects">{"".join(items)}</ul>'
    )


def drawn_count(filtered: gpd.GeoDataFrame) -> int:
    """How many of the view's initiatives have a point or a line."""
    return len(map_model.points_of(filtered)) + len(map_model.lines_of(filtered))
