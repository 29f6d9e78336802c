"""The home page (the map) boots under Streamlit's AppTest, by default and from a shared link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
INITIATIVES = Path(__file__).resolve().parents[1] / "data" / "initiatives.geojson"
TOTAL = len(json.loads(INITIATIVES.read_text(encoding="utf-8"))["features"])
TIMEOUT_S = 60


def run(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def html_of(at: AppTest) -> str:
    return "\n".join(element.value for element in at.get("html"))


def param(at: AppTest, name: str) -> str | None:
    """A query parameter of the page's URL after the run (one value)."""
    if name not in at.query_params:
        return None
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def test_default_view():
    at = run()
    assert not at.exception
    assert at.markdown[0].value == "#### 邵阳项目地图"
    line = next(c.value for c in at.caption if c.value.startswith(f"{TOTAL} 项："))
    # The count line is the honest whole: its precision classes add up to the total.
    assert sum(int(n) for n in re.findall(r"\D(\d+)", line[line.index("：") :])) == TOTAL
    assert any("上接1版" in c.value for c in at.caption)  # what the source covers
    assert any(m.value.startswith("**全市性项目（") for m in at.markdown)  # the city-wide list
    assert len(at.get("component_instance")) == 1  # the map
    assert "项目数 (个)" in html_of(at)  # the legend
    assert dict(at.query_params) == {}  # the default view needs no parameters


def test_a_link_reproduces_filters_measure_language_and_selection():
    at = run(lang="en", categories="tourism", measure="per_100k", county="430528")
    assert not at.exception
    assert at.markdown[0].value == "#### Shaoyang Projects Map"
    assert at.sidebar.multiselect(key="sy_categories").value == ["tourism"]
    assert at.sidebar.selectbox(key="sy_measure").value == "per_100k"
    page = html_of(at)
    assert "Xinning County" in page and 'data-testid="sy-county-panel"' in page
    assert "No data (unknown, not zero)" in page
    assert param(at, "categories") == "tourism"
    assert param(at, "county") == "430528"


def test_an_initiative_link_opens_its_card_with_the_sentence():
    at = run(initiative="langshan-tourism")
    assert not at.exception
    card = html_of(at)
    assert 'data-testid="sy-initiative-card"' in card
    assert "<mark>崑山</mark>" in card


def test_an_unknown_id_in_a_link_is_reported_and_dropped():
    at = run(initiative="no-such-thing", categories="bogus")
    assert not at.exception
    assert "no-such-thing" in at.warning[0].value
    assert param(at, "initiative") is None
    assert param(at, "categories") is None


def test_search_by_pinyin_then_open_the_county():
    at = run()
    at.sidebar.text_input(key="sy_query").set_value("shaodong").run()
    hit = next(b for b in at.sidebar.button if b.key == "sy_hit_county_430582")
    hit.click().run()
    assert not at.exception
    assert 'data-testid="sy-county-panel"' in html_of(at)
    assert param(at, "county") == "430582"
    assert param(at, "q") == "shaodong"


def test_switching_language_keeps_the_filters():
    at = run(categories="tourism")
    at.session_state["sy_lang"] = "en"  # what the 中文 | English switch sets
    at.run()
    assert at.markdown[0].value == "#### Shaoyang Projects Map"
    assert at.sidebar.multiselect(key="sy_categories").value == ["tourism"]
    assert param(at, "lang") == "en"


@pytest.mark.parametrize("measure", ["count", "per_100k", "per_1000km2", "route_km"])
@pytest.mark.parametrize("basemap", ["none", "gaode"])
def test_every_measure_on_every_datum(measure, basemap):
    at = run(measure=measure, basemap=basemap)
    assert not at.exception
    if basemap == "gaode":
        assert any("GCJ-02" in caption.value for caption in at.caption)


def test_a_bad_initiatives_file_is_a_message_not_a_crash(tmp_path, monkeypatch):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"properties": {}}]}),
        encoding="utf-8",
    )
    monkeypatch.setenv("SHAOYANG_INITIATIVES", str(bad))
    at = run()
    assert not at.exception
    assert "bad.geojson" in at.error[0].value


def test_source_mine_draws_the_planners_project(tmp_path, monkeypatch):
    """`?source=mine` over a temporary store with one located project: no exception, the
    project is one extra map layer, in the legend, and its name never reaches Markdown/HTML."""
    from data import importer
    from data.store import open_store

    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    store = open_store()
    plan = importer.plan_import(
        "项目名称,县市区,经度,纬度,总投资,状态\n<b>邵东测试园</b>,邵东市,111.74,27.25,12.5亿元,在建\n".encode(),
        "mine.csv",
        existing=store.existing(),
    )
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="test")

    at = run(source="mine")
    assert not at.exception
    assert at.segmented_control(key="map_source").value == "mine"
    assert param(at, "source") == "mine"
    assert any("1 项符合筛选，其中 1 项有坐标" in c.value for c in at.caption)
    assert "我的数据（黑边菱形）" in html_of(at)
    assert "<b>邵东测试园</b>" not in html_of(at)
    assert "<b>邵东测试园" not in "\n".join(m.value for m in at.markdown)


def test_investment_measure_colours_only_counties_with_stated_amounts(tmp_path, monkeypatch):
    """measure=investment: 邵东 gets its 12.5 亿元; every other county is no data, never 0."""
    from components.state.view_state import Filters
    from components.views.map import county_investment
    from data import importer
    from data.store import open_store

    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    store = open_store()
    plan = importer.plan_import(
        "项目名称,县市区,总投资,状态\n邵东产业园,邵东市,12.5亿元,在建\n跨县项目,邵东市;新宁县,3亿元,谋划\n".encode(),
        "mine.csv",
        existing=store.existing(),
    )
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="test")

    assert county_investment(Filters(), []) == {"430582": 12.5}
    at = run(measure="investment")
    assert not at.exception
    assert "亿元" in html_of(at)
