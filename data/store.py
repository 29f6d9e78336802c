"""The store of planners' own data: their projects and their annotations of report initiatives.

SQLAlchemy 2 over SQLite by default (``$SHAOYANG_DATA_DIR/store.sqlite3``, WAL mode, so the app
runs with no setup); ``DATABASE_URL=postgresql://...`` makes several app replicas share one
PostgreSQL store. The report-derived initiatives stay read-only in ``data/initiatives.geojson``;
only annotations of them live here.

Every write is one transaction that also records a change set (who, when, the state of every
touched record before and after), so any change set can be undone. Lost updates are prevented
twice over: writers serialise on the record (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
``SELECT ... FOR UPDATE``), and an edit carries the values its editor saw (``base``) or the
record ``version``; if someone else changed those fields meanwhile, :class:`ConflictError` is
raised instead of overwriting them.

Environment: ``SHAOYANG_DATA_DIR``, ``DATABASE_URL``, ``SHAOYANG_READ_ONLY=1``,
``SHAOYANG_EDIT_PASSWORD``. No streamlit here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import logging
import os
import random
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from data import importer, postgis
from data.fields import (
    ANNOTATION_FIELDS,
    EDITABLE_PROJECT_FIELDS,
    EXPORT_FIELDS,
    FIELD_BY_KEY,
    PROJECT_FIELDS,
)
from data.importer import CellError, Existing, ImportPlan, dedupe_key
from data.loaders import report_initiatives

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO / "var"


class StoreError(Exception):
    """A write that could not be done; nothing was changed."""


class ReadOnlyError(StoreError):
    """The store is in read-only mode (SHAOYANG_READ_ONLY)."""


class NotAllowedError(StoreError):
    """A write without the edit password's unlock token (SHAOYANG_EDIT_PASSWORD is set)."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached or read (server down, file damaged). The message names
    no host, port or path; the log has the detail."""

    def __init__(self, message: str = "the database is unavailable") -> None:
        super().__init__(message)


class ConflictError(StoreError):
    """Someone else changed the same record (or the same fields) first; nothing was changed."""


class NotFoundError(StoreError, KeyError):
    """No such project, initiative or change set."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------- models


class Amount(sa.types.TypeDecorator):
    """An amount in 亿元 kept exact: NUMERIC on PostgreSQL, decimal text on SQLite (whose
    NUMERIC is a float)."""

    impl = sa.String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Numeric(20, 8))
        return dialect.type_descriptor(sa.String(40))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(importer.AMOUNT_PLACES)
        return value if dialect.name == "postgresql" else format(value, "f")

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(importer.AMOUNT_PLACES).normalize() + Decimal(0)


class UTCDateTime(sa.types.TypeDecorator):
    """Timestamps stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return (
            value.astimezone(dt.UTC)
            if dialect.name == "postgresql"
            else value.astimezone(dt.UTC).replace(tzinfo=None)
        )

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Project(Base):
    """A project a planner added (never one of the report's)."""

    __tablename__ = "user_projects"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    counties: Mapped[str] = mapped_column(sa.String(200), default="")  # adcodes, comma-separated
    town: Mapped[str | None] = mapped_column(sa.Text)
    lon: Mapped[float | None] = mapped_column(sa.Float)  # WGS-84
    lat: Mapped[float | None] = mapped_column(sa.Float)
    precision: Mapped[str] = mapped_column(sa.String(16))
    location_source: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str | None] = mapped_column(sa.String(24))
    investment_yi: Mapped[Decimal | None] = mapped_column(Amount)
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    responsible_unit: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)
    dedupe_key: Mapped[str] = mapped_column(sa.Text)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(120))


# Two live projects never share a name and county set, even when two imports race.
sa.Index(
    "uq_user_projects_live_key",
    Project.dedupe_key,
    unique=True,
    sqlite_where=Project.deleted == sa.false(),
    postgresql_where=Project.deleted == sa.false(),
)


class Annotation(Base):
    """A planner's figures for a report initiative (its id is the report's slug)."""

    __tablename__ = "initiative_annotations"

    initiative_id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    status: Mapped[str | None] = mapped_column(sa.String(24))
    investment_yi: Mapped[Decimal | None] = mapped_column(Amount)
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    responsible_unit: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(120))


class ChangeSet(Base):
    """One user action (an edit, an import, an undo): who, when, and what it changed."""

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(sa.String(120))
    action: Mapped[str] = mapped_column(sa.String(24))
    summary: Mapped[str] = mapped_column(sa.Text)
    undoes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("change_sets.id"))
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("change_sets.id"))
    changes: Mapped[list[Change]] = relationship(
        back_populates="change_set", order_by="Change.id", cascade="all, delete-orphan"
    )


