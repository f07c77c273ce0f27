"""Money added twice inside one category: a 功能分类 table and an 经济分类 table of the same money.

A published 部门预算/决算 lists one department-year's spending by function (支出表) and again by
economic class (基本支出表). Reading both is right: a category that selects by 经济分类 codes only
(三公经费, 一般性支出) picks lines of the 经济 table only, one that selects by 功能分类 codes only
(改善民生) lines of the 功能 table only, so each amount is counted once (the load report's
``classification-overlap`` notice says so with both totals). A category whose selector reads both
classifications (``any_of`` an 经济 code or a 功能 code, or an item keyword that both tables print)
can pick lines of both tables: its amount then adds the same money twice. Such a cell is never
graded: it is 不可比 (``double_counted``), so is the next year's cell that uses it as baseline and the
全市合计 of that category and year, and one red finding per department × year × category names both
figures and both tables. Pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

from budget_guard import messages as msg
from budget_guard.engine.classify import classify
from budget_guard.engine.compare import (
    CATEGORY,
    DEPARTMENT_SCOPE,
    DIVISION_SCOPE,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.grade import LEVEL, NOTICE_LEVEL, REASON
from budget_guard.engine.states import NOT_COMPARABLE, REASON_DOUBLE_COUNTED, STATE
from budget_guard.ingest.settle.overlap import (
    PROFILE_COLUMNS,
    ClassificationOverlap,
    classification_overlaps,
    overlaps_from_profile,
    table_names,
)
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import (
    AMOUNT_FEN,
    COLUMNS,
    DEPARTMENT,
    SOURCE_FILE,
    SOURCE_SHEET,
    STAGE,
    YEAR,
    conform,
    format_wan,
)

FUNC_FEN = "func_fen"
ECON_FEN = "econ_fen"
FUNC_TABLES = "func_tables"
ECON_TABLES = "econ_tables"
DOUBLE_COUNTED_COLUMNS = (STAGE, DEPARTMENT, YEAR, CATEGORY, FUNC_FEN, ECON_FEN, FUNC_TABLES, ECON_TABLES)
KIND_DOUBLE_COUNTED = "double_counted"  # findings.FINDING_KIND of the red data finding


def empty_double_counted() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in DOUBLE_COUNTED_COLUMNS})


def double_counted(
    table: pd.DataFrame, rules: Rules, overlaps: list[ClassificationOverlap] | None = None
) -> pd.DataFrame:
    """One row per stage × department × year × category whose amount takes lines from both the
    功能分类 and the 经济分类 table of the same money (both amounts non-zero).

    Only the lines of department-years read from both kinds of table are classified again, so an
    ordinary input (one source per department-year) costs one pass over integer codes.
    """
    overlaps = classification_overlaps(table) if overlaps is None else overlaps
    if not overlaps:
        return empty_double_counted()
    # which overlap and side (功能 0 / 经济 1) each line of an overlapping sheet belongs to: one merge
    sheets = pd.DataFrame(
        [
            (o.department, o.year, o.stage, file, sheet, i, side)
            for i, o in enumerate(overlaps)
            for side, tables in ((0, o.func_tables), (1, o.econ_tables))
            for file, sheet in tables
        ],
        columns=[DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET, "_overlap", "_side"],
    )
    candidates = table.loc[
        table[DEPARTMENT].isin(sheets[DEPARTMENT].unique()).to_numpy()
        & table[YEAR].isin(sheets[YEAR].unique()).to_numpy()
    ]
    keys = pd.DataFrame(
        {
            DEPARTMENT: candidates[DEPARTMENT].astype("object").astype(str).to_numpy(),
            YEAR: candidates[YEAR].to_numpy(dtype=np.int64),
            STAGE: candidates[STAGE].astype("object").astype(str).to_numpy(),
            SOURCE_FILE: candidates[SOURCE_FILE].astype("object").astype(str).to_numpy(),
            SOURCE_SHEET: candidates[SOURCE_SHEET].astype("object").fillna("").astype(str).to_numpy(),
            "_position": np.arange(len(candidates)),
        }
    )
    matched = keys.merge(sheets, on=[DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET], how="inner")
    if matched.empty:
        return empty_double_counted()
    subset = candidates.iloc[matched["_position"].to_numpy()]
    membership = classify(subset, rules)
    amounts = subset[AMOUNT_FEN].to_numpy(dtype=np.int64)
    groups = [matched["_overlap"].to_numpy(), matched["_side"].to_numpy()]
    rows = []
    for category in rules.categories:
        member = membership[category.id].to_numpy(dtype=bool)
        if not member.any():
            continue
        sums = pd.Series(np.where(member, amounts, 0)).groupby(groups).sum().unstack(fill_value=0)
        if sums.shape[1] < 2:
            continue
        for i in sums.index[(sums[0] != 0) & (sums[1] != 0)]:
            overlap = overlaps[int(i)]
            rows.append(
                {
                    STAGE: overlap.stage,
                    DEPARTMENT: overlap.department,
                    YEAR: overlap.year,
                    CATEGORY: category.id,
                    FUNC_FEN: int(sums.at[i, 0]),
                    ECON_FEN: int(sums.at[i, 1]),
                    FUNC_TABLES: table_names(overlap.func_tables),
                    ECON_TABLES: table_names(overlap.econ_tables),
                }
            )
    if not rows:
        return empty_double_counted()
    found = pd.DataFrame(rows, columns=list(DOUBLE_COUNTED_COLUMNS))
    return found.sort_values([STAGE, DEPARTMENT, YEAR], kind="stable").reset_index(drop=True)


def _hits(found: pd.DataFrame, stage: str) -> set[tuple[str, str, int]]:
    part = found.loc[found[STAGE] == stage]
    return {
        (str(d), str(c), int(y)) for d, c, y in zip(part[DEPARTMENT], part[CATEGORY], part[YEAR], strict=True)
    }


def mark_cells(
    summary: pd.DataFrame,
    found: pd.DataFrame,
    stage: str,
    baseline_stage: str,
    reason: str = REASON_DOUBLE_COUNTED,
) -> pd.DataFrame:
    """Cells whose amount (this year, at ``stage``) or baseline (last year, at ``baseline_stage``)
    adds the same money twice become 不可比 (``double_counted``), with no grade and no notice of
    their own: the red finding of ``findings`` speaks for them. 全市合计 (and 区划) of that
    category and year hold the department's doubled amount, so they are marked too. ``found`` may
    be any frame of stage × department × year × category hits with its own ``reason`` (the cells
    of a figure that failed a relation: engine/relation_failed.py)."""
    if found.empty or summary.empty:
        return summary
    current = _hits(found, stage)
    previous = {(d, c, y + 1) for d, c, y in _hits(found, baseline_stage)}
    hit = current | previous
    scope_type = summary[SCOPE_TYPE].astype(str).to_numpy()
    keys = zip(
        summary[SCOPE].astype(str), summary[CATEGORY].astype(str), summary[YEAR].astype(int), strict=True
    )
    dept_hit = np.fromiter((k in hit for k in keys), dtype=bool, count=len(summary))
    dept_hit &= scope_type == DEPARTMENT_SCOPE
    wide = {(c, y) for _, c, y in hit}
    wide_keys = zip(summary[CATEGORY].astype(str), summary[YEAR].astype(int), strict=True)
    wide_hit = np.fromiter((k in wide for k in wide_keys), dtype=bool, count=len(summary))
    wide_hit &= np.isin(scope_type, [GOVERNMENT, DIVISION_SCOPE])
    mask = dept_hit | wide_hit
    if not mask.any():
        return summary
    out = summary.copy()
    out.loc[mask, STATE] = NOT_COMPARABLE
    out.loc[mask, REASON] = reason
    out.loc[mask, LEVEL] = None
    if NOTICE_LEVEL in out:
        out.loc[mask, NOTICE_LEVEL] = None
    return out


def double_count_findings(found: pd.DataFrame, rules: Rules, stage: str, baseline_stage: str) -> pd.DataFrame:
    """One red (``grading.double_counted``) finding per department × year × category added twice."""
    part = found.loc[found[STAGE].isin({stage, baseline_stage})]
    if part.empty:
        return pd.DataFrame()
    from budget_guard.engine.findings import FINDING_KIND, MESSAGE_EN, MESSAGE_ZH, SOURCE_LINES, SOURCES

    level = rules.grading.double_counted.value
    rows = []
    for r in part.drop_duplicates([DEPARTMENT, YEAR, CATEGORY]).to_dict("records"):
        category = rules.category(r[CATEGORY])
        row = {
            SCOPE_TYPE: DEPARTMENT_SCOPE,
            SCOPE: r[DEPARTMENT],
            CATEGORY: r[CATEGORY],
            YEAR: int(r[YEAR]),
            PREV_YEAR: int(r[YEAR]) - 1,
            AMOUNT_FEN: int(r[FUNC_FEN]) + int(r[ECON_FEN]),
            PREV_AMOUNT_FEN: 0,
            REASON: REASON_DOUBLE_COUNTED,
            STATE: NOT_COMPARABLE,
            LEVEL: level,
            FINDING_KIND: KIND_DOUBLE_COUNTED,
            SOURCES: f"{r[FUNC_TABLES]}；{r[ECON_TABLES]}",
            SOURCE_LINES: 0,
        }
        for lang, column in (("zh", MESSAGE_ZH), ("en", MESSAGE_EN)):
            row[column] = msg.t(
                "double_count.finding",
                lang,
                scope=r[DEPARTMENT] if lang == "zh" else f"[{r[DEPARTMENT]}]",
                category=category.name.get(lang),
                year=int(r[YEAR]),
                stage=msg.t(f"stage.{r[STAGE]}", lang) if msg.has(f"stage.{r[STAGE]}") else r[STAGE],
                amount=format_wan(int(r[FUNC_FEN]) + int(r[ECON_FEN])),
                func=format_wan(int(r[FUNC_FEN])),
                econ=format_wan(int(r[ECON_FEN])),
                func_tables=r[FUNC_TABLES],
                econ_tables=r[ECON_TABLES],
            )
        rows.append(row)
    return pd.DataFrame(rows)


def overlap_texts(
    overlaps: list[ClassificationOverlap], found: pd.DataFrame, rules: Rules, lang: str
) -> list[str]:
    """What the reconciliation line adds per department-year read by both classifications: both
    totals, which table gives which, which one the department total follows, and whether a
    category added both (red)."""
    texts = []
    for o in overlaps:
        hit = found.loc[
            (found[DEPARTMENT] == o.department) & (found[YEAR] == o.year) & (found[STAGE] == o.stage),
            CATEGORY,
        ]
        stage = msg.t(f"stage.{o.stage}", lang) if msg.has(f"stage.{o.stage}") else o.stage
        values = {
            "department": o.department if lang == "zh" else f"[{o.department}]",
            "year": o.year,
            "stage": stage,
            "func_tables": table_names(o.func_tables),
            "econ_tables": table_names(o.econ_tables),
            "func": format_wan(o.func_fen),
            "econ": format_wan(o.econ_fen),
        }
        text = msg.t("double_count.recon", lang, **values)
        if len(hit):
            names = ("、" if lang == "zh" else ", ").join(rules.category(c).name.get(lang) for c in hit)
            text += msg.t("double_count.recon_red", lang, categories=names)
        texts.append(text)
    return texts


# The same profile as ingest.overlap.sheet_profile, for lines that stay in a SQL engine (DuckDB,
# Spark): one row per department × year × stage × sheet, a few thousand rows even for a province.
_PROFILE_SQL = """
SELECT department, year, stage, source_file, COALESCE(source_sheet, '') AS source_sheet,
       COUNT(func_code) AS func_lines, COUNT(econ_code) AS econ_lines,
       SUM(CASE WHEN expense_type = '基本支出' THEN 1 ELSE 0 END) AS basic_lines,
       SUM(CASE WHEN expense_type = '项目支出' THEN 1 ELSE 0 END) AS project_lines,
       SUM(CASE WHEN expense_type IS NULL THEN 1 ELSE 0 END) AS untyped_lines,
       CAST(SUM(amount_fen) AS BIGINT) AS amount_fen
