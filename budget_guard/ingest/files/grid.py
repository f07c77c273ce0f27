"""Raw grids: every sheet (or CSV file) as a DataFrame of cell text, indexed by the 1-based row number a user sees.

A grid keeps positions, not meaning: column ``j`` is spreadsheet column ``j`` (A = 0), row ``r`` is
spreadsheet row ``r``. Layout modules decide what the cells mean. Excel is read with calamine:
cached values only, formulas and macros are never evaluated.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import python_calamine

from budget_guard.model.limits import DEFAULT_LIMITS, Limits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))

# The stdlib csv module refuses a field above 128 KiB with an error; cell length is judged by the
# documented limit (``Limits.max_cell_chars``, the row rejected), not by the parser.
csv.field_size_limit(max(csv.field_size_limit(), (1 << 31) - 1))

TEXT = pd.StringDtype("pyarrow")  # C-speed string ops on big sheets
CSV, EXCEL, ENCRYPTED, EMPTY, UNSUPPORTED = "csv", "excel", "encrypted", "empty", "unsupported"
PDF = "pdf"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class GridError(Exception):
    """A file that cannot be turned into grids; ``code`` is a problem kind, ``details`` fill its template."""

    def __init__(self, code: str, **details: str) -> None:
        self.code = code
        self.details = details
        super().__init__(code)


def sniff_format(data: bytes, suffix: str) -> str:
    """Decide by content, not by name: an encrypted .xlsx is an OLE2 file, a '.xls' may be a CSV."""
    if not data or data.isspace():  # bytes.isspace: the ASCII whitespace ``strip`` removes, without a copy
        return EMPTY
    if data.startswith(OLE2_MAGIC):
        head = data[: 1 << 20]
        if any(marker in head for marker in _ENCRYPTED_MARKERS) or any(
            marker in data for marker in _ENCRYPTED_MARKERS
        ):
            return ENCRYPTED
        return EXCEL
    if data.startswith(ZIP_MAGIC):
        return EXCEL
    if b"%PDF-" in data[:1024]:  # a PDF's header may follow a little junk (readers allow 1 KiB)
        return PDF
    if suffix in (".pdf", ".doc", ".docx", ".zip", ".json"):
        return UNSUPPORTED
    if suffix in TEXT_SUFFIXES:
        return CSV
    if suffix in EXCEL_SUFFIXES:
        # neither zip nor OLE2: an export that is really text (CSV or HTML) under an Excel name
        return CSV if b"\x00" not in data[:4096] and data.lstrip()[:1] != b"<" else EXCEL
    return UNSUPPORTED


def csv_grid(text: str | bytes, start: int = 0) -> pd.DataFrame:
    """Parse CSV text; ragged rows (a one-cell title above a 9-column header) are fine.

    ``text`` is a ``str``, or UTF-8 bytes already known to be valid (``encodings.utf8_start``) with
    the text beginning at ``start`` (after a BOM): then nothing is decoded, and pyarrow reads the
    bytes where they lie. The fast path is pyarrow's C++ reader: rows with fewer cells than the
    widest early row come back through its invalid-row handler with their line numbers and are put
    back in place. When that cannot be trusted (a quoted cell spanning lines, a row wider than
    expected) the pandas C parser reads it.
    """
    if isinstance(text, str):
        data, start = text.encode("utf-8"), 0
        sample = text[:200_000]
    else:
        data = text
        # at most 4 bytes a character: this prefix holds the first 200,000 characters (a cut last one is dropped)
        sample = data[start : start + 800_000].decode("utf-8", errors="ignore")[:200_000]
    sep = "\t" if sample.count("\t") > sample.count(",") else ","
    width = _max_fields(sample.splitlines()[:200], sep)
    grid = _arrow_csv_grid(data, start, sep, width)
    if grid is not None:
        return grid
    body = text if isinstance(text, str) else data[start:].decode("utf-8")
    return _pandas_csv_grid(body, sep, width)


def _arrow_csv_grid(data: bytes, start: int, sep: str, width: int) -> pd.DataFrame | None:
    short: list[tuple[int, str]] = []
    too_wide = False

    def invalid(row) -> str:
        nonlocal too_wide
        if row.number is None or row.actual_columns > width:
            too_wide = True
        else:
            short.append((row.number, row.text))
        return "skip"

    names = [str(i) for i in range(max(width, 1))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:]),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, invalid_row_handler=invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    newlines = data.count(b"\n", start)
    lines = newlines + (0 if data.endswith(b"\n") or len(data) <= start else 1)
    if too_wide or table.num_rows + len(short) != lines:
        return None  # a quoted cell spans lines, or a row is wider: line numbers would drift
    columns = {position: _blank_as_missing(table.column(position)) for position in range(len(names))}
    grid = pd.DataFrame(columns)
    if short:
        line_numbers = sorted(number for number, _ in short)
        kept = np.setdiff1d(np.arange(1, lines + 1), np.array(line_numbers))
        grid.index = kept
        extra = pd.DataFrame(
            [
                (list(next(csv.reader([row_text], delimiter=sep), [])) + [None] * width)[:width]
                for _, row_text in sorted(short)
            ],
            index=line_numbers,
        )
        extra = _as_grid(extra)
        extra.index = line_numbers
        grid = pd.concat([grid, extra]).sort_index()
    grid.index = pd.RangeIndex(1, lines + 1)
    return grid


def _blank_as_missing(column: pa.ChunkedArray) -> pd.Series:
    """A text column of the grid: cells that are empty or only (Unicode) whitespace become missing.

    ``utf8_is_space`` is exactly "trims to nothing" for a non-empty cell, and it allocates no new
    text; the column's buffers are shared with the Arrow table unless some cell is blank.
    """
    blank = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
    if pc.any(blank).as_py():
        column = pc.if_else(blank, pa.scalar(None, pa.large_string()), column)
    return pd.Series(pd.arrays.ArrowStringArray(column))


def _pandas_csv_grid(text: str, sep: str, width: int) -> pd.DataFrame:
    for attempt in range(2):
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                header=None,
                names=range(max(width, 1)),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                quoting=csv.QUOTE_MINIMAL,
            )
            break
        except pd.errors.ParserError as exc:
            if attempt:
                raise GridError("file-corrupt", expected="CSV", detail=str(exc)) from exc
            width = _max_fields(text.splitlines(), sep)
    return _as_grid(frame)


def _max_fields(lines: list[str], sep: str) -> int:
    return max((len(row) for row in csv.reader(lines, delimiter=sep)), default=1)


Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col)), 0-based


# A sheet-level problem: its code, the details for its message, and the row and column letter (if any).
SheetProblem = tuple[str, dict[str, str], int | None, str | None]


@dataclass(frozen=True)
class Workbook:
    """The sheets as grids; merged ranges and sheet-level problems (too large, formulas without values)."""

    sheets: dict[str, pd.DataFrame]
    merges: dict[str, list[Merge]] = field(default_factory=dict)
    problems: dict[str, list[SheetProblem]] = field(default_factory=dict)


def excel_grids(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Workbook:
    """Every worksheet of an .xlsx/.xls/.xlsb/.ods workbook as grids, in workbook order.

    calamine is the Rust reader behind ``pandas.read_excel(engine="calamine")``; it is called directly
    here because pandas' per-cell conversion doubles the time of a 100k-row sheet. It reads cached
    values only: formulas and macros are never evaluated. A zipped workbook is measured first
    (``ingest/files/zip_guard.py``): a zip bomb or a sheet whose used range is too large is refused before
    calamine allocates it; a formula saved without a value is put in its cell as the formula text,
    so it is rejected by name instead of being read as 0.
    """
    from budget_guard.ingest.files.zip_guard import (
        scan_zip_workbook,  # safety imports this module's GridError
    )

    scan = scan_zip_workbook(data, limits) if data.startswith(ZIP_MAGIC) else None
    sheets: dict[str, pd.DataFrame] = {}
    merges: dict[str, list[Merge]] = {}
    problems: dict[str, list[SheetProblem]] = {}
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in workbook.sheets_metadata:
            if str(getattr(meta, "typ", "")).endswith("ChartSheet"):
                continue
            name = str(meta.name)
            if scan is not None and name in scan.too_large:
                problems[name] = [("sheet-too-large", scan.too_large[name], None, None)]
                sheets[name] = _rows_grid([])
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            grid = _rows_grid(sheet.to_python(skip_empty_area=False))
            merges[name] = list(sheet.merged_cell_ranges or [])
            if scan is not None and name in scan.uncached:
                grid, found = _put_formulas(grid, scan.uncached[name])
                problems[name] = found
            sheets[name] = grid
    except (
        Exception
    ) as exc:  # calamine raises its own error types (and ValueError on junk); any means unreadable
        message = f"{type(exc).__name__}: {exc}"
        lowered = message.lower()
        if "password" in lowered or "encrypt" in lowered:
            raise GridError("file-encrypted") from exc
        raise GridError("file-corrupt", expected="Excel", detail=message[:200]) from exc
    return Workbook(sheets, merges, problems)


MAX_FORMULA_PROBLEMS = 50  # per sheet; the cells themselves are all rejected by name


def _put_formulas(grid: pd.DataFrame, found: list) -> tuple[pd.DataFrame, list[SheetProblem]]:
    """Write each uncached formula's text into its (empty) cell; one problem per cell (the first 50)."""
    grid = grid.copy()
    problems: list[SheetProblem] = []
    for formula in found:
        inside = formula.row in grid.index and formula.column in grid.columns
        if inside and pd.isna(grid.at[formula.row, formula.column]):
            grid.at[formula.row, formula.column] = formula.formula
        if len(problems) < MAX_FORMULA_PROBLEMS:
            details = {"cell": formula.cell, "formula": formula.formula}
            problems.append(("formula-uncached", details, formula.row, column_letter(formula.column)))
    return grid, problems


