"""Load test of the served app (not a test): K browser sessions at once, one replica vs three.

    python bench/load_test.py [--sessions 20] [--replicas 1 3] [--deadline 900]

For each replica count it runs ``scripts/serve_cluster.sh`` (nginx in front, one shared
PostgreSQL started here on loopback), waits for its ``ready`` file, and opens K sessions at
once in one headless Debian Chromium (K browser contexts, each its own Streamlit session, every
request to another host aborted). Each session loads the map, picks one more category in the
sidebar (the filter) and clicks a county (the county panel). It prints p50/p95 of first-map and
filter times, the errors, how the sessions spread over the replicas, and each replica's peak
RSS (sampled from /proc every 200 ms). With two or more replicas it then imports two files at
the same time through two sessions pinned to different replicas, and checks that every row of
both is in the shared store.

Loopback only; everything it starts is stopped; the whole run stops by itself after
``--deadline`` seconds. Results go to bench/out/load_test.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    _COUNTY_SPOT,
    _STABLE,
    CHROMIUM,
    MAP_IFRAME,
    free_port,
)

OUT = ROOT / "bench" / "out"
# The flags the issue asks for, plus the ones the test fixtures use to keep Chromium quiet.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COUNTIES = ("430582", "430528", "430524", "430581", "430529", "430525")
CATEGORY_LABELS = ("基础设施", "文化旅游", "产业项目", "产业集群", "农业农村", "生态环保")
SESSION_TIMEOUT_S = 240
DATA_PAGE = "data"

_DRAWN = """([sel]) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    if (!(w && w.map && w.syOverlayDrawnAt
          && w.document.querySelectorAll('path.sy-county').length > 0)) { return false; }
    return [w.syOverlayDrawnAt, w.syOverlayStamp];
}"""
_NEW_STAMP = """([sel, old]) => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    return !!(w && w.syOverlayStamp && w.syOverlayStamp !== old);
}"""


# ---------------------------------------------------------------------------------------------
# The cluster


@dataclass
class Cluster:
    process: subprocess.Popen
    run_dir: Path
    url: str
    replicas: dict[str, int]  # "127.0.0.1:port" -> pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_cluster(replicas: int, database_url: str, run_dir: Path, deadline: float) -> Cluster:
    port = free_port()
    log = open(run_dir / "serve_cluster.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [
            "bash",
            "scripts/serve_cluster.sh",
            "--replicas",
            str(replicas),
            "--listen",
            f"127.0.0.1:{port}",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SHAOYANG_CLUSTER_DIR": str(run_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: a hard stop reaches every child
    )
    ready = run_dir / "ready"
    while not ready.exists():
        if process.poll() is not None:
            raise RuntimeError((run_dir / "serve_cluster.log").read_text())
        if time.monotonic() > deadline:
            process.send_signal(signal.SIGTERM)
            raise TimeoutError("the cluster did not become ready")
        time.sleep(0.2)  # polling for the ready file, not waiting for the app
    lines = dict(line.split("=", 1) for line in ready.read_text().splitlines() if "=" in line)
    found = {}
    for key, value in lines.items():
        if key.startswith("replica_"):
            address, pid = value.split(" pid=")
            found[address] = int(pid)
    return Cluster(process, run_dir, lines["url"], found)


class RssSampler(threading.Thread):
    """Peak resident memory of each replica, read from /proc every 200 ms."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_kb = dict.fromkeys(pids, 0)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for address, pid in self.pids.items():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kb[address] = max(self.peak_kb[address], int(line.split()[1]))
            self._halt.wait(0.2)

    def stop(self) -> dict[str, float]:
        self._halt.set()
        self.join()
        return {a: round(kb / 1024, 1) for a, kb in self.peak_kb.items()}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# One session


