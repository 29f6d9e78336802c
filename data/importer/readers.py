"""Files to cells: CSV (UTF-8/GBK), XLSX, GeoJSON, GeoPackage and zipped Shapefile, each reader
bounded as it reads.

No numpy at import time: this is what the limited child process of :mod:`data.importer.sandbox`
imports. The GIS formats load GDAL (through pyogrio and geopandas) only when such a file comes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.importer.columns import field_for_header
from data.importer.problems import FileProblem, Problem, show

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# An XLSX is a zip: refuse archives that unpack to more than this (zip bombs).
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
# Shared strings are loaded whole before the first row is read: refuse a table far larger than
# 50,000 rows of real text could need (a 448 KB file can declare 11 million empty strings).
MAX_SHARED_STRINGS = 2_000_000
# A zipped Shapefile: what its members may unpack to, and how many members it may hold.
MAX_ZIP_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# Coordinates on these geodetic systems are taken as WGS-84: CGCS2000 (4490, 3D 4480) and
# WGS-84 (4326, 3D 4979) differ by well under the app's precision (see docs/planners-data.md).
WGS84_LIKE_EPSG = {4326: "WGS-84", 4979: "WGS-84", 4490: "CGCS2000", 4480: "CGCS2000"}


@dataclass
class Table:
    """The cells of a file: headings and data rows, each with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str  # csv, xlsx, geojson, gpkg, shp
    encoding: str | None = None
    row_label: str = "row"
    # The coordinate system a GeoPackage or a Shapefile's .prj declares; the reader has already
    # converted the points to WGS-84, so no datum is asked for. None: the file does not say.
    declared_crs: str | None = None
    # What the reader wants the user to know (the layer it took, the conversion it made).
    notices: tuple[Problem, ...] = ()


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


# --------------------------------------------------------------------------- GIS files

_SQLITE_MAGIC = b"SQLite format 3\x00"
_POINT_TYPES = {"Point", "Point Z", "Point M", "Point ZM", "3D Point", "Measured Point"}
# Layers whose declared type says nothing: their features are checked one by one.
_ANY_TYPES = {"Unknown", "Geometry", "GeometryCollection", "Unknown (any)"}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _bad_gis(kind: str, exc: BaseException | None = None) -> FileProblem:
    detail = f" ({type(exc).__name__})" if exc is not None else ""
    if kind == "gpkg":
        return FileProblem(
            "bad_gpkg",
            "GeoPackage 文件已损坏或不是 GeoPackage，无法读取：请在 QGIS 或 ArcGIS 中重新导出",
            f"the file is damaged or not a GeoPackage and cannot be read{detail}: export it again "
            "from QGIS or ArcGIS",
        )
    return FileProblem(
        "bad_shapefile",
        "Shapefile 已损坏，无法读取：请在 QGIS 或 ArcGIS 中重新导出，并把 .shp、.shx、.dbf、.prj "
        "（及 .cpg）一起压缩成一个 zip",
        f"the Shapefile is damaged and cannot be read{detail}: export it again from QGIS or "
        "ArcGIS and zip its .shp, .shx, .dbf, .prj (and .cpg) together",
    )


def _names_list(names: Sequence[str], limit: int = 8) -> tuple[str, str]:
    """Names quoted for a message (zh, en), the first `limit` of them."""
    shown = [show(n) for n in names[:limit]]
    more = len(names) - limit
    return (
        "、".join(shown) + (f" 等 {len(names)} 个" if more > 0 else ""),
        ", ".join(shown) + (f" and {more} more" if more > 0 else ""),
    )


def _unsafe_member(name: str) -> bool:
    """A zip member name that would leave the folder it is unpacked into."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts or "\x00" in name


def _unpack_shapefile(content: bytes, folder: Path) -> tuple[Path, bool, bool]:
    """The one Shapefile of a zip, unpacked under fixed names into `folder`: (path of the .shp,
    has a .prj, has a .cpg). Names, counts and sizes are checked before anything is unpacked,
    and the bytes are counted again as they come out (a member may lie about its size)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise FileProblem(
            "bad_zip",
            "不是有效的 zip 文件：请把 Shapefile 的 .shp、.shx、.dbf、.prj（及 .cpg）压缩成一个 zip",
            "not a valid zip file: zip the Shapefile's .shp, .shx, .dbf, .prj (and .cpg) together",
        ) from exc
    with archive:
        parts = _shapefile_parts(_usable_members(archive))
        _extract_parts(archive, parts, folder)
    return folder / "layer.shp", ".prj" in parts, ".cpg" in parts


