"""Plain data for the map page, derived from the (filtered) initiatives frame. Pure.

The app reads files through components.cache, filters with components.state.view_state, and hands the
results of these functions to the map builder and the cards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from analysis.choropleth import (
    ROUTE_KM_KINDS,
    classify,
    county_counts,
    measure_values,
    route_km_sum,
)
from components.i18n import name_of, t
from components.map import symbols
from components.map.builder import (
    CLUSTER_MIN_POINTS,
    PLACED_TIP_NAMES,
    Choropleth,
    CountyLabel,
    PlacedSymbol,
    cluster_label_text,
    county_labels,
)
from components.map.builder import _e as _e
from components.map.builder import county_slots as map_county_slots
from components.map.events import token
from components.state.view_state import Selection, ViewState, query_params_of
from data.schema import PRECISIONS
from geo.placement import ZOOMS, CountySlots

CLUSTER = "industry_cluster"
ENTERPRISE = "enterprise"
DECIMALS = {"count": 0, "per_100k": 2, "per_1000km2": 2, "route_km": 1, "investment": 2}


def points_of(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[frame["geom_kind"] == "point"]


def lines_of(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[frame["geom_kind"] == "line"]


def unmapped_of(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Items with no geometry: county-level and city-wide ones."""
    return frame[frame["geom_kind"] == "none"]


def measure_label(measure: str, categories: Sequence[str], lang: str) -> str:
    label = t(f"measure.{measure}", lang)
    if measure != "route_km" and len(categories) == 1:
        label += t("measure.of_category", lang, cat=t(f"category.{categories[0]}", lang))
    return label


def choropleth(
    measure: str,
    filtered: gpd.GeoDataFrame,
    *,
    adcodes: Sequence[str],
    route_km: Mapping[str, Mapping[str, float]],
    population: Mapping[str, float | None],
    area_km2: Mapping[str, float | None],
    categories: Sequence[str],
    lang: str,
    investment: Mapping[str, float] | None = None,
) -> Choropleth:
    """The chosen measure over the filtered initiatives, classed with Fisher-Jenks."""
    counts = county_counts(filtered["counties"], adcodes)
    routes = lines_of(filtered)
    built = routes[routes["route_kind"].isin(ROUTE_KM_KINDS)]["id"]
    values = measure_values(
        measure,
        counts,
        population=population,
        area_km2=area_km2,
        route_km=route_km_sum(route_km, built, adcodes),
        investment=investment,
    )
    return Choropleth(
        values=values,
        classes=classify(values),
        label=measure_label(measure, categories, lang),
        unit=t(f"unit.{measure}", lang),
        decimals=DECIMALS[measure],
        unit_in_title=measure in ("count", "route_km", "investment"),
    )


def clusters_by_county(filtered: gpd.GeoDataFrame, lang: str) -> dict[str, list[str]]:
    """{adcode: names of the industry clusters the report places in that county}.

    Clusters drawn as lines (the 沪昆 corridor) are shown as routes, not as county highlights.
    """
    result: dict[str, list[str]] = {}
    placed = filtered[(filtered["category"] == CLUSTER) & (filtered["geom_kind"] != "line")]
    # Column by column, not a record per row: with many clusters this runs on every rerun.
    for name_zh, name_en, touched in zip(
        placed["name_zh"].tolist(), placed["name_en"].tolist(), placed["counties"].tolist(),
        strict=True,
    ):  # fmt: skip
        name = name_of({"name_zh": name_zh, "name_en": name_en}, lang)
        for adcode in touched:
            result.setdefault(adcode, []).append(name)
    return result


def anchors_by_cluster(frame: gpd.GeoDataFrame) -> dict[str, list[dict]]:
    """{cluster id: the enterprise rows that name it in ``cluster``} over the whole dataset."""
    result: dict[str, list[dict]] = {}
    enterprises = frame[frame["cluster"].notna()]
    for row in enterprises[["id", "name_zh", "name_en", "cluster"]].to_dict("records"):
        result.setdefault(str(row["cluster"]), []).append(row)
    return result


