"""The line-level half as SQL, built once with SQLGlot and generated for each engine's dialect.

The queries over a table of canonical lines (``table.py`` columns):

- ``canonical_select``: the raw input as canonical lines (text trimmed, blank → NULL, stage default,
  integer years and 分), the same normalisation ``table.conform`` applies in memory;
- ``group_sums_select``: the compiled selectors (``selectors.py``) and the sums of the seam
  (``seam.py``), grouped by stage × department × year × source layout — one scan of the lines;
- ``sources_select`` / ``lines_select``: the lines behind findings (a bounded heap per finding on
  DuckDB, a row-number top-N on Spark) or a drill-down, on demand;
- ``unclassified_select`` / ``unclassified_summary_select``: the lines in no category and their
  summary (``engine/unclassified.py``);
- ``pefa_sums_select`` (PEFA PI-1/PI-2) and ``line_profile_select`` (the profile GE validates).

DuckDB and Spark run exactly these; only reading the files differs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from budget_guard import messages as msg
from budget_guard.engine.execution import CLASS_LENGTH, ECON_CLASS, FUNC_CLASS, PEFA_KEYS, PEFA_STAGES
from budget_guard.engine.lineage import MAX_SOURCE_LINES, SourceRequest
from budget_guard.engine.profile import (
    DUPLICATE_KEY,
    DUPLICATE_LINES,
    MISSING_AMOUNTS,
    NEGATIVE_LINES,
    PROFILE_KEYS,
)
from budget_guard.engine.profile import LINES as PROFILE_LINES
from budget_guard.engine.seam import (
    AMOUNT_PREFIX,
    CATEGORY_SUM_FEN,
    CLASSIFIED_FEN,
    CLASSIFIED_LINES,
    COVERED_PREFIX,
    INPUT_FEN,
    INPUT_LINES,
    LINES_PREFIX,
    MULTI_CATEGORY_LINES,
    PRINTED_FEN,
    PRINTED_LINES,
    UNCLASSIFIED_FEN,
    UNCLASSIFIED_LINES,
)
from budget_guard.engine.selectors import FIGURE_ALIAS, CompiledRules
from budget_guard.engine.unclassified import LINES as UNCLASSIFIED_COUNT
from budget_guard.engine.unclassified import SUMMARY_KEYS
from budget_guard.errors import InputError, Place
from budget_guard.model.table import (
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

CATEGORY_COUNT = "category_count"
REQUEST = "request"
SOURCE_TOTAL = "source_total"
SOURCE_KEY = "source_key"
_INTEGER = (YEAR, AMOUNT_FEN, SOURCE_ROW)
_TRIMMED = (FUNC_CODE, ECON_CODE, TAGS, EXPENSE_TYPE, *YITIHUA_TEXT)  # as conform: stripped, blank → missing


def _text(name: str) -> exp.Expr:
    return exp.cast(exp.column(name), exp.DataType.build("VARCHAR"))


# A table a SQL engine can read holds at least these canonical columns (convert writes all of them).
REQUIRED_COLUMNS: tuple[str, ...] = (DEPARTMENT, YEAR, AMOUNT_FEN)


def require_canonical(present: Sequence[str], where: str) -> None:
    """Raise one line saying to run ``convert`` first when ``present`` is not the canonical layout
    (a long template with Chinese headers such as 部门/年度/金额（元）, a spreadsheet export)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in set(present)]
    if not missing:
        return
    shown = ", ".join(str(c) for c in list(present)[:6])
    values = {"where": where, "missing": ", ".join(missing), "present": shown}
    raise InputError(
        msg.t("engine.not_canonical", "zh", **values),
        msg.t("engine.not_canonical", "en", **values),
        Place(file=where),
    )


def canonical_select(present: Sequence[str], source: str) -> exp.Select:
    """Every canonical column from ``source`` (NULL where the input lacks it), normalised."""
    have = set(present)
    items: list[exp.Expr] = []
    for column in COLUMNS:
        if column not in have:
            value: exp.Expr = exp.null()
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
    count: exp.Expr = terms[0] if terms else exp.Literal.number(0)
    for term in terms[1:]:
        count = exp.Add(this=count, expression=term)
    return exp.select(exp.Star(), exp.alias_(count, CATEGORY_COUNT)).from_(
        inner.subquery("m", copy=False), copy=False
    )


def _bigint_sum(value: exp.Expr) -> exp.Expr:
    """An exact integer sum as BIGINT (DuckDB would return HUGEINT, which pandas reads as float)."""
    return exp.cast(exp.Sum(this=value), exp.DataType.build("BIGINT"))


