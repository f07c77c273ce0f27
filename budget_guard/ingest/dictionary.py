"""Codes against the classification dictionary: unknown codes (a notice) and printed names that disagree (a warning).

The dictionary is partial by design (see ``budget_guard.codes``), so an unknown code is only a notice,
reported once per code and sheet at its first row. A name is compared after NFKC and with brackets and
whitespace normalised, so ``因公出国(境)费用`` matches ``因公出国（境）费用`` but ``办公费`` does not match 30217.
"""

from __future__ import annotations

import pandas as pd

from ..codes import CodeBook, normalise_name
from ..problems import Problem


def unknown_code_problems(
    codes: pd.Series, kind: str, book: CodeBook, *, file: str, sheet: str | None, column: str | None
) -> list[Problem]:
    """One ``code-unknown`` notice per distinct code missing from the dictionary (``codes`` indexed by source row)."""
    present = codes.dropna()
    if present.empty:
        return []
    unknown = present[~present.astype(str).isin(book.names[kind].keys())]
    first_rows = unknown.groupby(unknown.astype(str), sort=False).apply(lambda s: s.index[0])
    return [
        Problem(
            "code-unknown",
            file=file,
            sheet=sheet,
            row=int(row),
            column=column,
            details={"value": code, "kind": kind},
        )
        for code, row in first_rows.items()
    ]


def name_mismatch_problems(
    code_rows: pd.DataFrame, kind: str, book: CodeBook, *, file: str, sheet: str | None, column: str | None
) -> list[Problem]:
    """``code-name-mismatch`` for each row whose printed name differs from the dictionary's name for its code."""
    problems = []
    for row, code, name in code_rows[["code", "name"]].itertuples():
        if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
            continue
        expected = book.name(kind, code)
        if expected is None or normalise_name(expected) == normalise_name(name):
            continue
        problems.append(
            Problem(
                "code-name-mismatch",
                file=file,
                sheet=sheet,
                row=int(row),
                column=column,
                details={"value": code, "expected": expected, "actual": name.strip()},
            )
        )
    return problems
