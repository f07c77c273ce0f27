"""The 三公经费 table: three header rows, 预算数 | 决算数 pairs, usually one data row.

::

    合计 | 因公出国（境）费 | 公务用车购置及运行费            | 公务接待费
         |                 | 小计     | 购置费   | 运行费    |
    预算数|决算数|预算数|决算数|预算数|决算数|预算数|决算数|…   (the stage row may also be on top)

Only the four leaves become lines, with economic codes 30212 因公出国（境）费用, 31013 公务用车购置,
30231 公务用车运行维护费 and 30217 公务接待费. 合计 and 小计 are checked, never read (no double counting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from budget_guard.ingest.lines import AMOUNT_LABEL, AMOUNT_TEXT, FIGURE, ROW, UNIT, combine_raw
from budget_guard.ingest.recognise.context import Context, stage_in_text
from budget_guard.ingest.recognise.header_block import HeaderBlock, find_block, has_amounts, row_cells
from budget_guard.ingest.recognise.hierarchy import compare
from budget_guard.ingest.recognise.numbers import fen_to_unit_text, parse_amounts
from budget_guard.ingest.recognise.rounding import printed_decimals, printed_step_fen
from budget_guard.ingest.recognise.rows import BLANK, DATA, HEADER, NOTE, blank_rows, note_rows
from budget_guard.messages.problems import Problem
from budget_guard.model.table import DEPARTMENT, ECON_CODE, EXPENSE_TYPE, ITEM, STAGE, TAGS, YEAR

SANGONG = "sangong"
ABROAD, CAR_PURCHASE, CAR_RUNNING, RECEPTION = "30212", "31013", "30231", "30217"
ITEM_NAMES = {
    ABROAD: "因公出国（境）费",
    CAR_PURCHASE: "公务用车购置费",
    CAR_RUNNING: "公务用车运行费",
    RECEPTION: "公务接待费",
}
TOTAL, CAR_SUBTOTAL = "total", "car-subtotal"
# The 机关运行经费 a 部门预算 “三公”经费和机关运行经费预算表 prints beside the 三公 items: not 三公, one
# figure for the whole department-year. It becomes one line with this tag and no code (a rule selects it
# with ``printed:``); ``printed.py`` marks the department-year's other lines with OPERATING_ELSEWHERE.
OPERATING = "机关运行经费"
OPERATING_COLUMN = "operating"
HEADER_SCAN_ROWS = 15


@dataclass(frozen=True)
class SangongColumn:
    position: int
    label: str
    role: str  # an econ code, TOTAL, CAR_SUBTOTAL, or "" (not understood)
    stage: str | None
    year: int | None


@dataclass
class Sangong:
    raw: pd.DataFrame
    buckets: pd.Series
    problems: list[Problem] = field(default_factory=list)
    header_row: int | None = None


def find_anchor(grid: pd.DataFrame) -> int | None:
    """The header row naming 因公出国, when the header it starts also names 公务接待 (and holds no amounts).

    Only header-like rows count: a 基本支出表 lists 30212 因公出国（境）费用 as a data row, with an amount.
    """
    for row in grid.index[:HEADER_SCAN_ROWS]:
        cells = row_cells(grid, row)
        if not any("因公出国" in c for c in cells) or has_amounts(cells):
            continue
        block = find_block(grid, int(row))
        labels = "".join(block.label(p) for p in range(grid.shape[1]))
        if "公务接待" in labels:
            return int(row)
    return None


_STAGE_WORDS = re.compile(
    r"^(?:预算数?|决算数?|调整预算数?|年初预算数?|全年预算数?|执行数|实际数|本年|上年)$"
)
_NOT_SANGONG = re.compile(r"会议|培训|机关运行|其他")


def _role(label: str) -> str:
    """What a column holds, judged from its most specific label part upwards (stage words skipped).

    The deepest part decides: ``公务接待费|会议费`` is 会议费 (not 三公) even though a merged
    公务接待费 cell sits above it, and ``公务用车购置及运行维护费|公务用车购置费`` is the purchase.
    """
    parts = [p for p in label.split("|") if p and not _STAGE_WORDS.match(re.sub(r"\d{4}年", "", p))]
    for depth, part in enumerate(reversed(parts)):
        if _NOT_SANGONG.search(part):
            return ""
        if "因公出国" in part:
            return ABROAD
        if "公务接待" in part:
            return RECEPTION
        car_group = "购置" in part and "运行" in part  # 公务用车购置及运行（维护）费
        if "小计" in part and depth == 0 and len(parts) > 1:
            continue  # 小计 under the car group: decided by the part above
        if car_group or ("用车" in part and "小计" in part):
            return CAR_SUBTOTAL
        if "购置" in part:
            return CAR_PURCHASE
        if "运行" in part or "运维" in part:
            return CAR_RUNNING
        if "合计" in part or "总计" in part:
            return TOTAL
    return ""


def _is_operating(label: str) -> bool:
    """A column of the printed 机关运行经费 (its deepest non-stage label part), not a 三公 item."""
    parts = [p for p in label.split("|") if p and not _STAGE_WORDS.match(re.sub(r"\d{4}年", "", p))]
    return bool(parts) and OPERATING in parts[-1]


def columns(block: HeaderBlock, width: int, stated_year: int | None) -> list[SangongColumn]:
    out = []
    for position in range(width):
        label = block.label(position)
        if not label:
            continue
        year_match = re.search(r"((?:19|20)\d{2})\s*年", label)
        year = int(year_match.group(1)) if year_match else stated_year
        if not year_match and stated_year and "上年" in label:
            year = stated_year - 1
        role = OPERATING_COLUMN if _is_operating(label) else _role(label)
        out.append(SangongColumn(position, label, role, stage_in_text(label), year))
    return out


def read_sangong(
    grid: pd.DataFrame, anchor: int, ctx: Context, unit: str, *, file: str, sheet: str | None
) -> Sangong:
    block = find_block(grid, anchor)
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    buckets[blank] = BLANK
    body = grid.loc[(grid.index > block.last) & ~blank]
    notes = note_rows(grid).loc[body.index]
    cols = columns(block, grid.shape[1], ctx.year)
    numeric_positions = [c.position for c in cols if c.role]  # 三公 items, 合计/小计, 机关运行经费
    has_numbers = (
        body[numeric_positions].notna().any(axis=1)
        if numeric_positions
        else pd.Series(False, index=body.index)
    )
    data = has_numbers & ~notes
    buckets[body.index[notes]] = NOTE
    buckets[body.index[~notes & ~has_numbers]] = NOTE
    buckets[body.index[data]] = DATA
    problems: list[Problem] = [
        Problem(
            "header-merged",
            file=file,
            sheet=sheet,
            row=block.first,
            details={"detail": "；".join(c.label for c in cols)},
        )
    ]
    for c in cols:
        if c.role == OPERATING_COLUMN:
            fen = parse_amounts(body.loc[data, c.position], unit=unit, blank_is_zero=True)[0].fillna(0)
            problems.append(
                Problem(
                    "operating-printed",
                    file=file,
                    sheet=sheet,
                    row=int(body.index[data][0]) if data.any() else block.last,
                    column=c.label,
                    details={"value": fen_to_unit_text(int(fen.sum()), unit), "unit": unit, "label": c.label},
                )
            )
            continue
        if not c.role:
            problems.append(
                Problem(
                    "column-ignored",
                    file=file,
                    sheet=sheet,
                    row=block.last,
                    column=c.label,
                    details={"value": c.label, "detail": "不是三公经费项目 / not a 三公 item"},
                )
            )
    for stage in {c.stage for c in cols}:
        roles = {c.role for c in cols if c.stage == stage}
        if CAR_SUBTOTAL in roles and not roles & {CAR_PURCHASE, CAR_RUNNING}:
            car = next(c for c in cols if c.stage == stage and c.role == CAR_SUBTOTAL)
            problems.append(
                Problem(
                    "sangong-car-unsplit",
                    file=file,
                    sheet=sheet,
                    row=block.last,
                    column=car.label,
                    details={"value": car.label},
                )
            )
    frames = []
    data_rows = body.index[data]
    for c in cols:
        if c.role == OPERATING_COLUMN:
            frames.append(_operating_frame(body.loc[data, c.position], c, ctx, unit))
        if c.role not in ITEM_NAMES:
            continue
        frames.append(
            pd.DataFrame(
                {
                    ROW: data_rows,
                    AMOUNT_TEXT: body.loc[data, c.position].to_numpy(),
                    AMOUNT_LABEL: c.label,
                    UNIT: unit,
                    ECON_CODE: c.role,
                    ITEM: ITEM_NAMES[c.role],
                    YEAR: c.year,
                    STAGE: c.stage or ctx.stage,
                    EXPENSE_TYPE: None,
                    DEPARTMENT: ctx.department,
                }
            )
        )
    raw = combine_raw(frames)
    if FIGURE in raw.columns:
        raw[FIGURE] = raw[FIGURE].astype("boolean").fillna(False).astype(bool)
    problems += _checks(body.loc[data], cols, unit, file=file, sheet=sheet)
    return Sangong(raw=raw, buckets=buckets, problems=problems, header_row=block.last)


def _operating_frame(cells: pd.Series, c: SangongColumn, ctx: Context, unit: str) -> pd.DataFrame:
    """The printed 机关运行经费: one line per data row, tagged instead of coded (基本支出: it is the
    administrative units' 公用经费)."""
    return pd.DataFrame(
        {
            ROW: cells.index,
            AMOUNT_TEXT: cells.to_numpy(),
            AMOUNT_LABEL: c.label,
            UNIT: unit,
            ECON_CODE: None,
            ITEM: OPERATING,
            TAGS: OPERATING,
            FIGURE: True,
            YEAR: c.year,
            STAGE: c.stage or ctx.stage,
            EXPENSE_TYPE: "基本支出",
            DEPARTMENT: ctx.department,
        }
    )


def _checks(
    rows: pd.DataFrame, cols: list[SangongColumn], unit: str, *, file: str, sheet: str | None
) -> list[Problem]:
    """Per stage: 合计 = 因公出国 + 公务用车小计 + 公务接待; 公务用车小计 = 购置 + 运行."""
    problems = []
    fen = {
        c.position: parse_amounts(rows[c.position], unit=unit, blank_is_zero=True)[0].fillna(0)
        for c in cols
        if c.role
    }
    step = printed_step_fen(
        printed_decimals(pd.concat([rows[c.position] for c in cols if c.role] or [pd.Series(dtype=object)])),
        unit,
    )
    stages = {c.stage for c in cols}
    for stage in stages:
        by_role: dict[str, SangongColumn] = {c.role: c for c in cols if c.stage == stage and c.role}
        checks = []
        if TOTAL in by_role:
            parts = [by_role[r] for r in (ABROAD, RECEPTION) if r in by_role]
            car = (
                [by_role[CAR_SUBTOTAL]]
                if CAR_SUBTOTAL in by_role
                else [by_role[r] for r in (CAR_PURCHASE, CAR_RUNNING) if r in by_role]
            )
            checks.append((by_role[TOTAL], parts + car))
        if CAR_SUBTOTAL in by_role:
            checks.append(
                (by_role[CAR_SUBTOTAL], [by_role[r] for r in (CAR_PURCHASE, CAR_RUNNING) if r in by_role])
            )
        for total, parts in checks:
            if not parts:
                continue
            for row in rows.index:
                printed = int(fen[total.position][row])
                computed = int(sum(int(fen[p.position][row]) for p in parts))
                problem = compare(
                    printed,
                    computed,
                    unit,
                    mismatch="subtotal-parts-mismatch",
                    place={"file": file, "sheet": sheet, "row": int(row), "column": total.label},
                    details={
                        "label": total.label,
                        "parts": "+".join(p.label for p in parts),
                        "row": int(row),
                    },
                    step_fen=step,
                    terms=len(parts),
                )
                if problem:
                    problems.append(problem)
    return problems
