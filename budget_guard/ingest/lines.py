"""Turn the text lines a layout found into canonical rows, rejected cells and problems — the same rules for every layout.

A layout module only decides *which* cells make a line (``amount_text``, codes, names, year …);
this module parses and checks them column-at-a-time: amounts to fen, codes to clean text, years,
stages, departments, expense types and tags. Whatever cannot be used becomes a rejected record
and a ``Problem`` naming file, sheet, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from budget_guard.ingest.files.grid import TEXT
from budget_guard.ingest.load_result import REJECTED_COLUMNS
from budget_guard.ingest.recognise.context import Context
from budget_guard.ingest.recognise.headers import EXPENSE_TYPE_ALIASES, stage_of
from budget_guard.ingest.recognise.numbers import (
    BAD,
    BLANK,
    ECON_LENGTHS,
    FUNC_LENGTHS,
    RANGE,
    ROUNDED,
    clean_code,
    fen_to_unit_text,
    parse_amounts,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    AMOUNT_FEN,
    COLUMNS,
    DEFAULT_STAGE,
    DEPARTMENT,
    DEPARTMENT_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    TAG_SEPARATOR,
    TAGS,
    YEAR,
    YITIHUA_TEXT,
)

# columns of the intermediate frame a layout hands over
ROW = "row"
AMOUNT_TEXT = "amount_text"
AMOUNT_LABEL = "amount_column"
UNIT = "unit"
# True on a line that stands for a figure a table prints instead of lines (the 机关运行经费 of a 三公
# table): it carries a tag and no code, and is not a ``code-missing`` error.
FIGURE = "figure"
TEXT_FIELDS = (DEPARTMENT, DEPARTMENT_CODE, YEAR, STAGE, FUNC_CODE, ECON_CODE, ITEM, EXPENSE_TYPE, TAGS)


def combine_raw(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The raw lines a layout found, as one frame; missing context cells become None, not NaN.

    Published and 三公 layouts build their lines block by block; this is the one place that
    turns those blocks into the frame ``finish`` expects.
    """
    raw = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[ROW, AMOUNT_TEXT, AMOUNT_LABEL, UNIT])
    )
    for column in (YEAR, STAGE, EXPENSE_TYPE, DEPARTMENT):
        if column in raw.columns:
            raw[column] = raw[column].astype("object").where(raw[column].notna(), None)
    return raw


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


_STATUSES = (BLANK, BAD, RANGE, ROUNDED)  # the statuses a line is checked for; anything else is ok


@dataclass(frozen=True)
class _Amounts:
    """Per line: fen (``missing`` where there is none) and the index of its status in ``_STATUSES`` (-1: ok)."""

    fen: np.ndarray
    missing: np.ndarray
    status: np.ndarray

    def has(self, status: str) -> np.ndarray:
        return self.status == _STATUSES.index(status)


def _parse_distinct_amounts(
    text: pd.Series, unit: str, blank_is_zero: bool, max_fen: int | None = None
) -> _Amounts:
    """``parse_amounts`` on the distinct amount texts only, mapped back to every line.

    Budget tables repeat amounts (the same 办公费 in many departments); a province-sized CSV has
    about half as many distinct amount texts as lines, so this halves the parsing; results are the
    same as parsing each line, an empty cell is ``blank`` (zero when ``blank_is_zero``).
    """
    codes, uniques = pd.factorize(text.astype(TEXT))
    fen, status = parse_amounts(
        pd.Series(uniques, dtype=TEXT), unit=unit, blank_is_zero=blank_is_zero, max_fen=max_fen
    )
    status_codes, status_names = pd.factorize(status.to_numpy(dtype=object))
    known = np.array([_STATUSES.index(v) if v in _STATUSES else -1 for v in status_names], dtype=np.int8)
    unique_status = known[status_codes] if len(status_codes) else np.zeros(0, dtype=np.int8)
    # code -1 (an empty cell) takes the last slot: blank, zero fen when blank_is_zero
    unique_fen = np.append(fen.to_numpy(dtype=np.int64, na_value=0), 0)
    unique_missing = np.append(fen.isna().to_numpy(dtype=bool), not blank_is_zero)
    unique_status = np.append(unique_status, np.int8(_STATUSES.index(BLANK)))
    return _Amounts(unique_fen[codes], unique_missing[codes], unique_status[codes])


