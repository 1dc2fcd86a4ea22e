"""Streamlit-side helpers shared by the pages: cached data, the global filters, common widgets."""
