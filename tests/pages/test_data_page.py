"""The Data page boots under AppTest, imports pasted cells, edits, undoes, and never renders
user text as Markdown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan" / "my_data.py")
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
    """Paste into the current import box (its key changes after each import)."""
    round_ = at.session_state["data_upload_round"] if "data_upload_round" in at.session_state else 0
    at.text_area(key=f"data_paste_{round_}").input(text)
    return at.run()


def save(at: AppTest, kind: str, record_id: str, lang: str = "zh") -> AppTest:
    label = "保存" if lang == "zh" else "Save"
    return at.button(key=f"FormSubmitter:data_form_{kind}_{record_id}-{label}").click().run()


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
    assert HOSTILE in set(frame_with(at, "项目编号")["项目名称"])
    assert "<script>" not in rendered_text(at) and "onerror" not in rendered_text(at)
    at.button(key="data_undo_last").click().run()
    assert not at.exception
    assert open_store().list_projects() == []


def test_edit_a_project_and_annotate_a_report_item(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    store = open_store()
    first = store.list_projects()[0]
    inputs = [w for w in at.text_input if w.label == "总投资（亿元）"]
    inputs[0].input("20")
    save(at, "project", first["project_id"])
    assert not at.exception
    assert store.get_project(first["project_id"])["investment_yi"] == Decimal(20)
    at.selectbox(key="data_initiative_choice").set_value("shaoyong-hsr").run()
    note_inputs = [w for w in at.text_input if w.label == "总投资（亿元）"]
    note_inputs[-1].input("96")
    save(at, "annotation", "shaoyong-hsr")
    assert not at.exception
    assert store.get_annotation("shaoyong-hsr")["investment_yi"] == Decimal(96)
    log = frame_with(at, "summary")
    assert list(log["action"])[:3] == ["annotate", "update", "import"]


def test_the_project_form_edits_the_category_in_the_vocabulary_words(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    store = open_store()
    first = store.list_projects()[0]
    (category,) = [w for w in at.selectbox if w.label == "类别"]
    assert category.format_func("tourism") == "文化旅游"  # the map's word, not 文旅
    category.set_value("tourism")
    save(at, "project", first["project_id"])
    assert not at.exception
    assert store.get_project(first["project_id"])["category"] == "tourism"


def two_editors(env):
    """Two sessions with the same project's form open."""
    first = paste(run_page("en"), GOOD)
    first.button(key="data_import").click().run()
    other = run_page("en")
    return first, other, open_store().list_projects()[0]["project_id"]


def amount_input(at: AppTest):
    return [w for w in at.text_input if w.label.startswith("Total investment")][0]


def test_a_second_save_of_the_same_field_shows_the_conflict(env):
    first, other, pid = two_editors(env)
    amount_input(first).input("20")
    save(first, "project", pid, "en")
    assert open_store().get_project(pid)["investment_yi"] == Decimal(20)
    amount_input(other).input("30")
    save(other, "project", pid, "en")
    assert not other.exception
    assert any("Conflict" in e.value for e in other.error)
    clash = frame_with(other, "Yours (not saved)")
    assert list(clash["Now (saved by someone else)"]) == ["20"]
    assert list(clash["Yours (not saved)"]) == ["30"]
    assert open_store().get_project(pid)["investment_yi"] == Decimal(20)  # nothing overwritten


def test_saves_of_different_fields_are_merged(env):
    first, other, pid = two_editors(env)
    amount_input(first).input("20")
    save(first, "project", pid, "en")
    other.run()  # any rerun: the page says the record changed, and keeps the form as it was
    assert any("saved this record after you opened it" in w.value for w in other.warning)
    [w for w in other.text_area if w.label == "Note"][0].input("checked on site")
    save(other, "project", pid, "en")
    assert not other.exception and not other.error
    project = open_store().get_project(pid)
    assert project["investment_yi"] == Decimal(20) and project["note"] == "checked on site"


