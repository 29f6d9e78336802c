"""Load the committed county boundaries (WGS-84) as a GeoDataFrame."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.datum import WGS84

BOUNDARIES = Path(__file__).resolve().parents[1] / "data" / "boundaries"


def load_counties(path: Path | str | None = None, *, display: bool = False) -> gpd.GeoDataFrame:
    """The 12 counties sorted by adcode (6-digit str), EPSG:4326, tagged attrs datum "wgs84".

    ``display=True`` gives the simplified set for drawing; the default full set is for analysis.
    An explicit ``path`` wins over ``display``.
    """
    if path is None:
        path = BOUNDARIES / ("counties_display.geojson" if display else "counties.geojson")
    counties = gpd.read_file(path)
    counties["adcode"] = counties["adcode"].astype(str)
    counties = counties.set_crs("EPSG:4326", allow_override=True)
    counties = counties.sort_values("adcode", ignore_index=True)
    counties.attrs["datum"] = WGS84
    return counties
