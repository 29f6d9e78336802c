"""County measures for the choropleth and their class breaks (Fisher-Jenks, by jenkspy).

Pure: plain mappings in, plain values out. A county whose denominator is unknown gets ``None``
(no data), never 0; a multi-county initiative counts once in every county it touches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jenkspy

MEASURES = ("count", "per_100k", "per_1000km2", "route_km", "investment")
PER_RESIDENTS = 100_000
PER_AREA_KM2 = 1_000
# Built lines only: a rail service runs on existing track and an industrial corridor is a zone,
# so adding their length would count the same ground twice.
ROUTE_KM_KINDS = ("hsr", "railway", "expressway", "road")
MAX_CLASSES = 5


def county_counts(county_lists: Iterable[Iterable[str]], adcodes: Iterable[str]) -> dict[str, int]:
    """Initiatives touching each county: an item listing k counties adds 1 to each of them."""
    counts = dict.fromkeys(adcodes, 0)
    for touched in county_lists:
        for adcode in set(touched):
            if adcode in counts:
                counts[adcode] += 1
    return counts


def route_km_sum(
    route_km: Mapping[str, Mapping[str, float]], route_ids: Iterable[str], adcodes: Iterable[str]
) -> dict[str, float]:
    """Sum, per county, the km of the given routes inside it (``route_km[route][adcode]``)."""
    totals = dict.fromkeys(adcodes, 0.0)
    for route_id in route_ids:
        for adcode, km in route_km.get(route_id, {}).items():
            if adcode in totals:
                totals[adcode] += km
    return totals


def _known(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value > 0


def measure_values(
    measure: str,
    counts: Mapping[str, int],
    *,
    population: Mapping[str, float | None],
    area_km2: Mapping[str, float | None],
    route_km: Mapping[str, float] | None = None,
    investment: Mapping[str, float] | None = None,
) -> dict[str, float | None]:
    """The value of ``measure`` per county; ``None`` where its denominator is unknown.

    ``investment`` (亿元 per county, from the planner's own data) has no value for a county
    where nobody stated an amount: that is unknown, not zero.
    """
    if measure == "count":
        return {adcode: float(n) for adcode, n in counts.items()}
    if measure == "per_100k":
        return {
            adcode: n / population[adcode] * PER_RESIDENTS
            if _known(population.get(adcode))
            else None
            for adcode, n in counts.items()
        }
    if measure == "per_1000km2":
        return {
            adcode: n / area_km2[adcode] * PER_AREA_KM2 if _known(area_km2.get(adcode)) else None
            for adcode, n in counts.items()
        }
    if measure == "route_km":
        route_km = route_km or {}
        return {adcode: float(route_km.get(adcode, 0.0)) for adcode in counts}
    if measure == "investment":
        investment = investment or {}
        return {
            adcode: float(investment[adcode]) if adcode in investment else None for adcode in counts
        }
    raise ValueError(f"unknown measure {measure!r}; expected one of {MEASURES}")


@dataclass(frozen=True)
class Classes:
    """Class breaks for a set of county values.

    ``upper`` are the inclusive upper bounds of the classes, ascending; class ``i`` holds values
    in (upper[i-1], upper[i]] and class 0 holds [minimum, upper[0]]. ``of`` maps every county to
    its class, or ``None`` when it has no data.
    """

    minimum: float | None
    upper: tuple[float, ...]
    of: dict[str, int | None]

    @property
    def k(self) -> int:
        return len(self.upper)

    def bounds(self, i: int) -> tuple[float, float]:
        """(lower, upper) of class ``i``; the lower bound is exclusive except for class 0."""
        lower = self.minimum if i == 0 else self.upper[i - 1]
        return float(lower), float(self.upper[i])


def classify(values: Mapping[str, float | None], k: int = MAX_CLASSES) -> Classes:
    """Fisher-Jenks natural breaks over the known values (fewer classes if fewer distinct values)."""
    known = {a: float(v) for a, v in values.items() if v is not None and not math.isnan(v)}
    if not known:
        return Classes(None, (), dict.fromkeys(values))
    distinct = sorted(set(known.values()))
    if len(distinct) <= k:
        upper = tuple(distinct)
    else:
        # jenkspy: the exact Fisher-Jenks optimum in C, with no dependency beyond numpy
        # (mapclassify gives the same optimum but imports scipy and scikit-learn: ~100 MB
        # resident in every server process, for 12 numbers).
        breaks = jenkspy.jenks_breaks(list(known.values()), n_classes=k)[1:]
        upper = tuple(float(b) for b in breaks)
    classes: dict[str, int | None] = {}
    for adcode in values:
        if adcode not in known:
            classes[adcode] = None
            continue
        classes[adcode] = next(i for i, bound in enumerate(upper) if known[adcode] <= bound)
    return Classes(distinct[0], upper, classes)
