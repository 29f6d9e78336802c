"""Real browser: the Story's spotlight, its share link, the targets table, and what a presenter
downloads (the spotlight print and the offline HTML opened from disk with the network cut)."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from components.map import symbols
from tests.browser.conftest import _COUNTY_SPOT, _POINT_SPOT, _STABLE, map_frame, open_context

pytestmark = pytest.mark.browser

STORY = "story"


# The first Story page of a fresh server builds its caches; on a busy machine that can take
# longer than the fixtures' 30 s default.
SLOW_MS = 90_000


def _open_story(page, query: str) -> None:
    page.set_default_timeout(SLOW_MS)
    page.goto(f"{page.app.url}{STORY}?{query}")
    map_frame(page)


def _download(page, label: str):
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return info.value


def _colour_pixels(image, hex_colour: str, tolerance: int = 40) -> list[tuple[int, int]]:
    """(x, y) of the pixels within `tolerance` (per channel) of `hex_colour`."""
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    rgb = image.convert("RGB")
    width, height = rgb.size
    pixels = rgb.load()
    return [
        (x, y)
        for y in range(0, height, 2)
        for x in range(0, width, 2)
        if all(abs(pixels[x, y][i] - target[i]) <= tolerance for i in range(3))
    ]


def test_spotlight_print_names_the_county_and_outlines_it(page):
    from PIL import Image

    _open_story(page, "step=5&county=430582&lang=en")
    expect(page.get_by_text("Shaodong City · 邵东市").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Its initiatives \(\d+\)$"))).to_be_visible()

    png = _download(page, "Print PNG")
    assert png.suggested_filename == "shaoyang-story-5-spotlight-430582-en.png"
    image = Image.open(io.BytesIO(png.path().read_bytes()))
    image.load()
    assert image.info["Title"] == "Shaodong City · 邵东市"
    # the county's outline, in the selection blue, drawn large in the map's part of the page
    width, height = image.size
    in_map = [
        (x, y) for x, y in _colour_pixels(image, symbols.SELECTED_COLOUR, 20) if y < height * 0.6
    ]
    assert len(in_map) > 500
    xs, ys = [x for x, _ in in_map], [y for _, y in in_map]
    assert max(xs) - min(xs) > width * 0.3
    assert max(ys) - min(ys) > height * 0.2
    assert page.traffic.blocked == []


def test_share_link_is_complete_copies_and_opens_the_same_step(browser, app_server):
    from tests.browser.conftest import Traffic

    traffic = Traffic()
    context = open_context(
        browser, app_server, traffic, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page = context.new_page()
        page.set_default_timeout(SLOW_MS)
        page.goto(f"{app_server.url}{STORY}?step=5&county=430581&lang=en")
        map_frame(page)
        code = page.locator('[data-testid="stCode"]').first
        link = code.inner_text().strip()
        assert unquote(link) == f"{app_server.url}story?step=5&lang=en&county=430581"
        code.hover()
        code.get_by_role("button").first.click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.strip() == link

        opened = context.new_page()
        opened.set_default_timeout(SLOW_MS)
        opened.goto(link)
        map_frame(opened)
        expect(opened.get_by_text("Wugang City · 武冈市").first).to_be_visible()
        assert traffic.blocked == []
    finally:
        context.close()


def test_targets_table_fits_and_is_in_english_at_1440_px(page):
    page.set_viewport_size({"width": 1440, "height": 1000})
    _open_story(page, "step=1&lang=en")
    table = page.locator('[data-testid="stTable"] table').first
    expect(table).to_contain_text("about 7%")
    expect(table).to_contain_text("45,000 people")
    expect(table).to_contain_text("at least 3.3 million tonnes")
    column = page.locator('[data-testid="stColumn"]').filter(has=table).last
    right = column.bounding_box()["x"] + column.bounding_box()["width"]
    cells = table.locator("tbody tr td:last-child")
    assert cells.count() == 11
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert box is not None and box["width"] > 20 and box["x"] + box["width"] <= right + 1
        text = cells.nth(i).inner_text()
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def _offline_viewer(browser, path):
    """A page showing `path` from file://, every other request aborted and recorded."""
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    own = path.as_uri()

    def only_the_file(route):
        if route.request.url == own:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda error: errors.append(str(error)))
    viewer.goto(own)
    viewer.wait_for_function("() => document.querySelectorAll('path.sy-county').length === 12")
    return context, viewer, blocked, errors


def _click(viewer, find: str, arg: str) -> None:
    # the offline file names its map window.syMap; some layers carry a feature without
    # properties (the divide between the report's two regions)
    find = find.replace("window.map", "window.syMap").replace(
        "layer.feature.properties.", "(layer.feature.properties || {})."
    )
    # Once the page and its fonts are in: a late font or layout shift moves the map under a
    # spot found too early (seen under load).
    viewer.wait_for_load_state("load")
    viewer.evaluate("() => document.fonts.ready.then(() => true)")
    spot = viewer.evaluate(_STABLE, [find, arg])
    assert spot is not None, f"nothing to click for {arg}"
    viewer.mouse.click(*spot)


@pytest.mark.parametrize(
    ("query", "label", "title", "county", "county_name", "legend_text"),
    [
        (
            "step=5&county=430582&lang=en",
            "Offline HTML",
            "Shaodong City · 邵东市",
            "430582",
            "Shaodong City",
            "County in the spotlight",
        ),
        (
            "step=1&lang=zh",
            "离线 HTML",
            "邵阳项目地图 · 全局与年度目标",
            "430581",
            "武冈市",
            "项目数",
        ),
    ],
)
def test_offline_html_from_disk_has_title_legend_and_click_cards(
    page, browser, tmp_path, query, label, title, county, county_name, legend_text
):
    _open_story(page, query)
    html = _download(page, label).path().read_text(encoding="utf-8")
    path = tmp_path / "story.html"
    path.write_text(html, encoding="utf-8")

    context, viewer, blocked, errors = _offline_viewer(browser, path)
    try:
        assert viewer.title() == title
        expect(viewer.locator("h1")).to_have_text(title)
        legend = viewer.locator(".sy-legend")
        expect(legend).to_be_visible()
        expect(legend).to_contain_text(legend_text)
        expect(viewer.locator(".sy-source")).to_contain_text("2024")
        card = viewer.locator("#sy-card")
        expect(card).to_be_hidden()

        _click(viewer, _COUNTY_SPOT, county)
        expect(card).to_be_visible()
        expect(card.locator("h3")).to_have_text(county_name)

        point = viewer.evaluate(
            """() => { let id = null;
                window.syMap.eachLayer((l) => {
                    if (id || !l._icon || !l.feature) { return; }
                    // A point whose icon is on top at its centre (nearby points may overlap).
                    const b = l._icon.getBoundingClientRect();
                    const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                    if (top && l._icon.contains(top)) { id = l.feature.properties.id; }
                });
                return id; }"""
        )
        if point:
            _click(viewer, _POINT_SPOT, point)
            expect(card).to_have_attribute("data-id", point)
            expect(card.locator("blockquote mark")).to_be_visible()
        viewer.locator("#sy-card-close").click()
        expect(card).to_be_hidden()
        assert errors == []
        assert blocked == []
    finally:
        context.close()
