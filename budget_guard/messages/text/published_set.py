"""The published set (ingest/settle/published_set.py): table kinds, the funding-scope lattice, 表间勾稽 relations."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "execution.reason.different_tables": (
        "{scope}{year}年{category}决算{final}万元与{against_label}{against}万元取自不同种类的表（例如预算数只有三公经费表的预算栏），不是同一口径，不可比，不作执行评价",
        "{scope}: {category} {year}: the final accounts ({final}, 10k yuan) and the {against_label} ({against}) come from "
        "different kinds of table (e.g. the budget only from a 三公 table's budget column): not like for like, not assessed",
    ),
    "problem.title.relation-failed": ("表间勾稽不符", "cross-table relation fails"),
    "problem.hint.relation-failed": (
        "请对照公开文件核对两张表：其中一张读错或印错；两者相符之前，用到这些数的类别不作结论（不可比）",
        "Check both tables against the printed documents: one of them is misread or misprinted; until they agree, the "
        "categories using these figures get no verdict (not comparable).",
    ),
    "published.total": (
        "{department}{year}年{stage}部门支出总额{total}（{table}{how}，{scope}口径）",
        "[{department}] {year} {stage}: department total {total} ({table}, {how}, {scope})",
    ),
    "published.total_printed": ("表中合计", "its printed total"),
    "published.total_summed": ("明细之和，该表未印合计", "the sum of its lines; it prints no total"),
    "published.uses": ("，读入各表与之的关系：{uses}", "; how each table read relates to it: {uses}"),
    "published.recon_intro": (
        "部门支出总额（以所选口径的表中合计为准）：",
        "The department total (the printed total of the chosen scope's table): ",
    ),
    "published.recon_after": (
        "。以下“全部行”是读入的全部明细（含另一种分类的同一笔钱），不是部门支出总额：",
        ". The 'all lines' below are every line read (including the same money in the other classification), not the department total: ",
    ),
    "published.partly": (
        "（表中{printed}，与他表相同的部分由他表计入）",
        " (printed {printed}; the part other tables hold is counted from them)",
    ),
    "problem.title.year-range-in-name": ("文件名中的年度范围", "year range in the file name"),
    "problem.hint.year-range-in-name": (
        "年度范围包含多个年度：请在表中写明每行的年度（年度列），或用 --year 指定本次的年度",
        "A range names several years: give each line its year (a 年度 column) or the run's year (--year).",
    ),
    "problem.title.year-column-unrecognised": ("未识别的年度列", "unrecognised year column"),
    "problem.hint.year-column-unrecognised": (
        "把该列改名为“年度”（或“预算年度”），或在文件只有一个年度时用 --year 指定",
        "Rename the column to 年度 (or 预算年度), or pass --year when the file holds one year.",
    ),
    "error.rules.scope_repeated": (
        "资金口径重复列出：{scopes_zh}（每个口径只写一次）",
        "funding scope listed twice: {scopes_en} (list each scope once)",
    ),
    "report.relations": ("表间勾稽", "Cross-table relations"),
    "published.cli_heading": (
        "公开表集合（每个部门年度一组；部门支出总额与表间勾稽）：",
        "Published sets (per department-year: the department total and the cross-table relations):",
    ),
}
