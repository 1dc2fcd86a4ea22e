"""Untrusted files are read in a separate process with hard limits, never in the server's own.

A workbook or agreement comes from outside. Its parser (calamine is native code, pypdf inflates streams)
may abort, allocate without bound or loop for minutes on a crafted file. Each reading therefore runs in a
fresh child process, forked from a server process that has the readers loaded already (about 20 ms), with
limits on address space and CPU time and a deadline. Whatever the file does ends only that child: the
caller gets a German `IsolationError`, and the dashboard keeps serving every other session. At most
`MAX_PARALLEL` readings run at once, so that a few uploads cannot exhaust the server.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.problems import limit_problems
from aqb_data.read.agreement import AgreementReading, read_agreement
from aqb_data.read.plausibility import plausibility_problems
from aqb_data.read.workbook import WorkbookResult, read_workbook, unreadable_result

MAX_ADDRESS_SPACE_MB = 1024  # the reader may map this much beyond what the loaded program maps already
MAX_CPU_SECONDS = 20
MAX_PARALLEL = 2
QUEUE_SECONDS = 120  # how long a reading waits for a free slot before the analyst is asked to retry
NICENESS = 10  # a reader yields the processor to the server's sessions
# "__main__" as multiprocessing preloads it by default: a child then need not import the main script again.
PRELOAD = ["__main__", "aqb_data.read.sandbox"]
# The operators' settings (README, "Betrieb"): the environment may tighten or widen the limits.
ENV_MEMORY, ENV_CPU, ENV_PARALLEL = "AQB_READER_MEMORY_MB", "AQB_READER_CPU_SECONDS", "AQB_READER_PARALLEL"

T = TypeVar("T")


class IsolationError(RuntimeError):
    """A file could not be read within the limits; the message says why, in German."""


def _setting(name: str, default: int) -> int:
    """A positive whole number from the environment, else `default`."""
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default


@dataclass(frozen=True)
class Limits:
    """The hard limits of one reading: MB of extra address space, CPU seconds, wall-clock seconds."""

    memory_mb: int = field(default_factory=lambda: _setting(ENV_MEMORY, MAX_ADDRESS_SPACE_MB))
    cpu_seconds: int = field(default_factory=lambda: _setting(ENV_CPU, MAX_CPU_SECONDS))
    # A reader that waits instead of computing (it should never) is ended too; a busy machine gets time.
    wall_seconds: float = field(default_factory=lambda: 3 * _setting(ENV_CPU, MAX_CPU_SECONDS))


_slots = threading.BoundedSemaphore(_setting(ENV_PARALLEL, MAX_PARALLEL))
_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


def _get_context() -> multiprocessing.context.BaseContext:
    """A forkserver that has the readers imported (Linux, macOS); plain spawn where there is none."""
    global _context
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                # The reader's limit counts address space, not memory in use: Arrow's default allocator
                # reserves 1 GB up front for pandas' text columns, and every thread pool its stacks.
                os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
                for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                    os.environ.setdefault(variable, "1")
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
            else:  # pragma: no cover - Windows
                context = multiprocessing.get_context("spawn")
            _context = context
        return _context


def _mapped_bytes() -> int | None:
    """The address space this process maps now (Linux), or None where it cannot be read."""
    try:
        return int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _apply_limits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: the deadline still holds
        return
    os.nice(NICENESS)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing reader leaves no core file behind
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 2))
    mapped = _mapped_bytes()
    if mapped is not None:
        ceiling = mapped + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _child(connection: Connection, function: Callable[..., object], args: tuple, limits: Limits) -> None:
    """Runs in the child: apply the limits, call the reader, send ('ok', result) or ('error', reason)."""
    _apply_limits(limits)
    try:
        outcome: tuple[str, object] = ("ok", function(*args))
    except MemoryError:
        outcome = ("memory", None)
    except RecursionError:
        outcome = ("error", "zu tief verschachtelt")
    except Exception as error:  # noqa: BLE001 - any failure of the reader becomes the caller's message
        outcome = ("error", type(error).__name__)
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("memory", None))
    connection.close()


_SIGNALS = {
    signal.SIGXCPU: "die Prüfung brauchte mehr als {cpu} Rechenzeit",
    signal.SIGKILL: "die Prüfung brauchte mehr Rechenzeit oder Speicher als erlaubt",
    signal.SIGABRT: "der Leser brach ab (vermutlich zu viel Speicher für den Inhalt der Datei)",
    signal.SIGSEGV: "der Leser brach ab (Speicherzugriffsfehler)",
    signal.SIGBUS: "der Leser brach ab (Speicherzugriffsfehler)",
}


def _seconds(seconds: float) -> str:
    shown = f"{seconds:g}".replace(".", ",")
    return f"{shown} Sekunde" if seconds == 1 else f"{shown} Sekunden"


def _reason(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        template = _SIGNALS.get(-exitcode, "der Leser wurde beendet (Signal {signal})")
        return template.format(cpu=_seconds(limits.cpu_seconds), signal=-exitcode)
    return f"der Leser endete unerwartet (Code {exitcode})"


def run_isolated(function: Callable[..., T], *args: object, limits: Limits | None = None) -> T:
    """`function(*args)` computed in a child process under `limits`; IsolationError (German) if it fails.

    `function` must be importable by name (a module-level function) and its result picklable.
    """
    limits = limits or Limits()
    if not _slots.acquire(timeout=QUEUE_SECONDS):
        raise IsolationError("Der Server prüft gerade andere Dateien; bitte in einer Minute erneut versuchen")
    try:
        context = _get_context()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sender, function, args, limits), daemon=True)
        process.start()
        sender.close()
        try:
            return _receive(receiver, process, limits)
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
    finally:
        _slots.release()


def _receive(receiver: Connection, process: multiprocessing.process.BaseProcess, limits: Limits) -> T:  # type: ignore[type-var]
    deadline = time.monotonic() + limits.wall_seconds
    if not receiver.poll(max(0.0, deadline - time.monotonic())):
        process.kill()
        raise IsolationError(f"die Prüfung dauerte länger als {_seconds(limits.wall_seconds)}")
    try:
        status, value = receiver.recv()
    except (EOFError, OSError):
        process.join(timeout=5)
        raise IsolationError(_reason(process.exitcode, limits)) from None
    if status == "ok":
        return value  # type: ignore[return-value]
    if status == "memory":
        raise IsolationError(f"die Prüfung brauchte mehr als {limits.memory_mb} MB Arbeitsspeicher")
    raise IsolationError(f"interner Fehler beim Lesen ({value})")


_ADVICE = "Bitte nur die Blätter des Berichts schicken oder einen großen Bericht auf mehrere Dateien verteilen"


def _name(source: bytes | str | Path, file_name: str | None, default: str) -> str:
    return file_name or (Path(source).name if isinstance(source, str | Path) else default)


def read_and_check(
    source: bytes | str | Path, file_name: str | None, default_source: str | None, stored: AqbData | None
) -> WorkbookResult:
    """`read_workbook`, and with `stored` data also the plausibility checks against it, problems limited: all
    that depends on the file's content, so that it runs under the worker's limits, never in the server."""
    result = read_workbook(source, file_name, default_source)
    if stored is not None and not result.unreadable:
        result = check_against(result, stored)
    return result


def check_against(result: WorkbookResult, stored: AqbData) -> WorkbookResult:
    """A read workbook with the plausibility checks against `stored` added, problems limited."""
    result.problems = limit_problems(result.problems + plausibility_problems(result, stored))
    return result


def read_workbook_isolated(
    source: bytes | str | Path,
    file_name: str | None = None,
    default_source: str | None = None,
    stored: AqbData | None = None,
) -> WorkbookResult:
    """`read_and_check` in a child process under the limits; a file that breaks them is unreadable, in German."""
    try:
        return run_isolated(read_and_check, source, file_name, default_source, stored)
    except IsolationError as error:
        name = _name(source, file_name, "Datei")
        return unreadable_result(name, f"Die Datei konnte nicht geprüft werden: {error}. {_ADVICE}")


def check_isolated(result: WorkbookResult, stored: AqbData) -> WorkbookResult:
    """`check_against` in a child process under the limits: the checks of a file read first on its own (with
    `read_workbook_isolated`), against only the stored rows it concerns, once that is known."""
    try:
        return run_isolated(check_against, result, stored)
    except IsolationError as error:
        return unreadable_result(result.file, f"Die Datei konnte nicht geprüft werden: {error}. {_ADVICE}")


def read_agreement_isolated(source: bytes | str | Path, file_name: str | None = None) -> AgreementReading:
    """`read_agreement` in a child process under the limits; a document that breaks them gets a German error."""
    try:
        return run_isolated(read_agreement, source, file_name)
    except IsolationError as error:
        name = _name(source, file_name, "Dokument")
        advice = "Bitte das Dokument neu als PDF oder als Text (.txt) speichern"
        return AgreementReading(name, "", errors=[f"Das Dokument konnte nicht geprüft werden: {error}. {advice}"])
