"""Builders for ingest tests: spreadsheets written by code (openpyxl, xlwt, csv) so each test shows its input.

Rows are lists of cell values, written from row 1; ``None`` is an empty cell. ``merge`` takes
Excel ranges such as ``"A4:A6"`` for published tables with merged header cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

LONG_HEADER = [
    "部门",
    "年度",
    "数据口径",
    "功能分类科目编码",
    "经济分类科目编码",
    "项目名称",
    "支出类型",
    "标签",
    "金额",
]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def problems_of(result, code: str) -> list:
    return [p for p in result.problems if p.code == code]


def one_problem(result, code: str):
    found = problems_of(result, code)
    assert len(found) == 1, f"expected one {code}, got {[(p.code, p.row, p.column) for p in result.problems]}"
    return found[0]


def repeated_fen(result, sheet: str) -> int:
    """Sum (in fen) of the lines of ``sheet`` that were set aside as repeats of another table."""
    from decimal import Decimal

    rows = result.rejected[
        (result.rejected["code"] == "table-repeated") & (result.rejected["sheet"] == sheet)
    ]
    return int(sum(Decimal(str(v).replace(",", "")) * 100 for v in rows["value"]))


def fen(table, **where) -> int:
    """Sum of amount_fen over lines matching column=value filters."""
    mask = None
    for column, value in where.items():
        hit = table[column].astype("string") == value if isinstance(value, str) else table[column] == value
        mask = hit if mask is None else mask & hit
    selected = table if mask is None else table[mask.fillna(False)]
    return int(selected["amount_fen"].sum())


# -- reconstructions of the five real 2024 普陀区 部门决算 tables (shared/real_tables/README.md) ------------
# The CSVs themselves are not in shared/, so these rebuild each LAYOUT (as pdfplumber extracted it: merged
# header cells as empty strings, a title row and a 单位：万元 row prepended) with invented line amounts
# that reproduce the README's KNOWN TOTALS exactly. They are not the published numbers line by line.

CZJ = "上海市普陀区财政局"
GHZY = "上海市普陀区规划和自然资源局"


def czj_ybggys_rows() -> list[list[object]]:
    """财政局 一般公共预算财政拨款支出决算表: code split into 类/款/项 columns, 合计 row at the bottom.

    Known: 合计 2,940.05 = 基本支出 2,336.91 + 项目支出 603.14.
    """
    return [
        [f"{CZJ}2024年度一般公共预算财政拨款支出决算表", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "单位：万元"],
        ["项目", "", "", "", "本年支出", "", ""],
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
        ["201", "", "", "一般公共服务支出", "2,221.45", "1,618.31", "603.14"],
        ["", "06", "", "  财政事务", "2,221.45", "1,618.31", "603.14"],
        ["", "", "01", "    行政运行", "1,618.31", "1,618.31", ""],
        ["", "", "02", "    一般行政管理事务", "412.50", "", "412.50"],
        ["", "", "99", "    其他财政事务支出", "190.64", "", "190.64"],
        ["208", "", "", "社会保障和就业支出", "364.01", "364.01", ""],
        ["", "05", "", "  行政事业单位养老支出", "364.01", "364.01", ""],
        ["", "", "01", "    行政单位离退休", "69.41", "69.41", ""],
        ["", "", "05", "    机关事业单位基本养老保险缴费支出", "196.40", "196.40", ""],
        ["", "", "06", "    机关事业单位职业年金缴费支出", "98.20", "98.20", ""],
        ["210", "", "", "卫生健康支出", "135.48", "135.48", ""],
        ["", "11", "", "  行政事业单位医疗", "135.48", "135.48", ""],
        ["", "", "01", "    行政单位医疗", "95.36", "95.36", ""],
        ["", "", "03", "    公务员医疗补助", "40.12", "40.12", ""],
        ["221", "", "", "住房保障支出", "219.11", "219.11", ""],
        ["", "02", "", "  住房改革支出", "219.11", "219.11", ""],
        ["", "", "01", "    住房公积金", "219.11", "219.11", ""],
        ["合计", "", "", "", "2,940.05", "2,336.91", "603.14"],
        ["注：本表反映部门本年度一般公共预算财政拨款实际支出情况。", "", "", "", "", "", ""],
    ]


CZJ_BASIC_LEFT = [  # 人员经费: 301 2,082.85 + 303 69.41 = 2,152.26
    ("301", "", "工资福利支出", "2,082.85"),
    ("", "01", "基本工资", "420.36"),
    ("", "02", "津贴补贴", "612.48"),
    ("", "03", "奖金", "35.10"),
    ("", "07", "绩效工资", "398.20"),
    ("", "08", "机关事业单位基本养老保险缴费", "196.40"),
    ("", "09", "职业年金缴费", "98.20"),
    ("", "10", "职工基本医疗保险缴费", "95.36"),
    ("", "12", "其他社会保障缴费", "5.64"),
    ("", "13", "住房公积金", "219.11"),
    ("", "99", "其他工资福利支出", "2.00"),
    ("303", "", "对个人和家庭的补助", "69.41"),
    ("", "02", "退休费", "69.41"),
]
CZJ_BASIC_RIGHT = [  # 公用经费: 302 171.07 + 310 13.58 = 184.65
    ("302", "", "商品和服务支出", "171.07"),
    ("", "01", "办公费", "20.15"),
    ("", "05", "水费", "1.20"),
    ("", "06", "电费", "12.30"),
    ("", "07", "邮电费", "8.42"),
    ("", "09", "物业管理费", "45.60"),
    ("", "11", "差旅费", "6.35"),
    ("", "13", "维修（护）费", "10.00"),
    ("", "16", "培训费", "3.20"),
    ("", "17", "公务接待费", "0.00"),
    ("", "28", "工会经费", "28.75"),
    ("", "29", "福利费", "14.10"),
    ("", "31", "公务用车运行维护费", "0.00"),
    ("", "39", "其他交通费用", "16.00"),
    ("", "99", "其他商品和服务支出", "5.00"),
    ("310", "", "资本性支出", "13.58"),
    ("", "02", "办公设备购置", "13.58"),
]


def czj_jiben_rows(page_break_after: int = 10) -> list[list[object]]:
    """财政局 一般公共预算财政拨款基本支出决算表: two side-by-side 类|款|名称|决算数 blocks, spanning 2 pages.

    The header row is repeated where the second page starts. Known: 人员经费合计 2,152.26 = 301 + 303;
    公用经费合计 184.65 = 302 + 310.
    """
    header = ["科目编码", "", "科目名称", "决算数", "科目编码", "", "科目名称", "决算数"]
    rows = [
        [f"{CZJ}2024年度一般公共预算财政拨款基本支出决算表", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "单位：万元"],
        ["人员经费", "", "", "", "公用经费", "", "", ""],
        header,
        ["类", "款", "", "", "类", "款", "", ""],
    ]
    for i in range(max(len(CZJ_BASIC_LEFT), len(CZJ_BASIC_RIGHT))):
        if i == page_break_after:
            rows.append(list(header))
        left = list(CZJ_BASIC_LEFT[i]) if i < len(CZJ_BASIC_LEFT) else ["", "", "", ""]
        right = list(CZJ_BASIC_RIGHT[i]) if i < len(CZJ_BASIC_RIGHT) else ["", "", "", ""]
        rows.append(left + right)
    rows.append(["人员经费合计", "", "", "2,152.26", "公用经费合计", "", "", "184.65"])
    return rows


def sangong_rows(
    department: str, budget: str, final: str, *, stage_on_top: bool = False
) -> list[list[object]]:
    """财政拨款“三公”经费支出决算表: 3 header rows, 预算数/决算数 pairs, one data row, all money in 公务接待费."""
    title = [f"{department}2024年度财政拨款“三公”经费支出决算表"] + [""] * 11
    unit = [""] * 11 + ["单位：万元"]
    if stage_on_top:  # the other common order: 预算数 | 决算数 on top, items below
        header = [
            ["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
            ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"] * 2,
            ["", "", "小计", "购置费", "运行费", ""] * 2,
        ]
        data = [budget, "0.00", "0.00", "0.00", "0.00", budget, final, "0.00", "0.00", "0.00", "0.00", final]
    else:
        header = [
            [
                "合计",
                "",
                "因公出国（境）费",
                "",
                "公务用车购置及运行费",
                "",
                "",
                "",
                "",
                "",
                "公务接待费",
                "",
            ],
            ["", "", "", "", "小计", "", "购置费", "", "运行费", "", "", ""],
            ["预算数", "决算数"] * 6,
        ]
        data = [budget, final, "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", budget, final]
    return [
        title,
        unit,
        *header,
        data,
        ["注：“三公”经费包括因公出国（境）费、公务用车购置及运行费和公务接待费。"] + [""] * 11,
    ]


def ghzy_ybggys_rows(page_break_after: int = 9) -> list[list[object]]:
    """规划和自然资源局 一般公共预算财政拨款支出决算表: 7-digit codes in ONE column, spanning 2 pages.

    基本支出 5,364.76 = 人员经费 4,884.10 + 公用经费 480.66 (the class sums of the basic table).
    """
    header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    body = [
        ["208", "社会保障和就业支出", "690.43", "690.43", ""],
        ["20805", "行政事业单位养老支出", "690.43", "690.43", ""],
        ["2080501", "行政单位离退休", "60.16", "60.16", ""],
        ["2080505", "机关事业单位基本养老保险缴费支出", "420.18", "420.18", ""],
        ["2080506", "机关事业单位职业年金缴费支出", "210.09", "210.09", ""],
        ["210", "卫生健康支出", "230.44", "230.44", ""],
        ["21011", "行政事业单位医疗", "230.44", "230.44", ""],
        ["2101101", "行政单位医疗", "150.00", "150.00", ""],
        ["2101102", "事业单位医疗", "80.44", "80.44", ""],
        ["220", "自然资源海洋气象等支出", "5,252.14", "4,101.84", "1,150.30"],
        ["22001", "自然资源事务", "5,252.14", "4,101.84", "1,150.30"],
        ["2200101", "行政运行", "2,100.00", "2,100.00", ""],
        ["2200104", "自然资源规划及管理", "850.30", "", "850.30"],
        ["2200150", "事业运行", "2,001.84", "2,001.84", ""],
        ["2200199", "其他自然资源事务支出", "300.00", "", "300.00"],
        ["221", "住房保障支出", "342.05", "342.05", ""],
        ["22102", "住房改革支出", "342.05", "342.05", ""],
        ["2210201", "住房公积金", "342.05", "342.05", ""],
    ]
    rows = [
        [f"{GHZY}2024年度一般公共预算财政拨款支出决算表", "", "", "", ""],
        ["", "", "", "", "单位：万元"],
        header,
    ]
    for i, row in enumerate(body):
        if i == page_break_after:
            rows.append(list(header))
        rows.append(row)
    rows.append(["合计", "", "6,515.06", "5,364.76", "1,150.30"])
    return rows


GHZY_BASIC_AMOUNTS = {  # everything else in the template is printed as 0.00
    "301": "4,816.14",
    "30101": "1,020.50",
    "30102": "1,480.22",
    "30103": "120.00",
    "30107": "980.36",
    "30108": "420.18",
    "30109": "210.09",
    "30110": "230.44",
    "30112": "12.30",
    "30113": "342.05",
    "303": "67.96",
    "30302": "60.16",
    "30305": "7.80",
    "302": "440.90",
    "30201": "85.40",
    "30205": "3.10",
    "30206": "28.60",
    "30207": "12.45",
    "30209": "120.30",
    "30211": "9.80",
    "30213": "35.00",
    "30216": "4.20",
    "30217": "0.39",
    "30226": "20.00",
    "30227": "40.00",
    "30228": "42.16",
    "30229": "21.50",
    "30239": "18.00",
    "310": "39.76",
    "31002": "39.76",
}


def template_econ_rows() -> list[tuple[str, str]]:
    """The 65 codes of the Shanghai 2024 template (from the packaged dictionary), in template order."""
    from budget_guard.model.codes import _packaged

    econ = _packaged("econ.csv")
    econ = econ[econ["source"] == "shanghai-2024-template"]
    return list(zip(econ["code"], econ["name"], strict=True))


def ghzy_jiben_rows() -> list[list[object]]:
    """规划和自然资源局 基本支出决算表: 5-digit codes in one column, every cell filled (0.00 when nothing).

    Known: 人员经费合计 printed 4,884.09 but 301 4,816.14 + 303 67.96 = 4,884.10 (a real 0.01 gap);
    公用经费合计 480.66 = 302 440.90 + 310 39.76; 30217 公务接待费 0.39 = the 三公 决算数.
    """
    codes = template_econ_rows()
    left = [(c, n) for c, n in codes if c[:3] in ("301", "303")]
    right = [(c, n) for c, n in codes if c[:3] in ("302", "310")]
    rows = [
        [f"{GHZY}2024年度一般公共预算财政拨款基本支出决算表", "", "", "", "", ""],
        ["", "", "", "", "", "单位：万元"],
        ["人员经费", "", "", "公用经费", "", ""],
        ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"],
    ]
    for i in range(max(len(left), len(right))):
        row: list[object] = []
        for side in (left, right):
            if i < len(side):
                code, name = side[i]
                row += [code, name, GHZY_BASIC_AMOUNTS.get(code, "0.00")]
            else:
                row += ["", "", ""]
        rows.append(row)
    rows.append(["人员经费合计", "", "4,884.09", "公用经费合计", "", "480.66"])
    return rows
