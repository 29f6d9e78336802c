"""The map by hand and on a phone (Debian Chromium, touch emulation where it says phone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MAP_IFRAME, TIMEOUT_MS, Traffic, map_frame, open_context

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 720}}

# The centre of a county's largest visible part, in page coordinates, or null.
_COUNTY_CENTRE = """(adcode) => {
    let target = null;
    window.map.eachLayer((l) => {
        const p = l.feature && l.feature.properties;
        if (p && p.adcode === adcode && l._path) { target = l; }
    });
    const b = target._path.getBoundingClientRect();
    for (let i = 0; i < 60; i++) {
        const x = b.left + b.width * (0.3 + 0.4 * ((i * 7) % 10) / 10);
        const y = b.top + b.height * (0.2 + 0.6 * ((i * 3) % 10) / 10);
        if (document.elementFromPoint(x, y) === target._path) { return [x, y]; }
    }
    return null;
}"""


# Resolves once the same map object has kept its zoom and centre for 20 frames.
_SETTLED = """async () => {
    let last = null, still = 0;
    for (let frame = 0; frame < 600 && still < 20; frame++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = window.map && [window.map, window.map.getZoom(), String(window.map.getCenter())];
        still = now && last && now.every((v, i) => v === last[i]) ? still + 1 : 0;
        last = now;
    }
    return still;
}"""


@pytest.fixture
def open_page(browser, app_server):
    contexts = []

    def make(**options):
        context = open_context(browser, app_server, Traffic(), **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield make
    for context in contexts:
        context.close()


def county_point(page, frame, adcode: str) -> tuple[float, float]:
    """Where to touch ``adcode`` on the page: inside its polygon, below the fold if it is."""
    # Once Leaflet knows its container's final size (it learns it a frame after a resize).
    frame.wait_for_function(
        "() => window.map.getSize().x === window.map.getContainer().clientWidth"
    )
    spot = frame.evaluate(_COUNTY_CENTRE, adcode)
    assert spot is not None
    box = page.query_selector(MAP_IFRAME).bounding_box()
    return box["x"] + spot[0], box["y"] + spot[1]


def test_the_first_tap_on_a_county_partly_off_screen_selects_it_on_a_phone(open_page, app_server):
    page = open_page(**PHONE)
    page.goto(app_server.url)
    frame = map_frame(page)
    x, y = county_point(page, frame, "430529")  # 城步, at the bottom of the map
    box = page.query_selector(MAP_IFRAME).bounding_box()
    assert box["y"] + box["height"] > 844, "the map must reach below the phone's screen"
    page.touchscreen.tap(x, y)
    expect(page).to_have_url(re.compile(r"[?&]county=430529"))
    card = page.locator('[data-testid="sy-county-panel"]')
    expect(card).to_contain_text("城步苗族自治县")
    # The answer is where the user is looking: the card sits above the map, in view.
    assert card.bounding_box()["y"] < page.query_selector(MAP_IFRAME).bounding_box()["y"]


def test_the_first_click_on_a_county_partly_off_screen_selects_it_on_a_laptop(
    open_page, app_server
):
    page = open_page(**LAPTOP)
    page.goto(app_server.url)
    frame = map_frame(page)
    box = page.query_selector(MAP_IFRAME).bounding_box()
    assert box["y"] + box["height"] > 720
    x, y = county_point(page, frame, "430524")  # 隆回
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"[?&]county=430524"))
    expect(page.locator('[data-testid="sy-county-panel"]')).to_contain_text("隆回县")


def test_a_county_tooltip_is_wider_than_tall_and_inside_the_map(open_page, app_server):
    page = open_page(**LAPTOP)
    page.goto(app_server.url)
    frame = map_frame(page)
    x, y = county_point(page, frame, "430582")
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("邵东市")
    tip = tooltip.bounding_box()  # page coordinates, as is the map's frame below
    assert tip["width"] > tip["height"], tip
    inside = page.query_selector(MAP_IFRAME).bounding_box()
    assert (
        inside["x"] - 1 <= tip["x"] and tip["x"] + tip["width"] <= inside["x"] + inside["width"] + 1
    )
    assert (
        inside["y"] - 1 <= tip["y"] and tip["y"] + tip["height"] <= inside["y"] + inside["height"]
    )


def test_on_a_phone_search_pick_shows_the_card_and_the_sidebar_closes(open_page, app_server):
    page = open_page(**PHONE)
    page.goto(app_server.url)
    map_frame(page)
    # The page's own search box (the sidebar is closed on a phone).
    box = page.locator(".st-key-sy-phone-search input")
    box.fill("卤菜")
    box.press("Enter")
    pick = page.locator(".st-key-sy-phone-search").get_by_role("button", name="武冈卤制品产业集群")
    pick.tap()
    card = page.locator('[data-testid="sy-initiative-card"]')
    expect(card).to_contain_text("武冈卤制品产业集群")
    top = card.bounding_box()["y"]
    assert 0 <= top < 844, "the card is in view without scrolling"
    # Through the sidebar: it closes itself after the pick.
    page.get_by_test_id("stExpandSidebarButton").tap()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    query = sidebar.locator("input[type=text]").first
    query.fill("shaodong")
    query.press("Enter")
    sidebar.get_by_role("button", name="邵东市").first.tap()
    expect(page.locator('[data-testid="sy-county-panel"]')).to_contain_text("邵东市")
    expect(sidebar).to_have_attribute("data-collapsed", "true")


def test_a_one_finger_swipe_on_the_map_scrolls_the_page(open_page, app_server):
    page = open_page(**PHONE)
    page.goto(app_server.url)
    frame = map_frame(page)
    page.wait_for_load_state("networkidle")
    main = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"
    centre = "() => window.map.getCenter().toString()"
    before, where = page.evaluate(main), frame.evaluate(centre)
    box = page.query_selector(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, 780)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x, "y": y - 30 * step}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function(f"() => ({main})() > {before} + 100")
    assert frame.evaluate(centre) == where, "one finger scrolls the page, not the map"


def test_the_address_keeps_the_view_a_link_reopens_it_and_reset_returns(open_page, app_server):
    page = open_page(**LAPTOP)
    page.goto(app_server.url + "?county=430581")
    frame = map_frame(page)
    expect(page).to_have_url(re.compile(r"[?&]view=[0-9.]+,[0-9.]+,[0-9.]+"))  # once laid out
    # Move the map (again, should its first layout still be settling).
    frame.wait_for_function(
        """() => { const m = window.map;
            if (m.getZoom() !== 10.5) { m.setView([26.73, 110.63], 10.5, {animate: false}); }
            return m.getZoom() === 10.5; }"""
    )
    expect(page).to_have_url(re.compile(r"[?&]view=26\.73\d*,110\.63\d*,10\.5"))
    link = page.url
    assert "county=430581" in link
    again = open_page(**LAPTOP)
    again.goto(link)
    frame2 = map_frame(again)
    frame2.wait_for_function("() => window.map.getZoom() === 10.5")
    lat, lng = frame2.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 26.73) < 0.001 and abs(lng - 110.63) < 0.001
    expect(again.locator('[data-testid="sy-county-panel"]')).to_contain_text("武冈市")
    # The reset button fits the whole city again (once the map has stopped being set up: the
    # component may draw its first map twice).
    frame2.evaluate(_SETTLED)
    frame2.locator(".sy-reset a").click()
    frame2.wait_for_function("() => window.map.getZoom() < 9")


def test_a_page_picked_from_the_menu_on_a_phone_is_shown_with_the_sidebar_put_away(
    open_page, app_server
):
    page = open_page(**PHONE)
    page.goto(app_server.url)
    map_frame(page)
    page.get_by_test_id("stExpandSidebarButton").tap()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.locator('[data-testid="stSidebarNav"] a', has_text="报告原文").tap()
    page.wait_for_url("**/report*")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    expect(page.get_by_text("报告原文").first).to_be_visible()
