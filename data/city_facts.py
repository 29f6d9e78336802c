"""data/city.csv (邵阳市 as a whole): the figures the balance page divides by. Pure loader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

CITY_CSV = Path(__file__).resolve().parent / "city.csv"


def read_city_population(path: Path = CITY_CSV) -> float | None:
    """The city's 2020 census population, or None when the file gives no positive figure."""
    facts = pd.read_csv(path, dtype=str, keep_default_na=False)
    if facts.empty or "pop_2020_census" not in facts:
        return None
    try:
        value = float(str(facts["pop_2020_census"].iloc[0]).replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 else None
