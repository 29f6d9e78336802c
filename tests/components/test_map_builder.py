"""The map builder, tested as plain data and strings: no browser, no Streamlit.

Fixtures are the committed counties and initiatives (WGS-84); every test builds a fresh map.
"""

from __future__ import annotations

import html
import json
import re

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
import streamlit_folium

from analysis.choropleth import ROUTE_KM_KINDS
from components.map import builder as map_builder
from components.map import model as map_model
from components.map.events import parse_map_click
from components.map.offline_assets import NoLocalAsset, localise
from components.state.view_state import Selection
from data.loaders import DEFAULT_INITIATIVES, read_initiatives
from geo.counties import load_counties
from geo.datum import DatumMismatchError, to_gcj02, wgs84_to_gcj02
from geo.spatial import route_km_by_county

CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "code.jquery.com",
    "bootstrapcdn.com",
    "d3js.org",
    "googleapis.com",
    "gstatic.com",
)


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    """The 12 display counties, WGS-84."""
    return load_counties(display=True)


@pytest.fixture(scope="module")
def initiatives() -> gpd.GeoDataFrame:
    """The committed initiatives, as the app loads them."""
    return read_initiatives(DEFAULT_INITIATIVES)


def content_for(
    counties, initiatives, *, measure="count", selection=None
) -> map_builder.MapContent:
    """What the app would draw for every initiative (no filter)."""
    full = load_counties()
    route_km = {
        route_id: route_km_by_county(full, geom)
        for route_id, geom in zip(
            map_model.lines_of(initiatives)["id"],
            map_model.lines_of(initiatives).geometry,
            strict=True,
        )
    }
    population = {a: 100_000.0 for a in counties["adcode"]}
    population["430502"] = None  # an unknown figure
    choropleth = map_model.choropleth(
        measure,
        initiatives,
        adcodes=tuple(counties["adcode"]),
        route_km=route_km,
        population=population,
        area_km2={a: 1_000.0 for a in counties["adcode"]},
        categories=(),
        lang="zh",
    )
    target = map_model.selection_target(selection, initiatives, tuple(counties["adcode"]))
    return map_builder.MapContent(
        counties=counties,
        choropleth=choropleth,
        points=map_model.points_of(initiatives),
        routes=map_model.lines_of(initiatives),
        clusters=map_model.clusters_by_county(initiatives, "zh"),
        selection=selection,
        selected_counties=target.counties,
        selected_geometry=target.geometry,
        stamp="test",
    )


