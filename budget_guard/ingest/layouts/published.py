"""Published department tables (一般公共预算支出表, 基本支出表, 项目支出表, and wide multi-year versions).

Shape: title rows, a ``单位：万元`` line, a one- to three-row merged header, then rows keyed by a code
in one column (``2010301``) or split over 类 | 款 | 项 columns (``201 | 03 | 01``, blanks meaning
"same as above"), a name column (often indented), amount columns, 合计/小计 rows and notes at the end.
Leaves become lines; parents and 合计 rows are checked, not read (see ``hierarchy``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from budget_guard.ingest.lines import AMOUNT_LABEL, AMOUNT_TEXT, ROW, UNIT, combine_raw
from budget_guard.ingest.recognise.amount_columns import (
    BASIC,
    CHECK_PART,
    IGNORED,
    LINE,
    PROJECT,
    TOTAL,
    Measure,
    describe,
    is_wide,
    resolve,
)
from budget_guard.ingest.recognise.context import Context
from budget_guard.ingest.recognise.header_block import HeaderBlock, find_block, row_cells
from budget_guard.ingest.recognise.headers import long_field
from budget_guard.ingest.recognise.hierarchy import (
    SINGLE,
    SPLIT,
    CodeColumns,
    ResolvedCodes,
    compare,
    hierarchy_problems,
    leaf_mask,
    resolve_codes,
)
from budget_guard.ingest.recognise.numbers import parse_amounts
from budget_guard.ingest.recognise.rounding import printed_decimals, printed_step_fen
from budget_guard.ingest.recognise.rows import (
    BLANK,
    DATA,
    HEADER,
    NOTE,
    SUBTOTAL,
    blank_rows,
    is_subtotal,
    note_rows,
    repeated_header_rows,
    squeeze,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.codes import ECON, FUNC
from budget_guard.model.table import (
    DEPARTMENT,
    DEPARTMENT_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    RELATION_FAILED_PREFIX,
    STAGE,
    TAG_SEPARATOR,
    TAGS,
    YEAR,
    relation_failed_tag,
)

PUBLISHED, WIDE = "published", "wide"
ATTRIBUTE_FIELDS = (DEPARTMENT, DEPARTMENT_CODE, YEAR, STAGE, EXPENSE_TYPE, TAGS)
HEADER_SCAN_ROWS = 30

_CODE_HEADER = re.compile(r"编码|代码|编号")
_SPLIT_HEADERS = {"类": 0, "款": 1, "项": 2}
_NAME_HEADER = re.compile(
    r"名称$|^项目$|^科目$|^功能分类科目$|^经济分类科目$|^支出功能分类科目$|^部门经济分类科目$"
)
_GRAND_TOTAL = re.compile(r"^(?:合计|总计|共计|支出合计|本年支出合计|支出总计)$")


@dataclass(frozen=True)
class Plan:
    """How one published sheet is laid out."""

    block: HeaderBlock
    codes: CodeColumns
    name_position: int | None
    measures: list[Measure]
    second_econ_position: int | None = None
    attributes: dict[str, int] = field(default_factory=dict)  # department/year/stage… columns, per row


@dataclass
class Published:
    """What reading a published sheet produced before the shared line checks."""

    raw: pd.DataFrame
    labels: dict[str, str]
    buckets: pd.Series
    problems: list[Problem] = field(default_factory=list)
    layout: str = PUBLISHED
    header_row: int | None = None
    code_rows: pd.DataFrame | None = None  # row → code, name (for dictionary checks)
    kind: str = FUNC
    codes: pd.Series | None = None  # body row → resolved code (subtotal rows excluded)
    names: pd.Series | None = (
        None  # body row → printed name (or the code cell's text: 人员经费合计 sits there)
    )
    line_fen: pd.Series | None = None  # body row → amount of the first line column, in fen
    amount_label: str | None = None
    # the table's own 合计 row (its 合计 column, else the sum of the columns read), when it prints one and
    # reads one year × stage: what the per-table summary compares the lines with
    printed_total_fen: int | None = None
    step_fen: int | None = None  # one step of the last printed decimal (the rounding rule)
    malformed: pd.DataFrame | None = None  # row → raw code text, printed name (for a dictionary suggestion)


def find_anchor(grid: pd.DataFrame) -> int | None:
    """The first header row naming a code column (编码 or 类/款/项 cells), or a 科目 column whose cells start with codes."""
    rows = list(grid.index[:HEADER_SCAN_ROWS])
    for row in rows:
        cells = row_cells(grid, row)
        if any(_CODE_HEADER.search(c) and len(c) <= 14 for c in cells) or {"类", "款"} <= set(cells):
            return int(row)
    for row in rows:
        cells = row_cells(grid, row)
        for position, cell in enumerate(cells):
            if _NAME_HEADER.search(cell) and _codes_in_cells(grid.loc[grid.index > row, position]):
                return int(row)
    return None


def _codes_in_cells(cells: pd.Series) -> bool:
    """Most filled cells read like ``2010301 行政运行``: a code and a name in one cell."""
    filled = cells.dropna().astype(str).str.strip()
    if filled.empty:
        return False
    return bool(filled.str.match(r"^\d{3,7}\s*[^\d\s.,]").mean() >= 0.5)


def plan(grid: pd.DataFrame, anchor: int) -> Plan | None:
    block = find_block(grid, anchor)
    split: dict[int, int] = {}
    code_positions: list[tuple[int, str]] = []
    name_position = None
    measures: list[Measure] = []
    attributes: dict[str, int] = {}
    body = without_labels(grid.loc[grid.index > block.last], block)
    for position in range(grid.shape[1]):
        label = block.label(position)
        leaf = block.leaf(position)
        if not label:
            continue
        attribute = long_field(leaf)[0]
        if attribute in ATTRIBUTE_FIELDS and attribute not in attributes:
            attributes[attribute] = position
        elif leaf in _SPLIT_HEADERS:
            split[_SPLIT_HEADERS[leaf]] = position
        elif _CODE_HEADER.search(label) and not re.search(r"合计|支出|数$", leaf):
            code_positions.append((position, ECON if "经济" in label else (FUNC if "功能" in label else "")))
        elif name_position is None and _NAME_HEADER.search(leaf):
            name_position = position
        elif body[position].notna().any():
            measures.append(describe(position, label))
    if split:
        ordered = tuple(split[level] for level in sorted(split))
        kind_label = block.label(ordered[0])
        kind = ECON if "经济" in kind_label else (FUNC if "功能" in kind_label else None)
        codes = CodeColumns(SPLIT, ordered, kind)
    elif code_positions:
        position, kind = code_positions[0]
        codes = CodeColumns(SINGLE, (position,), kind or None)
    elif name_position is not None and _codes_in_cells(body[name_position]):
        codes = CodeColumns(SINGLE, (name_position,), None)  # names are taken from the code cells
        name_position = None
    else:
        return None
    second = next((p for p, k in code_positions[1:] if k == ECON), None)
    if name_position is None:
        name_position = next(
            (
                p
                for p in range(grid.shape[1])
                if _NAME_HEADER.search(block.leaf(p) or "") and p not in codes.positions
            ),
            None,
        )
    return Plan(block, codes, name_position, measures, second, attributes)


def read_published(
    grid: pd.DataFrame,
    table_plan: Plan,
    ctx: Context,
    unit: str,
    *,
    file: str,
    sheet: str | None,
    codebook_kind_hint: str | None = None,
) -> Published:
    """Leaves → raw lines; parents, 合计 and parts → checks; every row → a bucket."""
    block = table_plan.block
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    buckets[blank] = BLANK
    body_mask = (grid.index > block.last) & ~blank
    body = without_labels(grid.loc[grid.index > block.last], block)
    repeated = pd.Series(False, index=grid.index)
    for header_row in range(block.first, block.last + 1):
        repeated |= repeated_header_rows(grid, grid.loc[header_row])
    notes = note_rows(grid)

    resolved = resolve_codes(body, table_plan.codes, max_length=7)
    kind = table_plan.codes.kind or _kind_from_codes(resolved.code) or codebook_kind_hint or FUNC
    max_length = 5 if kind == ECON else 7
    if max_length == 5:
        resolved = resolve_codes(body, table_plan.codes, max_length=5)
    names = _names(body, table_plan.name_position, resolved)
    subtotal = is_subtotal(names.fillna("")) | is_subtotal(resolved.raw.fillna(""))
    grand_total = squeeze(names.fillna("")).str.match(_GRAND_TOTAL.pattern) | squeeze(
        resolved.raw.fillna("")
    ).str.match(_GRAND_TOTAL.pattern)
    coded = resolved.code.notna()
    malformed = resolved.problem.notna() & ~subtotal
    attributes = {
        field: _attribute(body, position, field) for field, position in table_plan.attributes.items()
    }
    scope = attributes.get(DEPARTMENT, pd.Series("", index=body.index)).fillna("")
    leaves = pd.Series(False, index=body.index)
    for rows in scope.groupby(scope, sort=False).groups.values():  # parents are per department
        leaves[rows] = leaf_mask(resolved.code.where(~subtotal)[rows])
    parents = coded & ~leaves & ~subtotal

    measures = resolve(table_plan.measures, ctx.year, ctx.stage)
    line_measures = [m for m in measures if m.role == LINE]
    has_amount = pd.Series(False, index=body.index)
    for m in measures:
        if m.role != IGNORED:
            has_amount |= body[m.position].notna()

    in_body = body_mask[grid.index > block.last]
    row_repeated = repeated[grid.index > block.last]
    row_notes = notes[grid.index > block.last]
    kind_of_row = pd.Series(NOTE, index=body.index, dtype="object")
    kind_of_row[~in_body] = BLANK
    usable = in_body & ~row_repeated & ~row_notes
    kind_of_row[in_body & row_repeated] = HEADER
    kind_of_row[usable & (subtotal | parents)] = SUBTOTAL
    data = usable & ~subtotal & ~parents & (leaves | malformed | (~coded & has_amount & names.notna()))
    kind_of_row[data] = DATA
    buckets.loc[body.index] = kind_of_row

    problems: list[Problem] = []
    if block.last > block.first:
        combined = "；".join(block.label(p) for p in range(grid.shape[1]) if block.label(p))
        problems.append(
            Problem("header-merged", file=file, sheet=sheet, row=block.first, details={"detail": combined})
        )
    for m in measures:
        if m.role == IGNORED:
            problems.append(
                Problem(
                    "column-ignored",
                    file=file,
                    sheet=sheet,
                    row=block.last,
                    column=m.label,
                    details={"value": m.label, "detail": m.reason},
                )
            )
    problems += _checks(
        body,
        measures,
        resolved.code.where(coded & ~subtotal),
        leaves & data,
        grand_total & usable,
        names,
        unit,
        scope,
        file=file,
        sheet=sheet,
    )

    title_expense = (
        BASIC
        if ctx.title and BASIC in ctx.title
        else (PROJECT if ctx.title and PROJECT in ctx.title else None)
    )
    code_text = resolved.code.where(coded, resolved.raw)
    frames = []
    # a line per printed amount; a leaf with nothing printed still gets one zero line, so its code is kept
    nothing_printed = pd.Series(True, index=body.index)
    for m in line_measures:
        nothing_printed &= body[m.position].isna()
    for number, m in enumerate(line_measures):
        emit = data & (body[m.position].notna() | (nothing_printed & (number == 0)))
        data_rows = body.index[emit]
        frame = pd.DataFrame(
            {
                ROW: data_rows,
                AMOUNT_TEXT: body.loc[emit, m.position].to_numpy(),
                AMOUNT_LABEL: m.label,
                UNIT: m.unit or unit,
                FUNC_CODE if kind == FUNC else ECON_CODE: code_text[emit].to_numpy(),
                ITEM: _part_names(names[emit], m.part),
                YEAR: m.year if m.year is not None else _per_row(attributes, YEAR, emit, ctx.year),
                STAGE: m.stage or _per_row(attributes, STAGE, emit, ctx.stage),
                EXPENSE_TYPE: None
                if m.part
                else (m.expense_type or _per_row(attributes, EXPENSE_TYPE, emit, title_expense)),
                DEPARTMENT: _per_row(attributes, DEPARTMENT, emit, ctx.department),
            }
        )
        for field_name in (DEPARTMENT_CODE, TAGS):
            if field_name in attributes:
                frame[field_name] = attributes[field_name][emit].to_numpy()
        if table_plan.second_econ_position is not None and kind == FUNC:
            frame[ECON_CODE] = body.loc[emit, table_plan.second_econ_position].to_numpy()
        frames.append(frame)
    raw = mark_failed_relations(combine_raw(frames), problems, FUNC_CODE if kind == FUNC else ECON_CODE)
    code_label = (
        block.label(table_plan.codes.positions[0])
        if table_plan.codes.style == SINGLE
        else "/".join(block.leaf(p) for p in table_plan.codes.positions)
    )
    labels = {FUNC_CODE if kind == FUNC else ECON_CODE: code_label, YEAR: "年度", DEPARTMENT: "部门"}
    if table_plan.name_position is not None:
        labels[ITEM] = block.label(table_plan.name_position)
    code_rows = pd.DataFrame({"code": resolved.code[coded & ~subtotal], "name": names[coded & ~subtotal]})
    line_fen = None
    step = None
    if line_measures:
        first = line_measures[0]
        line_fen, _ = parse_amounts(body[first.position], unit=first.unit or unit, blank_is_zero=True)
        step = printed_step_fen(
            printed_decimals(pd.concat([body[m.position] for m in line_measures])), first.unit or unit
        )
    return Published(
        printed_total_fen=_printed_total(body, measures, line_measures, grand_total & usable, unit),
        raw=raw,
        labels=labels,
        buckets=buckets,
        problems=problems,
        layout=WIDE if is_wide(measures) else PUBLISHED,
        header_row=block.last,
        code_rows=code_rows,
        kind=kind,
        codes=resolved.code.where(coded & ~subtotal),
        names=names.where(names.notna(), resolved.raw),
        line_fen=line_fen,
        amount_label=line_measures[0].label if line_measures else None,
        step_fen=step,
        malformed=pd.DataFrame(
            {"raw": resolved.raw[malformed & data], "name": names[malformed & data]},
            index=body.index[malformed & data],
        ),
    )


_FAILED_KINDS = ("total-mismatch", "subtotal-parts-mismatch", "hierarchy-mismatch")


def mark_failed_relations(raw: pd.DataFrame, problems: list[Problem], code_column: str) -> pd.DataFrame:
    """Tag ``勾稽不符`` on the lines a failed relation of this table involves, so no verdict rests on them:
    a 合计 row ≠ Σ rows → every line of that amount column; a 合计 column ≠ Σ its parts → every line
    of that row; a 类/款 ≠ Σ its children → the lines under that code in that column (every column when
    the failing one is a 合计 column, which is checked, not read). Which figure of a failed relation is
    wrong cannot be told, so all of them are marked (``engine/relation_failed.py``)."""
    failed = [p for p in problems if p.code in _FAILED_KINDS]
    if not failed or raw.empty:
        return raw
    tags = (raw[TAGS] if TAGS in raw.columns else pd.Series(None, index=raw.index)).astype("object")
    rows = raw[ROW].astype(int)
    codes = raw[code_column].astype("object").fillna("").astype(str) if code_column in raw else None
    read_columns = set(raw[AMOUNT_LABEL])
    everywhere = pd.Series(True, index=raw.index)
    for problem in failed:
        # a column read as lines: its own lines; a 合计 column that is only checked: every column's lines
        column = raw[AMOUNT_LABEL] == problem.column if problem.column in read_columns else everywhere
        if problem.code == "total-mismatch":
            hit = column
        elif problem.code == "subtotal-parts-mismatch":
            hit = rows == problem.row
        elif codes is not None:
            hit = column & codes.str.startswith(str(problem.details.get("code")))
        else:
            continue
        tag = relation_failed_tag(problem.message("zh"))
        fresh = hit & ~tags.fillna("").str.contains(RELATION_FAILED_PREFIX, regex=False)
        tags = tags.where(
            ~fresh,
            tags[fresh].map(lambda v, t=tag: t if not isinstance(v, str) else f"{v}{TAG_SEPARATOR}{t}"),
        )
    out = raw.copy()
    out[TAGS] = tags.where(tags.notna(), None)
    return out


def _part_names(names: pd.Series, part: str | None) -> object:
    """``行政运行（经营支出）`` for a line of a 合计 part other than 基本支出/项目支出."""
    if not part:
        return names.to_numpy()
    return names.map(lambda n: f"{n}（{part}）" if n else part).to_numpy()


def without_labels(body: pd.DataFrame, block: HeaderBlock) -> pd.DataFrame:
    """The body with the header labels a first body row prints (类 | 款 | 项 beside 合计) blanked."""
    if not block.label_cells:
        return body
    body = body.copy()
    for row, position in block.label_cells:
        if row in body.index:
            body.at[row, body.columns[position]] = pd.NA
    return body


def _attribute(body: pd.DataFrame, position: int, field_name: str) -> pd.Series:
    """A per-row column (部门, 年度 …); a department printed once for a block of rows holds until the next one."""
    values = body[position].astype("object").where(body[position].notna(), None)
    return values.ffill() if field_name == DEPARTMENT else values


def _per_row(attributes: dict[str, pd.Series], field_name: str, emit: pd.Series, default: object) -> object:
    if field_name not in attributes:
        return default
    values = attributes[field_name][emit]
    return values.where(values.notna(), default).to_numpy() if default is not None else values.to_numpy()


def _kind_from_codes(codes: pd.Series) -> str | None:
    first = codes.dropna().astype(str).str[0]
    if first.empty:
        return None
    return ECON if (first == "3").mean() > 0.5 else FUNC


def _names(body: pd.DataFrame, position: int | None, resolved: ResolvedCodes) -> pd.Series:
    """Names without indentation; a name printed in the code cell (``2010301 行政运行``) when there is no name column."""
    if position is not None:
        names = body[position].astype("object").map(lambda v: clean_name(v), na_action="ignore")
    else:
        names = pd.Series(None, index=body.index, dtype="object")
    return names.where(names.notna(), resolved.name_in_cell)


def _printed_total(
    body: pd.DataFrame, measures: list[Measure], line_measures: list[Measure], totals: pd.Series, unit: str
) -> int | None:
    """The printed grand 合计 of the money read (last 合计 row), or None (no 合计 row, several years/stages)."""
    if not totals.any() or len({(m.year, m.stage) for m in line_measures}) != 1:
        return None
    group = (line_measures[0].year, line_measures[0].stage)
    total_columns = [m for m in measures if m.role == TOTAL and (m.year, m.stage) == group]
    row = body.index[totals][-1]
    columns = total_columns[:1] or line_measures
    fen = 0
    for m in columns:
        value, _ = parse_amounts(body.loc[[row], m.position], unit=m.unit or unit, blank_is_zero=True)
        if value.isna().any():
            return None
        fen += int(value.iloc[0])
    return fen


def clean_name(value: object) -> str | None:
    text = str(value).replace("\u3000", " ").strip()
    return text or None


def _checks(
    body: pd.DataFrame,
    measures: list[Measure],
    codes: pd.Series,
    leaves: pd.Series,
    totals: pd.Series,
    names: pd.Series,
    unit: str,
    scope: pd.Series,
    *,
    file: str,
    sheet: str | None,
) -> list[Problem]:
    """Parents vs children, 合计 rows vs leaves, and 合计 columns vs their parts, for every amount column."""
    problems: list[Problem] = []
    parsed: dict[int, pd.Series] = {}
    steps: dict[int, int] = {}
    decimals = printed_decimals(
        pd.concat([body[m.position] for m in measures if m.role != IGNORED] or [pd.Series(dtype=object)])
    )
    for m in measures:
        if m.role == IGNORED:
            continue
        fen, _ = parse_amounts(body[m.position], unit=m.unit or unit, blank_is_zero=True)
        parsed[m.position] = fen.fillna(0)
        column_unit = m.unit or unit
        step = printed_step_fen(decimals, column_unit)
        steps[m.position] = step
        for rows in scope.groupby(scope, sort=False).groups.values():
            problems += hierarchy_problems(
                codes[rows], fen[rows], column_unit, file=file, sheet=sheet, column=m.label, step_fen=step
            )
        leaf_sum = int(fen[leaves].fillna(0).sum())
        for row in body.index[totals]:
            printed = fen.get(row)
            if printed is None or pd.isna(printed):
                continue
            problem = compare(
                int(printed),
                leaf_sum,
                column_unit,
                mismatch="total-mismatch",
                place={"file": file, "sheet": sheet, "row": int(row), "column": m.label},
                details={
                    "label": names.get(row) or "合计",
                    "rows": f"{int(body.index[leaves].min())}-{int(body.index[leaves].max())}"
                    if leaves.any()
                    else "",
                },
                step_fen=step,
                terms=int(leaves.sum()),
            )
            if problem:
                problems.append(problem)
    rows = body.index[codes.notna() | totals]
    groups: dict[tuple, list[Measure]] = {}
    for m in measures:
        if m.role != IGNORED:
            groups.setdefault((m.year, m.stage), []).append(m)
    for members in groups.values():
        totals_in_group = [m for m in members if m.role == TOTAL] or [
            m for m in members if m.role == LINE and not m.expense_type
        ]
        expense_parts = [m for m in members if m.role == LINE and (m.expense_type or m.part)]
        check_parts = [m for m in members if m.role == CHECK_PART]
        for parts in (expense_parts, check_parts):
            if not totals_in_group or len(parts) < 2:
                continue
            total = totals_in_group[0]
            total_unit = total.unit or unit
            for row in rows:
                printed = parsed[total.position].get(row)
                if printed is None or pd.isna(printed):
                    continue
                computed = int(sum(int(parsed[p.position].get(row) or 0) for p in parts))
                problem = compare(
                    int(printed),
                    computed,
                    total_unit,
                    mismatch="subtotal-parts-mismatch",
                    place={"file": file, "sheet": sheet, "row": int(row), "column": total.label},
                    details={
                        "label": total.label,
                        "parts": "+".join(p.label.split("|")[-1] for p in parts),
                        "row": int(row),
                    },
                    step_fen=max(steps[total.position], *(steps[p.position] for p in parts)),
                    terms=len(parts),
                )
                if problem:
                    problems.append(problem)
    return problems
