"""The search box: Chinese, pinyin, initials and English names."""

from __future__ import annotations

import pytest

from components.search import build_index, normalise

RECORDS = [
    ("county", "430582", "邵东市", "Shaodong City"),
    ("county", "430527", "绥宁县", "Suining County"),
    (
        "initiative",
        "langshan-tourism",
        "崀山(报告印作崑山)",
        "Mount Langshan (World Heritage, Xinning)",
    ),
    ("initiative", "shaoyong-hsr", "邵永高铁", "Shaoyang–Yongzhou high-speed railway"),
    ("initiative", "changpu", "长铺镇项目", "Changpu project"),
]


@pytest.fixture(scope="module")
def index():
    return build_index(RECORDS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("邵东", "430582"),
        ("shaodong", "430582"),
        ("Shao Dong", "430582"),
        ("sd", "430582"),
        ("Shaodong City", "430582"),
        ("langshan", "langshan-tourism"),
        ("崀山", "langshan-tourism"),
        ("sygt", "shaoyong-hsr"),
        ("shaoyonggaotie", "shaoyong-hsr"),
        ("high-speed", "shaoyong-hsr"),
        ("changpu", "changpu"),  # 长 read chang, not only zhang
        ("ＳＵＩＮＩＮＧ", "430527"),  # full-width letters
    ],
)
def test_query_finds(index, query, expected):
    assert expected in [hit.id for hit in index.search(query)]


def test_exact_matches_rank_first_and_counties_before_initiatives(index):
    hits = index.search("shao")
    assert hits[0].kind == "county"
    assert index.search("邵东市")[0].id == "430582"


def test_empty_and_punctuation_only_queries_find_nothing(index):
    assert index.search("") == []
    assert index.search("  ，。 ") == []


def test_normalise_keeps_letters_digits_and_cjk():
    assert normalise(" G60 沪昆-高速! ") == "g60沪昆高速"
