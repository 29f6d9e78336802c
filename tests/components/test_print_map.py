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

from components import print_map
from components.print_map import (
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
    assert "未知 / unknown" in legend_texts
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
    assert classes.labels == ["1 – 2", "> 2 – 5", "> 5 – 10"]
