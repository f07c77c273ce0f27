"""Display tables for the dashboard, one module per view, computed without Streamlit.

Each view returns a display frame whose columns are the translated labels (what ``st.dataframe``
shows) and, where the page filters or drills down, a parallel ``keys`` frame of raw values (level,
category id, scope …) on the same index. Built once per evaluation and language; a filter is a mask.

- ``common``: labels, level/rate texts, scopes, the ``Table`` frame and the chart field names
- ``overview``: level tiles, guardrail group cards, the load summary line
- ``matrix``: the compliance matrix cells (one scope, or the worst over all scopes)
- ``trend``: the year-over-year trend points with the target amount
- ``departments``: the 部门钻取 scope × category table and one cell's explanation
- ``lines``: the source lines behind one graded number
- ``findings``: the 督办事项 table and its filter
- ``unclassified``: the lines no category selects
- ``load_report``: the 读取报告 (sheets, rejected rows, load problems)

New views (督办台账, scope navigation …) are new modules here, re-exported below.
"""

from budget_guard.dashboard.views.common import (
    ALL_SCOPES,
    AMOUNT_WAN,
    CATEGORY_NAME,
    CELL_COLUMNS,
    GROUP_NAME,
    LEVEL_LABEL,
    MESSAGE,
    ORDER,
    PREV_AMOUNT_WAN,
    RATE_TEXT,
    TARGET_TEXT,
    TARGET_WAN,
    TEXT_MAIN,
    TEXT_SUB,
    WHERE,
    Scope,
    Table,
    compared_years,
    government_scope,
    label,
    level_text,
    money_label,
    rate_label,
    rate_text,
    scope_options,
    scope_text,
    text_width_px,
)
from budget_guard.dashboard.views.departments import DepartmentTable, cell_detail, department_table
from budget_guard.dashboard.views.execution import execution_table, pefa_table
from budget_guard.dashboard.views.findings import FindingFilter, filter_findings, findings_table
from budget_guard.dashboard.views.lines import LINE_COLUMNS, source_lines
from budget_guard.dashboard.views.load_report import (
    PROBLEM_LABELS,
    REJECTED_LABELS,
    SHEET_LABELS,
    accounted_banner,
    problem_counts,
    problems_table,
    rejected_table,
    sheets_table,
    top_problems,
)
from budget_guard.dashboard.views.matrix import broken_cells_text, matrix_cells, matrix_table_html
from budget_guard.dashboard.views.overview import (
    GroupHeadline,
    group_headlines,
    headline_html,
    legend_html,
    level_tiles_html,
    load_summary_text,
    problems_card_html,
)
from budget_guard.dashboard.views.trend import basis_caption, plotted, trend_points
from budget_guard.dashboard.views.unclassified import unclassified_table

__all__ = [
    "execution_table",
    "pefa_table",
    "ALL_SCOPES",
    "AMOUNT_WAN",
    "CATEGORY_NAME",
    "CELL_COLUMNS",
    "GROUP_NAME",
    "LEVEL_LABEL",
    "LINE_COLUMNS",
    "MESSAGE",
    "ORDER",
    "PREV_AMOUNT_WAN",
    "PROBLEM_LABELS",
    "RATE_TEXT",
    "REJECTED_LABELS",
    "SHEET_LABELS",
    "TARGET_TEXT",
    "TARGET_WAN",
    "TEXT_MAIN",
    "TEXT_SUB",
    "WHERE",
    "DepartmentTable",
    "FindingFilter",
    "GroupHeadline",
    "Scope",
    "Table",
    "broken_cells_text",
    "cell_detail",
    "compared_years",
    "department_table",
    "filter_findings",
    "findings_table",
    "government_scope",
    "group_headlines",
    "headline_html",
    "label",
    "legend_html",
    "level_text",
    "level_tiles_html",
    "load_summary_text",
    "matrix_cells",
    "matrix_table_html",
    "money_label",
    "problem_counts",
    "problems_card_html",
    "problems_table",
    "rate_label",
    "rate_text",
    "rejected_table",
    "scope_options",
    "scope_text",
    "sheets_table",
    "text_width_px",
    "source_lines",
    "top_problems",
    "trend_points",
    "accounted_banner",
    "plotted",
    "basis_caption",
    "unclassified_table",
]
