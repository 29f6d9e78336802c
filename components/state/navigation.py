"""The app's pages and moving between them while keeping the session's view.

``PAGES`` is the one list of pages: app.py builds Streamlit's menu from it (titles in the UI
language, ASCII addresses such as ``/report``), and the buttons below switch to a page by its
key. ``OLD_PATHS`` are the addresses pages had before (named after Chinese file names); they
still open the same page with the same query parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.i18n import t
from components.state.session import select
from components.state.view_state import Selection


@dataclass(frozen=True)
class PageSpec:
    key: str  # also the URL path, e.g. "report" -> /report
    path: str  # the page's file, relative to app.py
    icon: str

    def title(self, lang: str) -> str:
        return t(f"nav.{self.key}", lang)


PAGES = (
    PageSpec("map", "pages/map.py", ":material/map:"),
    PageSpec("report", "pages/report.py", ":material/article:"),
    PageSpec("county", "pages/county.py", ":material/location_city:"),
    PageSpec("balance", "pages/balance.py", ":material/balance:"),
    PageSpec("explorer", "pages/explorer.py", ":material/table:"),
    PageSpec("story", "pages/story.py", ":material/slideshow:"),
    PageSpec("data", "pages/my_data.py", ":material/database:"),
)
PAGE_BY_KEY = {spec.key: spec for spec in PAGES}
HOME = "map"  # what "/" opens
# {old URL path: page key}: the addresses of the first version (one file per page in pages/).
OLD_PATHS = {
    "报告_Report": "report",
    "县区_County": "county",
    "均衡_Balance": "balance",
    "项目表_Explorer": "explorer",
    "故事_Story": "story",
    "数据_Data": "data",
}


def page_path(key: str) -> str:
    return PAGE_BY_KEY[key].path


def _go(selection: Selection, key: str) -> None:
    select(selection)
    st.switch_page(page_path(key))


def show_in_report_button(item_id: str, lang: str, *, key: str) -> None:
    """A button that opens the report reader scrolled to this initiative's sentence."""
    if st.button(t("card.show_in_report", lang), key=key, icon=":material/article:"):
        _go(Selection("initiative", item_id), "report")


def show_on_map_button(item_id: str, lang: str, *, key: str) -> None:
    """A button that opens the map with this initiative selected."""
    if st.button(t("card.show_on_map", lang), key=key, icon=":material/map:"):
        _go(Selection("initiative", item_id), "map")


def county_profile_button(adcode: str, label: str, *, key: str) -> None:
    """A button that opens a county's profile page."""
    if st.button(label, key=key, icon=":material/location_city:"):
        _go(Selection("county", adcode), "county")
