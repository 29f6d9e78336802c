"""Validation: a table of cells to an :class:`ImportPlan` of records and located problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from data.fields import ANNOTATION_FIELDS
from data.importer.cells import (
    cell_text,
    check_text,
    parse_amount,
    parse_category,
    parse_coordinate,
    parse_date,
    parse_datum,
    parse_status,
)
from data.importer.columns import FIELD_BY_NAME, FIELDS, _key, guess_mapping
from data.importer.places import (
    _near_city,
    counties_at,
    county_label,
    find_town,
    nearest_counties,
    parse_counties,
    to_wgs84,
)
from data.importer.problems import CellError, FileProblem, Problem, show
from data.importer.readers import (
    FormulaWithoutValue,
    Table,
    _blank,
    _GeometryError,
    read_table,
)
from data.importer.sandbox import read_table_isolated
from data.loaders import report_initiatives


@dataclass(frozen=True)
class ProjectRecord:
    """A user project ready to store (WGS-84, amounts in 亿元)."""

    row: int
    project_id: str | None
    name_zh: str
    name_en: str | None
    counties: tuple[str, ...]
    town: str | None
    lon: float | None
    lat: float | None
    precision: str
    location_source: str
    category: str | None
    status: str | None
    investment_yi: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    responsible_unit: str | None
    note: str | None

    def fields(self) -> dict[str, Any]:
        """The stored fields (everything but the row number and the id)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("row", "project_id")}


@dataclass(frozen=True)
class AnnotationRecord:
    """Figures a user adds to a report initiative."""

    row: int
    initiative_id: str
    status: str | None
    investment_yi: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    responsible_unit: str | None
    note: str | None

    def fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("row", "initiative_id")}


def dedupe_key(name_zh: str, counties: Iterable[str]) -> str:
    """What makes two projects the same: the name (case, width and spaces ignored) and counties."""
    return f"{_key(name_zh)}|{','.join(sorted(counties))}"


@dataclass(frozen=True)
class Existing:
    """What the store already holds, for duplicate and id checks."""

    project_keys: Mapping[str, str] = field(default_factory=dict)  # dedupe key -> project id
    project_ids: frozenset[str] = frozenset()


@dataclass
class ImportPlan:
    """The outcome of validating a file: records to store and every problem found."""

    source: str
    kind: str | None
    encoding: str | None
    rows_read: int
    projects: list[ProjectRecord]
    annotations: list[AnnotationRecord]
    problems: list[Problem]
    notices: list[Problem]
    mapping: dict[str, str]
    # The records of the rows without a problem, kept while `problems` is not empty so that the
    # user may import them and skip the rest (see skipping_problems).
    valid_projects: list[ProjectRecord] = field(default_factory=list)
    valid_annotations: list[AnnotationRecord] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    problem_cells: dict[int, list[Any]] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def can_skip(self) -> bool:
        """Whether every problem belongs to a row and some rows are fine: then those can be
        imported and the problem rows skipped."""
        return (
            bool(self.problems)
            and all(p.row is not None for p in self.problems)
            and bool(self.valid_projects or self.valid_annotations)
        )

    @property
    def skipped_row_count(self) -> int:
        return len({p.row for p in (self.skipped or self.problems)})

    def skipping_problems(self) -> ImportPlan:
        """The plan of the valid rows only (still one transaction when applied); the problems
        move to ``skipped``."""
        if not self.can_skip:
            raise ValueError("only a file whose problems are all in rows can skip them")
        return ImportPlan(
            self.source,
            self.kind,
            self.encoding,
            self.rows_read,
            list(self.valid_projects),
            list(self.valid_annotations),
            [],
            list(self.notices),
            dict(self.mapping),
            headers=list(self.headers),
            problem_cells=dict(self.problem_cells),
            skipped=list(self.problems),
        )

    def skipped_rows_csv(self, lang: str = "both") -> bytes:
        """The problem rows as they were in the file, each with its messages in front: a CSV
        (UTF-8 with BOM, formula-like cells neutralised) to fix and import again."""
        import pandas as pd

        from data.export import to_csv_bytes

        problems = self.skipped or self.problems
        messages: dict[int, list[str]] = {}
        for problem in problems:
            if problem.row is not None:
                text = {"zh": problem.zh, "en": problem.en}.get(
                    lang
                ) or f"{problem.zh} | {problem.en}"
                where = f"{problem.column}: " if problem.column else ""
                messages.setdefault(problem.row, []).append(where + text)
        label_row = {"zh": "行号", "en": "row"}.get(lang, "行号 row")
        label_problem = {"zh": "问题", "en": "problem"}.get(lang, "问题 problem")
        width = len(self.headers)
        rows = []
        for number in sorted(messages):
            cells = list(self.problem_cells.get(number, []))[:width]
            cells += [None] * (width - len(cells))
            rows.append([number, "；".join(messages[number]), *(_raw_text(c) for c in cells)])
        headers = [
            label_row,
            label_problem,
            *[h or f"({i + 1})" for i, h in enumerate(self.headers)],
        ]
        # Positional columns: two headings may coincide after the messages are added.
        frame = pd.DataFrame(rows, columns=range(len(headers)))
        frame.columns = headers
        return to_csv_bytes(frame)

    def problem_rows(self) -> list[dict[str, Any]]:
        """The problems as plain rows for a table (row, column, zh, en)."""
        return [
            {"row": p.row, "column": p.column, "code": p.code, "zh": p.zh, "en": p.en}
            for p in self.problems
        ]