def rendered(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def points_payload_in(html: str) -> dict:
    """The points layer's data, read back from the rendered script."""
    match = re.search(r"var points_geo_json_\w+_data = (\{.*?\});\n", html) or re.search(
        r"var \w+_data = (\{\"id\".*?\});\n", html
    )
    assert match, "no points payload in the rendered map"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_build_map_returns_a_folium_map_with_the_12_counties(counties, initiatives):
    fmap = map_builder.build_map(content_for(counties, initiatives))
    assert isinstance(fmap, folium.Map)
    html = rendered(fmap)
    adcodes = re.findall(r'"adcode": ?"(\d{6})"', html)
    assert sorted(adcodes) == sorted(counties["adcode"])
    assert html.count("sy-label") >= 12


def test_every_initiative_with_a_geometry_is_on_the_map(counties, initiatives):
    html = rendered(map_builder.build_map(content_for(counties, initiatives)))
    payload = points_payload_in(html)
    points = map_model.points_of(initiatives)
    assert sorted(payload["id"]) == sorted(points["id"])
    assert len(payload["xy"]) == 2 * len(points)
    for route_id in map_model.lines_of(initiatives)["id"]:
        assert f"[[initiative:{route_id}]]" in html


def test_one_geojson_layer_for_all_points_not_one_marker_each(counties, initiatives):
    html = rendered(map_builder.build_map(content_for(counties, initiatives)))
    assert html.count("L.geoJSON(null") == 1  # the points layer
    assert "L.marker([" not in html  # no marker per feature


def test_rendered_html_loads_nothing_from_a_cdn(counties, initiatives):
    html = rendered(map_builder.build_map(content_for(counties, initiatives), clustered=True))
    for host in CDN_HOSTS:
        assert host not in html
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(
        r'<link[^>]+href="([^"]+)"', html
    )
    assert sources, "the map declares its assets"
    assert all(src.startswith("../../app/static/vendor/") for src in sources), sources
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_streamlit_folium_gets_only_local_assets(counties, initiatives):
    """The frontend loads exactly the links the map's elements declare."""
    content = content_for(counties, initiatives)
    fmap = map_builder.base_map(counties)
    groups = map_builder.overlays(content, clustered=True)
    for group in groups:
        group.add_to(fmap)
    links = []
    for element in _walk(fmap):
        links += [url for _, url in getattr(element, "default_js", [])]
        links += [url for _, url in getattr(element, "default_css", [])]
    assert links and all(url.startswith("../../app/static/vendor/") for url in links)
    assert len(set(links)) == 2  # one script (Leaflet + marker-cluster), one stylesheet


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def test_an_asset_without_a_local_copy_is_refused():
    fmap = folium.Map(tiles=None)

    class Plugin(folium.elements.JSCSSMixin):
        default_js = [("someplugin", "https://cdn.example.org/plugin.js")]

    Plugin().add_to(fmap)
    with pytest.raises(NoLocalAsset):
        localise(fmap)


def test_tooltips_carry_ids_that_a_click_reads_back(counties, initiatives):
    html = rendered(map_builder.build_map(content_for(counties, initiatives)))
    for adcode in counties["adcode"]:
        assert f"[[county:{adcode}]]" in html
    # Point tooltips are assembled in the browser from the id in each feature.
    assert '"<span hidden>[[initiative:" + p.id + "]]</span>"' in html
    tooltip_text = "邵东市 项目数：17 个 点击查看县情与项目[[county:430582]]"
    click = parse_map_click(
        {
            "last_object_clicked_tooltip": tooltip_text,
            "last_object_clicked": {"lat": 27.2, "lng": 111.7},
        }
    )
    assert (click.kind, click.id, click.lat) == ("county", "430582", 27.2)


def test_data_text_is_escaped_never_markup(counties, initiatives):
    hostile = initiatives.copy()
    hostile.attrs = dict(initiatives.attrs)
    first_point = map_model.points_of(hostile).index[0]
    first_route = map_model.lines_of(hostile).index[0]
    hostile.loc[first_point, "name_zh"] = "<script>alert(1)</script>"
    hostile.loc[first_route, "name_zh"] = '<img src=x onerror="alert(2)">'
    html = rendered(map_builder.build_map(content_for(counties, hostile)))
    # Undo JSON's own escapes: what the browser's JavaScript would see.
    seen = (
        html.replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
        .replace("<\\/", "</")
    )
    assert "<script>alert(1)" not in seen
    assert "<img src=x" not in seen
    assert "&lt;script&gt;alert(1)" in seen
    assert "&lt;img src=x onerror=" in seen


def test_gaode_view_is_shifted_by_the_gcj02_offset(counties, initiatives):
    content = content_for(counties, initiatives)
    wgs = points_payload_in(rendered(map_builder.build_map(content, basemap="none")))
    gcj = points_payload_in(rendered(map_builder.build_map(content, basemap="gaode")))
    index = wgs["id"].index("langshan-tourism")
    lon, lat = wgs["xy"][2 * index], wgs["xy"][2 * index + 1]
    expected = wgs84_to_gcj02(lon, lat)
    shifted = gcj["xy"][2 * index], gcj["xy"][2 * index + 1]
    assert shifted == pytest.approx(expected, abs=1e-6)
    # ~600 m to the east-south-east, as the datum note says for Shaoyang.
    assert 0.0040 < shifted[0] - lon < 0.0060
    assert -0.0040 < shifted[1] - lat < -0.0025


def test_gaode_view_shifts_every_overlay(counties, initiatives):
    content = content_for(counties, initiatives)
    plain = map_builder.overlays(content, basemap="osm")
    gaode = map_builder.overlays(content, basemap="gaode")
    county_plain = _first_coordinate(plain[0])
    county_gaode = _first_coordinate(gaode[0])
    expected = wgs84_to_gcj02(*county_plain)
    assert county_gaode == pytest.approx(expected, abs=2e-4)  # display coordinates: 4 decimals
    route_plain, route_gaode = _first_coordinate(plain[2]), _first_coordinate(gaode[2])
    assert route_gaode == pytest.approx(wgs84_to_gcj02(*route_plain), abs=2e-5)


def _first_coordinate(group: folium.FeatureGroup) -> tuple[float, float]:
    layer = next(
        child
        for child in group._children.values()
        if isinstance(child, folium.GeoJson | map_builder.CountiesGeoJson)
    )
    coords = shapely.get_coordinates(shapely.geometry.shape(layer.data["features"][0]["geometry"]))
    return float(coords[0][0]), float(coords[0][1])


def test_gaode_uses_gaode_tiles_and_none_uses_no_tiles(counties):
    assert "autonavi.com" in rendered(map_builder.base_map(counties, basemap="gaode"))
    offline = rendered(map_builder.base_map(counties, basemap="none"))
    assert "tile" not in offline.lower().split("<script>")[0]
    assert "L.tileLayer" not in offline
    assert not re.search(r"https?://[^\"' ]*\{z\}", offline)  # no tile URL template at all


def test_a_frame_in_the_wrong_datum_is_refused(counties, initiatives):
    content = content_for(counties, initiatives)
    wrong = map_builder.MapContent(**{**content.__dict__, "counties": to_gcj02(counties)})
    with pytest.raises(DatumMismatchError):
        map_builder.overlays(wrong, basemap="gaode")


def test_counties_without_data_are_drawn_as_no_data_not_zero(counties, initiatives):
    content = content_for(counties, initiatives, measure="per_100k")
    assert content.choropleth.values["430502"] is None
    html = rendered(map_builder.build_map(content))
    assert len(re.findall(r'"className": ?"sy-county sy-nodata', html)) == 1
    assert "url(#sy-nodata)" in html


def test_the_base_map_is_stable_so_filters_never_remount_it(counties):
    """streamlit-folium keys its component on the base map's script: it must not change."""
    first = streamlit_folium._get_map_string(_rendered_map(counties))
    second = streamlit_folium._get_map_string(_rendered_map(counties))
    assert streamlit_folium.generate_js_hash(first, "m") == streamlit_folium.generate_js_hash(
        second, "m"
    )


def _rendered_map(counties):
    fmap = map_builder.base_map(counties)
    fmap.get_root().render()
    return fmap


def test_selection_is_outlined_and_ringed(counties, initiatives):
    county = rendered(
        map_builder.build_map(
            content_for(counties, initiatives, selection=Selection("county", "430528"))
        )
    )
    assert len(re.findall(r'"className": ?"sy-county[^"]* sy-selected"', county)) == 1
    point = rendered(
        map_builder.build_map(
            content_for(
                counties, initiatives, selection=Selection("initiative", "langshan-tourism")
            )
        )
    )
    assert "sy-selected-point" in point


def test_routes_are_dashed_when_schematic_and_dotted_when_planned(counties, initiatives):
    html = rendered(map_builder.build_map(content_for(counties, initiatives)))
    assert '"dashArray": "10 7"' in html  # schematic
    assert '"dashArray": "2 8"' in html  # planned
    assert set(map_model.lines_of(initiatives)["route_kind"]) >= set(ROUTE_KM_KINDS) - {"railway"}


def _my_projects() -> gpd.GeoDataFrame:
    """Two planner projects in 邵东, one located (hostile name), one without coordinates."""
    import pandas as pd

    from data.store import projects_geoframe

    return projects_geoframe(
        pd.DataFrame(
            {
                "project_id": ["p-1", "p-2"],
                "name_zh": ['<img src=x onerror="x()">[[county:430582]]', "县级项目"],
                "name_en": [None, None],
                "status": ["under_construction", None],
                "investment_yi": [12.5, float("nan")],
                "lon": [111.74, None],
                "lat": [27.25, None],
            }
        )
    )


def test_my_projects_are_one_escaped_layer_shifted_on_gaode():
    projects = _my_projects()
    wgs = map_builder.my_projects_layer(projects, "none", "zh")
    gcj = map_builder.my_projects_layer(projects, "gaode", "zh")
    (layer,) = [c for c in wgs._children.values() if isinstance(c, folium.GeoJson)]
    features = layer.data["features"]
    assert len(features) == 1  # the project without coordinates is not drawn
    tip = features[0]["properties"]["tip"]
    assert "<img" not in tip and "&lt;img src=x onerror=&quot;x()&quot;&gt;" in tip
    assert "状态：在建" in tip and "投资：12.5 亿元" in tip
    assert parse_map_click({"last_object_clicked_tooltip": tip}) is None  # no fake click token
    assert _first_coordinate(wgs) == pytest.approx((111.74, 27.25))
    expected = wgs84_to_gcj02(111.74, 27.25)
    assert _first_coordinate(gcj) == pytest.approx(expected, abs=1e-6)
    assert projects.attrs["datum"] == "wgs84"  # converted on a copy


def test_unknown_investment_reads_unknown():
    row = {"name_zh": "x", "status": None, "investment_yi": float("nan")}
    assert "投资：未知" in map_builder.my_project_tooltip(row, "zh")
    assert "Investment: unknown" in map_builder.my_project_tooltip(row, "en")


@pytest.mark.parametrize("basemap", ["none", "gaode"])
def test_rendering_without_compiling_gives_the_same_text_as_branca(
    counties, initiatives, monkeypatch, basemap
):
    """The builder adds rendered parts as finished text instead of compiling them again; the
    figure's text must be what branca's own render gives, for every layer of a full map."""
    selection = Selection("initiative", str(map_model.points_of(initiatives)["id"].iloc[0]))
    content = content_for(counties, initiatives, selection=selection)

    def build_and_render() -> str:
        # The same element names in both builds (branca draws them at random).
        ids = iter(range(10**6))
        monkeypatch.setattr(
            folium.elements.Element, "_generate_id", classmethod(lambda cls: f"{next(ids):032x}")
        )
        fmap = map_builder.build_map(content, basemap=basemap)
        folium.LayerControl().add_to(fmap)
        return rendered(fmap)

    assert folium.elements.MacroElement.render is map_builder._render_macro_without_compiling
    ours = build_and_render()
    monkeypatch.setattr(folium.elements.MacroElement, "render", map_builder._BRANCA_MACRO_RENDER)
    branca = build_and_render()
    assert len(ours) > 100_000
    assert ours == branca


def test_element_references_and_line_ends_come_out_as_jinja_gave_them():
    """folium leaves element references as {{'name'}} for branca's second pass; they are still
    resolved, without compiling anything."""
    assert map_builder._finished("var a = {{'layer_1'}};\n").render() == "var a = layer_1;"
    assert map_builder._finished("var a = 1;\n").render() == "var a = 1;"
    assert map_builder._finished("a\r\nb").render() == "a\nb"  # jinja rewrites line ends


def test_a_views_point_payload_is_joined_from_the_datasets_texts(initiatives, counties):
    """A filtered view's payload, cut from the whole dataset's texts, is the one made from the
    view's rows alone, and it is valid JSON with the view's rows in order."""
    points = map_model.points_of(initiatives)
    lookups = map_builder.PointLookups.make(map_builder.county_names_of(counties, "en"), "en")
    columns = map_builder.PointColumns.of(points, lookups, "en")
    first_category = points["category"] == points["category"].iloc[0]
    for subset in (points, points.iloc[::3], points.iloc[:0], points[first_category]):
        text = columns.payload_js(subset.index)
        assert text == map_builder.PointColumns.of(subset, lookups, "en").payload_js(subset.index)
        payload = json.loads(text)
        assert payload["id"] == [html.escape(i) for i in subset["id"]]
        assert len(payload["xy"]) == 2 * len(payload["c"]) == 2 * len(subset)
    with pytest.raises(KeyError):
        columns.payload_js(pd.Index([-1]))


def test_point_payload_text_cannot_close_the_script(initiatives, counties):
    points = map_model.points_of(initiatives).iloc[:2].copy()
    points["name_en"] = ["</script><script>alert(1)</script>", "a\u2028b"]
    lookups = map_builder.PointLookups.make(map_builder.county_names_of(counties, "en"), "en")
    text = map_builder.PointColumns.of(points, lookups, "en").payload_js(points.index)
    assert "</" not in text and "<script" not in text and "\u2028" not in text
    assert json.loads(text)["n"][0] == html.escape(points["name_en"].iloc[0])


def test_jinja_markup_in_a_planners_project_name_is_never_run(monkeypatch):
    """Text from data is drawn as it is: branca's second pass would have evaluated it."""
    projects = gpd.GeoDataFrame(
        {
            "project_id": ["p1"],
            "name_zh": ["{{ range(3)|list }}{% for x in range(2) %}run{% endfor %}"],
            "name_en": [""],
            "status": ["planned"],
            "investment_yi": [None],
        },
        geometry=[shapely.Point(111.4, 27.2)],
        crs="EPSG:4326",
    )
    projects.attrs["datum"] = "wgs84"

    def drawn() -> str:
        fmap = folium.Map()
        layer = map_builder.my_projects_layer(projects, "none", "zh")
        layer.add_to(fmap)
        return rendered(fmap) + streamlit_folium._get_feature_group_string(layer, fmap)

    ours = drawn()
    assert "{{ range(3)|list }}" in ours and "{% for x in range(2) %}" in ours
    assert "[0, 1, 2]" not in ours and "runrun" not in ours
    monkeypatch.setattr(folium.elements.MacroElement, "render", map_builder._BRANCA_MACRO_RENDER)
    assert "[0, 1, 2]" in drawn()  # what branca's own render did with it
