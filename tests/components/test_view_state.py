"""The view as URL query parameters, and filtering by it."""

from __future__ import annotations

import geopandas as gpd
import pytest

from components.state.view_state import (
    Filters,
    Selection,
    ViewState,
    filter_mask,
    query_params_of,
    state_from_query_params,
)


def test_default_view_has_an_empty_url():
    assert query_params_of(ViewState()) == {}
    assert state_from_query_params({}) == ViewState()


def test_a_view_survives_the_round_trip_through_the_url():
    state = ViewState(
        lang="en",
        basemap="gaode",
        measure="per_100k",
        filters=Filters(
            counties=("430528", "430582"),
            categories=("tourism",),
            sections=("六",),
            precisions=("town", "county"),
            commitments=("争取",),
            query="崀山",
        ),
        selection=Selection("initiative", "langshan-tourism"),
    )
    params = query_params_of(state)
    assert params["categories"] == "tourism"
    assert params["initiative"] == "langshan-tourism"
    assert state_from_query_params(params) == state


def test_unknown_values_in_a_link_are_ignored_not_errors():
    state = state_from_query_params(
        {
            "lang": "fr",
            "basemap": "google",
            "measure": "gdp",
            "categories": "tourism,bogus",
            "counties": "999999",
        }
    )
    assert (state.lang, state.basemap, state.measure) == ("zh", "none", "count")
    assert state.filters.categories == ("tourism",)
    assert state.filters.counties == ()


def test_repeated_and_comma_separated_params_read_the_same():
    one = state_from_query_params({"categories": ["tourism", "ecology"]})
    two = state_from_query_params({"categories": "ecology,tourism"})
    assert one == two
    assert one.filters.categories == ("tourism", "ecology")  # vocabulary order


def test_a_county_link_selects_the_county_panel():
    assert state_from_query_params({"county": "430582"}).selection == Selection("county", "430582")


@pytest.fixture
def items() -> gpd.GeoDataFrame:
    """Three items: one in two counties, one in one county, one city-wide."""
    frame = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c"],
            "category": ["tourism", "ecology", "tourism"],
            "section": ["六", "七", "一"],
            "precision": ["county", "county", "citywide"],
            "commitment": ["支持", "推进", "推进"],
            "counties": [("430528", "430581"), ("430581",), ()],
        },
        geometry=[None, None, None],
        crs="EPSG:4326",
    )
    return frame


def test_a_multi_county_item_passes_the_filter_of_each_of_its_counties(items):
    for county in ("430528", "430581"):
        kept = items[filter_mask(items, Filters(counties=(county,)))]
        assert "a" in set(kept["id"])
    assert set(items[filter_mask(items, Filters(counties=("430581",)))]["id"]) == {"a", "b"}


def test_filters_combine(items):
    kept = items[filter_mask(items, Filters(categories=("tourism",), commitments=("推进",)))]
    assert list(kept["id"]) == ["c"]
    assert list(items[filter_mask(items, Filters(), matched_ids=["b"])]["id"]) == ["b"]


def test_the_top_ten_facet_filters_the_flagship_projects_and_survives_the_url():
    frame = gpd.GeoDataFrame(
        {
            "id": ["hsr", "farmland", "park", "festival"],
            "category": ["infrastructure", "agriculture", "industrial_project", "tourism"],
            "top_ten": ["infrastructure", "infrastructure", "industrial", None],
            "section": ["一"] * 4,
            "precision": ["county"] * 4,
            "commitment": ["推进"] * 4,
            "counties": [()] * 4,
        }
    )
    state = ViewState(filters=Filters(top_ten=("infrastructure",)))
    params = query_params_of(state)
    assert params == {"top_ten": "infrastructure"}
    assert state_from_query_params(params) == state
    # 高标准农田 is agriculture by category but one of the ten infrastructure projects.
    kept = frame[filter_mask(frame, state.filters)]
    assert list(kept["id"]) == ["hsr", "farmland"]
    both = Filters(top_ten=("industrial", "infrastructure"))
    assert list(frame[filter_mask(frame, both)]["id"]) == ["hsr", "farmland", "park"]
    assert state_from_query_params({"top_ten": "bogus,industrial"}).filters.top_ten == (
        "industrial",
    )
