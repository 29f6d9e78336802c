"""Check an initiatives GeoJSON file against the contract in data/schema.py.

    python -m data.validate [FILE]      # default: data/initiatives.geojson

Prints one line per problem (record id, field, what is wrong) and exits 1 when the file is
invalid, 0 when it is valid. Never prints a traceback for a bad file.

Beyond the schema it checks each record against the report: the span is the text at its
offsets, lies in the stated section and names the item (`data.schema.names_item`); and no two
records' spans overlap unless data/curation/shared_spans.yaml lists both ids under one phrase
of the report that holds both spans (the report names them together).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import shapely
import yaml
from pydantic import ValidationError

from data.report import Report, load_report
from data.schema import InitiativeFeature, names_item
from geo.counties import load_counties
from geo.spatial import county_of_point, route_km_by_county

DEFAULT_FILE = Path(__file__).resolve().parent / "initiatives.geojson"
SHARED_SPANS = Path(__file__).resolve().parent / "curation" / "shared_spans.yaml"
POINT_TOLERANCE_M = 1000.0


@dataclass(frozen=True)
class Problem:
    record: str  # the record id, or "#N" for the N-th feature when it has no usable id
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


def _load_json(path: Path) -> tuple[object | None, list[Problem]]:
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return None, [Problem("file", "-", f"cannot read {path}: {exc.strerror or exc}")]
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem("file", "-", f"not UTF-8 (byte {exc.start}); save the file as UTF-8")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                "file", "-", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
        ]


def _schema_problems(record: str, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = [str(part) for part in item["loc"] if part != "properties"]
        problems.append(Problem(record, ".".join(location) or "-", item["msg"]))
    return problems


def _record_name(index: int, feature: object) -> str:
    if isinstance(feature, dict):
        properties = feature.get("properties")
        if (
            isinstance(properties, dict)
            and isinstance(properties.get("id"), str)
            and properties["id"]
        ):
            return properties["id"][:80]
    return f"#{index + 1}"


def _text_problems(record: str, props, report: Report) -> list[Problem]:
    raw = report.raw
    if props.source_end > len(raw):
        return [
            Problem(
                record,
                "source_end",
                f"{props.source_end} is beyond the report's {len(raw)} characters",
            )
        ]
    problems = []
    if raw[props.source_start : props.source_end] != props.source_text:
        problems.append(
            Problem(
                record, "source_text", "does not equal the report text at source_start:source_end"
            )
        )
    section = report.section_at(props.source_start)
    if section != props.section:
        problems.append(
            Problem(record, "section", f"the span lies in section {section}, not {props.section}")
        )
    slice_text = report.normalised.raw_span_text(props.source_start, props.source_end)
    if not names_item(props.name_zh, slice_text):
        problems.append(
            Problem(record, "source_start", f"the span does not name {props.name_zh!r}")
        )
    return problems


def load_shared_spans(path: Path = SHARED_SPANS) -> list[dict]:
    """The allow-list of records whose spans may overlap: [{phrase, ids}, ...]."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def _shared(a, b, report: Report, shared: list[dict]) -> bool:
    """True when one allow-listed phrase names both records and holds both of their spans."""
    for group in shared:
        if a.id not in group["ids"] or b.id not in group["ids"]:
            continue
        start = report.raw.find(group["phrase"])
        while start >= 0:
            end = start + len(group["phrase"])
            if all(start <= p.source_start and p.source_end <= end for p in (a, b)):
                return True
            start = report.raw.find(group["phrase"], start + 1)
    return False


def overlap_problems(records: list, report: Report, shared: list[dict]) -> list[Problem]:
    """Spans of different records that overlap, unless one listed phrase names them together."""
    ordered = sorted(records, key=lambda p: (p.source_start, p.source_end))
    problems = []
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.source_start >= first.source_end:
                break
            if first.id == second.id or _shared(first, second, report, shared):
                continue
            problems.append(
                Problem(
                    second.id,
                    "source_start",
                    f"the span overlaps {first.id!r}'s "
                    f"({first.source_start}-{first.source_end}); "
                    "list both in data/curation/shared_spans.yaml if the report names them together",
                )
            )
    return problems