def test_after_an_import_the_page_shows_the_result_only(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    assert any("新增 2" in s.value for s in at.success)
    assert not at.error  # the file is not checked again (it would be all duplicates now)
    assert at.text_area(key="data_paste_1").value == ""


def test_import_the_valid_rows_and_skip_the_problems(env):
    mixed = GOOD + "\tnowhere\t12.5\t\n"
    at = paste(run_page("en"), mixed)
    assert at.button(key="data_import").disabled
    assert any("skip the 1 rows" in i.value for i in at.info)
    at.button(key="data_import_partial").click().run()
    assert not at.exception
    assert [p["name_zh"] for p in open_store().list_projects()] == ["产业园", HOSTILE]
    assert any("1 rows with problems skipped" in s.value for s in at.success)
    (download,) = [
        b for b in at.get("download_button") if "rows with problems" in str(b.proto.label)
    ]
    assert download is not None


def test_read_only_mode_disables_every_write(env, monkeypatch):
    monkeypatch.setenv("SHAOYANG_READ_ONLY", "1")
    at = paste(run_page("en"), GOOD)
    assert not at.exception
    assert any("read-only" in i.value for i in at.info)
    assert at.button(key="data_import").disabled
    assert not (env / "store.sqlite3").exists()  # read-only never creates the store


def test_edit_password(env, monkeypatch):
    monkeypatch.setenv("SHAOYANG_EDIT_PASSWORD", "s3cret")
    from data import store as store_module

    monkeypatch.setattr(store_module.PasswordGate, "FAILURE_DELAY_S", 0)
    at = paste(run_page("en"), GOOD)
    assert at.button(key="data_import").disabled
    at.text_input(key="data_password").input("wrong")
    at.button(key="FormSubmitter:data_unlock-Unlock editing").click().run()
    assert at.button(key="data_import").disabled
    assert any("Wrong password" in e.value for e in at.error)
    at.text_input(key="data_editor").input("li")
    at.text_input(key="data_password").input("s3cret")
    at.button(key="FormSubmitter:data_unlock-Unlock editing").click().run()
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert open_store().change_log()[0]["actor"].startswith("li · session-")


def test_password_guessing_locks_the_session_out(env, monkeypatch):
    monkeypatch.setenv("SHAOYANG_EDIT_PASSWORD", "s3cret")
    from data import store as store_module

    monkeypatch.setattr(store_module.PasswordGate, "FAILURE_DELAY_S", 0)
    at = run_page("en")
    for _ in range(store_module.PasswordGate.MAX_FAILURES):
        at.text_input(key="data_password").input("guess")
        at.button(key="FormSubmitter:data_unlock-Unlock editing").click().run()
    at.text_input(key="data_password").input("s3cret")
    at.button(key="FormSubmitter:data_unlock-Unlock editing").click().run()
    assert any("Too many wrong passwords" in e.value for e in at.error)
    assert "data_auth" not in at.session_state


def test_a_damaged_store_gives_our_message_not_a_traceback(env):
    (env / "store.sqlite3").write_bytes(b"not a database at all" * 50)
    from data.store import _cached_store

    _cached_store.cache_clear()
    at = run_page("en")
    assert not at.exception
    (error,) = at.error
    assert "cannot be read right now" in error.value and str(env) not in error.value


def test_export_downloads_are_offered_in_the_ui_language(env):
    at = paste(run_page(), GOOD)
    at.button(key="data_import").click().run()
    projects = frame_with(at, "项目名称")
    assert HOSTILE in set(projects["项目名称"])  # the table shows the text as stored
    assert set(projects["状态"]) == {"在建", "谋划"} and "status" not in projects.columns
    assert set(projects["县市区代码"]) == {"430582", "430528"}
    assert not at.exception
    at.button(key="data_export_prepare").click().run()
    assert not at.exception
    assert any("2" in c.value for c in at.caption if "导出文件" in c.value)


def test_many_projects_are_paged(env):
    page_rows = 200
    lines = ["项目名称\t县市区"] + [f"项目{i:04d}\t邵东" for i in range(page_rows + 5)]
    at = paste(run_page("en"), "\n".join(lines) + "\n")
    at.button(key="data_import").click().run()
    assert len(frame_with(at, "project name")) == page_rows
    at.number_input(key="data_projects_page").set_value(2).run()
    assert list(frame_with(at, "project name")["project name"]) == [
        f"项目{i:04d}" for i in range(page_rows, page_rows + 5)
    ]


def test_the_preview_speaks_the_ui_language(env):
    from components.i18n import t

    at = paste(run_page("en"), GOOD)
    preview = frame_with(at, t("data.col_row", "en"))
    assert list(preview[t("data.col_row", "en")]) == [2, 3]
    assert list(preview["status"]) == ["under construction", "planned"]
    assert list(preview["counties"]) == ["Shaodong City", "Xinning County"]
    assert list(preview["county adcodes"]) == ["430582", "430528"]
