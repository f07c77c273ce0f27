"""Display tables for the dashboard, in one language: what each view shows, computed without Streamlit.

Each view returns a display frame whose columns are the translated labels (what ``st.dataframe``
shows) and, where the page filters or drills down, a parallel ``keys`` frame of raw values (level,
category id, scope …) on the same index. Money stays exact in 分 in the engine; here it becomes
万元 floats for display only. Built once per evaluation and language; a filter is a boolean mask.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import i18n
from ..engine.compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_RATE,
    DEPARTMENT_SCOPE,
    DIRECTION,
    GOVERNMENT,
    GROUP,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_TYPE,
)
from ..engine.evaluate import Evaluation
from ..engine.findings import FINDING_LEVELS, MESSAGE_EN, MESSAGE_ZH, target_text
from ..engine.grade import EMPTY_CATEGORY, LEVEL, REASON, TARGET_PCT
from ..ingest.result import LoadResult
from ..reports.views import (
    FINDING_COLUMNS,
    LEVEL_COLUMN,
    MONEY_COLUMNS,
    RATE_COLUMNS,
    UNCLASSIFIED_COLUMNS,
    finding_rows,
    unclassified_rows,
)
from ..rulebook import LEVEL_ORDER, Direction, Level
from ..table import (
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FEN_PER_WAN,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    TAGS,
    YEAR,
    format_wan,
)
from .palette import FILL, NOT_COMPARED, TEXT

Scope = tuple[str, str]  # (scope_type, scope) as in the engine's summary
ALL_SCOPES: Scope = ("all", "")  # the matrix of the worst level over every scope

_RANK = {level.value: level.rank for level in LEVEL_ORDER}
_WORST_FIRST = tuple(reversed([level.value for level in LEVEL_ORDER]))


# -- labels -------------------------------------------------------------------------------------------


def label(key: str, lang: str) -> str:
    return i18n.t(key, lang)


def money_label(key: str, lang: str) -> str:
    """'本年数（万元）' / 'Current (10k yuan)'."""
    return i18n.t("app.with_unit", lang, label=i18n.t(key, lang), unit=i18n.t("unit.wan", lang))


def rate_label(lang: str) -> str:
    return i18n.t("app.with_unit", lang, label=i18n.t("col.change_rate", lang), unit="%")


def level_text(level: str | None, lang: str) -> str:
    return i18n.level_label(level if level in _RANK else "none", lang)


def rate_text(rate: float) -> str:
    """'+20.00%' from a change rate of 0.2; '—' when there is none."""
    return "—" if rate is None or pd.isna(rate) else f"{rate * 100:+.2f}%"


def _wan(fen: pd.Series) -> pd.Series:
    return pd.to_numeric(fen, errors="coerce") / FEN_PER_WAN


# -- scopes -------------------------------------------------------------------------------------------


def government_scope(evaluation: Evaluation) -> Scope:
    return (GOVERNMENT, evaluation.rules.compare.government_label.zh)


def scope_options(evaluation: Evaluation) -> list[Scope]:
    """The whole government first (when the rules compare it), then every department by name."""
    summary = evaluation.summary
    out: list[Scope] = []
    if (summary[SCOPE_TYPE] == GOVERNMENT).any() or GOVERNMENT in evaluation.rules.compare.scopes:
        out.append(government_scope(evaluation))
    departments = summary.loc[summary[SCOPE_TYPE] == DEPARTMENT_SCOPE, SCOPE].astype(str).unique()
    out.extend((DEPARTMENT_SCOPE, d) for d in sorted(departments))
    return out


def scope_text(evaluation: Evaluation, scope: Scope, lang: str) -> str:
    if scope == ALL_SCOPES:
        return i18n.t("app.scope.all", lang)
    if scope[0] == GOVERNMENT:
        return evaluation.rules.compare.government_label.get(lang)
    return scope[1]


def compared_years(evaluation: Evaluation) -> list[int]:
    """The years that have a year-over-year comparison (every summary year but the first)."""
    summary = evaluation.summary
    graded = summary.loc[summary[LEVEL].notna(), YEAR]
    return sorted(int(y) for y in graded.unique())


# -- overview -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupHeadline:
    """One guardrail group at a glance: its worst level, counts per level and its worst findings."""

    group: str
    name: str
    direction: str
    worst: str
    counts: dict[str, int]
    text: str
    top: list[str] = field(default_factory=list)


def _graded_levels(evaluation: Evaluation) -> pd.DataFrame:
    """Level per graded row, including empty-category findings (which are not in the summary)."""
    summary = evaluation.summary.loc[evaluation.summary[LEVEL].notna(), [GROUP, CATEGORY, LEVEL]]
    findings = evaluation.findings
    empty = findings.loc[findings[REASON] == EMPTY_CATEGORY, [GROUP, CATEGORY, LEVEL]]
    return pd.concat([summary, empty], ignore_index=True)


def group_headlines(evaluation: Evaluation, lang: str, top: int = 3) -> list[GroupHeadline]:
    graded = _graded_levels(evaluation)
    message_col = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    out = []
    for group in evaluation.rules.groups:
        levels = graded.loc[graded[GROUP] == group.id, LEVEL]
        counts = {lv.value: int((levels == lv.value).sum()) for lv in LEVEL_ORDER}
        worst = next((lv for lv in _WORST_FIRST if counts[lv]), Level.compliant.value)
        found = evaluation.findings.loc[evaluation.findings[GROUP] == group.id]
        if worst == Level.compliant.value:
            text = i18n.t("app.headline.ok", lang, compared=len(levels))
        else:
            text = i18n.t(
                "app.headline.found",
                lang,
                red=counts[Level.red.value],
                yellow=counts[Level.yellow.value],
                white=counts[Level.white.value],
                compared=len(levels),
            )
        out.append(
            GroupHeadline(
                group=group.id,
                name=group.name.get(lang),
                direction=i18n.t(f"direction.{group.direction.value}", lang),
                worst=worst,
                counts=counts,
                text=text,
                top=[str(m) for m in found[message_col].head(top)],
            )
        )
    return out


def level_tiles_html(counts: dict[str, int], lang: str) -> str:
    """Four tiles, worst first, in the 督办单 colours: the first thing an analyst reads."""
    tiles = []
    for level in _WORST_FIRST:
        tiles.append(
            f'<div class="bg-tile" style="background:{FILL[level]};color:{TEXT[level]};">'
            f'<div class="bg-count">{counts.get(level, 0)}</div>'
            f'<div class="bg-label">{html.escape(level_text(level, lang))}</div></div>'
        )
    return (
        "<style>.bg-tiles{display:flex;gap:12px;margin:4px 0 8px 0}"
        ".bg-tile{flex:1;border:1px solid #BFBFBF;border-radius:8px;padding:10px 14px}"
        ".bg-count{font-size:2rem;font-weight:700;line-height:1.1}"
        ".bg-label{font-size:0.95rem}</style>"
        f'<div class="bg-tiles">{"".join(tiles)}</div>'
    )


def legend_html(lang: str) -> str:
    """The level colours as small chips, one legend for every heatmap on the page."""
    chips = "".join(
        f'<span style="display:inline-block;margin-right:14px"><span style="display:inline-block;width:14px;'
        f"height:14px;vertical-align:-2px;margin-right:5px;background:{FILL[level]};border:1px solid #BFBFBF;"
        f'border-radius:3px"></span>{html.escape(level_text(level, lang))}</span>'
        for level in (*_WORST_FIRST, NOT_COMPARED)
    )
    return f'<div style="font-size:0.9rem;margin:2px 0 10px 0">{chips}</div>'


def headline_html(headline: GroupHeadline, lang: str) -> str:
    """A guardrail group's card: name, direction, worst level badge, counts, worst findings."""
    level = headline.worst
    items = "".join(f"<li>{html.escape(m)}</li>" for m in headline.top)
    return (
        f'<div style="border:1px solid #BFBFBF;border-left:8px solid {TEXT[level]};border-radius:8px;'
        f'padding:10px 14px;margin-bottom:10px;background:{FILL[level]}33;height:100%">'
        f'<div style="font-size:1.15rem;font-weight:700">{html.escape(headline.name)}'
        f'<span style="font-weight:400;color:#595959">{html.escape(i18n.t("app.paren", lang, text=headline.direction))}</span>'
        f'<span style="float:right;background:{FILL[level]};color:{TEXT[level]};border:1px solid #BFBFBF;'
        f'border-radius:6px;padding:1px 8px;font-size:0.95rem">{html.escape(level_text(level, lang))}</span></div>'
        f'<div style="margin-top:4px">{html.escape(headline.text)}</div>'
        f'<ul style="margin:6px 0 0 0;padding-left:1.2em;font-size:0.9rem">{items}</ul></div>'
    )


