"""What a published table is, from its title, sheet name and header words: spending or not, empty, and its funding scope.

A 部门预算/决算 公开 folder holds about ten tables, and only some are spending lines. The others are
recognised and set aside with a notice that names them: the list of units (纳入编制范围的单位), the
收支总表 of both stages (收入支出决算总表, 财政拨款收入支出决算总表, 部门收支预算总表, 收支总表), the
收入 tables, 政府采购 and 绩效 tables. A spending table with no figure at all (政府性基金/国有资本经营
tables of a department without such money, often with a 本表无数据 note) is *empty*, which is not a
failure either. Titles vary between provinces, so the words are matched, not whole titles; a label row
above the title (``公开06表``, ``表六``) is just another line of the title block.

Each spending table also has a funding scope, which decides how it adds up with the others
(``scopes.py``): 一般公共预算财政拨款, 政府性基金, 国有资本经营, 财政拨款 (the 三公 table), or all
funds (the 支出决算表 / 部门支出预算表, 财政拨款 and 其他资金 together).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

# funding scopes of spending tables
GENERAL = "general"  # 一般公共预算财政拨款
FUND = "fund"  # 政府性基金预算财政拨款
STATE_CAPITAL = "state-capital"  # 国有资本经营预算财政拨款
APPROPRIATION = "appropriation"  # 财政拨款 (all three budgets), e.g. the 三公 table
ALL_FUNDS = "all-funds"  # 财政拨款 and 其他资金: 支出决算表, 部门支出预算表
SCOPE_NAMES: dict[str, tuple[str, str]] = {
    GENERAL: ("一般公共预算财政拨款", "general public budget appropriations"),
    FUND: ("政府性基金预算财政拨款", "government fund appropriations"),
    STATE_CAPITAL: ("国有资本经营预算财政拨款", "state capital budget appropriations"),
    APPROPRIATION: ("财政拨款", "all budget appropriations"),
    ALL_FUNDS: ("全部资金（财政拨款和其他资金）", "all funds (appropriations and other funds)"),
}

TITLE_ROWS = 6  # title, label rows (公开06表), 单位 line: the first rows of a printed table
_LABEL_ROW = re.compile(
    r"^(?:公开|附表|附件|表)?\s*[\d一二三四五六七八九十]+\s*(?:表|号表)?$|^表[\d一二三四五六七八九十]+$"
)

# (pattern, zh, en): tables that hold no spending lines, first match wins
_NOT_SPENDING: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"编制范围|单位构成|单位名单|单位范围|所属单位名单|单位情况表"), "单位名单", "list of units"),
    (re.compile(r"政府采购"), "政府采购表", "government procurement table"),
    (re.compile(r"绩效"), "绩效表", "performance table"),
    (
        re.compile(r"收入支出(?:决算|预算)?总表|收支(?:决算|预算)?总表|收支总表"),
        "收支总表",
        "income and spending summary",
    ),
    (re.compile(r"(?<!支出)收入(?:决算|预算)?(?:总)?表|^(?!.*支出).*收入"), "收入表", "income table"),
)
_UNITS_HEADER = re.compile(r"单位名称|单位全称|机构名称")
_SERIAL_HEADER = re.compile(r"^(?:序号|编号|行次)$")
_NUMBER = re.compile(r"^\s*[-+(（]?[\d,，.．]+[)）]?\s*$")
_NO_DATA_NOTE = re.compile(r"无数据|无此项|没有.*(?:收入|支出|数据)|未发生|为空表|空表")


@dataclass(frozen=True)
class TableKind:
    """``spending`` or why not (``detail`` names the kind, zh / en), and the funding scope of a spending table."""

    spending: bool
    detail: str = ""
    scope: str | None = None
    empty: bool = False


def normalise(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def title_text(grid: pd.DataFrame, sheet: str | None = None, *, labels: bool = True) -> str:
    """The title block: the one-cell rows at the top, up to the 单位 line (label rows such as
    ``公开06表`` included unless ``labels`` is false). A table printed without a title gives ``""``."""
    parts: list[str] = []
    for values in grid.iloc[:TITLE_ROWS].itertuples(index=False):
        cells = [normalise(v) for v in values if isinstance(v, str) and v.strip()]
        unit = [c for c in cells if re.match(r"^(?:金额)?单位[:：]", c)]
        others = [c for c in cells if c not in unit]
        if len(others) > 1 or (not others and not unit):
            if parts or unit or len(others) > 1:
                break
            continue
        parts += [c for c in others if labels or not is_label_row(c)]
        if unit:
            break
    return "".join(parts)


def is_label_row(text: str) -> bool:
    """``公开06表``, ``表六``, ``附表3``: a label printed above a table's title, not its title."""
    return bool(_LABEL_ROW.match(normalise(text)))


