"""Numbers and codes as bureaus write them, parsed column-at-a-time into exact integer fen and clean code text.

Amounts are converted by shifting decimal digits in the text (no float ever touches a value), which is
exactly ``Decimal(text) * unit`` rounded half-up at the fen, but vectorised with pandas string ops so a
million-line file costs a few array passes. Codes are cleaned once per distinct value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from budget_guard.ingest.files.grid import TEXT
from budget_guard.model.limits import SAFE_TOTAL_FEN
from budget_guard.model.table import FEN_PER_WAN, FEN_PER_YUAN

# unit name → fen per unit, and the number of decimal places that makes a fen
UNIT_FEN: dict[str, int] = {"元": FEN_PER_YUAN, "千元": 1000 * FEN_PER_YUAN, "万元": FEN_PER_WAN}
UNIT_DECIMALS: dict[str, int] = {"元": 2, "千元": 5, "万元": 6}

_PLAIN = r"-?\d+(?:\.\d+)?"
_DASHES = "[-\u2010-\u2015\u2212\u2500\u30fc\uff0d]+"  # - ‐ ‒ – — ― − ─ ー －: printed for "nothing"
# A plain number the vectorised path converts: the whole part short enough for int64 fen after scaling.
_FAST_INT_DIGITS = 15
# The grammar of one amount after NFKC (full-width digits, ，and ￥ become ASCII , and ¥):
# digits with well-formed thousands grouping (1,234,567.89 or 1 234 567.89) or none, or a
# spreadsheet's exponent form. The decimal separator is always the point.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_EXPONENT = re.compile(r"\d+(?:\.\d+)?[eE][-+]?\d{1,3}")
_DASHES_RE = re.compile(_DASHES)
_CURRENCY = "¥"  # NFKC maps the full-width ￥ to ¥
_SUFFIX_UNITS = (("万元", "万元"), ("千元", "千元"), ("元", "元"))
# 16 or more significant digits come only from a float's repr (0.30000000000000004): not a clerk's fen
_FLOAT_DIGITS = 16

# status values of a parsed amount cell
OK, BLANK, BAD, RANGE, ROUNDED = "ok", "blank", "bad", "range", "rounded"


@dataclass(frozen=True)
class Amount:
    """One parsed amount cell: fen (None unless usable) and its status.

    ``ok`` exact; ``rounded`` digits below the fen were dropped (half up, a notice names the row);
    ``blank`` empty; ``bad`` not a well-formed number (``amount-not-numeric``); ``range`` beyond
    the plausible limit (``amount-out-of-range``, the line is rejected).
    """

    fen: int | None
    status: str


def parse_amount(text: object, unit: str = "元", max_fen: int | None = None) -> Amount:
    """The amount grammar, for one cell: the one place that decides what text is an amount.

    Accepts ``1,234.56`` (grouping in threes only), ``-1234.5``, ``(123.45)`` negative, ``¥1,234.00``
    or ``￥``, a ``元`` (or, in a 万元 table, ``万元``) suffix, a dash alone as zero, and the exponent
    form a spreadsheet stores (``1.5e-05``). ``1,2,3``, ``12,34.5``, ``12 345,00``, ``1.234,56``,
    ``12万`` are ``bad``. Conversion is exact (``Decimal``), half up at the fen.
    """
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return Amount(None, BLANK)
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not s:
        return Amount(None, BLANK)
    if _DASHES_RE.fullmatch(s):
        return Amount(0, OK)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    sign, s = _sign(s)
    if s.startswith(_CURRENCY):
        s = s[len(_CURRENCY) :].strip()
        if not sign:
            sign, s = _sign(s)
    for suffix, suffix_unit in _SUFFIX_UNITS:
        if s.endswith(suffix):
            if suffix_unit != unit:
                return Amount(None, BAD)  # 12万元 in a 元 table: the cell contradicts the table's unit
            s = s[: -len(suffix)].strip()
            break
    if sign == "-" and negative:
        return Amount(None, BAD)  # (-12.30): two negations, ambiguous
    negative = negative or sign == "-"
    if not (_GROUPED.fullmatch(s) or _EXPONENT.fullmatch(s)):
        return Amount(None, BAD)
    try:
        value = Decimal(s.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return Amount(None, BAD)
    return _to_fen(-value if negative else value, unit, max_fen)


def _sign(s: str) -> tuple[str, str]:
    if s[:1] in "-+":
        return s[:1], s[1:].strip()
    return "", s


def _to_fen(value: Decimal, unit: str, max_fen: int | None) -> Amount:
    scaled = value.scaleb(UNIT_DECIMALS[unit])
    fen = scaled.to_integral_value(rounding=ROUND_HALF_UP)
    if abs(fen) > (SAFE_TOTAL_FEN if max_fen is None else min(max_fen, SAFE_TOTAL_FEN)):
        return Amount(None, RANGE)
    status = OK
    if fen != scaled:
        status = ROUNDED
        if len(value.as_tuple().digits) >= _FLOAT_DIGITS:  # a float's repr: its 15 real digits decide
            real = value.quantize(Decimal(1).scaleb(value.adjusted() - 14), rounding=ROUND_HALF_UP)
            real_scaled = real.scaleb(UNIT_DECIMALS[unit])
            status = OK if real_scaled == real_scaled.to_integral_value() else ROUNDED
    return Amount(int(fen), status)


def parse_amounts(
    series: pd.Series, unit: str = "元", blank_is_zero: bool = False, max_fen: int | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse amount text into integer fen. Returns ``(fen, status)`` aligned with ``series``.

    Plain cells (``-1234.56``, what a spreadsheet stores) take a vectorised path; every other
    cell is parsed once per distinct value by ``parse_amount``, which holds the grammar. ``status``
    is one of ``ok``, ``rounded``, ``blank`` (zero when ``blank_is_zero``), ``bad`` or ``range``
    (beyond ``max_fen``); ``fen`` is <NA> unless the status is ok or rounded.
    """
    decimals = UNIT_DECIMALS[unit]
    s = series.astype(TEXT).str.strip()
    s = s.mask(s == "")
    blank = s.isna().to_numpy(dtype=bool)
    fast = s.str.fullmatch(rf"-?\d{{1,{_FAST_INT_DIGITS - decimals}}}(?:\.\d+)?").fillna(False)
    fast_np = fast.to_numpy(dtype=bool)
    fen_values = np.zeros(len(s), dtype=np.int64)
    status = np.where(blank, BLANK, OK).astype(object)
    if fast_np.any():
        fen_values[fast_np], below_fen = _digits_to_fen(pa.array(s[fast].array), decimals)
        if below_fen.any():
            checked = s[fast][below_fen]
            verdict = {v: parse_amount(v, unit).status for v in pd.unique(checked)}
            status_fast = status[fast_np]
            status_fast[below_fen] = [verdict[v] for v in checked]
            status[fast_np] = status_fast
    fen = pd.Series(pd.arrays.IntegerArray(fen_values, ~fast_np), index=series.index)
    slow = ~fast_np & ~blank
    if slow.any():
        parsed = {v: parse_amount(v, unit, max_fen) for v in pd.unique(s[slow])}
        values = s[slow]
        fen[slow] = pd.array([parsed[v].fen for v in values], dtype="Int64")
        status[slow] = [parsed[v].status for v in values]
    if max_fen is not None:
        beyond = (fen.abs() > max_fen).fillna(False).to_numpy(dtype=bool)
        if beyond.any():
            fen[beyond] = pd.NA
            status[beyond] = RANGE
    if blank_is_zero:
        fen = fen.mask(blank, 0)
    return fen, pd.Series(status, index=series.index)


