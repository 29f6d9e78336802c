"""What every page with the shared sidebar starts with: the data, the sidebar, the view.

A page calls ``open_page()`` once, after ``st.set_page_config``, and gets plain values back.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from components import sidebar
from components.search import SearchEntry
from components.view_state import Filters, ViewState, filter_mask
from data import cached


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
        return cached.search_index(self.version).search(query)

    def filtered(self) -> gpd.GeoDataFrame:
        """The initiatives the sidebar's filters and search keep."""
        return apply_filters(self.version, self.initiatives, self.state.filters)


def apply_filters(
    version: str, initiatives: gpd.GeoDataFrame, filters: Filters
) -> gpd.GeoDataFrame:
    """The initiatives that pass `filters`, the search box included."""
    matched = None
    if filters.query:
        hits = cached.search_index(version).search(filters.query)
        matched = [hit.id for hit in hits if hit.kind == "initiative"]
    return initiatives[filter_mask(initiatives, filters, matched)]


def open_page() -> Page:
    """Load the data (or show why it cannot be loaded and stop) and draw the shared sidebar."""
    try:
        version, initiatives = cached.current_initiatives()
    except cached.DatasetError as error:
        st.error(str(error))
        st.stop()
    county_names = cached.county_names()
    state = sidebar.view_state(
        county_names, search=lambda query: cached.search_index(version).search(query)
    )
    return Page(version, initiatives, state, county_names)
