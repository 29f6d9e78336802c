"""GeoPackage and zipped Shapefile imports: the file's CRS decides the datum, Chinese text
survives every encoding a planner's GIS writes, and hostile files are refused with a message.

Every file is written here by GDAL (geopandas) into tmp_path; nothing is hand-made except
the hostile zips of tests/data/hostile_gis_files.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from data import admin, importer
from data.importer import plan_import, read_table, sandbox
from data.importer.places import to_wgs84
from tests.data import hostile_gis_files as hostile

SHAODONG = hostile.SHAODONG  # in 邵东市 430582
XINNING = (110.857, 26.433)  # in 新宁县 430528


def codes(plan: importer.ImportPlan) -> list[str]:
    return [p.code for p in plan.problems]


def projects_frame(crs: str | int = "EPSG:4326") -> gpd.GeoDataFrame:
    """Two projects near 邵东 and 新宁, WGS-84 reprojected to `crs`; short Chinese names (a .dbf
    field name holds 10 bytes: three Chinese characters in UTF-8)."""
    frame = gpd.GeoDataFrame(
        {
            "名称": ["产业园", "新宁学校"],
            "县市区": ["邵东市", "新宁县"],
            "总投资": ["12.5亿元", None],
        },
        geometry=[Point(*SHAODONG), Point(*XINNING)],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


def zip_folder(folder: Path, *, drop: tuple[str, ...] = ()) -> bytes:
    """The files of `folder` as one zip (leaving out the suffixes in `drop`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            if file.suffix.lower() not in drop:
                archive.write(file, file.name)
    return buffer.getvalue()


def shapefile_zip(
    tmp_path: Path,
    frame: gpd.GeoDataFrame,
    *,
    encoding: str | None = None,
    drop: tuple[str, ...] = (),
    cpg: str | None = None,
) -> bytes:
    """`frame` written by GDAL as 项目.shp (in `encoding`), zipped; `cpg` replaces the .cpg."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "项目.shp", encoding=encoding)
    if cpg is not None:
        (folder / "项目.cpg").write_text(cpg)
    return zip_folder(folder, drop=drop)


def geopackage(tmp_path: Path, *layers: tuple[str, gpd.GeoDataFrame | pd.DataFrame]) -> bytes:
    path = tmp_path / "projects.gpkg"
    for name, frame in layers:
        pyogrio.write_dataframe(frame, path, layer=name)
    return path.read_bytes()


# ---------------------------------------------------------------- the CRS decides the datum


@pytest.mark.parametrize("epsg", [4326, 4490, 4546, 32649])
@pytest.mark.parametrize("kind", ["shp", "gpkg"])
def test_a_declared_crs_gives_wgs84_points(tmp_path, kind, epsg):
    """WGS-84 and CGCS2000, as lon/lat or projected (GK zone 111E, UTM 49N), all land where the
    WGS-84 points were, and the datum choice is not applied."""
    frame = projects_frame(epsg)
    if kind == "shp":
        content, name = shapefile_zip(tmp_path, frame), "项目.zip"
    else:
        content, name = geopackage(tmp_path, ("项目", frame)), "项目.gpkg"
    table = read_table(content, name)
    assert f"EPSG:{epsg}" in table.declared_crs
    assert [h for h in table.headers] == ["名称", "县市区", "总投资", "lon", "lat"]
    for (_, cells), (lon, lat) in zip(table.rows, (SHAODONG, XINNING), strict=True):
        assert cells[3] == pytest.approx(lon, abs=1e-7)
        assert cells[4] == pytest.approx(lat, abs=1e-7)
    # Even when the user leaves "GCJ-02" chosen, a file that declares its CRS is not shifted.
    plan = plan_import(content, name, datum="gcj02")
    assert plan.ok, plan.problem_rows()
    assert [p.counties for p in plan.projects] == [("430582",), ("430528",)]
    assert plan.projects[0].lon == pytest.approx(SHAODONG[0], abs=1e-6)
    assert plan.projects[0].location_source == "coordinates"
    declared = [n for n in plan.notices if n.code == "declared_crs"]
    assert len(declared) == 1 and f"EPSG:{epsg}" in declared[0].en
    assert "坐标系" in declared[0].zh
    if epsg in (4490, 4546):
        assert "CGCS2000" in declared[0].en and "less than a metre" in declared[0].en


def test_without_a_prj_the_datum_choice_applies_as_for_csv(tmp_path):
    """No .prj: the points are taken in the datum the user chose, exactly as a CSV's are."""
    content = shapefile_zip(tmp_path, projects_frame(), drop=(".prj",))
    table = read_table(content, "项目.zip")
    assert table.declared_crs is None
    gis = plan_import(content, "项目.zip", datum="gcj02")
    csv = plan_import(
        f"名称,县市区,总投资,经度,纬度\n产业园,邵东市,12.5亿元,{SHAODONG[0]},{SHAODONG[1]}\n".encode(),
        "p.csv",
        datum="gcj02",
    )
    assert gis.ok and csv.ok
    first = gis.projects[0]
    assert (first.lon, first.lat) == (csv.projects[0].lon, csv.projects[0].lat)
    expected = to_wgs84([SHAODONG[0]], [SHAODONG[1]], "gcj02")
    assert first.lon == pytest.approx(float(expected[0][0]), abs=1e-6)
    assert abs(first.lon - SHAODONG[0]) > 1e-3  # really shifted
    assert first.location_source == "coordinates (gcj02 -> wgs84)"
    assert not [n for n in gis.notices if n.code == "declared_crs"]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_gpkg_without_crs_asks_too(tmp_path):
    frame = projects_frame().set_crs(None, allow_override=True)
    table = read_table(geopackage(tmp_path, ("项目", frame)), "x.gpkg")
    assert table.declared_crs is None


@pytest.mark.parametrize("epsg", [4214, 4610, 2383])
def test_beijing54_and_xian80_are_refused(tmp_path, epsg):
    """No public parameters convert them to WGS-84 accurately: a clear error, nothing read."""
    plan = plan_import(shapefile_zip(tmp_path, projects_frame(epsg)), "old.zip")
    assert codes(plan) == ["unsupported_crs"]
    assert "CGCS2000" in plan.problems[0].zh and "Xian 1980" in plan.problems[0].en


def test_a_prj_gdal_cannot_understand_is_refused(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    projects_frame().to_file(folder / "项目.shp")
    (folder / "项目.prj").write_text("LOCAL_GRID[garbage")
    plan = plan_import(zip_folder(folder), "x.zip")
    assert codes(plan) == ["unsupported_crs"]


# ---------------------------------------------------------------- Chinese text, every encoding


@pytest.mark.parametrize("cpg", ["GBK", "CP936", "936", None])
def test_gbk_dbf_with_or_without_cpg(tmp_path, cpg):
    """ArcGIS in China writes GBK; with a .cpg (GBK, CP936, 936) GDAL decodes it, without one
    the importer tries UTF-8 and then GB18030, as for CSV."""
    frame = projects_frame().rename(columns={"名称": "项目名称"})  # 8 bytes in GBK
    drop = (".cpg",) if cpg is None else ()
    content = shapefile_zip(tmp_path, frame, encoding="GBK", drop=drop, cpg=cpg)
    table = read_table(content, "项目.zip")
    assert table.headers[:3] == ["项目名称", "县市区", "总投资"]
    assert [cells[:3] for _, cells in table.rows] == [
        ["产业园", "邵东市", "12.5亿元"],
        ["新宁学校", "新宁县", None],
    ]
    plan = plan_import(content, "项目.zip")
    assert plan.ok and [p.name_zh for p in plan.projects] == ["产业园", "新宁学校"]
    assert plan.projects[0].investment_yi == 12.5


def test_utf8_dbf_without_cpg(tmp_path):
    content = shapefile_zip(tmp_path, projects_frame(), encoding="UTF-8", drop=(".cpg",))
    table = read_table(content, "x.zip")
    assert table.encoding == "utf-8"
    assert table.rows[1][1][:2] == ["新宁学校", "新宁县"]


def test_gpkg_keeps_chinese_layer_column_and_values(tmp_path):
    frame = projects_frame().rename(columns={"名称": "项目名称（含标段）"})
    table = read_table(geopackage(tmp_path, ("邵阳项目", frame)), "x.gpkg")
    assert table.headers[0] == "项目名称（含标段）"
    assert table.rows[0][1][0] == "产业园"
    assert table.kind == "gpkg" and table.row_label == "feature"


# ---------------------------------------------------------------- layers and geometry types


def test_several_layers_take_the_first_point_layer_and_say_so(tmp_path):
    area = gpd.GeoDataFrame(
        {"名称": ["园区"]}, geometry=[Point(*SHAODONG).buffer(0.01)], crs="EPSG:4326"
    )
    table_only = pd.DataFrame({"说明": ["x"]})
    content = geopackage(
        tmp_path,
        ("园区范围", area),
        ("项目点", projects_frame()),
        ("第二批", projects_frame()),
        ("说明表", table_only),
    )
    plan = plan_import(content, "x.gpkg")
    assert plan.ok and len(plan.projects) == 2
    layers = [n for n in plan.notices if n.code == "gpkg_several_layers"]
    assert len(layers) == 1
    assert (
        "“项目点”" in layers[0].zh and "“园区范围”" in layers[0].zh and "“第二批”" in layers[0].zh
    )
    assert "only the first point layer" in layers[0].en


def test_a_gpkg_without_points_is_refused(tmp_path):
    lines = gpd.GeoDataFrame(
        {"名称": ["路"]}, geometry=[LineString([SHAODONG, XINNING])], crs="EPSG:4326"
    )
    plan = plan_import(geopackage(tmp_path, ("道路", lines)), "x.gpkg")
    assert codes(plan) == ["not_points"]
    assert "道路" in plan.problems[0].zh and "LineString" in plan.problems[0].en


def test_a_gpkg_with_tables_only_is_refused(tmp_path):
    plan = plan_import(geopackage(tmp_path, ("表", pd.DataFrame({"名称": ["产业园"]}))), "x.gpkg")
    assert codes(plan) == ["gpkg_no_layer"]


def test_a_polygon_shapefile_is_refused(tmp_path):
    frame = gpd.GeoDataFrame(
        {"名称": ["园"]},
        geometry=[Polygon([(111.7, 27.2), (111.8, 27.2), (111.8, 27.3)])],
        crs="EPSG:4326",
    )
    plan = plan_import(shapefile_zip(tmp_path, frame), "x.zip")
    assert codes(plan) == ["not_points"] and "Polygon" in plan.problems[0].en


def test_mixed_geometries_are_checked_feature_by_feature_as_in_geojson(tmp_path):
    """A layer of undeclared type: points import, an area is that feature's problem (the same
    message as for a GeoJSON polygon), and a feature without geometry is located by county."""
    frame = gpd.GeoDataFrame(
        {"名称": ["产业园", "园区", "学校"], "县市区": ["邵东市", "邵东市", "新宁县"]},
        geometry=[Point(*SHAODONG), Point(*SHAODONG).buffer(0.01), None],
        crs="EPSG:4326",
    )
    path = tmp_path / "mixed.gpkg"
    frame.to_file(path, layer="混合", geometry_type="Unknown")
    assert pyogrio.list_layers(path)[0][1] == "Unknown"
    plan = plan_import(path.read_bytes(), "mixed.gpkg")
    assert [(p.row, p.code, p.row_label) for p in plan.problems] == [(2, "bad_geometry", "feature")]
    assert "Polygon" in plan.problems[0].en
    assert plan.problems[0].where("zh") == "第2个要素"
    assert [p.precision for p in plan.valid_projects] == ["site", "county"]


# ---------------------------------------------------------------- limits and hostile files


def test_more_than_max_rows_is_refused(tmp_path):
    plan = plan_import(
        shapefile_zip(tmp_path, hostile.points(importer.MAX_ROWS + 1)), "big.zip", isolated=True
    )
    assert codes(plan) == ["too_many_rows"]


def test_more_than_max_columns_is_refused(tmp_path):
    wide = pd.DataFrame({f"c{i}": [i] for i in range(importer.MAX_COLUMNS)})
    frame = gpd.GeoDataFrame(pd.concat([hostile.points(1), wide], axis=1), crs="EPSG:4326")
    plan = plan_import(geopackage(tmp_path, ("宽", frame)), "wide.gpkg")
    assert codes(plan) == ["too_many_columns"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (hostile.zip_bomb, "file_too_large"),
        (hostile.zip_lying_size, "bad_shapefile"),
        (hostile.zip_traversal, "zip_unsafe_name"),
        (hostile.zip_several_shapefiles, "zip_several_shp"),
        (hostile.zip_without_shp, "zip_without_shp"),
        (hostile.zip_without_dbf, "zip_incomplete_shapefile"),
        (hostile.zip_many_members, "zip_too_many_members"),
        (lambda: b"just text, not a zip", "bad_zip"),
    ],
)
def test_hostile_zips_are_refused_in_the_child(make, code):
    content = make()
    assert len(content) < importer.MAX_BYTES
    plan = plan_import(content, "hostile.zip", isolated=True)
    assert codes(plan) == [code], plan.problem_rows()
    assert plan.problems[0].zh and plan.problems[0].en


def test_a_traversal_name_is_never_written(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(importer.FileProblem):
        read_table(hostile.zip_traversal(), "evil.zip", workdir=scratch)
    assert list(scratch.iterdir()) == []
    assert not list(tmp_path.parent.glob("evil.*"))


def test_several_shapefiles_are_named(tmp_path):
    plan = plan_import(hostile.zip_several_shapefiles(), "two.zip")
    assert "“一.shp”" in plan.problems[0].zh and "one layer per zip" in plan.problems[0].en


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda folder: hostile.gpkg_not_sqlite(), "bad_gpkg"),
        (hostile.gpkg_truncated, "bad_gpkg"),
        (hostile.sqlite_not_gpkg, "bad_gpkg"),
    ],
)
def test_hostile_geopackages_are_refused_in_the_child(tmp_path, make, code):
    plan = plan_import(make(tmp_path), "hostile.gpkg", isolated=True)
    assert codes(plan) == [code], plan.problem_rows()


