"""Findings: the graded rows a bureau acts on, with a message in zh and en and the source rows behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import i18n
from .compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DIRECTION,
    EXCLUDED_DEPARTMENTS,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_TYPE,
)
from .grade import BELOW_MATERIALITY, GAP_FEN, LEVEL, MATERIALITY_FEN, REASON, SHORTFALL_PP, TARGET_PCT
from .rulebook import Direction, Level, Rules
from .table import DEPARTMENT, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, STAGE, YEAR, format_wan

MESSAGE_ZH = "message_zh"
MESSAGE_EN = "message_en"
SOURCES = "sources"
SOURCE_LINES = "source_lines"
FINDING_LEVELS = (Level.white.value, Level.yellow.value, Level.red.value)
MAX_SOURCE_RANGES = 12
MAX_SOURCE_LINES = 2000


def target_text(direction: str, target_pct: float, lang: str) -> str:
    """'压减≥5%' / '只减不增' / '只增不减' for a category's target."""
    pct = f"{target_pct:g}"
    if direction == Direction.decrease.value:
        return i18n.t("target.decrease_zero" if target_pct == 0 else "target.decrease", lang, target=pct)
    return i18n.t("target.no_decrease_zero" if target_pct == 0 else "target.no_decrease", lang, target=pct)


def _basis(row: dict, basis_column: str, total_column: str) -> int:
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
        "amount": format_wan(_basis(row, BASIS_AMOUNT_FEN, AMOUNT_FEN)),
        "prev_amount": format_wan(_basis(row, BASIS_PREV_AMOUNT_FEN, PREV_AMOUNT_FEN)),
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
    text = i18n.t(key, lang, **values)
    excluded = row.get(EXCLUDED_DEPARTMENTS, 0)
    if (
        reason in ("wrong_direction", "shortfall", "prior_zero_increase", "compliant")
        and excluded
        and excluded > 0
    ):
        text += i18n.t(
            "reason.comparable_basis",
            lang,
            excluded=int(excluded),
            amount=format_wan(row.get(AMOUNT_FEN, 0) or 0),
            prev_amount=format_wan(row.get(PREV_AMOUNT_FEN, 0) or 0),
        )
    if bool(row.get(BELOW_MATERIALITY, False)):
        text += i18n.t(
            "reason.below_materiality",
            lang,
            gap=f"{row[GAP_FEN] / 100:,.2f}",
            materiality=f"{row[MATERIALITY_FEN] / 100:,.0f}",
        )
    return text


def compress_rows(rows: np.ndarray) -> str:
    """[3,4,5,9] → '3-5,9' (rows sorted ascending)."""
    if len(rows) == 0:
        return ""
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    return ",".join(str(s) if s == e else f"{s}-{e}" for s, e in zip(starts, ends, strict=True))


def describe_sources(lines: pd.DataFrame, total: int | None = None) -> str:
    """'file:sheet:3-5,9; other.csv:12' — where a number came from, compact enough for a cell.

    ``total`` is the full count when ``lines`` is only the first part of a long list.
    """
    total = len(lines) if total is None else total
    if lines.empty:
        return ""
    frame = pd.DataFrame(
        {
            "f": lines[SOURCE_FILE].astype(str).fillna("?").to_numpy(),
            "s": lines[SOURCE_SHEET].astype(object).fillna("").astype(str).to_numpy(),
            "r": lines[SOURCE_ROW].fillna(-1).to_numpy(dtype=np.int64),
        }
    ).sort_values(["f", "s", "r"])
    parts = []
    for (file, sheet), rows in frame.groupby(["f", "s"], sort=False)["r"]:
        where = f"{file}:{sheet}" if sheet else file
        parts.append(f"{where}:{compress_rows(np.unique(rows.to_numpy()))}")
        if len(parts) >= MAX_SOURCE_RANGES:
            break
    text = "; ".join(parts)
    if len(parts) >= MAX_SOURCE_RANGES or total > len(lines):
        text += f" …（共{total}行 / {total} lines）"
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
        mask &= (lines[DEPARTMENT] == scope).to_numpy()
    return lines.loc[mask]


def _member_index(lines: pd.DataFrame, membership: pd.DataFrame, stage: str, category: str) -> dict:
    """(department, year) → sorted line positions of the category's lines of the compared stage."""
    positions = np.flatnonzero(membership[category].to_numpy() & (lines[STAGE] == stage).to_numpy())
    keys = pd.DataFrame(
        {"d": lines[DEPARTMENT].astype(str).to_numpy()[positions], "y": lines[YEAR].to_numpy()[positions]}
    )
    return {key: positions[idx] for key, idx in keys.groupby(["d", "y"], sort=False).indices.items()}


def build_findings(
    graded: pd.DataFrame, lines: pd.DataFrame, membership: pd.DataFrame, rules: Rules, stage: str
) -> pd.DataFrame:
    """Rows at white, yellow or red, worst first, with messages and sources.

    Source lines are looked up through a per-category (department, year) index built once, so
    the cost grows with the number of findings, not findings × lines.
    """
    found = graded.loc[graded[LEVEL].isin(FINDING_LEVELS)].copy()
    if found.empty:
        for col in (MESSAGE_ZH, MESSAGE_EN, SOURCES, SOURCE_LINES):
            found[col] = pd.Series(dtype=object)
        return found.reset_index(drop=True)
    records = found.to_dict("records")
    found[MESSAGE_ZH] = [message(r, rules, "zh") for r in records]
    found[MESSAGE_EN] = [message(r, rules, "en") for r in records]
    indexes = {c: _member_index(lines, membership, stage, c) for c in found[CATEGORY].unique()}
    sources, counts = [], []
    for r in records:
        years = {int(r[YEAR])} if pd.isna(r.get(PREV_YEAR)) else {int(r[PREV_YEAR]), int(r[YEAR])}
        index = indexes[r[CATEGORY]]
        parts = [
            pos
            for (dept, year), pos in index.items()
            if year in years and (r[SCOPE_TYPE] == GOVERNMENT or dept == r[SCOPE])
        ]
        positions = np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
        counts.append(len(positions))
        sources.append(describe_sources(lines.iloc[positions[:MAX_SOURCE_LINES]], total=len(positions)))
    found[SOURCES] = sources
    found[SOURCE_LINES] = counts
    rank = found[LEVEL].map({Level.red.value: 0, Level.yellow.value: 1, Level.white.value: 2})
    found = found.assign(_rank=rank).sort_values(
        ["_rank", SCOPE_TYPE, SCOPE, CATEGORY, YEAR], ascending=[True, False, True, True, True]
    )
    return found.drop(columns="_rank").reset_index(drop=True)
