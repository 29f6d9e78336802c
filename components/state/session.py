"""What the user has picked (a county or an initiative), kept in session state across pages."""

from __future__ import annotations

import streamlit as st

from components.state.view_state import Selection

SELECTION_KEY = "sy_selection"
PICKED_KEY = "sy_picked"  # set by a pick; the page then closes the sidebar on a phone
PAGE_KEY = "sy_page"  # the address of the page this run shows (set by app.py)


def select(selection: Selection | None) -> None:
    """Open the panel of a county or an initiative (or close it with None)."""
    st.session_state[SELECTION_KEY] = selection
    st.session_state[PICKED_KEY] = selection is not None


def selected() -> Selection | None:
    return st.session_state.get(SELECTION_KEY)


def set_current_page(url_path: str) -> None:
    st.session_state[PAGE_KEY] = url_path


def current_page() -> str | None:
    """The page this run shows; None when a page runs on its own (without app.py)."""
    return st.session_state.get(PAGE_KEY)
