"""The side-by-side 基本支出 table: two (or more) blocks of 经济分类科目编码 | 科目名称 | 金额 next to each other.

The Shanghai 部门决算 template prints 人员经费 (301 工资福利支出, 303 对个人和家庭的补助) on the left and
公用经费 (302 商品和服务支出, 310 资本性支出) on the right, ending ``人员经费合计 | … | 公用经费合计``.
Each block is read as its own published table; the 合计 rows are checked against the classes of their
group (人员经费 = 301 + 303, 公用经费 = 302 + 310, from the dictionary's ``group`` column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from budget_guard.ingest.layouts.published import _CODE_HEADER, Plan, Published, plan
from budget_guard.ingest.recognise.header_block import HeaderBlock
from budget_guard.ingest.recognise.hierarchy import compare
from budget_guard.ingest.recognise.rows import BLANK, DATA, HEADER, NOTE, SUBTOTAL, squeeze
from budget_guard.messages.problems import Problem
from budget_guard.model.codes import PERSONNEL, PUBLIC, CodeBook

SIDE_BY_SIDE = "side-by-side"
_GROUP_TOTAL = re.compile(r"^(人员经费|公用经费)(?:支出)?(?:合计|小计|总计)?$")
_PRIORITY = {DATA: 0, SUBTOTAL: 1, HEADER: 2, NOTE: 3, BLANK: 4}


def _is_code_column(block: HeaderBlock, position: int) -> bool:
    leaf = block.leaf(position)
    return leaf in ("类", "款", "项") or bool(
        _CODE_HEADER.search(block.label(position)) and not re.search(r"合计|数$", leaf)
    )


def block_starts(block: HeaderBlock, width: int) -> list[int]:
    """First column of each code block; two or more means the side-by-side layout."""
    return [
        p for p in range(width) if _is_code_column(block, p) and (p == 0 or not _is_code_column(block, p - 1))
    ]


@dataclass(frozen=True)
class Block:
    start: int
    stop: int

    def grid(self, grid: pd.DataFrame) -> pd.DataFrame:
        part = grid.iloc[:, self.start : self.stop].copy()
        part.columns = range(part.shape[1])
        return part


def blocks(starts: list[int], width: int) -> list[Block]:
    edges = [*starts, width]
    return [Block(edges[i], edges[i + 1]) for i in range(len(starts))]


def plan_blocks(grid: pd.DataFrame, anchor: int, starts: list[int]) -> list[tuple[Block, Plan]] | None:
    """A published-table plan per block (positions relative to the block), or ``None`` if a block has no amounts."""
    out = []
    for part in blocks(starts, grid.shape[1]):
        block_plan = plan(part.grid(grid), anchor)
        if block_plan is None or not block_plan.measures:
            return None
        out.append((part, block_plan))
    return out


def merge_buckets(per_block: list[pd.Series]) -> pd.Series:
    """A row is data if any block has data in it, else a subtotal, header, note, blank — in that order."""
    ranks = pd.concat([b.map(_PRIORITY) for b in per_block], axis=1).min(axis=1)
    names = {rank: name for name, rank in _PRIORITY.items()}
    return ranks.map(names)


def printed_group_total(results: list[Published]) -> int | None:
    """What the blocks print as the table's total: their 合计 rows, else 人员经费合计 + 公用经费合计."""
    grand = [r.printed_total_fen for r in results if r.printed_total_fen is not None]
    if grand:
        return sum(grand)
    found = None
    for result in results:
        if result.names is None or result.line_fen is None:
            continue
        for row, label in squeeze(result.names.fillna("")).items():
            printed = result.line_fen.get(row)
            if _GROUP_TOTAL.match(label or "") and printed is not None and not pd.isna(printed):
                found = (found or 0) + int(printed)
    return found


def group_total_problems(
    results: list[Published], book: CodeBook, unit: str, *, file: str, sheet: str | None
) -> list[Problem]:
    """人员经费合计 / 公用经费合计 rows against the sum of their classes (类 rows, or their 款 when no 类 row is printed)."""
    rows_by_code: dict[str, list] = {}
    for result in results:
        if result.codes is None:
            continue
        for row, code in result.codes.dropna().items():
            fen = result.line_fen.get(row) if result.line_fen is not None else None
            rows_by_code.setdefault(code, []).append((row, 0 if fen is None or pd.isna(fen) else int(fen)))
    computed: dict[str, int] = {PERSONNEL: 0, PUBLIC: 0}
    used: dict[str, list[int]] = {PERSONNEL: [], PUBLIC: []}
    classes = {code[:3] for code in rows_by_code}
    for cls in classes:
        group = book.group_of(cls)
        if group not in computed:
            continue
        if cls in rows_by_code:
            row, fen = rows_by_code[cls][0]
            computed[group] += fen
            used[group].append(int(row))
        else:
            for code, entries in rows_by_code.items():
                if code.startswith(cls) and len(code) == 5:
                    for row, fen in entries:
                        computed[group] += fen
                        used[group].append(int(row))
    problems = []
    step = max((r.step_fen for r in results if r.step_fen), default=None)
    for result in results:
        if result.names is None or result.line_fen is None:
            continue
        labels = squeeze(result.names.fillna(""))
        for row, label in labels.items():
            match = _GROUP_TOTAL.match(label or "")
            if not match:
                continue
            group = match.group(1)
            printed = result.line_fen.get(row)
            if printed is None or pd.isna(printed):
                continue
            problem = compare(
                int(printed),
                computed[group],
                unit,
                mismatch="total-mismatch",
                place={"file": file, "sheet": sheet, "row": int(row), "column": result.amount_label},
                details={"label": label, "rows": ",".join(str(r) for r in sorted(used[group]))},
                step_fen=step,
                terms=len(used[group]),
            )
            if problem:
                problems.append(problem)
    return problems
