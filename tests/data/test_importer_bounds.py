"""Hostile and careless files: every one is read within bounded memory and time, or refused
with a message that says what is wrong and where. The files are generated small in the test."""

from __future__ import annotations

import subprocess

import pytest

from data import admin, importer
from data.importer import plan_import, sandbox
from tests.data import hostile_files


def codes(plan: importer.ImportPlan) -> list[str]:
    return [p.code for p in plan.problems]


# ---------------------------------------------------------------- the probes


def test_xlsx_declared_dimension_is_ignored():
    """A1:XFD50005 declared, two rows held: read as two rows, the data row numbered 50005."""
    table = importer.read_table_isolated(hostile_files.xlsx_dimension_bomb(), "bomb.xlsx")
    assert table.headers == ["项目名称", "县市区"]
    assert table.rows == [(50005, ["产业园", "邵东"])]
    plan = importer.validate(table)
    assert plan.ok and [p.row for p in plan.projects] == [50005]


def test_xlsx_values_far_right_are_refused_with_their_row():
    with pytest.raises(importer.FileProblem) as caught:
        importer.read_table(hostile_files.xlsx_wide_rows(50_000), "wide.xlsx")
    problem = caught.value.problem
    assert problem.code == "too_many_columns"
    assert "row 2" in problem.en and "16384" in problem.en and "第 2 行" in problem.zh


def test_xlsx_shared_string_bomb_is_refused_before_loading():
    plan = plan_import(hostile_files.xlsx_shared_strings_bomb(), "strings.xlsx", isolated=True)
    assert codes(plan) == ["too_many_strings"]
    assert "2,000,000" in plan.problems[0].en


@pytest.mark.parametrize("per_feature", [100, 100_000])
def test_geojson_with_many_property_names_is_refused(per_feature):
    content = hostile_files.geojson_many_names(100_000, per_feature)
    assert len(content) < 3_000_000
    plan = plan_import(content, "names.geojson")
    assert codes(plan) == ["too_many_columns"]


def test_cli_refuses_dev_zero_without_reading_it_all(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert admin.main(["import", "/dev/zero", "--dry-run", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "file too large (> 20 MB)" in out


def test_cli_imports_the_dimension_bomb_within_bounds(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(hostile_files.xlsx_dimension_bomb())
    assert admin.main(["import", str(path), "--dry-run"]) == 0
    assert "1 added" in capsys.readouterr().out


# ---------------------------------------------------------------- silent loss


def test_formula_without_cached_value_is_named_with_row_and_column():
    plan = plan_import(hostile_files.xlsx_formula_without_value(), "f.xlsx")
    (problem,) = plan.problems
    assert (problem.code, problem.row, problem.column) == ("formula_without_value", 2, "项目名称")
    assert "A2" in problem.en and "CONCATENATE" in problem.en and "公式" in problem.zh


def test_identical_duplicate_headings_are_refused():
    plan = plan_import("项目名称,县市区,项目名称\n甲,邵东,乙\n".encode(), "dup.csv")
    (problem,) = plan.problems
    assert problem.code == "duplicate_header"
    assert "columns 1 and 3" in problem.en and "第 1 列和第 3 列" in problem.zh


def test_gbk_file_with_a_utf8_row_names_the_line():
    content = "项目名称,县市区\n甲项目,邵东\n".encode("gbk") + "邵东项目,邵东\n".encode()
    plan = plan_import(content, "mixed.csv")
    (problem,) = plan.problems
    assert (problem.code, problem.row) == ("mixed_encoding", 3)
    assert "line 3" in problem.en and "UTF-8" in problem.zh


def test_plain_gbk_and_utf8_files_still_read():
    text = "项目名称,县市区\n甲项目,邵东\n"
    for encoding in ("gbk", "utf-8"):
        assert plan_import(text.encode(encoding), "x.csv").ok


# ---------------------------------------------------------------- the child process


def test_a_parse_over_time_is_stopped_with_a_message(monkeypatch):
    monkeypatch.setattr(sandbox, "PARSE_SECONDS", 0.001)
    monkeypatch.setattr(sandbox, "_PARSED", sandbox.OrderedDict())
    with pytest.raises(importer.FileProblem) as caught:
        importer.read_table_isolated("项目名称,县市区\n甲,邵东\n".encode(), "slow.csv")
    assert caught.value.problem.code == "too_slow"


def test_a_parse_out_of_memory_is_stopped_with_a_message(monkeypatch):
    # 6 million two-letter cells (18 MB) need several hundred MB as Python strings.
    monkeypatch.setattr(sandbox, "PARSE_MEMORY_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(sandbox, "_PARSED", sandbox.OrderedDict())
    header = ",".join(f"c{i}" for i in range(150)) + "\n"
    content = header + (",".join(["ab"] * 150) + "\n") * 40_000
    with pytest.raises(importer.FileProblem) as caught:
        importer.read_table_isolated(content.encode(), "big.csv")
    assert caught.value.problem.code == "too_complex"
    assert "200 MB" in caught.value.problem.en
    # Within the real limit the same file reads: it was the limit, not the file, that stopped it.
    monkeypatch.setattr(sandbox, "PARSE_MEMORY_BYTES", 1024 * 1024 * 1024)
    sandbox._PARSED.clear()
    assert len(importer.read_table_isolated(content.encode(), "big.csv").rows) == 40_000


def test_the_parsed_file_is_remembered_by_its_hash(monkeypatch):
    monkeypatch.setattr(sandbox, "_PARSED", sandbox.OrderedDict())
    content = "项目名称,县市区\n甲,邵东\n".encode()
    first = importer.read_table_isolated(content, "a.csv")

    def no_second_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(subprocess, "run", no_second_parse)
    assert importer.read_table_isolated(content, "a.csv") is first
