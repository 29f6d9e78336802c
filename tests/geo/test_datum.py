"""geo.datum: the GCJ-02 formula, its iterative inverse and the datum guard on frames."""

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon

from geo.datum import (
    DatumMismatchError,
    gcj02_to_wgs84,
    geometry_to_gcj02,
    geometry_to_wgs84,
    require_datum,
    to_gcj02,
    to_wgs84,
    wgs84_to_gcj02,
)

GEOD = pyproj.Geod(ellps="WGS84")

# Independent check value (docs/datum.md; from geocompass/pg-coordtransform#10).
CHECK_WGS84 = (111.43877780268987, 27.223905373786593)
CHECK_GCJ02 = (111.44439660708835, 27.220718937598154)

OUTSIDE_CHINA = {
    "Tokyo": (139.6917, 35.6895),
    "London": (-0.1276, 51.5072),
    "Sydney": (151.2093, -33.8688),
}


def metres(lon1, lat1, lon2, lat2):
    """Geodesic distance in metres on the WGS-84 ellipsoid."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.fixture
def shaoyang_grid():
    """A 17 x 23 grid of (lon, lat) over Shaoyang, 26-27.6 N, 109.8-112 E."""
    lon, lat = np.meshgrid(np.linspace(109.8, 112.0, 23), np.linspace(26.0, 27.6, 17))
    return lon.ravel(), lat.ravel()


@pytest.fixture
def square_wgs84():
    """One ~1 km square in Shaoyang's urban core, EPSG:4326, tagged WGS-84."""
    square = Polygon([(111.46, 27.23), (111.47, 27.23), (111.47, 27.24), (111.46, 27.24)])
    gdf = gpd.GeoDataFrame({"adcode": ["430503"]}, geometry=[square], crs="EPSG:4326")
    gdf.attrs["datum"] = "wgs84"
    return gdf


def test_forward_matches_check_value():
    assert wgs84_to_gcj02(*CHECK_WGS84) == pytest.approx(CHECK_GCJ02, abs=1e-6)


def test_inverse_matches_check_value():
    assert gcj02_to_wgs84(*CHECK_GCJ02) == pytest.approx(CHECK_WGS84, abs=1e-6)


def test_round_trip_within_a_centimetre(shaoyang_grid):
    # The brief asks < 0.5 m and datum.md < 0.13 m; the fixed-point inverse measures ~1e-7 m.
    lon, lat = shaoyang_grid
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01


def test_offset_over_shaoyang_is_500_to_700_m(shaoyang_grid):
    lon, lat = shaoyang_grid
    offset = metres(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert offset.min() > 500
    assert offset.max() < 700


def test_offset_points_east_south_east(shaoyang_grid):
    lon, lat = shaoyang_grid
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert (g_lon > lon).all()
    assert (g_lat < lat).all()


def test_arrays_equal_scalar_calls(shaoyang_grid):
    lon, lat = shaoyang_grid
    for convert in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = convert(lon, lat)
        scalar = np.array([convert(x, y) for x, y in zip(lon, lat, strict=True)])
        np.testing.assert_array_equal(out_lon, scalar[:, 0])
        np.testing.assert_array_equal(out_lat, scalar[:, 1])


def test_scalars_in_give_floats_out():
    lon, lat = wgs84_to_gcj02(*CHECK_WGS84)
    assert type(lon) is float
    assert type(lat) is float


@pytest.mark.parametrize("place", sorted(OUTSIDE_CHINA))
def test_outside_china_unchanged(place):
    lon, lat = OUTSIDE_CHINA[place]
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_swapped_arguments_apply_no_offset():
    """(lat, lon) by mistake puts a Shaoyang point at lon 27 E, outside China: no shift at all.

    So a swap never fails loudly; it silently skips the conversion. Order is always (lon, lat).
    """
    lon, lat = CHECK_WGS84
    assert wgs84_to_gcj02(lat, lon) == (lat, lon)
    assert metres(lon, lat, *wgs84_to_gcj02(lon, lat)) > 500


def test_nan_passes_through():
    lon, lat = gcj02_to_wgs84(
        np.array([np.nan, CHECK_GCJ02[0]]), np.array([np.nan, CHECK_GCJ02[1]])
    )
    assert np.isnan(lon[0]) and np.isnan(lat[0])
    assert (lon[1], lat[1]) == pytest.approx(CHECK_WGS84, abs=1e-6)


def test_geometry_transform_moves_every_vertex():
    ring = [(111.46, 27.23), (111.47, 27.23), (111.47, 27.24), (111.46, 27.23)]
    moved = geometry_to_gcj02(Polygon(ring))
    expected = np.column_stack(wgs84_to_gcj02(*np.array(ring).T))
    np.testing.assert_array_equal(shapely.get_coordinates(moved), expected)
    back = geometry_to_wgs84(moved)
    assert shapely.equals_exact(back, Polygon(ring), tolerance=1e-9)


def test_geometry_transform_takes_arrays():
    points = np.array([Point(CHECK_WGS84), Point(OUTSIDE_CHINA["Tokyo"])])
    moved = geometry_to_gcj02(points)
    assert (moved[0].x, moved[0].y) == pytest.approx(CHECK_GCJ02, abs=1e-6)
    assert moved[1].equals(points[1])


def test_require_datum_names_both_datums(square_wgs84):
    gcj = to_gcj02(square_wgs84)
    with pytest.raises(DatumMismatchError, match=r"'wgs84'.*'gcj02'"):
        require_datum(gcj, "wgs84")
    require_datum(gcj, "gcj02")


def test_datum_mismatch_is_a_value_error():
    assert issubclass(DatumMismatchError, ValueError)


def test_require_datum_refuses_untagged_frame(square_wgs84):
    untagged = square_wgs84.copy()
    untagged.attrs.clear()
    with pytest.raises(DatumMismatchError, match="no datum tag"):
        require_datum(untagged, "wgs84")
    with pytest.raises(DatumMismatchError):
        to_gcj02(untagged)


def test_require_datum_rejects_unknown_name(square_wgs84):
    with pytest.raises(ValueError, match="unknown datum"):
        require_datum(square_wgs84, "cgcs2000")


def test_to_gcj02_returns_a_copy(square_wgs84):
    before = square_wgs84.copy(deep=True)
    gcj = to_gcj02(square_wgs84)
    assert gcj is not square_wgs84
    assert gcj.attrs["datum"] == "gcj02"
    assert square_wgs84.attrs["datum"] == "wgs84"
    assert_geodataframe_equal(square_wgs84, before)
    assert not gcj.geometry.iloc[0].equals(square_wgs84.geometry.iloc[0])


def test_to_wgs84_undoes_to_gcj02(square_wgs84):
    back = to_wgs84(to_gcj02(square_wgs84))
    assert back.attrs["datum"] == "wgs84"
    assert_geodataframe_equal(back, square_wgs84, check_less_precise=True)


def test_converting_to_the_same_datum_is_a_plain_copy(square_wgs84):
    same = to_wgs84(square_wgs84)
    assert same is not square_wgs84
    assert_geodataframe_equal(same, square_wgs84)


def test_projected_frame_is_refused(square_wgs84):
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_gcj02(square_wgs84.to_crs("EPSG:32649"))
