"""GCJ-02 <-> WGS-84 for China, vectorised with numpy.

Argument order is always (lon, lat), in degrees, everywhere in this module. Inputs may be
scalars or numpy arrays (broadcast together); 0-d inputs give Python floats back.

GCJ-02 is the obfuscated datum of Chinese web maps (Amap/Gaode, Google's China road map);
the county polygons we build from come in it. We store WGS-84 and convert at the edges.
Frames carry their datum in ``gdf.attrs["datum"]`` so the two cannot be mixed silently.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

WGS84 = "wgs84"
GCJ02 = "gcj02"
DATUMS = (WGS84, GCJ02)

# Krasovsky 1940 ellipsoid, as the public GCJ-02 formula uses it.
_A = 6378245.0
_EE = 0.00669342162296594323

# The usual rectangle outside which GCJ-02 applies no offset.
_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

_INVERSE_TOL_DEG = 1e-9
_INVERSE_MAX_ITER = 10


class DatumMismatchError(ValueError):
    """A frame is in (or is tagged with) a different datum from the one required."""


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < _LON_MIN) | (lon > _LON_MAX) | (lat < _LAT_MIN) | (lat > _LAT_MAX)


def _offset_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _forward(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _as_arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return lon, lat


def _as_output(lon: np.ndarray, lat: np.ndarray):
    if lon.ndim == 0:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 (lon, lat) -> GCJ-02 (lon, lat); points outside China come back unchanged."""
    return _as_output(*_forward(*_as_arrays(lon, lat)))


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 (lon, lat) -> WGS-84 (lon, lat), iterated until it maps forward to within 1e-9 deg.

    Fixed-point iteration on the forward transform: a few steps reach millimetres, where the
    one-step inverse errs by metres. Points outside China come back unchanged.
    """
    g_lon, g_lat = _as_arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    # Each point stops on its own, so its result never depends on the rest of the batch:
    # a vertex shared by two counties converts identically wherever it appears.
    active = np.ones(g_lon.shape, dtype=bool)
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = _forward(w_lon, w_lat)
        err_lon, err_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = np.where(active, w_lon - err_lon, w_lon)
        w_lat = np.where(active, w_lat - err_lat, w_lat)
        # >= so that NaN counts as done rather than iterating forever.
        active &= (np.abs(err_lon) >= _INVERSE_TOL_DEG) | (np.abs(err_lat) >= _INVERSE_TOL_DEG)
        if not active.any():
            break
    return _as_output(w_lon, w_lat)


def _coords_to_gcj02(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(wgs84_to_gcj02(coords[:, 0], coords[:, 1]))


def _coords_to_wgs84(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(gcj02_to_wgs84(coords[:, 0], coords[:, 1]))


def geometry_to_gcj02(geom):
    """Every vertex of a shapely geometry (or array of them) from WGS-84 to GCJ-02."""
    return shapely.transform(geom, _coords_to_gcj02)


def geometry_to_wgs84(geom):
    """Every vertex of a shapely geometry (or array of them) from GCJ-02 to WGS-84."""
    return shapely.transform(geom, _coords_to_wgs84)


def require_datum(gdf: gpd.GeoDataFrame, datum: str) -> None:
    """Raise DatumMismatchError unless ``gdf.attrs["datum"]`` is ``datum``."""
    if datum not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}; expected one of {DATUMS}")
    actual = gdf.attrs.get("datum")
    if actual == datum:
        return
    if actual is None:
        raise DatumMismatchError(
            f"expected datum {datum!r} but the frame has no datum tag; "
            f'set gdf.attrs["datum"] to one of {DATUMS} where the data is loaded'
        )
    raise DatumMismatchError(
        f"expected datum {datum!r} but the frame is in {actual!r}; "
        f"convert it with to_{datum}() first"
    )


def _converted(gdf: gpd.GeoDataFrame, source: str, target: str, fn) -> gpd.GeoDataFrame:
    # The formula works on degrees; a projected frame would be silently garbled.
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        raise ValueError(f"datum conversion needs lon/lat in EPSG:4326, got {gdf.crs}")
    out = gdf.copy()
    if gdf.attrs.get("datum") != target:
        require_datum(gdf, source)
        out[out.geometry.name] = fn(out.geometry.values)
    out.attrs["datum"] = target
    return out


def to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a WGS-84 frame in GCJ-02 (a copy as is if it already is GCJ-02)."""
    return _converted(gdf, WGS84, GCJ02, geometry_to_gcj02)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a GCJ-02 frame in WGS-84 (a copy as is if it already is WGS-84)."""
    return _converted(gdf, GCJ02, WGS84, geometry_to_wgs84)


# Baidu's BD-09 is a further offset applied on top of GCJ-02.
_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon, lat):
    """GCJ-02 (lon, lat) -> BD-09 (lon, lat), Baidu's public formula (numpy-vectorised)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat):
    """BD-09 (lon, lat) -> GCJ-02 (lon, lat): the closed-form inverse, then refined until the
    forward formula reproduces the input to 1e-10 degrees."""
    b_lon, b_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(5):
        f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
        err_lon, err_lat = f_lon - b_lon, f_lat - b_lat
        g_lon, g_lat = g_lon - err_lon, g_lat - err_lat
        if (
            np.nanmax(np.abs(np.concatenate([np.ravel(err_lon), np.ravel(err_lat)])), initial=0.0)
            < 1e-10
        ):
            break
    return g_lon, g_lat
