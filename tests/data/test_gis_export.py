"""GIS exports: every format opens with pyogrio/geopandas with Chinese text intact and the CRS
asked for; county centroids round-trip; GCJ-02 matches the check value in docs/datum.md; KML
parses with fastkml, one placemark per located item, descriptions escaped."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from data import gis_export, importer
from data.gis_export import export_bytes
from data.store import ProjectStore
from geo.datum import GCJ02, to_wgs84

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# docs/datum.md: WGS-84 (lon, lat) <-> GCJ-02 (lon, lat).
CHECK_WGS84 = (111.43877780268987, 27.223905373786593)
CHECK_GCJ02 = (111.44439660708835, 27.220718937598154)
HOSTILE = "<script>alert(1)</script>"
SHAODONG = "430582"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> ProjectStore:
    """A SQLite store with four projects: one at the datum check point, one hostile, one at a
    town, one with no coordinates."""
    path = tmp_path_factory.mktemp("gis") / "store.sqlite3"
    store = ProjectStore(f"sqlite:///{path}", read_only=False, edit_password="")
    lon, lat = CHECK_WGS84
    csv = (
        "项目名称,英文名称,县市区,经度,纬度,坐标系,类别,备注\n"
        f"邵阳校验点项目,Check point,大祥区,{lon!r},{lat!r},wgs84,产业项目,\n"
        f"{HOSTILE},,邵东市,111.75,27.26,wgs84,,{HOSTILE}\n"
        "隆回县无坐标项目,,隆回县,,,,,\n"
    )
    plan = importer.plan_import(csv.encode(), "mine.csv", existing=store.existing())
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="test")
    return store


@pytest.fixture(scope="module")
def layers(store):
    return gis_export.cli_layers(open_store=lambda: store)


def _unzip(content: bytes, folder: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
        return archive.namelist()


def _open(fmt: str, content: bytes, tmp_path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of an export, read back with pyogrio."""
    if fmt == "gpkg":
        path = tmp_path / "x.gpkg"
        path.write_bytes(content)
        return {name: gpd.read_file(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    if fmt == "kml":
        path = tmp_path / "x.kml"
        path.write_bytes(content)
        # KML folders are named by their titles (in Chinese here); map them back.
        titles = {zh: name for name, (zh, _) in gis_export.LAYER_TITLES.items()}
        titles["县市区"] = "counties"
        return {
            titles.get(name, name): gpd.read_file(path, layer=name, driver="LIBKML")
            for name, _ in pyogrio.list_layers(path)
        }
    names = _unzip(content, tmp_path)
    suffix = {"shp": (".shp", ".dbf"), "fgb": (".fgb",)}[fmt]
    out = {}
    for name in names:
        stem, ext = Path(name).stem, Path(name).suffix
        if ext in suffix and stem not in out:
            out[stem] = gpd.read_file(
                tmp_path / (stem + (".shp" if f"{stem}.shp" in names else ext))
            )
    return out


def _in_wgs84(frame: gpd.GeoDataFrame, crs_key: str) -> gpd.GeoDataFrame:
    if crs_key == "gcj02":
        assert frame.crs is None, "a GCJ-02 file must not claim an EPSG CRS"
        frame = frame.set_crs("EPSG:4326")
        frame.attrs["datum"] = GCJ02
        return to_wgs84(frame)
    return frame.to_crs("EPSG:4326")


def _centroid_m(geom) -> shapely.Point:
    return gpd.GeoSeries([geom], crs="EPSG:4326").to_crs("EPSG:32649").centroid.iloc[0]


CASES = [
    (fmt, crs)
    for fmt in ("gpkg", "shp", "fgb", "kml")
    for crs in ("4326", "4490", "4546", "gcj02")
    if fmt != "kml" or crs in gis_export.KML_CRS
]


@pytest.mark.parametrize(("fmt", "crs"), CASES)
def test_each_format_opens_with_chinese_text_and_the_crs_chosen(layers, tmp_path, fmt, crs):
    result = export_bytes(layers, fmt, crs, look=gis_export.plain_look("zh"))
    back = _open(fmt, result.content, tmp_path)

    counties = back["counties"]
    assert len(counties) == 12
    name_column = "Name" if fmt == "kml" else "name_zh"
    assert "邵东市" in set(counties[name_column])
    expected_epsg = gis_export.CRS_CHOICES[crs].epsg
    if fmt == "kml":
        # KML is lon/lat by definition; GDAL reads it as WGS-84 whatever was written.
        assert counties.crs.to_epsg() == 4326
    elif expected_epsg is None:
        assert counties.crs is None
    else:
        assert counties.crs.to_epsg() == expected_epsg

    # A county centroid round-trips to within a centimetre.
    original = layers[0].frame.set_index("adcode").geometry[SHAODONG]
    key = "adcode" if "adcode" in counties.columns else None
    row = counties[counties[key] == SHAODONG] if key else counties[counties["Name"] == "邵东市"]
    assert len(row) == 1
    if fmt == "kml" and crs == "gcj02":
        row = row.set_crs(None, allow_override=True)  # KML cannot say it is not WGS-84
    returned = _in_wgs84(row, crs).geometry.iloc[0]
    assert _centroid_m(returned).distance(_centroid_m(original)) < 0.01

    if fmt != "kml":
        points = back["my_projects_points"]
        names = set(points["name_zh"])
        assert "邵阳校验点项目" in names and HOSTILE in names
        unlocated = back["initiatives_unlocated"]
        assert unlocated.geometry.isna().all() if "geometry" in unlocated else True
        assert len(unlocated) == len(layers[3].frame)
        assert "columns" in back


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "fgb", "kml"])
def test_gcj02_export_matches_the_check_value(layers, tmp_path, fmt):
    # The exact check point (the importer rounds coordinates to 1e-7 degrees, ~1 cm).
    check = gpd.GeoDataFrame(
        {"id": ["check"], "name_zh": ["校验点"], "name_en": ["check"]},
        geometry=[shapely.Point(*CHECK_WGS84)],
        crs="EPSG:4326",
    )
    check.attrs["datum"] = "wgs84"
    extra = gis_export.item_layers(check, (), prefix="check")
    result = export_bytes([*layers, *extra], fmt, "gcj02", look=gis_export.plain_look("zh"))
    back = _open(fmt, result.content, tmp_path)
    point = back["check_points"].geometry.iloc[0]
    assert point.x == pytest.approx(CHECK_GCJ02[0], abs=1e-9)
    assert point.y == pytest.approx(CHECK_GCJ02[1], abs=1e-9)


