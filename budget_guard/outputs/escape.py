"""One escaping helper per medium: every text that comes from data, rules or a person passes one.

Budget tables, rules files and case notes come from outside the finance bureau, so any text in them
may try to run where it lands. Each medium has one helper, used everywhere that medium is written:

- ``terminal_text``: control characters (C0, DEL, C1 — ESC sequences, OSC 52 clipboard writes,
  clear screen) and the Unicode bidirectional controls (U+202E …) shown as visible ``\\x1b`` /
  ``\\u202e``; the CLI prints through it, and the text reports use it too;
- ``html_text``: the above, then ``html.escape`` (quotes too, so attributes are safe) — the HTML
  report, the dashboard's own HTML and the Great Expectations Data Docs;
- ``md_text``: the above on one line, then every Markdown (and Streamlit Markdown) special character
  backslash-escaped, so no link, image, heading, table cell break, LaTeX or ``:colour[...]``
  directive can come from data — the Markdown reports and every dashboard element that renders
  Markdown;
- ``json_text``: strict JSON whose strings hold no raw control or bidi character (``\\uXXXX``
  instead; the decoded value is unchanged);
- ``escape_cell`` / ``excel_cell`` (CSV / XLSX): a leading quote before formula-like text, no
  XML-illegal character, within Excel's cell length.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

# C0 controls, DEL, C1 controls; the bidi embeddings, overrides, isolates and marks; line and
# paragraph separators. None of them belongs in a department name, an item or a note.
# A cell starting with one of these is taken as a formula (or DDE) by Excel, WPS or LibreOffice.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
EXCEL_MAX_CELL_CHARS = 32_767
# Control characters XML 1.0 (so XLSX) cannot hold; openpyxl refuses them with an exception.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}\u2028\u2029]")
_UNSAFE_KEEP_LINES = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Markdown (CommonMark + GFM + Streamlit's directives and LaTeX) specials. Any ASCII punctuation may be
# backslash-escaped in CommonMark; these are the ones that start markup anywhere in a line (links and
# images need ``[``, directives ``:red[…]`` too, HTML ``<``, entities ``&``, LaTeX ``$``).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#~$&])")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
# GFM turns bare URLs into links: break the scheme's colon or the www's dot.
_MD_AUTOLINK = re.compile(r"(?i)\b(https?|ftps?|mailto|file|javascript|data|www)([:.])")
# At the start of a line: a list item, an ordered list item, a setext underline (# and > are escaped anyway).
_MD_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)]|=+)(?=\s|$)")


def visible(char: str) -> str:
    """How one unsafe character is shown: ``\\n``, ``\\x1b``, ``\\u202e``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    # C0 as \x1b; DEL, C1 and the rest as \u0085 — which is also a valid JSON escape of the same character
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def terminal_text(value: Any, *, multiline: bool = False) -> str:
    """Text safe to print to a terminal: control and bidi characters shown as visible escapes.

    ``multiline`` keeps newlines and tabs (our own multi-line output); user text stays on its line.
    """
    pattern = _UNSAFE_KEEP_LINES if multiline else _UNSAFE
    return pattern.sub(lambda m: visible(m.group()), str(value))


def html_text(value: Any) -> str:
    """Text safe between HTML tags and inside a quoted attribute value.

    Line breaks become character references: the dashboard writes HTML through Markdown, where a
    blank line would end the HTML block and let the rest be read as Markdown.
    """
    text = html.escape(terminal_text(value, multiline=True), quote=True)
    return text.replace("\r", "&#13;").replace("\n", "&#10;")


def md_text(value: Any) -> str:
    """Text safe in Markdown on one line: no markup, link, image, HTML, table break or directive."""
    text = terminal_text(_LINE_BREAKS.sub(" ", str(value)))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_AUTOLINK.sub(r"\1\\\2", text)
    return _MD_LIST_START.sub(lambda m: f"{m.group(1)}{_md_list_marker(m.group(2))}", text)


def _md_list_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f{_BIDI}\u2028\u2029]")


def json_text(document: Any, **dump_options: Any) -> str:
    """``json.dumps`` without ASCII-escaping Chinese, but with every control and bidi character as
    ``\\uXXXX`` (json escapes C0 itself; C1, DEL and bidi would otherwise reach a terminal raw)."""
    text = json.dumps(document, ensure_ascii=False, **dump_options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# The same characters in UTF-8 (each match starts at a lead byte): for JSON written as bytes (orjson).
_JSON_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)


def json_safe_bytes(data: bytes) -> bytes:
    """UTF-8 JSON from another encoder with DEL, C1 and bidi characters as ``\\uXXXX`` (same value)."""
    return _JSON_UNSAFE_UTF8.sub(lambda m: b"\\u%04x" % ord(m.group().decode("utf-8")), data)


def escape_cell(value: Any) -> Any:
    """Prefix a single quote to text that a spreadsheet would run as a formula; other values pass.

    Numbers stay numbers (a negative amount is data, not a formula); only ``str`` is touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return ESCAPE_PREFIX + value
    return value


def excel_cell(value: Any) -> Any:
    """A value a workbook can hold safely: formula-escaped, no XML-illegal characters, within Excel's length.

    A stray control character in a submitted CSV must not make the whole 督办单 fail to write.
    """
    if not isinstance(value, str):
        return value
    text = _XML_ILLEGAL.sub("\ufffd", value)
    text = escape_cell(text)
    if len(text) > EXCEL_MAX_CELL_CHARS:
        text = text[: EXCEL_MAX_CELL_CHARS - 1] + "…"
    return text


def echo(text: Any = "", *, err: bool = False) -> None:
    """Print one block of our own output to the terminal (``click.echo``) through ``terminal_text``.

    Our lines keep their newlines; every other control or bidi character — from a department name,
    a note, a rules file — is shown as a visible escape. The CLI prints through this only.
    """
    import click

    click.echo(terminal_text(text, multiline=True), err=err)


__all__ = [
    "echo",
    "escape_cell",
    "excel_cell",
    "html_text",
    "json_safe_bytes",
    "json_text",
    "md_text",
    "terminal_text",
    "visible",
]
