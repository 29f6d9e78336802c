"""Tables out: CSV (UTF-8 with BOM, for Excel, text cells quoted), XLSX (with a column-dictionary sheet), GeoJSON.

Every function takes a pandas DataFrame and, for the dictionary, a sequence of :class:`Column`,
so any page can export any table (user projects here, report initiatives in the explorer).

Spreadsheet cells that begin with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) are
prefixed with ``'`` so that Excel or LibreOffice shows them as text instead of running them as a
formula (CSV/formula injection). Numbers stay numbers. GeoJSON keeps text verbatim: it is
data for GIS software, not a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class Column:
    """One column of an export, as the dictionary sheet explains it."""

    name: str
    label_zh: str
    label_en: str
    description_zh: str = ""
    description_en: str = ""
    unit: str = ""


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, made inert with a leading '."""
    if (
        isinstance(value, str)
        and value
        and (value[0] in FORMULA_TRIGGERS or value.lstrip()[:1] in FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A cell as a CSV/XLSX-friendly scalar: lists joined, dates ISO, NaN empty."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, list | tuple | set):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize() + Decimal(0), "f")
    if hasattr(value, "__geo_interface__"):
        return None
    return value


def spreadsheet_frame(frame: pd.DataFrame, *, neutralise_cells: bool = True) -> pd.DataFrame:
    """A copy of `frame` with every cell plain (lists joined, dates ISO), geometry columns dropped
    and, unless told otherwise, formula-like text neutralised."""
    geometry_columns = [
        c for c in frame.columns if getattr(frame[c].dtype, "name", "") == "geometry"
    ]
    out = frame.drop(columns=geometry_columns)
    clean = neutralise if neutralise_cells else (lambda v: v)
    return pd.DataFrame(
        {str(c): [clean(_plain(v)) for v in out[c]] for c in out.columns},
        columns=[str(c) for c in out.columns],
    )


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel opens Chinese text correctly), formulas neutralised."""
    # Every text cell is quoted: opened with ";" or a tab as the separator, a cell such as
    # x;=5+5 stays one cell instead of becoming x and a formula.
    text = spreadsheet_frame(frame).to_csv(
        index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC
    )
    return "\ufeff".encode() + text.encode("utf-8")


def dictionary_frame(columns: Sequence[Column], frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The column dictionary: one row per column of `frame` (or per entry of `columns`)."""
    known = {c.name: c for c in columns}
    names = [str(c) for c in frame.columns] if frame is not None else [c.name for c in columns]
    rows = []
    for name in names:
        col = known.get(name, Column(name, name, name))
        rows.append(
            {
                "column": col.name,
                "名称": col.label_zh,
                "label": col.label_en,
                "单位 unit": col.unit,
                "说明": col.description_zh,
                "description": col.description_en,
            }
        )
    return pd.DataFrame(rows)


_XLSX_ILLEGAL = None


def _xlsx_safe(value: Any) -> Any:
    """openpyxl refuses control characters in cells; show them as \\xNN instead."""
    global _XLSX_ILLEGAL
    if _XLSX_ILLEGAL is None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _XLSX_ILLEGAL = ILLEGAL_CHARACTERS_RE
    if isinstance(value, str):
        value = _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        if len(value) > 32767:  # Excel's limit per cell
            value = value[:32766] + "…"
    return value


def to_xlsx_bytes(
    frame: pd.DataFrame,
    columns: Sequence[Column] = (),
    *,
    sheet_name: str = "data",
    dictionary_sheet: str = "字段说明 columns",
    title: str | None = None,
) -> bytes:
    """An XLSX workbook: the data sheet, then a sheet explaining every column.

    Text cells are written as text (never formulas), neutralised as in CSV for other tools.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data_sheet = book.active
    data_sheet.title = sheet_name[:31]
    plain = spreadsheet_frame(frame)
    bold = Font(bold=True)
    data_sheet.append([_xlsx_safe(c) for c in plain.columns])
    for cell in data_sheet[1]:
        cell.font = bold
    for row in plain.itertuples(index=False, name=None):
        data_sheet.append([_xlsx_safe(v) for v in row])
    for cells in data_sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    data_sheet.freeze_panes = "A2"

    info = book.create_sheet(dictionary_sheet[:31])
    if title:
        info.append([_xlsx_safe(neutralise(title))])
        info.append([])
    dictionary = dictionary_frame(columns, frame)
    info.append(list(dictionary.columns))
    for cell in info[info.max_row]:
        cell.font = bold
    for row in dictionary.itertuples(index=False, name=None):
        info.append([_xlsx_safe(neutralise(v)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def to_geojson_bytes(
    frame: pd.DataFrame, *, lon: str = "lon", lat: str = "lat", precision: int = 6
) -> bytes:
    """A FeatureCollection (WGS-84): the frame's geometry column if it has one (a GeoDataFrame),
    else Points from `lon`/`lat` (rows without both get a null geometry)."""
    geometry_name = (
        getattr(frame, "_geometry_column_name", None) if hasattr(frame, "geometry") else None
    )
    features = []
    prop_columns = [c for c in frame.columns if c != geometry_name]
    for _, row in frame.iterrows():
        geometry = None
        if geometry_name is not None:
            shape = row[geometry_name]
            if shape is not None and not getattr(shape, "is_empty", True):
                import shapely

                geometry = json.loads(
                    shapely.to_geojson(shapely.set_precision(shape, 10**-precision))
                )
        elif lon in frame.columns and lat in frame.columns:
            x, y = _json_value(row[lon]), _json_value(row[lat])
            if isinstance(x, int | float) and isinstance(y, int | float):
                geometry = {
                    "type": "Point",
                    "coordinates": [round(float(x), precision), round(float(y), precision)],
                }
        properties = {str(c): _json_value(row[c]) for c in prop_columns}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=None).encode("utf-8")


# The columns of the user-data export (data.store.EXPORT_COLUMNS), for the dictionary sheet.
USER_DATA_COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        "类型",
        "kind",
        "project = 自己的项目；annotation = 对报告条目的补充",
        "project = your own project; annotation = figures added to a report initiative",
    ),
    Column(
        "project_id",
        "项目编号",
        "project id",
        "保留此列再导入即更新该项目",
        "keep it when re-importing to update the project",
    ),
    Column(
        "initiative_id",
        "报告条目编号",
        "report initiative id",
        "报告条目的编号（只读的报告数据）",
        "id of the report initiative (read-only report data)",
    ),
    Column("name_zh", "项目名称", "project name"),
    Column("name_en", "英文名称", "English name"),
    Column(
        "counties",
        "县市区代码",
        "county adcodes",
        "6位行政区划代码，多个用逗号分隔；空 = 全市",
        "6-digit adcodes, comma-separated; empty = city-wide",
    ),
    Column("town", "乡镇", "town"),
    Column("lon", "经度", "longitude", "WGS-84", "WGS-84", "°"),
    Column("lat", "纬度", "latitude", "WGS-84", "WGS-84", "°"),
    Column(
        "datum",
        "坐标系",
        "datum",
        "导出坐标一律为 WGS-84",
        "exported coordinates are always WGS-84",
    ),
    Column(
        "precision",
        "定位精度",
        "location precision",
        "site 点位 / town 乡镇 / county 县市区 / citywide 全市",
        "site / town / county / citywide",
    ),
    Column("location_source", "定位来源", "location source"),
    Column("category", "类别", "category"),
    Column(
        "status",
        "状态",
        "status",
        "planned 谋划 / under_construction 在建 / completed 建成",
        "planned / under_construction / completed",
    ),
    Column("investment_yi", "总投资", "total investment", "", "", "亿元 (100 million CNY)"),
    Column("start_date", "开工时间", "start date", "", "", "YYYY-MM-DD"),
    Column("end_date", "竣工时间", "end date", "", "", "YYYY-MM-DD"),
    Column("responsible_unit", "责任单位", "responsible unit"),
    Column("note", "备注", "note"),
    Column("updated_at", "最后修改时间", "last changed", "UTC", "UTC"),
    Column("updated_by", "最后修改人", "last changed by"),
)


# ---- the user-data export in a person's language

KIND_LABELS = {
    "project": ("自己的项目", "my project"),
    "annotation": ("报告条目补充", "report item"),
}
PRECISION_LABELS = {
    "site": ("具体地点", "site"),
    "town": ("乡镇", "town"),
    "county": ("县级", "county"),
    "citywide": ("全市", "city-wide"),
}
STATUS_LABELS = {
    "planned": ("谋划", "planned"),
    "under_construction": ("在建", "under construction"),
    "completed": ("建成", "completed"),
}
# Shown under these headings (both re-import to the same field); the amount heading carries
# its unit so a bare number re-imports as 亿元.
_HEADING_OVERRIDES = {
    "kind": ("记录类型", "record kind"),  # 类型 alone would read back as the category
    "counties": ("县市区", "counties"),
    "investment_yi": ("总投资(亿元)", "total investment (100 million CNY)"),
}
# Columns whose values are codes: shown as words, with the codes beside them.
_CODED = ("kind", "counties", "precision", "category", "status")


def _coded_label(name: str, code: Any, lang: str, county_names: dict[str, dict[str, str]]) -> Any:
    from data.importer import CATEGORY_ZH

    i = 0 if lang == "zh" else 1
    if name == "counties" and not (isinstance(code, str) and code.strip(",")):
        return PRECISION_LABELS["citywide"][i]  # no county: city-wide (and re-imports as such)
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return None
    if name == "counties":
        codes = [c for c in str(code).split(",") if c]
        words = [county_names.get(c, {}).get(lang, c) for c in codes]
        return ("、" if lang == "zh" else ", ").join(words)
    if name == "category":
        return CATEGORY_ZH.get(code, code) if lang == "zh" else str(code).replace("_", " ")
    table = {"kind": KIND_LABELS, "precision": PRECISION_LABELS, "status": STATUS_LABELS}[name]
    return table.get(code, (code, code))[i]


def _headings(col: Column, lang: str) -> tuple[Column, Column | None]:
    """The column of words for `col` in `lang`, and the column of its codes (if coded)."""
    zh, en = _HEADING_OVERRIDES.get(col.name, (col.label_zh, col.label_en))
    shown = Column(
        zh if lang == "zh" else en, zh, en, col.description_zh, col.description_en, col.unit
    )
    if col.name not in _CODED:
        return shown, None
    if col.name == "counties":  # its own labels already say 代码 / adcodes
        code_zh, code_en = col.label_zh, col.label_en
    else:
        code_zh, code_en = f"{col.label_zh}代码", f"{col.label_en} code"
    return shown, Column(
        code_zh if lang == "zh" else code_en,
        code_zh,
        code_en,
        "机器可读的代码（前一列的内容）；再导入时不使用",
        "the machine-readable code of the column before; not read on re-import",
    )


def user_data_columns(lang: str) -> list[Column]:
    """The dictionary of :func:`user_data_for_people`'s columns (names are the headings)."""
    out: list[Column] = []
    for col in USER_DATA_COLUMNS:
        shown, code = _headings(col, lang)
        out += [shown] if code is None else [shown, code]
    return out


def user_data_for_people(
    frame: pd.DataFrame, lang: str, county_names: dict[str, dict[str, str]]
) -> pd.DataFrame:
    """The store's export frame (codes) with headings and values in `lang`: 在建, 邵东市, 基础设施
    for under_construction, 430582, infrastructure — each code kept in a column right after its
    words. Re-imports like the coded export (the code columns are not read)."""
    data: dict[str, list[Any]] = {}
    for col in USER_DATA_COLUMNS:
        values = list(frame[col.name]) if col.name in frame.columns else [None] * len(frame)
        shown, code = _headings(col, lang)
        if code is None:
            data[shown.name] = values
        else:
            data[shown.name] = [_coded_label(col.name, v, lang, county_names) for v in values]
            data[code.name] = values
    return pd.DataFrame(data)