FROM lines
WHERE func_code IS NOT NULL OR econ_code IS NOT NULL OR gov_econ_code IS NOT NULL
GROUP BY department, year, stage, source_file, COALESCE(source_sheet, '')
"""


def profile_select(source: str) -> exp.Expr:
    query = sqlglot.parse_one(_PROFILE_SQL)
    for table in query.find_all(exp.Table):
        table.replace(exp.to_table(source))
    return query


def double_counted_sql(
    run: Callable[[exp.Expr], pd.DataFrame], source: str, rules: Rules
) -> tuple[list[ClassificationOverlap], pd.DataFrame]:
    """(overlaps, double-counted cells) of lines in a SQL engine: the profile in SQL, then only the
    lines of the department-years read by both classifications fetched and classified as on pandas."""
    profile = run(profile_select(source))
    profile = profile[list(PROFILE_COLUMNS)]
    overlaps = overlaps_from_profile(profile)
    if not overlaps:
        return overlaps, empty_double_counted()
    where = exp.and_(
        exp.column(DEPARTMENT).isin(*sorted({o.department for o in overlaps})),
        exp.column(YEAR).isin(*sorted({o.year for o in overlaps})),
        exp.column(STAGE).isin(*sorted({o.stage for o in overlaps})),
    )
    query = exp.select(*[exp.column(c) for c in COLUMNS]).from_(source).where(where)
    lines = conform(run(query))
    return overlaps, double_counted(lines, rules, overlaps)
