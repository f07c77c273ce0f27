"""Display frames shared by the 督办单, HTML and Markdown reports: what a clerk reads, in one language.

Columns are named by their i18n label keys (``col.department`` …) so each writer gets the header
with ``i18n.t(key, lang)`` and no report repeats a column literal. Money stays integer 分 here;
each writer formats it (a number format in XLSX, exact 万元 text in HTML).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import i18n
from ..engine.compare import (
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DIRECTION,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    SCOPE,
    SCOPE_TYPE,
)
from ..engine.evaluate import Evaluation
from ..engine.findings import MESSAGE_EN, MESSAGE_ZH, SOURCES, target_text
from ..engine.grade import EMPTY_CATEGORY, LEVEL, REASON, TARGET_PCT
from ..rulebook import LEVEL_ORDER, Level
from ..table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    YEAR,
)

# 督办单 columns, in the order the issue asks for: 部门, 类别, 年度, 上年数, 本年数, 增减额, 增减率, 目标, 等级, 说明, 来源
FINDING_COLUMNS: tuple[str, ...] = (
    "col.department",
    "col.category",
    "col.year",
    "col.prev_amount",
    "col.amount",
    "col.change",
    "col.change_rate",
    "col.target",
    "col.level",
    "col.message",
    "col.sources",
)
UNCLASSIFIED_COLUMNS: tuple[str, ...] = (
    "col.department",
    "col.year",
    "col.stage",
    "col.func_code",
    "col.econ_code",
    "col.item",
    "col.expense_type",
    "col.amount_wan",
    "col.source_file",
    "col.source_sheet",
    "col.source_row",
)
MONEY_COLUMNS = frozenset({"col.prev_amount", "col.amount", "col.change"})
RATE_COLUMNS = frozenset({"col.change_rate"})
LEVEL_COLUMN = "col.level"
# Findings worst first: the order a 督办单 is worked through.
FINDING_LEVELS_WORST_FIRST: tuple[str, ...] = (Level.red.value, Level.yellow.value, Level.white.value)

# compliance matrix columns
MATRIX_LEVEL = "level"
MATRIX_FINDINGS = "findings"

_RANK = {lv.value: lv.rank for lv in LEVEL_ORDER}


def scope_label(evaluation: Evaluation, scope_type: str, scope: str, lang: str, parent: object = None) -> str:
    """The scope as a clerk reads it: 全市合计, a department, '东湖区（区划合计）', or a unit with its
    department ('东湖区商务局执法大队（东湖区商务局）'), so each row places itself in the hierarchy."""
    if scope_type == GOVERNMENT:
        return evaluation.rules.compare.government_label.get(lang)
    if scope_type == "division":
        return i18n.t("hierarchy.division_label", lang, scope=scope)
    if scope_type == "unit" and parent is not None and not pd.isna(parent):
        return i18n.t("hierarchy.unit_label", lang, scope=scope, parent=parent)
    return str(scope)


def category_label(evaluation: Evaluation, category_id: str, lang: str) -> str:
    return evaluation.rules.category(category_id).name.get(lang)


def _int_or_na(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").round().astype("Int64")


def finding_rows(evaluation: Evaluation, lang: str, level: str | None = None) -> pd.DataFrame:
    """The findings as 督办单 rows (optionally of one level), worst first, money in 分.

    Keeps the raw level value in ``col.level``; writers turn it into a label and a colour.
    """
    found = evaluation.findings
    if level is not None:
        found = found.loc[found[LEVEL] == level]
    message_col = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    records = found.to_dict("records")
    return pd.DataFrame(
        {
            "col.department": [
                scope_label(evaluation, r[SCOPE_TYPE], r[SCOPE], lang, r.get("parent")) for r in records
            ],
            "col.category": [category_label(evaluation, r[CATEGORY], lang) for r in records],
            "col.year": _int_or_na(found[YEAR]).to_numpy(),
            "col.prev_amount": _prev_amounts(found).to_numpy(),
            "col.amount": _int_or_na(found[AMOUNT_FEN]).to_numpy(),
            "col.change": _int_or_na(found[CHANGE_FEN]).to_numpy(),
            "col.change_rate": pd.to_numeric(found[CHANGE_RATE], errors="coerce").to_numpy(),
            "col.target": [target_text(r[DIRECTION], float(r[TARGET_PCT]), lang) for r in records],
            "col.level": found[LEVEL].to_numpy(),
            "col.message": found[message_col].to_numpy(),
            "col.sources": found[SOURCES].to_numpy(),
        },
        columns=list(FINDING_COLUMNS),
    )


def _prev_amounts(found: pd.DataFrame) -> pd.Series:
    """Previous-year amount; empty-category rows have none to show."""
    prev = _int_or_na(found[PREV_AMOUNT_FEN])
    return prev.mask((found[REASON] == EMPTY_CATEGORY).to_numpy())


def unclassified_rows(evaluation: Evaluation) -> pd.DataFrame:
    """Lines in no category, with where they came from (reported, never dropped)."""
    lines = evaluation.unclassified
    return pd.DataFrame(
        {
            "col.department": lines[DEPARTMENT].astype(object).to_numpy(),
            "col.year": lines[YEAR].to_numpy(),
            "col.stage": lines[STAGE].astype(object).to_numpy(),
            "col.func_code": lines[FUNC_CODE].astype(object).to_numpy(),
            "col.econ_code": lines[ECON_CODE].astype(object).to_numpy(),
            "col.item": lines[ITEM].astype(object).to_numpy(),
            "col.expense_type": lines[EXPENSE_TYPE].astype(object).to_numpy(),
            "col.amount_wan": lines[AMOUNT_FEN].to_numpy(),
            "col.source_file": lines[SOURCE_FILE].astype(object).to_numpy(),
            "col.source_sheet": lines[SOURCE_SHEET].astype(object).to_numpy(),
            "col.source_row": lines[SOURCE_ROW].to_numpy(),
        },
        columns=list(UNCLASSIFIED_COLUMNS),
    )


def compliance_matrix(evaluation: Evaluation) -> pd.DataFrame:
    """Category × year: the worst level over every scope, and how many findings there are.

    ``level`` is None where nothing was graded (the first year). Empty-category findings, which
    are not in the summary, count too. Rows follow the rules' category order.
    """
    summary = evaluation.summary
    extra = evaluation.findings.loc[evaluation.findings[REASON] == EMPTY_CATEGORY]
    graded = pd.concat(
        [summary[[CATEGORY, YEAR, LEVEL]], extra[[CATEGORY, YEAR, LEVEL]]], ignore_index=True
    ).astype({YEAR: "int64"})
    categories = [c.id for c in evaluation.rules.categories]
    years = sorted(int(y) for y in graded[YEAR].unique())
    index = pd.MultiIndex.from_product([categories, years], names=[CATEGORY, YEAR])
    if graded.empty:
        return pd.DataFrame({MATRIX_LEVEL: pd.Series(dtype=object), MATRIX_FINDINGS: pd.Series(dtype=int)})
    rank = graded[LEVEL].map(_RANK)
    worst = rank.groupby([graded[CATEGORY], graded[YEAR]]).max()
    is_finding = graded[LEVEL].isin(FINDING_LEVELS_WORST_FIRST)
    count = is_finding.groupby([graded[CATEGORY], graded[YEAR]]).sum()
    by_rank = {lv.rank: lv.value for lv in LEVEL_ORDER}
    out = pd.DataFrame(
        {
            MATRIX_LEVEL: worst.reindex(index).map(lambda r: None if pd.isna(r) else by_rank[int(r)]),
            MATRIX_FINDINGS: count.reindex(index).fillna(0).astype(np.int64),
        },
        index=index,
    )
    return out
