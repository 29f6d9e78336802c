"""Exports: CSV with a BOM, XLSX with a column dictionary, GeoJSON; formulas never run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from data import export
from data.export import Column


@pytest.fixture
def frame():
    """Two rows with a formula-like name, a date, a Decimal, a list and a missing value."""
    return pd.DataFrame(
        {
            "name_zh": ['=HYPERLINK("http://evil","点我")', "产业园"],
            "note": ["+1", "@SUM(A1)"],
            "unit": ["-2", "\tx"],
            "investment_yi": [Decimal("12.5"), None],
            "amount": [-3.5, 1.0],
            "start_date": [dt.date(2024, 3, 1), None],
            "counties": [["430582", "430522"], []],
            "lon": [111.744, None],
            "lat": [27.258, None],
        }
    )


COLUMNS = (
    Column("name_zh", "项目名称", "project name"),
    Column("investment_yi", "总投资", "total investment", "说明", "what it is", "亿元"),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1", "'＝1"),
        ("  =1", "'  =1"),
        ("a=1", "a=1"),
        ("", ""),
        (-1, -1),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


def test_csv_has_a_bom_and_neutralised_cells(frame):
    content = export.to_csv_bytes(frame)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0]["name_zh"] == '\'=HYPERLINK("http://evil","点我")'
    assert (rows[0]["note"], rows[1]["note"]) == ("'+1", "'@SUM(A1)")
    assert (rows[0]["unit"], rows[1]["unit"]) == ("'-2", "'\tx")
    assert rows[0]["amount"] == "-3.5"  # a number stays a number
    assert rows[0]["investment_yi"] == "12.5" and rows[1]["investment_yi"] == ""
    assert rows[0]["start_date"] == "2024-03-01"
    assert rows[0]["counties"] == "430582,430522"
    assert rows[1]["name_zh"] == "产业园"


def test_xlsx_data_is_text_and_has_a_dictionary_sheet(frame):
    content = export.to_xlsx_bytes(frame, COLUMNS, title="=evil title")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["data", "字段说明 columns"]
    data = book["data"]
    assert [c.value for c in data[1]] == list(frame.columns)
    name = data["A2"]
    assert name.data_type == "s" and name.value.startswith("'=")
    assert data["E2"].value == -3.5 and data["E2"].data_type == "n"
    for row in data.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    info = book["字段说明 columns"]
    assert info["A1"].value == "'=evil title"
    rows = [[c.value for c in row] for row in info.iter_rows(min_row=3)]
    assert rows[0] == ["column", "名称", "label", "单位 unit", "说明", "description"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == set(frame.columns)
    assert by_name["investment_yi"][1:] == [
        "总投资",
        "total investment",
        "亿元",
        "说明",
        "what it is",
    ]
    assert by_name["lon"][1] == "lon"  # undocumented columns are listed, not dropped


def test_xlsx_survives_control_characters():
    frame = pd.DataFrame({"name_zh": ["a\x01b\x1bc", "x" * 40000]})
    book = load_workbook(io.BytesIO(export.to_xlsx_bytes(frame)))
    assert book["data"]["A2"].value == "a\\x01b\\x1bc"
    assert len(book["data"]["A3"].value) == 32767


def test_geojson_points_from_lon_lat(frame):
    doc = json.loads(export.to_geojson_bytes(frame))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 2
    first, second = doc["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [111.744, 27.258]}
    assert second["geometry"] is None
    assert first["properties"]["name_zh"] == frame.loc[0, "name_zh"]  # verbatim, not neutralised
    assert first["properties"]["investment_yi"] == "12.5"
    assert first["properties"]["counties"] == "430582,430522"


def test_geojson_from_a_geodataframe():
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame(
        {"id": ["r"], "name_zh": ["路"]},
        geometry=[shapely.LineString([(111.1234567, 27.0), (111.2, 27.1)])],
        crs="EPSG:4326",
    )
    doc = json.loads(export.to_geojson_bytes(gdf))
    (feature,) = doc["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == [111.123457, 27.0]
    assert feature["properties"] == {"id": "r", "name_zh": "路"}
    assert "geometry" not in export.spreadsheet_frame(gdf).columns


def test_user_data_dictionary_covers_the_store_export():
    from data.store import EXPORT_COLUMNS

    assert [c.name for c in export.USER_DATA_COLUMNS] == list(EXPORT_COLUMNS)


def test_a_cell_after_a_semicolon_stays_text_when_opened_with_semicolons():
    frame = pd.DataFrame({"name": ["x;=5+5", "a\t@SUM(1)"], "n": [1.5, 2]})
    text = export.to_csv_bytes(frame).decode("utf-8-sig")
    for separator in (";", "\t", ","):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            assert not any(cell.startswith(export.FORMULA_TRIGGERS) for cell in row), row
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["x;=5+5", "1.5"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_user_data_for_people_speaks_the_language_and_reimports(tmp_path, lang):
    from data import importer
    from data.store import ProjectStore

    store = ProjectStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    rows = (
        "项目名称,县市区,类别,状态,总投资,报告条目编号\n"
        "甲,邵东市、新宁县,基础设施,在建,12.5亿元,\n"
        "乙,全市,,,,\n"
        ",,,建成,5亿元,shaoyong-hsr\n"
    )
    plan = importer.plan_import(rows.encode(), "a.csv", existing=store.existing())
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="t")
    shown = export.user_data_for_people(store.export_frame(), lang, importer.county_names())
    text = " ".join(str(v) for v in shown.to_numpy().ravel() if v is not None)
    headings = list(shown.columns)
    if lang == "zh":
        assert {"项目名称", "县市区", "县市区代码", "状态", "状态代码", "总投资(亿元)"} <= set(
            headings
        )
        assert "邵东市、新宁县" in text and "在建" in text and "基础设施" in text
    else:
        assert {"project name", "counties", "county adcodes", "status", "status code"} <= set(
            headings
        )
        assert "Shaodong City, Xinning County" in text and "under construction" in text
    assert "None" not in text and "cat_" not in text
    codes = "县市区代码" if lang == "zh" else "county adcodes"
    assert "430582,430528" in set(shown[codes])
    assert [c.name for c in export.user_data_columns(lang)] == headings
    again = importer.plan_import(export.to_csv_bytes(shown), "b.csv", existing=store.existing())
    assert again.ok, [p.line("en") for p in again.problems]
    result = store.apply_import(again, actor="t")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 3)
    store.close()
