"""A whole 部门预算 公开 folder (the 预算 stage of docs/ingest.md's table list), built in code: every
table of the 财政部 template and its Shanghai-style titles ends read or set aside with its reason."""

from __future__ import annotations

from fixtures_ingest import write_xlsx

from budget_guard.ingest import read_budget
from budget_guard.ingest.table_outcomes import table_summary_lines

UNIT = [None, None, None, None, "单位：万元"]


def summary(title: str, rows: list[list[object]]) -> list[list[object]]:
    return [[title], UNIT, *rows]


def income_spending(title: str) -> list[list[object]]:
    return summary(
        title,
        [
            ["收入", None, "支出", None],
            ["项目", "预算数", "项目", "预算数"],
            ["一般公共预算拨款收入", "313.00", "一般公共服务支出", "313.00"],
            ["收入总计", "313.00", "支出总计", "313.00"],
        ],
    )


def income(title: str) -> list[list[object]]:
    return summary(
        title,
        [
            ["项目", None, "合计", "一般公共预算拨款收入"],
            ["功能分类科目编码", "科目名称", None, None],
            ["2010601", "行政运行", "213.00", "213.00"],
            ["合计", None, "213.00", "213.00"],
        ],
    )


def general(title: str) -> list[list[object]]:
    return summary(
        title,
        [
            ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["2010601", "行政运行", "213.00", "213.00", None],
            ["2010602", "一般行政管理事务", "100.00", None, "100.00"],
            ["合计", None, "313.00", "213.00", "100.00"],
        ],
    )


def all_funds(title: str) -> list[list[object]]:
    return summary(
        title,
        [
            ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["2010601", "行政运行", "223.00", "223.00", None],
            ["2010602", "一般行政管理事务", "100.00", None, "100.00"],
            ["合计", None, "323.00", "223.00", "100.00"],
        ],
    )


def basic(title: str) -> list[list[object]]:
    return [
        [title],
        [None, None, None, None, None, "单位：万元"],
        ["经济分类科目编码", "科目名称", "预算数", "经济分类科目编码", "科目名称", "预算数"],
        ["301", "工资福利支出", "100.00", "302", "商品和服务支出", "113.00"],
        ["30101", "基本工资", "100.00", "30201", "办公费", "110.00"],
        [None, None, None, "30217", "公务接待费", "3.00"],
        ["人员经费合计", None, "100.00", "公用经费合计", None, "113.00"],
    ]


def sangong(title: str) -> list[list[object]]:
    return [
        [title],
        [None, None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费", "机关运行经费"],
        [None, None, "小计", "购置费", "运行费", None, None],
        ["3.00", "0.00", "0.00", "0.00", "0.00", "3.00", "113.00"],
    ]


def empty_fund(title: str) -> list[list[object]]:
    return summary(
        title,
        [
            ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["合计", None, None, None, None],
            ["注：本部门无此项支出，故本表无数据。", None, None, None, None],
        ],
    )


def procurement(title: str) -> list[list[object]]:
    return summary(title, [["项目", "采购品目", "预算数"], ["办公设备", "计算机", "12.00"]])


def performance(title: str) -> list[list[object]]:
    return summary(title, [["项目名称", "绩效目标", "预算数"], ["信息化运维", "系统可用率", "30.00"]])


FOLDERS = {
    # 财政部 template titles
    "template": {
        "01": ("2025年甲局部门收支总表", income_spending, "not-spending", "收支总表"),
        "02": ("2025年甲局部门收入总表", income, "not-spending", "收入表"),
        "03": ("2025年甲局部门支出总表", all_funds, "read", ""),
        "04": ("2025年甲局财政拨款收支总表", income_spending, "not-spending", "收支总表"),
        "05": ("2025年甲局一般公共预算支出表", general, "read", ""),
        "06": ("2025年甲局一般公共预算基本支出表", basic, "read", ""),
        "07": ("2025年甲局一般公共预算“三公”经费支出表", sangong, "read", "运行经费按本表所列机关运行经费"),
        "08": ("2025年甲局政府性基金预算支出表", empty_fund, "empty", "本表无数据"),
        "09": ("2025年甲局国有资本经营预算支出表", empty_fund, "empty", "本表无数据"),
        "10": ("2025年甲局政府采购预算表", procurement, "not-spending", "政府采购表"),
        "11": ("2025年甲局项目支出绩效目标表", performance, "not-spending", "绩效表"),
    },
    # Shanghai-style titles of the same tables
    "shanghai": {
        "01": ("乙局2025年部门财务收支预算总表", income_spending, "not-spending", "收支总表"),
        "02": ("乙局2025年部门收入预算表", income, "not-spending", "收入表"),
        "03": ("乙局2025年部门支出预算表", all_funds, "read", ""),
        "04": ("乙局2025年财政拨款收支预算总表", income_spending, "not-spending", "收支总表"),
        "05": ("乙局2025年一般公共预算支出功能分类预算表", general, "read", ""),
        "06": ("乙局2025年一般公共预算基本支出部门预算经济分类预算表", basic, "read", ""),
        "07": ("乙局2025年“三公”经费和机关运行经费预算表", sangong, "read", "运行经费按本表所列机关运行经费"),
        "08": ("乙局2025年政府性基金预算支出功能分类预算表", empty_fund, "empty", "本表无数据"),
        "09": ("乙局2025年国有资本经营预算支出功能分类预算表", empty_fund, "empty", "本表无数据"),
    },
}


def test_every_budget_table_of_both_title_styles_is_accounted_for(tmp_path):
    for style, tables in FOLDERS.items():
        folder = tmp_path / style
        folder.mkdir()
        for number, (title, build, _, _) in tables.items():
            write_xlsx(folder / f"{number}_{title}.xlsx", {"Sheet1": build(title)})
        load = read_budget(folder)
        assert not [f.name for f in load.files if f.unreadable], style
        got = {f.name[:2]: (f.sheets[0].outcome, f.sheets[0].reason_zh) for f in load.files}
        for number, (title, _, outcome, reason) in tables.items():
            assert got[number][0] == outcome, (style, title, got[number])
            assert reason in got[number][1], (style, title, got[number])
        lines = table_summary_lines(load)
        assert len(lines) == len(tables) + 1
