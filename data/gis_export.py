"""GIS files out: GeoPackage, zipped Shapefile, KML and zipped FlatGeobuf, in a chosen CRS.

Every file is written by GDAL through pyogrio (geopandas' engine); nothing here formats a GIS
file by hand. The inputs are layers (:class:`Layer`): WGS-84 frames tagged
``attrs["datum"] = "wgs84"``, or plain tables for items that have no geometry, each with its
column dictionary. :func:`export_bytes` reprojects a copy of each layer at the boundary and
writes one format:

- ``gpkg``: one file, one layer per input layer, plus the non-spatial ``columns`` layer (the
  column dictionary, with each layer's CRS on its ``geometry`` row).
- ``shp``: a zip with one Shapefile per spatial layer (``.dbf`` alone for a table), UTF-8 with a
  ``.cpg``; field names cut to the format's 10 characters, the mapping in ``columns.dbf``.
  A DBF text field holds 254 bytes: longer text is cut at a character boundary, ends in "…",
  and the dictionary says how many values were cut (the GeoPackage keeps them whole).
- ``kml``: one file, a folder per spatial layer, names and descriptions in the UI language and a
  style per category (a :class:`KmlLook` says which). Descriptions are HTML in Google Earth, so
  every value in them is escaped.
- ``fgb``: a zip with one FlatGeobuf per layer (tables too, with an empty geometry).

CRS choices: EPSG:4326 (WGS-84), EPSG:4490 (CGCS2000), EPSG:4546 (CGCS2000 / 3-degree
Gauss-Kruger CM 111E, metres; the zone that covers Shaoyang, 110-112.2 E) and GCJ-02, the
offset datum of Chinese web maps, which is *not* an EPSG system: its files carry no CRS, and
the dictionary and titles say GCJ-02. KML is longitude/latitude by definition: 4326 or GCJ-02.

CLI: ``python -m data.gis_export --format gpkg|shp|kml|fgb --crs 4326|4490|4546|gcj02 -o FILE``.
"""

from __future__ import annotations

import argparse
import html
import io
import math
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from data import fields
from data.export import spreadsheet_frame
from data.fields import Column
from geo.datum import WGS84, require_datum, to_gcj02

FORMATS = ("gpkg", "shp", "kml", "fgb")
GK_ZONE_EPSG = 4546  # CGCS2000 / 3-degree Gauss-Kruger CM 111E (zone 37 without the prefix)
DBF_TEXT_BYTES = 254
SHP_NAME_CHARS = 10
ELLIPSIS = "…"
# Google Earth's stock round marker; a viewer that cannot fetch it still applies the colour.
KML_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


@dataclass(frozen=True)
class CrsChoice:
    """A coordinate system a planner can ask for."""

    key: str
    epsg: int | None  # None: not an EPSG system (GCJ-02)
    label_zh: str
    label_en: str
    metres: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


CRS_CHOICES: dict[str, CrsChoice] = {
    "4326": CrsChoice("4326", 4326, "WGS-84 经纬度（EPSG:4326）", "WGS-84 lon/lat (EPSG:4326)"),
    "4490": CrsChoice("4490", 4490, "CGCS2000 经纬度（EPSG:4490）", "CGCS2000 lon/lat (EPSG:4490)"),
    str(GK_ZONE_EPSG): CrsChoice(
        str(GK_ZONE_EPSG),
        GK_ZONE_EPSG,
        "CGCS2000 3度带高斯-克吕格 中央经线111°E，米（EPSG:4546）",
        "CGCS2000 3-degree Gauss-Kruger CM 111E, metres (EPSG:4546)",
        metres=True,
    ),
    "gcj02": CrsChoice(
        "gcj02",
        None,
        "GCJ-02 火星坐标（不是 EPSG 坐标系，仅用于粘贴到国内网络地图；文件不含坐标系定义）",
        "GCJ-02 (not an EPSG system: only for pasting into Chinese web maps; "
        "the file carries no CRS)",
    ),
}
KML_CRS = ("4326", "gcj02")