def load_summary_text(load: LoadResult, lang: str) -> str:
    totals = load.totals()
    return i18n.t(
        "app.load.summary",
        lang,
        files=totals["files"],
        failed=totals["files_failed"],
        sheets=totals["sheets"],
        rows_read=totals["rows_read"],
        data_rows=totals["data_rows"],
        subtotal_rows=totals["subtotal_rows"],
        rejected_rows=totals["rejected_rows"],
        lines=len(load.table),
        problems=len(load.problems),
    )


# -- findings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A display frame with the raw values the page filters and drills on (same index)."""

    table: pd.DataFrame
    keys: pd.DataFrame
    money: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    level: str | None = None
    wide: tuple[str, ...] = ()  # long text (explanations)
    narrow: tuple[str, ...] = ()  # short codes and numbers
    pinned: tuple[str, ...] = ()  # stay in view when scrolling sideways

    def __len__(self) -> int:
        return len(self.table)

    def where(self, mask: np.ndarray | pd.Series) -> Table:
        mask = np.asarray(mask, dtype=bool)
        return replace(self, table=self.table.loc[mask], keys=self.keys.loc[mask])


def findings_table(evaluation: Evaluation, lang: str) -> Table:
    """The findings as the 督办单 lists them (worst first), plus 护栏, with filter keys."""
    rows = finding_rows(evaluation, lang)
    found = evaluation.findings
    groups = {g.id: g.name.get(lang) for g in evaluation.rules.groups}
    names = {
        key: (money_label(key, lang) if key in MONEY_COLUMNS else label(key, lang)) for key in FINDING_COLUMNS
    }
    names.update({key: rate_label(lang) for key in RATE_COLUMNS})
    table = pd.DataFrame(index=rows.index)
    for key in (LEVEL_COLUMN, *(k for k in FINDING_COLUMNS if k != LEVEL_COLUMN)):
        values = rows[key]
        if key in MONEY_COLUMNS:
            values = _wan(values)
        elif key in RATE_COLUMNS:
            values = pd.to_numeric(values, errors="coerce") * 100
        elif key == LEVEL_COLUMN:
            values = values.map(lambda v: level_text(v, lang))
        table[names[key]] = values.to_numpy()
        if key == "col.department":
            table[label("col.group", lang)] = found[GROUP].map(groups).to_numpy()
    year_col = names["col.year"]
    table[year_col] = pd.to_numeric(table[year_col]).astype("Int64")
    keys = pd.DataFrame(
        {
            LEVEL: found[LEVEL].to_numpy(),
            GROUP: found[GROUP].to_numpy(),
            CATEGORY: found[CATEGORY].to_numpy(),
            SCOPE_TYPE: found[SCOPE_TYPE].to_numpy(),
            SCOPE: found[SCOPE].astype(str).to_numpy(),
            YEAR: pd.to_numeric(found[YEAR]).astype("int64").to_numpy(),
        },
        index=rows.index,
    )
    return Table(
        table=table,
        keys=keys,
        money=tuple(names[k] for k in FINDING_COLUMNS if k in MONEY_COLUMNS),
        rates=(rate_label(lang),),
        integers=(year_col,),
        level=names[LEVEL_COLUMN],
        wide=(names["col.message"],),
        pinned=(names[LEVEL_COLUMN],),
    )


