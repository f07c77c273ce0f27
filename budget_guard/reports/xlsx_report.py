"""The 督办单 workbook a finance bureau prints and sends: overview, findings by level, what was left out.

Sheets: overview (counts, reconciliation, compliance matrix, input hashes), one sheet per level
(red, yellow, white — worst first) with the issue's columns and matching fills, unclassified
lines summed by department × year × stage × codes (the full list is a CSV beside the workbook),
rejected rows and load problems. Amounts are numbers in 万元 with a two-decimal format so
a clerk can sum them; every text cell goes through ``excel_cell`` because item names and file
names come from the departments and must never run as formulas.
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.clock import beijing_text
from budget_guard.engine import states
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.unclassified import SUMMARY_COLUMNS
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.rulebook import Level
from budget_guard.model.table import AMOUNT_FEN, FEN_PER_WAN, STAGE, format_wan
from budget_guard.outputs.escape import excel_cell
from budget_guard.outputs.files import atomic_write_bytes
from budget_guard.reports.execution import (
    EXECUTION_COLUMNS,
    EXECUTION_MONEY,
    EXECUTION_RATIOS,
    PEFA_COLUMNS,
    PEFA_MONEY,
    PEFA_PERCENT,
    baseline_text,
    execution_rows,
    pefa_rows,
)
from budget_guard.reports.execution import summary_text as execution_summary
from budget_guard.reports.expectations import GeOutcome
from budget_guard.reports.unclassified import UnclassifiedOutput, unclassified_output
from budget_guard.runs.outcome import run_outcome, unreadable_files

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written (half a second of CLI start-up)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from budget_guard.reports.paper import print_setup
from budget_guard.reports.views import (
    CASE_COLUMN,
    FINDING_LEVELS_WORST_FIRST,
    LEVEL_COLUMN,
    MATRIX_FINDINGS,
    MATRIX_STATE,
    MONEY_COLUMNS,
    RATE_COLUMNS,
    WHATIF,
    category_label,
    compliance_matrix,
    finding_columns,
    finding_rows,
    first_lines,
)

# Excel's own "bad / neutral" palette, so the colours read as 红 / 黄 at a glance.
LEVEL_FILLS: dict[str, str] = {
    Level.red.value: "FFC7CE",
    Level.yellow.value: "FFEB9C",
    Level.white.value: "F2F2F2",
    Level.compliant.value: "C6EFCE",
}
HEADER_FILL = "D9E1F2"
# The first rows of the 概况 sheet: the run's outcome in its colour (red for a run that is no sign-off).
FIRST_LINE_FILLS: dict[str, str] = {
    **{state: states.FILL[state] for state in states.GRADED_STATES},
    states.OUTCOME_NOTHING_COMPARED: states.FILL[states.RED],
    states.OUTCOME_INPUT_FAILED: states.FILL[states.RED],
    WHATIF: "FFF2CC",
}
AMOUNT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
EXCEL_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31

LEVEL_SHEETS: dict[str, str] = {
    Level.red.value: "sheet.red",
    Level.yellow.value: "sheet.yellow",
    Level.white.value: "sheet.white",
}
_WIDTHS: dict[str, float] = {
    CASE_COLUMN: 24,
    "col.department": 18,
    "col.category": 16,
    "col.year": 8,
    "col.prev_amount": 14,
    "col.amount": 14,
    "col.change": 14,
    "col.change_rate": 10,
    "col.target": 12,
    "col.level": 14,
    "col.message": 56,
    "col.sources": 30,
    "col.stage": 10,
    "col.func_code": 14,
    "col.econ_code": 14,
    "col.item": 30,
    "col.expense_type": 10,
    "col.source_file": 28,
    "col.source_sheet": 14,
    "col.source_row": 8,
    "col.amount_wan": 14,
    "col.lines": 10,
}
# The 未归类支出 sheet: the unclassified summary's columns → header labels.
UNCLASSIFIED_SUMMARY_LABELS: dict[str, str] = dict(
    zip(
        SUMMARY_COLUMNS,
        (
            "col.department",
            "col.year",
            "col.stage",
            "col.func_code",
            "col.econ_code",
            "col.lines",
            "col.amount_wan",
        ),
        strict=True,
    )
)
REJECTED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
    ("code", "col.problem"),
    ("value", "col.value"),
)
PROBLEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("severity", "col.severity"),
    ("code", "col.problem"),
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
)


@functools.lru_cache(maxsize=64)
def _fill(color: str) -> PatternFill:
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", start_color=color, end_color=color)


@functools.cache
def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


@functools.cache
def _wrap() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


def _plain_value(value: Any) -> Any:
    """A cell value without style: escaped text, Python scalars, missing values empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return excel_cell(value)


