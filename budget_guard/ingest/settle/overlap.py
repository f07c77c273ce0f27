"""Tables that describe the same money, and what that means for the sums across them.

A published 部门决算 prints the same spending several times: by function (一般公共预算支出表), by
economic class (基本支出表) and again for 三公经费. Reading a whole workbook is right (each table is
checked), but sums across those tables are wrong. Two sheets of one department, year and stage overlap
when their expense types intersect (no type = both) and they either classify differently (功能 vs 经济)
or share a code. 基本支出表 + 项目支出表 do not overlap: they are complementary.

A 功能分类-only table next to an 经济分类-only table of the same money (``classification_overlaps``)
is the normal published case, not an error: each guardrail category reads one classification, so each
amount is counted once, from one of the two tables. The load report says so in a notice
(``classification-overlap``) with both tables' totals and which one the department total follows; the
engine (``engine/double_count.py``) turns the one case that does add them up — a category that reads
both classifications picking lines from both tables — into a red finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    SOURCE_FILE,
    SOURCE_SHEET,
    STAGE,
    YEAR,
    format_wan,
)

_BOTH = frozenset({"基本支出", "项目支出"})
_TYPE_EN = {"基本支出": "basic", "项目支出": "project"}
_STAGE_NAMES = {"budget": "预算数", "adjusted": "调整预算数", "final": "决算数"}


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of a column, missing values as -1 (categoricals: their codes, no copy of text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(series)[0].astype(np.int64)


def _at_most_one(series: pd.Series) -> bool:
    """True when the column holds at most one value (a categorical's categories: no pass over the lines)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return len(series.cat.categories) <= 1
    return False


def _combined(columns: list[pd.Series]) -> np.ndarray:
    """One int64 key per line for several columns (mixed radix over their codes; -1 → 0)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for series in columns:
        codes = _codes(series) + 1
        key = key * (int(codes.max(initial=0)) + 1) + codes
    return key


def crowded_lines(table: pd.DataFrame) -> np.ndarray:
    """Lines whose department × year × stage was read from two or more sheets (the only ones that
    can overlap or repeat). Counted with integer codes and one ``np.unique``: an ordinary file with
    one sheet per department and year costs a few passes over integer arrays, no Python per group."""
    if table.empty:
        return np.zeros(0, dtype=bool)
    if _at_most_one(table[SOURCE_FILE]) and _at_most_one(table[SOURCE_SHEET]):
        return np.zeros(len(table), dtype=bool)  # one sheet feeds everything (a long CSV): nothing to count
    group = _combined([table[DEPARTMENT], table[YEAR], table[STAGE]])
    sheet = _combined([table[SOURCE_FILE], table[SOURCE_SHEET]])
    radix = int(sheet.max(initial=0)) + 1
    pairs = np.unique(group * radix + sheet)
    sheets_per_group = np.bincount(pairs // radix, minlength=int(group.max(initial=0)) + 1)
    return sheets_per_group[group] > 1


Sheet = tuple[str, str]  # (file, sheet); sheet "" when the file has none


@dataclass(frozen=True)
class ClassificationOverlap:
    """One department × year × stage read both from 功能分类-only and from 经济分类-only tables whose
    expense types intersect: the same money, printed once per classification."""

    department: str
    year: int
    stage: str
    func_tables: tuple[Sheet, ...]
    econ_tables: tuple[Sheet, ...]
    func_fen: int
    econ_fen: int
    econ_types: tuple[str, ...]  # the expense types the 经济分类 tables cover (e.g. only 基本支出)

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.department, self.year, self.stage)


def table_names(tables: tuple[Sheet, ...] | list[Sheet]) -> str:
    """'基本支出决算表、支出决算表' for the load report and the findings: the sheet names when each
    table has its own (a published folder: one titled sheet per table), else 'file sheet'."""
    sheets = [sheet for _, sheet in tables]
    if all(sheets) and len(set(sheets)) == len(sheets):
        return "、".join(sheets)
    return "、".join(f"{file} {sheet}".strip() for file, sheet in tables)


def _sheets_of_groups(table: pd.DataFrame):
    """Per crowded department × year × stage: {(file, sheet): (lines, types, func codes, econ codes)}."""
    crowded = crowded_lines(table)
    if not crowded.any():
        return
    # a printed figure (机关运行经费: a tag, no code) is money already in the lines, of no classification
    coded = (table[FUNC_CODE].notna() | table[ECON_CODE].notna() | table[GOV_ECON_CODE].notna()).to_numpy()
    frame = table.loc[
        crowded & coded,
        [DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET, FUNC_CODE, ECON_CODE, EXPENSE_TYPE, AMOUNT_FEN],
    ].copy()
    for column in (DEPARTMENT, STAGE, SOURCE_FILE, SOURCE_SHEET, FUNC_CODE, ECON_CODE, EXPENSE_TYPE):
        frame[column] = frame[column].astype("object")
    frame[SOURCE_SHEET] = frame[SOURCE_SHEET].fillna("")
    for (department, year, stage), group in frame.groupby(
        [DEPARTMENT, YEAR, STAGE], dropna=False, sort=False
    ):
        tables = {}
        for (file, sheet), lines in group.groupby([SOURCE_FILE, SOURCE_SHEET], sort=False):
            types = set(lines[EXPENSE_TYPE].dropna()) or set(_BOTH)
            if lines[EXPENSE_TYPE].isna().any():
                types |= _BOTH
            tables[(str(file), str(sheet))] = (
                lines,
                frozenset(types),
                frozenset(lines[FUNC_CODE].dropna()),
                frozenset(lines[ECON_CODE].dropna()),
            )
        yield (department, int(year), stage), tables


def _classification_pairs(tables: dict) -> tuple[list[Sheet], list[Sheet]]:
    """The 功能-only and the 经济-only sheets of one group that overlap (their expense types meet)."""
    func_only = [k for k, (_, _, func, econ) in tables.items() if func and not econ]
    econ_only = [k for k, (_, _, func, econ) in tables.items() if econ and not func]
    pairs = [(f, e) for f in func_only for e in econ_only if tables[f][1] & tables[e][1]]
    return (
        sorted({f for f, _ in pairs}),
        sorted({e for _, e in pairs}),
    )


# One row per department × year × stage × sheet of the coded lines: what ``overlaps_from_profile``
# needs. Every engine computes it the same way (pandas here, SQL in engine/double_count.py).
PROFILE_KEYS = (DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET)
FUNC_LINES = "func_lines"
ECON_LINES = "econ_lines"
BASIC_LINES = "basic_lines"
PROJECT_LINES = "project_lines"
UNTYPED_LINES = "untyped_lines"
PROFILE_COLUMNS = (
    *PROFILE_KEYS,
    FUNC_LINES,
    ECON_LINES,
    BASIC_LINES,
    PROJECT_LINES,
    UNTYPED_LINES,
    AMOUNT_FEN,
)


def sheet_profile(table: pd.DataFrame) -> pd.DataFrame:
    """Per department × year × stage × sheet (only groups fed by two or more sheets): how many coded
    lines carry a 功能 / 经济 code, of which expense type, and their amount. Grouped on the
    columns as they are (categoricals: integer codes), so a big table costs a few vector passes."""
    crowded = crowded_lines(table)
    if not crowded.any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROFILE_COLUMNS})
    coded = (table[FUNC_CODE].notna() | table[ECON_CODE].notna() | table[GOV_ECON_CODE].notna()).to_numpy()
    part = table.loc[crowded & coded]
    types = part[EXPENSE_TYPE]
    frame = pd.DataFrame(
        {
            DEPARTMENT: part[DEPARTMENT],
            YEAR: part[YEAR],
            STAGE: part[STAGE],
            SOURCE_FILE: part[SOURCE_FILE],
            SOURCE_SHEET: part[SOURCE_SHEET],
            FUNC_LINES: part[FUNC_CODE].notna().to_numpy(dtype=np.int64),
            ECON_LINES: part[ECON_CODE].notna().to_numpy(dtype=np.int64),
            BASIC_LINES: (types == "基本支出").to_numpy(dtype=np.int64),
            PROJECT_LINES: (types == "项目支出").to_numpy(dtype=np.int64),
            UNTYPED_LINES: types.isna().to_numpy(dtype=np.int64),
            AMOUNT_FEN: part[AMOUNT_FEN].to_numpy(dtype=np.int64),
        },
        index=part.index,
    )
    out = frame.groupby(list(PROFILE_KEYS), as_index=False, sort=False, observed=True, dropna=False).sum()
    for column in (DEPARTMENT, STAGE, SOURCE_FILE):
        out[column] = out[column].astype("object").astype(str)
    out[SOURCE_SHEET] = out[SOURCE_SHEET].astype("object").fillna("").astype(str)
    out[YEAR] = out[YEAR].astype("int64")
    return out[list(PROFILE_COLUMNS)]


def _profile_types(row) -> frozenset[str]:
    types = {t for t, n in (("基本支出", row[BASIC_LINES]), ("项目支出", row[PROJECT_LINES])) if n}
    if row[UNTYPED_LINES] or not types:
        types |= _BOTH
    return frozenset(types)


def overlaps_from_profile(profile: pd.DataFrame) -> list[ClassificationOverlap]:
    """Every department × year × stage whose money arrives once by 功能分类 and again by 经济分类:
    a sheet with 功能 codes only next to a sheet with 经济 codes only, their expense types meeting."""
    out: list[ClassificationOverlap] = []
    if profile.empty:
        return out
    # only groups with a 功能-only sheet and an 经济-only sheet can overlap: filter them in one pass
    func_only = (profile[FUNC_LINES] > 0) & (profile[ECON_LINES] == 0)
    econ_only = (profile[ECON_LINES] > 0) & (profile[FUNC_LINES] == 0)
    keys = [profile[DEPARTMENT], profile[YEAR], profile[STAGE]]
    both = func_only.groupby(keys).transform("any") & econ_only.groupby(keys).transform("any")
    profile = profile.loc[both.to_numpy()]
    for (department, year, stage), group in profile.groupby([DEPARTMENT, YEAR, STAGE], sort=False):
        if len(group) < 2:
            continue
        sheets = {
            (str(r[SOURCE_FILE]), str(r[SOURCE_SHEET])): (
                _profile_types(r),
                int(r[FUNC_LINES]) > 0,
                int(r[ECON_LINES]) > 0,
                int(r[AMOUNT_FEN]),
            )
            for r in group.to_dict("records")
        }
        func_only = [k for k, (_, f, e, _) in sheets.items() if f and not e]
        econ_only = [k for k, (_, f, e, _) in sheets.items() if e and not f]
        pairs = [(f, e) for f in func_only for e in econ_only if sheets[f][0] & sheets[e][0]]
        if not pairs:
            continue
        func_tables = sorted({f for f, _ in pairs})
        econ_tables = sorted({e for _, e in pairs})
        out.append(
            ClassificationOverlap(
                department=str(department),
                year=int(year),
                stage=str(stage),
                func_tables=tuple(func_tables),
                econ_tables=tuple(econ_tables),
                func_fen=sum(sheets[f][3] for f in func_tables),
                econ_fen=sum(sheets[e][3] for e in econ_tables),
                econ_types=tuple(sorted(set().union(*(sheets[e][0] for e in econ_tables)))),
            )
        )
    return sorted(out, key=lambda o: (o.department, o.year, o.stage))


def classification_overlaps(table: pd.DataFrame) -> list[ClassificationOverlap]:
    """Every department × year × stage whose money arrives once by 功能分类 and again by 经济分类."""
    return overlaps_from_profile(sheet_profile(table))


def overlap_problems(table: pd.DataFrame) -> list[Problem]:
    """Per department × year × stage read from overlapping sheets: a ``classification-overlap``
    notice for a 功能 table next to an 经济 table of the same money (each category reads one of them),
    a ``table-overlap`` warning for any other overlap (same classification, shared codes)."""
    problems = []
    for (department, year, stage), tables in _sheets_of_groups(table) or ():
        func_tables, econ_tables = _classification_pairs(tables)
        explained = {(f, e) for f in func_tables for e in econ_tables}
        explained |= {(e, f) for f, e in explained}
        overlapping = set()
        for (a, (_, types_a, func_a, econ_a)), (b, (_, types_b, func_b, econ_b)) in combinations(
            tables.items(), 2
        ):
            if not types_a & types_b or (a, b) in explained:
                continue
            different_dimension = bool(func_a) != bool(func_b) or bool(econ_a) != bool(econ_b)
            if different_dimension or func_a & func_b or econ_a & econ_b:
                overlapping |= {a, b}
        stage_name = _STAGE_NAMES.get(stage, stage)
        if func_tables:
            econ_types = sorted(set().union(*(tables[e][1] for e in econ_tables)))
            func_fen = sum(int(tables[f][0][AMOUNT_FEN].sum()) for f in func_tables)
            econ_fen = sum(int(tables[e][0][AMOUNT_FEN].sum()) for e in econ_tables)
            problems.append(
                Problem(
                    "classification-overlap",
                    file=func_tables[0][0],
                    sheet=func_tables[0][1] or None,
                    details={
                        "department": department,
                        "year": year,
                        "stage": stage_name,
                        "func_tables": table_names(func_tables),
                        "econ_tables": table_names(econ_tables),
                        "func_wan": format_wan(func_fen),
                        "econ_wan": format_wan(econ_fen),
                        "econ_types": "、".join(econ_types)
                        + " / "
                        + ", ".join(_TYPE_EN.get(t, t) for t in econ_types),
                    },
                )
            )
        if overlapping:
            first_file, first_sheet = sorted(overlapping)[0]
            problems.append(
                Problem(
                    "table-overlap",
                    file=str(first_file),
                    sheet=first_sheet or None,
                    details={
                        "department": department,
                        "year": year,
                        "stage": stage_name,
                        "tables": table_names(sorted(overlapping)),
                    },
                )
            )
    return problems


def _dimension(lines: pd.DataFrame) -> str:
    """Which classification a sheet's lines carry: 'func', 'econ' or 'func+econ'."""
    parts = [name for name, col in (("func", FUNC_CODE), ("econ", ECON_CODE)) if lines[col].notna().any()]
    return "+".join(parts)


_OWN_FAMILY = ("sangong", "all-funds")  # settled by ingest/scopes.py, never a repeat of another kind


def _same_family(a: tuple[str, str], b: tuple[str, str], layouts: dict, scopes: dict) -> bool:
    """Two sheets can repeat each other only within one kind of table and one funding scope (or an unstated one)."""
    layout_a, layout_b = layouts.get(a, ""), layouts.get(b, "")
    if (layout_a in _OWN_FAMILY or layout_b in _OWN_FAMILY) and layout_a != layout_b:
        return False
    scope_a, scope_b = scopes.get(a), scopes.get(b)
    return scope_a is None or scope_b is None or scope_a == scope_b


def drop_repeated_tables(
    table: pd.DataFrame,
    layouts: dict[tuple[str, str], str],
    scopes: dict[tuple[str, str], str | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Keep one sheet where two sheets repeat the same money in the same classification.

    A published workbook's 支出五年情况表 (wide) repeats this year's column of the 一般公共预算支出表;
    the same table may also arrive twice in two different files. Two sheets of one department, year
    and stage repeat each other when they classify the same way (both 功能, both 经济), their expense
    types intersect and they share a code. The more detailed sheet is kept (a non-wide layout over a
    wide one, then more lines, then the one read first); the other sheet's lines for that
    department, year and stage are returned separately, so the caller can list them as rejected
    (``table-repeated``) and nothing is silently dropped. Tables in different classifications (功能
    vs 经济) are both kept: each guardrail category reads one classification.
    """
    empty = table.iloc[0:0]
    if table.empty:
        return table, empty, []
    # Only department × year × stage groups fed by two or more sheets can repeat.
    crowded = crowded_lines(table)
    if not crowded.any():
        return table, empty, []
    sub = table.loc[crowded]
    sheet = sub[SOURCE_SHEET].astype("object").fillna("")
    file = sub[SOURCE_FILE].astype("object")
    keys = [sub[DEPARTMENT].astype("object"), sub[YEAR], sub[STAGE].astype("object")]
    drop = pd.Series(False, index=table.index)
    problems: list[Problem] = []
    order = {key: i for i, key in enumerate(dict.fromkeys(zip(file, sheet, strict=True)))}
    for (department, year, stage), group in sub.groupby(keys, sort=False):
        group_sheets = list(dict.fromkeys(zip(file[group.index], sheet[group.index], strict=True)))
        if len(group_sheets) < 2:
            continue
        info = {}
        for key in group_sheets:
            lines = group[(file[group.index] == key[0]) & (sheet[group.index] == key[1])]
            types = set(lines[EXPENSE_TYPE].dropna().astype(str)) or set(_BOTH)
            if lines[EXPENSE_TYPE].isna().any():
                types |= _BOTH
            codes = set(lines[FUNC_CODE].dropna().astype(str)) | set(lines[ECON_CODE].dropna().astype(str))
            info[key] = (lines.index, _dimension(lines), types, codes)
        rank = sorted(
            group_sheets,
            key=lambda k: (layouts.get(k, "") == "wide", -len(info[k][0]), order[k]),
        )
        kept: list[tuple[str, str]] = []
        for key in rank:
            index, dimension, types, codes = info[key]
            repeated = next(
                (
                    k
                    for k in kept
                    if info[k][1] == dimension
                    and info[k][2] & types
                    and info[k][3] & codes
                    and _same_family(k, key, layouts, scopes or {})
                ),
                None,
            )
            if repeated is None:
                kept.append(key)
                continue
            drop[index] = True
            problems.append(
                Problem(
                    "table-repeated",
                    file=str(key[0]),
                    sheet=key[1] or None,
                    details={
                        "department": department,
                        "year": int(year),
                        "stage": _STAGE_NAMES.get(stage, stage),
                        "lines": len(index),
                        "kept": f"{repeated[0]} {repeated[1]}".strip(),
                    },
                )
            )
    return table.loc[~drop.to_numpy()], table.loc[drop.to_numpy()], problems
