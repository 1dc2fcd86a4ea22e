"""Reading untrusted files in an isolated child: whatever the reader does ends only the child.

The readers below misbehave on purpose (abort natively, allocate without bound, loop, sleep, fail); each must
end in a German message while this process, the one that stands for the server, goes on.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from aqb_data.__main__ import main
from aqb_data.read import sandbox
from aqb_data.read.sandbox import IsolationError, Limits, read_agreement_isolated, read_workbook_isolated, run_isolated
from aqb_data.read.workbook import read_workbook

DEMO = Path(__file__).parents[2] / "data" / "aqb_demo.xlsx"


def abort_natively() -> None:
    """What calamine does when a grid of 16.384 × 1.048.576 cells cannot be allocated."""
    os.abort()


def allocate_without_bound(*_file: object) -> list[bytes]:
    """Keeps allocating: 4 GB in 64 MB steps (like a reader on a sheet of 20 million cells)."""
    return [bytes(64 * 1024 * 1024) for _ in range(64)]


def compute_forever(*_file: object) -> int:
    """A runaway loop (like a backtracking pattern)."""
    total = 0
    while True:
        total += 1


def fail_like_a_bug(_data: bytes) -> None:
    """An unexpected exception inside a reader."""
    raise KeyError("/home/server/secret/path")


def pid_of_reader() -> int:
    """The process id the reader runs in."""
    return os.getpid()


def wait_a_second() -> str:
    """Takes a wall-clock second of nothing."""
    time.sleep(1)
    return "fertig"


def test_a_native_abort_in_the_reader_ends_the_child_with_a_german_message():
    with pytest.raises(IsolationError, match="der Leser brach ab"):
        run_isolated(abort_natively)
    assert run_isolated(pid_of_reader) != os.getpid()  # this process lives on, and a next reading works


def test_a_memory_bomb_is_stopped_at_the_limit():
    with pytest.raises(IsolationError, match="mehr als 256 MB Arbeitsspeicher"):
        run_isolated(allocate_without_bound, limits=Limits(memory_mb=256))


def test_a_runaway_computation_is_stopped_after_its_cpu_seconds():
    with pytest.raises(IsolationError, match="mehr als 1 Sekunde Rechenzeit"):
        run_isolated(compute_forever, limits=Limits(cpu_seconds=1, wall_seconds=30))


def test_a_reader_that_only_waits_is_ended_at_the_deadline():
    with pytest.raises(IsolationError, match="dauerte länger als 0,2 Sekunden"):
        run_isolated(wait_a_second, limits=Limits(wall_seconds=0.2))


def test_an_unexpected_error_names_no_path_of_the_server():
    with pytest.raises(IsolationError) as raised:
        run_isolated(fail_like_a_bug, b"")
    assert str(raised.value) == "interner Fehler beim Lesen (KeyError)"


def test_the_limits_can_be_set_by_the_operators(monkeypatch):
    monkeypatch.setenv(sandbox.ENV_MEMORY, "300")
    monkeypatch.setenv(sandbox.ENV_CPU, "5")
    assert Limits() == Limits(memory_mb=300, cpu_seconds=5, wall_seconds=15)
    monkeypatch.setenv(sandbox.ENV_CPU, "viel")  # not a number: the default holds
    assert Limits().cpu_seconds == sandbox.MAX_CPU_SECONDS


def test_more_readings_than_slots_wait_for_each_other_and_all_finish():
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(run_isolated(wait_a_second))) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["fertig"] * 5


def test_a_workbook_read_in_isolation_gives_exactly_what_reading_in_process_gives():
    isolated, direct = read_workbook_isolated(DEMO.read_bytes(), "aqb_demo.xlsx"), read_workbook(DEMO)
    assert isolated.problems == direct.problems == []
    for name, table in direct.tables.items():
        assert isolated.tables[name].equals(table), name


def test_a_workbook_that_breaks_the_limits_is_unreadable_with_the_reason(monkeypatch):
    monkeypatch.setenv(sandbox.ENV_MEMORY, "200")
    monkeypatch.setattr(sandbox, "read_and_check", allocate_without_bound)  # stands for a reader on a huge sheet
    result = read_workbook_isolated(DEMO.read_bytes(), "bericht.xlsx")
    assert result.unreadable
    assert [p.text() for p in result.errors] == [
        "Fehler: bericht.xlsx: Die Datei konnte nicht geprüft werden: "
        "die Prüfung brauchte mehr als 200 MB Arbeitsspeicher. Bitte nur die Blätter des Berichts schicken oder "
        "einen großen Bericht auf mehrere Dateien verteilen"
    ]


def test_an_agreement_that_breaks_the_limits_gets_the_reason(monkeypatch):
    monkeypatch.setenv(sandbox.ENV_CPU, "1")
    monkeypatch.setattr(sandbox, "read_agreement", compute_forever)  # stands for a runaway pattern in the reader
    reading = read_agreement_isolated(b"Zielvereinbarung", "zv.md")
    assert reading.agreement is None
    # On a loaded machine the clock limit (3 × the CPU seconds) may end the worker before its CPU second is used.
    (error,) = reading.errors
    assert re.fullmatch(
        r"Das Dokument konnte nicht geprüft werden: die Prüfung (brauchte mehr als 1 Sekunde Rechenzeit|dauerte "
        r"länger als 3 Sekunden)\. Bitte das Dokument neu als PDF oder als Text \(\.txt\) speichern",
        error,
    ), error


def test_the_cli_reports_a_file_that_breaks_the_limits_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv(sandbox.ENV_MEMORY, "200")
    monkeypatch.setattr(sandbox, "read_and_check", allocate_without_bound)
    assert main(["validate", str(DEMO)]) == 2
    out = capsys.readouterr().out
    assert "aqb_demo.xlsx: nicht lesbar" in out
    assert "Die Datei konnte nicht geprüft werden: die Prüfung brauchte mehr als 200 MB Arbeitsspeicher" in out
