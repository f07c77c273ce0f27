"""Texts about printed figures (a table's 机关运行经费 for a whole department-year) in the totals."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "recon.printed": (
        "；其中{lines}行是表中另列的数字（如机关运行经费）共{amount}万元：这笔钱已含在各行中，只用于其所属类别，"
        "不是另一笔支出，不计这些行的合计为{net}万元",
        "; {lines} of them are figures a table prints apart (such as 机关运行经费), {amount} 10k CNY in all: "
        "that money is already in other lines and is used only for its category, not more spending; "
        "without them the total is {net} 10k CNY",
    ),
}
