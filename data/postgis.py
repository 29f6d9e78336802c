"""PostGIS, when the PostgreSQL server has it: geometry for the planner's projects, the report's
initiatives as a table, and one read-only view of both that QGIS can add as a layer.

:func:`enable` runs when a store opens (``data/store.py``) and does nothing on SQLite, on a
server without the ``postgis`` extension, or with ``SHAOYANG_POSTGIS=0``; the store then works
exactly as without it. Otherwise, in one transaction under an advisory lock (replicas that
start together take turns), it makes sure that:

- the extension exists (``CREATE EXTENSION IF NOT EXISTS postgis``);
- ``user_projects.geom`` is a ``geometry(Point, 4326)`` column with a GiST index, set by a
  trigger from ``lon``/``lat`` on every insert and update (NULL when either is missing), so the
  two can never disagree;
- ``report_initiatives`` holds the report's initiatives from the file in use (``data/loaders.py``)
  (geometry from the GeoJSON, lists as comma-separated adcodes). It is rewritten only when the
  file changed: the file's SHA-256 is kept as the table's comment, so every replica start-up
  checks it and the first one after a data release reloads it;
- ``planning_items`` is a view: the report's initiatives (with the planner's annotations beside
  them) and the planner's live projects, one row each, with ``geom geometry(Geometry, 4326)``.
  A view over a UNION cannot be written to, so it is read-only by construction.

``python -m data.admin postgis`` runs the same steps against ``$DATABASE_URL`` and says what it
found.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from data.loaders import initiatives_path, read_features

log = logging.getLogger(__name__)

# The report table's columns besides counties and geom, as the vocabulary names them.
_REPORT_COLUMNS = ("id", "name_zh", "name_en", "category", "precision", "commitment",
                   "source_start", "source_end", "source_text")  # fmt: skip
VIEW = "planning_items"
REPORT_TABLE = "report_initiatives"
GEOM_INDEX = "user_projects_geom_gist"
REPORT_INDEX = "report_initiatives_geom_gist"
# pg_advisory_xact_lock key: any fixed 64-bit number private to this app.
_LOCK_KEY = 0x5359_4750_4F53_4749  # "SYGPOSGI"

_SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION user_projects_sync_geom() RETURNS trigger AS $$
BEGIN
    NEW.geom := CASE
        WHEN NEW.lon IS NULL OR NEW.lat IS NULL THEN NULL
        ELSE ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326)
    END;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""

_VIEW_SQL = """
CREATE OR REPLACE VIEW planning_items AS
SELECT
    'report'::text AS source,
    r.id::text AS id,
    r.name_zh,
    r.name_en,
    r.category::text AS category,
    r.counties::text AS counties,
    r.precision::text AS precision,
    r.commitment::text AS commitment,
    r.source_text,
    a.status::text AS status,
    a.investment_yi::numeric AS investment_yi,
    a.start_date,
    a.end_date,
    a.responsible_unit,
    a.note,
    r.geom::geometry(Geometry, 4326) AS geom
FROM report_initiatives r
LEFT JOIN initiative_annotations a ON a.initiative_id = r.id
UNION ALL
SELECT
    'my_data'::text,
    p.id::text,
    p.name_zh,
    p.name_en,
    p.category::text,
    p.counties::text,
    p.precision::text,
    NULL::text,
    NULL::text,
    p.status::text,
    p.investment_yi::numeric,
    p.start_date,
    p.end_date,
    p.responsible_unit,
    p.note,
    p.geom::geometry(Geometry, 4326)
