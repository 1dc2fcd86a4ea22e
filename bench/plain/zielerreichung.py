"""Zielerreichung written plainly: the same metrics, district table, chart, measure-type table and year-end
projection as the dashboard's page (for all of Hessen), computed with pandas on every run.

The projection's method (745 lines in aqb_data/analysis/projection.py: profiles pooled over earlier years, an
interval from replayed years) is domain logic, not presentation; a plain page would call the same library. It is
called here on a fresh data object every run, so nothing the project remembers between runs is used; the replay
of earlier years behind the reliability line depends on the data alone and is computed once per process.
"""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.projection import backtest, projection
from aqb_data.domain.dataset import AqbData
from bench.plain.common import eur, german_date, percent, tables, year_budgets, year_filter

BEHIND, WATCH, ON_TRACK, NO_DATA = "im Verzug", "beobachten", "im Plan", "keine Daten"
SYMBOL = {BEHIND: "■", WATCH: "▲", ON_TRACK: "●", NO_DATA: "○"}
ORDER = {BEHIND: 0, WATCH: 1, ON_TRACK: 2, NO_DATA: 3}

t = tables()
year = year_filter(t["agreements"]["year"].dropna().astype(int).unique().tolist())
st.title(f"Zielerreichung {year} – Hessen")
progress = t["progress"][t["progress"]["year"] == year]
days = sorted(progress["as_of"].dropna().dt.date.unique())
if not days:
    st.info(f"Für {year} liegt noch kein Umsetzungsbericht vor.")
    st.stop()
as_of = st.select_slider("Stichtag", options=days, value=days[-1], format_func=german_date)
if t["projects"].loc[t["projects"]["year"] == year, "demo"].any():
    st.warning("**Demodaten:** Die angezeigten Zahlen sind (teilweise) synthetisch erzeugt.")


def elapsed(days: pd.Series) -> pd.Series:
    return days.dt.day_of_year / np.where(days.dt.is_leap_year, 366, 365)


# Each project's latest report up to the Stichtag, and the numerators and denominators of every rate.
reports = progress[progress["as_of"] <= pd.Timestamp(as_of)].sort_values("as_of")
reports = reports.groupby(["ags", "project"], as_index=False).tail(1).drop(columns=["year", "source", "demo"])
rows = t["projects"][t["projects"]["year"] == year].merge(reports, on=["ags", "project"], how="left")
rows = rows.merge(t["districts"][["ags", "label", "regierungsbezirk"]], on="ags")
planned, spent = rows["planned_eur"], rows["spent_eur"]
money = planned.gt(0) & spent.notna()
entries, places = rows["entries"].astype(float), rows["planned_places"].astype(float)
filled = entries.notna() & places.gt(0)
exits = rows["exits"].astype(float)
moved_to = rows["to_training"].astype(float) + rows["to_employment"].astype(float)
moved = exits.gt(0) & moved_to.notna()
dropouts = rows["dropouts"].astype(float)
left = exits.gt(0) & dropouts.notna()
cost = spent.notna() & entries.gt(0)
rows = rows.assign(
    n_spent=spent.where(money),
    d_planned=planned.where(money),
    n_expected=(planned * elapsed(rows["as_of"])).where(money),
    n_entries=entries.where(filled),
    d_places=places.where(filled),
    n_moved=moved_to.where(moved),
    d_exits=exits.where(moved),
    n_drop=dropouts.where(left),
    d_drop=exits.where(left),
    n_cost=spent.where(cost),
    d_cost=entries.where(cost),
)
SUMS = ["n_spent", "d_planned", "n_expected", "n_entries", "d_places", "n_moved", "d_exits", "n_drop", "d_drop"]
SUMS += ["n_cost", "d_cost", "planned_eur", "spent_eur"]


def status(deviation: float, occupancy: float) -> str:
    levels = [
        BEHIND if v < behind else WATCH if v < watch else ON_TRACK
        for v, behind, watch in ((deviation, -0.20, -0.10), (occupancy, 0.60, 0.80))
        if pd.notna(v)
    ]
    return min(levels, key=ORDER.__getitem__) if levels else NO_DATA


