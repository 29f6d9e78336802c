"""The search box: Chinese, pinyin, initials and English names."""

from __future__ import annotations

import pytest

from components.state.search import build_index, expand_query, normalise

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


# --- synonyms: the words residents type for what the report calls otherwise ------------------


@pytest.fixture(scope="module")
def report_index():
    """The app's own index: the report's initiatives and the synonyms file."""
    from data.loaders import DEFAULT_INITIATIVES, read_initiatives
    from data.search_synonyms import read_search_synonyms

    frame = read_initiatives(DEFAULT_INITIATIVES)
    records = [
        ("initiative", i, zh, en)
        for i, zh, en in zip(frame["id"], frame["name_zh"], frame["name_en"], strict=True)
    ]
    return build_index(records, read_search_synonyms())


@pytest.mark.parametrize("query", ["卤菜", "卤味", "卤制品", "luwei", "lucai", "marinated"])
def test_braised_food_words_find_the_wugang_cluster(report_index, query):
    ids = [hit.id for hit in report_index.search(query)]
    assert "wugang-braised-food-cluster" in ids
    assert "wugang-beer-braised-food-festival" in ids


def test_a_direct_match_ranks_before_a_synonym_match(report_index):
    ids = [hit.id for hit in report_index.search("卤菜")]
    assert ids.index("wugang-beer-braised-food-festival") < ids.index("wugang-braised-food-cluster")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("高速铁路", "shaoyong-hsr"),
        ("高速公路", "xinxin-expressway"),
        ("中药", "shaodong-tcm-cluster"),
        ("牛奶", "chengbu-dairy-capital"),
        ("假发", "hair-products-ecommerce-belt"),
        ("wig", "hair-products-ecommerce-belt"),
        ("废水", "sewage-plants"),
    ],
)
def test_synonym_groups_reach_the_reports_words(report_index, query, expected):
    assert expected in [hit.id for hit in report_index.search(query)]


def test_pinyin_and_english_still_work_with_synonyms(report_index):
    assert "wugang-braised-food-cluster" in [h.id for h in report_index.search("wugang")]
    assert "shaoyong-hsr" in [h.id for h in report_index.search("sygt")]
    assert "global-lighter-capital" in [h.id for h in report_index.search("lighter")]


def test_a_short_latin_synonym_must_be_the_whole_query():
    """'hair' is a synonym; 'chair' must not be read as holding it."""
    index = build_index([("initiative", "wigs", "发制品", "Hair products")], [("发制品", "hair")])
    assert [hit.id for hit in index.search("hair")] == ["wigs"]
    assert index.search("chair") == []
    assert expand_query("chair", index.synonyms) == []


def test_no_synonyms_no_expansion():
    index = build_index([("initiative", "a", "武冈卤制品产业集群", "Wugang braised-food cluster")])
    assert index.search("卤菜") == []


def test_synonyms_file_is_well_formed():
    from data.search_synonyms import read_search_synonyms

    groups = read_search_synonyms()
    assert all(len(words) >= 2 for words in groups)
    words = [normalise(w) for group in groups for w in group]
    assert len(words) == len(set(words)), "a word belongs to one group only"


def test_synonyms_file_with_wrong_columns_is_refused(tmp_path):
    from data.search_synonyms import read_search_synonyms

    bad = tmp_path / "syn.csv"
    bad.write_text("word,other\n卤菜,卤味\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns must be"):
        read_search_synonyms(bad)