def _usable_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's files, once their count and names are safe, without archivers' extras."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileProblem(
            "zip_too_many_members",
            f"zip 中有 {len(members):,} 个文件（最多 {MAX_ZIP_MEMBERS:,} 个）：请只压缩一个 Shapefile",
            f"the zip holds {len(members):,} files (at most {MAX_ZIP_MEMBERS:,}): zip one "
            "Shapefile only",
        )
    unsafe = [m.filename for m in members if _unsafe_member(m.filename)]
    if unsafe:
        zh, en = _names_list(unsafe)
        raise FileProblem(
            "zip_unsafe_name",
            f"zip 中的文件名 {zh} 指向压缩包之外（含“..”或绝对路径），已拒绝：请重新压缩",
            f"the zip's file names {en} point outside the archive (“..” or an absolute path), "
            "so it was refused: zip the files again",
        )
    # Mac archivers add __MACOSX/ copies and ._ resource files beside the real ones.
    usable = [
        m
        for m in members
        if not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not Path(m.filename).name.startswith("._")
    ]
    return usable


def _shapefile_parts(usable: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """{suffix: member} of the zip's one Shapefile, with at least its .shp, .shx and .dbf."""
    shps = [m for m in usable if m.filename.lower().endswith(".shp")]
    if not shps:
        raise FileProblem(
            "zip_without_shp",
            "zip 中没有 .shp 文件：请把 Shapefile 的 .shp、.shx、.dbf、.prj（及 .cpg）压缩成一个 zip",
            "the zip holds no .shp file: zip the Shapefile's .shp, .shx, .dbf, .prj (and "
            ".cpg) together",
        )
    if len(shps) > 1:
        zh, en = _names_list([m.filename for m in shps])
        raise FileProblem(
            "zip_several_shp",
            f"zip 中有 {len(shps)} 个 Shapefile（{zh}）：一次只能导入一个，请每个 zip 只放一个图层",
            f"the zip holds {len(shps)} Shapefiles ({en}): one is imported at a time, so put "
            "one layer per zip",
        )
    stem = shps[0].filename[:-4]
    parts = {}
    for member in usable:
        name = member.filename
        suffix = name[len(stem) :].lower() if name.lower().startswith(stem.lower()) else ""
        if suffix in _SHAPEFILE_PARTS and name[: len(stem)] == stem:
            parts[suffix] = member
    missing = [s for s in (".shx", ".dbf") if s not in parts]
    if missing:
        names = "、".join(Path(stem).name + s for s in missing)
        raise FileProblem(
            "zip_incomplete_shapefile",
            f"zip 中缺少 {names}：Shapefile 至少需要 .shp、.shx、.dbf 三个文件（坐标系在 .prj 中）",
            f"the zip lacks {', '.join(Path(stem).name + s for s in missing)}: a Shapefile "
            "needs at least its .shp, .shx and .dbf (and its coordinate system is in the .prj)",
        )
    return parts


def _extract_parts(
    archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], folder: Path
) -> None:
    """Unpack the parts under fixed names, counting the bytes as they come out (a member may
    lie about its size)."""
    declared = sum(m.file_size for m in parts.values())
    if declared > MAX_ZIP_UNPACKED:
        raise _zip_too_large()
    unpacked = 0
    try:
        for suffix, member in parts.items():
            target = folder / f"layer{suffix}"
            with archive.open(member) as source, open(target, "wb") as sink:
                while chunk := source.read(1 << 20):
                    unpacked += len(chunk)
                    if unpacked > min(declared, MAX_ZIP_UNPACKED):
                        raise _zip_too_large()
                    sink.write(chunk)
    except FileProblem:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        # A wrong CRC, an unknown compression, encryption, a truncated member.
        raise _bad_gis("shp", exc) from exc


