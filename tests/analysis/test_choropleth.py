"""County measures and class breaks."""

from __future__ import annotations

import pytest

from analysis.choropleth import classify, county_counts, measure_values, route_km_sum

ADCODES = ("430502", "430503", "430511")


def test_a_multi_county_item_counts_once_in_every_county_it_touches():
    counts = county_counts([("430502", "430503"), ("430503",), (), ("430503", "430503")], ADCODES)
    assert counts == {"430502": 1, "430503": 3, "430511": 0}


def test_rates_are_unknown_where_the_denominator_is_unknown():
    counts = {"430502": 2, "430503": 4, "430511": 0}
    per = measure_values(
        "per_100k",
        counts,
        population={"430502": None, "430503": 200_000, "430511": 100_000},
        area_km2={},
    )
    assert per == {"430502": None, "430503": 2.0, "430511": 0.0}
    area = measure_values("per_1000km2", counts, population={}, area_km2={"430503": 2000.0})
    assert area == {"430502": None, "430503": 2.0, "430511": None}


def test_route_km_sums_the_chosen_routes():
    table = {"r1": {"430502": 1.5, "430503": 2.0}, "r2": {"430503": 3.0}}
    assert route_km_sum(table, ["r1", "r2"], ADCODES) == {
        "430502": 1.5,
        "430503": 5.0,
        "430511": 0.0,
    }
    values = measure_values(
        "route_km", {a: 0 for a in ADCODES}, population={}, area_km2={}, route_km={"430502": 1.5}
    )
    assert values == {"430502": 1.5, "430503": 0.0, "430511": 0.0}


def test_unknown_measure_is_an_error():
    with pytest.raises(ValueError, match="unknown measure"):
        measure_values("gdp", {}, population={}, area_km2={})


def test_fisher_jenks_breaks_and_no_data():
    values = {f"{i:06d}": float(v) for i, v in enumerate([0, 1, 2, 2, 3, 5, 8, 0, 0, 1, 4, 20])}
    values["999999"] = None
    classes = classify(values, k=5)
    assert classes.k == 5
    assert classes.upper[-1] == 20.0
    assert classes.of["999999"] is None
    assert classes.of["000011"] == 4  # the maximum is in the top class
    assert classes.of["000000"] == 0


def test_few_distinct_values_make_few_classes():
    classes = classify({"a": 0.0, "b": 0.0, "c": 7.0})
    assert classes.upper == (0.0, 7.0)
    assert classify({"a": None}).k == 0


def test_investment_is_unknown_where_no_amount_was_stated():
    from analysis.choropleth import measure_values

    counts = {"430582": 3, "430528": 1}
    values = measure_values(
        "investment", counts, population={}, area_km2={}, investment={"430582": 12.5}
    )
    assert values == {"430582": 12.5, "430528": None}
