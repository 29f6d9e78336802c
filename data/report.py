"""The report text (Shaoyang 2024 Government Work Report): sections, paragraphs, sentences, spans.

Every ``start``/``end`` here is a Python string offset into the RAW text (read as strict UTF-8,
no newline translation), so ``raw[start:end]`` is always the element exactly as printed. The
``text`` fields are normalised: the newspaper's page-break artefacts (a blank line in the middle
of a phrase) are removed, and :class:`NormalisedText` maps every normalised offset back to raw.
Pure Python: no streamlit.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPORT_PATH = Path(__file__).resolve().parent / "report" / "report.txt"

REVIEW = "review"
TARGETS = "targets"

_NUMERALS = "一二三四五六七八九十"
# Full-width ！？；： written as escapes: they look like their ASCII twins in most fonts.
_FULL_WIDTH_STOPS = "\uff01\uff1f\uff1b"
_FULL_WIDTH_COLON = "\uff1a"
# The text prints semicolons (and commas, colons) as ASCII, so both widths delimit sentences.
_SENTENCE_END = frozenset("。!?;" + _FULL_WIDTH_STOPS)
# A paragraph may stop before a blank line only after one of these (possibly followed by
# closing quotes, as in `……。”`); anything else means the newspaper broke it across a gap.
_TERMINAL = _SENTENCE_END | frozenset(":…" + _FULL_WIDTH_COLON)
_CLOSERS = frozenset("”’」』)）》〉】")
_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
# The running head ("政府工作报告") opens the text, is short and has no punctuation at all.
_MASTHEAD_MAX_CHARS = 20

_SECTION_HEADING = re.compile(rf"[(（]([{_NUMERALS}]+)[)）][^。\n]*")
_PART_HEADING = re.compile(rf"([{_NUMERALS}]+)、[^。\n]*")
_PAGE_MARKER = re.compile(r"[(（](?:上接|下转)\s*\d+\s*版[)）]")
_SECTION_HEADING_LINE = re.compile(rf"^{_SECTION_HEADING.pattern}$", re.MULTILINE)
_PART_HEADING_LINE = re.compile(rf"^{_PART_HEADING.pattern}$", re.MULTILINE)
# A block is a run of lines with no blank line inside it.
_BLOCK = re.compile(r"(?:[^\n]|\n(?![ \t\r\u3000]*\n))+")


class SpanNotFound(ValueError):
    """The phrase does not occur in the report text (or not as often as asked)."""

    def __init__(self, phrase: str, occurrence: int, found: int) -> None:
        self.phrase = phrase
        self.occurrence = occurrence
        self.found = found
        if found == 0:
            message = f"{phrase!r} does not occur in the report text"
        else:
            message = (
                f"{phrase!r} occurs {found} time(s) in the report text; "
                f"occurrence={occurrence} asked for one more than that"
            )
        super().__init__(message)


class ReportFormatError(ValueError):
    """The text does not have the expected shape (headings missing or out of order)."""


@dataclass(frozen=True)
class Section:
    """A part of the report: 'review', 'targets', or one of '一' … '八'."""

    key: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (or heading line); ``text`` is normalised, offsets are raw."""

    index: int
    section_key: str
    start: int
    end: int
    text: str
    # 'body', 'section_heading', 'part_heading', 'page_marker' or 'masthead'.
    kind: str = "body"


