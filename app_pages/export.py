"""Export: the meeting pack for a district's autumn meeting or the Land overview, as PowerPoint and PDF."""

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.export import images
from aqb_data.export.meeting_pack import district_pack, land_pack, pack_pdf, pack_pptx
from aqb_data.export.meeting_pack.batch import district_packs, zip_name, zip_packs
from aqb_data.store.database import AuditEvent, sha256
from ui.auth import current_user
from ui.data import get_data, get_store
from ui.filters import current_selection
from ui.text import escape_markdown
from ui.widgets import synthetic_notice

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PACK = "_meeting_pack"
ALL_PACKS = "_all_meeting_packs"


def _record_download(file_name: str, document: bytes, title: str) -> None:
    """Download callback: the audit trail notes who took which meeting pack."""
    get_store().record(
        AuditEvent.EXPORT_PACK, user=current_user(), file_name=file_name, digest=sha256(document), detail=title
    )


data = get_data()
selection = current_selection()
scope = ind.scope_label(selection) if selection.ags else "Hessen (alle 26 Gebietskörperschaften)"

st.title("Export und Sitzungsunterlagen")
st.markdown(
    "Die **Sitzungsmappe** fasst für die Umsetzungsbesprechung nach § 6 der Zielvereinbarung zusammen: "
    "Berichtseingang, Zielvereinbarung (§ 4 Haushaltsmittel, § 5 Projekte) und ihre Änderungen, Verteilung auf "
    "die Maßnahmenarten, Zielerreichung mit Begründung und im Detail (Rückstand in €, Abbruchquote, Kosten je "
    "Teilnehmer/in), Hochrechnung zum Jahresende, nicht verausgabte Mittel der Vorjahre, Entwicklung über die "
    "Jahre, die vereinbarten Maßnahmen mit Status, die Notizen und eine Folie für Notizen – als PowerPoint und "
    "als PDF. "
    "Ohne gewählte Gebietskörperschaft entsteht der Überblick über alle 26."
)
synthetic_notice(ind.synthetic_share(data, selection, ("agreements", "projects", "progress")))
st.caption(
    "Für die Gebietskörperschaft und das Jahr links in den Filtern, immer mit allen vier Maßnahmenarten. "
    "Einzelne Tabellen laden Sie unter jeder Tabelle als Excel oder CSV herunter, einzelne Diagramme über "
    "das Kamerasymbol oder „Bild herunterladen“."
)
if not images.available():
    st.warning(f"Die Sitzungsmappe enthält statt der Diagramme deren Zahlentabellen. {images.NO_BROWSER}")

with st.container(border=True):
    st.header(f"Sitzungsmappe {selection.year}: {scope}")
    if st.button("Sitzungsmappe erstellen", type="primary", icon=":material/slideshow:"):
        bar = st.progress(0.0, text="Sitzungsmappe wird erstellt …")

        def _progress(fraction: float, text: str) -> None:
            bar.progress(min(1.0, fraction), text=text)

        if selection.ags:
            notes = get_store().notes(selection.year, selection.ags)
            pack = district_pack(data, selection.year, selection.ags, progress=_progress, notes=notes)
        else:
            pack = land_pack(data, selection.year, progress=_progress)
        _progress(1.0, "PowerPoint und PDF werden geschrieben …")
        st.session_state[PACK] = {
            "key": (selection.year, selection.ags),
            "stem": pack.file_stem,
            "slides": len(pack.slides),
            "title": pack.title,
            "pptx": pack_pptx(pack),
            "pdf": pack_pdf(pack),
        }
        bar.empty()
    made = st.session_state.get(PACK)
    if made and made["key"] == (selection.year, selection.ags):
        st.success(f"Sitzungsmappe mit {made['slides']} Folien erstellt.", icon=":material/check:")
        with st.container(horizontal=True):
            st.download_button(
                "PowerPoint herunterladen",
                made["pptx"],
                file_name=f"{made['stem']}.pptx",
                mime=PPTX_MIME,
                icon=":material/download:",
                on_click=_record_download,
                args=(f"{made['stem']}.pptx", made["pptx"], made["title"]),
            )
            st.download_button(
                "PDF herunterladen",
                made["pdf"],
                file_name=f"{made['stem']}.pdf",
                mime="application/pdf",
                icon=":material/download:",
                on_click=_record_download,
                args=(f"{made['stem']}.pdf", made["pdf"], made["title"]),
            )

if current_user().scope is None:
    with st.container(border=True):
        st.header(f"Alle Sitzungsmappen {selection.year}")
        st.markdown(
            "Die Sitzungsmappen aller 26 Gebietskörperschaften als PowerPoint und PDF in einer ZIP-Datei "
            "(dauert etwa eine Minute)."
        )
        if st.button("Alle Sitzungsmappen (ZIP)", icon=":material/folder_zip:"):
            all_bar = st.progress(0.0, text="Sitzungsmappen werden erstellt …")
            packs = []
            store = get_store()
            for pack in district_packs(data, selection.year, notes_of=lambda ags: store.notes(selection.year, ags)):
                packs.append(pack)
                all_bar.progress(pack.number / pack.total, text=pack.line)
            all_bar.empty()
            n_made = sum(1 for pack in packs if not pack.error)
            st.session_state[ALL_PACKS] = {
                "year": selection.year,
                "zip": zip_packs(packs),
                "made": n_made,
                "failed": [f"{pack.name} ({pack.error})" for pack in packs if pack.error],
                "title": f"Alle Sitzungsmappen {selection.year} ({n_made} Gebietskörperschaften)",
            }
        done = st.session_state.get(ALL_PACKS)
        if done and done["year"] == selection.year:
            if done["failed"]:
                st.error(f"Nicht erstellt: {escape_markdown('; '.join(done['failed']))}", icon=":material/error:")
            st.success(f"{done['made']} Sitzungsmappen erstellt.", icon=":material/check:")
            name = zip_name(selection.year)
            st.download_button(
                "ZIP herunterladen",
                done["zip"],
                file_name=name,
                mime="application/zip",
                icon=":material/download:",
                on_click=_record_download,
                args=(name, done["zip"], done["title"]),
            )
