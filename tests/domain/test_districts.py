"""The 26 Hessian districts and resolving the ways they are written (aqb_data.domain.districts)."""

from __future__ import annotations

import csv

import pytest

from aqb_data.domain.districts import DistrictError, load_districts, resolve_ags, resolve_name
from aqb_data.paths import DISTRICTS_CSV

WALDECK_FRANKENBERG = "06635"
KASSEL_CITY, KASSEL_COUNTY = "06611", "06633"
OFFENBACH_CITY, OFFENBACH_COUNTY = "06413", "06438"
DARMSTADT_CITY = "06411"
FRANKFURT = "06412"
GROSS_GERAU = "06433"
HESSEN_POPULATION_2021 = 6_295_017

with DISTRICTS_CSV.open(encoding="utf-8") as _file:
    DISTRICT_ROWS = list(csv.DictReader(_file))

KIND_WORD = {"Kreisfreie Stadt": "Stadt", "Landkreis": "Landkreis"}


def test_there_are_26_districts_21_landkreise_and_5_cities():
    districts = load_districts()
    assert len(districts) == 26
    assert districts["ags"].is_unique
    assert (districts["kind"] == "Landkreis").sum() == 21
    assert (districts["kind"] == "Kreisfreie Stadt").sum() == 5
    assert set(districts["regierungsbezirk"]) == {"Darmstadt", "Gießen", "Kassel"}


def test_ags_are_five_digit_text_with_the_leading_zero():
    ags = load_districts()["ags"]
    assert all(isinstance(value, str) and len(value) == 5 and value.startswith("06") for value in ags)
    assert WALDECK_FRANKENBERG in set(ags)


def test_population_of_hessen_sums_to_the_destatis_figure():
    assert load_districts()["population"].sum() == HESSEN_POPULATION_2021


def test_labels_are_unique_and_tell_the_two_kassels_and_offenbachs_apart():
    districts = load_districts().set_index("ags")
    assert districts["label"].is_unique
    assert districts.loc[KASSEL_CITY, "label"] == "Kassel (Stadt)"
    assert districts.loc[KASSEL_COUNTY, "label"] == "Kassel (Landkreis)"
    assert districts.loc[OFFENBACH_COUNTY, "label"] == "Offenbach (Landkreis)"
    assert districts.loc[WALDECK_FRANKENBERG, "label"] == "Waldeck-Frankenberg"


@pytest.mark.parametrize(
    ("text", "ags"),
    [
        ("Waldeck-Frankenberg", WALDECK_FRANKENBERG),
        ("Landkreis Waldeck-Frankenberg", WALDECK_FRANKENBERG),
        ("LK Waldeck-Frankenberg", WALDECK_FRANKENBERG),
        ("Kreis Waldeck-Frankenberg", WALDECK_FRANKENBERG),
        ("Landkreis Landkreis Waldeck-Frankenberg", WALDECK_FRANKENBERG),
        ("  landkreis   WALDECK-FRANKENBERG ", WALDECK_FRANKENBERG),
        ("Stadt Kassel", KASSEL_CITY),
        ("Kassel, documenta-Stadt", KASSEL_CITY),
        ("der Stadt Kassel", KASSEL_CITY),
        ("Landkreis Kassel", KASSEL_COUNTY),
        ("Kassel (Landkreis)", KASSEL_COUNTY),
        ("Wissenschaftsstadt Darmstadt", DARMSTADT_CITY),
        ("Frankfurt a.M.", FRANKFURT),
        ("Frankfurt am Main", FRANKFURT),
        ("dem Kreis Offenbach", OFFENBACH_COUNTY),
        ("Stadt Offenbach", OFFENBACH_CITY),
        ("Offenbach am Main", OFFENBACH_CITY),
        ("Gross-Gerau", GROSS_GERAU),
        ("Groß-Gerau", GROSS_GERAU),
    ],
)
def test_name_variants_resolve(text, ags):
    assert resolve_name(text) == ags


@pytest.mark.parametrize(
    ("text", "city", "county"),
    [("Kassel", KASSEL_CITY, KASSEL_COUNTY), ("Offenbach", OFFENBACH_CITY, OFFENBACH_COUNTY)],
)
def test_bare_kassel_and_offenbach_are_ambiguous_and_name_both_candidates(text, city, county):
    with pytest.raises(DistrictError) as caught:
        resolve_name(text)
    message = str(caught.value)
    assert f"„{text}“ ist nicht eindeutig" in message
    assert f"AGS {city}" in message
    assert f"AGS {county}" in message
    assert set(caught.value.candidates) == {city, county}


def test_stadt_fulda_is_refused_because_fulda_is_a_landkreis():
    with pytest.raises(DistrictError) as caught:
        resolve_name("Stadt Fulda")
    message = str(caught.value)
    assert "keine kreisfreie Stadt" in message
    assert "Fulda (Landkreis, AGS 06631)" in message


@pytest.mark.parametrize("text", ["Mainz", "Landkreis Nirgendwo", "Frankfurt (Oder)", ""])
def test_unknown_names_are_refused_with_the_name_given(text):
    with pytest.raises(DistrictError, match="keine bekannte hessische Gebietskörperschaft"):
        resolve_name(text)


@pytest.mark.parametrize(
    "row",
    DISTRICT_ROWS,
    ids=[f"{row['ags']}-{row['name']}" for row in DISTRICT_ROWS],
)
def test_every_district_with_its_kind_word_resolves_to_its_own_ags(row):
    assert resolve_name(f"{KIND_WORD[row['kind']]} {row['name']}") == row["ags"]


@pytest.mark.parametrize("row", DISTRICT_ROWS, ids=[row["ags"] for row in DISTRICT_ROWS])
def test_every_district_label_resolves_to_its_own_ags(row):
    label = load_districts().set_index("ags").loc[row["ags"], "label"]
    assert resolve_name(label) == row["ags"]


@pytest.mark.parametrize("value", ["06635", "6635", 6635, 6635.0, "06635000", " 06635 "])
def test_ags_forms_resolve(value):
    assert resolve_ags(value) == WALDECK_FRANKENBERG


@pytest.mark.parametrize("value", [6635000, 6635000.0, "6635000"])
def test_eight_digit_ags_without_leading_zero_resolves(value):
    assert resolve_ags(value) == WALDECK_FRANKENBERG


def test_unknown_ags_is_refused_naming_it():
    with pytest.raises(DistrictError, match="Kreisschlüssel 06999 gehört zu keinem der 26"):
        resolve_ags("06999")


@pytest.mark.parametrize("value", ["abc", "066", "066351", 6635.5, True, "06 63X"])
def test_malformed_ags_is_refused(value):
    with pytest.raises(DistrictError, match="kein fünfstelliger Kreisschlüssel"):
        resolve_ags(value)
