"""What an AppTest run shows: tables as the user reads them, and the files behind download buttons."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest


def shown(element: object) -> pd.DataFrame:
    """A table's cells as the screen shows them (German formatted text), not the numbers underneath."""
    arrow = element.proto.arrow_data  # type: ignore[attr-defined]
    if arrow.HasField("styler"):
        return convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    return element.value  # type: ignore[attr-defined]


class Downloads:
    """Records AppTest's media file manager so that a download button's file can be made as a click would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.managers: list[MediaFileManager] = []
        recorder = self

        class Recording(MediaFileManager):
            def __init__(self, storage: object) -> None:
                super().__init__(storage)  # type: ignore[arg-type]
                recorder.managers.append(self)

        monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)

    def buttons(self, at: AppTest) -> list[object]:
        return list(at.get("download_button"))

    def file(self, at: AppTest, key: str) -> bytes:
        """The bytes the download button whose key ends with `key` (or whose label is `key`) delivers."""
        matches = [b for b in self.buttons(at) if b.proto.id.endswith(key) or b.proto.label == key]
        assert len(matches) == 1, [(b.proto.id, b.proto.label) for b in self.buttons(at)]
        proto, manager = matches[0].proto, self.managers[-1]
        if proto.deferred_file_id:  # made on click: call what the click calls
            return manager._deferred_callables[proto.deferred_file_id]["callable"]()  # noqa: SLF001
        file_id = proto.url.rsplit("/", 1)[-1].split(".")[0]
        return manager._storage.get_file(file_id).content  # noqa: SLF001 - the bytes the URL serves
