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
from budget_guard.engine.lineage import Lineage, SourceRequest
from budget_guard.engine.seam import INPUT_FEN, INPUT_LINES, LineSummary
from budget_guard.engine.states import (
    GRADED_STATES,
    NOT_COMPARABLE,
    REASON_DEPARTMENT_MISSING,
    REASON_PREVIOUS_MISSING,
    STATE,
)
from budget_guard.model.rulebook import Direction, Level, Rules
from budget_guard.model.table import DEPARTMENT, STAGE, YEAR, format_wan, format_wan_array

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
    scope = row[SCOPE] if row[SCOPE_TYPE] != GOVERNMENT else rules.compare.government.get(lang)
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


def _column(frame: pd.DataFrame, name: str, default: object = 0) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index, dtype=object)


def _fen_or_zero(values: pd.Series) -> np.ndarray:
    """``value or 0`` of ``message`` for a money column: missing (None, NaN, NA) → 0."""
    return pd.to_numeric(values.astype(object), errors="coerce").fillna(0).to_numpy(dtype=np.int64)


def _basis_fen(frame: pd.DataFrame, basis_column: str, total_column: str) -> np.ndarray:
    """``basis_amount`` by column: the comparable-basis amount where present, else the plain amount."""
    basis = pd.to_numeric(_column(frame, basis_column, None).astype(object), errors="coerce")
    total = pd.to_numeric(_column(frame, total_column, 0).astype(object), errors="coerce")
    return basis.where(basis.notna(), total).fillna(0).to_numpy(dtype=np.int64)


def _number_texts(
    values: pd.Series, spec: str, *, absolute: bool = False, percent: bool = False
) -> list[str]:
    """Each float formatted with ``spec`` (×100 and a '%' for a percentage), '—' where missing."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float)
    if absolute:
        numbers = np.abs(numbers)
    if percent:
        numbers = numbers * 100
    unit = "%" if percent else ""
    return ["—" if v != v else format(v, spec) + unit for v in numbers.tolist()]


def messages(found: pd.DataFrame, rules: Rules, lang: str) -> list[str]:
    """``message`` for every row of ``found`` at once: the values each template needs are built by
    column (amounts with one ``format_wan_array`` per column, rates and targets per column or per
    distinct value), then each row fills its template. Same text as ``message`` row by row."""
    if found.empty:
        return []
    government = rules.compare.government.get(lang)
    scope_type = found[SCOPE_TYPE].astype(object)
    scope = found[SCOPE].astype(object).where(scope_type != GOVERNMENT, government)
    scopes = [f"[{v}]" for v in scope.tolist()] if lang == "en" else scope.tolist()
    category_ids = found[CATEGORY].astype(object)
    names = {c: rules.category(c).name.get(lang) for c in category_ids.unique()}
    direction = found[DIRECTION].astype(object)
    target_pct = found[TARGET_PCT].astype(float)
    targets = {
        (d, p): target_text(d, p, lang)
        for d, p in set(zip(direction.tolist(), target_pct.tolist(), strict=True))
    }
    year = found[YEAR].astype(int).tolist()
    change = _fen_or_zero(_column(found, CHANGE_FEN))
    columns = {
        "scope": scopes,
        "category": [names[c] for c in category_ids.tolist()],
        "year": year,
        "prev_year": [y - 1 for y in year],
        "amount": format_wan_array(_basis_fen(found, BASIS_AMOUNT_FEN, AMOUNT_FEN)),
        "prev_amount": format_wan_array(_basis_fen(found, BASIS_PREV_AMOUNT_FEN, PREV_AMOUNT_FEN)),
        "change": format_wan_array(change),
        "change_abs": format_wan_array(np.abs(change)),
        "rate": _number_texts(_column(found, CHANGE_RATE, np.nan), "+.2f", percent=True),
        "rate_abs": _number_texts(_column(found, CHANGE_RATE, np.nan), ".2f", absolute=True, percent=True),
        "shortfall": _number_texts(_column(found, SHORTFALL_PP, np.nan), ".2f"),
        "target_text": [targets[k] for k in zip(direction.tolist(), target_pct.tolist(), strict=True)],
    }
    reasons = found[REASON].astype(object).tolist()
    keys = [
        f"reason.{r}.{d}" if r in ("wrong_direction", "shortfall") else f"reason.{r}"
        for r, d in zip(reasons, direction.tolist(), strict=True)
    ]
    names_of_values = list(columns)
    texts = [
        msg.t(key, lang, **dict(zip(names_of_values, values, strict=True)))
        for key, values in zip(keys, zip(*columns.values(), strict=True), strict=True)
    ]
    excluded = _column(found, EXCLUDED_DEPARTMENTS).astype(object).tolist()
    basis_reasons = ("wrong_direction", "shortfall", "prior_zero_increase", "compliant")
    on_basis = [
        i
        for i, (r, e) in enumerate(zip(reasons, excluded, strict=True))
        if r in basis_reasons and e and e > 0
    ]
    if on_basis:
        amount = format_wan_array(_fen_or_zero(_column(found, AMOUNT_FEN).iloc[on_basis]))
        prev_amount = format_wan_array(_fen_or_zero(_column(found, PREV_AMOUNT_FEN).iloc[on_basis]))
        for i, a, p in zip(on_basis, amount, prev_amount, strict=True):
            texts[i] += msg.t(
                "reason.comparable_basis", lang, excluded=int(excluded[i]), amount=a, prev_amount=p
            )
    below = [bool(v) for v in _column(found, BELOW_MATERIALITY, False).tolist()]
    if any(below):
        gaps, floors = found[GAP_FEN].tolist(), found[MATERIALITY_FEN].tolist()
        for i in (i for i, flag in enumerate(below) if flag):
            texts[i] += msg.t(
                "reason.below_materiality",
                lang,
                gap=f"{gaps[i] / 100:,.2f}",
                materiality=f"{floors[i] / 100:,.0f}",
            )
    return texts


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
    found[MESSAGE_ZH] = messages(found, rules, "zh")
    found[MESSAGE_EN] = messages(found, rules, "en")
    prev_years = _column(found, PREV_YEAR, None).astype(object).tolist()
    requests: list[SourceRequest] = []
    for category, year, prev, scope_type, scope in zip(
        found[CATEGORY].tolist(),
        found[YEAR].tolist(),
        prev_years,
        found[SCOPE_TYPE].tolist(),
        found[SCOPE].tolist(),
        strict=True,
    ):
        years = [int(year)] if pd.isna(prev) else [int(prev), int(year)]
        department = None if scope_type == GOVERNMENT else scope
        if scope_type in ("division", "unit"):  # a 区划 or 单位 row names the line column it is read from
            requests.append((category, years, department, SCOPE_COLUMNS[scope_type]))
        else:
            requests.append((category, years, department))
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
    government = {lang: rules.compare.government.get(lang) for lang in ("zh", "en")}
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