def _raw_text(cell: Any) -> str:
    """A cell as the file held it, for the skipped-rows CSV."""
    if isinstance(cell, FormulaWithoutValue):
        return cell.formula
    if isinstance(cell, _GeometryError):
        return ""
    return cell_text(cell)


def failed_plan(source: str, problem: Problem, kind: str | None = None) -> ImportPlan:
    """A plan for a file that could not be read at all: one problem, no records."""
    return ImportPlan(source, kind, None, 0, [], [], [problem], [], {})


_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_AMOUNT_FIELDS = ("investment", "investment_yi", "investment_wan")
_AMOUNT_UNITS = {"investment_yi": "亿元", "investment_wan": "万元"}
# The text fields an import reads, each with its longest length (the vocabulary's max_chars).
_TEXT_LIMITS = tuple(
    (f.name, f.max_chars) for f in FIELDS if f.max_chars and f.type in ("text", "long_text", "slug")
)
_CODE_PARSERS = (
    ("status", parse_status),
    ("category", parse_category),
    ("counties", parse_counties),
    ("datum", parse_datum),
)
_INVALID = "!"  # a coded cell that did not parse (its problem is recorded)


@dataclass(frozen=True)
class _Columns:
    """Which column holds which field, once the headings are read."""

    chosen: dict[str, str]  # heading -> field
    column_of: dict[str, str]  # field -> heading
    index_of: dict[str, int]  # field -> cell index
    width: int  # cells in the header
    label: str  # how the file's rows are named in messages (row, feature)
    amount_field: str | None


@dataclass
class _Row:
    """One row as it goes through the passes: its values, its problems, its location."""

    number: int
    cells: Sequence[Any]
    columns: _Columns
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    failed: set[str | None] = field(default_factory=set)
    bad_coords: bool = False
    datum: str | None = None  # the datum its coordinates were read in
    wgs: tuple[float, float] | None = None
    point_county: str | None = None
    swapped_county: str | None = None
    located: bool = False  # its coordinates went through the county lookup

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    def fail(self, name: str | None, exc: CellError) -> None:
        self.failed.add(name)
        column = self.columns.column_of.get(name) if name else None
        self.errors.append(
            Problem(exc.code, exc.zh, exc.en, self.number, column, self.columns.label)
        )

    def cell(self, name: str | None) -> Any:
        """The raw cell of `name` (None if absent); a formula without a value is a problem."""
        i = self.columns.index_of.get(name) if name else None
        value = self.cells[i] if i is not None and i < len(self.cells) else None
        if isinstance(value, FormulaWithoutValue):
            self.fail(name, _formula_error(value))
            return None
        return value


