"""The real published PDFs of ../shared/real_pdfs (#21's done-when), read from the PDFs alone.

``BUDGET_GUARD_SHARED`` names the shared folder; by default it is ``shared`` beside the repository
(as CI lays it out). Absent, these tests are skipped.

* 上海市普陀区 2024 部门决算 (two departments): the PDFs read to exactly the lines the same documents give
  as workbooks (../shared/real_tables/xlsx), table by table.
* 江苏省高级人民法院 部门预算 2017-2019: each year's department total (财政拨款支出预算表) and 日常公用经费
  (302 of the 财政拨款基本支出预算表) equal the printed tables, and ``check`` compares the years.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")

from budget_guard.ingest import read_budget  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUDGET_GUARD_SHARED") or REPO.parent / "shared")
PDFS = SHARED / "real_pdfs"
XLSX = SHARED / "real_tables" / "xlsx"
PUTUO = PDFS / "shanghai-putuo-2024-final"
JIANGSU = PDFS / "jiangsu-court-2017-2019"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PDFS.is_dir() or not XLSX.is_dir(), reason=f"shared documents not found at {SHARED}"
    ),
]

LINE_COLUMNS = ["department", "year", "stage", "func_code", "econ_code", "amount_fen"]
WAN = 1_000_000  # 分 in one 万元


def wan(text: str) -> int:
    whole, _, cents = text.replace(",", "").partition(".")
    return int(whole) * WAN + int((cents + "00")[:2]) * 10_000


def canonical(result) -> list[tuple]:
    frame = result.table[LINE_COLUMNS].astype(object)
    frame = frame.where(frame.notna(), None)
    return sorted(map(tuple, frame.to_numpy().tolist()), key=str)


def table_outcomes(result) -> list[tuple]:
    """Each table's kind and what was read from it, in document order (text pages and 单位名单 aside)."""
    return [
        (s.layout, s.outcome, s.lines, s.read_fen, s.amount_fen, s.printed_total_fen, s.unit)
        for f in result.files
        for s in f.sheets
        if s.outcome in ("read", "repeated", "empty")
    ]


@pytest.mark.parametrize(
    ("folder", "pdf"),
    [
        ("putuo-czj-2024-final", "上海市普陀区财政局2024年度部门决算.pdf"),
        ("putuo-ghzy-2024-final", "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"),
    ],
)
def test_the_putuo_pdfs_read_to_the_same_figures_as_the_same_documents_as_workbooks(folder, pdf):
    from_pdf = read_budget(PUTUO / pdf)
    from_xlsx = read_budget(XLSX / folder)
    assert canonical(from_pdf) == canonical(from_xlsx)  # every line, department, year, stage, codes, 分
    assert table_outcomes(from_pdf) == table_outcomes(from_xlsx)  # table by table
    assert not from_pdf.errors
    assert all(s.accounted for f in from_pdf.files for s in f.sheets)
    tables = [s.sheet for f in from_pdf.files for s in f.sheets if s.outcome == "read"]
    assert all(sheet.startswith("第") and "页 表" in sheet for sheet in tables)


@pytest.fixture(scope="module")
def jiangsu():
    return {
        int(p.name[p.name.index("20") : p.name.index("20") + 4]): read_budget(p)
        for p in JIANGSU.glob("*.pdf")
    }


def _table(result, words: tuple[str, ...], exclude: tuple[str, ...] = ()):
    found = [
        s
        for f in result.files
        for s in f.sheets
        if s.title and all(w in s.title for w in words) and not any(w in s.title for w in exclude)
    ]
    assert found, f"no table titled {words}"
    return found[0]


DEPARTMENT_TOTAL = {2017: "28,849.38", 2018: "33,172.15", 2019: "37,188.34"}  # 财政拨款支出预算表, as printed
DAILY_PUBLIC = {2017: "3,528.37", 2018: "3,407.38", 2019: "3,580.05"}  # 302 of the 财政拨款基本支出预算表


@pytest.mark.parametrize("year", [2017, 2018, 2019])
def test_each_jiangsu_year_reads_its_department_total_and_daily_public_spending_as_printed(jiangsu, year):
    result = jiangsu[year]
    assert set(result.table["year"]) == {year}
    assert set(result.table["department"]) == {"江苏省高级人民法院"}  # from the titles, not the file names
    spending = _table(result, ("财政拨款", "支出预算表"), exclude=("基本", "收支", "一般公共预算"))
    assert spending.outcome == "read" and spending.unit == "万元"
    assert spending.read_fen == wan(DEPARTMENT_TOTAL[year])
    # the 财政拨款 and the 一般公共预算 基本支出 tables print the same money (the 基金 is empty): one of them
    # measures 302 (the rules' sources), the other is a cross-check — counted once, as printed
    basic = [s for f in result.files for s in f.sheets if s.title and "基本支出" in s.title]
    counted = [s for s in basic if s.outcome == "read"]
    assert len(basic) == 2 and len(counted) == 1, [(s.title, s.outcome) for s in basic]
    lines = result.table[result.table["source_sheet"].astype(str) == counted[0].sheet]
    daily = lines[lines["econ_code"].astype(str).str.startswith("302")]["amount_fen"].sum()
    assert int(daily) == wan(DAILY_PUBLIC[year])
    assert counted[0].printed_total_fen == counted[0].read_fen  # the table's own 合计 agrees with its rows


SANGONG = {2017: ("2,599.37", "180.00"), 2018: ("2,558.26", "170.00"), 2019: ("2,382.02", "160.00")}


@pytest.mark.parametrize("year", [2017, 2018, 2019])
def test_each_jiangsu_sangong_table_is_read_in_wan_as_printed(jiangsu, year):
    """Three-level headers wrapped over lines of a filled-rectangle grid (2017, 2018), a 单位 line wrapped
    in a narrow cell (2019): each year's table is read, in 万元, to its printed 合计 and 因公出国 figure."""
    result = jiangsu[year]
    sangong = _table(result, ("三公",))
    assert sangong.layout == "sangong" and sangong.unit == "万元"
    total, abroad = SANGONG[year]
    assert sangong.read_fen == wan(total)
    lines = result.table[result.table["source_sheet"].astype(str) == sangong.sheet]
    assert int(lines.loc[lines["econ_code"].astype(str) == "30212", "amount_fen"].sum()) == wan(abroad)
    # the narrative's three 三公 items agree with the table, and nothing in it disagrees
    agree = [p for p in result.problems if p.code == "narrative-figures-agree"]
    assert [p.details["count"] for p in agree] == [3]
    assert not [p for p in result.problems if p.code == "narrative-figure-differs"]


def test_check_compares_the_jiangsu_years_from_the_pdfs_alone(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", str(JIANGSU), "--out", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Traceback" not in run.stdout + run.stderr
    report = json.loads((tmp_path / "budget-guard-report.json").read_text(encoding="utf-8"))
    years = {cell["year"] for cell in report["compliance_matrix"] if cell["category"] == "daily_public"}
    assert years == {2017, 2018, 2019}
    compared = [
        cell
        for cell in report["compliance_matrix"]
        if cell["category"] == "daily_public" and cell["state"] not in ("no_data", "not_comparable")
    ]
    assert compared, "no year of 日常公用经费 compared with the year before"
