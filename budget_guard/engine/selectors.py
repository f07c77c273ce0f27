"""The rules' selectors compiled once into SQLGlot expressions: the only place selector semantics live.

Every backend runs these expressions: DuckDB and Spark as SQL over the lines, the pandas path as
SQL (in an in-process DuckDB) over the distinct code / tag / item combinations, mapped back to the
lines. One SQLGlot AST is generated per dialect (``duckdb``, ``spark``, ``hive`` …), so a selector
kind is written once here and means the same on every engine.

A selector kind is one entry of ``ATOMS``: the column it reads, how one value list becomes a
boolean expression, and which column a line must carry to be *able* to match (coverage: a
功能分类-only table says nothing about 三公经费, selected by 经济分类 codes). New kinds (the 一体化
``gov_econ_*`` codes, data tags) are a new entry, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from sqlglot import exp

from budget_guard.model.rulebook import DataTag, Rules, Selector
from budget_guard.model.table import (
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    ITEM,
    TAG_SEPARATOR,
    TAGS,
)

MEMBER_PREFIX = "member_"  # SQL alias of category i's membership: member_<i>
COVER_PREFIX = "cover_"  # SQL alias of category i's coverage: cover_<i>
FIGURE_ALIAS = "printed_figure"  # SQL alias: the line is a printed figure (see ``figure_expression``)
PRINTED_KEY = "printed"
CODE_COLUMNS = (FUNC_CODE, ECON_CODE, GOV_ECON_CODE)
FUNC_ITEM_LENGTH = 7  # a 项-level functional code; its 项 part is the last two digits
# What separates words, in both RE2 (DuckDB) and Java (Spark) regex syntax: ASCII whitespace plus the
# no-break and the ideographic (全角) space that Chinese exports put between a code and its name.
_SPACE = r"\t\n\x0B\f\r \x{00A0}\x{3000}"

# quoted: sqlglot.exp.Expr (the base of every node) is for the type checker; older sqlglot has no such name
Build: TypeAlias = "Callable[[exp.Expr, tuple[str, ...]], exp.Expr]"


def _strings(values: tuple[str, ...]) -> list[exp.Expr]:
    return [exp.Literal.string(v) for v in values]


def _isin(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    return column.isin(*_strings(values))


def _prefix(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    """Starts with any of ``values``: one ``SUBSTRING(col, 1, n) IN (…)`` per prefix length (portable SQL)."""
    by_length: dict[int, list[str]] = {}
    for v in values:
        by_length.setdefault(len(v), []).append(v)
    parts = [
        exp.Substring(this=column.copy(), start=exp.Literal.number(1), length=exp.Literal.number(n)).isin(
            *_strings(tuple(vs))
        )
        for n, vs in sorted(by_length.items())
    ]
    return exp.or_(*parts)


def _func_item(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    """The 项 part: the last two digits of a 7-digit functional code."""
    length = exp.EQ(this=exp.Length(this=column.copy()), expression=exp.Literal.number(FUNC_ITEM_LENGTH))
    part = exp.Substring(
        this=column.copy(), start=exp.Literal.number(FUNC_ITEM_LENGTH - 1), length=exp.Literal.number(2)
    )
    return exp.and_(length, part.isin(*_strings(values)))


def _contains(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    """The text contains any of ``values`` (plain substrings, no pattern characters)."""
    return exp.or_(
        *[
            exp.GT(
                this=exp.StrPosition(this=column.copy(), substr=exp.Literal.string(v)),
                expression=exp.Literal.number(0),
            )
            for v in values
        ]
    )


def _first_word(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    """The code part of ``"0301 优化营商环境"`` (its first word) is one of ``values``."""
    word = exp.RegexpExtract(
        this=column.copy(),
        expression=exp.Literal.string(f"^[{_SPACE}]*([^{_SPACE}]+)"),
        group=exp.Literal.number(1),
    )
    return word.isin(*_strings(values))


def _has_tag(column: exp.Expr, values: tuple[str, ...]) -> exp.Expr:
    """One of the ';'-separated tags (spaces around each ignored) is one of ``values``."""
    element = exp.to_identifier("t")
    tags = exp.Transform(
        this=exp.Split(this=column.copy(), expression=exp.Literal.string(TAG_SEPARATOR)),
        expression=exp.Lambda(this=exp.Trim(this=exp.column("t")), expressions=[element]),
    )
    return exp.or_(*[exp.ArrayContains(this=tags.copy(), expression=exp.Literal.string(v)) for v in values])


@dataclass(frozen=True)
class AtomKind:
    """One selector key: the column it reads, its expression, and the column a line needs to be covered.

    ``needs`` is the column a line must carry for the key to say anything about it (None: any line
    can match, e.g. tags or an item keyword; the key only narrows; ``SELF``: only a line the key
    matches says anything, e.g. a printed 机关运行经费 line that stands for a whole department-year).
    """

    column: str
    build: Build
    needs: str | None


SELF = "<self>"  # AtomKind.needs: the key's own match is its coverage

ATOMS: dict[str, AtomKind] = {
    "econ_codes": AtomKind(ECON_CODE, _isin, ECON_CODE),
    "econ_prefixes": AtomKind(ECON_CODE, _prefix, ECON_CODE),
    "func_codes": AtomKind(FUNC_CODE, _isin, FUNC_CODE),
    "func_prefixes": AtomKind(FUNC_CODE, _prefix, FUNC_CODE),
    "func_items": AtomKind(FUNC_CODE, _func_item, FUNC_CODE),
    "tags": AtomKind(TAGS, _has_tag, None),
    "printed": AtomKind(TAGS, _has_tag, SELF),
    "item_keywords": AtomKind(ITEM, _contains, None),
    "expense_types": AtomKind(EXPENSE_TYPE, _isin, None),
    "gov_econ_codes": AtomKind(GOV_ECON_CODE, _isin, GOV_ECON_CODE),
    "gov_econ_prefixes": AtomKind(GOV_ECON_CODE, _prefix, GOV_ECON_CODE),
}
# A ``data_tags`` rule gives a line a tag from one of its own columns; key → how its values match.
DATA_TAG_MATCH: dict[str, Build] = {"codes": _first_word, "prefixes": _prefix, "keywords": _contains}
TAGS_KEY = "tags"  # the selector key that data tags extend


def _coalesced(expression: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=expression, expressions=[exp.false()])


def _data_tag_expressions(values: tuple[str, ...], data_tags: tuple[DataTag, ...]) -> list[exp.Expr]:
    """Lines a ``data_tags`` rule gives one of ``values`` (from 热点分类, 项目类别, 项目名称 …)."""
    out = []
    for rule in data_tags:
        if rule.tag not in values:
            continue
        for key, build in DATA_TAG_MATCH.items():
            given = getattr(rule, key)
            if given:
                out.append(_coalesced(build(exp.column(rule.column), tuple(given))))
    return out


def _atom(key: str) -> AtomKind:
    try:
        return ATOMS[key]
    except KeyError:
        raise LookupError(f"selector key '{key}' has no entry in engine/selectors.py ATOMS") from None


def _set_atoms(selector: Selector) -> list[tuple[str, tuple[str, ...]]]:
    return [(k, tuple(getattr(selector, k))) for k in Selector.atom_keys() if getattr(selector, k)]


def selector_expression(selector: Selector, data_tags: tuple[DataTag, ...] = ()) -> exp.Expr:
    """Keys of one mapping AND together; ``all_of`` ANDs, ``any_of`` ORs, ``exclude`` removes.

    Each key is wrapped in ``COALESCE(…, FALSE)``: a line without the column (NULL) does not match,
    and ``NOT`` of a non-match is a match, as for any two-valued test.
    """
    parts: list[exp.Expr] = []
    for key, values in _set_atoms(selector):
        kind = _atom(key)
        atom = _coalesced(kind.build(exp.column(kind.column), values))
        if key == TAGS_KEY:
            extra = _data_tag_expressions(values, data_tags)
            atom = exp.paren(exp.or_(atom, *extra)) if extra else atom
        parts.append(atom)
    parts += [exp.paren(selector_expression(child, data_tags)) for child in selector.all_of or []]
    if selector.any_of:
        parts.append(
            exp.paren(exp.or_(*[exp.paren(selector_expression(c, data_tags)) for c in selector.any_of]))
        )
    if selector.exclude is not None:
        parts.append(exp.not_(exp.paren(selector_expression(selector.exclude, data_tags))))
    return exp.and_(*parts) if parts else exp.true()


# A coverage requirement: a column the line must carry (``IS NOT NULL``), or a self-covering key and
# its values (the line must match that key).
Requirement = str | tuple[str, tuple[str, ...]]


def needs(selector: Selector) -> frozenset[frozenset[Requirement]]:
    """Alternatives (OR) of requirements a line must all meet (AND) to be able to match ``selector``."""
    result: frozenset[frozenset[Requirement]] = frozenset({frozenset()})
    conjuncts: list[frozenset[frozenset[Requirement]]] = []
    for key, values in _set_atoms(selector):
        column = _atom(key).needs
        if column == SELF:
            conjuncts.append(frozenset({frozenset({(key, values)})}))
        elif column is not None:
            conjuncts.append(frozenset({frozenset({column})}))
    conjuncts += [needs(child) for child in selector.all_of or []]
    if selector.any_of:
        conjuncts.append(frozenset().union(*(needs(child) for child in selector.any_of)))
    for alternatives in conjuncts:
        result = frozenset(r | a for r in result for a in alternatives)
    return frozenset({frozenset()}) if frozenset() in result else result


def _requirement(requirement: Requirement) -> exp.Expr:
    if isinstance(requirement, str):
        return exp.column(requirement).is_(exp.null()).not_()
    key, values = requirement
    kind = _atom(key)
    return _coalesced(kind.build(exp.column(kind.column), values))


def coverage_expression(selector: Selector) -> exp.Expr:
    """True for a line that carries the classification ``selector`` reads (whether or not it matches)."""
    alternatives = needs(selector)
    if frozenset() in alternatives:
        return exp.true()
    ors = [
        exp.paren(exp.and_(*[_requirement(r) for r in sorted(requirements, key=str)]))
        for requirements in sorted(alternatives, key=lambda a: sorted(map(str, a)))
    ]
    return exp.or_(*ors)


def columns_used(selector: Selector, data_tags: tuple[DataTag, ...] = ()) -> set[str]:
    """The columns a selector reads (its atoms, the data tags it asks for, its children, its exclusion)."""
    used = {_atom(key).column for key, _ in _set_atoms(selector)} | {
        c for key, _ in _set_atoms(selector) if (c := _atom(key).needs) and c != SELF
    }
    if selector.tags:
        used |= {rule.column for rule in data_tags if rule.tag in selector.tags}
    for child in (selector.all_of or []) + (selector.any_of or []):
        used |= columns_used(child, data_tags)
    if selector.exclude is not None:
        used |= columns_used(selector.exclude, data_tags)
    return used


def printed_values(selector: Selector) -> set[str]:
    """The ``printed:`` tags a selector asks for, wherever they stand (not under ``exclude``)."""
    found = set(selector.printed or ())
    for child in (selector.all_of or []) + (selector.any_of or []):
        found |= printed_values(child)
    return found


def figure_expression(rules: Rules) -> exp.Expr:
    """True for a line that is a *printed figure*: no code of any classification and a tag a
    ``printed:`` key selects (a 机关运行经费 the table prints for the whole department-year). Its
    money is already inside the department-year's other lines, so totals state it apart
    (``seam.PRINTED_FEN``) instead of adding it to spending a second time."""
    values = set().union(*(printed_values(c.select) for c in rules.categories))
    if not values:
        return exp.false()
    tagged = _coalesced(_has_tag(exp.column(TAGS), tuple(sorted(values))))
    no_code = [exp.column(c).is_(exp.null()) for c in CODE_COLUMNS]
    return exp.and_(tagged, *no_code)


@dataclass(frozen=True)
class CompiledRules:
    """Per category (rules order): its id, membership expression and coverage expression; and the
    printed-figure test of a line (``figure_expression``)."""

    ids: tuple[str, ...]
    members: tuple[exp.Expr, ...]
    covers: tuple[exp.Expr, ...]
    columns: tuple[str, ...]  # every column the selectors read, sorted
    figure: exp.Expr = exp.false()

    def member_alias(self, i: int) -> str:
        return f"{MEMBER_PREFIX}{i}"

    def cover_alias(self, i: int) -> str:
        return f"{COVER_PREFIX}{i}"

    def projections(self) -> list[exp.Expr]:
        """``member_i`` and ``cover_i`` for every category and ``printed_figure``, as SELECT items."""
        out: list[exp.Expr] = []
        for i, (member, cover) in enumerate(zip(self.members, self.covers, strict=True)):
            out.append(exp.alias_(member.copy(), self.member_alias(i)))
            out.append(exp.alias_(cover.copy(), self.cover_alias(i)))
        out.append(exp.alias_(self.figure.copy(), FIGURE_ALIAS))
        return out

    def select_sql(self, table: str, dialect: str, keep: tuple[str, ...] = ()) -> str:
        """``SELECT keep…, member_i, cover_i … FROM table`` in ``dialect``."""
        query = exp.select(*[exp.column(c) for c in keep], *self.projections()).from_(table)
        return query.sql(dialect=dialect)


def compile_rules(rules: Rules) -> CompiledRules:
    """Compile every category's selector once (cached on the rules object's identity by callers)."""
    cats = rules.categories
    data_tags = tuple(rules.data_tags)
    columns: set[str] = set()
    for c in cats:
        columns |= columns_used(c.select, data_tags)
    figure = figure_expression(rules)
    if not isinstance(figure, exp.Boolean):
        columns |= {TAGS, *CODE_COLUMNS}
    return CompiledRules(
        ids=tuple(c.id for c in cats),
        members=tuple(selector_expression(c.select, data_tags) for c in cats),
        covers=tuple(coverage_expression(c.select) for c in cats),
        columns=tuple(sorted(columns)),
        figure=figure,
    )
