"""Texts about relations a table's figures must satisfy (合计 = Σ parts, 三公小计 = 出国 + 车 + 接待 …)
and the cells that are not graded because a figure they use failed one."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "problem.title.relation-sangong-subtotal": ("三公小计勾稽不符", "三公 subtotal does not add up"),
    "problem.title.relation-car-subtotal": ("公务用车小计勾稽不符", "car subtotal does not add up"),
    "problem.title.relation-sangong-table-total": ("三公表合计勾稽不符", "三公 table total does not add up"),
    "problem.title.relation-column-sum": ("合计列勾稽不符", "aggregate column does not add up"),
    "problem.title.relation-total-row": ("合计行勾稽不符", "total row does not add up"),
    "problem.title.column-unlabelled": ("有数无列名", "figure without a column label"),
    "problem.title.relations-checked": ("已核对的勾稽关系", "relations checked"),
    "problem.hint.relations-checked": (
        "仅供参考：表头所示的每一项合计关系都已逐行（分预算数、决算数）核对；不成立的另有警告",
        "Informational: every sum the header states was checked on every row (per stage); failures are warnings of their own.",
    ),
    "problem.title.column-label-repeated": ("两列同名", "two columns under one label"),
    "problem.hint.column-label-repeated": (
        "两列的列名相同，通常是漏读了一行表头、把左边的列名延伸到了本列；请对照原表核对表头，本行各数在核对前不作结论",
        "Two columns share a label, usually because a header row was missed and the label on the left was carried "
        "over; check the header against the printed table; no verdict on this row until then.",
    ),
    "problem.hint.column-unlabelled": (
        "每个数都应在某个列名之下；请核对表头（列名是否印在别的行、合并单元格是否丢失），本行各数在核对前不作结论",
        "Every figure stands under a column label: check the header rows (a label printed in another row, a lost "
        "merged cell); no verdict on this row until then.",
    ),
    "problem.hint.relation-sangong-subtotal": (
        "三公小计应等于因公出国（境）费、公务用车购置及运行费、公务接待费之和；请对照原表核对表头各列是否读对，"
        "或更正原表。本行三公经费在核对前不作结论（不可比）",
        "The 三公 subtotal is abroad + cars + reception: compare the header with the printed table, or correct "
        "the table. Until then this row's 三公 gets no verdict (not comparable).",
    ),
    "problem.hint.relation-car-subtotal": (
        "公务用车购置及运行费应等于购置费与运行（维护）费之和；请对照原表核对，本行三公经费在核对前不作结论",
        "Cars = purchase + running: check against the printed table; no verdict on this row's 三公 until then.",
    ),
    "problem.hint.relation-sangong-table-total": (
        "同时列出会议费、培训费的三公表，其合计应等于三公经费、会议费、培训费之和；请对照原表核对，"
        "本行各数在核对前不作结论",
        "A 三公 table that prints 会议费 and 培训费: 合计 = 三公 + 会议费 + 培训费. Check against the printed "
        "table; no verdict on this row until then.",
    ),
    "problem.hint.relation-column-sum": (
        "多层表头中合计、小计列应等于其下各列之和；请对照原表核对表头，本行各数在核对前不作结论",
        "A 合计/小计 column of a multi-level header is the sum of the columns it heads: check the header "
        "against the printed table; no verdict on this row until then.",
    ),
    "problem.hint.relation-total-row": (
        "合计行应等于各行之和；请对照原表核对，这些行的数在核对前不作结论",
        "A total row is the sum of the rows: check against the printed table; no verdict on these rows until then.",
    ),
    "headline.why.relation_failed": (
        "{cells}处数据勾稽不符，不作结论（如{tables}：{relations}），请对照原表核对；其余：{rest}",
        "{cells} figure(s) whose table does not add up get no verdict (e.g. {tables}: {relations}); check them "
        "against the printed tables. Otherwise: {rest}",
    ),
    "reason.relation_failed": (
        "{scope}{category}{year}年（或上年）的金额用到了勾稽关系不成立的数（表内合计与分项之和不符），不可比",
        "{scope} {category} {year} (or its previous year) uses a figure that failed a relation its table "
        "states (a total that is not the sum of its parts); not comparable",
    ),
    "relation_failed.finding": (
        "数据问题（勾稽不符）：{scope}{category}{year}年{stage}{amount}万元取自{tables}，该表勾稽关系不成立：{relations}。"
        "无法判断哪一个数有误，该数及其前后年度的同比不作结论（不可比），不是达标。请对照原表核对后重新读取",
        "Data problem (relation failed): {scope} {category} {year} {stage} {amount} 10k CNY comes from {tables}, "
        "whose figures do not add up: {relations}. Which figure is wrong cannot be told: no verdict on it or on "
        "the comparisons around it (not comparable), never compliant. Check against the printed table and read again.",
    ),
}
