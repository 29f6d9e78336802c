"""Serve Leaflet (and its marker-cluster plugin) from the app itself, never from a CDN.

folium names its JavaScript/CSS as CDN URLs, and streamlit-folium's frontend loads exactly the
URLs the map declares. ``localise`` rewrites every declared asset of a map to a file under the
app's ``static/vendor/`` folder (served by Streamlit at ``app/static/`` when
``server.enableStaticServing`` is on) and drops the ones this map does not use; an asset with no
local copy raises instead of silently reaching the internet.

``ensure_vendor_files`` builds that folder at startup from the installed PyPI XStatic packages
(so no third-party file is committed): one ``map.js`` (Leaflet, then the plugin) and one
``map.css`` beside Leaflet's images. One file of each kind, because streamlit-folium loads the
scripts one after the other and every extra request delays the first map.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import branca.colormap
import folium
from folium.elements import JSCSSMixin

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
VENDOR = "vendor"
# streamlit-folium loads the assets inside its component iframe, served at
# <base>/component/streamlit_folium.st_folium/index.html; going two levels up keeps the links
# right under any server.baseUrlPath.
URL_PREFIX = "../../app/static/" + VENDOR
BUNDLE_JS = "map.js"
BUNDLE_CSS = "map.css"


@dataclass(frozen=True)
class Package:
    module: str  # the XStatic package
    js: tuple[str, ...]  # files in its data dir, in load order
    css: tuple[str, ...]
    folders: tuple[str, ...] = ()  # copied beside the bundle (the CSS refers to them)


PACKAGES = (
    Package("xstatic.pkg.leaflet", ("leaflet.js",), ("leaflet.css",), ("images",)),
    Package(
        "xstatic.pkg.leaflet_markercluster",
        ("leaflet.markercluster.js",),
        ("MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
)

# folium's asset names -> the bundle file that holds them
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": BUNDLE_JS,
    "markerclusterjs": BUNDLE_JS,
    "leaflet_css": BUNDLE_CSS,
    "markerclustercss": BUNDLE_CSS,
    "markerclusterdefaultcss": BUNDLE_CSS,
}
# folium.Map declares these for popups and icon fonts; this map uses none of them
# (tooltips are plain Leaflet, icons are inline SVG), so they are left out rather than served.
UNUSED_ASSETS = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


class NoLocalAsset(LookupError):
    """A map element declares a JS/CSS asset that has no local copy."""


def _source(package: Package) -> tuple[Path, str]:
    module = importlib.import_module(package.module)
    return Path(module.BASE_DIR), str(module.VERSION)


def bundle_folder() -> str:
    """The bundle's folder under static/vendor, named by the package versions (so a browser
    never mixes an old cached file with a new one)."""
    versions = "-".join(_source(package)[1] for package in PACKAGES)
    return f"map-{versions}"


def local_url(asset: str) -> str:
    """The app-relative URL of one of folium's named assets."""
    if asset not in LOCAL_ASSETS:
        raise NoLocalAsset(f"no local copy of {asset!r}; add it to offline_assets.LOCAL_ASSETS")
    return f"{URL_PREFIX}/{bundle_folder()}/{LOCAL_ASSETS[asset]}"


def _concatenate(paths: list[Path], separator: str) -> str:
    return separator.join(path.read_text(encoding="utf-8") for path in paths)


def ensure_vendor_files(static_dir: Path = STATIC_DIR) -> Path:
    """Build ``static_dir/vendor/<bundle>`` once (atomically: safe with concurrent sessions)."""
    vendor = static_dir / VENDOR
    target = vendor / bundle_folder()
    if target.is_dir():
        return vendor
    vendor.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".map-", dir=vendor))
    scripts: list[Path] = []
    styles: list[Path] = []
    for package in PACKAGES:
        source, _ = _source(package)
        scripts += [source / name for name in package.js]
        styles += [source / name for name in package.css]
        for folder in package.folders:
            shutil.copytree(source / folder, staging / folder)
    # ";" keeps two scripts apart even if the first lacks a final semicolon.
    (staging / BUNDLE_JS).write_text(_concatenate(scripts, "\n;\n"), encoding="utf-8")
    (staging / BUNDLE_CSS).write_text(_concatenate(styles, "\n"), encoding="utf-8")
    try:
        os.rename(staging, target)
    except OSError:
        # Another process finished first: its copy is identical.
        shutil.rmtree(staging, ignore_errors=True)
    return vendor


def _localised(links: list[tuple[str, str]], seen: set[str]) -> list[tuple[str, str]]:
    """Local links for ``links``, without unused assets and without a URL already in ``seen``
    (Leaflet and the plugin share one file, which must be loaded once)."""
    result = []
    for name, _ in links:
        if name in UNUSED_ASSETS:
            continue
        url = local_url(name)
        if url not in seen:
            seen.add(url)
            result.append((name, url))
    return result


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localise(root: folium.Element) -> None:
    """Point every asset declared under ``root`` at its local copy (instance-level, in place).

    Raises NoLocalAsset for an asset without a local copy, and for a branca colormap, for which
    streamlit-folium adds d3 from a CDN on its own.
    """
    seen: set[str] = set()
    for element in _walk(root):
        if isinstance(element, branca.colormap.ColorMap):
            raise NoLocalAsset("branca colormaps make streamlit-folium load d3 from a CDN")
        if isinstance(element, JSCSSMixin):
            # Assign new lists: the defaults are class attributes shared by every map.
            element.default_js = _localised(element.default_js, seen)
            element.default_css = _localised(element.default_css, seen)
