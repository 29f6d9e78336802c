"""County-level initiatives on the map: every one inside each of its counties, at every zoom."""

from __future__ import annotations

import math
import re

import folium
import geopandas as gpd
import pytest
import shapely

from components.map import builder as map_builder
from components.map import model as map_model
from components.map import symbols
from components.map.events import parse_map_click
from components.map.legend import legend_html
from components.state.view_state import Filters, Selection, filter_mask
from components.views.citywide import citywide_groups
from data.loaders import DEFAULT_INITIATIVES, read_initiatives
from geo.counties import load_counties
from geo.placement import ZOOMS, pixels_per_unit


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    """The 12 display counties, WGS-84."""
    return load_counties(display=True)


@pytest.fixture(scope="module")
def initiatives() -> gpd.GeoDataFrame:
    """The committed initiatives, as the app loads them."""
    return read_initiatives(DEFAULT_INITIATIVES)


@pytest.fixture(scope="module")
def placement(initiatives, counties) -> map_model.Placement:
    return map_model.county_placement(initiatives, counties, "zh")


@pytest.fixture(scope="module")
def placed(initiatives, counties, placement) -> list[map_builder.PlacedSymbol]:
    names = map_builder.county_names_of(counties, "zh")
    return map_model.placed_symbols(initiatives, placement, names, "zh")


def visible(placed, zoom):
    return [p for p in placed if p.zoom_from <= zoom < p.zoom_to]


def test_every_county_level_item_is_shown_in_each_of_its_counties_at_every_zoom(
    initiatives, placed
):
    wanted = {
        (adcode, item_id)
        for item_id, codes in zip(
            map_model.placed_items(initiatives)["id"],
            map_model.placed_items(initiatives)["counties"],
            strict=True,
        )
        for adcode in codes
    }
    assert len(wanted) >= 49  # every county-level item at least once
    for zoom in (*ZOOMS, 17.5):
        shown = [(p.adcode, item_id) for p in visible(placed, zoom) for item_id in p.ids]
        assert sorted(shown) == sorted(wanted), zoom  # each exactly once per county


def test_every_symbol_sits_inside_its_county(placed, counties):
    polygons = dict(zip(counties["adcode"], counties.geometry, strict=True))
    for symbol in placed:
        assert polygons[symbol.adcode].contains(shapely.Point(symbol.lon, symbol.lat)), symbol


def test_symbols_of_a_zoom_never_overlap(placed, placement):
    for zoom in ZOOMS:
        discs = [p for p in visible(placed, zoom) if p.level != "county"]
        for i, a in enumerate(discs):
            for b in discs[i + 1 :]:
                gap = _pixel_gap(a, b, zoom, placement.slots.lat0)
                assert gap >= symbols.PLACED_DISC_PX - 0.01, (zoom, a.ids, b.ids)


def _pixel_gap(a, b, zoom, lat0):
    cos = math.cos(math.radians(lat0))
    return math.hypot((a.lon - b.lon) * cos, a.lat - b.lat) * pixels_per_unit(zoom, lat0)


def test_tooltips_name_the_initiative_and_clicks_identify_it(placed, initiatives):
    items = [p for p in placed if p.level == "item"]
    assert items
    for symbol in items:
        (item_id,) = symbol.ids
        row = initiatives.loc[item_id]
        assert row["name_zh"].replace("&", "&amp;") in symbol.tip or row["name_zh"] in symbol.tip
        click = parse_map_click({"last_object_clicked_tooltip": symbol.tip})
        assert (click.kind, click.id) == ("initiative", item_id)
        assert "县域项目" in symbol.tip  # the precision is said


def test_a_county_total_opens_the_county_and_lists_the_names(placed, initiatives):
    totals = [p for p in placed if p.level == "county"]
    assert totals, "at the lowest zoom the small counties show their totals"
    for symbol in totals:
        click = parse_map_click({"last_object_clicked_tooltip": symbol.tip})
        assert (click.kind, click.id) == ("county", symbol.adcode)
        assert symbol.label is not None and symbol.zoom_from == 0.0
        first = initiatives.loc[symbol.ids[0], "name_zh"]
        assert first in symbol.tip


def test_a_multi_county_item_highlights_all_its_counties(placed, initiatives):
    multi = [p for p in placed if p.level == "item" and len(p.counties) > 1]
    assert multi, "the report has county-level items spanning several counties"
    for symbol in multi:
        assert symbol.counties == tuple(initiatives.loc[symbol.ids[0], "counties"])


def test_filters_change_what_is_placed(initiatives, counties, placement):
    names = map_builder.county_names_of(counties, "en")
    only = initiatives[filter_mask(initiatives, Filters(categories=("industry_cluster",)), None)]
    placed = map_model.placed_symbols(only, placement, names, "en")
    assert placed and all(
        initiatives.loc[i, "category"] == "industry_cluster" for p in placed for i in p.ids
    )


