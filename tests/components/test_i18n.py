"""Every string exists in 中文 and English; every vocabulary value has a label."""

from __future__ import annotations

import pytest

from analysis.choropleth import MEASURES
from components.i18n import LANGS, STRINGS, t
from data.schema import CATEGORIES, COMMITMENTS, PRECISIONS, ROUTE_KINDS, ROUTE_STATUSES, SECTIONS


def test_every_key_has_both_languages():
    missing = [key for key, entry in STRINGS.items() if any(not entry.get(lang) for lang in LANGS)]
    assert missing == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("category", CATEGORIES),
        ("commitment", COMMITMENTS),
        ("precision", PRECISIONS),
        ("section", SECTIONS),
        ("route_kind", ROUTE_KINDS),
        ("route_status", ROUTE_STATUSES),
        ("measure", MEASURES),
        ("unit", MEASURES),
        ("basemap", ("none", "osm", "esri", "gaode")),
    ],
)
def test_every_vocabulary_value_is_translated(prefix, values):
    assert [v for v in values if f"{prefix}.{v}" not in STRINGS] == []


def test_lookup_and_fallbacks():
    assert t("app.title") == "邵阳项目地图"
    assert t("app.title", "en") == "Shaoyang Projects Map"
    assert t("no.such.key", "en") == "⟨no.such.key⟩"
    assert t("county.route_km", "en", km="3.5") == "3.5 km"
