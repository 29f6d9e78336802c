"""Import the valid rows, skip the listed problems: one transaction, the skipped rows handed
back as a CSV with each row's messages."""

from __future__ import annotations

import csv
import io

import pytest

from data import admin
from data.importer import plan_import

FILE = (
    "项目名称,县市区,总投资\n"
    "甲,邵东,1亿元\n"
    ",nowhere,2亿元\n"
    '乙,新宁,=HYPERLINK("x")\n'
    "丙,隆回,3亿元\n"
).encode()


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_plan_with_row_problems_can_skip_them():
    plan = plan_import(FILE, "mixed.csv")
    assert not plan.ok and plan.projects == []
    assert plan.can_skip and plan.skipped_row_count == 2
    partial = plan.skipping_problems()
    assert partial.ok
    assert [p.name_zh for p in partial.projects] == ["甲", "丙"]
    assert {p.row for p in partial.skipped} == {3, 4}


def test_the_skipped_rows_csv_has_the_messages_and_the_cells():
    plan = plan_import(FILE, "mixed.csv")
    rows = read_csv(plan.skipping_problems().skipped_rows_csv("en"))
    assert rows[0] == ["row", "problem", "项目名称", "县市区", "总投资"]
    assert [r[0] for r in rows[1:]] == ["3", "4"]
    assert "project name is missing" in rows[1][1] and "nowhere" in rows[1][1]
    assert rows[1][3] == "nowhere"
    # A formula-like cell goes back neutralised, so opening the CSV runs nothing.
    assert rows[2][4] == '\'=HYPERLINK("x")'


def test_file_level_problems_cannot_be_skipped():
    plan = plan_import("名称x,县\n甲,邵东\n".encode(), "bad.csv")
    assert not plan.can_skip
    with pytest.raises(ValueError):
        plan.skipping_problems()


def test_nothing_valid_nothing_to_skip_to():
    plan = plan_import("项目名称,县市区\n,邵东\n".encode(), "bad.csv")
    assert not plan.can_skip


def test_cli_skip_invalid_imports_the_rest_and_writes_the_skipped_rows(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SHAOYANG_READ_ONLY", raising=False)
    monkeypatch.delenv("SHAOYANG_EDIT_PASSWORD", raising=False)
    path = tmp_path / "mixed.csv"
    path.write_bytes(FILE)
    skipped = tmp_path / "skipped.csv"
    # Without the flag: nothing.
    assert admin.main(["import", str(path), "--lang", "en"]) == 1
    args = ["import", str(path), "--lang", "en", "--skip-invalid", "--skipped-csv", str(skipped)]
    assert admin.main(args) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "2 row(s) with problems skipped" in out
    from data.store import open_store

    assert [p["name_zh"] for p in open_store().list_projects()] == ["甲", "丙"]
    assert [r[0] for r in read_csv(skipped.read_bytes())[1:]] == ["3", "4"]
