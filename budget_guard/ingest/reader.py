"""``read_budget``: every input file → sheets → layout → lines, with a report that accounts for every row.

This is the only ingest module that composes the others. It never raises for a user's file: a file
that cannot be read becomes a failed ``FileReport`` plus problems, and the others are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

import pandas as pd

from ..codes import ECON, FUNC, CodeBook, load_codebook
from ..problems import Problem
from ..table import COLUMNS, DEPARTMENT, ECON_CODE, FUNC_CODE, YEAR, conform, empty_table
from .context import build_context
from .detect import EMPTY, LONG, NO_DATA, PUBLISHED, SANGONG, SIDE_BY_SIDE, UNKNOWN, Detection, detect_layout
from .dictionary import name_mismatch_problems, unknown_code_problems
from .duplicates import duplicate_problems
from .encodings import decode_text
from .grid import CSV, ENCRYPTED, UNSUPPORTED, GridError, column_letter, csv_grid, excel_grids, sniff_format
from .grid import EMPTY as EMPTY_FILE
from .headers import stage_of
from .hierarchy import long_parent_lines
from .lines import Finished, finish_lines
from .long import read_long
from .overlap import overlap_problems
from .published import read_published
from .result import REJECTED_COLUMNS, FileReport, LoadResult, SheetReport
from .rows import BLANK, DATA, NOTE, REJECTED, SUBTOTAL, blank_rows, count_buckets
from .sangong import read_sangong
from .side_by_side import group_total_problems, merge_buckets
from .sources import Source, collect_sources

UNITS = ("元", "千元", "万元")


@dataclass(frozen=True)
class Options:
    """What the caller told us; each value wins over what the file says (unit: only when the file is silent)."""

    department: str | None = None
    year: int | None = None
    stage: str | None = None
    unit: str | None = None
    codebook: CodeBook | None = None


@dataclass
class SheetOutcome:
    report: SheetReport
    lines: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def read_budget(
    paths: Any,
    *,
    department: str | None = None,
    year: int | str | None = None,
    stage: str | None = None,
    unit: str | None = None,
    codes: Any = None,
    max_file_mb: float = 200,
) -> LoadResult:
    """Read budget tables into the canonical table, the rejected cells, the problems and a per-sheet load report.

    ``paths``: a file, a directory, an ``(name, bytes)`` upload, a file-like object, or a list of these.
    ``department``/``year``/``stage`` apply when a sheet does not say (published tables) or a cell is
    empty (long template); ``unit`` is the unit assumed when a table states none (default 元).
    """
    problems: list[Problem] = []
    options = _options(department, year, stage, unit, problems)
    codebook, codes_error = load_codebook(codes)
    if codes_error:
        problems.append(
            Problem(
                "file-corrupt",
                file=_codes_name(codes),
                details={"expected": "codes CSV", "detail": codes_error},
            )
        )
    options = replace(options, codebook=codebook)
    result = LoadResult()
    tables: list[pd.DataFrame] = []
    rejected: list[pd.DataFrame] = []
    seen: dict[str, str] = {}
    for source in collect_sources(paths, max_file_mb=max_file_mb):
        report = FileReport(
            path=source.path, name=source.name, size=len(source.data) if source.data is not None else None
        )
        report.sha256 = source.sha256
        result.files.append(report)
        if source.problems:
            report.status = "failed"
            problems.extend(source.problems)
            continue
        if report.sha256 in seen:
            report.status = "skipped"
            problems.append(
                Problem("file-duplicate", file=source.name, details={"first_file": seen[report.sha256]})
            )
            continue
        seen[report.sha256] = source.name
        try:
            outcomes, file_problems = _read_source(source, report, options)
        except Exception as exc:  # a bug of ours must not stop the other files, nor show a traceback
            report.status = "failed"
            problems.append(
                Problem(
                    "read-failed", file=source.name, details={"detail": f"{type(exc).__name__}: {exc}"[:300]}
                )
            )
            continue
        problems.extend(file_problems)
        for outcome in outcomes:
            report.sheets.append(outcome.report)
            problems.extend(outcome.problems)
            if len(outcome.lines):
                tables.append(outcome.lines)
            if len(outcome.rejected):
                rejected.append(outcome.rejected)
    result.table = _combine(tables)
    problems.extend(duplicate_problems(result.table))
    problems.extend(overlap_problems(result.table))
    result.rejected = (
        pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(columns=REJECTED_COLUMNS)
    )
    result.problems = problems
    return result


def _combine(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """One canonical table from the sheets' lines (columns that are empty in a sheet are dropped first)."""
    if not tables:
        return empty_table()
    if len(tables) == 1:
        return conform(tables[0])
    return conform(pd.concat([t.dropna(axis=1, how="all") for t in tables], ignore_index=True))


