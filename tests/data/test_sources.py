"""data/sources.csv decides which sources a county figure shown to users may cite."""

from __future__ import annotations

import pytest

from data.loaders import read_county_facts, read_public_county_facts
from data.sources import FIGURES, public_county_facts, publisher_of, read_sources


@pytest.fixture(scope="module")
def sources():
    return read_sources()


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        ("https://tjj.shaoyang.gov.cn/sytjj/x.shtml", "邵阳市统计局"),
        ("http://www.chengbu.gov.cn/chengbu/x.shtml", "城步苗族自治县人民政府"),
        ("https://zh.m.wikipedia.org/zh-hant/x", "维基百科"),
        ("https://de.wikipedia.org/wiki/Shaoyang", "维基百科"),
    ],
)
def test_a_listed_domain_names_its_publisher(sources, url, publisher):
    assert publisher_of(url, sources).name_zh == publisher


@pytest.mark.parametrize(
    "url",
    [
        "https://notwikipedia.org/wiki/x",  # a suffix of the name is not the domain
        "https://wikipedia.org.evil.example/x",
        "javascript:alert(1)",
        "see https://en.wikipedia.org/wiki/x",  # not a single URL
        "",
    ],
)
def test_lookalikes_and_non_urls_have_no_publisher(sources, url):
    assert publisher_of(url, sources) is None


def test_mirrors_are_rejected_and_the_encyclopedia_is_secondary(sources):
    assert publisher_of("https://54e1ad4b48888.kfd.me/zh-hans/x", sources).quality == "rejected"
    assert publisher_of("https://chinaidiom.com/x.html", sources).quality == "rejected"
    assert publisher_of("https://en.wikipedia.org/wiki/x", sources).quality == "secondary"
    assert publisher_of("http://longhui.gov.cn/x", sources).quality == "official"


def test_a_bad_sources_file_is_refused(tmp_path):
    bad = tmp_path / "sources.csv"
    bad.write_text(
        "domain,publisher_zh,publisher_en,quality,note\nexample.org,,,trusted,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="line 2"):
        read_sources(bad)
    bad.write_text(
        "domain,publisher_zh,publisher_en,quality,note\nexample.org,,,official,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="needs its names"):
        read_sources(bad)


def test_public_facts_drop_notes_and_unaccepted_figures(sources):
    row = {
        "adcode": "430581",
        "name_zh": "武冈市",
        "pop_2020_census": "640181",
        "pop_source": "https://chinaidiom.com/x.html",
        "pop_note": "LOW-QUALITY secondary (Baike translation) — verify",
        "seat_zh": "水西门街道",
        "seat_en": "Shuiximen Subdistrict",
        "seat_source": "https://en.wikipedia.org/wiki/Wugang%2C_Hunan",
    }
    public = public_county_facts(row, sources)
    assert public["pop_2020_census"] == "" and public["pop_source"] == ""
    assert not any(key.endswith("_note") for key in public)
    assert public["seat_en"] == "Shuiximen Subdistrict"
    assert public["seat_source_publisher_en"] == "Wikipedia"
    assert public["seat_source_quality"] == "secondary"


def test_every_source_in_the_county_tables_is_one_url_or_empty():
    facts = read_county_facts()
    for _, source in FIGURES:
        for adcode, url in facts[source].items():
            assert url == "" or (url.startswith("http") and " " not in url), (adcode, source)


def test_what_users_see_of_the_counties():
    public = read_public_county_facts()
    assert len(public) == 12
    shown = {a: f["pop_2020_census"] for a, f in public.items() if f["pop_2020_census"]}
    # official bulletins (隆回, 城步) and secondary sources (the rest); 6 are unknown
    assert shown["430524"] == "1009778" and public["430524"]["pop_source_quality"] == "official"
    assert shown["430529"] == "227911" and public["430529"]["pop_source_quality"] == "official"
    assert set(shown) == {"430503", "430523", "430524", "430525", "430529", "430582"}
    for facts in public.values():
        for values, source in FIGURES:
            if any(facts[v] for v in values):
                assert facts[f"{source}_quality"] in ("official", "secondary")
                assert facts[f"{source}_publisher_zh"] and facts[f"{source}_publisher_en"]
