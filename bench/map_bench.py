"""Benchmark the map page in a real browser (not a test): prints timings, bytes and memory.

    python bench/map_bench.py [--builds default,default naive,default floor,big,big naive,big floor]
                              [--rounds 2]
                              [--repeat 5] [--n 10000] [--sessions 10]

Four builds (and two floors): the real data and 10,000 synthetic initiatives (SHAOYANG_INITIATIVES), each with
this app, started as `make run` starts it (scripts/serve.py: warm, then serve), and with a naive
map: the same app drawing one folium object per feature (a Marker per point and per
county-placed symbol, a GeoJson per county and per route) and the full-detail county polygons,
started with a plain `streamlit run`. The floor ("default floor", "10k floor") is this app's
home map alone — the same view, base map, overlays and st_folium call — on an otherwise empty
Streamlit page: no sidebar, no text, no panel. It is what Streamlit and streamlit-folium take on
this machine to show this map at all, so it tells which targets the page itself can still meet
(it has no filters, so no filter figures). Each round starts a fresh server per build, in turn
(rounds alternate the builds, so the machine's load falls on all alike), drives headless
Debian Chromium with Playwright (every request to another host aborted and counted), and
measures:

- first map: from navigation start, and from the page's load event, to the overlays painted
  (cold = the fresh server's first visitor; warm = the median of the next ``repeat`` visitors,
  each a new browser context);
- where a warm visitor's first map waits (see PHASES);
- filter change: one more category picked in the sidebar; server = rerun request sent on the
  WebSocket to the script-finished message; browser = rerun request to the overlays painted;
- bytes for the map: the map component's WebSocket message plus everything its iframe
  downloaded (component code, Leaflet, plugin), as transferred;
- memory (real data, first round): the server's resident set (with its children) idle, and
  with ``sessions`` tabs open on the map at once.

Medians over all rounds. Results are also written to bench/out/map_bench.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

from data.schema import CATEGORIES, COMMITMENTS, SECTIONS  # noqa: E402
from geo.counties import load_counties  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_IFRAME,
    AppServer,
    Traffic,
    open_context,
    start_app,
    stop_app,
)

OUT = ROOT / "bench" / "out"
# The targets (issue 11): (build, what, test).
TARGETS = (
    ("default", "first map from navigation <= 1300 ms", lambda r, _: r["first_map_ms"] <= 1300),
    ("default", "naive / ours, first map >= 1.3x", lambda r, n: n["first_map_ms"] / r["first_map_ms"] >= 1.3),
    ("default", "fresh server's first visitor <= 2500 ms", lambda r, _: r["cold_first_map_ms"] <= 2500),
    ("default", "RSS with the live sessions <= 400 MB", lambda r, _: 0 < r["rss_sessions_mb"] <= 400),
    ("big", "naive / ours, first map >= 8x", lambda r, n: n["first_map_ms"] / r["first_map_ms"] >= 8),
    ("big", "filter rerun, server <= 200 ms", lambda r, _: r["filter_server_ms"] <= 200),
)  # fmt: skip

# The naive map: the same app drawn the way a first folium map is usually written — one folium
# object per feature (a Marker with its own tooltip per point and per county-placed symbol, a
# GeoJson per county and per route), the full-detail county polygons (no display set, no
# rounding) and folium's stock rendering. Everything else (data, caches, page, widgets) is the
# app's own.
NAIVE_LAUNCHER = """
import runpy
import sys

sys.path.insert(0, {root!r})

import folium
import shapely

from components import cache
from components.map import builder as map_builder

_counties = cache.counties
# Stock folium rendering (branca compiles each rendered part again): the builder's rendering
# without compiling is one of this app's own changes, not part of a naive map.
folium.elements.MacroElement.render = getattr(
    map_builder, "_BRANCA_MACRO_RENDER", folium.elements.MacroElement.render
)


def full_detail_counties(display=True):
    return _counties(display=False)


def naive_points_layer(points, county_names, lang, *, clustered, data=None):
    group = folium.FeatureGroup(name="naive")
    for row, geom in zip(points.to_dict("records"), points.geometry):
        folium.Marker(
            [geom.y, geom.x], tooltip=map_builder.point_tooltip(row, county_names, lang)
        ).add_to(group)
    return group