def test_the_layer_carries_escaped_names_and_the_selection(initiatives, counties, placed):
    hostile = initiatives.copy()
    target = map_model.placed_items(hostile).index[0]
    hostile.loc[target, "name_zh"] = '<img src=x onerror="alert(1)">'
    names = map_builder.county_names_of(counties, "zh")
    placement = map_model.county_placement(hostile, counties, "zh")
    rows = map_model.placed_symbols(hostile, placement, names, "zh")
    group = map_builder.placed_layer(rows, "none", "zh", selected=target)
    html = _render(group)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html
    assert f'"{target}"' in html  # the selected id reaches the browser (its symbol is ringed)


def _render(group) -> str:
    fmap = folium.Map()
    group.add_to(fmap)
    return fmap.get_root().render()


def test_gaode_moves_the_symbols_with_the_basemap(placed):
    group = map_builder.placed_layer(placed[:3], "gaode", "zh")
    html = _render(group)
    lon = placed[0].lon
    xy = re.findall(r'"xy":\[([0-9.]+),([0-9.]+)\]', html)
    assert xy and abs(float(xy[0][0]) - lon) > 0.001  # ~600 m east in GCJ-02


def test_precision_counts_add_up(initiatives):
    counts = map_model.precision_counts(initiatives)
    assert sum(counts.values()) == len(initiatives)
    assert counts["citywide"] == len(map_model.citywide_items(initiatives))
    assert counts["county"] == len(map_model.placed_items(initiatives))


def test_city_wide_items_are_grouped_by_category(initiatives):
    items = map_model.citywide_items(initiatives)
    groups = citywide_groups(items, "en")
    assert sum(len(members) for _, members in groups) == len(items)
    order = [c for c, _ in groups]
    assert order == [c for c in symbols.CATEGORY_STYLE if c in order]


def test_the_legend_explains_county_placed_symbols_and_precision(initiatives, counties):
    choropleth = map_model.choropleth(
        "count", initiatives, adcodes=tuple(counties["adcode"]), route_km={},
        population={}, area_km2={}, categories=(), lang="en",
    )  # fmt: skip
    html = legend_html(choropleth, lang="en", placed=True)
    assert "Dashed disc" in html and "city-wide" in html
    assert "Precision:" in html
    assert "Dashed disc" not in legend_html(choropleth, lang="en")


def test_the_selected_county_level_item_is_marked(counties, placed):
    selected = next(p for p in placed if p.level == "item").ids[0]
    content = map_builder.MapContent(
        counties=counties,
        choropleth=map_model.choropleth(
            "count", read_initiatives(DEFAULT_INITIATIVES), adcodes=tuple(counties["adcode"]),
            route_km={}, population={}, area_km2={}, categories=(), lang="zh",
        ),
        points=read_initiatives(DEFAULT_INITIATIVES).iloc[0:0],
        routes=read_initiatives(DEFAULT_INITIATIVES).iloc[0:0],
        selection=Selection("initiative", selected),
        placed=placed,
    )  # fmt: skip
    html = map_builder.build_map(content).get_root().render()
    assert "sy-placed-selected" in html and f'"{selected}"' in html


def test_the_report_s_two_groups_are_divided_on_the_map_and_in_the_legend(counties):
    divide = map_builder.region_divide(counties)
    east = counties[counties["region_group"] == "east_town_cluster"].union_all()
    west = counties[counties["region_group"] == "west_eco_circle"].union_all()
    assert divide is not None and divide.length > 0.5  # degrees: it crosses the city
    assert east.boundary.buffer(1e-6).covers(divide) and west.boundary.buffer(1e-6).covers(divide)
    for label in map_builder.region_labels(counties, "zh", divide):
        group = east if label.text == "东部城镇群" else west
        assert group.contains(shapely.Point(label.lon, label.lat))
    html = map_builder.base_map(counties).get_root().render()
    assert "sy-region-divide" in html and "sy-divide" in html


def test_prepared_layouts_serve_every_filtered_view_without_new_layouts(initiatives, counties):
    """After prepare_layouts, a filter change only looks layouts up, and places alike."""
    names = map_builder.county_names_of(counties, "zh")
    prepared = map_model.county_placement(initiatives, counties, "zh")
    made = map_model.prepare_layouts(prepared, initiatives)
    assert made == len(prepared.slots._memo) > 0
    views = [Filters()] + [
        Filters(categories=(category,)) for category in sorted(set(initiatives["category"]))
    ]
    views += [Filters(counties=(adcode,)) for adcode in sorted(names)[:4]]
    for filters in views:
        shown = initiatives[filter_mask(initiatives, filters, None)]
        fresh = map_model.county_placement(initiatives, counties, "zh")
        assert map_model.placed_symbols(shown, prepared, names, "zh") == (
            map_model.placed_symbols(shown, fresh, names, "zh")
        )
        assert len(prepared.slots._memo) == made, filters
