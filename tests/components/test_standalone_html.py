"""A folium map exported as one offline HTML file (assets inlined, no CDN)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import folium
import pytest
from branca.element import JavascriptLink

from components.exports import standalone_html as standalone_html_module
from components.exports.standalone_html import (
    JQUERY_DIR,
    JQUERY_VERSION,
    LEAFLET_DIR,
    LEAFLET_VERSION,
    ExportPage,
    OfflineAssetError,
    standalone_html,
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


@pytest.fixture
def county_map() -> folium.Map:
    """A map like ours: no tiles, one GeoJson layer of circle markers with a tooltip."""
    fmap = folium.Map(location=[27.2, 111.0], zoom_start=8, tiles=None)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [111.46, 27.24]},
                    "properties": {"name_zh": "邵阳站"},
                }
            ],
        },
        marker=folium.CircleMarker(radius=6),
        tooltip=folium.GeoJsonTooltip(["name_zh"]),
    ).add_to(fmap)
    folium.Marker([27.1, 111.1]).add_to(fmap)  # Leaflet's default icon, made offline too
    folium.LayerControl().add_to(fmap)
    return fmap


def test_no_external_script_or_stylesheet(county_map):
    html = standalone_html(county_map)
    for tag, attrs in parse(html).tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?:https?:)?//", value), (tag, value)
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(?:https?:)?//", html)


def test_leaflet_and_jquery_are_inlined(county_map):
    html = standalone_html(county_map)
    scripts = parse(html).scripts
    assert any(f"Leaflet {LEAFLET_VERSION}" in script for script in scripts)
    assert any(f"jQuery v{JQUERY_VERSION}" in script for script in scripts)
    assert ".leaflet-container" in html  # the stylesheet, inline
    assert "url(images/" not in html  # its images are data: URIs
    assert "L.Icon.Default.mergeOptions({iconUrl: 'data:image/png;base64," in html
    assert county_map.get_name() in html  # the map's own code is still there


def test_inlined_libraries_arrive_whole(county_map):
    """The parsed <script> elements hold the complete library files, not a cut-off part."""
    scripts = parse(standalone_html(county_map)).scripts
    jquery = (JQUERY_DIR / "jquery.min.js").read_text(encoding="utf-8")
    leaflet = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    assert jquery in scripts
    assert any(script.startswith(leaflet) for script in scripts)


def test_a_closing_script_tag_inside_inlined_code_is_escaped(county_map, monkeypatch):
    """'</script>' inside a library would end its element early; it is written '<\\/script>'."""
    tricky = 'var jQuery = {}; var markup = "</script><script>alert(1)</script>";'
    assets = tuple(
        (pattern, kind, (lambda: tricky) if kind == "js" and "jquery" in pattern.pattern else fn)
        for pattern, kind, fn in standalone_html_module.ASSETS
    )
    monkeypatch.setattr(standalone_html_module, "ASSETS", assets)
    scripts = parse(standalone_html(county_map)).scripts
    assert 'var jQuery = {}; var markup = "<\\/script><script>alert(1)<\\/script>";' in scripts


def test_folium_links_the_versions_we_inline():
    """A folium upgrade that moves Leaflet or jQuery on must be matched by the XStatic pins."""
    urls = dict(folium.Map.default_js)
    assert f"leaflet@{LEAFLET_VERSION}/" in urls["leaflet"]
    assert f"jquery-{JQUERY_VERSION}" in urls["jquery"]


def test_awesome_marker_icons_are_refused():
    fmap = folium.Map(location=[27.2, 111.0], tiles=None)
    folium.Marker([27.2, 111.0], icon=folium.Icon(color="red")).add_to(fmap)
    with pytest.raises(OfflineAssetError, match="folium.Icon"):
        standalone_html(fmap)


def test_an_unknown_external_asset_is_refused():
    fmap = folium.Map(location=[27.2, 111.0], tiles=None)
    fmap.get_root().header.add_child(JavascriptLink("https://cdn.example.org/plugin.js"))
    with pytest.raises(OfflineAssetError, match="cdn.example.org/plugin.js"):
        standalone_html(fmap)


def test_a_map_from_our_builder_inlines_the_apps_own_bundle():
    """map_builder links /app/static/vendor/…; a file saved to disk cannot reach it."""
    from components.map import builder as map_builder
    from components.map import model as map_model
    from data.loaders import initiatives_path, read_initiatives
    from geo.counties import load_counties

    counties = load_counties(display=True)
    initiatives = read_initiatives(initiatives_path())
    values = map_model.choropleth(
        "count",
        initiatives,
        adcodes=tuple(counties["adcode"]),
        route_km={},
        population={},
        area_km2={},
        categories=(),
        lang="zh",
    )
    content = map_builder.MapContent(
        counties=counties,
        choropleth=values,
        points=map_model.points_of(initiatives),
        routes=map_model.lines_of(initiatives),
    )
    html = standalone_html(map_builder.build_map(content))
    assert "static/vendor" not in html
    assert "L.Icon.Default.imagePath" in html


# --- the page around the map -----------------------------------------------------------------


def _page(**changes) -> ExportPage:
    options = {
        "lang": "en",
        "title": "Shaodong City · 邵东市",
        "subtitle": "Shown: everything",
        "legend_html": '<div class="sy-legend">LEGEND</div>',
        "source": "Source: the report",
        "made_on": "Made 2026-11-30",
        "close_label": "Close",
        "cards": {"county": {"430582": "<h3>Shaodong City</h3>"}, "initiative": {}},
    }
    return ExportPage(**(options | changes))


def test_the_page_carries_title_legend_source_date_and_language(county_map):
    html = standalone_html(county_map, _page())
    assert '<html lang="en">' in html
    assert "<title>Shaodong City · 邵东市</title>" in html
    assert "<h1>Shaodong City · 邵东市</h1>" in html
    assert "<p>Shown: everything</p>" in html
    assert '<div class="sy-legend">LEGEND</div>' in html
    assert "Source: the report · Made 2026-11-30" in html
    assert 'id="sy-card"' in html and "hidden" in html
    # the card script runs after the map exists, and names it
    assert html.index(f"var {county_map.get_name()} = L.map") < html.index("map.eachLayer")
    assert f"}})({county_map.get_name()}, " in html


def test_page_text_is_escaped_and_cards_cannot_close_the_script(county_map):
    page = _page(
        title="<script>alert(1)</script>",
        subtitle="<img src=x onerror=alert(1)>",
        cards={"county": {"1": "</script><script>alert(2)</script>"}},
    )
    html = standalone_html(county_map, page)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "</script><script>alert(2)" not in html
    assert "<\\/script><script>alert(2)<\\/script>" in html


def test_without_a_page_the_map_is_exported_as_before(county_map):
    html = standalone_html(county_map)
    assert "sy-card" not in html and "<title>" not in html
