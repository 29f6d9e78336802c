"""`python -m data.validate` gives one clear line per problem and the right exit code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.validate import main, validate_collection

ROOT = Path(__file__).resolve().parents[2]
INITIATIVES = ROOT / "data" / "initiatives.geojson"


@pytest.fixture(scope="module")
def good() -> dict:
    return json.loads(INITIATIVES.read_text(encoding="utf-8"))


def _first(collection: dict, **where) -> dict:
    for feature in collection["features"]:
        props = feature["properties"]
        if all(props.get(k) == v for k, v in where.items()):
            return feature
    raise LookupError(where)


def _run(tmp_path: Path, collection_or_bytes, capsys) -> tuple[int, str]:
    path = tmp_path / "initiatives.geojson"
    if isinstance(collection_or_bytes, bytes):
        path.write_bytes(collection_or_bytes)
    else:
        path.write_text(json.dumps(collection_or_bytes, ensure_ascii=False), encoding="utf-8")
    code = main([str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_valid_file_exits_zero(capsys):
    assert main([str(INITIATIVES)]) == 0
    assert "valid" in capsys.readouterr().out


def test_command_line_entry_point_runs_without_traceback(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "data.validate", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "not valid JSON" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_json(tmp_path, capsys):
    code, out = _run(tmp_path, b'{"type": "FeatureCollection", "features": [', capsys)
    assert code == 1 and "not valid JSON" in out and "line 1" in out


def test_not_utf8(tmp_path, capsys):
    code, out = _run(
        tmp_path,
        '{"type": "FeatureCollection", "features": [], "name": "邵阳"}'.encode("gbk"),
        capsys,
    )
    assert code == 1 and "not UTF-8" in out


def test_missing_file(tmp_path, capsys):
    assert main([str(tmp_path / "nope.geojson")]) == 1
    assert "cannot read" in capsys.readouterr().out


def test_not_a_feature_collection(tmp_path, capsys):
    code, out = _run(tmp_path, {"type": "Feature"}, capsys)
    assert code == 1 and "FeatureCollection" in out


def test_missing_field_names_record_and_field(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    del _first(bad, id="shaoyong-hsr")["properties"]["category"]
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1
    assert "shaoyong-hsr: category: Field required" in out


def test_adcode_not_one_of_the_twelve(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    _first(bad, id="wugang-food-industry-county")["properties"]["counties"] = ["430521"]
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1
    assert "wugang-food-industry-county: counties:" in out and "430521" in out


def test_adcode_as_number_is_refused(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    _first(bad, id="wugang-food-industry-county")["properties"]["counties"] = [430581]
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "wugang-food-industry-county: counties.0:" in out


def test_span_outside_the_text(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    props = _first(bad, id="shaoyong-hsr")["properties"]
    props["source_start"], props["source_end"] = 99_000, 99_010
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "shaoyong-hsr: source_end:" in out and "beyond the report" in out


def test_span_that_does_not_name_the_item(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    other = _first(bad, id="wugang-airport-link")["properties"]
    props = _first(bad, id="shaoyong-hsr")["properties"]
    props["source_start"], props["source_end"], props["source_text"] = (
        other["source_start"],
        other["source_end"],
        other["source_text"],
    )
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "shaoyong-hsr: source_start: the span does not name" in out


def test_point_outside_its_county(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    feature = _first(bad, id="huxingshan-tourism")
    feature["geometry"]["coordinates"] = [110.80017, 26.41796]  # 新宁县城, not 隆回
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "huxingshan-tourism: geometry: point lies in 430528" in out


def test_swapped_coordinates_are_named(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    feature = _first(bad, id="huxingshan-tourism")
    lon, lat = feature["geometry"]["coordinates"]
    feature["geometry"]["coordinates"] = [lat, lon]
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "swapped" in out


def test_route_that_misses_a_listed_county(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    _first(bad, id="wugang-airport-link")["properties"]["counties"] = ["430581", "430582"]
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "wugang-airport-link: counties: the route does not cross ['430582']" in out


def test_duplicate_ids(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    bad["features"].append(copy.deepcopy(bad["features"][0]))
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "used by more than one record" in out


def test_citywide_item_with_a_county_is_refused(good):
    bad = copy.deepcopy(good)
    _first(bad, precision="citywide")["properties"]["counties"] = ["430582"]
    problems = validate_collection(bad)
    assert any("citywide item lists no counties" in str(p) for p in problems)


def test_hostile_text_is_reported_not_executed(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    _first(bad, id="shaoyong-hsr")["properties"]["id"] = "<script>alert(1)</script>"
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "id: String should match pattern" in out
