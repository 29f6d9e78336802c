"""The router (app.py) under AppTest: every page runs through it, and moving between pages keeps
the sidebar's language and filters, while a change made on the new page sticks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.state.navigation import PAGES

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _kept(at: AppTest) -> tuple[str, dict]:
    return at.session_state["sy_kept"]


@pytest.fixture(scope="module")
def english_shaodong() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["counties"] = "430582"
    return at.run()


@pytest.mark.parametrize("spec", PAGES[1:], ids=[spec.key for spec in PAGES[1:]])
def test_a_page_switch_keeps_the_language_and_filters(english_shaodong, spec):
    at = english_shaodong
    at.switch_page(spec.path).run()
    assert not at.exception
    page, values = _kept(at)
    assert page == spec.key
    assert values["sy_lang"] == "en"
    if "sy_counties" in values and spec.key not in ("story", "data"):
        assert values["sy_counties"] == ["430582"]
    at.switch_page("pages/explore/map.py").run()
    assert _kept(at)[1]["sy_counties"] == ["430582"]


def test_a_change_on_the_new_page_sticks():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/explore/report.py").run()
    assert at.markdown[0].value == "#### The report"
    at.sidebar.button_group(key="sy_lang").set_value("zh").run()
    assert _kept(at)[1]["sy_lang"] == "zh"
    assert at.markdown[0].value == "#### 报告原文"
    at.run()  # a plain rerun on the same page keeps the user's choice
    assert at.markdown[0].value == "#### 报告原文"
    at.switch_page("pages/plan/balance.py").run()
    assert _kept(at)[1]["sy_lang"] == "zh"
