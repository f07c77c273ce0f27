"""Money described twice by two sources: keep one, set the other aside, and say which and why.

A department's year can arrive as a line-level export (a long table or an 一体化 export: every
amount once, with both its 功能 and 经济 code) *and* as published tables (the same money printed
by function, again by economic class), or as two exports of one system. Adding them up counts the
money twice; the repeated-table check (overlap.py) does not see it, because the published sheets
classify one way each while the export carries both. So, per department × year × stage fed by
two or more files of which at least one is line-level, the line-level file with the most lines is
kept and every other file's lines of that department-year are set aside (``source-set-aside``,
naming the file kept): each amount is counted once, from the fullest source. The same holds inside
the kept file: a workbook with a line-level sheet and a published sheet of one department-year
counts the line-level sheet; the published sheet's lines are set aside, naming the sheet kept.
Two line-level sheets are never set aside against each other (an export split over sheets at
Excel's row limit is one source, not two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.ingest.settle.overlap import _STAGE_NAMES, _combined
from budget_guard.messages.problems import Problem
from budget_guard.model.table import DEPARTMENT, ECON_CODE, FUNC_CODE, SOURCE_FILE, SOURCE_SHEET, STAGE, YEAR

LINE_LEVEL_SHARE = 0.5  # a file is line-level when at least half its lines carry both codes


def _files_per_group(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per line its department × year × stage group, and per group how many sheets (file × sheet) feed it."""
    group = _combined([table[DEPARTMENT], table[YEAR], table[STAGE]])
    file = _combined([table[SOURCE_FILE], table[SOURCE_SHEET]])
    radix = int(file.max(initial=0)) + 1
    pairs = np.unique(group * radix + file)
    files_per_group = np.bincount(pairs // radix, minlength=int(group.max(initial=0)) + 1)
    return group, files_per_group


def second_sources(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """(lines kept, lines set aside, one ``source-set-aside`` problem per file × department-year set aside)."""
    empty = table.iloc[0:0]
    if table.empty:
        return table, empty, []
    group, files_per_group = _files_per_group(table)
    crowded = files_per_group[group] > 1
    if not crowded.any():
        return table, empty, []
    both = (table[FUNC_CODE].notna() & table[ECON_CODE].notna()).to_numpy()
    files = table[SOURCE_FILE].astype("object").to_numpy()
    sheets = table[SOURCE_SHEET].astype("object").fillna("").to_numpy()
    share = pd.Series(both).groupby(files).mean()
    line_level = {f for f, s in share.items() if s >= LINE_LEVEL_SHARE}
    sheet_share = pd.Series(both).groupby([files, sheets]).mean()
    line_level_sheets = {key for key, s in sheet_share.items() if s >= LINE_LEVEL_SHARE}
    if not line_level and not line_level_sheets:
        return table, empty, []
    order = {f: i for i, f in enumerate(dict.fromkeys(files))}
    sub = table.loc[crowded]
    drop = np.zeros(len(table), dtype=bool)
    position = pd.Series(np.arange(len(table)), index=table.index)
    problems: list[Problem] = []
    keys = [sub[DEPARTMENT].astype("object"), sub[YEAR], sub[STAGE].astype("object")]
    for (department, year, stage), lines in sub.groupby(keys, sort=False):
        by_file = lines.groupby(lines[SOURCE_FILE].astype("object"), sort=False).size()
        details = {"department": department, "year": int(year), "stage": _STAGE_NAMES.get(stage, stage)}
        candidates = [f for f in by_file.index if f in line_level]
        if not candidates:  # inside one file: a line-level sheet next to published sheets
            candidates = [f for f in by_file.index if any(k[0] == f for k in line_level_sheets)]
        if not candidates:
            continue
        kept = min(candidates, key=lambda f: (-int(by_file[f]), order[f]))
        problems += _within_file(lines, kept, line_level_sheets, details, drop, position)
        for other in by_file.index:
            if other == kept:
                continue
            mask = (lines[SOURCE_FILE].astype("object") == other).to_numpy()
            drop[position[lines.index[mask]].to_numpy()] = True
            problems.append(
                Problem(
                    "source-set-aside",
                    file=str(other),
                    details={**details, "lines": int(mask.sum()), "kept": str(kept)},
                )
            )
    return table.loc[~drop], table.loc[drop], problems


def _within_file(
    lines: pd.DataFrame,
    file: str,
    line_level_sheets: set[tuple[str, str]],
    details: dict,
    drop: np.ndarray,
    position: pd.Series,
) -> list[Problem]:
    """In the kept file, the sheets of this department-year that are not line-level are set aside
    when a line-level sheet of the file holds the same department-year (marks ``drop``)."""
    mine = lines.loc[(lines[SOURCE_FILE].astype("object") == file).to_numpy()]
    sheet = mine[SOURCE_SHEET].astype("object").fillna("")
    by_sheet = sheet.groupby(sheet.to_numpy(), sort=False).size()
    full = [s for s in by_sheet.index if (file, s) in line_level_sheets]
    if not full or len(by_sheet) < 2:
        return []
    kept = max(full, key=lambda s: int(by_sheet[s]))
    problems = []
    for other in by_sheet.index:
        if other in full:
            continue
        mask = (sheet == other).to_numpy()
        drop[position[mine.index[mask]].to_numpy()] = True
        problems.append(
            Problem(
                "source-set-aside",
                file=str(file),
                sheet=str(other) or None,
                details={**details, "lines": int(mask.sum()), "kept": f"{file} {kept}".strip()},
            )
        )
    return problems
