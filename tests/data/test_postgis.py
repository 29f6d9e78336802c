"""PostGIS against a real server: the projects' geometry follows lon/lat, the report's initiatives
are loaded once per file version, and the read-only view reads back with geopandas.read_postgis
with geometry equal to the stored coordinates. Without TEST_DATABASE_URL, or on a local server
without the extension, these skip (CI installs postgresql-15-postgis-3)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa

from data import admin, importer, postgis
from data.store import Base, ProjectStore, normalise_url
from tests.data.store_backends import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
FEATURES = json.loads((ROOT / "data" / "initiatives.geojson").read_text(encoding="utf-8"))[
    "features"
]


def _server_has_postgis() -> bool:
    if not POSTGRES_URL:
        return False
    engine = sa.create_engine(normalise_url(POSTGRES_URL))
    try:
        with engine.connect() as connection:
            return postgis.available(connection)
    finally:
        engine.dispose()


pytestmark = pytest.mark.skipif(
    not _server_has_postgis(),
    reason="needs TEST_DATABASE_URL on a server with PostGIS (scripts/start_postgres.sh)",
)


def _reset(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP VIEW IF EXISTS {postgis.VIEW}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {postgis.REPORT_TABLE}")
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def url(monkeypatch) -> str:
    monkeypatch.delenv("SHAOYANG_POSTGIS", raising=False)
    url = normalise_url(POSTGRES_URL)
    _reset(url)
    return url


@pytest.fixture
def store(url) -> ProjectStore:
    store = ProjectStore(url, read_only=False, edit_password="")
    yield store
    store.close()


def _import(store: ProjectStore, csv: str) -> int:
    plan = importer.plan_import(csv.encode(), "mine.csv", existing=store.existing())
    assert plan.ok, [p.line("en") for p in plan.problems]
    return store.apply_import(plan, actor="test").change_set_id


CSV = (
    "项目名称,县市区,经度,纬度,坐标系,总投资\n"
    "邵东智能制造园,邵东市,111.7441234,27.2581234,wgs84,12.5亿元\n"
    "新宁无坐标项目,新宁县,,,,\n"
)


def test_the_view_reads_back_with_geometry_equal_to_the_stored_coordinates(store):
    assert store.postgis is True
    _import(store, CSV)
    view = gpd.read_postgis(
        f"SELECT * FROM {postgis.VIEW} ORDER BY source, id", store.engine, geom_col="geom"
    )
    assert view.crs.to_epsg() == 4326

    mine = view[view["source"] == "my_data"].set_index("id")
    projects = store.projects_frame().set_index("project_id")
    assert set(mine.index) == set(projects.index)
    for project_id, row in projects.iterrows():
        geom = mine.loc[project_id, "geom"]
        if row["lon"] is None or row["lon"] != row["lon"]:
            assert geom is None
        else:
            assert (geom.x, geom.y) == (row["lon"], row["lat"])  # exact: the trigger copies them
    assert (
        float(mine.loc[projects.index[projects["name_zh"] == "邵东智能制造园"][0], "investment_yi"])
        == 12.5
    )

    report = view[view["source"] == "report"].set_index("id")
    assert len(report) == len(FEATURES)
    for feature in FEATURES:
        expected = feature["geometry"]
        got = report.loc[feature["properties"]["id"], "geom"]
        if expected is None:
            assert got is None
        else:
            assert got.equals_exact(shapely.geometry.shape(expected), 1e-12)
    assert report.loc["shaoyong-hsr", "name_zh"] == next(
        f["properties"]["name_zh"] for f in FEATURES if f["properties"]["id"] == "shaoyong-hsr"
    )


def test_geometry_follows_lon_lat_and_has_a_gist_index(store):
    _import(store, CSV)
    with store.engine.begin() as connection:
        project_id = connection.scalar(
            sa.text("SELECT id FROM user_projects WHERE lon IS NOT NULL")
        )
        connection.execute(
            sa.text("UPDATE user_projects SET lon = 111.5, lat = 27.1 WHERE id = :id"),
            {"id": project_id},
        )
        assert connection.execute(
            sa.text(
                "SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM user_projects WHERE id = :id"
            ),
            {"id": project_id},
        ).one() == (111.5, 27.1, 4326)
        connection.execute(
            sa.text("UPDATE user_projects SET lat = NULL WHERE id = :id"), {"id": project_id}
        )
        assert (
            connection.scalar(
                sa.text("SELECT geom FROM user_projects WHERE id = :id"), {"id": project_id}
            )
            is None
        )
        index = connection.scalar(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
            {"name": postgis.GEOM_INDEX},
        )
        assert "USING gist (geom)" in index
        column = connection.scalar(
            sa.text(
                "SELECT type FROM geometry_columns "
                "WHERE f_table_name = 'user_projects' AND f_geometry_column = 'geom'"
            )
        )
        assert column == "POINT"


def test_undo_removes_the_project_from_the_view(store):
    change_set = _import(store, CSV)
    count = "SELECT count(*) FROM planning_items WHERE source = 'my_data'"
    with store.engine.connect() as connection:
        assert connection.scalar(sa.text(count)) == 2
    store.undo(change_set, actor="test")
    with store.engine.connect() as connection:
        assert connection.scalar(sa.text(count)) == 0


def test_the_view_is_read_only(store):
    with pytest.raises(sa.exc.DBAPIError), store.engine.begin() as connection:
        connection.exec_driver_sql(
            f"INSERT INTO {postgis.VIEW} (source, id, name_zh) VALUES ('my_data', 'x', 'x')"
        )


def test_the_report_table_is_reloaded_only_when_the_file_changes(url, tmp_path):
    engine = sa.create_engine(url)
    store = ProjectStore(url)
    comment = "SELECT obj_description('report_initiatives'::regclass, 'pg_class')"
    with engine.connect() as connection:
        assert connection.scalar(sa.text(comment)) == postgis.dataset_version()
        loaded_at = connection.scalar(sa.text("SELECT xmin::text FROM report_initiatives LIMIT 1"))
    ProjectStore(url).close()
    with engine.connect() as connection:
        assert (
            connection.scalar(sa.text("SELECT xmin::text FROM report_initiatives LIMIT 1"))
            == loaded_at
        )
    smaller = tmp_path / "initiatives.geojson"
    smaller.write_text(
        json.dumps({"type": "FeatureCollection", "features": FEATURES[:3]}), encoding="utf-8"
    )
    assert postgis.enable(store.engine, smaller)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM report_initiatives")) == 3
        assert connection.scalar(sa.text(comment)) == postgis.dataset_version(smaller)
    store.close()
    engine.dispose()


def test_replicas_starting_together_set_up_once(url):
    results, errors = [], []

    def open_one():
        try:
            store = ProjectStore(url)
            results.append(store.postgis)
            store.close()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [True] * 4


def test_switched_off_or_on_sqlite_nothing_changes(url, monkeypatch, tmp_path):
    monkeypatch.setenv("SHAOYANG_POSTGIS", "0")
    store = ProjectStore(url)
    assert store.postgis is False
    with store.engine.connect() as connection:
        columns = connection.scalars(
            sa.text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'user_projects'"
            )
        ).all()
    assert "geom" not in columns
    store.close()
    assert ProjectStore(f"sqlite:///{tmp_path / 's.sqlite3'}").postgis is False


def test_the_cli_reports_the_view(url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url)
    assert admin.main(["postgis"]) == 0
    assert f"view planning_items has {len(FEATURES)} rows" in capsys.readouterr().out
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    assert admin.main(["postgis"]) == 2
