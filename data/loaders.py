"""The one loader of the initiatives file and the county facts (pure; the app caches them).

``SHAOYANG_INITIATIVES`` points everything (map, store, importer, benchmarks) at another
initiatives file, such as the benchmark's 10,000 synthetic items; the default is
data/initiatives.geojson. The Streamlit caches around these loaders are in
components/cache.py.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from data.fields import REPORT, table
from data.sources import public_county_facts, read_sources
from geo.datum import WGS84

DATA = Path(__file__).resolve().parent
INITIATIVES_ENV = "SHAOYANG_INITIATIVES"
DEFAULT_INITIATIVES = DATA / "initiatives.geojson"
COUNTIES_CSV = DATA / "counties.csv"

# Properties every feature must carry (the full contract is data/schema.py); the others take
# their default when a file leaves them out. Both come from the field vocabulary.
REQUIRED = tuple(f.name for f in table(REPORT) if f.required)
OPTIONAL_DEFAULTS: dict[str, Any] = {f.name: f.default for f in table(REPORT) if not f.required}
_LIST_FIELDS = tuple(f.name for f in table(REPORT) if f.type in ("adcodes", "quantities"))
LINE_TYPES = ("LineString", "MultiLineString")


class DatasetError(ValueError):
    """The initiatives file cannot be used; the message says why, for the user."""


def initiatives_path() -> Path:
    """The initiatives file in use: $SHAOYANG_INITIATIVES, else data/initiatives.geojson."""
    return Path(os.environ.get(INITIATIVES_ENV) or DEFAULT_INITIATIVES)


def version_of(path: Path) -> str:
    """A cache key that changes when the file does."""
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}"


def read_features(path: Path) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(properties, GeoJSON geometry or None) per feature, in file order.

    Missing optional properties take their defaults; list properties (``counties``,
    ``quantities`` ...) become tuples and adcodes strings. A file that is not a
    FeatureCollection, a feature without a required property, or an id used twice is a
    :class:`DatasetError`.
    """
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(
            f"{path.name}: not a readable GeoJSON FeatureCollection ({exc})"
        ) from exc
    out = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {}
        missing = [name for name in REQUIRED if name not in properties]
        if missing:
            raise DatasetError(f"{path.name}: feature #{index} lacks {', '.join(missing)}")
        row = {**OPTIONAL_DEFAULTS, **properties}
        for name in _LIST_FIELDS:
            row[name] = tuple(row[name] or ())
        row["counties"] = tuple(str(code) for code in row["counties"])
        if row["id"] in seen:
            duplicates.append(row["id"])
        seen.add(row["id"])
        out.append((row, feature.get("geometry") or None))
    if duplicates:
        raise DatasetError(f"{path.name}: duplicate ids {sorted(duplicates)[:5]}")
    return out


def report_initiatives(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """{id: properties} of the initiatives in use (read-only; re-read when the file changes):
    what the store and the importer check annotated ids against."""
    return _properties(version_of(path or initiatives_path()))


@lru_cache(maxsize=4)
def _properties(version: str) -> dict[str, dict[str, Any]]:
    path = Path(version.rsplit("|", 2)[0])
    return {row["id"]: row for row, _geometry in read_features(path)}


def read_initiatives(path: Path | None = None) -> gpd.GeoDataFrame:
    """The initiatives as a GeoDataFrame (geometry None where there is none), tagged WGS-84.

    List fields (``counties``, ``quantities``) become tuples; the frame is indexed by ``id``
    too, in file order. Without `path`, the file in use (``initiatives_path``).
    """
    features = read_features(path or initiatives_path())
    rows = [row for row, _geometry in features]
    geoms = [shapely.geometry.shape(g) if g else None for _row, g in features]
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    frame.index = pd.Index(frame["id"].to_numpy(dtype=object))
    # pandas stores missing text as NaN; the app (and its cards) expect None.
    for column in OPTIONAL_DEFAULTS:
        if column in frame.columns and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
        if column in frame.columns:
            frame[column] = frame[column].where(frame[column].notna(), None)
    kinds = frame.geometry.geom_type
    frame["geom_kind"] = kinds.map(
        lambda kind: (
            "point"
            if kind == "Point"
            else "line"
            if kind in LINE_TYPES
            else "polygon"
            if kind
            else "none"
        )
    ).where(frame.geometry.notna(), "none")
    frame.attrs["datum"] = WGS84
    return frame


def read_county_facts(path: Path = COUNTIES_CSV) -> pd.DataFrame:
    """counties.csv as strings (empty = unknown), indexed by 6-digit adcode."""
    facts = pd.read_csv(path, dtype=str, keep_default_na=False)
    return facts.set_index("adcode", drop=False)


def positive_number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except (AttributeError, ValueError):
        return None
    return value if value > 0 else None


def read_public_county_facts(path: Path = COUNTIES_CSV) -> dict[str, dict[str, str]]:
    """{adcode: what users may see of its counties.csv row} (see data.sources): a figure
    whose source data/sources.csv does not accept is an empty string, an unknown."""
    sources = read_sources()
    return {
        adcode: public_county_facts(row, sources)
        for adcode, row in read_county_facts(path).to_dict("index").items()
    }
