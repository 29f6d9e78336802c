"""GIS downloads with the coordinate-system choice, one way for every page that offers them.

The files are written by :mod:`data.gis_export`; this module says how they look (KML names
and colours as the map shows them) and draws the choice and the buttons. The buttons build
their file only when clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from components.i18n import t
from components.map import symbols
from data import gis_export
from data.export import USER_DATA_COLUMNS
from data.store import projects_geoframe

# The planner's rows as the store exports them, minus what the geometry says in the chosen CRS
# (lon/lat are WGS-84 numbers, and "datum" would contradict a GCJ-02 or projected file).
_POSITION_COLUMNS = ("lon", "lat", "datum")


def kml_look(lang: str) -> gis_export.KmlLook:
    """KML names, descriptions and styles as the map shows them, in ``lang``."""
    return gis_export.KmlLook(
        lang=lang,
        category_labels={c: t(f"category.{c}", lang) for c in symbols.CATEGORY_STYLE},
        category_colours={c: colour for c, (colour, _) in symbols.CATEGORY_STYLE.items()},
        route_colours={k: str(style["color"]) for k, style in symbols.ROUTE_STYLE.items()},
        polygon_colour=symbols.COUNTY_EDGE,
        mine_colour=symbols.MINE_FILL,
        document_title=t("explorer.kml_title", lang),
    )


def gis_file(
    layers: Sequence[gis_export.Layer], fmt: str, crs: str, lang: str
) -> gis_export.ExportFile:
    """One GIS export of `layers` (KML falls back to WGS-84 for a projected choice)."""
    return gis_export.export_bytes(layers, fmt, file_crs(fmt, crs), look=kml_look(lang))


def file_crs(fmt: str, crs: str) -> str:
    """The CRS a file of `fmt` is written in when `crs` is chosen (KML is lon/lat only)."""
    return crs if fmt != "kml" or crs in gis_export.KML_CRS else "4326"


def user_data_layers(everything: pd.DataFrame, counties) -> list[gis_export.Layer]:
    """The Data page's export as GIS layers: the 12 counties, the planner's located projects
    (points) and, as a table, the projects without coordinates and the figures added to
    report items. `everything` is ``store.export_frame()``; `counties` full-detail WGS-84."""
    frame = projects_geoframe(everything)
    frame = frame.drop(columns=[c for c in _POSITION_COLUMNS if c in frame.columns])
    titles = {
        f"my_data_{kind}": (t(f"data.gis_layer.{kind}", "zh"), t(f"data.gis_layer.{kind}", "en"))
        for kind in ("points", "unlocated")
    }
    layers = [gis_export.county_layer(counties)]
    if len(frame):
        layers += gis_export.item_layers(frame, USER_DATA_COLUMNS, prefix="my_data", titles=titles)
    return layers


def offer_gis_files(
    layers: Callable[[], Sequence[gis_export.Layer]],
    *,
    lang: str,
    stem: str,
    key: str,
    help_text: str,
) -> str:
    """The coordinate-system choice and one download button per GIS format (keys
    ``{key}_crs`` and ``{key}_{format}``); `layers` is called only when a button is clicked.
    Returns the chosen CRS key."""
    st.markdown(f"**{t('explorer.gis', lang)}**")
    crs = st.selectbox(
        t("explorer.gis_crs", lang),
        list(gis_export.CRS_CHOICES),
        format_func=lambda choice: gis_export.CRS_CHOICES[choice].label(lang),
        key=f"{key}_crs",
    )
    st.caption(help_text)
    buttons = st.container(horizontal=True)
    for fmt in gis_export.FORMATS:
        mime, suffix = gis_export.MIME[fmt]
        buttons.download_button(
            t(f"explorer.download_{fmt}", lang),
            data=lambda fmt=fmt: gis_file(layers(), fmt, crs, lang).content,
            file_name=f"{stem}_{file_crs(fmt, crs)}{suffix}",
            mime=mime,
            on_click="ignore",
            key=f"{key}_{fmt}",
            icon=":material/map:",
        )
    return crs