def _geometry_problems(record: str, feature: InitiativeFeature, counties) -> list[Problem]:
    if feature.geometry is None:
        return []
    props = feature.properties
    try:
        geom = shapely.geometry.shape(feature.geometry.model_dump())
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        return [Problem(record, "geometry", f"not a valid {feature.geometry.type}: {exc}")]
    if geom.is_empty or not geom.is_valid:
        return [Problem(record, "geometry", f"invalid geometry: {shapely.is_valid_reason(geom)}")]
    lon_min, lat_min, lon_max, lat_max = geom.bounds
    if not (100 <= lon_min <= lon_max <= 125 and 18 <= lat_min <= lat_max <= 45):
        return [
            Problem(
                record,
                "geometry",
                "coordinates are not (lon, lat) in southern China: swapped or wrong units?",
            )
        ]
    if geom.geom_type == "Point":
        found = county_of_point(counties, geom.x, geom.y, POINT_TOLERANCE_M)
        if found.adcode is None:
            return [
                Problem(
                    record,
                    "geometry",
                    f"point is {found.distance_m / 1000:.1f} km outside Shaoyang",
                )
            ]
        if found.adcode not in props.counties:
            return [
                Problem(
                    record,
                    "geometry",
                    f"point lies in {found.adcode}, not in its counties {props.counties}",
                )
            ]
        return []
    if geom.geom_type in ("LineString", "MultiLineString"):
        crossed = route_km_by_county(counties, geom)
        missing = [
            c
            for c in props.counties
            if c not in crossed and c not in props.counties_beyond_geometry
        ]
        if not crossed:
            return [Problem(record, "geometry", "the route crosses none of the 12 counties")]
        if missing:
            return [
                Problem(
                    record,
                    "counties",
                    f"the route does not cross {missing} (list them in counties_beyond_geometry if the source says so)",
                )
            ]
        return []
    if not geom.intersects(counties.union_all()):
        return [Problem(record, "geometry", "the area lies outside Shaoyang")]
    return []


def validate_collection(
    collection: object, report: Report | None = None, counties=None, shared=None
) -> list[Problem]:
    """All problems of a parsed GeoJSON object (an empty list when it is valid)."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return [Problem("file", "type", "not a GeoJSON FeatureCollection")]
    features = collection.get("features")
    if not isinstance(features, list):
        return [Problem("file", "features", "missing or not a list")]
    report = report or load_report()
    counties = counties if counties is not None else load_counties()
    problems: list[Problem] = []
    valid: list[tuple[str, InitiativeFeature]] = []
    for index, feature in enumerate(features):
        record = _record_name(index, feature)
        try:
            parsed = InitiativeFeature.model_validate(feature)
        except ValidationError as exc:
            problems.extend(_schema_problems(record, exc))
            continue
        valid.append((record, parsed))
    ids = [parsed.properties.id for _, parsed in valid]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(duplicate, "id", "used by more than one record"))
    known = set(ids)
    shared = load_shared_spans() if shared is None else shared
    in_text = [p.properties for _, p in valid if p.properties.source_end <= len(report.raw)]
    problems.extend(overlap_problems(in_text, report, shared))
    for record, parsed in valid:
        problems.extend(_text_problems(record, parsed.properties, report))
        problems.extend(_geometry_problems(record, parsed, counties))
        cluster = parsed.properties.cluster
        if cluster is not None and cluster not in known:
            problems.append(Problem(record, "cluster", f"no record has id {cluster!r}"))
    return problems


def validate_file(path: Path) -> list[Problem]:
    collection, problems = _load_json(path)
    if problems:
        return problems
    return validate_collection(collection)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if args and args[0] in ("-h", "--help") else 2
    path = Path(args[0]) if args else DEFAULT_FILE
    problems = validate_file(path)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
