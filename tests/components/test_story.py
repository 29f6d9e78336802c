"""Story steps are plain data: URL values map to steps safely, a step maps to one view."""

from __future__ import annotations

import pandas as pd
import pytest

from components.state.view_state import Selection
from components.views import story
from components.views.story import DEFAULT_SPOTLIGHT, STEPS, share_query, step_index, view_for
from data.build_targets import TARGETS_PATH


@pytest.mark.parametrize(
    ("value", "index"),
    [("1", 0), ("5", 4), ("0", 0), ("6", 0), ("-1", 0), ("x", 0), (None, 0), ("<script>", 0)],
)
def test_step_index_from_url(value, index):
    assert step_index(value) == index


def test_spotlight_selects_and_filters_its_county():
    view = view_for(STEPS[-1], lang="en", county="430581")
    assert view.selection == Selection("county", "430581")
    assert view.filters.counties == ("430581",)
    assert view.lang == "en"


def test_other_steps_select_nothing():
    for step in STEPS[:-1]:
        view = view_for(step, lang="zh")
        assert view.selection is None and view.filters.counties == ()


def test_transport_step_measures_route_km():
    transport = next(s for s in STEPS if s.key == "transport")
    assert view_for(transport, lang="zh").measure == "route_km"


def test_share_query_is_one_based_and_names_the_spotlight_county():
    assert share_query(0, lang="zh", county=DEFAULT_SPOTLIGHT) == {"step": "1", "lang": "zh"}
    assert share_query(len(STEPS) - 1, lang="en", county="430528") == {
        "step": "5",
        "lang": "en",
        "county": "430528",
    }


@pytest.mark.parametrize(
    ("page_url", "expected"),
    [
        (
            "https://maps.example.cn/story?step=1&lang=zh#x",
            "https://maps.example.cn/story?step=5&lang=en&county=430582",
        ),
        (  # the address as Streamlit may report it: the page path twice
            "http://127.0.0.1:8501/story/story",
            "http://127.0.0.1:8501/story?step=5&lang=en&county=430582",
        ),
        (  # behind a proxy with a base path, opened at the app's root
            "https://gov.example.cn/maps/",
            "https://gov.example.cn/maps/story?step=5&lang=en&county=430582",
        ),
        (  # a base path that contains the page's name is kept whole
            "https://gov.example.cn/story-maps/story",
            "https://gov.example.cn/story-maps/story?step=5&lang=en&county=430582",
        ),
        (None, "/story?step=5&lang=en&county=430582"),
    ],
)
def test_share_url_is_the_complete_address_of_the_step(page_url, expected):
    assert story.share_url(page_url, 4, lang="en", county="430582") == expected


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        ("6.5", "%", "", "6.5%", "6.5%"),
        ("7", "%", "左右", "7%左右", "about 7%"),
        ("6", "%", "以上", "6%以上", "at least 6%"),
        ("5.5", "%", "以内", "5.5%以内", "at most 5.5%"),
        ("4.5", "万人", "", "4.5万人", "45,000 people"),
        ("330", "万吨", "以上", "330万吨以上", "at least 3.3 million tonnes"),
        ("120", "亿元", "以上", "120亿元以上", "at least 12 billion yuan"),
        ("1", "万个", "突破", "1万个突破", "over 10,000"),
        (None, None, None, "（定性目标）", "(qualitative)"),
    ],
)
def test_target_values_in_each_language(value, unit, qualifier, zh, en):
    assert story.target_value_text(value, unit, qualifier, "zh") == zh
    assert story.target_value_text(value, unit, qualifier, "en") == en


def test_every_target_of_the_report_reads_in_english_without_chinese():
    """Every unit and qualifier the targets file uses has its English; none is left in Chinese."""
    targets = pd.read_csv(TARGETS_PATH, dtype=str)
    rows = story.targets_table(targets, "en")
    assert len(rows) == len(targets)
    chinese = [value for _, value in rows if any("\u4e00" <= ch <= "\u9fff" for ch in value)]
    assert chinese == []


def test_an_unknown_unit_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="公顷"):
        story.target_value_text("3", "公顷", "", "en")
    with pytest.raises(ValueError, match="约"):
        story.target_value_text("3", "%", "约", "en")


def test_spotlight_title_names_both_languages_ui_first():
    names = {"zh": "邵东市", "en": "Shaodong City"}
    assert story.spotlight_title(names, "en") == "Shaodong City · 邵东市"
    assert story.spotlight_title(names, "zh") == "邵东市 · Shaodong City"


def test_measure_title_names_the_unit_once():
    assert story.measure_title("Number of initiatives", "initiatives") == "Number of initiatives"
    assert story.measure_title("项目数", "个") == "项目数 (个)"
    assert story.measure_title("Route length inside the county", "km") == (
        "Route length inside the county (km)"
    )


def test_subtitle_says_what_is_shown():
    clusters = next(s for s in STEPS if s.key == "clusters")
    line = story.subtitle(clusters, "en", n=30, mapped=12, measure="Number", county="x", placed=15)
    assert "Industry clusters" in line and "Number" in line
    assert "30 initiatives: 12 at a site or on a line, 15 placed" in line and "3 city-wide" in line
    spot = story.subtitle(STEPS[-1], "en", n=14, mapped=1, measure="", county="Shaodong City")
    assert "Shaodong City" in spot and "14" in spot
