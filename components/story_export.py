"""One story step as the things a presenter hands out: its print (PNG/PDF) and offline HTML.

The page and scripts/story_examples.py build a `StepExport` from the same view the screen
shows, so an export cannot show something else than the step on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import geopandas as gpd

from components import story, story_map
from components.i18n import t
from components.map_view import MapView
from components.print_map import Panel, PanelRow, render_print_map
from components.standalone_html import ExportPage, standalone_html
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
        )

    @property
    def stem(self) -> str:
        """A file name without extension."""
        stem = f"shaoyang-story-{self.index + 1}-{self.step.key}"
        return stem + (f"-{self.spotlight}" if self.spotlight else "") + f"-{self.lang}"

    def legend_html(self) -> str:
        if not self.spotlight:
            # the map's legend, its title naming the unit once ("Number of initiatives")
            title = escape(self.view.content.choropleth.title)
            return self.view.legend_html.replace(
                f"<h4>{title}</h4>", f"<h4>{escape(self.measure)}</h4>", 1
            )
        content = self.view.content
        return story_map.spotlight_legend_html(
            self.lang,
            [row["category"] for row in self.projects],
            list(content.routes["route_kind"].dropna()),
            bool(content.clusters.get(self.spotlight)),
        )

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


def print_bytes(
    export: StepExport,
    counties: gpd.GeoDataFrame,
    fmt: str,
    *,
    made_on: dt.date,
    dpi: int = 150,
) -> bytes:
    """The step as a print-ready A4 page (PNG or PDF)."""
    content = export.view.content
    choropleth = content.choropleth
    spotlight = export.spotlight
    return render_print_map(
        counties,
        {} if spotlight else choropleth.values,
        title=export.title,
        subtitle=export.subtitle,
        legend_title=t("story.legend.counties", export.lang) if spotlight else export.measure,
        bins=choropleth.classes.upper or None,  # the print's classes are the screen's
        lang=export.lang,
        routes_gdf=content.routes if len(content.routes) else None,
        points_gdf=content.points if len(content.points) else None,
        fmt=fmt,
        dpi=dpi,
        made_on=made_on,
        spotlight=spotlight,
        panel=export.panel(),
    )


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
    content = export.view.content
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