class Change(Base):
    """The state of one record before and after a change set (JSON; None = did not exist)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    change_set_id: Mapped[int] = mapped_column(sa.ForeignKey("change_sets.id"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(16))  # project | annotation
    entity_id: Mapped[str] = mapped_column(sa.String(80), index=True)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    change_set: Mapped[ChangeSet] = relationship(back_populates="changes")


# --------------------------------------------------------------------------- settings


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def data_dir() -> Path:
    """Where the SQLite store lives: $SHAOYANG_DATA_DIR, else the repo's gitignored var/."""
    return Path(os.environ.get("SHAOYANG_DATA_DIR") or DEFAULT_DATA_DIR)


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// URLs use psycopg 3 (the driver installed)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    """$DATABASE_URL, else a SQLite file in data_dir()."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    return f"sqlite:///{data_dir() / 'store.sqlite3'}"


# --------------------------------------------------------------------------- values


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize() + Decimal(0), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _project_state(row: Project) -> dict[str, Any]:
    state = {name: _jsonable(getattr(row, name)) for name in PROJECT_FIELDS}
    state["deleted"] = bool(row.deleted)
    return state


def _annotation_state(row: Annotation | None) -> dict[str, Any]:
    return {name: _jsonable(getattr(row, name)) if row else None for name in ANNOTATION_FIELDS}


