"""Validation: a table of cells to an :class:`ImportPlan` of records and located problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from data.importer.cells import (
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    cell_text,
    check_text,
    parse_amount,
    parse_category,
    parse_coordinate,
    parse_date,
    parse_datum,
    parse_status,
)
from data.importer.columns import FIELD_BY_NAME, _key, guess_mapping
from data.importer.places import (
    _near_city,
    counties_at,
    county_label,
    find_town,
    nearest_counties,
    parse_counties,
    report_initiatives,
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


ANNOTATION_FIELDS = (
    "status",
    "investment_yi",
    "start_date",
    "end_date",
    "responsible_unit",
    "note",
)


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


def validate(
    table: Table,
    *,
    mapping: Mapping[str, str] | None = None,
    datum: str = "wgs84",
    existing: Existing | None = None,
    source: str = "",
) -> ImportPlan:
    """Check every row of `table`; `mapping` ({heading: field}) overrides the guessed one.

    `datum` applies to rows without a datum cell. `existing` is what the store holds.
    """
    existing = existing or Existing()
    label = table.row_label
    problems: list[Problem] = []
    notices: list[Problem] = []

    guessed = guess_mapping(table.headers)
    if mapping is not None:
        chosen = {h: f for h, f in mapping.items() if f and h in table.headers}
    else:
        chosen = guessed
    for header, name in chosen.items():
        if name not in FIELD_BY_NAME:
            problems.append(
                Problem(
                    "unknown_field",
                    f"未知字段 {show(name)}",
                    f"unknown field {show(name)}",
                    column=header,
                )
            )
    by_field: dict[str, list[str]] = {}
    for header, name in chosen.items():
        by_field.setdefault(name, []).append(header)
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
    amount_fields = [f for f in ("investment", "investment_yi", "investment_wan") if f in by_field]
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
    ignored = [h for h in table.headers if h and h not in chosen]
    if ignored:
        notices.append(
            Problem(
                "ignored_columns",
                f"以下列未使用：{'、'.join(map(show, ignored))}",
                f"these columns are not used: {', '.join(map(show, ignored))}",
            )
        )
    try:
        default_datum = parse_datum(datum) or "wgs84"
    except CellError as exc:
        problems.append(Problem(exc.code, exc.zh, exc.en))
        default_datum = "wgs84"
    if table.declared_crs:  # a GeoPackage's or .prj's CRS: the reader made the points WGS-84
        default_datum = "wgs84"
    notices.extend(table.notices)
    if not table.rows:
        problems.append(Problem("no_rows", "文件中没有数据行", "the file has no data rows"))
    if problems:
        return ImportPlan(
            source,
            table.kind,
            table.encoding,
            len(table.rows),
            [],
            [],
            problems,
            notices,
            dict(chosen),
        )

    column_of = {name: headers[0] for name, headers in by_field.items()}
    index_of = {name: table.headers.index(header) for name, header in column_of.items()}

    # Pass 1: parse cells row by row; coordinates are collected for one vectorised pass.
    drafts: list[dict[str, Any]] = []
    for number, cells in table.rows:
        draft: dict[str, Any] = {"row": number, "errors": [], "failed": set()}

        def fail(name: str | None, exc: CellError, draft=draft, number=number) -> None:
            draft["failed"].add(name)
            draft["errors"].append(
                Problem(
                    exc.code, exc.zh, exc.en, number, column_of.get(name) if name else None, label
                )
            )

        def cell(name: str, cells=cells, fail=fail) -> Any:
            i = index_of.get(name)
            value = cells[i] if i is not None and i < len(cells) else None
            if isinstance(value, FormulaWithoutValue):
                fail(
                    name,
                    CellError(
                        "formula_without_value",
                        f"单元格 {value.coordinate} 是公式 {show(value.formula)}，文件里没有保存它的计算结果"
                        "（由不计算公式的程序生成）：请在 Excel 或 WPS 中打开并保存一次，或把公式换成数值",
                        f"cell {value.coordinate} is the formula {show(value.formula)} and the file holds "
                        "no computed value for it (saved by a program that does not calculate): open and "
                        "save it once in Excel or WPS, or replace the formula by its value",
                    ),
                )
                return None
            return value

        extra = [c for c in cells[len(table.headers) :] if not _blank(c)]
        if extra:
            fail(
                None,
                CellError(
                    "row_too_long",
                    f"本行有 {len(cells)} 个单元格，表头只有 {len(table.headers)} 列",
                    f"this row has {len(cells)} cells but the header has {len(table.headers)} columns",
                ),
            )
        for name, limit in (
            ("name_zh", MAX_NAME_CHARS),
            ("name_en", MAX_NAME_CHARS),
            ("responsible_unit", MAX_NAME_CHARS),
            ("note", MAX_NOTE_CHARS),
            ("town", 100),
            ("project_id", 80),
            ("initiative_id", 80),
        ):
            raw = cell(name)
            if isinstance(raw, _GeometryError):
                raw = None
            try:
                draft[name] = check_text(cell_text(raw), limit) or None
            except CellError as exc:
                fail(name, exc)
                draft[name] = None
        for name, parser in (
            ("status", parse_status),
            ("category", parse_category),
            ("county", parse_counties),
            ("datum", parse_datum),
        ):
            try:
                draft[name] = parser(cell(name))
            except CellError as exc:
                fail(name, exc)
                draft[name] = "!"
        try:
            amount_field = amount_fields[0] if amount_fields else None
            unit = {"investment_yi": "亿元", "investment_wan": "万元"}.get(amount_field or "")
            draft["investment_yi"] = (
                parse_amount(cell(amount_field), unit) if amount_field else None
            )
        except CellError as exc:
            fail(amount_field, exc)
        dates = {}
        for name in ("start_date", "end_date"):
            try:
                dates[name] = parse_date(cell(name), end=name == "end_date")
            except CellError as exc:
                fail(name, exc)
                dates[name] = None
        draft.update(dates)
        if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
            fail(
                "end_date",
                CellError(
                    "end_before_start",
                    f"竣工时间 {dates['end_date'].isoformat()} 早于开工时间 {dates['start_date'].isoformat()}",
                    f"end date {dates['end_date'].isoformat()} is before the start date {dates['start_date'].isoformat()}",
                ),
            )
        lon_raw, lat_raw = cell("lon"), cell("lat")
        if isinstance(lon_raw, _GeometryError) or isinstance(lat_raw, _GeometryError):
            kind = (lon_raw if isinstance(lon_raw, _GeometryError) else lat_raw).kind
            fail(
                None,
                CellError(
                    "bad_geometry",
                    f"只能导入点要素（Point），此要素为 {show(kind)}",
                    f"only Point features can be imported; this one is {show(kind)}",
                ),
            )
            lon_raw = lat_raw = None
            draft["bad_coords"] = True
        coords: list[float | None] = []
        for name, raw in (("lon", lon_raw), ("lat", lat_raw)):
            try:
                coords.append(parse_coordinate(raw))
            except CellError as exc:
                fail(name, exc)
                coords.append(None)
                draft["bad_coords"] = True
        draft["lon"], draft["lat"] = coords
        if not draft.get("bad_coords") and (draft["lon"] is None) != (draft["lat"] is None):
            missing = "lat" if draft["lat"] is None else "lon"
            fail(
                missing,
                CellError(
                    "half_coordinate",
                    "经度和纬度需要同时填写",
                    "longitude and latitude must both be given",
                ),
            )
            draft["bad_coords"] = True
        drafts.append(draft)

    # Pass 2: coordinates to WGS-84 and into counties, all rows at once per datum.
    with_coords = [
        d
        for d in drafts
        if d["lon"] is not None and d["lat"] is not None and not d.get("bad_coords")
    ]
    by_datum: dict[str, list[dict[str, Any]]] = {}
    for d in with_coords:
        by_datum.setdefault(
            d["datum"] if d["datum"] not in (None, "!") else default_datum, []
        ).append(d)
    for row_datum, group in by_datum.items():
        lon = np.array([d["lon"] for d in group])
        lat = np.array([d["lat"] for d in group])
        plausible = (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        w_lon, w_lat = to_wgs84(
            np.where(plausible, lon, 0.0), np.where(plausible, lat, 0.0), row_datum
        )
        s_lon, s_lat = to_wgs84(
            np.where(np.abs(lat) <= 180, lat, 0.0), np.where(np.abs(lon) <= 90, lon, 0.0), row_datum
        )
        inside = counties_at(w_lon, w_lat)
        swapped = counties_at(s_lon, s_lat)
        for i, d in enumerate(group):
            d["datum_used"] = row_datum
            if plausible[i]:
                d["wgs"] = (round(float(w_lon[i]), 7), round(float(w_lat[i]), 7))
            d["point_county"] = inside[i] if plausible[i] else None
            d["swapped_county"] = (
                swapped[i] if abs(d["lat"]) <= 180 and abs(d["lon"]) <= 90 else None
            )
        # Points just over the city's edge (town-centre accuracy): the county within 1 km.
        border = [
            i
            for i, d in enumerate(group)
            if plausible[i] and inside[i] is None and _near_city(*d["wgs"])
        ]
        near = nearest_counties(w_lon[border], w_lat[border]) if border else []
        for i, adcode in zip(border, near, strict=True):
            group[i]["point_county"] = adcode

    # Pass 3: location, kind of row and duplicates.
    initiatives = report_initiatives()
    projects: list[ProjectRecord] = []
    annotations: list[AnnotationRecord] = []
    seen_keys: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    seen_initiatives: dict[str, int] = {}
    for d in drafts:
        number = d["row"]
        errors: list[Problem] = d["errors"]

        def fail(name: str | None, exc: CellError, errors=errors, number=number) -> None:
            errors.append(
                Problem(
                    exc.code, exc.zh, exc.en, number, column_of.get(name) if name else None, label
                )
            )

        if d["initiative_id"]:
            initiative_id = d["initiative_id"]
            if initiative_id not in initiatives:
                fail(
                    "initiative_id",
                    CellError(
                        "unknown_initiative",
                        f"报告中没有编号为 {show(initiative_id)} 的条目（编号见导出文件或“浏览”页，如 shaoyong-hsr）",
                        f"the report has no initiative {show(initiative_id)} (ids are in the exports and the explorer, e.g. shaoyong-hsr)",
                    ),
                )
            elif initiative_id in seen_initiatives:
                fail(
                    "initiative_id",
                    CellError(
                        "duplicate_in_file",
                        f"与第 {seen_initiatives[initiative_id]} 行标注的是同一报告条目",
                        f"annotates the same report initiative as {label} {seen_initiatives[initiative_id]}",
                    ),
                )
            else:
                seen_initiatives[initiative_id] = number
            if d["project_id"]:
                fail(
                    "project_id",
                    CellError(
                        "conflicting_ids",
                        "一行只能是报告条目的标注或自己的项目，不能同时填写报告条目编号和项目编号",
                        "a row either annotates a report initiative or is a project of yours: fill initiative_id or project_id, not both",
                    ),
                )
            if not errors:
                annotations.append(
                    AnnotationRecord(
                        number,
                        initiative_id,
                        d["status"],
                        d.get("investment_yi"),
                        d["start_date"],
                        d["end_date"],
                        d["responsible_unit"],
                        d["note"],
                    )
                )
            problems.extend(errors)
            continue

        if not d["name_zh"] and "name_zh" not in d["failed"]:
            column = column_of.get("name_zh")
            errors.insert(
                0,
                Problem(
                    "missing_name",
                    "缺少项目名称",
                    "the project name is missing",
                    number,
                    column,
                    label,
                ),
            )
        counties_given = d["county"] if d["county"] != "!" else None
        location: (
            tuple[tuple[str, ...], str | None, float | None, float | None, str, str] | None
        ) = None
        if d.get("wgs") or "point_county" in d:
            lon, lat = d["lon"], d["lat"]
            county = d.get("point_county")
            if county is None:
                if d.get("swapped_county"):
                    fail(
                        "lon",
                        CellError(
                            "latlon_swapped",
                            f"经纬度似乎填反了：经度 {lon}、纬度 {lat} 在邵阳市外，互换后（经度 {lat}、纬度 {lon}）位于{county_label(d['swapped_county'])}；邵阳的经度约为 110–112，纬度约为 26–27.7",
                            f"latitude and longitude look swapped: lon {lon}, lat {lat} is outside Shaoyang, but lon {lat}, lat {lon} is in {county_label(d['swapped_county'], 'en')}; Shaoyang lies at lon 110–112, lat 26–27.7",
                        ),
                    )
                else:
                    fail(
                        "lon",
                        CellError(
                            "outside_shaoyang",
                            f"坐标（经度 {lon}、纬度 {lat}，{d['datum_used']}）不在邵阳市范围内（经度约 109.8–112.1，纬度约 25.9–27.7）；请检查坐标与坐标系",
                            f"coordinates (lon {lon}, lat {lat}, {d['datum_used']}) are outside Shaoyang (about lon 109.8–112.1, lat 25.9–27.7); check the numbers and the datum",
                        ),
                    )
            elif counties_given and county not in counties_given:
                fail(
                    "county",
                    CellError(
                        "county_mismatch",
                        f"坐标位于{county_label(county)}，而县市区一栏填的是{'、'.join(county_label(c) for c in counties_given)}；请检查坐标、坐标系或县市区",
                        f"the coordinates are in {county_label(county, 'en')}, but the county column says {', '.join(county_label(c, 'en') for c in counties_given)}; check the coordinates, the datum or the county",
                    ),
                )
            else:
                located_by = (
                    "coordinates"
                    if d["datum_used"] == "wgs84"
                    else f"coordinates ({d['datum_used']} -> wgs84)"
                )
                location = (
                    tuple(counties_given) if counties_given else (county,),
                    d["town"],
                    *d["wgs"],
                    "site",
                    located_by,
                )
        elif not d.get("bad_coords") and d["town"] and d["county"] != "!":
            try:
                town = find_town(d["town"], counties_given)
                location = (
                    (town.adcode,) if not counties_given else tuple(counties_given),
                    d["town"],
                    town.lon,
                    town.lat,
                    "town",
                    f"GeoNames {town.geonameid} {town.name}",
                )
            except CellError as exc:
                if exc.code == "unknown_town" and counties_given:
                    notices.append(
                        Problem(
                            "town_not_found",
                            exc.zh + "；已按县市区定位",
                            exc.en + "; placed by county",
                            number,
                            column_of.get("town"),
                            label,
                        )
                    )
                    location = (
                        tuple(counties_given),
                        d["town"],
                        None,
                        None,
                        "county",
                        "county column",
                    )
                else:
                    fail("town", exc)
        elif not d.get("bad_coords") and d["county"] not in (None, "!"):
            counties = tuple(d["county"])
            location = (
                counties,
                d["town"],
                None,
                None,
                "county" if counties else "citywide",
                "county column",
            )
        elif not d.get("bad_coords") and d["county"] is None:
            fail(
                "county",
                CellError(
                    "no_location",
                    "缺少位置：请填写县市区、乡镇或经纬度",
                    "no location: give a county, a town or coordinates",
                ),
            )

        key = dedupe_key(d["name_zh"] or "", location[0]) if location and d["name_zh"] else None
        if d["project_id"]:
            if (
                not _ID_PATTERN.match(d["project_id"])
                or d["project_id"] not in existing.project_ids
            ):
                fail(
                    "project_id",
                    CellError(
                        "unknown_project_id",
                        f"没有编号为 {show(d['project_id'])} 的项目；新增项目请留空此列",
                        f"no stored project has id {show(d['project_id'])}; leave the column empty to add a new project",
                    ),
                )
            elif d["project_id"] in seen_ids:
                fail(
                    "project_id",
                    CellError(
                        "duplicate_in_file",
                        f"与第 {seen_ids[d['project_id']]} 行是同一项目编号",
                        f"same project id as {label} {seen_ids[d['project_id']]}",
                    ),
                )
            else:
                seen_ids[d["project_id"]] = number
        if key:
            if key in seen_keys:
                fail(
                    "name_zh",
                    CellError(
                        "duplicate_in_file",
                        f"与第 {seen_keys[key]} 行重复（同名、同县市区）",
                        f"duplicate of {label} {seen_keys[key]} (same name and county)",
                    ),
                )
            else:
                seen_keys[key] = number
                owner = existing.project_keys.get(key)
                if owner and owner != d["project_id"]:
                    fail(
                        "name_zh",
                        CellError(
                            "duplicate_existing",
                            f"已有同名同县市区的项目（编号 {owner}）；如要更新它，请在“项目编号”列填写 {owner}",
                            f"already stored as project {owner} (same name and county); to update it, put {owner} in a project_id column",
                        ),
                    )
        if not errors and location:
            counties, town, lon, lat, precision, located_by = location
            projects.append(
                ProjectRecord(
                    number,
                    d["project_id"],
                    d["name_zh"],
                    d["name_en"],
                    counties,
                    town,
                    lon,
                    lat,
                    precision,
                    located_by,
                    None if d["category"] == "!" else d["category"],
                    d["status"],
                    d.get("investment_yi"),
                    d["start_date"],
                    d["end_date"],
                    d["responsible_unit"],
                    d["note"],
                )
            )
        problems.extend(errors)

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