@dataclass(frozen=True)
class Sentence:
    """A sentence, clause ending in a semicolon, heading or page marker; offsets are raw."""

    index: int
    paragraph_index: int
    section_key: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NormalisedText:
    """The raw text with page-break gaps removed, plus the offset mapping in both directions."""

    text: str = field(repr=False)
    raw_length: int
    gaps: tuple[tuple[int, int], ...]
    # (normalised start, raw start, length) of each run of characters kept verbatim.
    segments: tuple[tuple[int, int, int], ...] = field(repr=False)

    @classmethod
    def from_gaps(cls, raw: str, gaps: list[tuple[int, int]]) -> NormalisedText:
        """Remove the raw spans ``gaps`` (sorted, disjoint) from ``raw``."""
        pieces: list[str] = []
        segments: list[tuple[int, int, int]] = []
        norm_pos = raw_pos = 0
        for gap_start, gap_end in [*sorted(gaps), (len(raw), len(raw))]:
            if gap_start < raw_pos or gap_end < gap_start:
                raise ValueError(f"gaps overlap or are reversed near raw offset {gap_start}")
            length = gap_start - raw_pos
            if length or not segments:
                segments.append((norm_pos, raw_pos, length))
                pieces.append(raw[raw_pos:gap_start])
                norm_pos += length
            raw_pos = gap_end
        return cls("".join(pieces), len(raw), tuple(sorted(gaps)), tuple(segments))

    def to_raw(self, i: int) -> int:
        """Raw offset of normalised offset ``i``; at a removed gap, the raw offset after it."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"normalised offset {i} outside 0..{len(self.text)}")
        k = bisect.bisect_right(self.segments, i, key=lambda s: s[0]) - 1
        norm_start, raw_start, _ = self.segments[k]
        return raw_start + (i - norm_start)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw span of the normalised span [start, end); it includes any gap strictly inside."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"normalised span ({start}, {end}) outside 0..{len(self.text)}")
        if start == end:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def from_raw(self, r: int) -> int:
        """Normalised offset of raw offset ``r``; inside a removed gap, the join point."""
        if not 0 <= r <= self.raw_length:
            raise IndexError(f"raw offset {r} outside 0..{self.raw_length}")
        k = bisect.bisect_right(self.segments, r, key=lambda s: s[1]) - 1
        norm_start, raw_start, length = self.segments[k]
        return norm_start + min(r - raw_start, length)

    def raw_span_text(self, start: int, end: int) -> str:
        """Normalised text of the raw span [start, end) (gaps inside it removed)."""
        return self.text[self.from_raw(start) : self.from_raw(end)]


@dataclass(frozen=True)
class Report:
    """The parsed report: sections in order, paragraphs and sentences with raw offsets."""

    raw: str = field(repr=False)
    normalised: NormalisedText = field(repr=False)
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...] = field(repr=False)
    sentences: tuple[Sentence, ...] = field(repr=False)

    @property
    def page_breaks(self) -> tuple[tuple[int, int], ...]:
        """Raw spans of the page-break gaps that were joined over."""
        return self.normalised.gaps

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def section_at(self, raw_offset: int) -> str:
        """Key of the section holding ``raw_offset``."""
        return _containing(self.sections, raw_offset, "section").key

    def paragraph_at(self, raw_offset: int) -> Paragraph:
        """The paragraph holding ``raw_offset``; ValueError between paragraphs."""
        return _containing(self.paragraphs, raw_offset, "paragraph")

    def sentence_at(self, raw_offset: int) -> Sentence:
        """The sentence holding ``raw_offset``; ValueError between sentences."""
        return _containing(self.sentences, raw_offset, "sentence")

    def find_span(self, phrase: str, occurrence: int = 0) -> tuple[int, int]:
        return find_span(self.raw, phrase, occurrence)


def load_report_text(path: Path | str = REPORT_PATH) -> str:
    """The report exactly as stored: strict UTF-8, newlines untranslated."""
    with open(path, encoding="utf-8", errors="strict", newline="") as handle:
        return handle.read()


@lru_cache(maxsize=4)
def load_report(path: Path = REPORT_PATH) -> Report:
    """Parse the report at ``path`` (cached; the default is the project's copy)."""
    return parse_report(load_report_text(path))


def block_kind(text: str, *, leading: bool = False) -> str:
    """Classify a stripped block: a heading, a page marker, the masthead (if leading), or body."""
    if _PAGE_MARKER.fullmatch(text):
        return "page_marker"
    if _SECTION_HEADING.fullmatch(text):
        return "section_heading"
    if _PART_HEADING.fullmatch(text):
        return "part_heading"
    if leading and len(text) <= _MASTHEAD_MAX_CHARS and not any(map(_is_punctuation, text)):
        return "masthead"
    return "body"


def ends_paragraph(text: str) -> bool:
    """Whether body text can end a paragraph here (terminal mark, maybe then closing quotes)."""
    i = len(text)
    while i and text[i - 1] in _CLOSERS:
        i -= 1
    return bool(i) and text[i - 1] in _TERMINAL


@lru_cache(maxsize=8)
def normalise(raw: str) -> NormalisedText:
    """``raw`` with the blank lines of page-break artefacts removed (mapping kept)."""
    gaps = [
        (before.end, after.start)
        for group in _paragraph_groups(_blocks(raw))
        for before, after in zip(group, group[1:], strict=False)
    ]
    return NormalisedText.from_gaps(raw, gaps)


def find_span(raw: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Raw (start, end) of the ``occurrence``-th match of ``phrase``, across page breaks too."""
    if not phrase:
        raise ValueError("phrase must not be empty")
    if occurrence < 0:
        raise ValueError(f"occurrence must be >= 0, got {occurrence}")
    norm = normalise(raw)
    starts = _match_starts(norm.text, phrase)
    if occurrence >= len(starts):
        raise SpanNotFound(phrase, occurrence, len(starts))
    start = starts[occurrence]
    return norm.span_to_raw(start, start + len(phrase))


def count_occurrences(raw: str, phrase: str) -> int:
    """Non-overlapping matches of ``phrase`` in the normalised text (as ``str.count``)."""
    if not phrase:
        raise ValueError("phrase must not be empty")
    return len(_match_starts(normalise(raw).text, phrase))


def sentence_at(raw_offset: int, report: Report | None = None) -> Sentence:
    """The sentence holding ``raw_offset`` (default: the project's report)."""
    return (report or load_report()).sentence_at(raw_offset)


def section_at(raw_offset: int, report: Report | None = None) -> str:
    """Key of the section holding ``raw_offset`` (default: the project's report)."""
    return (report or load_report()).section_at(raw_offset)


def parse_report(raw: str) -> Report:
    """Split ``raw`` into sections, paragraphs (artefacts joined) and sentences."""
    norm = normalise(raw)
    sections = _sections(raw)
    section_starts = [s.start for s in sections]

    def section_key(start: int, end: int) -> str:
        section = sections[bisect.bisect_right(section_starts, start) - 1]
        if end > section.end:
            raise ReportFormatError(f"text at {start}..{end} crosses the end of {section.key}")
        return section.key

    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for group in _paragraph_groups(_blocks(raw)):
        start, end = group[0].start, group[-1].end
        key = section_key(start, end)
        text = norm.raw_span_text(start, end)
        paragraph = Paragraph(len(paragraphs), key, start, end, text, group[0].kind)
        paragraphs.append(paragraph)
        base = norm.from_raw(start)
        for local_start, local_end in _sentence_spans(paragraph.text, paragraph.kind):
            s_start, s_end = norm.span_to_raw(base + local_start, base + local_end)
            sentence_text = paragraph.text[local_start:local_end]
            sentences.append(
                Sentence(len(sentences), paragraph.index, key, s_start, s_end, sentence_text)
            )
    return Report(raw, norm, sections, tuple(paragraphs), tuple(sentences))


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str
    kind: str


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _blocks(raw: str) -> list[_Block]:
    blocks = []
    for match in _BLOCK.finditer(raw):
        chunk = match.group()
        text = chunk.strip()
        if text:
            start = match.start() + len(chunk) - len(chunk.lstrip())
            kind = block_kind(text, leading=not blocks)
            blocks.append(_Block(start, start + len(text), text, kind))
    return blocks


def _paragraph_groups(blocks: list[_Block]) -> list[list[_Block]]:
    """Blocks grouped into paragraphs: body text cut before its terminal mark continues."""
    groups: list[list[_Block]] = []
    for block in blocks:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and previous.kind == "body"
            and block.kind == "body"
            and not ends_paragraph(previous.text)
        ):
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _sections(raw: str) -> tuple[Section, ...]:
    numbered = list(_SECTION_HEADING_LINE.finditer(raw))
    if not numbered:
        raise ReportFormatError("no section heading like '(一)' at the start of a line")
    keys = [m.group(1) for m in numbered]
    expected = list(_NUMERALS[: len(keys)])
    if keys != expected:
        raise ReportFormatError(f"section headings out of order: {keys}, expected {expected}")
    parts = [m for m in _PART_HEADING_LINE.finditer(raw) if m.start() < numbered[0].start()]
    if not parts:
        raise ReportFormatError("no part heading like '二、2024年工作安排' before '(一)'")
    targets = parts[-1]

    heads = [(TARGETS, targets), *zip(keys, numbered, strict=True)]
    sections = []
    if targets.start() > 0:
        # The leading fragment of the 2023 review carries no heading of its own in this text.
        sections.append(Section(REVIEW, "", 0, targets.start()))
    for i, (key, match) in enumerate(heads):
        end = heads[i + 1][1].start() if i + 1 < len(heads) else len(raw)
        sections.append(Section(key, match.group().strip(), match.start(), end))
    return tuple(sections)


def _outer_quotes(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the outermost matched quotation marks."""
    spans = []
    stack: list[tuple[int, str]] = []
    for i, char in enumerate(text):
        if char in _QUOTE_PAIRS:
            stack.append((i, _QUOTE_PAIRS[char]))
        elif stack and char == stack[-1][1]:
            opened, _ = stack.pop()
            if not stack:
                spans.append((opened, i))
    return spans


def _sentence_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Local (start, end) spans of the sentences of one paragraph's normalised text."""
    if kind != "body":
        return [(0, len(text))]
    cuts = []
    marker = _PAGE_MARKER.match(text)
    if marker:
        cuts.append(marker.end())
    quotes = _outer_quotes(text)
    opens = [opened for opened, _ in quotes]
    for i, char in enumerate(text):
        if char not in _SENTENCE_END:
            continue
        k = bisect.bisect_right(opens, i) - 1
        if k < 0 or i > quotes[k][1]:
            cuts.append(i + 1)
        elif quotes[k][1] == i + 1:
            # `“……。”`: a quote that itself ends a sentence takes its closing mark along.
            cuts.append(i + 2)
    spans = []
    previous = 0
    for cut in [*cuts, len(text)]:
        piece = text[previous:cut]
        if piece.strip():
            start = previous + len(piece) - len(piece.lstrip())
            spans.append((start, start + len(piece.strip())))
        previous = cut
    return spans


def _match_starts(text: str, phrase: str) -> list[int]:
    starts = []
    i = text.find(phrase)
    while i != -1:
        starts.append(i)
        i = text.find(phrase, i + len(phrase))
    return starts


def _containing(items, raw_offset: int, what: str):
    starts = [item.start for item in items]
    k = bisect.bisect_right(starts, raw_offset) - 1
    if k >= 0 and items[k].start <= raw_offset < items[k].end:
        return items[k]
    raise ValueError(f"raw offset {raw_offset} is not inside any {what}")
