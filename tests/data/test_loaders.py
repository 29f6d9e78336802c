"""The app's loaders: the initiatives file as a frame, and a clear error for a bad file."""

from __future__ import annotations

import json

import pytest

from data.loaders import DEFAULT_INITIATIVES, DatasetError, read_initiatives, version_of


def test_the_committed_file_loads_with_geometry_kinds():
    frame = read_initiatives(DEFAULT_INITIATIVES)
    text = DEFAULT_INITIATIVES.read_text(encoding="utf-8")
    assert len(frame) == len(json.loads(text)["features"])
    assert frame.attrs["datum"] == "wgs84"
    assert set(frame["geom_kind"]) == {"point", "line", "none"}
    assert frame.loc["langshan-tourism", "counties"] == ("430528",)
    assert frame.loc["langshan-tourism", "cluster"] is None  # missing is None, not NaN


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable GeoJSON"),
        ('{"type": "FeatureCollection"}', "not a readable GeoJSON"),
        ('{"type": "FeatureCollection", "features": [{"properties": {"id": "a"}}]}', "lacks"),
    ],
)
def test_a_bad_file_gives_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        read_initiatives(path)


def test_the_cache_key_changes_with_the_file(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    before = version_of(path)
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [], "name": "x"}), encoding="utf-8"
    )
    assert version_of(path) != before
