"""The app's pages and moving between them while keeping the session's view.

``PAGES`` is the one list of pages: app.py builds Streamlit's menu from it (titles in the UI
language, ASCII addresses such as ``/report``, in three groups: exploring the report, planning,
presenting), and the buttons below switch to a page by its key. ``OLD_PATHS`` are the
addresses pages had before (named after Chinese file names); they still open the same page
with the same query parameters.

The page files live one folder down, in ``pages/<group>/``: Streamlit's older multipage mode
runs any ``pages/*.py`` directly (without app.py's menu) on a server's first sessions, so no
page file may sit in ``pages/`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.i18n import t
from components.state.session import select
from components.state.view_state import Selection

GROUPS = ("explore", "plan", "present")  # the menu's sections, in order


@dataclass(frozen=True)
class PageSpec:
    key: str  # also the URL path, e.g. "report" -> /report
    group: str  # one of GROUPS: the menu section and the folder in pages/
    file: str  # the page's file name in pages/<group>/
    icon: str

    @property
    def path(self) -> str:
        """The page's file, relative to app.py."""
        return f"pages/{self.group}/{self.file}"

    def title(self, lang: str) -> str:
        return t(f"nav.{self.key}", lang)


PAGES = (
    PageSpec("map", "explore", "map.py", ":material/map:"),
    PageSpec("report", "explore", "report.py", ":material/article:"),
    PageSpec("county", "explore", "county.py", ":material/location_city:"),
    PageSpec("balance", "plan", "balance.py", ":material/balance:"),
    PageSpec("explorer", "plan", "explorer.py", ":material/table:"),
    PageSpec("data", "plan", "my_data.py", ":material/database:"),
    PageSpec("story", "present", "story.py", ":material/slideshow:"),
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


def group_title(group: str, lang: str) -> str:
    return t(f"nav.group.{group}", lang)


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
