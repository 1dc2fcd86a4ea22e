"""Widgets the pages share: charts with export settings, German tables, notices about the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.provenance import Shown, data_status
from aqb_data.domain.dataset import AqbData, content_digest
from aqb_data.domain.formatting import NOT_AVAILABLE, format_percent, safe_file_stem
from aqb_data.export import images
from aqb_data.export.tables import Columns, FormatByRow, table_csv, table_xlsx, view_metadata
from aqb_data.present import summaries
from aqb_data.present.charts import image_config
from aqb_data.present.notes import NOTES_FRAME_COLUMNS, NOTES_SHEET
from aqb_data.present.views import (  # noqa: F401 - the pages' column specifications, kept under their old names
    ALLOCATION_COLUMNS,
    DEVIATION_COLUMNS,
    PER_INHABITANT_COLUMNS,
    TREND_COLUMNS,
)
from ui import cache
from ui.text import escape_markdown

TOOLBAR_FORMAT = "bildformat"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _formatter_identity(formatter: Callable[[object], str] | None) -> tuple[object, ...]:
    """A formatter by where it is defined, so that two pages' functions of the same name differ."""
    code = getattr(formatter, "__code__", None)
    where = (code.co_filename, code.co_firstlineno) if code else ()
    return (getattr(formatter, "__module__", None), getattr(formatter, "__qualname__", repr(formatter)), *where)


def _draw_table(
    shown: pd.DataFrame,
    formats: dict[str, Callable[[object], str] | list[Callable[[object], str] | None]],
    height: int | str,
    **row_selection: object,
) -> None:
    # First a default for every column (missing text shows as "–"), then the German formats on top.
    plain = {heading: fmt for heading, fmt in formats.items() if not isinstance(fmt, list)}
    styler = shown.style.format(na_rep=NOT_AVAILABLE).format(plain, na_rep=NOT_AVAILABLE)
    for heading, per_row in formats.items():
        if isinstance(per_row, list):  # a column whose rows differ in kind: each group of rows its formatter
            for formatter in {f for f in per_row if f is not None}:
                rows = shown.index[[i for i, f in enumerate(per_row) if f is formatter]]
                styler = styler.format(formatter, subset=pd.IndexSlice[rows, [heading]], na_rep=NOT_AVAILABLE)
    # Streamlit draws missing cells itself, whatever the Styler says: the placeholder makes them "–".
    st.dataframe(styler, hide_index=True, height=height, placeholder=NOT_AVAILABLE, **row_selection)


def chart(
    fig: go.Figure,
    file_stem: str,
    numbers: pd.DataFrame,
    columns: Columns,
    *,
    data: AqbData,
    view: Selection | None,
    provenance: Shown | None = None,
    summary: str,
) -> None:
    """A Plotly chart in the project's own look (theme=None) with a meeting-ready image export, and its
    numbers as a table one click away (a chart is never the only way to read them). `summary`: the chart in one
    sentence (`present.summaries`), shown under it and given to screen readers as its name. `data`, `view`,
    `provenance`: see `table`."""
    stem = safe_file_stem(file_stem, "aqb_grafik")
    toolbar_format = (st.session_state.get(TOOLBAR_FORMAT) or "PNG").lower()
    config = image_config(stem, toolbar_format)
    sentence = summaries.titled(fig, summary)
    # A figure is plain data: its traces and layout are what the chart shows.
    cache.replayed_chart(
        content_digest(fig._data, fig._layout, config, sentence),
        lambda: st.plotly_chart(fig, theme=None, config=config, width="stretch", alt=sentence),
    )
    # Under the chart for everyone, in the reading order right after it; names from uploads stay text.
    st.caption(f"{summaries.PREFIX} {escape_markdown(sentence)}")
    # The numbers are drawn when the expander is opened (it reruns the page), not on every run while it is shut.
    key = f"numbers_{stem}"
    with st.container(horizontal=True, vertical_alignment="top"):
        with st.expander("Zahlen zum Diagramm", key=key, on_change="rerun"):
            if st.session_state.get(key):
                title = f"Zahlen zum Diagramm: {fig.layout.title.text}"
                table(numbers, columns, title, data=data, view=view, file_stem=stem, provenance=provenance)
        with st.popover("Bild herunterladen", icon=":material/image:", width="content"):
            _image_downloads(fig, stem)


def toolbar_format_setting() -> None:
    """In the sidebar: which format the camera button above every chart saves (in the browser, no server)."""
    st.sidebar.segmented_control(
        "Kamerasymbol der Diagramme speichert",
        ["PNG", "SVG"],
        default="PNG",
        key=TOOLBAR_FORMAT,
        help="PNG für Folien, SVG (Vektor) für Druck und Bearbeitung; jeweils 16:9 mit Titel und Quelle. "
        "PDF und die anderen Formate gibt es unter jedem Diagramm bei „Bild herunterladen“.",
    )


def _image_downloads(fig: go.Figure, stem: str) -> None:
    """Server-made images in meeting format; where the server has no browser, the reason instead."""
    if not images.available():
        st.info(images.NO_BROWSER)
        return
    st.caption("16:9, mit Titel, Datenstand und Quelle – wie auf dem Bildschirm.")
    for fmt, label in (("png", "PNG (Bild)"), ("svg", "SVG (Vektor)"), ("pdf", "PDF")):
        st.download_button(
            label,
            data=_ImageFile(fig, fmt),
            file_name=f"{stem}.{fmt}",
            mime=images.MIME_TYPES[fmt],
            on_click="ignore",
            key=f"image_{fmt}_{stem}",
            width="stretch",
        )


