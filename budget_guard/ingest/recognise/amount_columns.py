"""Amount columns of published and wide tables: which year, stage and expense type each one holds.

A wide table has one amount column per year and stage (``2023年决算数 | 2024年预算数 | 2025年预算数``,
or ``上年预算数 | 本年预算数`` resolved from the table's stated year). Within one year and stage a
table may split the money into parts (``合计 | 基本支出 | 项目支出``): then the parts become lines and
the 合计 column is only checked against them. Derived columns (``增减额``, ``增减%``) are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from budget_guard.ingest.recognise.context import stage_in_text
from budget_guard.ingest.recognise.headers import normalise_header

LINE, TOTAL, CHECK_PART, IGNORED = "line", "total", "check-part", "ignored"
BASIC, PROJECT = "基本支出", "项目支出"

_DERIVED = re.compile(r"增减|增长|变动|比上年|%|％|占比|比重|差额|完成率|执行率|说明|备注|栏次")
# columns of a 收入支出 table that are not spending (年初结转和结余, 本年收入, 年末结转和结余)
_NOT_SPENDING = re.compile(r"收入|结转|结余")
# parts of a 合计 beside 基本支出/项目支出: the 支出决算表 (上缴上级支出, 经营支出, 对附属单位补助支出)
# and a 一般公共预算 table whose 合计 is 基本 + 项目 + 单位预留机动经费
_OTHER_PARTS = re.compile(r"上缴上级支出|经营支出|对附属单位补助支出|预留机动|机动经费|预备费")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERSONNEL_PARTS = {"人员经费", "公用经费"}


@dataclass(frozen=True)
class Measure:
    """One amount column and what it means."""

    position: int
    label: str
    role: str
    year: int | None = None
    stage: str | None = None
    expense_type: str | None = None
    unit: str | None = None
    year_relative: str | None = None  # 上年 | 本年 when the header says so
    reason: str = ""
    part: str | None = (
        None  # a part of the 合计 other than 基本支出/项目支出 (经营支出 …): a line without expense type
    )


def describe(position: int, label: str) -> Measure:
    """What the header of one amount column says, before grouping."""
    plain = label.replace("|", "")
    if _DERIVED.search(plain):
        return Measure(position, label, IGNORED, reason="派生列 / derived column")
    if _NOT_SPENDING.search(plain) and not re.search(r"支出", label.split("|")[-1]):
        return Measure(position, label, IGNORED, reason="不是支出 / not spending")
    unit = None
    for part in label.split("|"):
        stated = normalise_header(part)[1]
        unit = unit or stated
    year_match = _YEAR.search(plain)
    year = int(year_match.group(1)) if year_match else None
    relative = "上年" if "上年" in plain else ("本年" if "本年" in plain else None)
    stage = stage_in_text(plain)
    expense = BASIC if BASIC in plain else (PROJECT if PROJECT in plain else None)
    leaf = label.split("|")[-1]
    if leaf in _PERSONNEL_PARTS:
        return Measure(position, label, CHECK_PART, year, stage, None, unit, relative)
    other = _OTHER_PARTS.search(leaf)
    if other and not expense:
        return Measure(position, label, LINE, year, stage, None, unit, relative, part=leaf)
    role = LINE if expense else TOTAL
    return Measure(position, label, role, year, stage, expense, unit, relative)


def resolve(measures: list[Measure], stated_year: int | None, stated_stage: str | None) -> list[Measure]:
    """Fill relative years and default stages, then pick the line columns of each year × stage group.

    In a group with 基本支出/项目支出 parts, the parts are the lines and the total is checked; otherwise
    the first total column is the line and further totals are checked parts.
    """
    resolved = []
    dated = any(m.year is not None or m.year_relative == "上年" for m in measures if m.role != IGNORED)
    for m in measures:
        if not dated and m.year_relative == "本年":  # 本年支出合计 beside 基本支出: one year, the table's
            m = replace(m, year_relative=None)
        year = m.year
        if year is None and m.year_relative and stated_year:
            year = stated_year - 1 if m.year_relative == "上年" else stated_year
        elif year is None and m.year_relative == "本年":
            year = stated_year
        stage = m.stage or stated_stage
        resolved.append(replace(m, year=year, stage=stage))
    out = []
    groups: dict[tuple, list[Measure]] = {}
    for m in resolved:
        if m.role != IGNORED:
            groups.setdefault((m.year, m.stage, m.year_relative if m.year is None else None), []).append(m)
    chosen: dict[int, str] = {}
    for members in groups.values():
        has_parts = any(m.role == LINE for m in members)
        first_total_taken = False
        for m in members:
            if m.role == LINE:
                chosen[m.position] = LINE
            elif m.role == TOTAL and not has_parts and not first_total_taken:
                chosen[m.position] = LINE
                first_total_taken = True
            elif m.role == TOTAL:
                chosen[m.position] = TOTAL
            else:
                chosen[m.position] = CHECK_PART
    for m in resolved:
        out.append(replace(m, role=chosen.get(m.position, m.role)))
    return out


def is_wide(measures: list[Measure]) -> bool:
    """More than one year or stage among the line columns."""
    keys = {(m.year, m.stage) for m in measures if m.role == LINE}
    return len(keys) > 1