def _zip_too_large() -> FileProblem:
    return FileProblem(
        "file_too_large",
        f"zip 解压后超过 {MAX_ZIP_UNPACKED // 1024 // 1024} MB",
        f"the zip unpacks to more than {MAX_ZIP_UNPACKED // 1024 // 1024} MB",
    )


def _pick_layer(path: Path) -> tuple[str, list[Problem]]:
    """The GeoPackage layer to read: the first point layer (or the first whose type is not
    declared), with a notice naming the layers left out."""
    import pyogrio

    try:
        layers = [
            (str(name), str(kind) if kind else None) for name, kind in pyogrio.list_layers(path)
        ]
    except Exception as exc:  # GDAL reports a damaged database in many ways
        raise _bad_gis("gpkg", exc) from exc
    spatial = [(name, kind) for name, kind in layers if kind]
    if not spatial:
        raise FileProblem(
            "gpkg_no_layer",
            "GeoPackage 中没有要素图层（只有表格或为空）：请导出含点要素的图层",
            "the GeoPackage holds no feature layer (only tables, or nothing): export a layer of "
            "points",
        )
    chosen = next((n for n, k in spatial if k in _POINT_TYPES), None)
    chosen = chosen or next((n for n, k in spatial if k in _ANY_TYPES), None)
    if chosen is None:
        zh, en = _names_list([f"{n} ({k})" for n, k in spatial])
        raise FileProblem(
            "not_points",
            f"GeoPackage 中没有点图层（{zh}）：只能导入点要素（Point），面、线或多点请先在 GIS 中"
            "转为单点（如质心）",
            f"the GeoPackage has no point layer ({en}): only Point features can be imported; "
            "turn areas, lines or multi-points into single points (e.g. centroids) in your GIS "
            "first",
        )
    notices = []
    if len(spatial) > 1:
        others = [n for n, _ in spatial if n != chosen]
        zh, en = _names_list(others)
        notices.append(
            Problem(
                "gpkg_several_layers",
                f"GeoPackage 有 {len(spatial)} 个图层，只读取了第一个点图层 {show(chosen)}，"
                f"未读取：{zh}。如需导入其他图层，请把它单独导出为一个文件",
                f"the GeoPackage has {len(spatial)} layers; only the first point layer "
                f"{show(chosen)} was read, not {en}. To import another layer, export it alone",
            )
        )
    return chosen, notices


def _datum_of(crs_text: str | None, kind: str) -> tuple[int | None, str | None, list[Problem]]:
    """(EPSG code to convert from, the CRS as said to the user, notices) for a declared CRS;
    (None, None, []) when the file declares none. FileProblem for a CRS not on WGS-84 or
    CGCS2000 (Beijing 1954, Xian 1980, a local grid): no public parameters convert those to
    WGS-84 accurately."""
    if not crs_text:
        return None, None, []
    import pyproj

    source = "GeoPackage" if kind == "gpkg" else ".prj"
    try:
        crs = pyproj.CRS.from_user_input(crs_text)
    except pyproj.exceptions.CRSError:
        crs = None
    geodetic = crs.geodetic_crs if crs is not None else None
    code = geodetic.to_epsg(min_confidence=70) if geodetic is not None else None
    name = crs.name if crs is not None else "?"
    if code not in WGS84_LIKE_EPSG or crs is None:
        raise FileProblem(
            "unsupported_crs",
            f"{source} 声明的坐标系 {show(name)} 不受支持：只能导入 WGS-84 或 CGCS2000 "
            "（经纬度或其投影，如 EPSG:4326、4490、4546）。北京54、西安80 等请先在 GIS 中转换为 "
            "CGCS2000",
            f"the coordinate system the {source} declares, {show(name)}, is not supported: only "
            "WGS-84 or CGCS2000 (lon/lat or a projection of them, such as EPSG:4326, 4490, 4546) "
            "can be imported. Convert Beijing 1954, Xian 1980 and the like to CGCS2000 in your GIS "
            "first",
        )
    epsg = crs.to_epsg(min_confidence=70)
    said = f"{name} (EPSG:{epsg})" if epsg else name
    datum = WGS84_LIKE_EPSG[code]
    equivalent_zh = (
        "；CGCS2000 与 WGS-84 相差不到 1 米，按 WGS-84 使用" if datum == "CGCS2000" else ""
    )
    equivalent_en = (
        "; CGCS2000 and WGS-84 differ by less than a metre, so it is used as WGS-84"
        if datum == "CGCS2000"
        else ""
    )
    converted_zh = "已换算为 WGS-84 经纬度" if crs.is_projected else "即经纬度"
    converted_en = "converted to WGS-84 lon/lat" if crs.is_projected else "read as lon/lat"
    notice = Problem(
        "declared_crs",
        f"{source} 声明坐标系为 {show(said)}，{converted_zh}{equivalent_zh}；"
        "“坐标系”选项不适用于此文件",
        f"the {source} declares {show(said)}, {converted_en}{equivalent_en}; the datum choice "
        "does not apply to this file",
    )
    return (code if crs.is_projected else None), said, [notice]


