"""Display frames shared by the 督办单, HTML and Markdown reports: what a clerk reads, in one language.

Columns are named by their i18n label keys (``col.department`` …) so each writer gets the header
with ``msg.t(key, lang)`` and no report repeats a column literal. Money stays integer 分 here;
each writer formats it (a number format in XLSX, exact 万元 text in HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine.compare import (
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DIRECTION,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import MESSAGE_EN, MESSAGE_ZH, SOURCES, target_text
from budget_guard.engine.grade import EMPTY_CATEGORY, LEVEL, REASON, TARGET_PCT
from budget_guard.engine.states import GRADED_STATES, NO_DATA, STATE, rollup_by
from budget_guard.errors import required
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.rulebook import LEVEL_ORDER, Level
from budget_guard.model.table import (
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
from budget_guard.runs.outcome import run_outcome

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
MATRIX_STATE = "state"
MATRIX_LEVEL = "level"
MATRIX_FINDINGS = "findings"

_RANK = {lv.value: lv.rank for lv in LEVEL_ORDER}


@dataclass(frozen=True)
class FirstLine:
    """A line every report puts first: the run's outcome, then the what-if mark."""

    text: str
    css: str  # the outcome (states.OUTCOMES) or "whatif": the class / colour to show it with


def first_lines(evaluation: Evaluation, load: LoadResult, lang: str) -> list[FirstLine]:
    """What a clerk must read before anything else: the outcome, and whether the rules were a what-if."""
    run = run_outcome(evaluation, load)
    lines = [FirstLine(run.headline(lang), run.outcome)]
    if evaluation.whatif:
        lines.append(FirstLine(whatif_text(evaluation, lang), WHATIF))
    return lines


def whatif_text(evaluation: Evaluation, lang: str) -> str:
    changes = "；".join(zh if lang == "zh" else en for zh, en in evaluation.whatif)
    return msg.t("whatif.line", lang, changes=changes)


WHATIF = "whatif"


def scope_label(evaluation: Evaluation, scope_type: str, scope: str, lang: str, parent: object = None) -> str:
    """The scope as a clerk reads it: 全市合计, a department, '东湖区（区划合计）', or a unit with its
    department ('东湖区商务局执法大队（东湖区商务局）'), so each row places itself in the hierarchy."""
    if scope_type == GOVERNMENT:
        return evaluation.rules.compare.government.get(lang)
    if scope_type == "division":
        return msg.t("hierarchy.division_label", lang, scope=scope)
    if scope_type == "unit" and parent is not None and not pd.isna(parent):
        return msg.t("hierarchy.unit_label", lang, scope=scope, parent=parent)
    return str(scope)


def category_label(evaluation: Evaluation, category_id: str | None, lang: str) -> str:
    """The category's name; a completeness finding (a department missing a year) has none."""
    if not isinstance(category_id, str) or not category_id:
        return msg.t("completeness.category", lang)
    return evaluation.rules.category(category_id).name.get(lang)


def _target_label(record: dict, lang: str) -> str:
    direction, target = record.get(DIRECTION), record.get(TARGET_PCT)
    if not isinstance(direction, str) or target is None or pd.isna(target):
        return "—"
    return target_text(direction, float(target), lang)


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
            "col.target": [_target_label(r, lang) for r in records],
            "col.level": found[LEVEL].to_numpy(),
            "col.message": found[message_col].to_numpy(),
            "col.sources": found[SOURCES].to_numpy(),
            CASE_COLUMN: _case_texts(evaluation, records, lang),
        },
        columns=list(finding_columns(evaluation)),
    )


CASE_COLUMN = "case.policy.col"  # 督办立案: "立案督办" or why the rules open no case (cases/policy.py)


def finding_columns(evaluation: Evaluation) -> tuple[str, ...]:
    """The findings' columns: with the 督办立案 column when the rules have a supervision section."""
    return FINDING_COLUMNS + ((CASE_COLUMN,) if evaluation.rules.supervision is not None else ())


def _case_texts(evaluation: Evaluation, records: list[dict], lang: str) -> list[str]:
    if evaluation.rules.supervision is None:
        return [""] * len(records)
    from budget_guard.cases.policy import case_policy

    policy = case_policy(evaluation, lang)
    out = []
    for r in records:
        year = r[YEAR]
        cell = (str(r[SCOPE_TYPE]), str(r[SCOPE]), str(r[CATEGORY]), -1 if pd.isna(year) else int(year))
        out.append(policy.get(cell, ""))
    return out


def _prev_amounts(found: pd.DataFrame) -> pd.Series:
    """Previous-year amount; empty-category rows have none to show."""
    prev = _int_or_na(found[PREV_AMOUNT_FEN])
    return prev.mask((found[REASON] == EMPTY_CATEGORY).to_numpy())


def unclassified_rows(evaluation: Evaluation) -> pd.DataFrame:
    """Lines in no category, with where they came from (reported, never dropped)."""
    lines = required(evaluation.unclassified, "the unclassified lines (an in-memory evaluation's)")
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
    """Category × year: the state over every scope (states.rollup_by) and how many findings.

    ``state`` is 无数据/不可比 where nothing was graded; ``level`` repeats it for graded cells only.
    Rows follow the rules' category order.
    """
    summary = evaluation.summary
    if summary.empty:
        return pd.DataFrame(
            {
                MATRIX_STATE: pd.Series(dtype=object),
                MATRIX_LEVEL: pd.Series(dtype=object),
                MATRIX_FINDINGS: pd.Series(dtype=int),
            }
        )
    cells = summary[[CATEGORY, YEAR, STATE]].astype({YEAR: "int64"})
    categories = [c.id for c in evaluation.rules.categories]
    years = sorted(int(y) for y in cells[YEAR].unique())
    index = pd.MultiIndex.from_product([categories, years], names=[CATEGORY, YEAR])
    worst = rollup_by(cells, [CATEGORY, YEAR]).reindex(index)
    found = evaluation.findings
    found = found.loc[found[CATEGORY].notna()] if len(found) else found
    count = found.groupby([found[CATEGORY], found[YEAR].astype("int64")]).size() if len(found) else None
    state = worst.fillna(NO_DATA)
    return pd.DataFrame(
        {
            MATRIX_STATE: state,
            MATRIX_LEVEL: state.where(state.isin(GRADED_STATES), None),
            MATRIX_FINDINGS: (
                count.reindex(index).fillna(0).astype(np.int64)
                if count is not None
                else np.zeros(len(index), np.int64)
            ),
        },
        index=index,
    )
