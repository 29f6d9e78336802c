"""The balance scorecard: how the report's initiatives spread over the 12 counties.

A multi-county initiative counts once in every county it touches; city-wide initiatives sit in
their own row (``CITYWIDE``) so nothing is dropped. Rates per resident are NaN where a county's
population is unknown (never filled), and every index that needs population says which
counties it left out. Gini and Theil come from PySAL ``inequality``; the coefficients of
variation are computed here because that package has none.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from data.schema import CATEGORIES
from geo.spatial import route_km_by_county

CITYWIDE = "citywide"
CITYWIDE_NAME_ZH = "全市（不分县）"
CITYWIDE_NAME_EN = "City-wide (no single county)"

# The report's two development groups (counties.csv region_group) and the urban split.
REGION_GROUPS = {"east_town_cluster": "东部城镇群", "west_eco_circle": "西部生态圈"}
URBAN_DISTRICTS = ("430502", "430503", "430511")
URBAN_GROUPS = {"urban_districts": "市辖区", "counties": "县（市）"}

# Lines that are built infrastructure. A rail service runs on existing track and an
# industrial corridor is a zone, so counting their length would double-count the network.
BUILT_ROUTE_KINDS = ("hsr", "railway", "expressway", "road")

PER_RESIDENTS = 100_000
PER_AREA_KM2 = 1_000


def category_column(category: str) -> str:
    """The table column holding the count of initiatives of `category`."""
    return f"cat_{category}"


# ---------------------------------------------------------------------------------------------
# The per-county table


@dataclass(frozen=True)
class ItemTotals:
    """How the initiatives split between counties and the city-wide bucket."""

    items: int  # every initiative, each counted once
    citywide: int  # in no county
    in_counties: int  # in at least one county, each counted once
    county_mentions: int  # the sum of the per-county counts (multi-county items count k times)


def _records(initiatives: Iterable[Mapping] | pd.DataFrame) -> list[dict]:
    """Property dicts from GeoJSON features, plain dicts or a (Geo)DataFrame."""
    if isinstance(initiatives, pd.DataFrame):
        geometries = (
            [geom is not None and not geom.is_empty for geom in initiatives.geometry]
            if isinstance(initiatives, gpd.GeoDataFrame)
            else [False] * len(initiatives)
        )
        rows = initiatives.drop(columns="geometry", errors="ignore").to_dict("records")
    else:
        items = list(initiatives)
        geometries = [bool(item.get("geometry")) for item in items]
        rows = [dict(item.get("properties", item)) for item in items]
    for row, has_geometry in zip(rows, geometries, strict=True):
        row["_has_geometry"] = has_geometry
        row["counties"] = _as_list(row.get("counties"))
        row["counties_beyond_geometry"] = _as_list(row.get("counties_beyond_geometry"))
        row["quantities"] = _as_list(row.get("quantities"))
        for key in ("cluster", "route_kind"):
            if _missing(row.get(key)):
                row[key] = None
    return rows


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_list(value: object) -> list:
    if _missing(value):
        return []
    if isinstance(value, str):  # a JSON array read back from a CSV or a flat file
        return list(json.loads(value)) if value.strip() else []
    return list(value)  # type: ignore[call-overload]


def _facts(counties_facts: pd.DataFrame) -> pd.DataFrame:
    facts = counties_facts.copy()
    facts["adcode"] = facts["adcode"].astype(str)
    bad = [code for code in facts["adcode"] if len(code) != 6 or not code.isdigit()]
    if bad:
        raise ValueError(f"county adcodes must be 6-digit strings, got {bad}")
    facts = facts.set_index("adcode").sort_index()
    population = facts["pop_2020_census"] if "pop_2020_census" in facts else facts["population"]
    return pd.DataFrame(
        {
            "name_zh": facts["name_zh"],
            "name_en": facts["name_en"],
            "region_group": facts["region_group"],
            "urban": facts.index.isin(URBAN_DISTRICTS),
            "population": pd.to_numeric(population, errors="coerce").astype(float),
            "area_km2": pd.to_numeric(facts["area_km2"], errors="coerce").astype(float),
        },
        index=facts.index,
    )


def item_totals(initiatives: Iterable[Mapping] | pd.DataFrame) -> ItemTotals:
    """Count the initiatives once each, and the county mentions they make."""
    rows = _records(initiatives)
    in_counties = sum(1 for row in rows if row["counties"])
    return ItemTotals(
        items=len(rows),
        citywide=len(rows) - in_counties,
        in_counties=in_counties,
        county_mentions=sum(len(set(row["counties"])) for row in rows),
    )


def county_balance(
    initiatives: Iterable[Mapping] | pd.DataFrame,
    counties_facts: pd.DataFrame,
    route_km: Mapping[str, float],
    *,
    city_population: float | None = None,
    route_kinds: Sequence[str] = BUILT_ROUTE_KINDS,
) -> pd.DataFrame:
    """One row per county (indexed by adcode) plus the ``CITYWIDE`` row.

    `route_km` is {adcode: km of route inside the county} (see `route_km_totals`).
    `city_population` is the denominator of the population share; without it the share is
    NaN unless every county's population is known. Columns:

    - ``initiatives``: items touching the county, each once; ``initiatives_fractional``: each
      item split 1/k over its k counties, so this column sums to the number of items;
    - ``cat_<category>`` counts; ``clusters`` with ``cluster_names_zh/_en``; ``with_quantities``
      (items with a stated figure); ``routes`` and ``route_km`` (lines split by length);
      ``routes_unmeasured`` (routes in the county with no drawn line there, so no km);
    - shares of initiatives, population and area, and ``initiative_to_population`` (their ratio);
    - rates ``initiatives_per_100k``, ``initiatives_per_1000km2``, ``route_km_per_1000km2``.
    """
    facts = _facts(counties_facts)
    rows = _records(initiatives)
    names = {row["id"]: (row["name_zh"], row["name_en"]) for row in rows if row.get("id")}
    keys = [*facts.index, CITYWIDE]

    unknown = sorted({code for row in rows for code in row["counties"]} - set(facts.index))
    if unknown:
        raise ValueError(f"initiatives name counties missing from the county facts: {unknown}")
    unknown_km = sorted(set(route_km) - set(facts.index))
    if unknown_km:
        raise ValueError(f"route_km names counties missing from the county facts: {unknown_km}")

    # Plain counters, turned into frames once: per-cell .loc writes cost ~2 s at 10,000 items.
    initiatives = Counter()
    fractional: dict[str, float] = dict.fromkeys(keys, 0.0)
    by_category = {key: Counter() for key in keys}
    with_quantities = Counter()
    routes = Counter()
    routes_unmeasured = Counter()
    clusters: dict[str, set[str]] = {key: set() for key in keys}

    for row in rows:
        touched = sorted(set(row["counties"])) or [CITYWIDE]
        is_route = row.get("route_kind") in route_kinds
        for key in touched:
            initiatives[key] += 1
            fractional[key] += 1 / len(touched)
            by_category[key][category_column(row["category"])] += 1
            with_quantities[key] += bool(row["quantities"])
            if row["category"] == "industry_cluster":
                clusters[key].add(row["id"])
            if row.get("cluster"):
                clusters[key].add(row["cluster"])
            if is_route and key != CITYWIDE:
                routes[key] += 1
                if not row["_has_geometry"] or key in row["counties_beyond_geometry"]:
                    routes_unmeasured[key] += 1

    counts = pd.DataFrame(
        {
            "initiatives": [float(initiatives[key]) for key in keys],
            "initiatives_fractional": [fractional[key] for key in keys],
        },
        index=keys,
    )
    category_columns = [category_column(c) for c in CATEGORIES]
    categories = pd.DataFrame(
        [[by_category[key][column] for column in category_columns] for key in keys],
        index=keys,
        columns=category_columns,
    )
    with_quantities = pd.Series([with_quantities[key] for key in keys], index=keys)
    routes = pd.Series([routes[key] for key in keys], index=keys)
    routes_unmeasured = pd.Series([routes_unmeasured[key] for key in keys], index=keys)

    table = facts.reindex(keys)
    table.loc[CITYWIDE, ["name_zh", "name_en"]] = [CITYWIDE_NAME_ZH, CITYWIDE_NAME_EN]
    table["urban"] = table["urban"].astype("boolean")
    table["initiatives"] = counts["initiatives"].astype(int)
    table["initiatives_fractional"] = counts["initiatives_fractional"]
    table = table.join(categories)
    table["clusters"] = [len(clusters[key]) for key in keys]
    table["cluster_names_zh"] = [
        "；".join(names.get(c, (c, c))[0] for c in sorted(clusters[key])) for key in keys
    ]
    table["cluster_names_en"] = [
        "; ".join(names.get(c, (c, c))[1] for c in sorted(clusters[key])) for key in keys
    ]
    table["with_quantities"] = with_quantities
    table["routes"] = routes
    table["routes_unmeasured"] = routes_unmeasured
    table["route_km"] = [float(route_km.get(key, 0.0)) for key in facts.index] + [np.nan]

    county = table.index != CITYWIDE
    mentions = table.loc[county, "initiatives"].sum()
    table["share_initiatives"] = np.where(county, table["initiatives"] / mentions, np.nan)
    population = table.loc[county, "population"]
    if city_population is None and population.notna().all():
        city_population = float(population.sum())
    table["share_population"] = table["population"] / city_population if city_population else np.nan
    table["share_area"] = table["area_km2"] / table.loc[county, "area_km2"].sum()
    table["initiative_to_population"] = table["share_initiatives"] / table["share_population"]
    table["initiatives_per_100k"] = table["initiatives"] / table["population"] * PER_RESIDENTS
    table["initiatives_per_1000km2"] = table["initiatives"] / table["area_km2"] * PER_AREA_KM2
    table["route_km_per_1000km2"] = table["route_km"] / table["area_km2"] * PER_AREA_KM2
    table.index.name = "adcode"
    return table


def county_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The table without the city-wide bucket."""
    return table.drop(index=CITYWIDE, errors="ignore")


