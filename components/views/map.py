"""One map view from a ViewState: what it shows, the folium layers' content, and its legend.

Shared by every page with a map (the map page, county profile, story) and by the exports, so
that the map page, a story step, its HTML export and its print all show the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd

from components import cache as cached
from components.i18n import t
from components.map import builder as map_builder
from components.map import legend, symbols
from components.map import model as map_model
from components.state.view_state import Filters, ViewState
from components.views import user_data
from data.store import open_store


def county_investment(filters: Filters, initiative_ids: Iterable[str]) -> dict[str, float]:
    """Stated 亿元 per county from the planner's store, under the filters.

    Amounts of multi-county and city-wide items are left out, not split by a rule the data
    does not state; a county with no stated amount is absent (unknown, not zero).
    """
    store = open_store()
    totals = user_data.filtered_investment(
        store.projects_frame(), store.annotations_frame(), filters, initiative_ids
    )
    return {key: amount for key, amount in totals.items() if key.isdigit()}


@dataclass(frozen=True)
class MapView:
    state: ViewState
    filtered: gpd.GeoDataFrame
    content: map_builder.MapContent
    legend_html: str
    choropleth: map_builder.Choropleth
    target: map_model.SelectionTarget
    clustered: bool = False  # points drawn as clusters (too many to draw one by one)


def map_view(
    state: ViewState,
    version: str,
    initiatives: gpd.GeoDataFrame,
    *,
    home: bool = False,
    mine: int = 0,
) -> MapView:
    """Everything one view of the map needs, computed from the (cached) data.

    ``home``: the map page's full view: county-level items placed inside their counties, the
    points layer's payload from the cache, clustering of many points. ``mine``: how many of the
    planner's own projects have a location (for the legend); their layer is the page's.
    """
    counties = cached.counties(display=True)
    adcodes = tuple(counties["adcode"])
    lang = state.lang
    filtered = cached.filtered(version, state.filters)
    population, area_km2 = cached.county_denominators()
    choropleth = map_model.choropleth(
        state.measure,
        filtered,
        adcodes=adcodes,
        route_km=cached.route_km(version),
        population=population,
        area_km2=area_km2,
        categories=state.filters.categories,
        lang=lang,
        investment=county_investment(state.filters, filtered["id"])
        if state.measure == "investment"
        else None,
    )
    points = map_model.points_of(filtered)
    routes = map_model.lines_of(filtered)
    clusters = map_model.clusters_by_county(filtered, lang)
    target = map_model.selection_target(state.selection, initiatives, adcodes)
    placed = ()
    if home:
        names = {adcode: pair[lang] for adcode, pair in cached.county_names().items()}
        placed = map_model.placed_symbols(
            filtered, cached.county_placement(version, lang), names, lang
        )
    content = map_builder.MapContent(
        counties=counties,
        choropleth=choropleth,
        points=points,
        routes=routes,
        clusters=clusters,
        selection=state.selection if target.found else None,
        selected_counties=target.counties,
        selected_geometry=target.geometry,
        stamp=map_model.overlay_stamp(state, version) + ("+mine" if mine else ""),
        points_data=cached.points_layer_data(version, state.filters, lang, state.basemap)
        if home
        else None,
        placed=placed,
        county_shapes=cached.county_shapes(state.basemap),
    )
    clustered = home and cached.point_count(version) > map_builder.CLUSTER_MIN_POINTS
    legend_html = legend.legend_html(
        choropleth,
        lang=lang,
        categories=set(points["category"]),
        route_kinds=set(routes["route_kind"].dropna()),
        route_dashes={
            symbols.route_dash(p, s)
            for p, s in zip(routes["precision"], routes["route_status"], strict=True)
        },
        clusters=bool(clusters),
        selected_county=bool(target.counties),
        clustered_points=clustered,
        measure_note=t(f"measure.note.{state.measure}", lang),
        mine=mine > 0,
        placed=bool(placed),
    )
    return MapView(state, filtered, content, legend_html, choropleth, target, clustered)


def warm_up(langs: Iterable[str] = ("zh", "en")) -> None:
    """Do once what a server's first visitor would otherwise wait for: load the data into the
    caches the map page reads, and build and render the home map in each language (which also
    compiles the map's templates). For a server to call at start-up (scripts/serve.py)."""
    version, initiatives = cached.current_initiatives()
    cached.county_names()
    cached.county_facts()
    cached.route_km(version)
    for lang in langs:
        state = ViewState(lang=lang)
        view = map_view(state, version, initiatives, home=True)
        fmap = map_builder.base_map(
            view.content.counties,
            basemap=state.basemap,
            lang=lang,
            regions=cached.region_layout(version, state.basemap, lang),
        )
        for group in map_builder.overlays(
            view.content, basemap=state.basemap, lang=lang, clustered=view.clustered
        ):
            group.add_to(fmap)
        fmap.get_root().render()
