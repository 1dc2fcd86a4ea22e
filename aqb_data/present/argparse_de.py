"""argparse in German: the usage line, the section titles, the help option and every error message it writes.

argparse passes each of its own texts through `gettext` (the module globals `argparse._` and `argparse.ngettext`,
looked up when a parser is built, prints its help or reports an error). `german_argparse()` puts a German
dictionary there while the command line runs; a text it does not know (a newer Python's) stays as argparse
wrote it, and tests/test_cli_german.py names the English phrases that must not appear.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

# The texts of argparse (CPython 3.11–3.13) a user can meet, by their English msgid. The %-placeholders stay.
GERMAN: dict[str, str] = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",  # before Python 3.10
    "subcommands": "Befehle",
    "show this help message and exit": "diese Hilfe anzeigen und beenden",
    "show program's version number and exit": "die Versionsnummer anzeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "Argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "one of the arguments %s is required": "eine dieser Angaben fehlt: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Auswahl: %(value)r (möglich: %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "ungültige Auswahl: %(value)r, vielleicht %(closest)r? (möglich: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ungültiger Wert (%(type)s): %(value)r",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s möglich",
    "ignored explicit argument %r": "Wert %r ist hier nicht vorgesehen",
    "unexpected option string: %s": "unerwartete Option: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "unbekannter Befehl %(parser_name)r (möglich: %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "„%(filename)s“ kann nicht geöffnet werden: %(error)s",
}
# ngettext's texts: (singular, plural) → (German singular, German plural).
GERMAN_PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("expected %s argument", "expected %s arguments"): ("erwartet %s Wert", "erwartet %s Werte"),
}


def gettext_de(message: str) -> str:
    """`message` in German if argparse's text is known, else as it is."""
    return GERMAN.get(message, message)


def ngettext_de(singular: str, plural: str, count: int) -> str:
    """The German singular or plural of an argparse text with a count, else argparse's own."""
    one, many = GERMAN_PLURALS.get((singular, plural), (singular, plural))
    return one if count == 1 else many


def whole_number(text: str) -> int:
    """An argument that must be a whole number (a year, an import number), with a German message otherwise."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"„{text}“ ist keine ganze Zahl") from None


@contextmanager
def german_argparse() -> Iterator[None]:
    """While active, argparse writes its usage, help and errors in German; afterwards it is as before."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = gettext_de, ngettext_de  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
