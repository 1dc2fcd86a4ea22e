"""Chart images on the server: PNG, SVG and PDF through kaleido and an installed Chromium.

kaleido no longer brings its own browser and downloading one fails on the ministry's machines, so it
uses Debian's `chromium` (or the browser named in $BROWSER_PATH). The first export starts the browser
(about 2 s); it is then kept running, so every further export takes a fraction of a second. Where no
browser is installed, `figure_image` raises `ImageExportError` with a German explanation.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading

import plotly.graph_objects as go

# Meeting format: 16:9 in full-HD proportions; PNG at twice the pixels for projectors and print.
WIDTH, HEIGHT, PNG_SCALE = 1600, 900, 2
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_lock = threading.Lock()
_server_started = False


class ImageExportError(RuntimeError):
    """The server cannot draw chart images (no browser, or the browser failed); the message is German."""


def browser_path() -> str | None:
    """The browser kaleido will use: $BROWSER_PATH if it names a program, else the first one on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((path for name in _BROWSER_NAMES if (path := shutil.which(name))), None)


NO_BROWSER = (
    "Bilder auf dem Server (PNG, SVG, PDF) brauchen den Browser Chromium, der auf diesem Rechner nicht "
    "gefunden wurde. Installieren Sie ihn mit `sudo apt-get install chromium` (siehe README) oder nennen "
    "Sie ihn in der Umgebungsvariable BROWSER_PATH. Bis dahin exportiert das Kamerasymbol über jedem "
    "Diagramm das Bild direkt im Browser."
)


def available() -> bool:
    """Whether a browser for server-side images is installed."""
    return browser_path() is not None


def _stop_server() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def figure_image(fig: go.Figure, fmt: str = "png", width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """The figure as PNG, SVG or PDF in meeting format (16:9), drawn exactly as on screen."""
    if fmt not in MIME_TYPES:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {', '.join(MIME_TYPES)}")
    path = browser_path()
    if path is None:
        raise ImageExportError(NO_BROWSER)
    import kaleido  # only where images are made: importing it costs time every page would pay

    global _server_started
    options = {"format": fmt, "width": width, "height": height, "scale": PNG_SCALE if fmt == "png" else 1}
    # The export's size decides, not the screen's; a slide needs a little air around the title and labels.
    figure = go.Figure(fig).update_layout(width=None, height=None, title_x=0.012, margin_l=30, margin_r=30)
    if fmt == "pdf":
        # Chromium prints a hatched bar as millions of tiny fills (11 MB instead of 24 KB): the PDF shows the
        # same bar in its plain colour.
        for trace in figure.data:
            pattern = getattr(getattr(trace, "marker", None), "pattern", None)
            if pattern is not None and pattern.shape:
                pattern.shape = ""
    with _lock:  # one browser serves every session; kaleido's server takes one job at a time
        try:
            if not _server_started:
                os.environ.setdefault("BROWSER_PATH", path)
                # Without MathJax (no chart uses LaTeX): kaleido would load it from a CDN, a request to the outside.
                kaleido.start_sync_server(silence_warnings=True, mathjax=False)
                atexit.register(_stop_server)
                _server_started = True
            return kaleido.calc_fig_sync(figure.to_dict(), opts=options)
        except Exception as error:  # noqa: BLE001 - any browser failure becomes one German message
            raise ImageExportError(
                f"Das Bild konnte nicht erzeugt werden: Chromium ({path}) meldet einen Fehler "
                f"({type(error).__name__}: {error})."
            ) from error
