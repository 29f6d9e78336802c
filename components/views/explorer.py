"""The explorer's table of initiatives (and, if asked, the planner's own projects).

:func:`report_rows` and :func:`project_rows` give one row per item with stable, machine-readable
columns (the export); :func:`display_table` turns those rows into the on-screen table in the
chosen language. The column dictionary (:func:`explorer_columns`) documents every export column
in both languages. Nothing here draws on the page (``column_config`` only builds settings).
User text passes through as plain cell values: callers show it only with st.dataframe / st.text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from components.i18n import name_of, t
from components.views import gis_downloads
from components.views.cards import fit_width
from components.views.user_data import split_counties
from data import fields, gis_export
from data.fields import ANNOTATION_FIELDS, Column
from data.store import merge_annotations
from geo.datum import WGS84

SOURCE_REPORT = "report"
SOURCE_MINE = "my_data"
KEY_COLUMN = "_key"  # "report:<id>" or "my_data:<project id>": what a picked row opens
USER_COLUMNS = tuple(f"user_{name}" for name in ANNOTATION_FIELDS)

REPORT_COLUMNS = (
    "source",
    "id",
    "name_zh",
    "name_en",
    "category",
    "category_label",
    "counties",
    "county_names",
    "precision",
    "commitment",
    "commitment_verb",
    "section",
    "quantities",
    "route_kind",
    "route_status",
    "route_km",
    "lon",
    "lat",
    "source_start",
    "source_end",
    "source_text",
    "location_source",
    "location_note",
    "note",
)
MINE_COLUMNS = (*REPORT_COLUMNS, "town", *USER_COLUMNS)


def export_column_names(mine: bool) -> tuple[str, ...]:
    """The header of the explorer's CSV/XLSX/GeoJSON exports."""
    return MINE_COLUMNS if mine else REPORT_COLUMNS


def explorer_columns(mine: bool) -> list[Column]:
    """The column dictionary of the explorer's exports, in export order: the vocabulary's
    fields as data/fields.py describes them, the explorer's own derived columns below."""
    columns = {f.name: f.code_column() for f in fields.FIELDS}
    columns.update(_DERIVED_COLUMNS)
    for name in ANNOTATION_FIELDS:
        spec = fields.FIELD_BY_KEY[name]
        columns[f"user_{name}"] = Column(
            f"user_{name}",
            f"{spec.label_zh}（我的数据）",
            f"{spec.label_en} (my data)",
            spec.description_zh,
            spec.description_en,
            spec.unit,
        )
    return [columns[name] for name in export_column_names(mine)]


# The explorer's columns that no record holds: made for the table from the record's fields.
_DERIVED_COLUMNS = {
    "source": Column(
        "source",
        "来源",
        "source",
        "report = 政府工作报告；my_data = 我自己录入的项目",
        "report = the Government Work Report; my_data = a project you added",
    ),
    "id": Column(
        "id",
        "编号",
        "ID",
        "报告条目编号，或我的项目编号",
        "report initiative id, or your project's id",
    ),
    "category_label": Column(
        "category_label",
        "类别",
        "category",
        "按导出时的界面语言",
        "in the interface language at export time",
    ),
    "county_names": Column("county_names", "县市区", "counties"),
    "route_km": Column(
        "route_km",
        "县内线路里程",
        "route length inside the counties",
        "示意线按县界切分后的合计",
        "the schematic line's length inside the 12 counties",
        "km",
    ),
}


def header(column: Column, lang: str) -> str:
    """A column's on-screen header: its dictionary label in ``lang`` (English capitalised)."""
    if lang == "en":
        return column.label_en[:1].upper() + column.label_en[1:]
    return column.label_zh


def _where(adcodes: Sequence[str], county_names: Mapping[str, str], lang: str) -> str:
    if not adcodes:
        return t("item.citywide", lang)
    return "、".join(county_names.get(a, a) for a in adcodes)


def _quantities(quantities: Sequence[Mapping]) -> str:
    return "；".join(
        f"{q.get('text', '')}（{q.get('what', '')}）" if q.get("what") else str(q.get("text", ""))
        for q in quantities or ()
    )


