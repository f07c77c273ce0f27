"""Findings: the graded rows a bureau acts on, with a message in zh and en and the source rows behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine.compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DEPARTMENT_SCOPE,
    DIRECTION,
    EXCLUDED_DEPARTMENTS,
    GOVERNMENT,
    HIERARCHY,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_COLUMNS,
    SCOPE_TYPE,
)
from budget_guard.engine.grade import (
    BELOW_MATERIALITY,
    GAP_FEN,
    LEVEL,
    MATERIALITY_FEN,
    NOTICE_LEVEL,
    REASON,
    SHORTFALL_PP,
    TARGET_PCT,
)
from budget_guard.engine.lineage import Lineage
from budget_guard.engine.seam import INPUT_FEN, INPUT_LINES, LineSummary
from budget_guard.engine.states import (
    GRADED_STATES,
    NOT_COMPARABLE,
    REASON_DEPARTMENT_MISSING,
    REASON_PREVIOUS_MISSING,
    STATE,
)
from budget_guard.model.rulebook import Direction, Level, Rules
from budget_guard.model.table import DEPARTMENT, STAGE, YEAR, format_wan

MESSAGE_ZH = "message_zh"
MESSAGE_EN = "message_en"
SOURCES = "sources"
SOURCE_LINES = "source_lines"
FINDING_LEVELS = (Level.white.value, Level.yellow.value, Level.red.value)
FINDING_KIND = "finding_kind"
KIND_GRADED = "graded"  # a graded cell at white / yellow / red
KIND_NOTICE = "notice"  # an ungraded cell (不可比 / 无数据) whose gap the rules report
KIND_COMPLETENESS = "completeness"  # a department sent nothing for a year (one per department-year)


def target_text(direction: str, target_pct: float, lang: str) -> str:
    """'压减≥5%' / '只减不增' / '只增不减' for a category's target."""
    pct = f"{target_pct:g}"
    if direction == Direction.decrease.value:
        return msg.t("target.decrease_zero" if target_pct == 0 else "target.decrease", lang, target=pct)
    return msg.t("target.no_decrease_zero" if target_pct == 0 else "target.no_decrease", lang, target=pct)


def basis_amount(row: dict, basis_column: str, total_column: str) -> int:
    """The comparable-basis amount when present (government rows), else the plain amount."""
    value = row.get(basis_column)
    if value is None or pd.isna(value):
        value = row.get(total_column, 0)
    return 0 if value is None or pd.isna(value) else int(value)


def _rate_text(rate: float) -> str:
    return "—" if pd.isna(rate) else f"{rate * 100:+.2f}%"


def message(row: dict, rules: Rules, lang: str) -> str:
    """The one-sentence explanation of a graded row, in ``lang``."""
    category = rules.category(row[CATEGORY])
    scope = row[SCOPE] if row[SCOPE_TYPE] != GOVERNMENT else rules.compare.government_label.get(lang)
    if lang == "en":
        scope = f"[{scope}]"
    reason = row[REASON]
    values = {
        "scope": scope,
        "category": category.name.get(lang),
        "year": int(row[YEAR]),
        "prev_year": int(row[YEAR]) - 1,
        "amount": format_wan(basis_amount(row, BASIS_AMOUNT_FEN, AMOUNT_FEN)),
        "prev_amount": format_wan(basis_amount(row, BASIS_PREV_AMOUNT_FEN, PREV_AMOUNT_FEN)),
        "change": format_wan(row.get(CHANGE_FEN, 0) or 0),
        "change_abs": format_wan(abs(row.get(CHANGE_FEN, 0) or 0)),
        "rate": _rate_text(row.get(CHANGE_RATE, np.nan)),
        "rate_abs": "—" if pd.isna(row.get(CHANGE_RATE, np.nan)) else f"{abs(row[CHANGE_RATE]) * 100:.2f}%",
        "shortfall": "—" if pd.isna(row.get(SHORTFALL_PP, np.nan)) else f"{row[SHORTFALL_PP]:.2f}",
        "target_text": target_text(row[DIRECTION], float(row[TARGET_PCT]), lang),
    }
    key = f"reason.{reason}"
    if reason in ("wrong_direction", "shortfall"):
        key = f"{key}.{row[DIRECTION]}"
    text = msg.t(key, lang, **values)
    excluded = row.get(EXCLUDED_DEPARTMENTS, 0)
    if (
        reason in ("wrong_direction", "shortfall", "prior_zero_increase", "compliant")
        and excluded
        and excluded > 0
    ):
        text += msg.t(
            "reason.comparable_basis",
            lang,
            excluded=int(excluded),
            amount=format_wan(row.get(AMOUNT_FEN, 0) or 0),
            prev_amount=format_wan(row.get(PREV_AMOUNT_FEN, 0) or 0),
        )
    if bool(row.get(BELOW_MATERIALITY, False)):
        text += msg.t(
            "reason.below_materiality",
            lang,
            gap=f"{row[GAP_FEN] / 100:,.2f}",
            materiality=f"{row[MATERIALITY_FEN] / 100:,.0f}",
        )
    return text