def _sum_if(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    return _bigint_sum(exp.If(this=condition, true=value, false=exp.Literal.number(0)))


def group_sums_select(rules: CompiledRules, source: str) -> exp.Select:
    """The seam's group sums: one row per stage × department × year × source layout (one scan)."""
    amount, one = exp.column(AMOUNT_FEN), exp.Literal.number(1)
    n = exp.column(CATEGORY_COUNT)
    zero = exp.Literal.number(0)
    items: list[exp.Expr] = [
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
        exp.alias_(_sum_if(exp.column(FIGURE_ALIAS), amount.copy()), PRINTED_FEN),
        exp.alias_(_sum_if(exp.column(FIGURE_ALIAS), one.copy()), PRINTED_LINES),
    ]
    for i in range(len(rules.ids)):
        member, cover = exp.column(rules.member_alias(i)), exp.column(rules.cover_alias(i))
        items.append(exp.alias_(_sum_if(member, amount.copy()), f"{AMOUNT_PREFIX}{i}"))
        items.append(exp.alias_(_sum_if(member.copy(), one.copy()), f"{LINES_PREFIX}{i}"))
        items.append(exp.alias_(_sum_if(cover, one.copy()), f"{COVERED_PREFIX}{i}"))
    query = exp.select(*items).from_(classified_select(rules, source).subquery("c", copy=False), copy=False)
    keys = (STAGE, DEPARTMENT, DIVISION, UNIT, YEAR, SOURCE_LAYOUT)
    return query.group_by(*[exp.column(c) for c in keys], copy=False)


def unclassified_select(rules: CompiledRules, source: str, columns: Sequence[str] = COLUMNS) -> exp.Select:
    """``columns`` (canonical) of the lines in no category (reported, never dropped)."""
    inner = classified_select(rules, source).subquery("c", copy=False)
    return (
        exp.select(*[exp.column(c) for c in columns])
        .from_(inner, copy=False)
        .where(exp.EQ(this=exp.column(CATEGORY_COUNT), expression=exp.Literal.number(0)), copy=False)
    )


def unclassified_summary_select(source: str | exp.Expr) -> exp.Select:
    """The unclassified lines in ``source`` by ``SUMMARY_KEYS``: line count and 分, in key order,
    missing values last (``engine/unclassified.py``)."""
    keys = [exp.column(c) for c in SUMMARY_KEYS]
    return (
        exp.select(
            *keys,
            exp.alias_(exp.Count(this=exp.Star()), UNCLASSIFIED_COUNT),
            exp.alias_(_bigint_sum(exp.column(AMOUNT_FEN)), AMOUNT_FEN),
        )
        .from_(source, copy=False)
        .group_by(*[k.copy() for k in keys], copy=False)
        .order_by(*[exp.Ordered(this=k.copy(), nulls_first=False) for k in keys], copy=False)
    )


def line_profile_select(source: str) -> exp.Select:
    """The line profile (``engine/profile.py``) as two group-bys: lines by ``DUPLICATE_KEY`` (a group
    of two or more is duplicate lines), then by ``PROFILE_KEYS``."""
    n, zero = exp.column("n"), exp.Literal.number(0)
    amount = exp.column(AMOUNT_FEN)
    inner = (
        exp.select(
            *[exp.column(c) for c in DUPLICATE_KEY],
            exp.alias_(exp.Count(this=exp.Star()), "n"),
        )
        .from_(source, copy=False)
        .group_by(*[exp.column(c) for c in DUPLICATE_KEY], copy=False)
    )
    counted = {
        PROFILE_LINES: n.copy(),
        NEGATIVE_LINES: exp.If(this=exp.LT(this=amount.copy(), expression=zero), true=n.copy(), false=zero),
        DUPLICATE_LINES: exp.If(
            this=exp.GT(this=n.copy(), expression=exp.Literal.number(1)), true=n.copy(), false=zero.copy()
        ),
        MISSING_AMOUNTS: exp.If(
            this=exp.Is(this=amount.copy(), expression=exp.null()), true=n.copy(), false=zero.copy()
        ),
    }
    return (
        exp.select(
            *[exp.column(c) for c in PROFILE_KEYS],
            *[exp.alias_(_bigint_sum(value), name) for name, value in counted.items()],
        )
        .from_(inner.subquery("d", copy=False), copy=False)
        .group_by(*[exp.column(c) for c in PROFILE_KEYS], copy=False)
    )


def pefa_sums_select(source: str) -> exp.Select:
    """The budget and 决算 lines' 分 by ``execution.PEFA_KEYS`` (stage × scope columns × year × 类 of
    each code): all PEFA PI-1 / PI-2 reads of the lines, one scan."""
    classes = {
        FUNC_CLASS: exp.Substring(
            this=exp.column(FUNC_CODE), start=exp.Literal.number(1), length=exp.Literal.number(CLASS_LENGTH)
        ),
        ECON_CLASS: exp.Substring(
            this=exp.column(ECON_CODE), start=exp.Literal.number(1), length=exp.Literal.number(CLASS_LENGTH)
        ),
    }
    keys = [classes.get(c, exp.column(c)) for c in PEFA_KEYS]
    return (
        exp.select(
            *[exp.alias_(k, c) for k, c in zip(keys, PEFA_KEYS, strict=True)],
            exp.alias_(_bigint_sum(exp.column(AMOUNT_FEN)), AMOUNT_FEN),
        )
        .from_(source, copy=False)
        .where(exp.column(STAGE).isin(*[exp.Literal.string(s) for s in PEFA_STAGES]), copy=False)
        .group_by(*[k.copy() for k in keys], copy=False)
    )


def _scope(
    rules: CompiledRules,
    category: str,
    stage: str,
    years: Sequence[int],
    department: str | None,
    column: str = DEPARTMENT,
) -> exp.Expr:
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


def _requests_table(rows: list[tuple[int, int, str | None, int]], alias: str) -> exp.Expr:
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


LINE_CATEGORY = "lc"  # the category index of one (line, category) pair
_PICKED = "picked"


def _line_categories(rules: CompiledRules, source: str, stage: str, columns: Sequence[str]) -> exp.Select:
    """One row per (line of ``stage``, category it is in): the line's ``columns`` and the category index.

    Exploding the membership lets the requests join on (category, year[, scope]) as hash keys, so a
    line meets only the findings it is behind — not every finding of its year."""
    members = exp.Array(
        expressions=[
            exp.Case(ifs=[exp.If(this=exp.column(rules.member_alias(i)), true=exp.Literal.number(i))])
            for i in range(len(rules.ids))
        ]
    )
    exploded = exp.select(
        *[exp.column(c) for c in columns], exp.alias_(exp.Explode(this=members), LINE_CATEGORY)
    ).from_(
        exp.select(exp.Star(), *rules.projections())
        .from_(source, copy=False)
        .where(exp.EQ(this=exp.column(STAGE), expression=exp.Literal.string(stage)), copy=False)
        .subquery("m", copy=False),
        copy=False,
    )
    return (
        exp.select(exp.Star())
        .from_(exploded.subquery("x", copy=False), copy=False)
        .where(exp.Not(this=exp.Is(this=exp.column(LINE_CATEGORY), expression=exp.null())), copy=False)
    )


def sources_select(
    rules: CompiledRules,
    source: str,
    stage: str,
    requests: Sequence[SourceRequest],
    heap: tuple[list[str | None], list[str | None], int] | None = None,
) -> exp.Select | None:
    """For each request (category, years, department or None): its first ``MAX_SOURCE_LINES`` lines
    in file / sheet / row order and its total line count — one scan of the lines for all findings.

    Department requests join on (category, department, year), government ones on (category, year);
    a line behind several findings (its department's and the government's) comes once per finding.
    With ``heap`` = (file names, sheet names, row span) (DuckDB) the first lines are kept by a bounded heap
    per request and come back as ``source_key`` (``heap_key``); otherwise (Spark) by a window ranking
    as (file, sheet, row).
    """
    # A 区划 / 单位 request names its line column as a 4th element (department when left out).
    rows = [
        (k, rules.ids.index(c), d, int(y), (named[0] if named else DEPARTMENT) if d is not None else None)
        for k, (c, ys, d, *named) in enumerate(requests)
        for y in ys
    ]
    if not rows:
        return None
    scope_columns = sorted({r[4] for r in rows if r[4] is not None})
    lines = _line_categories(rules, source, stage, [*_SOURCE_ORDER, YEAR, *scope_columns])
    parts = []
    for scope_column in sorted({r[4] for r in rows}, key=lambda c: (c is not None, c or "")):
        chosen = [r[:4] for r in rows if r[4] == scope_column]
        on = exp.and_(
            exp.EQ(this=exp.column(YEAR, table="l"), expression=exp.column("ry", table="r")),
            exp.EQ(this=exp.column(LINE_CATEGORY, table="l"), expression=exp.column("rc", table="r")),
        )
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
        )
    matched: exp.Query = parts[0]
    for part in parts[1:]:
        matched = exp.union(matched, part, distinct=False)
    if heap is not None:
        return _first_by_heap(matched, *heap)
    return _first_by_window(matched)


