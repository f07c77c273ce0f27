"""The 三公经费 table: a header of two to four rows with merged cells, usually one data row.

::

    合计 | 因公出国（境）费 | 公务用车购置及运行费            | 公务接待费
         |                 | 小计     | 购置费   | 运行费    |
    预算数|决算数|预算数|决算数|预算数|决算数|预算数|决算数|…   (the stage row may also be on top)

    合计 | “三公”经费                                                     | 会议费 | 培训费
         | 小计 | 因公出国（境）费 | 公务用车购置及运行维护费        | 公务接待费 |
         |      |                  | 小计 | 购置费 | 运行维护费     |

The header is read as a tree (``recognise/header_tree.py``); each column's role comes from its path.
Only the four leaves become 三公 lines, with economic codes 30212 因公出国（境）费用, 31013 公务用车购置,
30231 公务用车运行维护费 and 30217 公务接待费. 合计 and 小计 columns are aggregates: checked, never read
(no double counting). 会议费 and 培训费 are not 三公: each becomes a printed figure of its own (tag
``会议费`` / ``培训费``, no code), like 机关运行经费. Every sum the header states is checked
(``check_relations``); a row whose figures fail one is tagged ``勾稽不符`` and never graded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from budget_guard.ingest.files.grid import column_letter
from budget_guard.ingest.lines import AMOUNT_LABEL, AMOUNT_TEXT, FIGURE, ROW, UNIT, combine_raw
from budget_guard.ingest.recognise.context import Context, stage_in_text
from budget_guard.ingest.recognise.header_block import (
    HeaderBlock,
    clean_label,
    find_block,
    has_amounts,
    row_cells,
)
from budget_guard.ingest.recognise.header_tree import (
    HeaderTree,
    Leaf,
    Relation,
    build,
    is_aggregate,
    label_paths,
)
from budget_guard.ingest.recognise.hierarchy import compare
from budget_guard.ingest.recognise.numbers import fen_to_unit_text, parse_amounts
from budget_guard.ingest.recognise.rounding import printed_decimals, printed_step_fen, within_rounding
from budget_guard.ingest.recognise.rows import BLANK, DATA, HEADER, NOTE, SUBTOTAL, blank_rows, note_rows
from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    ITEM,
    STAGE,
    TAG_SEPARATOR,
    TAGS,
    YEAR,
    relation_failed_tag,
)

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
    role: str  # an econ code, TOTAL, SANGONG_SUBTOTAL, CAR_SUBTOTAL, OTHER, OPERATING_COLUMN or "" (not understood)
    stage: str | None
    year: int | None
    leaf: Leaf


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


SANGONG_SUBTOTAL = "sangong-subtotal"  # 三公小计: the three items' own aggregate
OTHER = "other"  # 会议费, 培训费: items of the table beside 三公, figures of their own
MEETING, TRAINING = "会议费", "培训费"
_NOT_SANGONG = re.compile(r"会议|培训|其他")


def _role(leaf: Leaf) -> str:
    """What a column holds, from its item path in the header tree (stage and year labels are not in it).

    The deepest label decides; an aggregate (合计/小计/计) takes its meaning from the group above it:
    ``“三公”经费 › 小计`` is the 三公 subtotal, ``公务用车购置及运行维护费 › 小计`` the car subtotal,
    a 合计 at the top the table's total. ``公务接待费 › 会议费`` is 会议费 (not 三公).
    """
    path = leaf.path
    if not path:
        return ""
    deepest = path[-1]
    if OPERATING in deepest:
        return OPERATING_COLUMN
    if _NOT_SANGONG.search(deepest):
        return OTHER if ("会议" in deepest or "培训" in deepest) else ""
    if is_aggregate(deepest):
        named = _item_role(deepest)  # 公务用车小计, “三公”经费合计
        if named in (CAR_SUBTOTAL, SANGONG_SUBTOTAL):
            return named
        group = _item_role(path[-2]) if len(path) > 1 else ""
        if group in (CAR_SUBTOTAL, SANGONG_SUBTOTAL):
            return group
        return TOTAL if len(path) == 1 else ""
    return _item_role(deepest)


def _item_role(label: str) -> str:
    if "因公出国" in label:
        return ABROAD
    if "公务接待" in label:
        return RECEPTION
    if ("购置" in label and "运行" in label) or ("用车" in label and is_aggregate(label)):
        return CAR_SUBTOTAL  # 公务用车购置及运行（维护）费: the car group, or its column when unsplit
    if "购置" in label:
        return CAR_PURCHASE
    if "运行" in label or "运维" in label:
        return CAR_RUNNING
    if "三公" in label:
        return SANGONG_SUBTOTAL  # “三公”经费 heading one column, or “三公”经费小计/合计
    return ""


def _year(leaf: Leaf, stated_year: int | None) -> int | None:
    text = "".join(leaf.full)
    match = re.search(r"((?:19|20)\d{2})\s*年", text)
    if match:
        return int(match.group(1))
    if stated_year and any(d.startswith("上年") for d in leaf.dims):
        return stated_year - 1
    return stated_year


def columns(tree: HeaderTree, stated_year: int | None) -> list[SangongColumn]:
    out = []
    for leaf in tree.leaves:
        out.append(
            SangongColumn(
                leaf.position,
                leaf.label,
                _role(leaf),
                stage_in_text("".join(leaf.dims)),
                _year(leaf, stated_year),
                leaf,
            )
        )
    return out


def header_tree(grid: pd.DataFrame, block: HeaderBlock, merges: list | None) -> HeaderTree:
    """The header block's column tree (merged ranges when the workbook has them)."""
    rows = [r for r in grid.index if block.first <= r <= block.last]
    return build(label_paths(grid, rows, merges))