def _rows_grid(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else []
    grid = pd.DataFrame(
        {
            position: pd.Series(
                pd.arrays.ArrowStringArray(pa.array([_cell_text(v) for v in cells], type=pa.large_string()))
            )
            for position, cells in enumerate(columns)
        }
    )
    if grid.shape[1] == 0:
        grid = pd.DataFrame({0: pd.Series(pd.NA, index=range(len(rows)), dtype=TEXT)})
    grid.index = pd.RangeIndex(1, len(rows) + 1)
    return grid


def _cell_text(value: object) -> str | None:
    """Numbers as their shortest exact text (``2010301.0`` → ``2010301``), empty cells as ``None``."""
    if value.__class__ is str:
        return value if value.strip() else None
    if value.__class__ is float:
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _as_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text (<NA> when empty), columns numbered from 0, rows numbered from 1."""
    out = {}
    for position, column in enumerate(frame.columns):
        text = frame[column].astype(TEXT).reset_index(drop=True)
        stripped = text.str.strip()
        out[position] = text.mask(stripped.isna() | (stripped == ""))
    grid = (
        pd.DataFrame(out) if out else pd.DataFrame({0: pd.Series(pd.NA, index=range(len(frame)), dtype=TEXT)})
    )
    grid.index = pd.RangeIndex(1, len(frame) + 1)
    return grid


def top_rows(grid: pd.DataFrame, count: int) -> list[tuple[int, list[object]]]:
    """The first ``count`` rows as ``(row number, cells)``: ``grid.loc[row].tolist()`` for each, read in
    one conversion instead of one cross-section of every column per row (a grid's index is the row numbers)."""
    head = grid.iloc[:count]
    return list(zip(head.index, head.astype(object).to_numpy().tolist(), strict=True))


def column_letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
