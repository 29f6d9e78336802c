"""The app's only cache: st.cache_* wrappers around the pure loaders, keyed by hashable values.

Maps are never cached (streamlit-folium mutates them); data is. Frames come from
``st.cache_resource`` and are shared between sessions without a copy, so callers must treat
them as read-only (filtering makes new frames; nothing here is modified in place). Small plain
values use ``st.cache_data``. Keys are file paths plus their modification time, so an edited file
is picked up without a restart.

The loaders themselves are pure and live in data/loaders.py.
"""

from __future__ import annotations

import gc
from pathlib import Path

import geopandas as gpd
import streamlit as st

from components.map import builder as map_builder
from components.map import model as map_model
from components.state.search import SearchEntry, SearchIndex, build_index
from components.state.view_state import Filters, filter_mask
from data.loaders import (
    initiatives_path,
    positive_number,
    read_initiatives,
    read_public_county_facts,
    version_of,
)
from data.schema import COUNTY_ADCODES
from data.search_synonyms import read_search_synonyms
from data.sources import Publisher, read_sources
from geo.counties import load_counties
from geo.spatial import route_km_by_county

# ---------------------------------------------------------------------------------------------
# Cached


@st.cache_resource(show_spinner=False)
def initiatives(version: str) -> gpd.GeoDataFrame:
    """Read-only: the initiatives of the file named in ``version`` (see ``version_of``)."""
    return read_initiatives(Path(version.rsplit("|", 2)[0]))


def current_initiatives() -> tuple[str, gpd.GeoDataFrame]:
    """(version, frame) of the initiatives file in use."""
    version = version_of(initiatives_path())
    return version, initiatives(version)


@st.cache_resource(show_spinner=False)
def counties(display: bool = True) -> gpd.GeoDataFrame:
    """Read-only: the 12 counties (display-simplified for drawing, full for analysis)."""
    return load_counties(display=display)


@st.cache_data(show_spinner=False)
def county_names() -> dict[str, dict[str, str]]:
    """{adcode: {"zh": name_zh, "en": name_en}} for the 12 counties, in adcode order."""
    frame = counties(display=True)
    return {
        str(row["adcode"]): {"zh": str(row["name_zh"]), "en": str(row["name_en"])}
        for row in frame[["adcode", "name_zh", "name_en"]].to_dict("records")
    }


@st.cache_resource(show_spinner=False)
def source_publishers() -> dict[str, Publisher]:
    """Read-only: data/sources.csv, {domain: publisher}."""
    return read_sources()


@st.cache_data(show_spinner=False)
def county_facts() -> dict[str, dict[str, str]]:
    """{adcode: the county's public facts as strings}; an empty string is an unknown."""
    return read_public_county_facts()


@st.cache_data(show_spinner=False)
def county_denominators() -> tuple[dict[str, float | None], dict[str, float | None]]:
    """(population, area km²) per county, ``None`` where no accepted source gives a figure."""
    facts = read_public_county_facts()
    population = {
        a: positive_number(facts[a]["pop_2020_census"]) if a in facts else None
        for a in COUNTY_ADCODES
    }
    area = {
        a: positive_number(facts[a]["area_km2"]) if a in facts else None for a in COUNTY_ADCODES
    }
    return population, area


@st.cache_data(show_spinner=False)
def route_km(version: str) -> dict[str, dict[str, float]]:
    """{route id: {adcode: km inside that county}} for every line initiative (split by length)."""
    frame = initiatives(version)
    full = counties(display=False)
    lines = frame[frame["geom_kind"] == "line"]
    return {
        route_id: route_km_by_county(full, geom)
        for route_id, geom in zip(lines["id"], lines.geometry, strict=True)
    }


@st.cache_data(show_spinner=False)
def search_synonyms() -> tuple[tuple[str, ...], ...]:
    """data/search_synonyms.csv's groups of words that stand for one another."""
    return read_search_synonyms()


