"""What the county panels show users: the whole county under a search, and no curation notes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.views.cards import fit_width
from data.sources import read_sources

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
COUNTY = str(ROOT / "pages" / "county.py")


def run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(page, default_timeout=90)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]
WUGANG = [f["properties"] for f in FEATURES if "430581" in f["properties"]["counties"]]


def test_after_searching_wugang_its_panel_lists_the_whole_county():
    at = run(APP, q="wugang", county="430581")
    assert any(m.value == f"**项目（{len(WUGANG)}）**" for m in at.markdown)
    matching = int(re.search(r"其中 (\d+) 项符合当前搜索或筛选", captions(at)).group(1))
    assert 0 < matching < len(WUGANG)
    table = next(df.value for df in at.dataframe if "符合" in df.value.columns)
    assert len(table) == len(WUGANG) and (table["符合"] == "✓").sum() == matching
    assert list(table["符合"][:matching]) == ["✓"] * matching


def test_the_county_page_lists_the_whole_county_under_a_filter():
    at = run(COUNTY, county="430581", lang="en", categories="tourism")
    assert any(m.value == f"**Initiatives ({len(WUGANG)})**" for m in at.markdown)
    tourism = sum(p["category"] == "tourism" for p in WUGANG)
    assert f"the {tourism} that match the current search or filters come first" in captions(at)


# --- no curation note and no unaccepted source reaches a county card --------------------------

ADCODES = (
    "430502", "430503", "430511", "430522", "430523", "430524",
    "430525", "430527", "430528", "430529", "430581", "430582",
)  # fmt: skip
TEXT_MARKERS = re.compile(
    r"LOW-QUALITY|verify|places\.csv|research\.csv|\bP\d\d\b|WGS-84 point|secondary \(|"
    r"Baike|not sourced|cross-check|\(WP\)|\(other\)",
    re.IGNORECASE,
)


def rejected_domains() -> list[str]:
    return [domain for domain, p in read_sources().items() if p.quality == "rejected"]


def shown_text(at: AppTest) -> tuple[str, str]:
    """(visible text, raw HTML) of the cards, Markdown and captions on the page."""
    html = "\n".join(element.value for element in at.get("html"))
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    text += "\n".join(m.value for m in (*at.markdown, *at.caption))
    return text, html


def assert_meant_for_users(at: AppTest, where: str) -> None:
    text, html = shown_text(at)
    found = TEXT_MARKERS.search(text)
    assert found is None, f"{where}: curation marker {found.group()!r}"
    leaked = [d for d in (*rejected_domains(), "chinaidiom.com", "miccatering.com") if d in html]
    assert leaked == [], f"{where}: unaccepted source {leaked}"
    assert 'data-testid="sy-county-panel"' in html, where


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_county_page_shows_no_curation_notes(lang):
    at = run(COUNTY, county=ADCODES[0], lang=lang)
    for adcode in ADCODES:
        if adcode != ADCODES[0]:
            at.selectbox(key="sy_county_pick").set_value(adcode).run()
            assert not at.exception
        assert_meant_for_users(at, f"county page {adcode} {lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("adcode", ADCODES)
def test_the_maps_county_panel_shows_no_curation_notes(adcode, lang):
    assert_meant_for_users(run(APP, county=adcode, lang=lang), f"map panel {adcode} {lang}")


def test_wugangs_unsourced_figures_are_unknown_and_sources_are_named():
    at = run(APP, county="430581", lang="en")
    text, html = shown_text(at)
    assert "640,181" not in text and "1,549" not in text and "213.05" not in text
    assert text.count("unknown") >= 3
    assert ">Wikipedia</a>" in html and "secondary source" in html


@pytest.mark.parametrize("item_id", ["nanshan-tourism", "station-north-square", "yunshan-tourism"])
def test_initiative_cards_show_no_curation_notes(item_id):
    at = run(APP, initiative=item_id)
    text, html = shown_text(at)
    found = TEXT_MARKERS.search(text)
    assert found is None, f"{item_id}: curation marker {found.group()!r}"
    assert 'data-testid="sy-initiative-card"' in html


# --- the Report page says what its highlights are --------------------------------------------


def test_the_report_caption_counts_what_the_map_draws():
    at = run(str(ROOT / "pages" / "report.py"))
    caption = at.caption[0].value
    drawn = sum(f["geometry"] is not None for f in FEATURES)
    citywide = sum(f["geometry"] is None and not f["properties"]["counties"] for f in FEATURES)
    county = len(FEATURES) - drawn - citywide
    assert caption.startswith(
        f"高亮 {len(FEATURES)} 处（共 {len(FEATURES)} 项）：{drawn} 项在地图上画为点或线；"
        f"{county} 项只知道所在县"
    )
    assert f"{citywide} 项属全市" in caption
    assert "是地图上的项目" not in caption


# --- long county names fit their columns; Streamlit's own English is explained ---------------


def column_widths(element) -> dict[str, object]:
    return {name: c.get("width") for name, c in json.loads(element.proto.columns).items()}


def test_the_balance_table_is_wide_enough_for_chengbu():
    at = run(str(ROOT / "pages" / "balance.py"))
    table = next(df for df in at.dataframe if "县市区" in df.value.columns and len(df.value) == 12)
    assert "城步苗族自治县" in set(table.value["县市区"])
    assert column_widths(table)["县市区"] >= fit_width(["城步苗族自治县"]) >= 7 * 14


def test_the_explorer_counties_column_fits_the_longest_english_name():
    at = run(str(ROOT / "pages" / "explorer.py"), lang="en")
    table = next(df for df in at.dataframe if "Counties" in df.value.columns)
    assert column_widths(table)["Counties"] >= fit_width(["Chengbu Miao Autonomous County"])


def test_the_upload_box_says_in_chinese_what_its_english_means():
    at = run(str(ROOT / "pages" / "my_data.py"))
    uploader = at.get("file_uploader")[0].proto
    assert "20 MB" in uploader.label
    assert "Drag and drop a file here" in uploader.help and "把文件拖到这里" in uploader.help
    assert "Upload" in uploader.help
