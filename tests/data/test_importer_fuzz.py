"""Property-based fuzzing of the importer: random files and cells never crash it, and an import
either stores every record of a file or none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import importer
from data.store import ProjectStore
from tests.data.store_backends import BACKENDS, backend_url

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # deterministic: the same examples on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HEADERS = [
    "项目名称",
    "县市区",
    "乡镇",
    "经度",
    "纬度",
    "坐标系",
    "状态",
    "总投资",
    "开工时间",
    "竣工时间",
    "报告条目编号",
    "项目编号",
    "备注",
    "类别",
]

# Cells that are sometimes valid and sometimes subtly wrong, plus arbitrary text.
plausible_cells = st.one_of(
    st.sampled_from(
        [
            "邵东市",
            "邵东",
            "新宁",
            "430582",
            "Shaodong",
            "全市",
            "nowhere",
            "邵阳",
            "六都寨",
            "廉桥镇",
        ]
        + ["111.744", "27.258", "27.258 ", "-1", "1e400", "nan", "inf", "111°44′38″E"]
        + ["wgs84", "gcj02", "bd09", "utm"]
        + ["在建", "谋划", "建成", "soon"]
        + ["12.5亿元", "3000万元", "12.5", "-3亿元", "1,200万元", "十亿"]
        + ["2024-03-01", "2024年3月", "2025", "2024-02-30", "next year"]
        + ["shaoyong-hsr", "no-such-item", "p-000000000000", "文旅", "基础设施", "?"]
        + ["<script>alert(1)</script>", "=1+1", "'=1+1", "\u202e", ""]
    ),
    st.text(max_size=30),
)


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


@pytest.fixture(scope="module", params=BACKENDS)
def store(request, tmp_path_factory):
    """One store per backend for the whole module (examples accumulate, as in real use)."""
    s = ProjectStore(backend_url(request.param, tmp_path_factory.mktemp("fuzz")))
    yield s
    s.close()


def snapshot(store: ProjectStore):
    """Everything the store holds, comparable with == (JSON, so NaN equals NaN)."""
    return store.export_frame().to_json(orient="records", date_format="iso"), len(
        store.change_log(limit=10_000)
    )


@FUZZ
@given(
    content=st.binary(max_size=2000),
    suffix=st.sampled_from([".csv", ".xlsx", ".geojson", ".json", ".txt", ""]),
)
def test_random_bytes_never_crash(content, suffix):
    result = importer.plan_import(content, "fuzz" + suffix)
    assert isinstance(result, importer.ImportPlan)
    if not result.ok:
        assert result.projects == [] and result.annotations == []
    for problem in result.problems:
        assert "\n" not in problem.line()


@FUZZ
@given(
    columns=st.lists(st.sampled_from(HEADERS + ["other", ""]), min_size=1, max_size=8, unique=True),
    rows=st.lists(st.lists(plausible_cells, min_size=0, max_size=9), min_size=0, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    datum=st.sampled_from(["wgs84", "gcj02", "bd09"]),
)
def test_random_tables_import_all_or_nothing(store, columns, rows, encoding, datum):
    content = csv_bytes(columns, rows, encoding)
    result = importer.plan_import(content, "fuzz.csv", datum=datum, existing=store.existing())
    before = snapshot(store)
    if not result.ok:
        with pytest.raises(ValueError):
            store.apply_import(result, actor="fuzz")
        assert snapshot(store) == before
        return
    projects_before = len(store.list_projects())
    outcome = store.apply_import(result, actor="fuzz")
    new_projects = sum(1 for p in result.projects if p.project_id is None)
    assert len(store.list_projects()) == projects_before + new_projects
    assert outcome.added + outcome.updated + outcome.unchanged == len(result.projects) + len(
        result.annotations
    )
    for record in result.projects:
        assert record.name_zh and len(record.name_zh) <= importer.MAX_NAME_CHARS
        if record.lon is not None:
            assert 109 < record.lon < 113 and 25 < record.lat < 28


@FUZZ
@given(
    good=st.integers(min_value=1, max_value=5),
    bad_at=st.integers(min_value=0, max_value=5),
    bad_cell=st.sampled_from(["nowhere", "12.5", "2024-02-30", "soon"]),
)
def test_one_bad_row_blocks_the_whole_file(store, good, bad_at, bad_cell):
    rows = [[f"fuzz-{good}-{i}-{bad_cell}", "邵东", "1亿元", "2024", "在建"] for i in range(good)]
    bad = ["坏行", "邵东", "1亿元", "2024", "在建"]
    bad[{"nowhere": 1, "12.5": 2, "2024-02-30": 3, "soon": 4}[bad_cell]] = bad_cell
    rows.insert(min(bad_at, len(rows)), bad)
    content = csv_bytes(["项目名称", "县市区", "总投资", "开工时间", "状态"], rows, "utf-8")
    result = importer.plan_import(content, "mixed.csv", existing=store.existing())
    assert not result.ok and result.projects == []
    assert [p.row for p in result.problems] == [min(bad_at, good) + 2]


xlsx_cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.booleans(),
    plausible_cells.filter(lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s)),
)


@settings(FUZZ, max_examples=25)
@given(
    columns=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True),
    rows=st.lists(st.lists(xlsx_cells, max_size=7), max_size=5),
)
def test_random_xlsx_never_crashes(columns, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = importer.plan_import(buffer.getvalue(), "fuzz.xlsx")
    assert result.ok or (result.projects == [] and result.annotations == [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | plausible_cells,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
features = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"type": st.just("Point"), "coordinates": st.lists(json_values, max_size=3)}
            ),
            json_values,
        ),
        "properties": st.one_of(
            st.dictionaries(
                st.sampled_from(["name_zh", "counties", "status", "lon", "x"]), json_values
            ),
            json_values,
        ),
    }
)


@FUZZ
@given(items=st.lists(features, max_size=5))
def test_random_geojson_never_crashes(items):
    content = json.dumps({"type": "FeatureCollection", "features": items}).encode()
    result = importer.plan_import(content, "fuzz.geojson")
    assert result.ok or (result.projects == [] and result.annotations == [])
