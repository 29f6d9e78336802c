"""A story step's exports come from the view on screen: titles, legend, panel, print, HTML."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from components import cache as cached
from components.exports import story_export
from data.report import load_report
from scripts.story_examples import export_of

DAY = dt.date(2026, 11, 30)


def _shaodong():
    """The initiatives touching 邵东市 in the current dataset (the expected counts)."""
    initiatives = cached.current_initiatives()[1]
    return initiatives[initiatives["counties"].map(lambda codes: "430582" in codes)]


@pytest.fixture(scope="module")
def spotlight_en() -> story_export.StepExport:
    return export_of(4, "en", "430582")


@pytest.fixture(scope="module")
def overview_zh() -> story_export.StepExport:
    return export_of(0, "zh", "430582")


def test_spotlight_names_the_county_and_lists_its_own_projects(spotlight_en):
    assert spotlight_en.title == "Shaodong City · 邵东市"
    assert spotlight_en.stem == "shaoyang-story-5-spotlight-430582-en"
    panel = spotlight_en.panel()
    n = len(_shaodong())
    assert n > 0
    assert panel.title == f"Initiatives in Shaodong City ({n})"
    assert len(panel.rows) == n and all(row.category for row in panel.rows)
    assert f"The {n} initiatives of the report that touch Shaodong City" in spotlight_en.subtitle


def test_overview_print_lists_the_report_targets(overview_zh):
    panel = overview_zh.panel()
    assert panel.title == "2024年主要预期目标"
    assert [(row.text, row.value) for row in panel.rows][:2] == [
        ("地区生产总值增长", "6.5%"),
        ("规模工业增加值增长", "7%左右"),
    ]
    assert len(panel.rows) == 11


def test_legend_names_the_unit_once():
    export = export_of(1, "en", "430582")
    html = export.legend_html()
    assert "<h4>Number of initiatives</h4>" in html
    assert "(initiatives)" not in html


def test_the_spotlight_print_carries_its_title(spotlight_en):
    png = story_export.print_bytes(
        spotlight_en, cached.counties(display=True), "png", made_on=DAY, dpi=40
    )
    image = Image.open(io.BytesIO(png))
    assert image.info["Title"] == "Shaodong City · 邵东市"


def test_the_spotlight_html_lists_the_projects_under_the_legend(spotlight_en):
    html = story_export.html_text(spotlight_en, load_report(), made_on=DAY)
    assert "<title>Shaodong City · 邵东市</title>" in html
    assert f"Initiatives in Shaodong City ({len(_shaodong())})" in html
    assert "Shaodong small-hardware cluster" in html
    assert "Made 2026-11-30" in html


def test_the_spotlight_print_draws_the_county_level_items_inside_the_county(spotlight_en):
    """Shaodong's county-level initiatives are drawn one by one inside it, as on screen when
    zoomed to the county; its one line is drawn as a route."""
    import shapely

    from components.exports.print_map import METRIC_CRS, print_map_figure

    counties = cached.counties(display=True)
    options = story_export.print_options(spotlight_en, counties)
    fig = print_map_figure(**options, made_on=DAY)
    ax = fig.axes[0]
    discs = [c for c in ax.collections if c.get_gid() == "placed-disc"]
    county_level = _shaodong()
    county_level = county_level[county_level["geom_kind"] == "none"]
    assert len(discs) == len(county_level) > 0
    shaodong = counties[counties["adcode"] == "430582"].to_crs(METRIC_CRS).geometry.iloc[0]
    for disc in discs:
        ((x, y),) = disc.get_offsets()
        assert shaodong.contains(shapely.Point(x, y))
    assert {m.adcode for m in options["placed"]} == {"430582"}
