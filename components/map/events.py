"""What a click on the map means: the narrow, typed payload read back from streamlit-folium.

Every clickable feature's tooltip ends with a hidden token ``[[county:430582]]`` or
``[[initiative:shaoyong-hsr]]``; streamlit-folium returns the tooltip's text on click, and
``parse_map_click`` turns it into a :class:`MapClick`. Pure: no streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Only what the app reads, so that panning and zooming never rerun the script.
RETURNED_OBJECTS = ("last_object_clicked", "last_object_clicked_tooltip")

_TOKEN = re.compile(r"\[\[(county|initiative):([A-Za-z0-9_-]{1,80})\]\]")


def token(kind: str, item_id: str) -> str:
    """The hidden marker a tooltip carries so that a click identifies its feature."""
    return f"[[{kind}:{item_id}]]"


@dataclass(frozen=True)
class MapClick:
    kind: str  # "county" | "initiative"
    id: str
    lat: float | None
    lng: float | None


def parse_map_click(returned: Mapping | None) -> MapClick | None:
    """The feature clicked last, or None when nothing identifiable was clicked."""
    if not returned:
        return None
    tooltip = returned.get("last_object_clicked_tooltip")
    if not isinstance(tooltip, str):
        return None
    matches = _TOKEN.findall(tooltip)
    if not matches:
        return None
    kind, item_id = matches[-1]
    where = returned.get("last_object_clicked") or {}
    lat = where.get("lat") if isinstance(where, Mapping) else None
    lng = where.get("lng") if isinstance(where, Mapping) else None
    return MapClick(
        kind,
        item_id,
        float(lat) if isinstance(lat, int | float) else None,
        float(lng) if isinstance(lng, int | float) else None,
    )
