"""The command line's help and argparse's own messages in German, with the exit codes argparse always had."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aqb_data.__main__ import main
from aqb_data.present.argparse_de import german_argparse

ROOT = Path(__file__).resolve().parents[1]

# What argparse writes in English (Python 3.11–3.14); none of it may reach a user of the command line.
ENGLISH = [
    "usage:",
    "positional arguments",
    "optional arguments",
    "options:",
    "subcommands",
    "show this help message",
    "error:",
    "the following arguments are required",
    "one of the arguments",
    "invalid choice",
    "choose from",
    "maybe you meant",
    "unrecognized arguments",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "invalid int value",
    "is not callable",
    "ambiguous option",
    "not allowed with argument",
    "ignored explicit argument",
]
# Names argparse makes up from an option's name when the project gives none.
ENGLISH_METAVARS = re.compile(r"\b(YEAR|DB|SEED|FILES?|OUTPUTS?|AS_OF|FORMAT|REPORT)\b")


def assert_german(text: str) -> None:
    """No English phrase of argparse and no English placeholder in `text`."""
    found = [phrase for phrase in ENGLISH if phrase in text]
    assert found == [], f"englisch: {found} in\n{text}"
    assert not re.search(r"\bargument\b", text), text
    assert not ENGLISH_METAVARS.search(text), text


def run(*args: str, module: str = "aqb_data") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, standard output and error of `python -m aqb_data ARGS`, run in this process."""
    try:
        code = main(list(args))
    except SystemExit as end:
        code = end.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def commands() -> list[str]:
    """The commands the top-level help lists (four spaces in, then the name)."""
    listed = run("--help").stdout.split("Argumente:")[1].split("Optionen:")[0]
    return re.findall(r"^ {4}(\S+)", listed, re.MULTILINE)


def test_the_help_is_german_from_the_usage_line_to_the_help_option() -> None:
    result = run("--help")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Aufruf: python -m aqb_data [-h] BEFEHL ..."
    assert "Argumente:" in lines and "Optionen:" in lines
    assert "  -h, --help       diese Hilfe anzeigen und beenden" in lines
    assert "    validate       Arbeitsmappen prüfen (Exit 0 gültig, 1 Fehler, 2 unlesbar)" in lines
    assert_german(result.stdout)


def test_every_command_has_a_german_help(capsys: pytest.CaptureFixture[str]) -> None:
    names = commands()
    assert {"validate", "summary", "import", "notizen", "meeting-pack", "demo"} <= set(names)
    for name in names:
        code, out, err = in_process(capsys, name, "--help")
        assert (code, err) == (0, ""), name
        assert out.startswith(f"Aufruf: python -m aqb_data {name} [-h]"), out
        assert "diese Hilfe anzeigen und beenden" in out, name
        assert_german(out)
    code, out, _ = in_process(capsys, "summary", "--help")
    assert "--year JAHR" in out and "--db DATENBANK" in out and "JSON oder CSV für deutsches Excel" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Fehler: diese Angaben fehlen: BEFEHL"),
        (("summary",), "Fehler: diese Angaben fehlen: --year"),
        (("meeting-pack", "mappe.pptx"), "Fehler: diese Angaben fehlen: --year"),
        (("frobnicate",), "Fehler: Argument BEFEHL: ungültige Auswahl: 'frobnicate' (möglich: 'validate', 'summary'"),
        (("summary", "--year", "2025", "--format", "xml"), "Fehler: Argument --format: ungültige Auswahl: 'xml'"),
        (("summary", "--year", "zwanzig"), "Fehler: Argument --year: „zwanzig“ ist keine ganze Zahl"),
        (("notizen", "--jahr", "2025x"), "Fehler: Argument --jahr: „2025x“ ist keine ganze Zahl"),
        (("summary", "--year"), "Fehler: Argument --year: erwartet einen Wert"),
        (("history", "--bogus"), "Fehler: unbekannte Angaben: --bogus"),
        (("validate",), "Fehler: diese Angaben fehlen: DATEI"),
    ],
)
def test_a_wrong_call_gets_the_usage_and_a_german_error_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = in_process(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("Aufruf: python -m aqb_data")
    assert message in err
    assert_german(err)


def test_a_wrong_call_from_the_shell_is_german_too() -> None:
    unknown = run("frobnicate")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.splitlines()[-1].startswith("Fehler: Argument BEFEHL: ungültige Auswahl: 'frobnicate'")
    assert_german(unknown.stderr)
    missing = run("meeting-pack", "--ags", "06611", "mappe.pptx")
    assert missing.returncode == 2 and "Fehler: diese Angaben fehlen: --year" in missing.stderr
    assert_german(missing.stderr)


def test_the_benchmarks_help_is_german() -> None:
    result = run("--help", module="bench")
    assert result.returncode == 0
    assert result.stdout.startswith("Aufruf: python -m bench [-h]")
    assert_german(result.stdout)
    wrong = run("--only", "alles", module="bench")
    assert wrong.returncode == 2
    assert "python -m bench: Fehler: Argument --only: ungültige Auswahl: 'alles'" in wrong.stderr
    assert_german(wrong.stderr)


def test_argparse_is_english_again_outside_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Other code in the same process (a library, a test runner) gets argparse as it was."""
    in_process(capsys, "--help")
    with german_argparse():
        assert "Aufruf:" in argparse.ArgumentParser(prog="x").format_usage()
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")