@dataclass(frozen=True)
class FindingFilter:
    """Empty tuples mean 'all'."""

    levels: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def filter_findings(findings: Table, chosen: FindingFilter) -> Table:
    """The findings that pass every chosen filter (a vectorised mask; no engine call)."""
    keys = findings.keys
    mask = np.ones(len(keys), dtype=bool)
    for column, values in (
        (LEVEL, chosen.levels),
        (GROUP, chosen.groups),
        (CATEGORY, chosen.categories),
        (SCOPE, chosen.scopes),
        (YEAR, chosen.years),
    ):
        if values:
            mask &= keys[column].isin(list(values)).to_numpy()
    return findings.where(mask)


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


def _scope_rows(evaluation: Evaluation, scope: Scope) -> pd.DataFrame:
    summary = evaluation.summary
    mask = (summary[SCOPE_TYPE] == scope[0]).to_numpy() & (summary[SCOPE].astype(str) == scope[1]).to_numpy()
    return summary.loc[mask]


def _finding_messages(evaluation: Evaluation, scope: Scope, lang: str) -> dict[tuple[str, int], str]:
    found = evaluation.findings
    mask = (found[SCOPE_TYPE] == scope[0]).to_numpy() & (found[SCOPE].astype(str) == scope[1]).to_numpy()
    column = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    part = found.loc[mask]
    return {(c, int(y)): str(m) for c, y, m in zip(part[CATEGORY], part[YEAR], part[column], strict=True)}