def achieved(keys: list[str]) -> pd.DataFrame:
    grouped = rows.assign(_all="Hessen").groupby(keys or ["_all"])
    frame = grouped[SUMS].sum(min_count=1)
    frame["n_projects"] = grouped.size()
    frame["n_reported"] = grouped["as_of"].count()
    frame["last_as_of"] = grouped["as_of"].max()
    frame["spending_rate"] = frame["n_spent"] / frame["d_planned"]
    frame["expected_rate"] = frame["n_expected"] / frame["d_planned"]
    frame["deviation"] = frame["spending_rate"] - frame["expected_rate"]
    frame["occupancy"] = frame["n_entries"] / frame["d_places"]
    frame["transition_rate"] = frame["n_moved"] / frame["d_exits"]
    frame["dropout_rate"] = frame["n_drop"] / frame["d_drop"]
    frame["cost_per_participant"] = frame["n_cost"] / frame["d_cost"]
    frame["status"] = [status(d, o) for d, o in zip(frame["deviation"], frame["occupancy"], strict=True)]
    return frame.reset_index()


# Spending against the § 4 budget, per district: budget × elapsed share at its latest report, in cents.
per_district = rows.groupby("ags").agg(spent=("spent_eur", lambda s: s.sum(min_count=1)), last=("as_of", "max"))
budgets = t["districts"][["ags", "label", "regierungsbezirk"]].merge(year_budgets(t, year), on="ags", how="left")
budgets = budgets.merge(per_district.reset_index(), on="ags", how="left")
counted = budgets["budget_eur"].notna() & budgets["spent"].notna() & budgets["last"].notna()
budgets["counted_eur"] = budgets["budget_eur"].where(counted)
budgets["path_eur"] = (budgets["budget_eur"] * elapsed(pd.to_datetime(budgets["last"]))).where(counted)
budgets["spent_counted"] = budgets["spent"].where(counted).round(2)
budgets["budget_spent_share"] = budgets["spent_counted"] / budgets["counted_eur"]
budgets["budget_expected_share"] = budgets["path_eur"] / budgets["counted_eur"]
budgets["budget_gap_eur"] = budgets["path_eur"].round(2) - budgets["spent_counted"]

land = achieved([]).iloc[0]
cols = st.columns(5)
cols[0].metric("Mittelabfluss", percent(land["spending_rate"]))
cols[1].metric("erwartet", percent(land["expected_rate"]))
cols[2].metric("Auslastung", percent(land["occupancy"]))
cols[3].metric("Übergangsquote", percent(land["transition_rate"]))
cols[4].metric("Kosten je Teilnehmer/in", eur(land["cost_per_participant"]))
st.caption(
    f"Hessen: {land['n_reported']} von {land['n_projects']} Projekten mit Bericht; Stichtag der Berichte "
    f"{land['last_as_of']:%d.%m.%Y}. Status „{land['status']}“."
)
counted_total = budgets["counted_eur"].sum()
budget_cols = st.columns(3)
budget_cols[0].metric("Abfluss ggü. § 4", percent(budgets["spent_counted"].sum() / counted_total))
budget_cols[1].metric("anteiliger § 4-Pfad", percent(budgets["path_eur"].sum() / counted_total))
budget_cols[2].metric("Rückstand zum § 4-Pfad", eur(budgets["budget_gap_eur"].sum(), 2))
st.caption(
    f"Haushaltsmittel (§ 4): {eur(budgets['budget_eur'].sum())} (alle Zielvereinbarungen), davon mit Bericht bis "
    f"zum Stichtag {eur(counted_total)}: die Basis von Abfluss und Rückstand ggü. § 4."
)

