"""Codes against the classification dictionary: unknown codes (a notice) and printed names that disagree (a warning).

The dictionary is partial by design (see ``budget_guard.model.codes``), so an unknown code is only a notice,
reported once per code and sheet at its first row. A name is compared after NFKC and with brackets and
whitespace normalised, so ``因公出国(境)费用`` matches ``因公出国（境）费用`` but ``办公费`` does not match 30217.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from budget_guard.messages.problems import Problem
from budget_guard.model.codes import CodeBook, normalise_name


def unknown_code_problems(
    codes: pd.Series, kind: str, book: CodeBook, *, file: str, sheet: str | None, column: str | None
) -> list[Problem]:
    """One ``code-unknown`` notice per distinct code missing from the dictionary (``codes`` indexed by source row)."""
    if isinstance(codes.dtype, pd.CategoricalDtype):
        first_rows = _first_unknown_rows(codes, book.names[kind])
    else:
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


def _first_unknown_rows(codes: pd.Series, known: Mapping[str, object]) -> pd.Series:
    """Per distinct unknown code (first appearance order): the index label of its first line.

    Decided once per category, then found with the integer codes: no text per line.
    """
    categories = [str(c) for c in codes.cat.categories]
    unknown = np.array([c not in known for c in categories] + [False], dtype=bool)
    positions = codes.cat.codes.to_numpy()
    lines = np.flatnonzero(unknown[positions])
    if not len(lines):
        return pd.Series(dtype=object)
    _, first = np.unique(positions[lines], return_index=True)
    first_lines = np.sort(lines[first])
    return pd.Series(
        codes.index[first_lines], index=[categories[positions[line]] for line in first_lines], dtype=object
    )


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
        spans = book.years_of(kind, code, name)
        if spans:  # the name this code had in another year's classification (款 renamed between years)
            first, last, _ = spans[0]
            problems.append(
                Problem(
                    "code-name-other-year",
                    file=file,
                    sheet=sheet,
                    row=int(row),
                    column=column,
                    details={
                        "value": code,
                        "actual": name.strip(),
                        "years": f"{first}–{last}",
                        "expected": expected,
                    },
                )
            )
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


def codes_named(name: str, kind: str, book: CodeBook, hint: str = "") -> list[str]:
    """Dictionary codes whose name is ``name`` (normalised); those ending in the printed ``hint`` digits first."""
    wanted = normalise_name(name)
    found = [code for code, known in book.names[kind].items() if normalise_name(known) == wanted]
    return sorted(found, key=lambda c: (not (hint and c.endswith(hint)), len(c), c))


def suggestion_problems(
    malformed: pd.DataFrame | None,
    kind: str,
    book: CodeBook,
    *,
    file: str,
    sheet: str | None,
    column: str | None,
) -> list[Problem]:
    """For a code that does not fit the classification (``7 | 11 | 02``), the code its printed name has in the dictionary."""
    if malformed is None or malformed.empty:
        return []
    problems = []
    for row, raw, name in malformed[["raw", "name"]].itertuples():
        if not isinstance(name, str) or not name.strip():
            continue
        hint = "".join(part.strip() for part in str(raw).split("|")[1:])
        found = codes_named(name, kind, book, hint)
        if not found:
            continue
        problems.append(
            Problem(
                "code-suggested",
                file=file,
                sheet=sheet,
                row=int(row),
                column=column,
                details={
                    "value": raw,
                    "name": name.strip(),
                    "suggestion": found[0],
                    "others": "、".join(found[1:4]),
                },
            )
        )
    return problems
