"""Slots inside county polygons: inside, apart, clear of labels, deterministic — at every zoom."""

from __future__ import annotations

import math

import pytest
import shapely
import shapely.affinity

from geo.counties import load_counties
from geo.placement import ZOOMS, Box, CountySlots, pixels_per_unit, text_box


def square(lon: float, lat: float, size: float) -> shapely.Polygon:
    """A square polygon of ``size`` degrees with its south-west corner at (lon, lat)."""
    return shapely.box(lon, lat, lon + size, lat + size)


def pixel_gap(a: tuple[float, float], b: tuple[float, float], zoom: float, lat0: float) -> float:
    cos = math.cos(math.radians(lat0))
    ppu = pixels_per_unit(zoom, lat0)
    return math.hypot((a[0] - b[0]) * cos, a[1] - b[1]) * ppu


@pytest.fixture(scope="module")
def counties():
    """The 12 display counties, WGS-84."""
    return load_counties(display=True)


@pytest.fixture(scope="module")
def slots(counties) -> CountySlots:
    """Slots in the real counties, anchored on a point inside each, with a label box there."""
    polygons = dict(zip(counties["adcode"], counties.geometry, strict=True))
    anchors = {a: (p.x, p.y) for a, p in zip(counties["adcode"], shapely.point_on_surface(
        counties.geometry.values), strict=True)}  # fmt: skip
    labels = [text_box(lon, lat, "城步苗族自治县", 12.5) for lon, lat in anchors.values()]
    return CountySlots(polygons, anchors, labels, radius_px=11.5, spacing_px=26)


@pytest.mark.parametrize("n", [1, 5, 14])
def test_slots_lie_inside_their_county_clear_of_the_edge_and_of_each_other(slots, counties, n):
    for adcode, polygon in zip(counties["adcode"], counties.geometry, strict=True):
        layout = slots.layout(adcode, n)
        assert len(layout.slots) == n
        ppu = pixels_per_unit(layout.zoom, slots.lat0)
        cos = math.cos(math.radians(slots.lat0))
        plane = shapely.affinity.scale(polygon.boundary, xfact=cos, yfact=1.0, origin=(0, 0))
        for lon, lat in layout.slots:
            point = shapely.Point(lon, lat)
            assert polygon.contains(point), (adcode, n)
            # Clear of the boundary by the symbol's radius at the first zoom it is shown.
            gap = shapely.distance(plane, shapely.Point(lon * cos, lat)) * ppu
            assert gap >= 11.5 - 0.01
        for i, a in enumerate(layout.slots):
            for b in layout.slots[i + 1 :]:
                assert pixel_gap(a, b, layout.zoom, slots.lat0) >= 26 - 0.01


def test_slots_keep_clear_of_label_boxes(slots, counties):
    label_half_width = text_box(0, 0, "城步苗族自治县", 12.5).right
    for adcode in counties["adcode"]:
        layout = slots.layout(adcode, 6)
        if layout.zoom == ZOOMS[-1]:
            continue  # the fallback past the last zoom ignores labels
        anchor = slots.anchors[adcode]
        cos = math.cos(math.radians(slots.lat0))
        ppu = pixels_per_unit(layout.zoom, slots.lat0)
        for lon, lat in layout.slots:
            dx = abs(lon * cos - anchor[0]) * ppu
            dy = abs(lat - anchor[1]) * ppu
            assert dx >= label_half_width + 11.5 - 1e-6 or dy >= 12.5 * 1.45 / 2 + 2 + 11.5 - 1e-6


def test_more_symbols_need_the_same_or_a_closer_zoom(slots):
    zooms = [slots.layout("430582", n).zoom for n in (1, 4, 9, 16)]
    assert zooms == sorted(zooms)
    assert zooms[0] < zooms[-1]


def test_layouts_are_deterministic_and_memoised(counties):
    polygons = dict(zip(counties["adcode"], counties.geometry, strict=True))
    anchors = {a: (g.centroid.x, g.centroid.y) for a, g in polygons.items()}
    first = CountySlots(polygons, anchors).layout("430581", 7)
    again = CountySlots(polygons, anchors)
    assert again.layout("430581", 7) == first
    assert again.layout("430581", 7) is again.layout("430581", 7)


def test_an_obstacle_that_appears_later_is_checked_from_that_zoom_on():
    polygon = square(110.0, 27.0, 0.5)
    anchor = (110.25, 27.25)
    early = CountySlots({"x": polygon}, {"x": anchor}, [Box.around(*anchor, 60)])
    late = CountySlots(
        {"x": polygon}, {"x": anchor}, [Box(*anchor, -60, 60, -60, 60, zoom_from=12.0)]
    )
    plain = CountySlots({"x": polygon}, {"x": anchor})
    # The late box hides nothing below zoom 12, but a slot must clear it at zoom 12 already.
    for layout in (early.layout("x", 1), late.layout("x", 1)):
        gap = pixel_gap(layout.slots[0], anchor, max(layout.zoom, 12.0), early.lat0)
        assert gap >= 60
    assert plain.layout("x", 1).slots[0] == pytest.approx(anchor, abs=1e-6)


def test_a_sliver_too_thin_for_any_symbol_still_gets_slots_inside():
    sliver = shapely.box(110.0, 27.0, 110.00001, 27.3)
    anchor = (110.000005, 27.15)
    layout = CountySlots({"s": sliver}, {"s": anchor}).layout("s", 2)
    assert layout.zoom == ZOOMS[-1]
    assert all(sliver.covers(shapely.Point(p)) for p in layout.slots)


def test_zero_items_need_no_slot_and_a_county_needs_an_anchor():
    slots = CountySlots({"x": square(110, 27, 0.2)}, {"x": (110.1, 27.1)})
    assert slots.layout("x", 0).slots == ()
    with pytest.raises(ValueError, match="no anchor"):
        CountySlots({"x": square(110, 27, 0.2)}, {})


def test_text_boxes_sit_where_the_css_puts_the_label():
    centred = text_box(110, 27, "邵东市", 12)
    west = text_box(110, 27, "邵东市", 12, side="west")
    east = text_box(110, 27, "邵东市", 12, side="east")
    below = text_box(110, 27, "集群", 11, side="below", pad=9)
    assert centred.left == -centred.right
    assert west.right == 6 and west.left < -30
    assert east.left == -6 and east.right > 30
    assert below.top == 9 and below.bottom > 9
    assert text_box(110, 27, "Shaodong", 12).right < text_box(110, 27, "邵东市邵东市邵", 12).right
    assert text_box(110, 27, "邵东市", 12, extra_px=28).right == centred.right + 14
