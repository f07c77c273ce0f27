"""Figures a table prints for a whole department-year instead of lines: used where printed, never twice.

A 部门预算's “三公”经费和机关运行经费预算表 prints 机关运行经费 beside the 三公 items. The sheet reader
makes it one line tagged ``机关运行经费`` without a code (``sangong.OPERATING``); a rule selects it with
``printed: [机关运行经费]``. The same money is also inside that department-year's 基本支出 lines, so
every *other* line of the department × year × stage gets the tag ``机关运行经费另列``: a rule that
measures 运行经费 on the lines excludes that tag, and the category holds the printed figure alone where
there is one and the lines where there is none. Which figure was used is stated on the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from budget_guard.ingest.layouts.sangong import OPERATING
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    FUNC_CODE,
    GOV_ECON_CODE,
    SOURCE_FILE,
    SOURCE_SHEET,
    STAGE,
    TAG_SEPARATOR,
    TAGS,
    YEAR,
)

OPERATING_ELSEWHERE = f"{OPERATING}另列"  # on the other lines of a department-year that prints it


@dataclass
class Marked:
    """The table with the other lines tagged, and per sheet of a printed figure, per stage: the figure
    (fen) and how many other lines of that department-year-stage were tagged."""

    table: pd.DataFrame
    figures: dict[tuple[str, str], dict[str, tuple[int, int]]] = field(default_factory=dict)


def figure_lines(table: pd.DataFrame) -> np.ndarray:
    """Lines that are a printed 机关运行经费: the tag and no code of any classification."""
    if table.empty:
        return np.zeros(0, dtype=bool)
    tags = table[TAGS]
    if isinstance(tags.dtype, pd.CategoricalDtype):  # decided once per distinct tag text
        per_tag = np.array([_tagged(v) for v in tags.cat.categories] + [False], dtype=bool)
        is_figure = per_tag[tags.cat.codes.to_numpy()]
    else:
        is_figure = tags.astype("object").map(_tagged).to_numpy(dtype=bool)
    no_code = table[FUNC_CODE].isna() & table[ECON_CODE].isna() & table[GOV_ECON_CODE].isna()
    return is_figure & no_code.to_numpy(dtype=bool)


def _tagged(value: object) -> bool:
    return isinstance(value, str) and OPERATING in value.split(TAG_SEPARATOR)


def mark_printed_figures(table: pd.DataFrame) -> Marked:
    """Tag the other lines of every department × year × stage that has a printed 机关运行经费."""
    figures = figure_lines(table)
    if not figures.any():
        return Marked(table)
    keys = pd.MultiIndex.from_arrays(
        [table[DEPARTMENT].astype("object"), table[YEAR], table[STAGE].astype("object")]
    )
    with_figure = keys.isin(keys[figures])
    others = with_figure & ~figures
    out = table.copy()
    tags = out[TAGS].astype("object")
    marked = tags[others].map(
        lambda v: (
            OPERATING_ELSEWHERE if not isinstance(v, str) else f"{v}{TAG_SEPARATOR}{OPERATING_ELSEWHERE}"
        )
    )
    tags = tags.where(~others, marked) if others.any() else tags
    out[TAGS] = pd.Series(tags.to_numpy(dtype=object), index=out.index).astype("category")
    result = Marked(out)
    sheet = out[SOURCE_SHEET].astype("object").fillna("")
    file = out[SOURCE_FILE].astype("object")
    for position in np.flatnonzero(figures):
        key = (str(file.iloc[position]), str(sheet.iloc[position]))
        stage = str(out[STAGE].iloc[position])
        same = (keys == keys[position]) & others
        per_stage = result.figures.setdefault(key, {})
        fen, count = per_stage.get(stage, (0, 0))
        per_stage[stage] = (fen + int(out[AMOUNT_FEN].iloc[position]), max(count, int(same.sum())))
    return result


__all__ = ["OPERATING_ELSEWHERE", "Marked", "figure_lines", "mark_printed_figures"]
