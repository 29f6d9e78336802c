"""One map view from a ViewState: what it shows, the folium map, and its legend.

Shared by the pages that show a map other than the home page (county profile, story) and by
the exports, so that a story step, its HTML export and its print all show the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from components import legend, map_builder, map_model, symbols
from components.i18n import t
from components.page_frame import apply_filters
from components.view_state import ViewState
from data import cached


@dataclass(frozen=True)
class MapView:
    state: ViewState
    filtered: gpd.GeoDataFrame
    content: map_builder.MapContent
    legend_html: str


def map_view(state: ViewState, version: str, initiatives: gpd.GeoDataFrame) -> MapView:
    """Everything one view of the map needs, computed from the (cached) data."""
    counties = cached.counties(display=True)
    adcodes = tuple(counties["adcode"])
    filtered = apply_filters(version, initiatives, state.filters)
    population, area_km2 = cached.county_denominators()
    choropleth = map_model.choropleth(
        state.measure,
        filtered,
        adcodes=adcodes,
        route_km=cached.route_km(version),
        population=population,
        area_km2=area_km2,
        categories=state.filters.categories,
        lang=state.lang,
    )
    points = map_model.points_of(filtered)
    routes = map_model.lines_of(filtered)
    clusters = map_model.clusters_by_county(filtered, state.lang)
    target = map_model.selection_target(state.selection, initiatives, adcodes)
    content = map_builder.MapContent(
        counties=counties,
        choropleth=choropleth,
        points=points,
        routes=routes,
        clusters=clusters,
        selection=state.selection if target.found else None,
        selected_counties=target.counties,
        selected_geometry=target.geometry,
        stamp=map_model.overlay_stamp(state, version),
    )
    legend_html = legend.legend_html(
        choropleth,
        lang=state.lang,
        categories=set(points["category"]),
        route_kinds=set(routes["route_kind"].dropna()),
        route_dashes={
            symbols.route_dash(p, s)
            for p, s in zip(routes["precision"], routes["route_status"], strict=True)
        },
        clusters=bool(clusters),
        selected_county=bool(target.counties),
        measure_note=t(f"measure.note.{state.measure}", state.lang),
    )
    return MapView(state, filtered, content, legend_html)
