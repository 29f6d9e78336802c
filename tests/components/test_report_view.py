"""The report reader's HTML: every span highlighted and linked, text escaped, gaps closed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from components.views.report import Piece, SpanRecord, pieces, render_report_html, spans_covering
from data.report import load_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report():
    return load_report()


@pytest.fixture(scope="module")
def spans() -> list[SpanRecord]:
    collection = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))
    return [
        SpanRecord(
            f["properties"]["id"],
            f["properties"]["name_zh"],
            f["properties"]["source_start"],
            f["properties"]["source_end"],
        )
        for f in collection["features"]
    ]


def test_pieces_cut_at_every_boundary():
    spans = [SpanRecord("a", "A", 2, 6), SpanRecord("b", "B", 4, 8)]
    assert pieces(0, 10, spans) == [
        Piece(0, 2, ()),
        Piece(2, 4, ("a",)),
        Piece(4, 6, ("a", "b")),
        Piece(6, 8, ("b",)),
        Piece(8, 10, ()),
    ]


def test_every_initiative_is_linked(report, spans):
    page = render_report_html(report, spans)
    linked = {i for ids in re.findall(r'data-ids="([^"]+)"', page) for i in ids.split(",")}
    assert linked == {s.id for s in spans}


def test_overlapping_spans_list_every_initiative(report, spans):
    """Where two spans overlap (the data allows it only for items one phrase names together),
    the piece lists both: a second record over the first record's span shows it."""
    first = spans[0]
    page = render_report_html(report, [*spans, SpanRecord("probe", "P", first.start, first.end)])
    assert 'class="multi"' in page or 'class="multi selected"' in page


def test_selected_span_is_marked_and_scrolled_to(report, spans):
    page = render_report_html(report, spans, selected="shaoyong-hsr")
    assert page.count('class="selected"') + page.count('class="multi selected"') >= 1
    assert "scrollIntoView" in page


def test_page_break_gaps_are_closed_in_display(report, spans):
    page = render_report_html(report, spans)
    text = re.sub(r"<[^>]+>", "", page)
    assert "千百十”工程" in text and "研发等科创项目" in text and "“四个不摘”要求" in text


def test_hostile_names_are_escaped(report):
    spans = [SpanRecord("x", '<img src=x onerror="alert(1)">', 731, 742)]
    page = render_report_html(report, spans)
    assert "<img" not in page and "&lt;img" in page


def test_spans_covering_a_sentence(report, spans):
    sentence = report.sentence_at(spans[2].start)
    ids = {s.id for s in spans_covering(spans, sentence.start, sentence.end)}
    assert {"shaoyong-hsr", "xinxin-expressway", "wugang-airport-link"} <= ids


def test_the_reader_caption_says_how_many_highlights_the_map_draws():
    """Points and lines are drawn; county-level items are symbols in their county; city-wide
    ones are listed beside the map."""
    import pandas as pd

    from components.views.report import reader_caption

    shown = pd.DataFrame(
        {
            "geom_kind": ["point", "line", "none", "none", "none"],
            "precision": ["site", "schematic", "county", "citywide", "citywide"],
        }
    )
    zh = reader_caption(shown, 185, "zh")
    assert zh.startswith("高亮 5 处（共 185 项）：2 项在地图上画为点或线；1 项只知道所在县")
    assert "2 项属全市，列在地图旁" in zh and "是地图上的项目" not in zh
    en = reader_caption(shown, 185, "en")
    assert "2 are drawn on the map" in en and "1 are known only by their county" in en
    assert "2 are city-wide and listed beside the map" in en
