"""What a run submitted, as evidence: a content hash of each department's canonical lines.

A case counts toward "found again N times" only when the data differs from the run that last
counted it (a new submission). The hash is taken over the department's canonical lines — every
column of ``table.COLUMNS`` except where a line was read from (file, sheet, row, layout) — sorted,
so renaming, re-saving or re-ordering a file is the same submission, and changing one amount, code
or line is a new one. The government total's hash is that of all the lines.

On DuckDB / Spark (the lines stay in the engine) the hash is taken over the department's group sums
the engine handed over (per stage × year × category: amount and line count, and the input totals):
any change of money or of line count in any category or year is a new submission there.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from budget_guard.engine.compare import GOVERNMENT, SCOPE_COLUMNS
from budget_guard.engine.evaluate import Evaluation
from budget_guard.model.table import COLUMNS, SOURCE_FILE, SOURCE_LAYOUT, SOURCE_ROW, SOURCE_SHEET

# Where a line was read from is not what it says: the same lines from a renamed file are the same data.
_PLACE_COLUMNS = frozenset({SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW, SOURCE_LAYOUT})
_ALL = "__all__"
CONTENT_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in _PLACE_COLUMNS)


def _digest(row_hashes: np.ndarray) -> str:
    return hashlib.sha256(np.sort(row_hashes.astype(np.uint64)).tobytes()).hexdigest()[:32]


def _frame_hashes(frame: pd.DataFrame, by: str, columns: list[str]) -> dict[str, str]:
    """One hash per value of ``by``: the sorted row hashes of its rows (order-free)."""
    if frame.empty:
        return {}
    content = frame[columns].copy()
    for column in columns:  # categoricals hash by code; hash the values
        if isinstance(content[column].dtype, pd.CategoricalDtype):
            content[column] = content[column].astype(object)
    row_hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
    keys = frame[by].astype(object).astype(str).to_numpy()
    out: dict[str, str] = {}
    order = np.argsort(keys, kind="stable")
    keys, row_hashes = keys[order], row_hashes[order]
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        out[str(keys[start])] = _digest(row_hashes[start:end])
    return out


def scope_hashes(evaluation: Evaluation) -> dict[tuple[str, str], str]:
    """(scope type, scope) → content hash of that scope's lines in this evaluation (every stage and year).

    Scopes are the government total, 财政区划, departments and 单位, as the summary compares them.
    """
    lines = evaluation.lines
    if lines is not None:
        frame, columns = lines, [c for c in CONTENT_COLUMNS if c in lines.columns]
        frames = [(frame, columns)]
    else:
        summary = evaluation.line_summary
        if summary is None:
            return {}
        frames = [(f, list(f.columns)) for f in (summary.cells, summary.totals) if not f.empty]
    parts: dict[tuple[str, str], list[str]] = {}
    for frame, columns in frames:
        frame = frame.assign(**{_ALL: "all"})
        for scope_type, column in ((GOVERNMENT, _ALL), *SCOPE_COLUMNS.items()):
            if column not in frame.columns or frame[column].isna().all():
                continue
            for scope, digest in _frame_hashes(frame[frame[column].notna()], column, columns).items():
                parts.setdefault((scope_type, scope if scope_type != GOVERNMENT else ""), []).append(digest)
    return {key: hashlib.sha256("|".join(p).encode()).hexdigest()[:32] for key, p in parts.items()}


def scope_hash(hashes: dict[tuple[str, str], str], scope_type: str, scope: str) -> str:
    """The hash of a cell's evidence: its scope's lines ('' when the scope sent none)."""
    return hashes.get((scope_type, "" if scope_type == GOVERNMENT else scope), "")
