"""Cells that rest on a figure which failed a relation its table states: 不可比, never graded.

A reader that checks a relation (合计 = Σ parts, 三公小计 = 出国 + 车 + 接待, 车 = 购置 + 运维, a 三公
table's 合计 = 三公 + 会议费 + 培训费 …) and finds it broken cannot tell which figure is wrong: it tags
every line of that row and stage ``勾稽不符:<the relation with both figures and places>``
(``table.relation_failed_tag``). Here, per stage × department × year × category, the tagged lines a
category takes are found (only those lines are classified again); such a cell is 不可比
(``relation_failed``), so is the next year's cell that uses it as baseline and the 全市合计 of that
category and year. One finding per cell names the tables and the failed relations with both figures;
its level is ``grading.relation_failed`` (never 达标; yellow unless the rules say otherwise). The cell
itself is never red: a table that does not add up is a question to the clerk, not a verdict.
Pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlglot import exp

from budget_guard import messages as msg
from budget_guard.engine.classify import classify
from budget_guard.engine.compare import (
    CATEGORY,
    DEPARTMENT_SCOPE,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.grade import LEVEL
from budget_guard.engine.states import NOT_COMPARABLE, REASON_RELATION_FAILED, STATE
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import (
    AMOUNT_FEN,
    COLUMNS,
    DEPARTMENT,
    RELATION_FAILED_PREFIX,
    SOURCE_FILE,
    SOURCE_SHEET,
    STAGE,
    TAGS,
    YEAR,
    conform,
    failed_relations,
    format_wan,
)

TABLES = "tables"
RELATIONS = "relations"
RELATION_FAILED_COLUMNS = (STAGE, DEPARTMENT, YEAR, CATEGORY, AMOUNT_FEN, TABLES, RELATIONS)
KIND_RELATION_FAILED = "relation_failed"  # findings.FINDING_KIND of the data finding


def empty_relation_failed() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RELATION_FAILED_COLUMNS})


def marked_lines(table: pd.DataFrame) -> np.ndarray:
    """Lines tagged with a failed relation (decided once per distinct tags text)."""
    if table.empty or TAGS not in table:
        return np.zeros(len(table), dtype=bool)
    tags = table[TAGS]
    if isinstance(tags.dtype, pd.CategoricalDtype):
        per_tag = np.array([bool(failed_relations(v)) for v in tags.cat.categories] + [False], dtype=bool)
        return per_tag[tags.cat.codes.to_numpy()]
    values = tags.astype("object")
    distinct = {v: bool(failed_relations(v)) for v in pd.unique(values.dropna())}
    return values.map(lambda v: distinct.get(v, False)).to_numpy(dtype=bool)


def relation_failed_cells(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One row per stage × department × year × category whose lines include a line tagged with a
    failed relation: the amount of those lines, the tables they come from and the relations."""
    marked = marked_lines(table)
    if not marked.any():
        return empty_relation_failed()
    subset = table.loc[marked]
    membership = classify(subset, rules)
    keys = pd.DataFrame(
        {
            STAGE: subset[STAGE].astype("object").astype(str).to_numpy(),
            DEPARTMENT: subset[DEPARTMENT].astype("object").astype(str).to_numpy(),
            YEAR: subset[YEAR].to_numpy(dtype=np.int64),
            AMOUNT_FEN: subset[AMOUNT_FEN].to_numpy(dtype=np.int64),
            "_table": [
                f"{file} {sheet}".strip()
                for file, sheet in zip(
                    subset[SOURCE_FILE].astype("object").fillna(""),
                    subset[SOURCE_SHEET].astype("object").fillna(""),
                    strict=True,
                )
            ],
            "_relations": [failed_relations(v) for v in subset[TAGS].astype("object")],
        }
    )
    rows = []
    for category in rules.categories:
        member = membership[category.id].to_numpy(dtype=bool)
        if not member.any():
            continue
        for (stage, department, year), part in keys.loc[member].groupby([STAGE, DEPARTMENT, YEAR], sort=True):
            relations = list(dict.fromkeys(r for rs in part["_relations"] for r in rs))
            rows.append(
                {
                    STAGE: stage,
                    DEPARTMENT: department,
                    YEAR: int(year),
                    CATEGORY: category.id,
                    AMOUNT_FEN: int(part[AMOUNT_FEN].sum()),
                    TABLES: "、".join(dict.fromkeys(part["_table"])),
                    RELATIONS: "；".join(relations),
                }
            )
    if not rows:
        return empty_relation_failed()
    return pd.DataFrame(rows, columns=list(RELATION_FAILED_COLUMNS))


def relation_failed_sql(run: Callable[[exp.Expr], pd.DataFrame], source: str, rules: Rules) -> pd.DataFrame:
    """The same for lines that stay in a SQL engine: only the tagged lines are fetched."""
    where = exp.column(TAGS).like(exp.Literal.string(f"%{RELATION_FAILED_PREFIX}%"))
    query = exp.select(*[exp.column(c) for c in COLUMNS]).from_(source).where(where)
    lines = conform(run(query))
    return relation_failed_cells(lines, rules)


def relation_failed_findings(
    found: pd.DataFrame, rules: Rules, stage: str, baseline_stage: str
) -> pd.DataFrame:
    """One finding per department × year × category whose figure failed a relation (not red unless the
    rules make it so; the cell stays 不可比)."""
    part = found.loc[found[STAGE].isin({stage, baseline_stage})] if len(found) else found
    if part.empty:
        return pd.DataFrame()
    from budget_guard.engine.findings import FINDING_KIND, MESSAGE_EN, MESSAGE_ZH, SOURCE_LINES, SOURCES
    from budget_guard.engine.grade import REASON

    level = rules.grading.relation_failed.value
    rows = []
    for r in part.drop_duplicates([DEPARTMENT, YEAR, CATEGORY]).to_dict("records"):
        category = rules.category(r[CATEGORY])
        row = {
            SCOPE_TYPE: DEPARTMENT_SCOPE,
            SCOPE: r[DEPARTMENT],
            CATEGORY: r[CATEGORY],
            YEAR: int(r[YEAR]),
            PREV_YEAR: int(r[YEAR]) - 1,
            AMOUNT_FEN: int(r[AMOUNT_FEN]),
            PREV_AMOUNT_FEN: 0,
            REASON: REASON_RELATION_FAILED,
            STATE: NOT_COMPARABLE,
            LEVEL: level,
            FINDING_KIND: KIND_RELATION_FAILED,
            SOURCES: r[TABLES],
            SOURCE_LINES: 0,
        }
        for lang, column in (("zh", MESSAGE_ZH), ("en", MESSAGE_EN)):
            row[column] = msg.t(
                "relation_failed.finding",
                lang,
                scope=r[DEPARTMENT] if lang == "zh" else f"[{r[DEPARTMENT]}]",
                category=category.name.get(lang),
                year=int(r[YEAR]),
                stage=msg.t(f"stage.{r[STAGE]}", lang) if msg.has(f"stage.{r[STAGE]}") else r[STAGE],
                amount=format_wan(int(r[AMOUNT_FEN])),
                tables=r[TABLES],
                relations=r[RELATIONS],
            )
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "KIND_RELATION_FAILED",
    "RELATION_FAILED_COLUMNS",
    "empty_relation_failed",
    "marked_lines",
    "relation_failed_cells",
    "relation_failed_findings",
    "relation_failed_sql",
]
