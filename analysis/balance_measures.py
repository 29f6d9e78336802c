"""The amount a balance view measures per county, as the planner chooses it. Pure.

``analysis.balance.county_balance`` counts initiatives two ways: once in every county an item
touches, or split 1/k over its k counties. A planner may instead weigh by the investment
(亿元) stated in their own data. :func:`with_amount` adds the chosen amount to the balance
table as ``amount`` with its share and its rates per resident and per area, so the same index,
Lorenz and chart code serves every choice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.balance import BUILT_ROUTE_KINDS, CITYWIDE, PER_AREA_KM2, PER_RESIDENTS

COUNTINGS = ("touched", "fractional")
BASES = ("per_100k", "per_1000km2", "total")
BASIS_COLUMNS = {
    "per_100k": "amount_per_100k",
    "per_1000km2": "amount_per_1000km2",
    "total": "amount",
}
MEASURE_COLUMNS = (
    "amount",
    "share_amount",
    "amount_to_population",
    "amount_per_100k",
    "amount_per_1000km2",
)


def count_column(counting: str) -> str:
    """The county_balance column holding initiatives counted the ``counting`` way."""
    if counting not in COUNTINGS:
        raise ValueError(f"unknown counting {counting!r}; expected one of {COUNTINGS}")
    return "initiatives" if counting == "touched" else "initiatives_fractional"


def with_amount(
    table: pd.DataFrame,
    counting: str = "touched",
    investment: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """A copy of a county_balance table with the chosen amount per county and its derivatives.

    ``investment`` None: the amount is the initiative count (``counting`` says which one).
    Otherwise it is {adcode: 亿元} (``CITYWIDE`` for the city-wide row); a county with no stated
    amount is unknown (NaN), not 0, so the indices leave it out as they leave out an unknown
    population (:func:`no_stated_amount` lists them). Shares are of the counties with an amount;
    rates are NaN where population or area is unknown.
    """
    out = table.copy()
    county = out.index != CITYWIDE
    if investment is None:
        amount = out[count_column(counting)].astype(float)
    else:
        amount = pd.Series(
            [float(investment[key]) if key in investment else np.nan for key in out.index],
            index=out.index,
            dtype=float,
        )
    out["amount"] = amount
    total = float(amount[county].sum(skipna=True))
    out["share_amount"] = np.where(county, amount / total, np.nan) if total > 0 else np.nan
    out["amount_to_population"] = out["share_amount"] / out["share_population"]
    out["amount_per_100k"] = amount / out["population"] * PER_RESIDENTS
    out["amount_per_1000km2"] = amount / out["area_km2"] * PER_AREA_KM2
    return out


def built_route_km(
    route_km: Mapping[str, Mapping[str, float]],
    routes: Iterable[tuple[str, str | None]],
    *,
    route_kinds: Iterable[str] = BUILT_ROUTE_KINDS,
) -> dict[str, float]:
    """{adcode: km} over the given (route id, route kind) pairs of built kinds only.

    ``route_km`` is {route id: {adcode: km inside it}} (each line already split by length).
    """
    kinds = set(route_kinds)
    totals: dict[str, float] = {}
    for route_id, kind in routes:
        if kind not in kinds:
            continue
        for adcode, km in route_km.get(route_id, {}).items():
            totals[adcode] = totals.get(adcode, 0.0) + float(km)
    return totals


def no_stated_amount(table: pd.DataFrame) -> tuple[str, ...]:
    """Adcodes of the counties whose amount is unknown (no investment stated there), sorted."""
    counties = table.drop(index=CITYWIDE, errors="ignore")
    return tuple(sorted(counties.index[counties["amount"].isna()]))


def unknown_population(table: pd.DataFrame) -> tuple[str, ...]:
    """Adcodes of the counties whose population is unknown (NaN), sorted."""
    counties = table.drop(index=CITYWIDE, errors="ignore")
    return tuple(sorted(counties.index[counties["population"].isna()]))


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite number (not None, not NaN)."""
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