def _one_per_feature(build):
    def layer(*args, **kwargs):
        fast = build(*args, **kwargs)
        group = folium.FeatureGroup(name=fast.layer_name)
        for child in list(fast._children.values()):
            features = getattr(child, "data", {{}}).get("features")
            if features is None:
                child.add_to(group)
                continue
            for feature in features:
                style = feature["properties"]["style"]
                folium.GeoJson(
                    feature,
                    style_function=lambda _, style=style: style,
                    tooltip=folium.Tooltip(feature["properties"]["tip"], sticky=True),
                ).add_to(group)
        return group

    return layer


def naive_placed_layer(placed, basemap, lang, selected=None):
    group = folium.FeatureGroup(name="naive placed")
    for item in placed:
        folium.Marker(
            [item.lat, item.lon],
            icon=folium.DivIcon(html=map_builder.symbols.placed_svg(item.category, len(item.ids))),
            tooltip=item.tip,
        ).add_to(group)
    return group


def naive_choropleth_layer(counties, choropleth, clusters, lang, selected=(), shapes=None):
    group = folium.FeatureGroup(name="naive counties")
    polygons = dict(zip(counties["adcode"].astype(str), counties.geometry))
    for properties in map_builder.county_features(counties, choropleth, clusters, lang, selected):
        folium.GeoJson(
            shapely.geometry.mapping(polygons[properties["adcode"]]),
            style_function=lambda _, style=properties["style"]: style,
            tooltip=folium.Tooltip(properties["tip"], sticky=True),
        ).add_to(group)
    return group


cache.counties = full_detail_counties
if hasattr(map_builder, "county_features"):
    map_builder.choropleth_layer = naive_choropleth_layer
else:  # an older tree: its choropleth layer, split into one GeoJson per county
    map_builder._display_geometry = shapely.geometry.mapping
    map_builder.choropleth_layer = _one_per_feature(map_builder.choropleth_layer)
map_builder.routes_layer = _one_per_feature(map_builder.routes_layer)
map_builder.points_layer = naive_points_layer
map_builder.placed_layer = naive_placed_layer
runpy.run_path({app!r}, run_name="__main__")
"""


# The floor: the home map exactly as pages/explore/map.py draws it for a first visitor (same
# view, base map, overlays and st_folium arguments), and nothing else on the page.
FLOOR_LAUNCHER = """
import sys

sys.path.insert(0, {root!r})

import streamlit as st
from streamlit_folium import st_folium

from components import cache
from components.map import builder as map_builder
from components.map.events import RETURNED_OBJECTS
from components.map.offline_assets import ensure_vendor_files
from components.state.view_state import ViewState
from components.views.map import map_view