@dataclass
class Session:
    index: int
    replica: str = ""
    first_map_ms: float | None = None
    after_load_ms: float | None = None  # the same, from the page's load event
    filter_ms: float | None = None
    county_ms: float | None = None
    errors: list[str] = field(default_factory=list)
    reruns_sent: list[float] = field(default_factory=list)  # monotonic s, rerun requested
    scripts_done: list[float] = field(default_factory=list)  # monotonic s, script finished

    def watch(self, ws) -> None:
        """Record, from Streamlit's WebSocket, when reruns are asked for and when they end."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload) -> None:
            if isinstance(payload, bytes):
                message = BackMsg()
                message.ParseFromString(payload)
                if message.WhichOneof("type") == "rerun_script":
                    self.reruns_sent.append(time.monotonic())

        def received(payload) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg()
                message.ParseFromString(payload)
                if message.WhichOneof("type") == "script_finished":
                    self.scripts_done.append(time.monotonic())

        ws.on("framesent", sent)
        ws.on("framereceived", received)

    def server_ms(self, run: int) -> float | None:
        """The server's time for the `run`-th rerun: request sent to script finished."""
        if len(self.reruns_sent) <= run:
            return None
        asked = self.reruns_sent[run]
        done = [t for t in self.scripts_done if t >= asked]
        return (done[0] - asked) * 1000 if done else None


async def new_context(browser, base: str):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    own = base.rstrip("/")

    async def route(request_route):
        url = request_route.request.url
        if url.startswith((own, own.replace("http", "ws", 1), "data:", "blob:", "about:")):
            await request_route.continue_()
        else:
            await request_route.abort()

    await context.route("**/*", route)
    return context


async def run_session(browser, base: str, index: int) -> Session:
    session = Session(index)
    context = await new_context(browser, base)
    page = await context.new_page()
    page.set_default_timeout(SESSION_TIMEOUT_S * 1000)
    page.on("pageerror", lambda exc: session.errors.append(f"pageerror: {exc}"))
    page.on("websocket", session.watch)
    try:
        response = await page.goto(base, wait_until="commit")
        session.replica = (response.headers if response else {}).get("x-shaoyang-replica", "")
        handle = await page.wait_for_function(_DRAWN, arg=[MAP_IFRAME])
        drawn_at, stamp = await handle.json_value()
        origin, load_end = await page.evaluate(
            "() => [performance.timeOrigin,"
            " performance.getEntriesByType('navigation')[0].loadEventEnd]"
        )
        session.first_map_ms = drawn_at - origin
        session.after_load_ms = drawn_at - origin - load_end if load_end else None

        # The filter: one more category in the sidebar's category list.
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
        started = time.monotonic()
        await box.click()
        label = CATEGORY_LABELS[index % len(CATEGORY_LABELS)]
        await page.get_by_role("option", name=label, exact=True).click()
        await page.keyboard.press("Escape")
        await page.wait_for_function(_NEW_STAMP, arg=[MAP_IFRAME, stamp])
        session.filter_ms = (time.monotonic() - started) * 1000

        # Open a county: click inside its polygon, wait for its panel.
        adcode = COUNTIES[index % len(COUNTIES)]
        frame = await (await page.query_selector(MAP_IFRAME)).content_frame()
        spot = await frame.evaluate(_STABLE, [_COUNTY_SPOT, adcode])
        if spot is None:
            raise RuntimeError(f"county {adcode} not clickable")
        frame_box = await (await page.query_selector(MAP_IFRAME)).bounding_box()
        started = time.monotonic()
        await page.mouse.click(frame_box["x"] + spot[0], frame_box["y"] + spot[1])
        await page.locator('[data-testid="sy-county-panel"]').first.wait_for(state="visible")
        session.county_ms = (time.monotonic() - started) * 1000
        if await page.locator('[data-testid="stException"]').count():
            session.errors.append("a Streamlit exception is shown")
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        session.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()
    return session


# ---------------------------------------------------------------------------------------------
# Concurrent imports through two replicas