def _from_state(name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = FIELD_BY_KEY[name].type
    if kind == "amount":
        return Decimal(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def _clean_text(name: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    try:
        return importer.check_text(str(value).strip(), limit) or None
    except CellError as exc:
        raise ValueError(f"{name}: {exc.en}") from None


def _normalise_patch(patch: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """Checked, typed values for an edit (same rules as the importer)."""
    unknown = set(patch) - set(allowed)
    if unknown:
        raise ValueError(
            f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(allowed)}"
        )
    out: dict[str, Any] = {}
    try:
        for name, value in patch.items():
            out[name] = _typed(name, value)
    except CellError as exc:
        raise ValueError(f"{name}: {exc.en}") from None
    if "name_zh" in out and not out["name_zh"]:
        raise ValueError("name_zh: the project name cannot be empty")
    return out


_CODE_PARSERS = {"status": importer.parse_status, "category": importer.parse_category}


def _typed(name: str, value: Any) -> Any:
    """An edited value checked and typed by its field's type (the importer's rules)."""
    spec = FIELD_BY_KEY[name]
    if spec.type == "code":
        return _CODE_PARSERS[name](value)
    if spec.type == "amount":
        return None if value in (None, "") else importer.parse_amount(value, "亿元")
    if spec.type == "date":
        return importer.parse_date(value, end=name == "end_date")
    return _clean_text(name, value, spec.max_chars or 0)


def _normalise_base(
    base: Mapping[str, Any] | None, allowed: tuple[str, ...]
) -> dict[str, Any] | None:
    """The editor's view of the fields, typed like a patch so that 12.5 equals Decimal('12.5')."""
    if not base:
        return None
    return _normalise_patch({k: v for k, v in base.items() if k in allowed}, allowed)


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise ValueError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")


def _check_base(
    entity: str,
    entity_id: str,
    state: Mapping[str, Any],
    patch: Mapping[str, Any],
    base: Mapping[str, Any] | None,
) -> None:
    """Refuse to overwrite a field someone else changed after the editor loaded it."""
    if not base:
        return
    stale = [
        name
        for name in patch
        if name in base
        and state.get(name) != _jsonable(base[name])
        and state.get(name) != _jsonable(patch[name])
    ]
    if stale:
        raise ConflictError(
            f"{entity} {entity_id}: {', '.join(stale)} changed since you loaded it; reload and edit again"
        )


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    change_set_id: int | None


# --------------------------------------------------------------------------- the store


LOG = logging.getLogger("shaoyang.store")


class PasswordGate:
    """Unlocks writing for whoever gives the edit password, at a guessing pace of a few tries an
    hour: every wrong guess waits FAILURE_DELAY_S, and after MAX_FAILURES wrong guesses within
    WINDOW_S from one client (or MAX_FAILURES_ALL from everyone, so new sessions do not reset
    the count) unlocking is refused for LOCKOUT_S. Failures are logged, never the guess.

    A successful unlock returns a random token; every write checks it. Tokens live in this
    process (a browser session stays on one app process).
    """

    MAX_FAILURES = 5
    MAX_FAILURES_ALL = 30
    WINDOW_S = 15 * 60
    LOCKOUT_S = 15 * 60
    FAILURE_DELAY_S = 1.0

    def __init__(self, password: str | None) -> None:
        self._password = password or ""
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._tokens: set[str] = set()
        self._clock = time.monotonic
        self._sleep = time.sleep

    def _recent(self, client: str | None, now: float) -> list[float]:
        if client is None:
            times = [t for ts in self._failures.values() for t in ts]
        else:
            times = self._failures.get(client, [])
        return [t for t in times if now - t < self.WINDOW_S]

    def wait_seconds(self, client: str) -> float:
        """How long `client` must wait before the next try (0 if it may try now)."""
        now = self._clock()
        with self._lock:
            waits = []
            for who, limit in ((client, self.MAX_FAILURES), (None, self.MAX_FAILURES_ALL)):
                recent = sorted(self._recent(who, now))
                if len(recent) >= limit:
                    waits.append(recent[-limit] + self.LOCKOUT_S - now)
            return max([0.0, *waits])

    def unlock(self, given: str | None, client: str) -> str | None:
        """A write token if `given` is the password and `client` is not locked out; else None."""
        if not self._password:
            return "open"
        if self.wait_seconds(client) > 0:
            LOG.warning("edit password: client %s is locked out; attempt refused", client)
            return None
        if hmac.compare_digest((given or "").encode(), self._password.encode()):
            token = secrets.token_urlsafe(24)
            with self._lock:
                self._tokens.add(token)
                self._failures.pop(client, None)
            return token
        now = self._clock()
        with self._lock:
            self._failures.setdefault(client, []).append(now)
            count = len(self._recent(client, now))
        LOG.warning("edit password: wrong password from client %s (%d in 15 min)", client, count)
        self._sleep(self.FAILURE_DELAY_S)
        return None

    def token_valid(self, token: str | None) -> bool:
        if not self._password:
            return True
        with self._lock:
            return token is not None and token in self._tokens


class ProjectStore:
    """The repository API over one database. Safe to share between threads and sessions."""

    def __init__(
        self,
        url: str | None = None,
        *,
        read_only: bool | None = None,
        edit_password: str | None = None,
    ) -> None:
        self.url = normalise_url(url) if url else database_url()
        self.read_only = (
            _flag(os.environ.get("SHAOYANG_READ_ONLY")) if read_only is None else read_only
        )
        self._password = (
            os.environ.get("SHAOYANG_EDIT_PASSWORD") if edit_password is None else edit_password
        )
        self._gate = PasswordGate(self._password)
        try:
            self.engine = _create_engine(self.url, read_only=self.read_only)
            if self.read_only and not _has_schema(self.engine):
                # Read-only never creates a store: with none yet, it reads as an empty one.
                self.engine.dispose()
                self.engine = _create_engine("sqlite://", read_only=False)
                _create_schema(self.engine)
            elif not self.read_only:
                _create_schema(self.engine)
        except (OperationalError, sa.exc.DatabaseError, OSError) as exc:
            LOG.error("store at %s unavailable: %s", _redacted(self.url), exc)
            raise StoreUnavailableError() from exc
        self.backend = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        # False unless the server has PostGIS; a read-only store creates nothing.
        self.postgis = not self.read_only and postgis.enable(self.engine)

    # ---- settings

    @property
    def password_required(self) -> bool:
        return bool(self._password)

    def check_password(self, given: str | None) -> bool:
        """True if no password is set, or `given` is it (compared in constant time). For
        administrators' tools; sessions use :meth:`unlock`, which limits guessing."""
        if not self._password:
            return True
        return hmac.compare_digest((given or "").encode(), self._password.encode())

    def unlock(self, given: str | None, client: str) -> str | None:
        """A token for the write methods' ``auth`` if `given` is the edit password (see
        :class:`PasswordGate`); None if wrong or `client` is locked out."""
        return self._gate.unlock(given, client)

    def unlock_wait(self, client: str) -> float:
        """Seconds `client` must wait before trying the password again."""
        return self._gate.wait_seconds(client)

    def may_write(self, auth: str | None) -> bool:
        """Whether a write with this token would be allowed now."""
        return not self.read_only and self._gate.token_valid(auth)

    def close(self) -> None:
        self.engine.dispose()

    def _check_write(self, auth: str | None) -> None:
        """The right to write, checked on every write (never left to a disabled button)."""
        if self.read_only:
            raise ReadOnlyError("the store is read-only (SHAOYANG_READ_ONLY)")
        if self._password and not self._gate.token_valid(auth):
            raise NotAllowedError("editing needs the edit password; unlock first")

    @contextmanager
    def _writing(self, auth: str | None = None) -> Iterator[Session]:
        self._check_write(auth)
        with self._write() as session:
            try:
                with session.begin():
                    yield session
            except IntegrityError as exc:
                raise ConflictError(
                    "another record with the same name and county exists (added meanwhile?); nothing was changed"
                ) from exc

    # ---- reading

    def existing(self) -> Existing:
        """Live projects' dedupe keys and ids, for the importer's duplicate checks."""
        with self._read() as session:
            rows = session.execute(
                sa.select(Project.id, Project.dedupe_key).where(Project.deleted == sa.false())
            ).all()
        return Existing({key: pid for pid, key in rows}, frozenset(pid for pid, _ in rows))

    def get_project(self, project_id: str) -> dict[str, Any] | None:
        with self._read() as session:
            row = session.get(Project, project_id)
            return _project_dict(row) if row else None

    def count_projects(self) -> int:
        """How many live projects the store holds."""
        query = sa.select(sa.func.count()).select_from(Project).where(Project.deleted == sa.false())
        with self._read() as session:
            return int(session.scalar(query) or 0)

    def list_projects(
        self,
        *,
        include_deleted: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Projects in the order they were added; `offset`/`limit` read one page of them."""
        query = sa.select(Project).order_by(Project.created_at, Project.id)
        if not include_deleted:
            query = query.where(Project.deleted == sa.false())
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [_project_dict(row) for row in session.scalars(query)]

    def get_annotation(self, initiative_id: str) -> dict[str, Any] | None:
        with self._read() as session:
            row = session.get(Annotation, initiative_id)
            return _annotation_dict(row) if row else None

    def list_annotations(self) -> list[dict[str, Any]]:
        """Annotations that hold at least one value (an undone one is all empty and left out)."""
        with self._read() as session:
            rows = session.scalars(sa.select(Annotation).order_by(Annotation.initiative_id))
            return [
                _annotation_dict(row)
                for row in rows
                if any(getattr(row, f) is not None for f in ANNOTATION_FIELDS)
            ]

    def change_log(self, limit: int = 200) -> list[dict[str, Any]]:
        """The latest change sets, newest first."""
        # Counted in SQL: an import of 50,000 rows is one change set with 50,000 changes.
        records = (
            sa.select(sa.func.count(Change.id))
            .where(Change.change_set_id == ChangeSet.id)
            .scalar_subquery()
        )
        query = sa.select(ChangeSet, records).order_by(ChangeSet.id.desc()).limit(limit)
        with self._read() as session:
            return [
                {
                    "id": cs.id,
                    "at": cs.at,
                    "actor": cs.actor,
                    "action": cs.action,
                    "summary": cs.summary,
                    "records": int(count),
                    "undoes": cs.undoes_id,
                    "undone_by": cs.undone_by_id,
                }
                for cs, count in session.execute(query)
            ]

    def changes(
        self, change_set_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """What one change set did, record by record (states before and after); `offset` and
        `limit` read one page of them."""
        query = (
            sa.select(Change)
            .where(Change.change_set_id == change_set_id)
            .order_by(Change.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            if session.get(ChangeSet, change_set_id) is None:
                raise NotFoundError(f"no change set #{change_set_id}")
            return [
                {"entity": c.entity, "entity_id": c.entity_id, "before": c.before, "after": c.after}
                for c in session.scalars(query)
            ]

    # ---- writing: projects

    def add_project(
        self, record: importer.ProjectRecord, *, actor: str, auth: str | None = None
    ) -> dict[str, Any]:
        """Store one validated record (see importer.validate) as a new project."""
        with self._writing(auth) as session:
            cs = _change_set(session, actor, "add", f"add {record.name_zh}")
            row = _insert_project(session, record, actor)
            _record(session, cs, "project", row.id, None, _project_state(row))
        return self.get_project(row.id)  # type: ignore[return-value]

    def update_project(
        self,
        project_id: str,
        patch: Mapping[str, Any],
        *,
        actor: str,
        base: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        auth: str | None = None,
    ) -> dict[str, Any]:
        """Change some fields of a project. `base` = the values the editor saw for those fields;
        `expected_version` = the version it saw. Either guards against overwriting a concurrent edit."""
        values = _normalise_patch(patch, EDITABLE_PROJECT_FIELDS)
        with self._writing(auth) as session:
            row = session.get(Project, project_id, with_for_update=True)
            if row is None or row.deleted:
                raise NotFoundError(f"no project {project_id}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    f"project {project_id} changed since you loaded it (version {row.version}, you had {expected_version}); reload and edit again"
                )
            before = _project_state(row)
            _check_base(
                "project",
                project_id,
                before,
                values,
                _normalise_base(base, EDITABLE_PROJECT_FIELDS),
            )
            _check_dates(
                values.get("start_date", row.start_date), values.get("end_date", row.end_date)
            )
            for name, value in values.items():
                setattr(row, name, value)
            row.dedupe_key = dedupe_key(row.name_zh, _split(row.counties))
            after = _project_state(row)
            if after != before:
                _touch(row, actor)
                cs = _change_set(
                    session,
                    actor,
                    "update",
                    f"edit {row.name_zh}: {', '.join(n for n in values if before[n] != after[n])}",
                )
                _record(session, cs, "project", project_id, before, after)
        return self.get_project(project_id)  # type: ignore[return-value]

    def delete_project(
        self,
        project_id: str,
        *,
        actor: str,
        expected_version: int | None = None,
        auth: str | None = None,
    ) -> None:
        """Remove a project from every view (kept in the change log, so it can be undone)."""
        with self._writing(auth) as session:
            row = session.get(Project, project_id, with_for_update=True)
            if row is None or row.deleted:
                raise NotFoundError(f"no project {project_id}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    f"project {project_id} changed since you loaded it; reload first"
                )
            before = _project_state(row)
            row.deleted = True
            _touch(row, actor)
            cs = _change_set(session, actor, "delete", f"delete {row.name_zh}")
            _record(session, cs, "project", project_id, before, _project_state(row))

    # ---- writing: annotations

    def annotate(
        self,
        initiative_id: str,
        patch: Mapping[str, Any],
        *,
        actor: str,
        base: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        auth: str | None = None,
    ) -> dict[str, Any] | None:
        """Set status, investment, dates, unit or note of a report initiative (the report itself
        is never changed)."""
        if initiative_id not in report_initiatives():
            raise NotFoundError(f"the report has no initiative {initiative_id}")
        values = _normalise_patch(patch, ANNOTATION_FIELDS)
        with self._writing(auth) as session:
            row = _annotation_for_update(session, initiative_id, actor)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    f"the annotation of {initiative_id} changed since you loaded it; reload and edit again"
                )
            before = _annotation_state(row)
            _check_base(
                "annotation",
                initiative_id,
                before,
                values,
                _normalise_base(base, ANNOTATION_FIELDS),
            )
            _check_dates(
                values.get("start_date", row.start_date), values.get("end_date", row.end_date)
            )
            for name, value in values.items():
                setattr(row, name, value)
            after = _annotation_state(row)
            if after != before:
                _touch(row, actor)
                name_zh = report_initiatives()[initiative_id]["name_zh"]
                cs = _change_set(
                    session,
                    actor,
                    "annotate",
                    f"annotate {name_zh}: {', '.join(n for n in values if before[n] != after[n])}",
                )
                _record(session, cs, "annotation", initiative_id, before, after)
        return self.get_annotation(initiative_id)

    # ---- import

    def apply_import(
        self,
        plan: ImportPlan,
        *,
        actor: str,
        dry_run: bool = False,
        auth: str | None = None,
    ) -> ImportResult:
        """Store every record of a valid plan in one transaction: all of them, or none.

        A dry run does the same work (duplicates caught by the database included) and rolls back.
        Rows are locked in a stable order (project ids, then initiative ids, sorted), so two
        imports touching the same rows queue instead of deadlocking; should the database still
        abort one (deadlock, serialization failure, SQLite busy), it is retried a few times.
        """
        if not plan.ok:
            raise ValueError("the plan has problems; fix the file first")
        if not dry_run:
            self._check_write(auth)
        for attempt in range(RETRIES):
            try:
                return self._apply_import_once(plan, actor=actor, dry_run=dry_run)
            except OperationalError as exc:
                if not _retryable(exc) or attempt == RETRIES - 1:
                    if _retryable(exc):
                        raise ConflictError(
                            "the database was busy with another import of the same items; "
                            "nothing was imported, try again"
                        ) from exc
                    raise
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)  # noqa: S311
        raise AssertionError("unreachable")

    def _apply_import_once(self, plan: ImportPlan, *, actor: str, dry_run: bool) -> ImportResult:
        added = updated = unchanged = 0
        result_id: int | None = None
        session = self._write()
        try:
            session.begin()
            cs = _change_set(session, actor, "import", "")
            locked = _lock_projects(session, [r.project_id for r in plan.projects if r.project_id])
            for initiative_id in sorted({note.initiative_id for note in plan.annotations}):
                _annotation_for_update(session, initiative_id, actor)
            for record in plan.projects:
                if record.project_id is None:
                    row = _insert_project(session, record, actor)
                    _record(session, cs, "project", row.id, None, _project_state(row))
                    added += 1
                    continue
                row = locked.get(record.project_id)
                if row is None or row.deleted:
                    raise ConflictError(
                        f"project {record.project_id} (row {record.row}) was deleted meanwhile; nothing was imported"
                    )
                before = _project_state(row)
                for name, value in record.fields().items():
                    setattr(row, name, ",".join(value) if name == "counties" else value)
                row.dedupe_key = dedupe_key(record.name_zh, record.counties)
                after = _project_state(row)
                if after == before:
                    unchanged += 1
                else:
                    _touch(row, actor)
                    _record(session, cs, "project", row.id, before, after)
                    updated += 1
            for note in plan.annotations:
                row = _annotation_for_update(session, note.initiative_id, actor)
                before = _annotation_state(row)
                for name, value in note.fields().items():
                    setattr(row, name, value)
                after = _annotation_state(row)
                if after == before:
                    unchanged += 1
                    continue
                _touch(row, actor)
                _record(session, cs, "annotation", note.initiative_id, before, after)
                if any(v is not None for v in before.values()):
                    updated += 1
                else:
                    added += 1
            cs.summary = f"import {plan.source or 'file'}: {added} added, {updated} updated"
            if added + updated == 0:
                session.delete(cs)
            session.flush()
            if dry_run:
                session.rollback()
            else:
                session.commit()
                result_id = cs.id if added + updated else None
        except IntegrityError as exc:
            session.rollback()
            raise ConflictError(
                "a project with the same name and county was added meanwhile; nothing was imported"
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        return ImportResult(added, updated, unchanged, result_id)

    # ---- undo

    def undo(self, change_set_id: int, *, actor: str, auth: str | None = None) -> int:
        """Put every record a change set touched back as it was; returns the new change set's id.

        Refused (ConflictError) if a later change touched the same records: undo that one first.
        Undoing an undo redoes the original change.
        """
        with self._writing(auth) as session:
            cs = session.get(ChangeSet, change_set_id, with_for_update=True)
            if cs is None:
                raise NotFoundError(f"no change set #{change_set_id}")
            if cs.undone_by_id is not None:
                raise ConflictError(
                    f"change #{change_set_id} is already undone (by #{cs.undone_by_id})"
                )
            undo_cs = _change_set(session, actor, "undo", f"undo #{cs.id}: {cs.summary}"[:2000])
            undo_cs.undoes_id = cs.id
            changes = list(cs.changes)
            locked = _lock_projects(
                session, [c.entity_id for c in changes if c.entity == "project"]
            )
            for initiative_id in sorted({c.entity_id for c in changes if c.entity != "project"}):
                _annotation_for_update(session, initiative_id, actor)
            for change in changes:
                if change.entity == "project":
                    row = locked.get(change.entity_id)
                    current = _project_state(row) if row else None
                else:
                    row = _annotation_for_update(session, change.entity_id, actor)
                    current = _annotation_state(row)
                if current != change.after:
                    later = _later_change(session, change, cs.id)
                    raise ConflictError(
                        f"{change.entity} {change.entity_id} was changed again by #{later} after #{cs.id}; undo #{later} first"
                    )
                target = change.before
                if change.entity == "project":
                    if target is None:  # undo an add: the project disappears from every view
                        target = {**change.after, "deleted": True}
                    for name in PROJECT_FIELDS:
                        setattr(row, name, _from_state(name, target[name]))
                    row.deleted = bool(target["deleted"])
                    row.dedupe_key = dedupe_key(row.name_zh, _split(row.counties))
                    after = _project_state(row)
                else:
                    for name in ANNOTATION_FIELDS:
                        setattr(row, name, _from_state(name, (target or {}).get(name)))
                    after = _annotation_state(row)
                _touch(row, actor)
                _record(session, undo_cs, change.entity, change.entity_id, current, after)
            cs.undone_by_id = undo_cs.id
            if cs.undoes_id is not None:  # redo: the original counts as not undone again
                original = session.get(ChangeSet, cs.undoes_id)
                if original is not None:
                    original.undone_by_id = None
            session.flush()
            return undo_cs.id

    def undo_last(
        self, *, actor: str, by: str | None = None, auth: str | None = None
    ) -> int | None:
        """Undo the latest change set that is not an undo and not undone (only `by`'s, if given)."""
        self._check_write(auth)
        query = (
            sa.select(ChangeSet.id)
            .where(ChangeSet.action != "undo", ChangeSet.undone_by_id.is_(None))
            .order_by(ChangeSet.id.desc())
            .limit(1)
        )
        if by is not None:
            query = query.where(ChangeSet.actor == by)
        with self._read() as session:
            last = session.scalar(query)
        return None if last is None else self.undo(last, actor=actor, auth=auth)

    # ---- frames for pages and exports

    def projects_frame(self, *, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
        """Live user projects, one row each, in the export column order (amounts as float 亿元);
        `offset`/`limit` for one page of them."""
        rows = self.list_projects(offset=offset, limit=limit)
        frame = pd.DataFrame(rows, columns=PROJECT_FRAME_COLUMNS)
        frame["counties"] = frame["counties"].map(
            lambda c: ",".join(c) if isinstance(c, list | tuple) else c
        )
        frame["investment_yi"] = pd.to_numeric(
            frame["investment_yi"].map(lambda v: None if v is None else float(v)), errors="coerce"
        )
        return frame

    def annotations_frame(self) -> pd.DataFrame:
        """Annotations joined with the report's names and counties, one row per initiative."""
        initiatives = report_initiatives()
        rows = []
        for note in self.list_annotations():
            props = initiatives.get(note["initiative_id"], {})
            rows.append(
                {
                    **note,
                    "name_zh": props.get("name_zh"),
                    "name_en": props.get("name_en"),
                    "counties": ",".join(props.get("counties", [])),
                    "precision": props.get("precision"),
                }
            )
        frame = pd.DataFrame(rows, columns=ANNOTATION_FRAME_COLUMNS)
        frame["investment_yi"] = pd.to_numeric(
            frame["investment_yi"].map(lambda v: None if v is None else float(v)), errors="coerce"
        )
        return frame

    def export_frame(self) -> pd.DataFrame:
        """Everything a user added, as one re-importable table: projects, then annotations."""
        projects = self.projects_frame().assign(kind="project", datum="wgs84", initiative_id=None)
        notes = self.annotations_frame().assign(kind="annotation", project_id=None)
        columns = list(EXPORT_COLUMNS)
        frames = [f.reindex(columns=columns) for f in (projects, notes) if len(f)]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)


def _database_errors_as_store_errors(method):
    """A database that is down or damaged surfaces as StoreUnavailableError (no host, port or
    path in its message; the detail goes to the log), a busy one as ConflictError."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IntegrityError:
            raise
        except sa.exc.DBAPIError as exc:
            if isinstance(exc, OperationalError) and _retryable(exc):
                raise ConflictError("the database is busy; nothing was changed, try again") from exc
            LOG.error("store at %s failed in %s: %s", _redacted(self.url), method.__name__, exc)
            raise StoreUnavailableError() from exc

    return guarded


for _name in (
    "existing",
    "get_project",
    "count_projects",
    "list_projects",
    "get_annotation",
    "list_annotations",
    "change_log",
    "changes",
    "add_project",
    "update_project",
    "delete_project",
    "annotate",
    "apply_import",
    "undo",
    "undo_last",
):
    setattr(ProjectStore, _name, _database_errors_as_store_errors(getattr(ProjectStore, _name)))


PROJECT_FRAME_COLUMNS = ("project_id", *PROJECT_FIELDS, "version", "updated_at", "updated_by")
ANNOTATION_FRAME_COLUMNS = (
    "initiative_id",
    "name_zh",
    "name_en",
    "counties",
    "precision",
    *ANNOTATION_FIELDS,
    "version",
    "updated_at",
    "updated_by",
)
EXPORT_COLUMNS = EXPORT_FIELDS


def investment_by_county(projects: pd.DataFrame, annotations: pd.DataFrame) -> dict[str, float]:
    """Stated investment (亿元) per county adcode, from user projects and annotated initiatives.

    Items in several counties go to the "multi_county" bucket and city-wide ones to "citywide":
    no amount is split between counties by a rule the data does not state.
    """
    totals: dict[str, float] = {}
    for frame in (projects, annotations):
        for counties, amount in zip(
            frame.get("counties", []), frame.get("investment_yi", []), strict=False
        ):
            if amount is None or pd.isna(amount):
                continue
            codes = [c for c in str(counties or "").split(",") if c]
            key = codes[0] if len(codes) == 1 else ("citywide" if not codes else "multi_county")
            totals[key] = totals.get(key, 0.0) + float(amount)
    return totals


def projects_geoframe(projects: pd.DataFrame):
    """User projects as a GeoDataFrame for the map: Points (WGS-84, attrs datum "wgs84") where
    there are coordinates, no geometry for county-level and city-wide projects."""
    import geopandas as gpd
    import shapely

    geometry = [
        shapely.Point(x, y) if pd.notna(x) and pd.notna(y) else None
        for x, y in zip(projects["lon"], projects["lat"], strict=True)
    ]
    frame = gpd.GeoDataFrame(projects.copy(), geometry=geometry, crs="EPSG:4326")
    frame.attrs["datum"] = "wgs84"
    return frame


def merge_annotations(
    initiatives: pd.DataFrame, annotations: pd.DataFrame, *, on: str = "id"
) -> pd.DataFrame:
    """The report's initiatives with the user's figures beside them as ``user_*`` columns
    (user_status, user_investment_yi, user_start_date, ...); the report's own columns untouched."""
    figures = annotations.reindex(columns=["initiative_id", *ANNOTATION_FIELDS])
    figures = figures.rename(columns={name: f"user_{name}" for name in ANNOTATION_FIELDS})
    merged = initiatives.merge(figures, how="left", left_on=on, right_on="initiative_id")
    return merged.drop(columns=["initiative_id"])


# --------------------------------------------------------------------------- helpers


RETRIES = 4
# PostgreSQL's deadlock_detected and serialization_failure; SQLite's busy/locked.
_RETRY_SQLSTATES = ("40P01", "40001")


def _retryable(exc: OperationalError) -> bool:
    """Whether the database aborted a transaction only because of a concurrent one."""
    origin = exc.orig
    if getattr(origin, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    return "database is locked" in str(origin) or "database is busy" in str(origin)


def _split(counties: str | None) -> list[str]:
    return [c for c in (counties or "").split(",") if c]


def _project_dict(row: Project) -> dict[str, Any]:
    out = {"project_id": row.id}
    out.update({name: getattr(row, name) for name in PROJECT_FIELDS})
    out["counties"] = _split(row.counties)
    out.update(
        deleted=row.deleted,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
    return out


def _annotation_dict(row: Annotation) -> dict[str, Any]:
    out = {"initiative_id": row.initiative_id}
    out.update({name: getattr(row, name) for name in ANNOTATION_FIELDS})
    out.update(version=row.version, updated_at=row.updated_at, updated_by=row.updated_by)
    return out


def _touch(row: Project | Annotation, actor: str) -> None:
    row.version = (row.version or 0) + 1
    row.updated_at = _now()
    row.updated_by = actor[:120]


def _change_set(session: Session, actor: str, action: str, summary: str) -> ChangeSet:
    cs = ChangeSet(at=_now(), actor=actor[:120], action=action, summary=summary[:2000])
    session.add(cs)
    session.flush()
    return cs


def _record(
    session: Session,
    cs: ChangeSet,
    entity: str,
    entity_id: str,
    before: dict | None,
    after: dict | None,
) -> None:
    session.add(
        Change(change_set_id=cs.id, entity=entity, entity_id=entity_id, before=before, after=after)
    )


def _insert_project(session: Session, record: importer.ProjectRecord, actor: str) -> Project:
    now = _now()
    row = Project(
        id="p-" + secrets.token_hex(6),
        dedupe_key=dedupe_key(record.name_zh, record.counties),
        deleted=False,
        version=1,
        created_at=now,
        created_by=actor[:120],
        updated_at=now,
        updated_by=actor[:120],
    )
    for name, value in record.fields().items():
        setattr(row, name, ",".join(value) if name == "counties" else value)
    session.add(row)  # flushed with the rest: a large import is one round of INSERTs
    return row


def _lock_projects(session: Session, ids: list[str]) -> dict[str, Project]:
    """The projects with these ids, loaded and locked (FOR UPDATE) in chunks of 500."""
    rows: dict[str, Project] = {}
    unique = sorted(set(ids))  # one order for every writer: no lock cycles between them
    for start in range(0, len(unique), 500):
        query = (
            sa.select(Project).where(Project.id.in_(unique[start : start + 500])).with_for_update()
        )
        rows.update((row.id, row) for row in session.scalars(query))
    return rows


def _annotation_for_update(session: Session, initiative_id: str, actor: str) -> Annotation:
    """The annotation row, locked; created empty (and flushed) on first use."""
    row = session.get(Annotation, initiative_id, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = Annotation(
                initiative_id=initiative_id, version=0, updated_at=_now(), updated_by=actor[:120]
            )
            session.add(row)
    except IntegrityError:  # created by a concurrent writer a moment ago
        row = session.get(Annotation, initiative_id, with_for_update=True, populate_existing=True)
    return row  # type: ignore[return-value]


def _later_change(session: Session, change: Change, after_id: int) -> int | None:
    return session.scalar(
        sa.select(Change.change_set_id)
        .where(
            Change.entity == change.entity,
            Change.entity_id == change.entity_id,
            Change.change_set_id > after_id,
        )
        .order_by(Change.change_set_id.desc())
        .limit(1)
    )


def _redacted(url: str) -> str:
    """A database URL without its password, for the log."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparsable URL)"


def _has_schema(engine: sa.Engine) -> bool:
    """Whether the store's tables exist (a missing SQLite file counts as none, uncreated)."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not Path(path).exists():
            return False
    return sa.inspect(engine).has_table(Project.__tablename__)


def _create_engine(url: str, *, read_only: bool = False) -> sa.Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:" and not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database (read-only mode with no store yet) is one shared connection;
        # otherwise each thread would get its own, empty one.
        pool = {"poolclass": sa.pool.StaticPool} if url == "sqlite://" else {}
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # SQLAlchemy emits BEGIN itself (below), so that reads are transactional too and
            # writers can take the write lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Writers take the lock at BEGIN: two writers queue (busy_timeout) instead of both
            # reading, then one failing to upgrade its lock.
            mode = (
                "IMMEDIATE"
                if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
                else "DEFERRED"
            )
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _create_schema(engine: sa.Engine) -> None:
    # Replicas starting together may race to create the tables; the loser retries once.
    for attempt in range(2):
        try:
            Base.metadata.create_all(engine)
            return
        except (IntegrityError, ProgrammingError, OperationalError):
            if attempt:
                raise


@lru_cache(maxsize=4)
def _cached_store(url: str, read_only: bool, password: str | None) -> ProjectStore:
    return ProjectStore(url, read_only=read_only, edit_password=password or "")


def open_store() -> ProjectStore:
    """The store the environment names, shared by every caller in this process."""
    return _cached_store(
        database_url(),
        _flag(os.environ.get("SHAOYANG_READ_ONLY")),
        os.environ.get("SHAOYANG_EDIT_PASSWORD") or None,
    )