def extend_block(grid: pd.DataFrame, block: HeaderBlock, merges: list | None) -> HeaderBlock:
    """Grow the block to every row of a merged range that crosses it (a 合计 spanning three header rows)."""
    first, last = block.first, block.last
    for (top, _), (bottom, _) in merges or []:
        top, bottom = top + 1, bottom + 1
        if top <= last and bottom >= first and top != bottom:
            if top < first and not has_amounts(row_cells(grid, top)):
                first = top
            if bottom > last and all(
                not has_amounts(row_cells(grid, r)) for r in range(last + 1, bottom + 1)
            ):
                last = bottom
    if (first, last) == (block.first, block.last):
        return block
    return HeaderBlock(first, last, block.parts, block.label_cells)


def read_sangong(
    grid: pd.DataFrame,
    anchor: int,
    ctx: Context,
    unit: str,
    *,
    file: str,
    sheet: str | None,
    merges: list | None = None,
) -> Sangong:
    block = extend_block(grid, find_block(grid, anchor), merges)
    # 会议费, 培训费 and 机关运行经费 are never part of a 三公 item or of the 三公 group, whatever label a
    # merged cell or a carried label puts above them: they stand beside it
    tree = header_tree(grid, block, merges).lifted(lambda leaf: _role(leaf) in (OTHER, OPERATING_COLUMN))
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    buckets[blank] = BLANK
    body = grid.loc[(grid.index > block.last) & ~blank]
    notes = note_rows(grid).loc[body.index]
    cols = columns(tree, ctx.year)
    numeric_positions = [
        c.position for c in cols if c.role
    ]  # 三公 items, aggregates, 会议费/培训费, 机关运行经费
    has_numbers = (
        body[numeric_positions].notna().any(axis=1)
        if numeric_positions
        else pd.Series(False, index=body.index)
    )
    data = has_numbers & ~notes
    buckets[body.index[notes]] = NOTE
    buckets[body.index[~notes & ~has_numbers]] = NOTE
    totals = _total_rows(body, data, numeric_positions)
    buckets[body.index[data & totals]] = SUBTOTAL
    buckets[body.index[data & ~totals]] = DATA
    problems: list[Problem] = [
        Problem(
            "header-merged",
            file=file,
            sheet=sheet,
            row=block.first,
            details={"detail": "；".join(c.label for c in cols)},
        )
    ]
    item_rows = data & ~totals
    for c in cols:
        if c.role == OPERATING_COLUMN:
            fen = parse_amounts(body.loc[item_rows, c.position], unit=unit, blank_is_zero=True)[0].fillna(0)
            problems.append(
                Problem(
                    "operating-printed",
                    file=file,
                    sheet=sheet,
                    row=int(body.index[item_rows][0]) if item_rows.any() else block.last,
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
    checked = check_relations(
        body.loc[data], totals.loc[data[data].index], tree, cols, unit, file=file, sheet=sheet
    )
    problems += checked.problems
    _unlabelled_figures(body.loc[item_rows], cols, checked, file=file, sheet=sheet)
    repeats = _repeated_figures(body.loc[item_rows], tree, checked, file=file, sheet=sheet)
    problems += checked.unlabelled
    for dims in {c.leaf.dims for c in cols}:
        roles = {c.role for c in cols if c.leaf.dims == dims}
        if CAR_SUBTOTAL in roles and not roles & {CAR_PURCHASE, CAR_RUNNING}:
            car = next(c for c in cols if c.leaf.dims == dims and c.role == CAR_SUBTOTAL)
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
            # the car money is in no line: a row where it is not 0 has an incomplete 三公, never a verdict
            car_fen = parse_amounts(body.loc[item_rows, car.position], unit=unit, blank_is_zero=True)[0]
            for row in car_fen.index[car_fen.fillna(1).to_numpy() != 0]:
                place = f"{column_letter(car.position)}{int(row)}"
                checked.fail((int(row), dims), f"{car.label}({place})未分列购置费与运行费 三公经费不含此数")
    frames = []
    rows = body.index[item_rows]
    for c in cols:
        if c.position in repeats:
            continue  # a label carried over a column whose own label was lost: in the relations, never read
        cells = body.loc[item_rows, c.position]
        marks = [checked.tags((int(r), c.leaf.dims)) for r in rows]
        if c.role == OPERATING_COLUMN:
            frames.append(_figure_frame(cells, c, ctx, unit, OPERATING, "基本支出", marks))
        elif c.role == OTHER:
            tag = MEETING if "会议" in c.leaf.path[-1] else TRAINING
            frames.append(_figure_frame(cells, c, ctx, unit, tag, None, marks))
        elif c.role in ITEM_NAMES:
            frames.append(
                pd.DataFrame(
                    {
                        ROW: rows,
                        AMOUNT_TEXT: cells.to_numpy(),
                        AMOUNT_LABEL: c.label,
                        UNIT: unit,
                        ECON_CODE: c.role,
                        ITEM: ITEM_NAMES[c.role],
                        TAGS: [m or None for m in marks],
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
    if TAGS in raw.columns:
        raw[TAGS] = raw[TAGS].astype("object").where(raw[TAGS].notna(), None)
    return Sangong(raw=raw, buckets=buckets, problems=problems, header_row=block.last)


def _unlabelled_figures(rows: pd.DataFrame, cols: list[SangongColumn], out: Checked, *, file, sheet) -> None:
    """A figure in a column no header label stands over: the header was not understood, so no
    figure of that row is trusted (its lines are tagged, the problem names the cell)."""
    labelled = {c.position for c in cols}
    for position in rows.columns:
        if position in labelled:
            continue
        cells = rows[position].map(clean_label)
        for row in cells.index[cells.str.match(r"^[-+(（]?[\d,，.．]+[)）]?$", na=False)]:
            place = f"{column_letter(int(position))}{int(row)}"
            out.unlabelled.append(
                Problem(
                    "column-unlabelled",
                    file=file,
                    sheet=sheet,
                    row=int(row),
                    column=column_letter(int(position)),
                    details={"value": str(rows.at[row, position]), "place": place},
                )
            )
            for dims in {c.leaf.dims for c in cols}:
                out.fail((int(row), dims), f"{place}有数{rows.at[row, position]}而无表头")


def _repeated_figures(rows: pd.DataFrame, tree: HeaderTree, out: Checked, *, file, sheet) -> set[int]:
    """Columns under the same labels as a column before them (a label carried over columns whose own
    labels were lost, e.g. 公务接待费 over 会议费 and 培训费 when their header row was missed). They
    count in the relations around that item, are never read, and a figure in one is a warning."""
    positions = set()
    for first, repeat in tree.repeated():
        positions.add(repeat.position)
        cells = rows[repeat.position].map(clean_label)
        for row in cells.index[cells.str.match(r"^[-+(（]?[\d,，.．]+[)）]?$", na=False)]:
            place = f"{column_letter(repeat.position)}{int(row)}"
            out.unlabelled.append(
                Problem(
                    "column-label-repeated",
                    file=file,
                    sheet=sheet,
                    row=int(row),
                    column=repeat.label,
                    details={
                        "value": str(rows.at[row, repeat.position]),
                        "place": place,
                        "label": repeat.label,
                        "first": f"{column_letter(first.position)}{int(row)}",
                    },
                )
            )
            out.fail(
                (int(row), repeat.dims), f"{place}与{column_letter(first.position)}列同名({repeat.label})"
            )
    return positions


def _total_rows(body: pd.DataFrame, data: pd.Series, numeric: list[int]) -> pd.Series:
    """Data rows that are the table's 合计 row (a label cell reading 合计/总计 beside other data rows)."""
    labels = [p for p in body.columns if p not in numeric]
    if not labels or int(data.sum()) < 2:
        return pd.Series(False, index=body.index)
    text = body[labels].apply(lambda col: col.map(clean_label)).agg("".join, axis=1)
    return text.str.contains(r"^(?:合计|总计)$|^(?:合计|总计)[:：]?$", regex=True) & data


def _figure_frame(
    cells: pd.Series, c: SangongColumn, ctx: Context, unit: str, tag: str, expense_type, marks
) -> pd.DataFrame:
    """A figure the table prints beside the 三公 items: one line per data row, tagged instead of coded
    (机关运行经费, 会议费, 培训费). A rule selects it with ``printed:``."""
    return pd.DataFrame(
        {
            ROW: cells.index,
            AMOUNT_TEXT: cells.to_numpy(),
            AMOUNT_LABEL: c.label,
            UNIT: unit,
            ECON_CODE: None,
            ITEM: tag,
            TAGS: [tag if not m else f"{tag}{TAG_SEPARATOR}{m}" for m in marks],
            FIGURE: True,
            YEAR: c.year,
            STAGE: c.stage or ctx.stage,
            EXPENSE_TYPE: expense_type,
            DEPARTMENT: ctx.department,
        }
    )


@dataclass
class Checked:
    """The relation problems, and per (row, dimension) the failed relations' texts (for the tags)."""

    problems: list[Problem] = field(default_factory=list)
    failed: dict[tuple[int, tuple[str, ...]], list[str]] = field(default_factory=dict)
    unlabelled: list[Problem] = field(default_factory=list)

    def fail(self, key: tuple[int, tuple[str, ...]], text: str) -> None:
        self.failed.setdefault(key, []).append(text)

    def tags(self, key: tuple[int, tuple[str, ...]]) -> str:
        """The ``勾稽不符`` tags of the lines of a row and dimension ('' when every relation holds)."""
        return TAG_SEPARATOR.join(relation_failed_tag(t) for t in self.failed.get(key, ()))


_RELATION_KIND = {
    CAR_SUBTOTAL: "relation-car-subtotal",
    SANGONG_SUBTOTAL: "relation-sangong-subtotal",
}


def _relations(tree: HeaderTree, cols: list[SangongColumn]) -> list[tuple[str, Relation]]:
    """(problem kind, relation) for every sum the header states, 机关运行经费 left out of every sum (it
    overlaps the items, it is not one of them), plus a 三公 subtotal printed flat beside its items."""
    role = {c.position: c.role for c in cols}
    out = []
    for relation in tree.relations(skip=lambda leaf: role.get(leaf.position) == OPERATING_COLUMN):
        total_role = role.get(relation.total.position, "")
        part_roles = {role.get(p.position, "") for p in relation.parts}
        if total_role in _RELATION_KIND:
            kind = _RELATION_KIND[total_role]
        elif total_role == TOTAL and part_roles & {OTHER, SANGONG_SUBTOTAL}:
            kind = "relation-sangong-table-total"
        elif total_role == TOTAL:
            kind = "relation-sangong-subtotal"  # 合计 of the three items is the 三公 subtotal
        else:
            kind = "relation-column-sum"
        out.append((kind, relation))
    stated = {r.total.position for _, r in out}
    for c in cols:
        if c.role != SANGONG_SUBTOTAL or c.position in stated:
            continue
        same = [d for d in cols if d.leaf.dims == c.leaf.dims]
        by_role = {d.role: d.leaf for d in same}
        car = (
            [by_role[CAR_SUBTOTAL]]
            if CAR_SUBTOTAL in by_role
            else [by_role[r] for r in (CAR_PURCHASE, CAR_RUNNING) if r in by_role]
        )
        parts = (
            [by_role[r] for r in (ABROAD,) if r in by_role]
            + car
            + [by_role[r] for r in (RECEPTION,) if r in by_role]
        )
        if parts:
            out.append(("relation-sangong-subtotal", Relation(c.leaf, tuple(parts), (), c.leaf.dims)))
    return out


def check_relations(
    rows: pd.DataFrame,
    total_rows: pd.Series,
    tree: HeaderTree,
    cols: list[SangongColumn],
    unit: str,
    *,
    file: str,
    sheet: str | None,
) -> Checked:
    """Every relation the table prints, per data row (and the 合计 row against the other rows):
    合计 = Σ rows; 三公小计 = 出国 + 车 + 接待; 车 = 购置 + 运维; 合计 = 三公 + 会议费 + 培训费.

    Tolerance: the one rounding rule (``rounding.py``): half a step of the last printed decimal per
    term. A relation outside it is a warning with both figures and both places, and every line of
    that row and stage is tagged ``勾稽不符`` so no verdict rests on it. A 合计 that equals the three
    items alone where 会议费/培训费 are printed beside them is the 三公 total and passes.
    """
    out = Checked()
    role = {c.position: c.role for c in cols}
    positions = [c.position for c in cols if c.role]
    fen = {
        p: parse_amounts(rows[p], unit=unit, blank_is_zero=True)[0].fillna(0).astype("int64")
        for p in positions
    }
    step = printed_step_fen(
        printed_decimals(pd.concat([rows[p] for p in positions] or [pd.Series(dtype=object)])), unit
    )
    items = rows.index[~total_rows.reindex(rows.index, fill_value=False).to_numpy()]
    letters = {c.position: column_letter(c.position) for c in cols}
    relations = _relations(tree, cols)
    for row in items:
        for kind, relation in relations:
            if relation.total.position not in fen or any(p.position not in fen for p in relation.parts):
                continue
            printed = int(fen[relation.total.position][row])
            parts = list(relation.parts)
            computed = sum(int(fen[p.position][row]) for p in parts)
            if kind == "relation-sangong-table-total" and printed != computed:
                own = [p for p in parts if role.get(p.position) != OTHER]
                own_sum = sum(int(fen[p.position][row]) for p in own)
                if not any(role.get(c.position) == SANGONG_SUBTOTAL for c in cols) and within_rounding(
                    printed - own_sum, step, len(own)
                ):
                    kind, parts, computed = "relation-sangong-subtotal", own, own_sum
            _check(out, kind, relation, parts, printed, computed, int(row), step, unit, letters, file, sheet)
    if len(items) and total_rows.any():
        for row in rows.index[total_rows.reindex(rows.index, fill_value=False).to_numpy()]:
            for c in cols:
                if c.position not in fen:
                    continue
                printed = int(fen[c.position][row])
                computed = int(sum(int(fen[c.position][r]) for r in items))
                relation = Relation(c.leaf, (), (), c.leaf.dims)
                _check_rows(
                    out, relation, printed, computed, int(row), list(items), step, unit, letters, file, sheet
                )
    _summary(out, relations, items, total_rows, letters, file=file, sheet=sheet)
    return out


def _summary(out: Checked, relations, items, total_rows, letters, *, file, sheet) -> None:
    """One notice naming every relation the table was checked against and how many failed, so a
    relation that is never checked (a header the tree did not understand) shows by its absence."""
    names = [
        f"{r.total.label}({letters[r.total.position]})="
        + "+".join(f"{p.label}({letters[p.position]})" for p in r.parts)
        for _, r in relations
    ]
    if bool(total_rows.any()) and len(items):
        names.append("合计行=各行之和")
    if not names:
        return
    failed = len([p for p in out.problems if p.code != "rounding-gap"]) + len(out.unlabelled)
    out.problems.append(
        Problem(
            "relations-checked",
            file=file,
            sheet=sheet,
            details={"count": len(names), "relations": "；".join(names), "failed": failed},
        )
    )


def _check(out: Checked, kind, relation, parts, printed, computed, row, step, unit, letters, file, sheet):
    problem = compare(
        printed,
        computed,
        unit,
        mismatch=kind,
        place={"file": file, "sheet": sheet, "row": row, "column": relation.total.label},
        details={
            "label": relation.total.label,
            "parts": "+".join(p.label for p in parts),
            "total_place": f"{letters[relation.total.position]}{row}",
            "parts_place": "+".join(f"{letters[p.position]}{row}" for p in parts),
            "row": row,
        },
        step_fen=step,
        terms=len(parts),
    )
    if problem is None:
        return
    out.problems.append(problem)
    if problem.code != "rounding-gap":
        _fail(out, row, relation.dims, problem, unit)


def _check_rows(out: Checked, relation, printed, computed, row, items, step, unit, letters, file, sheet):
    letter = letters[relation.total.position]
    problem = compare(
        printed,
        computed,
        unit,
        mismatch="relation-total-row",
        place={"file": file, "sheet": sheet, "row": row, "column": relation.total.label},
        details={
            "label": relation.total.label,
            "parts": f"{letter}{items[0]}:{letter}{items[-1]}",
            "total_place": f"{letter}{row}",
            "parts_place": f"{letter}{items[0]}:{letter}{items[-1]}",
            "row": row,
        },
        step_fen=step,
        terms=len(items),
    )
    if problem is None:
        return
    out.problems.append(problem)
    if problem.code != "rounding-gap":
        for r in items:
            _fail(out, r, relation.dims, problem, unit)


def _fail(out: Checked, row: int, dims: tuple[str, ...], problem: Problem, unit: str) -> None:
    d = problem.details
    text = (
        f"{d['label']}（{d['total_place']}）{d['printed'].replace(',', '')}{unit}"
        f"≠{d['parts']}（{d['parts_place']}）之和{d['computed'].replace(',', '')}{unit}"
    )
    out.fail((row, dims), text)
