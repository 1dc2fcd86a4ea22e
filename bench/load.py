"""Concurrent analysts against the service as `deploy/` describes it: simulated sessions change filters for some
minutes against two instances behind nginx; response times and errors.

    .venv/bin/python -m bench.load [--sessions 20] [--minutes 3] [--db URL]

Each session holds one WebSocket to /_stcore/stream through the proxy, as a browser tab does, with a sticky cookie
of its own (so it stays on its instance). It asks for one view after another as an analyst would, each as a link
gives it (page and filters: year, Regierungsbezirk or district), reads for 1–4 s, and the time from its request to
the end of the page's run (Streamlit's `script_finished`) is one response time. Errors: a run that shows an
exception, that does not end within 60 s or ends otherwise than successfully, and a lost connection.
What a browser adds (drawing, about a second per view, see `bench/browser.py`) is not part of these times.

The database is a copy of the 1× benchmark store (SQLite) unless `--db` names another one (e.g. PostgreSQL); both
instances use it. Results on the console and in bench/results/load.json. Needs nginx (apt-get install nginx-light).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from aqb_data.domain.districts import load_districts
from aqb_data.present.argparse_de import german_argparse, whole_number
from bench.ingest import RESULTS_DIR
from bench.scale import working_copy
from bench.service import ServiceError, cookies_for, running_service

PAGES = ("", "zielerreichung", "gebietskoerperschaft", "projekte", "vergleich", "zeitreihe", "berichtseingang")
PAGE_NAMES = {
    "": "Übersicht",
    "zielerreichung": "Zielerreichung",
    "gebietskoerperschaft": "Gebietskörperschaft",
    "projekte": "Alle Projekte",
    "vergleich": "Vergleich",
    "zeitreihe": "Zeitreihe",
    "berichtseingang": "Berichtseingang",
}
YEARS = (2021, 2022, 2023, 2024, 2025)
RUN_TIMEOUT_S = 60.0


@dataclass
class Response:
    session: int
    instance: int
    page: str
    query: str
    seconds: float | None  # None: no end of the run (timeout, lost connection)
    error: str | None = None


@dataclass
class LoadResult:
    sessions: int
    minutes: float
    database: str
    started: str
    responses: list[Response] = field(default_factory=list)


def _views(rng: random.Random) -> tuple[str, str]:
    """A view an analyst might open next: a page and the filters of its link."""
    districts = load_districts()
    page = rng.choice(PAGES)
    query = [f"jahr={rng.choice(YEARS)}"]
    scope = rng.random()
    if page == "gebietskoerperschaft" or scope < 0.3:
        query.append(f"kreis={rng.choice(list(districts['name']))}")
    elif scope < 0.5:
        query.append(f"rb={rng.choice(sorted(set(districts['regierungsbezirk'])))}")
    return page, "&".join(query)


async def _run(connection: websockets.ClientConnection, page: str, query: str) -> str | None:
    """Ask for one view and wait for the end of its run; the error, if any."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    await connection.send(message.SerializeToString())
    error = None
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(await connection.recv())
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            if forward.delta.new_element.WhichOneof("type") == "exception":
                error = error or f"Ausnahme: {forward.delta.new_element.exception.message[:200]}"
        elif kind == "script_finished":
            if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                error = error or f"Lauf endete mit Status {forward.script_finished}"
            return error


async def _session(number: int, url: str, cookie: str, instance: int, until: float, result: LoadResult) -> None:
    rng = random.Random(number)
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(
            address, subprotocols=["streamlit"], max_size=None, additional_headers={"Cookie": f"aqb_instance={cookie}"}
        ) as connection:
            while time.monotonic() < until:
                page, query = _views(rng)
                start = time.perf_counter()
                try:
                    error = await asyncio.wait_for(_run(connection, page, query), RUN_TIMEOUT_S)
                except TimeoutError:
                    result.responses.append(Response(number, instance, page, query, None, "keine Antwort in 60 s"))
                    return
                result.responses.append(Response(number, instance, page, query, time.perf_counter() - start, error))
                await asyncio.sleep(rng.uniform(1.0, 4.0))
    except (OSError, websockets.WebSocketException) as error:
        result.responses.append(Response(number, instance, "", "", None, f"Verbindung: {error}"))


