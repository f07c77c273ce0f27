"""One sheet (or CSV file) → layout → lines, problems and the sheet's row accounting.

``read_sheet`` dispatches on the detected layout; each ``_read_*_sheet`` wires the context (department,
year, stage, unit), the layout module and the shared line checks together, then settles every row's bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from budget_guard.ingest.files.cell_limits import blank_long_cells, reject_long_cells
from budget_guard.ingest.files.grid import column_letter
from budget_guard.ingest.layouts.long import fill_merged, read_long, total_row_problems
from budget_guard.ingest.layouts.published import read_published
from budget_guard.ingest.layouts.sangong import read_sangong
from budget_guard.ingest.layouts.side_by_side import group_total_problems, merge_buckets, printed_group_total
from budget_guard.ingest.layouts.yitihua import read_yitihua
from budget_guard.ingest.lines import Finished, finish_lines
from budget_guard.ingest.load_result import EMPTY_TABLE, NOT_SPENDING, REJECTED_COLUMNS, SheetReport
from budget_guard.ingest.recognise.context import (
    build_context,
    year_column_question,
    year_range_problem,
)
from budget_guard.ingest.recognise.detect import (
    EMPTY,
    LONG,
    NO_DATA,
    PUBLISHED,
    SANGONG,
    SIDE_BY_SIDE,
    YITIHUA,
    Detection,
    detect_layout,
)
from budget_guard.ingest.recognise.dictionary import (
    name_mismatch_problems,
    suggestion_problems,
    unknown_code_problems,
)
from budget_guard.ingest.recognise.hierarchy import long_parent_lines
from budget_guard.ingest.recognise.rows import (
    BLANK,
    DATA,
    HEADER,
    NOTE,
    REJECTED,
    SUBTOTAL,
    blank_rows,
    count_buckets,
    note_rows,
)
from budget_guard.ingest.recognise.table_kinds import (
    ALL_FUNDS,
    APPROPRIATION,
    budget_level,
    scope_of,
    summary_figures,
    title_text,
)
from budget_guard.ingest.settle.scopes import ALL_FUNDS_LAYOUT
from budget_guard.messages.problems import Problem
from budget_guard.model.codes import ECON, FUNC, CodeBook
from budget_guard.model.limits import DEFAULT_LIMITS, Limits
from budget_guard.model.table import COLUMNS, DEPARTMENT, ECON_CODE, FUNC_CODE, YEAR

SUMMARY_MAX_ROWS = 500  # a printed 收支总表 is a page or two


@dataclass(frozen=True)
class Options:
    """What the caller told us. Department/year/stage win over a sheet's title and names, and fill empty
    cells of the long template; the unit applies only where a table states none."""

    department: str | None = None
    year: int | None = None
    stage: str | None = None
    unit: str | None = None
    codebook: CodeBook | None = None
    limits: Limits = DEFAULT_LIMITS


@dataclass
class SheetOutcome:
    report: SheetReport
    lines: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def read_sheet(
    grid: pd.DataFrame,
    file: str,
    sheet: str | None,
    options: Options,
    merges: list | None = None,
) -> SheetOutcome:
    """Read one grid. Rows holding a cell longer than ``max_cell_chars`` are rejected before anything
    looks at them; ``merges`` (calamine's merged ranges) fill a long table's merged 部门/年度 cells."""
    grid, long_cells = blank_long_cells(grid, options.limits.max_cell_chars)
    outcome = _read_sheet(grid, file, sheet, options, merges or [])
    if long_cells:
        outcome = reject_long_cells(outcome, long_cells, options.limits.max_cell_chars)
    return outcome


def _read_sheet(
    grid: pd.DataFrame, file: str, sheet: str | None, options: Options, merges: list
) -> SheetOutcome:
    report = SheetReport(file=file, sheet=sheet)
    detection = detect_layout(grid, file, sheet)
    report.layout = detection.layout
    report.title = title_text(grid, sheet, labels=False) or sheet
    if detection.layout == EMPTY:
        blank = blank_rows(grid)
        if blank.all():
            count_buckets(report, pd.Series(BLANK, index=grid.index))
            problem = Problem("sheet-empty", file=file, sheet=sheet)
        else:  # a spending table printed without a single figure (政府性基金 table of a department without one)
            report.empty_note = detection.detail or ""
            notes = note_rows(grid) | grid.apply(lambda c: c.astype(str).str.contains("无数据")).any(axis=1)
            buckets = pd.Series(HEADER, index=grid.index).mask(notes, NOTE).mask(blank, BLANK)
            count_buckets(report, buckets)
            problem = Problem(
                "table-empty",
                file=file,
                sheet=sheet,
                details={"title": report.title or sheet or file, "note": detection.detail or "本表无数据"},
            )
        report.outcome, report.reason_zh, report.reason_en = EMPTY_TABLE, *_both(problem)
        return SheetOutcome(report, empty_lines(), _no_rejected(), [problem])
    if detection.layout == NO_DATA:
        buckets = pd.Series(NOTE, index=grid.index).mask(blank_rows(grid), BLANK)
        count_buckets(report, buckets)
        problem = Problem("sheet-skipped", file=file, sheet=sheet, details={"detail": detection.detail})
        zh, _, en = detection.detail.partition(" / ")  # the reason in one language each
        report.outcome, report.reason_zh, report.reason_en = NOT_SPENDING, zh, en or zh
        if len(grid) <= SUMMARY_MAX_ROWS:  # a 收支总表's totals, for the 表间勾稽 (never lines)
            report.printed_figures, figure_unit = summary_figures(grid)
            report.scope, report.unit = scope_of(report.title or ""), report.unit or figure_unit
        return SheetOutcome(report, empty_lines(), _no_rejected(), [problem])
    report.scope = scope_of(report.title or "")
    report.level = budget_level(title_text(grid, sheet), sheet, file)
    reader = LAYOUT_READERS.get(detection.layout)
    if reader is None:
        return _unreadable(grid, detection, report, file, sheet)
    if reader.line_level:
        report.scope = None  # one budget line per row: no funding scope of the table's own
    return reader.read(grid, detection, report, file, sheet, options, merges)


def _both(problem: Problem) -> tuple[str, str]:
    return problem.message("zh"), problem.message("en")


def _unreadable(
    grid: pd.DataFrame, detection: Detection, report: SheetReport, file: str, sheet: str | None
) -> SheetOutcome:
    """A sheet with numbers but no layout we know: one problem, its rows counted as rejected."""
    blank = blank_rows(grid)
    count_buckets(report, pd.Series(REJECTED, index=grid.index).mask(blank, BLANK))
    problem = Problem(
        detection.problem or "layout-unknown",
        file=file,
        sheet=sheet,
        row=detection.row,
        details={"detail": detection.detail},
    )
    rejected = pd.DataFrame(
        [
            {
                "file": file,
                "sheet": sheet,
                "row": detection.row,
                "column": None,
                "code": problem.code,
                "value": None,
                "message_zh": problem.message("zh"),
                "message_en": problem.message("en"),
            }
        ],
        columns=REJECTED_COLUMNS,
    )
    return SheetOutcome(report, empty_lines(), rejected, [problem])


def _read_long_sheet(
    grid,
    detection: Detection,
    report: SheetReport,
    file: str,
    sheet: str | None,
    options: Options,
    merges: list,
) -> SheetOutcome:
    header = detection.header
    report.header_row = header.row
    grid, merge_problems = fill_merged(grid, merges, header.row, file=file, sheet=sheet)
    ctx, problems = build_context(
        grid,
        header.row,
        file=file,
        sheet=sheet,
        department=options.department,
        year=options.year,
        stage=options.stage,
        unit=None,
    )
    problems = [*header.problems, *problems, *merge_problems]
    if YEAR not in header.fields and (span := year_range_problem(ctx, file, sheet)):
        problems.append(span)  # a span of years in the file name is never the lines' year
    for position, value in header.ignored:
        problems.append(
            Problem(
                "column-ignored",
                file=file,
                sheet=sheet,
                row=header.row,
                column=column_letter(position),
                details={"value": value, "detail": "不是模板列 / not a template column"},
            )
        )
    unit, unit_problems, unit_conflict = resolve_unit(header.unit, ctx, options, file, sheet, header.row)
    problems.extend(unit_problems)
    report.unit = unit
    raw, labels, buckets = read_long(grid, header, unit)
    if FUNC_CODE not in header.fields and ECON_CODE not in header.fields:
        problems.append(Problem("no-code-column", file=file, sheet=sheet, row=header.row))
    finished = finish_lines(
        raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=False, max_fen=options.limits.max_amount_fen
    )
    parents, hierarchy = long_parent_lines(finished.lines, unit, file=file, sheet=sheet, labels=labels)
    problems.extend(hierarchy)
    if parents.any():  # 类/款 subtotal lines that add up: counted as subtotal rows, not read
        buckets = buckets.copy()
        buckets[finished.lines.loc[parents, "source_row"].astype(int).to_numpy()] = SUBTOTAL
        finished.lines = finished.lines[~parents]
    problems.extend(_unknown_codes(finished.lines, labels, options, file, sheet))
    question = (
        None
        if options.year
        else year_column_question(grid, header.row, header.ignored, file=file, sheet=sheet)
    )
    if question is not None:  # a column of years the reader does not know: ask, never guess the year
        problems.append(question)
        finished = _reject_all(finished, raw, question.code, file, sheet)
    elif unit_conflict:
        finished = _reject_all(finished, raw, "unit-mismatch", file, sheet)
    else:
        problems.extend(
            total_row_problems(grid, header, buckets, finished.lines, unit, file=file, sheet=sheet)
        )
    return _outcome(report, ctx, buckets, finished, problems)


def _read_yitihua_sheet(
    grid, detection: Detection, report: SheetReport, file: str, sheet: str | None, options: Options
) -> SheetOutcome:
    """A 预算管理一体化 export: each phase column (批复/调整后/执行) becomes the lines of one stage."""
    header = detection.header
    report.header_row = header.row
    ctx, problems = build_context(
        grid,
        header.row,
        file=file,
        sheet=sheet,
        department=options.department,
        year=options.year,
        stage=None,
        unit=None,
    )
    problems = [*header.problems, *problems]
    if YEAR not in header.fields and (span := year_range_problem(ctx, file, sheet)):
        problems.append(span)  # a span of years in the file name is never the lines' year
    for position, value in header.ignored:
        problems.append(
            Problem(
                "column-ignored",
                file=file,
                sheet=sheet,
                row=header.row,
                column=column_letter(position),
                details={"value": value, "detail": "不是一体化导出的已知列 / not a known 一体化 column"},
            )
        )
    unit, unit_problems, unit_conflict = resolve_unit(header.unit, ctx, options, file, sheet, header.row)
    problems.extend(unit_problems)
    report.unit = unit
    raw, labels, buckets, empty = read_yitihua(grid, header, unit)
    for label in empty:
        problems.append(
            Problem(
                "column-ignored",
                file=file,
                sheet=sheet,
                row=header.row,
                details={
                    "value": label,
                    "detail": "整列为空，不作为零读入 / every cell blank: not read as zeros",
                },
            )
        )
    finished = finish_lines(
        raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=True, max_fen=options.limits.max_amount_fen
    )
    problems.extend(_unknown_codes(finished.lines, labels, options, file, sheet))
    if unit_conflict or any(p.code == "unit-mismatch" for p in header.problems):
        finished = _reject_all(finished, raw, "unit-mismatch", file, sheet)
    question = (
        None
        if options.year
        else year_column_question(grid, header.row, header.ignored, file=file, sheet=sheet)
    )
    if question is not None:  # a column of years the reader does not know: ask, never guess the year
        problems.append(question)
        finished = _reject_all(finished, raw, question.code, file, sheet)
    return _outcome(report, ctx, buckets, finished, problems)


def _read_published_sheet(
    grid, detection: Detection, report: SheetReport, file: str, sheet: str | None, options: Options
) -> SheetOutcome:
    table_plan = detection.header
    stated = {m.unit for m in table_plan.measures if m.unit}
    header_unit = next(iter(stated)) if len(stated) == 1 else None
    unit_row = _unit_header_row(grid, table_plan.block, table_plan.measures)
    ctx, unit, problems, conflict = _context_and_unit(
        grid, table_plan.block.first, header_unit, report, file, sheet, options, unit_row=unit_row
    )
    published = read_published(grid, table_plan, ctx, unit, file=file, sheet=sheet)
    report.layout = published.layout
    report.printed_total_fen = published.printed_total_fen
    if report.scope == ALL_FUNDS and published.kind == FUNC and published.layout == PUBLISHED:
        report.layout = ALL_FUNDS_LAYOUT  # 支出决算表 / 部门支出预算表: all funds, settled in scopes.py
    report.header_row = published.header_row
    problems.extend(published.problems)
    problems.extend(_dictionary(published, options, file, sheet))
    finished = finish_lines(
        published.raw,
        published.labels,
        ctx,
        file=file,
        sheet=sheet,
        blank_is_zero=True,
        max_fen=options.limits.max_amount_fen,
    )
    if conflict:
        finished = _reject_all(finished, published.raw, "unit-mismatch", file, sheet)
    return _outcome(report, ctx, published.buckets, finished, problems)


def _unit_header_row(grid: pd.DataFrame, block, measures) -> int:
    """The header row whose cell states a unit (``合计（元）``), for pointing at a unit conflict."""
    for m in measures:
        if not m.unit:
            continue
        for row in range(block.first, block.last + 1):
            cell = grid.at[row, m.position]
            if isinstance(cell, str) and m.unit in cell:
                return row
    return block.last


def _context_and_unit(
    grid,
    first_header_row: int,
    header_unit,
    report: SheetReport,
    file,
    sheet,
    options: Options,
    unit_row=None,
):
    """Department/year/stage/unit of a published sheet, and whether its stated units contradict each other."""
    ctx, problems = build_context(
        grid,
        first_header_row,
        file=file,
        sheet=sheet,
        department=options.department,
        year=options.year,
        stage=options.stage,
        unit=None,
    )
    unit, unit_problems, conflict = resolve_unit(
        header_unit, ctx, options, file, sheet, unit_row or first_header_row
    )
    report.unit = unit
    span = year_range_problem(ctx, file, sheet)  # a published table has no year column
    return ctx, unit, problems + unit_problems + ([span] if span else []), conflict


def _dictionary(published, options: Options, file: str, sheet: str | None) -> list[Problem]:
    book = options.codebook
    if book is None or published.code_rows is None:
        return []
    code_label = published.labels.get(FUNC_CODE if published.kind == FUNC else ECON_CODE)
    return (
        unknown_code_problems(
            published.code_rows["code"], published.kind, book, file=file, sheet=sheet, column=code_label
        )
        + suggestion_problems(
            published.malformed, published.kind, book, file=file, sheet=sheet, column=code_label
        )
        + name_mismatch_problems(
            published.code_rows,
            published.kind,
            book,
            file=file,
            sheet=sheet,
            column=published.labels.get("item"),
        )
    )


def _read_side_by_side_sheet(
    grid, detection: Detection, report: SheetReport, file: str, sheet: str | None, options: Options
) -> SheetOutcome:
    """Each block read as a published table with the same context; buckets merged row by row."""
    planned = detection.header
    first_block = planned[0][1].block
    stated = {m.unit for _, p in planned for m in p.measures if m.unit}
    header_unit = next(iter(stated)) if len(stated) == 1 else None
    ctx, unit, problems, conflict = _context_and_unit(
        grid, first_block.first, header_unit, report, file, sheet, options
    )
    results = []
    for block, block_plan in planned:
        result = read_published(block.grid(grid), block_plan, ctx, unit, file=file, sheet=sheet)
        problems.extend(result.problems)
        problems.extend(_dictionary(result, options, file, sheet))
        results.append(result)
    if options.codebook is not None:
        problems.extend(group_total_problems(results, options.codebook, unit, file=file, sheet=sheet))
    raw = pd.concat([r.raw for r in results], ignore_index=True)
    labels = {**results[0].labels}
    finished = finish_lines(
        raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=True, max_fen=options.limits.max_amount_fen
    )
    if conflict:
        finished = _reject_all(finished, raw, "unit-mismatch", file, sheet)
    report.header_row = results[0].header_row
    report.printed_total_fen = printed_group_total(results)
    return _outcome(report, ctx, merge_buckets([r.buckets for r in results]), finished, problems)


def _read_sangong_sheet(
    grid,
    detection: Detection,
    report: SheetReport,
    file: str,
    sheet: str | None,
    options: Options,
    merges: list | None = None,
) -> SheetOutcome:
    anchor = detection.header
    report.scope = report.scope or APPROPRIATION
    ctx, unit, problems, conflict = _context_and_unit(grid, anchor, None, report, file, sheet, options)
    result = read_sangong(grid, anchor, ctx, unit, file=file, sheet=sheet, merges=merges)
    problems.extend(result.problems)
    report.header_row = result.header_row
    labels = {ECON_CODE: "经济分类", YEAR: "年度", DEPARTMENT: "部门"}
    finished = finish_lines(
        result.raw,
        labels,
        ctx,
        file=file,
        sheet=sheet,
        blank_is_zero=True,
        max_fen=options.limits.max_amount_fen,
    )
    if conflict:
        finished = _reject_all(finished, result.raw, "unit-mismatch", file, sheet)
    return _outcome(report, ctx, result.buckets, finished, problems)


def _unknown_codes(
    lines: pd.DataFrame, labels: dict[str, str], options: Options, file: str, sheet: str | None
) -> list[Problem]:
    """``code-unknown`` notices for the distinct codes of a sheet's lines (first row of each)."""
    if options.codebook is None or lines.empty:
        return []
    out = []
    for column, kind in ((FUNC_CODE, FUNC), (ECON_CODE, ECON)):
        # the column's own array: a categorical stays one (its codes are checked per category)
        codes = pd.Series(lines[column].array, index=lines["source_row"].to_numpy())
        out += unknown_code_problems(
            codes, kind, options.codebook, file=file, sheet=sheet, column=labels.get(column)
        )
    return out


def resolve_unit(
    header_unit, ctx, options: Options, file, sheet, header_row
) -> tuple[str, list[Problem], bool]:
    """The unit of a table: stated in the amount header or a 单位 line; the argument, else 元, when none is stated."""
    problems: list[Problem] = []
    stated = header_unit or ctx.unit
    if ctx.unit_conflict:  # build_context already reported the two 单位 lines
        return stated or "元", problems, True
    if header_unit and ctx.unit and header_unit != ctx.unit:
        problems.append(
            Problem(
                "unit-mismatch",
                file=file,
                sheet=sheet,
                row=header_row,
                details={
                    "detail": f"表头为{header_unit}，第{ctx.unit_row}行为{ctx.unit} / header says {header_unit}, row {ctx.unit_row} says {ctx.unit}"
                },
            )
        )
        return header_unit, problems, True
    if stated:
        if options.unit and options.unit != stated:
            problems.append(
                Problem(
                    "unit-argument-ignored",
                    file=file,
                    sheet=sheet,
                    row=ctx.unit_row or header_row,
                    details={"stated": stated, "given": options.unit},
                )
            )
        return stated, problems, False
    if options.unit:
        return options.unit, problems, False
    problems.append(Problem("unit-assumed", file=file, sheet=sheet, row=header_row, details={"unit": "元"}))
    return "元", problems, False


def _reject_all(finished: Finished, raw: pd.DataFrame, code: str, file: str, sheet: str | None) -> Finished:
    """A sheet whose unit is contradictory: no line can be trusted, every one is rejected."""
    rows = raw["row"].astype(int).tolist()
    problem = Problem(code, file=file, sheet=sheet)
    rejected = pd.DataFrame(
        {
            "file": file,
            "sheet": sheet,
            "row": rows,
            "column": None,
            "code": code,
            "value": None,
            "message_zh": problem.message("zh"),
            "message_en": problem.message("en"),
        },
        columns=REJECTED_COLUMNS,
    )
    return Finished(
        empty_lines(),
        pd.concat([finished.rejected, rejected], ignore_index=True),
        finished.problems,
        set(rows),
    )


def _outcome(
    report: SheetReport, ctx, buckets: pd.Series, finished: Finished, problems: list[Problem]
) -> SheetOutcome:
    """Settle the provisional data rows (kept or rejected) and fill the report."""
    if finished.rejected_rows:
        rejected_mask = buckets.index.isin(list(finished.rejected_rows)) & (buckets == DATA).to_numpy()
        buckets = buckets.copy()
        buckets[rejected_mask] = REJECTED
    count_buckets(report, buckets)
    report.department = ctx.department
    report.year = ctx.year
    report.lines = len(finished.lines)
    report.amount_fen = int(finished.lines["amount_fen"].sum()) if len(finished.lines) else 0
    report.read_fen, report.read_lines = report.amount_fen, report.lines
    if report.department is None and len(finished.lines):
        departments = finished.lines["department"].dropna().unique()
        report.department = str(departments[0]) if len(departments) == 1 else None
    if report.year is None and len(finished.lines):
        years = finished.lines["year"].dropna().unique()
        report.year = int(years[0]) if len(years) == 1 else None
    return SheetOutcome(report, finished.lines, finished.rejected, problems + finished.problems)


def empty_lines() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS))


