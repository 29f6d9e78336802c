"""The store: every test runs on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa

from data import importer
from data.store import (
    ConflictError,
    NotFoundError,
    ProjectStore,
    ReadOnlyError,
    database_url,
    investment_by_county,
    merge_annotations,
    normalise_url,
    open_store,
    projects_geoframe,
)
from tests.data.store_backends import BACKENDS, backend_url, make_store

HEADER = "项目名称,县市区,经度,纬度,状态,总投资,开工时间,竣工时间,报告条目编号\n"


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store(backend, tmp_path):
    """An empty store of the parametrised backend."""
    s = make_store(backend, tmp_path)
    yield s
    s.close()


def plan(store: ProjectStore, rows: str, header: str = HEADER) -> importer.ImportPlan:
    """A validated plan for CSV rows (UTF-8), checked against what the store holds."""
    result = importer.plan_import((header + rows).encode(), "test.csv", existing=store.existing())
    assert result.ok, [p.line("en") for p in result.problems]
    return result


def add(store: ProjectStore, rows: str, actor: str = "tester") -> importer.ImportResult:
    return store.apply_import(plan(store, rows), actor=actor)


def only(store: ProjectStore) -> dict:
    (project,) = store.list_projects()
    return project


# ---------------------------------------------------------------- basics


def test_import_adds_projects_with_exact_amounts_and_dates(store):
    result = add(
        store,
        "产业园,邵东市,111.744,27.258,在建,12.5亿元,2024-03-01,2026-12-31,\n道路,新宁县,,,谋划,3000万元,2024,2025,\n",
    )
    assert (result.added, result.updated, result.unchanged) == (2, 0, 0)
    park, road = store.list_projects()
    assert park["investment_yi"] == Decimal("12.5")
    assert road["investment_yi"] == Decimal("0.3")
    assert park["status"] == "under_construction"
    assert park["start_date"] == dt.date(2024, 3, 1)
    assert road["end_date"] == dt.date(2025, 12, 31)
    assert park["counties"] == ["430582"] and park["precision"] == "site"
    assert road["precision"] == "county" and road["lon"] is None
    assert park["version"] == 1 and park["created_by"] == "tester"
    assert park["updated_at"].tzinfo is not None


def test_small_amounts_stay_exact(store):
    add(store, "小项目,双清区,,,,1元,,,\n")
    assert only(store)["investment_yi"] == Decimal("0.00000001")


def test_sqlite_uses_wal(tmp_path):
    s = make_store("sqlite", tmp_path)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10000
    s.close()


def test_hostile_text_is_stored_verbatim(store):
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>\u202e"javascript:alert(3)'
    header = "项目名称,县市区,备注\n"
    text = f'"{hostile.replace(chr(34), chr(34) * 2)}",邵东,"=HYPERLINK(""javascript:x"")"\n'
    store.apply_import(plan(store, text, header), actor="<b>actor</b>")
    project = only(store)
    assert project["name_zh"] == hostile
    assert project["note"] == '=HYPERLINK("javascript:x")'
    assert project["updated_by"] == "<b>actor</b>"


def test_restart_keeps_data(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    first = ProjectStore(url)
    add(first, "产业园,邵东市,,,在建,1亿元,,,\n")
    first.annotate("shaoyong-hsr", {"status": "在建"}, actor="a")
    first.close()
    second = ProjectStore(url)
    assert [p["name_zh"] for p in second.list_projects()] == ["产业园"]
    assert second.get_annotation("shaoyong-hsr")["status"] == "under_construction"
    assert len(second.change_log()) == 2
    second.close()


# ---------------------------------------------------------------- edits and conflicts


def test_update_records_a_change_and_bumps_version(store):
    add(store, "产业园,邵东市,,,在建,1亿元,,,\n")
    project = only(store)
    updated = store.update_project(
        project["project_id"], {"investment_yi": "2.5", "status": "建成"}, actor="b"
    )
    assert updated["investment_yi"] == Decimal("2.5") and updated["status"] == "completed"
    assert updated["version"] == 2 and updated["updated_by"] == "b"
    log = store.change_log()
    assert log[0]["action"] == "update" and log[0]["actor"] == "b"
    (change,) = store.changes(log[0]["id"])
    assert change["before"]["investment_yi"] == "1" and change["after"]["investment_yi"] == "2.5"


def test_update_validates_like_the_importer(store):
    add(store, "产业园,邵东市,,,,,2024-01-01,,\n")
    pid = only(store)["project_id"]
    with pytest.raises(ValueError, match="status"):
        store.update_project(pid, {"status": "soon"}, actor="x")
    with pytest.raises(ValueError, match="before start_date"):
        store.update_project(pid, {"end_date": "2023-01-01"}, actor="x")
    with pytest.raises(ValueError, match="cannot edit"):
        store.update_project(pid, {"lon": 1}, actor="x")
    with pytest.raises(ValueError, match="empty"):
        store.update_project(pid, {"name_zh": "  "}, actor="x")
    with pytest.raises(ValueError, match="NUL"):
        store.update_project(pid, {"note": "a\x00b"}, actor="x")
    assert only(store)["version"] == 1


def test_stale_version_is_refused(store):
    add(store, "产业园,邵东市,,,,,,,\n")
    project = only(store)
    store.update_project(project["project_id"], {"note": "first"}, actor="a", expected_version=1)
    with pytest.raises(ConflictError):
        store.update_project(
            project["project_id"], {"note": "second"}, actor="b", expected_version=1
        )
    assert only(store)["note"] == "first"


def test_two_editors_of_different_fields_both_win(store):
    """Both loaded the same record; one edits the amount, the other the status: nothing is lost."""
    add(store, "产业园,邵东市,,,谋划,1亿元,,,\n")
    seen = only(store)
    pid = seen["project_id"]
    store.update_project(
        pid, {"investment_yi": "3"}, base={"investment_yi": seen["investment_yi"]}, actor="a"
    )
    store.update_project(pid, {"status": "在建"}, base={"status": seen["status"]}, actor="b")
    final = only(store)
    assert final["investment_yi"] == Decimal("3") and final["status"] == "under_construction"


def test_two_editors_of_the_same_field_conflict(store):
    add(store, "产业园,邵东市,,,谋划,1亿元,,,\n")
    seen = only(store)
    pid = seen["project_id"]
    store.update_project(pid, {"investment_yi": 3}, base={"investment_yi": 1.0}, actor="a")
    with pytest.raises(ConflictError, match="investment_yi"):
        store.update_project(
            pid, {"investment_yi": 4}, base={"investment_yi": seen["investment_yi"]}, actor="b"
        )
    assert only(store)["investment_yi"] == Decimal("3")


def test_unknown_project(store):
    with pytest.raises(NotFoundError):
        store.update_project("p-000000000000", {"note": "x"}, actor="a")


def test_delete_hides_and_undo_restores(store):
    add(store, "产业园,邵东市,,,,,,,\n")
    pid = only(store)["project_id"]
    store.delete_project(pid, actor="a")
    assert store.list_projects() == []
    assert store.existing().project_ids == frozenset()
    store.undo_last(actor="a")
    assert only(store)["project_id"] == pid


# ---------------------------------------------------------------- undo


def test_undo_an_import_removes_all_its_rows_and_redo_brings_them_back(store):
    result = add(store, "甲,邵东市,,,,,,,\n乙,新宁县,,,,,,,\n,,,,在建,,,,shaoyong-hsr\n")
    assert result.added == 3
    undo_id = store.undo(result.change_set_id, actor="u")
    assert store.list_projects() == [] and store.list_annotations() == []
    log = {c["id"]: c for c in store.change_log()}
    assert log[result.change_set_id]["undone_by"] == undo_id
    assert log[undo_id]["undoes"] == result.change_set_id
    with pytest.raises(ConflictError, match="already undone"):
        store.undo(result.change_set_id, actor="u")
    store.undo(undo_id, actor="u")  # redo
    assert sorted(p["name_zh"] for p in store.list_projects()) == ["乙", "甲"]
    assert store.get_annotation("shaoyong-hsr")["status"] == "under_construction"


def test_undo_is_refused_when_a_later_change_touched_the_record(store):
    result = add(store, "甲,邵东市,,,,,,,\n")
    pid = only(store)["project_id"]
    store.update_project(pid, {"note": "later"}, actor="b")
    later = store.change_log()[0]["id"]
    with pytest.raises(ConflictError, match=f"#{later}"):
        store.undo(result.change_set_id, actor="a")
    assert only(store)["note"] == "later"
    store.undo(later, actor="a")
    store.undo(result.change_set_id, actor="a")
    assert store.list_projects() == []


def test_undo_last_walks_back_and_can_be_limited_to_one_user(store):
    add(store, "甲,邵东市,,,,,,,\n", actor="alice")
    pid = only(store)["project_id"]
    store.update_project(pid, {"note": "by bob"}, actor="bob")
    store.update_project(pid, {"status": "在建"}, actor="alice")
    store.undo_last(actor="alice", by="alice")
    assert only(store)["status"] is None and only(store)["note"] == "by bob"
    store.undo_last(actor="alice")
    assert only(store)["note"] is None
    store.undo_last(actor="alice")
    assert store.list_projects() == []
    assert store.undo_last(actor="alice") is None


def test_undo_of_a_deleted_then_re_added_name_conflicts(store):
    result = add(store, "甲,邵东市,,,,,,,\n")
    store.delete_project(only(store)["project_id"], actor="a")
    add(store, "甲,邵东市,,,,,,,\n")
    delete_id = store.change_log()[1]["id"]
    with pytest.raises(ConflictError):
        store.undo(delete_id, actor="a")
    assert len(store.list_projects()) == 1
    assert result.change_set_id != delete_id


def test_unknown_change_set(store):
    with pytest.raises(NotFoundError):
        store.undo(999, actor="a")
    with pytest.raises(NotFoundError):
        store.changes(999)


# ---------------------------------------------------------------- annotations


def test_annotate_a_report_initiative(store):
    note = store.annotate(
        "shaoyong-hsr",
        {"investment_yi": "120", "status": "在建", "start_date": "2023-12-26"},
        actor="a",
    )
    assert note["investment_yi"] == Decimal("120") and note["start_date"] == dt.date(2023, 12, 26)
    frame = store.annotations_frame()
    assert frame.loc[0, "name_zh"] == "邵永高铁" and frame.loc[0, "counties"] == "430503,430523"
    store.undo_last(actor="a")
    assert store.list_annotations() == []
    assert store.get_annotation("shaoyong-hsr")["investment_yi"] is None


def test_annotate_unknown_initiative(store):
    with pytest.raises(NotFoundError):
        store.annotate("no-such-item", {"status": "在建"}, actor="a")


def test_reimporting_an_annotation_counts_as_update(store):
    add(store, ",,,,在建,,,,shaoyong-hsr\n")
    result = add(store, ",,,,建成,,,,shaoyong-hsr\n")
    assert (result.added, result.updated) == (0, 1)
    result = add(store, ",,,,建成,,,,shaoyong-hsr\n")
    assert (result.added, result.updated, result.unchanged, result.change_set_id) == (0, 0, 1, None)


# ---------------------------------------------------------------- import semantics


def test_project_id_round_trip_updates(store):
    add(store, "甲,邵东市,,,谋划,1亿元,,,\n")
    pid = only(store)["project_id"]
    header = "项目编号," + HEADER
    result = store.apply_import(
        plan(store, f"{pid},甲,邵东市,,,在建,2亿元,,,\n", header), actor="a"
    )
    assert (result.added, result.updated) == (0, 1)
    assert only(store)["investment_yi"] == Decimal("2")


def test_dry_run_writes_nothing(store):
    result = store.apply_import(plan(store, "甲,邵东市,,,,,,,\n"), actor="a", dry_run=True)
    assert result.added == 1 and result.change_set_id is None
    assert store.list_projects() == [] and store.change_log() == []


def test_an_import_racing_a_duplicate_changes_nothing(store):
    """The plan was checked before someone else stored the same project: the database refuses
    the whole import, including its other, valid rows."""
    stale = plan(store, "新项目,新宁县,,,,,,,\n甲,邵东市,,,,,,,\n")
    add(store, "甲,邵东市,,,,,,,\n")
    before = store.export_frame()
    with pytest.raises(ConflictError):
        store.apply_import(stale, actor="a")
    pd.testing.assert_frame_equal(store.export_frame(), before)
    assert len(store.change_log()) == 1


def test_refuses_a_plan_with_problems(store):
    bad = importer.plan_import(b"name_zh,county\nx,nowhere\n", "bad.csv")
    with pytest.raises(ValueError):
        store.apply_import(bad, actor="a")


def test_export_reimports_unchanged(store):
    from data import export

    add(
        store,
        '甲,邵东市,111.744,27.258,在建,12.5亿元,2024-03-01,2026-12-31,\n"=1+1",新宁县,,,,3000万元,,,\n,,,,在建,5亿元,,,shaoyong-hsr\n',
    )
    content = export.to_csv_bytes(store.export_frame())
    again = importer.plan_import(content, "export.csv", existing=store.existing())
    assert again.ok, [p.line("en") for p in again.problems]
    result = store.apply_import(again, actor="a")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 3)
    assert "=1+1" in {p["name_zh"] for p in store.list_projects()}


# ---------------------------------------------------------------- protection


def test_read_only_mode_refuses_every_write(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    writable = ProjectStore(url)
    add(writable, "甲,邵东市,,,,,,,\n")
    pid = only(writable)["project_id"]
    writable.close()
    ro = ProjectStore(url, read_only=True)
    assert only(ro)["name_zh"] == "甲"
    for write in (
        lambda: ro.update_project(pid, {"note": "x"}, actor="a"),
        lambda: ro.delete_project(pid, actor="a"),
        lambda: ro.annotate("shaoyong-hsr", {"status": "在建"}, actor="a"),
        lambda: ro.undo_last(actor="a"),
        lambda: ro.apply_import(plan(ro, "乙,新宁县,,,,,,,\n"), actor="a"),
    ):
        with pytest.raises(ReadOnlyError):
            write()
    assert [p["name_zh"] for p in ro.list_projects()] == ["甲"]
    ro.close()


def test_read_only_and_password_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAOYANG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SHAOYANG_READ_ONLY", "1")
    monkeypatch.setenv("SHAOYANG_EDIT_PASSWORD", "s3cret")
    s = open_store()
    assert s.url == f"sqlite:///{tmp_path / 'store.sqlite3'}"
    assert s.read_only and s.password_required
    assert (
        s.check_password("s3cret") and not s.check_password("wrong") and not s.check_password(None)
    )
    monkeypatch.delenv("SHAOYANG_READ_ONLY")
    monkeypatch.delenv("SHAOYANG_EDIT_PASSWORD")
    s2 = open_store()
    assert not s2.read_only and s2.check_password(None)


def test_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/x")
    assert database_url() == "postgresql+psycopg://u:p@db:5432/x"
    assert normalise_url("postgresql://h/x") == "postgresql+psycopg://h/x"
    assert normalise_url("sqlite:///a.db") == "sqlite:///a.db"


# ---------------------------------------------------------------- concurrency


def _increment(store: ProjectStore, pid: str, times: int, actor: str) -> int:
    """Read-modify-write with optimistic retry; returns how many conflicts it met."""
    conflicts = 0
    for _ in range(times):
        while True:
            current = store.get_project(pid)
            try:
                store.update_project(
                    pid,
                    {"investment_yi": current["investment_yi"] + 1},
                    actor=actor,
                    expected_version=current["version"],
                )
                break
            except ConflictError:
                conflicts += 1
    return conflicts


def test_two_threads_lose_no_update(store):
    add(store, "甲,邵东市,,,,0亿元,,,\n")
    pid = only(store)["project_id"]
    barrier = threading.Barrier(2)

    def worker(name):
        barrier.wait()
        _increment(store, pid, 15, name)

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = only(store)
    assert final["investment_yi"] == Decimal(30)
    assert final["version"] == 31
    assert sum(c["action"] == "update" for c in store.change_log(limit=100)) == 30


def test_two_threads_annotating_the_same_item_at_once(store):
    barrier = threading.Barrier(2)
    errors = []

    def worker(field, value):
        barrier.wait()
        try:
            store.annotate("shaoyong-hsr", {field: value}, actor=field, base={field: None})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=a)
        for a in (("status", "在建"), ("investment_yi", "7"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    note = store.get_annotation("shaoyong-hsr")
    assert note["status"] == "under_construction" and note["investment_yi"] == Decimal(7)


def _process_worker(url: str, pid: str, times: int, name: str) -> None:
    s = ProjectStore(url)
    _increment(s, pid, times, name)
    s.close()


def test_two_processes_lose_no_update(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    s = ProjectStore(url)
    add(s, "甲,邵东市,,,,0亿元,,,\n")
    pid = only(s)["project_id"]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_worker, args=(url, pid, 10, f"p{i}")) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert only(s)["investment_yi"] == Decimal(20)
    s.close()


# ---------------------------------------------------------------- frames for other pages


def test_frames_and_investment_by_county(store):
    add(
        store,
        "甲,邵东市,,,,2亿元,,,\n乙,邵东市,,,,5000万元,,,\n丙,邵东市、新邵县,,,,1亿元,,,\n丁,全市,,,,3亿元,,,\n戊,新宁县,,,,,,,\n",
    )
    store.annotate("shaoyong-hsr", {"investment_yi": 10}, actor="a")
    projects = store.projects_frame()
    assert list(projects["name_zh"]) == ["甲", "乙", "丙", "丁", "戊"]
    assert projects["investment_yi"].dtype == float
    totals = investment_by_county(projects, store.annotations_frame())
    assert totals == {"430582": 2.5, "multi_county": 11.0, "citywide": 3.0}


def test_schema_is_created_once_and_shared(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    a, b = ProjectStore(url), ProjectStore(url)
    add(a, "甲,邵东市,,,,,,,\n")
    assert [p["name_zh"] for p in b.list_projects()] == ["甲"]
    inspector = sa.inspect(a.engine)
    assert {"user_projects", "initiative_annotations", "change_sets", "changes"} <= set(
        inspector.get_table_names()
    )
    a.close()
    b.close()


def test_geoframe_and_merged_annotations_for_the_map(store):
    add(store, "甲,邵东市,111.744,27.258,,,,,\n乙,新宁县,,,,,,,\n")
    points = projects_geoframe(store.projects_frame())
    assert points.crs == "EPSG:4326" and points.attrs["datum"] == "wgs84"
    assert [g is None for g in points.geometry] == [False, True]
    store.annotate("shaoyong-hsr", {"status": "在建", "investment_yi": "96"}, actor="a")
    initiatives = pd.DataFrame(
        {"id": ["shaoyong-hsr", "project-competition"], "status": ["x", "y"]}
    )
    merged = merge_annotations(initiatives, store.annotations_frame())
    assert list(merged["status"]) == ["x", "y"]  # the report's columns are untouched
    assert (
        merged.loc[0, "user_status"] == "under_construction"
        and merged.loc[0, "user_investment_yi"] == 96
    )
    assert pd.isna(merged.loc[1, "user_investment_yi"])
