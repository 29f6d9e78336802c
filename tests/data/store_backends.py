"""The store backends every store test runs against: SQLite always, PostgreSQL when
TEST_DATABASE_URL is set (scripts/start_postgres.sh prints it; CI sets it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from data.store import Base, ProjectStore, normalise_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL not set"),
    ),
]


def backend_url(backend: str, tmp_path: Path) -> str:
    """A URL to an empty store of that backend (PostgreSQL: the tables are dropped first)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url = normalise_url(POSTGRES_URL)
    engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()
    return url


def make_store(backend: str, tmp_path: Path, **kwargs) -> ProjectStore:
    return ProjectStore(backend_url(backend, tmp_path), **kwargs)