@dataclass(frozen=True)
class Layer:
    """One layer of an export: a WGS-84 GeoDataFrame (or a table with no geometry)."""

    name: str  # ASCII: it becomes a file name in the Shapefile and FlatGeobuf zips
    frame: pd.DataFrame
    columns: tuple[Column, ...] = ()
    title_zh: str = ""
    title_en: str = ""

    @property
    def spatial(self) -> bool:
        return isinstance(self.frame, gpd.GeoDataFrame)

    def title(self, lang: str) -> str:
        return (self.title_en if lang == "en" else self.title_zh) or self.name


@dataclass(frozen=True)
class KmlLook:
    """How KML placemarks are named, described and styled, in one UI language."""

    lang: str = "zh"
    category_labels: Mapping[str, str] = field(default_factory=dict)
    category_colours: Mapping[str, str] = field(default_factory=dict)  # "#rrggbb"
    route_colours: Mapping[str, str] = field(default_factory=dict)  # by route_kind
    point_colour: str = "#444444"
    line_colour: str = "#444444"
    polygon_colour: str = "#4d4d4d"
    mine_colour: str = "#ffd23f"
    document_title: str = ""


@dataclass(frozen=True)
class ExportFile:
    """An export ready to save: bytes, a file name suffix and a MIME type."""

    content: bytes
    suffix: str
    mime: str


MIME = {
    "gpkg": ("application/geopackage+sqlite3", ".gpkg"),
    "shp": ("application/zip", "_shp.zip"),
    "kml": ("application/vnd.google-earth.kml+xml", ".kml"),
    "fgb": ("application/zip", "_fgb.zip"),
}


# --------------------------------------------------------------------------- dictionaries

COUNTY_COLUMNS: tuple[Column, ...] = (
    Column("adcode", "行政区划代码", "adcode", "6位字符串", "6-digit string"),
    Column("name_zh", "县市区", "county (Chinese)"),
    Column("name_en", "英文名称", "county (English)"),
    Column("type", "类型", "type", "区 / 县 / 县级市", "district / county / county-level city"),
    Column(
        "region_group",
        "区域",
        "region group",
        "east_town_cluster 东部城镇群 / west_eco_circle 西部生态圈",
        "east_town_cluster / west_eco_circle",
    ),
)

# The columns of data/initiatives.geojson as the CLI exports them (lists joined with commas).
INITIATIVE_COLUMNS: tuple[Column, ...] = fields.dictionary(fields.REPORT)


def _geometry_column(crs: CrsChoice) -> Column:
    unit = "m" if crs.metres else "°"
    return Column(
        "geometry", "几何（坐标系）", "geometry (CRS)", crs.label_zh, crs.label_en, unit=unit
    )


# --------------------------------------------------------------------------- layers