def _formula_error(value: FormulaWithoutValue) -> CellError:
    return CellError(
        "formula_without_value",
        f"单元格 {value.coordinate} 是公式 {show(value.formula)}，文件里没有保存它的计算结果"
        "（由不计算公式的程序生成）：请在 Excel 或 WPS 中打开并保存一次，或把公式换成数值",
        f"cell {value.coordinate} is the formula {show(value.formula)} and the file holds "
        "no computed value for it (saved by a program that does not calculate): open and "
        "save it once in Excel or WPS, or replace the formula by its value",
    )


def validate(
    table: Table,
    *,
    mapping: Mapping[str, str] | None = None,
    datum: str = "wgs84",
    existing: Existing | None = None,
    source: str = "",
) -> ImportPlan:
    """Check every row of `table`; `mapping` ({heading: field}) overrides the guessed one.

    `datum` applies to rows without a datum cell. `existing` is what the store holds. The
    passes: the headings, then each row's cells, then all coordinates at once, then each row's
    location, kind and duplicates.
    """
    chosen = _chosen_mapping(table, mapping)
    problems, notices = _check_headings(table, chosen)
    default_datum = _default_datum(datum, problems)
    if table.declared_crs:  # a GeoPackage's or .prj's CRS: the reader made the points WGS-84
        default_datum = "wgs84"
    notices.extend(table.notices)
    if not table.rows:
        problems.append(Problem("no_rows", "文件中没有数据行", "the file has no data rows"))
    if problems:
        return ImportPlan(
            source, table.kind, table.encoding, len(table.rows), [], [], problems, notices, chosen
        )
    columns = _columns(table, chosen)
    rows = [_parse_row(_Row(number, cells, columns)) for number, cells in table.rows]
    _locate_coordinates(rows, default_datum)
    projects, annotations = _records(rows, existing or Existing(), notices)
    for row in rows:
        problems.extend(row.errors)
    return _finished_plan(table, source, chosen, projects, annotations, problems, notices)


# ---- pass 0: the headings


def _chosen_mapping(table: Table, mapping: Mapping[str, str] | None) -> dict[str, str]:
    if mapping is None:
        return guess_mapping(table.headers)
    return {h: f for h, f in mapping.items() if f and h in table.headers}