def report_rows(
    initiatives: gpd.GeoDataFrame,
    route_km: Mapping[str, Mapping[str, float]],
    county_names: Mapping[str, str],
    lang: str,
) -> gpd.GeoDataFrame:
    """The report's initiatives in export columns (geometry kept for GeoJSON), in file order."""
    rows = []
    for row in initiatives.drop(columns="geometry").to_dict("records"):
        km = route_km.get(row["id"])
        rows.append(
            {
                "source": SOURCE_REPORT,
                "id": row["id"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "category": row["category"],
                "category_label": t(f"category.{row['category']}", lang),
                "counties": ",".join(row["counties"]),
                "county_names": _where(row["counties"], county_names, lang),
                "precision": row["precision"],
                "commitment": row["commitment"],
                "commitment_verb": row.get("commitment_verb") or None,
                "section": row["section"],
                "quantities": _quantities(row.get("quantities") or ()) or None,
                "route_kind": row.get("route_kind"),
                "route_status": row.get("route_status"),
                "route_km": round(sum(km.values()), 1) if km else None,
                "source_start": int(row["source_start"]),
                "source_end": int(row["source_end"]),
                "source_text": row.get("source_text") or None,
                "location_source": row.get("location_source") or None,
                "location_note": row.get("location_note"),
                "note": row.get("note"),
            }
        )
    geometry = list(initiatives.geometry)
    points = [g if g is not None and g.geom_type == "Point" else None for g in geometry]
    columns = [c for c in REPORT_COLUMNS if c not in ("lon", "lat")]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry=geometry, crs="EPSG:4326"
    )
    frame["lon"] = [round(p.x, 6) if p is not None else None for p in points]
    frame["lat"] = [round(p.y, 6) if p is not None else None for p in points]
    return frame[[*REPORT_COLUMNS, "geometry"]]


def project_rows(
    projects: pd.DataFrame, county_names: Mapping[str, str], lang: str
) -> gpd.GeoDataFrame:
    """The planner's own projects in the explorer's export columns (their figures as user_*)."""
    rows = []
    geometry = []
    for row in projects.to_dict("records"):
        adcodes = split_counties(row.get("counties"))
        category = row.get("category")
        rows.append(
            {
                "source": SOURCE_MINE,
                "id": row["project_id"],
                "name_zh": row.get("name_zh"),
                "name_en": row.get("name_en"),
                "category": category,
                "category_label": t(f"category.{category}", lang) if category else None,
                "counties": ",".join(adcodes),
                "county_names": _where(adcodes, county_names, lang),
                "precision": row.get("precision"),
                "lon": row.get("lon"),
                "lat": row.get("lat"),
                "location_source": row.get("location_source"),
                "town": row.get("town"),
                **{f"user_{name}": row.get(name) for name in ANNOTATION_FIELDS},
            }
        )
        lon, lat = row.get("lon"), row.get("lat")
        geometry.append(shapely.Point(lon, lat) if pd.notna(lon) and pd.notna(lat) else None)
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=MINE_COLUMNS), geometry=geometry, crs="EPSG:4326"
    )
    return frame


def combined_rows(
    report: gpd.GeoDataFrame,
    projects: gpd.GeoDataFrame | None,
    annotations: pd.DataFrame | None,
) -> gpd.GeoDataFrame:
    """Report rows only, or (with the planner's data) report rows with their user_* figures
    followed by the planner's projects."""
    if projects is None:
        return report
    merged = merge_annotations(pd.DataFrame(report), annotations, on="id")
    merged["town"] = None
    report_part = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
    parts = [report_part[[*MINE_COLUMNS, "geometry"]]]
    if len(projects):
        parts.append(projects[[*MINE_COLUMNS, "geometry"]])
    frame = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def export_frame(rows: gpd.GeoDataFrame, mine: bool) -> pd.DataFrame:
    """The table for CSV/XLSX: the export columns, no geometry."""
    return pd.DataFrame(rows[list(export_column_names(mine))])


def row_keys(rows: pd.DataFrame) -> list[str]:
    """What each row opens when picked: "report:<id>" or "my_data:<project id>"."""
    return [
        f"{source}:{item_id}" for source, item_id in zip(rows["source"], rows["id"], strict=True)
    ]


