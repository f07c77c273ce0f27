"""Which money each published table contributes, so a whole 部门预算/决算 folder adds up once and loses nothing.

A folder prints the same spending several times, each table over a different funding scope:

- the 一般公共预算财政拨款支出表 (by function) and its 基本支出表 (by economic class) cover 一般公共预算
  money only; 政府性基金 / 国有资本经营 tables cover theirs;
- the 支出决算表 / 部门支出预算表 (``all-funds``) covers *all* money, 财政拨款 and 其他资金;
- the 三公经费 table covers 财政拨款 三公 spending, basic **and** project (公务用车购置 is usually a
  project and is in no 基本支出 table).

The decision, per department × year × stage (stated per table in the load report):

1. The narrower tables count as read. The all-funds table contributes, per functional code and
   expense type, only what they lack (其他资金, 经营支出, 上缴上级支出 …), as lines of its own
   layout; rows it adds nothing to are counted from the narrower table (``table-repeated``).
2. The 三公 table measures 三公经费: per item, the 基本支出 table's line stays (it is also
   日常公用经费 and 一般性支出), and the 三公 table contributes the rest (its figure minus the
   basic table's), so the 三公 lines add up to the 三公 table and no money is counted twice.
3. When a table prints less than the narrower tables it should include, both figures are a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from budget_guard.ingest.layouts.sangong import ITEM_NAMES, SANGONG
from budget_guard.ingest.recognise.table_kinds import ALL_FUNDS, DEPARTMENT_LEVEL, UNIT_LEVEL
from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    YEAR,
    format_yuan,
)

ALL_FUNDS_LAYOUT = "all-funds"
SANGONG_CODES = tuple(ITEM_NAMES)
_STAGE_NAMES = {"budget": "预算数", "adjusted": "调整预算数", "final": "决算数"}


@dataclass(frozen=True)
class SheetInfo:
    layout: str
    scope: str | None
    title: str
    level: str | None = None  # department | unit (table_kinds.budget_level)
    unit: str | None = None  # the table's unit, for amounts in its notes


def prefer_department(table: pd.DataFrame, sheets: dict[tuple[str, str], SheetInfo]) -> Settled:
    """A 部门预算 includes its units: where a department-year-stage has both, the 单位预算 tables are set aside."""
    empty = table.iloc[0:0]
    if table.empty:
        return Settled(table, empty)
    levels = {key: info.level for key, info in sheets.items() if info.level}
    if len(set(levels.values())) < 2:
        return Settled(table, empty)
    ids, distinct = _sheet_ids(table)
    keys = _sheet_keys(ids, distinct, table.index)
    level = pd.Series(np.array([levels.get(k) for k in distinct], dtype=object)[ids], index=table.index)
    frame = pd.DataFrame(
        {
            "d": table[DEPARTMENT].astype("object").to_numpy(),
            "y": table[YEAR].to_numpy(),
            "s": table[STAGE].astype("object").to_numpy(),
            "level": level.to_numpy(),
        }
    )
    has_department = (
        frame.assign(dept=frame["level"] == DEPARTMENT_LEVEL)
        .groupby(["d", "y", "s"])["dept"]
        .transform("any")
    )
    drop = ((frame["level"] == UNIT_LEVEL) & has_department).to_numpy()
    settled = Settled(table.loc[~drop], table.loc[drop])
    for key in dict.fromkeys(keys[drop]):
        rows = drop & (keys == key).to_numpy()
        department, year = frame.loc[rows, "d"].iloc[0], int(frame.loc[rows, "y"].iloc[0])
        kept = [k for k, v in levels.items() if v == DEPARTMENT_LEVEL]
        titles = "、".join(_title(sheets, k) for k in kept[:3])
        settled.counted_from[key] = titles
        settled.notes[key] = (
            f"{department}{year}年同时有部门预算（决算）和单位预算（决算）：部门预算已包含所属单位，按{titles}计入，本表不重复计入",
            f"{department} {year}: both the 部门 and the 单位 tables were given; the 部门 one includes its units, "
            f"so {titles} is counted and this table is not added again",
        )
    return settled


@dataclass
class Settled:
    """The table after the decision, the lines that were counted from another table, and what to say."""

    table: pd.DataFrame
    counted_elsewhere: pd.DataFrame  # lines whose money another table already holds
    problems: list[Problem] = field(default_factory=list)
    counted_from: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # sheet → the table counted instead
    notes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # sheet → (zh, en) decision


def _sheet_ids(table: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each line's sheet as an index into the distinct (file, sheet) keys: one factorize of two
    integer code columns, so a million lines cost no Python per line."""
    file = pd.Series(table[SOURCE_FILE].astype("object").to_numpy())
    sheet = pd.Series(table[SOURCE_SHEET].astype("object").fillna("").to_numpy())
    file_codes, file_uniques = pd.factorize(file, use_na_sentinel=False)
    sheet_codes, sheet_uniques = pd.factorize(sheet, use_na_sentinel=False)
    ids, pairs = pd.factorize(file_codes.astype(np.int64) * (len(sheet_uniques) + 1) + sheet_codes)
    radix = len(sheet_uniques) + 1
    keys = [(file_uniques[int(p) // radix], sheet_uniques[int(p) % radix]) for p in pairs]
    return ids, keys


def _sheet_keys(ids: np.ndarray, distinct: list[tuple[str, str]], index: pd.Index) -> pd.Series:
    objects = np.empty(len(distinct), dtype=object)
    for i, key in enumerate(distinct):
        objects[i] = key
    return pd.Series(objects[ids], index=index, dtype="object")


def settle_scopes(table: pd.DataFrame, sheets: dict[tuple[str, str], SheetInfo]) -> Settled:
    """Apply the decision above to the combined lines of every file (vectorised per department-year)."""
    empty = table.iloc[0:0]
    if table.empty or not any(info.layout in (SANGONG, ALL_FUNDS_LAYOUT) for info in sheets.values()):
        return Settled(table, empty)  # the usual long or single table: nothing to decide, no pass over lines
    ids, distinct = _sheet_ids(table)
    unknown = SheetInfo("", None, "")
    layout = pd.Series(
        np.array([sheets.get(k, unknown).layout for k in distinct], dtype=object)[ids], index=table.index
    )
    scope = pd.Series(
        np.array([sheets.get(k, unknown).scope for k in distinct], dtype=object)[ids], index=table.index
    )
    if not (layout.isin([SANGONG, ALL_FUNDS_LAYOUT])).any():  # nothing to settle (an ordinary long file)
        return Settled(table, empty)
    keys = _sheet_keys(ids, distinct, table.index)
    amounts = table[AMOUNT_FEN].astype("int64").copy()
    items = table[ITEM].astype("object").copy()
    drop = pd.Series(False, index=table.index)
    settled = Settled(table, empty)
    group_keys = [table[DEPARTMENT].astype("object"), table[YEAR], table[STAGE].astype("object")]

    # the 三公 items (a printed 机关运行经费 line of the same table has no code: ``printed.py`` settles it)
    is_sangong = ((layout == SANGONG) & table[ECON_CODE].notna()).to_numpy()
    is_all = ((layout == ALL_FUNDS_LAYOUT) & table[FUNC_CODE].notna()).to_numpy()
    narrow_func = (
        ~is_sangong & ~is_all & table[FUNC_CODE].notna().to_numpy() & (scope != ALL_FUNDS).to_numpy()
    )
    basic_sangong = ~is_sangong & table[ECON_CODE].astype("object").isin(SANGONG_CODES).to_numpy()
    interesting = is_sangong | is_all
    if not interesting.any():
        return settled
    frame = pd.DataFrame(
        {"d": group_keys[0].to_numpy(), "y": group_keys[1].to_numpy(), "s": group_keys[2].to_numpy()}
    )
    for (department, year, stage), positions in frame.groupby(["d", "y", "s"], sort=False).indices.items():
        if not interesting[positions].any():
            continue
        members = np.zeros(len(table), dtype=bool)
        members[positions] = True
        where = {"department": department, "year": int(year), "stage": _STAGE_NAMES.get(stage, stage)}
        _settle_sangong(
            table, members & is_sangong, members & basic_sangong, keys, sheets, amounts, items, settled, where
        )
        _settle_all_funds(
            table, members & is_all, members & narrow_func, keys, sheets, amounts, items, drop, settled, where
        )
    out = table.copy()
    out[AMOUNT_FEN] = amounts.to_numpy()
    out[ITEM] = pd.Series(items.to_numpy(), index=table.index).astype(table[ITEM].dtype)
    settled.counted_elsewhere = table.loc[drop.to_numpy()]
    settled.table = out.loc[~drop.to_numpy()]
    return settled


def _title(sheets: dict, key: tuple[str, str]) -> str:
    info = sheets.get(key)
    return (info.title if info and info.title else "") or f"{key[0]} {key[1]}".strip()


def _settle_sangong(table, sangong, basic, keys, sheets, amounts, items, settled: Settled, where) -> None:
    """三公 table minus the 基本支出 table's 三公 lines, per item: the rest is what only the 三公 table holds."""
    from budget_guard.ingest.table_outcomes import (
        money,  # imported here: outcomes reads the layouts this module's callers use
    )

    if not sangong.any() or not basic.any():
        return
    codes = table[ECON_CODE].astype("object")
    basic_by_code = table.loc[basic].groupby(codes[basic])[AMOUNT_FEN].sum()
    basic_sheets = list(dict.fromkeys(keys[basic]))
    sangong_index = table.index[sangong]
    sheet_of = keys[sangong_index[0]]
    parts_zh, parts_en = [], []
    for code in SANGONG_CODES:
        lines = [i for i in sangong_index if codes[i] == code]
        if not lines:
            continue
        printed = int(amounts[lines].sum())
        in_basic = int(basic_by_code.get(code, 0))
        rest = printed - in_basic
        amounts[lines[0]] = rest
        for extra in lines[1:]:
            amounts[extra] = 0
        name = ITEM_NAMES[code]
        items[lines[0]] = f"{name}（基本支出表以外的部分）" if in_basic else name
        if in_basic:
            unit = sheets[sheet_of].unit if sheet_of in sheets else None
            parts_zh.append(f"{name}{money(printed, unit)}，其中基本支出表已计{money(in_basic, unit)}")
            parts_en.append(
                f"{name} {money(printed, unit, 'en')}, {money(in_basic, unit, 'en')} already in the basic table"
            )
        if rest < 0:
            settled.problems.append(
                Problem(
                    "sangong-below-basic",
                    file=sheet_of[0],
                    sheet=sheet_of[1] or None,
                    row=int(table.at[lines[0], SOURCE_ROW]),
                    details={
                        **where,
                        "item": name,
                        "printed": format_yuan(printed),
                        "basic": format_yuan(in_basic),
                        "basic_table": _title(sheets, basic_sheets[0]),
                    },
                )
            )
    basic_title = "、".join(_title(sheets, k) for k in basic_sheets)
    for key in dict.fromkeys(keys[sangong_index]):
        settled.notes[key] = (
            f"三公经费按本表计量；基本支出部分已由{basic_title}计入，本表只计其余部分"
            + (f"（{'；'.join(parts_zh)}）" if parts_zh else ""),
            f"三公经费 measured on this table; the basic part is counted from {basic_title}, this table adds the rest"
            + (f" ({'; '.join(parts_en)})" if parts_en else ""),
        )


def _settle_all_funds(
    table, whole, narrow, keys, sheets, amounts, items, drop, settled: Settled, where
) -> None:
    """All-funds lines minus the narrower tables', per functional code and expense type."""
    if not whole.any() or not narrow.any():
        return
    func = table[FUNC_CODE].astype("object")
    expense = table[EXPENSE_TYPE].astype("object")
    narrow_key = pd.Series(
        list(zip(func[narrow], expense[narrow].fillna(""), strict=True)), index=table.index[narrow]
    )
    narrow_sum = table.loc[narrow, AMOUNT_FEN].groupby(narrow_key).sum()
    narrow_sheets = list(dict.fromkeys(keys[narrow]))
    narrow_title = "、".join(_title(sheets, k) for k in narrow_sheets)
    remaining = dict(narrow_sum.items())
    whole_index = table.index[whole]
    added = 0
    problems = []
    for i in whole_index:
        key = (func[i], expense[i] if isinstance(expense[i], str) else "")
        inside = int(remaining.pop(key, 0)) if expense[i] is not None and not pd.isna(expense[i]) else 0
        rest = int(amounts[i]) - inside
        if rest == 0:
            drop[i] = True
            continue
        if rest < 0:
            problems.append((i, key, int(amounts[i]), inside))
            drop[i] = True
            continue
        amounts[i] = rest
        items[i] = f"{items[i] or func[i]}（其他资金）"
        added += rest
    for (code, kind), fen in remaining.items():
        if fen:
            problems.append((None, (code, kind), 0, int(fen)))
    sheet_of = keys[whole_index[0]]
    for row_index, (code, kind), whole_fen, inside in problems:
        settled.problems.append(
            Problem(
                "scope-exceeds-all-funds",
                file=sheet_of[0],
                sheet=sheet_of[1] or None,
                row=int(table.at[row_index, SOURCE_ROW]) if row_index is not None else None,
                details={
                    **where,
                    "code": code,
                    "expense_type": kind or "",
                    "whole": format_yuan(whole_fen),
                    "inside": format_yuan(inside),
                    "tables": narrow_title,
                },
            )
        )
    from budget_guard.ingest.table_outcomes import money

    for key in dict.fromkeys(keys[whole_index]):
        unit = sheets[key].unit if key in sheets else None
        settled.counted_from[key] = narrow_title
        settled.notes[key] = (
            f"全部资金口径：与{narrow_title}相同的钱按该表计入，本表只计其余部分（其他资金等）{money(added, unit)}",
            f"all funds: money also in {narrow_title} is counted from it; this table adds the rest "
            f"(other funds etc.) {money(added, unit, 'en')}",
        )


__all__ = ["ALL_FUNDS_LAYOUT", "SheetInfo", "Settled", "prefer_department", "settle_scopes"]