def source_names_select(source: str, column: str) -> exp.Select:
    """The distinct values of a source column (file or sheet), missing first, in sort order: their
    position is the code the heap key (``_first_by_heap``) uses."""
    distinct = exp.select(exp.column(column)).distinct().from_(source, copy=False)
    return (
        exp.select(exp.column(column))
        .from_(distinct.subquery("d", copy=False), copy=False)
        .order_by(exp.Ordered(this=exp.column(column), nulls_first=True), copy=False)
    )


def source_rows_select(source: str) -> exp.Select:
    """The smallest and largest source row (whether rows fit the heap key)."""
    row = exp.column(SOURCE_ROW)
    return exp.select(exp.alias_(exp.Min(this=row), "lo"), exp.alias_(exp.Max(this=row.copy()), "hi")).from_(
        source, copy=False
    )


def _coded(names: Sequence[str | None], alias: str) -> exp.Expr:
    """The names (``source_names_select`` order) and their positions as an inline table: its size is
    known to the planner, so the join builds its hash table on it, never on the matched lines."""
    rows = [
        (
            exp.Literal.string(str(name))
            if name is not None
            else exp.cast(exp.null(), exp.DataType.build("VARCHAR")),
            exp.Literal.number(code),
        )
        for code, name in enumerate(names)
    ] or [(exp.cast(exp.null(), exp.DataType.build("VARCHAR")), exp.Literal.number(0))]
    return exp.values(rows, alias=alias, columns=[f"{alias}_name", f"{alias}_code"])