def _import_csv(tag: str, rows: int) -> bytes:
    lines = ["项目名称,县市区,总投资,状态"]
    counties = ("邵东市", "新宁县", "隆回县", "武冈市")
    lines += [f"负载测试{tag}项目{i:03d},{counties[i % 4]},{i + 1}亿元,在建" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


async def pinned_context(browser, base: str, replica: str, tries: int = 40):
    """A context whose sticky cookie sends it to `replica` (found by asking nginx)."""
    for _ in range(tries):
        context = await new_context(browser, base)
        response = await context.request.get(base)
        if response.headers.get("x-shaoyang-replica") == replica:
            return context
        await context.close()
    raise RuntimeError(f"could not pin a session to {replica}")


async def import_through(browser, base: str, replica: str, tag: str, rows: int, folder: Path):
    from playwright.async_api import expect

    context = await pinned_context(browser, base, replica)
    page = await context.new_page()
    page.set_default_timeout(SESSION_TIMEOUT_S * 1000)
    try:
        await page.goto(f"{base}{DATA_PAGE}?lang=zh")
        path = folder / f"import_{tag}.csv"
        path.write_bytes(_import_csv(tag, rows))
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
        button = page.get_by_role("button", name="导入", exact=True)
        await expect(button).to_be_enabled(timeout=SESSION_TIMEOUT_S * 1000)
        await button.click()
        await page.get_by_text("已导入").first.wait_for()
    finally:
        await context.close()


def stored_names(database_url: str) -> set[str]:
    from data.store import ProjectStore

    store = ProjectStore(database_url)
    try:
        return set(store.projects_frame()["name_zh"])
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# The run


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


async def load(cluster: Cluster, sessions: int, database_url: str, folder: Path) -> dict:
    from playwright.async_api import async_playwright

    sampler = RssSampler(cluster.replicas)
    sampler.start()
    cpu_before = {a: cpu_seconds(pid) for a, pid in cluster.replicas.items()}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        started = time.monotonic()
        results = await asyncio.gather(
            *(run_session(browser, cluster.url, i) for i in range(sessions))
        )
        wall_s = time.monotonic() - started
        cpu_used = {
            a: round(cpu_seconds(pid) - cpu_before[a], 1) for a, pid in cluster.replicas.items()
        }
        imports = None
        if len(cluster.replicas) >= 2:
            rows = 50
            first, second = list(cluster.replicas)[:2]
            before = stored_names(database_url)
            await asyncio.gather(
                import_through(browser, cluster.url, first, "A", rows, folder),
                import_through(browser, cluster.url, second, "B", rows, folder),
            )
            after = stored_names(database_url)
            wanted = {f"负载测试{tag}项目{i:03d}" for tag in "AB" for i in range(rows)}
            imports = {
                "rows_sent": 2 * rows,
                "through": [first, second],
                "new_in_store": len(after - before),
                "missing": sorted(wanted - after)[:10],
                "lost": len(wanted - after),
            }
        await browser.close()
    peaks = sampler.stop()
    first_map = [s.first_map_ms for s in results if s.first_map_ms is not None]
    filters = [s.filter_ms for s in results if s.filter_ms is not None]
    after_load = [s.after_load_ms for s in results if s.after_load_ms is not None]
    counties = [s.county_ms for s in results if s.county_ms is not None]
    server_first = [v for s in results if (v := s.server_ms(0)) is not None]
    server_filter = [v for s in results if (v := s.server_ms(1)) is not None]
    spread: dict[str, int] = {}
    for s in results:
        spread[s.replica or "?"] = spread.get(s.replica or "?", 0) + 1
    errors = [f"session {s.index}: {e}" for s in results for e in s.errors]
    return {
        "replicas": len(cluster.replicas),
        "sessions": sessions,
        "wall_s": round(wall_s, 1),
        "first_map_p50_ms": pct(first_map, 50),
        "first_map_p95_ms": pct(first_map, 95),
        "first_map_after_load_p50_ms": pct(after_load, 50),
        "first_map_after_load_p95_ms": pct(after_load, 95),
        "filter_p50_ms": pct(filters, 50),
        "filter_p95_ms": pct(filters, 95),
        "county_p50_ms": pct(counties, 50),
        "county_p95_ms": pct(counties, 95),
        "server_first_run_p50_ms": pct(server_first, 50),
        "server_first_run_p95_ms": pct(server_first, 95),
        "server_filter_p50_ms": pct(server_filter, 50),
        "server_filter_p95_ms": pct(server_filter, 95),
        "replica_cpu_s": cpu_used,
        "sessions_with_errors": sum(1 for s in results if s.errors),
        "errors": errors[:20],
        "sessions_per_replica": spread,
        "peak_rss_mb": peaks,
        "concurrent_imports": imports,
    }


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:.1f}"