def route_km_totals(
    counties: gpd.GeoDataFrame,
    initiatives: gpd.GeoDataFrame,
    *,
    route_kinds: Sequence[str] = BUILT_ROUTE_KINDS,
) -> dict[str, float]:
    """{adcode: km} summed over the drawn lines of `route_kinds` (each line split by length)."""
    totals: dict[str, float] = {}
    for kind, geom in zip(initiatives["route_kind"], initiatives.geometry, strict=True):
        if kind not in route_kinds or geom is None:
            continue
        if geom.geom_type not in ("LineString", "MultiLineString"):
            continue
        for adcode, km in route_km_by_county(counties, geom).items():
            totals[adcode] = totals.get(adcode, 0.0) + km
    return totals


def theme_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """(county, category) pairs with no initiative there, with the city-wide count of that theme."""
    counties = county_rows(table)
    citywide = table.loc[CITYWIDE] if CITYWIDE in table.index else None
    gaps = []
    for adcode, row in counties.iterrows():
        for category in CATEGORIES:
            column = category_column(category)
            if row[column] == 0:
                gaps.append(
                    {
                        "adcode": adcode,
                        "name_zh": row["name_zh"],
                        "name_en": row["name_en"],
                        "category": category,
                        "citywide_items": int(citywide[column]) if citywide is not None else 0,
                    }
                )
    return pd.DataFrame(
        gaps, columns=["adcode", "name_zh", "name_en", "category", "citywide_items"]
    )