def classify_table(grid: pd.DataFrame, sheet: str | None) -> TableKind:
    """Spending or not, from the title block and the sheet name (never the file name)."""
    title = title_text(grid, sheet)
    for text in (title, normalise(sheet)):
        if not text:
            continue
        for pattern, zh, en in _NOT_SPENDING:
            if pattern.search(text):
                return TableKind(False, f"{zh} / {en}")
    if _units_list(grid):
        return TableKind(False, "单位名单 / list of units")
    text = title or normalise(sheet)
    return TableKind(True, scope=scope_of(text))


def scope_of(title: str) -> str | None:
    """The funding scope a title names; ``None`` when it names none (the caller decides by layout)."""
    text = normalise(title)
    if "一般公共预算" in text:
        return GENERAL
    if "政府性基金" in text:
        return FUND
    if "国有资本经营" in text:
        return STATE_CAPITAL
    if "三公" in text or "财政拨款" in text:
        return APPROPRIATION
    if re.search(r"基本支出|项目支出", text):
        return None
    if re.search(r"支出(?:决算|预算)(?:总)?表|支出总表|部门支出|单位支出", text):
        return ALL_FUNDS
    return None


DEPARTMENT_LEVEL, UNIT_LEVEL = "department", "unit"


def budget_level(*texts: str | None) -> str | None:
    """``department`` for a 部门预算/决算 (it includes the sub-units), ``unit`` for a 单位预算/决算, else ``None``."""
    for text in texts:
        value = normalise(text)
        if re.search(r"单位(?:预算|决算)", value):
            return UNIT_LEVEL
        if re.search(r"部门(?:预算|决算)", value):
            return DEPARTMENT_LEVEL
    return None


def _units_list(grid: pd.DataFrame) -> bool:
    """A header naming 单位名称 beside only a 序号 column: the list of units a 部门 includes."""
    for values in grid.iloc[:TITLE_ROWS].itertuples(index=False):
        cells = [normalise(v) for v in values if isinstance(v, str) and v.strip()]
        if any(_UNITS_HEADER.search(c) for c in cells):
            others = [c for c in cells if not _UNITS_HEADER.search(c) and not _SERIAL_HEADER.match(c)]
            return all(not re.search(r"金额|合计|支出|数$", c) for c in others)
    return False


FIGURE_HEAD_ROWS = 200  # a data table shows figures near its top: look there first


def has_figures(grid: pd.DataFrame) -> bool:
    """Any amount-like cell (a year in a title is text, ``2024年``, and does not count).

    The top rows first, then each column's distinct values: a million-line CSV answers from its
    first rows, and a grid without figures is checked once per distinct text, not per cell.
    """
    return _any_figure(grid.head(FIGURE_HEAD_ROWS)) or (
        len(grid) > FIGURE_HEAD_ROWS and _any_figure(grid.iloc[FIGURE_HEAD_ROWS:])
    )


def _any_figure(grid: pd.DataFrame) -> bool:
    for column in grid.columns:
        cells = pd.Series(grid[column].dropna().unique())
        if cells.empty:
            continue
        if cells.astype(str).str.match(_NUMBER.pattern).any():
            return True
    return False


_TABLE_HEADER = re.compile(r"科目编码|功能分类|经济分类|基本支出|项目支出|本年支出|^合计$")


def looks_like_spending_table(grid: pd.DataFrame) -> bool:
    """Header words of a spending table (科目编码, 基本支出, 合计 …): an empty table, not a cover page."""
    for values in grid.iloc[:30].itertuples(index=False):
        if any(isinstance(v, str) and _TABLE_HEADER.search(normalise(v)) for v in values):
            return True
    return False


def no_data_note(grid: pd.DataFrame) -> str | None:
    """The note that says a table is empty on purpose (``……故本表无数据``), if printed."""
    for values in grid.itertuples(index=False):
        for value in values:
            if isinstance(value, str) and _NO_DATA_NOTE.search(normalise(value)):
                return value.strip()
    return None


# -- the figures a 收支总表 prints (read for the 表间勾稽, never as lines) -----------------------------------