def test_gauss_kruger_export_is_in_metres_in_zone_37(layers, tmp_path):
    back = _open("gpkg", export_bytes(layers, "gpkg", "4546").content, tmp_path)
    x, y = back["my_projects_points"].geometry.iloc[0].coords[0]
    # Shaoyang lies ~50 km west of 111E: eastings near the 500 km false easting, northings ~3 000 km.
    assert 400_000 < x < 560_000 and 2_900_000 < y < 3_100_000
    assert back["my_projects_points"].crs.axis_info[0].unit_name == "metre"


def test_geopackage_has_the_layers_and_a_column_dictionary(layers, tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(export_bytes(layers, "gpkg", "4490").content)
    listed = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert listed["counties"] == "MultiPolygon"
    assert listed["initiatives_points"] == "Point"
    assert listed["routes"] == "LineString"
    assert listed["my_projects_points"] == "Point"
    assert listed["initiatives_unlocated"] is None and listed["columns"] is None
    columns = gpd.read_file(path, layer="columns")
    geometry_rows = columns[columns["column"] == "geometry"]
    assert set(geometry_rows["layer"]) == {
        "counties", "initiatives_points", "routes", "my_projects_points"
    }  # fmt: skip
    assert geometry_rows["description_en"].str.contains("EPSG:4490").all()
    source = columns[(columns["layer"] == "routes") & (columns["column"] == "source_text")]
    assert source["label_zh"].item() == "报告原文"
    # Every item of the report is somewhere: points + routes + unlocated = the file.
    report = gpd.read_file(Path("data/initiatives.geojson"))
    counted = sum(
        len(gpd.read_file(path, layer=n))
        for n in ("initiatives_points", "routes", "initiatives_unlocated")
    )
    assert counted == len(report)


def test_shapefile_zip_is_utf8_with_short_mapped_field_names(layers, tmp_path):
    names = _unzip(export_bytes(layers, "shp", "4326").content, tmp_path)
    for stem in ("counties", "initiatives_points", "routes", "my_projects_points"):
        assert {f"{stem}.shp", f"{stem}.dbf", f"{stem}.prj", f"{stem}.cpg"} <= set(names)
        assert (tmp_path / f"{stem}.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    columns = gpd.read_file(tmp_path / "columns.dbf")
    for name in names:
        if name.endswith(".dbf"):
            info = pyogrio.read_info(tmp_path / name)
            assert all(len(f) <= 10 for f in info["fields"]), name
    assert {"layer", "column", "shp_field", "label_zh", "descr_zh", "descr_en", "note"} <= set(
        columns.columns
    )
    mapping = columns[columns["layer"] == "routes"].set_index("column")["shp_field"]
    assert mapping["source_text"] == "src_text"
    assert mapping["counties_beyond_geometry"] == "cnty_beyon"
    routes = gpd.read_file(tmp_path / "routes.shp")
    for text in routes["src_text"]:
        assert len(text.encode("utf-8")) <= 254
    # Long text (some location sources run to 500 bytes) is cut whole characters at a time,
    # and the dictionary says where.
    noted = columns[columns["note"].fillna("").str.contains("cut in the Shapefile")]
    assert len(noted)
    for layer, field in zip(noted["layer"], noted["shp_field"], strict=True):
        path = tmp_path / (f"{layer}.shp" if f"{layer}.shp" in names else f"{layer}.dbf")
        values = [v for v in gpd.read_file(path)[field] if isinstance(v, str)]
        assert all(len(v.encode("utf-8")) <= 254 and "\ufffd" not in v for v in values)
        assert any(v.endswith("…") for v in values)


def test_short_field_names_are_distinct_and_short():
    names = ["commitment", "commitment_verb", "a_very_long_name_1", "a_very_long_name_2"]
    mapping = gis_export.short_field_names(names)
    assert mapping["commitment"] == "commitment"
    assert len(set(mapping.values())) == 4
    assert all(len(v) <= 10 for v in mapping.values())


def test_fit_bytes_cuts_at_a_character_boundary():
    text = "邵阳" * 100  # 600 bytes
    cut = gis_export.fit_bytes(text)
    assert len(cut.encode("utf-8")) <= 254 and cut.endswith("…")
    assert cut[:-1] == text[: len(cut) - 1]
    assert gis_export.fit_bytes("short") == "short"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kml_has_one_placemark_per_located_item_named_in_the_ui_language(layers, tmp_path, lang):
    from fastkml import kml

    content = export_bytes(layers, "kml", "4326", look=gis_export.plain_look(lang)).content
    document = kml.KML.from_string(content)

    placemarks = []

    def walk(node):
        for feature in getattr(node, "features", []) or []:
            if type(feature).__name__ == "Placemark":
                placemarks.append(feature)
            else:
                walk(feature)

    walk(document)
    located = sum(len(layer.frame) for layer in layers if layer.spatial)
    features = json.loads(
        (Path(__file__).resolve().parents[2] / "data" / "initiatives.geojson").read_text("utf-8")
    )["features"]
    drawn = sum(f["geometry"] is not None for f in features)
    assert len(placemarks) == located == 12 + drawn + 2  # counties, initiatives, my 2 projects
    names = {p.name for p in placemarks}
    if lang == "zh":
        assert {"邵东市", "邵阳校验点项目"} <= names
    else:
        assert {"Shaodong City", "Check point"} <= names
    hostile = next(p for p in placemarks if p.name == HOSTILE)
    # The balloon is HTML in Google Earth: user text is escaped inside it.
    assert "&lt;script&gt;" in hostile.description and "<script>" not in hostile.description
    # Category styles: the report's points carry an icon colour per category, routes a line style.
    assert all(p.styles for p in placemarks)


def test_kml_uses_the_colours_of_the_look(layers):
    points = next(layer for layer in layers if layer.name == "initiatives_points").frame
    look = gis_export.KmlLook(lang="zh", category_colours={points["category"].iloc[0]: "#d62728"})
    content = export_bytes(layers, "kml", "4326", look=look).content.decode()
    assert "ff2827d6" in content  # KML colours are aabbggrr


@pytest.mark.parametrize(
    ("fmt", "crs", "message"),
    [
        ("dwg", "4326", "unknown format"),
        ("gpkg", "3857", "unknown CRS"),
        ("kml", "4546", "KML is longitude/latitude"),
        ("kml", "4490", "KML is longitude/latitude"),
    ],
)
def test_bad_choices_are_refused_clearly(layers, fmt, crs, message):
    with pytest.raises(ValueError, match=message):
        export_bytes(layers, fmt, crs)


def test_a_frame_without_a_datum_tag_is_refused():
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(111, 27)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="datum"):
        gis_export.item_layers(frame, ())


def test_cli_writes_a_file_and_rejects_a_bad_crs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path / "none"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "out.gpkg"
    assert gis_export.main(["--format", "gpkg", "--crs", "4546", "-o", str(out)]) == 0
    assert pyogrio.read_info(out, layer="counties")["crs"] == "EPSG:4546"
    assert not (tmp_path / "none").exists(), "the CLI must not create a store"
    assert gis_export.main(["--format", "kml", "--crs", "4490", "-o", str(tmp_path / "x")]) == 2
    assert "KML is longitude/latitude" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
