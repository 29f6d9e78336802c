"""Hostile text stored by planners never runs as script on the Data page (real Chromium).

A store seeded with HTML, <script>, onerror images, javascript: URLs, RTL marks and control
characters in every field is served by `streamlit run`; every tab, table, select list and form
is opened, and the test fails if any dialog (alert) fires or an injected element reaches the DOM.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app, stop_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "my_data.py"

PAYLOADS = [
    "<script>alert('name')</script>",
    "<img src=x onerror=alert('img')>",
    "javascript:alert('url')",
    "[click](javascript:alert('md'))",
    "**bold** <b>b</b> \u202eevil\u202c \x07bell",
    "<svg onload=alert('svg')>",
    "x" * 280,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run` of the Data page over a store full of hostile text; yields its URL."""
    from data import importer
    from data.store import ProjectStore

    data_dir = tmp_path_factory.mktemp("hostile")
    store = ProjectStore(f"sqlite:///{data_dir / 'store.sqlite3'}")
    counties = ["邵东", "新宁", "隆回", "武冈", "城步", "双清", "大祥"]
    lines = ["项目名称,英文名称,县市区,责任单位,备注,状态,总投资"]
    for payload, county in zip(PAYLOADS, counties, strict=False):
        cell = '"' + payload.replace('"', '""') + '"'
        lines.append(f"{cell},{cell},{county},{cell},{cell},在建,1亿元")
    plan = importer.plan_import("\n".join(lines).encode(), "hostile.csv", existing=store.existing())
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor=PAYLOADS[0])
    store.annotate(
        "shaoyong-hsr", {"note": PAYLOADS[1], "responsible_unit": PAYLOADS[3]}, actor=PAYLOADS[2]
    )
    store.close()

    app = start_app(
        data_dir / "server.log",
        env={"SHAOYANG_DATA_DIR": str(data_dir), "DATABASE_URL": ""},
        script=str(PAGE),
    )
    yield app.url.rstrip("/")
    stop_app(app)


def test_no_script_runs_anywhere_on_the_data_page(server, browser):
    dialogs: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{server}/?lang=zh")
        page.get_by_text("我的项目数据").first.wait_for(timeout=30_000)
        for tab in ("我的项目", "补充报告条目", "修改记录", "导出", "导入"):
            page.get_by_role("tab", name=tab).click()
            expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
            # Open every select list on the tab so that its options are rendered too.
            for box in page.locator("[data-testid='stSelectbox']").all():
                if box.is_visible():
                    box.click()
                    # Give the list a moment to render its options (the hostile text), if it opens.
                    page.wait_for_timeout(200)
                    page.keyboard.press("Escape")
        page.get_by_role("tab", name="我的项目").click()
        expect(page.get_by_role("tab", name="我的项目")).to_have_attribute("aria-selected", "true")
        injected = page.evaluate(
            """() => ({
                images: document.querySelectorAll('img[src="x"], svg[onload]').length,
                scripts: [...document.scripts].filter(s => s.textContent.includes("alert(")).length,
                jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
                bold: document.querySelectorAll('b').length,
            })"""
        )
        # The hostile text is there, as text: the form shows the chosen project's name (waited
        # for, since the tab's form may still be arriving from the server).
        page.wait_for_function(
            """() => [...document.querySelectorAll("input[type='text'], textarea")]
                .some(e => e.value.startsWith("<script>"))""",
            timeout=30_000,
        )
        values = page.locator("input[type='text'], textarea").evaluate_all(
            "els => els.map(e => e.value)"
        )
    finally:
        context.close()
    assert dialogs == []
    assert injected == {"images": 0, "scripts": 0, "jsLinks": 0, "bold": 0}
    assert any(
        v.startswith("<script>") or v.startswith("<img") or "javascript:" in v for v in values
    ), values