def lines_behind(
    lines: pd.DataFrame,
    membership: pd.DataFrame,
    stage: str,
    scope_type: str,
    scope: str,
    category: str,
    years: list[int],
) -> pd.DataFrame:
    """The input lines that make up a summary number (for drill-down and for a finding's sources)."""
    mask = (
        membership[category].to_numpy()
        & (lines[STAGE] == stage).to_numpy()
        & lines[YEAR].isin(years).to_numpy()
    )
    if scope_type != GOVERNMENT:
        mask &= (lines[SCOPE_COLUMNS.get(scope_type, DEPARTMENT)] == scope).to_numpy()
    return lines.loc[mask]


def build_findings(graded: pd.DataFrame, rules: Rules, lineage: Lineage) -> pd.DataFrame:
    """Rows at white, yellow or red, worst first, with messages and the sources behind each.

    Two kinds: graded cells at white/yellow/red, and ungraded cells (不可比/无数据) whose gap the
    rules report at ``notice_level``. Each row keeps the cell's ``state``, so a notice about a
    missing baseline is never mistaken for a graded white. ``lineage`` answers for all findings at
    once (an in-memory index, or one query on a SQL backend), so the cost grows with the number of
    findings, not findings × lines.
    """
    is_graded = graded[LEVEL].isin(FINDING_LEVELS).to_numpy()
    notice = (
        graded[NOTICE_LEVEL].isin(FINDING_LEVELS).to_numpy() if NOTICE_LEVEL in graded else is_graded & False
    )
    found = graded.loc[is_graded | notice].copy()
    found[LEVEL] = found[LEVEL].where(found[LEVEL].isin(FINDING_LEVELS), found.get(NOTICE_LEVEL))
    found[FINDING_KIND] = np.where(found[STATE].isin(GRADED_STATES), KIND_GRADED, KIND_NOTICE)
    if found.empty:
        for col in (MESSAGE_ZH, MESSAGE_EN, SOURCES, SOURCE_LINES):
            found[col] = pd.Series(dtype=object)
        return found.reset_index(drop=True)
    records = found.to_dict("records")
    found[MESSAGE_ZH] = [message(r, rules, "zh") for r in records]
    found[MESSAGE_EN] = [message(r, rules, "en") for r in records]
    requests = [
        (
            r[CATEGORY],
            [int(r[YEAR])] if pd.isna(r.get(PREV_YEAR)) else [int(r[PREV_YEAR]), int(r[YEAR])],
            None if r[SCOPE_TYPE] == GOVERNMENT else r[SCOPE],
        )
        # a 区划 or 单位 row names the line column it is read from
        + ((SCOPE_COLUMNS[r[SCOPE_TYPE]],) if r[SCOPE_TYPE] in ("division", "unit") else ())
        for r in records
    ]
    described = lineage.describe_cells(requests)
    found[SOURCES] = [text for text, _ in described]
    found[SOURCE_LINES] = [count for _, count in described]
    return sort_findings(found)


