"""Text from data, rules or people, made safe for the medium it lands in.

Budget tables and rules files come from outside the finance bureau: any text in them may try to
run a formula when a clerk opens our 督办单 (XLSX/CSV). Every writer passes such text through the
helper of its medium here.
"""

from __future__ import annotations

import re
from typing import Any

# A cell starting with one of these is taken as a formula (or DDE) by Excel, WPS or LibreOffice.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
EXCEL_MAX_CELL_CHARS = 32_767
# Control characters XML 1.0 (so XLSX) cannot hold; openpyxl refuses them with an exception.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
