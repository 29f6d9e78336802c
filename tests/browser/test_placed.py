"""County-level and city-wide initiatives in a real browser: on the map, inside their counties,
readable on hover, and one click from their card."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import expect

from components.map import builder as map_builder
from components.map import model as map_model
from data.loaders import DEFAULT_INITIATIVES, read_initiatives
from geo.counties import load_counties
from geo.placement import ZOOMS
from tests.browser.conftest import MAP_IFRAME, map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {
    f["properties"]["id"]: f
    for f in json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
        "features"
    ]
}
POLYGONS = dict(zip(*(load_counties(display=True)[c] for c in ("adcode", "geometry")), strict=True))

# Where the symbols standing for an initiative are: a sited point, or county-placed symbols
# (its own, or a category group / county total that includes it). [[lat, lng, level, adcode]]
_SYMBOLS_OF = """(id) => {
    const found = [];
    window.map.eachLayer((layer) => {
        const p = layer.feature && layer.feature.properties;
        if (!p || !layer.getLatLng || !layer._icon) { return; }
        if (p.id === id || (p.ids && p.ids.indexOf(id) >= 0)) {
            const ll = layer.getLatLng();
            found.push([ll.lat, ll.lng, p.level || "point", p.adcode || null]);
        }
    });
    return found;
}"""


def symbols_of(frame, item_id: str) -> list:
    return frame.evaluate(_SYMBOLS_OF, item_id)


@pytest.mark.parametrize(
    "item_id", ["shaodong-hardware-cluster", "wugang-braised-food-cluster", "nanshan-tourism"]
)
def test_the_default_map_has_a_symbol_for_the_item_inside_each_of_its_counties(page, item_id):
    page.goto(page.app.url)
    frame = map_frame(page)
    counties = FEATURES[item_id]["properties"]["counties"]
    found = symbols_of(frame, item_id)
    assert found, f"no symbol stands for {item_id} on the default map"
    for adcode in counties:
        inside = [s for s in found if POLYGONS[adcode].contains(shapely.Point(s[1], s[0]))]
        assert inside, f"{item_id}: no symbol inside {adcode} ({found})"


# The screen position (in the iframe) of an initiative's own symbol in a county, or null.
_ITEM_SPOT = """([id, adcode]) => {
    let r = null;
    window.map.eachLayer((l) => {
        const p = l.feature && l.feature.properties;
        if (p && p.level === "item" && p.id === id && p.adcode === adcode && l._icon) {
            const b = l._icon.getBoundingClientRect();
            r = [b.left + b.width / 2, b.top + b.height / 2, l.getLatLng().lat, l.getLatLng().lng];
        }
    });
    return r;
}"""


def zoom_to_item(page, frame, item_id: str, adcode: str, zoom: float) -> tuple[float, float]:
    """Zoom in on ``adcode`` until ``item_id``'s own symbol is drawn, centre it, and return
    its position on the page."""
    lat, lng = POLYGONS[adcode].representative_point().coords[0][::-1]
    # Set the view until it sticks (the map may still be fitting itself to its first size).
    page.wait_for_function(
        f"""([sel, id, adcode]) => {{
            const w = document.querySelector(sel).contentWindow;
            if (w.map.getZoom() !== {zoom}) {{
                w.map.setView([{lat}, {lng}], {zoom}, {{animate: false}});
            }}
            return ({_ITEM_SPOT.replace("window.map", "w.map")})([id, adcode]) !== null;
        }}""",
        arg=[MAP_IFRAME, item_id, adcode],
    )
    spot = frame.evaluate(_ITEM_SPOT, [item_id, adcode])
    assert POLYGONS[adcode].contains(shapely.Point(spot[3], spot[2]))
    frame.evaluate(f"() => window.map.panTo([{spot[2]}, {spot[3]}], {{animate: false}})")
    spot = frame.evaluate(_ITEM_SPOT, [item_id, adcode])
    box = page.query_selector(MAP_IFRAME).bounding_box()
    return box["x"] + spot[0], box["y"] + spot[1]


def test_zooming_in_shows_the_initiative_itself_named_on_hover_and_one_click_from_its_card(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    item_id = "shaodong-hardware-cluster"
    x, y = zoom_to_item(page, frame, item_id, "430582", 12)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("邵东小五金产业集群")
    expect(tooltip).to_contain_text("县域项目")
    page.mouse.click(x, y)
    card = page.locator('[data-testid="sy-initiative-card"]')
    expect(card).to_contain_text("邵东小五金产业集群")
    expect(page).to_have_url(re.compile(rf"[?&]initiative={item_id}"))


def test_hovering_a_multi_county_item_highlights_all_its_counties(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    multi = next(
        f["properties"]
        for f in FEATURES.values()
        if f["geometry"] is None and len(f["properties"]["counties"]) > 1
    )
    x, y = zoom_to_item(page, frame, multi["id"], multi["counties"][0], 12)
    page.mouse.move(x, y)
    expect(frame.locator(".leaflet-tooltip")).to_contain_text(multi["name_zh"])
    highlighted = frame.evaluate(
        """() => { const out = []; window.map.eachLayer((l) => {
            const p = l.feature && l.feature.properties;
            if (p && p.adcode && l._path && l.options.color === "#0b57d0") { out.push(p.adcode); }
        }); return out.sort(); }"""
    )
    assert highlighted == sorted(multi["counties"])


def test_the_city_wide_list_opens_an_item_card(page):
    page.goto(page.app.url)
    map_frame(page)
    citywide = [
        f["properties"]
        for f in FEATURES.values()
        if f["geometry"] is None and not f["properties"]["counties"]
    ]
    item = next(p for p in citywide if p["category"] == "enterprise")
    panel = page.locator(".st-key-sy-citywide")
    expect(panel).to_contain_text(f"全市性项目（{len(citywide)}）")
    panel.get_by_text(re.compile(r"^企业（\d+）$")).click()
    panel.get_by_role("button", name=item["name_zh"], exact=True).click()
    card = page.locator('[data-testid="sy-initiative-card"]')
    expect(card).to_contain_text(item["name_zh"])
    expect(page).to_have_url(re.compile(rf"[?&]initiative={item['id']}"))


# Every placed symbol's tooltip on the map at the given zooms: {"level|adcode|ids": html}.
_PLACED_TIPS = """(zooms) => {
    const tips = {};
    for (const z of zooms) {
        window.map.setView(window.map.getCenter(), z, {animate: false});
        window.map.eachLayer((l) => {
            const p = l.feature && l.feature.properties;
            if (p && p.level && p.ids && l.getTooltip()) {
                tips[[p.level, p.adcode, p.ids.join(",")].join("|")] = l.getTooltip().getContent();
            }
        });
    }
    return tips;
}"""


def test_the_browser_writes_each_placed_tooltip_exactly_as_the_server_would(page):
    """The placed layer sends names and phrases once and the browser writes the tooltips: the
    result is, symbol for symbol, the escaped HTML of PlacedSymbol.tip (click token included)."""
    initiatives = read_initiatives(DEFAULT_INITIATIVES)
    counties = load_counties(display=True)
    placement = map_model.county_placement(initiatives, counties, "zh")
    names = map_builder.county_names_of(counties, "zh")
    expected = {
        "|".join([p.level, p.adcode, ",".join(p.ids)]): p.tip
        for p in map_model.placed_symbols(initiatives, placement, names, "zh")
    }
    page.goto(page.app.url)
    frame = map_frame(page)
    # Until the map has settled (it may still be fitting itself to its first size), a zoom set
    # here can be undone: zoom in until every initiative's own symbol is on the map.
    items = sum(1 for key in expected if key.startswith("item|"))
    page.wait_for_function(
        """([sel, items]) => {
            const map = document.querySelector(sel).contentWindow.map;
            map.setView(map.getCenter(), 13, {animate: false});
            let n = 0;
            map.eachLayer((l) => { if (l.feature && l.feature.properties.level === "item") n++; });
            return n === items;
        }""",
        arg=[MAP_IFRAME, items],
    )
    shown = frame.evaluate(_PLACED_TIPS, [*ZOOMS, 17])
    assert set(shown) == set(expected)
    for key, tip in expected.items():
        assert shown[key] == tip, key
