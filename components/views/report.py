"""The report as an HTML document: sections, paragraphs, every initiative span highlighted.

Pure: takes the parsed report and plain span records, returns an HTML string. Every piece of
text goes through html.escape, so nothing from the data can become markup or script. The
document is shown in an iframe; its only script scrolls to the selected span. Streamlit's
iframe sandbox forbids navigating the top window, so a span opens the map in a new tab.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from components.i18n import t
from data.report import Report


@dataclass(frozen=True)
class SpanRecord:
    """One initiative's span in the raw report."""

    id: str
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    """A run of report text and the initiative ids whose spans cover all of it."""

    start: int
    end: int
    ids: tuple[str, ...]


def pieces(start: int, end: int, spans: list[SpanRecord]) -> list[Piece]:
    """Cut [start, end) at every span boundary; each piece lists the spans covering it."""
    cuts = {start, end}
    for span in spans:
        if span.end > start and span.start < end:
            cuts.update(c for c in (span.start, span.end) if start < c < end)
    ordered = sorted(cuts)
    result = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        ids = tuple(s.id for s in spans if s.start <= left and s.end >= right)
        result.append(Piece(left, right, ids))
    return result


def _display(raw: str, start: int, end: int, gaps: tuple[tuple[int, int], ...]) -> str:
    """The raw text of [start, end) without the page-break gaps inside it."""
    out, pos = [], start
    for gap_start, gap_end in gaps:
        if gap_end <= pos or gap_start >= end:
            continue
        out.append(raw[pos : max(pos, gap_start)])
        pos = max(pos, gap_end)
    out.append(raw[pos:end])
    return "".join(out)


def map_href(initiative_id: str, lang: str) -> str:
    """Link from the reader to the map focused on one initiative."""
    return f"/?initiative={quote(initiative_id)}&lang={quote(lang)}"


STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;line-height:1.9;
 margin:0;padding:0 1rem 40vh;color:#1f2328;font-size:17px}
h2{font-size:1.15rem;margin:1.6rem 0 .4rem;color:#0b4f8a}
p{margin:.5rem 0}
.toc{position:sticky;top:0;background:#fff;padding:.4rem 0;border-bottom:1px solid #ddd;font-size:.9rem;z-index:2}
.toc a{margin-right:.8rem;color:#0b4f8a;text-decoration:none}
mark{background:#fff1b8;padding:0 .05em;border-radius:2px}
mark a{color:inherit;text-decoration:none}
mark.multi{background:#ffd666}
mark.selected{background:#ff9c6e;outline:2px solid #d4380d}
.heading{font-weight:600}
.marker{color:#888;font-size:.85rem}
"""

SCROLL = """
var el=document.querySelector('mark.selected');
if(el){el.scrollIntoView({block:'center'});}
"""


def render_report_html(
    report: Report,
    spans: list[SpanRecord],
    *,
    selected: str | None = None,
    lang: str = "zh",
    section_label: dict[str, str] | None = None,
) -> str:
    """The whole report as one HTML document with highlighted, clickable spans."""
    gaps = report.page_breaks
    names = {s.id: s.name for s in spans}
    labels = section_label or {}
    toc = "".join(
        f'<a href="#sec-{html.escape(s.key)}">{html.escape(labels.get(s.key, s.title or s.key))}</a>'
        for s in report.sections
        if s.key not in ("review",)
    )
    body: list[str] = [f'<nav class="toc">{toc}</nav>']
    current_section = None
    for paragraph in report.paragraphs:
        if paragraph.section_key != current_section:
            current_section = paragraph.section_key
            body.append(f'<a id="sec-{html.escape(current_section)}"></a>')
        if paragraph.kind in ("section_heading", "part_heading"):
            text = html.escape(_display(report.raw, paragraph.start, paragraph.end, gaps))
            body.append(f"<h2>{text}</h2>")
            continue
        css = "marker" if paragraph.kind in ("page_marker", "masthead") else ""
        parts = []
        for piece in pieces(paragraph.start, paragraph.end, spans):
            text = html.escape(_display(report.raw, piece.start, piece.end, gaps))
            if not piece.ids:
                parts.append(text)
                continue
            classes = ["multi"] if len(piece.ids) > 1 else []
            if selected in piece.ids:
                classes.append("selected")
            title = " · ".join(names[i] for i in piece.ids)
            target = selected if selected in piece.ids else piece.ids[0]
            parts.append(
                f'<mark class="{" ".join(classes)}" data-ids="{html.escape(",".join(piece.ids))}" '
                f'title="{html.escape(title)}"><a href="{html.escape(map_href(target, lang))}" '
                f'target="_blank" rel="noopener">{text}</a></mark>'
            )
        body.append(f'<p class="{css}">{"".join(parts)}</p>')
    script = SCROLL if selected else ""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<style>{STYLE}</style></head><body>{''.join(body)}"
        f"<script>{script}</script></body></html>"
    )


def spans_covering(spans: list[SpanRecord], start: int, end: int) -> list[SpanRecord]:
    """Every span that overlaps [start, end): the initiatives a sentence mentions."""
    return [s for s in spans if s.start < end and s.end > start]


def reader_caption(shown: pd.DataFrame, total: int, lang: str) -> str:
    """What the highlights are, truthfully: how many the map draws (points and lines), how
    many are known only to their county, how many are city-wide."""
    drawn = int((shown["geom_kind"] != "none").sum())
    citywide = int(((shown["geom_kind"] == "none") & (shown["precision"] == "citywide")).sum())
    return t(
        "reader.help",
        lang,
        n=len(shown),
        total=total,
        drawn=drawn,
        county=len(shown) - drawn - citywide,
        citywide=citywide,
    )
