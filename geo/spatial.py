"""Spatial joins against the 12 counties: which county a point is in, how a route splits.

Lengths and distances are measured in UTM zone 49N (EPSG:32649), which covers Shaoyang.
Every function checks the datum of the county frame first (docs/datum.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.datum import WGS84, require_datum

METRIC_CRS = "EPSG:32649"


@dataclass(frozen=True)
class PointCounty:
    """The county a point falls in, or the nearest one within tolerance."""

    adcode: str | None
    distance_m: float  # 0 when inside


def _metric(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    require_datum(counties, WGS84)
    return counties.to_crs(METRIC_CRS)


def _to_metric(geom: BaseGeometry) -> BaseGeometry:
    return gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]


def county_of_point(
    counties: gpd.GeoDataFrame, lon: float, lat: float, tolerance_m: float = 1000.0
) -> PointCounty:
    """The county containing (lon, lat); else the nearest within `tolerance_m`; else none."""
    metric = _metric(counties)
    point = _to_metric(shapely.Point(lon, lat))
    inside = metric[metric.contains(point)]
    if len(inside):
        return PointCounty(str(inside.iloc[0]["adcode"]), 0.0)
    distances = metric.distance(point)
    nearest = distances.idxmin()
    if distances[nearest] <= tolerance_m:
        return PointCounty(str(metric.loc[nearest, "adcode"]), float(distances[nearest]))
    return PointCounty(None, float(distances[nearest]))


def route_km_by_county(counties: gpd.GeoDataFrame, line: BaseGeometry) -> dict[str, float]:
    """Length in km of `line` inside each county it crosses (only counties with > 0 km).

    The part outside the city is not counted anywhere: a route that leaves Shaoyang adds
    to no county's total beyond the border.
    """
    metric = _metric(counties)
    line_m = _to_metric(line)
    lengths: dict[str, float] = {}
    for adcode, shape in zip(metric["adcode"], metric.geometry, strict=True):
        km = line_m.intersection(shape).length / 1000.0
        if km > 0:
            lengths[str(adcode)] = km
    return lengths


def route_km_table(
    counties: gpd.GeoDataFrame, routes: gpd.GeoDataFrame
) -> dict[str, dict[str, float]]:
    """{route id: {adcode: km}} for every line geometry in `routes` (indexed by id)."""
    require_datum(routes, WGS84)
    table: dict[str, dict[str, float]] = {}
    for route_id, geom in routes.geometry.items():
        if geom is not None and geom.geom_type in ("LineString", "MultiLineString"):
            table[str(route_id)] = route_km_by_county(counties, geom)
    return table


def counties_at_points(
    counties: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray
) -> list[str | None]:
    """The adcode of the county containing each WGS-84 point, or None: the batch form of
    county_of_point's first step (one vectorised test per county)."""
    require_datum(counties, WGS84)
    out: list[str | None] = [None] * len(lon)
    if not len(lon):
        return out
    for adcode, shape in zip(counties["adcode"], counties.geometry, strict=True):
        for i in np.flatnonzero(shapely.contains_xy(shape, lon, lat)):
            if out[i] is None:
                out[i] = str(adcode)
    return out


def nearest_counties(
    counties: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, tolerance_m: float = 1000.0
) -> list[str | None]:
    """For points outside every county: the nearest county within `tolerance_m` (a point a
    little over a border), else None. The batch form of county_of_point's second step."""
    out: list[str | None] = [None] * len(lon)
    if not len(lon):
        return out
    metric = _metric(counties)
    points = gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326").to_crs(METRIC_CRS)
    distances = np.vstack([shapely.distance(shape, points.to_numpy()) for shape in metric.geometry])
    nearest = np.argmin(distances, axis=0)
    for i, j in enumerate(nearest):
        if distances[j, i] <= tolerance_m:
            out[i] = str(metric["adcode"].iloc[j])
    return out