# ---------------------------------------------------------------------------------------------
# Indices on plain arrays


# PySAL's ``inequality`` is imported where it is used: it pulls in scipy and matplotlib (~100 MB
# resident), which the map (reading REGION_GROUPS from here) should not carry.
def gini(values: Sequence[float]) -> float:
    """Gini over units of equal weight (PySAL); NaN for fewer than 2 units or a zero total."""
    from inequality.gini import Gini

    y = np.asarray(values, dtype=float)
    if y.size < 2 or y.sum() <= 0:
        return math.nan
    return float(Gini(y).g)


def theil(values: Sequence[float]) -> float:
    """Theil T over units of equal weight (PySAL); NaN for fewer than 2 units or a zero total."""
    from inequality.theil import Theil

    y = np.asarray(values, dtype=float)
    if y.size < 2 or y.sum() <= 0:
        return math.nan
    return float(np.squeeze(Theil(y).T))


def theil_decomposition(
    values: Sequence[float], groups: Sequence[str]
) -> tuple[float, float, float]:
    """(total, between, within) Theil T for units partitioned into `groups` (PySAL TheilD)."""
    from inequality.theil import TheilD

    y = np.asarray(values, dtype=float)
    partition = np.asarray(groups)
    if y.size < 2 or y.sum() <= 0:
        return math.nan, math.nan, math.nan
    split = TheilD(y, partition)
    between = float(np.squeeze(split.bg))
    return float(np.squeeze(split.T)), between, float(np.squeeze(split.wg))


