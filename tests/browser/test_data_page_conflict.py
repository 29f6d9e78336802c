"""Two people edit the same project at once in real browsers: the second save of the same
field is not dropped silently — it shows the conflict with both values, and the first save
stands."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, start_app, stop_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "my_data.py"
AMOUNT = "input[aria-label^='Total investment']:visible"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run` of the Data page over a store holding one project; yields (url, store)."""
    from data import importer
    from data.store import ProjectStore

    data_dir = tmp_path_factory.mktemp("conflict")
    store = ProjectStore(f"sqlite:///{data_dir / 'store.sqlite3'}")
    plan = importer.plan_import("项目名称,县市区,总投资\n产业园,邵东,1亿元\n".encode(), "a.csv")
    store.apply_import(plan, actor="seed")
    app = start_app(
        data_dir / "server.log",
        env={"SHAOYANG_DATA_DIR": str(data_dir), "DATABASE_URL": ""},
        script=str(PAGE),
    )
    yield app.url.rstrip("/"), store
    stop_app(app)
    store.close()


def open_editor(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/?lang=en")
    page.get_by_role("tab", name="My projects").click()
    page.locator(AMOUNT).first.wait_for()
    return context, page


def save(page, amount: str) -> None:
    box = page.locator(AMOUNT).first
    box.fill(amount)
    page.locator("button:visible", has_text="Save").first.click()


def test_the_second_save_of_the_same_field_shows_a_conflict(server, browser):
    url, store = server
    first_context, first = open_editor(browser, url)
    second_context, second = open_editor(browser, url)
    try:
        save(first, "20")
        expect(first.get_by_text("Saved.", exact=True)).to_be_visible()
        (project,) = store.list_projects()
        assert project["investment_yi"] == Decimal(20)

        save(second, "30")
        expect(second.get_by_text("Conflict:").first).to_be_visible()
        # Both values are shown to the second editor, and the first save stands.
        table = second.locator("[data-testid='stDataFrame']:visible").last
        expect(table).to_be_visible()
        (project,) = store.list_projects()
        assert project["investment_yi"] == Decimal(20)
    finally:
        first_context.close()
        second_context.close()


def test_hostile_xlsx_uploads_are_read_within_bounds_or_refused(server, browser, tmp_path):
    """The 1.6 KB file that declares A1:XFD50005 (once 7 GB in the server) reads as its one
    data row; the shared-string bomb is refused with a message. The server stays up."""
    from tests.data import hostile_files

    url, _store = server
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile_files.xlsx_dimension_bomb())
    strings = tmp_path / "strings.xlsx"
    strings.write_bytes(hostile_files.xlsx_shared_strings_bomb())
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{url}/?lang=en")
        uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
        uploader.set_input_files(str(bomb))
        expect(page.get_by_text("1 data rows", exact=False).first).to_be_visible()
        uploader.set_input_files(str(strings))
        # The message itself is in the problems table (a canvas grid); its heading is text.
        expect(page.get_by_text("1 problem(s) found").first).to_be_visible()
        expect(page.get_by_text("data rows", exact=False)).to_have_count(0)
        page.get_by_role("tab", name="My projects").click()  # the server still answers
    finally:
        context.close()
