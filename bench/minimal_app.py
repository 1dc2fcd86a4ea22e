"""The pages benchmark's baseline: a minimal Streamlit app with one selectbox and one plotly bar chart.

The selectbox is bound to the URL like the dashboard's year filter, so both start from `?jahr=2024`.
"""

import pandas as pd
import plotly.express as px
import streamlit as st

year = st.selectbox("Jahr", [2025, 2024, 2023, 2022, 2021], key="jahr", bind="query-params")
frame = pd.DataFrame(
    {
        "Maßnahmenart": ["Ausbildungsvorbereitung", "Ausbildung & Coaching", "Qualifizierung", "Weiterbildung"],
        "Mittel (EUR)": [v * (1 + (year - 2021) / 20) for v in (9_500_000, 5_400_000, 10_300_000, 1_900_000)],
    }
)
st.title(f"Minimal-App {year}")
st.plotly_chart(px.bar(frame, x="Maßnahmenart", y="Mittel (EUR)", title=f"Mittel {year}"))
