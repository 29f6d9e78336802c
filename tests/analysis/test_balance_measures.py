"""The chosen amount per county: counts either way, or stated investment, with shares and rates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.balance import CITYWIDE, balance_indices, county_balance, lorenz_curve
from analysis.balance_measures import (
    BASIS_COLUMNS,
    built_route_km,
    count_column,
    no_stated_amount,
    unknown_population,
    with_amount,
)


@pytest.fixture
def facts() -> pd.DataFrame:
    """Three counties, the last of unknown population."""
    return pd.DataFrame(
        {
            "adcode": ["430502", "430522", "430525"],
            "name_zh": ["双清区", "新邵县", "洞口县"],
            "name_en": ["Shuangqing", "Xinshao", "Dongkou"],
            "region_group": ["east_town_cluster", "east_town_cluster", "west_eco_circle"],
            "pop_2020_census": [100_000, 300_000, None],
            "area_km2": [100.0, 1000.0, 2000.0],
        }
    )


def _item(id_: str, counties: list[str]) -> dict:
    return {
        "id": id_,
        "name_zh": id_,
        "name_en": id_,
        "category": "tourism",
        "counties": counties,
        "quantities": [],
    }


@pytest.fixture
def table(facts) -> pd.DataFrame:
    """One item in two counties, one in one county, one city-wide; city population 1,000,000."""
    items = [_item("a", ["430502", "430522"]), _item("b", ["430522"]), _item("c", [])]
    return county_balance(items, facts, {}, city_population=1_000_000)


def test_touched_counting_matches_county_balance(table):
    measured = with_amount(table, "touched")
    pd.testing.assert_series_equal(
        measured["amount"], table["initiatives"].astype(float), check_names=False
    )
    assert measured.loc["430522", "share_amount"] == pytest.approx(2 / 3)
    assert measured.loc["430522", "amount_per_100k"] == pytest.approx(2 / 3)
    assert measured.loc["430522", "amount_to_population"] == pytest.approx((2 / 3) / 0.3)
    assert math.isnan(measured.loc[CITYWIDE, "share_amount"])


def test_fractional_counting_splits_multi_county_items(table):
    measured = with_amount(table, "fractional")
    assert measured.loc["430502", "amount"] == pytest.approx(0.5)
    assert measured.loc["430522", "amount"] == pytest.approx(1.5)
    assert measured.drop(index=CITYWIDE)["share_amount"].sum() == pytest.approx(1.0)
    assert measured.loc["430502", "amount_per_1000km2"] == pytest.approx(5.0)


def test_unknown_population_gives_no_rate(table):
    measured = with_amount(table, "touched")
    assert math.isnan(measured.loc["430525", "amount_per_100k"])
    assert measured.loc["430525", "amount_per_1000km2"] == 0.0
    assert unknown_population(measured) == ("430525",)


def test_investment_replaces_the_counts_and_missing_stays_missing(table):
    measured = with_amount(table, investment={"430522": 30.0, CITYWIDE: 5.0})
    assert measured.loc["430522", "amount"] == 30.0
    assert measured.loc[CITYWIDE, "amount"] == 5.0
    # No amount stated in 430502 and 430525: unknown, not zero.
    assert measured.loc[["430502", "430525"], "amount"].isna().all()
    assert no_stated_amount(measured) == ("430502", "430525")
    assert measured.loc["430522", "share_amount"] == pytest.approx(1.0)
    assert measured.loc["430522", "amount_per_100k"] == pytest.approx(10.0)


def test_counties_without_an_amount_are_left_out_of_the_indices(table):
    measured = with_amount(table, investment={"430502": 10.0, "430522": 30.0})
    indices = balance_indices(measured, BASIS_COLUMNS["total"])
    assert indices.gini.left_out == ("430525",)
    # A zero would have made the two-county spread a three-county one with a 0 in it.
    with_zero = with_amount(table, investment={"430502": 10.0, "430522": 30.0, "430525": 0.0})
    assert balance_indices(with_zero, BASIS_COLUMNS["total"]).gini.value > indices.gini.value
    curve = lorenz_curve(measured, "amount")
    assert "430525" in curve.left_out


def test_no_amount_anywhere_leaves_shares_unknown(table):
    measured = with_amount(table, investment={})
    assert measured["share_amount"].isna().all()


def test_indices_over_the_amount_equal_those_over_the_same_column(table):
    """The touched per-100k amount is county_balance's own per-100k column."""
    measured = with_amount(table, "touched")
    ours = balance_indices(measured, BASIS_COLUMNS["per_100k"])
    theirs = balance_indices(table, "initiatives_per_100k")
    assert ours.gini.value == pytest.approx(theirs.gini.value)
    assert ours.cv_weighted.left_out == theirs.cv_weighted.left_out == ("430525",)


def test_count_column_rejects_unknown_counting():
    assert count_column("fractional") == "initiatives_fractional"
    with pytest.raises(ValueError, match="counting"):
        count_column("weighted")


def test_built_route_km_keeps_built_kinds_only():
    route_km = {"rail": {"430502": 10.0, "430522": 5.0}, "zone": {"430502": 99.0}}
    totals = built_route_km(route_km, [("rail", "railway"), ("zone", "corridor"), ("x", None)])
    assert totals == {"430502": 10.0, "430522": 5.0}
