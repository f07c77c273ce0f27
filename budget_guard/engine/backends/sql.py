"""The line-level half as SQL, built once with SQLGlot and generated for each engine's dialect.

Three queries over a table of canonical lines (``table.py`` columns):

- ``canonical_select``: the raw input as canonical lines (text trimmed, blank → NULL, stage default,
  integer years and 分), the same normalisation ``table.conform`` applies in memory;
- ``group_sums_select``: the compiled selectors (``selectors.py``) and the sums of the seam
  (``seam.py``), grouped by stage × department × year × source layout — one scan of the lines;
- ``sources_select`` / ``lines_select``: the lines behind findings or a drill-down, on demand.

DuckDB and Spark run exactly these; only reading the files differs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from ...table import (
    AMOUNT_FEN,
    COLUMNS,
    DEFAULT_STAGE,
    DEPARTMENT,
    DIVISION,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    SOURCE_FILE,
    SOURCE_LAYOUT,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    TAGS,
    UNIT,
    YEAR,
    YITIHUA_TEXT,
)
from ..lineage import MAX_SOURCE_LINES
from ..seam import (
    AMOUNT_PREFIX,
    CATEGORY_SUM_FEN,
    CLASSIFIED_FEN,
    CLASSIFIED_LINES,
    COVERED_PREFIX,
    INPUT_FEN,
    INPUT_LINES,
    LINES_PREFIX,
    MULTI_CATEGORY_LINES,
    UNCLASSIFIED_FEN,
    UNCLASSIFIED_LINES,
)
from ..selectors import CompiledRules

CATEGORY_COUNT = "category_count"
REQUEST = "request"
SOURCE_TOTAL = "source_total"
_INTEGER = (YEAR, AMOUNT_FEN, SOURCE_ROW)
_TRIMMED = (FUNC_CODE, ECON_CODE, TAGS, EXPENSE_TYPE, *YITIHUA_TEXT)  # as conform: stripped, blank → missing


def _text(name: str) -> exp.Expression:
    return exp.cast(exp.column(name), exp.DataType.build("VARCHAR"))


def canonical_select(present: Sequence[str], source: str) -> exp.Select:
    """Every canonical column from ``source`` (NULL where the input lacks it), normalised."""
    have = set(present)
    items: list[exp.Expression] = []
    for column in COLUMNS:
        if column not in have:
            value: exp.Expression = exp.null()
            if column in _INTEGER:
                value = exp.cast(value, exp.DataType.build("BIGINT"))
            elif column == STAGE:
                value = exp.Literal.string(DEFAULT_STAGE)
            else:
                value = exp.cast(value, exp.DataType.build("VARCHAR"))
        elif column in _INTEGER:
            value = exp.cast(exp.column(column), exp.DataType.build("BIGINT"))
        elif column in _TRIMMED:
            value = exp.Nullif(this=exp.Trim(this=_text(column)), expression=exp.Literal.string(""))
        elif column == STAGE:
            value = exp.Coalesce(this=_text(column), expressions=[exp.Literal.string(DEFAULT_STAGE)])
        else:
            value = _text(column)
        items.append(exp.alias_(value, column))
    return exp.select(*items).from_(source, copy=False)


def classified_select(rules: CompiledRules, source: str) -> exp.Select:
    """``source``'s lines with ``member_i`` / ``cover_i`` per category and how many categories each line is in."""
    inner = exp.select(exp.Star(), *rules.projections()).from_(source, copy=False)
    terms = [
        exp.If(
            this=exp.column(rules.member_alias(i)), true=exp.Literal.number(1), false=exp.Literal.number(0)
        )
        for i in range(len(rules.ids))
    ]
    count = terms[0] if terms else exp.Literal.number(0)
    for term in terms[1:]:
        count = exp.Add(this=count, expression=term)
    return exp.select(exp.Star(), exp.alias_(count, CATEGORY_COUNT)).from_(
        inner.subquery("m", copy=False), copy=False
    )


def _bigint_sum(value: exp.Expression) -> exp.Expression:
    """An exact integer sum as BIGINT (DuckDB would return HUGEINT, which pandas reads as float)."""
    return exp.cast(exp.Sum(this=value), exp.DataType.build("BIGINT"))


def _sum_if(condition: exp.Expression, value: exp.Expression) -> exp.Expression:
    return _bigint_sum(exp.If(this=condition, true=value, false=exp.Literal.number(0)))


