"""The county facts card in a real browser: its sources are links named by publisher, and
nothing in it runs past its edge, on a phone or a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from data.sources import read_sources

pytestmark = pytest.mark.browser

CARD = '[data-testid="sy-county-panel"]'
# How far any element inside the card reaches beyond the card's right edge (px; 0 = inside).
OVERFLOW = """(card) => {
    const edge = card.getBoundingClientRect().right;
    let worst = card.scrollWidth - card.clientWidth;
    for (const el of card.querySelectorAll('*')) {
        worst = Math.max(worst, el.getBoundingClientRect().right - edge);
    }
    return worst;
}"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 720)])
@pytest.mark.parametrize(("county", "lang"), [("430502", "en"), ("430581", "zh")])
def test_the_facts_card_stays_inside_its_edge(page, width, height, county, lang):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{page.app.url}county?county={county}&lang={lang}")
    card = page.locator(CARD)
    expect(card).to_be_visible(timeout=90_000)  # the first page of a fresh server loads the data
    links = card.locator("a")
    expect(links.first).to_be_visible()
    publishers = {
        p.name_zh if lang == "zh" else p.name_en for p in read_sources().values() if p.accepted
    }
    assert set(links.all_inner_texts()) <= publishers  # a publisher's name, not an address
    assert card.evaluate(OVERFLOW) <= 1
