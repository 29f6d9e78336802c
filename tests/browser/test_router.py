"""The router in a real browser: every page at its ASCII address, with its menu entry marked, and
the first version's addresses (with their query parameters) opening the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

from components.i18n import t
from components.state.navigation import GROUPS, OLD_PATHS, PAGES, group_title
from tests.browser.conftest import TIMEOUT_MS, start_app, stop_app

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'
NAV_LABEL = f"{NAV_LINK} span[label]"


def _settled(page) -> None:
    # A fresh server's first run imports everything: allow it the app's start-up time.
    expect(page.locator(NAV_LINK)).to_have_count(len(PAGES), timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=TIMEOUT_MS)


def _path_and_query(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path.strip("/"), parse_qs(parts.query)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_each_page_opens_at_its_ascii_address_with_its_menu_entry(page, spec):
    page.goto(f"{page.app.url}{spec.key}?lang=en")
    _settled(page)
    assert _path_and_query(page.url)[0] == spec.key
    # The menu is titled in the UI language, in its three sections, and marks the page shown.
    expect(page.locator(NAV_LABEL)).to_have_text([p.title("en") for p in PAGES])
    expect(page.locator('[data-testid="stNavSectionHeader"]')).to_contain_text(
        [group_title(group, "en") for group in GROUPS]
    )
    current = page.locator(f'{NAV_LINK}[aria-current="page"] span[label]')
    expect(current).to_have_text(spec.title("en"))
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_deep_link_as_a_fresh_servers_first_visit_gets_the_apps_menu(browser, tmp_path):
    """The first session of a new process, opened at a page's address: Streamlit's older
    multipage mode must not run the page without app.py's menu."""
    server = start_app(tmp_path / "server.log", env={"SHAOYANG_DATA_DIR": str(tmp_path)})
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.url}report?lang=en")
        _settled(page)
        expect(page.locator(NAV_LABEL)).to_have_text([p.title("en") for p in PAGES])
        assert _path_and_query(page.url)[0] == "report"
        context.close()
    finally:
        stop_app(server)


def test_root_opens_the_map_keeping_the_query(page):
    page.goto(f"{page.app.url}?county=430582&lang=en")
    _settled(page)
    path, query = _path_and_query(page.url)
    assert path == "map"
    assert query["county"] == ["430582"] and query["lang"] == ["en"]
    # The county's panel is open, as the query asked.
    expect(page.get_by_text("Shaodong City").first).to_be_visible()


@pytest.mark.parametrize("old", ["县区_County", "报告_Report"])
def test_an_old_address_with_its_query_opens_the_same_view(page, old):
    key = OLD_PATHS[old]
    query = "county=430528&lang=en" if key == "county" else "initiative=shaoyong-hsr&lang=en"
    page.goto(f"{page.app.url}{quote(old)}?{query}")
    _settled(page)
    path, params = _path_and_query(page.url)
    assert path == key
    wanted = dict(pair.split("=") for pair in query.split("&"))
    assert {k: v[0] for k, v in params.items() if k in wanted} == wanted
    current = page.locator(f'{NAV_LINK}[aria-current="page"] span[label]')
    expect(current).to_have_text(t(f"nav.{key}", "en"))
    if key == "county":
        expect(page.get_by_text("Xinning County").first).to_be_visible()


def test_the_menu_keeps_language_and_filters_across_pages(page):
    """Each page's widgets are its own to Streamlit: without care the next page's sidebar would
    start from its defaults (Chinese, no filters) and rewrite the address without them."""
    page.goto(f"{page.app.url}map?lang=en&counties=430582")
    _settled(page)
    page.locator(NAV_LINK, has_text="The report").click()
    page.wait_for_url("**/report?*")
    _settled(page)
    _, query = _path_and_query(page.url)
    assert query["lang"] == ["en"] and query["counties"] == ["430582"]
    english = page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"] button').nth(1)
    expect(english).to_have_attribute("aria-checked", "true")
    expect(
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
    ).to_contain_text("Shaodong")