def _plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Attributes only, every cell a scalar GDAL can store (lists joined, dates ISO)."""
    return spreadsheet_frame(frame, neutralise_cells=False)


def _kind(geom) -> str:
    if geom is None or geom.is_empty:
        return "none"
    kind = geom.geom_type
    if kind in ("Point", "MultiPoint"):
        return "points"
    if kind in ("LineString", "MultiLineString"):
        return "lines"
    if kind in ("Polygon", "MultiPolygon"):
        return "polygons"
    return "other"


def item_layers(
    frame: gpd.GeoDataFrame,
    columns: Sequence[Column],
    *,
    prefix: str = "initiatives",
    titles: Mapping[str, tuple[str, str]] | None = None,
) -> list[Layer]:
    """The items of `frame` split by geometry type: ``{prefix}_points``, ``routes`` (the report's
    lines) or ``{prefix}_lines``, ``{prefix}_polygons`` and ``{prefix}_unlocated`` (a table of
    the items with no geometry, so nothing is dropped). Empty groups give no layer."""
    require_datum(frame, WGS84)
    titles = titles or {}
    kinds = [_kind(g) for g in frame.geometry]
    layers = []
    for kind in ("points", "lines", "polygons", "other", "none"):
        mask = [k == kind for k in kinds]
        if not any(mask):
            continue
        part = frame[mask]
        name = "routes" if (kind == "lines" and prefix == "initiatives") else f"{prefix}_{kind}"
        if kind == "none":
            name = f"{prefix}_unlocated"
            table = pd.DataFrame(part.drop(columns=part.geometry.name))
        else:
            table = part
        zh, en = titles.get(name, (name, name))
        layers.append(Layer(name, table, tuple(columns), zh, en))
    return layers


def county_layer(counties: gpd.GeoDataFrame) -> Layer:
    """The 12 county polygons (full detail, WGS-84)."""
    require_datum(counties, WGS84)
    keep = [c.name for c in COUNTY_COLUMNS if c.name in counties.columns]
    frame = counties[[*keep, counties.geometry.name]]
    frame.attrs["datum"] = WGS84
    return Layer("counties", frame, COUNTY_COLUMNS, "县市区", "Counties")


def report_table(initiatives: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """data/initiatives.geojson as read by geopandas, in INITIATIVE_COLUMNS order, with the
    quantities as the printed text (the export's flat form)."""
    frame = initiatives.copy()
    if "quantities" in frame.columns:
        frame["quantities"] = [
            "；".join(
                str(q.get("text", "")) for q in (value if isinstance(value, list | tuple) else [])
            )
            or None
            for value in frame["quantities"]
        ]
    names = [c.name for c in INITIATIVE_COLUMNS if c.name in frame.columns]
    out = gpd.GeoDataFrame(frame[names], geometry=frame.geometry, crs="EPSG:4326")
    out.attrs["datum"] = initiatives.attrs.get("datum", WGS84)
    return out


# --------------------------------------------------------------------------- reprojection


def crs_choice(key: str | int) -> CrsChoice:
    """The choice for '4326', '4490', '4546' or 'gcj02' (ValueError for anything else)."""
    choice = CRS_CHOICES.get(str(key).strip().lower().removeprefix("epsg:"))
    if choice is None:
        raise ValueError(
            f"unknown CRS {key!r}: choose one of {', '.join(CRS_CHOICES)} "
            "(4546 = CGCS2000 3-degree Gauss-Kruger CM 111E, the zone covering Shaoyang)"
        )
    return choice


def reproject(frame: gpd.GeoDataFrame, crs: CrsChoice) -> gpd.GeoDataFrame:
    """A copy of a WGS-84 frame in `crs`; GCJ-02 frames carry no CRS and attrs datum gcj02."""
    require_datum(frame, WGS84)
    if crs.epsg is None:
        out = to_gcj02(frame.to_crs("EPSG:4326"))
        return out.set_crs(None, allow_override=True)
    out = frame.to_crs(f"EPSG:{crs.epsg}")
    out.attrs["datum"] = WGS84
    return out


# --------------------------------------------------------------------------- shapefile helpers


# Shapefile names of the columns longer than ten characters: the vocabulary's fields, then the
# explorer's derived columns and the dictionary's own.
_SHORT_NAMES = {
    **fields.dbf_names(),
    "category_label": "cat_label",
    "county_names": "cnty_names",
    "region_group": "region_grp",
    "user_status": "u_status",
    "user_investment_yi": "u_invest",
    "user_start_date": "u_start",
    "user_end_date": "u_end",
    "user_responsible_unit": "u_resp_unt",
    "user_note": "u_note",
    # the dictionary's own columns (columns.dbf)
    "description_zh": "descr_zh",
    "description_en": "descr_en",
}


def short_field_names(names: Sequence[str]) -> dict[str, str]:
    """{name: a distinct field name of at most 10 characters} (short names kept as they are)."""
    out: dict[str, str] = {}
    taken = {n.lower() for n in names if len(n) <= SHP_NAME_CHARS}
    for name in names:
        if len(name) <= SHP_NAME_CHARS:
            out[name] = name
            continue
        candidate = _SHORT_NAMES.get(name, name[:SHP_NAME_CHARS])
        number = 1
        while candidate.lower() in taken:
            candidate = f"{name[: SHP_NAME_CHARS - 2]}{number:02d}"
            number += 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def fit_bytes(text: str, limit: int = DBF_TEXT_BYTES) -> str:
    """`text` cut at a character boundary so that it (with a closing "…") fits `limit` bytes."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return cut + ELLIPSIS


# --------------------------------------------------------------------------- writing


def _dictionary(
    layers: Sequence[Layer],
    crs: CrsChoice,
    short: Mapping[str, Mapping[str, str]] | None = None,
    cut: Mapping[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    rows = []
    for layer in layers:
        known = {c.name: c for c in layer.columns}
        names = [str(c) for c in layer.frame.columns if str(c) != _geometry_name(layer)]
        entries = [known.get(n, Column(n, n, n)) for n in names]
        if layer.spatial:
            entries.append(_geometry_column(crs))
        for col in entries:
            row = {
                "layer": layer.name,
                "column": col.name,
                "label_zh": col.label_zh,
                "label_en": col.label_en,
                "description_zh": col.description_zh,
                "description_en": col.description_en,
                "unit": col.unit,
            }
            if short is not None:
                row["shp_field"] = short.get(layer.name, {}).get(col.name, col.name)
                n = (cut or {}).get((layer.name, col.name), 0)
                row["note"] = (
                    f"{n} values longer than {DBF_TEXT_BYTES} bytes cut in the Shapefile "
                    "(whole in the GeoPackage)"
                    if n
                    else ""
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _geometry_name(layer: Layer) -> str | None:
    return layer.frame.geometry.name if layer.spatial else None


def _attributes(layer: Layer) -> pd.DataFrame:
    geometry = _geometry_name(layer)
    table = layer.frame.drop(columns=geometry) if geometry else layer.frame
    return _plain_table(pd.DataFrame(table))


def _prepared(layer: Layer, crs: CrsChoice) -> pd.DataFrame:
    """The layer's attributes as plain values, with its geometry reprojected (if it has one)."""
    attributes = _attributes(layer)
    if not layer.spatial:
        return attributes
    moved = reproject(layer.frame, crs)
    return gpd.GeoDataFrame(
        attributes, geometry=moved.geometry.to_numpy(), crs=moved.crs
    ).set_geometry("geometry")


def _write_gpkg(layers: Sequence[Layer], crs: CrsChoice, folder: Path) -> Path:
    path = folder / "export.gpkg"
    metadata = {"crs": crs.label_en, "crs_zh": crs.label_zh, "epsg": str(crs.epsg or "none")}
    for index, layer in enumerate(layers):
        pyogrio.write_dataframe(
            _prepared(layer, crs),
            path,
            layer=layer.name,
            driver="GPKG",
            promote_to_multi=layer.name == "counties",
            layer_options={"DESCRIPTION": f"{layer.title_zh} / {layer.title_en}; {crs.label_en}"},
            dataset_metadata=metadata if index == 0 else None,
            append=index > 0,
        )
    pyogrio.write_dataframe(
        _dictionary(layers, crs), path, layer="columns", driver="GPKG", append=True
    )
    return path


def _write_shp(layers: Sequence[Layer], crs: CrsChoice, folder: Path) -> None:
    short: dict[str, dict[str, str]] = {}
    cut: dict[tuple[str, str], int] = {}
    for layer in layers:
        frame = _prepared(layer, crs)
        names = [str(c) for c in frame.columns if c != "geometry"]
        mapping = short_field_names(names)
        short[layer.name] = mapping
        for name in names:
            values = frame[name]
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                fitted = [fit_bytes(v) if isinstance(v, str) else v for v in values]
                n = sum(a != b for a, b in zip(values, fitted, strict=True) if isinstance(a, str))
                if n:
                    cut[(layer.name, name)] = n
                frame[name] = pd.Series(fitted, index=frame.index, dtype=object)
        frame = frame.rename(columns=mapping)
        suffix = ".shp" if layer.spatial else ".dbf"
        pyogrio.write_dataframe(
            frame,
            folder / f"{layer.name}{suffix}",
            driver="ESRI Shapefile",
            encoding="UTF-8",
            promote_to_multi=layer.name == "counties",
        )
    dictionary = _dictionary(layers, crs, short, cut)
    dictionary = dictionary.rename(columns=short_field_names(list(dictionary.columns)))
    dictionary = dictionary.map(lambda v: fit_bytes(v) if isinstance(v, str) else v)
    pyogrio.write_dataframe(
        dictionary, folder / "columns.dbf", driver="ESRI Shapefile", encoding="UTF-8"
    )


def _write_fgb(layers: Sequence[Layer], crs: CrsChoice, folder: Path) -> None:
    for layer in layers:
        pyogrio.write_dataframe(
            _prepared(layer, crs),
            folder / f"{layer.name}.fgb",
            driver="FlatGeobuf",
            promote_to_multi=layer.name == "counties",
            # A table has no geometry, and FlatGeobuf's spatial index needs one on every row.
            layer_options=None if layer.spatial else {"SPATIAL_INDEX": "NO"},
        )
    pyogrio.write_dataframe(
        _dictionary(layers, crs),
        folder / "columns.fgb",
        driver="FlatGeobuf",
        layer_options={"SPATIAL_INDEX": "NO"},
    )


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _kml_name(row: Mapping, lang: str) -> str:
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    return _text(row.get(first)) or _text(row.get(second)) or _text(row.get("id"))


def _kml_style(layer: Layer, row: Mapping, kind: str, look: KmlLook) -> str:
    mine = layer.name.startswith("my_projects")
    if kind == "polygons":
        return f"PEN(c:{look.polygon_colour},w:2px);BRUSH(fc:#FFFFFF22)"
    if kind == "lines":
        colour = look.route_colours.get(_text(row.get("route_kind")), look.line_colour)
        return f"PEN(c:{colour},w:3px)"
    colour = (
        look.mine_colour
        if mine
        else look.category_colours.get(_text(row.get("category")), look.point_colour)
    )
    # An id is required: GDAL's KML writers crash on a SYMBOL without one.
    return f'SYMBOL(id:"{KML_ICON}",c:{colour})'


def _kml_description(layer: Layer, row: Mapping, look: KmlLook) -> str:
    """The placemark's balloon: "label: value" lines, every value HTML-escaped."""
    known = {c.name: c for c in layer.columns}
    skip = {"name_zh", "name_en"} - ({"name_en"} if look.lang == "zh" else {"name_zh"})
    lines = []
    for name, value in row.items():
        if name in skip or name == "geometry":
            continue
        text = _text(value)
        if not text:
            continue
        if name == "category" and text in look.category_labels:
            text = f"{look.category_labels[text]} ({text})"
        column = known.get(name, Column(name, name, name))
        label = column.label_en if look.lang == "en" else column.label_zh
        unit = f" {column.unit}" if column.unit and column.unit not in ("°",) else ""
        lines.append(f"<b>{html.escape(label)}</b>: {html.escape(text)}{html.escape(unit)}")
    return "<br/>".join(lines)


def _write_kml(layers: Sequence[Layer], crs: CrsChoice, folder: Path, look: KmlLook) -> Path:
    path = folder / "export.kml"
    title = look.document_title or "Shaoyang"
    written = 0
    for layer in layers:
        if not layer.spatial:
            continue
        moved = reproject(layer.frame, crs)
        attributes = _attributes(layer)
        rows = attributes.to_dict("records")
        kinds = [_kind(g) for g in moved.geometry]
        keep = [c for c in ("id", "adcode", "category", "precision", "counties") if c in attributes]
        table = attributes[keep].copy()
        table.insert(0, "description", [_kml_description(layer, r, look) for r in rows])
        table.insert(0, "name", [_kml_name(r, look.lang) for r in rows])
        table["OGR_STYLE"] = [
            _kml_style(layer, r, k, look) for r, k in zip(rows, kinds, strict=True)
        ]
        frame = gpd.GeoDataFrame(table, geometry=moved.geometry.to_numpy(), crs=moved.crs)
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer.name,
            driver="LIBKML",
            append=written > 0,
            layer_options={"NAME": layer.title(look.lang)},
            dataset_options=(
                {"NAME": f"{title} · {crs.label(look.lang)}"} if written == 0 else None
            ),
        )
        written += 1
    if not written:
        raise ValueError("nothing to put in a KML: no layer has a geometry")
    return path