def sort_findings(found: pd.DataFrame) -> pd.DataFrame:
    """Worst first, then 全市合计 before departments, then scope, category and year."""
    rank = found[LEVEL].map({Level.red.value: 0, Level.yellow.value: 1, Level.white.value: 2})
    depth = found[SCOPE_TYPE].map({t: i for i, t in enumerate(HIERARCHY)}).fillna(len(HIERARCHY))
    found = found.assign(_rank=rank, _depth=depth, _cat=found[CATEGORY].fillna("")).sort_values(
        ["_rank", "_depth", SCOPE, "_cat", YEAR], ascending=[True, True, True, True, True]
    )
    return found.drop(columns=["_rank", "_depth", "_cat"]).reset_index(drop=True)


def completeness_findings(
    summary: pd.DataFrame, line_summary: LineSummary, rules: Rules, stage: str
) -> pd.DataFrame:
    """One finding per department × year in which the department sent no line of the stage at all.

    Its cells are 不可比 (``department_missing`` in that year, ``previous_year_missing`` the year
    after) and carry no finding of their own: one missing submission is one thing to chase, not a
    dozen −100 % rows. The message states the effect on 全市合计: both comparisons around the
    missing year leave the department out, with its amount in the neighbouring years.
    """
    dept = summary.loc[summary[SCOPE_TYPE] != GOVERNMENT]
    gone = dept.loc[dept[REASON] == REASON_DEPARTMENT_MISSING, [SCOPE, YEAR]]
    back = dept.loc[dept[REASON] == REASON_PREVIOUS_MISSING, [SCOPE, YEAR]]
    back = back.assign(**{YEAR: back[YEAR] - 1})
    missing = pd.concat([gone, back], ignore_index=True).drop_duplicates()
    if missing.empty:
        return pd.DataFrame()
    sums = line_summary.totals
    sums = sums.loc[(sums[STAGE] == stage).to_numpy() & (sums[INPUT_LINES] > 0).to_numpy()]
    totals = {
        (str(d), int(y)): int(v)
        for d, y, v in zip(sums[DEPARTMENT], sums[YEAR], sums[INPUT_FEN], strict=True)
    }
    level = rules.grading.missing_current.value
    government = {lang: rules.compare.government_label.get(lang) for lang in ("zh", "en")}
    rows = []
    for scope, year in sorted((str(s), int(y)) for s, y in missing.itertuples(index=False)):
        near = [(y, totals[(scope, y)]) for y in (year - 1, year + 1) if (scope, y) in totals]
        row = {
            SCOPE_TYPE: DEPARTMENT_SCOPE,
            SCOPE: scope,
            CATEGORY: None,
            YEAR: year,
            PREV_YEAR: year - 1,
            AMOUNT_FEN: 0,
            PREV_AMOUNT_FEN: totals.get((scope, year - 1), 0),
            REASON: REASON_DEPARTMENT_MISSING,
            STATE: NOT_COMPARABLE,
            LEVEL: level,
            FINDING_KIND: KIND_COMPLETENESS,
            SOURCES: "",
            SOURCE_LINES: 0,
        }
        for lang, column in (("zh", MESSAGE_ZH), ("en", MESSAGE_EN)):
            near_text = msg.t("completeness.sep", lang).join(
                msg.t("completeness.near", lang, year=y, amount=format_wan(v)) for y, v in near
            )
            row[column] = msg.t(
                "completeness.department_year",
                lang,
                scope=scope if lang == "zh" else f"[{scope}]",
                year=year,
                near=near_text or "—",
                government=government[lang],
            )
        rows.append(row)
    return pd.DataFrame(rows)
