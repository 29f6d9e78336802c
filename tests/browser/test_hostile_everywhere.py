"""Hostile project text never runs as script on any page that shows the planner's data.

A temporary store holds projects in 邵东 named with an onerror image and a <script> (plus an RTL
override, a control character, a ``javascript:`` note and a 5,000-character variant). The app is
served by `streamlit run`; the map (``?source=mine``, tooltip hovered), the Explorer
(``?source=mine``, a project picked), the Balance page, the Data page and the report reader are
visited in Chromium. On every page and in every frame: ``window.__pwned`` stays undefined, no
``<img src="x">`` exists, no dialog opens and no exception is shown.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    MAP_IFRAME,
    TIMEOUT_MS,
    Traffic,
    map_frame,
    open_context,
    start_app,
    stop_app,
)

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
NAME = HOSTILE + "\u202e邵东\x07"
LONG_NAME = (HOSTILE + "长" * 5000)[:5000]
SHAODONG = "430582"
EXPLORER = "explorer"
BALANCE = "balance"
DATA = "data"
READER = "report"


def _record(name: str, lon: float | None, lat: float | None, amount: Decimal | None):
    from data import importer

    return importer.ProjectRecord(
        row=0,
        project_id=None,
        name_zh=name,
        name_en=name,
        counties=(SHAODONG,),
        town=None,
        lon=lon,
        lat=lat,
        precision="site" if lon is not None else "county",
        location_source=HOSTILE,
        category="industrial_project",
        status="under_construction",
        investment_yi=amount,
        start_date=None,
        end_date=None,
        responsible_unit=HOSTILE,
        note="javascript:alert(1)",
    )


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The app over a store of hostile projects, made with the store API before it starts.

    The 5,000-character name is longer than an import accepts: it is stored directly, to prove
    that the pages do not rely on the importer's limits to stay safe.
    """
    from data.store import ProjectStore

    data_dir = tmp_path_factory.mktemp("hostile_everywhere")
    store = ProjectStore(f"sqlite:///{data_dir / 'store.sqlite3'}")
    store.add_project(_record(NAME, 111.74, 27.25, Decimal("12.5")), actor=HOSTILE)
    store.add_project(_record(LONG_NAME, 111.60, 27.32, None), actor=HOSTILE)
    store.add_project(_record(HOSTILE + " 县级", None, None, Decimal("3")), actor=HOSTILE)
    store.close()
    server = start_app(data_dir / "server.log", env={"SHAOYANG_DATA_DIR": str(data_dir)})
    yield server
    stop_app(server)


@pytest.fixture
def tab(browser, hostile_server, request):
    traffic = Traffic()
    context = open_context(browser, hostile_server, traffic)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"--- streamlit log ---\n{hostile_server.log()}")


_FRAME_STATE = """() => ({
    pwned: typeof window.__pwned,
    images: document.querySelectorAll('img[src="x"]').length,
})"""


def settle(page, ready: str) -> None:
    """Wait for ``ready`` and for the script run to end (no running indicator)."""
    page.wait_for_selector(ready)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)


def assert_clean(page) -> int:
    """No injected script ran and no injected image exists, in the page and every frame;
    returns how many frames were checked."""
    checked = 0
    for frame in page.frames:
        if frame.is_detached():
            continue
        state = frame.evaluate(_FRAME_STATE)
        assert state == {"pwned": "undefined", "images": 0}, (frame.url, state)
        checked += 1
    assert page.dialogs == []
    assert page.locator('[data-testid="stException"]').count() == 0
    return checked


def _hover_my_point(page, frame) -> None:
    """Move the mouse onto the first "my data" diamond (the map may still be settling)."""
    spot = frame.evaluate(
        """async () => {
            let last = null;
            for (let i = 0; i < 60; i++) {
                await new Promise((r) => requestAnimationFrame(r));
                const icon = document.querySelector('.sy-mine');
                if (!icon) { continue; }
                const r = icon.getBoundingClientRect();
                const now = [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
                if (last && now[0] === last[0] && now[1] === last[1]) { return now; }
                last = now;
            }
            return last;
        }"""
    )
    assert spot is not None
    box = page.query_selector(MAP_IFRAME).bounding_box()
    page.mouse.move(box["x"] + spot[0], box["y"] + spot[1])


def test_map_with_my_data(tab, hostile_server):
    tab.goto(f"{hostile_server.url}?source=mine")
    frame = map_frame(tab)
    frame.wait_for_function("() => document.querySelectorAll('.sy-mine').length === 2")
    settle(tab, MAP_IFRAME)
    _hover_my_point(tab, frame)
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    tab.wait_for_timeout(300)  # time for an injected image's onerror, were there one
    assert_clean(tab)
    expect(tooltip).to_contain_text("<img src=x")  # shown as text
    expect(tooltip).to_contain_text("12.5 亿元")
    assert frame.locator(".leaflet-tooltip script, .leaflet-tooltip img").count() == 0
    expect(tab.get_by_text("我的数据（黑边菱形）")).to_be_visible()
    # The project without coordinates is listed under the map.
    tab.get_by_text("我的数据中不在地图上的项目（1 项").click()
    settle(tab, '[data-testid="stDataFrame"]')
    assert assert_clean(tab) >= 2


def test_explorer_with_my_data(tab, hostile_server):
    tab.goto(f"{hostile_server.url}{EXPLORER}?source=mine&q=img")
    settle(tab, '[data-testid="stDownloadButton"]')
    assert assert_clean(tab) >= 1
    # Pick the first row (one of the planner's projects: the query matches no report item).
    grid = tab.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    tab.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    settle(tab, '[data-testid="stDataFrame"] >> nth=1')
    expect(tab.get_by_text("我的项目（来自我的数据，不是报告内容）")).to_be_visible()
    assert assert_clean(tab) >= 1


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        (BALANCE, '[data-testid="stDownloadButton"]'),
        (DATA, 'text="我的项目数据"'),
        (READER, 'iframe[title="st.iframe"], iframe[data-testid="stIFrame"]'),
    ],
)
def test_other_pages(tab, hostile_server, path, ready):
    tab.goto(f"{hostile_server.url}{path}")
    settle(tab, ready)
    assert assert_clean(tab) >= 1