def _digits_to_fen(text: pa.Array | pa.ChunkedArray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain numbers (``-1234.5678``, no NA) → fen by moving the decimal point ``decimals`` places,
    rounding half away from zero; and whether a digit other than 0 lies below the fen.

    Every step is a pyarrow kernel on the whole column (no Python per cell, no pandas wrapper). The
    usual cell has no digits below the fen (``838096.00``): its digits without the point are the
    amount, scaled by the missing decimal places; only the others are split and rounded.
    """
    point = _numpy(pc.find_substring(text, "."), np.int64)
    places = np.where(point >= 0, _numpy(pc.binary_length(text), np.int64) - point - 1, 0)
    exact = places <= decimals
    if not exact.all():
        value = np.zeros(len(text), dtype=np.int64)
        below_fen = np.zeros(len(text), dtype=bool)
        if exact.any():
            value[exact], _ = _digits_to_fen(pc.filter(text, pa.array(exact)), decimals)
        value[~exact], below_fen[~exact] = _split_to_fen(pc.filter(text, pa.array(~exact)), decimals)
        return value, below_fen
    digits = _numpy(pc.cast(pc.replace_substring(text, ".", ""), pa.int64()), np.int64)
    return digits * 10 ** (decimals - places), np.zeros(len(text), dtype=bool)


def _split_to_fen(text: pa.Array | pa.ChunkedArray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """``_digits_to_fen`` for numbers with digits below the fen: whole and fraction apart, half up."""
    negative = pc.starts_with(text, "-")
    body = pc.utf8_ltrim(text, characters="-")
    # one point at most: append one and split at the first, so "12" and "12.5" both give two parts
    empty, point = pa.scalar("", type=body.type), pa.scalar(".", type=body.type)
    parts = pc.split_pattern(pc.binary_join_element_wise(body, empty, point), ".", max_splits=1)
    whole = pc.list_element(parts, 0)
    digits = pc.utf8_rtrim(pc.list_element(parts, 1), characters=".")
    frac = pc.utf8_rpad(digits, decimals + 1, padding="0")
    value = pc.multiply(pc.cast(whole, pa.int64()), 10**decimals)
    if decimals:
        value = pc.add(value, pc.cast(pc.utf8_slice_codeunits(frac, 0, decimals), pa.int64()))
    round_up = pc.greater_equal(pc.utf8_slice_codeunits(frac, decimals, decimals + 1), "5")
    value = pc.add(value, pc.cast(round_up, pa.int64()))
    value = pc.if_else(negative, pc.negate(value), value)
    below_fen = pc.match_substring_regex(pc.utf8_slice_codeunits(digits, decimals), "[1-9]")
    return _numpy(value, np.int64), _numpy(below_fen, bool)


def _numpy(values: pa.Array | pa.ChunkedArray, dtype) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=dtype)


def fen_to_unit_text(fen: int, unit: str) -> str:
    """An exact amount in the table's own unit, e.g. ``4,884.09`` for a 万元 table (for messages)."""
    value = Decimal(int(fen)) / UNIT_FEN[unit]
    return f"{value:,.2f}" if unit != "元" or value == value.quantize(Decimal("0.01")) else f"{value:,}"


# -- codes -------------------------------------------------------------------------------------

FUNC_LENGTHS = (3, 5, 7)
ECON_LENGTHS = (3, 5)


@dataclass(frozen=True)
class CodeCheck:
    """A cleaned code and, when it cannot be used, why (for ``code-malformed``)."""

    code: str | None
    problem: str | None


def clean_code(value: str, lengths: tuple[int, ...]) -> CodeCheck:
    """``2010301.0`` → ``2010301``; keeps leading zeros; explains letters and wrong lengths."""
    text = unicodedata.normalize("NFKC", str(value)).strip().lstrip("'").replace(" ", "")
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)
    if not text:
        return CodeCheck(None, None)
    if not text.isdigit() or not text.isascii():
        return CodeCheck(None, "含非数字字符 / contains non-digits")
    if len(text) not in lengths:
        allowed = "/".join(str(n) for n in lengths)
        return CodeCheck(None, f"{len(text)}位，应为{allowed}位 / {len(text)} digits, expected {allowed}")
    return CodeCheck(text, None)


def clean_codes(series: pd.Series, lengths: tuple[int, ...]) -> tuple[pd.Series, pd.Series]:
    """Vectorised over distinct values: returns ``(code, problem)`` string Series, <NA> where none."""
    s = series.astype(TEXT)
    uniques = s.dropna().unique()
    checks = {u: clean_code(u, lengths) for u in uniques}
    code = s.map({u: c.code for u, c in checks.items()}).astype(TEXT)
    problem = s.map({u: c.problem for u, c in checks.items()}).astype(TEXT)
    return code, problem