def print_table(results: list[dict]) -> None:
    print(f"\n{os.cpu_count()} CPU cores shared by the browser, nginx and the replicas\n")
    print(
        "| replicas | sessions | first map p50 / p95 (s) | after load event p50 (s) "
        "| filter p50 / p95 (s) "
        "| server: first run, filter p50 (s) | county p50 (s) | errors | peak RSS per replica (MB) "
        "| CPU per replica (s) | sessions per replica |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rss = ", ".join(f"{v:.0f}" for v in r["peak_rss_mb"].values())
        cpu = ", ".join(f"{v:.0f}" for v in r["replica_cpu_s"].values())
        spread = ", ".join(str(n) for n in r["sessions_per_replica"].values())
        print(
            f"| {r['replicas']} | {r['sessions']} "
            f"| {_s(r['first_map_p50_ms'])} / {_s(r['first_map_p95_ms'])} "
            f"| {_s(r['first_map_after_load_p50_ms'])} "
            f"| {_s(r['filter_p50_ms'])} / {_s(r['filter_p95_ms'])} "
            f"| {_s(r['server_first_run_p50_ms'])}, {_s(r['server_filter_p50_ms'])} "
            f"| {_s(r['county_p50_ms'])} | {r['sessions_with_errors']} | {rss} | {cpu} | {spread} |"
        )
    for r in results:
        if r["concurrent_imports"]:
            i = r["concurrent_imports"]
            print(
                f"\nconcurrent imports through {i['through'][0]} and {i['through'][1]}: "
                f"{i['rows_sent']} rows sent, {i['new_in_store']} new in the store, "
                f"{i['lost']} lost"
            )
        for error in r["errors"]:
            print(f"  {r['replicas']} replica(s): {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--deadline", type=float, default=900, help="seconds for the whole run")
    args = parser.parse_args()
    if args.sessions < 1 or any(n < 1 for n in args.replicas):
        parser.error("sessions and replicas must be positive")
    deadline = time.monotonic() + args.deadline

    def out_of_time(*_args):
        raise TimeoutError(f"the load test ran past its {args.deadline:.0f} s deadline")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.deadline))
    results = []
    with tempfile.TemporaryDirectory(prefix="shaoyang-load-") as tmp:
        tmp_path = Path(tmp)
        # Beside, not inside, the 0700 temporary folder: the server runs as `postgres`.
        pg_dir = Path(tempfile.gettempdir()) / f"shaoyang-load-pg-{os.getpid()}"
        pg_env = {**os.environ, "SHAOYANG_PG_DIR": str(pg_dir), "SHAOYANG_PG_DB": "load"}
        started = subprocess.run(
            ["bash", "scripts/start_postgres.sh"],
            cwd=ROOT,
            env=pg_env,
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode:
            print(started.stderr, file=sys.stderr)
            return 2
        database_url = started.stdout.strip().splitlines()[-1].split("=", 1)[1]
        try:
            for replicas in args.replicas:
                run_dir = tmp_path / f"cluster-{replicas}"
                run_dir.mkdir()
                cluster = start_cluster(replicas, database_url, run_dir, deadline)
                try:
                    print(f"{replicas} replica(s) ready at {cluster.url}; {args.sessions} sessions")
                    results.append(
                        asyncio.run(load(cluster, args.sessions, database_url, tmp_path))
                    )
                finally:
                    cluster.stop()
        finally:
            signal.alarm(0)
            subprocess.run(
                ["bash", "scripts/start_postgres.sh", "--stop"], cwd=ROOT, env=pg_env, check=False
            )
    print_table(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "load_test.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    lost = sum((r["concurrent_imports"] or {}).get("lost", 0) for r in results)
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
