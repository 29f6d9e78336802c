"""The Balance page under AppTest: the 12 county rows, indices equal to analysis.balance's for the same
data, URL state (filters, counting, basis, language), caveats, exports and investment weighting."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.balance import balance_indices, county_balance, item_totals
from components.i18n import t
from data import importer
from data.loaders import read_public_county_facts
from data.schema import COUNTY_ADCODES
from data.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "balance.py")
FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]
# What the page may use: counties.csv's figures whose source data/sources.csv accepts.
FACTS = pd.DataFrame(list(read_public_county_facts().values()))
CITY_POPULATION = float(pd.read_csv(ROOT / "data" / "city.csv")["pop_2020_census"].iloc[0])
# 双清区, 北塔区, 新邵县, 绥宁县, 新宁县, 武冈市: no accepted source gives their census population.
UNKNOWN_POPULATION = ("430502", "430511", "430522", "430527", "430528", "430581")
INDEX_KEYS = {
    "balance.index.cv": lambda i: i.cv,
    "balance.index.cv_weighted": lambda i: i.cv_weighted,
    "balance.index.gini": lambda i: i.gini,
    "balance.index.theil": lambda i: i.theil,
    "balance.index.between_region": lambda i: i.theil_by_region.between,
    "balance.index.within_region": lambda i: i.theil_by_region.within,
    "balance.index.between_urban": lambda i: i.theil_urban_vs_counties.between,
    "balance.index.within_urban": lambda i: i.theil_urban_vs_counties.within,
}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty store in a temporary data directory (the real store is never touched)."""
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def reference(features: list[dict]) -> pd.DataFrame:
    """The county table computed straight from the data with analysis.balance (no page code)."""
    return county_balance(features, FACTS, {}, city_population=CITY_POPULATION)


def expected_values(table: pd.DataFrame, column: str) -> dict[str, str]:
    indices = balance_indices(table, column)
    return {key: f"{pick(indices).value:.3f}" for key, pick in INDEX_KEYS.items()}


def shown_values(at: AppTest, lang: str = "zh") -> dict[str, str]:
    """{index label key: value as shown} from the page's index table."""
    frame = at.table[0].value
    by_label = dict(
        zip(frame[t("balance.col.index", lang)], frame[t("balance.col.value", lang)], strict=True)
    )
    return {key: by_label[t(key, lang)] for key in INDEX_KEYS}


def county_table(at: AppTest, lang: str = "zh") -> pd.DataFrame:
    for element in at.dataframe:
        if t("balance.col.adcode", lang) in element.value.columns and len(element.value) == 12:
            return element.value
    raise AssertionError("no county table on the page")


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [h.value for h in at.title]
    )
    return "\n".join(parts)


def test_default_view_shows_12_counties_and_the_geo_balance_indices(env):
    at = run_page()
    assert not at.exception
    table = county_table(at)
    assert list(table["代码"]) == sorted(COUNTY_ADCODES)
    expected = reference(FEATURES)
    assert list(table["项目数（每县各计）"]) == list(expected["initiatives"].iloc[:12])
    assert shown_values(at) == expected_values(expected, "initiatives_per_100k")
    # The counties without a population are named as left out, on the rows and caveats.
    left_out = "、".join(COUNTY_ADCODES[a] for a in UNKNOWN_POPULATION)
    assert set(at.table[0].value["未计入"]) == {left_out}
    assert left_out in at.warning[0].value
    totals = item_totals(FEATURES)
    assert [m.value for m in at.metric] == [
        str(totals.items),
        str(totals.in_counties),
        str(totals.citywide),
        str(totals.county_mentions),
    ]
    assert [b.label for b in at.get("download_button")] == [
        "下载 CSV",
        "下载 XLSX（含字段说明）",
        "下载字段说明（CSV）",
    ]
    assert len(at.get("vega_lite_chart")) == 2
    assert "⟨" not in page_text(at)


def test_filters_in_the_url_change_counts_indices_and_gaps(env):
    at = run_page(categories="tourism")
    assert not at.exception
    tourism = [f for f in FEATURES if f["properties"]["category"] == "tourism"]
    expected = reference(tourism)
    table = county_table(at)
    assert len(table) == 12
    assert list(table["项目数（每县各计）"]) == list(expected["initiatives"].iloc[:12])
    assert table["项目数（每县各计）"].sum() < reference(FEATURES)["initiatives"].iloc[:12].sum()
    assert at.metric[0].value == str(len(tourism))
    assert shown_values(at) == expected_values(expected, "initiatives_per_100k")
    gaps = at.dataframe[-1].value
    assert set(gaps["主题"]) == {"文化旅游"}
    assert set(gaps["代码"]) == set(expected.index[:12][expected["initiatives"].iloc[:12] == 0])


def test_counting_and_basis_come_from_the_url(env):
    at = run_page(counting="fractional", basis="total", lang="en")
    assert not at.exception
    assert at.radio(key="balance_counting").value == "fractional"
    assert at.selectbox(key="balance_basis").value == "total"
    expected = reference(FEATURES)
    assert shown_values(at, "en") == expected_values(expected, "initiatives_fractional")
    # Plain totals need no population: every county is used, only the weighted CV leaves some out.
    frame = at.table[0].value
    assert frame.loc[frame["Index"] == "Gini", "Counties used"].item() == "12"
    assert "split 1/k" in at.warning[0].value
    assert at.title[0].value == t("balance.title", "en")
    assert at.query_params["counting"] == "fractional"


def test_switching_basis_recomputes_the_indices(env):
    at = run_page()
    at.selectbox(key="balance_basis").set_value("per_1000km2").run()
    assert not at.exception
    expected = reference(FEATURES)
    assert shown_values(at) == expected_values(expected, "initiatives_per_1000km2")
    assert at.query_params["basis"] == "per_1000km2"


def test_weighing_by_investment_needs_amounts(env):
    at = run_page()
    toggle = at.toggle(key="balance_investment")
    assert toggle.disabled
    assert any(t("balance.investment_none", "zh") == c.value for c in at.caption)


def test_weighing_by_investment_uses_the_planners_amounts(env):
    store = open_store()
    plan = importer.plan_import(
        "项目名称,县市区,总投资\n邵东产业园,邵东市,12.5亿元\n隆回大道,隆回县,3000万元\n"
        "两县公路,新宁县、城步,4亿元\n".encode(),
        "mine.csv",
        existing=store.existing(),
    )
    assert plan.ok, [p.line("en") for p in plan.problems]
    store.apply_import(plan, actor="test")

    at = run_page()
    assert not at.toggle(key="balance_investment").disabled
    at.toggle(key="balance_investment").set_value(True).run()
    assert not at.exception
    expected = reference(FEATURES)
    # Missing is missing: counties without a stated amount are left out, not counted as 0.
    invested = pd.Series(float("nan"), index=expected.index)
    invested["430582"], invested["430524"] = 12.5, 0.3
    expected["invested_per_100k"] = invested / expected["population"] * 100_000
    assert shown_values(at) == expected_values(expected, "invested_per_100k")
    left_out = [c.value for c in at.caption if "没有投资额" in c.value]
    assert (
        len(left_out) == 1 and left_out[0].startswith("10 个县市区") and "邵东" not in left_out[0]
    )
    # The two-county amount is named, not split.
    assert any("4.00" in c.value for c in at.caption)
    assert "投资额（亿元）" in county_table(at).columns