def export_bytes(
    layers: Sequence[Layer],
    fmt: str,
    crs: str | CrsChoice = "4326",
    *,
    look: KmlLook | None = None,
) -> ExportFile:
    """The layers written as one file (GeoPackage, KML) or one zip (Shapefile, FlatGeobuf).

    Raises ValueError, before writing anything, for an unknown format or CRS, or a KML in a CRS
    that is not longitude/latitude.
    """
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    choice = crs if isinstance(crs, CrsChoice) else crs_choice(crs)
    if fmt == "kml" and choice.key not in KML_CRS:
        raise ValueError(
            "KML is longitude/latitude on WGS-84 by definition: choose 4326 "
            f"(or gcj02 for Chinese web maps), not {choice.label_en}"
        )
    layers = [layer for layer in layers if len(layer.frame)]
    if not layers:
        raise ValueError("nothing to export: every layer is empty")
    mime, suffix = MIME[fmt]
    with tempfile.TemporaryDirectory(prefix="shaoyang-gis-") as tmp:
        folder = Path(tmp)
        if fmt == "gpkg":
            return ExportFile(_write_gpkg(layers, choice, folder).read_bytes(), suffix, mime)
        if fmt == "kml":
            path = _write_kml(layers, choice, folder, look or KmlLook())
            return ExportFile(path.read_bytes(), suffix, mime)
        (_write_shp if fmt == "shp" else _write_fgb)(layers, choice, folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.iterdir()):
                archive.write(file, file.name)
        return ExportFile(buffer.getvalue(), suffix, mime)


