"""Column headings: which field a heading means (项目名称, name_zh, 总投资（亿元）...)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from data.fields import IMPORT, Field, table

# The import's columns are the vocabulary's ``import`` table (data/fields.py).
FIELDS: tuple[Field, ...] = table(IMPORT)
FIELD_NAMES = tuple(spec.name for spec in FIELDS)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}


def _key(text: str) -> str:
    """Normalise a header or name for matching: NFKC, case-folded, no spaces, `_` or `-`."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-·'’]+", "", text)


def _alias_table() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for spec in FIELDS:
        for alias in (spec.name, spec.label_zh, spec.label_en, *spec.aliases):
            aliases.setdefault(_key(alias), spec.name)
    return aliases


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
