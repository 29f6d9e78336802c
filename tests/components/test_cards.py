"""Cards and legend as escaped HTML: the sentence in context, unknowns shown as unknown."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.choropleth import classify
from components.map import legend
from components.map.builder import Choropleth
from components.views import cards
from data.report import load_report
from data.sources import public_county_facts, read_sources


@pytest.fixture(scope="module")
def report():
    return load_report()


def test_the_span_is_marked_inside_its_sentence(report):
    start, end = report.find_span("崑山")
    html = cards.highlighted_html(report, start, end)
    assert "<mark>崑山</mark>" in html
    before, after = html.split("<mark>崑山</mark>")
    assert before and after  # the rest of the sentence is around it
    sentence = report.sentence_at(start)
    assert html.replace("<mark>", "").replace("</mark>", "") == sentence.text


def test_a_paragraph_holds_its_sentence(report):
    start, end = report.find_span("崑山")
    paragraph = cards.highlighted_html(report, start, end, level="paragraph")
    sentence = cards.highlighted_html(report, start, end)
    assert sentence in paragraph


def test_initiative_card_escapes_and_shows_unknown_amounts(report):
    start, end = report.find_span("崑山")
    row = {
        "id": "x",
        "name_zh": "<b>崀山</b>",
        "name_en": "Mount <Langshan>",
        "category": "tourism",
        "counties": ("430528",),
        "precision": "town",
        "commitment": "支持",
        "commitment_verb": "依托",
        "section": "六",
        "quantities": (),
        "source_start": start,
        "source_end": end,
        "location_source": 'places.csv P01: http://example.org/a?b=1&c="2" <x>',
    }
    html = cards.initiative_card_html(
        row, lang="zh", report=report, county_names={"430528": "新宁县"}
    )
    assert "<b>崀山</b>" not in html and "&lt;b&gt;崀山&lt;/b&gt;" in html
    assert "Mount &lt;Langshan&gt;" in html
    assert "报告未给出数量" in html
    assert "新宁县" in html
    assert '<a href="http://example.org/a?b=1&amp;c=' in html
    assert "<x>" not in html
    assert "places.csv" not in html and "P01" not in html  # curation references stay out
    assert "未经核实的来源" in html  # example.org is not a listed publisher


def test_county_facts_show_unknown_not_zero():
    row = {
        "adcode": "430502",
        "name_zh": "双清区",
        "name_en": "Shuangqing District",
        "type": "district",
        "region_group": "east_town_cluster",
        "pop_2020_census": "",
        "pop_note": "not sourced",
        "area_km2": "137.07",
        "area_source": "https://www.shuangqing.gov.cn/x",
        "seat_zh": "",
    }
    facts = public_county_facts(row, read_sources())
    zh = cards.county_facts_html(facts, "zh")
    assert "未知" in zh and "137.07" in zh and "双清区人民政府</a>" in zh
    assert 'href="https://www.shuangqing.gov.cn/x"' in zh
    assert "not sourced" not in zh  # notes stay in the data
    en = cards.county_facts_html(facts, "en")
    assert "unknown" in en and "Shuangqing District Government</a>" in en


def test_a_figure_from_a_rejected_or_unlisted_source_is_unknown():
    sources = read_sources()
    row = {
        "adcode": "430581",
        "name_zh": "武冈市",
        "region_group": "west_eco_circle",
        "pop_2020_census": "640181",
        "pop_source": "https://chinaidiom.com/x.html",
        "area_km2": "1549",
        "area_source": "http://example.org/area",
        "gdp_2023_100m_cny": "1",
        "gdp_source": "see the yearbook",
        "seat_zh": "水西门街道",
        "seat_source": "https://en.wikipedia.org/wiki/Wugang",
    }
    html = cards.county_facts_html(public_county_facts(row, sources), "zh")
    assert "640,181" not in html and "1,549" not in html and "chinaidiom" not in html
    assert html.count("未知") == 3  # population, area, GDP
    assert "水西门街道" in html and ">维基百科</a>" in html and "二手来源" in html


def test_a_secondary_source_is_marked_and_an_official_one_is_not():
    sources = read_sources()
    row = {
        "pop_2020_census": "1009778",
        "pop_source": "http://longhui.gov.cn/lhxtjj/x.shtml",
        "area_km2": "2871",
        "area_source": "https://de.wikipedia.org/wiki/Shaoyang",
    }
    html = cards.county_facts_html(public_county_facts(row, sources), "en")
    population, area = html.split("Area")[0], html.split("Area")[1]
    assert "Longhui County Government</a>" in population and "secondary" not in population
    assert "Wikipedia</a>" in area and "secondary source" in area


def test_long_links_wrap_inside_the_card():
    assert "overflow-wrap:anywhere" in cards.CARD_CSS


def test_markdown_in_widget_labels_is_neutralised():
    assert (
        cards.md_escape("[x](javascript:alert(1)) *b*")
        == "\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*b\\*"
    )


def test_legend_lists_classes_no_data_symbols_and_line_styles():
    values = {"a": 1.0, "b": 3.0, "c": None}
    choropleth = Choropleth(values=values, classes=classify(values), label="<项目数>", unit="个")
    html = legend.legend_html(
        choropleth,
        lang="zh",
        categories={"tourism"},
        route_kinds={"hsr"},
        route_dashes={"10 7", "2 8"},
        clusters=True,
    )
    assert "&lt;项目数&gt; (个)" in html
    assert "无数据" in html
    assert "文化旅游" in html and "data:image/svg+xml;base64," in html
    assert "高速铁路" in html and "示意线路" in html and "规划中" in html
    assert "产业集群" in html


def test_a_column_is_as_wide_as_its_longest_cell():
    short, long = cards.fit_width(["双清区"]), cards.fit_width(["城步苗族自治县"])
    assert long - short == 4 * 14  # four more Chinese characters
    assert cards.fit_width(["Chengbu Miao Autonomous County"]) > long
    assert cards.fit_width(["x" * 500]) == 320 and cards.fit_width([]) == 60
    table = pd.DataFrame({"id": ["a"], "县市区": ["城步苗族自治县"], "n": [1]})
    widths = cards.text_column_widths(table)
    assert set(widths) == {"id", "县市区"}  # numbers keep Streamlit's own sizing


def test_no_initiative_card_shows_a_curation_note(report):
    """All 185 cards, both languages: notes and curation references stay in the data."""
    import re

    from data.loaders import DEFAULT_INITIATIVES, read_initiatives
    from tests.pages.test_county_texts import TEXT_MARKERS

    frame = read_initiatives(DEFAULT_INITIATIVES)
    sources = read_sources()
    found = []
    for item_id, row in frame.iterrows():
        for lang in ("zh", "en"):
            html = cards.initiative_card_html(
                row.to_dict(), lang=lang, report=report, county_names={}, sources=sources
            )
            text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
            if match := TEXT_MARKERS.search(text):
                found.append((item_id, lang, match.group()))
    assert found == []
