"""The server's chart images are drawn from local scripts only: no request to a CDN from the ministry's server."""

import re

import plotly.graph_objects as go
import pytest

from aqb_data.export import images

kaleido = pytest.importorskip("kaleido")


def test_the_image_page_loads_no_script_from_the_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, object] = {}
    monkeypatch.setattr(images, "_server_started", False)
    monkeypatch.setattr(images, "browser_path", lambda: "/usr/bin/chromium")
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    monkeypatch.setattr(images.atexit, "register", lambda *args: None)
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *args, **kwargs: started.update(kwargs))
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *args, **kwargs: b"PNG")
    assert images.figure_image(go.Figure(go.Bar(x=["a"], y=[1]))) == b"PNG"
    # The page kaleido's browser opens, built from the options the dashboard starts it with.
    page = kaleido.PageGenerator(plotly=started.get("plotlyjs"), mathjax=started.get("mathjax")).generate_index()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(src.startswith("file://") for src in scripts), scripts
