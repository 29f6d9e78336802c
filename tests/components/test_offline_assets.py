"""Leaflet and its plugin are bundled from the XStatic packages and linked relatively."""

from __future__ import annotations

import folium
import folium.plugins

from components.map.offline_assets import (
    BUNDLE_CSS,
    BUNDLE_JS,
    LOCAL_ASSETS,
    bundle_folder,
    ensure_vendor_files,
    local_url,
    localise,
)


def test_the_bundle_is_built_once_from_the_packages(tmp_path):
    vendor = ensure_vendor_files(tmp_path)
    bundle = vendor / bundle_folder()
    script = (bundle / BUNDLE_JS).read_text(encoding="utf-8")
    assert script.index("Leaflet") < script.index("MarkerClusterGroup")  # Leaflet first
    assert ".leaflet-control-layers" in (bundle / BUNDLE_CSS).read_text(encoding="utf-8")
    assert (bundle / "images" / "layers.png").exists()  # the stylesheet refers to it
    ensure_vendor_files(tmp_path)  # a second call is a no-op
    assert [p.name for p in vendor.iterdir()] == [bundle_folder()]


def test_every_local_url_points_into_the_app_static_folder():
    for asset in LOCAL_ASSETS:
        url = local_url(asset)
        assert url.startswith("../../app/static/vendor/map-")
        assert "://" not in url


def test_the_shared_file_is_declared_once():
    fmap = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(fmap)
    localise(fmap)
    html = fmap.get_root().render()
    assert html.count(BUNDLE_JS) == 1
    assert html.count(BUNDLE_CSS) == 1
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
