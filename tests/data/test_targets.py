"""data/targets.csv: city-wide 2024 targets, each quoting its raw source span."""

import re

import pandas as pd
import pytest

from data.build_targets import COLUMNS, KINDS, QUALIFIERS, TARGETS_PATH, build_rows, render_csv
from data.report import load_report, load_report_text

MAIN_TARGET_IDS = [
    "gdp_growth",
    "industrial_value_added_growth",
    "fixed_asset_investment_growth",
    "general_budget_revenue_growth",
    "retail_sales_growth",
    "foreign_trade_growth",
    "urban_new_jobs",
    "urban_unemployment_rate",
    "resident_income_growth",
    "grain_output",
    "eco_environment_quality",
]
COUNT_UNITS = {"个", "家", "条", "天", "万人", "万户", "万头", "万个"}
LEVEL_UNITS = {"%", "亿元", "万吨", "万亩", "万千瓦", "BP"}


@pytest.fixture(scope="module")
def raw():
    """The report text, as stored."""
    return load_report_text()


@pytest.fixture(scope="module")
def targets():
    """targets.csv read as strings, empty cells kept as ''."""
    return pd.read_csv(TARGETS_PATH, dtype=str, keep_default_na=False, encoding="utf-8")


def test_file_is_utf8_with_unix_line_ends():
    content = TARGETS_PATH.read_bytes()
    content.decode("utf-8")
    assert b"\r" not in content
    assert content.endswith(b"\n")
    assert not content.startswith(b"\xef\xbb\xbf")


def test_file_is_what_the_build_script_writes(raw):
    assert TARGETS_PATH.read_bytes().decode("utf-8") == render_csv(build_rows(raw))


def test_columns(targets):
    assert tuple(targets.columns) == COLUMNS
    assert len(targets) >= len(MAIN_TARGET_IDS)


def test_ids_are_unique_slugs(targets):
    assert targets["id"].is_unique
    assert targets["id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()


def test_source_slices_are_raw(raw, targets):
    for row in targets.itertuples():
        start, end = int(row.source_start), int(row.source_end)
        assert 0 <= start < end <= len(raw)
        assert raw[start:end] == row.source_text, row.id


def test_value_unit_and_qualifier_are_quoted_as_written(targets):
    for row in targets.itertuples():
        if row.kind == "qualitative":
            continue
        number = rf"(?<![\d.]){re.escape(row.value)}(?![\d.])"
        unit = rf"个?{re.escape(row.unit)}"
        if row.qualifier == "突破":
            pattern = f"突破{number}{unit}"
        else:
            pattern = f"{number}{unit}{re.escape(row.qualifier)}"
        assert re.search(pattern, row.source_text), (row.id, pattern, row.source_text)


def test_indicator_words_are_in_the_slice(targets):
    for row in targets.itertuples():
        words = re.sub(r"[\W_]", "", row.indicator_zh)
        missing = [char for char in words if char not in row.source_text]
        assert not missing, (row.id, missing)


def test_values_are_numbers_unless_qualitative(targets):
    for row in targets.itertuples():
        if row.kind == "qualitative":
            assert row.value == "" and row.unit == "" and row.qualifier == "", row.id
        else:
            assert re.fullmatch(r"\d+(\.\d+)?", row.value), row.id
            assert float(row.value) > 0
            assert row.unit, row.id


def test_vocabularies(targets):
    assert set(targets["kind"]) <= set(KINDS)
    assert set(targets["qualifier"]) <= set(QUALIFIERS)
    for row in targets.itertuples():
        if row.kind == "growth_rate":
            assert row.unit == "%" and "增长" in row.source_text, row.id
        elif row.kind == "count":
            assert row.unit in COUNT_UNITS, row.id
        elif row.kind == "level":
            assert row.unit in LEVEL_UNITS, row.id


def test_sections_match_the_source_offsets(targets):
    report = load_report()
    keys = {section.key for section in report.sections}
    for row in targets.itertuples():
        assert row.section in keys - {"review"}
        assert report.section_at(int(row.source_start)) == row.section, row.id


def test_main_expected_targets_are_complete(targets):
    main = targets[targets["section"] == "targets"]
    assert list(main["id"]) == MAIN_TARGET_IDS
    by_id = targets.set_index("id")
    assert by_id.loc["gdp_growth", ["value", "unit", "qualifier"]].tolist() == ["6.5", "%", ""]
    assert by_id.loc["grain_output", ["value", "unit", "qualifier"]].tolist() == [
        "330",
        "万吨",
        "以上",
    ]
    assert by_id.loc["urban_unemployment_rate", "qualifier"] == "以内"
    assert by_id.loc["industrial_value_added_growth", "qualifier"] == "左右"
    assert by_id.loc["resident_income_growth", "kind"] == "qualitative"


def test_quantified_targets_in_the_sections(targets):
    by_id = targets.set_index("id")
    expected = {
        "state_provincial_funds": ("120", "亿元", "以上"),
        "base_stations_5g": ("1", "万个", "突破"),
        "loan_rate_reduction": ("50", "BP", "以上"),
        "rd_spending": ("62", "亿元", ""),
        "tech_smes": ("3600", "家", "以上"),
        "market_entities": ("55", "万户", "突破"),
        "grain_sown_area": ("748", "万亩", "以上"),
        "hogs_slaughtered": ("700", "万头", "以上"),
        "good_air_quality_days": ("330", "天", "以上"),
        "water_quality_good_rate": ("100", "%", ""),
    }
    for target_id, stated in expected.items():
        assert tuple(by_id.loc[target_id, ["value", "unit", "qualifier"]]) == stated
    assert {"一", "二", "三", "四", "五", "七"} <= set(targets["section"])
