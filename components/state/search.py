"""One search box for counties and initiatives: Chinese, pinyin (full or initials) and English.

Pure: ``build_index`` turns (kind, id, name_zh, name_en) records into normalised keys once;
``SearchIndex.search`` ranks exact, then prefix, then substring matches. Characters with more
than one reading (长 chang/zhang, 重 zhong/chong) are indexed under each reading.

A query holding a word of a synonym group (卤菜 / 卤味 / 卤制品, data/search_synonyms.csv) is
also tried with each other word of the group; those matches rank after the direct ones.
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
# A Latin-letter synonym key shorter than this must be the whole query ("hair" is not "chair").
MIN_CONTAINED_LATIN = 5
SYNONYM_RANK = 3  # added to a synonym match's quality, so direct matches come first


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


def _pinyin_pairs(name_zh: str) -> list[tuple[str, str]]:
    """(full pinyin, initials) of a Chinese name, one pair per combination of readings."""
    if not _HAN.search(name_zh):
        return []
    readings = pinyin(name_zh, style=Style.NORMAL, heteronym=True, errors="default")
    pairs = []
    for combo in itertools.islice(itertools.product(*readings), MAX_READINGS):
        full = normalise("".join(combo))
        # A syllable gives its first letter; a non-Chinese run ("G60") is kept whole.
        initials = normalise("".join(r[0] if _SYLLABLE.fullmatch(r) else r for r in combo))
        pairs.append((full, initials))
    return pairs


def pinyin_keys(name_zh: str) -> tuple[str, ...]:
    """Full pinyin and initials of a Chinese name, for every combination of readings."""
    keys = [key for pair in _pinyin_pairs(name_zh) for key in pair]
    return tuple(dict.fromkeys(k for k in keys if k))


def entry(kind: str, item_id: str, name_zh: str, name_en: str) -> SearchEntry:
    zh = name_zh or ""
    en = name_en or ""
    keys = [normalise(zh), normalise(en), *pinyin_keys(zh)]
    return SearchEntry(kind, item_id, zh, en, tuple(dict.fromkeys(k for k in keys if k)))


@dataclass(frozen=True)
class SynonymGroup:
    """Words users type for one thing: ``words`` replace each other in a query; ``triggers``
    are (key, may be contained) pairs, the words plus their full pinyin."""

    words: tuple[str, ...]
    triggers: tuple[tuple[str, bool], ...]


def synonym_group(terms: Iterable[str]) -> SynonymGroup:
    words = tuple(dict.fromkeys(w for w in (normalise(term) for term in terms) if w))
    triggers: dict[str, bool] = {}
    for term in terms:
        # Full pinyin only: initials (lc, gs) are too short to say what the user means.
        for key in (normalise(term), *(full for full, _ in _pinyin_pairs(term))):
            if key:
                triggers[key] = bool(_HAN.search(key)) or len(key) >= MIN_CONTAINED_LATIN
    return SynonymGroup(words, tuple(triggers.items()))


def expand_query(needle: str, groups: Iterable[SynonymGroup]) -> list[str]:
    """The normalised query with a synonym-group word in it replaced by each other word."""
    variants: list[str] = []
    for group in groups:
        hits = [
            key
            for key, contained in group.triggers
            if key == needle or (contained and key in needle)
        ]
        if not hits:
            continue
        key = max(hits, key=len)  # the longest word that matched (高速铁路 over 高速)
        variants.extend(needle.replace(key, word) for word in group.words if word != key)
    return [v for v in dict.fromkeys(variants) if v and v != needle]


def _quality(candidate: SearchEntry, needle: str) -> int | None:
    """0 exact, 1 prefix, 2 substring, None no match (best over the entry's keys)."""
    quality = None
    for key in candidate.keys:
        if key == needle:
            return 0
        if key.startswith(needle):
            quality = 1
        elif needle in key and quality is None:
            quality = 2
    return quality


@dataclass(frozen=True)
class SearchIndex:
    entries: tuple[SearchEntry, ...]
    synonyms: tuple[SynonymGroup, ...] = ()

    def search(self, query: str) -> list[SearchEntry]:
        """Entries matching ``query``: exact matches first, then prefixes, then substrings, then
        matches of a synonym; counties before initiatives, shorter names first."""
        needle = normalise(query)
        if not needle:
            return []
        variants = expand_query(needle, self.synonyms)
        ranked = []
        for position, candidate in enumerate(self.entries):
            quality = _quality(candidate, needle)
            if quality is None:
                found = [q for q in (_quality(candidate, v) for v in variants) if q is not None]
                quality = SYNONYM_RANK + min(found) if found else None
            if quality is not None:
                kind_rank = 0 if candidate.kind == "county" else 1
                ranked.append((quality, kind_rank, len(candidate.name_zh), position, candidate))
        ranked.sort(key=lambda row: row[:4])
        return [row[-1] for row in ranked]


def build_index(
    records: Iterable[tuple[str, str, str, str]], synonyms: Iterable[Iterable[str]] = ()
) -> SearchIndex:
    """An index over (kind, id, name_zh, name_en) records; ``synonyms`` are groups of words
    that stand for one another in a query."""
    return SearchIndex(
        tuple(entry(*record) for record in records),
        tuple(synonym_group(tuple(group)) for group in synonyms),
    )
