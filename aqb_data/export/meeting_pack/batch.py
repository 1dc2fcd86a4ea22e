"""Every district's meeting pack at once (`meeting-pack --all`, "Alle Sitzungsmappen (ZIP)" on the Export page).

One district that fails does not stop the others: its error is carried, in German, beside the packs made.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label, load_districts
from aqb_data.domain.formatting import safe_file_stem
from aqb_data.export.meeting_pack import district_pack, render

NotesOf = Callable[[str], "pd.DataFrame | None"]


@dataclass
class MadePack:
    """One district's pack as files (name → bytes), or the German reason it could not be made."""

    number: int  # 1-based position among all districts
    total: int
    ags: str
    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    title: str = ""
    error: str = ""

    @property
    def line(self) -> str:
        """The progress line of this district, e.g. `[ 3/26] Darmstadt-Dieburg … fertig`."""
        width = len(str(self.total))
        outcome = f"Fehler: {self.error}" if self.error else "fertig"
        return f"[{self.number:>{width}}/{self.total}] {self.name} … {outcome}"


def district_packs(
    data: AqbData,
    year: int,
    formats: tuple[str, ...] = ("pptx", "pdf"),
    notes_of: NotesOf | None = None,
    created: date | None = None,
) -> Iterator[MadePack]:
    """Each of the 26 districts' packs, in Kreisschlüssel order, rendered to `formats` (file names from the pack's
    `file_stem`); `notes_of(ags)` gives a district's notes and agreed actions for the notes slides."""
    districts = sorted(load_districts()["ags"])
    for number, ags in enumerate(districts, start=1):
        made = MadePack(number, len(districts), ags, district_label(ags))
        try:
            notes = notes_of(ags) if notes_of is not None else None
            pack = district_pack(data, year, ags, created=created, notes=notes)
            made.title = pack.title
            made.files = {f"{pack.file_stem}.{fmt}": render(pack, fmt) for fmt in formats}
        except Exception as error:  # one district's failure is reported; the others are still made
            made.error = str(error) or type(error).__name__
        yield made


def zip_name(year: int) -> str:
    """The ZIP file's name for all district packs of a year."""
    return f"{safe_file_stem(f'AQB_Sitzungsmappen_{year}_alle_Gebietskoerperschaften')}.zip"


def zip_packs(made: list[MadePack]) -> bytes:
    """The packs' files in one ZIP (the districts that failed are missing from it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pack in made:
            for name, document in pack.files.items():
                archive.writestr(name, document)
    return buffer.getvalue()
