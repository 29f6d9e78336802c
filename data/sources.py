"""data/sources.csv: which sources a figure shown to users may cite, and under what name.

Pure. A figure in counties.csv reaches the interface only when its source URL's host is listed
here as ``official`` or ``secondary`` (matched by domain suffix, the longest listed domain
wins); any other source — listed as ``rejected`` or not listed at all — makes the figure
unknown. The interface names the source by its publisher and marks a secondary one.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

SOURCES_CSV = Path(__file__).resolve().parent / "sources.csv"
COLUMNS = ("domain", "publisher_zh", "publisher_en", "quality", "note")
QUALITIES = ("official", "secondary", "rejected")
ACCEPTED = ("official", "secondary")

# counties.csv: the figures users see, each with its source column.
FIGURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("pop_2020_census",), "pop_source"),
    (("area_km2",), "area_source"),
    (("gdp_2023_100m_cny",), "gdp_source"),
    (("seat_zh", "seat_en"), "seat_source"),
)
# Columns shown as they are: names and the report's own classification.
PLAIN_COLUMNS = ("adcode", "name_zh", "name_en", "type", "region_group")


@dataclass(frozen=True)
class Publisher:
    domain: str
    name_zh: str
    name_en: str
    quality: str  # official | secondary | rejected

    @property
    def accepted(self) -> bool:
        return self.quality in ACCEPTED


def read_sources(path: Path = SOURCES_CSV) -> dict[str, Publisher]:
    """{domain: publisher}; a bad row (unknown quality, an accepted source without a name)
    is an error naming the row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path.name}: columns must be {', '.join(COLUMNS)}")
        publishers: dict[str, Publisher] = {}
        for line, row in enumerate(reader, start=2):
            domain = (row["domain"] or "").strip().lower()
            quality = (row["quality"] or "").strip()
            if not domain or quality not in QUALITIES:
                raise ValueError(f"{path.name} line {line}: needs a domain and a known quality")
            publisher = Publisher(
                domain, row["publisher_zh"].strip(), row["publisher_en"].strip(), quality
            )
            if publisher.accepted and not (publisher.name_zh and publisher.name_en):
                raise ValueError(f"{path.name} line {line}: an accepted source needs its names")
            publishers[domain] = publisher
    return publishers


def publisher_of(url: str, sources: Mapping[str, Publisher]) -> Publisher | None:
    """The listed publisher of a single http(s) URL (longest matching domain), else None."""
    text = (url or "").strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    parsed = urlparse(text)
    host = (parsed.hostname or "").lower()
    if parsed.scheme not in ("http", "https") or not host:
        return None
    matches = [d for d in sources if host == d or host.endswith("." + d)]
    return sources[max(matches, key=len)] if matches else None


def public_county_facts(row: Mapping[str, str], sources: Mapping[str, Publisher]) -> dict[str, str]:
    """What users may see of a counties.csv row: names, type, group, and each figure with an
    accepted source (its URL, publisher names and quality); other figures are empty (unknown).
    Notes are curation material and are left out."""
    public = {column: str(row.get(column) or "").strip() for column in PLAIN_COLUMNS}
    for values, source_column in FIGURES:
        url = str(row.get(source_column) or "").strip()
        publisher = publisher_of(url, sources)
        accepted = publisher is not None and publisher.accepted
        for column in values:
            public[column] = str(row.get(column) or "").strip() if accepted else ""
        public[source_column] = url if accepted else ""
        public[f"{source_column}_publisher_zh"] = publisher.name_zh if accepted else ""
        public[f"{source_column}_publisher_en"] = publisher.name_en if accepted else ""
        public[f"{source_column}_quality"] = publisher.quality if accepted else ""
    return public
