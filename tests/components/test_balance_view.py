"""The balance page's frames: the county table for the screen, the download with its dictionary,
and the index table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.balance import CITYWIDE, balance_indices, county_balance
from analysis.balance_measures import with_amount
from components.views import balance as balance_view
from data import export
from data.schema import COUNTY_ADCODES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    """The real counties with three small initiatives (one city-wide), counted 1/k."""
    facts = pd.read_csv(ROOT / "data" / "counties.csv", dtype=str, keep_default_na=False)
    items = [
        {"id": "a", "name_zh": "甲", "name_en": "A", "category": "tourism", "counties": ["430528"]},
        {"id": "b", "name_zh": "乙", "name_en": "B", "category": "ecology", "counties": ["430528", "430529"]},
        {"id": "c", "name_zh": "丙", "name_en": "C", "category": "ecology", "counties": []},
    ]  # fmt: skip
    table = county_balance(items, balance_view.facts_frame(facts.set_index("adcode", drop=False).to_dict("index")), {"430528": 12.5}, city_population=6_563_520)  # fmt: skip
    return with_amount(table, "fractional")


def test_download_is_the_12_counties_then_the_citywide_row(measured):
    columns = balance_view.balance_columns("fractional")
    download = balance_view.export_table(measured, columns)
    assert list(download["adcode"]) == [*sorted(COUNTY_ADCODES), CITYWIDE]
    assert list(download.columns) == [c.name for c in columns]
    assert len({c.name for c in columns}) == len(columns)
    assert download.loc[download["adcode"] == "430528", "amount"].item() == pytest.approx(1.5)
    text = export.to_csv_bytes(download).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == [c.name for c in columns]


def test_xlsx_download_explains_every_column(measured):
    columns = balance_view.balance_columns("touched")
    download = balance_view.export_table(measured, columns)
    book = load_workbook(io.BytesIO(export.to_xlsx_bytes(download, columns, title="settings")))
    dictionary = book.worksheets[1]
    assert dictionary["A1"].value == "settings"
    names = [row[0].value for row in dictionary.iter_rows(min_row=4)]
    assert names == [c.name for c in columns]


def test_screen_table_has_the_12_counties_and_leaves_unknowns_empty(measured):
    shown, formats = balance_view.display_table(
        measured, "en", counting="fractional", investment=False
    )
    assert len(shown) == 12
    assert set(formats) <= set(shown.columns)
    row = shown.set_index("Adcode").loc["430528"]
    assert row["County"] == "Xinning County"
    assert pd.isna(row["Population (2020 census)"])
    assert row["Ecology"] == 1 and row["Tourism"] == 1
    assert row["Route length inside"] == 12.5


def test_index_table_in_both_languages(measured):
    indices = balance_indices(measured, "amount_per_1000km2")
    for lang in ("zh", "en"):
        names = balance_view.county_names(measured, lang)
        frame = balance_view.index_table(indices, names, lang)
        assert len(frame) == 8
        assert frame.iloc[2, 1] == f"{indices.gini.value:.3f}"
        assert frame.iloc[:, 4].map(bool).all()  # every index says what it means
    zh = balance_view.index_table(indices, balance_view.county_names(measured, "zh"), "zh")
    assert (
        zh.iloc[1, 3] == "双清区、绥宁县、新宁县"
    )  # the weighted CV leaves out unknown populations
    assert zh.iloc[2, 3] == "无"