def _fields_by_column(chosen: Mapping[str, str]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for header, name in chosen.items():
        by_field.setdefault(name, []).append(header)
    return by_field


def _check_headings(table: Table, chosen: Mapping[str, str]) -> tuple[list[Problem], list[Problem]]:
    """Problems with the columns themselves (unknown, twice, no name) and a notice of the
    columns left unused."""
    problems = [
        Problem("unknown_field", f"未知字段 {show(name)}", f"unknown field {show(name)}", column=h)
        for h, name in chosen.items()
        if name not in FIELD_BY_NAME
    ]
    by_field = _fields_by_column(chosen)
    for name, headers in by_field.items():
        if len(headers) > 1:
            spec = FIELD_BY_NAME.get(name)
            problems.append(
                Problem(
                    "duplicate_column",
                    f"多列都表示“{spec.label_zh if spec else name}”：{'、'.join(map(show, headers))}；请只保留一列或重新对应",
                    f"several columns mean {spec.label_en if spec else name}: {', '.join(map(show, headers))}; keep one or map them differently",
                )
            )
    amount_fields = [f for f in _AMOUNT_FIELDS if f in by_field]
    if len(amount_fields) > 1:
        problems.append(
            Problem(
                "duplicate_column",
                "总投资只能有一列",
                "only one investment column is allowed: " + ", ".join(amount_fields),
            )
        )
    if "name_zh" not in by_field and "initiative_id" not in by_field:
        problems.append(
            Problem(
                "missing_name_column",
                f"找不到项目名称列：需要“项目名称”（或 name_zh）列；文件中的列为 {'、'.join(map(show, table.headers)) or '（无）'}",
                f"no project name column: a column 项目名称 (or name_zh) is needed; the file has {', '.join(map(show, table.headers)) or '(none)'}",
            )
        )
    notices = []
    ignored = [h for h in table.headers if h and h not in chosen]
    if ignored:
        notices.append(
            Problem(
                "ignored_columns",
                f"以下列未使用：{'、'.join(map(show, ignored))}",
                f"these columns are not used: {', '.join(map(show, ignored))}",
            )
        )
    return problems, notices


def _default_datum(datum: str, problems: list[Problem]) -> str:
    try:
        return parse_datum(datum) or "wgs84"
    except CellError as exc:
        problems.append(Problem(exc.code, exc.zh, exc.en))
        return "wgs84"


def _columns(table: Table, chosen: Mapping[str, str]) -> _Columns:
    by_field = _fields_by_column(chosen)
    column_of = {name: headers[0] for name, headers in by_field.items()}
    amount_fields = [f for f in _AMOUNT_FIELDS if f in by_field]
    return _Columns(
        dict(chosen),
        column_of,
        {name: table.headers.index(header) for name, header in column_of.items()},
        len(table.headers),
        table.row_label,
        amount_fields[0] if amount_fields else None,
    )


# ---- pass 1: each row's cells


def _parse_row(row: _Row) -> _Row:
    """Parse every cell of the row; coordinates are only read here (located in pass 2)."""
    extra = [c for c in row.cells[row.columns.width :] if not _blank(c)]
    if extra:
        row.fail(
            None,
            CellError(
                "row_too_long",
                f"本行有 {len(row.cells)} 个单元格，表头只有 {row.columns.width} 列",
                f"this row has {len(row.cells)} cells but the header has {row.columns.width} columns",
            ),
        )
    _parse_texts(row)
    _parse_codes(row)
    _parse_amount(row)
    _parse_dates(row)
    _parse_coordinates(row)
    return row


def _parse_texts(row: _Row) -> None:
    for name, limit in _TEXT_LIMITS:
        raw = row.cell(name)
        if isinstance(raw, _GeometryError):
            raw = None
        try:
            row.values[name] = check_text(cell_text(raw), limit) or None
        except CellError as exc:
            row.fail(name, exc)
            row.values[name] = None


def _parse_codes(row: _Row) -> None:
    for name, parser in _CODE_PARSERS:
        try:
            row.values[name] = parser(row.cell(name))
        except CellError as exc:
            row.fail(name, exc)
            row.values[name] = _INVALID


def _parse_amount(row: _Row) -> None:
    name = row.columns.amount_field
    try:
        row.values["investment_yi"] = (
            parse_amount(row.cell(name), _AMOUNT_UNITS.get(name)) if name else None
        )
    except CellError as exc:
        row.fail(name, exc)
        row.values["investment_yi"] = None


def _parse_dates(row: _Row) -> None:
    for name in ("start_date", "end_date"):
        try:
            row.values[name] = parse_date(row.cell(name), end=name == "end_date")
        except CellError as exc:
            row.fail(name, exc)
            row.values[name] = None
    start, end = row["start_date"], row["end_date"]
    if start and end and end < start:
        row.fail(
            "end_date",
            CellError(
                "end_before_start",
                f"竣工时间 {end.isoformat()} 早于开工时间 {start.isoformat()}",
                f"end date {end.isoformat()} is before the start date {start.isoformat()}",
            ),
        )


def _parse_coordinates(row: _Row) -> None:
    lon_raw, lat_raw = row.cell("lon"), row.cell("lat")
    if isinstance(lon_raw, _GeometryError) or isinstance(lat_raw, _GeometryError):
        kind = (lon_raw if isinstance(lon_raw, _GeometryError) else lat_raw).kind
        row.fail(
            None,
            CellError(
                "bad_geometry",
                f"只能导入点要素（Point），此要素为 {show(kind)}",
                f"only Point features can be imported; this one is {show(kind)}",
            ),
        )
        lon_raw = lat_raw = None
        row.bad_coords = True
    for name, raw in (("lon", lon_raw), ("lat", lat_raw)):
        try:
            row.values[name] = parse_coordinate(raw)
        except CellError as exc:
            row.fail(name, exc)
            row.values[name] = None
            row.bad_coords = True
    if not row.bad_coords and (row["lon"] is None) != (row["lat"] is None):
        row.fail(
            "lat" if row["lat"] is None else "lon",
            CellError(
                "half_coordinate",
                "经度和纬度需要同时填写",
                "longitude and latitude must both be given",
            ),
        )
        row.bad_coords = True


# ---- pass 2: all coordinates at once, per datum


def _locate_coordinates(rows: Iterable[_Row], default_datum: str) -> None:
    """Coordinates to WGS-84 and into counties (and, swapped, into counties: a hint)."""
    by_datum: dict[str, list[_Row]] = {}
    for row in rows:
        if row["lon"] is not None and row["lat"] is not None and not row.bad_coords:
            row_datum = row["datum"] if row["datum"] not in (None, _INVALID) else default_datum
            by_datum.setdefault(row_datum, []).append(row)
    for row_datum, group in by_datum.items():
        _locate_group(group, row_datum)


def _locate_group(group: list[_Row], row_datum: str) -> None:
    lon = np.array([row["lon"] for row in group])
    lat = np.array([row["lat"] for row in group])
    plausible = (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    w_lon, w_lat = to_wgs84(np.where(plausible, lon, 0.0), np.where(plausible, lat, 0.0), row_datum)
    s_lon, s_lat = to_wgs84(
        np.where(np.abs(lat) <= 180, lat, 0.0), np.where(np.abs(lon) <= 90, lon, 0.0), row_datum
    )
    inside = counties_at(w_lon, w_lat)
    swapped = counties_at(s_lon, s_lat)
    for i, row in enumerate(group):
        row.datum, row.located = row_datum, True
        if plausible[i]:
            row.wgs = (round(float(w_lon[i]), 7), round(float(w_lat[i]), 7))
        row.point_county = inside[i] if plausible[i] else None
        row.swapped_county = (
            swapped[i] if abs(row["lat"]) <= 180 and abs(row["lon"]) <= 90 else None
        )
    # Points just over the city's edge (town-centre accuracy): the county within 1 km.
    border = [
        i for i, row in enumerate(group) if row.wgs and inside[i] is None and _near_city(*row.wgs)
    ]
    near = nearest_counties(w_lon[border], w_lat[border]) if border else []
    for i, adcode in zip(border, near, strict=True):
        group[i].point_county = adcode


# ---- pass 3: each row's location, kind and duplicates


@dataclass
class _Seen:
    """What earlier rows of the file hold, for the duplicate checks."""

    existing: Existing
    keys: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    initiatives: dict[str, int] = field(default_factory=dict)


# counties, town, lon, lat, precision, located by
_Location = tuple[tuple[str, ...], str | None, float | None, float | None, str, str]


def _records(
    rows: Iterable[_Row], existing: Existing, notices: list[Problem]
) -> tuple[list[ProjectRecord], list[AnnotationRecord]]:
    initiatives = report_initiatives()
    seen = _Seen(existing)
    projects: list[ProjectRecord] = []
    annotations: list[AnnotationRecord] = []
    for row in rows:
        if row["initiative_id"]:
            record = _annotation(row, initiatives, seen)
            if record:
                annotations.append(record)
            continue
        if not row["name_zh"] and "name_zh" not in row.failed:
            column = row.columns.column_of.get("name_zh")
            missing = Problem(
                "missing_name",
                "缺少项目名称",
                "the project name is missing",
                row.number,
                column,
                row.columns.label,
            )
            row.errors.insert(0, missing)
        location = _location(row, notices)
        _check_project_id(row, seen)
        _check_duplicate(row, location, seen)
        if not row.errors and location:
            projects.append(_project(row, location))
    return projects, annotations


def _annotation(row: _Row, initiatives: Mapping[str, Any], seen: _Seen) -> AnnotationRecord | None:
    initiative_id, label = row["initiative_id"], row.columns.label
    if initiative_id not in initiatives:
        row.fail(
            "initiative_id",
            CellError(
                "unknown_initiative",
                f"报告中没有编号为 {show(initiative_id)} 的条目（编号见导出文件或“浏览”页，如 shaoyong-hsr）",
                f"the report has no initiative {show(initiative_id)} (ids are in the exports and the explorer, e.g. shaoyong-hsr)",
            ),
        )
    elif initiative_id in seen.initiatives:
        row.fail(
            "initiative_id",
            CellError(
                "duplicate_in_file",
                f"与第 {seen.initiatives[initiative_id]} 行标注的是同一报告条目",
                f"annotates the same report initiative as {label} {seen.initiatives[initiative_id]}",
            ),
        )
    else:
        seen.initiatives[initiative_id] = row.number
    if row["project_id"]:
        row.fail(
            "project_id",
            CellError(
                "conflicting_ids",
                "一行只能是报告条目的标注或自己的项目，不能同时填写报告条目编号和项目编号",
                "a row either annotates a report initiative or is a project of yours: fill initiative_id or project_id, not both",
            ),
        )
    if row.errors:
        return None
    return AnnotationRecord(
        row.number, initiative_id, **{name: row[name] for name in ANNOTATION_FIELDS}
    )


def _location(row: _Row, notices: list[Problem]) -> _Location | None:
    """Where the project is: its point, else its town, else its counties (or a problem)."""
    if row.wgs or row.located:
        return _point_location(row)
    if row.bad_coords:
        return None
    if row["town"] and row["counties"] != _INVALID:
        return _town_location(row, notices)
    if row["counties"] not in (None, _INVALID):
        counties = tuple(row["counties"])
        precision = "county" if counties else "citywide"
        return (counties, row["town"], None, None, precision, "county column")
    if row["counties"] is None:
        row.fail(
            "counties",
            CellError(
                "no_location",
                "缺少位置：请填写县市区、乡镇或经纬度",
                "no location: give a county, a town or coordinates",
            ),
        )
    return None


def _given_counties(row: _Row) -> tuple[str, ...] | None:
    return row["counties"] if row["counties"] != _INVALID else None


def _point_location(row: _Row) -> _Location | None:
    county = row.point_county
    given = _given_counties(row)
    if county is None:
        row.fail("lon", _outside_error(row))
        return None
    if given and county not in given:
        row.fail(
            "counties",
            CellError(
                "county_mismatch",
                f"坐标位于{county_label(county)}，而县市区一栏填的是{'、'.join(county_label(c) for c in given)}；请检查坐标、坐标系或县市区",
                f"the coordinates are in {county_label(county, 'en')}, but the county column says {', '.join(county_label(c, 'en') for c in given)}; check the coordinates, the datum or the county",
            ),
        )
        return None
    located_by = "coordinates" if row.datum == "wgs84" else f"coordinates ({row.datum} -> wgs84)"
    counties = tuple(given) if given else (county,)
    return (counties, row["town"], *row.wgs, "site", located_by)


def _outside_error(row: _Row) -> CellError:
    lon, lat, swapped = row["lon"], row["lat"], row.swapped_county
    if swapped:
        return CellError(
            "latlon_swapped",
            f"经纬度似乎填反了：经度 {lon}、纬度 {lat} 在邵阳市外，互换后（经度 {lat}、纬度 {lon}）位于{county_label(swapped)}；邵阳的经度约为 110–112，纬度约为 26–27.7",
            f"latitude and longitude look swapped: lon {lon}, lat {lat} is outside Shaoyang, but lon {lat}, lat {lon} is in {county_label(swapped, 'en')}; Shaoyang lies at lon 110–112, lat 26–27.7",
        )
    return CellError(
        "outside_shaoyang",
        f"坐标（经度 {lon}、纬度 {lat}，{row.datum}）不在邵阳市范围内（经度约 109.8–112.1，纬度约 25.9–27.7）；请检查坐标与坐标系",
        f"coordinates (lon {lon}, lat {lat}, {row.datum}) are outside Shaoyang (about lon 109.8–112.1, lat 25.9–27.7); check the numbers and the datum",
    )


def _town_location(row: _Row, notices: list[Problem]) -> _Location | None:
    given = _given_counties(row)
    try:
        town = find_town(row["town"], given)
    except CellError as exc:
        if exc.code != "unknown_town" or not given:
            row.fail("town", exc)
            return None
        notices.append(
            Problem(
                "town_not_found",
                exc.zh + "；已按县市区定位",
                exc.en + "; placed by county",
                row.number,
                row.columns.column_of.get("town"),
                row.columns.label,
            )
        )
        return (tuple(given), row["town"], None, None, "county", "county column")
    counties = tuple(given) if given else (town.adcode,)
    source = f"GeoNames {town.geonameid} {town.name}"
    return (counties, row["town"], town.lon, town.lat, "town", source)


def _check_project_id(row: _Row, seen: _Seen) -> None:
    project_id, label = row["project_id"], row.columns.label
    if not project_id:
        return
    if not _ID_PATTERN.match(project_id) or project_id not in seen.existing.project_ids:
        row.fail(
            "project_id",
            CellError(
                "unknown_project_id",
                f"没有编号为 {show(project_id)} 的项目；新增项目请留空此列",
                f"no stored project has id {show(project_id)}; leave the column empty to add a new project",
            ),
        )
    elif project_id in seen.ids:
        row.fail(
            "project_id",
            CellError(
                "duplicate_in_file",
                f"与第 {seen.ids[project_id]} 行是同一项目编号",
                f"same project id as {label} {seen.ids[project_id]}",
            ),
        )
    else:
        seen.ids[project_id] = row.number


def _check_duplicate(row: _Row, location: _Location | None, seen: _Seen) -> None:
    """The same name and counties twice in the file, or already in the store."""
    if not (location and row["name_zh"]):
        return
    key, label = dedupe_key(row["name_zh"], location[0]), row.columns.label
    if key in seen.keys:
        row.fail(
            "name_zh",
            CellError(
                "duplicate_in_file",
                f"与第 {seen.keys[key]} 行重复（同名、同县市区）",
                f"duplicate of {label} {seen.keys[key]} (same name and county)",
            ),
        )
        return
    seen.keys[key] = row.number
    owner = seen.existing.project_keys.get(key)
    if owner and owner != row["project_id"]:
        row.fail(
            "name_zh",
            CellError(
                "duplicate_existing",
                f"已有同名同县市区的项目（编号 {owner}）；如要更新它，请在“项目编号”列填写 {owner}",
                f"already stored as project {owner} (same name and county); to update it, put {owner} in a project_id column",
            ),
        )


def _project(row: _Row, location: _Location) -> ProjectRecord:
    counties, town, lon, lat, precision, located_by = location
    figures = {name: row[name] for name in ANNOTATION_FIELDS}
    return ProjectRecord(
        row=row.number,
        project_id=row["project_id"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        category=None if row["category"] == _INVALID else row["category"],
        counties=counties,
        town=town,
        lon=lon,
        lat=lat,
        precision=precision,
        location_source=located_by,
        **figures,
    )


def _finished_plan(
    table: Table,
    source: str,
    chosen: dict[str, str],
    projects: list[ProjectRecord],
    annotations: list[AnnotationRecord],
    problems: list[Problem],
    notices: list[Problem],
) -> ImportPlan:
    plan = ImportPlan(
        source,
        table.kind,
        table.encoding,
        len(table.rows),
        projects,
        annotations,
        problems,
        notices,
        dict(chosen),
    )
    plan.headers = list(table.headers)
    if problems:
        plan.valid_projects, plan.valid_annotations = plan.projects, plan.annotations
        plan.projects, plan.annotations = [], []
        rows_with_problems = {p.row for p in problems}
        plan.problem_cells = {
            number: list(cells) for number, cells in table.rows if number in rows_with_problems
        }
    return plan


def plan_import(
    content: bytes,
    filename: str = "",
    *,
    mapping: Mapping[str, str] | None = None,
    datum: str = "wgs84",
    existing: Existing | None = None,
    isolated: bool = False,
) -> ImportPlan:
    """Read and validate a file in one go; a file that cannot be read gives a one-problem plan.

    `isolated` reads it in a limited child process (:func:`read_table_isolated`).
    """
    try:
        table = (read_table_isolated if isolated else read_table)(content, filename)
    except FileProblem as exc:
        return failed_plan(filename, exc.problem)
    return validate(table, mapping=mapping, datum=datum, existing=existing, source=filename)
