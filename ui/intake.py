"""Drawing an upload's check, the same for district reports and agreement documents: the problems by kind with
the Prüfbericht, and what importing would change. The status line and the confirm button stay with each page."""

from __future__ import annotations

import functools

import streamlit as st

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_change, format_date, format_eur, format_number
from aqb_data.domain.problems import Severity, problems_frame
from aqb_data.export.workbooks import problems_workbook
from aqb_data.read.workbook import XLSX_MIME
from aqb_data.store.intake import IntakeCheck
from ui.text import escape_markdown
from ui.widgets import table


def problem_groups(check: IntakeCheck, key: str) -> None:
    """The problems grouped by severity and kind (errors open), and the Prüfbericht as .xlsx."""
    # Columns no problem of the upload fills (a document has no sheet, row or cell) are left out.
    filled = problems_frame(check.problems).astype("string").fillna("").ne("").any()
    groups: dict[tuple[str, str], list] = {}
    for problem in check.problems:
        groups.setdefault((problem.severity.value, problem.kind), []).append(problem)
    for (severity, kind), problems in sorted(groups.items()):
        with st.expander(
            f"{severity}: {escape_markdown(kind)} ({format_number(sum(p.stands_for for p in problems))})",
            expanded=severity == Severity.ERROR.value,
        ):
            # A static table: long explanations wrap instead of being cut off. Its cells are Markdown, and
            # sheet names, values and explanations come from the file: each is shown as text.
            frame = problems_frame(problems).drop(columns=["Art", "Kategorie", "Datei"])
            frame = frame[[c for c in frame.columns if filled[c]]]
            st.table(frame.astype("string").fillna("").map(escape_markdown), hide_index=True)
    st.download_button(
        "Prüfbericht herunterladen (.xlsx)",
        data=functools.partial(problems_workbook, check.problems),  # built on the click, not on every run
        file_name=f"Pruefbericht_{check.file}",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key=f"report_{key}",
    )


def change_preview(check: IntakeCheck, stored: AqbData) -> bool:
    """What importing would change (rows per sheet, money per district before and after, the rows themselves);
    True if there is something to confirm. `stored` is the data the tables' files name as their source."""
    preview = check.preview
    if preview is None:
        return False
    if not preview.any:
        when = preview.same_file and f" (zuletzt am {format_date(preview.same_file['imported_at'])})"
        st.info(f"Keine Änderungen: Dieser Stand ist bereits gespeichert{when or ''}.")
        return False
    st.markdown("**Was sich ändert**")
    counts = preview.counts()
    title = f"Änderungen durch {check.file}"
    columns = {c: (c, format_number if c != "Blatt" else None) for c in counts.columns}
    table(counts, columns, title, data=stored, view=None)
    money = preview.money_by_district()
    if len(money):
        table(
            money,
            {
                "Gebietskörperschaft": ("Gebietskörperschaft", None),
                "Jahr": ("Jahr", str),
                "Kennzahl": ("Kennzahl", None),
                "vorher": ("vorher", format_eur),
                "nachher": ("nachher", format_eur),
                "Differenz": ("Differenz", format_change),
            },
            f"{title}: Mittel je Gebietskörperschaft",
            data=stored,
            view=None,
        )
    with st.expander("Geänderte Zeilen im Einzelnen"):
        rows = preview.changed_rows()
        table(
            rows,
            {c: (c, format_date if c == "Stichtag" else str if c == "Jahr" else None) for c in rows.columns},
            f"{title}: geänderte Zeilen",
            data=stored,
            view=None,
        )
    return True
