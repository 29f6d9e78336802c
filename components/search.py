"""One search box for counties and initiatives: Chinese, pinyin (full or initials) and English.

Pure: ``build_index`` turns (kind, id, name_zh, name_en) records into normalised keys once;
``SearchIndex.search`` ranks exact, then prefix, then substring matches. Characters with more
than one reading (长 chang/zhang, 重 zhong/chong) are indexed under each reading.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import Style, pinyin

_NOT_KEY = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SYLLABLE = re.compile(r"[a-zü]+")
MAX_READINGS = 16  # per name: enough for two or three ambiguous characters


@dataclass(frozen=True)
class SearchEntry:
    kind: str  # "county" | "initiative"
    id: str
    name_zh: str
    name_en: str
    keys: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower-case, full-width to half-width, and only letters, digits and CJK kept."""
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text).lower())


def pinyin_keys(name_zh: str) -> tuple[str, ...]:
    """Full pinyin and initials of a Chinese name, one pair per combination of readings."""
    if not _HAN.search(name_zh):
        return ()
    readings = pinyin(name_zh, style=Style.NORMAL, heteronym=True, errors="default")
    keys: list[str] = []
    for combo in itertools.islice(itertools.product(*readings), MAX_READINGS):
        full = normalise("".join(combo))
        # A syllable gives its first letter; a non-Chinese run ("G60") is kept whole.
        initials = normalise("".join(r[0] if _SYLLABLE.fullmatch(r) else r for r in combo))
        keys.extend((full, initials))
    return tuple(dict.fromkeys(k for k in keys if k))


def entry(kind: str, item_id: str, name_zh: str, name_en: str) -> SearchEntry:
    zh = name_zh or ""
    en = name_en or ""
    keys = [normalise(zh), normalise(en), *pinyin_keys(zh)]
    return SearchEntry(kind, item_id, zh, en, tuple(dict.fromkeys(k for k in keys if k)))


@dataclass(frozen=True)
class SearchIndex:
    entries: tuple[SearchEntry, ...]

    def search(self, query: str) -> list[SearchEntry]:
        """Entries matching ``query``: exact matches first, then prefixes, then substrings;
        counties before initiatives, shorter names first."""
        needle = normalise(query)
        if not needle:
            return []
        ranked = []
        for position, candidate in enumerate(self.entries):
            quality = None
            for key in candidate.keys:
                if key == needle:
                    quality = 0
                    break
                if key.startswith(needle):
                    quality = 1 if quality is None else min(quality, 1)
                elif needle in key and quality is None:
                    quality = 2
            if quality is not None:
                kind_rank = 0 if candidate.kind == "county" else 1
                ranked.append((quality, kind_rank, len(candidate.name_zh), position, candidate))
        ranked.sort(key=lambda row: row[:4])
        return [row[-1] for row in ranked]


def build_index(records: Iterable[tuple[str, str, str, str]]) -> SearchIndex:
    """An index over (kind, id, name_zh, name_en) records."""
    return SearchIndex(tuple(entry(*record) for record in records))