def _amounts(raw: pd.DataFrame, blank_is_zero: bool, max_fen: int | None) -> _Amounts:
    """Amounts of every line, per unit (a wide table can state a unit per column)."""
    unit_codes, units = pd.factorize(raw[UNIT].astype("object"))
    if len(units) == 1 and not (unit_codes < 0).any():
        return _parse_distinct_amounts(
            raw[AMOUNT_TEXT], unit=str(units[0]), blank_is_zero=blank_is_zero, max_fen=max_fen
        )
    n = len(raw)
    out = _Amounts(
        np.zeros(n, dtype=np.int64),
        np.ones(n, dtype=bool),
        np.full(n, _STATUSES.index(BLANK), dtype=np.int8),
    )
    for code, unit in enumerate(units):
        part = unit_codes == code
        parsed = _parse_distinct_amounts(
            raw.loc[part, AMOUNT_TEXT], unit=str(unit), blank_is_zero=blank_is_zero, max_fen=max_fen
        )
        out.fen[part], out.missing[part], out.status[part] = parsed.fen, parsed.missing, parsed.status
    return out


def finish_lines(
    raw: pd.DataFrame,
    labels: dict[str, str],
    ctx: Context,
    *,
    file: str,
    sheet: str | None,
    blank_is_zero: bool,
    max_fen: int | None = None,
) -> Finished:
    """Parse and check ``raw`` (columns ``row``, ``amount_text``, ``amount_column``, ``unit`` and any text fields).

    Text columns repeat a handful of values over millions of lines, so each is factorised once and
    only its distinct values are cleaned and checked; results come back as categoricals. Masks are
    NumPy arrays: a million lines cost array passes, not pandas alignment.
    """
    if not (isinstance(raw.index, pd.RangeIndex) and raw.index.start == 0 and raw.index.step == 1):
        raw = raw.reset_index(drop=True)
    n = len(raw)
    rows = raw[ROW].astype("int64")
    fails = _Failures(file, sheet)
    problems: list[Problem] = []
    error = np.zeros(n, dtype=bool)

    def column(name: str) -> pd.Series:
        if name in raw.columns:
            return raw[name]
        return pd.Series(pd.NA, index=raw.index, dtype=TEXT)

    def distinct(name: str) -> tuple[np.ndarray, list[str]]:
        if name not in raw.columns:
            return np.full(n, -1, dtype=np.intp), []
        return _distinct(raw[name])

    amounts = _amounts(raw, blank_is_zero, max_fen)
    bad_amount = amounts.has(BAD)
    missing_amount = amounts.has(BLANK) & amounts.missing
    beyond = amounts.has(RANGE)
    if bad_amount.any() or missing_amount.any() or beyond.any():
        amount_text = raw[AMOUNT_TEXT].astype(TEXT)
        fails.add(bad_amount, "amount-not-numeric", raw[AMOUNT_LABEL], amount_text, rows)
        fails.add(missing_amount, "amount-missing", raw[AMOUNT_LABEL], amount_text, rows)
        limit = "" if max_fen is None else f"{max_fen // 100:,}"
        fails.add(beyond, "amount-out-of-range", raw[AMOUNT_LABEL], amount_text, rows, limit=limit)
    error |= bad_amount | missing_amount | beyond
    fen = pd.Series(pd.arrays.IntegerArray(amounts.fen, amounts.missing.copy()), index=raw.index)
    rounded = amounts.has(ROUNDED) & ~error
    if rounded.any():
        problems.append(_sub_fen_notice(rows[rounded], raw.loc[rounded, AMOUNT_TEXT], file, sheet))

    # codes
    codes: dict[str, pd.Series] = {}
    code_problems: dict[str, pd.Series] = {}
    no_code = np.ones(n, dtype=bool)
    for name, lengths in (
        (FUNC_CODE, FUNC_LENGTHS),
        (ECON_CODE, ECON_LENGTHS),
        (GOV_ECON_CODE, ECON_LENGTHS),
    ):
        positions, uniques = distinct(name)
        checks = [clean_code(u, lengths) for u in uniques]
        if name == GOV_ECON_CODE:
            checks = [_gov_econ(c) for c in checks]
        codes[name] = _expand(positions, [c.code for c in checks], raw.index)
        code_problems[name] = _expand(positions, [c.problem for c in checks], raw.index)
        bad = _present(code_problems[name])
        if bad.any():
            fails.add(
                bad, "code-malformed", labels.get(name, name), column(name), rows, detail=code_problems[name]
            )
        error |= bad
        no_code &= ~_present(codes[name]) & ~bad
    func, econ, gov_econ = codes[FUNC_CODE], codes[ECON_CODE], codes[GOV_ECON_CODE]
    if FIGURE in raw.columns:
        no_code &= ~(
            raw[FIGURE].astype(bool).to_numpy(dtype=bool) & column(TAGS).notna().to_numpy(dtype=bool)
        )
    code_label = labels.get(FUNC_CODE) or labels.get(ECON_CODE) or labels.get(GOV_ECON_CODE) or "编码"
    if no_code.any():
        fails.add(
            no_code,
            "code-missing",
            code_label,
            column(FUNC_CODE).astype("object").fillna(column(ECON_CODE)),
            rows,
        )
    error |= no_code

    # year: the cell, else the sheet's year
    positions, uniques = distinct(YEAR)
    year_values, year_missing = _expand_numbers(positions, [_year_of(u) for u in uniques])
    bad_year = (positions >= 0) & year_missing
    if bad_year.any():
        fails.add(bad_year, "year-invalid", labels.get(YEAR, YEAR), column(YEAR), rows)
    error |= bad_year
    if ctx.year is not None:
        year_values[year_missing] = ctx.year
        year_missing[:] = False
    no_year = year_missing & ~bad_year
    if no_year.any():
        fails.add(no_year, "missing-year", labels.get(YEAR), column(YEAR), rows)
        error |= no_year
        # one problem for the sheet (the cause is the same for every row), plus a rejected record per row
        problems.append(Problem("missing-year", file=file, sheet=sheet, row=int(rows[no_year].iloc[0])))
    year = pd.Series(pd.arrays.IntegerArray(year_values, year_missing), index=raw.index)

    # stage
    positions, uniques = distinct(STAGE)
    stage = _expand(positions, [stage_of(u) for u in uniques], raw.index)
    bad_stage = (positions >= 0) & ~_present(stage)
    if bad_stage.any():
        fails.add(bad_stage, "stage-invalid", labels.get(STAGE, STAGE), column(STAGE), rows)
    error |= bad_stage
    stage = _fill(stage, ctx.stage or DEFAULT_STAGE)

    # department
    positions, uniques = distinct(DEPARTMENT)
    department = _expand(positions, [_stripped(u) for u in uniques], raw.index)
    department = _fill(department, ctx.department)
    no_department = ~_present(department)
    if no_department.any():
        has_column = DEPARTMENT in raw.columns and raw[DEPARTMENT].notna().any()
        code = "department-missing" if has_column else "missing-department"
        fails.add(no_department, code, labels.get(DEPARTMENT), column(DEPARTMENT), rows)
        error |= no_department
        if not has_column:
            problems.append(
                Problem("missing-department", file=file, sheet=sheet, row=int(rows[no_department].iloc[0]))
            )

    # expense type (optional: a bad value is dropped with a warning, the line is kept)
    positions, uniques = distinct(EXPENSE_TYPE)
    expense = _expand(positions, [EXPENSE_TYPE_ALIASES.get(_key(u)) for u in uniques], raw.index)
    bad_expense = (positions >= 0) & ~_present(expense) & ~error
    if bad_expense.any():
        fails.add(
            bad_expense,
            "expense-type-invalid",
            labels.get(EXPENSE_TYPE, EXPENSE_TYPE),
            column(EXPENSE_TYPE),
            rows,
        )

    positions, uniques = distinct(TAGS)
    tags = _expand(positions, [_tags(u) for u in uniques], raw.index)
    positions, uniques = distinct(DEPARTMENT_CODE)
    dept_code = _expand(positions, [_department_code(u) for u in uniques], raw.index)

    units = raw[UNIT]
    negative = (amounts.fen < 0) & ~amounts.missing & ~error
    if negative.any():
        neg_text = pd.Series(None, index=raw.index, dtype="object")
        neg_text[negative] = [
            fen_to_unit_text(int(v), str(u)) for v, u in zip(fen[negative], units[negative], strict=True)
        ]
        fails.add(negative, "amount-negative", raw[AMOUNT_LABEL], neg_text, rows)

    item = raw[ITEM].astype(TEXT).str.strip() if ITEM in raw.columns else column(ITEM)
    keep = ~error
    everything = bool(keep.all())

    def kept(series: pd.Series) -> pd.Series:
        return series if everything else series[keep]

    extra = {}
    for name in YITIHUA_TEXT:
        if name == GOV_ECON_CODE:
            extra[name] = kept(gov_econ)
        elif name in raw.columns:
            positions, uniques = distinct(name)
            extra[name] = kept(_expand(positions, [_stripped(u) for u in uniques], raw.index))

    kept_rows = kept(rows)
    columns = {
        DEPARTMENT: kept(department),
        DEPARTMENT_CODE: kept(dept_code),
        YEAR: kept(year),
        STAGE: kept(stage),
        FUNC_CODE: kept(func),
        ECON_CODE: kept(econ),
        ITEM: kept(item),
        EXPENSE_TYPE: kept(expense),
        TAGS: kept(tags),
        AMOUNT_FEN: kept(fen),
        SOURCE_FILE: _constant(file, kept_rows.index),
        SOURCE_SHEET: _constant(sheet, kept_rows.index),
        SOURCE_ROW: kept_rows,
        **extra,
    }
    for name in COLUMNS:
        if name not in columns:
            columns[name] = _constant(None, kept_rows.index)
    # the arrays are this function's own: no copy, and no type inference over millions of constant cells
    lines = pd.DataFrame(columns, columns=list(COLUMNS), copy=False)
    rejected, cell_problems = _records(fails, file, sheet)
    problems = cell_problems + problems
    rejected_rows = set(rows[error].tolist()) - set(rows[keep].tolist()) if error.any() else set()
    return Finished(lines=lines, rejected=rejected, problems=problems, rejected_rows=rejected_rows)


