"""What the two real folders do not show, built in code: 三公 购置费 as project spending, 会议费/培训费
columns beside 三公, a misprinted split code, 1-元 gaps in a 元 table, 部门预算 beside 单位预算, a
支出决算表 with 其他资金, 单位预留机动经费, label rows above the title, a CSV without department/year."""

from __future__ import annotations

from fixtures_ingest import problems_of, write_csv, write_xlsx

from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.ingest.table_outcomes import table_summary_lines
from budget_guard.model.rulebook import load_rules

WAN = 1_000_000
SANGONG = ["30212", "30217", "30231", "31013"]


def basic_rows(department: str, year: int, reception: str, office: str = "10.00") -> list[list[object]]:
    """A 基本支出预算表 (side-by-side 经济分类) whose 302 includes 公务接待费 (basic money)."""
    return [
        [f"{year}年{department}一般公共预算基本支出预算表"],
        [None, None, None, None, None, "单位：万元"],
        ["经济分类科目编码", "科目名称", "预算数", "经济分类科目编码", "科目名称", "预算数"],
        ["301", "工资福利支出", "100.00", "302", "商品和服务支出", f"{float(office) + float(reception):.2f}"],
        ["30101", "基本工资", "100.00", "30201", "办公费", office],
        [None, None, None, "30217", "公务接待费", reception],
        ["人员经费合计", None, "100.00", "公用经费合计", None, f"{float(office) + float(reception):.2f}"],
    ]


