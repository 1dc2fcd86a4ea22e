"""Übersicht written plainly: the same metrics, budget parts, three charts and the district table as the
dashboard's page, computed with pandas on every run, drawn with plotly express and `st.dataframe`."""

import pandas as pd
import plotly.express as px
import streamlit as st

from bench.plain.common import MEASURE_COLOURS, MEASURE_LABELS, eur, number, percent, tables, year_budgets, year_filter

t = tables()
year = year_filter(t["agreements"]["year"].dropna().astype(int).unique().tolist())
districts = t["districts"][["ags", "label", "regierungsbezirk", "population"]]

st.title(f"Übersicht {year} – Hessen")
progress = t["progress"][t["progress"]["year"] == year]
latest = progress["as_of"].max()
st.caption(f"Datenstand {year}: {latest:%d.%m.%Y} · Datei: {', '.join(t['files']) or '–'}")
shown = pd.concat([t["agreements"][t["agreements"]["year"] == year], t["projects"][t["projects"]["year"] == year]])
if shown["demo"].any():
    st.warning(f"**Demodaten:** {percent(shown['demo'].mean(), 0)} der angezeigten Zeilen sind synthetisch.")

# Per district: budget (this year and last), planned money, projects, and the parts of the budget in cents.
budgets = year_budgets(t, year)
previous = year_budgets(t, year - 1).rename(columns={"budget_eur": "budget_prev_eur"})
projects = t["projects"][t["projects"]["year"] == year]
per_district = projects.groupby("ags").agg(
    planned_eur=("planned_eur", lambda s: s.sum(min_count=1)),
    n_projects=("project", "size"),
    n_missing=("planned_eur", lambda s: int(s.isna().sum())),
)
frame = (
    districts.merge(budgets, on="ags", how="left")
    .merge(previous, on="ags", how="left")
    .merge(per_district, on="ags", how="left")
)
frame["n_projects"] = frame["n_projects"].fillna(0).astype(int)
known = (frame["planned_eur"].fillna(0) * 100).round()
budget = (frame["budget_eur"] * 100).round()
complete = (frame["n_projects"] > 0) & (frame["n_missing"].fillna(0) == 0)
frame["over_planned_eur"] = (known - budget).clip(lower=0) / 100
frame["unplanned_eur"] = (budget - known).clip(lower=0).where(complete, 0) / 100
frame["unknown_eur"] = (budget - known).clip(lower=0).where(~complete, 0) / 100
frame["per_inhabitant"] = frame["budget_eur"] / frame["population"]
frame["change_eur"] = frame["budget_eur"] - frame["budget_prev_eur"]
with_budget = frame[frame["budget_eur"].notna()]

total = with_budget["budget_eur"].sum()
both = with_budget[with_budget["budget_prev_eur"].notna()]
change = both["change_eur"].sum()
col_budget, col_projects, col_inhabitant, col_unallocated = st.columns(4)
col_budget.metric(
    "Haushaltsmittel",
    eur(total),
    delta=f"{eur(change)} ({percent(change / both['budget_prev_eur'].sum())})" if len(both) else None,
    delta_color="off",
    border=True,
)
col_projects.metric("Projekte", number(with_budget["n_projects"].sum()), border=True)
col_inhabitant.metric("€ je Einwohner/in", eur(total / with_budget["population"].sum(), 2), border=True)
over = with_budget["over_planned_eur"].sum()
col_unallocated.metric(
    "Nicht verplant",
    eur(with_budget["unplanned_eur"].sum()),
    delta=f"{eur(over)} überplant" if over else None,
    delta_color="inverse",
    border=True,
)
parts = [
    ("geplant", with_budget["planned_eur"].sum()),
    ("− überplant", over),
    ("nicht verplant", with_budget["unplanned_eur"].sum()),
    ("ohne Projektbeträge", with_budget["unknown_eur"].sum()),
]
lines = ["| Teil des Budgets | Betrag |", "|---|--:|"]
lines += [f"| {label} | {eur(amount)} |" for label, amount in parts if amount]
lines.append(f"| **= Haushaltsmittel** | **{eur(total)}** |")
st.markdown("\n".join(lines))

st.subheader("Verteilung auf die Maßnahmenarten")
unit = st.segmented_control("Darstellung", ["Euro", "Anteil am Budget"], default="Euro", key="darstellung")
value = "share" if unit == "Anteil am Budget" else "planned_eur"

