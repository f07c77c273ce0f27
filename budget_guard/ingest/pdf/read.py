"""One PDF source → the sheet outcomes ``read_budget`` collects, exactly as a workbook's sheets.

Each table of the PDF is read by the published-table layouts (``ingest/sheets.read_sheet``) under its
place ``第N页 表M``. A table that failed the check against its page (``document.py``) is read for its
title and rows only: every line it would give becomes a rejected record and the table's outcome is
*failed* with the reason, so no verdict ever rests on it. Pages refused (scans) and the text pages are
listed in the load report as pages of their own.
"""

from __future__ import annotations

import pandas as pd

from budget_guard.ingest.load_result import (
    EMPTY_TABLE,
    FAILED,
    NOT_SPENDING,
    REJECTED_COLUMNS,
    FileReport,
    SheetReport,
)
from budget_guard.ingest.pdf.document import PdfTable, PdfUnavailable, read_pdf
from budget_guard.ingest.pdf.narrative import check_narrative
from budget_guard.ingest.recognise.table_kinds import no_data_note
from budget_guard.ingest.sheets import Options, SheetOutcome, empty_lines, read_sheet
from budget_guard.messages.problems import Problem


def read_pdf_source(
    data: bytes, name: str, report: FileReport, options: Options
) -> tuple[list[SheetOutcome], list[Problem]]:
    try:
        document = read_pdf(data, name)
    except PdfUnavailable:
        report.status = "failed"
        return [], [Problem("pdf-reader-missing", file=name)]
    except Exception as exc:  # pdfminer's own errors on a damaged file: the file is unreadable, not a bug
        report.status = "failed"
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return [], [Problem("file-corrupt", file=name, details={"expected": "PDF", "detail": detail})]
    outcomes: list[SheetOutcome] = []
    for table in document.tables:
        outcome = read_sheet(table.grid, name, table.sheet, options)
        outcome.problems[:0] = table.notes
        if outcome.report.outcome == EMPTY_TABLE and not outcome.report.empty_note and table.after:
            # the note saying the table is empty on purpose is printed below it (……故本表无数据)
            outcome.report.empty_note = no_data_note(pd.DataFrame({"text": table.after})) or ""
        if table.failed:
            outcome = _not_used(outcome, table, name)
        outcomes.append(outcome)
    problems = list(document.problems)
    for table, outcome in zip(document.tables, outcomes, strict=False):
        if outcome.report.layout == "sangong" and not table.failed:
            problems.extend(check_narrative(document.narrative, outcome.lines, table.sheet, name))
    for problem in document.problems:
        if problem.code in ("pdf-page-scanned", "pdf-page-sideways"):
            outcomes.append(_page_outcome(problem, FAILED))
        elif problem.code == "pdf-text-pages":
            outcomes.append(_page_outcome(problem, NOT_SPENDING))
    if not outcomes:
        report.status = "failed"
        problems.append(Problem("file-empty", file=name))
    return outcomes, problems


def _page_outcome(problem: Problem, outcome: str) -> SheetOutcome:
    """A page (or the text pages) as a line of the load report: refused, or not a table, with the reason."""
    pages = problem.details.get("pages", problem.details.get("page"))
    report = SheetReport(file=problem.file or "", sheet=f"第{pages}页", layout="unknown")
    report.title = report.sheet
    report.outcome = outcome
    report.reason_zh, report.reason_en = problem.message("zh"), problem.message("en")
    return SheetOutcome(report, empty_lines(), pd.DataFrame(columns=REJECTED_COLUMNS), [])


def _not_used(outcome: SheetOutcome, table: PdfTable, name: str) -> SheetOutcome:
    """A table whose numbers are not proven against its page: no line of it is counted."""
    report = outcome.report
    lines = outcome.lines
    rows = sorted({int(r) for r in lines["source_row"].dropna()}) if len(lines) else []
    title = report.title or table.sheet
    notice = Problem(
        "pdf-table-not-used", file=name, sheet=table.sheet, details={"title": title, "rows": len(rows)}
    )
    records = pd.DataFrame(
        {
            "file": name,
            "sheet": table.sheet,
            "row": rows,
            "column": None,
            "code": notice.code,
            "value": None,
            "message_zh": table.problems[0].message("zh"),
            "message_en": table.problems[0].message("en"),
        },
        columns=REJECTED_COLUMNS,
    )
    report.data_rows -= len(rows)
    report.rejected_rows += len(rows)
    report.lines = report.read_lines = 0
    report.amount_fen = report.read_fen = 0
    report.outcome = FAILED
    first = table.problems[0]
    report.reason_zh, report.reason_en = first.describe("zh"), first.describe("en")
    return SheetOutcome(
        report,
        empty_lines(),
        pd.concat([outcome.rejected, records], ignore_index=True) if len(outcome.rejected) else records,
        [*table.problems, notice, *outcome.problems],
    )