def sangong_budget_rows(department: str, year: int, reception: str, purchase: str) -> list[list[object]]:
    """A single-stage 三公经费预算表: one data row, 公务用车 split into 购置费 and 运行维护费."""
    total = float(reception) + float(purchase)
    return [
        [f"{year}年{department}“三公”经费预算表"],
        [None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行维护费", None, None, "公务接待费"],
        [None, None, "小计", "购置费", "运行维护费", None],
        [f"{total:.2f}", "0.00", purchase, purchase, "0.00", reception],
    ]


def sangong_sum(table, stage: str = "budget") -> int:
    rows = table["econ_code"].isin(SANGONG) & (table["stage"] == stage)
    return int(table.loc[rows, "amount_fen"].sum())


def test_sangong_purchase_is_project_money_and_a_rise_is_red(tmp_path):
    """公务用车购置 25 万元 (a project, in no 基本支出 table) bought in 2025: 三公经费 rises → red, never 达标."""
    paths = []
    for year, purchase in ((2024, "0.00"), (2025, "25.00")):
        paths.append(
            write_xlsx(
                tmp_path / f"{year}年某局部门预算.xlsx",
                {
                    "基本支出": basic_rows("某局", year, "1.00"),
                    "三公": sangong_budget_rows("某局", year, "1.00", purchase),
                },
            )
        )
    load = read_budget(paths)
    assert not load.errors
    assert not problems_of(load, "sangong-car-unsplit")  # 购置费 and 运行维护费 are printed
    assert not problems_of(load, "table-repeated")
    table = load.table
    for year, expected in ((2024, "1.00"), (2025, "26.00")):
        in_year = table[table["year"] == year]
        assert sangong_sum(in_year) == int(float(expected) * 100) * 10_000
    # the basic table keeps its 公务接待费 (日常公用经费 needs it); the 三公 table adds only the rest
    basic = table[(table["source_sheet"] == "基本支出") & (table["econ_code"] == "30217")]
    assert sorted(basic["amount_fen"].tolist()) == [WAN, WAN]
    evaluation = evaluate(table, load_rules(), "budget")
    row = evaluation.summary[
        (evaluation.summary["category"] == "sangong")
        & (evaluation.summary["scope"] == "某局")
        & (evaluation.summary["year"] == 2025)
    ]
    assert row["level"].tolist() == ["red"]


def test_meeting_and_training_columns_beside_sangong_are_not_sangong(tmp_path):
    rows = [
        ["2025年某局“三公”经费预算表"],
        [None, None, None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费", None, None],
        [None, None, "小计", "购置费", "运行费", None, "会议费", "培训费"],
        ["3.00", "1.00", "0.00", "0.00", "0.00", "2.00", "5.00", "7.00"],
    ]
    load = read_budget(write_xlsx(tmp_path / "三公.xlsx", {"三公": rows}))
    assert sangong_sum(load.table) == 3 * WAN  # 三公 at its printed 小计, not 3 times it
    # 会议费 and 培训费 are figures of their own beside 三公 (tagged, no code), never 公务接待费
    figures = load.table[load.table["econ_code"].isna()]
    assert dict(zip(figures["tags"].astype(str), figures["amount_fen"], strict=True)) == {
        "会议费": 5 * WAN,
        "培训费": 7 * WAN,
    }
    assert not [p for p in load.problems if p.severity != "notice"]  # 合计 3.00 is the 三公 total


def test_misprinted_split_code_is_located_with_a_suggestion(tmp_path):
    rows = [
        ["2024年某局一般公共预算财政拨款支出决算表"],
        [None, None, None, None, "单位：万元"],
        ["类", "款", "项", "科目名称", "合计"],
        ["210", None, None, "卫生健康支出", "60.99"],
        ["210", "11", None, "行政事业单位医疗", "60.99"],
        ["7", "11", "01", "行政单位医疗", "60.99"],
        ["合计", None, None, None, "60.99"],
    ]
    load = read_budget(write_csv(tmp_path / "表.csv", rows))
    suggestion = problems_of(load, "code-suggested")
    assert [(p.row, p.details["suggestion"]) for p in suggestion] == [(6, "2101101")]
    assert problems_of(load, "code-malformed")[0].row == 6
    assert "71101" not in set(load.table["func_code"].astype(str))
    assert int(load.table["amount_fen"].sum()) == 6099 * 10_000  # counted once (the 款 row stands in)


def test_one_yuan_gaps_in_a_whole_yuan_table_are_rounding(tmp_path):
    """Printed in whole 元: each figure may be off by 0.5 元, so 1-元 gaps are notices; 5 元 is a warning."""
    rows = [
        ["2025年某局一般公共预算支出预算表"],
        [None, None, None, "单位：元"],
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["201", "一般公共服务支出", "3001", "2000", "1000"],
        ["20106", "财政事务", "3001", "2000", "1000"],
        ["2010601", "行政运行", "2000", "2000", None],
        ["2010602", "一般行政管理事务", "1000", None, "1000"],
        ["208", "社会保障和就业支出", "105", "105", None],
        ["20805", "行政事业单位养老支出", "105", "105", None],
        ["2080501", "行政单位离退休", "100", "100", None],
        ["合计", None, "3106", "2105", "1000"],
    ]
    load = read_budget(write_csv(tmp_path / "元表.csv", rows))
    gaps = problems_of(load, "rounding-gap")
    assert gaps and all(abs(p.details["printed_fen"] - p.details["computed_fen"]) == 100 for p in gaps)
    warnings = problems_of(load, "hierarchy-mismatch")
    assert [(p.row, p.details["code"]) for p in warnings] == [
        (8, "208"),
        (8, "208"),
        (9, "20805"),
        (9, "20805"),
    ] or warnings
    assert all(p.details["code"] in ("208", "20805") for p in warnings)
    assert all("105" in p.message("zh") and "100" in p.message("zh") for p in warnings)
    sheet = load.files[0].sheets[0]  # the per-table line: the lines read against the printed 合计
    assert (sheet.printed_total_fen, sheet.read_fen) == (310_600, 310_000)
    assert "表中合计3,106.00元，明细之和与之相差-6.00元" in "\n".join(table_summary_lines(load))


def test_reserve_fund_part_of_the_general_budget_total(tmp_path):
    """一般公共预算 合计 = 基本 + 项目 + 单位预留机动经费: the reserve is a line, and the 合计 checks balance."""
    rows = [
        ["2025年某局一般公共预算支出预算表"],
        [None, None, None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出", "单位预留机动经费"],
        ["2010601", "行政运行", "110.00", "100.00", "5.00", "5.00"],
        ["合计", None, "110.00", "100.00", "5.00", "5.00"],
    ]
    load = read_budget(write_csv(tmp_path / "一般.csv", rows))
    assert not problems_of(load, "subtotal-parts-mismatch") and not problems_of(load, "total-mismatch")
    assert int(load.table["amount_fen"].sum()) == 110 * WAN
    reserve = load.table[load.table["expense_type"].isna()]
    assert reserve["item"].tolist() == ["行政运行（单位预留机动经费）"]
    assert load.files[0].sheets[0].layout == "published"


def test_all_funds_table_with_other_funds(tmp_path):
    """支出决算表 (all funds) beside the 一般公共预算 table: only its 其他资金 and 经营支出 are added."""
    general = [
        ["2024年某局一般公共预算财政拨款支出决算表"],
        [None, None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["2010601", "行政运行", "100.00", "100.00", None],
        ["2010602", "一般行政管理事务", "50.00", None, "50.00"],
        ["合计", None, "150.00", "100.00", "50.00"],
    ]
    whole = [
        ["2024年某局支出决算表"],
        [None, None, None, None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "经营支出"],
        ["合计", None, "183.00", "120.00", "60.00", "3.00"],
        ["2010601", "行政运行", "123.00", "120.00", None, "3.00"],
        ["2010602", "一般行政管理事务", "60.00", None, "60.00", None],
    ]
    load = read_budget(write_xlsx(tmp_path / "决算.xlsx", {"一般": general, "支出": whole}))
    assert not load.errors
    table = load.table
    assert int(table["amount_fen"].sum()) == 183 * WAN  # all the money, once
    other = table[table["source_layout"] == "all-funds"].sort_values("amount_fen")
    assert other[["func_code", "amount_fen"]].values.tolist() == [
        ["2010601", 3 * WAN],  # 经营支出: no narrower table holds it
        ["2010602", 10 * WAN],  # 项目支出 from 其他资金
        ["2010601", 20 * WAN],  # 基本支出 from 其他资金
    ]
    report = load.files[0].sheets[1]
    assert report.outcome == "read" and report.read_fen == 183 * WAN and report.amount_fen == 33 * WAN
    assert "一般公共预算财政拨款支出决算表" in report.reason_zh


def test_label_row_above_the_title(tmp_path):
    """``公开06表`` above the title: still a 基本支出 table of the department the title names."""
    rows = [["公开06表"], *basic_rows("某局", 2025, "1.00")]
    load = read_budget(write_xlsx(tmp_path / "b.xlsx", {"表六": rows}))
    sheet = load.files[0].sheets[0]
    assert (sheet.layout, sheet.department, sheet.year) == ("side-by-side", "某局", 2025)
    daily = load.table[load.table["econ_code"].astype(str).str.startswith("302")]
    assert int(daily["amount_fen"].sum()) == 11 * WAN
    rows = [["表六"], *basic_rows("某局", 2025, "1.00")]
    again = read_budget(write_xlsx(tmp_path / "c.xlsx", {"Sheet1": rows}))
    assert again.files[0].sheets[0].department == "某局"


def test_csv_without_department_says_how_to_fix(tmp_path):
    rows = [["科目编码", "科目名称", "金额"], ["2010601", "行政运行", "10.00"]]
    load = read_budget(write_csv(tmp_path / "table.csv", rows))
    messages = [p.message("zh") for p in load.errors]
    assert any("--department" in m for m in messages) and any("--year" in m for m in messages), messages


def test_department_budget_beside_unit_budget(tmp_path):
    """部门预算 includes its units: given both for one department-year, the 部门 one is counted and the 单位 one set aside."""
    dept = [
        ["2025年某局部门预算一般公共预算支出预算表"],
        [None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计"],
        ["2010601", "行政运行", "150.00"],
    ]
    unit = [
        ["2025年某局单位预算一般公共预算支出预算表"],
        [None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计"],
        ["2010601", "行政运行", "100.00"],
    ]
    load = read_budget(
        [write_xlsx(tmp_path / "部门.xlsx", {"s": dept}), write_xlsx(tmp_path / "单位.xlsx", {"s": unit})]
    )
    assert int(load.table["amount_fen"].sum()) == 150 * WAN
    unit_sheet = load.files[1].sheets[0]
    assert unit_sheet.outcome == "repeated" and "部门预算" in unit_sheet.reason_zh


def general_rows(department: str, year: int, name_207: str = "文化旅游体育与传媒支出") -> list[list[object]]:
    return [
        [f"{year}年{department}一般公共预算支出预算表"],
        [None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计"],
        ["207", name_207, "10.00"],
        ["20701", "文化和旅游", "10.00"],
        ["2070101", "行政运行", "10.00"],
    ]


def test_class_named_as_in_an_earlier_year_is_a_notice_with_the_year(tmp_path):
    load = read_budget(write_csv(tmp_path / "t.csv", general_rows("某局", 2018, "文化体育与传媒支出")))
    notes = problems_of(load, "code-name-other-year")
    assert [(p.row, p.details["years"]) for p in notes] == [(4, "2017–2018")]
    assert not [p for p in problems_of(load, "code-name-mismatch") if p.details["value"] == "207"]


def test_declared_aliases_link_a_renamed_department(tmp_path):
    paths = [
        write_csv(tmp_path / "a.csv", general_rows("上海市某区规划和自然资源局", 2024)),
        write_csv(tmp_path / "b.csv", general_rows("某区规划资源局", 2025)),
    ]
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(
        "departments:\n  - name: 上海市某区规划和自然资源局\n    aliases: [某区规划资源局]\n",
        encoding="utf-8",
    )
    load = read_budget(paths, aliases=aliases)
    assert set(load.table["department"].astype(str)) == {"上海市某区规划和自然资源局"}
    linked = problems_of(load, "department-linked")
    assert [(p.details["name"], p.details["canonical"]) for p in linked] == [
        ("某区规划资源局", "上海市某区规划和自然资源局")
    ]
    assert "aliases.yaml" in linked[0].message("zh")
    unlinked = read_budget(paths)
    assert len(set(unlinked.table["department"].astype(str))) == 2


def test_alias_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "aliases.yaml"
    bad.write_text("departments:\n  - name: 甲局\n    alias: [乙局]\n", encoding="utf-8")
    load = read_budget(write_csv(tmp_path / "a.csv", general_rows("甲局", 2024)), aliases=bad)
    problem = problems_of(load, "aliases-invalid")[0]
    assert problem.row == 3 and "alias" in problem.message("zh")
    twice = tmp_path / "aliases.csv"
    twice.write_text("name,alias\n甲局,丙局\n乙局,丙局\n", encoding="utf-8")
    load = read_budget(write_csv(tmp_path / "a.csv", general_rows("甲局", 2024)), aliases=twice)
    assert problems_of(load, "aliases-invalid")[0].row == 3


def test_department_code_links_names(tmp_path):
    rows = [
        ["部门", "部门编码", "年度", "功能分类科目编码", "经济分类科目编码", "金额"],
        ["上海市某区财政局", "101", "2024", "2010601", "30201", "100"],
        ["某区财政局", "101", "2025", "2010601", "30201", "90"],
    ]
    load = read_budget(write_csv(tmp_path / "long.csv", rows))
    assert set(load.table["department"].astype(str)) == {"某区财政局"}
    assert problems_of(load, "department-linked")[0].details["how"] == "部门编码101"


def test_single_stage_sangong_budget_with_operating_costs(tmp_path):
    """The 预算 三公 table that also prints 机关运行经费: read (三公 from its items), 机关运行经费 stated, not 三公."""
    rows = [
        ["2025年某局“三公”经费预算和机关运行经费预算表"],
        [None, None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费", "机关运行经费"],
        [None, None, "小计", "购置费", "运行费", None, None],
        ["6.00", "1.00", "3.00", "2.00", "1.00", "2.00", "120.50"],
    ]
    load = read_budget(write_xlsx(tmp_path / "三公.xlsx", {"三公": rows}))
    assert not load.errors and load.files[0].sheets[0].outcome == "read"
    assert sangong_sum(load.table) == 6 * WAN
    printed = problems_of(load, "operating-printed")
    assert [p.details["value"] for p in printed] == ["120.50"]
    assert not problems_of(load, "subtotal-parts-mismatch")


def test_government_fund_table_with_figures_reads_only_its_spending(tmp_path):
    rows = [
        ["2024年某局政府性基金预算财政拨款收入支出决算表"],
        [None, None, None, None, None, None, "单位：万元"],
        [
            "功能分类科目编码",
            "科目名称",
            "年初结转和结余",
            "本年收入",
            "本年支出",
            None,
            None,
            "年末结转和结余",
        ],
        [None, None, None, None, "小计", "基本支出", "项目支出", None],
        ["2120801", "征地和拆迁补偿支出", "5.00", "100.00", "90.00", None, "90.00", "15.00"],
        ["合计", None, "5.00", "100.00", "90.00", None, "90.00", "15.00"],
    ]
    load = read_budget(write_xlsx(tmp_path / "基金.xlsx", {"基金": rows}))
    assert not load.errors
    assert load.table[["func_code", "expense_type", "amount_fen"]].values.tolist() == [
        ["2120801", "项目支出", 90 * WAN]
    ]
    assert load.files[0].sheets[0].scope == "fund"
    assert not problems_of(load, "subtotal-parts-mismatch") and not problems_of(load, "total-mismatch")


def test_summary_tables_of_other_provinces_are_not_spending(tmp_path):
    titles = {
        "a": "2025年某局部门收支总表",
        "b": "2025年某局收入总表",
        "c": "2025年某局财政拨款收支总表",
        "d": "2025年某局政府采购预算表",
        "e": "2025年某局支出预算总表",
    }
    sheets = {
        key: [
            [title],
            [None, "单位：万元"],
            ["项目", "预算数"],
            ["一、一般公共服务支出", "100.00"],
            ["合计", "100.00"],
        ]
        for key, title in titles.items()
    }
    load = read_budget(write_xlsx(tmp_path / "总表.xlsx", sheets))
    assert [s.outcome for s in load.files[0].sheets] == ["not-spending"] * 4 + ["not-spending"]
    assert not load.errors and not load.files[0].unreadable