# Planned money per district and measure type, then the residuals that make each district add up to its budget.
planned = projects.groupby(["ags", "measure_type"])["planned_eur"].sum().reset_index()
planned["measure"] = planned["measure_type"].astype(int).map(MEASURE_LABELS)
rest = frame.melt(
    id_vars="ags", value_vars=["unplanned_eur", "unknown_eur", "over_planned_eur"], var_name="kind", value_name="x"
)
rest["planned_eur"] = rest["x"].where(rest["kind"] != "over_planned_eur", -rest["x"])
rest["measure"] = rest["kind"].map(
    {"unplanned_eur": "nicht verplant", "unknown_eur": "ohne Projektbeträge", "over_planned_eur": "überplant"}
)
allocation = pd.concat([planned[["ags", "measure", "planned_eur"]], rest[["ags", "measure", "planned_eur"]]])
allocation = allocation[allocation["planned_eur"].abs() >= 0.005].merge(frame[["ags", "label", "regierungsbezirk"]])
allocation = allocation[allocation["ags"].isin(with_budget["ags"])]


def levels(by: str | None) -> pd.DataFrame:
    keys = ["measure"] if by is None else [by, "measure"]
    sums = allocation.groupby(keys, as_index=False)["planned_eur"].sum()
    unit_budget = with_budget.groupby(by)["budget_eur"].sum() if by else pd.Series({"Hessen": total})
    sums["unit"] = sums[by] if by else "Hessen"
    sums["share"] = sums["planned_eur"] / sums["unit"].map(unit_budget)
    return sums[["unit", "measure", "planned_eur", "share"]]


def stacked(data: pd.DataFrame, title: str) -> None:
    fig = px.bar(
        data,
        y="unit",
        x=value,
        color="measure",
        orientation="h",
        title=title,
        color_discrete_map=MEASURE_COLOURS,
        labels={"unit": "", "measure": "Maßnahmenart", "planned_eur": "geplante Mittel (€)", "share": "Anteil"},
    )
    fig.update_layout(barmode="relative", separators=",.", height=max(300, 28 * data["unit"].nunique() + 150))
    st.plotly_chart(fig, theme=None)
    with st.expander("Zahlen zum Diagramm"):
        st.dataframe(
            data,
            hide_index=True,
            column_config={
                "unit": "Einheit",
                "measure": "Maßnahmenart",
                "planned_eur": st.column_config.NumberColumn("geplante Mittel", format="euro"),
                "share": st.column_config.NumberColumn("Anteil am Budget", format="percent"),
            },
        )


top = pd.concat([levels(None), levels("regierungsbezirk").assign(unit=lambda f: "Regierungsbezirk " + f["unit"])])
stacked(top, f"Hessen: geplante Mittel {year}")
stacked(levels("label"), f"Gebietskörperschaften {year}")

st.subheader("Haushaltsmittel je Einwohner/in")
inhabitant = frame.sort_values(["per_inhabitant", "label"], ascending=[False, True])
fig = px.bar(
    inhabitant,
    x="label",
    y="per_inhabitant",
    title=f"€ je Einwohner/in {year}",
    labels={"label": "", "per_inhabitant": "€ je Einwohner/in"},
)
fig.add_hline(y=total / with_budget["population"].sum(), line_dash="dash", annotation_text="Hessen")
fig.update_layout(separators=",.")
st.plotly_chart(fig, theme=None)
with st.expander("Zahlen zum Diagramm"):
    st.dataframe(
        inhabitant[["label", "budget_eur", "population", "per_inhabitant"]],
        hide_index=True,
        column_config={
            "label": "Gebietskörperschaft",
            "budget_eur": st.column_config.NumberColumn("Haushaltsmittel", format="euro"),
            "population": st.column_config.NumberColumn("Einwohner/innen", format="localized"),
            "per_inhabitant": st.column_config.NumberColumn("€ je Einwohner/in", format="%.2f €"),
        },
    )

st.subheader("Haushaltsmittel je Gebietskörperschaft")
table = frame.sort_values(["budget_eur", "label"], ascending=[False, True])
columns = ["label", "regierungsbezirk", "budget_eur", "budget_prev_eur", "change_eur", "planned_eur"]
columns += ["unplanned_eur", "over_planned_eur", "unknown_eur", "n_projects", "per_inhabitant"]
money = st.column_config.NumberColumn
st.dataframe(
    table[columns],
    hide_index=True,
    column_config={
        "label": "Gebietskörperschaft",
        "regierungsbezirk": "Regierungsbezirk",
        "budget_eur": money("Haushaltsmittel", format="euro"),
        "budget_prev_eur": money(f"Haushaltsmittel {year - 1}", format="euro"),
        "change_eur": money("Veränderung", format="euro"),
        "planned_eur": money("geplant", format="euro"),
        "unplanned_eur": money("nicht verplant", format="euro"),
        "over_planned_eur": money("überplant", format="euro"),
        "unknown_eur": money("ohne Projektbeträge", format="euro"),
        "n_projects": money("Projekte", format="localized"),
        "per_inhabitant": money("€ je Einwohner/in", format="%.2f €"),
    },
)
st.download_button("CSV", table[columns].to_csv(sep=";", decimal=",", index=False), f"haushaltsmittel_{year}.csv")
st.caption(f"Summe: {eur(total)} Haushaltsmittel in {len(with_budget)} Gebietskörperschaften.")
