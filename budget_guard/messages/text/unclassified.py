"""Labels of the unclassified-lines summary and of the full list written beside the reports."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "col.amount_yuan": ("金额（元）", "Amount (yuan)"),
    "report.unclassified_list": ("未归类支出明细", "Unclassified lines, full list"),
    "report.unclassified_list_value": (
        "全部 {lines} 行见 {files}；本报告只列按部门、年度、口径和编码汇总的结果",
        "all {lines} lines are in {files}; this report shows them summed by department, year, stage and codes",
    ),
    "report.unclassified_top": (
        "未归类支出金额最大的 {shown} 组（共 {groups} 组，按部门×年度×口径×编码）",
        "The {shown} largest of {groups} groups of unclassified lines (department × year × stage × codes)",
    ),
}