class _ImageFile:
    """Draws the image only when the button is clicked (kaleido takes a fraction of a second per image)."""

    def __init__(self, fig: go.Figure, fmt: str) -> None:
        self.fig, self.fmt = fig, fmt

    def __call__(self) -> bytes:
        return images.figure_image(self.fig, self.fmt)


def table(
    frame: pd.DataFrame,
    columns: Columns,
    title: str,
    *,
    data: AqbData,
    view: Selection | None,
    height: int | str = "auto",
    file_stem: str | None = None,
    provenance: Shown | None = None,
    notes: pd.DataFrame | None = None,
    **row_selection: object,
) -> None:
    """A table with German headings and German number formats (sorting works on the underlying numbers),
    and under it its download as Excel and CSV: the same rows and columns, under the same filters.

    `columns` maps a column of `frame` to its heading and formatter (None: shown as is; `FormatByRow` where
    the rows differ in kind), and the files take each column's kind and rounding from it; `title` names the
    table in its files; `data` is the data the table comes from (its files name its files, sources and
    Datenstand); `view` the selection it shows (the page's, or e.g. `Selection.every_year`), None for tables
    the sidebar filters do not apply to; `provenance` for the rows and Stichtag its demo label, Datenstand and
    source rest on, where they are more than `view`; `notes` (a `present.notes.notes_frame`) the notes and agreed
    actions of the district shown, which its Excel file carries on a sheet „Notizen“; `row_selection` passes row
    selection on to st.dataframe (on_select, selection_mode, key).
    """
    # What the screen shows is what the files hold (with the column naming each row's format, if any).
    by_row = {f.column for _, f in columns.values() if isinstance(f, FormatByRow)} - set(columns)
    selected = frame[list(columns) + sorted(by_row)]
    shown = selected[list(columns)].rename(columns={name: heading for name, (heading, _) in columns.items()})
    formats = {
        heading: [fmt.formatter(key) for key in selected[fmt.column]] if isinstance(fmt, FormatByRow) else fmt
        for heading, fmt in columns.values()
        if fmt is not None
    }
    if row_selection:  # a table with row selection is a widget: drawn on every run
        _draw_table(shown, formats, height, **row_selection)
    else:
        identity = [(heading, _formatter_identity(fmt)) for heading, fmt in columns.values()]
        cache.replayed_table(content_digest(selected, identity, height), lambda: _draw_table(shown, formats, height))
    stem = file_stem or safe_file_stem(f"AQB {title}", "aqb_tabelle")
    export = _TableFile(selected, columns, title, data, view, provenance, notes)
    with st.container(horizontal=True, gap="small"):
        for fmt, label, mime in (("xlsx", "Excel", XLSX_MIME), ("csv", "CSV", "text/csv")):
            st.download_button(
                label,
                data=export.xlsx if fmt == "xlsx" else export.csv,
                file_name=f"{stem}.{fmt}",
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
                key=f"table_{fmt}_{stem}",
                help=f"Diese Tabelle als {label}-Datei (deutsches Zahlenformat; mit Filtern, Datenstand und Quelle)",
            )


class _TableFile:
    """A table's files, made only when a download button is clicked (outside the page's run: everything
    they need is kept here)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Columns,
        title: str,
        data: AqbData,
        selection: Selection | None,
        shown: Shown | None = None,
        notes: pd.DataFrame | None = None,
    ) -> None:
        self.frame, self.columns, self.title, self.data, self.selection = frame, columns, title, data, selection
        self.shown = shown if selection is not None else None
        self.notes = notes

    def xlsx(self) -> bytes:
        metadata = view_metadata(self.title, self.data, self.selection, shown=self.shown)
        sheets = [] if self.notes is None or self.notes.empty else [(NOTES_SHEET, self.notes, NOTES_FRAME_COLUMNS)]
        return table_xlsx(self.frame, self.columns, metadata, sheets)

    def csv(self) -> bytes:
        return table_csv(self.frame, self.columns)


def demo_share_text(share: float) -> str:
    """A share of synthetic rows strictly between 0 and 1 in whole percent, never rounded to 0 % or 100 %."""
    if share < 0.005:
        return "unter 1 %"
    if share >= 0.995:
        return "über 99 %"
    return format_percent(share, 0)


def synthetic_notice(share: float) -> None:
    """Say plainly when what is shown is (partly) synthetic demo data: all of it only when every row drawn is
    (`sources.demo_share` of the view)."""
    if share >= 1:
        st.warning(
            "**Demodaten:** Die angezeigten Zahlen sind synthetisch erzeugt (Quelle „synthetisch“) und "
            "keine amtlichen Werte. Welche Zahlen echt sind, steht auf der Seite *Methodik & Quellen*.",
            icon=":material/science:",
        )
    elif share > 0:
        st.warning(
            f"**Teilweise Demodaten:** {demo_share_text(share)} der angezeigten Zeilen sind synthetisch "
            "erzeugt (Quelle „synthetisch“); die übrigen stammen aus den genannten Dokumenten.",
            icon=":material/science:",
        )


def data_caption(data: AqbData, year: int, as_of: date | None = None, selection: Selection | None = None) -> None:
    """The data date (the chosen Stichtag, if the page has one; else the latest report of the selection's
    districts) and the files the figures come from, under a page's title."""
    files = ", ".join(escape_markdown(name) for name in data.files) or "–"
    st.caption(f"Datenstand {year}: {data_status(data, year, as_of, selection)} · Datei: {files}")
