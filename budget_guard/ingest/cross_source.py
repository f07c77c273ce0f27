"""Money described twice by two sources: keep one, set the other aside, and say which and why.

A department's year can arrive as a line-level export (a long table or an 一体化 export: every
amount once, with both its 功能 and 经济 code) *and* as published tables (the same money printed
by function, again by economic class), or as two exports of one system. Adding them up counts the
money twice; the repeated-table check (overlap.py) does not see it, because the published sheets
classify one way each while the export carries both. So, per department × year × stage fed by
two or more files of which at least one is line-level, the line-level file with the most lines is
kept and every other file's lines of that department-year are set aside (``source-set-aside``,
naming the file kept): each amount is counted once, from the fullest source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import Problem
from ..table import DEPARTMENT, ECON_CODE, FUNC_CODE, SOURCE_FILE, STAGE, YEAR
from .overlap import _STAGE_NAMES, _combined

LINE_LEVEL_SHARE = 0.5  # a file is line-level when at least half its lines carry both codes


def _files_per_group(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    group = _combined([table[DEPARTMENT], table[YEAR], table[STAGE]])
    file = _combined([table[SOURCE_FILE]])
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
    share = pd.Series(both).groupby(files).mean()
    line_level = {f for f, s in share.items() if s >= LINE_LEVEL_SHARE}
    if not line_level:
        return table, empty, []
    order = {f: i for i, f in enumerate(dict.fromkeys(files))}
    sub = table.loc[crowded]
    drop = np.zeros(len(table), dtype=bool)
    position = pd.Series(np.arange(len(table)), index=table.index)
    problems: list[Problem] = []
    keys = [sub[DEPARTMENT].astype("object"), sub[YEAR], sub[STAGE].astype("object")]
    for (department, year, stage), lines in sub.groupby(keys, sort=False):
        by_file = lines.groupby(lines[SOURCE_FILE].astype("object"), sort=False).size()
        candidates = [f for f in by_file.index if f in line_level]
        if len(by_file) < 2 or not candidates:
            continue
        kept = min(candidates, key=lambda f: (-int(by_file[f]), order[f]))
        for other in by_file.index:
            if other == kept:
                continue
            mask = (lines[SOURCE_FILE].astype("object") == other).to_numpy()
            drop[position[lines.index[mask]].to_numpy()] = True
            problems.append(
                Problem(
                    "source-set-aside",
                    file=str(other),
                    details={
                        "department": department,
                        "year": int(year),
                        "stage": _STAGE_NAMES.get(stage, stage),
                        "lines": int(mask.sum()),
                        "kept": str(kept),
                    },
                )
            )
    return table.loc[~drop], table.loc[drop], problems