st.set_page_config(layout="wide")
ensure_vendor_files()
version, initiatives = cache.current_initiatives()
state = ViewState()
view = map_view(state, version, initiatives, home=True)
st_folium(
    map_builder.base_map(
        view.content.counties,
        basemap=state.basemap,
        lang=state.lang,
        regions=cache.region_layout(version, state.basemap, state.lang),
    ),
    key="sy_map",
    feature_group_to_add=map_builder.overlays(
        view.content, basemap=state.basemap, lang=state.lang, clustered=view.clustered
    ),
    layer_control=map_builder.layer_control(),
    returned_objects=list(RETURNED_OBJECTS),
    use_container_width=True,
    height=map_builder.MAP_HEIGHT_PX,
)
"""


# How the app is started: as `make run` does (scripts/serve.py: warm, then serve), and the naive
# build as a plain `streamlit run` of its launcher.
SERVE = str(ROOT / "scripts" / "serve.py")


def start_server(
    log_path: Path, env: dict[str, str] | None, script: str, root: Path = ROOT
) -> AppServer:
    """Start ``script`` (scripts/serve.py, or a Streamlit script) of the tree at ``root`` on a
    free port and wait until /_stcore/health answers (polled; a loaded machine warms slowly)."""
    if script == SERVE and (root / "scripts" / "serve.py").exists():
        launcher = str(root / "scripts" / "serve.py")
        return start_app(log_path, env, launcher=launcher, root=root, startup_timeout_s=300)
    # An older tree without the warm start (for before/after figures), or the naive launcher.
    target = "app.py" if script == SERVE else script
    return start_app(log_path, env, target, root=root, startup_timeout_s=300)


# ---------------------------------------------------------------------------------------------
# Synthetic data


def synthetic_initiatives(n: int, path: Path, seed: int = 2024) -> Path:
    """The real initiatives plus ``n`` synthetic points inside the 12 counties (valid records)."""
    rng = random.Random(seed)
    collection = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))
    real = collection["features"]
    counties = load_counties()
    minx, miny, maxx, maxy = counties.total_bounds
    features = list(real)
    made = 0
    while made < n:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        inside = counties[counties.contains(shapely.Point(lon, lat))]
        if inside.empty:
            continue
        donor = rng.choice(real)["properties"]
        category = rng.choice(CATEGORIES)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    **donor,
                    "id": f"synthetic-{made:05d}",
                    "name_zh": f"合成项目{made:05d}",
                    "name_en": f"Synthetic initiative {made:05d}",
                    "category": category,
                    "section": rng.choice(SECTIONS[1:]),
                    "counties": [str(inside.iloc[0]["adcode"])],
                    "precision": "town",
                    "commitment": rng.choice(COMMITMENTS),
                    "quantities": [],
                    "cluster": None,
                    "route_kind": None,
                    "route_status": None,
                    "route_status_note": None,
                    "counties_beyond_geometry": [],
                    "location_source": "synthetic benchmark point",
                },
            }
        )
        made += 1
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------------------------
# One browser session


@dataclass
class Run:
    label: str
    cold_first_map_ms: list[float] = field(default_factory=list)
    first_map_ms: list[float] = field(default_factory=list)
    first_map_after_load_ms: list[float] = field(default_factory=list)
    filter_server_ms: list[float] = field(default_factory=list)
    filter_browser_ms: list[float] = field(default_factory=list)
    map_message_bytes: int = 0
    map_asset_bytes: int = 0
    blocked: list[str] = field(default_factory=list)
    # Where a second visitor's first map waits, ms from navigation start (see PHASES).
    phases: dict[str, list[float]] = field(default_factory=dict)
    sessions: int = 0
    rss_idle_mb: float = 0.0  # the server after the page loads above, every tab closed
    rss_sessions_mb: float = 0.0  # the server with ``sessions`` tabs open on the map

    @property
    def map_bytes(self) -> int:
        return self.map_message_bytes + self.map_asset_bytes

    def summary(self) -> dict:
        def med(values: list[float]) -> float | None:
            return round(statistics.median(values), 1) if values else None

        return {
            "label": self.label,
            "cold_first_map_ms": med(self.cold_first_map_ms),
            "first_map_ms": med(self.first_map_ms),
            "first_map_after_load_ms": med(self.first_map_after_load_ms),
            "filter_server_ms": med(self.filter_server_ms),
            "filter_browser_ms": med(self.filter_browser_ms),
            "map_message_bytes": self.map_message_bytes,
            "map_asset_bytes": self.map_asset_bytes,
            "map_bytes": self.map_bytes,
            "blocked_requests": len(self.blocked),
            "sessions": self.sessions,
            "rss_idle_mb": round(self.rss_idle_mb),
            "rss_sessions_mb": round(self.rss_sessions_mb),
            "phases_ms": {name: med(values) for name, values in self.phases.items()},
        }


class Socket:
    """Streamlit's WebSocket, decoded: when reruns were requested and scripts finished."""

    def __init__(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._back, self._forward = BackMsg, ForwardMsg
        self.rerun_sent: list[float] = []
        self.finished: list[float] = []
        self.map_message_bytes: list[int] = []
        self.map_message_at: list[float] = []

    def attach(self, ws) -> None:
        # Playwright tags handlers with an attribute: plain functions, not bound methods.
        ws.on("framesent", lambda payload: self._sent(payload))
        ws.on("framereceived", lambda payload: self._received(payload))

    def _sent(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = self._back()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script":
            self.rerun_sent.append(time.time() * 1000)

    def _received(self, payload) -> None:
        if isinstance(payload, str):
            return
        now = time.time() * 1000
        message = self._forward()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.finished.append(now)
        elif kind == "delta" and b"streamlit_folium" in payload and b"feature_group" in payload:
            self.map_message_bytes.append(len(payload))
            self.map_message_at.append(now)


_DRAWN = """([sel]) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    if (!(w && w.map && w.syOverlayDrawnAt)) { return false; }
    return [w.syOverlayDrawnAt, w.syOverlayStamp];
}"""


def _drawn(
    page, previous_stamp: str | None = None, timeout_ms: float = 120_000
) -> tuple[float, str]:
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        result = page.wait_for_function(_DRAWN, arg=[MAP_IFRAME], timeout=timeout_ms).json_value()
        drawn_at, stamp = result
        if stamp != previous_stamp:
            return float(drawn_at), stamp
        if time.monotonic() > deadline:
            raise TimeoutError("the overlays were not redrawn")
        page.wait_for_function(
            "([sel, old]) => { const f = document.querySelector(sel); const w = f && f.contentWindow;"
            " return w && w.syOverlayStamp !== old; }",
            arg=[MAP_IFRAME, previous_stamp],
            timeout=timeout_ms,
        )


# What the browser waits for before the first map, in order. Times from the page's navigation
# start; the WebSocket ones are stamped when Playwright hands the frame to Python (a little
# late, never early).
PHASES = (
    ("page loaded", "the app's page and Streamlit's code (load event)"),
    ("rerun sent", "the browser asked the server to run the script"),
    ("map message", "the map's element arrived over the WebSocket"),
    ("script finished", "the server finished the script run"),
    ("iframe started", "the map component's iframe began loading"),
    ("leaflet loaded", "Leaflet (map.js) finished downloading in the iframe"),
    ("map script", "the iframe began running the map's script"),
    ("overlays drawn", "the overlays were painted (the first map)"),
)

_TIMES = r"""([sel]) => {
    const f = document.querySelector(sel);
    const w = f.contentWindow;
    const nav = performance.getEntriesByType("navigation")[0];
    const leaflet = w.performance.getEntriesByType("resource")
        .filter((e) => /\/map\.js$/.test(e.name))[0];
    return {origin: performance.timeOrigin, load: nav.loadEventEnd,
            frameOrigin: w.performance.timeOrigin,
            leaflet: leaflet ? w.performance.timeOrigin + leaflet.responseEnd : null,
            script: w.syMapScriptAt || null, drawn: w.syOverlayDrawnAt};
}"""


def _phases(page, socket: Socket) -> dict[str, float]:
    times = page.evaluate(_TIMES, [MAP_IFRAME])
    origin = times["origin"]
    stamps = {
        "page loaded": origin + times["load"] if times["load"] else None,
        "rerun sent": socket.rerun_sent[0] if socket.rerun_sent else None,
        "map message": socket.map_message_at[0] if socket.map_message_at else None,
        "script finished": socket.finished[0] if socket.finished else None,
        "iframe started": times["frameOrigin"],
        "leaflet loaded": times["leaflet"],
        "map script": times["script"],
        "overlays drawn": times["drawn"],
    }
    return {name: at - origin for name, at in stamps.items() if at}


def _iframe_asset_bytes(traffic_responses: list) -> int:
    total = 0
    for response in traffic_responses:
        frame_url = response.frame.url if response.frame else ""
        url = response.url
        if (
            "streamlit_folium" in frame_url
            or "/component/streamlit_folium" in url
            or "/app/static/" in url
        ):
            try:
                sizes = response.request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:  # noqa: BLE001 (a cancelled request has no sizes)
                continue
    return total


def _load(browser, server, run: Run, *, record_bytes: bool, cold: bool = False) -> tuple:
    traffic = Traffic()
    context = open_context(browser, server, traffic)
    page = context.new_page()
    # The naive build with 10,000 markers keeps a loaded machine's browser busy for long.
    page.set_default_timeout(120_000)
    socket = Socket()
    page.on("websocket", lambda ws: socket.attach(ws))
    responses: list = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server.url, wait_until="commit")
    drawn_at, stamp = _drawn(page)
    origin, load_end = page.evaluate(
        "() => [performance.timeOrigin, performance.getEntriesByType('navigation')[0].loadEventEnd]"
    )
    first = drawn_at - origin
    after_load = first - load_end if load_end else first
    run.blocked.extend(traffic.blocked)
    if not cold:
        for name, value in _phases(page, socket).items():
            run.phases.setdefault(name, []).append(value)
    if record_bytes:
        page.wait_for_load_state("networkidle")
        run.map_asset_bytes = _iframe_asset_bytes(responses)
        run.map_message_bytes = max(socket.map_message_bytes or [0])
    return context, page, socket, stamp, first, after_load


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def _live_sessions(browser, server, run: Run, count: int) -> None:
    """Open ``count`` tabs on the map at once (each its own session) and read the server's RSS
    while they are all live."""
    run.rss_idle_mb = rss_mb(server.process.pid)
    contexts = []
    try:
        for _ in range(count):
            context = open_context(browser, server, Traffic())
            page = context.new_page()
            page.goto(server.url, wait_until="commit")
            contexts.append((context, page))
        for _, page in contexts:
            _drawn(page)
        run.sessions = count
        run.rss_sessions_mb = rss_mb(server.process.pid)
    finally:
        for context, _ in contexts:
            context.close()


def _pick_category(page, option_label: str) -> None:
    from components.i18n import t

    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stMultiSelect"]').filter(
        has_text=t("sidebar.categories", "zh")
    )
    box.click()
    page.get_by_role("option", name=option_label, exact=True).click()
    page.keyboard.press("Escape")