districts = achieved(["ags"]).merge(budgets, on="ags", how="right")
districts["status"] = districts["status"].fillna(NO_DATA)
districts["order"] = districts["status"].map(ORDER)
districts = districts.sort_values(["order", "deviation", "label"], ignore_index=True)
counts = districts["status"].value_counts()
st.markdown(
    " · ".join(f"{SYMBOL[s]} **{counts.get(s, 0)}** {s}" for s in (BEHIND, WATCH, ON_TRACK, NO_DATA))
    + " (Gebietskörperschaften)"
)
districts["status_text"] = districts["status"].map(SYMBOL) + " " + districts["status"]
pct = st.column_config.NumberColumn
RATE_COLUMNS = {
    "status_text": "Status",
    "planned_eur": pct("geplant", format="euro"),
    "spent_eur": pct("verausgabt", format="euro"),
    "spending_rate": pct("Mittelabfluss", format="percent"),
    "expected_rate": pct("erwartet", format="percent"),
    "deviation": pct("Abweichung", format="percent"),
    "occupancy": pct("Auslastung", format="percent"),
    "transition_rate": pct("Übergangsquote", format="percent"),
    "dropout_rate": pct("Abbruchquote", format="percent"),
    "cost_per_participant": pct("Kosten je TN", format="euro"),
    "last_as_of": st.column_config.DateColumn("Bericht", format="DD.MM.YYYY"),
}
st.subheader("Gebietskörperschaften")
st.caption("Eine Zeile wählen, um in die Gebietskörperschaft zu gehen.")
district_columns = {
    "label": "Gebietskörperschaft",
    **RATE_COLUMNS,
    "budget_spent_share": pct("Abfluss ggü. § 4", format="percent"),
    "budget_expected_share": pct("§ 4-Pfad", format="percent"),
    "budget_gap_eur": pct("Rückstand", format="euro"),
}
st.dataframe(
    districts[list(district_columns)],
    hide_index=True,
    column_config=district_columns,
    on_select="rerun",
    selection_mode="single-row",
    key="achievement_districts",
)
st.download_button("CSV", districts[list(district_columns)].to_csv(sep=";", decimal=",", index=False), "ze.csv")
fig = px.bar(
    districts.sort_values("deviation"),
    x="deviation",
    y="label",
    color="status",
    orientation="h",
    title=f"Mittelabfluss gegenüber dem Jahresfortschritt {year}",
    color_discrete_map={BEHIND: "#cc0000", WATCH: "#e69138", ON_TRACK: "#38761d", NO_DATA: "#999999"},
    labels={"deviation": "Abweichung", "label": ""},
)
fig.update_layout(separators=",.", height=700, xaxis_tickformat=".0%")
st.plotly_chart(fig, theme=None)
with st.expander("Zahlen zum Diagramm"):
    st.dataframe(districts[["label", "deviation", "spending_rate", "expected_rate"]], hide_index=True)

st.subheader("Nach Maßnahmenarten")
measures = achieved(["measure_type"])
measures["label"] = measures["measure_type"].map(
    {1: "Ausbildungsvorbereitung", 2: "Ausbildung & Coaching", 3: "Qualifizierung", 4: "Weiterbildung Personal"}
)
measures["status_text"] = measures["status"].map(SYMBOL) + " " + measures["status"]
measure_columns = {"label": "Maßnahmenart", **RATE_COLUMNS}
st.dataframe(measures[list(measure_columns)], hide_index=True, column_config=measure_columns)
st.download_button("CSV", measures[list(measure_columns)].to_csv(sep=";", decimal=",", index=False), "ma.csv")

st.subheader("Hochrechnung zum Jahresende")
data = AqbData.of({name: t[name] for name in ("agreements", "projects", "progress", "amendments")})
selection = Selection(year)
by_district = projection(data, selection, "district", as_of)
whole = projection(data, selection, "land", as_of).iloc[0]
cols = st.columns([2, 3, 2])
cols[0].metric("voraussichtlich verausgabt", eur(whole["projected_eur"]))
cols[1].metric("80 %-Intervall", f"{eur(whole['low_eur'])} – {eur(whole['high_eur'])}")
cols[2].metric("voraussichtlich nicht verausgabt (€)", eur(whole["unspent_eur"]))


@st.cache_resource
def replayed_years() -> pd.DataFrame:
    """How well the projection did in earlier years (the same content as the dashboard's reliability line): it
    depends on the data only, so a plain page computes it once per process."""
    return backtest(AqbData.of({name: t[name] for name in ("agreements", "projects", "progress", "amendments")}))


replay = replayed_years()
found = replay[(replay["stichtag"] == as_of.month * 100 + as_of.day) & (replay["level"] == "land")]
if not found.empty:
    st.caption(
        f"Verlässlichkeit: Zum {german_date(as_of)[:6]} lag die Hochrechnung {found.iloc[0]['years']} im Mittel "
        f"{percent(found.iloc[0]['mape'])} neben dem tatsächlichen Jahresende."
    )
by_district = by_district.sort_values(["unspent_eur", "unit_label"], ascending=[False, True], na_position="last")
st.dataframe(
    by_district[["unit_label", "planned_eur", "spent_eur", "projected_eur", "low_eur", "high_eur", "unspent_eur"]],
    hide_index=True,
    column_config={
        "unit_label": "Gebietskörperschaft",
        "planned_eur": pct("geplant", format="euro"),
        "spent_eur": pct("verausgabt", format="euro"),
        "projected_eur": pct("voraussichtlich verausgabt", format="euro"),
        "low_eur": pct("Intervall von", format="euro"),
        "high_eur": pct("Intervall bis", format="euro"),
        "unspent_eur": pct("voraussichtlich nicht verausgabt", format="euro"),
    },
)
