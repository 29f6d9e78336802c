"""SHAOYANG_INITIATIVES switches every reader of the initiatives at once: the map's loader, the
importer, the store and the GIS export see the same items (data/loaders.py)."""

from __future__ import annotations

import json

import pytest

from data import gis_export, importer, loaders
from data.store import NotFoundError, ProjectStore


@pytest.fixture
def small_dataset(tmp_path, monkeypatch):
    """Three of the report's features under new ids, in a file SHAOYANG_INITIATIVES names."""
    committed = json.loads(loaders.DEFAULT_INITIATIVES.read_text(encoding="utf-8"))
    features = []
    for i, feature in enumerate(committed["features"][:3]):
        properties = {**feature["properties"], "id": f"bench-item-{i}"}
        features.append({**feature, "properties": properties})
    path = tmp_path / "small.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    monkeypatch.setenv(loaders.INITIATIVES_ENV, str(path))
    return path


IDS = {"bench-item-0", "bench-item-1", "bench-item-2"}


def test_the_loaders_read_the_file_the_variable_names(small_dataset):
    assert loaders.initiatives_path() == small_dataset
    assert set(loaders.report_initiatives()) == IDS
    assert set(loaders.read_initiatives()["id"]) == IDS  # what the map draws


def test_the_importer_and_the_store_see_the_same_items(small_dataset, tmp_path):
    store = ProjectStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    rows = "报告条目编号,状态\nbench-item-1,在建\nshaoyong-hsr,在建\n"
    plan = importer.plan_import(rows.encode(), "a.csv", existing=store.existing())
    assert [p.code for p in plan.problems] == ["unknown_initiative"]
    assert plan.problems[0].row == 3  # the committed file's item is not in this dataset
    store.apply_import(plan.skipping_problems(), actor="t")
    frame = store.annotations_frame()
    assert list(frame["initiative_id"]) == ["bench-item-1"]
    assert frame["name_zh"].iloc[0] == loaders.report_initiatives()["bench-item-1"]["name_zh"]
    with pytest.raises(NotFoundError):
        store.annotate("shaoyong-hsr", {"status": "completed"}, actor="t")
    store.close()


def test_the_gis_export_writes_the_items_in_use(small_dataset):
    layers = gis_export.cli_layers(with_projects=False)
    exported = [
        item_id for layer in layers if layer.name != "counties" for item_id in layer.frame["id"]
    ]
    assert set(exported) == IDS


def test_an_edited_file_is_read_again(small_dataset):
    assert set(loaders.report_initiatives()) == IDS
    collection = json.loads(small_dataset.read_text(encoding="utf-8"))
    collection["features"] = collection["features"][:1]
    small_dataset.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    assert set(loaders.report_initiatives()) == {"bench-item-0"}
