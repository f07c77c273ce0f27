"""What a figure shows and on which basis: the trend chart's pairs and totals, list separators."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "list.sep": ("、", ", "),
    "list.sep_clause": ("；", "; "),
    "app.trend.basis.comparable": ("可比口径", "Comparable basis"),
    "app.trend.basis.all": ("全部部门", "All departments"),
    "app.trend.series.pair": ("可比口径（评级所比的两年）", "Comparable pair (the two years graded)"),
    "app.trend.series.total": ("全部部门合计", "All departments"),
    "app.trend.left_out_year": ("{year}年未计入{names}", "{year} leaves out {names}"),
    "app.trend.left_out": (
        "可比口径只含两年都有数据的部门：{years}。",
        "The comparable basis counts only departments with figures in both years: {years}.",
    ),
    "app.trend.col.basis": ("口径", "Basis"),
    "app.trend.col.left_out": ("可比口径未计入", "Left out of the basis"),
    # what is counted: findings (督办事项 are the red ones only) and compared cells, never mixed
    "counts.findings": ("发现（项）", "Findings"),
    "counts.cells": ("单元格（范围×类别×年度）", "Cells (scope × category × year)"),
    "counts.findings_row": ("发现：{counts}", "Findings: {counts}"),
    "counts.cells_row": ("单元格：{counts}", "Cells: {counts}"),
    "counts.note": (
        "发现含不属于任何单元格的数据问题与完整性提示（如某部门某年未报送），所以发现数可多于同色单元格数；督办事项只指红色发现。",
        "Findings include data and completeness findings that belong to no cell (a department that sent "
        "nothing for a year), so there can be more findings than cells of the same colour; only red "
        "findings are supervised.",
    ),
    "counts.tiles_note": (
        "红、黄、白为发现项数（督办事项只指红色）；达标为达标单元格数。",
        "Red, yellow and white count findings (only red ones are supervised); compliant counts cells.",
    ),
    "app.matrix.not_comparable_scopes": (
        "{count}个范围不可比，{compliant}个达标",
        "{count} n/c · {compliant} OK",  # fits a matrix cell (the tooltip has the whole message)
    ),
    "app.load.accounted_failed": (
        "{count}个文件读取失败：{names}；这些文件的行没有读入，不能说每行都已归类",
        "{count} file(s) could not be read: {names}; their rows were not read, so not every row is accounted for",
    ),
    # jurisdictions: lines of several 财政区划 are one government's only when the rules say so
    "note.jurisdictions": (
        "数据含{count}个财政区划：{names}。规则未声明它们属于同一级政府（compare.government_label），"
        "因此不加总为一个合计，各区划分别报告；如确属同一级政府，请在规则中设置 government_label",
        "The data hold {count} fiscal divisions (财政区划): {names}. The rules do not declare them one "
        "government (compare.government_label), so they are not added into one total and each is "
        "reported on its own; set government_label in the rules if they are one government",
    ),
    # engines say what they need
    "engine.not_canonical": (
        "不是规范表（缺少列 {missing}；表头为 {present} …）：DuckDB/Spark 引擎只读规范表，"
        "请先运行 budget-guard convert {where} --out 转换目录，再对转换目录运行 check --engine",
        "not a canonical table (no column {missing}; its header is {present} …): the DuckDB "
        "and Spark engines read canonical tables only; run budget-guard convert {where} --out DIR first, "
        "then check DIR with --engine",
    ),
}
