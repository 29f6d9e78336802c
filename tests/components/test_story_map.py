"""The story's spotlight map, its legend, the project list and the offline HTML's click cards."""

from __future__ import annotations

import json
import re
from html import escape

import geopandas as gpd
import pytest
import shapely

from components import cache as cached
from components.exports import story_map
from components.i18n import t
from components.map import symbols
from components.views.story import STEPS, view_for
from data.report import load_report
from geo.datum import WGS84


@pytest.fixture(scope="module")
def initiatives() -> gpd.GeoDataFrame:
    return cached.current_initiatives()[1]


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return cached.counties(display=True)


def _touching(frame: gpd.GeoDataFrame, adcode: str) -> gpd.GeoDataFrame:
    return frame[frame["counties"].map(lambda codes: adcode in codes)]


def test_spotlight_layer_emphasises_one_county_and_mutes_the_rest(counties):
    group = story_map.spotlight_layer(counties, "430582", "en")
    layer = next(iter(group._children.values()))
    features = layer.data["features"]
    assert len(features) == 12
    styles = {f["properties"]["adcode"]: f["properties"]["style"] for f in features}
    assert styles["430582"]["color"] == symbols.SELECTED_COLOUR
    assert styles["430582"]["fillColor"] == symbols.SPOTLIGHT_FILL
    assert {s["fillColor"] for code, s in styles.items() if code != "430582"} == {
        symbols.MUTED_FILL
    }
    assert features[-1]["properties"]["adcode"] == "430582"  # drawn last, on top
    assert "[[county:430582]]" in features[-1]["properties"]["tip"]


def test_project_rows_are_the_county_own_initiatives(initiatives):
    rows = story_map.project_rows(initiatives, "430582", "en")
    expected = _touching(initiatives, "430582")
    assert {row["id"] for row in rows} == set(expected["id"])
    assert len(rows) == len(expected) > 0
    drawn = {row["id"] for row in rows if row["drawn"]}
    assert drawn == set(expected.loc[expected["geom_kind"] != "none", "id"])
    order = list(symbols.CATEGORY_STYLE)
    assert [order.index(r["category"]) for r in rows] == sorted(
        order.index(r["category"]) for r in rows
    )


def test_project_list_html_escapes_names():
    html = story_map.project_list_html(
        [{"id": "x", "name": "<b>evil</b>", "category": "tourism", "drawn": True}], "en"
    )
    assert "<b>evil</b>" not in html and "&lt;b&gt;evil&lt;/b&gt;" in html
    assert "on the map" in html


def test_story_map_of_the_spotlight_is_framed_on_the_county(initiatives, counties):
    from components.views.map import map_view

    version = cached.current_initiatives()[0]
    view = map_view(view_for(STEPS[-1], lang="en", county="430582"), version, initiatives)
    fmap = story_map.story_map(view.content, lang="en", spotlight="430582")
    html = fmap.get_root().render()
    assert "sy-spotlight" in html and "sy-muted" in html
    minx, miny, maxx, maxy = counties[counties["adcode"] == "430582"].total_bounds
    bounds = re.findall(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert [float(v) for v in bounds[-1]] == pytest.approx([miny, minx, maxy, maxx])
    assert story_map.READABLE_CSS.strip() in html


def test_cards_carry_name_category_and_the_report_sentence(initiatives, counties):
    report = load_report()
    drawn = initiatives[initiatives["geom_kind"] != "none"].head(5)
    cards = story_map.card_payload(counties, drawn, report, "en")
    assert set(cards["county"]) == set(counties["adcode"])
    assert set(cards["initiative"]) == set(drawn["id"])
    row = drawn.iloc[0]
    card = cards["initiative"][row["id"]]
    assert escape(row["name_en"]) in card
    assert escape(t(f"category.{row['category']}", "en")) in card
    assert "<blockquote>" in card and "<mark>" in card
    json.dumps(cards)  # plain data for the HTML


def test_cards_escape_hostile_names(counties):
    report = load_report()
    hostile = gpd.GeoDataFrame(
        {
            "id": ["x"],
            "name_zh": ["<script>alert(1)</script>"],
            "name_en": ["<img src=x onerror=alert(1)>"],
            "category": ["tourism"],
            "counties": [("430582",)],
            "source_start": [487],
            "source_end": [499],
            "geom_kind": ["point"],
        },
        geometry=[shapely.Point(111.5, 27.2)],
        crs="EPSG:4326",
    )
    hostile.attrs["datum"] = WGS84
    cards = story_map.card_payload(counties, hostile, report, "en")
    text = json.dumps(cards, ensure_ascii=False)
    assert "<img src=x" not in text and "<script>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in cards["initiative"]["x"]
    assert "&lt;img" in cards["county"]["430582"]


def test_spotlight_legend_lists_what_is_drawn():
    html = story_map.spotlight_legend_html("en", ["tourism"], ["hsr"], clusters=True)
    assert "County in the spotlight" in html and "Other counties" in html
    assert "Tourism" in html and "High-speed rail" in html
    assert symbols.ROUTE_STYLE["hsr"]["color"] in html