def _gis_cell(value: Any) -> Any:
    """A value as pyogrio read it, as a plain Python cell (no numpy, NaN/NaT as empty)."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp (NaT included)
        return None if value != value else _xlsx_cell(value.to_pydatetime())
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def _read_layer(path: Path, kind: str, layer: str | None, has_cpg: bool):
    """(frame, layer info, field names, encoding used) of one layer, within the row and column
    limits, refusing a Shapefile that is not of points."""
    import pyogrio

    # A .dbf without a .cpg names no encoding: UTF-8 if it decodes, else GB18030, as for CSV.
    encodings: list[str | None] = [None] if kind == "gpkg" or has_cpg else ["utf-8", "gb18030"]
    frame = None
    for encoding in encodings:
        try:
            info = pyogrio.read_info(path, layer=layer, encoding=encoding)
            if info["features"] > MAX_ROWS:
                raise _too_many_rows()
            _check_width(list(info["fields"]))
            fields = list(info["fields"])
            frame = pyogrio.read_dataframe(
                path, layer=layer, encoding=encoding, max_features=MAX_ROWS + 1
            )
        except UnicodeDecodeError:
            continue
        except (FileProblem, MemoryError):
            raise
        except Exception as exc:  # GDAL reports a damaged file in many ways
            raise _bad_gis(kind, exc) from exc
        if kind == "shp" and (shape_type := info["geometry_type"]) not in (
            None,
            *_POINT_TYPES,
            *_ANY_TYPES,
        ):
            raise FileProblem(
                "not_points",
                f"此 Shapefile 是 {show(shape_type)} 图层：只能导入点要素（Point），面、线或多点请先在 "
                "GIS 中转为单点（如质心）",
                f"this Shapefile is a {show(shape_type)} layer: only Point features can be "
                "imported; turn areas, lines or multi-points into single points (e.g. centroids) "
                "in your GIS first",
            )
        if encoding is not None:
            used_encoding = encoding
        else:
            used_encoding = str(info.get("encoding") or "UTF-8")
        break
    if frame is None:
        raise FileProblem(
            "not_text",
            "无法识别 .dbf 的文字编码：请在 zip 中加入 .cpg 文件（内容为 UTF-8 或 GBK）",
            "cannot read the .dbf's text encoding: add a .cpg file (saying UTF-8 or GBK) to the zip",
        )
    if len(frame) > MAX_ROWS:
        raise _too_many_rows()
    return frame, info, fields, used_encoding


def _read_gis(path: Path, kind: str, *, layer: str | None, has_prj: bool, has_cpg: bool) -> Table:
    """The points of one layer as cells, WGS-84 when the file declares its CRS."""
    import shapely

    frame, info, fields, used_encoding = _read_layer(path, kind, layer, has_cpg)
    if has_prj and not info.get("crs"):
        raise FileProblem(
            "unsupported_crs",
            ".prj 中的坐标系无法识别：请在 GIS 中另存为 WGS-84 或 CGCS2000（如 EPSG:4326、4490、4546）",
            "the coordinate system in the .prj cannot be understood: save the layer again in "
            "WGS-84 or CGCS2000 (such as EPSG:4326, 4490, 4546) from your GIS",
        )
    convert_to, declared, notices = _datum_of(info.get("crs"), kind)
    geometry = frame.geometry
    if convert_to is not None:
        geometry = geometry.to_crs(epsg=convert_to)
    shapes = geometry.to_numpy()
    # Vectorised: a 50,000-feature layer is read in seconds, not per-feature shapely calls.
    types = shapely.get_type_id(shapes).tolist()  # -1 missing, 0 Point
    empty = shapely.is_empty(shapes).tolist()
    xs, ys = shapely.get_x(shapes).tolist(), shapely.get_y(shapes).tolist()
    headers = [str(f) for f in fields if f in frame.columns]
    _check_duplicate_headers(headers)
    lon_header = "lon" if "lon" not in headers else "__lon__"
    lat_header = "lat" if "lat" not in headers else "__lat__"
    columns = [[_gis_cell(v) for v in frame[h].tolist()] for h in headers]
    del frame
    rows: list[tuple[int, list[Any]]] = []
    for i, cells in enumerate(zip(*columns, strict=True) if columns else [()] * len(shapes)):
        if types[i] == -1 or empty[i]:
            position: list[Any] = [None, None]
        elif types[i] == 0:
            position = [xs[i], ys[i]]
        else:
            position = [_GeometryError(shapes[i].geom_type), None]
        rows.append((i + 1, [*cells, *position]))
    return Table(
        [*headers, lon_header, lat_header],
        rows,
        kind,
        used_encoding,
        row_label="feature",
        declared_crs=declared,
        notices=tuple(notices),
    )


def _read_geopackage(content: bytes, folder: Path) -> Table:
    if not content.startswith(_SQLITE_MAGIC):
        raise FileProblem(
            "bad_gpkg",
            "不是有效的 GeoPackage（不是 SQLite 数据库）：请在 QGIS 或 ArcGIS 中导出为 .gpkg",
            "not a valid GeoPackage (not an SQLite database): export it as .gpkg from QGIS or "
            "ArcGIS",
        )
    path = folder / "layer.gpkg"
    path.write_bytes(content)
    layer, notices = _pick_layer(path)
    table = _read_gis(path, "gpkg", layer=layer, has_prj=False, has_cpg=False)
    table.notices = (*notices, *table.notices)
    return table


def _read_shapefile_zip(content: bytes, folder: Path) -> Table:
    path, has_prj, has_cpg = _unpack_shapefile(content, folder)
    return _read_gis(path, "shp", layer=None, has_prj=has_prj, has_cpg=has_cpg)


def _read_gis_file(content: bytes, suffix: str, workdir: Path | None) -> Table:
    """A GeoPackage or a zipped Shapefile, through a scratch folder (`workdir` if given)."""
    if workdir is not None:
        reader = _read_geopackage if suffix == ".gpkg" else _read_shapefile_zip
        return reader(content, workdir)
    with tempfile.TemporaryDirectory(prefix="shaoyang-import-") as tmp:
        return _read_gis_file(content, suffix, Path(tmp))


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


def read_table(content: bytes, filename: str = "", *, workdir: Path | None = None) -> Table:
    """The cells of a CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile. Raises FileProblem
    when it cannot be read. The GIS formats need a scratch folder: `workdir`, else a temporary
    one.

    Runs in this process; :func:`read_table_isolated` runs it in a child with memory and time
    limits, for files from outside.
    """
    if len(content) > MAX_BYTES:
        raise _too_large(f"{len(content) / 1024 / 1024:.1f} MB")
    suffix = Path(filename).suffix.lower()
    if suffix == ".zip" or (suffix == ".gpkg" or content.startswith(_SQLITE_MAGIC)):
        return _read_gis_file(content, ".zip" if suffix == ".zip" else ".gpkg", workdir)
    if suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        raise FileProblem(
            "unsupported_format",
            "Shapefile 需要压缩成一个 zip 上传：把 .shp、.shx、.dbf、.prj（及 .cpg）一起压缩",
            "upload a Shapefile as one zip: zip its .shp, .shx, .dbf, .prj (and .cpg) together",
        )
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
            f"不支持的文件类型 {show(suffix)}：请用 CSV、XLSX、GeoJSON、GeoPackage 或 zip 压缩的 Shapefile",
            f"unsupported file type {show(suffix)}: use CSV, XLSX, GeoJSON, GeoPackage or a "
            "zipped Shapefile",
        )
    return _read_csv(content)
