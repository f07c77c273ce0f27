"""What every view shares: labels, level and rate texts, scopes, the display ``Table`` and the chart fields.

Money stays exact in 分 in the engine; here it becomes 万元 floats for display only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine import states
from budget_guard.engine.compare import (
    CATEGORY,
    CHANGE_RATE,
    DEPARTMENT_SCOPE,
    DIVISION_SCOPE,
    GOVERNMENT,
    GROUP,
    PARENT,
    SCOPE,
    SCOPE_TYPE,
    UNIT_SCOPE,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import MESSAGE_EN, MESSAGE_ZH
from budget_guard.engine.grade import LEVEL, REASON
from budget_guard.messages import formats as fmt
from budget_guard.model.rulebook import LEVEL_ORDER
from budget_guard.model.table import FEN_PER_WAN, YEAR

Scope = tuple[str, str]  # (scope_type, scope) as in the engine's summary
ALL_SCOPES: Scope = ("all", "")  # the matrix of the worst level over every scope

RANK = {level.value: level.rank for level in LEVEL_ORDER}
WORST_FIRST = tuple(reversed([level.value for level in LEVEL_ORDER]))


# -- labels -------------------------------------------------------------------------------------------


def label(key: str, lang: str) -> str:
    return msg.t(key, lang)


def money_label(key: str, lang: str) -> str:
    """'本年数（万元）' / 'Current (10k CNY)'."""
    return msg.t("app.with_unit", lang, label=msg.t(key, lang), unit=msg.t("unit.wan", lang))


def rate_label(lang: str) -> str:
    return msg.t("app.with_unit", lang, label=msg.t("col.change_rate", lang), unit="%")


def level_text(level: str | None, lang: str) -> str:
    """The label of a level or cell state (达标/白/黄/红/不可比/无数据); 无数据 when there is none."""
    return msg.t(f"state.{level if level in states.STATES else states.NO_DATA}", lang)


def rate_text(rate: float) -> str:
    """'+20.00%' from a change rate of 0.2; '—' when there is none."""
    return fmt.rate_text(rate)


# a Table's rate columns hold percent numbers (20.0 for +20.00%)
_SHOW = {
    "money": fmt.money_text,
    "rate_percent": lambda v: fmt.rate_text(None if (n := fmt.as_number(v)) is None else n / 100),
    "percent": fmt.percent_text,
    "integer": fmt.integer_text,
}


def wan(fen: pd.Series) -> pd.Series:
    return pd.to_numeric(fen, errors="coerce") / FEN_PER_WAN


# -- scopes -------------------------------------------------------------------------------------------


def government_scope(evaluation: Evaluation) -> Scope:
    return (GOVERNMENT, evaluation.rules.compare.government.zh)


def scope_options(evaluation: Evaluation) -> list[Scope]:
    """The whole government first (when the rules compare it), then the hierarchy top down: each
    财政区划, its departments, each department's units (by name); departments outside any 区划 after."""
    summary = evaluation.summary
    out: list[Scope] = []
    if (summary[SCOPE_TYPE] == GOVERNMENT).any() or GOVERNMENT in evaluation.rules.compare.scopes:
        out.append(government_scope(evaluation))
    children: dict[tuple[str, str | None], list[str]] = {}
    if PARENT in summary:
        pairs = summary[[SCOPE_TYPE, SCOPE, PARENT]].drop_duplicates()
        for kind, name, parent in pairs.itertuples(index=False):
            key = (kind, None if parent is None or pd.isna(parent) else str(parent))
            children.setdefault(key, []).append(str(name))
    else:
        names = summary.loc[summary[SCOPE_TYPE] == DEPARTMENT_SCOPE, SCOPE].astype(str).unique()
        children[(DEPARTMENT_SCOPE, None)] = list(names)

    def department_and_units(department: str) -> None:
        out.append((DEPARTMENT_SCOPE, department))
        out.extend((UNIT_SCOPE, u) for u in sorted(set(children.get((UNIT_SCOPE, department), []))))

    placed: set[str] = set()
    for division in sorted(
        set(children.get((DIVISION_SCOPE, evaluation.rules.compare.government.zh), []))
    ):
        out.append((DIVISION_SCOPE, division))
        for department in sorted(set(children.get((DEPARTMENT_SCOPE, division), []))):
            department_and_units(department)
            placed.add(department)
    rest = {d for (kind, _), names in children.items() if kind == DEPARTMENT_SCOPE for d in names} - placed
    for department in sorted(rest):
        department_and_units(department)
    seen = {s for s in out}
    units = {u for (kind, _), names in children.items() if kind == UNIT_SCOPE for u in names}
    out.extend((UNIT_SCOPE, u) for u in sorted(units) if (UNIT_SCOPE, u) not in seen)
    return out


