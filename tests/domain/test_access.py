"""Who may do what: roles from the identity provider's claims, the store refusing what a role may not, the audit
trail naming every write's user, and a district user's view of the data."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.domain.access import AccessDeniedError, Action, Role, RoleMapping, User, operator, restricted_to
from aqb_data.read.files import bundled_data
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import AuditEvent, Store, open_store
from tests.workbooks import make_workbook

WALDECK, GIESSEN = "06635", "06531"
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]
MAPPING = RoleMapping()


def claims(groups: object, **more: object) -> dict[str, object]:
    return {"sub": "x1", "email": "anna@hessen.example", "name": "Anna Analyse", "groups": groups, **more}


def projects(*rows: list[object]) -> dict[str, pd.DataFrame]:
    result = read_workbook(make_workbook({"Projekte": [PROJECT_HEADINGS, *rows]}), "bericht.xlsx")
    assert result.problems == []
    return result.tables


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "aqb.sqlite", require_user=True)


READER = MAPPING.user(claims(["aqb-lesen"]))
MAINTAINER = MAPPING.user(claims(["aqb-datenpflege"]))
ADMIN = MAPPING.user(claims(["aqb-verwaltung"], email="vera@hessen.example", name="Vera Verwaltung"))
WALDECK_STAFF = MAPPING.user(claims(["aqb-kreis"], ags=WALDECK, email="kurt@kreis.example"))


def test_groups_in_the_claim_become_roles_and_unknown_groups_none() -> None:
    assert READER.roles == {Role.READ}
    assert MAPPING.user(claims(["aqb-lesen", "aqb-datenpflege", "fremd"])).roles == {Role.READ, Role.MAINTAIN}
    assert MAPPING.user(claims("aqb-verwaltung")).roles == {Role.ADMIN}  # a single group as a string
    assert MAPPING.user(claims(None)).roles == frozenset()
    assert READER.login == "anna@hessen.example" and READER.name == "Anna Analyse"


def test_a_district_role_needs_a_valid_ags_claim_else_it_gives_nothing() -> None:
    assert WALDECK_STAFF.roles == {Role.DISTRICT} and WALDECK_STAFF.scope == WALDECK
    assert MAPPING.user(claims(["aqb-kreis"])).roles == frozenset()
    assert MAPPING.user(claims(["aqb-kreis"], ags="99999")).roles == frozenset()
    assert MAPPING.user(claims(["aqb-kreis", "aqb-lesen"], ags=WALDECK)).scope is None  # also a Land reader


def test_each_role_may_do_exactly_its_actions() -> None:
    assert [a for a in Action if READER.may(a)] == [Action.READ]
    maintainer = {Action.READ, Action.UPLOAD, Action.AGREEMENT, Action.UNDO, Action.EXPORT_STATE, Action.NOTE}
    assert {a for a in Action if MAINTAINER.may(a)} == maintainer
    assert all(ADMIN.may(a) for a in Action)
    assert {a for a in Action if WALDECK_STAFF.may(a)} == {Action.READ, Action.UPLOAD, Action.NOTE}
    with pytest.raises(AccessDeniedError, match="Anna Analyse \\(Lesen\\) darf nicht Importe zurücknehmen"):
        READER.require(Action.UNDO)


def test_role_settings_are_read_from_a_toml_file_and_a_wrong_role_is_named(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(
        'claim = "roles"\nags_claim = "kreis"\naudit_retention_days = 90\n'
        '[groups]\n"HMSI-AQB-Leser" = "Lesen"\n"HMSI-AQB-Admin" = "verwaltung"\n',
        encoding="utf-8",
    )
    mapping = RoleMapping.load(path)
    assert mapping.audit_retention_days == 90
    assert mapping.user({"sub": "s", "roles": ["HMSI-AQB-Admin"]}).roles == {Role.ADMIN}
    path.write_text('[groups]\n"x" = "Chef"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="Gruppe „x“ hat die unbekannte Rolle „Chef“"):
        RoleMapping.load(path)
    assert RoleMapping.load(tmp_path / "fehlt.toml") == RoleMapping()


def test_a_reader_cannot_import_undo_or_remove_demo_data_and_nothing_changes(store: Store) -> None:
    version = store.version()
    with pytest.raises(AccessDeniedError, match="darf nicht Berichte einlesen"):
        store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "b.xlsx", "d", user=READER)
    with pytest.raises(AccessDeniedError):
        store.undo_last(user=READER)
    with pytest.raises(AccessDeniedError):
        store.remove_synthetic(user=MAINTAINER)
    assert store.version() == version and store.history() == []


def test_the_dashboards_store_refuses_a_write_without_a_user(store: Store) -> None:
    with pytest.raises(AccessDeniedError, match="ohne angemeldeten Benutzer nicht erlaubt"):
        store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "b.xlsx", "d")
    assert store.history() == []


def test_a_district_user_may_import_only_their_own_districts_rows(store: Store) -> None:
    foreign = projects([2025, WALDECK, 1, "A", "100"], [2025, GIESSEN, 1, "B", "200"])
    with pytest.raises(AccessDeniedError, match="Zeilen anderer Gebietskörperschaften \\(Gießen\\)"):
        store.import_tables(foreign, "b.xlsx", "d", user=WALDECK_STAFF)
    assert store.history() == []
    record = store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "b.xlsx", "d", user=WALDECK_STAFF)
    assert record is not None and store.load().projects["ags"].tolist() == [WALDECK]


def test_every_write_is_in_the_audit_trail_with_its_user_file_and_change(store: Store) -> None:
    record = store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "bericht.xlsx", "ab12", user=MAINTAINER)
    store.undo_last(record.id, user=MAINTAINER)
    store.record(AuditEvent.EXPORT_PACK, user=READER, file_name="AQB_Hessen_2025.pptx", detail="Land 2025")
    log = store.audit_log(ADMIN)
    assert log["Vorgang"].tolist() == [
        "Besprechungsunterlage exportiert",
        "Import zurückgenommen",
        "Arbeitsmappe eingelesen",
    ]
    assert log["Benutzer"].tolist() == ["anna@hessen.example"] * 3
    imported = log.iloc[2]
    assert (imported["Import Nr."], imported["Datei"], imported["SHA-256"]) == (record.id, "bericht.xlsx", "ab12")
    assert imported["Änderung"] == "Projekte: 1 neu" and imported["Rollen"] == "Datenpflege"
    with pytest.raises(AccessDeniedError):
        store.audit_log(MAINTAINER)


def test_without_login_the_operating_system_user_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aqb.sqlite")  # the demo seed is the first entry
    store.remove_synthetic()
    log = store.audit_log()
    assert log["Vorgang"].tolist() == ["Demodaten entfernt", "Demodaten angelegt"]
    assert set(log["Benutzer"]) == {f"{operator().login} (ohne Anmeldung)"}


def test_entries_past_the_retention_period_are_deleted_with_the_next_write(tmp_path: Path) -> None:
    store = Store(tmp_path / "aqb.sqlite", audit_retention_days=30)
    store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "alt.xlsx", "a")
    old = (datetime.now() - timedelta(days=31)).isoformat()
    with sqlite3.connect(store.path) as connection:
        connection.execute("UPDATE audit SET at = ?", (old,))
    store.import_tables(projects([2025, WALDECK, 1, "A", "200"]), "neu.xlsx", "b")
    assert store.audit_log()["Datei"].tolist() == ["neu.xlsx"]
    assert [r.file_name for r in store.history()] == ["neu.xlsx", "alt.xlsx"]  # the import log itself stays


def test_a_district_user_sees_only_their_own_districts_rows() -> None:
    data = bundled_data()
    own = restricted_to(data, WALDECK_STAFF.scope)
    for name in ("agreements", "projects", "progress"):
        assert set(own.table(name)["ags"]) == {WALDECK}
        assert len(own.table(name)) == int((data.table(name)["ags"] == WALDECK).sum()) > 0
    assert restricted_to(data, None) is data


def test_the_operator_has_every_role_but_is_not_signed_in() -> None:
    user = operator()
    assert not user.signed_in and user.may(Action.AUDIT) and user.scope is None
    assert isinstance(user, User)


def test_the_command_line_records_its_exports_and_prints_the_audit_trail(tmp_path: Path, capsys) -> None:
    from aqb_data.__main__ import main

    db = str(tmp_path / "aqb.sqlite")
    assert main(["remove-demo", "--db", db]) == 0
    assert main(["export-state", "--db", db, str(tmp_path / "stand.xlsx")]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    who = f"{operator().login} (ohne Anmeldung)"
    assert [line.split(" · ")[1:3] for line in lines] == [
        [who, "Datenstand exportiert"],
        [who, "Demodaten entfernt"],
        [who, "Demodaten angelegt"],
    ]
    assert "stand.xlsx (SHA-256 " in lines[0] and "Import Nr. 2" in lines[1]


def test_a_district_user_may_not_store_an_agreement_even_of_their_own_district(store: Store) -> None:
    from aqb_data.store.database import KIND_AGREEMENT

    with pytest.raises(AccessDeniedError, match="darf nicht Zielvereinbarungen übernehmen"):
        store.import_tables(projects([2025, WALDECK, 1, "A", "100"]), "zv.md", "d", KIND_AGREEMENT, user=WALDECK_STAFF)
    assert store.history() == []


def test_a_district_users_upload_with_another_districts_rows_is_refused_before_any_preview(tmp_path: Path) -> None:
    from aqb_data.store.intake import check_upload

    store = open_store(tmp_path / "aqb.sqlite")
    mixed = make_workbook(
        {"Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "A", "100"], [2025, GIESSEN, 1, "B", "2"]]}
    )
    check = check_upload(mixed, "bericht.xlsx", store, scope=WALDECK)
    (error,) = [p for p in check.errors if p.kind == "Fremde Gebietskörperschaft"]
    assert (error.sheet, error.row, error.value) == ("Projekte", 3, "Gießen")
    assert "1 Zeile(n) gehören nicht zu Waldeck-Frankenberg" in error.expected
    assert check.preview is None  # nothing about Gießen's stored money is shown
    own = make_workbook({"Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "A", "100"]]})
    assert check_upload(own, "bericht.xlsx", store, scope=WALDECK).errors == []


def test_single_seat_verlauf_shows_the_audit_trail_and_the_role_settings(tmp_path: Path, monkeypatch) -> None:
    from tests.ui.test_pages import open_app

    monkeypatch.setenv("AQB_DB", str(tmp_path / "aqb.sqlite"))
    at = open_app("app_pages/verlauf.py")
    assert "Protokoll" in [h.value for h in at.main.header]
    assert any("Einzelplatzbetrieb ohne Anmeldung" in c.value for c in at.sidebar.caption)
    audit = next(frame.value for frame in at.dataframe if "Vorgang" in frame.value.columns)
    assert audit["Vorgang"].tolist() == ["Demodaten angelegt"]
    assert audit["Benutzer"].tolist() == [f"{operator().login} (ohne Anmeldung)"]
    assert "aqb-verwaltung" in next(f.value for f in at.dataframe if "Gruppe" in f.value.columns)["Gruppe"].tolist()
