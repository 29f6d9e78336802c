"""The print-ready map: PNG/PDF bytes, Chinese glyphs, unknown values, scale bar."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings

import geopandas as gpd
import pyproj
import pytest
import shapely
from matplotlib import font_manager
from PIL import Image

from components.exports import print_map
from components.exports.print_map import (
    CJK_FAMILIES,
    METRIC_CRS,
    CJKFontMissingError,
    cjk_font,
    classify,
    missing_glyphs,
    print_map_figure,
    render_print_map,
)
from geo.counties import load_counties
from geo.datum import WGS84, DatumMismatchError

DAY = dt.date(2026, 11, 25)


@pytest.fixture
def counties() -> gpd.GeoDataFrame:
    """Three counties near Shaoyang: two large squares and a small (urban-size) one."""
    frame = gpd.GeoDataFrame(
        {
            "adcode": ["430522", "430523", "430511"],
            "name_zh": ["新邵县", "邵阳县", "北塔区"],
            "name_en": ["Xinshao County", "Shaoyang County", "Beita District"],
        },
        geometry=[
            shapely.box(111.0, 27.0, 111.3, 27.3),
            shapely.box(111.3, 27.0, 111.6, 27.3),
            shapely.box(111.3, 27.3, 111.35, 27.35),
        ],
        crs="EPSG:4326",
    )
    frame.attrs["datum"] = WGS84
    return frame


@pytest.fixture
def routes() -> gpd.GeoDataFrame:
    """One railway and one expressway across the squares."""
    frame = gpd.GeoDataFrame(
        {"route_kind": ["railway", "expressway"]},
        geometry=[
            shapely.LineString([(111.05, 27.1), (111.55, 27.2)]),
            shapely.LineString([(111.1, 27.05), (111.1, 27.25)]),
        ],
        crs="EPSG:4326",
    )
    frame.attrs["datum"] = WGS84
    return frame


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(111.2, 27.2)], crs="EPSG:4326")
    frame.attrs["datum"] = WGS84
    return frame


VALUES = {"430522": 1.5, "430523": 0.0, "430511": None}


def _render(counties, **kwargs) -> bytes:
    options = {
        "title": "邵阳市每10万人项目数",
        "legend_title": "项目数 / 10万人",
        "lang": "zh",
        "made_on": DAY,
    } | kwargs
    return render_print_map(counties, VALUES, **options)


def test_png_has_the_requested_pixel_size(counties, routes, points):
    png = _render(counties, routes_gdf=routes, points_gdf=points, dpi=100, size_in=(4, 3))
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    assert image.size == (400, 300)


def test_a4_png_of_the_real_counties():
    """The default page is A4 portrait: 8.27 x 11.69 in, here at 72 dpi."""
    real = load_counties(display=True)
    values = dict.fromkeys(real["adcode"], 1.0)
    png = render_print_map(real, values, title="t", legend_title="u", dpi=72, made_on=DAY)
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(width - 8.27 * 72) <= 1 and abs(height - 11.69 * 72) <= 1


def test_pdf_has_one_page(counties, routes):
    pdf = _render(counties, routes_gdf=routes, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_bad_format_is_refused(counties):
    with pytest.raises(ValueError, match="fmt"):
        _render(counties, fmt="svg")


def test_cjk_font_has_the_glyphs():
    """The chosen font is a Noto CJK face whose character map holds the map's Chinese."""
    font = cjk_font()
    assert font.family in CJK_FAMILIES
    face = font_manager.get_font(font_manager.FontPath(font.path, font.face_index))
    assert face.family_name.startswith("Noto")
    assert face.get_char_index(ord("邵")) != 0
    assert ord("邵") in face.get_charmap()
    everything = "".join(
        [
            "邵阳市双清区大祥区北塔区新邵县城步苗族自治县武冈市隆回县洞口县绥宁县新宁县邵东市",
            *print_map.SOURCE.values(),
            *(word for words in print_map.WORDS.values() for word in words.values()),
        ]
    )
    assert missing_glyphs(everything) == set()
    assert missing_glyphs("邵\U0001fae0") == {"\U0001fae0"}  # a character no font here has


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_missing_glyph_warning(counties, routes, points, lang, caplog):
    """Drawing Chinese and English raises no 'Glyph … missing' warning and logs no font fallback."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        _render(counties, routes_gdf=routes, points_gdf=points, lang=lang, dpi=60)
        _render(counties, lang=lang, fmt="pdf")
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from" in m or "Glyph" in m], messages
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]


def test_unknown_is_hatched_grey_with_a_legend_entry(counties):
    """None is drawn grey and hatched and named in the legend; 0 is a value, not unknown."""
    fig = print_map_figure(counties, VALUES, title="t", legend_title="u", made_on=DAY)
    ax = fig.axes[0]
    unknown = [c for c in ax.collections if c.get_gid() == "unknown-counties"]
    assert len(unknown) == 1
    assert unknown[0].get_hatch() == print_map.UNKNOWN_HATCH
    assert len(unknown[0].get_paths()) == 1  # only 430511; 430523 (0.0) is classed
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "无数据（未知，不是零）" in legend_texts
    assert fig.legends[0].get_title().get_text() == "u"


def test_everything_known_has_no_unknown_entry(counties):
    values = {"430522": 1.0, "430523": 2.0, "430511": 3.0}
    fig = print_map_figure(counties, values, title="t", legend_title="u", lang="en")
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not [t for t in legend_texts if "unknown" in t]
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "unknown-counties"]


def test_values_for_counties_not_on_the_map_are_an_error(counties):
    with pytest.raises(ValueError, match="430999"):
        print_map_figure(counties, {"430999": 1.0}, title="t", legend_title="u")


def test_the_datum_is_checked(counties):
    untagged = counties.copy()
    untagged.attrs = {}
    with pytest.raises(DatumMismatchError):
        print_map_figure(untagged, VALUES, title="t", legend_title="u")


def test_scale_bar_is_in_kilometres(counties):
    """The map is drawn in UTM 49N metres, and the bar spans a round number of km in them."""
    fig = print_map_figure(counties, VALUES, title="t", legend_title="u", made_on=DAY)
    bar = [p for p in fig.axes[0].patches if p.get_gid() == "scale-bar"]
    assert len(bar) == 2
    length_m = sum(p.get_width() for p in bar)
    assert length_m / 1000 in print_map.NICE_KM
    # One map unit is one metre on the ground here, to within 0.1 %.
    geod = pyproj.Geod(ellps="WGS84")
    lon, lat, _ = geod.fwd(111.3, 27.2, 90, 10_000)
    to_metric = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    (x0, x1), (y0, y1) = to_metric.transform([111.3, lon], [27.2, lat])
    assert ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 == pytest.approx(10_000, rel=1e-3)


def test_classes_follow_mapclassify():
    """k drops to the number of distinct values; each known county gets a class."""
    classes = classify({"a": 1.0, "b": 1.0, "c": 4.0}, "quantiles", 5)
    assert len(classes.labels) == 2
    assert classes.index["a"] == classes.index["b"] == 0
    assert classes.index["c"] == 1
    single = classify({"a": 3.0, "b": 3.0}, "quantiles", 5)
    assert single.labels == ["3"]
    assert classify({}, "quantiles", 5).labels == []


def test_a_missing_font_stops_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(print_map, "_find_family", lambda: None)
    monkeypatch.setattr(print_map, "_fc_list_cjk_files", lambda: [])
    cjk_font.cache_clear()
    try:
        with pytest.raises(CJKFontMissingError, match="fonts-noto-cjk"):
            cjk_font()
    finally:
        cjk_font.cache_clear()


def test_given_bins_fix_the_classes():
    """Breaks passed in (say, the on-screen map's) are used as they are."""
    classes = classify({"a": 1.0, "b": 2.5, "c": 9.0}, "quantiles", 5, bins=[2.0, 5.0, 10.0])
    assert classes.index == {"a": 0, "b": 1, "c": 2}
    assert classes.labels == ["1.0", "2.5", "9.0"]  # each class's own values, as read


# --- legends a reader can read ---------------------------------------------------------------


def test_whole_number_classes_read_as_ranges_without_zero_to_zero():
    """Counts class as "0", "1–3", "4–7": each class starts one above the last one's top."""
    values = {"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0, "e": 5.0, "f": 7.0}
    classes = classify(values, "quantiles", 5, bins=[0.0, 3.0, 7.0])
    assert classes.labels == ["0", "1–3", "4–7"]


def _legend_texts(fig) -> list[str]:
    return [text.get_text() for legend in fig.legends for text in legend.get_texts()]


def test_real_counts_legend_has_readable_classes_and_a_no_data_swatch():
    real = load_counties(display=True)
    codes = list(real["adcode"])
    values = {code: float(i % 4) for i, code in enumerate(codes)} | {codes[0]: None}
    fig = print_map_figure(
        real, values, title="t", legend_title="Number of initiatives", lang="en", made_on=DAY
    )
    texts = _legend_texts(fig)
    assert not [text for text in texts if re.search(r"(\d)\s*[–-]\s*\1$", text)], texts
    assert "No data (unknown, not zero)" in texts
    assert fig.legends[0].get_title().get_text() == "Number of initiatives"


# --- labels -----------------------------------------------------------------------------------


def test_shaoyang_county_keeps_its_kind_in_english():
    assert print_map.county_label("Shaoyang County", "en") == "Shaoyang County"
    assert print_map.county_label("Longhui County", "en") == "Longhui"
    assert print_map.county_label("Chengbu Miao Autonomous County", "en") == "Chengbu"
    assert print_map.county_label("邵阳县", "zh") == "邵阳县"


def _texts(ax) -> dict[str, object]:
    return {text.get_text(): text for text in ax.texts}


def test_urban_districts_are_labelled_apart_in_an_inset():
    """The three districts are named in an inset, not on the crowded city map, and their labels
    do not overlap; 邵阳县 reads "Shaoyang County" on the city map."""
    real = load_counties(display=True)
    values = dict.fromkeys(real["adcode"], 1.0)
    fig = print_map_figure(real, values, title="t", legend_title="u", lang="en", made_on=DAY)
    main = fig.axes[0]
    inset = next(ax for ax in fig.axes if ax.get_gid() == "inset")
    districts = {"Beita", "Shuangqing", "Daxiang"}
    assert districts <= set(_texts(inset))
    assert not districts & set(_texts(main))
    assert "Shaoyang County" in _texts(main)
    renderer = fig.canvas.get_renderer()
    boxes = [_texts(inset)[name].get_window_extent(renderer) for name in sorted(districts)]
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)
    assert [p for p in main.patches if p.get_gid() == "inset-frame"]


def test_title_and_subtitle_are_drawn():
    real = load_counties(display=True)
    fig = print_map_figure(
        real, {}, title="Title", subtitle="Shown: tourism", legend_title="u", made_on=DAY
    )
    texts = {text.get_gid(): text.get_text() for text in fig.texts}
    assert texts["title"] == "Title"
    assert texts["subtitle"] == "Shown: tourism"


# --- the same symbols and route styles as the screen ---------------------------------------------


def test_print_symbols_are_the_screen_symbols():
    """Every category's printed marker is the screen icon's polygon in the screen's colour."""
    from components.map import symbols

    for category, (colour, shape) in symbols.CATEGORY_STYLE.items():
        marker = print_map.category_marker(category)
        hollow = shape in symbols.HOLLOW_SHAPES
        assert (marker["markeredgecolor"] if hollow else marker["markerfacecolor"]) == colour
        outline = symbols.shape_outline(shape)
        if outline is None:
            assert marker["marker"] == "o"
        else:
            vertices = [tuple(v) for v in marker["marker"].vertices[:-1]]
            assert vertices == [(x - 10, 10 - y) for x, y in outline]
    colours = [colour for colour, _ in symbols.CATEGORY_STYLE.values()]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize(
    ("precision", "status"),
    [(None, None), ("site", "open"), ("schematic", "under_construction"), ("schematic", "planned")],
)
def test_print_route_styles_are_the_screen_styles(precision, status):
    """Colour, opacity, width and dashes of each route kind come from symbols.ROUTE_STYLE; the
    three kinds a reader must tell apart differ in colour."""
    from components.map import symbols

    for kind, screen in symbols.ROUTE_STYLE.items():
        printed = print_map.route_style(kind, precision, status)
        assert printed["color"] == screen["color"]
        assert printed["alpha"] == screen["opacity"]
        assert printed["linewidth"] == pytest.approx(screen["weight"] * print_map.PX_TO_PT)
        dash = symbols.dash_lengths(symbols.route_dash(precision, status))
        if dash:
            _, pattern = printed["linestyle"]
            # matplotlib scales dashes by the width; the ratio to the width is the screen's
            assert [n * printed["linewidth"] for n in pattern] == pytest.approx(
                [n * print_map.PX_TO_PT for n in dash]
            )
        else:
            assert printed["linestyle"] == "-"
    kinds = ("hsr", "railway", "expressway")
    assert len({symbols.ROUTE_STYLE[k]["color"] for k in kinds}) == 3


def test_drawn_routes_and_points_use_those_styles(counties):
    from matplotlib.colors import to_hex

    from components.map import symbols

    routes = gpd.GeoDataFrame(
        {"route_kind": ["hsr", "railway", "expressway"], "precision": ["site"] * 3},
        geometry=[
            shapely.LineString([(111.05, 27.1), (111.55, 27.2)]),
            shapely.LineString([(111.05, 27.15), (111.55, 27.25)]),
            shapely.LineString([(111.1, 27.05), (111.1, 27.25)]),
        ],
        crs="EPSG:4326",
    )
    routes.attrs["datum"] = WGS84
    points = gpd.GeoDataFrame(
        {"category": ["tourism", "industry_cluster"]},
        geometry=[shapely.Point(111.2, 27.2), shapely.Point(111.4, 27.1)],
        crs="EPSG:4326",
    )
    points.attrs["datum"] = WGS84
    fig = print_map_figure(
        counties, VALUES, title="t", legend_title="u", routes_gdf=routes, points_gdf=points
    )
    ax = fig.axes[0]
    for kind in ("hsr", "railway", "expressway"):
        drawn = [c for c in ax.collections if c.get_gid() == f"route-{kind}"]
        assert len(drawn) == 1
        assert to_hex(drawn[0].get_edgecolor()[0]) == symbols.ROUTE_STYLE[kind]["color"]
    lines = {line.get_gid(): line for line in ax.lines}
    assert lines["points-tourism"].get_markerfacecolor() == symbols.CATEGORY_STYLE["tourism"][0]
    texts = _legend_texts(fig)
    assert {"高速铁路", "铁路", "高速公路", "文化旅游", "产业集群"} <= set(texts)


# --- the county spotlight ---------------------------------------------------------------------


def test_spotlight_outlines_the_county_and_lists_its_projects():
    from matplotlib.colors import to_hex

    from components.map import symbols

    real = load_counties(display=True)
    panel = print_map.Panel(
        "Initiatives in Shaodong City (2)",
        [
            print_map.PanelRow("Shaodong small-hardware cluster", category="industry_cluster"),
            print_map.PanelRow("Quanmutang reservoir", category="infrastructure"),
        ],
    )
    fig = print_map_figure(
        real,
        {},
        title="Shaodong City · 邵东市",
        legend_title="Counties",
        lang="en",
        spotlight="430582",
        panel=panel,
        made_on=DAY,
    )
    ax = fig.axes[0]
    outline = [c for c in ax.collections if c.get_gid() == "spotlight-outline"]
    assert len(outline) == 1
    assert to_hex(outline[0].get_edgecolor()[0]) == symbols.SELECTED_COLOUR
    # framed on the county: its whole outline is inside the view, most of the city is not
    shaodong = real[real["adcode"] == "430582"].to_crs(METRIC_CRS).total_bounds
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < shaodong[0] and shaodong[2] < x1 and y0 < shaodong[1] and shaodong[3] < y1
    city = real.to_crs(METRIC_CRS).total_bounds
    assert (x1 - x0) < (city[2] - city[0])
    rows = [text.get_text() for text in fig.texts if text.get_gid() == "panel-row"]
    assert rows == ["Shaodong small-hardware cluster", "Quanmutang reservoir"]
    assert "County in the spotlight" in _legend_texts(fig)
    assert {"Industry clusters", "Infrastructure"} <= set(_legend_texts(fig))
    assert not [a for a in fig.axes if a.get_gid() == "inset"]


def test_spotlight_on_an_unknown_county_is_an_error(counties):
    with pytest.raises(ValueError, match="430999"):
        print_map_figure(counties, {}, title="t", legend_title="u", spotlight="430999")


def test_a_long_panel_says_how_many_rows_did_not_fit():
    real = load_counties(display=True)
    rows = [print_map.PanelRow(f"Item {i}", value=str(i)) for i in range(80)]
    fig = print_map_figure(
        real, {}, title="t", legend_title="u", lang="en", panel=print_map.Panel("P", rows)
    )
    shown = [text for text in fig.texts if text.get_gid() == "panel-row"]
    assert 10 < len(shown) < 80
    assert f"{80 - len(shown)} more in the app" in [text.get_text() for text in fig.texts]


def test_choropleth_fills_are_the_screen_palette(counties):
    """The classes are filled with the screen's palette at the screen's opacity."""
    from matplotlib.colors import to_hex

    from components.map import symbols

    values = {"430522": 1.0, "430523": 2.0, "430511": 3.0}
    fig = print_map_figure(counties, values, title="t", legend_title="u", bins=[1.0, 2.0, 3.0])
    fills = next(c for c in fig.axes[0].collections if c.get_gid() == "choropleth")
    drawn = [to_hex(colour, keep_alpha=False) for colour in fills.get_facecolor()]
    assert sorted(drawn) == sorted(symbols.palette(3))
    assert fills.get_alpha() == symbols.CHOROPLETH_OPACITY


# --- county-placed symbols ------------------------------------------------------------------------


def test_screen_zoom_matches_web_mercator():
    """At the equator one zoom-10 pixel is 152.87 m; printed at PX_TO_PT points."""
    metres_per_px = 156_543.034 / 2**10
    zoom = print_map.screen_zoom(metres_per_px / print_map.PX_TO_PT, 0.0)
    assert zoom == pytest.approx(10.0)


def test_placed_marks_show_the_level_the_screen_shows_at_the_print_scale(counties):
    """A county's total below a zoom, its category symbols above: the print draws the one
    matching its own scale, the total as a number beside the county's name."""
    first = print_map_figure(counties, VALUES, title="t", legend_title="u")
    zoom = print_map._zoom_of(first.axes[0], first)

    def marks(switch: float) -> list:
        return [
            print_map.PlacedMark(111.15, 27.15, None, 2, 0.0, switch, "430522"),
            print_map.PlacedMark(111.1, 27.1, "tourism", 1, switch, 99.0, "430522"),
            print_map.PlacedMark(111.2, 27.2, "ecology", 1, switch, 99.0, "430522"),
        ]

    zoomed_in = print_map_figure(
        counties, VALUES, title="t", legend_title="u", lang="en", placed=marks(zoom - 1)
    )
    ax = zoomed_in.axes[0]
    assert len([c for c in ax.collections if c.get_gid() == "placed-disc"]) == 2
    assert not [t for t in ax.texts if t.get_gid() == "placed-total"]
    assert {"Tourism", "Ecology"} <= set(_legend_texts(zoomed_in))

    zoomed_out = print_map_figure(
        counties, VALUES, title="t", legend_title="u", lang="en", placed=marks(zoom + 1)
    )
    ax = zoomed_out.axes[0]
    assert not [c for c in ax.collections if c.get_gid() == "placed-disc"]
    totals = [t for t in ax.texts if t.get_gid() == "placed-total"]
    assert [t.get_text() for t in totals] == ["2"]


def test_square_outlines_are_the_screen_rectangles():
    """The print's square outlines are the rectangles the screen's SVG icons draw."""
    from components.map import symbols

    for shape in ("square", "hollow_square"):
        colour = "#123456"
        svg = symbols._shape_svg(shape, colour)
        rect = {k: float(v) for k, v in re.findall(r'(?<![\w-])(x|y|width|height)="([\d.]+)"', svg)}
        x, y, w, h = rect["x"], rect["y"], rect["width"], rect["height"]
        expected = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        assert symbols.shape_outline(shape) == [pytest.approx(corner) for corner in expected]