def measure(
    run: Run,
    *,
    env: dict[str, str] | None,
    script: str,
    repeat: int,
    browser,
    sessions: int = 0,
    root: Path = ROOT,
    filters: bool = True,
) -> Run:
    """One round of one build: a fresh server, its first visitor, ``repeat`` more page loads
    (the first of them also changes the filter ``repeat`` times, if the build has filters),
    then ``sessions`` live tabs."""
    from components.i18n import t

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "server.log", env=env, script=script, root=root)
        try:
            context, *_rest, first, _ = _load(browser, server, run, record_bytes=False, cold=True)
            run.cold_first_map_ms.append(first)
            context.close()
            for i in range(repeat):
                context, page, socket, stamp, first, after_load = _load(
                    browser, server, run, record_bytes=i == 0
                )
                run.first_map_ms.append(first)
                run.first_map_after_load_ms.append(after_load)
                if i == 0 and filters:
                    for category in CATEGORIES[:repeat]:
                        sent_before = len(socket.rerun_sent)
                        finished_before = len(socket.finished)
                        _pick_category(page, t(f"category.{category}", "zh"))
                        drawn_at, stamp = _drawn(page, stamp)
                        # Socket events arrive between Playwright calls: poll until this
                        # rerun's script-finished message has been seen.
                        while len(socket.finished) <= finished_before:
                            page.wait_for_timeout(5)
                        sent = socket.rerun_sent[sent_before]
                        run.filter_server_ms.append(socket.finished[finished_before] - sent)
                        run.filter_browser_ms.append(drawn_at - sent)
                context.close()
            if sessions:
                _live_sessions(browser, server, run, sessions)
        except Exception:
            print(server.log()[-4000:], file=sys.stderr)
            raise
        finally:
            stop_app(server)
    return run