def table_key(prefix: str, keys: Sequence[str], *parts: str) -> str:
    """A widget key that changes whenever the listed rows change (so a stale pick is never read)."""
    digest = hashlib.sha1("\n".join(keys).encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
    return "_".join([prefix, *parts, digest])


def display_table(rows: pd.DataFrame, lang: str, *, mine: bool) -> pd.DataFrame:
    """The on-screen table: names and labels in ``lang``; the row key in a hidden column."""
    columns = {c.name: c for c in explorer_columns(True)}

    def label(name: str) -> str:
        return header(columns[name], lang)

    shown: dict[str, object] = {KEY_COLUMN: row_keys(rows)}
    shown[t("list.name", lang)] = [
        name_of({"name_zh": zh, "name_en": en}, lang)
        for zh, en in zip(rows["name_zh"], rows["name_en"], strict=True)
    ]
    if mine:
        shown[label("source")] = [t(f"explorer.source.{s}", lang) for s in rows["source"]]
    shown[t("list.category", lang)] = rows["category_label"].to_numpy()
    shown[t("item.counties", lang)] = rows["county_names"].to_numpy()
    shown[t("list.precision", lang)] = [
        t(f"precision.{p}", lang) if isinstance(p, str) and p else None for p in rows["precision"]
    ]
    shown[t("list.commitment", lang)] = [
        t(f"commitment.{c}", lang) if isinstance(c, str) and c else None for c in rows["commitment"]
    ]
    shown[t("item.section", lang)] = [
        t(f"section.{s}", lang) if isinstance(s, str) and s else None for s in rows["section"]
    ]
    shown[t("item.quantities", lang)] = rows["quantities"].to_numpy()
    shown[label("route_km")] = pd.to_numeric(rows["route_km"], errors="coerce").to_numpy()
    shown[label("id")] = rows["id"].astype(str).to_numpy()
    if mine:
        shown[label("user_status")] = [
            t(f"data.status.{s}", lang) if isinstance(s, str) and s else None
            for s in rows["user_status"]
        ]
        shown[label("user_investment_yi")] = pd.to_numeric(
            rows["user_investment_yi"].map(lambda v: None if v is None else float(v)),
            errors="coerce",
        ).to_numpy()
        shown[label("user_responsible_unit")] = rows["user_responsible_unit"].to_numpy()
    return pd.DataFrame(shown)


def column_config(lang: str, county_names: Iterable[str] = ()) -> dict[str, object]:
    """st.dataframe column settings: the row key hidden, the name wide, the counties column
    wide enough for the longest of ``county_names``, km with one decimal."""
    columns = {c.name: c for c in explorer_columns(True)}
    km = header(columns["route_km"], lang)
    counties_header = header(columns["county_names"], lang)
    counties = fit_width([counties_header, *county_names])
    return {
        KEY_COLUMN: None,
        t("list.name", lang): st.column_config.TextColumn(width="large"),
        counties_header: st.column_config.TextColumn(width=counties),
        km: st.column_config.NumberColumn(format="%.1f"),
    }


def project_details(row: Mapping, lang: str) -> pd.DataFrame:
    """A picked project of the planner's, as (field, value) rows of plain text."""
    columns = explorer_columns(True)
    wanted = ("id", "name_zh", "name_en", "category_label", "county_names", "town", "precision",
              "lon", "lat", "location_source", *USER_COLUMNS)  # fmt: skip
    by_name = {c.name: c for c in columns}
    rows = []
    for name in wanted:
        value = row.get(name)
        if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
            text = t("county.unknown", lang)
        else:
            text = str(value)
        rows.append(
            {
                t("explorer.field", lang): header(by_name[name], lang),
                t("explorer.value", lang): text,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- GIS files


def gis_layers(
    rows: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, mine: bool
) -> list[gis_export.Layer]:
    """The listed rows as GIS layers (the report's by geometry type, the planner's apart), with
    the 12 counties and the explorer's column dictionary."""
    columns = explorer_columns(mine)
    names = [*export_column_names(mine), "geometry"]
    titles = {
        name: (t(f"explorer.layer.{name}", "zh"), t(f"explorer.layer.{name}", "en"))
        for name in gis_export.LAYER_TITLES
    }
    layers = [gis_export.county_layer(counties)]
    for source, prefix in ((SOURCE_REPORT, "initiatives"), (SOURCE_MINE, "my_projects")):
        part = gpd.GeoDataFrame(
            rows.loc[rows["source"] == source, names], geometry="geometry", crs="EPSG:4326"
        )
        part.attrs["datum"] = WGS84  # the explorer's rows are built from WGS-84 data only
        if len(part):
            layers += gis_export.item_layers(part, columns, prefix=prefix, titles=titles)
    return layers


def gis_file(
    rows: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    mine: bool,
    fmt: str,
    crs: str,
    lang: str,
) -> gis_export.ExportFile:
    """One GIS export of the listed rows (KML falls back to WGS-84 for a projected choice)."""
    return gis_downloads.gis_file(gis_layers(rows, counties, mine), fmt, crs, lang)
