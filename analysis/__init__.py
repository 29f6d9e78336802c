"""Statistics over data/ and geo/: regional balance, its measures, choropleth classes. No streamlit."""
