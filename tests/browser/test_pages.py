"""The Balance and Explorer pages in a real browser: they load cleanly and offline, and the
Explorer's CSV download is UTF-8 with a BOM and the documented header."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from components.views.explorer import REPORT_COLUMNS
from tests.browser.conftest import TIMEOUT_MS, Traffic, open_context, start_app, stop_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]
BALANCE = "balance"
EXPLORER = "explorer"
SETTLED = '[data-testid="stDownloadButton"], [data-testid="stException"]'


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory):
    """The app under `streamlit run` with an empty store in a temporary data directory."""
    data_dir = tmp_path_factory.mktemp("pages_store")
    server = start_app(data_dir / "server.log", env={"SHAOYANG_DATA_DIR": str(data_dir)})
    yield server
    stop_app(server)


@pytest.fixture
def tab(browser, pages_server, request):
    traffic = Traffic()
    context = open_context(browser, pages_server, traffic, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.traffic = traffic
    yield page
    context.close()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"--- streamlit log ---\n{pages_server.log()}")
        print(f"--- blocked requests ---\n{traffic.blocked}")


def open_page(tab, url: str) -> None:
    """Go to a page and wait until its script has finished (its downloads drawn) or failed."""
    tab.goto(url)
    tab.wait_for_selector(SETTLED)
    expect(tab.locator('[data-testid="stStatusWidget"]')).to_have_count(0)


@pytest.mark.parametrize("path", [BALANCE, EXPLORER])
def test_page_loads_without_an_exception_and_offline(tab, pages_server, path):
    open_page(tab, pages_server.url + path)
    assert tab.locator('[data-testid="stException"]').count() == 0
    expect(tab.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
    tab.wait_for_load_state("networkidle")
    assert tab.traffic.blocked == [], "the page must not contact any other host"


def test_balance_page_shows_indices_and_both_charts(tab, pages_server):
    open_page(tab, pages_server.url + BALANCE + "?lang=en")
    table = tab.locator('[data-testid="stTable"]')
    expect(table).to_contain_text("Population-weighted CV (Williamson)")
    expect(table).to_contain_text(
        "Theil T between groups: eastern town cluster vs western eco circle"
    )
    expect(tab.locator('[data-testid="stVegaLiteChart"]')).to_have_count(2)
    expect(tab.locator('[data-testid="stAlertContentWarning"]')).to_contain_text("Xinning County")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", len(FEATURES)),
        (
            "?categories=tourism",
            sum(f["properties"]["category"] == "tourism" for f in FEATURES),
        ),
    ],
)
def test_explorer_csv_download_is_utf8_bom_with_the_documented_header(
    tab, pages_server, query, expected
):
    open_page(tab, pages_server.url + EXPLORER + query)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载 CSV", exact=True).click()
    assert download.value.suggested_filename == "shaoyang_initiatives.csv"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert tuple(rows[0]) == REPORT_COLUMNS
    assert len(rows) == expected + 1
    assert {row[0] for row in rows[1:]} == {"report"}


def test_balance_xlsx_download_has_the_counties_and_a_column_dictionary(tab, pages_server):
    from openpyxl import load_workbook

    open_page(tab, pages_server.url + BALANCE)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载 XLSX（含字段说明）", exact=True).click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    data, dictionary = book.worksheets
    assert data.max_row == 1 + 12 + 1  # header, the 12 counties, the city-wide row
    header = [cell.value for cell in data[1]]
    explained = [row[0].value for row in dictionary.iter_rows(min_row=4)]
    assert header[:3] == ["adcode", "name_zh", "name_en"] and explained == header


def test_explorer_geopackage_download_in_gauss_kruger_has_the_listed_items(tab, pages_server):
    import geopandas as gpd
    import pyogrio

    open_page(tab, pages_server.url + EXPLORER + "?categories=infrastructure")
    box = tab.get_by_role("combobox", name="坐标系")
    expect(box).to_be_visible()
    box.click()
    box.fill("EPSG:4546")  # the list filters as one types
    expect(tab.get_by_role("option")).to_have_count(1)
    tab.keyboard.press("Enter")
    expect(box).to_have_value("CGCS2000 3度带高斯-克吕格 中央经线111°E，米（EPSG:4546）")
    expect(tab.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载 GeoPackage", exact=True).click()
    assert download.value.suggested_filename == "shaoyang_initiatives_4546.gpkg"
    path = Path(download.value.path())
    layers = dict(pyogrio.list_layers(path))
    assert pyogrio.read_info(path, layer="counties")["crs"] == "EPSG:4546"
    listed = sum(
        len(gpd.read_file(path, layer=name))
        for name in layers
        if name.startswith(("initiatives_", "routes"))
    )
    assert listed == sum(f["properties"]["category"] == "infrastructure" for f in FEATURES)
    routes = gpd.read_file(path, layer="routes")
    assert set(routes["category_label"]) == {"基础设施"}