def matrix_cells(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """Category × year for one scope (or ``ALL_SCOPES``): level, change rate, cell text, explanation.

    Every cell is present; cells that were not graded (the first year, or no spending in either
    year) are ``none``. A scope's cell reads the change rate over the level; the all-scopes cell
    reads the worst level with the number of findings over where it is and by how much.
    """
    if scope == ALL_SCOPES:
        return _worst_cells(evaluation, lang)
    rules = evaluation.rules
    rows = _scope_rows(evaluation, scope)
    messages = _finding_messages(evaluation, scope, lang)
    by_key = {
        (c, int(y)): r for c, y, r in zip(rows[CATEGORY], rows[YEAR], rows.to_dict("records"), strict=True)
    }
    found = evaluation.findings
    extra = found.loc[(found[REASON] == EMPTY_CATEGORY) & (found[SCOPE_TYPE] == scope[0])]
    empty = {(c, int(y)): lv for c, y, lv in zip(extra[CATEGORY], extra[YEAR], extra[LEVEL], strict=True)}
    records = []
    for order, category in enumerate(rules.categories):
        for year in _years(evaluation):
            row = by_key.get((category.id, year))
            level = empty.get((category.id, year))
            rate = amount = prev = np.nan
            if row is not None:
                level = row[LEVEL] if isinstance(row[LEVEL], str) else level
                rate = row[CHANGE_RATE]
                amount, prev = row[AMOUNT_FEN] / FEN_PER_WAN, row[PREV_AMOUNT_FEN] / FEN_PER_WAN
            level = level if level in _RANK else NOT_COMPARED
            record = _cell(evaluation, category, order, year, level, lang)
            record.update(
                {
                    CHANGE_RATE: rate,
                    RATE_TEXT: rate_text(rate),
                    TEXT_MAIN: rate_text(rate),
                    TEXT_SUB: level_text(level, lang),
                    AMOUNT_WAN: amount,
                    PREV_AMOUNT_WAN: prev,
                    MESSAGE: messages.get((category.id, year), level_text(level, lang)),
                }
            )
            records.append(record)
    return pd.DataFrame.from_records(records, columns=CELL_COLUMNS)


def _years(evaluation: Evaluation) -> list[int]:
    return sorted(int(y) for y in evaluation.summary[YEAR].unique())


def _cell(evaluation: Evaluation, category, order: int, year: int, level: str, lang: str) -> dict:
    rules = evaluation.rules
    return {
        GROUP: category.group,
        GROUP_NAME: rules.group(category.group).name.get(lang),
        CATEGORY: category.id,
        CATEGORY_NAME: category.name.get(lang),
        ORDER: order,
        YEAR: year,
        LEVEL: level,
        LEVEL_LABEL: level_text(level, lang),
        TARGET_TEXT: target_text(rules.direction_of(category).value, float(category.target_pct), lang),
    }


def _worst_cells(evaluation: Evaluation, lang: str) -> pd.DataFrame:
    """The worst level over every scope per category × year, with where the findings are."""
    summary = evaluation.summary
    graded = summary.loc[summary[LEVEL].notna(), [CATEGORY, YEAR, LEVEL]]
    found = evaluation.findings
    column = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    ranked = graded.assign(_rank=graded[LEVEL].map(_RANK)).groupby([CATEGORY, YEAR])["_rank"]
    worst, compared = ranked.max().to_dict(), ranked.size().to_dict()
    by_rank = {v: k for k, v in _RANK.items()}
    cells: dict[tuple[str, int], list] = {}
    for r in found.assign(_rank=found[LEVEL].map(_RANK)).to_dict("records"):
        cells.setdefault((r[CATEGORY], int(r[YEAR])), []).append(r)
    records = []
    separator = "；" if lang != "en" else "; "
    for order, category in enumerate(evaluation.rules.categories):
        for year in _years(evaluation):
            items = sorted(cells.get((category.id, year), []), key=lambda r: -r["_rank"])
            rank = max([worst.get((category.id, year), -1)] + [r["_rank"] for r in items])
            level = by_rank.get(rank, NOT_COMPARED)
            record = _cell(evaluation, category, order, year, level, lang)
            where = [scope_text(evaluation, (r[SCOPE_TYPE], str(r[SCOPE])), lang) for r in items]
            rates = [rate_text(r[CHANGE_RATE]) for r in items]
            sub = i18n.t("app.matrix.all_compliant", lang, count=compared.get((category.id, year), 0))
            if items:
                sub = where[0] + ("" if rates[0] == "—" else f" {rates[0]}")
                if len(items) > 1:
                    sub += i18n.t("app.matrix.more", lang, count=len(items) - 1)
            detail = [
                f"{w} {level_text(r[LEVEL], lang)}" + ("" if rt == "—" else f" {rt}")
                for w, r, rt in zip(where, items, rates, strict=True)
            ]
            record.update(
                {
                    CHANGE_RATE: items[0][CHANGE_RATE] if items else np.nan,
                    RATE_TEXT: rates[0] if items else "—",
                    TEXT_MAIN: level_text(level, lang) if level != NOT_COMPARED else "—",
                    TEXT_SUB: sub if level != NOT_COMPARED else level_text(level, lang),
                    AMOUNT_WAN: np.nan,
                    PREV_AMOUNT_WAN: np.nan,
                    MESSAGE: "；".join(str(r[column]) for r in items[:5]) or level_text(level, lang),
                    WHERE: separator.join(detail),
                }
            )
            records.append(record)
    return pd.DataFrame.from_records(records, columns=[*CELL_COLUMNS, WHERE])


def broken_cells_text(cells: pd.DataFrame, lang: str) -> list[str]:
    """'三公经费 2024年：红色（督办），+20.00%' for every cell at white, yellow or red, worst first.

    For the all-scopes matrix each line also names where the findings are.
    """
    found = cells.loc[cells[LEVEL].isin(FINDING_LEVELS)]
    found = found.assign(_rank=found[LEVEL].map(_RANK)).sort_values(
        ["_rank", ORDER, YEAR], ascending=[False, True, True]
    )
    if WHERE in found.columns:
        return [
            i18n.t("app.matrix.cell_all", lang, category=c, year=int(y), where=w)
            for c, y, w in zip(found[CATEGORY_NAME], found[YEAR], found[WHERE], strict=True)
        ]
    return [
        i18n.t("app.matrix.cell", lang, category=c, year=int(y), level=lv, rate=r)
        for c, y, lv, r in zip(
            found[CATEGORY_NAME], found[YEAR], found[LEVEL_LABEL], found[RATE_TEXT], strict=True
        )
    ]


def trend_points(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """Amount per category × year for one scope, with the change rate, the level and the target amount.

    ``target_wan`` is the amount this scope would have needed to just meet the target, given the
    previous year: a decrease category that ends above it (or a no-decrease one below it) missed.
    For the whole government the rate is on the comparable basis, so the target is shifted by the
    amount of the departments left out of the comparison.
    """
    rules = evaluation.rules
    rows = _scope_rows(evaluation, scope)
    if rows.empty:
        return pd.DataFrame(columns=[CATEGORY, CATEGORY_NAME, ORDER, YEAR, AMOUNT_WAN, TARGET_WAN, LEVEL])
    order = {c.id: i for i, c in enumerate(rules.categories)}
    names = {c.id: c.name.get(lang) for c in rules.categories}
    targets = {
        c.id: target_text(rules.direction_of(c).value, float(c.target_pct), lang) for c in rules.categories
    }
    sign = np.where(rows[DIRECTION] == Direction.decrease.value, -1.0, 1.0)
    basis_prev = rows[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=float)
    needed = basis_prev * (1 + sign * rows[TARGET_PCT].to_numpy(dtype=float) / 100)
    target_fen = (
        rows[AMOUNT_FEN].to_numpy(dtype=float) - rows[BASIS_AMOUNT_FEN].to_numpy(dtype=float) + needed
    )
    graded = rows[LEVEL].notna().to_numpy() & (basis_prev != 0)
    level = rows[LEVEL].where(rows[LEVEL].notna(), NOT_COMPARED)
    out = pd.DataFrame(
        {
            CATEGORY: rows[CATEGORY].to_numpy(),
            CATEGORY_NAME: rows[CATEGORY].map(names).to_numpy(),
            ORDER: rows[CATEGORY].map(order).to_numpy(),
            YEAR: rows[YEAR].astype("int64").to_numpy(),
            AMOUNT_WAN: _wan(rows[AMOUNT_FEN]).to_numpy(),
            PREV_AMOUNT_WAN: _wan(rows[PREV_AMOUNT_FEN]).to_numpy(),
            TARGET_WAN: np.where(graded, target_fen / FEN_PER_WAN, np.nan),
            CHANGE_RATE: rows[CHANGE_RATE].to_numpy(),
            RATE_TEXT: [rate_text(r) for r in rows[CHANGE_RATE]],
            LEVEL: level.to_numpy(),
            LEVEL_LABEL: [level_text(v, lang) for v in level],
            TARGET_TEXT: rows[CATEGORY].map(targets).to_numpy(),
        }
    )
    return out.sort_values([ORDER, YEAR]).reset_index(drop=True)


# -- department drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentTable:
    """Scope × category change rates (%) for one year, the level of each cell, and what each row/column is."""

    rates: pd.DataFrame  # first column the scope label, then one column per category name
    levels: pd.DataFrame  # same shape: level value per cell (None where not graded)
    scopes: list[Scope]
    categories: list[str]  # category id per rate column, after the label and worst-level columns

    def worst_cell(self) -> tuple[Scope, str] | None:
        """The first (worst-sorted) scope's worst category, where a drill-down should start."""
        best: tuple[int, int, int] | None = None
        for i in range(len(self.scopes)):
            for j in range(len(self.categories)):
                rank = _RANK.get(self.levels.iat[i, j + 2], -1)
                if rank > 0 and (best is None or rank > best[0]):
                    best = (rank, i, j)
        if best is None:
            return None
        return self.scopes[best[1]], self.categories[best[2]]

    def cell(self, row: int, column: str) -> tuple[Scope, str] | None:
        """The (scope, category id) behind a clicked cell, or None for a label column."""
        columns = list(self.rates.columns)
        if column not in columns or not 0 <= row < len(self.scopes):
            return None
        index = columns.index(column) - 2
        if index < 0:
            return None
        return self.scopes[row], self.categories[index]


def department_table(evaluation: Evaluation, year: int, lang: str) -> DepartmentTable:
    """Every scope's change rate in each category for ``year``, worst rows first (government on top)."""
    rules = evaluation.rules
    summary = evaluation.summary
    part = summary.loc[summary[YEAR] == year, [SCOPE_TYPE, SCOPE, CATEGORY, CHANGE_RATE, LEVEL]]
    part = part.assign(**{SCOPE: part[SCOPE].astype(str)}).set_index([SCOPE_TYPE, SCOPE, CATEGORY])
    categories = [c.id for c in rules.categories]
    options = scope_options(evaluation)
    index = pd.MultiIndex.from_tuples(options, names=[SCOPE_TYPE, SCOPE]) if options else None
    rate = (part[CHANGE_RATE] * 100).unstack(CATEGORY).reindex(index=index, columns=categories)
    level = part[LEVEL].astype(object).unstack(CATEGORY).reindex(index=index, columns=categories)
    found = evaluation.findings
    for category, scope_type, scope, lv in found.loc[
        (found[REASON] == EMPTY_CATEGORY) & (found[YEAR] == year), [CATEGORY, SCOPE_TYPE, SCOPE, LEVEL]
    ].itertuples(index=False):
        level.loc[(scope_type, str(scope)), category] = lv
    level = level.where(level.isin(list(_RANK)), None)
    rank = level.apply(lambda col: col.map(lambda v: _RANK.get(v, -1))).max(axis=1)
    order = pd.DataFrame(
        {
            "government": [t == GOVERNMENT for t, _ in options],
            "rank": rank.to_numpy(),
            "name": [s for _, s in options],
            "present": (rate.notna().any(axis=1) | level.notna().any(axis=1)).to_numpy(),
        }
    )
    order = order.loc[order["present"] | order["government"]]
    order = order.sort_values(["government", "rank", "name"], ascending=[False, False, True])
    positions = order.index.to_numpy()
    scopes = [options[i] for i in positions]
    by_rank = {v: k for k, v in _RANK.items()}
    worst = [by_rank.get(int(r)) for r in order["rank"]]
    scope_col, worst_col = label("col.scope", lang), i18n.t("app.worst_level", lang)
    rates = pd.DataFrame({scope_col: [scope_text(evaluation, s, lang) for s in scopes]})
    rates[worst_col] = [level_text(w, lang) for w in worst]
    levels = pd.DataFrame({scope_col: [None] * len(scopes), worst_col: worst}, dtype=object)
    for category in rules.categories:
        rates[category.name.get(lang)] = rate[category.id].to_numpy(dtype=float)[positions]
        levels[category.name.get(lang)] = level[category.id].to_numpy()[positions]
    return DepartmentTable(rates=rates, levels=levels, scopes=scopes, categories=categories)


def cell_detail(evaluation: Evaluation, scope: Scope, category: str, year: int, lang: str) -> str:
    """The explanation of one graded number: the finding's message, or the compliant comparison."""
    messages = _finding_messages(evaluation, scope, lang)
    if (category, year) in messages:
        return messages[(category, year)]
    rows = _scope_rows(evaluation, scope)
    row = rows.loc[(rows[CATEGORY] == category).to_numpy() & (rows[YEAR] == year).to_numpy()]
    name = evaluation.rules.category(category).name.get(lang)
    who = scope_text(evaluation, scope, lang)
    if row.empty:
        return i18n.t("app.drill.no_row", lang, scope=who, category=name, year=year)
    r = row.iloc[0]
    return i18n.t(
        "app.drill.row",
        lang,
        scope=who,
        category=name,
        year=year,
        prev_year=int(r[PREV_YEAR]),
        prev_amount=format_wan(int(r[PREV_AMOUNT_FEN])),
        amount=format_wan(int(r[AMOUNT_FEN])),
        rate=rate_text(r[CHANGE_RATE]),
        level=level_text(r[LEVEL] if isinstance(r[LEVEL], str) else None, lang),
    )


# -- source lines -------------------------------------------------------------------------------------

LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    (YEAR, "col.year"),
    (DEPARTMENT, "col.department"),
    (ITEM, "col.item"),
    ("amount_wan", "col.amount_wan"),
    (SOURCE_FILE, "col.source_file"),
    (SOURCE_SHEET, "col.source_sheet"),
    (SOURCE_ROW, "col.source_row"),
    (FUNC_CODE, "col.func_code"),
    (ECON_CODE, "col.econ_code"),
    (EXPENSE_TYPE, "col.expense_type"),
    (TAGS, "col.tags"),
)


def source_lines(
    evaluation: Evaluation, scope: Scope, category: str, year: int, lang: str
) -> tuple[Table, str]:
    """The input lines behind one number (this year and the previous), with their file, sheet and row.

    Returns the table and a one-line total per year, which must equal the numbers compared.
    """
    years = [year - 1, year]
    lines = evaluation.lines_behind(scope[0], scope[1], category, years)
    lines = lines.sort_values([YEAR, DEPARTMENT, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW], kind="stable")
    table = pd.DataFrame(index=lines.index)
    for column, key in LINE_COLUMNS:
        if column == "amount_wan":
            table[label(key, lang)] = _wan(lines["amount_fen"]).to_numpy()
        elif column in (YEAR, SOURCE_ROW):
            table[label(key, lang)] = lines[column].astype("Int64").to_numpy()
        else:
            table[label(key, lang)] = lines[column].astype(object).to_numpy()
    totals = lines.groupby(YEAR)["amount_fen"].agg(["sum", "size"])
    parts = [
        i18n.t(
            "app.drill.year_total",
            lang,
            year=y,
            amount=format_wan(int(totals.at[y, "sum"])),
            lines=int(totals.at[y, "size"]),
        )
        for y in years
        if y in totals.index
    ]
    keys = pd.DataFrame({YEAR: lines[YEAR].to_numpy()}, index=lines.index)
    return (
        Table(
            table,
            keys,
            money=(label("col.amount_wan", lang),),
            integers=(label("col.year", lang), label("col.source_row", lang)),
            narrow=tuple(
                label(k, lang)
                for k in ("col.year", "col.expense_type", "col.tags", "col.source_sheet", "col.source_row")
            ),
        ),
        "；".join(parts) if lang != "en" else "; ".join(parts),
    )


# -- unclassified, rejected rows, load report ---------------------------------------------------------


def unclassified_table(evaluation: Evaluation, lang: str) -> Table:
    rows = unclassified_rows(evaluation)
    table = pd.DataFrame(index=rows.index)
    for key in UNCLASSIFIED_COLUMNS:
        values = rows[key]
        if key == "col.amount_wan":
            values = _wan(values)
        elif key in ("col.year", "col.source_row"):
            values = pd.to_numeric(values).astype("Int64")
        elif key == "col.stage":
            values = values.map(lambda v: i18n.t(f"stage.{v}", lang) if i18n.has(f"stage.{v}") else v)
        table[label(key, lang)] = values.to_numpy()
    return Table(
        table,
        pd.DataFrame(index=rows.index),
        money=(label("col.amount_wan", lang),),
        integers=(label("col.year", lang), label("col.source_row", lang)),
        narrow=tuple(
            label(k, lang)
            for k in ("col.year", "col.stage", "col.expense_type", "col.source_sheet", "col.source_row")
        ),
    )


REJECTED_LABELS: tuple[tuple[str, str], ...] = (
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
    ("code", "col.problem_code"),
    ("value", "col.value"),
)


def rejected_table(load: LoadResult, lang: str) -> Table:
    """Every rejected row with the reason, in the analyst's language."""
    rejected = load.rejected
    message = "message_en" if lang == "en" else "message_zh"
    table = pd.DataFrame(index=rejected.index)
    for column, key in REJECTED_LABELS:
        values = rejected[column] if column in rejected.columns else pd.Series(None, index=rejected.index)
        if column == "row":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        else:
            values = (
                values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v))
            )
        table[label(key, lang)] = values.to_numpy()
    table[label("col.message", lang)] = rejected[message].to_numpy() if message in rejected.columns else None
    return Table(table, pd.DataFrame(index=rejected.index), integers=(label("col.source_row", lang),))