@dataclass(frozen=True)
class SelectionTarget:
    """What the map highlights for the selection (and whether it exists at all)."""

    found: bool
    counties: tuple[str, ...] = ()
    geometry: shapely.Geometry | None = None


def selection_target(
    selection: Selection | None, frame: gpd.GeoDataFrame, adcodes: Sequence[str]
) -> SelectionTarget:
    if selection is None:
        return SelectionTarget(found=False)
    if selection.kind == "county":
        return SelectionTarget(found=selection.id in adcodes, counties=(selection.id,))
    if selection.id not in frame.index:
        return SelectionTarget(found=False)
    row = frame.loc[selection.id]
    geometry = row.geometry if row["geom_kind"] != "none" else None
    # A county-level item is shown by outlining its counties.
    counties = tuple(row["counties"]) if geometry is None else ()
    return SelectionTarget(found=True, counties=counties, geometry=geometry)


@dataclass(frozen=True)
class CountyPanelData:
    """What a county's panel lists: all its initiatives (those the search and filters keep
    first, their ids in ``matching``), and all its clusters and routes."""

    adcode: str
    items: gpd.GeoDataFrame
    clusters: list[dict]
    anchors: dict[str, list[dict]]
    routes: list[tuple[dict, float | None]]  # (route, km inside the county; None = not reached)
    matching: frozenset[str] = frozenset()  # ids of ``items`` that pass the search and filters


def county_panel_data(
    adcode: str,
    filtered: gpd.GeoDataFrame,
    initiatives: gpd.GeoDataFrame,
    route_km: Mapping[str, Mapping[str, float]],
) -> CountyPanelData:
    """Every initiative touching ``adcode``, those in ``filtered`` first (a search or filter
    marks items, it does not hide the rest of the county); its clusters and routes."""
    in_county = initiatives["counties"].map(lambda codes: adcode in codes)
    touching = initiatives[in_county]
    matching = frozenset(touching.index.intersection(filtered.index))
    order = touching.assign(_miss=~touching.index.isin(list(matching)))
    touching = touching.loc[order.sort_values(["_miss", "category", "id"]).index]
    clusters = initiatives[(initiatives["category"] == CLUSTER) & in_county]
    lines = lines_of(initiatives)
    routes = [
        (row, route_km.get(row["id"], {}).get(adcode))
        for row in lines[["id", "name_zh", "name_en", "route_kind", "counties"]].to_dict("records")
        if adcode in row["counties"] or adcode in route_km.get(row["id"], {})
    ]
    return CountyPanelData(
        adcode=adcode,
        items=touching,
        clusters=clusters[["id", "name_zh", "name_en"]].to_dict("records"),
        anchors=anchors_by_cluster(initiatives),
        routes=routes,
        matching=matching,
    )


@dataclass(frozen=True)
class InitiativePanelData:
    """One initiative's record, with the cluster it anchors and, for a cluster, its anchors."""

    row: dict
    cluster_name: str | None
    anchors: list[dict]


def initiative_panel_data(
    item_id: str, initiatives: gpd.GeoDataFrame, lang: str
) -> InitiativePanelData:
    row = initiatives.loc[item_id].to_dict()
    cluster_name = None
    if row.get("cluster") and row["cluster"] in initiatives.index:
        cluster_name = name_of(initiatives.loc[row["cluster"]].to_dict(), lang)
    return InitiativePanelData(row, cluster_name, anchors_by_cluster(initiatives).get(item_id, []))


