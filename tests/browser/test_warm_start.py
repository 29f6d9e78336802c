"""The warm start (scripts/serve.py, what `make run` runs) serves the whole map."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from components.state.navigation import PAGES
from tests.browser.conftest import (
    ROOT,
    TIMEOUT_MS,
    AppServer,
    Traffic,
    free_port,
    map_frame,
    open_context,
    stop_app,
)

pytestmark = pytest.mark.browser


def start_warm(log_path) -> AppServer:
    port = free_port()
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "scripts/serve.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = AppServer(process, port, log_path)
    deadline = time.monotonic() + 180
    while True:
        assert process.poll() is None, server.log()
        try:
            with urllib.request.urlopen(f"{server.url}_stcore/health", timeout=1):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)  # a poll interval: the loop ends on health
    return server


@pytest.fixture(scope="module")
def warm_server(tmp_path_factory):
    server = start_warm(tmp_path_factory.mktemp("serve") / "server.log")
    yield server
    stop_app(server)


def test_health_answers_only_once_warm_and_the_first_visitor_gets_the_map(browser, warm_server):
    assert "warmed up" in warm_server.log()
    context = open_context(browser, warm_server, Traffic())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(warm_server.url)
        frame = map_frame(page)
        assert frame.locator("path.sy-county").count() == 12
        assert frame.locator(".sy-placed-label, .sy-placed").count() > 0
    finally:
        context.close()


def test_a_shared_page_link_as_the_first_visit_opens_that_page_without_a_notice(browser, tmp_path):
    """A new server's very first session, at /report: app.py's menu and the page, and no
    "page not found" notice from Streamlit's older multipage mode."""
    server = start_warm(tmp_path / "server.log")
    context = open_context(browser, server, Traffic())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{server.url}report?lang=en")
        links = page.locator('[data-testid="stSidebarNav"] a span[label]')
        expect(links).to_have_count(len(PAGES))
        expect(page.get_by_text("The report").first).to_be_visible()
        expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
        assert page.url.split("?")[0].endswith("/report")
        expect(page.get_by_text("Page not found")).to_have_count(0)
    finally:
        context.close()
        stop_app(server)
