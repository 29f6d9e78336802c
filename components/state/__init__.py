"""Session and URL state, search, and the Streamlit caches (the only cache layer)."""