def group_sums_select(rules: CompiledRules, source: str) -> exp.Select:
    """The seam's group sums: one row per stage × department × year × source layout (one scan)."""
    amount, one = exp.column(AMOUNT_FEN), exp.Literal.number(1)
    n = exp.column(CATEGORY_COUNT)
    zero = exp.Literal.number(0)
    items: list[exp.Expression] = [
        exp.column(c) for c in (STAGE, DEPARTMENT, DIVISION, UNIT, YEAR, SOURCE_LAYOUT)
    ]
    items += [
        exp.alias_(_bigint_sum(amount.copy()), INPUT_FEN),
        exp.alias_(exp.Count(this=exp.Star()), INPUT_LINES),
        exp.alias_(_sum_if(exp.GT(this=n.copy(), expression=zero), amount.copy()), CLASSIFIED_FEN),
        exp.alias_(_sum_if(exp.EQ(this=n.copy(), expression=zero), amount.copy()), UNCLASSIFIED_FEN),
        exp.alias_(_bigint_sum(exp.Mul(this=amount.copy(), expression=n.copy())), CATEGORY_SUM_FEN),
        exp.alias_(_sum_if(exp.GT(this=n.copy(), expression=zero), one.copy()), CLASSIFIED_LINES),
        exp.alias_(_sum_if(exp.EQ(this=n.copy(), expression=zero), one.copy()), UNCLASSIFIED_LINES),
        exp.alias_(_sum_if(exp.GT(this=n.copy(), expression=one.copy()), one.copy()), MULTI_CATEGORY_LINES),
    ]
    for i in range(len(rules.ids)):
        member, cover = exp.column(rules.member_alias(i)), exp.column(rules.cover_alias(i))
        items.append(exp.alias_(_sum_if(member, amount.copy()), f"{AMOUNT_PREFIX}{i}"))
        items.append(exp.alias_(_sum_if(member.copy(), one.copy()), f"{LINES_PREFIX}{i}"))
        items.append(exp.alias_(_sum_if(cover, one.copy()), f"{COVERED_PREFIX}{i}"))
    query = exp.select(*items).from_(classified_select(rules, source).subquery("c", copy=False), copy=False)
    keys = (STAGE, DEPARTMENT, DIVISION, UNIT, YEAR, SOURCE_LAYOUT)
    return query.group_by(*[exp.column(c) for c in keys], copy=False)


def unclassified_select(rules: CompiledRules, source: str) -> exp.Select:
    """The canonical columns of the lines in no category (reported, never dropped)."""
    inner = classified_select(rules, source).subquery("c", copy=False)
    return (
        exp.select(*[exp.column(c) for c in COLUMNS])
        .from_(inner, copy=False)
        .where(exp.EQ(this=exp.column(CATEGORY_COUNT), expression=exp.Literal.number(0)), copy=False)
    )


def _scope(
    rules: CompiledRules,
    category: str,
    stage: str,
    years: Sequence[int],
    department: str | None,
    column: str = DEPARTMENT,
) -> exp.Expression:
    i = rules.ids.index(category)
    condition = exp.and_(
        exp.column(rules.member_alias(i)),
        exp.EQ(this=exp.column(STAGE), expression=exp.Literal.string(stage)),
        exp.column(YEAR).isin(*[exp.Literal.number(int(y)) for y in years]),
    )
    if department is not None:
        condition = exp.and_(
            condition, exp.EQ(this=exp.column(column), expression=exp.Literal.string(department))
        )
    return condition


def lines_select(
    rules: CompiledRules,
    source: str,
    stage: str,
    category: str,
    years: Sequence[int],
    department: str | None,
    column: str = DEPARTMENT,
) -> exp.Select:
    """The canonical lines behind one summary number (the drill-down), in file / sheet / row order."""
    inner = exp.select(exp.Star(), *rules.projections()).from_(source, copy=False).subquery("m", copy=False)
    return (
        exp.select(*[exp.column(c) for c in COLUMNS])
        .from_(inner, copy=False)
        .where(_scope(rules, category, stage, years, department, column), copy=False)
        .order_by(*[exp.Ordered(this=exp.column(c), nulls_first=True) for c in _SOURCE_ORDER], copy=False)
    )


_SOURCE_ORDER = (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)


