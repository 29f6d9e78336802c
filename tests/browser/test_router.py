"""The router in a real browser: every page at its ASCII address, with its menu entry marked, and
the first version's addresses (with their query parameters) opening the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

from components.i18n import t
from components.state.navigation import OLD_PATHS, PAGES

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'


def _settled(page) -> None:
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator(NAV_LINK)).to_have_count(len(PAGES))


def _path_and_query(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path.strip("/"), parse_qs(parts.query)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_each_page_opens_at_its_ascii_address_with_its_menu_entry(page, spec):
    page.goto(f"{page.app.url}{spec.key}?lang=en")
    _settled(page)
    assert _path_and_query(page.url)[0] == spec.key
    links = page.locator(NAV_LINK)
    # The menu is titled in the UI language and marks the page shown.
    expect(links).to_have_text([p.title("en") for p in PAGES])
    current = page.locator(f'{NAV_LINK}[aria-current="page"]')
    expect(current).to_have_text(spec.title("en"))
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


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
    assert {k: v[0] for k, v in params.items()} >= dict(p.split("=") for p in query.split("&"))
    current = page.locator(f'{NAV_LINK}[aria-current="page"]')
    expect(current).to_have_text(t(f"nav.{key}", "en"))
    if key == "county":
        expect(page.get_by_text("Xinning County").first).to_be_visible()