def coefficient_of_variation(values: Sequence[float]) -> float:
    """Standard deviation (population form, ddof=0) over the mean; each unit weighs the same."""
    y = np.asarray(values, dtype=float)
    if y.size < 2 or y.mean() == 0:
        return math.nan
    return float(y.std() / y.mean())


def weighted_cv(values: Sequence[float], weights: Sequence[float]) -> float:
    """Williamson's population-weighted CV: sqrt(sum w_i (y_i - y_bar)^2) / y_bar.

    w_i are the weights normalised to sum to 1 and y_bar = sum w_i y_i (for a per-capita
    rate this is the rate of all the units pooled).
    """
    y = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if y.size < 2 or w.sum() <= 0:
        return math.nan
    w = w / w.sum()
    mean = float((w * y).sum())
    if mean == 0:
        return math.nan
    return float(np.sqrt((w * (y - mean) ** 2).sum()) / mean)


# ---------------------------------------------------------------------------------------------
# Indices over the table


@dataclass(frozen=True)
class IndexValue:
    """One inequality index over the counties, with what it left out and what it means."""

    key: str
    value: float
    n_used: int
    left_out: tuple[str, ...]  # adcodes without a value (population unknown)
    meaning_zh: str
    meaning_en: str


@dataclass(frozen=True)
class TheilSplit:
    """Theil T split into a between-group and a within-group part (total = between + within)."""

    grouping: str
    total: IndexValue
    between: IndexValue
    within: IndexValue
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label -> adcodes used


@dataclass(frozen=True)
class BalanceIndices:
    column: str
    gini: IndexValue
    theil: IndexValue
    theil_by_region: TheilSplit
    theil_urban_vs_counties: TheilSplit
    cv: IndexValue
    cv_weighted: IndexValue


MEANINGS = {
    "gini": (
        "基尼系数：0 表示各县数值完全相同，越接近 1 越集中于少数县（每县权重相同）。",
        "Gini: 0 means every county has the same value; nearer 1, concentrated in few counties (each county weighs the same).",
    ),
    "theil": (
        "泰尔指数 T：0 表示完全均等，最大为 ln(县数)；可拆分为组间和组内两部分。",
        "Theil T: 0 means perfect equality, at most ln(number of counties); splits into between- and within-group parts.",
    ),
    "between": (
        "组间部分：两组平均水平不同造成的差距。",
        "Between groups: the part of the gap due to the two groups' different averages.",
    ),
    "within": (
        "组内部分：同一组内各县之间的差距。",
        "Within groups: the part of the gap among counties of the same group.",
    ),
    "cv": (
        "变异系数：各县数值的标准差除以平均值（每县权重相同）。",
        "Coefficient of variation: standard deviation of the county values over their mean (each county weighs the same).",
    ),
    "cv_weighted": (
        "人口加权变异系数（Williamson）：按人口加权的离散程度除以全体平均水平，人多的县影响更大。",
        "Population-weighted CV (Williamson): spread weighted by population over the pooled average; populous counties count more.",
    ),
}


