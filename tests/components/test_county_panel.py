"""A county's panel lists the whole county; the search and filters mark their items."""

from __future__ import annotations

import pytest

from components.map.model import county_panel_data
from components.state.view_state import Filters, filter_mask
from components.views import cards
from data.loaders import DEFAULT_INITIATIVES, read_initiatives

WUGANG = "430581"


@pytest.fixture(scope="module")
def initiatives():
    """The report's initiatives as the app reads them."""
    return read_initiatives(DEFAULT_INITIATIVES)


def test_a_search_marks_items_and_keeps_the_rest_of_the_county(initiatives):
    everything = county_panel_data(WUGANG, initiatives, initiatives, {})
    filtered = initiatives[filter_mask(initiatives, Filters(), ["wugang-braised-food-cluster"])]
    panel = county_panel_data(WUGANG, filtered, initiatives, {})
    assert list(panel.items["id"]) != [] and set(panel.items["id"]) == set(everything.items["id"])
    assert panel.matching == {"wugang-braised-food-cluster"}
    assert panel.items["id"].iloc[0] == "wugang-braised-food-cluster"  # hits first


def test_without_search_or_filters_every_item_matches_and_nothing_is_marked(initiatives):
    panel = county_panel_data(WUGANG, initiatives, initiatives, {})
    assert panel.matching == set(panel.items["id"])
    assert not cards.marks_matches(panel.items, panel.matching)
    table = cards.items_table(panel.items, "zh", panel.matching)
    assert "符合" not in table.columns


def test_the_table_marks_the_matching_rows(initiatives):
    filtered = initiatives[initiatives["category"] == "tourism"]
    panel = county_panel_data(WUGANG, filtered, initiatives, {})
    table = cards.items_table(panel.items, "en", panel.matching)
    assert list(table.columns[:2]) == ["id", "Match"]
    marked = set(table.loc[table["Match"] == "✓", "id"])
    assert marked == set(filtered.index) & set(panel.items["id"]) and marked
    assert len(table) == len(panel.items) > len(marked)
