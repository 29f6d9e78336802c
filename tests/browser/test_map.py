"""The map in a real browser: offline, complete, clickable, shareable, bilingual."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from data.loaders import read_public_county_facts
from tests.browser.conftest import MAP_IFRAME, click_county, click_initiative_point, map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]
POINTS = [f for f in FEATURES if f["geometry"] and f["geometry"]["type"] == "Point"]
LINES = [f for f in FEATURES if f["geometry"] and "LineString" in f["geometry"]["type"]]


def test_default_map_draws_every_layer_without_leaving_the_machine(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    page.wait_for_load_state("networkidle")

    assert frame.locator("path.sy-county").count() == 12
    assert frame.locator(".sy-label").count() == 12
    assert frame.locator(".sy-point").count() == len(POINTS)
    assert frame.locator("path.sy-route").count() == len(LINES)
    assert page.traffic.blocked == [], "the default map must not contact any other host"
    assert all(page.app.is_own(url) for url in page.traffic.sockets)
    # Leaflet came from the app's own static folder.
    assert any(
        "/app/static/vendor/map-" in url and url.endswith("/map.js")
        for url in page.traffic.requested
    )


def test_clicking_a_county_opens_its_panel(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    click_county(page, frame, "430582")

    panel = page.locator('[data-testid="sy-county-panel"]')
    expect(panel).to_contain_text("邵东市")
    expect(panel).to_contain_text("常住人口")
    expect(page).to_have_url(re.compile(r"[?&]county=430582"))
    expect(frame.locator("path.sy-selected")).to_have_count(1)


def test_clicking_an_initiative_shows_its_sentence(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    click_initiative_point(page, frame, "langshan-tourism")

    card = page.locator('[data-testid="sy-initiative-card"]')
    expect(card).to_contain_text("崀山")
    sentence = card.locator("blockquote.sy-sentence")
    expect(sentence.locator("mark")).to_have_text("崑山")
    # The span sits inside its sentence, not alone.
    assert len(sentence.inner_text()) > len("崑山") + 10
    expect(page).to_have_url(re.compile(r"[?&]initiative=langshan-tourism"))


def test_a_link_with_filters_reproduces_the_view(page):
    page.goto(page.app.url + "?lang=en&categories=tourism&measure=per_100k&county=430528")
    frame = map_frame(page)

    tourism_points = [f for f in POINTS if f["properties"]["category"] == "tourism"]
    expect(frame.locator(".sy-point")).to_have_count(len(tourism_points))
    # Counties without an acceptably sourced population: drawn as no data, not as zero.
    unknown = [a for a, facts in read_public_county_facts().items() if not facts["pop_2020_census"]]
    assert unknown
    expect(frame.locator("path.sy-nodata")).to_have_count(len(unknown))
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Tourism")
    expect(page.locator('[data-testid="sy-county-panel"]')).to_contain_text("Xinning County")
    expect(page).to_have_url(re.compile(r"categories=tourism"))


def test_the_english_switch_changes_the_labels(page):
    page.goto(page.app.url)
    frame = map_frame(page)
    expect(frame.locator(".sy-label", has_text="邵东市")).to_have_count(1)

    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]lang=en"))
    expect(page.get_by_text("Shaoyang Projects Map")).to_be_visible()
    # A new language is a new base map: the component remounts.
    page.wait_for_function(
        """(sel) => {
            const f = document.querySelector(sel);
            const d = f && f.contentDocument;
            return d && [...d.querySelectorAll('.sy-label')].some(e => e.textContent === 'Shaodong');
        }""",
        arg=MAP_IFRAME,
    )
    frame = map_frame(page)
    assert frame.locator(".sy-label", has_text="邵东市").count() == 0
    expect(page.get_by_text("Number of initiatives (initiatives)")).to_be_visible()
    expect(page.locator(".sy-legend")).to_contain_text("Tourism")  # the point symbols