def _constant(value: object, index: pd.Index) -> pd.Series:
    """A column holding one value (``None`` as NaN), as the DataFrame constructor makes from a scalar."""
    cells = np.empty(len(index), dtype=object)
    cells.fill(np.nan if value is None else value)
    return pd.Series(cells, index=index, dtype=object, copy=False)


def _present(series: pd.Series) -> np.ndarray:
    """Where a categorical has a value (its codes, no pandas alignment)."""
    return series.cat.codes.to_numpy() >= 0


def _sub_fen_notice(rows: pd.Series, texts: pd.Series, file: str, sheet: str | None) -> Problem:
    """One notice per sheet naming the rows whose amounts had digits below the fen (rounded half up)."""
    shown = ", ".join(str(int(r)) for r in rows.iloc[:20]) + (
        f" …(+{len(rows) - 20})" if len(rows) > 20 else ""
    )
    return Problem(
        "amount-sub-fen",
        file=file,
        sheet=sheet,
        row=int(rows.iloc[0]),
        details={"rows": shown, "count": str(len(rows)), "value": str(texts.iloc[0])},
    )


# -- distinct values ----------------------------------------------------------------------------------


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Factorise: per-row positions into the distinct non-empty values (NFKC-cleaned text), -1 for empty."""
    positions, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = [unicodedata.normalize("NFKC", str(u)).strip() for u in uniques]
    # a value that is blank after cleaning counts as empty
    blank = np.array([not c for c in cleaned] + [True])
    positions = np.where(blank[positions], -1, positions)
    return positions, cleaned


def _expand(positions: np.ndarray, values: list[object], index: pd.Index) -> pd.Series:
    """Per-distinct results back to every row, as a categorical (``None`` → missing)."""
    where: dict[object, int] = {}
    for v in values:
        if v is not None and v not in where:
            where[v] = len(where)
    categories = list(where)
    lookup = np.array([where[v] if v is not None else -1 for v in values] + [-1], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(lookup[positions], categories=categories), index=index)


def _expand_numbers(positions: np.ndarray, values: list[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """Per-distinct numbers back to every row: ``(values, missing)`` for an ``Int64`` array."""
    lookup = np.array([0 if v is None else int(v) for v in values] + [0], dtype=np.int64)
    missing = np.array([v is None for v in values] + [True], dtype=bool)
    return lookup[positions], missing[positions]


def _fill(series: pd.Series, value: object) -> pd.Series:
    if value is None or not series.isna().any():
        return series
    if value not in series.cat.categories:
        series = series.cat.add_categories([value])
    return series.fillna(value)


def _gov_econ(check):
    """政府经济分类 codes are 501–599: a 3xx code in that column is a mix-up with the 部门 classification."""
    if check.code is not None and not check.code.startswith("5"):
        return type(check)(None, "政府经济分类应为5开头（501–599） / gov econ codes are 501–599")
    return check


def _key(text: str) -> str:
    return text.lower().replace(" ", "")


def _stripped(text: str) -> str | None:
    return text or None


def _year_of(text: str) -> int | None:
    match = re.fullmatch(r"((?:19|20|21)\d{2})(?:\.0+)?(?:年度?)?", text)
    return int(match.group(1)) if match else None


def _tags(text: str) -> str | None:
    parts = [p.strip() for p in re.split(r"[;；,，、]", text)]
    return TAG_SEPARATOR.join(p for p in parts if p) or None


def _department_code(text: str) -> str | None:
    return re.sub(r"^(\d+)\.0+$", r"\1", text) or None


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
