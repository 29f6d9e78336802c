"""The side panel: a county's facts and initiatives, and an initiative's card with its sentence.

The ``*_html`` functions are pure and escape every piece of data text; the ``show_*`` functions
put them on the page with st.html (no Markdown, so data text cannot turn into links or markup).
Widget labels built from data go through ``md_escape``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from html import escape
from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from components import cache as cached
from components.i18n import name_of, t
from components.map import symbols
from components.map.model import CountyPanelData, InitiativePanelData
from components.state.navigation import show_in_report_button
from data.report import Report
from data.sources import publisher_of

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")

CARD_CSS = """
<style>
.sy-card{font-size:14px;line-height:1.6;color:#1f2328}
.sy-card h3{font-size:1.15rem;margin:0 0 2px}
.sy-card .sub{color:#555;margin:0 0 8px}
.sy-card table{border-collapse:collapse;width:100%;margin:4px 0 8px}
.sy-card th{text-align:left;font-weight:600;color:#444;padding:3px 8px 3px 0;vertical-align:top;white-space:nowrap;width:34%}
.sy-card td{padding:3px 0;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
.sy-card a{overflow-wrap:anywhere;word-break:break-word}
.sy-card .quality{color:#8a5a00;font-size:12px;white-space:nowrap}
.sy-card .muted{color:#6a6a6a;font-size:12.5px}
.sy-card .unknown{color:#9a3412;font-style:italic}
.sy-card blockquote{margin:6px 0;padding:6px 10px;border-left:4px solid #0b57d0;background:#f4f7fd}
.sy-card mark{background:#ffe58f;padding:0 1px;border-radius:2px}
.sy-card .chip{display:inline-block;border:1px solid #ccc;border-radius:10px;padding:0 8px;margin:2px 4px 2px 0;font-size:12.5px;white-space:nowrap}
.sy-card .chip img{margin-right:3px}
.sy-card ul{margin:2px 0 6px 18px;padding:0}
</style>
"""


def md_escape(text: object) -> str:
    """Text safe to use as a Streamlit widget label (which reads Markdown)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


_URL = re.compile(r"https?://[^\s()<>\"'，。；、]+")


def linkify(text: str) -> str:
    """Escaped text in which every http(s) URL is a link (opening in a new tab)."""
    out, pos = [], 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:")
        out.append(escape(text[pos : match.start()]))
        host = urlparse(url).netloc or url
        out.append(
            f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{escape(host)}</a>"
        )
        pos = match.start() + len(url)
    out.append(escape(text[pos:]))
    return "".join(out)


def _quality_mark(quality: str, lang: str) -> str:
    """Nothing for an official source; a plain mark for any other."""
    if quality == "official":
        return ""
    key = "source.secondary" if quality == "secondary" else "source.unvetted"
    return f' <span class="quality">· {escape(t(key, lang))}</span>'


def publisher_link(url: str, name: str, quality: str, lang: str) -> str:
    """A source as its publisher's name linking to the page, with its quality mark."""
    return (
        f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
        f"{escape(name)}</a>{_quality_mark(quality, lang)}"
    )


def _fact_source(facts: Mapping[str, str], column: str, lang: str) -> str:
    """'Source: <publisher>' for a figure of the public county facts (data.sources)."""
    url = facts.get(column) or ""
    name = facts.get(f"{column}_publisher_{lang}") or facts.get(f"{column}_publisher_zh") or ""
    if not (url and name):
        return ""
    link = publisher_link(url, name, facts.get(f"{column}_quality") or "", lang)
    return f'<br><span class="muted">{escape(t("county.source", lang))}: {link}</span>'


# location_source texts without a link, in the words users read
_LOCATION_PHRASES = (
    ("the report ties it to no county", "item.location_citywide"),
    ("no public source located it", "item.location_none"),
    ("the report names", "item.location_report"),
    ("the report's paragraph", "item.location_report"),
)


def location_html(location_source: str, lang: str, sources: Mapping[str, object]) -> str:
    """Where an initiative's location comes from, in plain words, with each source shown by
    its publisher (or its site's name) and a quality mark; curation references stay out."""
    text = (location_source or "").strip()
    for phrase, key in _LOCATION_PHRASES:
        if text.startswith(phrase):
            return escape(t(key, lang))
    links = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:")
        publisher = publisher_of(url, sources)
        if publisher is not None and publisher.quality == "rejected":
            continue  # listed as not acceptable: users see the other sources
        if publisher is not None and publisher.accepted:
            name = publisher.name_zh if lang == "zh" else publisher.name_en
            links.append(publisher_link(url, name, publisher.quality, lang))
        else:
            host = urlparse(url).hostname or url
            links.append(publisher_link(url, host.removeprefix("www."), "", lang))
    words = escape(t("item.location_sources", lang))
    if not links:
        return words
    return f'{words}<br><span class="muted">{escape(t("list.sep", lang)).join(links)}</span>'


# ---------------------------------------------------------------------------------------------
# The report sentence, with the span highlighted


def _covering(items, start: int, end: int) -> list:
    """The consecutive report items (sentences or paragraphs) that overlap [start, end)."""
    starts = [item.start for item in items]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    chosen = []
    for item in items[first:]:
        if item.start >= end:
            break
        if item.end > start:
            chosen.append(item)
    return chosen


def highlighted_html(report: Report, start: int, end: int, *, level: str = "sentence") -> str:
    """The sentence(s) (or paragraph(s)) holding raw span [start, end), the span in <mark>.

    Page-break gaps are removed (the normalised text); everything is escaped.
    """
    items = report.sentences if level == "sentence" else report.paragraphs
    chosen = _covering(items, start, end)
    norm = report.normalised
    if not chosen:
        return f"<mark>{escape(norm.raw_span_text(start, end))}</mark>"
    lo = norm.from_raw(chosen[0].start)
    hi = norm.from_raw(chosen[-1].end)
    mark_lo = min(max(norm.from_raw(start), lo), hi)
    mark_hi = min(max(norm.from_raw(end), mark_lo), hi)
    text = norm.text
    return (
        escape(text[lo:mark_lo])
        + "<mark>"
        + escape(text[mark_lo:mark_hi])
        + "</mark>"
        + escape(text[mark_hi:hi])
    )


# ---------------------------------------------------------------------------------------------
# Initiative card


def _value_or_unknown(value: object, lang: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text or text.lower() == "nan":
        return f'<span class="unknown">{escape(t("county.unknown", lang))}</span>'
    return escape(text)


def initiative_card_html(
    row: Mapping,
    *,
    lang: str,
    report: Report,
    county_names: Mapping[str, str],
    route_km: Mapping[str, float] | None = None,
    cluster_name: str | None = None,
    anchors: Sequence[Mapping] = (),
    sources: Mapping[str, object] | None = None,
) -> str:
    """Names, category, counties, precision, commitment, quantities, where the location comes
    from (``sources``: data.sources' publishers) and the report sentence."""
    other = row["name_en"] if lang == "zh" else row["name_zh"]
    category = str(row["category"])
    counties = [county_names.get(c, c) for c in row.get("counties") or ()]
    where = t("list.sep", lang).join(counties) if counties else t("item.citywide", lang)
    rows = [
        (
            t("item.category", lang),
            symbols.category_icon(category, 15) + " " + escape(t(f"category.{category}", lang)),
        ),
        (t("item.counties", lang), escape(where)),
        (t("item.precision", lang), escape(t(f"precision.{row['precision']}", lang))),
        (
            t("item.commitment", lang),
            escape(t(f"commitment.{row['commitment']}", lang))
            + (
                f' <span class="muted">{escape(t("item.commitment_verb", lang, verb=row["commitment_verb"]))}</span>'
                if row.get("commitment_verb")
                else ""
            ),
        ),
        (t("item.section", lang), escape(t(f"section.{row['section']}", lang))),
    ]
    kind = row.get("route_kind")
    if kind:
        status = row.get("route_status") or "unknown"
        text = f"{t(f'route_kind.{kind}', lang)} · {t(f'route_status.{status}', lang)}"
        if row.get("precision") == "schematic":
            text += f" ({t('route.schematic', lang)})"
        rows.append((t("item.route", lang), escape(text)))
    if route_km:
        parts = [
            escape(f"{county_names.get(a, a)} {t('county.route_km', lang, km=f'{km:,.1f}')}")
            for a, km in sorted(route_km.items(), key=lambda pair: -pair[1])
        ]
        rows.append((t("item.route_km", lang), escape(t("list.sep_long", lang)).join(parts)))
    if cluster_name:
        rows.append((t("item.cluster", lang), escape(cluster_name)))
    if anchors:
        rows.append(
            (
                t("item.anchors", lang),
                escape(t("list.sep", lang)).join(escape(name_of(a, lang)) for a in anchors),
            )
        )
    quantities = row.get("quantities") or ()
    if quantities:
        listed = "".join(
            f"<li><b>{escape(str(q.get('text', '')))}</b> <span class='muted'>{escape(str(q.get('what', '')))}</span></li>"
            for q in quantities
        )
        rows.append((t("item.quantities", lang), f"<ul>{listed}</ul>"))
    else:
        rows.append(
            (
                t("item.quantities", lang),
                f'<span class="muted">{escape(t("item.quantities_none", lang))}</span>',
            )
        )
    if row.get("location_source"):
        rows.append(
            (
                t("item.location", lang),
                location_html(str(row["location_source"]), lang, sources or {}),
            )
        )
    # location_note, note and route_status_note are curation notes: they stay in the data.
    table = "".join(f"<tr><th>{escape(h)}</th><td>{v}</td></tr>" for h, v in rows)
    sentence = highlighted_html(report, int(row["source_start"]), int(row["source_end"]))
    return (
        CARD_CSS
        + '<div class="sy-card" data-testid="sy-initiative-card">'
        + f"<h3>{escape(name_of(row, lang))}</h3>"
        + f'<p class="sub">{escape(str(other or ""))}</p>'
        + f"<div><b>{escape(t('item.sentence', lang))}</b></div>"
        + f'<blockquote class="sy-sentence">{sentence}</blockquote>'
        + f"<table>{table}</table></div>"
    )


def show_initiative_card(card_html: str, report: Report, row: Mapping, lang: str) -> None:
    st.html(card_html)
    show_in_report_button(str(row["id"]), lang, key=f"sy_card_reader_{row['id']}")
    with st.expander(t("item.paragraph", lang)):
        st.html(
            CARD_CSS
            + '<div class="sy-card"><blockquote>'
            + highlighted_html(
                report, int(row["source_start"]), int(row["source_end"]), level="paragraph"
            )
            + "</blockquote></div>"
        )


# ---------------------------------------------------------------------------------------------
# County panel

FACTS = (
    # (label key, value column, unit key or None, source column)
    ("county.population", "pop_2020_census", None, "pop_source"),
    ("county.area", "area_km2", "km²", "area_source"),
    ("county.gdp", "gdp_2023_100m_cny", "gdp", "gdp_source"),
)


def _number_text(value: str) -> str:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def county_facts_html(facts: Mapping[str, str], lang: str, *, measure_text: str = "") -> str:
    """Name, type, group, seat and the sourced figures of the public county facts
    (data.sources.public_county_facts): each figure with its publisher as a link and a mark
    when the source is secondary; an empty figure shows as unknown. Notes are never shown."""
    name = facts.get("name_zh" if lang == "zh" else "name_en") or facts.get("name_zh", "")
    other = facts.get("name_en" if lang == "zh" else "name_zh", "")
    rows = [
        (t("county.type", lang), escape(t(f"county_type.{facts.get('type', '')}", lang))),
        (
            t("county.region_group", lang),
            escape(t(f"region_group.{facts.get('region_group', '')}", lang))
            if facts.get("region_group")
            else _value_or_unknown("", lang),
        ),
    ]
    for label, column, unit, source in FACTS:
        value = (facts.get(column) or "").strip()
        if value:
            shown = escape(_number_text(value))
            if unit == "gdp":
                shown += " " + escape("亿元" if lang == "zh" else "× 100 million CNY")
            elif unit:
                shown += " " + escape(unit)
            shown += _fact_source(facts, source, lang)
        else:
            shown = _value_or_unknown("", lang)
        rows.append((t(label, lang), shown))
    seat = facts.get("seat_zh" if lang == "zh" else "seat_en") or facts.get("seat_zh") or ""
    seat_html = _value_or_unknown(seat, lang)
    if seat:
        seat_html += _fact_source(facts, "seat_source", lang)
    rows.append((t("county.seat", lang), seat_html))
    table = "".join(f"<tr><th>{escape(h)}</th><td>{v}</td></tr>" for h, v in rows)
    measure = f'<p class="sub">{escape(measure_text)}</p>' if measure_text else ""
    return (
        CARD_CSS
        + '<div class="sy-card" data-testid="sy-county-panel">'
        + f"<h3>{escape(name)}</h3><p class='sub'>{escape(other)}</p>{measure}"
        + f"<div><b>{escape(t('county.facts', lang))}</b></div><table>{table}</table></div>"
    )


def category_chips_html(counts: Mapping[str, int], lang: str) -> str:
    chips = "".join(
        f'<span class="chip">{symbols.category_icon(c, 13)}{escape(t(f"category.{c}", lang))} {n}</span>'
        for c, n in counts.items()
    )
    return CARD_CSS + f'<div class="sy-card">{chips}</div>'


def clusters_html(
    clusters: Sequence[Mapping], anchors: Mapping[str, Sequence[Mapping]], lang: str
) -> str:
    if not clusters:
        return (
            CARD_CSS
            + f'<div class="sy-card"><span class="muted">{escape(t("county.clusters_none", lang))}</span></div>'
        )
    items = []
    for cluster in clusters:
        names = t("list.sep", lang).join(name_of(a, lang) for a in anchors.get(cluster["id"], ()))
        extra = (
            f'<br><span class="muted">{escape(t("county.anchors", lang, names=names))}</span>'
            if names
            else ""
        )
        items.append(f"<li>{escape(name_of(cluster, lang))}{extra}</li>")
    return CARD_CSS + f'<div class="sy-card"><ul>{"".join(items)}</ul></div>'


def routes_html(routes: Sequence[tuple[Mapping, float | None]], lang: str) -> str:
    """Routes touching the county, each with its km inside it (None: named but not reached)."""
    if not routes:
        return (
            CARD_CSS
            + f'<div class="sy-card"><span class="muted">{escape(t("county.routes_none", lang))}</span></div>'
        )
    items = []
    for route, km in routes:
        kind = t(f"route_kind.{route.get('route_kind')}", lang)
        amount = (
            escape(t("county.route_km", lang, km=f"{km:,.1f}"))
            if km is not None
            else f'<span class="muted">{escape(t("county.route_beyond", lang))}</span>'
        )
        items.append(
            f"<li>{escape(name_of(route, lang))} <span class='muted'>({escape(kind)})</span> — {amount}</li>"
        )
    return CARD_CSS + f'<div class="sy-card"><ul>{"".join(items)}</ul></div>'


def marks_matches(items: pd.DataFrame, matching: Collection[str] | None) -> bool:
    """Whether a list of ``items`` needs a mark on those the search and filters keep."""
    return matching is not None and not set(items["id"]) <= set(matching)


def items_table(
    items: pd.DataFrame, lang: str, matching: Collection[str] | None = None
) -> pd.DataFrame:
    """The county's initiatives as rows (category first, so they read grouped by category);
    when only some pass the search and filters (``matching``), a first column marks them ✓."""
    marked = marks_matches(items, matching)
    wanted = set(matching or ())
    rows = [
        {
            "id": r["id"],
            **({t("list.match", lang): "✓" if r["id"] in wanted else ""} if marked else {}),
            t("list.category", lang): t(f"category.{r['category']}", lang),
            t("list.name", lang): name_of(r, lang),
            t("list.commitment", lang): t(f"commitment.{r['commitment']}", lang),
            t("list.precision", lang): t(f"precision.{r['precision']}", lang),
        }
        for r in items[["id", "name_zh", "name_en", "category", "commitment", "precision"]].to_dict(
            "records"
        )
    ]
    columns = ["id"] + [
        t(k, lang)
        for k in (
            *(("list.match",) if marked else ()),
            "list.category",
            "list.name",
            "list.commitment",
            "list.precision",
        )
    ]
    return pd.DataFrame(rows, columns=columns)


_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)


def fit_width(texts: Iterable[object], *, maximum: int = 320, minimum: int = 60) -> int:
    """Pixels a table column needs to show the longest of ``texts`` whole (14 px font: a Chinese
    character is as wide as the font, a Latin one about 0.6 of it), within [minimum, maximum].

    st.dataframe sizes a column by its first rows only, so a long name further down (城步苗族
    自治县 in row 10) is cut; giving the width explicitly avoids that.
    """
    widest = 0.0
    for text in texts:
        value = "" if text is None else str(text)
        wide = len(_WIDE.findall(value))
        widest = max(widest, wide * 14 + (len(value) - wide) * 8.4)
    return int(min(max(widest + 32, minimum), maximum))  # + cell padding and the sort arrow


def text_column_widths(table: pd.DataFrame, *, maximum: int = 320) -> dict[str, object]:
    """st.column_config entries giving every text column the width its longest cell needs."""
    return {
        column: st.column_config.TextColumn(
            width=fit_width([column, *table[column].tolist()], maximum=maximum)
        )
        for column in table.columns
        if not pd.api.types.is_numeric_dtype(table[column])
    }


def selectable_table(
    table: pd.DataFrame,
    *,
    key: str,
    on_pick: Callable[[str], None],
    height: int | str = "auto",
    lang: str = "zh",
) -> None:
    """A read-only table (plain text cells, each column as wide as its longest cell); picking a
    row calls ``on_pick(row id)``. A line above it says how to pick (and keeps the table's
    hover toolbar off what is above)."""
    st.caption(t("list.pick_hint", lang))

    def _picked() -> None:
        selection = st.session_state.get(key)
        rows = selection.selection.rows if selection is not None else []
        if rows:
            on_pick(str(table.iloc[rows[0]]["id"]))

    st.dataframe(
        table,
        key=key,
        hide_index=True,
        column_config={**text_column_widths(table), "id": None},
        placeholder="—",
        on_select=_picked,
        selection_mode="single-row",
        height=height,
        width="stretch",
    )


# ---------------------------------------------------------------------------------------------
# The panels on the page


def show_county_panel(
    panel: CountyPanelData,
    facts: Mapping[str, str],
    *,
    measure_text: str,
    lang: str,
    on_pick: Callable[[str], None],
) -> None:
    """A county: facts with sources, its initiatives by category (pick one to open it),
    its industry clusters with their anchor enterprises, and its routes with km."""
    st.html(county_facts_html(facts, lang, measure_text=measure_text))
    items = panel.items
    st.markdown(f"**{t('county.initiatives', lang, n=len(items))}**")
    if items.empty:
        st.caption(t("county.initiatives_none_at_all", lang))
    else:
        if marks_matches(items, panel.matching):
            st.caption(t("county.initiatives_matching", lang, hit=len(panel.matching)))
        st.html(category_chips_html(items["category"].value_counts().to_dict(), lang))
        selectable_table(
            items_table(items, lang, panel.matching),
            key=f"sy_county_items_{panel.adcode}_{lang}",
            on_pick=on_pick,
            lang=lang,
            height=min(38 + 35 * len(items), 320),
        )
    st.markdown(f"**{t('county.clusters', lang)}**")
    st.html(clusters_html(panel.clusters, panel.anchors, lang))
    st.markdown(f"**{t('county.routes', lang)}**")
    st.html(routes_html(panel.routes, lang))


def show_initiative_panel(
    panel: InitiativePanelData,
    *,
    lang: str,
    report: Report,
    county_names: Mapping[str, str],
    route_km: Mapping[str, float] | None,
    on_county: Callable[[str], None],
) -> None:
    """An initiative's card and its report sentence, with a button per county it touches."""
    card = initiative_card_html(
        panel.row,
        lang=lang,
        report=report,
        county_names=county_names,
        route_km=route_km,
        cluster_name=panel.cluster_name,
        anchors=panel.anchors,
        sources=cached.source_publishers(),
    )
    show_initiative_card(card, report, panel.row, lang)
    for adcode in panel.row["counties"]:
        st.button(
            md_escape(county_names.get(adcode, adcode)),
            key=f"sy_open_county_{adcode}",
            icon=":material/location_city:",
            on_click=on_county,
            args=(adcode,),
        )
