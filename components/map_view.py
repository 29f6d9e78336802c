"""One map view from a ViewState: what it shows, the folium map, and its legend.

Shared by the pages that show a map other than the home page (county profile, story) and by
the exports, so that a story step, its HTML export and its print all show the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd

from components import legend, map_builder, map_model, symbols, user_data
from components.i18n import t
from components.page_frame import apply_filters
from components.view_state import Filters, ViewState
from data import cached
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
        investment=county_investment(state.filters, filtered["id"])
        if state.measure == "investment"
        else None,
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
