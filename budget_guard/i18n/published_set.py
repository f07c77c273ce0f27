"""The published set (ingest/settle/published_set.py): table kinds, the funding-scope lattice, 表间勾稽 relations."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "reason.relation_failed": (
        "{scope}{category}{year}年（或上年）所用的数未通过表间勾稽（见加载报告的勾稽结果），不作结论，不可比",
        "{scope} {category} {year} (or its previous year): a figure it uses fails a cross-table relation "
        "(see the relations in the load report); no verdict, not comparable",
    ),
}
