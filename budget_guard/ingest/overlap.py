"""Tables that describe the same money: a warning, because adding them up counts it twice.

A published 部门决算 prints the same spending several times: by function (一般公共预算支出表), by
economic class (基本支出表) and again for 三公经费. Reading a whole workbook is right (each table is
checked), but sums across those tables are wrong. Two sheets of one department, year and stage overlap
when their expense types intersect (no type = both) and they either classify differently (功能 vs 经济)
or share a code. 基本支出表 + 项目支出表 do not overlap: they are complementary.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from ..problems import Problem
from ..table import DEPARTMENT, ECON_CODE, EXPENSE_TYPE, FUNC_CODE, SOURCE_FILE, SOURCE_SHEET, STAGE, YEAR

_BOTH = frozenset({"基本支出", "项目支出"})
_STAGE_NAMES = {"budget": "预算数", "adjusted": "调整预算数", "final": "决算数"}


def overlap_problems(table: pd.DataFrame) -> list[Problem]:
    """One ``table-overlap`` warning per department × year × stage read from overlapping sheets."""
    if table.empty:
        return []
    frame = table[
        [DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET, FUNC_CODE, ECON_CODE, EXPENSE_TYPE]
    ].copy()
    for column in (DEPARTMENT, STAGE, SOURCE_FILE, SOURCE_SHEET, FUNC_CODE, ECON_CODE, EXPENSE_TYPE):
        frame[column] = frame[column].astype("object")
    frame[SOURCE_SHEET] = frame[SOURCE_SHEET].fillna("")
    keys = [DEPARTMENT, YEAR, STAGE]
    sheets_per_key = frame.groupby(keys, dropna=False)[[SOURCE_FILE, SOURCE_SHEET]].apply(
        lambda g: len(g.drop_duplicates())
    )
    crowded = sheets_per_key[sheets_per_key > 1].index
    if len(crowded) == 0:
        return []
    frame = frame.set_index(keys).loc[crowded].reset_index()
    problems = []
    for (department, year, stage), group in frame.groupby(keys, dropna=False, sort=False):
        tables = {}
        for (file, sheet), lines in group.groupby([SOURCE_FILE, SOURCE_SHEET], sort=False):
            types = set(lines[EXPENSE_TYPE].dropna()) or set(_BOTH)
            if lines[EXPENSE_TYPE].isna().any():
                types |= _BOTH
            tables[(file, sheet)] = (
                frozenset(types),
                frozenset(lines[FUNC_CODE].dropna()),
                frozenset(lines[ECON_CODE].dropna()),
            )
        overlapping = set()
        for (a, (types_a, func_a, econ_a)), (b, (types_b, func_b, econ_b)) in combinations(tables.items(), 2):
            if not types_a & types_b:
                continue
            different_dimension = bool(func_a) != bool(func_b) or bool(econ_a) != bool(econ_b)
            if different_dimension or func_a & func_b or econ_a & econ_b:
                overlapping |= {a, b}
        if overlapping:
            names = "、".join(f"{file} {sheet}".strip() for file, sheet in sorted(overlapping))
            first_file, first_sheet = sorted(overlapping)[0]
            problems.append(
                Problem(
                    "table-overlap",
                    file=str(first_file),
                    sheet=first_sheet or None,
                    details={
                        "department": department,
                        "year": int(year),
                        "stage": _STAGE_NAMES.get(stage, stage),
                        "tables": names,
                    },
                )
            )
    return problems
