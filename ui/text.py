"""Untrusted text (file names, sheet names, cell values, link parameters) made safe for Streamlit's Markdown.

Every Streamlit element that takes a string body or label renders it as Markdown: st.markdown, st.caption,
st.write, the alerts, st.toast, titles and headings, expander, tab, popover and button labels, metric labels,
`help=` tooltips and the cells of st.table. Streamlit 1.67 renders CommonMark plus GitHub's extensions
(tables, strikethrough, task lists, footnotes, bare URLs and e-mail addresses as links), KaTeX for `$…$`,
directives such as `:red[…]`, `:small[…]` and `:blue-badge[…]`, and – after parsing, on the text itself –
`:material/icon:` icons, `:emoji:` shortcodes, the `:streamlit:` logo, bare URLs and typographic arrows
(`->`, `<=`, `--`). Backslash escapes stop the parser's constructs but not the text-level ones (an escape is
already resolved when they run), so those are broken with an invisible word joiner (U+2060) instead.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
ELLIPSIS = "…"

# Anything that ends a line would start a new block (a heading, a list, a table row): the text stays one line.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
# Characters that open an inline construct wherever they stand: code, emphasis, strikethrough, links, images,
# footnotes, raw HTML and autolinks, blockquotes, KaTeX, table cells – and the backslash that escapes them.
_INLINE = re.compile(r"[\\`*_~\[\]<>$|]")
# `&` only where it starts a character reference (`&lt;`, `&#58;`): a plain "&" stays as it is.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# Where Streamlit's text-level features would match: a colon before a name (`:material/…:`, `:emoji:`,
# `:streamlit:`, directives, `http://`), `@` in an e-mail address, `www.`, and the typographic pairs.
_TEXT_LEVEL = re.compile(r"(?<=[:@])(?=\S)|(?<=www)(?=\.)|(?<=[-<])(?=[->=])|(?<=[>~])(?==)", re.IGNORECASE)
# At the start of a line (the body's or a list item's): heading, list item, thematic break, ordered list.
_BLOCK_START = re.compile(r"^(\s*)(?:(#|[-+](?=\s|-|$))|(\d{1,9})([.)])(?=\s|$))")


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, number, delimiter = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{delimiter}"


def escape_markdown(value: object, max_chars: int | None = None) -> str:
    """`value` as text that Streamlit's Markdown shows exactly as written, on one line (line breaks become spaces);
    cut to `max_chars` characters with "…" when given (for values echoed from a link)."""
    text = _LINE_BREAK.sub(" ", str(value))
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + ELLIPSIS
    text = _TEXT_LEVEL.sub(WORD_JOINER, text)
    text = _INLINE.sub(lambda match: "\\" + match.group(0), text)
    text = _ENTITY.sub(r"\\&", text)
    return _BLOCK_START.sub(_escape_block_start, text, count=1)


def link_value(value: object) -> str:
    """A value from a link's query, escaped and cut to 40 characters: a link can name what it asked for, but cannot
    write a message of its own into the page."""
    return escape_markdown(value, max_chars=40)
