"""Cell values: amounts in 亿元, dates, statuses, categories, datums, coordinates, text."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from data.fields import CATEGORY_CODES, FIELD_BY_KEY, STATUS_CODES, Code
from data.importer.columns import _key
from data.importer.problems import CellError, show

MAX_NAME_CHARS = FIELD_BY_KEY["name_zh"].max_chars or 300
MAX_NOTE_CHARS = FIELD_BY_KEY["note"].max_chars or 5000
# Larger than any plausible project (the whole of China's GDP is ~130万亿元 = 1.3e6 亿元).
MAX_AMOUNT_YI = Decimal("1000000")
AMOUNT_PLACES = Decimal("0.00000001")  # 1 元 in 亿元

DATUMS = ("wgs84", "gcj02", "bd09")


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


def _words(codes: tuple[Code, ...]) -> dict[str, str]:
    """{normalised word: code}: the code (with spaces for _), its words in both languages and its
    synonyms, as the field vocabulary gives them."""
    lookup: dict[str, str] = {}
    for entry in codes:
        for word in (entry.code, entry.code.replace("_", " "), entry.zh, entry.en, *entry.synonyms):
            lookup.setdefault(_key(word), entry.code)
    return lookup


_STATUS_LOOKUP = _words(STATUS_CODES)


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


_CATEGORY_LOOKUP = _words(CATEGORY_CODES)


def parse_category(cell: Any) -> str | None:
    """A category code from its code, its words in either language (the interface's) or a
    synonym (交通, 文旅 ...)."""
    return _lookup(
        cell,
        _CATEGORY_LOOKUP,
        "unknown_category",
        "未知类别 {cell}：可选 " + "、".join(c.zh for c in CATEGORY_CODES),
        "unknown category {cell}: use one of " + ", ".join(c.code for c in CATEGORY_CODES),
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