def _no_rejected() -> pd.DataFrame:
    return pd.DataFrame(columns=REJECTED_COLUMNS)


__all__ = ["Options", "SheetOutcome", "read_sheet", "resolve_unit"]


@dataclass(frozen=True)
class LayoutReader:
    """How the lines of one detected layout are read (the layout modules recognise; this reads)."""

    read: Callable[[pd.DataFrame, Detection, SheetReport, str, str | None, Options, list], SheetOutcome]
    line_level: bool = False  # one budget line per row (long template, 一体化 export)


# The registry: a detected layout name → its reader. A new layout (the PDF's tables join through
# the published ones) is one detector in ``recognise/detect.py`` and one entry here.
LAYOUT_READERS: dict[str, LayoutReader] = {
    LONG: LayoutReader(_read_long_sheet, line_level=True),
    YITIHUA: LayoutReader(lambda g, d, r, f, s, o, m: _read_yitihua_sheet(g, d, r, f, s, o), line_level=True),
    PUBLISHED: LayoutReader(lambda g, d, r, f, s, o, m: _read_published_sheet(g, d, r, f, s, o)),
    SIDE_BY_SIDE: LayoutReader(lambda g, d, r, f, s, o, m: _read_side_by_side_sheet(g, d, r, f, s, o)),
    SANGONG: LayoutReader(lambda g, d, r, f, s, o, m: _read_sangong_sheet(g, d, r, f, s, o, m)),
}
