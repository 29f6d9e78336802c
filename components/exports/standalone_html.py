"""A folium map as one HTML file that works offline: no CDN script or stylesheet.

folium links Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers from CDNs.
Leaflet and jQuery are inlined from the installed XStatic packages (same versions folium
names); Leaflet's marker and layer images become data: URIs. A map made by our map builder
links the app's own Leaflet bundle (components/offline_assets) instead: that is inlined too. Bootstrap, the glyphicons,
Font Awesome and awesome-markers only serve `folium.Icon` markers, which our maps do not use
(one GeoJson layer per dataset), so they are dropped; a map that does use
`folium.Icon` is refused rather than exported broken. Any other external asset is refused too.

Tile layers are not assets: their images are fetched while panning, so an offline copy shows
the overlays on a blank background.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import folium
import xstatic.pkg.jquery as xstatic_jquery
import xstatic.pkg.leaflet as xstatic_leaflet

from components.map import offline_assets
from components.map.builder import script_safe

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


def standalone_html(folium_map: folium.Map, page: ExportPage | None = None) -> str:
    """The complete HTML of `folium_map` with every external script and stylesheet inlined
    (or dropped when unused); raises OfflineAssetError for an asset it cannot supply. With
    `page`, the map gets a title, legend, source line and date, and a click on a county or
    initiative opens its card."""
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
    return html if page is None else _framed(html, page, folium_map.get_name())


# ---------------------------------------------------------------------------------------------
# A page around the map: title, legend, source line, and a card opened by a click


@dataclass(frozen=True)
class ExportPage:
    """What the offline HTML shows around the map. `legend_html` and the cards are HTML that
    is already escaped (components.map.legend, components.exports.story_map); every other field is text."""

    lang: str
    title: str
    subtitle: str = ""
    legend_html: str = ""
    source: str = ""
    made_on: str = ""
    close_label: str = "×"
    cards: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


PAGE_CSS = """
<style>
html, body { height: auto; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: #1f2328; background: #ffffff; }
.sy-export-head { padding: 12px 20px 8px; }
.sy-export-head h1 { font-size: 22px; margin: 0 0 4px; }
.sy-export-head p { margin: 0; color: #444; font-size: 14px; }
.sy-export-foot { padding: 10px 20px 18px; font-size: 13px; }
.sy-export-foot .sy-source { color: #555; margin-top: 10px; font-size: 12px; }
#sy-card { position: fixed; top: 90px; right: 16px; z-index: 5000; width: min(360px, 80vw);
  max-height: 70vh; overflow: auto; background: #fff; border: 1px solid #999;
  border-radius: 6px; box-shadow: 0 2px 10px rgba(0,0,0,.25); padding: 10px 14px;
  font-size: 13.5px; line-height: 1.5; }
#sy-card[hidden] { display: none; }
#sy-card h3 { font-size: 16px; margin: 0 26px 4px 0; }
#sy-card .sy-meta { color: #555; margin: 0 0 6px; }
#sy-card blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #ccc; }
#sy-card ul { padding-left: 18px; margin: 4px 0; }
#sy-card mark { background: #fff1a8; }
#sy-card-close { position: absolute; top: 6px; right: 8px; border: none; background: none;
  font-size: 20px; cursor: pointer; }
</style>
"""

CARD_SCRIPT = """
<script>
(function (map, cards) {
    window.syMap = map;  // for the browser tests, as streamlit-folium's window.map
    var box = document.getElementById("sy-card");
    var body = document.getElementById("sy-card-body");
    function show(kind, id) {
        var html = (cards[kind] || {})[id];
        if (!html) { return; }
        body.innerHTML = html;  // cards are escaped when the file is made
        box.hidden = false;
        box.setAttribute("data-kind", kind);
        box.setAttribute("data-id", id);
    }
    function attach(layer) {
        var p = layer.feature && layer.feature.properties;
        if (!p || layer.syCard) { return; }
        layer.syCard = true;
        // an initiative (a site, a line, or a symbol placed in its county) before its county
        if (p.id) { layer.on("click", function () { show("initiative", p.id); }); }
        else if (p.adcode) { layer.on("click", function () { show("county", p.adcode); }); }
    }
    map.eachLayer(attach);
    // symbols placed in counties come and go with the zoom
    map.on("layeradd", function (e) { attach(e.layer); });
    document.getElementById("sy-card-close").addEventListener("click", function () {
        box.hidden = true;
    });
})(%(map)s, %(cards)s);
</script>
"""


def _page_parts(page: ExportPage, map_name: str) -> tuple[str, str, str, str]:
    """(head, top of body, end of body, script after the map's own) HTML for `page`."""
    head = f"<title>{escape(page.title)}</title>" + PAGE_CSS
    subtitle = f"<p>{escape(page.subtitle)}</p>" if page.subtitle else ""
    top = (
        f'<header class="sy-export-head"><h1>{escape(page.title)}</h1>{subtitle}</header>'
        f'<aside id="sy-card" role="dialog" hidden><button id="sy-card-close" type="button" '
        f'aria-label="{escape(page.close_label)}">×</button><div id="sy-card-body"></div></aside>'
    )
    source = " · ".join(part for part in (page.source, page.made_on) if part)
    bottom = (
        f'<footer class="sy-export-foot">{page.legend_html}'
        f'<div class="sy-source">{escape(source)}</div></footer>'
    )
    cards = script_safe(json.dumps(page.cards, ensure_ascii=False))
    return head, top, bottom, CARD_SCRIPT % {"map": map_name, "cards": cards}


def _framed(html: str, page: ExportPage, map_name: str) -> str:
    head, top, bottom, script = _page_parts(page, map_name)
    html = re.sub(r"<html\b[^>]*>", f'<html lang="{escape(page.lang)}">', html, count=1)
    html = html.replace("</head>", head + "</head>", 1)
    html = re.sub(r"<body\b[^>]*>", lambda match: match.group(0) + top, html, count=1)
    body_end = html.rfind("</body>")
    html = html[:body_end] + bottom + html[body_end:]
    # folium writes the map's script after </body>: the cards' script must come after it.
    html_end = html.rfind("</html>")
    return html[:html_end] + script + html[html_end:]
