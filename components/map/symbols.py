"""How each thing looks: category colour + shape, route styles, choropleth palette, no-data fill.

One table shared by the map (JavaScript icons, Leaflet styles) and the legend (inline SVG), so
the legend cannot drift from the map.
"""

from __future__ import annotations

import base64
import math
from html import escape

from data.schema import CATEGORIES

# category -> (colour, shape); every pair differs in both so print and colour-blind readers
# can tell them apart.
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    "infrastructure": ("#1f4e79", "square"),
    "industrial_project": ("#d62728", "diamond"),
    "industry_cluster": ("#7b2cbf", "hexagon"),
    "enterprise": ("#8c564b", "pentagon"),
    "consumption_event": ("#e377c2", "star"),
    "tourism": ("#2ca02c", "triangle"),
    "agriculture": ("#a6a21b", "circle"),
    "urban_renewal": ("#ff7f0e", "hollow_square"),
    "ecology": ("#17becf", "ring"),
    "innovation": ("#1f77b4", "plus"),
    "reform_opening": ("#6f6f6f", "cross"),
    "county_positioning": ("#393b79", "triangle_down"),
    "public_service": ("#ad494a", "hourglass"),
}
UNKNOWN_CATEGORY_STYLE = ("#444444", "circle")
assert set(CATEGORY_STYLE) == set(CATEGORIES)

POINT_ICON_PX = 18
# A point's icon is drawn at POINT_ICON_PX inside an invisible square this large: a finger's
# tap target on a phone.
TAP_TARGET_PX = 32

# route kind -> Leaflet path style
ROUTE_STYLE: dict[str, dict[str, object]] = {
    "hsr": {"color": "#c0392b", "weight": 4, "opacity": 0.95},
    "railway": {"color": "#2c3e50", "weight": 3.5, "opacity": 0.95},
    "expressway": {"color": "#1e8449", "weight": 4, "opacity": 0.95},
    "road": {"color": "#b9770e", "weight": 3, "opacity": 0.95},
    "rail_service": {"color": "#8e44ad", "weight": 3, "opacity": 0.9},
    "corridor": {"color": "#e67e22", "weight": 10, "opacity": 0.35},
}
DASH_PLANNED = "2 8"  # dotted: not yet built, and drawn schematically
DASH_SCHEMATIC = "10 7"  # dashed: exists or under way, but the line is only schematic

CHOROPLETH_PALETTE = ("#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac")
CHOROPLETH_OPACITY = 0.78
COUNTY_EDGE = "#4d4d4d"
NO_DATA_PATTERN_ID = "sy-nodata"
NO_DATA_STYLE = {
    "fillColor": f"url(#{NO_DATA_PATTERN_ID})",
    "fillOpacity": 1.0,
    "color": "#7a7a7a",
    "weight": 1.2,
    "dashArray": "4 3",
}
# The same hatch for HTML swatches (the legend).
NO_DATA_CSS = "repeating-linear-gradient(45deg,#ffffff 0 3px,#b0b0b0 3px 5px)"
CLUSTER_COLOUR = "#7b2cbf"
# The line between the report's two groups of counties (东部城镇群 / 西部生态圈).
REGION_COLOUR = "#795548"
REGION_DIVIDE_STYLE = {"color": REGION_COLOUR, "weight": 3, "opacity": 0.75, "dashArray": "9 5"}
SELECTED_COLOUR = "#0b57d0"


def palette(k: int) -> tuple[str, ...]:
    """``k`` colours from the sequential palette, light to dark, spread over its whole range."""
    if k <= 0:
        return ()
    if k == 1:
        return (CHOROPLETH_PALETTE[2],)
    last = len(CHOROPLETH_PALETTE) - 1
    return tuple(CHOROPLETH_PALETTE[round(i * last / (k - 1))] for i in range(k))


def route_dash(precision: str | None, status: str | None) -> str | None:
    """Dotted when planned, dashed when schematic, solid only for a line drawn to its real path."""
    if status == "planned":
        return DASH_PLANNED
    if precision == "schematic":
        return DASH_SCHEMATIC
    return None


