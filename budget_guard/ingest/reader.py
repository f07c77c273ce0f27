"""``read_budget``: every input file → sheets → layout → lines, with a report that accounts for every row.

It composes sources, grids and ``sheets.read_sheet``, then the checks across files. It never raises for a user's file: a file
that cannot be read becomes a failed ``FileReport`` plus problems, and the others are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.ingest.files.encodings import decode_text, utf8_start
from budget_guard.ingest.files.grid import (
    CSV,
    ENCRYPTED,
    PDF,
    UNSUPPORTED,
    GridError,
    csv_grid,
    excel_grids,
    sniff_format,
)
from budget_guard.ingest.files.grid import EMPTY as EMPTY_FILE
from budget_guard.ingest.files.sources import Source, collect_sources
from budget_guard.ingest.layouts.sangong import SANGONG as SANGONG_LAYOUT
from budget_guard.ingest.load_result import READ, REJECTED_COLUMNS, FileReport, LoadResult, SheetReport
from budget_guard.ingest.recognise.detect import EMPTY, NO_DATA, UNKNOWN
from budget_guard.ingest.recognise.headers import stage_of
from budget_guard.ingest.settle.aliases import AliasError, link_departments, load_aliases
from budget_guard.ingest.settle.cross_source import second_sources
from budget_guard.ingest.settle.duplicates import duplicate_problems
from budget_guard.ingest.settle.overlap import drop_repeated_tables, overlap_problems
from budget_guard.ingest.settle.printed import mark_printed_figures
from budget_guard.ingest.settle.scopes import (
    ALL_FUNDS_LAYOUT,
    Settled,
    SheetInfo,
    prefer_department,
    settle_scopes,
)
from budget_guard.ingest.sheets import Options, SheetOutcome, read_sheet
from budget_guard.ingest.table_outcomes import settle_outcomes
from budget_guard.messages.problems import Problem
from budget_guard.model.codes import load_codebook
from budget_guard.model.limits import DEFAULT_LIMITS, SAFE_TOTAL_FEN, Limits
from budget_guard.model.table import (
    AMOUNT_FEN,
    SOURCE_FILE,
    SOURCE_LAYOUT,
    SOURCE_ROW,
    SOURCE_SHEET,
    conform,
    empty_table,
    format_yuan,
)

UNITS = ("元", "千元", "万元")


def read_budget(
    paths: Any,
    *,
    department: str | None = None,
    year: int | str | None = None,
    stage: str | None = None,
    unit: str | None = None,
    codes: Any = None,
    max_file_mb: float | None = None,
    limits: Limits | None = None,
    aliases: Any = None,
    sources: Any = None,
    disclosure: Any = None,
) -> LoadResult:
    """Read budget tables into the canonical table, the rejected cells, the problems and a per-sheet load report.

    ``paths``: a file, a directory, an ``(name, bytes)`` upload, a file-like object, or a list of these.
    ``department``/``year``/``stage`` apply when a sheet does not say (published tables) or a cell is
    empty (long template); ``unit`` is the unit assumed when a table states none (default 元).
    ``limits`` (``budget_guard.model.limits.Limits``) bound what one file may cost; ``max_file_mb`` overrides
    its file size. ``sources`` (the rules' ``sources``, ``rulebook.Sources``) says which table measures the
    money when a published set prints it under nested funding scopes (default: the packaged rules' choice).
    ``disclosure`` (the rules' ``disclosure``, ``rulebook.Disclosure``) lists the tables each 公开 must contain
    (default: the packaged rules' list).
    """
    limits = limits or DEFAULT_LIMITS
    if max_file_mb is not None:
        limits = replace(limits, max_file_mb=max_file_mb)
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
    options = replace(options, codebook=codebook, limits=limits)
    declared = None
    if aliases is not None:
        try:
            declared = load_aliases(aliases)
        except (AliasError, OSError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(
                    "aliases-invalid",
                    file=_codes_name(aliases),
                    row=getattr(exc, "line", None),
                    details={"detail": str(exc)[:300]},
                )
            )
    result = LoadResult()
    tables: list[pd.DataFrame] = []
    rejected: list[pd.DataFrame] = []
    seen: dict[str | None, str] = {}  # content hash → the first file with it
    total_fen = 0.0  # the absolute amounts read so far (float: only compared with the safe bound)
    linked_reports: list[FileReport] = []
    for source in collect_sources(paths, max_file_mb=limits.max_file_mb):
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
        if source.linked:
            linked_reports.append(report)
        file_total = sum(_absolute_fen(o.lines) for o in outcomes)
        if total_fen + file_total > SAFE_TOTAL_FEN:
            report.status = "failed"
            problems.append(
                Problem(
                    "amount-total-overflow", file=source.name, details={"total": f"{file_total / 100:,.0f}"}
                )
            )
            continue
        total_fen += file_total
        for outcome in outcomes:
            report.sheets.append(outcome.report)
            problems.extend(outcome.problems)
            if len(outcome.lines):
                tables.append(_with_layout(outcome.lines, outcome.report.layout))
            if len(outcome.rejected):
                rejected.append(outcome.rejected)
    result.table = _combine(tables)
    result.table, linked = link_departments(result.table, declared)
    problems.extend(linked)
    result.table = _apply(result, rejected, prefer_department(result.table, _sheet_infos(result)))
    result.table = _settle_published_sets(result, rejected, problems, sources)
    result.table = _drop_repeated_tables(result, rejected, problems)
    result.table = _set_aside_second_sources(result, rejected, problems)
    result.table, settled_layouts = _settle_scopes(result, rejected, problems)
    result.table = _mark_printed_figures(result)
    problems.extend(duplicate_problems(result.table))
    settled = result.table[SOURCE_LAYOUT].isin(settled_layouts).to_numpy()
    problems.extend(overlap_problems(result.table.loc[~settled]))
    settle_outcomes(result, problems)
    _record_counted(result)
    problems.extend(_check_disclosure(result, disclosure))
    for report in linked_reports:  # a link's target that is no budget table: its text stays out of the output
        for sheet_report in report.sheets:
            if sheet_report.outcome != READ:
                sheet_report.title = None
    result.rejected = (
        pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(columns=REJECTED_COLUMNS)
    )
    result.problems = problems
    return result


def _absolute_fen(lines: pd.DataFrame) -> float:
    """Sum of |amount| in float64: exact enough to compare with 2^62, and it cannot wrap around."""
    if not len(lines):
        return 0.0
    return float(np.abs(lines[AMOUNT_FEN].to_numpy(dtype="float64", na_value=0.0)).sum())


def _settle_published_sets(
    result: LoadResult, rejected: list[pd.DataFrame], problems: list[Problem], sources: Any
) -> pd.DataFrame:
    """The published sets: each table's kind, one table per figure (cross-checks set aside), the relations."""
    from budget_guard.ingest.settle.published_set import SheetFacts, build_sets, relation_problems
    from budget_guard.model.rulebook import DEFAULT_SOURCES, Sources

    facts = [
        SheetFacts(
            f.name,
            s.sheet or "",
            s.layout,
            s.scope,
            s.title or s.sheet or f.name,
            s.outcome or ("empty" if s.layout in (EMPTY, NO_DATA) else ""),
            s.unit,
            s.department,
            s.year,
            s.printed_total_fen,
            dict(s.printed_figures),
        )
        for f in result.files
        for s in f.sheets
    ]
    sets, decision = build_sets(result.table, facts, problems, sources or Sources(**DEFAULT_SOURCES))
    result.published_sets = sets
    problems.extend(relation_problems(sets))
    if decision.tags is not None:  # lines a failed 表间勾稽 rests on: tagged 勾稽不符, never graded
        result.table = _with_tags(result.table, decision.tags)
    if not decision.set_aside.any() and not decision.notes:
        return result.table
    aside = decision.set_aside
    settled = Settled(result.table.loc[~aside], result.table.loc[aside])
    settled.notes, settled.counted_from = decision.notes, decision.counted_from
    return _apply(result, rejected, settled)


def _check_disclosure(result: LoadResult, disclosure: Any) -> list[Problem]:
    """公开 completeness: each published set's obligations with their state, stored on the set; a problem per
    unmet one (a table that failed to read makes its obligation could-not-check: unmet, never passed)."""
    if not result.published_sets:
        return []
    from budget_guard.ingest.settle.disclosure import assess, disclosure_problems, table_states

    if disclosure is None:
        from budget_guard.model.rulebook import load_rules

        disclosure = load_rules().disclosure
    assessed = assess(result.published_sets, table_states(result.files), result.table, disclosure)
    for i, results in assessed.items():
        result.published_sets[i].disclosure = results
    checked = [result.published_sets[i] for i in assessed]
    return disclosure_problems(checked, None if disclosure is None else disclosure.severity)


def _with_tags(table: pd.DataFrame, extra: np.ndarray) -> pd.DataFrame:
    """``table`` with ``extra`` tags (one string or None per line) appended to each line's tags."""
    from budget_guard.model.table import TAG_SEPARATOR, TAGS

    tags = table[TAGS].astype("object").to_numpy()
    added = np.array(
        [
            old
            if new is None
            else (new if not isinstance(old, str) or not old else f"{old}{TAG_SEPARATOR}{new}")
            for old, new in zip(tags, extra, strict=True)
        ],
        dtype=object,
    )
    out = table.copy()
    out[TAGS] = pd.Series(added, index=table.index).astype("category")
    return out


def _record_counted(result: LoadResult) -> None:
    """Each published table's counted amount, once every cross-table decision is made."""
    if not result.published_sets:
        return
    from budget_guard.ingest.settle.published_set import record_counted

    record_counted(result.published_sets, result.table)


def _drop_repeated_tables(
    result: LoadResult, rejected: list[pd.DataFrame], problems: list[Problem]
) -> pd.DataFrame:
    """Count money printed twice in one classification once; the repeats become rejected lines.

    The sheets' row accounting follows: a row whose every line was a repeat moves from data to
    rejected, so ``rows_read`` still equals the sum of the buckets.
    """
    layouts = {(f.name, s.sheet or ""): s.layout for f in result.files for s in f.sheets}
    scopes = {(f.name, s.sheet or ""): s.scope for f in result.files for s in f.sheets}
    kept, dropped, repeat_problems = drop_repeated_tables(result.table, layouts, scopes)
    problems.extend(repeat_problems)
    for p in repeat_problems:
        report = _sheet_report(result, p.file, p.sheet)
        if report is not None:
            report.counted_from = p.details.get("kept")
    return _set_aside(result, rejected, kept, dropped, repeat_problems)


def _set_aside_second_sources(
    result: LoadResult, rejected: list[pd.DataFrame], problems: list[Problem]
) -> pd.DataFrame:
    """A department-year from a line-level export and from other files is counted once, from the export."""
    kept, dropped, set_aside = second_sources(result.table)
    problems.extend(set_aside)
    if not set_aside:
        return result.table
    # a whole file set aside (no sheet), or one sheet of the kept file
    reasons: dict[tuple[str | None, str | None], Problem] = {}
    for aside in set_aside:
        reasons.setdefault((aside.file, aside.sheet or None), aside)
    dropped_sheets = dict.fromkeys(  # in reading order, so the reports are the same every run
        zip(
            dropped[SOURCE_FILE].astype("object"),
            dropped[SOURCE_SHEET].astype("object").fillna(""),
            strict=True,
        )
    )
    for f in result.files:
        for s in f.sheets:
            p = reasons.get((f.name, s.sheet or None)) or reasons.get((f.name, None))
            if p is not None and not s.counted_from and (f.name, s.sheet or "") in dropped_sheets:
                s.counted_from = p.details.get("kept")
    by_sheet = {(f, s): reasons.get((f, s or None)) or reasons.get((f, None)) for f, s in dropped_sheets}
    notes = [
        Problem(p.code, file=file, sheet=sheet or None, details=p.details)
        for (file, sheet), p in by_sheet.items()
        if p is not None
    ]
    return _set_aside(result, rejected, kept, dropped, notes)


def _sheet_report(result: LoadResult, file: str | None, sheet: str | None) -> SheetReport | None:
    for f in result.files:
        for s in f.sheets:
            if f.name == file and (s.sheet or "") == (sheet or ""):
                return s
    return None


def _settle_scopes(
    result: LoadResult, rejected: list[pd.DataFrame], problems: list[Problem]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Decide which money each table contributes (``scopes``) and account for the rows counted elsewhere."""
    settled = settle_scopes(result.table, _sheet_infos(result))
    problems.extend(settled.problems)
    return _apply(result, rejected, settled), (SANGONG_LAYOUT, ALL_FUNDS_LAYOUT)


def _mark_printed_figures(result: LoadResult) -> pd.DataFrame:
    """A printed 机关运行经费 is the department-year's measure: its other lines are tagged, the sheet says so."""
    from budget_guard.ingest.table_outcomes import money

    marked = mark_printed_figures(result.table)
    for key, per_stage in marked.figures.items():
        report = _sheet_report(result, *key)
        if report is None:
            continue
        texts = {}
        for lang, separator in (("zh", "、"), ("en", ", ")):
            amounts = [
                (msg.t(f"stage.{stage}", lang) + " " * (lang == "en") if len(per_stage) > 1 else "")
                + money(fen, report.unit, lang)
                for stage, (fen, _) in per_stage.items()
            ]
            others = sum(count for _, count in per_stage.values())
            texts[lang] = msg.t("tables.operating_used", lang, amount=separator.join(amounts), count=others)
        zh, en = texts["zh"], texts["en"]
        report.reason_zh = f"{report.reason_zh}；{zh}" if report.reason_zh else zh
        report.reason_en = f"{report.reason_en}; {en}" if report.reason_en else en
    return marked.table


def _sheet_infos(result: LoadResult) -> dict[tuple[str, str], SheetInfo]:
    return {
        (f.name, s.sheet or ""): SheetInfo(s.layout, s.scope, s.title or s.sheet or f.name, s.level, s.unit)
        for f in result.files
        for s in f.sheets
    }


def _apply(result: LoadResult, rejected: list[pd.DataFrame], settled) -> pd.DataFrame:
    """Record a cross-table decision on the sheets it touched; rows counted elsewhere become rejected records."""
    for (file, sheet), (zh, en) in settled.notes.items():
        report = _sheet_report(result, file, sheet)
        if report is not None:
            report.reason_zh, report.reason_en = zh, en
            report.counted_from = settled.counted_from.get((file, sheet))
    if not settled.counted_elsewhere.empty:
        dropped = settled.counted_elsewhere
        notes = []
        for file, sheet in dict.fromkeys(
            zip(
                dropped[SOURCE_FILE].astype("object"),
                dropped[SOURCE_SHEET].astype("object").fillna(""),
                strict=True,
            )
        ):
            zh, en = settled.notes.get((file, sheet), ("", ""))
            notes.append(_CountedElsewhere(file, sheet or None, zh, en))
        kept = _set_aside(result, rejected, settled.table, dropped, notes)
    else:
        kept = settled.table.reset_index(drop=True)
    if settled.notes:  # amounts changed: the counted total of those sheets, from the lines kept
        sheet_keys = list(
            zip(
                kept[SOURCE_FILE].astype("object"),
                kept[SOURCE_SHEET].astype("object").fillna(""),
                strict=True,
            )
        )
        counted = kept[AMOUNT_FEN].groupby(pd.Series(sheet_keys, index=kept.index)).agg(["sum", "size"])
        for key in settled.notes:
            report = _sheet_report(result, *key)
            if report is not None:
                report.amount_fen = int(counted["sum"].get(key, 0))
                report.lines = int(counted["size"].get(key, 0))
    return kept


@dataclass(frozen=True)
class _CountedElsewhere:
    """The message of rows whose money another table holds (same shape as a ``Problem`` for ``_set_aside``)."""

    file: str
    sheet: str | None
    zh: str
    en: str

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _set_aside(
    result: LoadResult, rejected: list[pd.DataFrame], kept, dropped, repeat_problems
) -> pd.DataFrame:
    """Lines counted from another table become rejected records; the sheets' row accounting follows."""
    if dropped.empty:
        return kept.reset_index(drop=True)
    message = {(p.file, p.sheet or ""): p for p in repeat_problems}
    sheet_of = dropped[SOURCE_SHEET].astype("object").fillna("")
    records = pd.DataFrame(
        {
            "file": dropped[SOURCE_FILE].astype("object").to_numpy(),
            "sheet": dropped[SOURCE_SHEET].astype("object").to_numpy(),
            "row": dropped[SOURCE_ROW].to_numpy(),
            "column": None,
            "code": [
                getattr(message[(f, s)], "code", "table-repeated")
                for f, s in zip(dropped[SOURCE_FILE].astype("object"), sheet_of, strict=True)
            ],
            "value": [format_yuan(v) for v in dropped[AMOUNT_FEN]],
            "message_zh": [
                message[(f, s)].message("zh")
                for f, s in zip(dropped[SOURCE_FILE].astype("object"), sheet_of, strict=True)
            ],
            "message_en": [
                message[(f, s)].message("en")
                for f, s in zip(dropped[SOURCE_FILE].astype("object"), sheet_of, strict=True)
            ],
        }
    )
    rejected.append(records[REJECTED_COLUMNS])
    remaining = set(
        zip(
            kept[SOURCE_FILE].astype("object"),
            kept[SOURCE_SHEET].astype("object").fillna(""),
            kept[SOURCE_ROW],
            strict=True,
        )
    )
    reports = {(f.name, s.sheet or ""): s for f in result.files for s in f.sheets}
    for (file, sheet), lines in dropped.groupby(
        [dropped[SOURCE_FILE].astype("object"), sheet_of], sort=False
    ):
        report = reports.get((file, sheet))
        if report is None:
            continue
        report.lines -= len(lines)
        report.amount_fen -= int(lines[AMOUNT_FEN].sum())
        gone = {int(r) for r in lines[SOURCE_ROW].dropna() if (file, sheet, r) not in remaining}
        report.data_rows -= len(gone)
        report.rejected_rows += len(gone)
    return kept.reset_index(drop=True)


def _with_layout(lines: pd.DataFrame, layout: str | None) -> pd.DataFrame:
    """``lines.assign(source_layout=layout)`` without copying every column of a million-line sheet."""
    cells = np.empty(len(lines), dtype=object)
    cells.fill(np.nan if layout is None else layout)
    columns = {name: lines[name] for name in lines.columns}
    columns[SOURCE_LAYOUT] = pd.Series(cells, index=lines.index, dtype=object, copy=False)
    return pd.DataFrame(columns, index=lines.index, copy=False)


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
        if source.suffix == ".pdf":  # named .pdf, but no PDF header
            return fail("file-corrupt", expected="PDF", detail="no %PDF- header")
        return fail("file-unsupported", suffix=source.suffix or "?")
    if kind == PDF:
        from budget_guard.ingest.pdf.read import read_pdf_source

        return read_pdf_source(data, source.name, report, options)
    if kind == CSV:
        utf8 = utf8_start(data)  # most files: read in place, never decoded into a Python string
        text: bytes | str
        if utf8 is not None:
            text, (start, encoding) = data, utf8
        else:
            decoded = decode_text(data)
            if decoded is None:
                return fail("encoding-unknown")
            (text, encoding), start = decoded, 0
        report.encoding = encoding
        notice = Problem("encoding-detected", file=source.name, details={"encoding": encoding})
        try:
            grid = csv_grid(text, start)
        except GridError as exc:
            outcomes, problems = fail(exc.code, **exc.details)
            return outcomes, [notice, *problems]
        outcomes = [read_sheet(grid, source.name, None, options)]
        _fail_if_nothing_read(report, outcomes)
        return outcomes, [notice]
    try:
        workbook = excel_grids(data, options.limits)
    except GridError as exc:
        return fail(exc.code, **exc.details)
    outcomes = []
    for name, grid in workbook.sheets.items():
        outcome = read_sheet(grid, source.name, name, options, merges=workbook.merges.get(name))
        outcome.problems.extend(
            Problem(code, file=source.name, sheet=name, row=row, column=column, details=details)
            for code, details, row, column in workbook.problems.get(name, [])
        )
        outcomes.append(outcome)
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


__all__ = ["read_budget"]