def _codes_name(codes: Any) -> str:
    if isinstance(codes, tuple) and codes:
        return PurePath(str(codes[0])).name
    return (
        PurePath(str(getattr(codes, "name", codes))).name if not isinstance(codes, pd.DataFrame) else "codes"
    )


def _options(department, year, stage, unit, problems: list[Problem]) -> Options:
    """Validate the explicit arguments; an invalid one is reported and ignored, never raised."""
    year_value = None
    if year is not None and str(year).strip():
        text = str(year).strip().removesuffix("年")
        if text.isdigit() and 1990 <= int(text) <= 2100:
            year_value = int(text)
        else:
            problems.append(Problem("argument-invalid", details={"name": "year", "value": str(year)}))
    stage_value = None
    if stage:
        stage_value = stage_of(stage)
        if stage_value is None:
            problems.append(Problem("argument-invalid", details={"name": "stage", "value": str(stage)}))
    unit_value = None
    if unit:
        text = {"yuan": "元", "wan": "万元", "万": "万元"}.get(str(unit).strip().lower(), str(unit).strip())
        if text in UNITS:
            unit_value = text
        else:
            problems.append(Problem("argument-invalid", details={"name": "unit", "value": str(unit)}))
    return Options(
        department=(department or None) and str(department).strip(),
        year=year_value,
        stage=stage_value,
        unit=unit_value,
    )


def _read_source(
    source: Source, report: FileReport, options: Options
) -> tuple[list[SheetOutcome], list[Problem]]:
    data = source.data or b""
    kind = sniff_format(data, source.suffix)
    fail = _file_failure(report, source.name)
    if kind == EMPTY_FILE:
        return fail("file-empty")
    if kind == ENCRYPTED:
        return fail("file-encrypted")
    if kind == UNSUPPORTED:
        return fail("file-unsupported", suffix=source.suffix or "?")
    if kind == CSV:
        decoded = decode_text(data)
        if decoded is None:
            return fail("encoding-unknown")
        text, encoding = decoded
        report.encoding = encoding
        notice = Problem("encoding-detected", file=source.name, details={"encoding": encoding})
        try:
            grid = csv_grid(text)
        except GridError as exc:
            outcomes, problems = fail(exc.code, **exc.details)
            return outcomes, [notice, *problems]
        outcomes = [_read_sheet(grid, source.name, None, options)]
        _fail_if_nothing_read(report, outcomes)
        return outcomes, [notice]
    try:
        workbook = excel_grids(data)
    except GridError as exc:
        return fail(exc.code, **exc.details)
    outcomes = [_read_sheet(grid, source.name, name, options) for name, grid in workbook.sheets.items()]
    if not outcomes:
        return fail("file-empty")
    _fail_if_nothing_read(report, outcomes)
    return outcomes, _unit_variation(outcomes, source.name)


def _fail_if_nothing_read(report: FileReport, outcomes: list[SheetOutcome]) -> None:
    """A file none of whose sheets has a layout we know (but some have numbers) counts as failed."""
    layouts = {o.report.layout for o in outcomes}
    if UNKNOWN in layouts and not layouts - {UNKNOWN, EMPTY, NO_DATA}:
        report.status = "failed"


def _file_failure(report: FileReport, name: str):
    def fail(code: str, **details: str) -> tuple[list[SheetOutcome], list[Problem]]:
        report.status = "failed"
        return [], [Problem(code, file=name, details=details)]

    return fail


def _unit_variation(outcomes: list[SheetOutcome], file: str) -> list[Problem]:
    """Sheets of one workbook stating different units: each was converted by its own unit, but say so."""
    units = {o.report.sheet: o.report.unit for o in outcomes if o.report.unit and o.report.lines}
    if len(set(units.values())) <= 1:
        return []
    detail = "，".join(f"{sheet}：{unit}" for sheet, unit in units.items())
    return [Problem("unit-varies", file=file, details={"detail": detail})]


