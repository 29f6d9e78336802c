"""Column headings: which field a heading means (项目名称, name_zh, 总投资（亿元）...)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


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