def test_an_endless_view_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    """A layer that is a recursive view never ends: the child is stopped, the app goes on."""
    monkeypatch.setattr(sandbox, "PARSE_SECONDS", 3)
    monkeypatch.setattr(sandbox, "_PARSED", sandbox.OrderedDict())
    plan = plan_import(hostile.gpkg_endless_view(tmp_path), "endless.gpkg", isolated=True)
    assert codes(plan) == ["too_slow"]
    assert "point layer" in plan.problems[0].en


def test_shapefile_parts_alone_are_refused_with_how_to_zip():
    plan = plan_import(b"\0\0\x27\x0a", "项目.shp")
    assert codes(plan) == ["unsupported_format"] and "zip" in plan.problems[0].en


# ---------------------------------------------------------------- the CLI


def test_cli_imports_a_geopackage_and_a_zipped_shapefile(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    gpkg = tmp_path / "项目.gpkg"
    gpkg.write_bytes(geopackage(tmp_path, ("项目", projects_frame(4546))))
    assert admin.main(["import", str(gpkg), "--lang", "en"]) == 0
    out = capsys.readouterr()
    assert "2 added" in out.out and "EPSG:4546" in out.err
    shp = tmp_path / "项目.zip"
    shp.write_bytes(shapefile_zip(tmp_path, projects_frame(), drop=(".prj",)))
    # The same projects again, now without a .prj: found as the stored ones (same checks).
    assert admin.main(["import", str(shp), "--dry-run", "--datum", "wgs84", "--lang", "en"]) == 1
    assert capsys.readouterr().out.count("already stored as project") == 2
    bad = tmp_path / "bad.zip"
    bad.write_bytes(hostile.zip_without_shp())
    assert admin.main(["import", str(bad), "--dry-run", "--lang", "zh"]) == 1
    assert "zip 中没有 .shp 文件" in capsys.readouterr().out