def _plain_column(series: pd.Series) -> list[Any]:
    """``_plain_value`` of every value of a column: a text column (a province's unclassified summary
    repeats each department and code thousands of times) is escaped once per distinct value."""
    values = series.astype(object).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return [_plain_value(v) for v in values]
    codes, distinct = pd.factorize(values)
    plain = np.empty(len(distinct) + 1, dtype=object)  # the last one: missing (code -1)
    plain[: len(distinct)] = [_plain_value(v) for v in distinct]
    return plain[codes].tolist()


def _cell(
    ws: WriteOnlyWorksheet,
    value: Any,
    *,
    fill: str | None = None,
    number_format: str | None = None,
    bold: bool = False,
    wrap: bool = False,
) -> WriteOnlyCell | Any:
    """A styled cell; text is escaped, missing values are empty. Unstyled cells stay plain values
    (openpyxl's write-only sheets take them as they are, several times faster than cell objects)."""
    value = _plain_value(value)
    if not (fill or number_format or bold or wrap):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if fill:
        cell.fill = _fill(fill)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = _bold()
    if wrap:
        cell.alignment = _wrap()
    return cell


def _header(ws: WriteOnlyWorksheet, labels: list[str], widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"  # the header row on every printed page
    ws.append([_cell(ws, label, fill=HEADER_FILL, bold=True, wrap=True) for label in labels])


def _sheet(wb: Workbook, key: str, lang: str) -> WriteOnlyWorksheet:
    """A sheet set up for print before its first row (a write-only sheet writes its properties first):
    landscape A4, one page wide, header and footer inside the margins, 第N页 共M页."""
    ws = wb.create_sheet(msg.t(key, lang)[:SHEET_NAME_MAX])
    print_setup(ws, last_column=None, last_row=None, lang=lang, header=msg.t(key, lang))
    return ws


def _wan(fen: Any) -> float | None:
    """万元 as a number for the cell (display only; the exact text is in the JSON report)."""
    if fen is None or fen is pd.NA or (isinstance(fen, float) and fen != fen):
        return None
    return int(fen) / FEN_PER_WAN


def _column_label(key: str, lang: str) -> str:
    """'上年数（万元）', '增减率（%）': a number column says its unit in the header."""
    if key in MONEY_COLUMNS:
        return msg.t("app.with_unit", lang, label=msg.t(key, lang), unit=msg.t("unit.wan", lang))
    if key in RATE_COLUMNS:
        return msg.t("app.with_unit", lang, label=msg.t(key, lang), unit="%")
    return msg.t(key, lang)


def _autofilter(ws: WriteOnlyWorksheet, columns: int, rows: int) -> None:
    """Excel's filter buttons on the header row, over every data row."""
    from openpyxl.utils import get_column_letter

    if columns and rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


_WRAPPED = frozenset({"col.message", "col.sources", CASE_COLUMN})
_LINE_POINTS = 15


def _wrapped_height(record: dict[str, Any], columns: list[str]) -> float:
    """Points for a row whose wrapped cells need several lines at their column widths."""
    import math
    import unicodedata

    lines = 1
    for column in columns:
        text = "" if record.get(column) is None else str(record[column])
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
        lines = max(lines, math.ceil(width / max(_WIDTHS[column] - 2, 1)))
    return _LINE_POINTS * lines + 3


def _findings_sheet(wb: Workbook, evaluation: Evaluation, level: str, lang: str) -> None:
    ws = _sheet(wb, LEVEL_SHEETS[level], lang)
    columns = finding_columns(evaluation)
    _header(ws, [_column_label(c, lang) for c in columns], [_WIDTHS[c] for c in columns])
    rows = finding_rows(evaluation, lang, level=level)
    fill = LEVEL_FILLS[level]
    if rows.empty:
        ws.append([_cell(ws, msg.t("report.none", lang))])
        return
    _autofilter(ws, len(columns), len(rows))
    wrapped = [c for c in columns if c in _WRAPPED]
    for index, record in enumerate(rows.to_dict("records"), start=2):
        # a spreadsheet does not grow a row for wrapped text on open: say how tall it is (所有说明 printed whole)
        ws.row_dimensions[index].height = _wrapped_height(record, wrapped)
        cells = []
        for col in columns:
            value = record[col]
            if col in MONEY_COLUMNS:
                cells.append(_cell(ws, _wan(value), fill=fill, number_format=AMOUNT_FORMAT))
            elif col in RATE_COLUMNS:
                cells.append(_cell(ws, value, fill=fill, number_format=RATE_FORMAT))
            elif col == LEVEL_COLUMN:
                cells.append(_cell(ws, msg.level_label(value, lang), fill=fill))
            else:
                cells.append(_cell(ws, value, fill=fill, wrap=col in _WRAPPED))
        ws.append(cells)


def _execution_sheet(wb: Workbook, evaluation: Evaluation, lang: str) -> None:
    """预算执行: the execution findings (决算 against the budget), then the PEFA PI-1/PI-2 table."""
    ws = _sheet(wb, "execution.sheet", lang)
    widths = [_WIDTHS.get(c, 14) for c in EXECUTION_COLUMNS]
    _header(ws, [msg.t(c, lang) for c in EXECUTION_COLUMNS], widths)
    ws.append([_cell(ws, execution_summary(evaluation, lang), bold=True)])
    for frame, columns in (
        (execution_rows(evaluation, lang), EXECUTION_COLUMNS),
        (pefa_rows(evaluation, lang), PEFA_COLUMNS),
    ):
        if columns is PEFA_COLUMNS and len(frame):
            ws.append([])
            ws.append([_cell(ws, msg.t("execution.pefa_title", lang), bold=True)])
            ws.append([_cell(ws, msg.t(c, lang), fill=HEADER_FILL, bold=True, wrap=True) for c in columns])
        for record in frame.to_dict("records"):
            level = record.get("col.level")
            fill = LEVEL_FILLS.get(level) if isinstance(level, str) else None
            cells = []
            for col in columns:
                value = record[col]
                if col in EXECUTION_MONEY or col in PEFA_MONEY:
                    cells.append(_cell(ws, _wan(value), fill=fill, number_format=AMOUNT_FORMAT))
                elif col in EXECUTION_RATIOS:
                    cells.append(_cell(ws, value, fill=fill, number_format=RATE_FORMAT))
                elif col == "col.level":
                    cells.append(_cell(ws, msg.level_label(value, lang), fill=fill))
                elif col in PEFA_PERCENT:
                    cells.append(
                        _cell(ws, None if value is None else float(value) / 100, number_format=RATE_FORMAT)
                    )
                else:
                    cells.append(_cell(ws, value, fill=fill, wrap=col == "col.message"))
            ws.append(cells)


def _frame_sheet(
    wb: Workbook,
    key: str,
    lang: str,
    frame: pd.DataFrame,
    columns: list[tuple[str, str]],
    money: frozenset[str] = frozenset(),
    display: dict[str, Any] | None = None,
) -> None:
    """A plain table sheet (unclassified, rejected, problems), capped at Excel's row limit.

    ``display`` maps a column to a function turning its raw values (stage ids, severities,
    problem codes) into the reader's language.
    """
    ws = _sheet(wb, key, lang)
    _header(
        ws, [msg.t(label, lang) for _, label in columns], [_WIDTHS.get(label, 16) for _, label in columns]
    )
    if frame.empty:
        ws.append([_cell(ws, msg.t("report.none", lang))])
        return
    names = [name for name, _ in columns]
    limit = EXCEL_MAX_ROWS - 2
    shown = frame[names].head(limit)
    for name, show in (display or {}).items():
        if name in shown.columns:
            shown = shown.assign(**{name: shown[name].map(show)})
    _autofilter(ws, len(names), len(shown))
    cells = [
        [_cell(ws, _wan(v), number_format=AMOUNT_FORMAT) for v in shown[n].tolist()]
        if n in money
        else _plain_column(shown[n])
        for n in names
    ]
    for row in zip(*cells, strict=True):
        ws.append(list(row))
    if len(frame) > limit:
        ws.append([_cell(ws, msg.t("report.truncated", lang, shown=limit, total=len(frame)))])


def _overview(
    wb: Workbook,
    evaluation: Evaluation,
    load: LoadResult,
    lang: str,
    ge: GeOutcome | None,
    generated_at: datetime,
    unclassified: UnclassifiedOutput,
) -> None:
    ws = _sheet(wb, "sheet.overview", lang)
    ws.column_dimensions["A"].width = 22
    for letter in "BCDEFGHIJ":
        ws.column_dimensions[letter].width = 18
    rules = evaluation.rules
    for line in first_lines(evaluation, load, lang):  # the outcome (and a what-if mark) come first
        ws.append([_cell(ws, line.text, bold=True, fill=FIRST_LINE_FILLS.get(line.css))])
    ws.append([_cell(ws, f"{msg.t('report.title', lang)} — {rules.title.get(lang)}", bold=True)])

    def pair(label_key: str, value: Any, fill: str | None = None) -> None:
        ws.append([_cell(ws, msg.t(label_key, lang), bold=True), _cell(ws, value, fill=fill)])

    totals = load.totals()
    pair("report.generated_at", beijing_text(generated_at, lang))
    pair("report.rules", f"{rules.version} (sha256 {(rules.sha256 or '')[:12]})")
    pair(
        "col.stage",
        msg.t(f"stage.{evaluation.stage}", lang)
        if msg.has(f"stage.{evaluation.stage}")
        else evaluation.stage,
    )
    pair("baseline.label", baseline_text(evaluation, lang))
    pair("execution.title", execution_summary(evaluation, lang))
    pair(
        "report.inputs",
        msg.t("report.inputs_value", lang, files=totals["files"], failed=len(unreadable_files(load))),
    )
    pair(
        "report.rows",
        msg.t("report.rows_value", lang, lines=evaluation.line_count, rejected=len(load.rejected)),
    )
    outcome = run_outcome(evaluation, load).outcome
    pair("report.worst_level", msg.t(f"outcome.{outcome}", lang), FIRST_LINE_FILLS.get(outcome))
    # findings by level and compared cells by state, in two named columns (never one mixed count)
    ws.append(
        [_cell(ws, msg.t(key, lang), bold=True) for key in ("col.level", "counts.findings", "counts.cells")]
    )
    found, cells = evaluation.finding_counts(), evaluation.state_counts()
    for state in states.COUNT_ORDER:
        ws.append(
            [
                _cell(ws, msg.t(f"state.{state}", lang), bold=True),
                _cell(ws, found.get(state, "—"), fill=states.FILL[state]),
                _cell(ws, cells[state], fill=states.FILL[state]),
            ]
        )
    pair("report.reconciliation", evaluation.reconciliation_text(lang))
    from budget_guard.ingest.settle.published_set import summary_lines

    relations = summary_lines(list(getattr(load, "published_sets", [])), lang)[1:]
    if relations:
        pair("report.relations", "\n".join(relations))
    pair(
        "report.unclassified",
        msg.t(
            "report.unclassified_value",
            lang,
            lines=unclassified.lines,
            amount=format_wan(unclassified.amount_fen),
        ),
    )
    if unclassified.files and unclassified.lines:
        pair(
            "report.unclassified_list",
            msg.t(
                "report.unclassified_list_value",
                lang,
                lines=unclassified.lines,
                files=unclassified.files_text(),
            ),
        )
    if ge is not None:
        pair(
            "report.ge",
            msg.t(
                "report.ge_value",
                lang,
                success=msg.value("value.bool", bool(ge.success), lang),
                failed=ge.statistics.get("unsuccessful_expectations", 0),
                evaluated=ge.statistics.get("evaluated_expectations", 0),
                docs=ge.data_docs_index or "",
            ),
        )
    for note in evaluation.note_texts(lang):
        pair("report.notes", note)

    matrix = compliance_matrix(evaluation)
    years = sorted({int(y) for _, y in matrix.index}) if len(matrix) else []
    ws.append([])
    ws.append([_cell(ws, msg.t("report.matrix", lang), bold=True)])
    ws.append(
        [_cell(ws, msg.t("col.category", lang), fill=HEADER_FILL, bold=True)]
        + [_cell(ws, year, fill=HEADER_FILL, bold=True) for year in years]
    )
    for category in rules.categories:
        row = [_cell(ws, category_label(evaluation, category.id, lang))]
        for year in years:
            state = matrix.at[(category.id, year), MATRIX_STATE]
            count = int(matrix.at[(category.id, year), MATRIX_FINDINGS])
            text = msg.t(f"state.{state}", lang) + (f" ×{count}" if count else "")
            row.append(_cell(ws, text, fill=states.FILL.get(state)))
        ws.append(row)

    ws.append([])
    ws.append([_cell(ws, msg.t("report.files", lang), bold=True)])
    ws.append(
        [
            _cell(ws, msg.t(k, lang), fill=HEADER_FILL, bold=True)
            for k in ("col.source_file", "col.sha256", "col.size", "col.status")
        ]
    )
    for f in load.files:
        ws.append(
            [
                _cell(ws, f.name),
                _cell(ws, f.sha256),
                _cell(ws, f.size),
                _cell(ws, msg.value("value.file_status", f.status, lang)),
            ]
        )

    # what became of every table: read (lines, total) / not spending / empty / repeated / failed (why)
    ws.append([])
    ws.append([_cell(ws, msg.t("tables.section", lang), bold=True)])
    ws.append(
        [
            _cell(ws, msg.t(k, lang), fill=HEADER_FILL, bold=True)
            for k in (
                "col.source_file",
                "tables.col.title",
                "tables.col.outcome",
                "app.load.lines",
                "col.amount_wan",
                "tables.col.printed_total",
                "tables.col.reason",
            )
        ]
    )
    for f in load.files:
        for sheet in f.sheets:
            outcome = msg.t(f"tables.outcome.{sheet.outcome}", lang) if sheet.outcome else ""
            ws.append(
                [
                    _cell(ws, f.name),
                    _cell(ws, sheet.title or sheet.sheet),
                    _cell(ws, outcome),
                    _cell(ws, sheet.lines),
                    _cell(ws, _wan(sheet.amount_fen), number_format=AMOUNT_FORMAT),
                    _cell(
                        ws,
                        None if sheet.printed_total_fen is None else _wan(sheet.printed_total_fen),
                        number_format=AMOUNT_FORMAT,
                    ),
                    _cell(ws, sheet.reason_zh if lang == "zh" else sheet.reason_en),
                ]
            )


def _unclassified_display(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The summary with stage labels in ``lang`` (translated once per distinct stage)."""
    stages = summary[STAGE].astype(object)
    labels = {v: msg.t(f"stage.{v}", lang) for v in stages.dropna().unique() if msg.has(f"stage.{v}")}
    return summary.assign(**{STAGE: stages.map(lambda v: labels.get(v, v))})


def build_workbook(
    evaluation: Evaluation,
    load: LoadResult,
    lang: str = "zh",
    *,
    ge: GeOutcome | None = None,
    generated_at: datetime | None = None,
    unclassified: UnclassifiedOutput | None = None,
) -> bytes:
    """The 督办单 as .xlsx bytes (the caller writes them atomically)."""
    unclassified = unclassified or unclassified_output(evaluation)
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _overview(wb, evaluation, load, lang, ge, generated_at or datetime.now(UTC), unclassified)
    for level in FINDING_LEVELS_WORST_FIRST:
        _findings_sheet(wb, evaluation, level, lang)
    _execution_sheet(wb, evaluation, lang)
    _frame_sheet(
        wb,
        "sheet.unclassified",
        lang,
        _unclassified_display(unclassified.summary, lang),
        list(UNCLASSIFIED_SUMMARY_LABELS.items()),
        money=frozenset({AMOUNT_FEN}),
    )
    rejected = load.rejected.copy()
    message_key = "message_en" if lang == "en" else "message_zh"
    rejected_columns = list(REJECTED_COLUMNS) + [(message_key, "col.message")]
    for name, _ in rejected_columns:
        if name not in rejected.columns:
            rejected[name] = None
    titles = {"code": lambda v: msg.value("problem.title", v, lang)}
    _frame_sheet(wb, "sheet.rejected", lang, rejected, rejected_columns, display=titles)
    _frame_sheet(
        wb,
        "sheet.problems",
        lang,
        load.problems_frame(),
        list(PROBLEM_COLUMNS)
        + [(message_key, "col.message"), ("hint_en" if lang == "en" else "hint_zh", "col.hint")],
        display={**titles, "severity": lambda v: msg.value("app.severity", v, lang)},
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_xlsx(
    evaluation: Evaluation,
    load: LoadResult,
    path: str | Path,
    lang: str = "zh",
    *,
    ge: GeOutcome | None = None,
    generated_at: datetime | None = None,
    unclassified: UnclassifiedOutput | None = None,
) -> Path:
    workbook = build_workbook(
        evaluation, load, lang, ge=ge, generated_at=generated_at, unclassified=unclassified
    )
    return atomic_write_bytes(path, workbook)
