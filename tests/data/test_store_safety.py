"""The store under pressure: racing imports, a database that is down or damaged, password
guessing, read-only mode. Every test runs on SQLite and on PostgreSQL when TEST_DATABASE_URL
is set."""

from __future__ import annotations

import logging
import threading

import pytest

from data import importer
from data.store import (
    ConflictError,
    NotAllowedError,
    PasswordGate,
    ProjectStore,
    StoreUnavailableError,
)
from tests.data.store_backends import BACKENDS, backend_url, make_store


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def annotation_file(ids: list[str], status: str) -> bytes:
    lines = ["报告条目编号,状态,备注"] + [f"{i},{status},{status}" for i in ids]
    return "\n".join(lines).encode()


def test_opposite_order_annotation_imports_both_finish(backend, tmp_path):
    """Two imports annotating every report item in opposite orders, started together ten
    times: both finish every time (no deadlock), and each is whole."""
    store = make_store(backend, tmp_path)
    ids = sorted(importer.report_initiatives())
    plans = {
        "up": importer.plan_import(annotation_file(ids, "在建"), "up.csv"),
        "down": importer.plan_import(annotation_file(list(reversed(ids)), "建成"), "down.csv"),
    }
    rounds = 10
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    done: list[str] = []

    def worker(name: str) -> None:
        for _ in range(rounds):
            barrier.wait()  # both start each round together
            try:
                store.apply_import(plans[name], actor=name)
                done.append(name)
            except ConflictError:
                pass  # a clean, worded refusal is acceptable; a raw database error is not
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # With one lock order they queue, so every import goes through (a deadlock would surface
    # as a clean ConflictError, but there should be none to surface).
    assert len(done) == 2 * rounds
    statuses = {store.get_annotation(i)["status"] for i in ids}
    assert len(statuses) == 1  # every import was all or nothing: no mix of the two files
    store.close()


def test_a_damaged_sqlite_file_is_a_store_error_without_paths(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailableError) as caught:
        ProjectStore(f"sqlite:///{path}")
    assert str(tmp_path) not in str(caught.value)


def test_a_database_that_is_down_is_a_store_error_without_host(tmp_path):
    url = "postgresql+psycopg://user:pw@127.0.0.1:9/nowhere?connect_timeout=2"
    with pytest.raises(StoreUnavailableError) as caught:
        ProjectStore(url)
    assert "127.0.0.1" not in str(caught.value) and "pw" not in str(caught.value)


def test_a_database_that_goes_away_later_is_a_store_error(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = ProjectStore(f"sqlite:///{path}")
    store.engine.dispose()
    path.write_bytes(b"damaged" * 1000)
    for name in ("-wal", "-shm"):
        (tmp_path / f"store.sqlite3{name}").unlink(missing_ok=True)
    with pytest.raises(StoreUnavailableError):
        store.list_projects()


def test_read_only_mode_does_not_create_the_store(backend, tmp_path):
    if backend == "sqlite":
        target = tmp_path / "nested" / "store.sqlite3"
        store = ProjectStore(f"sqlite:///{target}", read_only=True)
        assert store.list_projects() == [] and store.change_log() == []
        seen: list = []  # the app reads from many threads: each sees the same empty store
        reader = threading.Thread(target=lambda: seen.append(store.count_projects()))
        reader.start()
        reader.join()
        assert seen == [0]
        assert not target.parent.exists()
    else:
        url = backend_url(backend, tmp_path)  # tables dropped
        store = ProjectStore(url, read_only=True)
        assert store.list_projects() == []
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        assert not sa.inspect(engine).has_table("user_projects")
        engine.dispose()
    store.close()


def test_every_write_needs_the_unlock_token(backend, tmp_path):
    store = make_store(backend, tmp_path, edit_password="s3cret")
    plan = importer.plan_import("项目名称,县市区\n甲,邵东\n".encode(), "a.csv")
    with pytest.raises(NotAllowedError):
        store.apply_import(plan, actor="a")
    with pytest.raises(NotAllowedError):
        store.annotate("shaoyong-hsr", {"status": "在建"}, actor="a", auth="made-up")
    assert store.apply_import(plan, actor="a", dry_run=True).added == 1  # a dry run writes nothing
    token = store.unlock("s3cret", client="c1")
    assert token and store.may_write(token)
    store.apply_import(plan, actor="a", auth=token)
    pid = store.list_projects()[0]["project_id"]
    for write in (
        lambda auth: store.update_project(pid, {"note": "x"}, actor="a", auth=auth),
        lambda auth: store.annotate("shaoyong-hsr", {"note": "x"}, actor="a", auth=auth),
        lambda auth: store.undo_last(actor="a", auth=auth),
        lambda auth: store.delete_project(pid, actor="a", auth=auth),
    ):
        with pytest.raises(NotAllowedError):
            write(None)
        write(token)
    store.close()


def test_password_guessing_is_slowed_locked_out_and_logged(caplog):
    gate = PasswordGate("s3cret")
    now = [1000.0]
    slept: list[float] = []
    gate._clock = lambda: now[0]
    gate._sleep = slept.append
    with caplog.at_level(logging.WARNING, logger="shaoyang.store"):
        for guess in ("a", "b", "c", "d", "e"):
            assert gate.unlock(guess, "mallory") is None
    assert slept == [PasswordGate.FAILURE_DELAY_S] * 5
    # Locked out now, even with the right password; another client is not.
    assert gate.wait_seconds("mallory") == pytest.approx(PasswordGate.LOCKOUT_S)
    assert gate.unlock("s3cret", "mallory") is None
    assert gate.unlock("s3cret", "alice") is not None
    now[0] += PasswordGate.LOCKOUT_S + 1
    assert gate.unlock("s3cret", "mallory") is not None
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "wrong password from client mallory" in logged and "locked out" in logged
    assert "s3cret" not in logged and "'a'" not in logged


def test_new_sessions_do_not_reset_the_count():
    gate = PasswordGate("s3cret")
    gate._clock = lambda: 5000.0
    gate._sleep = lambda _s: None
    for i in range(PasswordGate.MAX_FAILURES_ALL):
        gate.unlock("wrong", f"session-{i}")
    assert gate.unlock("s3cret", "fresh-session") is None