def heap_key(
    code_file: exp.Expr, code_sheet: exp.Expr, row: exp.Expr, sheets: int, span: int
):
    """(file, sheet, row) in source order as one BIGINT: ((file × sheets) + sheet) × span + row + 1."""
    combined = exp.Add(
        this=exp.Mul(this=code_file, expression=exp.Literal.number(sheets)), expression=code_sheet
    )
    shifted = exp.Add(
        this=exp.Coalesce(this=row, expressions=[exp.Literal.number(-1)]), expression=exp.Literal.number(1)
    )
    return exp.Add(
        this=exp.Mul(
            this=exp.cast(exp.Paren(this=combined), exp.DataType.build("BIGINT")),
            expression=exp.Literal.number(span),
        ),
        expression=shifted,
    )


def _first_by_heap(
    matched: exp.Query, file_names: Sequence[str | None], sheet_names: Sequence[str | None], span: int
) -> exp.Select:
    """Per request: its line count and the ``MAX_SOURCE_LINES`` smallest source keys, one bounded heap
    each (DuckDB ``arg_min(key, key, n)`` on a BIGINT key: linear in the lines, no sort). The key's
    file and sheet parts are the names' positions in ``source_names_select`` order."""
    files = _coded(file_names, "f")
    sheet_codes = _coded(sheet_names, "s")
    sheets = max(len(sheet_names), 1)
    keyed = (
        exp.select(
            exp.column(REQUEST, table="e"),
            exp.alias_(
                heap_key(
                    exp.column("f_code", table="f"),
                    exp.column("s_code", table="s"),
                    exp.column(SOURCE_ROW, table="e"),
                    sheets,
                    span,
                ),
                SOURCE_KEY,
            ),
        )
        .from_(matched.subquery("e", copy=False), copy=False)
        .join(
            files,
            on=exp.NullSafeEQ(
                this=exp.column(SOURCE_FILE, table="e"), expression=exp.column("f_name", table="f")
            ),
            copy=False,
        )
        .join(
            sheet_codes,
            on=exp.NullSafeEQ(
                this=exp.column(SOURCE_SHEET, table="e"), expression=exp.column("s_name", table="s")
            ),
            copy=False,
        )
    )
    key = exp.column(SOURCE_KEY)
    grouped = (
        exp.select(
            exp.column(REQUEST),
            exp.alias_(exp.Count(this=exp.Star()), SOURCE_TOTAL),
            exp.alias_(
                exp.ArgMin(this=key, expression=key.copy(), count=exp.Literal.number(MAX_SOURCE_LINES)),
                _PICKED,
            ),
        )
        .from_(keyed.subquery("k", copy=False), copy=False)
        .group_by(exp.column(REQUEST), copy=False)
    )
    return exp.select(
        exp.column(REQUEST),
        exp.column(SOURCE_TOTAL),
        exp.alias_(exp.Explode(this=exp.column(_PICKED)), SOURCE_KEY),
    ).from_(grouped.subquery("g", copy=False), copy=False)


def _first_by_window(matched: exp.Query) -> exp.Select:
    """Per request: count and the first ``MAX_SOURCE_LINES`` lines by a window ranking (Spark)."""
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