def launchers(tmp: Path) -> tuple[str, str]:
    """The naive and the floor launchers, beside links to the app's pages and static folder (the
    router finds its pages, and Streamlit its static files, beside the main script)."""
    naive, floor = tmp / "naive_app.py", tmp / "floor_app.py"
    naive.write_text(
        NAIVE_LAUNCHER.format(root=str(ROOT), app=str(ROOT / "app.py")), encoding="utf-8"
    )
    floor.write_text(FLOOR_LAUNCHER.format(root=str(ROOT)), encoding="utf-8")
    for folder in ("static", "pages"):
        (tmp / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return str(naive), str(floor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="page loads and filter changes per build"
    )
    parser.add_argument("--n", type=int, default=10_000, help="synthetic initiatives")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, alternating the builds")
    parser.add_argument(
        "--sessions", type=int, default=10, help="live tabs for the memory figure (real data)"
    )
    parser.add_argument(
        "--builds",
        default="default,default naive,default floor,big,big naive,big floor",
        help="which builds to measure, comma-separated (big = the synthetic dataset)",
    )
    parser.add_argument(
        "--before", help="an older tree of the app to measure alongside (before/after figures)"
    )
    args = parser.parse_args(argv)
    wanted = {b.strip().replace("big", f"{args.n // 1000}k") for b in args.builds.split(",")}

    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        synthetic = tmp / "synthetic.geojson"
        if any(not label.startswith("default") for label in wanted):
            synthetic_initiatives(args.n, synthetic)
        naive, floor = launchers(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        big = {"SHAOYANG_INITIATIVES": str(synthetic)}
        k = f"{args.n // 1000}k"
        plan = [
            ("default", None, SERVE, ROOT),
            ("default naive", None, naive, ROOT),
            ("default floor", None, floor, ROOT),
            (k, big, SERVE, ROOT),
            (f"{k} naive", big, naive, ROOT),
            (f"{k} floor", big, floor, ROOT),
        ]
        if args.before:
            # The same measurements of an older tree (e.g. `git archive <commit>`), in the same
            # rounds: before/after figures under the same load.
            before = Path(args.before).resolve()
            plan.insert(1, ("default before", None, SERVE, before))
            plan.insert(4, (f"{k} before", big, SERVE, before))
            wanted |= {f"{label} before" for label in wanted if " " not in label}
        plan = [step for step in plan if step[0] in wanted]
        # Rounds alternate the builds, so that a change in the machine's load hits all alike.
        for round_no in range(args.rounds):
            for label, env, script, root in plan:
                started = time.monotonic()
                run = runs.setdefault(label, Run(label))
                measure(
                    run,
                    env=env,
                    script=script,
                    repeat=args.repeat,
                    browser=browser,
                    sessions=args.sessions
                    if label.startswith("default") and "floor" not in label and round_no == 0
                    else 0,
                    root=root,
                    filters="floor" not in label,
                )
                # What is measured so far, in case a later build fails.
                (OUT / "map_bench.json").write_text(
                    json.dumps([r.summary() for r in runs.values()], indent=2), encoding="utf-8"
                )
                print(
                    f"  round {round_no + 1}: measured {label} in "
                    f"{time.monotonic() - started:.0f} s (load average {_load_average()})",
                    file=sys.stderr,
                )
        browser.close()

    summaries = [run.summary() for run in runs.values()]
    _print(summaries, args.n)
    (OUT / "map_bench.json").write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    return 0


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _print(summaries: list[dict], n: int) -> None:
    columns = [
        ("label", "build"),
        ("cold_first_map_ms", "cold first map ms"),
        ("first_map_ms", "first map ms (from nav)"),
        ("first_map_after_load_ms", "first map ms (after load)"),
        ("filter_server_ms", "filter server ms"),
        ("filter_browser_ms", "filter browser ms"),
        ("map_bytes", "map bytes"),
        ("blocked_requests", "blocked"),
        ("rss_idle_mb", "RSS MB idle"),
        ("rss_sessions_mb", "RSS MB, live sessions"),
    ]
    print(" | ".join(title for _, title in columns))
    for row in summaries:
        print(" | ".join(str(row[key]) for key, _ in columns))
    print("where a second visitor's first map waits (ms from navigation, medians):")
    print(" | ".join(["phase"] + [row["label"] for row in summaries]))
    for name, meaning in PHASES:
        values = [str(row["phases_ms"].get(name)) for row in summaries]
        print(" | ".join([name, *values]) + f"   ({meaning})")
    by_label = {row["label"]: row for row in summaries}
    for ours_label in ("default", f"{n // 1000}k"):
        ours = by_label.get(ours_label)
        naive, floor = by_label.get(f"{ours_label} naive"), by_label.get(f"{ours_label} floor")
        if ours and naive and ours["first_map_after_load_ms"]:
            print(
                f"{ours_label}: naive / ours — first map after load {naive['first_map_after_load_ms'] / ours['first_map_after_load_ms']:.1f}x, "
                f"from navigation {naive['first_map_ms'] / ours['first_map_ms']:.1f}x; "
                f"filter server {naive['filter_server_ms'] / ours['filter_server_ms']:.1f}x, "
                f"browser {naive['filter_browser_ms'] / ours['filter_browser_ms']:.1f}x"
            )
        if ours and floor and floor["first_map_ms"]:
            print(
                f"{ours_label}: the page around the map costs {ours['first_map_ms'] - floor['first_map_ms']:.0f} ms "
                f"(first map {ours['first_map_ms']:.0f} ms; the map alone on an empty page, the floor: "
                f"{floor['first_map_ms']:.0f} ms from navigation, of which the page's load "
                f"{floor['phases_ms'].get('page loaded') or 0:.0f} ms)"
            )
    print("targets:")
    for build, what, met in TARGETS:
        label = build.replace("big", f"{n // 1000}k")
        ours, naive = by_label.get(label), by_label.get(f"{label} naive")
        if ours is None or ("naive" in what and naive is None):
            continue
        print(f"  {label}: {what}: {'met' if met(ours, naive) else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
