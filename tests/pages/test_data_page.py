"""The Data page boots under AppTest, imports pasted cells, edits, undoes, and never renders
user text as Markdown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "9_数据_Data.py")
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
GOOD = f"项目名称\t县市区\t总投资\t状态\n产业园\t邵东市\t12.5亿元\t在建\n{HOSTILE}\t新宁\t3000万元\t谋划\n"
BAD = "项目名称\t县市区\t总投资\n\tnowhere\t12.5\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh store in a temporary data directory, writable, no password."""
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "SHAOYANG_READ_ONLY", "SHAOYANG_EDIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def rendered_text(at: AppTest) -> str:
    """Everything the page rendered as Markdown-capable text (where HTML would be a risk)."""
    parts = (
        [m.value for m in at.markdown] + [m.value for m in at.caption] + [m.value for m in at.title]
    )
    parts += (
        [m.value for m in at.error] + [m.value for m in at.success] + [m.value for m in at.info]
    )
    return "\n".join(str(p) for p in parts)


def frame_with(at: AppTest, column: str):
    """The first dataframe on the page that has `column` (dataframes have no AppTest key)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with column {column!r}")


def paste(at: AppTest, text: str) -> AppTest:
    at.text_area(key="data_paste").input(text)
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_boots_in_both_languages(env, lang):
    at = run_page(lang)
    assert not at.exception
    assert at.title[0].value == ("我的项目数据" if lang == "zh" else "My project data")
    assert len(at.tabs) == 5
    assert "⟨" not in rendered_text(at)


def test_bad_cells_list_problems_and_cannot_be_imported(env):
    at = paste(run_page("en"), BAD)
    assert not at.exception
    problems = frame_with(at, "Problem")
    assert list(problems["Row"]) == [2, 2, 2]
    assert "the project name is missing" in problems["Problem"].iloc[0]
    assert at.button(key="data_import").disabled
    assert open_store().list_projects() == []


def test_import_pasted_cells_then_undo(env):
    at = paste(run_page(), GOOD)
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert not at.exception
    names = [p["name_zh"] for p in open_store().list_projects()]
    assert names == ["产业园", HOSTILE]
    assert any("新增 2" in s.value for s in at.success)
    # The hostile name is in a dataframe (plain text), never in Markdown.
    assert HOSTILE in set(frame_with(at, "project_id")["name_zh"])
    assert "<script>" not in rendered_text(at) and "onerror" not in rendered_text(at)
    at.button(key="data_undo_last").click().run()
    assert not at.exception
    assert open_store().list_projects() == []


def test_edit_a_project_and_annotate_a_report_item(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    store = open_store()
    first = store.list_projects()[0]
    form = f"data_edit_{first['project_id']}_{first['version']}"
    inputs = [w for w in at.text_input if w.label == "总投资（亿元）"]
    inputs[0].input("20")
    at.button(key=f"FormSubmitter:{form}-保存").click().run()
    assert not at.exception
    assert store.get_project(first["project_id"])["investment_yi"] == Decimal(20)
    at.selectbox(key="data_initiative_choice").set_value("shaoyong-hsr").run()
    note_inputs = [w for w in at.text_input if w.label == "总投资（亿元）"]
    note_inputs[-1].input("96")
    at.button(key="FormSubmitter:data_note_shaoyong-hsr_0-保存").click().run()
    assert not at.exception
    assert store.get_annotation("shaoyong-hsr")["investment_yi"] == Decimal(96)
    log = frame_with(at, "summary")
    assert list(log["action"])[:3] == ["annotate", "update", "import"]


def test_read_only_mode_disables_every_write(env, monkeypatch):
    monkeypatch.setenv("SHAOYANG_READ_ONLY", "1")
    at = paste(run_page("en"), GOOD)
    assert not at.exception
    assert any("read-only" in i.value for i in at.info)
    assert at.button(key="data_import").disabled


def test_edit_password(env, monkeypatch):
    monkeypatch.setenv("SHAOYANG_EDIT_PASSWORD", "s3cret")
    at = paste(run_page("en"), GOOD)
    assert at.button(key="data_import").disabled
    at.text_input(key="data_password").input("wrong").run()
    assert at.button(key="data_import").disabled
    assert any("Wrong password" in c.value for c in at.caption)
    at.text_input(key="data_password").input("s3cret").run()
    assert not at.button(key="data_import").disabled


def test_export_downloads_are_offered(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    preview = frame_with(at, "kind")
    assert HOSTILE in set(preview["name_zh"])  # the preview shows the text as stored
    assert not at.exception
