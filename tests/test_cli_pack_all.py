"""`python -m aqb_data meeting-pack --all OUTDIR`: every district's pack as PowerPoint and PDF, with progress."""

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from aqb_data.__main__ import main
from aqb_data.domain.districts import district_label, load_districts
from aqb_data.domain.formatting import safe_file_stem
from aqb_data.export import images
from aqb_data.export.meeting_pack import Pack, Slide, batch
from aqb_data.store.database import AuditEvent, Store

YEAR = 2025
PROGRESS = re.compile(r"^\[(\s?\d+)/26\] (.+) … (fertig|Fehler: .+)$")


def _stems() -> set[str]:
    return {safe_file_stem(f"AQB_Umsetzungsbesprechung_{YEAR}_{district_label(a)}") for a in load_districts()["ags"]}


def test_all_26_district_packs_are_written_with_a_progress_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)  # the charts' tables instead of pictures: faster
    out, db = tmp_path / "mappen", tmp_path / "aqb.sqlite"
    assert main(["meeting-pack", "--all", str(out), "--year", str(YEAR), "--db", str(db)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 52
    assert {name.rsplit(".", 1)[0] for name in files} == _stems()
    assert {name.rsplit(".", 1)[1] for name in files} == {"pptx", "pdf"}
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    matches = [PROGRESS.match(line) for line in lines]
    assert all(matches), lines
    assert [int(m.group(1)) for m in matches if m] == list(range(1, 27))
    assert {m.group(2) for m in matches if m} == {district_label(a) for a in load_districts()["ags"]}
    assert "[ 5/26] Bergstraße … fertig" in lines
    assert f"26 Sitzungsmappen {YEAR} als PowerPoint und PDF geschrieben." in captured.out
    # Each file opens and holds its district's pack, PowerPoint and PDF with the same number of slides.
    werra = safe_file_stem(f"AQB_Umsetzungsbesprechung_{YEAR}_Werra-Meißner-Kreis")
    slides = Presentation(str(out / f"{werra}.pptx")).slides
    assert len(slides) == len(PdfReader(str(out / f"{werra}.pdf")).pages)
    assert "Werra-Meißner-Kreis" in "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    # Every file written is in the audit trail as an exported meeting pack.
    log = Store(db).audit_log()
    exported = log[log["Vorgang"] == AuditEvent.EXPORT_PACK.value]
    assert sorted(exported["Datei"]) == files


def test_a_district_that_fails_is_named_and_the_others_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def pack(data: object, year: int, ags: str, **kwargs: object) -> Pack:
        if ags == "06636":
            raise ValueError("Testfehler beim Zusammenstellen")
        name = district_label(ags)
        stem = safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_{name}")
        return Pack(f"Umsetzungsbesprechung {year} – {name}", [Slide(name, footer="Quelle")], stem, False)

    monkeypatch.setattr(batch, "district_pack", pack)
    out = tmp_path / "mappen"
    code = main(["meeting-pack", "--all", str(out), "--year", str(YEAR), "--db", str(tmp_path / "aqb.sqlite")])
    assert code == 1
    assert len(list(out.iterdir())) == 50
    assert not list(out.glob("*Werra*"))
    err = capsys.readouterr().err
    assert "[26/26] Werra-Meißner-Kreis … Fehler: Testfehler beim Zusammenstellen" in err
    assert "[25/26] Waldeck-Frankenberg … fertig" in err
    assert err.strip().splitlines()[-1] == (
        "Fehler: Nicht erstellt für Werra-Meißner-Kreis; die übrigen sind geschrieben."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "x", "--ags", "06635"], "--all schreibt alle Gebietskörperschaften in den Ordner"),
        (["--all", "x", "mappe.pptx"], "--all schreibt alle Gebietskörperschaften in den Ordner"),
        ([], "bitte AUSGABE (.pptx oder .pdf) oder --all ORDNER angeben"),
    ],
)
def test_all_with_a_district_or_file_or_neither_is_refused_in_german(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["meeting-pack", "--year", str(YEAR), *args])
    assert exit_code.value.code == 2
    assert message in capsys.readouterr().err


def test_a_year_without_agreements_stops_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mappen"
    assert main(["meeting-pack", "--all", str(out), "--year", "1999", "--db", str(tmp_path / "aqb.sqlite")]) == 2
    assert "Fehler: Für 1999 gibt es keine Zielvereinbarungen" in capsys.readouterr().err
    assert not list(out.iterdir())
