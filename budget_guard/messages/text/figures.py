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
}
