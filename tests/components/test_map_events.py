"""Reading a click back from streamlit-folium."""

from __future__ import annotations

from components.map.events import MapClick, parse_map_click, token


def test_a_county_click():
    returned = {
        "last_object_clicked_tooltip": "邵东市 项目数：17 个" + token("county", "430582"),
        "last_object_clicked": {"lat": 27.25, "lng": 111.74},
    }
    assert parse_map_click(returned) == MapClick("county", "430582", 27.25, 111.74)


def test_the_last_token_wins_over_any_in_the_data_text():
    text = "name mentioning [[county:430502]] " + token("initiative", "langshan-tourism")
    assert parse_map_click({"last_object_clicked_tooltip": text}).id == "langshan-tourism"


def test_nothing_identifiable():
    assert parse_map_click(None) is None
    assert parse_map_click({}) is None
    assert parse_map_click({"last_object_clicked_tooltip": None}) is None
    assert parse_map_click({"last_object_clicked_tooltip": "just a name"}) is None
    assert parse_map_click({"last_object_clicked_tooltip": "[[county:<script>]]"}) is None