def _requests_table(rows: list[tuple[int, int, str | None, int]], alias: str) -> exp.Expression:
    """An inline VALUES table (request, category index, department, year)."""
    return exp.values(
        [
            (
                exp.Literal.number(k),
                exp.Literal.number(i),
                exp.Literal.string(d)
                if d is not None
                else exp.cast(exp.null(), exp.DataType.build("VARCHAR")),
                exp.Literal.number(y),
            )
            for k, i, d, y in rows
        ],
        alias=alias,
        columns=["rq", "rc", "rd", "ry"],
    )


def sources_select(
    rules: CompiledRules,
    source: str,
    stage: str,
    requests: Sequence[tuple[str, Sequence[int], str | None]],
) -> exp.Select | None:
    """For each request (category, years, department or None): its first ``MAX_SOURCE_LINES`` lines
    in file / sheet / row order and its total line count — one scan of the lines for all findings.

    Department requests join on (department, year), government ones on the year; a line behind
    several findings (its department's and the government's) comes once per finding.
    """
    # A 区划 / 单位 request names its line column as a 4th element (department when left out).
    rows = [
        (k, rules.ids.index(c), d, int(y), (column[0] if column else DEPARTMENT) if d is not None else None)
        for k, (c, ys, d, *column) in enumerate(requests)
        for y in ys
    ]
    if not rows:
        return None
    lines = (
        exp.select(exp.Star(), *rules.projections())
        .from_(source, copy=False)
        .where(exp.EQ(this=exp.column(STAGE), expression=exp.Literal.string(stage)), copy=False)
    )
    member = exp.Case(
        this=exp.column("rc", table="r"),
        ifs=[
            exp.If(this=exp.Literal.number(i), true=exp.column(rules.member_alias(i), table="l"))
            for i in range(len(rules.ids))
        ],
        default=exp.false(),
    )
    parts = []
    for scope_column in sorted({r[4] for r in rows}, key=lambda c: (c is not None, c or "")):
        chosen = [r[:4] for r in rows if r[4] == scope_column]
        on = exp.EQ(this=exp.column(YEAR, table="l"), expression=exp.column("ry", table="r"))
        if scope_column is not None:  # None: the government, every line of the year
            on = exp.and_(
                on, exp.EQ(this=exp.column(scope_column, table="l"), expression=exp.column("rd", table="r"))
            )
        parts.append(
            exp.select(
                *[exp.column(c, table="l") for c in _SOURCE_ORDER],
                exp.alias_(exp.column("rq", table="r"), REQUEST),
            )
            .from_(lines.copy().subquery("l", copy=False), copy=False)
            .join(_requests_table(chosen, "r"), on=on, copy=False)
            .where(member, copy=False)
        )
    matched = parts[0]
    for part in parts[1:]:
        matched = exp.union(matched, part, distinct=False)

    # The first lines by a row number alone (no whole-partition frame), so Spark plans a per-request
    # top-N (WindowGroupLimit) instead of buffering a government finding's millions of lines in one
    # window partition (that ran out of heap at 10M lines); the totals are a plain GROUP BY.
    order = [exp.Ordered(this=exp.column(c), nulls_first=True) for c in _SOURCE_ORDER]
    window = exp.Window(
        this=exp.RowNumber(), partition_by=[exp.column(REQUEST)], order=exp.Order(expressions=order)
    )
    numbered = exp.select(
        *[exp.column(c) for c in _SOURCE_ORDER], exp.column(REQUEST), exp.alias_(window, "rn")
    ).from_(matched.subquery("e", copy=False), copy=False)
    first = (
        exp.select(*[exp.column(c) for c in _SOURCE_ORDER], exp.column(REQUEST))
        .from_(numbered.subquery("n", copy=False), copy=False)
        .where(exp.LTE(this=exp.column("rn"), expression=exp.Literal.number(MAX_SOURCE_LINES)), copy=False)
    )
    totals = (
        exp.select(
            exp.alias_(exp.column(REQUEST), "tq"), exp.alias_(exp.Count(this=exp.Star()), SOURCE_TOTAL)
        )
        .from_(matched.copy().subquery("g", copy=False), copy=False)
        .group_by(exp.column(REQUEST), copy=False)
    )
    return (
        exp.select(
            *[exp.column(c, table="f") for c in _SOURCE_ORDER],
            exp.column(REQUEST, table="f"),
            exp.column(SOURCE_TOTAL, table="t"),
        )
        .from_(first.subquery("f", copy=False), copy=False)
        .join(
            totals.subquery("t", copy=False),
            on=exp.EQ(this=exp.column(REQUEST, table="f"), expression=exp.column("tq", table="t")),
            copy=False,
        )
    )