def unmapped_table(
    unmapped: gpd.GeoDataFrame, county_names: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """One row per item without geometry: what it is, where (its counties or city-wide)."""
    rows = []
    for row in unmapped[
        ["id", "name_zh", "name_en", "category", "counties", "commitment", "precision"]
    ].to_dict("records"):
        where = t("list.sep", lang).join(county_names.get(c, c) for c in row["counties"]) or t(
            "item.citywide", lang
        )
        rows.append(
            {
                "id": row["id"],
                t("list.name", lang): name_of(row, lang),
                t("list.category", lang): t(f"category.{row['category']}", lang),
                t("list.where", lang): where,
                t("list.commitment", lang): t(f"commitment.{row['commitment']}", lang),
                t("list.precision", lang): t(f"precision.{row['precision']}", lang),
            }
        )
    columns = ["id"] + [
        t(key, lang)
        for key in ("list.name", "list.category", "list.where", "list.commitment", "list.precision")
    ]
    return pd.DataFrame(rows, columns=columns)


def overlay_stamp(state: ViewState, version: str) -> str:
    """A short hash of everything the overlays depend on."""
    key = repr((version, sorted(query_params_of(state).items())))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# County-placed symbols: initiatives with counties but no sourced site


def placed_items(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The initiatives drawn inside their counties: a county, but no geometry of their own."""
    return frame[(frame["geom_kind"] == "none") & (frame["counties"].map(len) > 0)]


def citywide_items(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The initiatives tied to no county (listed beside the map, counted in no county)."""
    return frame[(frame["geom_kind"] == "none") & (frame["counties"].map(len) == 0)]


def precision_counts(frame: gpd.GeoDataFrame) -> dict[str, int]:
    """How many initiatives fall in each precision class, every class present (0 if none)."""
    counts = frame["precision"].value_counts()
    return {p: int(counts.get(p, 0)) for p in PRECISIONS}


@dataclass(frozen=True)
class Placement:
    """Where county-level initiatives go: slot layouts inside the counties, and the county
    names beside which a county's total is shown when zoomed out."""

    slots: CountySlots
    labels: Mapping[str, CountyLabel]


def county_placement(frame: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, lang: str) -> Placement:
    """The placement for the whole dataset ``frame`` in ``lang`` (the county names, cluster
    lines and sited points to keep clear of); build once per dataset and language."""
    points = points_of(frame)
    sited = (
        []
        if len(points) > CLUSTER_MIN_POINTS
        else list(zip(points.geometry.x, points.geometry.y, strict=True))
    )
    texts = {a: cluster_label_text(n, lang) for a, n in clusters_by_county(frame, lang).items()}
    return Placement(map_county_slots(counties, lang, sited, texts), county_labels(counties, lang))


def prepare_layouts(placement: Placement, frame: gpd.GeoDataFrame) -> int:
    """Lay out now every slot set a filtered view of ``frame`` can ask for; how many were made.

    A filter only removes items, so a view needs, in each county, at most as many item slots as
    the whole dataset places there (and never more category slots than item slots). Done once per
    dataset and language (~0.5 s for the report's 64 county-level items), it spares a filter
    change the layouts it would otherwise compute (~5 ms each, several per change)."""
    slots = placement.slots
    most: dict[str, int] = {}
    for touched in placed_items(frame)["counties"]:
        for adcode in touched:
            if adcode in slots.polygons:
                most[adcode] = most.get(adcode, 0) + 1
    for adcode, count in most.items():
        for n in range(1, count + 1):
            slots.layout(adcode, n)
    return sum(most.values())


def _placed_tip(row: Mapping, county_names: Mapping[str, str], lang: str) -> str:
    parts = [
        f"<b>{_e(name_of(row, lang))}</b>",
        _e(f"{t('category.' + str(row['category']), lang)} · {t('placed.where', lang)}"),
    ]
    if len(row["counties"]) > 1:
        names = t("list.sep", lang).join(county_names.get(a, a) for a in row["counties"])
        parts.append(_e(t("placed.also", lang, n=len(row["counties"]), names=names)))
    parts.append(f'<span class="sy-muted">{_e(t("tooltip.click_item", lang))}</span>')
    return "<br>".join(parts) + f"<span hidden>{_e(token('initiative', str(row['id'])))}</span>"


def _group_tip(adcode: str, rows: list[dict], county_names: Mapping[str, str], lang: str) -> str:
    county = county_names.get(adcode, adcode)
    categories = {row["category"] for row in rows}
    if len(categories) == 1:
        title = t(
            "placed.group", lang, county=county,
            category=t(f"category.{rows[0]['category']}", lang), n=len(rows),
        )  # fmt: skip
    else:
        title = t("placed.county_total", lang, county=county, n=len(rows))
    names = [_e(name_of(row, lang)) for row in rows[:PLACED_TIP_NAMES]]
    if len(rows) > PLACED_TIP_NAMES:
        names.append(_e(t("placed.more", lang, n=len(rows) - PLACED_TIP_NAMES)))
    parts = [f"<b>{_e(title)}</b>", "<br>".join(names)]
    parts.append(f'<span class="sy-muted">{_e(t("placed.expand", lang))}</span>')
    return "<br>".join(parts) + f"<span hidden>{_e(token('county', adcode))}</span>"


_ALWAYS, _NEVER = 0.0, 99.0


def _tip_text(
    rows: Sequence[Mapping], adcode: str, counties: Sequence[str], county_names: Mapping[str, str],
    lang: str,
) -> dict:  # fmt: skip
    """The raw text a placed symbol's tooltip is written from (see PlacedSymbol)."""
    return {
        "names": tuple(name_of(row, lang) for row in rows),
        "categories": tuple(str(row["category"]) for row in rows),
        "county_names": {a: county_names.get(a, a) for a in (adcode, *counties)},
    }


def placed_symbols(
    filtered: gpd.GeoDataFrame,
    placement: Placement,
    county_names: Mapping[str, str],
    lang: str,
) -> list[PlacedSymbol]:
    """The county-placed symbols for the filtered initiatives: in each of an item's counties,
    the number beside the county's name while zoomed out, then one symbol per category, then
    one per initiative, each level from the zoom at which its slots clear the labels and each
    other."""
    slots = placement.slots
    order = {c: i for i, c in enumerate(symbols.CATEGORY_STYLE)}
    rows = sorted(
        placed_items(filtered)[["id", "name_zh", "name_en", "category", "counties"]].to_dict(
            "records"
        ),
        key=lambda row: (order.get(row["category"], len(order)), row["id"]),
    )
    by_county: dict[str, list[dict]] = {}
    for row in rows:
        for adcode in row["counties"]:
            if adcode in slots.polygons:
                by_county.setdefault(adcode, []).append(row)
    placed = []
    for adcode in sorted(by_county):
        items = by_county[adcode]
        groups: dict[str, list[dict]] = {}
        for row in items:
            groups.setdefault(row["category"], []).append(row)
        item_layout = slots.layout(adcode, len(items))
        group_layout = slots.layout(adcode, len(groups))
        z_items = item_layout.zoom
        z_groups = min(group_layout.zoom, z_items)
        lowest = ZOOMS[0]
        if z_groups > lowest:
            label = placement.labels[adcode]
            placed.append(
                PlacedSymbol(
                    "county", adcode, label.lon, label.lat, _ALWAYS, z_groups, None,
                    tuple(row["id"] for row in items), (adcode,),
                    _group_tip(adcode, items, county_names, lang), label,
                    **_tip_text(items, adcode, (adcode,), county_names, lang),
                )
            )  # fmt: skip
        if z_groups < z_items:
            for (lon, lat), members in zip(group_layout.slots, groups.values(), strict=True):
                single = len(members) == 1
                shown = tuple(members[0]["counties"]) if single else (adcode,)
                placed.append(
                    PlacedSymbol(
                        "group", adcode, lon, lat, _ALWAYS if z_groups <= lowest else z_groups,
                        z_items, members[0]["category"], tuple(row["id"] for row in members),
                        shown,
                        _placed_tip(members[0], county_names, lang) if single
                        else _group_tip(adcode, members, county_names, lang),
                        **_tip_text(members, adcode, shown, county_names, lang),
                    )
                )  # fmt: skip
        for (lon, lat), row in zip(item_layout.slots, items, strict=True):
            placed.append(
                PlacedSymbol(
                    "item", adcode, lon, lat, _ALWAYS if z_items <= lowest else z_items, _NEVER,
                    row["category"], (row["id"],), tuple(row["counties"]),
                    _placed_tip(row, county_names, lang),
                    **_tip_text((row,), adcode, row["counties"], county_names, lang),
                )
            )  # fmt: skip
    return placed
