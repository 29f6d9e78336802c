"""The Data page takes a GeoPackage and a zipped Shapefile (the file's CRS decides the datum,
none asks as for CSV) and offers the planner's data as GIS files in a chosen CRS."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from data.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan" / "my_data.py")
SHAODONG = (111.744, 27.258)
XINNING = (110.857, 26.433)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh store in a temporary data directory, writable, no password."""
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def projects(crs: int) -> gpd.GeoDataFrame:
    """Two projects (WGS-84 points near 邵东 and 新宁) reprojected to `crs`."""
    frame = gpd.GeoDataFrame(
        {"名称": ["产业园", "新宁学校"], "县市区": ["邵东市", "新宁县"], "状态": ["在建", "谋划"]},
        geometry=[Point(*SHAODONG), Point(*XINNING)],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


def geopackage(folder: Path) -> bytes:
    path = folder / "项目.gpkg"
    projects(4546).to_file(path, layer="项目点")
    return path.read_bytes()


def shapefile_zip(folder: Path) -> bytes:
    """A GBK Shapefile without a .prj (the datum must be asked), zipped."""
    shp = folder / "shp"
    shp.mkdir()
    projects(4326).to_file(shp / "项目.shp", encoding="GBK")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(shp.iterdir()):
            if file.suffix != ".prj":
                archive.write(file, file.name)
    return buffer.getvalue()


def run_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value((name, content, "application/octet-stream"))
    return at.run()


def frame_with(at: AppTest, column: str):
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with column {column!r}")


def test_upload_a_geopackage_its_crs_decides(env):
    at = upload(run_page("en"), "项目.gpkg", geopackage(env))
    assert not at.exception
    uploader = at.get("file_uploader")[0]
    assert {"gpkg", "zip"} <= {t.lstrip(".") for t in uploader.allowed_type}
    preview = frame_with(at, "project name")
    assert list(preview["project name"]) == ["产业园", "新宁学校"]
    assert list(preview["longitude"]) == pytest.approx([SHAODONG[0], XINNING[0]], abs=1e-6)
    # The datum question does not apply: disabled, and the file's CRS is said as plain text.
    assert at.selectbox(key="data_datum").disabled
    assert any("EPSG:4546" in x.value for x in at.text)
    notes = frame_with(at, "Problem")["Problem"]
    assert any("EPSG:4546" in n and "converted to WGS-84" in n for n in notes)
    at.button(key="data_import").click().run()
    assert not at.exception
    stored = sorted((p["name_zh"], p["counties"]) for p in open_store().list_projects())
    assert stored == [("产业园", ["430582"]), ("新宁学校", ["430528"])]


def test_upload_a_zipped_shapefile_without_prj_asks_the_datum(env):
    at = upload(run_page("zh"), "项目.zip", shapefile_zip(env))
    assert not at.exception
    datum = at.selectbox(key="data_datum")
    assert not datum.disabled
    preview = frame_with(at, "项目名称")
    assert list(preview["项目名称"]) == ["产业园", "新宁学校"]  # GBK .dbf, .cpg honoured
    assert list(preview["经度"]) == pytest.approx([SHAODONG[0], XINNING[0]], abs=1e-6)
    at = datum.set_value("gcj02").run()
    assert not at.exception
    shifted = frame_with(at, "项目名称")["经度"]
    assert abs(shifted.iloc[0] - SHAODONG[0]) > 1e-3  # the chosen datum was applied


def test_export_offers_gis_files_with_the_crs_choice(env):
    at = upload(run_page("en"), "项目.gpkg", geopackage(env))
    at.button(key="data_import").click().run()
    at.button(key="data_export_prepare").click().run()
    assert not at.exception
    crs = at.selectbox(key="data_gis_crs")
    assert list(crs.options) == [crs.format_func(key) for key in ("4326", "4490", "4546", "gcj02")]
    assert "not an EPSG system" in crs.format_func("gcj02")
    at = crs.set_value("4546").run()
    assert not at.exception
    gis = [b for b in at.get("download_button") if b.key.startswith("data_gis_")]
    assert sorted(b.key for b in gis) == [
        "data_gis_fgb",
        "data_gis_gpkg",
        "data_gis_kml",
        "data_gis_shp",
    ]
    # Built when clicked, never on every rerun.
    assert all(b.proto.deferred_file_id for b in gis)
    assert any("GCJ-02 is not an EPSG system" in c.value for c in at.caption)
    # The CSV, XLSX and GeoJSON buttons are still there.
    keys = {b.key for b in at.get("download_button")}
    assert {"data_export_csv", "data_export_xlsx", "data_export_geojson"} <= keys