@st.cache_resource(show_spinner=False)
def search_index(version: str) -> SearchIndex:
    """The search index over the 12 counties and every initiative (built on first search),
    with the synonym groups of data/search_synonyms.csv."""
    frame = initiatives(version)
    county_frame = counties(display=True)
    records = [
        ("county", str(a), str(zh), str(en))
        for a, zh, en in zip(
            county_frame["adcode"], county_frame["name_zh"], county_frame["name_en"], strict=True
        )
    ]
    records += [
        ("initiative", str(i), str(zh), str(en))
        for i, zh, en in zip(frame["id"], frame["name_zh"], frame["name_en"], strict=True)
    ]
    return build_index(records, search_synonyms())


@st.cache_data(show_spinner=False)
def point_count(version: str) -> int:
    """How many initiatives have a point (decides whether the map clusters them)."""
    return len(map_model.points_of(initiatives(version)))


@st.cache_data(show_spinner=False)
def sited_points(version: str) -> tuple[tuple[float, float], ...]:
    """(lon, lat) of every point initiative, when few enough to be drawn one by one."""
    points = map_model.points_of(initiatives(version))
    if len(points) > map_builder.CLUSTER_MIN_POINTS:
        return ()
    return tuple(zip(points.geometry.x.round(6), points.geometry.y.round(6), strict=True))


@st.cache_resource(show_spinner=False)
def region_layout(version: str, basemap: str, lang: str):
    """Read-only: the divide between the report's two groups and their names, for a view."""
    view = map_builder.for_view(counties(display=True), basemap)
    return map_builder.region_layout(view, lang, sited_points(version))


@st.cache_resource(show_spinner=False)
def county_shapes(basemap: str) -> dict[str, str]:
    """Read-only: {adcode: display polygon as GeoJSON text} in the basemap's datum."""
    return map_builder.county_shapes(map_builder.for_view(counties(display=True), basemap))


@st.cache_resource(show_spinner=False)
def county_placement(version: str, lang: str) -> map_model.Placement:
    """Read-only: where county-level initiatives go inside their counties, with every layout a
    filtered view can need already made (see map_model.prepare_layouts)."""
    placement = map_model.county_placement(initiatives(version), counties(display=True), lang)
    map_model.prepare_layouts(placement, initiatives(version))
    return placement


@st.cache_resource(show_spinner=False, max_entries=64)
def search(version: str, query: str) -> tuple[SearchEntry, ...]:
    """Read-only: the ranked search hits for ``query`` (counties and initiatives)."""
    return tuple(search_index(version).search(query))


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered(version: str, filters: Filters) -> gpd.GeoDataFrame:
    """Read-only: the initiatives that pass ``filters``, the search box included."""
    frame = initiatives(version)
    matched = None
    if filters.query:
        matched = [hit.id for hit in search(version, filters.query) if hit.kind == "initiative"]
    return frame[filter_mask(frame, filters, matched)]


@st.cache_resource(show_spinner=False, max_entries=8)
def point_columns(version: str, lang: str, basemap: str):
    """Read-only: every point of the dataset as payload text, for one language and basemap."""
    points = map_model.points_of(initiatives(version))
    return map_builder.point_columns(points, counties(display=True), lang, basemap)


@st.cache_resource(show_spinner=False, max_entries=32)
def points_layer_data(version: str, filters: Filters, lang: str, basemap: str):
    """Read-only: the points layer's payload text and lookups for one view."""
    columns, lookups = point_columns(version, lang, basemap)
    return columns.payload_js(map_model.points_of(filtered(version, filters)).index), lookups


_settled = False


def settle_memory() -> None:
    """Once per process, after the first full run: exempt what is loaded from garbage collection.

    The frames, modules and caches live as long as the server; without this, CPython's full
    collections re-scan them every few reruns (~100 ms with 10,000 initiatives).
    """
    global _settled
    if not _settled:
        gc.freeze()
        _settled = True
