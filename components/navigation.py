"""Moving between pages while keeping the session's view (language, filters, selection)."""

from __future__ import annotations

import streamlit as st

from components import sidebar
from components.i18n import t
from components.view_state import Selection

MAP_PAGE = "app.py"
READER_PAGE = "pages/2_报告_Report.py"
COUNTY_PAGE = "pages/3_县区_County.py"


def _go(selection: Selection, page: str) -> None:
    sidebar.select(selection)
    st.switch_page(page)


def show_in_report_button(item_id: str, lang: str, *, key: str) -> None:
    """A button that opens the report reader scrolled to this initiative's sentence."""
    if st.button(t("card.show_in_report", lang), key=key, icon=":material/article:"):
        _go(Selection("initiative", item_id), READER_PAGE)


def show_on_map_button(item_id: str, lang: str, *, key: str) -> None:
    """A button that opens the map with this initiative selected."""
    if st.button(t("card.show_on_map", lang), key=key, icon=":material/map:"):
        _go(Selection("initiative", item_id), MAP_PAGE)


def county_profile_button(adcode: str, label: str, *, key: str) -> None:
    """A button that opens a county's profile page."""
    if st.button(label, key=key, icon=":material/location_city:"):
        _go(Selection("county", adcode), COUNTY_PAGE)
