"""The balance scorecard: per-county table, inequality indices, Lorenz curve and gaps."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis import balance
from analysis.balance import (
    CITYWIDE,
    balance_indices,
    category_column,
    coefficient_of_variation,
    county_balance,
    gini,
    item_totals,
    lorenz_curve,
    route_km_totals,
    theil,
    theil_decomposition,
    theme_gaps,
    weighted_cv,
)
from data.schema import CATEGORIES
from geo.counties import load_counties

ROOT = Path(__file__).resolve().parents[2]


# --- indices on plain arrays ------------------------------------------------------------------


def test_equal_distribution_has_no_inequality():
    """Every unit the same: Gini, Theil, CV and weighted CV are all 0."""
    values = [5.0, 5.0, 5.0, 5.0]
    assert gini(values) == pytest.approx(0.0, abs=1e-12)
    assert theil(values) == pytest.approx(0.0, abs=1e-12)
    assert coefficient_of_variation(values) == pytest.approx(0.0, abs=1e-12)
    assert weighted_cv(values, [1, 2, 3, 4]) == pytest.approx(0.0, abs=1e-12)
    total, between, within = theil_decomposition(values, ["a", "a", "b", "b"])
    assert (total, between, within) == pytest.approx((0.0, 0.0, 0.0), abs=1e-12)


def test_one_unit_has_everything():
    """y = (0, 0, 0, 8): Gini = (n-1)/n = 0.75, Theil = ln n, CV = sqrt(n-1).

    CV: mean 2, deviations (-2, -2, -2, 6), variance (4+4+4+36)/4 = 12, sd = 2*sqrt(3).
    """
    values = [0.0, 0.0, 0.0, 8.0]
    assert gini(values) == pytest.approx(0.75)
    assert theil(values) == pytest.approx(math.log(4))
    assert coefficient_of_variation(values) == pytest.approx(math.sqrt(3))


def test_four_unit_example_by_hand():
    """y = (1, 2, 3, 6), groups A = {1, 2}, B = {3, 6}, weights p = (4, 3, 2, 1).

    Gini = sum|y_i - y_j| over ordered pairs / (2 n^2 mean) = 2*(1+2+5+1+4+3) / (2*16*3) = 1/3.
    Theil: shares s = (1, 2, 3, 6)/12, T = sum s ln(4 s)
        = (1/12)ln(1/3) + (2/12)ln(2/3) + (3/12)ln 1 + (6/12)ln 2 = (2/3)ln 2 - (1/4)ln 3.
    Between: s_A = 1/4, s_B = 3/4, n_g/n = 1/2:
        (1/4)ln(1/2) + (3/4)ln(3/2) = (3/4)ln 3 - ln 2.
    Within: both groups have shares (1/3, 2/3), T_g = (1/3)ln(2/3) + (2/3)ln(4/3)
        = (5/3)ln 2 - ln 3, weighted by s_A + s_B = 1.
    CV: mean 3, squared deviations (4, 1, 0, 9) / 4 = 3.5, CV = sqrt(3.5)/3.
    Weighted CV: w = (.4, .3, .2, .1), mean = .4+.6+.6+.6 = 2.2,
        variance = .4*1.44 + .3*.04 + .2*.64 + .1*14.44 = 2.16, CV_w = sqrt(2.16)/2.2.
    """
    values = [1.0, 2.0, 3.0, 6.0]
    ln2, ln3 = math.log(2), math.log(3)
    assert gini(values) == pytest.approx(1 / 3)
    assert theil(values) == pytest.approx(2 / 3 * ln2 - ln3 / 4)
    total, between, within = theil_decomposition(values, ["A", "A", "B", "B"])
    assert total == pytest.approx(2 / 3 * ln2 - ln3 / 4)
    assert between == pytest.approx(3 / 4 * ln3 - ln2)
    assert within == pytest.approx(5 / 3 * ln2 - ln3)
    assert coefficient_of_variation(values) == pytest.approx(math.sqrt(3.5) / 3)
    assert weighted_cv(values, [4, 3, 2, 1]) == pytest.approx(math.sqrt(2.16) / 2.2)


def test_theil_decomposition_adds_up():
    """Between + within = total for an uneven 3-group partition."""
    values = [0.7, 1.9, 3.2, 0.0, 5.5, 2.4, 8.1, 1.1, 0.3]
    groups = ["e", "e", "w", "w", "w", "u", "u", "e", "u"]
    total, between, within = theil_decomposition(values, groups)
    assert between + within == pytest.approx(total, abs=1e-12)
    assert total == pytest.approx(theil(values))
    assert between > 0 and within > 0


def test_between_is_zero_when_group_means_match():
    """Two groups with the same total and size: all inequality is within groups."""
    total, between, within = theil_decomposition([1.0, 3.0, 2.0, 2.0], ["a", "a", "b", "b"])
    assert between == pytest.approx(0.0, abs=1e-12)
    assert within == pytest.approx(total)


def test_weighted_cv_with_equal_weights_is_cv():
    values = [1.0, 2.0, 3.0, 6.0]
    assert weighted_cv(values, [7, 7, 7, 7]) == pytest.approx(coefficient_of_variation(values))


def test_indices_undefined_without_data():
    """A zero total or a single unit gives NaN, never 0."""
    assert math.isnan(gini([0.0, 0.0]))
    assert math.isnan(theil([3.0]))
    assert math.isnan(coefficient_of_variation([0.0, 0.0]))
    assert all(math.isnan(v) for v in theil_decomposition([0.0, 0.0], ["a", "b"]))


# --- the per-county table ---------------------------------------------------------------------


@pytest.fixture
def facts() -> pd.DataFrame:
    """Four counties: an urban district, two counties, one of unknown population."""
    return pd.DataFrame(
        {
            "adcode": ["430502", "430522", "430525", "430527"],
            "name_zh": ["双清区", "新邵县", "洞口县", "绥宁县"],
            "name_en": ["Shuangqing", "Xinshao", "Dongkou", "Suining"],
            "region_group": [
                "east_town_cluster",
                "east_town_cluster",
                "west_eco_circle",
                "west_eco_circle",
            ],
            "pop_2020_census": [100_000, 200_000, 400_000, None],
            "area_km2": [100.0, 1000.0, 2000.0, 3000.0],
        }
    )


def _item(id_, category, counties, **extra) -> dict:
    geometry = extra.pop("geometry", None)
    properties = {
        "id": id_,
        "name_zh": f"{id_}中文",
        "name_en": f"{id_} en",
        "category": category,
        "counties": counties,
        "precision": "county" if counties else "citywide",
        "quantities": [],
        "cluster": None,
        "route_kind": None,
        "counties_beyond_geometry": [],
    } | extra
    return {"type": "Feature", "geometry": geometry, "properties": properties}


LINE = {"type": "LineString", "coordinates": [[110.0, 27.0], [111.0, 27.0]]}


@pytest.fixture
def items() -> list[dict]:
    """Six initiatives: one-county, two-county, city-wide, two routes, a cluster member."""
    return [
        _item("park", "tourism", ["430522"], quantities=[{"value": 2, "unit": "个"}]),
        _item("valley", "industry_cluster", ["430502", "430522"]),
        _item("market", "reform_opening", []),
        _item(
            "rail",
            "infrastructure",
            ["430522", "430525", "430527"],
            route_kind="railway",
            geometry=LINE,
            counties_beyond_geometry=["430527"],
        ),
        _item("express", "infrastructure", ["430525"], route_kind="expressway"),
        _item("factory", "enterprise", ["430525"], cluster="valley"),
    ]


ROUTE_KM = {"430522": 30.0, "430525": 10.0}


def test_table_counts_each_item_once_per_county(items, facts):
    table = county_balance(items, facts, ROUTE_KM)
    assert list(table.index) == ["430502", "430522", "430525", "430527", CITYWIDE]
    assert table["initiatives"].to_dict() == {
        "430502": 1,
        "430522": 3,
        "430525": 3,
        "430527": 1,
        CITYWIDE: 1,
    }
    assert table["initiatives_fractional"].sum() == pytest.approx(len(items))
    assert table.loc["430522", "initiatives_fractional"] == pytest.approx(1 + 1 / 2 + 1 / 3)
    assert table.loc[CITYWIDE, category_column("reform_opening")] == 1
    assert table.loc["430525", category_column("infrastructure")] == 2
    assert table.loc["430522", "with_quantities"] == 1


def test_table_routes_clusters_and_shares(items, facts):
    table = county_balance(items, facts, ROUTE_KM, city_population=1_000_000)
    assert table.loc["430525", "routes"] == 2
    assert table.loc["430525", "routes_unmeasured"] == 1  # the expressway has no line
    assert table.loc["430527", "routes_unmeasured"] == 1  # named beyond the drawn line
    assert table.loc["430522", "route_km"] == 30.0
    assert table.loc["430502", "route_km"] == 0.0
    assert table.loc["430525", "clusters"] == 1
    assert table.loc["430525", "cluster_names_zh"] == "valley中文"
    assert table.loc["430502", "cluster_names_en"] == "valley en"
    assert table.loc["430522", "share_initiatives"] == pytest.approx(3 / 8)
    assert table.loc["430525", "share_population"] == pytest.approx(0.4)
    assert table.loc["430525", "share_area"] == pytest.approx(2000 / 6100)
    assert table.loc["430525", "initiatives_per_100k"] == pytest.approx(0.75)
    assert table.loc["430525", "initiatives_per_1000km2"] == pytest.approx(1.5)
    assert table.loc["430522", "route_km_per_1000km2"] == pytest.approx(30.0)


def test_unknown_population_stays_unknown(items, facts):
    """No population: rates and the population share are NaN, never 0."""
    table = county_balance(items, facts, ROUTE_KM)
    assert math.isnan(table.loc["430527", "population"])
    assert math.isnan(table.loc["430527", "initiatives_per_100k"])
    assert table.loc["430527", "initiatives_per_1000km2"] == pytest.approx(1 / 3)
    # Without the city total the shares cannot be formed from three of four counties.
    assert table["share_population"].isna().all()


def test_unknown_county_is_an_error(facts):
    with pytest.raises(ValueError, match="430581"):
        county_balance([_item("x", "tourism", ["430581"])], facts, {})
    with pytest.raises(ValueError, match="430581"):
        county_balance([], facts, {"430581": 3.0})


def test_dataframe_input_gives_the_same_table(items, facts):
    frame = gpd.GeoDataFrame.from_features(items, crs="EPSG:4326")
    from_frame = county_balance(frame, facts, ROUTE_KM)
    pd.testing.assert_frame_equal(from_frame, county_balance(items, facts, ROUTE_KM))


def test_indices_leave_out_and_list_unknown_population(items, facts):
    table = county_balance(items, facts, ROUTE_KM)
    indices = balance_indices(table)  # initiatives per 100k residents
    for index in (indices.gini, indices.theil, indices.cv, indices.cv_weighted):
        assert index.n_used == 3
        assert index.left_out == ("430527",)
        assert index.meaning_zh and index.meaning_en
    rates = table.loc[["430502", "430522", "430525"], "initiatives_per_100k"]
    assert indices.gini.value == pytest.approx(gini(rates))
    assert indices.cv_weighted.value == pytest.approx(weighted_cv(rates, [1, 2, 4]))
    split = indices.theil_by_region
    assert split.groups == {
        "east_town_cluster": ("430502", "430522"),
        "west_eco_circle": ("430525",),
    }
    assert split.between.value + split.within.value == pytest.approx(split.total.value)
    assert indices.theil_urban_vs_counties.groups["urban_districts"] == ("430502",)


def test_count_indices_use_every_county(items, facts):
    """Plain counts need no population; only the weighted CV leaves a county out."""
    indices = balance_indices(county_balance(items, facts, ROUTE_KM), "initiatives")
    assert indices.gini.n_used == 4 and indices.gini.left_out == ()
    assert indices.gini.value == pytest.approx(gini([1, 3, 3, 1]))
    assert indices.cv_weighted.left_out == ("430527",)


def test_lorenz_curve(items, facts):
    """Counties sorted by initiatives per resident; the curve ends at (1, 1)."""
    curve = lorenz_curve(county_balance(items, facts, ROUTE_KM))
    assert curve.left_out == ("430527",)
    assert curve.n_used == 3
    # per 100k residents: 430525 3/4 = 0.75, 430502 1/1 = 1.0, 430522 3/2 = 1.5
    assert list(curve.points["adcode"]) == ["", "430525", "430502", "430522"]
    assert curve.points.iloc[-1][["population_share_cum", "initiative_share_cum"]].tolist() == [
        pytest.approx(1.0),
        pytest.approx(1.0),
    ]
    assert np.all(np.diff(curve.points["initiative_share_cum"]) >= 0)
    assert 0 < curve.gini_population_weighted < 1


def test_lorenz_curve_of_equal_rates_is_the_diagonal(facts):
    """One initiative per 100,000 residents everywhere: the curve is the diagonal, Gini 0."""
    known = facts.iloc[:3]
    items = [
        _item(f"i{code}-{n}", "tourism", [code])
        for code, pop in zip(known["adcode"], known["pop_2020_census"], strict=True)
        for n in range(int(pop // 100_000))
    ]
    curve = lorenz_curve(county_balance(items, known, {}))
    assert curve.gini_population_weighted == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(
        curve.points["population_share_cum"], curve.points["initiative_share_cum"]
    )


def test_theme_gaps(items, facts):
    gaps = theme_gaps(county_balance(items, facts, ROUTE_KM))
    # Covered: 430502 cluster; 430522 tourism, cluster, infrastructure; 430525 infrastructure,
    # enterprise; 430527 infrastructure: 7 of the 4 x 13 pairs.
    assert len(gaps) == 4 * len(CATEGORIES) - 7
    suining = gaps[gaps["adcode"] == "430527"]
    assert "infrastructure" not in set(suining["category"])
    reform = gaps[(gaps["adcode"] == "430502") & (gaps["category"] == "reform_opening")]
    assert reform["citywide_items"].tolist() == [1]


def test_route_km_totals_counts_built_lines_only():
    """A line crossing counties is split by length; a corridor is not counted."""
    counties = load_counties(display=True)
    line = shapely.LineString([(111.2, 27.25), (111.7, 27.25)])
    routes = gpd.GeoDataFrame(
        {"route_kind": ["railway", "corridor", None]},
        geometry=[line, line, shapely.Point(111.4, 27.2)],
        crs="EPSG:4326",
    )
    totals = route_km_totals(counties, routes)
    assert totals == pytest.approx(balance.route_km_by_county(counties, line))
    assert len(totals) >= 2


# --- the real data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    features = json.loads((ROOT / "data" / "initiatives.geojson").read_text("utf-8"))["features"]
    facts = pd.read_csv(ROOT / "data" / "counties.csv", dtype={"adcode": str})
    counties = load_counties()
    routes = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    table = county_balance(features, facts, route_km_totals(counties, routes))
    return features, facts, table


def test_real_totals_add_up(real):
    features, _, table = real
    totals = item_totals(features)
    in_a_county = sum(1 for f in features if f["properties"]["counties"])
    citywide = sum(1 for f in features if f["properties"]["precision"] == "citywide")
    assert totals.in_counties == in_a_county
    assert table.loc[CITYWIDE, "initiatives"] == totals.citywide == citywide
    assert totals.in_counties + table.loc[CITYWIDE, "initiatives"] == len(features)
    assert table["initiatives_fractional"].sum() == pytest.approx(len(features))
    counties = table.drop(index=CITYWIDE)
    assert counties["initiatives"].sum() == totals.county_mentions
    assert counties["initiatives"].sum() == sum(len(f["properties"]["counties"]) for f in features)
    category_total = table[[category_column(c) for c in CATEGORIES]].to_numpy().sum()
    assert category_total == table["initiatives"].sum()


def test_real_indices_leave_out_the_unknown_populations(real):
    _, facts, table = real
    unknown = tuple(sorted(facts.loc[facts["pop_2020_census"].isna(), "adcode"]))
    assert len(unknown) == 3
    indices = balance_indices(table)
    assert indices.gini.left_out == indices.cv_weighted.left_out == unknown
    assert indices.gini.n_used == 12 - len(unknown)
    for split in (indices.theil_by_region, indices.theil_urban_vs_counties):
        assert split.between.value + split.within.value == pytest.approx(split.total.value)
        assert 0 <= split.between.value <= split.total.value
    assert set(indices.theil_by_region.groups) == {"east_town_cluster", "west_eco_circle"}
    assert balance_indices(table, "initiatives").gini.left_out == ()
