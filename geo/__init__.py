"""Pure geometry for the Shaoyang map: datums, boundaries, spatial joins. No streamlit."""