# --------------------------------------------------------------------------- the CLI


def plain_look(lang: str) -> KmlLook:
    """The CLI's KML look: names in `lang`, category names from the field vocabulary."""
    labels = {c.code: c.en if lang == "en" else c.zh for c in fields.CATEGORY_CODES}
    title = "邵阳市2024年政府工作报告项目" if lang == "zh" else "Shaoyang 2024 report initiatives"
    return KmlLook(lang=lang, category_labels=labels, document_title=title)


def cli_layers(*, with_projects: bool = True, open_store: Callable | None = None) -> list[Layer]:
    """Everything the CLI exports: counties, the report's initiatives, the planner's projects."""
    from data.export import USER_DATA_COLUMNS
    from data.loaders import read_initiatives
    from geo.counties import load_counties

    initiatives = read_initiatives()
    layers = [county_layer(load_counties())]
    layers += item_layers(report_table(initiatives), INITIATIVE_COLUMNS, titles=LAYER_TITLES)
    if with_projects:
        from data import store

        # No store yet (no DATABASE_URL, no SQLite file): nothing to add, and none is created.
        if open_store is None and not (
            os.environ.get("DATABASE_URL") or (store.data_dir() / "store.sqlite3").exists()
        ):
            return layers
        projects = store.projects_geoframe((open_store or store.open_store)().projects_frame())
        if len(projects):
            projects = projects.rename(columns={"project_id": "id"})
            columns = (
                replace(fields.FIELD_BY_KEY["project_id"].code_column(), name="id"),
                *USER_DATA_COLUMNS,
            )
            layers += item_layers(projects, columns, prefix="my_projects", titles=LAYER_TITLES)
    return layers