def _regular(n: int, radius: float, rotation: float = -90.0) -> list[tuple[float, float]]:
    return [
        (
            10 + radius * math.cos(math.radians(rotation + i * 360 / n)),
            10 + radius * math.sin(math.radians(rotation + i * 360 / n)),
        )
        for i in range(n)
    ]


def _star() -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = 8.5 if i % 2 == 0 else 3.6
        angle = math.radians(-90 + i * 36)
        points.append((10 + radius * math.cos(angle), 10 + radius * math.sin(angle)))
    return points


def _plus(rotate: bool) -> list[tuple[float, float]]:
    a, b = 2.6, 7.5
    outline = [(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b), (-a, b), (-a, a),
               (-b, a), (-b, -a), (-a, -a)]  # fmt: skip
    if rotate:
        c = math.sqrt(0.5)
        outline = [((x - y) * c, (x + y) * c) for x, y in outline]
    return [(10 + x, 10 + y) for x, y in outline]


_POLYGONS = {
    "diamond": [(10, 1.8), (18.2, 10), (10, 18.2), (1.8, 10)],
    "triangle": [(10, 2.2), (18.2, 16.8), (1.8, 16.8)],
    "triangle_down": [(1.8, 3.2), (18.2, 3.2), (10, 17.8)],
    "pentagon": _regular(5, 8.2),
    "hexagon": _regular(6, 8.2, rotation=0),
    "star": _star(),
    "plus": _plus(rotate=False),
    "cross": _plus(rotate=True),
    "hourglass": [(3, 2.5), (17, 2.5), (10, 10), (17, 17.5), (3, 17.5), (10, 10)],
}


def _shape_svg(shape: str, colour: str) -> str:
    fill = f'fill="{colour}" stroke="#ffffff" stroke-width="1.3"'
    hollow = f'fill="#ffffff" stroke="{colour}" stroke-width="3.2"'
    if shape == "circle":
        return f'<circle cx="10" cy="10" r="7.2" {fill}/>'
    if shape == "ring":
        return f'<circle cx="10" cy="10" r="6.4" {hollow}/>'
    if shape == "square":
        return f'<rect x="2.8" y="2.8" width="14.4" height="14.4" {fill}/>'
    if shape == "hollow_square":
        return f'<rect x="3.4" y="3.4" width="13.2" height="13.2" {hollow}/>'
    points = " ".join(f"{x:.2f},{y:.2f}" for x, y in _POLYGONS[shape])
    return f'<polygon points="{points}" {fill} stroke-linejoin="round"/>'


def category_svg(category: str, size: int = POINT_ICON_PX, title: str | None = None) -> str:
    """An inline SVG of the category's symbol (``title`` is escaped and shown on hover)."""
    colour, shape = CATEGORY_STYLE.get(category, UNKNOWN_CATEGORY_STYLE)
    label = f"<title>{escape(title)}</title>" if title else ""
    return f'<svg width="{size}" height="{size}" viewBox="0 0 20 20" aria-hidden="true">{label}{_shape_svg(shape, colour)}</svg>'


def category_icon(category: str, size: int = 16, alt: str = "") -> str:
    """The category's symbol as an <img> with an SVG data URI, for HTML that forbids <svg>."""
    colour, shape = CATEGORY_STYLE.get(category, UNKNOWN_CATEGORY_STYLE)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20">'
        f"{_shape_svg(shape, colour)}</svg>"
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}" '
        f'alt="{escape(alt, quote=True)}" style="vertical-align:-3px">'
    )


# The planner's own projects ("my data"): a black-outlined diamond, unlike every category symbol.
MINE_FILL = "#ffd23f"
_MINE_SHAPE = (
    '<polygon points="10,1.2 18.8,10 10,18.8 1.2,10" '
    f'fill="{MINE_FILL}" stroke="#000000" stroke-width="2" stroke-linejoin="round"/>'
)


def mine_svg(size: int = POINT_ICON_PX) -> str:
    """The inline SVG of a "my data" point."""
    return f'<svg width="{size}" height="{size}" viewBox="0 0 20 20" aria-hidden="true">{_MINE_SHAPE}</svg>'


