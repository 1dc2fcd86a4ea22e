"""Fair anchors: Übersicht and Zielerreichung written plainly, as a competent Streamlit developer would."""