PROBLEM_LABELS: tuple[tuple[str, str], ...] = (
    ("severity", "col.severity"),
    ("code", "col.problem_code"),
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
)


def problems_table(load: LoadResult, lang: str) -> Table:
    """Load problems (合计 and hierarchy mismatches, unit and code issues …) with how to fix them."""
    problems = load.problems_frame()
    message = "message_en" if lang == "en" else "message_zh"
    table = pd.DataFrame(index=problems.index)
    for column, key in PROBLEM_LABELS:
        values = problems[column] if column in problems.columns else pd.Series(None, index=problems.index)
        if column == "row":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column == "severity":
            values = values.map(
                lambda v: i18n.t(f"app.severity.{v}", lang) if i18n.has(f"app.severity.{v}") else v
            )
        table[label(key, lang)] = values.to_numpy()
    table[label("col.message", lang)] = problems[message].to_numpy() if message in problems.columns else None
    table[label("col.hint", lang)] = problems["hint"].to_numpy() if "hint" in problems.columns else None
    keys = pd.DataFrame(
        {"severity": problems.get("severity", pd.Series(dtype=object)).to_numpy()}, index=problems.index
    )
    return Table(table, keys, integers=(label("col.source_row", lang),))


SHEET_LABELS: tuple[tuple[str, str], ...] = (
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("status", "col.status"),
    ("layout", "app.load.layout"),
    ("unit", "app.load.unit"),
    ("rows_read", "app.load.rows_read"),
    ("data_rows", "app.load.data_rows"),
    ("subtotal_rows", "app.load.subtotal_rows"),
    ("header_rows", "app.load.header_rows"),
    ("note_rows", "app.load.note_rows"),
    ("blank_rows", "app.load.blank_rows"),
    ("rejected_rows", "app.load.rejected_rows"),
    ("lines", "app.load.lines"),
    ("amount_fen", "col.amount_wan"),
    ("accounted", "app.load.accounted"),
)


def sheets_table(load: LoadResult, lang: str) -> Table:
    """The load report: one row per file × sheet with how every row was accounted for."""
    report = load.report_frame()
    table = pd.DataFrame(index=report.index)
    counts = []
    for column, key in SHEET_LABELS:
        name = label(key, lang)
        values = (
            report[column] if column in report.columns else pd.Series(None, index=report.index, dtype=object)
        )
        if column == "amount_fen":
            values = _wan(values)
        elif column.endswith("_rows") or column == "lines":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
            counts.append(name)
        elif column == "status":
            values = values.map(
                lambda v: i18n.t(f"app.status.{v}", lang) if i18n.has(f"app.status.{v}") else v
            )
        elif column == "accounted":
            values = values.map(
                lambda v: None if v is None or pd.isna(v) else i18n.t(f"app.bool.{bool(v)}", lang)
            )
        table[name] = values.to_numpy()
    return Table(
        table,
        pd.DataFrame(index=report.index),
        money=(label("col.amount_wan", lang),),
        integers=tuple(counts),
    )