async def _all_sessions(url: str, cookies: dict[int, str], sessions: int, minutes: float, result: LoadResult) -> None:
    instances = sorted(cookies)
    until = time.monotonic() + minutes * 60
    tasks = []
    for number in range(sessions):
        instance = instances[number % len(instances)]  # half the sessions on each instance
        tasks.append(_session(number, url, cookies[instance], instance, until, result))
        await asyncio.sleep(0.25)  # analysts arrive one after another, not in the same millisecond
    await asyncio.gather(*tasks)


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(result: LoadResult) -> list[tuple[str, int, int, str, str, str, str]]:
    """Rows (what, responses, errors, median, p90, p95, max) overall, per instance and per page."""
    groups: dict[str, list[Response]] = {"alle": result.responses}
    for response in result.responses:
        groups.setdefault(f"Instanz :{response.instance}", []).append(response)
    for response in result.responses:
        if response.page or response.query:
            groups.setdefault(f"Seite {PAGE_NAMES[response.page]}", []).append(response)
    rows = []
    for name, responses in groups.items():
        times = [r.seconds for r in responses if r.seconds is not None]
        shown = (
            [
                f"{value:.2f} s".replace(".", ",")
                for value in (statistics.median(times), _quantile(times, 0.9), _quantile(times, 0.95), max(times))
            ]
            if times
            else ["–"] * 4
        )
        rows.append((name, len(responses), sum(1 for r in responses if r.error), *shown))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=whole_number, default=20, help="gleichzeitige Sitzungen (Standard 20)")
    parser.add_argument("--minutes", type=float, default=3.0, help="Dauer in Minuten (Standard 3)")
    parser.add_argument("--db", help="Datenbank beider Instanzen (Standard: Kopie der 1×-Benchmark-Datenbank)")
    with german_argparse():  # usage, help and errors of argparse in German
        args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        database = args.db or str(working_copy(1, folder))
        result = LoadResult(
            args.sessions,
            args.minutes,
            "PostgreSQL" if "postgres" in database else "SQLite",
            datetime.now().isoformat(timespec="seconds"),
        )
        try:
            with running_service(folder, database) as service:
                cookies = cookies_for(service.url, service.ports)
                print(f"{args.sessions} Sitzungen, {args.minutes:g} min, Instanzen {service.ports} hinter nginx …")
                asyncio.run(_all_sessions(service.url, cookies, args.sessions, args.minutes, result))
        except ServiceError as error:
            print(f"Der Dienst startete nicht: {error}", file=sys.stderr)
            return 2
    rows = summary(result)
    widths = [max(len(str(row[i])) for row in rows + [_HEADINGS]) for i in range(len(_HEADINGS))]
    for row in [_HEADINGS, *rows]:
        print(
            "  ".join(
                str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    errors = [r for r in result.responses if r.error]
    for response in errors[:10]:
        print(
            f"Fehler: Sitzung {response.session}, {PAGE_NAMES.get(response.page, response.page)}?{response.query}: "
            f"{response.error}"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "load.json"
    out.write_text(json.dumps({**asdict(result), "summary": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{database_label(result)}; JSON: {out.relative_to(RESULTS_DIR.parent.parent)}")
    return 0


_HEADINGS = ("Antworten", "Anzahl", "Fehler", "Median", "90 %", "95 %", "Maximum")


def database_label(result: LoadResult) -> str:
    return f"{result.started}, Datenbank {result.database}, {result.sessions} Sitzungen, {result.minutes:g} min"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
