"""What the county panels show users: the whole county under a search, and no curation notes."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
COUNTY = str(ROOT / "pages" / "3_县区_County.py")


def run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(page, default_timeout=90)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_after_searching_wugang_its_panel_lists_the_whole_county():
    at = run(APP, q="wugang", county="430581")
    assert any(m.value == "**项目（10）**" for m in at.markdown)
    assert "其中 5 项符合当前搜索或筛选" in captions(at)
    table = next(df.value for df in at.dataframe if "符合" in df.value.columns)
    assert len(table) == 10 and (table["符合"] == "✓").sum() == 5
    assert list(table["符合"][:5]) == ["✓"] * 5


def test_the_county_page_lists_the_whole_county_under_a_filter():
    at = run(COUNTY, county="430581", lang="en", categories="tourism")
    assert any(m.value == "**Initiatives (10)**" for m in at.markdown)
    assert "the 2 that match the current search or filters come first" in captions(at)
