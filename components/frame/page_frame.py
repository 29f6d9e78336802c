"""What every page with the shared sidebar starts with: the data, the sidebar, the view.

A page calls ``open_page()`` once, after ``st.set_page_config``, and gets plain values back.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from components import cache as cached
from components.frame import sidebar
from components.state.search import SearchEntry
from components.state.view_state import ViewState
from data.loaders import DatasetError


@dataclass(frozen=True)
class Page:
    version: str
    initiatives: gpd.GeoDataFrame  # every report initiative, indexed by id
    state: ViewState
    county_names: dict[str, dict[str, str]]  # {adcode: {"zh": ..., "en": ...}}

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def names(self) -> dict[str, str]:
        """{adcode: county name in the page's language}."""
        return {adcode: pair[self.lang] for adcode, pair in self.county_names.items()}

    def search(self, query: str) -> list[SearchEntry]:
        return list(cached.search(self.version, query))

    def finish(self, state: ViewState | None = None) -> None:
        """For a page opened with ``sidebar_last``: draw the sidebar now, at the page's end.

        ``state``: the view the page ended with, if it changed it (e.g. closed a selection)."""
        if sidebar.draw_sidebar(self.county_names, search=self.search) != (state or self.state):
            st.rerun()  # a widget corrected its value (e.g. an option that no longer exists)
        sidebar.close_sidebar_after_pick()

    def filtered(self) -> gpd.GeoDataFrame:
        """The initiatives the sidebar's filters and search keep."""
        return cached.filtered(self.version, self.state.filters)


def open_page(*, sidebar_last: bool = False) -> Page:
    """Load the data (or show why it cannot be loaded and stop) and draw the shared sidebar."""
    try:
        version, initiatives = cached.current_initiatives()
    except DatasetError as error:
        st.error(str(error))
        st.stop()
    county_names = cached.county_names()
    if sidebar_last:
        # The page draws its main content first (the browser starts on it sooner) and calls
        # ``Page.finish()`` at its end; the widgets' values are in session state already.
        return Page(version, initiatives, sidebar.read_view_state(), county_names)
    state = sidebar.view_state(
        county_names, search=lambda query: list(cached.search(version, query))
    )
    return Page(version, initiatives, state, county_names)
