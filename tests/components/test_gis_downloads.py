"""The Data page's GIS export: the planner's projects as layers in the chosen CRS, Chinese
text intact, and a GeoPackage that imports again as the same projects."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest

from components.views import gis_downloads
from data.importer import plan_import
from data.store import open_store
from geo.counties import load_counties

ROWS = (
    "项目名称\t县市区\t经度\t纬度\t总投资\t状态\n"
    "产业园\t邵东市\t111.744\t27.258\t12.5亿元\t在建\n"
    "新宁学校\t新宁县\t\t\t3000万元\t谋划\n"
)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store holding one located and one county-level project, and one annotation."""
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    opened = open_store()
    plan = plan_import(ROWS.encode(), "p.tsv", existing=opened.existing())
    assert plan.ok, plan.problem_rows()
    opened.apply_import(plan, actor="test")
    opened.annotate("shaoyong-hsr", {"investment_yi": 96}, actor="test")
    return opened


@pytest.fixture(scope="module")
def counties():
    return load_counties(display=False)


def test_layers_keep_every_row(store, counties):
    layers = {
        layer.name: layer
        for layer in gis_downloads.user_data_layers(store.export_frame(), counties)
    }
    assert list(layers) == ["counties", "my_data_points", "my_data_unlocated"]
    assert list(layers["my_data_points"].frame["name_zh"]) == ["产业园"]
    unlocated = layers["my_data_unlocated"].frame
    assert sorted(unlocated["kind"]) == ["annotation", "project"]
    assert not {"lon", "lat", "datum"} & set(layers["my_data_points"].frame.columns)


@pytest.mark.parametrize("crs", ["4326", "4490", "4546"])
def test_geopackage_in_the_chosen_crs_imports_again_unchanged(store, counties, tmp_path, crs):
    layers = gis_downloads.user_data_layers(store.export_frame(), counties)
    path = tmp_path / "mine.gpkg"
    path.write_bytes(gis_downloads.gis_file(layers, "gpkg", crs, "zh").content)
    points = gpd.read_file(path, layer="my_data_points")
    assert points.crs.to_epsg() == int(crs)
    assert list(points["name_zh"]) == ["产业园"] and list(points["status"]) == [
        "under_construction"
    ]
    back = points.to_crs(4326).geometry.iloc[0]
    assert (back.x, back.y) == pytest.approx((111.744, 27.258), abs=1e-7)
    # Round trip: the importer takes the points layer (and says so), in any of these CRSs.
    plan = plan_import(path.read_bytes(), "mine.gpkg", existing=store.existing())
    assert plan.ok, plan.problem_rows()
    assert {n.code for n in plan.notices} >= {"gpkg_several_layers", "declared_crs"}
    result = store.apply_import(plan, actor="test", dry_run=True)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1)


def test_kml_falls_back_to_wgs84_and_shapefile_is_utf8(store, counties, tmp_path):
    layers = gis_downloads.user_data_layers(store.export_frame(), counties)
    assert gis_downloads.file_crs("kml", "4546") == "4326"
    kml = gis_downloads.gis_file(layers, "kml", "4546", "en").content.decode("utf-8")
    assert "产业园" in kml and "111.744,27.258" in kml
    shp = tmp_path / "mine_shp.zip"
    shp.write_bytes(gis_downloads.gis_file(layers, "shp", "gcj02", "zh").content)
    frame = pyogrio.read_dataframe(f"/vsizip/{shp}/my_data_points.shp")
    assert list(frame["name_zh"]) == ["产业园"] and frame.crs is None  # GCJ-02: no EPSG
    assert frame.geometry.iloc[0].x != pytest.approx(111.744, abs=1e-4)