def mine_icon(size: int = 16, alt: str = "") -> str:
    """The "my data" symbol as an <img> with an SVG data URI (for the legend)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20">'
        f"{_MINE_SHAPE}</svg>"
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}" '
        f'alt="{escape(alt, quote=True)}" style="vertical-align:-3px">'
    )


# A county-level initiative (no sourced site) is drawn inside its county as its category symbol
# on a white disc with a dashed grey rim: "placed in the county, not at a site". A number in a
# dark dot counts the items a symbol stands for. The disc is 23 px; the icon around it is a
# 32 px tap target (neighbouring targets may overlap by a few pixels, the discs never do).
PLACED_ICON_PX = 32
PLACED_DISC_PX = 23
PLACED_RIM = "#5f6368"


def placed_svg(category: str | None, count: int = 1, size: int = PLACED_ICON_PX) -> str:
    """The inline SVG of a county-placed symbol: the category's shape (or, for ``None``, a
    county's total) on a dashed disc, with ``count`` in a badge when above 1."""
    if category is None:
        inner = (
            f'<circle cx="16" cy="16" r="8.5" fill="{PLACED_RIM}"/>'
            f'<text x="16" y="19.6" text-anchor="middle" font-size="10" font-weight="700" '
            f'fill="#ffffff" font-family="sans-serif">{int(count)}</text>'
        )
        badge = ""
    else:
        colour, shape = CATEGORY_STYLE.get(category, UNKNOWN_CATEGORY_STYLE)
        inner = f'<g transform="translate(8.8 8.8) scale(0.72)">{_shape_svg(shape, colour)}</g>'
        badge = ""
        if count > 1:
            badge = (
                '<circle cx="25.5" cy="6.5" r="6" fill="#202124" stroke="#ffffff" '
                'stroke-width="1.2"/><text x="25.5" y="9.6" text-anchor="middle" '
                'font-size="8.5" font-weight="700" fill="#ffffff" font-family="sans-serif">'
                f"{int(count)}</text>"
            )
    rim = (
        f'<circle cx="16" cy="16" r="11.5" fill="#ffffff" fill-opacity="0.93" '
        f'stroke="{PLACED_RIM}" stroke-width="1.6" stroke-dasharray="3 2"/>'
    )
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 32 32" aria-hidden="true">'
        f"{rim}{inner}{badge}</svg>"
    )


def placed_icon(category: str | None, count: int = 1, size: int = 20, alt: str = "") -> str:
    """A county-placed symbol as an <img> with an SVG data URI (for the legend)."""
    svg = placed_svg(category, count, size).replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}" '
        f'alt="{escape(alt, quote=True)}" style="vertical-align:-5px">'
    )


# --- the same symbols on paper (components/print_map draws them with matplotlib) --------------
# Print reads CATEGORY_STYLE, ROUTE_STYLE and the dash patterns above; these give the outline
# of each shape in the 20 x 20 icon box (y pointing down, as in SVG) so a printed marker is the
# very polygon the screen draws.
HOLLOW_SHAPES = frozenset({"ring", "hollow_square"})
_SQUARE = [(2.8, 2.8), (17.2, 2.8), (17.2, 17.2), (2.8, 17.2)]
_HOLLOW_SQUARE = [(3.4, 3.4), (16.6, 3.4), (16.6, 16.6), (3.4, 16.6)]


def shape_outline(shape: str) -> list[tuple[float, float]] | None:
    """The polygon of ``shape`` in the icon box, or None for the round shapes (circle, ring)."""
    if shape in ("circle", "ring"):
        return None
    if shape == "square":
        return list(_SQUARE)
    if shape == "hollow_square":
        return list(_HOLLOW_SQUARE)
    return list(_POLYGONS[shape])


def dash_lengths(dash: str | None) -> tuple[float, ...]:
    """A Leaflet dashArray ("2 8") as on/off lengths in pixels; () for a solid line."""
    return tuple(float(part) for part in dash.split()) if dash else ()


# A county spotlight (the story's last step, on screen and on paper): the chosen county in a
# light blue with the selection outline, every other county muted grey.
SPOTLIGHT_FILL = "#e3ecfb"
MUTED_FILL = "#eeeeee"
MUTED_EDGE = "#b5b5b5"