FROM user_projects p
WHERE NOT p.deleted
"""


def disabled() -> bool:
    """SHAOYANG_POSTGIS=0 (or no/false/off) turns the whole module off."""
    value = os.environ.get("SHAOYANG_POSTGIS", "").strip().lower()
    return value in ("0", "no", "false", "off")


def available(connection: sa.Connection) -> bool:
    """True if the server can load PostGIS (installed or installable)."""
    return bool(
        connection.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"))
    )


def dataset_version(path: Path | None = None) -> str:
    """The SHA-256 of the initiatives file (the one in use unless told): the report table is
    reloaded when it changes."""
    path = path or initiatives_path()
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _load_initiatives(connection: sa.Connection, path: Path) -> int:
    """Replace the rows of the report table by the file's features; return how many."""
    rows = []
    for props, geometry in read_features(path):
        rows.append(
            {
                **{name: props.get(name) for name in _REPORT_COLUMNS},
                "counties": ",".join(props["counties"]),
                "geometry": json.dumps(geometry) if geometry else None,
            }
        )
    connection.execute(sa.text("DELETE FROM report_initiatives"))
    if rows:
        connection.execute(
            sa.text(
                "INSERT INTO report_initiatives (id, name_zh, name_en, category, counties, "
                "precision, commitment, source_start, source_end, source_text, geom) VALUES "
                "(:id, :name_zh, :name_en, :category, :counties, :precision, :commitment, "
                ":source_start, :source_end, :source_text, "
                "ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326))"
            ),
            rows,
        )
    return len(rows)


def _ensure(connection: sa.Connection, path: Path) -> None:
    run = connection.exec_driver_sql
    run("CREATE EXTENSION IF NOT EXISTS postgis")
    run("ALTER TABLE user_projects ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326)")
    run(f"CREATE INDEX IF NOT EXISTS {GEOM_INDEX} ON user_projects USING GIST (geom)")
    run(_SYNC_FUNCTION)
    run("DROP TRIGGER IF EXISTS user_projects_sync_geom ON user_projects")
    run(
        "CREATE TRIGGER user_projects_sync_geom BEFORE INSERT OR UPDATE ON user_projects "
        "FOR EACH ROW EXECUTE FUNCTION user_projects_sync_geom()"
    )
    # Rows written before PostGIS was there get their geometry now.
    run(
        "UPDATE user_projects SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326) "
        "WHERE geom IS NULL AND lon IS NOT NULL AND lat IS NOT NULL"
    )
    run(
        f"CREATE TABLE IF NOT EXISTS {REPORT_TABLE} ("
        "id varchar(80) PRIMARY KEY, name_zh text NOT NULL, name_en text, "
        "category varchar(40) NOT NULL, counties varchar(200) NOT NULL DEFAULT '', "
        "precision varchar(16) NOT NULL, commitment varchar(16), "
        "source_start integer NOT NULL, source_end integer NOT NULL, source_text text, "
        "geom geometry(Geometry, 4326))"
    )
    run(f"CREATE INDEX IF NOT EXISTS {REPORT_INDEX} ON {REPORT_TABLE} USING GIST (geom)")
    version = dataset_version(path)
    stored = connection.scalar(
        sa.text("SELECT obj_description(CAST(:table AS regclass), 'pg_class')"),
        {"table": REPORT_TABLE},
    )
    if stored != version:
        count = _load_initiatives(connection, path)
        run(f"COMMENT ON TABLE {REPORT_TABLE} IS '{version}'")  # hex digest: no quoting needed
        log.info("PostGIS: loaded %d report initiatives (%s)", count, version)
    run(_VIEW_SQL)
    run(
        f"COMMENT ON VIEW {VIEW} IS 'Read-only: the report''s initiatives and the planner''s "
        "live projects with their geometry (EPSG:4326)'"
    )


def enable(engine: sa.Engine, path: Path | None = None) -> bool:
    """Set up (or check) the PostGIS objects for the initiatives file in use (or `path`); True
    if they are in place, False if PostGIS is not there (SQLite, no extension, switched off,
    or not allowed to create it)."""
    if engine.dialect.name != "postgresql" or disabled():
        return False
    path = path or initiatives_path()
    try:
        with engine.begin() as connection:
            if not available(connection):
                return False
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            _ensure(connection, path)
    except sa.exc.DBAPIError as exc:
        # E.g. not allowed to CREATE EXTENSION: the store works on without geometry.
        log.warning("PostGIS not enabled: %s", exc.orig if exc.orig else exc)
        return False
    return True


@event.listens_for(sa.Table, "before_drop")
def _drop_view_first(table: sa.Table, connection: sa.Connection, **_kw) -> None:
    """The view depends on the store's tables: dropping one of them drops the view first."""
    if connection.dialect.name == "postgresql" and table.name in (
        "user_projects",
        "initiative_annotations",
    ):
        connection.exec_driver_sql(f"DROP VIEW IF EXISTS {VIEW}")
