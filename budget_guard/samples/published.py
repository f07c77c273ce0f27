"""Write a workbook in the published 部门预算公开 layouts, from a canonical table (or a small built-in demo).

Used for ``sample_data/`` (``budget_guard.samples.city`` calls ``write_published_sample``) and as a readable
example of every published layout ``read_budget`` understands: split 类/款/项 codes with merged headers,
the side-by-side 基本支出 table, the 三公经费 table and a wide five-year table. Amounts are printed in 万元
with two decimals; each leaf is rounded first and parents are summed from the rounded leaves, so the
printed table adds up exactly (as a careful bureau's does).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from budget_guard.model.codes import PERSONNEL, PUBLIC, default_codebook
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, ECON_CODE, EXPENSE_TYPE, FUNC_CODE, STAGE, YEAR

FEN_PER_CENT_WAN = 10_000  # 0.01 万元
NUMBER_FORMAT = "#,##0.00"
SANGONG_CODES = ("30212", "31013", "30231", "30217")


SHEETS = ("general", "basic", "sangong", "wide")


def write_published_sample(
    directory: str | Path,
    *,
    table: pd.DataFrame | None = None,
    department: str | None = None,
    year: int | None = None,
    sheets: tuple[str, ...] = SHEETS,
) -> list[Path]:
    """Write ``<department><year>年部门预算公开表.xlsx`` into ``directory``; returns the paths written.

    ``table`` is a canonical budget table (default: a built-in demo department); the department with the
    most budget lines and the latest budget year are published unless ``department``/``year`` are given.
    ``sheets`` picks the tables (``general`` 一般公共预算支出表, ``basic`` 基本支出表, ``sangong`` 三公,
    ``wide`` five years). Like a real 部门预算公开 workbook, the tables describe the same money several
    times: reading all of them gives ``table-overlap`` warnings, and sums across them count it twice.
    """
    source = demo_table() if table is None else table
    budget = source[source[STAGE].astype(str) == "budget"]
    department = department or str(budget[DEPARTMENT].astype(str).value_counts().index[0])
    own = budget[budget[DEPARTMENT].astype(str) == department]
    year = int(year or own[YEAR].max())
    lines = own[own[YEAR] == year]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{department}{year}年部门预算公开表.xlsx"
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if "general" in sheets:
        _general_budget_sheet(workbook.create_sheet("一般公共预算支出表"), lines, department, year)
    if "basic" in sheets:
        _basic_sheet(workbook.create_sheet("基本支出表"), lines, department, year)
    if "sangong" in sheets:
        _sangong_sheet(workbook.create_sheet("三公经费支出表"), own, department, year)
    if "wide" in sheets:
        _wide_sheet(workbook.create_sheet("支出五年情况表"), own, department, year)
    workbook.save(path)
    return [path]


def demo_table() -> pd.DataFrame:
    """A small department (示例区财政局) over 2021–2025, budget stage, in fen."""
    base = [
        ("2010601", "30101", "基本支出", 3_200_000_00),
        ("2010601", "30102", "基本支出", 2_450_000_00),
        ("2010601", "30107", "基本支出", 1_300_000_00),
        ("2010601", "30201", "基本支出", 180_000_00),
        ("2010601", "30211", "基本支出", 95_000_00),
        ("2010601", "30217", "基本支出", 42_000_00),
        ("2010601", "30231", "基本支出", 88_000_00),
        ("2010601", "30212", "基本支出", 60_000_00),
        ("2010601", "31002", "基本支出", 120_000_00),
        ("2010602", "30227", "项目支出", 1_650_000_00),
        ("2010699", "30299", "项目支出", 870_000_00),
        ("2080505", "30108", "基本支出", 780_000_00),
        ("2080506", "30109", "基本支出", 390_000_00),
        ("2080501", "30302", "基本支出", 260_000_00),
        ("2101101", "30110", "基本支出", 410_000_00),
        ("2210201", "30113", "基本支出", 560_000_00),
    ]
    growth = {
        2021: Decimal("0.92"),
        2022: Decimal("0.95"),
        2023: Decimal("0.97"),
        2024: Decimal("1.00"),
        2025: Decimal("1.01"),
    }
    rows = []
    for year, factor in growth.items():
        for func, econ, expense_type, fen in base:
            amount = int((Decimal(fen) * factor / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100
            if econ in SANGONG_CODES and year >= 2024:
                amount = int(amount * Decimal("0.9")) // 100 * 100  # 过紧日子: 三公 cut
            rows.append(
                {
                    DEPARTMENT: "示例区财政局",
                    YEAR: year,
                    STAGE: "budget",
                    FUNC_CODE: func,
                    ECON_CODE: econ,
                    EXPENSE_TYPE: expense_type,
                    AMOUNT_FEN: amount,
                }
            )
    return pd.DataFrame(rows)


# -- helpers --------------------------------------------------------------------------------------


def _cents_wan(fen: int) -> int:
    """Fen → hundredths of 万元, half up (what a bureau prints with two decimals)."""
    return int((Decimal(int(fen)) / FEN_PER_CENT_WAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _value(cents: int) -> float:
    return float(Decimal(cents) / 100)


def _title(sheet, text: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
    sheet.cell(sheet.max_row, 1).alignment = Alignment(horizontal="center")
    sheet.append([None] * (width - 1) + ["单位：万元"])


def _amount_cells(sheet, row: int, columns: list[int]) -> None:
    for column in columns:
        sheet.cell(row, column).number_format = NUMBER_FORMAT


def _widths(sheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _leaf_cents(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = lines.groupby(keys, observed=True)[AMOUNT_FEN].sum().reset_index()
    grouped["cents"] = grouped[AMOUNT_FEN].map(_cents_wan)
    return grouped


# -- 一般公共预算支出表: split 类 | 款 | 项, 合计 on top ----------------------------------------------


def _general_budget_sheet(sheet, lines: pd.DataFrame, department: str, year: int) -> None:
    book = default_codebook()
    frame = lines.assign(func=lines[FUNC_CODE].astype(str), kind=lines[EXPENSE_TYPE].astype(str))
    leaves = _leaf_cents(frame, ["func", "kind"]).pivot_table(
        index="func", columns="kind", values="cents", fill_value=0
    )
    for kind in ("基本支出", "项目支出"):
        if kind not in leaves.columns:
            leaves[kind] = 0
    _title(sheet, f"{year}年{department}一般公共预算支出预算表", 7)
    sheet.append(["项目", None, None, None, "一般公共预算支出", None, None])
    sheet.append(["科目编码", None, None, "科目名称", "合计", "基本支出", "项目支出"])
    sheet.append(["类", "款", "项", None, None, None, None])
    sheet.merge_cells("A3:D3")
    sheet.merge_cells("E3:G3")
    sheet.merge_cells("A4:C4")
    for cell_range in ("D4:D5", "E4:E5", "F4:F5", "G4:G5"):
        sheet.merge_cells(cell_range)
    basic_total, project_total = int(leaves["基本支出"].sum()), int(leaves["项目支出"].sum())
    sheet.append(
        [
            "合计",
            None,
            None,
            None,
            _value(basic_total + project_total),
            _value(basic_total),
            _value(project_total),
        ]
    )
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4)
    _amount_cells(sheet, sheet.max_row, [5, 6, 7])
    codes = sorted(leaves.index)
    printed: set[str] = set()
    for code in codes:
        for length in (3, 5, 7):
            prefix = code[:length]
            if prefix in printed or len(code) < length:
                continue
            printed.add(prefix)
            under = leaves[leaves.index.str.startswith(prefix)]
            basic, project = int(under["基本支出"].sum()), int(under["项目支出"].sum())
            name = book.name("func", prefix) or ""
            indent = "  " * ((length - 3) // 2)
            cells = [
                prefix if length == 3 else None,
                prefix[3:5] if length == 5 else None,
                prefix[5:7] if length == 7 else None,
            ]
            sheet.append(
                [
                    *cells,
                    indent + name,
                    _value(basic + project),
                    _value(basic) or None,
                    _value(project) or None,
                ]
            )
            _amount_cells(sheet, sheet.max_row, [5, 6, 7])
    sheet.append(["注：本表反映部门本年度一般公共预算财政拨款支出预算，按支出功能分类科目列示到项级。"])
    _widths(sheet, [7, 6, 6, 36, 14, 14, 14])


# -- 基本支出表: two side-by-side blocks --------------------------------------------------------------


def _basic_sheet(sheet, lines: pd.DataFrame, department: str, year: int) -> None:
    book = default_codebook()
    basic = lines[lines[EXPENSE_TYPE].astype(str) == "基本支出"]
    leaves = _leaf_cents(basic.assign(econ=basic[ECON_CODE].astype(str)), ["econ"]).set_index("econ")["cents"]
    blocks: dict[str, list[tuple[str, str, int]]] = {PERSONNEL: [], PUBLIC: []}
    for cls in sorted({code[:3] for code in leaves.index}):
        group = book.group_of(cls)
        if group not in blocks:
            continue
        under = leaves[leaves.index.str.startswith(cls)]
        blocks[group].append((cls, book.name("econ", cls) or "", int(under.sum())))
        for code, cents in under.items():
            blocks[group].append((code, book.name("econ", code) or "", int(cents)))
    _title(sheet, f"{year}年{department}一般公共预算基本支出预算表", 6)
    sheet.append(["人员经费", None, None, "公用经费", None, None])
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=3)
    sheet.merge_cells(start_row=3, start_column=4, end_row=3, end_column=6)
    sheet.append(["经济分类科目编码", "科目名称", "预算数", "经济分类科目编码", "科目名称", "预算数"])
    left, right = blocks[PERSONNEL], blocks[PUBLIC]
    for i in range(max(len(left), len(right))):
        row: list[object] = []
        for side in (left, right):
            if i < len(side):
                code, name, cents = side[i]
                row += [code, name if len(code) == 3 else "  " + name, _value(cents)]
            else:
                row += [None, None, None]
        sheet.append(row)
        _amount_cells(sheet, sheet.max_row, [3, 6])
    totals = [sum(c for code, _, c in side if len(code) == 3) for side in (left, right)]
    sheet.append(["人员经费合计", None, _value(totals[0]), "公用经费合计", None, _value(totals[1])])
    _amount_cells(sheet, sheet.max_row, [3, 6])
    _widths(sheet, [12, 30, 12, 12, 30, 12])


# -- 三公经费支出表: 3 header rows, one data row ---------------------------------------------------


def _sangong_sheet(sheet, own: pd.DataFrame, department: str, year: int) -> None:
    years = [year - 1, year]
    cents = {
        (y, code): _cents_wan(
            int(own[(own[YEAR] == y) & (own[ECON_CODE].astype(str) == code)][AMOUNT_FEN].sum())
        )
        for y in years
        for code in SANGONG_CODES
    }
    _title(sheet, f"{year}年{department}财政拨款“三公”经费支出预算表", 12)
    sheet.append(
        [
            "合计",
            None,
            "因公出国（境）费",
            None,
            "公务用车购置及运行费",
            None,
            None,
            None,
            None,
            None,
            "公务接待费",
            None,
        ]
    )
    sheet.append([None, None, None, None, "小计", None, "购置费", None, "运行费", None, None, None])
    sheet.append([f"{y}年预算数" for _ in range(6) for y in years])
    for first, last in (
        ("A3", "B4"),
        ("C3", "D4"),
        ("E3", "J3"),
        ("K3", "L4"),
        ("E4", "F4"),
        ("G4", "H4"),
        ("I4", "J4"),
    ):
        sheet.merge_cells(f"{first}:{last}")
    row = []
    for y in years:
        abroad, purchase, running, reception = (cents[(y, c)] for c in SANGONG_CODES)
        row.append(
            (
                abroad + purchase + running + reception,
                abroad,
                purchase + running,
                purchase,
                running,
                reception,
            )
        )
    flat = [_value(values[i]) for i in range(6) for values in row]
    sheet.append(flat)
    _amount_cells(sheet, sheet.max_row, list(range(1, 13)))
    sheet.append(["注：“三公”经费指因公出国（境）费、公务用车购置及运行费和公务接待费。"])
    _widths(sheet, [12] * 12)


# -- 支出五年情况表: wide years, one code column ----------------------------------------------------


def _wide_sheet(sheet, own: pd.DataFrame, department: str, year: int) -> None:
    book = default_codebook()
    years = sorted(int(y) for y in own[YEAR].unique() if year - 4 <= int(y) <= year)
    frame = own[own[YEAR].isin(years)].assign(func=own[FUNC_CODE].astype(str))
    leaves = _leaf_cents(frame, ["func", YEAR]).pivot_table(
        index="func", columns=YEAR, values="cents", fill_value=0
    )
    _title(sheet, f"{department}{years[0]}—{year}年一般公共预算支出情况表", len(years) + 3)
    sheet.append(
        ["功能分类科目编码", "科目名称", *[f"{y}年预算数" for y in years], f"{year}年比{year - 1}年增减%"]
    )
    for code in sorted(leaves.index):
        values = [int(leaves.at[code, y]) for y in years]
        previous = values[-2] if len(values) > 1 else 0
        change = f"{(values[-1] - previous) / previous * 100:.1f}%" if previous else "—"
        sheet.append([code, book.name("func", code) or "", *[_value(v) for v in values], change])
        _amount_cells(sheet, sheet.max_row, list(range(3, 3 + len(years))))
    _widths(sheet, [16, 30, *[12] * len(years), 16])