LAYER_TITLES: dict[str, tuple[str, str]] = {
    "initiatives_points": ("报告项目（点）", "Report initiatives (points)"),
    "routes": ("线路", "Routes"),
    "initiatives_polygons": ("报告项目（面）", "Report initiatives (areas)"),
    "initiatives_unlocated": (
        "报告项目（县级或全市，无几何）",
        "Report initiatives (county-level or city-wide, no geometry)",
    ),
    "my_projects_points": ("我的项目", "My projects"),
    "my_projects_unlocated": ("我的项目（无坐标）", "My projects (no coordinates)"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.gis_export",
        description="Write the counties, the report's initiatives, routes and your projects as "
        "a GIS file.",
    )
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument(
        "--crs",
        default="4326",
        help="4326 (WGS-84), 4490 (CGCS2000), 4546 (CGCS2000 3-degree Gauss-Kruger CM 111E, "
        "metres) or gcj02 (not an EPSG system); default 4326",
    )
    parser.add_argument("-o", "--output", required=True, type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="KML names")
    parser.add_argument(
        "--without-projects", action="store_true", help="leave the planner's projects out"
    )
    args = parser.parse_args(argv)
    try:
        choice = crs_choice(args.crs)
        if args.format == "kml" and choice.key not in KML_CRS:
            raise ValueError("KML is longitude/latitude: use --crs 4326 or --crs gcj02")
        layers = cli_layers(with_projects=not args.without_projects)
        result = export_bytes(layers, args.format, choice, look=plain_look(args.lang))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.output.write_bytes(result.content)
    counts = ", ".join(f"{layer.name} {len(layer.frame)}" for layer in layers)
    print(f"wrote {args.output} ({args.format}, {choice.label_en}): {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