def _index(key: str, value: float, used: pd.Index, left_out: Iterable[str]) -> IndexValue:
    zh, en = MEANINGS[key]
    return IndexValue(key, value, len(used), tuple(sorted(left_out)), zh, en)


def _split(grouping: str, values: pd.Series, labels: pd.Series, left_out: list[str]) -> TheilSplit:
    total, between, within = theil_decomposition(values.to_numpy(), labels.to_numpy())
    groups = {label: tuple(sorted(labels.index[labels == label])) for label in sorted(set(labels))}
    return TheilSplit(
        grouping=grouping,
        total=_index("theil", total, values.index, left_out),
        between=_index("between", between, values.index, left_out),
        within=_index("within", within, values.index, left_out),
        groups=groups,
    )


def balance_indices(table: pd.DataFrame, column: str = "initiatives_per_100k") -> BalanceIndices:
    """Gini, Theil T (with both splits), CV and population-weighted CV of `column` over counties.

    Counties where `column` is NaN (a per-resident rate with unknown population) are left out
    and listed; the weighted CV also leaves out counties of unknown population.
    """
    counties = county_rows(table)
    values = counties[column].astype(float)
    known = values.dropna()
    left_out = sorted(values.index[values.isna()])

    weighted = counties.loc[known.index, "population"].dropna()
    weighted_left_out = sorted(set(counties.index) - set(weighted.index))

    region = counties.loc[known.index, "region_group"].astype(str)
    urban = pd.Series(
        np.where(known.index.isin(URBAN_DISTRICTS), "urban_districts", "counties"),
        index=known.index,
    )
    return BalanceIndices(
        column=column,
        gini=_index("gini", gini(known.to_numpy()), known.index, left_out),
        theil=_index("theil", theil(known.to_numpy()), known.index, left_out),
        theil_by_region=_split("region_group", known, region, left_out),
        theil_urban_vs_counties=_split("urban", known, urban, left_out),
        cv=_index("cv", coefficient_of_variation(known.to_numpy()), known.index, left_out),
        cv_weighted=_index(
            "cv_weighted",
            weighted_cv(known.loc[weighted.index].to_numpy(), weighted.to_numpy()),
            weighted.index,
            weighted_left_out,
        ),
    )


@dataclass(frozen=True)
class LorenzCurve:
    """Cumulative population share against cumulative initiative share, poorest-served first."""

    points: pd.DataFrame  # adcode, population_share_cum, initiative_share_cum; first row (0, 0)
    gini_population_weighted: float  # 1 - 2 * area under the curve
    n_used: int
    left_out: tuple[str, ...]


def lorenz_curve(table: pd.DataFrame, column: str = "initiatives") -> LorenzCurve:
    """The Lorenz curve of `column` against population, counties sorted by `column` per resident.

    Counties with unknown population or an unknown `column` (no stated investment) are left
    out and listed; shares are of the counties used.
    """
    counties = county_rows(table)
    used = counties[counties["population"].notna() & counties[column].notna()]
    left_out = tuple(sorted(set(counties.index) - set(used.index)))
    per_resident = used[column] / used["population"]
    order = per_resident.sort_values(kind="stable").index
    population = used.loc[order, "population"].astype(float)
    amount = used.loc[order, column].astype(float)
    x = np.concatenate([[0.0], population.cumsum() / population.sum()])
    total = amount.sum()
    y = np.concatenate([[0.0], amount.cumsum() / total]) if total > 0 else np.full(len(x), np.nan)
    points = pd.DataFrame(
        {
            "adcode": ["", *order],
            "population_share_cum": x,
            "initiative_share_cum": y,
        }
    )
    area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2)) if total > 0 else math.nan
    return LorenzCurve(points, 1 - 2 * area, len(used), left_out)
