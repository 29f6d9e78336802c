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
from decimal import Decimal
from typing import Any

import pandas as pd

from data import fields
from data.fields import Column

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


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
USER_DATA_COLUMNS: tuple[Column, ...] = fields.dictionary(fields.EXPORT)


# ---- the user-data export in a person's language


def _coded_label(name: str, code: Any, lang: str, county_names: dict[str, dict[str, str]]) -> Any:
    if name == "counties" and not (isinstance(code, str) and code.strip(",")):
        # No county: city-wide (and re-imports as such).
        return fields.code_label("precision", "citywide", lang)
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return None
    if name == "counties":
        codes = [c for c in str(code).split(",") if c]
        words = [county_names.get(c, {}).get(lang, c) for c in codes]
        return ("、" if lang == "zh" else ", ").join(words)
    return fields.code_label(fields.FIELD_BY_KEY[name].codes or "", str(code), lang)


def _headings(spec: fields.Field, lang: str) -> tuple[Column, Column | None]:
    """The column of words for `spec` in `lang`, and the column of its codes (if coded)."""
    shown = Column(
        spec.label_zh if lang == "zh" else spec.label_en,
        spec.label_zh,
        spec.label_en,
        spec.description_zh,
        spec.description_en,
        spec.unit,
    )
    if not spec.coded:
        return shown, None
    codes = spec.code_column()
    return shown, Column(
        codes.label_zh if lang == "zh" else codes.label_en,
        codes.label_zh,
        codes.label_en,
        "机器可读的代码（前一列的内容）；再导入时不使用",
        "the machine-readable code of the column before; not read on re-import",
    )


def user_data_columns(lang: str) -> list[Column]:
    """The dictionary of :func:`user_data_for_people`'s columns (names are the headings)."""
    out: list[Column] = []
    for spec in fields.table(fields.EXPORT):
        shown, code = _headings(spec, lang)
        out += [shown] if code is None else [shown, code]
    return out


def user_data_for_people(
    frame: pd.DataFrame, lang: str, county_names: dict[str, dict[str, str]]
) -> pd.DataFrame:
    """The store's export frame (codes) with headings and values in `lang`: 在建, 邵东市, 基础设施
    for under_construction, 430582, infrastructure — each code kept in a column right after its
    words. Re-imports like the coded export (the code columns are not read)."""
    data: dict[str, list[Any]] = {}
    for spec in fields.table(fields.EXPORT):
        values = list(frame[spec.name]) if spec.name in frame.columns else [None] * len(frame)
        shown, code = _headings(spec, lang)
        if code is None:
            data[shown.name] = values
        else:
            data[shown.name] = [_coded_label(spec.name, v, lang, county_names) for v in values]
            data[code.name] = values
    return pd.DataFrame(data)
