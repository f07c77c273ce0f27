"""What reading a set of files produced: the canonical table, the rejected rows, the problems, and a load report.

Every source row ends up in exactly one bucket of its sheet's ``SheetReport``: data, subtotal
(合计/小计/类/款 parent rows), title/unit/header, note, blank, or rejected. ``rows_read`` equals
their sum, which the load report checks and states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from budget_guard.messages.problems import Problem, Severity, problems_frame
from budget_guard.model.table import empty_table

REJECTED_COLUMNS = ["file", "sheet", "row", "column", "code", "value", "message_zh", "message_en"]

# what became of a table (one sheet): the per-table line of the load report and the CLI summary
READ, NOT_SPENDING, EMPTY_TABLE, REPEATED, FAILED = "read", "not-spending", "empty", "repeated", "failed"
OUTCOMES = (READ, NOT_SPENDING, EMPTY_TABLE, REPEATED, FAILED)
ACCOUNTED_OUTCOMES = frozenset({READ, NOT_SPENDING, EMPTY_TABLE, REPEATED})


@dataclass
class SheetReport:
    """Row accounting for one sheet (or one CSV file, sheet ``None``)."""

    file: str
    sheet: str | None
    layout: str = "unknown"
    unit: str | None = None  # 元 | 万元
    department: str | None = None
    year: int | None = None
    rows_read: int = 0
    data_rows: int = 0
    subtotal_rows: int = 0
    header_rows: int = 0
    note_rows: int = 0
    blank_rows: int = 0
    rejected_rows: int = 0
    amount_fen: int = 0  # sum of the lines counted from this table (after repeats and funding scopes)
    read_fen: int = 0  # sum of the lines as the table itself prints them (before any cross-table decision)
    read_lines: int = 0
    printed_total_fen: int | None = None  # the table's own 合计 (None: it prints none we can compare)
    lines: int = 0  # canonical lines produced (a wide or 基本/项目 row yields several)
    header_row: int | None = None  # 1-based row of the (last) header row found
    title: str | None = None  # the printed title (what the per-table summary calls the table)
    # funding scope (table_kinds): general, fund, state-capital, appropriation, all-funds
    scope: str | None = None
    level: str | None = None  # department (部门预算/决算, includes its units) | unit (单位预算/决算)
    outcome: str = ""  # read | not-spending | empty | repeated | failed (see OUTCOMES)
    reason_zh: str = ""  # why, for every outcome but a plain read
    reason_en: str = ""
    counted_from: str | None = None  # repeated: the table whose lines were counted instead
    # a 收支总表's labelled totals in 分 (table_kinds.summary_figures: 本年支出合计 …), for the 表间勾稽
    printed_figures: dict = field(default_factory=dict)
    # an empty table's printed note saying it is empty on purpose (……本表无数据); "" when it prints none
    empty_note: str = ""

    @property
    def accounted(self) -> bool:
        return self.rows_read == (
            self.data_rows
            + self.subtotal_rows
            + self.header_rows
            + self.note_rows
            + self.blank_rows
            + self.rejected_rows
        )


@dataclass
class FileReport:
    """One input file: identity (hash, size), how it was read, and whether it could be read at all."""

    path: str
    name: str
    sha256: str | None = None
    size: int | None = None
    encoding: str | None = None
    status: str = "ok"  # ok | failed | skipped (same content as a file already read)
    sheets: list[SheetReport] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        """Failed outright, or no table of it read or set aside for a stated reason (not spending, empty,
        repeated). A file skipped because the same content was already read is accounted for."""
        if self.status != "ok":
            return self.status != "skipped"
        return not any(s.outcome in ACCOUNTED_OUTCOMES for s in self.sheets)

    @property
    def failed_tables(self) -> list[SheetReport]:
        """Tables of this file that could not be read (the others may have been)."""
        return [s for s in self.sheets if s.outcome == FAILED]


@dataclass
class LoadResult:
    table: pd.DataFrame = field(default_factory=empty_table)
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    # the published sets (ingest/settle/published_set.py): per department-year-stage read from two or more
    # tables, each table's kind and use, the department total, the 表间勾稽 relations checked
    published_sets: list = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.error.value]

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.status != "ok"]

    def problems_frame(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def report_frame(self) -> pd.DataFrame:
        """The load report: one row per file × sheet with the row accounting."""
        rows: list[dict[str, object]] = []
        for f in self.files:
            if not f.sheets:
                rows.append(
                    {
                        "file": f.name,
                        "sheet": None,
                        "outcome": FAILED if f.status == "failed" else f.status,
                        "status": f.status,
                        "encoding": f.encoding,
                        "sha256": f.sha256,
                    }
                )
            for s in f.sheets:
                rows.append(
                    {
                        "file": f.name,
                        "sheet": s.sheet,
                        "status": f.status,
                        "encoding": f.encoding,
                        "sha256": f.sha256,
                        "layout": s.layout,
                        "unit": s.unit,
                        "department": s.department,
                        "year": s.year,
                        "rows_read": s.rows_read,
                        "data_rows": s.data_rows,
                        "subtotal_rows": s.subtotal_rows,
                        "header_rows": s.header_rows,
                        "note_rows": s.note_rows,
                        "blank_rows": s.blank_rows,
                        "rejected_rows": s.rejected_rows,
                        "amount_fen": s.amount_fen,
                        "read_fen": s.read_fen,
                        "read_lines": s.read_lines,
                        "printed_total_fen": s.printed_total_fen,
                        "lines": s.lines,
                        "accounted": s.accounted,
                        "title": s.title,
                        "scope": s.scope,
                        "outcome": s.outcome,
                        "reason_zh": s.reason_zh,
                        "reason_en": s.reason_en,
                        "counted_from": s.counted_from,
                    }
                )
        return pd.DataFrame(rows)

    def totals(self) -> dict[str, int]:
        """Counts over all files: what the load report headline says."""
        sheets = [s for f in self.files for s in f.sheets]
        return {
            "files": len(self.files),
            "files_failed": len(self.failed_files),
            "sheets": len(sheets),
            "rows_read": sum(s.rows_read for s in sheets),
            "data_rows": sum(s.data_rows for s in sheets),
            "subtotal_rows": sum(s.subtotal_rows for s in sheets),
            "header_rows": sum(s.header_rows for s in sheets),
            "note_rows": sum(s.note_rows for s in sheets),
            "blank_rows": sum(s.blank_rows for s in sheets),
            "rejected_rows": sum(s.rejected_rows for s in sheets),
            "errors": len(self.errors),
            "warnings": sum(p.severity == Severity.warning.value for p in self.problems),
            "notices": sum(p.severity == Severity.notice.value for p in self.problems),
        }

    @property
    def all_rows_accounted(self) -> bool:
        return all(s.accounted for f in self.files for s in f.sheets)
