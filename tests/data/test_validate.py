"""`python -m data.validate` gives one clear line per problem and the right exit code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.report import load_report
from data.schema import names_item
from data.validate import load_shared_spans, main, validate_collection

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


def _set_span(props: dict, text: str, start: int) -> None:
    props["source_start"], props["source_end"] = start, start + len(text)
    props["source_text"] = text


def test_span_sharing_only_a_generic_pair_does_not_name_the_item(good, tmp_path, capsys):
    """建设“五好”园区 and 持续开展园区“四百”工程… share only 园区: that is not the item's name."""
    bad = copy.deepcopy(good)
    other = _first(bad, id="four-hundred-parks-programme")["properties"]
    props = _first(bad, id="five-good-parks")["properties"]
    _set_span(props, other["source_text"], other["source_start"])
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "five-good-parks: source_start: the span does not name" in out


def test_names_item_rule():
    assert not names_item("建设“五好”园区", "持续开展园区“四百”工程")
    assert not names_item("市场主体倍增行动", "力争经营主体总量突破55万户")
    assert names_item("南山", "依托崑山、南山、云山")  # a two-character name, whole
    assert names_item("崑山(崀山)", "崑山")  # the report's spelling is one of the words
    assert names_item("产业发展“千百十”工程", "持续实施产业发展“千百\n\n十”工程")
    assert names_item("湖南(廉桥)中医药产业博览会", "湖南(廉桥)中医药产业博览会")
    assert not names_item("湖南(廉桥)中医药产业博览会", "廉桥镇")  # a short word of a long name


def _overlapping(bad: dict, report) -> tuple[dict, str, int]:
    """Stretch 东亿电气's span over 拓浦精工's: two different firms in one span."""
    text = "重点支持东亿电气、拓浦精工"
    start = report.raw.index(text)
    props = _first(bad, id="dongyi-electric")["properties"]
    _set_span(props, text, start)
    return props, text, start


def test_overlapping_spans_of_different_items(good, tmp_path, capsys):
    bad = copy.deepcopy(good)
    _overlapping(bad, load_report())
    code, out = _run(tmp_path, bad, capsys)
    assert code == 1 and "tuopu-precision: source_start: the span overlaps 'dongyi-electric'" in out


def test_overlap_allowed_when_one_listed_phrase_holds_both(good):
    bad = copy.deepcopy(good)
    _overlapping(bad, load_report())
    phrase = "重点支持东亿电气、拓浦精工、连泰鞋业"
    listed = [{"phrase": phrase, "ids": ["dongyi-electric", "tuopu-precision"]}]
    assert validate_collection(bad, shared=listed) == []
    too_short = [{"phrase": "东亿电气、拓浦精工", "ids": ["dongyi-electric", "tuopu-precision"]}]
    assert any("overlaps" in str(p) for p in validate_collection(bad, shared=too_short))
    other_ids = [{"phrase": phrase, "ids": ["dongyi-electric", "liantai-shoes"]}]
    assert any("overlaps" in str(p) for p in validate_collection(bad, shared=other_ids))


def test_committed_allow_list_names_real_phrases_and_records(good):
    ids = {f["properties"]["id"] for f in good["features"]}
    raw = load_report().raw
    for group in load_shared_spans():
        assert group["phrase"] in raw, group
        assert set(group["ids"]) <= ids and len(group["ids"]) >= 2, group
