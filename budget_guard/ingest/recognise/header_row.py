"""Match the cells of one candidate header row to canonical fields (shared by the line-level layouts).

The long template and the 一体化 export differ only in which header texts name which field; how a
row is scanned — first cell per field wins, a repeat is a located ``header-duplicate``, unknown
texts are kept as ignored columns — is the same, so it lives here once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from budget_guard.ingest.files.grid import column_letter
from budget_guard.messages.problems import Problem

FieldLookup = Callable[[str], tuple[str | None, str | None]]


@dataclass
class HeaderRowMatch:
    """Fields found in one row: their column positions, printed labels and the unit each states."""

    fields: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    stated_units: dict[str, str | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)


def match_header_row(
    cells: Sequence[object], row: int, lookup: FieldLookup, file: str, sheet: str | None
) -> HeaderRowMatch:
    """Map each text cell of ``row`` through ``lookup`` (header text → (field, stated unit))."""
    match = HeaderRowMatch()
    for position, value in enumerate(cells):
        if not isinstance(value, str):
            continue
        name, stated = lookup(value)
        if name is None:
            match.ignored.append((position, value))
            continue
        if name in match.fields:
            match.problems.append(
                Problem(
                    "header-duplicate",
                    file=file,
                    sheet=sheet,
                    row=int(row),
                    column=column_letter(position),
                    details={"value": value, "first": match.labels[name], "field": name},
                )
            )
            continue
        match.fields[name] = position
        match.labels[name] = value.strip()
        match.stated_units[name] = stated
    return match
