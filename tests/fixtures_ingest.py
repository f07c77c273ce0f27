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


def fen(table, **where) -> int:
    """Sum of amount_fen over lines matching column=value filters."""
    mask = None
    for column, value in where.items():
        hit = table[column].astype("string") == value if isinstance(value, str) else table[column] == value
        mask = hit if mask is None else mask & hit
    selected = table if mask is None else table[mask.fillna(False)]
    return int(selected["amount_fen"].sum())
