"""The explorer's rows and exports: stable columns, a dictionary for each, user figures beside."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from components.views import explorer as explorer_view
from data import export
from data.loaders import DEFAULT_INITIATIVES, read_initiatives

NAMES = {"430582": "邵东市", "430528": "新宁县"}


@pytest.fixture(scope="module")
def initiatives():
    return read_initiatives(DEFAULT_INITIATIVES)


@pytest.fixture(scope="module")
def report(initiatives):
    route_km = {"shaoyong-hsr": {"430503": 10.0, "430523": 20.04}}
    return explorer_view.report_rows(initiatives, route_km, NAMES, "zh")


def test_report_rows_keep_every_item_in_order(initiatives, report):
    assert list(report["id"]) == list(initiatives["id"])
    hsr = report.set_index("id").loc["shaoyong-hsr"]
    assert hsr["route_km"] == 30.0
    assert hsr["category_label"] == "基础设施"
    citywide = report[report["counties"] == ""]
    assert set(citywide["county_names"]) == {"全市（不分县）"}
    points = report[report.geometry.geom_type == "Point"]
    assert (
        points["lon"].notna().all()
        and report.loc[~report.index.isin(points.index), "lon"].isna().all()
    )


def test_csv_export_has_a_bom_and_the_documented_header(report):
    data = export.to_csv_bytes(explorer_view.export_frame(report, mine=False))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == explorer_view.REPORT_COLUMNS
    assert len(rows) == len(report) + 1
    dictionary = export.dictionary_frame(explorer_view.explorer_columns(False))
    assert tuple(dictionary["column"]) == explorer_view.REPORT_COLUMNS
    assert dictionary["名称"].map(bool).all() and dictionary["label"].map(bool).all()


def test_xlsx_export_has_the_dictionary_sheet(report):
    data = export.to_xlsx_bytes(
        explorer_view.export_frame(report, mine=False), explorer_view.explorer_columns(False)
    )
    book = load_workbook(io.BytesIO(data))
    sheet, dictionary = book.worksheets
    assert tuple(c.value for c in sheet[1]) == explorer_view.REPORT_COLUMNS
    assert dictionary.max_row == len(explorer_view.REPORT_COLUMNS) + 1


def test_geojson_export_keeps_geometry(report):
    collection = json.loads(export.to_geojson_bytes(report))
    features = collection["features"]
    assert len(features) == len(report)
    kinds = {f["geometry"]["type"] if f["geometry"] else None for f in features}
    assert {"Point", "LineString", None} <= kinds
    assert tuple(features[0]["properties"]) == explorer_view.REPORT_COLUMNS


def test_my_data_adds_projects_and_figures(report):
    projects = pd.DataFrame(
        {
            "project_id": ["p1"],
            "name_zh": ["=1+1 园区"],
            "name_en": [None],
            "counties": ["430582"],
            "town": [None],
            "lon": [111.75],
            "lat": [27.25],
            "precision": ["site"],
            "location_source": [None],
            "category": ["industrial_project"],
            **{
                name: [None]
                for name in ("status", "start_date", "end_date", "responsible_unit", "note")
            },
            "investment_yi": [12.5],
        }
    )
    annotations = pd.DataFrame(
        {
            "initiative_id": ["shaoyong-hsr"],
            "status": ["under_construction"],
            "investment_yi": [96.0],
            **{name: [None] for name in ("start_date", "end_date", "responsible_unit", "note")},
        }
    )
    mine = explorer_view.project_rows(projects, NAMES, "zh")
    rows = explorer_view.combined_rows(report, mine, annotations)
    assert len(rows) == len(report) + 1
    assert tuple(explorer_view.export_frame(rows, mine=True).columns) == explorer_view.MINE_COLUMNS
    hsr = rows.set_index("id").loc["shaoyong-hsr"]
    assert hsr["user_investment_yi"] == 96.0 and hsr["user_status"] == "under_construction"
    project = rows.iloc[-1]
    assert project["source"] == "my_data" and project["county_names"] == "邵东市"
    assert project.geometry.x == 111.75
    # In the CSV the formula-like name is inert.
    text = export.to_csv_bytes(explorer_view.export_frame(rows, mine=True)).decode("utf-8-sig")
    assert "'=1+1 园区" in text
    book = export.to_xlsx_bytes(
        explorer_view.export_frame(rows, mine=True), explorer_view.explorer_columns(True)
    )
    assert load_workbook(io.BytesIO(book)).worksheets[0].max_row == len(rows) + 1
    features = json.loads(export.to_geojson_bytes(rows))["features"]
    assert features[-1]["geometry"] == {"type": "Point", "coordinates": [111.75, 27.25]}
    shown = explorer_view.display_table(rows, "en", mine=True)
    assert shown[explorer_view.KEY_COLUMN].iloc[-1] == "my_data:p1"
    assert shown["Source"].iloc[-1] == "My data"


@pytest.fixture(scope="module")
def counties():
    from geo.counties import load_counties

    return load_counties()


def _mine_rows(report):
    projects = pd.DataFrame(
        {
            "project_id": ["p1", "p2"],
            "name_zh": ["邵东智能制造园", "新宁无坐标项目"],
            "name_en": ["Shaodong smart manufacturing park", None],
            "counties": ["430582", "430528"],
            "town": [None, None],
            "lon": [111.75, None],
            "lat": [27.25, None],
            "precision": ["site", "county"],
            "location_source": [None, None],
            "category": ["industrial_project", None],
            **{
                name: [None, None]
                for name in ("status", "start_date", "end_date", "responsible_unit", "note")
            },
            "investment_yi": [12.5, None],
        }
    )
    mine = explorer_view.project_rows(projects, NAMES, "en")
    return explorer_view.combined_rows(report, mine, pd.DataFrame(columns=["initiative_id"]))


def test_gis_layers_split_the_listed_rows_and_keep_every_one(report, counties):
    rows = _mine_rows(report)
    layers = {layer.name: layer for layer in explorer_view.gis_layers(rows, counties, True)}
    assert set(layers) == {
        "counties", "initiatives_points", "routes", "initiatives_unlocated",
        "my_projects_points", "my_projects_unlocated",
    }  # fmt: skip
    assert sum(len(layers[n].frame) for n in layers if n != "counties") == len(rows)
    assert layers["my_projects_points"].frame["name_zh"].tolist() == ["邵东智能制造园"]
    assert layers["routes"].title_zh == "线路"


def test_gis_file_kml_uses_the_maps_colours_and_the_ui_language(report, counties, tmp_path):
    import pyogrio

    from components.map import symbols

    content = explorer_view.gis_file(
        report, counties, mine=False, fmt="kml", crs="4546", lang="en"
    ).content
    text = content.decode("utf-8")
    path = tmp_path / "x.kml"
    path.write_bytes(content)
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert layers == ["Counties", "Report initiatives (points)", "Routes"]
    hsr = symbols.ROUTE_STYLE["hsr"]["color"].lstrip("#")
    assert f"ff{hsr[4:6]}{hsr[2:4]}{hsr[0:2]}" in text  # KML colours are aabbggrr
    assert "Shaodong City" in text and "Infrastructure (infrastructure)" in text


def test_gis_file_geopackage_in_cgcs2000(report, counties, tmp_path):
    import geopandas as gpd

    path = tmp_path / "x.gpkg"
    path.write_bytes(
        explorer_view.gis_file(
            report, counties, mine=False, fmt="gpkg", crs="4490", lang="zh"
        ).content
    )
    routes = gpd.read_file(path, layer="routes")
    assert routes.crs.to_epsg() == 4490
    assert "基础设施" in set(routes["category_label"])
    assert len(routes) == int((report.geometry.geom_type == "LineString").sum())
