"""Real-browser fixtures: the app under `streamlit run`, Debian's Chromium driven by Playwright.

- ``app_server``: `streamlit run app.py --server.headless true --server.port <free port>`,
  ready when /_stcore/health answers (polled, no fixed sleep); its log is printed when a test
  fails.
- ``page``: a fresh browser context in which every request to any host but the app's own is
  aborted AND recorded (``page.blocked``), as is every WebSocket (``page.sockets``).
- helpers to wait for the map and to find things inside the streamlit-folium iframe.

The browser is /usr/bin/chromium; Playwright never downloads one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
STARTUP_TIMEOUT_S = 60
TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def is_own(self, url: str) -> bool:
        """Whether a URL points at this app (any scheme the page may use for it)."""
        for host in ("127.0.0.1", "localhost", "[::1]"):
            for scheme in ("http", "ws"):
                if url.startswith(f"{scheme}://{host}:{self.port}/"):
                    return True
        return url.startswith(("data:", "blob:", "about:"))


def start_app(
    log_path: Path,
    env: dict[str, str] | None = None,
    script: str = "app.py",
    *,
    launcher: str | None = None,
    root: Path = ROOT,
    startup_timeout_s: float = STARTUP_TIMEOUT_S,
) -> AppServer:
    """Start the app on a free port and wait until /_stcore/health answers.

    ``script`` runs under ``python -m streamlit run``; a ``launcher`` (such as scripts/serve.py,
    which takes `streamlit run`'s options) runs instead when given. ``root``: the tree to run.
    """
    port = free_port()
    options = [
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    if launcher:
        command = [sys.executable, launcher, *options]
    else:
        command = [sys.executable, "-m", "streamlit", "run", script, *options]
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    server = AppServer(process, port, log_path)
    deadline = time.monotonic() + startup_timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_app(server)
            raise RuntimeError(f"the server did not become healthy:\n{server.log()}")
        time.sleep(0.05)  # a poll interval, not a wait for the app: the loop exits on health


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    server = start_app(tmp_path_factory.mktemp("streamlit") / "server.log")
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Traffic:
    requested: list[str] = field(default_factory=list)  # every request the page made
    blocked: list[str] = field(default_factory=list)  # those to another host (aborted)
    sockets: list[str] = field(default_factory=list)  # every WebSocket opened


def open_context(browser, server: AppServer, traffic: Traffic, **options):
    """A browser context that aborts and records every request not to ``server``."""
    options = {"viewport": {"width": 1400, "height": 1100}, "locale": "zh-CN", **options}
    context = browser.new_context(**options)

    def handle(route):
        url = route.request.url
        traffic.requested.append(url)
        if server.is_own(url):
            route.continue_()
        else:
            traffic.blocked.append(url)
            route.abort()

    context.route("**/*", handle)
    return context


@pytest.fixture
def page(browser, app_server, request):
    traffic = Traffic()
    context = open_context(browser, app_server, traffic)
    page = context.new_page()
    page.on("websocket", lambda ws: traffic.sockets.append(ws.url))
    page.set_default_timeout(TIMEOUT_MS)
    page.traffic = traffic
    page.app = app_server
    yield page
    context.close()
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        print(f"--- streamlit log ({app_server.log_path}) ---\n{app_server.log()}")
        print(f"--- blocked requests ---\n{traffic.blocked}")


_MAP_READY = """(sel) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    return !!(w && w.map && w.syOverlayStamp !== undefined
              && w.document.querySelectorAll('path.sy-county').length > 0);
}"""


def map_frame(page):
    """The streamlit-folium iframe's Frame, once its map has drawn its overlays.

    Waits from the page (the iframe is same-origin): the iframe starts as about:blank and is
    re-pointed at the component, which a Frame handle taken too early does not follow.
    """
    page.wait_for_function(_MAP_READY, arg=MAP_IFRAME)
    return page.query_selector(MAP_IFRAME).content_frame()


def overlay_stamp(page) -> str | None:
    return page.evaluate(
        "(sel) => { const f = document.querySelector(sel); return f && f.contentWindow && f.contentWindow.syOverlayStamp; }",
        MAP_IFRAME,
    )


def wait_for_new_overlays(page, previous_stamp: str | None) -> str:
    """Wait until the overlays were redrawn (their stamp changed); return the new stamp."""
    page.wait_for_function(
        """([sel, old]) => {
            const f = document.querySelector(sel);
            const s = f && f.contentWindow && f.contentWindow.syOverlayStamp;
            return s && s !== old;
        }""",
        arg=[MAP_IFRAME, previous_stamp],
    )
    return overlay_stamp(page)


# Waits (inside the page) until the spot found by `find` has stayed put for a few frames: the
# map may still be fitting itself to its container right after its first draw.
_STABLE = """async ([find, arg]) => {
    const locate = new Function("arg", find);
    let last = null, still = 0;
    for (let frame = 0; frame < 300 && still < 5; frame++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const spot = locate(arg);
        still = spot && last && spot[0] === last[0] && spot[1] === last[1] ? still + 1 : 0;
        last = spot;
    }
    return last;
}"""

_COUNTY_SPOT = """
    let target = null;
    window.map.eachLayer((layer) => {
        if (layer.feature && layer.feature.properties.adcode === arg && layer._path) { target = layer; }
    });
    if (!target) { return null; }
    const box = target._path.getBoundingClientRect();
    const candidates = [];
    const label = target.feature.properties.label;
    if (label) {
        const p = window.map.latLngToContainerPoint(label);
        const c = window.map.getContainer().getBoundingClientRect();
        candidates.push([c.left + p.x, c.top + p.y]);
    }
    for (let i = 1; i < 12; i++) {
        for (let j = 1; j < 12; j++) {
            candidates.push([box.left + box.width * i / 12, box.top + box.height * j / 12]);
        }
    }
    for (const [x, y] of candidates) {
        if (document.elementFromPoint(x, y) === target._path) { return [Math.round(x), Math.round(y)]; }
    }
    return null;
"""

_POINT_SPOT = """
    let icon = null;
    window.map.eachLayer((layer) => {
        if (layer.feature && layer.feature.properties.id === arg && layer._icon) { icon = layer._icon; }
    });
    if (!icon) { return null; }
    const r = icon.getBoundingClientRect();
    return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
"""


def _click_in_map(page, frame, find: str, arg: str) -> None:
    spot = frame.evaluate(_STABLE, [find, arg])
    assert spot is not None, f"nothing to click on the map for {arg}"
    box = page.query_selector(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])


def click_county(page, frame, adcode: str) -> None:
    """Click with the mouse on a spot of the county where its own polygon is on top."""
    _click_in_map(page, frame, _COUNTY_SPOT, adcode)


def click_initiative_point(page, frame, initiative_id: str) -> None:
    """Click with the mouse on the icon of a point initiative."""
    _click_in_map(page, frame, _POINT_SPOT, initiative_id)
