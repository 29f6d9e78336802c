"""The importer: every bad input gets a clear, located message; good input becomes records."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import numpy as np
import pytest

from data import importer
from data.importer import Existing, Problem, plan_import
from geo import datum


def csv_plan(text: str, encoding: str = "utf-8", **kwargs) -> importer.ImportPlan:
    return plan_import(text.encode(encoding), "test.csv", **kwargs)


def codes(result: importer.ImportPlan) -> list[str]:
    return [p.code for p in result.problems]


def one_problem(result: importer.ImportPlan) -> Problem:
    assert len(result.problems) == 1, [p.line("en") for p in result.problems]
    return result.problems[0]


def one_project(text: str, **kwargs) -> importer.ProjectRecord:
    result = csv_plan(text, **kwargs)
    assert result.ok, [p.line("en") for p in result.problems]
    (project,) = result.projects
    return project


# ---------------------------------------------------------------- encodings and formats

ROW = "项目名称,县市区,总投资\n产业园,邵东市,12.5亿元\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (ROW.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ROW.encode("utf-8"), "utf-8-sig"),
        (ROW.encode("gbk"), "gb18030"),
        (ROW.encode("gb18030"), "gb18030"),
        (ROW.replace(",", "\t").encode("utf-16"), "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-tab"],
)
def test_reads_every_encoding_excel_writes(content, encoding):
    result = plan_import(content, "projects.csv")
    assert result.ok, [p.line("en") for p in result.problems]
    assert result.encoding == encoding
    (project,) = result.projects
    assert project.name_zh == "产业园" and project.counties == ("430582",)


def test_gbk_only_characters_survive():
    """A GBK file whose bytes happen to be invalid UTF-8 is read as GBK, not mangled."""
    text = "项目名称,县市区\n邵东市佘湖山旅游区,邵东\n"
    assert one_project(text, encoding="gbk").name_zh == "邵东市佘湖山旅游区"


def test_random_binary_is_not_text():
    problem = one_problem(plan_import(bytes([0x81, 0x30, 0x81, 0xFF]) * 10, "x.csv"))
    assert problem.code == "not_text"
    assert "UTF-8" in problem.en and "GBK" in problem.zh


def test_malformed_csv_unbalanced_quote():
    problem = one_problem(csv_plan('项目名称,县市区\n"产业园,邵东\n'))
    assert problem.code == "malformed_csv" and problem.row is None
    assert "quote" in problem.en and "引号" in problem.zh


def test_row_with_more_cells_than_header():
    problem = one_problem(csv_plan("项目名称,县市区\n产业园,邵东,extra\n"))
    assert (problem.code, problem.row) == ("row_too_long", 2)


def test_semicolon_and_tab_delimiters():
    assert one_project("项目名称;县市区\n产业园;邵东\n").counties == ("430582",)
    assert one_project("项目名称\t县市区\n产业园\t邵东\n").counties == ("430582",)


def test_empty_and_header_only_files():
    assert codes(csv_plan("")) == ["empty_file"]
    assert codes(csv_plan("项目名称,县市区\n")) == ["no_rows"]


def test_file_too_large_states_the_limit():
    problem = one_problem(plan_import(b"a" * (importer.MAX_BYTES + 1), "big.csv"))
    assert problem.code == "file_too_large"
    assert "20 MB" in problem.en and "50,000" in problem.en and "20 MB" in problem.zh


def test_too_many_rows():
    text = "项目名称,县市区\n" + "产业园,邵东\n" * (importer.MAX_ROWS + 1)
    problem = one_problem(csv_plan(text))
    assert problem.code == "too_many_rows" and "50,000" in problem.en


def test_old_xls_and_unknown_types():
    assert codes(plan_import(b"\xd0\xcf\x11\xe0rest", "old.xls")) == ["unsupported_format"]
    assert codes(plan_import(b"hello", "x.docx")) == ["unsupported_format"]
    assert codes(plan_import(b"not a zip", "x.xlsx")) == ["bad_xlsx"]


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_row_numbers_dates_and_a_blank_row():
    content = xlsx_bytes(
        [
            ["2024年重大项目表"],
            ["项目名称", "县市区", "总投资（亿元）", "开工时间", "竣工时间"],
            ["产业园", "邵东市", 12.5, dt.datetime(2024, 3, 1), 2026],
            [None, None, None, None, None],
            ["", "nowhere", 1, None, None],
        ]
    )
    result = plan_import(content, "projects.xlsx")
    assert result.kind == "xlsx"
    assert [(p.row, p.code) for p in result.problems] == [
        (5, "missing_name"),
        (5, "unknown_county"),
    ]
    content = xlsx_bytes(
        [
            ["项目名称", "县市区", "总投资（亿元）", "开工时间", "竣工时间", "县市区代码"],
            ["产业园", 430582, 12.5, dt.datetime(2024, 3, 1), 2026, None],
        ]
    )
    result = plan_import(content, "projects.xlsx")
    assert result.ok, [p.line("en") for p in result.problems]
    (project,) = result.projects
    assert project.investment_yi == Decimal("12.5") and project.counties == ("430582",)
    assert project.start_date == dt.date(2024, 3, 1) and project.end_date == dt.date(2026, 12, 31)


def geojson_bytes(features) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


def test_geojson_points_with_datum_option():
    gcj = (111.44439660708835, 27.220718937598154)
    content = geojson_bytes(
        [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(gcj)},
                "properties": {"name_zh": "站"},
            }
        ]
    )
    result = plan_import(content, "points.geojson", datum="gcj02")
    assert result.ok, [p.line("en") for p in result.problems]
    (project,) = result.projects
    assert project.lon == pytest.approx(111.43877780268987, abs=1e-6)
    assert project.lat == pytest.approx(27.223905373786593, abs=1e-6)
    assert project.precision == "site" and project.location_source == "coordinates (gcj02 -> wgs84)"


def test_geojson_problems_name_the_feature():
    content = geojson_bytes(
        [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[111, 27], [111.1, 27.1]]},
                "properties": {"name_zh": "路"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"name_zh": "县", "county": "新宁"},
            },
        ]
    )
    result = plan_import(content, "x.geojson")
    problem = one_problem(result)
    assert (problem.code, problem.row, problem.row_label) == ("bad_geometry", 1, "feature")
    assert problem.where("en") == "feature 1" and problem.where("zh") == "第1个要素"
    assert codes(plan_import(b"{nope", "x.geojson")) == ["bad_geojson"]
    assert codes(plan_import(b'{"type": "Feature"}', "x.geojson")) == ["bad_geojson"]


# ---------------------------------------------------------------- columns


def test_column_aliases_en_and_zh():
    en = one_project(
        "name_zh,county,lon,lat,status,investment,start_date,end_date,responsible_unit,note\n园,Shaodong City,111.744,27.258,under construction,1亿元,2024-01-01,2024-12-31,单位,n\n"
    )
    zh = one_project(
        "项目名称,县市区,经度,纬度,状态,总投资,开工时间,竣工时间,责任单位,备注\n园,邵东市,111.744,27.258,在建,1亿元,2024-01-01,2024-12-31,单位,n\n"
    )
    assert en == zh


def test_user_mapping_overrides_guessing():
    text = "Proj,Where,Money (yi)\n园,邵东,3\n"
    assert codes(csv_plan(text)) == ["missing_name_column"]
    result = csv_plan(
        text, mapping={"Proj": "name_zh", "Where": "counties", "Money (yi)": "investment_yi"}
    )
    assert result.ok and result.projects[0].investment_yi == Decimal(3)


def test_two_columns_for_one_field():
    result = csv_plan(
        "项目名称,项目,县市区\n园,园,邵东\n",
        mapping={"项目名称": "name_zh", "项目": "name_zh", "县市区": "counties"},
    )
    assert codes(result) == ["duplicate_column"]


def test_unused_columns_are_a_notice_not_an_error():
    result = csv_plan("项目名称,县市区,联系人\n园,邵东,张三\n")
    assert result.ok and [n.code for n in result.notices] == ["ignored_columns"]


def test_missing_name_column_lists_what_was_found():
    problem = one_problem(csv_plan("名字,县市区\n园,邵东\n"))
    assert problem.code == "missing_name_column"
    assert "项目名称" in problem.zh and "“名字”" in problem.en


# ---------------------------------------------------------------- row rules


def test_missing_name_is_reported_at_the_spreadsheet_row():
    problem = one_problem(csv_plan("项目名称,县市区\n园,邵东\n,新宁\n"))
    assert (problem.code, problem.row, problem.column) == ("missing_name", 3, "项目名称")
    assert problem.line("en") == "row 3, column 项目名称: the project name is missing"
    assert problem.line("zh") == "第3行“项目名称”列：缺少项目名称"


def test_blank_lines_keep_spreadsheet_numbering():
    problem = one_problem(csv_plan("项目名称,县市区\n\n园,nowhere\n"))
    assert problem.row == 3


@pytest.mark.parametrize(
    ("cell", "adcodes"),
    [
        ("邵东市", ("430582",)),
        ("邵东", ("430582",)),
        ("Shaodong", ("430582",)),
        ("shaodong city", ("430582",)),
        ("430582", ("430582",)),
        ("430582.0", ("430582",)),
        ("双清", ("430502",)),
        ("城步", ("430529",)),
        ("城步苗族自治县", ("430529",)),
        ("Chengbu Miao Autonomous County", ("430529",)),
        ("邵阳县", ("430523",)),
        ("Shaoyang County", ("430523",)),
        ("邵东市、新邵县", ("430582", "430522")),
        ("邵阳市", ()),
        ("全市", ()),
    ],
)
def test_county_names(cell, adcodes):
    assert importer.parse_counties(cell) == adcodes


@pytest.mark.parametrize("cell", ["长沙市", "430102", "邵阳", "Beijing"])
def test_unknown_county(cell):
    problem = one_problem(csv_plan(f"项目名称,县市区\n园,{cell}\n"))
    assert (problem.code, problem.row, problem.column) == ("unknown_county", 2, "县市区")
    if cell == "邵阳":
        assert "邵阳县" in problem.zh and "邵阳县" in problem.en
    else:
        assert "430582" in problem.en


def test_citywide_project():
    project = one_project("项目名称,县市区\n全市项目,全市\n")
    assert project.precision == "citywide" and project.counties == ()


def test_no_location_at_all():
    problem = one_problem(csv_plan("项目名称,县市区\n园,\n"))
    assert problem.code == "no_location" and "county" in problem.en


# ---------------------------------------------------------------- coordinates


def test_coordinates_in_shaoyang_find_their_county():
    project = one_project("项目名称,经度,纬度\n园,111.744,27.258\n")
    assert project.counties == ("430582",) and project.precision == "site"
    assert (project.lon, project.lat) == (111.744, 27.258)


def test_swapped_lat_lon_is_detected_and_explained():
    problem = one_problem(csv_plan("项目名称,经度,纬度\n园,27.258,111.744\n"))
    assert problem.code == "latlon_swapped" and problem.row == 2
    assert "swapped" in problem.en and "lon 111.744, lat 27.258" in problem.en
    assert "填反" in problem.zh and "邵东市" in problem.zh


def test_coordinates_outside_shaoyang():
    problem = one_problem(csv_plan("项目名称,经度,纬度\n天安门,116.391,39.907\n"))
    assert problem.code == "outside_shaoyang" and "outside Shaoyang" in problem.en
    assert "109.8" in problem.en


@pytest.mark.parametrize("cells", ["abc,27.2", "111.5,", "999,999", "inf,27"])
def test_bad_coordinates(cells):
    result = csv_plan(f"项目名称,经度,纬度\n园,{cells}\n")
    assert (
        set(codes(result)) <= {"bad_coordinate", "half_coordinate", "outside_shaoyang"}
        and result.problems
    )


def test_dms_coordinates():
    project = one_project("项目名称,经度,纬度\n园,111°44′38.4″E,27°15′28.8″N\n")
    assert project.lon == pytest.approx(111.744) and project.lat == pytest.approx(27.258)


def test_coordinates_and_county_disagree():
    problem = one_problem(csv_plan("项目名称,县市区,经度,纬度\n园,新宁县,111.744,27.258\n"))
    assert (
        problem.code == "county_mismatch" and "Shaodong" in problem.en and "Xinning" in problem.en
    )


def test_gcj02_row_datum_is_converted():
    project = one_project(
        "项目名称,经度,纬度,坐标系\n站,111.44439660708835,27.220718937598154,高德\n"
    )
    assert project.lon == pytest.approx(111.43877780268987, abs=1e-6)
    assert project.lat == pytest.approx(27.223905373786593, abs=1e-6)


def test_bd09_round_trip_and_conversion():
    lon, lat = np.array([111.44439660708835, 110.5]), np.array([27.220718937598154, 26.4])
    b_lon, b_lat = datum.gcj02_to_bd09(lon, lat)
    # Baidu adds roughly +0.0065 lon, +0.006 lat around here.
    assert np.all(np.abs(b_lon - lon - 0.0065) < 0.001) and np.all(
        np.abs(b_lat - lat - 0.006) < 0.001
    )
    g_lon, g_lat = datum.bd09_to_gcj02(b_lon, b_lat)
    assert np.max(np.abs(g_lon - lon)) < 1e-9 and np.max(np.abs(g_lat - lat)) < 1e-9
    bd = datum.gcj02_to_bd09(111.44439660708835, 27.220718937598154)
    project = one_project(f"项目名称,经度,纬度,坐标系\n站,{float(bd[0])!r},{float(bd[1])!r},百度\n")
    assert project.lon == pytest.approx(111.43877780268987, abs=1e-6)
    assert project.location_source == "coordinates (bd09 -> wgs84)"


def test_wrong_datum_value():
    problem = one_problem(csv_plan("项目名称,经度,纬度,坐标系\n园,111.744,27.258,UTM49\n"))
    assert (problem.code, problem.column) == ("unknown_datum", "坐标系")
    assert "gcj02" in problem.en and "百度" in problem.zh
    assert codes(csv_plan("项目名称,县市区\n园,邵东\n", datum="mercator")) == ["unknown_datum"]


# ---------------------------------------------------------------- towns


def test_town_from_the_offline_gazetteer():
    project = one_project("项目名称,乡镇\n园,六都寨镇\n")
    assert project.precision == "town" and project.counties == ("430524",)
    assert project.location_source.startswith("GeoNames ")
    assert one_project("项目名称,乡镇,县市区\n园,Liuduzhai,隆回\n").lon == project.lon


def test_unknown_town_without_county_is_an_error():
    problem = one_problem(csv_plan("项目名称,乡镇\n园,廉桥镇\n"))
    assert problem.code == "unknown_town" and "GeoNames" in problem.en


def test_unknown_town_with_county_falls_back_with_a_notice():
    result = csv_plan("项目名称,乡镇,县市区\n园,廉桥镇,邵东\n")
    assert result.ok and result.projects[0].precision == "county"
    assert [n.code for n in result.notices] == ["town_not_found"]


def test_town_in_another_county():
    problem = one_problem(csv_plan("项目名称,乡镇,县市区\n园,六都寨,新宁\n"))
    assert problem.code == "town_county_mismatch" and "Longhui" in problem.en


# ---------------------------------------------------------------- amounts, dates, vocabularies


@pytest.mark.parametrize(
    ("cell", "unit", "value"),
    [
        ("12.5亿元", None, "12.5"),
        ("12.5 亿", None, "12.5"),
        ("3000万元", None, "0.3"),
        ("1,200万元", None, "0.12"),
        ("１２.５亿元", None, "12.5"),
        ("50000000元", None, "0.5"),
        ("12.5", "亿元", "12.5"),
        ("3000", "万元", "0.3"),
        ("3000万元", "亿元", "0.3"),
        (12.5, "亿元", "12.5"),
        ("", None, None),
    ],
)
def test_amounts(cell, unit, value):
    assert importer.parse_amount(cell, unit) == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("12.5", "amount_without_unit"),
        (12.5, "amount_without_unit"),
        ("十二亿", "bad_amount"),
        ("12.5美元", "bad_amount"),
        ("约12亿元", "bad_amount"),
        ("-3亿元", "negative_amount"),
        ("1e9亿元", "bad_amount"),
        ("99999999亿元", "bad_amount"),
    ],
)
def test_bad_amounts(cell, code):
    with pytest.raises(importer.CellError) as info:
        importer.parse_amount(cell)
    assert info.value.code == code


def test_unitless_amount_message_says_what_would_be_right():
    problem = one_problem(csv_plan("项目名称,县市区,总投资\n园,邵东,12.5\n"))
    assert (problem.code, problem.row, problem.column) == ("amount_without_unit", 2, "总投资")
    assert "12.5亿元" in problem.en and "12.5万元" in problem.en and "总投资（亿元）" in problem.zh


def test_amount_unit_from_the_heading():
    assert one_project("项目名称,县市区,总投资（万元）\n园,邵东,3000\n").investment_yi == Decimal(
        "0.3"
    )
    assert one_project("项目名称,县市区,投资额(亿元)\n园,邵东,2\n").investment_yi == Decimal(2)


@pytest.mark.parametrize(
    ("cell", "end", "expected"),
    [
        ("2024-03-01", False, dt.date(2024, 3, 1)),
        ("2024/3/1", False, dt.date(2024, 3, 1)),
        ("2024.3.1", False, dt.date(2024, 3, 1)),
        ("2024年3月1日", False, dt.date(2024, 3, 1)),
        ("20240301", False, dt.date(2024, 3, 1)),
        ("2024-03-01 00:00:00", False, dt.date(2024, 3, 1)),
        ("2024年2月", True, dt.date(2024, 2, 29)),
        ("2024-02", False, dt.date(2024, 2, 1)),
        ("2025", True, dt.date(2025, 12, 31)),
        (2025, False, dt.date(2025, 1, 1)),
        (dt.datetime(2024, 5, 6, 7, 8), False, dt.date(2024, 5, 6)),
        ("", False, None),
    ],
)
def test_dates(cell, end, expected):
    assert importer.parse_date(cell, end=end) == expected


@pytest.mark.parametrize(
    "cell", ["next year", "2024-02-30", "2024-13-01", "3/1/2024", "45352", "1066"]
)
def test_bad_dates(cell):
    problem = one_problem(csv_plan(f"项目名称,县市区,开工时间\n园,邵东,{cell}\n"))
    assert (problem.code, problem.column) == ("bad_date", "开工时间")
    assert "2024-03-01" in problem.en or "no such day" in problem.en


def test_end_before_start():
    problem = one_problem(
        csv_plan("项目名称,县市区,开工时间,竣工时间\n园,邵东,2025-01-01,2024-12-31\n")
    )
    assert (problem.code, problem.column) == ("end_before_start", "竣工时间")
    assert "before the start date 2025-01-01" in problem.en


def test_status_and_category_vocabularies():
    project = one_project("项目名称,县市区,状态,类别\n园,邵东,续建,文旅\n")
    assert (project.status, project.category) == ("under_construction", "tourism")
    problem = one_problem(csv_plan("项目名称,县市区,状态\n园,邵东,soon\n"))
    assert problem.code == "unknown_status" and "谋划" in problem.zh and "planned" in problem.en
    problem = one_problem(csv_plan("项目名称,县市区,类别\n园,邵东,奇怪\n"))
    assert problem.code == "unknown_category" and "infrastructure" in problem.en


# ---------------------------------------------------------------- duplicates and ids


def test_duplicate_rows_in_one_file():
    problem = one_problem(csv_plan("项目名称,县市区\n产业园,邵东\n产业 园,邵东市\n"))
    assert (problem.code, problem.row) == ("duplicate_in_file", 3)
    assert "row 2" in problem.en
    assert csv_plan("项目名称,县市区\n产业园,邵东\n产业园,新宁\n").ok


def test_duplicate_of_a_stored_project():
    existing = Existing(
        {importer.dedupe_key("产业园", ["430582"]): "p-0123456789ab"}, frozenset({"p-0123456789ab"})
    )
    problem = one_problem(csv_plan("项目名称,县市区\n产业园,邵东\n", existing=existing))
    assert problem.code == "duplicate_existing" and "p-0123456789ab" in problem.en
    result = csv_plan("项目编号,项目名称,县市区\np-0123456789ab,产业园,邵东\n", existing=existing)
    assert result.ok and result.projects[0].project_id == "p-0123456789ab"


def test_unknown_project_id():
    problem = one_problem(csv_plan("项目编号,项目名称,县市区\np-ffffffffffff,产业园,邵东\n"))
    assert problem.code == "unknown_project_id"


def test_annotation_rows():
    result = csv_plan("报告条目编号,状态,总投资\nshaoyong-hsr,在建,96亿元\n")
    assert result.ok and result.projects == []
    (note,) = result.annotations
    assert (note.initiative_id, note.status, note.investment_yi) == (
        "shaoyong-hsr",
        "under_construction",
        Decimal(96),
    )
    assert codes(csv_plan("报告条目编号,状态\nno-such-thing,在建\n")) == ["unknown_initiative"]
    assert codes(csv_plan("报告条目编号,状态\nshaoyong-hsr,在建\nshaoyong-hsr,建成\n")) == [
        "duplicate_in_file"
    ]
    both = csv_plan("项目编号,报告条目编号,项目名称\np-0123456789ab,shaoyong-hsr,x\n")
    assert codes(both) == ["conflicting_ids"]


def test_all_problems_of_a_file_are_listed_and_no_record_is_kept():
    result = csv_plan("项目名称,县市区,总投资,开工时间\n好,邵东,1亿元,2024\n,nowhere,12.5,soon\n")
    assert [(p.row, p.code) for p in result.problems] == [
        (3, "missing_name"),
        (3, "unknown_county"),
        (3, "amount_without_unit"),
        (3, "bad_date"),
    ]
    assert result.projects == [] and not result.ok


# ---------------------------------------------------------------- hostile text

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(document.cookie)",
    "\u202egnp.exe",
    "名称\u200f\u200e",
    '=HYPERLINK("http://evil","x")',
    "x" * 300,
]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_names_are_kept_verbatim(name):
    quoted = '"' + name.replace('"', '""') + '"'
    project = one_project(f"项目名称,县市区,备注\n{quoted},邵东,{quoted}\n")
    assert project.name_zh == name and project.note == name


def test_too_long_and_nul_text():
    assert codes(csv_plan(f"项目名称,县市区\n{'x' * 301},邵东\n")) == ["text_too_long"]
    assert codes(csv_plan("项目名称,县市区\na\x00b,邵东\n")) == ["nul_character"]


def test_a_hostile_cell_cannot_break_the_cli_line():
    problem = one_problem(csv_plan('项目名称,县市区\n园,"\x1b[2J\r\nrow 9: fine\u202e"\n'))
    line = problem.line("both")
    assert "\x1b" not in line and "\n" not in line and "\r" not in line and "\u202e" not in line
    assert "\\u001b" in line


def test_neutralised_export_cells_come_back_as_typed():
    assert one_project("项目名称,县市区\n'=1+1,邵东\n").name_zh == "=1+1"
    assert one_project("项目名称,县市区\n'plain,邵东\n").name_zh == "'plain"


# ---------------------------------------------------------------- CLI


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SHAOYANG_READ_ONLY", raising=False)
    return tmp_path


def run_cli(args, capsys):
    from data import admin

    code = admin.main(["import", *(str(a) for a in args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_valid_file(cli_env, capsys):
    path = cli_env / "ok.csv"
    path.write_bytes("项目名称,县市区,总投资\n甲,邵东,1亿元\n乙,新宁,2亿元\n".encode("gbk"))
    code, out, _ = run_cli([path, "--dry-run"], capsys)
    assert code == 0 and "2 added" in out and "dry run" in out
    code, out, _ = run_cli([path, "--user", "li"], capsys)
    assert (code, out.strip()) == (0, "2 added, 0 updated, 0 unchanged")
    from data.store import open_store

    store = open_store()
    assert [p["name_zh"] for p in store.list_projects()] == ["甲", "乙"]
    assert store.change_log()[0]["actor"] == "cli:li"


def test_cli_invalid_file_prints_one_line_per_problem_and_writes_nothing(cli_env, capsys):
    path = cli_env / "bad.csv"
    path.write_text(
        "项目名称,县市区,总投资\n甲,邵东,1亿元\n,nowhere,12.5\n乙,新宁,2亿元\n", encoding="utf-8"
    )
    code, out, err = run_cli([path, "--lang", "en"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "row 3, column 项目名称: the project name is missing",
        "row 3, column 县市区: “nowhere” is not one of Shaoyang's 12 counties; use the Chinese or English name, a short name or the 6-digit adcode, e.g. 邵东市、邵东、Shaodong、430582",
        "row 3, column 总投资: amount “12.5” has no unit: write 12.5亿元 or 12.5万元, or name the column 总投资（亿元）",
    ]
    assert "nothing imported" in err
    from data.store import open_store

    assert open_store().list_projects() == []


def test_cli_datum_option(cli_env, capsys):
    path = cli_env / "gcj.csv"
    path.write_text(
        "项目名称,经度,纬度\n站,111.44439660708835,27.220718937598154\n", encoding="utf-8"
    )
    code, out, _ = run_cli([path, "--datum", "gcj02"], capsys)
    assert code == 0
    from data.store import open_store

    (project,) = open_store().list_projects()
    assert project["lon"] == pytest.approx(111.43877780268987, abs=1e-6)


def test_cli_read_only(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("SHAOYANG_READ_ONLY", "1")
    path = cli_env / "ok.csv"
    path.write_text("项目名称,县市区\n甲,邵东\n", encoding="utf-8")
    code, _, err = run_cli([path], capsys)
    assert code == 2 and "read-only" in err


def test_cli_missing_file(cli_env, capsys):
    code, _, err = run_cli([cli_env / "nope.csv"], capsys)
    assert code == 2 and "cannot read" in err


def test_batch_border_search_agrees_with_geo_spatial():
    """importer.nearest_counties is the vectorised twin of geo.spatial.county_of_point."""
    from geo.counties import load_counties
    from geo.spatial import county_of_point

    counties = load_counties()
    # The city's westmost vertex, then 300 m and 3 km further west (one within tolerance, one not).
    x, y = min(counties.union_all().exterior.coords)
    lon = np.array([x - 0.003, x - 0.03, 110.0, 109.8, 111.744, 116.39])
    lat = np.array([y, y, 26.10, 26.5, 27.258, 39.9])
    expected = [county_of_point(counties, x, y).adcode for x, y in zip(lon, lat, strict=True)]
    inside = importer.counties_at(lon, lat)
    outside = [i for i, c in enumerate(inside) if c is None]
    near = importer.nearest_counties(lon[outside], lat[outside])
    got = list(inside)
    for i, adcode in zip(outside, near, strict=True):
        got[i] = adcode
    assert got == expected
    assert inside[0] is None and got[0] is not None  # just over the border: the nearest county
    assert got[1] is None and got[-1] is None