_INDENT = {DIVISION_SCOPE: 0, DEPARTMENT_SCOPE: 1, UNIT_SCOPE: 2}


def scope_text(evaluation: Evaluation, scope: Scope, lang: str) -> str:
    """The picker's text: indented by level (区划 › 部门 › 单位) so the hierarchy reads top down."""
    if scope == ALL_SCOPES:
        return msg.t("app.scope.all", lang)
    if scope[0] == GOVERNMENT:
        return evaluation.rules.compare.government.get(lang)
    has_divisions = (evaluation.summary[SCOPE_TYPE] == DIVISION_SCOPE).any()
    depth = _INDENT.get(scope[0], 1) - (0 if has_divisions else 1)
    prefix = "\u3000" * max(depth, 0)
    if scope[0] == DIVISION_SCOPE:
        return prefix + msg.t("hierarchy.division_label", lang, scope=scope[1])
    if scope[0] == UNIT_SCOPE:
        return prefix + "└ " + scope[1]
    return prefix + scope[1]


def compared_years(evaluation: Evaluation) -> list[int]:
    """The years that have a year-over-year comparison (every summary year but the first)."""
    summary = evaluation.summary
    graded = summary.loc[summary[REASON] != states.REASON_FIRST_YEAR, YEAR]
    return sorted(int(y) for y in graded.unique())


# -- the display table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A display frame with the raw values the page filters and drills on (same index)."""

    table: pd.DataFrame
    keys: pd.DataFrame
    money: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()  # change rates as percent numbers (+20.00%)
    integers: tuple[str, ...] = ()
    percents: tuple[str, ...] = ()  # percentages that are no change (执行率 112.00%)
    level: str | None = None
    wide: tuple[str, ...] = ()  # long text (explanations)
    narrow: tuple[str, ...] = ()  # short codes and numbers
    pinned: tuple[str, ...] = ()  # stay in view when scrolling sideways
    wrap: bool = False  # long texts the reader must see whole (shown as a wrapping table)
    full: tuple[str, ...] = ()  # columns as wide as their longest value (file, sheet, code)
    css: pd.DataFrame | None = None  # per-cell CSS (same index, some columns), drawn instead of ``level``
    # A grid whose rows may take this many lines wraps its text instead of cutting it (long texts
    # get a fixed width and wrap inside it), and shows ``order`` first: what a clerk acts on stays
    # in view down to 1024 px.
    lines: int = 1
    order: tuple[str, ...] = ()
    wrap_px: int = 260  # the width a long text column of a wrapping grid wraps at

    def row_px(self) -> int | None:
        """The grid's row height (None: one line; a row taller than 64 px wraps, in Streamlit)."""
        return None if self.lines <= 1 else 22 * self.lines + 12

    def column_order(self) -> list[str] | None:
        if not self.order:
            return None
        first = [c for c in self.order if c in self.table.columns]
        return first + [c for c in self.table.columns if c not in first]

    def __len__(self) -> int:
        return len(self.table)

    def formats(self) -> dict[str, str]:
        """Column → kind of number (messages.formats): how each number column reads."""
        kinds = {}
        for kind, names in (
            ("money", self.money),
            ("rate_percent", self.rates),
            ("percent", self.percents),
            ("integer", self.integers),
        ):
            kinds.update(dict.fromkeys(names, kind))
        return kinds

    def display(self) -> pd.DataFrame:
        """The table as text, each number in its one format (for tables drawn as HTML, which would
        otherwise print ``3.000000`` and ``112.00185``)."""
        out = self.table.copy()
        for name, kind in self.formats().items():
            if name in out.columns:
                show = _SHOW[kind]
                out[name] = [show(v) for v in out[name]]
        return out.astype(object).where(out.notna(), fmt.MISSING)

    def where(self, mask: np.ndarray | pd.Series) -> Table:
        mask = np.asarray(mask, dtype=bool)
        return replace(self, table=self.table.loc[mask], keys=self.keys.loc[mask])


