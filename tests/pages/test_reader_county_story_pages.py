"""The report reader, county profile and story pages boot under AppTest, by default and from URLs."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[2] / "pages"
READER = str(PAGES / "report.py")
COUNTY = str(PAGES / "county.py")
STORY = str(PAGES / "story.py")
INITIATIVES = PAGES.parent / "data" / "initiatives.geojson"
FEATURES = json.loads(INITIATIVES.read_text(encoding="utf-8"))["features"]
TOTAL = len(FEATURES)
IN_WUGANG = sum("430581" in f["properties"]["counties"] for f in FEATURES)


def run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(page, default_timeout=90)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_reader_default_highlights_every_initiative():
    at = run(READER)
    assert "报告原文" in markdown(at)
    assert str(TOTAL) in at.caption[0].value
    assert at.info  # no selection yet: the hint


def test_reader_opens_a_selected_initiative_with_its_sentence_neighbours():
    at = run(READER, initiative="shaoyong-hsr")
    text = markdown(at)
    assert "邵永高铁" in text
    assert "同一句里的其他项目" in text
    neighbours = {b.label.replace("\\", "") for b in at.button}  # labels are markdown-escaped
    assert "武冈机场连接线" in neighbours and "新新(高速)" in neighbours


def test_reader_in_english_with_a_filter():
    at = run(READER, lang="en", categories="tourism")
    assert "The report" in markdown(at)
    assert at.caption[0].value.startswith("The 7 highlighted spans")


def test_county_page_from_url():
    at = run(COUNTY, county="430581")
    assert at.selectbox[0].value == "430581"
    text = markdown(at)
    assert "武冈云山·百威啤酒卤菜节" in text and f"项目（{IN_WUGANG}）" in text


def test_county_page_default_is_the_first_county():
    at = run(COUNTY)
    assert at.selectbox[0].value == "430502"


def test_county_page_picker_changes_the_county():
    at = run(COUNTY, county="430581")
    at.selectbox[0].set_value("430528").run()
    assert "崀山" in markdown(at)
    assert at.query_params["county"] in ("430528", ["430528"])


@pytest.mark.parametrize(
    ("step", "title"),
    [
        ("1", "全局与年度目标"),
        ("2", "产业集群与重点企业"),
        ("3", "交通网络"),
        ("4", "文旅与生态"),
        ("5", "县域聚焦"),
    ],
)
def test_story_every_step_from_url(step, title):
    at = run(STORY, step=step)
    assert title in markdown(at)


def test_story_next_and_previous_and_share_link():
    at = run(STORY)
    assert "1/5" in markdown(at)
    next_button = next(b for b in at.button if b.label == "下一步")
    next_button.click().run()
    assert "2/5" in markdown(at)
    assert at.query_params["step"] in ("2", ["2"])
    previous = next(b for b in at.button if b.label == "上一步")
    previous.click().run()
    assert "1/5" in markdown(at)


def test_story_spotlight_county_from_url_in_english():
    at = run(STORY, step="5", county="430528", lang="en")
    text = markdown(at)
    assert "County spotlight · Xinning County · 新宁县" in text


def test_story_spotlight_lists_the_county_itself_and_links_to_itself():
    """The spotlight names 邵东 in both languages, lists its own initiatives beside the map,
    and gives the complete link to this very step of the Story page."""
    at = run(STORY, step="5", county="430582", lang="en")
    assert "Shaodong City · 邵东市" in markdown(at)
    from components import cache as cached

    initiatives = cached.current_initiatives()[1]
    n = int(initiatives["counties"].map(lambda codes: "430582" in codes).sum())
    assert f"Its initiatives ({n})" in markdown(at)
    listed = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert "Shaodong small-hardware cluster" in listed
    assert "Quanmutang reservoir" in listed
    assert "Longhui" not in listed  # no other county's items
    link = at.code[0].value
    assert unquote(link).endswith("/story?step=5&lang=en&county=430582")


def test_story_overview_shows_the_report_targets():
    at = run(STORY)
    table = at.table[0].value
    assert len(table) == 11
    assert table.iloc[0, 1] == "6.5%"
    assert table.iloc[1, 1] == "7%左右"


def test_story_overview_targets_in_english_have_no_chinese_left():
    at = run(STORY, lang="en")
    table = at.table[0].value
    values = list(table.iloc[:, 1])
    assert "about 7%" in values and "45,000 people" in values
    assert "at least 3.3 million tonnes" in values
    assert not [v for v in values if any("\u4e00" <= ch <= "\u9fff" for ch in v)]


def test_county_page_lists_the_planners_projects_in_that_county(tmp_path, monkeypatch):
    from data import importer
    from data.store import open_store

    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    store = open_store()
    plan = importer.plan_import(
        "项目名称,县市区,总投资\n武冈卤菜园,武冈市,2亿元\n".encode(),
        "mine.csv",
        existing=store.existing(),
    )
    assert plan.ok
    store.apply_import(plan, actor="test")
    at = run(COUNTY, county="430581")
    assert "我的数据：本县的项目（1）" in markdown(at)
    assert "武冈卤菜园" in at.dataframe[0].value.to_string()
