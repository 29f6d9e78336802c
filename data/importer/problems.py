"""Problems with a file or a cell, each said in Chinese and in English, with where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


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