# -- compliance matrix and trend charts ---------------------------------------------------------------

# columns of the matrix / trend frames (chart fields; never shown as table headers)
GROUP_NAME = "group_name"
CATEGORY_NAME = "category_name"
ORDER = "order"
LEVEL_LABEL = "level_label"
RATE_TEXT = "rate_text"
AMOUNT_WAN = "amount_wan"
PREV_AMOUNT_WAN = "prev_amount_wan"
TARGET_WAN = "target_wan"
TARGET_TEXT = "target_text"
MESSAGE = "message"
TEXT_MAIN = "text_main"  # the cell's first line (bold)
TEXT_SUB = "text_sub"  # the cell's second line
WHERE = "where"  # all-scopes matrix: the scopes with findings, worst first
DRILL_SCOPE_TYPE = "drill_scope_type"  # the scope whose lines a click on the cell opens
DRILL_SCOPE = "drill_scope"
CELL_COLUMNS = [
    GROUP,
    GROUP_NAME,
    CATEGORY,
    CATEGORY_NAME,
    ORDER,
    YEAR,
    LEVEL,
    LEVEL_LABEL,
    TARGET_TEXT,
    CHANGE_RATE,
    RATE_TEXT,
    TEXT_MAIN,
    TEXT_SUB,
    AMOUNT_WAN,
    PREV_AMOUNT_WAN,
    MESSAGE,
]


def scope_rows(evaluation: Evaluation, scope: Scope) -> pd.DataFrame:
    summary = evaluation.summary
    mask = (summary[SCOPE_TYPE] == scope[0]).to_numpy() & (summary[SCOPE].astype(str) == scope[1]).to_numpy()
    return summary.loc[mask]


def finding_messages(evaluation: Evaluation, scope: Scope, lang: str) -> dict[tuple[str, int], str]:
    found = evaluation.findings
    mask = (found[SCOPE_TYPE] == scope[0]).to_numpy() & (found[SCOPE].astype(str) == scope[1]).to_numpy()
    column = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    part = found.loc[mask]
    return {(c, int(y)): str(m) for c, y, m in zip(part[CATEGORY], part[YEAR], part[column], strict=True)}


def display_width(text: str) -> int:
    """Columns a text takes: CJK characters two, others one."""
    return sum(2 if "\u2e80" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def text_width_px(values: pd.Series, header: str, limit: int = 520) -> int:
    """A grid column's width in px that shows its longest value (or the header) in full, up to ``limit``."""
    longest = max(
        [display_width(str(v)) for v in values.dropna().astype(str).head(2000)] + [display_width(header)]
    )
    return int(min(limit, max(60, 7.5 * longest + 28)))


def all_years(evaluation: Evaluation) -> list[int]:
    return sorted(int(y) for y in evaluation.summary[YEAR].unique())


def matrix_years(evaluation: Evaluation) -> list[int]:
    """The matrix's columns: the compared years (the first year, never compared, takes no column),
    or every year when nothing could be compared."""
    return compared_years(evaluation) or all_years(evaluation)


def level_short(level: str | None, lang: str) -> str:
    """'红色' / 'Red': the level in a matrix cell, where the rate must fit beside it; an ungraded
    cell says its state in the one word used everywhere (不可比 / 无数据)."""
    if level in RANK:
        return msg.t(f"level_short.{level}", lang)
    return level_text(level, lang)