INCOME_TOTAL, SPENDING_TOTAL = "income_total", "spending_total"  # 本年收入合计, 本年支出合计
INCOME_GRAND, SPENDING_GRAND = "income_grand", "spending_grand"  # 收入总计, 支出总计 (with 结转结余)
_SUMMARY_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:本年)?收入合计$"), INCOME_TOTAL),
    (re.compile(r"^(?:本年)?支出合计$"), SPENDING_TOTAL),
    (re.compile(r"^收入总计$"), INCOME_GRAND),
    (re.compile(r"^支出总计$"), SPENDING_GRAND),
    (re.compile(r"^(?:支出)?合计$"), SPENDING_TOTAL),  # a 支出总表 printed without codes: its 合计 row
)
_UNIT_TEXT = re.compile(r"(?:金额)?单位[:：](万元|千元|元)")


def summary_figures(grid: pd.DataFrame) -> tuple[dict[str, int], str | None]:
    """The labelled totals of a 收支总表 (本年收入合计, 本年支出合计, 收入总计, 支出总计) in 分, and the unit.

    Each label's figure is the first amount to its right on the same row (the 合计 column where a
    财政拨款收支总表 prints 合计 | 一般公共预算 | 基金 | 国资). A row printing ``总计`` twice is 收入总计 then
    支出总计 (the 收入 side is printed left of the 支出 side). Read by label, never by position."""
    from budget_guard.ingest.recognise.numbers import parse_amount

    unit = None
    for values in grid.iloc[:TITLE_ROWS].itertuples(index=False):
        for v in values:
            match = _UNIT_TEXT.search(normalise(v)) if isinstance(v, str) else None
            if match:
                unit = match.group(1)
    figures: dict[str, int] = {}
    for values in grid.itertuples(index=False):
        cells = [normalise(v) if isinstance(v, str) else v for v in values]
        grand = 0
        for position, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell:
                continue
            label = next((name for pattern, name in _SUMMARY_LABELS if pattern.match(cell)), None)
            if label is None and cell == "总计":
                label = (INCOME_GRAND, SPENDING_GRAND)[min(grand, 1)]
                grand += 1
            if label is None or label in figures:
                continue
            for value in cells[position + 1 :]:
                if isinstance(value, str) and value and not _NUMBER.match(value):
                    break  # the next label: this one prints no figure
                amount = parse_amount(value, unit or "元")
                if amount.fen is not None:
                    figures[label] = int(amount.fen)
                    break
    if SPENDING_TOTAL not in figures:
        figures.update(_single_row_totals(grid, unit))
    return figures, unit


PART_PREFIX = "part:"  # a column beside 合计 in a one-row 支出总表 (基本支出, 项目支出, 单位预留机动经费 …)


def _is_figure(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == value  # not NaN
    return isinstance(value, str) and bool(_NUMBER.match(value))


def _single_row_totals(grid: pd.DataFrame, unit: str | None) -> dict[str, int]:
    """A 支出总表 printed as one row of figures under a header (合计 | 基本支出 | 项目支出 | 单位预留机动经费):
    the 合计 and each part, by their header labels. Only when exactly one row below the header holds figures
    (a table with rows per code is read by the published reader, never here)."""
    from budget_guard.ingest.recognise.numbers import parse_amount

    rows = [
        [normalise(v) if isinstance(v, str) else v for v in values] for values in grid.itertuples(index=False)
    ]
    for r, cells in enumerate(rows):
        if not any(isinstance(c, str) and c == "合计" for c in cells):
            continue
        below = [other for other in rows[r + 1 :] if any(_is_figure(v) for v in other)]
        if len(below) != 1:
            return {}
        out: dict[str, int] = {}
        for position, label in enumerate(cells):
            if not isinstance(label, str) or not label or position >= len(below[0]):
                continue
            if not _is_figure(below[0][position]):
                continue
            amount = parse_amount(below[0][position], unit or "元")
            if amount.fen is None:
                continue
            out[SPENDING_TOTAL if label == "合计" else f"{PART_PREFIX}{label}"] = int(amount.fen)
        return out if SPENDING_TOTAL in out else {}
    return {}


__all__ = [
    "ALL_FUNDS",
    "APPROPRIATION",
    "FUND",
    "GENERAL",
    "SCOPE_NAMES",
    "STATE_CAPITAL",
    "TableKind",
    "classify_table",
    "has_figures",
    "is_label_row",
    "looks_like_spending_table",
    "no_data_note",
    "scope_of",
    "summary_figures",
    "title_text",
]
