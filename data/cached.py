"""The app's only cache: st.cache_* wrappers around the pure loaders, keyed by hashable values.

Maps are never cached (streamlit-folium mutates them); data is. Frames come from
``st.cache_resource`` and are shared between sessions without a copy, so callers must treat
them as read-only (filtering makes new frames; nothing here is modified in place). Small plain
values use ``st.cache_data``. Keys are file paths plus their modification time, so an edited file
is picked up without a restart.

``SHAOYANG_INITIATIVES`` points the app at another initiatives file (the benchmark's 10,000
synthetic items); the default is data/initiatives.geojson.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from components import map_builder, map_model
from components.search import SearchIndex, build_index
from components.view_state import Filters, filter_mask
from data.schema import COUNTY_ADCODES
from data.search_synonyms import read_search_synonyms
from data.sources import Publisher, public_county_facts, read_sources
from geo.counties import load_counties
from geo.datum import WGS84
from geo.spatial import route_km_by_county

DATA = Path(__file__).resolve().parent
INITIATIVES_ENV = "SHAOYANG_INITIATIVES"
DEFAULT_INITIATIVES = DATA / "initiatives.geojson"
COUNTIES_CSV = DATA / "counties.csv"

# Properties every feature must carry for the map (the full contract is data/schema.py).
REQUIRED = ("id", "name_zh", "name_en", "category", "section", "counties", "precision",
            "commitment", "source_start", "source_end")  # fmt: skip
OPTIONAL_DEFAULTS: dict[str, object] = {
    "commitment_verb": "",
    "source_text": "",
    "quantities": [],
    "location_source": "",
    "location_note": None,
    "cluster": None,
    "route_kind": None,
    "route_status": None,
    "route_status_note": None,
    "counties_beyond_geometry": [],
    "note": None,
    "top_ten": None,
}
LINE_TYPES = ("LineString", "MultiLineString")


class DatasetError(ValueError):
    """The initiatives file cannot be used; the message says why, for the user."""


# ---------------------------------------------------------------------------------------------
# Pure loaders (no streamlit inside; the cached wrappers below call them)


def initiatives_path() -> Path:
    return Path(os.environ.get(INITIATIVES_ENV) or DEFAULT_INITIATIVES)


def version_of(path: Path) -> str:
    """A cache key that changes when the file does."""
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}"


def read_initiatives(path: Path) -> gpd.GeoDataFrame:
    """The initiatives as a GeoDataFrame (geometry None where there is none), tagged WGS-84.

    List fields (``counties``, ``quantities``) become tuples; the frame is indexed by ``id``
    too, in file order.
    """
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(
            f"{path.name}: not a readable GeoJSON FeatureCollection ({exc})"
        ) from exc
    rows = []
    geoms = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {}
        missing = [name for name in REQUIRED if name not in properties]
        if missing:
            raise DatasetError(f"{path.name}: feature #{index} lacks {', '.join(missing)}")
        row = {**OPTIONAL_DEFAULTS, **properties}
        row["counties"] = tuple(str(code) for code in row["counties"] or ())
        row["counties_beyond_geometry"] = tuple(row["counties_beyond_geometry"] or ())
        row["quantities"] = tuple(row["quantities"] or ())
        rows.append(row)
        geometry = feature.get("geometry")
        geoms.append(shapely.geometry.shape(geometry) if geometry else None)
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    if frame["id"].duplicated().any():
        raise DatasetError(
            f"{path.name}: duplicate ids {sorted(frame.loc[frame['id'].duplicated(), 'id'])[:5]}"
        )
    frame.index = pd.Index(frame["id"].to_numpy(dtype=object))
    # pandas stores missing text as NaN; the app (and its cards) expect None.
    for column in OPTIONAL_DEFAULTS:
        if column in frame.columns and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
        if column in frame.columns:
            frame[column] = frame[column].where(frame[column].notna(), None)
    kinds = frame.geometry.geom_type
    frame["geom_kind"] = kinds.map(
        lambda kind: (
            "point"
            if kind == "Point"
            else "line"
            if kind in LINE_TYPES
            else "polygon"
            if kind
            else "none"
        )
    ).where(frame.geometry.notna(), "none")
    frame.attrs["datum"] = WGS84
    return frame


def read_county_facts(path: Path = COUNTIES_CSV) -> pd.DataFrame:
    """counties.csv as strings (empty = unknown), indexed by 6-digit adcode."""
    facts = pd.read_csv(path, dtype=str, keep_default_na=False)
    return facts.set_index("adcode", drop=False)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except (AttributeError, ValueError):
        return None
    return value if value > 0 else None


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


def read_public_county_facts(path: Path = COUNTIES_CSV) -> dict[str, dict[str, str]]:
    """{adcode: what users may see of its counties.csv row} (see data.sources): a figure
    whose source data/sources.csv does not accept is an empty string, an unknown."""
    sources = read_sources()
    return {
        adcode: public_county_facts(row, sources)
        for adcode, row in read_county_facts(path).to_dict("index").items()
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
        a: _number(facts[a]["pop_2020_census"]) if a in facts else None for a in COUNTY_ADCODES
    }
    area = {a: _number(facts[a]["area_km2"]) if a in facts else None for a in COUNTY_ADCODES}
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
def county_placement(version: str, lang: str) -> map_model.Placement:
    """Read-only: where county-level initiatives go inside their counties (layouts memoised)."""
    return map_model.county_placement(initiatives(version), counties(display=True), lang)


@st.cache_resource(show_spinner=False, max_entries=32)
def points_layer_data(version: str, filters: Filters, lang: str, basemap: str):
    """Read-only: the points layer's payload for one view (the slow part with 10,000 points)."""
    frame = initiatives(version)
    matched = None
    if filters.query:
        matched = [
            hit.id
            for hit in search_index(version).search(filters.query)
            if hit.kind == "initiative"
        ]
    shown = frame[filter_mask(frame, filters, matched)]
    points = shown[shown["geom_kind"] == "point"]
    return map_builder.points_layer_data(points, counties(display=True), lang, basemap)


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
