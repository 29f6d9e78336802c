"""Real browser: report reader → map, story next/previous, and the story's exports."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import map_frame

pytestmark = pytest.mark.browser

READER = "report"
STORY = "story"
READER_IFRAME = 'iframe[title="st.iframe"], iframe[data-testid="stIFrame"]'


def _reader_frame(page):
    page.wait_for_selector(READER_IFRAME)
    frame = page.query_selector(READER_IFRAME).content_frame()
    frame.wait_for_selector("mark")
    return frame


def test_reader_highlights_every_initiative_and_scrolls_to_the_selected(page):
    page.goto(f"{page.app.url}{READER}?initiative=wugang-airport-link")
    frame = _reader_frame(page)
    assert frame.locator("mark").count() >= 150
    selected = frame.locator("mark.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text("武冈机场连接线")
    assert selected.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    expect(page.get_by_text("同一句里的其他项目")).to_be_visible()
    assert page.traffic.blocked == []


def test_clicking_a_highlighted_sentence_opens_the_map_on_that_initiative(page):
    page.goto(f"{page.app.url}{READER}")
    frame = _reader_frame(page)
    with page.context.expect_page() as opened:
        frame.locator('mark[data-ids*="langshan-tourism"] a').first.click()
    map_page = opened.value
    map_page.wait_for_load_state()
    assert "initiative=langshan-tourism" in map_page.url
    map_frame(map_page)
    card = map_page.locator('[data-testid="sy-initiative-card"]')
    expect(card).to_contain_text("崀山")
    expect(card.locator("mark").first).to_be_visible()


def test_story_next_and_previous(page):
    page.goto(f"{page.app.url}{STORY}")
    expect(page.get_by_text("1/5", exact=False).first).to_be_visible()
    map_frame(page)
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("2/5 产业集群与重点企业")).to_be_visible()
    page.wait_for_url("**step=2*")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("3/5 交通网络")).to_be_visible()
    page.get_by_role("button", name="上一步").click()
    expect(page.get_by_text("2/5 产业集群与重点企业")).to_be_visible()
    assert page.traffic.blocked == []


def _download(page, label: str):
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return info.value


def test_story_exports_png_pdf_and_offline_html(page, browser, tmp_path):
    from PIL import Image

    page.goto(f"{page.app.url}{STORY}?step=3")
    map_frame(page)

    png = _download(page, "打印 PNG").path().read_bytes()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] == 1240 and 1750 <= image.size[1] <= 1755  # A4 at 150 dpi

    pdf = _download(page, "打印 PDF").path().read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf

    html = _download(page, "离线 HTML").path().read_text(encoding="utf-8")
    assert '<script src="http' not in html
    offline = tmp_path / "story.html"
    offline.write_text(html, encoding="utf-8")
    blocked: list[str] = []
    context = browser.new_context()

    def only_the_file(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    try:
        viewer = context.new_page()
        errors = []
        viewer.on("pageerror", lambda error: errors.append(str(error)))
        viewer.goto(offline.as_uri())
        viewer.wait_for_function("() => document.querySelectorAll('path.sy-county').length === 12")
        assert errors == []
        assert blocked == []
    finally:
        context.close()


def test_county_profile_loads_from_its_link(page):
    page.goto(f"{page.app.url}{'county'}?county=430528")
    frame = map_frame(page)
    assert frame.locator("path.sy-county").count() == 12
    expect(page.get_by_text("新宁创建国家级全域旅游示范区").first).to_be_attached()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.traffic.blocked == []


def test_show_in_report_from_a_map_card_opens_the_reader_at_its_sentence(page):
    page.goto(f"{page.app.url}?initiative=chengbu-dairy-capital")
    map_frame(page)
    page.get_by_role("button", name="在报告中查看").first.click()
    page.wait_for_url(f"**/{READER}*")
    frame = _reader_frame(page)
    selected = frame.locator("mark.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text("城步打造“中国南方乳业之都”")


def test_the_page_menu_is_in_the_ui_language_and_moves_between_pages(page):
    page.goto(f"{page.app.url}?lang=en")
    map_frame(page)
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    expect(links).to_have_count(7)
    assert (
        page.locator('[data-testid="stSidebarNav"]').count() == 0
    )  # Streamlit's own, unlabelled menu
    expect(links.first).to_contain_text("Map")
    page.get_by_role("link", name="The report").click()
    page.wait_for_url(f"**/{READER}*")
    _reader_frame(page)
    expect(
        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').nth(1)
    ).to_contain_text("The report")
