"""Turn the text lines a layout found into canonical rows, rejected cells and problems — the same rules for every layout.

A layout module only decides *which* cells make a line (``amount_text``, codes, names, year …);
this module parses and checks them column-at-a-time: amounts to fen, codes to clean text, years,
stages, departments, expense types and tags. Whatever cannot be used becomes a rejected record
and a ``Problem`` naming file, sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..problems import Problem
from ..table import (
    AMOUNT_FEN,
    COLUMNS,
    DEFAULT_STAGE,
    DEPARTMENT,
    DEPARTMENT_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    TAG_SEPARATOR,
    TAGS,
    YEAR,
)
from .context import Context
from .grid import TEXT
from .headers import EXPENSE_TYPE_ALIASES, stage_of
from .numbers import (
    BAD,
    BLANK,
    ECON_LENGTHS,
    FUNC_LENGTHS,
    clean_codes,
    clean_text,
    fen_to_unit_text,
    parse_amounts,
)
from .result import REJECTED_COLUMNS

# columns of the intermediate frame a layout hands over
ROW = "row"
AMOUNT_TEXT = "amount_text"
AMOUNT_LABEL = "amount_column"
UNIT = "unit"
TEXT_FIELDS = (DEPARTMENT, DEPARTMENT_CODE, YEAR, STAGE, FUNC_CODE, ECON_CODE, ITEM, EXPENSE_TYPE, TAGS)


@dataclass
class Finished:
    """Canonical rows kept, rejected cells (one record per problem), problems, and the rows rejected outright."""

    lines: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)


@dataclass
class _Failures:
    file: str
    sheet: str | None
    frames: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self,
        mask: pd.Series,
        code: str,
        column: pd.Series | str | None,
        value: pd.Series,
        rows: pd.Series,
        **details,
    ):
        if not mask.any():
            return
        part = pd.DataFrame({"row": rows[mask], "code": code, "value": value[mask].astype("object")})
        part["column"] = column[mask] if isinstance(column, pd.Series) else column
        for key, detail in details.items():
            part[key] = detail[mask] if isinstance(detail, pd.Series) else detail
        self.frames.append(part)


def finish_lines(
    raw: pd.DataFrame,
    labels: dict[str, str],
    ctx: Context,
    *,
    file: str,
    sheet: str | None,
    blank_is_zero: bool,
) -> Finished:
    """Parse and check ``raw`` (columns ``row``, ``amount_text``, ``amount_column``, ``unit`` and any text fields)."""
    raw = raw.reset_index(drop=True)
    n = len(raw)
    rows = raw[ROW].astype("int64")
    fails = _Failures(file, sheet)
    problems: list[Problem] = []
    error = pd.Series(False, index=raw.index)

    def text(name: str) -> pd.Series:
        if name in raw.columns:
            return clean_text(raw[name])
        return pd.Series(pd.NA, index=raw.index, dtype=TEXT)

    # amounts, per unit (a wide table can state a unit per column)
    fen = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    status = pd.Series(BLANK, index=raw.index, dtype="object")
    for unit, part in raw.groupby(UNIT, sort=False):
        part_fen, part_status = parse_amounts(part[AMOUNT_TEXT], unit=str(unit), blank_is_zero=blank_is_zero)
        fen[part.index] = part_fen
        status[part.index] = part_status
    amount_text = raw[AMOUNT_TEXT].astype(TEXT)
    bad_amount = status == BAD
    missing_amount = (status == BLANK) & fen.isna()
    fails.add(bad_amount, "amount-not-numeric", raw[AMOUNT_LABEL], amount_text, rows)
    fails.add(missing_amount, "amount-missing", raw[AMOUNT_LABEL], amount_text, rows)
    error |= bad_amount | missing_amount

    # codes
    func_raw, econ_raw = text(FUNC_CODE), text(ECON_CODE)
    func, func_problem = clean_codes(func_raw, FUNC_LENGTHS)
    econ, econ_problem = clean_codes(econ_raw, ECON_LENGTHS)
    for code_raw, problem, name in ((func_raw, func_problem, FUNC_CODE), (econ_raw, econ_problem, ECON_CODE)):
        bad = problem.notna()
        fails.add(bad, "code-malformed", labels.get(name, name), code_raw, rows, detail=problem)
        error |= bad
    no_code = func.isna() & econ.isna() & func_problem.isna() & econ_problem.isna()
    code_label = labels.get(FUNC_CODE) or labels.get(ECON_CODE) or "编码"
    fails.add(no_code, "code-missing", code_label, func_raw.fillna(econ_raw), rows)
    error |= no_code

    # year: the cell, else the sheet's year
    year_raw = text(YEAR)
    year_num = pd.to_numeric(
        year_raw.str.extract(r"^((?:19|20|21)\d{2})(?:\.0+)?(?:年度?)?$", expand=False), errors="coerce"
    )
    bad_year = year_raw.notna() & year_num.isna()
    fails.add(
        bad_year,
        "year-invalid",
        labels.get(YEAR, YEAR),
        year_raw,
        rows,
    )
    error |= bad_year
    year = year_num.astype("Int64")
    if ctx.year is not None:
        year = year.fillna(ctx.year)
    no_year = year.isna() & ~bad_year
    if no_year.any():
        fails.add(no_year, "missing-year", labels.get(YEAR), year_raw, rows)
        error |= no_year
        # one problem for the sheet (the cause is the same for every row), plus a rejected record per row
        problems.append(Problem("missing-year", file=file, sheet=sheet, row=int(rows[no_year].iloc[0])))

    # stage
    stage_raw = text(STAGE)
    distinct = stage_raw.dropna().unique()
    stage = stage_raw.map({v: stage_of(v) for v in distinct}).astype(TEXT)
    bad_stage = stage_raw.notna() & stage.isna()
    fails.add(bad_stage, "stage-invalid", labels.get(STAGE, STAGE), stage_raw, rows)
    error |= bad_stage
    stage = stage.fillna(ctx.stage or DEFAULT_STAGE)

    # department
    department = raw[DEPARTMENT].astype(TEXT).str.strip() if DEPARTMENT in raw.columns else None
    if department is None:
        department = pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    department = department.mask(department == "")
    if ctx.department:
        department = department.fillna(ctx.department)
    no_department = department.isna()
    if no_department.any():
        has_column = DEPARTMENT in raw.columns and raw[DEPARTMENT].notna().any()
        code = "department-missing" if has_column else "missing-department"
        fails.add(no_department, code, labels.get(DEPARTMENT), department, rows)
        error |= no_department
        if not has_column:
            problems.append(
                Problem("missing-department", file=file, sheet=sheet, row=int(rows[no_department].iloc[0]))
            )

    # expense type (optional: a bad value is dropped with a warning, the line is kept)
    expense_raw = text(EXPENSE_TYPE)
    expense = expense_raw.map(
        {v: EXPENSE_TYPE_ALIASES.get(v.lower().replace(" ", "")) for v in expense_raw.dropna().unique()}
    )
    expense = expense.astype(TEXT)
    bad_expense = expense_raw.notna() & expense.isna() & ~error
    fails.add(bad_expense, "expense-type-invalid", labels.get(EXPENSE_TYPE, EXPENSE_TYPE), expense_raw, rows)

    tags = text(TAGS)
    if tags.notna().any():
        tags = tags.str.replace(r"\s*[;；,，、]\s*", TAG_SEPARATOR, regex=True).str.replace(
            r";{2,}", ";", regex=True
        )
        tags = tags.str.strip(TAG_SEPARATOR).replace("", pd.NA)

    negative = (fen < 0).fillna(False).astype(bool) & ~error
    units = raw[UNIT].astype("object")
    neg_text = (
        pd.Series(
            [
                fen_to_unit_text(int(v), str(u)) if m else None
                for v, u, m in zip(fen.fillna(0), units, negative, strict=True)
            ],
            index=raw.index,
            dtype="object",
        )
        if negative.any()
        else pd.Series(None, index=raw.index, dtype="object")
    )
    fails.add(negative, "amount-negative", raw[AMOUNT_LABEL], neg_text, rows)

    item = (
        raw[ITEM].astype(TEXT).str.strip()
        if ITEM in raw.columns
        else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    )
    dept_code = text(DEPARTMENT_CODE)
    dept_code = dept_code.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)

    keep = ~error
    lines = pd.DataFrame(
        {
            DEPARTMENT: department[keep],
            DEPARTMENT_CODE: dept_code[keep],
            YEAR: year[keep],
            STAGE: stage[keep],
            FUNC_CODE: func[keep],
            ECON_CODE: econ[keep],
            ITEM: item[keep],
            EXPENSE_TYPE: expense[keep],
            TAGS: tags[keep],
            AMOUNT_FEN: fen[keep],
            SOURCE_FILE: file,
            SOURCE_SHEET: sheet,
            SOURCE_ROW: rows[keep],
        },
        columns=list(COLUMNS),
    )
    rejected, cell_problems = _records(fails, file, sheet)
    problems = cell_problems + problems
    kept_rows = set(rows[keep].tolist())
    rejected_rows = set(rows[error].tolist()) - kept_rows
    del n
    return Finished(lines=lines, rejected=rejected, problems=problems, rejected_rows=rejected_rows)


def _records(fails: _Failures, file: str, sheet: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Problems for every failure; rejected records for the error-level ones."""
    if not fails.frames:
        return pd.DataFrame(columns=REJECTED_COLUMNS), []
    frame = pd.concat(fails.frames, ignore_index=True).sort_values("row", kind="stable")
    detail_columns = [c for c in frame.columns if c not in ("row", "code", "value", "column")]
    problems = []
    records = []
    for record in frame.to_dict("records"):
        value = record["value"]
        value = (
            None
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
            else str(value)
        )
        details = {"value": value if value is not None else ""}
        for key in detail_columns:
            detail = record[key]
            if (
                detail is not None
                and detail is not pd.NA
                and not (isinstance(detail, float) and np.isnan(detail))
            ):
                details[key] = detail
        column = record["column"]
        column = (
            None
            if column is None or column is pd.NA or (isinstance(column, float) and np.isnan(column))
            else str(column)
        )
        problem = Problem(
            record["code"], file=file, sheet=sheet, row=int(record["row"]), column=column, details=details
        )
        problems.append(problem)
        if problem.severity == "error":
            records.append(
                {
                    "file": file,
                    "sheet": sheet,
                    "row": int(record["row"]),
                    "column": column,
                    "code": record["code"],
                    "value": value,
                    "message_zh": problem.message("zh"),
                    "message_en": problem.message("en"),
                }
            )
    # sheet-level causes (missing year/department) are reported once, not once per row
    problems = [p for p in problems if p.code not in ("missing-year", "missing-department")]
    return pd.DataFrame(records, columns=REJECTED_COLUMNS), problems
