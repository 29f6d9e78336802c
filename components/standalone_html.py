"""A folium map as one HTML file that works offline: no CDN script or stylesheet.

folium links Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers from CDNs.
Leaflet and jQuery are inlined from the installed XStatic packages (same versions folium
names); Leaflet's marker and layer images become data: URIs. A map made by our map builder
links the app's own Leaflet bundle (components/offline_assets) instead: that is inlined too. Bootstrap, the glyphicons,
Font Awesome and awesome-markers only serve `folium.Icon` markers, which our maps do not use
(one GeoJson layer per dataset, STYLE.md habit 3), so they are dropped; a map that does use
`folium.Icon` is refused rather than exported broken. Any other external asset is refused too.

Tile layers are not assets: their images are fetched while panning, so an offline copy shows
the overlays on a blank background.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from pathlib import Path

import folium
import xstatic.pkg.jquery as xstatic_jquery
import xstatic.pkg.leaflet as xstatic_leaflet

from components import offline_assets

LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)
JQUERY_DIR = Path(xstatic_jquery.BASE_DIR)
LEAFLET_VERSION = xstatic_leaflet.VERSION
JQUERY_VERSION = xstatic_jquery.VERSION

SCRIPT_TAG = re.compile(
    r"""<script\b[^>]*?\bsrc\s*=\s*(["'])(?P<url>[^"']+)\1[^>]*>\s*</script\s*>""", re.IGNORECASE
)
LINK_TAG = re.compile(
    r"""<link\b[^>]*?\bhref\s*=\s*(["'])(?P<url>[^"']+)\1[^>]*?/?>""", re.IGNORECASE
)
EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
CSS_IMAGE = re.compile(r"url\((['\"]?)images/(?P<name>[\w.-]+\.png)\1\)")


class OfflineAssetError(ValueError):
    """The map needs an external asset that cannot be made available offline."""


@functools.cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@functools.cache
def _png_data_uri(name: str) -> str:
    data = (LEAFLET_DIR / "images" / name).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _default_icon_js() -> str:
    # With imagePath a string, Leaflet does not guess the icon folder from the stylesheet's
    # URL (which an inlined stylesheet has not got) and uses the data: URIs as they are.
    return (
        "L.Icon.Default.imagePath = '';\n"
        "L.Icon.Default.mergeOptions({"
        f"iconUrl: '{_png_data_uri('marker-icon.png')}', "
        f"iconRetinaUrl: '{_png_data_uri('marker-icon-2x.png')}', "
        f"shadowUrl: '{_png_data_uri('marker-shadow.png')}'"
        "});"
    )


def _leaflet_js() -> str:
    return _read(LEAFLET_DIR / "leaflet.js") + "\n" + _default_icon_js()


def _leaflet_css() -> str:
    return CSS_IMAGE.sub(
        lambda match: f"url({_png_data_uri(match['name'])})", _read(LEAFLET_DIR / "leaflet.css")
    )


def _bundle(name: str) -> str:
    """A file of the app's own Leaflet bundle (components/offline_assets), built if missing."""
    vendor = offline_assets.ensure_vendor_files()
    return _read(vendor / offline_assets.bundle_folder() / name)


def _bundle_js() -> str:
    return _bundle(offline_assets.BUNDLE_JS) + "\n" + _default_icon_js()


def _bundle_css() -> str:
    return CSS_IMAGE.sub(
        lambda match: f"url({_png_data_uri(match['name'])})", _bundle(offline_assets.BUNDLE_CSS)
    )


def _jquery_js() -> str:
    return _read(JQUERY_DIR / "jquery.min.js")


# (url pattern, what to put in its place: ("js"|"css", content) or None to drop the tag)
Replacement = Callable[[], str] | None
ASSETS: tuple[tuple[re.Pattern[str], str, Replacement], ...] = (
    (re.compile(r"/static/vendor/map-[^/]+/map\.js$"), "js", _bundle_js),
    (re.compile(r"/static/vendor/map-[^/]+/map\.css$"), "css", _bundle_css),
    (re.compile(r"/leaflet(?:@[\d.]+)?/dist/leaflet\.js$|/leaflet\.js$"), "js", _leaflet_js),
    (re.compile(r"/leaflet(?:@[\d.]+)?/dist/leaflet\.css$|/leaflet\.css$"), "css", _leaflet_css),
    (re.compile(r"/jquery-3\.[\d.]+(?:\.min)?\.js$"), "js", _jquery_js),
    (re.compile(r"/bootstrap[@/][\d.]+/.*bootstrap(?:\.bundle)?(?:\.min)?\.(?:js|css)$"), "", None),
    (re.compile(r"/bootstrap-glyphicons\.css$"), "", None),
    (re.compile(r"fontawesome|font-awesome"), "", None),
    (re.compile(r"awesome-markers|leaflet\.awesome\.rotate"), "", None),
)


def _inline(url: str) -> str:
    """The HTML that replaces the tag loading `url` ('' to drop it)."""
    for pattern, kind, replacement in ASSETS:
        if pattern.search(url):
            if replacement is None:
                return ""
            content = replacement()
            if kind == "js":
                # A literal "</script" inside the code would end the inline element early.
                return (
                    "<script>" + re.sub(r"</(script)", r"<\\/\1", content, flags=re.I) + "</script>"
                )
            return "<style>" + re.sub(r"</(style)", r"<\\/\1", content, flags=re.I) + "</style>"
    raise OfflineAssetError(f"no offline copy of {url}")


def standalone_html(folium_map: folium.Map) -> str:
    """The complete HTML of `folium_map` with every external script and stylesheet inlined
    (or dropped when unused); raises OfflineAssetError for an asset it cannot supply."""
    html = folium_map.get_root().render()
    if "L.AwesomeMarkers" in html:
        raise OfflineAssetError(
            "the map uses folium.Icon (Leaflet.awesome-markers), which has no offline copy; "
            "draw points as a GeoJson layer with circle markers instead"
        )
    refused: list[str] = []

    def replace(match: re.Match[str]) -> str:
        url = match["url"]
        if not EXTERNAL.match(url) and not url.startswith(offline_assets.URL_PREFIX):
            return match.group(0)
        try:
            return _inline(url)
        except OfflineAssetError:
            refused.append(url)
            return match.group(0)

    html = LINK_TAG.sub(replace, SCRIPT_TAG.sub(replace, html))
    if refused:
        raise OfflineAssetError(
            "these assets have no offline copy: " + ", ".join(sorted(set(refused)))
        )
    return html
