"""The legend: every symbol on the map explained, with the choropleth's classes and units.

``legend_html`` is pure and escapes all text; ``show_legend`` puts it on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import streamlit as st

from components.i18n import t
from components.map import symbols
from components.map.builder import Choropleth

_CSS = (
    """
<style>
.sy-legend{font-size:13px;line-height:1.5;color:#1f2328;display:flex;flex-wrap:wrap;gap:4px 28px}
.sy-legend section{min-width:180px}
.sy-legend h4{font-size:13px;margin:2px 0 4px;font-weight:600;color:#333}
.sy-legend .row{display:flex;align-items:center;gap:7px;margin:1px 0}
.sy-legend .sw{display:inline-block;width:22px;height:14px;border:1px solid #4d4d4d;flex:none}
.sy-legend .nodata{background:"""
    + symbols.NO_DATA_CSS
    + """;border:1px dashed #7a7a7a}
.sy-legend .line{display:inline-block;width:34px;height:0;flex:none}
.sy-legend .note{color:#666;font-size:12px;max-width:360px}
.sy-legend img{flex:none}
</style>
"""
)


def _range(choropleth: Choropleth, i: int) -> str:
    lower, upper = choropleth.classes.bounds(i)
    digits = choropleth.decimals
    if digits == 0:
        low = lower if i == 0 else lower + 1
        if low >= upper:
            return f"{upper:,.0f}"
        return f"{low:,.0f} – {upper:,.0f}"
    if i == 0 and lower == upper:
        return f"{upper:,.{digits}f}"
    prefix = "" if i == 0 else "> "
    return f"{prefix}{lower:,.{digits}f} – {upper:,.{digits}f}"


def _line_swatch(style: dict, dash: str | None) -> str:
    colour = style["color"]
    weight = min(float(style["weight"]), 8.0)
    opacity = style.get("opacity", 1)
    border = "dashed" if dash == symbols.DASH_SCHEMATIC else "dotted" if dash else "solid"
    return (
        f'<span class="line" style="border-top:{weight:.0f}px {border} {colour};'
        f'opacity:{opacity}"></span>'
    )


def legend_html(
    choropleth: Choropleth,
    *,
    lang: str,
    categories: Iterable[str] = (),
    route_kinds: Iterable[str] = (),
    route_dashes: Iterable[str] = (),
    clusters: bool = False,
    selected_county: bool = False,
    clustered_points: bool = False,
    measure_note: str = "",
    mine: bool = False,
    placed: bool = False,
) -> str:
    """The legend as escaped HTML: choropleth classes (+ no data), point symbols (and the
    planner's own projects when ``mine``), lines."""
    sections = []
    rows = [f"<h4>{escape(choropleth.title)}</h4>"]
    colours = symbols.palette(choropleth.classes.k)
    for i, colour in enumerate(colours):
        rows.append(
            f'<div class="row"><span class="sw" style="background:{colour};opacity:'
            f'{symbols.CHOROPLETH_OPACITY}"></span>{escape(_range(choropleth, i))}</div>'
        )
    if any(v is None for v in choropleth.classes.of.values()):
        rows.append(
            f'<div class="row"><span class="sw nodata"></span>{escape(t("legend.no_data", lang))}</div>'
        )
    if measure_note:
        rows.append(f'<div class="note">{escape(measure_note)}</div>')
    sections.append("<section>" + "".join(rows) + "</section>")

    categories = [c for c in symbols.CATEGORY_STYLE if c in set(categories)]
    if categories:
        rows = [f"<h4>{escape(t('legend.points', lang))}</h4>"]
        for category in categories:
            label = t(f"category.{category}", lang)
            rows.append(
                f'<div class="row">{symbols.category_icon(category, 16)}{escape(label)}</div>'
            )
        if clustered_points:
            rows.append(f'<div class="note">{escape(t("legend.cluster_marker", lang))}</div>')
        sections.append("<section>" + "".join(rows) + "</section>")

    if placed:
        rows = [f"<h4>{escape(t('layer.placed', lang))}</h4>"]
        for icon, key in (
            (symbols.placed_icon("industry_cluster", 1, 22), "legend.placed"),
            (symbols.placed_icon("industry_cluster", 3, 22), "legend.placed_group"),
            (symbols.placed_icon(None, 5, 22), "legend.placed_total"),
        ):
            rows.append(
                f'<div class="row">{icon}<span class="note">{escape(t(key, lang))}</span></div>'
            )
        sections.append("<section>" + "".join(rows) + "</section>")

    if mine:
        label = escape(t("legend.mine", lang))
        sections.append(
            f"<section><h4>{escape(t('mine.layer', lang))}</h4>"
            f'<div class="row">{symbols.mine_icon(16)}{label}</div></section>'
        )

    kinds = [k for k in symbols.ROUTE_STYLE if k in set(route_kinds)]
    if kinds:
        rows = [f"<h4>{escape(t('legend.routes', lang))}</h4>"]
        for kind in kinds:
            swatch = _line_swatch(symbols.ROUTE_STYLE[kind], None)
            rows.append(f'<div class="row">{swatch}{escape(t(f"route_kind.{kind}", lang))}</div>')
        dashes = set(route_dashes)
        grey = {"color": "#444", "weight": 3}
        if symbols.DASH_SCHEMATIC in dashes:
            swatch = _line_swatch(grey, symbols.DASH_SCHEMATIC)
            rows.append(
                f'<div class="row">{swatch}{escape(t("legend.route_schematic", lang))}</div>'
            )
        if symbols.DASH_PLANNED in dashes:
            swatch = _line_swatch(grey, symbols.DASH_PLANNED)
            rows.append(f'<div class="row">{swatch}{escape(t("legend.route_planned", lang))}</div>')
        sections.append("<section>" + "".join(rows) + "</section>")

    outlines = [
        f'<div class="row">{_line_swatch(symbols.REGION_DIVIDE_STYLE, symbols.DASH_SCHEMATIC)}'
        f"{escape(t('legend.regions', lang))}</div>"
    ]
    if clusters:
        outlines.append(
            f'<div class="row"><span class="sw" style="background:#fff;border:3px solid '
            f'{symbols.CLUSTER_COLOUR}"></span>{escape(t("legend.cluster", lang))}</div>'
        )
    if selected_county:
        outlines.append(
            f'<div class="row"><span class="sw" style="background:#fff;border:3px solid '
            f'{symbols.SELECTED_COLOUR}"></span>{escape(t("legend.selected", lang))}</div>'
        )
    if outlines:
        sections.append("<section>" + "".join(outlines) + "</section>")
    sections.append(
        f'<section><div class="note">{escape(t("legend.precision", lang))}</div></section>'
    )
    return (
        _CSS
        + f'<div class="sy-legend" role="figure" aria-label="{escape(t("legend.title", lang))}">'
        + "".join(sections)
        + "</div>"
    )


def show_legend(html_text: str) -> None:
    st.html(html_text)
