"""All projects in one table: one row per planned project, Träger and target groups summed as sums (never averages
of rates), target groups folded as documented, underused projects first on request."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.portfolio import (
    NO_ENTRY,
    OTHER_TARGET_GROUP,
    UNDERUSED_FLAG,
    TargetGroupRule,
    all_projects,
    by_provider,
    by_target_group,
    filter_projects,
    fold_target_group,
    summary_text,
    target_group_rules,
    target_group_rules_text,
    underused_first,
    underused_rule_text,
)
from aqb_data.domain.access import restricted_to
from aqb_data.domain.dataset import AqbData
from aqb_data.read.files import bundled_data
from tests.factory import agreements_table, make_data, progress_table, projects_table

WALDECK, KASSEL_CITY = "06635", "06611"
JUNE = date(2025, 6, 30)
# name → (ags, provider, target group, planned €, places, spent €, entries, exits, to training, to employment)
PROJECTS = {
    "Werkstatt": (WALDECK, "Träger A", "Junge Geflüchtete", 100_000.10, 10, 50_000.05, 2, 4, 1, 0),
    "Ausbildung": (KASSEL_CITY, "Träger A", "Jugendliche unter 25", 300_000.20, 40, 240_000.00, 36, 20, 10, 2),
    "Kleingruppe": (WALDECK, "Träger B", "Rentnerinnen", 20_000.00, 3, 10_000.00, 1, 1, 0, 0),
    "Sprachkurs": (KASSEL_CITY, None, None, 50_000.00, 20, 25_000.00, 10, 10, 3, 3),
}


def _hand_built() -> AqbData:
    """Four projects of 2025 in two districts, each with a report at 30.06.2025 (see `PROJECTS`)."""
    specs = list(PROJECTS.items())
    projects = projects_table([(spec[0], 2025, 3, name, spec[3]) for name, spec in specs])
    progress = progress_table([(spec[0], 2025, name, JUNE, spec[5]) for name, spec in specs])
    for table, columns in (
        (projects, {"provider": (1, "str"), "target_group": (2, "str"), "planned_places": (4, "Int64")}),
        (progress, {"entries": (6, "Int64"), "exits": (7, "Int64"), "to_training": (8, "Int64")}),
        (progress, {"to_employment": (9, "Int64")}),
    ):
        for column, (position, dtype) in columns.items():
            table[column] = pd.Series([spec[position] for _, spec in specs], dtype=dtype)
    agreements = agreements_table([(WALDECK, 2025, 500_000.0), (KASSEL_CITY, 2025, 500_000.0)])
    return AqbData(agreements, projects, progress, ("test.xlsx",))


def test_one_row_per_planned_project_of_the_year_and_selection() -> None:
    data = bundled_data()
    for selection in (Selection(2025), Selection(2024, regierungsbezirk="Kassel"), Selection(2023, measure_types=(2,))):
        frame = all_projects(data, selection)
        projects = data.projects
        expected = projects[
            (projects["year"] == selection.year)
            & projects["ags"].isin(selection.districts()["ags"])
            & projects["measure_type"].isin(selection.measure_types)
        ]
        assert len(frame) == len(expected) > 0
        assert set(zip(frame["ags"], frame["project"], strict=True)) == set(
            zip(expected["ags"], expected["project"], strict=True)
        )
    assert len(all_projects(data, Selection(2025))) == 117  # every project in Hessen at once


def test_the_rows_carry_the_achievement_figures_unchanged_with_trager_and_target_group() -> None:
    data = bundled_data()
    frame = all_projects(data, Selection(2025), JUNE).set_index(["ags", "project"])
    engine = achievement(data, Selection(2025), "project", JUNE).set_index(["ags", "project"])
    for column in ("planned_eur", "spent_eur", "occupancy", "transition_rate", "status", "significance_flag"):
        pd.testing.assert_series_equal(frame.loc[engine.index, column], engine[column], check_names=False)
    written = data.projects[data.projects["year"] == 2025].set_index(["ags", "project"])
    for column in ("provider", "target_group"):
        pd.testing.assert_series_equal(frame.loc[written.index, column], written[column], check_names=False)


def test_a_district_user_sees_only_their_own_projects() -> None:
    data = restricted_to(bundled_data(), "06532")  # Lahn-Dill-Kreis, as get_data() gives it to its staff
    frame = all_projects(data, Selection(2025))
    assert set(frame["district"]) == {"Lahn-Dill-Kreis"}
    assert len(frame) == 6


@pytest.mark.parametrize("as_of", [None, JUNE])
def test_provider_and_target_group_sums_reconcile_to_the_cent_with_hessen(as_of: date | None) -> None:
    data = bundled_data()
    frame = all_projects(data, Selection(2025), as_of)
    land = achievement(data, Selection(2025), "land", as_of).iloc[0]
    for aggregate in (by_provider(frame), by_target_group(frame)):
        assert aggregate["n_projects"].sum() == len(frame) == land["n_projects"]
        for money in ("planned_eur", "spent_eur"):
            cents = (aggregate[money].dropna() * 100).round().astype("int64").sum()
            assert cents == round(land[money] * 100)
    # All projects as one group are Hessen: the same rates as the Land, from the same sums.
    one = by_provider(frame.assign(provider="alle"))
    for rate in ("spending_rate", "expected_rate", "occupancy", "transition_rate", "dropout_rate"):
        assert one[rate].iloc[0] == pytest.approx(land[rate], rel=1e-12)


def test_a_tragers_rates_are_sums_over_sums_not_averages_of_rates() -> None:
    frame = all_projects(_hand_built(), Selection(2025))
    a = by_provider(frame).set_index("provider").loc["Träger A"]
    assert a["n_projects"] == 2
    assert a["n_districts"] == 2
    assert a["planned_eur"] == 400_000.30
    assert a["spent_eur"] == 290_000.05
    assert a["planned_places"] == 50
    assert a["entries"] == 38
    assert a["spending_rate"] == pytest.approx(290_000.05 / 400_000.30)  # the average of rates would be 0,65
    assert a["occupancy"] == pytest.approx(38 / 50)  # not (20 % + 90 %) / 2
    assert a["transition_rate"] == pytest.approx((1 + 12) / (4 + 20))
    assert a["n_underused"] == 1  # Werkstatt: 2 of 10 places
    assert a["note"] == "1 von 2 Projekten mit ◊"  # Werkstatt's rates rest on 4 exits
    assert a["significance_flag"] == ""  # the sum rests on 24 exits and 50 places
    b = by_provider(frame).set_index("provider").loc["Träger B"]
    assert b["significance_flag"].startswith("◊ eingeschränkt aussagekräftig: Auslastung (3 geplante Plätze)")
    assert NO_ENTRY in set(by_provider(frame)["provider"])  # Sprachkurs names no Träger


def test_target_groups_fold_as_documented_and_unknown_ones_stay_as_written() -> None:
    cases = {
        "Junge Geflüchtete": "Geflüchtete / Zugewanderte",  # the specific group before the general one
        "Menschen mit Migrationshintergrund": "Geflüchtete / Zugewanderte",
        "  JUGENDLICHE   unter 25 im SGB II ": "Jugendliche / junge Erwachsene",
        "Auszubildende mit Unterstützungsbedarf": "Jugendliche / junge Erwachsene",
        "Alleinerziehende Frauen": "Alleinerziehende",
        "Frauen mit Familienaufgaben": "Frauen",
        "Langzeitarbeitslose über 50": "Langzeitarbeitslose",
        "Jugendliche mit Behinderung": "Menschen mit Behinderung",
        "Fachpersonal des Kreises": "Personal der Gebietskörperschaften",
        "Rentnerinnen": OTHER_TARGET_GROUP,
        "": NO_ENTRY,
        None: NO_ENTRY,
        float("nan"): NO_ENTRY,
    }
    assert {written: fold_target_group(written) for written in cases} == cases
    frame = all_projects(_hand_built(), Selection(2025)).set_index("project")
    assert frame.loc["Kleingruppe", ["target_group", "target_group_folded"]].tolist() == [
        "Rentnerinnen",
        OTHER_TARGET_GROUP,
    ]
    groups = by_target_group(frame.reset_index()).set_index("target_group_folded")
    assert groups.loc[OTHER_TARGET_GROUP, "written"] == "Rentnerinnen"


def test_every_target_group_of_the_demo_folds_into_a_named_category() -> None:
    written = bundled_data().projects["target_group"].dropna().unique()
    folded = {fold_target_group(value) for value in written}
    assert folded == {
        "Jugendliche / junge Erwachsene",
        "Geflüchtete / Zugewanderte",
        "Frauen",
        "Alleinerziehende",
        "Langzeitarbeitslose",
        "Personal der Gebietskörperschaften",
    }  # no "Sonstige (wie berichtet)": the short list covers every group the demo writes


def test_the_first_matching_rule_wins_and_the_methods_text_names_every_rule() -> None:
    rules = (TargetGroupRule("Erste", ("frauen",)), TargetGroupRule("Zweite", ("frauen", "männer")))
    assert fold_target_group("Frauen und Männer", rules) == "Erste"
    assert fold_target_group("Männer", rules) == "Zweite"
    text = target_group_rules_text()
    for rule in target_group_rules():
        assert f"**{rule.name}**" in text
    assert "`data/zielgruppen.toml`" in text
    assert OTHER_TARGET_GROUP in text


def test_a_broken_target_group_file_is_a_german_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "zielgruppen.toml"
    broken.write_text('[[gruppe]]\nname = "Frauen"\n', encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"zielgruppen\.toml: Gruppe 1 \(„Frauen“\) braucht eine Liste von Stichworten"
    ):
        target_group_rules(broken)
    broken.write_text("[[gruppe]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ist keine gültige TOML-Datei"):
        target_group_rules(broken)


def test_underused_first_puts_the_emptiest_evidence_backed_project_first() -> None:
    frame = all_projects(_hand_built(), Selection(2025))
    assert frame["project"].tolist() == ["Ausbildung", "Sprachkurs", "Kleingruppe", "Werkstatt"]  # by district
    ordered = underused_first(frame)
    # Werkstatt 20 %, Sprachkurs 50 % (underused, 20 places), Kleingruppe 33 % on 3 places (◊), Ausbildung 90 %.
    assert ordered["project"].tolist() == ["Werkstatt", "Sprachkurs", "Kleingruppe", "Ausbildung"]
    assert ordered["underused_flag"].tolist() == [UNDERUSED_FLAG] * 3 + [""]
    assert ordered["occupancy_limited"].tolist() == [False, False, True, False]
    assert "unter 60 %" in underused_rule_text()


def test_filters_keep_the_chosen_rows_and_can_hide_limited_ones() -> None:
    frame = all_projects(_hand_built(), Selection(2025))
    assert filter_projects(frame, providers=[NO_ENTRY])["project"].tolist() == ["Sprachkurs"]
    assert set(filter_projects(frame, target_groups=["Geflüchtete / Zugewanderte"])["project"]) == {"Werkstatt"}
    # Werkstatt (4 exits) and Kleingruppe (3 places, 1 exit) carry a ◊ flag.
    assert filter_projects(frame, hide_limited=True)["project"].tolist() == ["Ausbildung", "Sprachkurs"]
    assert filter_projects(frame)["project"].tolist() == frame["project"].tolist()
    assert summary_text(frame) == (
        "4 Projekte, davon 3 ▼ unterausgelastet (Auslastung unter 60 %) und 2 mit ◊ eingeschränkt aussagekräftigen "
        "Werten."
    )


def test_without_any_report_every_project_is_listed_with_no_rates_and_none_underused() -> None:
    data = make_data(
        agreements=[(WALDECK, 2025, 100_000.0)],
        projects=[(WALDECK, 2025, 1, "Neu", 60_000.0), (WALDECK, 2025, 3, "Ohne Betrag", None)],
    )
    frame = all_projects(data, Selection(2025))
    assert frame["project"].tolist() == ["Neu", "Ohne Betrag"]
    assert frame["status"].tolist() == ["keine Daten", "keine Daten"]
    assert not frame["underused"].any() and frame["occupancy"].isna().all()
    provider = by_provider(frame).iloc[0]
    assert (provider["provider"], provider["n_projects"], provider["planned_eur"]) == (NO_ENTRY, 2, 60_000.0)
    assert pd.isna(provider["occupancy"]) and pd.isna(provider["spent_eur"])  # "–", never 0 %
    assert underused_first(frame)["project"].tolist() == ["Neu", "Ohne Betrag"]