def _read_sheet(grid: pd.DataFrame, file: str, sheet: str | None, options: Options) -> SheetOutcome:
    report = SheetReport(file=file, sheet=sheet)
    detection = detect_layout(grid, file, sheet)
    report.layout = detection.layout
    if detection.layout == EMPTY:
        count_buckets(report, pd.Series(BLANK, index=grid.index))
        return SheetOutcome(
            report, empty_lines(), _no_rejected(), [Problem("sheet-empty", file=file, sheet=sheet)]
        )
    if detection.layout == NO_DATA:
        buckets = pd.Series(NOTE, index=grid.index).mask(blank_rows(grid), BLANK)
        count_buckets(report, buckets)
        return SheetOutcome(
            report,
            empty_lines(),
            _no_rejected(),
            [Problem("sheet-skipped", file=file, sheet=sheet, details={"detail": detection.detail})],
        )
    if detection.layout == LONG:
        return _read_long_sheet(grid, detection, report, file, sheet, options)
    if detection.layout == PUBLISHED:
        return _read_published_sheet(grid, detection, report, file, sheet, options)
    if detection.layout == SIDE_BY_SIDE:
        return _read_side_by_side_sheet(grid, detection, report, file, sheet, options)
    if detection.layout == SANGONG:
        return _read_sangong_sheet(grid, detection, report, file, sheet, options)
    return _unreadable(grid, detection, report, file, sheet)


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
    grid, detection: Detection, report: SheetReport, file: str, sheet: str | None, options: Options
) -> SheetOutcome:
    header = detection.header
    report.header_row = header.row
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
    problems = [*header.problems, *problems]
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
    finished = finish_lines(raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=False)
    parents, hierarchy = long_parent_lines(finished.lines, unit, file=file, sheet=sheet, labels=labels)
    problems.extend(hierarchy)
    if parents.any():  # 类/款 subtotal lines that add up: counted as subtotal rows, not read
        buckets = buckets.copy()
        buckets[finished.lines.loc[parents, "source_row"].astype(int).to_numpy()] = SUBTOTAL
        finished.lines = finished.lines[~parents]
    problems.extend(_unknown_codes(finished.lines, labels, options, file, sheet))
    if unit_conflict:
        finished = _reject_all(finished, raw, "unit-mismatch", file, sheet)
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
    report.header_row = published.header_row
    problems.extend(published.problems)
    problems.extend(_dictionary(published, options, file, sheet))
    finished = finish_lines(published.raw, published.labels, ctx, file=file, sheet=sheet, blank_is_zero=True)
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
    return ctx, unit, problems + unit_problems, conflict


def _dictionary(published, options: Options, file: str, sheet: str | None) -> list[Problem]:
    book = options.codebook
    if book is None or published.code_rows is None:
        return []
    code_label = published.labels.get(FUNC_CODE if published.kind == FUNC else ECON_CODE)
    return unknown_code_problems(
        published.code_rows["code"], published.kind, book, file=file, sheet=sheet, column=code_label
    ) + name_mismatch_problems(
        published.code_rows, published.kind, book, file=file, sheet=sheet, column=published.labels.get("item")
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
    finished = finish_lines(raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=True)
    if conflict:
        finished = _reject_all(finished, raw, "unit-mismatch", file, sheet)
    report.header_row = results[0].header_row
    return _outcome(report, ctx, merge_buckets([r.buckets for r in results]), finished, problems)


def _read_sangong_sheet(
    grid, detection: Detection, report: SheetReport, file: str, sheet: str | None, options: Options
) -> SheetOutcome:
    anchor = detection.header
    ctx, unit, problems, conflict = _context_and_unit(grid, anchor, None, report, file, sheet, options)
    result = read_sangong(grid, anchor, ctx, unit, file=file, sheet=sheet)
    problems.extend(result.problems)
    report.header_row = result.header_row
    labels = {ECON_CODE: "经济分类", YEAR: "年度", DEPARTMENT: "部门"}
    finished = finish_lines(result.raw, labels, ctx, file=file, sheet=sheet, blank_is_zero=True)
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
        codes = pd.Series(lines[column].to_numpy(), index=lines["source_row"].to_numpy())
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


__all__ = ["read_budget"]
