"""One story step as the things a presenter hands out: its print (PNG/PDF) and offline HTML.

The page and scripts/story_examples.py build a `StepExport` from the same view the screen
shows, so an export cannot show something else than the step on screen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import geopandas as gpd

from components.exports import story_map
from components.exports.print_map import Panel, PanelRow, PlacedMark, render_print_map
from components.exports.standalone_html import ExportPage, standalone_html
from components.i18n import t
from components.map import legend, symbols
from components.map import model as map_model
from components.map.builder import MapContent, PlacedSymbol
from components.views import story
from components.views.map import MapView
from data.report import Report


@dataclass(frozen=True)
class StepExport:
    """Everything an export of one step needs (plain values; the view as drawn on screen)."""

    index: int
    lang: str
    county: str  # the spotlight county's adcode (used by the spotlight step only)
    county_names: Mapping[str, Mapping[str, str]]  # adcode -> {"zh": …, "en": …}
    view: MapView
    targets: Sequence[tuple[str, str]] = ()  # (indicator, value) in the UI language
    # county-level initiatives drawn inside their counties (map_model.placed_symbols)
    placed: Sequence[PlacedSymbol] = ()

    @property
    def step(self) -> story.Step:
        return story.STEPS[self.index]

    @property
    def spotlight(self) -> str | None:
        return self.county if self.step.spotlight else None

    @property
    def county_name(self) -> str:
        return self.county_names[self.county][self.lang]

    @property
    def title(self) -> str:
        if self.spotlight:
            return story.spotlight_title(dict(self.county_names[self.county]), self.lang)
        return f"{t('app.title', self.lang)} · {t(f'story.{self.step.key}.title', self.lang)}"

    @property
    def measure(self) -> str:
        choropleth = self.view.content.choropleth
        return story.measure_title(choropleth.label, choropleth.unit)

    @property
    def projects(self) -> list[dict]:
        if not self.spotlight:
            return []
        return story_map.project_rows(self.view.filtered, self.spotlight, self.lang)

    @property
    def subtitle(self) -> str:
        return story.subtitle(
            self.step,
            self.lang,
            n=len(self.view.filtered),
            mapped=story_map.drawn_count(self.view.filtered),
            measure=self.measure,
            county=self.county_name,
            placed=len(map_model.placed_items(self.view.filtered)),
        )

    @property
    def stem(self) -> str:
        """A file name without extension."""
        stem = f"shaoyang-story-{self.index + 1}-{self.step.key}"
        return stem + (f"-{self.spotlight}" if self.spotlight else "") + f"-{self.lang}"

    @property
    def content(self) -> MapContent:
        """What the step's map draws: the view, with its county-placed symbols (in the
        spotlight, only the spotlit county's)."""
        placed = [p for p in self.placed if not self.spotlight or p.adcode == self.spotlight]
        return dataclasses.replace(self.view.content, placed=placed)

    def legend_html(self) -> str:
        content = self.content
        routes = content.routes
        if self.spotlight:
            return story_map.spotlight_legend_html(
                self.lang,
                [row["category"] for row in self.projects],
                list(routes["route_kind"].dropna()),
                bool(content.clusters.get(self.spotlight)),
                placed=bool(content.placed),
            )
        choropleth = content.choropleth
        return legend.legend_html(
            # the title names the unit once ("Number of initiatives", not "… (initiatives)")
            dataclasses.replace(choropleth, unit_in_title=self.measure != choropleth.label),
            lang=self.lang,
            categories=set(content.points["category"]),
            route_kinds=set(routes["route_kind"].dropna()),
            route_dashes={
                symbols.route_dash(p, s)
                for p, s in zip(routes["precision"], routes["route_status"], strict=True)
            },
            clusters=bool(content.clusters),
            measure_note=t(f"measure.note.{self.view.state.measure}", self.lang),
            placed=bool(content.placed),
        )

    def placed_marks(self) -> list[PlacedMark]:
        """The county-placed symbols for print."""
        return [
            PlacedMark(p.lon, p.lat, p.category, len(p.ids), p.zoom_from, p.zoom_to, p.adcode)
            for p in self.content.placed
        ]

    def panel(self) -> Panel | None:
        """What the print lists beside its legend: the county's projects, or the targets."""
        if self.spotlight:
            rows = self.projects
            return Panel(
                t("story.print.projects", self.lang, county=self.county_name, n=len(rows)),
                [PanelRow(row["name"], category=row["category"]) for row in rows],
            )
        if self.step.key == "overview" and self.targets:
            return Panel(
                t("story.print.targets", self.lang),
                [PanelRow(text, value) for text, value in self.targets],
            )
        return None


def print_options(export: StepExport, counties: gpd.GeoDataFrame) -> dict:
    """The arguments of print_map.render_print_map / print_map_figure for the step."""
    content = export.content
    choropleth = content.choropleth
    spotlight = export.spotlight
    return {
        "counties_gdf": counties,
        "values": {} if spotlight else choropleth.values,
        "title": export.title,
        "subtitle": export.subtitle,
        "legend_title": t("story.legend.counties", export.lang) if spotlight else export.measure,
        "bins": choropleth.classes.upper or None,  # the print's classes are the screen's
        "lang": export.lang,
        "routes_gdf": content.routes if len(content.routes) else None,
        "points_gdf": content.points if len(content.points) else None,
        "spotlight": spotlight,
        "panel": export.panel(),
        "placed": export.placed_marks(),
    }


def print_bytes(
    export: StepExport,
    counties: gpd.GeoDataFrame,
    fmt: str,
    *,
    made_on: dt.date,
    dpi: int = 150,
) -> bytes:
    """The step as a print-ready A4 page (PNG or PDF)."""
    return render_print_map(**print_options(export, counties), fmt=fmt, dpi=dpi, made_on=made_on)


def _projects_html(export: StepExport) -> str:
    """The spotlit county's initiatives under the legend (escaped HTML); nothing otherwise."""
    rows = export.projects
    if not rows:
        return ""
    heading = t("story.print.projects", export.lang, county=export.county_name, n=len(rows))
    return f"<h4>{escape(heading)}</h4>" + story_map.project_list_html(rows, export.lang)


def html_text(export: StepExport, report: Report, *, made_on: dt.date) -> str:
    """The step as one offline HTML file: the map, title, legend, source and click cards."""
    lang = export.lang
    content = export.content
    cards = story_map.card_payload(
        content.counties,
        export.view.filtered,
        report,
        lang,
        choropleth=None if export.spotlight else content.choropleth,
    )
    page = ExportPage(
        lang=lang,
        title=export.title,
        subtitle=export.subtitle,
        legend_html=export.legend_html() + _projects_html(export),
        source=t("story.export.source", lang),
        made_on=t("story.export.made", lang, date=made_on.isoformat()),
        close_label=t("story.card.close", lang),
        cards=cards,
    )
    fmap = story_map.story_map(content, lang=lang, spotlight=export.spotlight, height=640)
    return standalone_html(fmap, page)
