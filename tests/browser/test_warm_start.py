"""The warm start (scripts/serve.py, what `make run` runs) serves the whole map."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.state.navigation import PAGES
from tests.browser.conftest import (
    TIMEOUT_MS,
    AppServer,
    Traffic,
    map_frame,
    open_context,
    start_app,
    stop_app,
)

pytestmark = pytest.mark.browser


def start_warm(log_path) -> AppServer:
    """The app as `make run` starts it: scripts/serve.py warms up, then serves."""
    return start_app(log_path, launcher="scripts/serve.py", startup_timeout_s=180)


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
