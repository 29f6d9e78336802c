"""The Explorer page under AppTest: every initiative listed, URL filters and search, picking a row
opens its card, the planner's own projects (shown as plain text only), and the exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import t
from data import importer
from data.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "plan" / "explorer.py")
FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]
IDS = [f["properties"]["id"] for f in FEATURES]
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty store in a temporary data directory (the real store is never touched)."""
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def mine(env):
    """The store holds two projects of the planner's, one named with hostile HTML."""
    store = open_store()
    plan = importer.plan_import(
        f"项目名称,县市区,总投资,状态\n邵东智能制造园,邵东市,12.5亿元,在建\n{HOSTILE},新宁,1亿元,谋划\n".encode(),
        "mine.csv",
        existing=store.existing(),
    )
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="test")
    return store


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def explorer_table(at: AppTest):
    """The main table (the first dataframe, keyed explorer_table_...)."""
    element = at.dataframe[0]
    assert element.key.startswith("explorer_table_")
    return element


def rendered(at: AppTest) -> str:
    """Everything rendered as Markdown or HTML (where user text must never appear)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [h.value for h in at.get("html")] + [h.value for h in at.title]
    return "\n".join(parts)


def card(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html") if "sy-initiative-card" in h.value)


def test_default_lists_every_initiative_with_exports(env):
    at = run_page()
    assert not at.exception
    table = explorer_table(at).value
    assert list(table["编号"]) == IDS
    assert table["名称"].iloc[IDS.index("langshan-tourism")] == "崑山(崀山)"
    assert [b.label for b in at.get("download_button")] == [
        "下载 CSV",
        "下载 XLSX（含字段说明）",
        "下载 GeoJSON",
        "下载字段说明（CSV）",
        "下载 GeoPackage",
        "下载 Shapefile（zip）",
        "下载 KML",
        "下载 FlatGeobuf（zip）",
    ]
    assert at.selectbox(key="explorer_gis_crs").value == "4326"
    assert at.info[0].value == t("explorer.detail_hint", "zh")
    assert card(at) == ""
    assert "⟨" not in rendered(at)


def test_url_filters_reduce_the_rows(env):
    at = run_page(categories="tourism", lang="en")
    assert not at.exception
    tourism = [f["properties"]["id"] for f in FEATURES if f["properties"]["category"] == "tourism"]
    table = explorer_table(at).value
    assert list(table["ID"]) == tourism
    assert set(table["Category"]) == {"Tourism"}
    assert at.sidebar.multiselect(key="sy_categories").value == ["tourism"]


@pytest.mark.parametrize("query", ["崀山", "langshan", "Langshan"])
def test_search_in_chinese_pinyin_or_english(env, query):
    at = run_page(q=query)
    assert not at.exception
    ids = list(explorer_table(at).value["编号"])
    assert "langshan-tourism" in ids
    assert 0 < len(ids) < len(IDS)


def test_a_search_matching_nothing_lists_nothing(mine):
    at = run_page(q="zzzqqq", source="mine")
    assert not at.exception
    assert explorer_table(at).value.empty
    assert any(c.value.startswith("导出当前列出的 0 条") for c in at.main.caption)


def test_initiative_in_the_url_opens_its_card(env):
    at = run_page(initiative="langshan-tourism")
    assert not at.exception
    shown = card(at)
    assert "崀山" in shown and "<mark>" in shown
    assert at.query_params["initiative"] == "langshan-tourism"


def test_picking_a_row_opens_the_card_and_goes_into_the_url(env):
    at = run_page()
    key = explorer_table(at).key
    row = IDS.index("shaoyong-hsr")
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert "邵永高铁" in card(at)
    assert at.query_params["initiative"] == "shaoyong-hsr"
    # Clearing the pick closes the card.
    at.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()
    assert card(at) == ""
    assert "initiative" not in at.query_params


def test_report_plus_my_data_lists_projects_as_plain_text(mine):
    at = run_page(source="mine")
    assert not at.exception
    source = next(b for b in at.get("button_group") if b.key == "explorer_source")
    assert source.value == "mine"
    table = explorer_table(at).value
    assert len(table) == len(IDS) + 2
    projects = table[table["来源"] == "我的数据"]
    assert list(projects["名称"]) == ["邵东智能制造园", HOSTILE]
    assert list(projects["总投资(亿元)（我的数据）"]) == [12.5, 1.0]
    assert "<script>" not in rendered(at) and "onerror" not in rendered(at)

    # Picking the hostile project shows its fields in a dataframe, never as HTML.
    key = explorer_table(at).key
    row = int(projects.index[1])
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    details = at.dataframe[1].value
    assert HOSTILE in set(details["内容"])
    assert card(at) == ""
    assert "<script>" not in rendered(at) and "onerror" not in rendered(at)


def test_section_filter_hides_the_planners_projects(mine):
    at = run_page(source="mine", sections="六")
    assert not at.exception
    table = explorer_table(at).value
    assert set(table["来源"]) == {"报告"}
    assert t("explorer.mine_filtered", "zh") in [c.value for c in at.caption]


def test_gis_crs_choice_names_the_files_and_labels_gcj02_as_not_epsg(env):
    at = run_page(lang="en")
    crs = at.selectbox(key="explorer_gis_crs")
    assert "not an EPSG system" in crs.format_func("gcj02")
    at = crs.set_value("4546").run()
    assert not at.exception
    assert at.selectbox(key="explorer_gis_crs").value == "4546"
    # The files are built only when a button is pressed (deferred), never on every rerun.
    gis = [b for b in at.get("download_button") if b.key.startswith("explorer_gis_")]
    assert [b.proto.deferred_file_id != "" for b in gis] == [True] * 4
    assert any("GCJ-02 is not an EPSG system" in c.value for c in at.caption)
