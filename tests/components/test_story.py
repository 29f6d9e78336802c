"""Story steps are plain data: URL values map to steps safely, a step maps to one view."""

from __future__ import annotations

import pytest

from components.story import DEFAULT_SPOTLIGHT, STEPS, share_query, step_index, view_for
from components.view_state import Selection


@pytest.mark.parametrize(
    ("value", "index"),
    [("1", 0), ("5", 4), ("0", 0), ("6", 0), ("-1", 0), ("x", 0), (None, 0), ("<script>", 0)],
)
def test_step_index_from_url(value, index):
    assert step_index(value) == index


def test_spotlight_selects_and_filters_its_county():
    view = view_for(STEPS[-1], lang="en", county="430581")
    assert view.selection == Selection("county", "430581")
    assert view.filters.counties == ("430581",)
    assert view.lang == "en"


def test_other_steps_select_nothing():
    for step in STEPS[:-1]:
        view = view_for(step, lang="zh")
        assert view.selection is None and view.filters.counties == ()


def test_transport_step_measures_route_km():
    transport = next(s for s in STEPS if s.key == "transport")
    assert view_for(transport, lang="zh").measure == "route_km"


def test_share_query_is_one_based_and_names_the_spotlight_county():
    assert share_query(0, lang="zh", county=DEFAULT_SPOTLIGHT) == {"step": "1", "lang": "zh"}
    assert share_query(len(STEPS) - 1, lang="en", county="430528") == {
        "step": "5",
        "lang": "en",
        "county": "430528",
    }
