"""Files to cells: CSV (UTF-8/GBK), XLSX and GeoJSON, each reader bounded as it reads.

No numpy here: this is what the limited child process of :mod:`data.importer.sandbox` imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.importer.columns import field_for_header
from data.importer.problems import FileProblem, show

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# An XLSX is a zip: refuse archives that unpack to more than this (zip bombs).
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
# Shared strings are loaded whole before the first row is read: refuse a table far larger than
# 50,000 rows of real text could need (a 448 KB file can declare 11 million empty strings).
MAX_SHARED_STRINGS = 2_000_000


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
