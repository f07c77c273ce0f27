"""Hostile and broken inputs (issue #11): each test builds the input and asserts what the user sees.

Inputs that could exhaust the process run in a subprocess with a memory limit and a timeout, so a
regression fails the test instead of taking the test run down.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures_ingest import LONG_HEADER, czj_ybggys_rows, one_problem, problems_of, write_csv, write_xlsx

from budget_guard.errors import RulesError
from budget_guard.ingest import read_budget
from budget_guard.ingest.files.sources import display_name
from budget_guard.ingest.recognise.numbers import parse_amount, parse_amounts
from budget_guard.model.limits import Limits
from budget_guard.model.rulebook import parse_rules

ROW = ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", ""]


def long_rows(*amounts: object) -> list[list[object]]:
    return [LONG_HEADER] + [[*ROW[:5], f"办公费{i}", *ROW[6:], a] for i, a in enumerate(amounts)]


# -- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1,2,3", "12,34.5", "12 345,00", "1.234,56", "12万", "1,234.5.6", "(-5)"])
def test_malformed_grouping_is_not_numeric_with_row_and_column(tmp_path, text):
    path = write_csv(tmp_path / "a.csv", long_rows("100.00", text))
    result = read_budget(path)
    problem = one_problem(result, "amount-not-numeric")
    assert (problem.row, problem.column) == (3, "金额")
    assert result.table["amount_fen"].tolist() == [10000]
    assert result.rejected["row"].tolist() == [3]


def test_currency_signs_and_yuan_suffix_are_read(tmp_path):
    path = write_csv(tmp_path / "a.csv", long_rows("¥1,234.00", "￥2,000", "300元", "-¥5", "1 234 567.80"))
    result = read_budget(path)
    assert result.table["amount_fen"].tolist() == [123400, 200000, 30000, -500, 123456780]
    assert not problems_of(result, "amount-not-numeric")


def test_parse_amount_is_the_one_grammar_for_a_value():
    assert parse_amount("1,234.565").fen == 123457 and parse_amount("1,234.565").status == "rounded"
    assert parse_amount("12万元", unit="万元").fen == 12_000_000
    assert parse_amount("12万元", unit="元").status == "bad"  # contradicts the table's unit
    assert parse_amount("0.30000000000000004").status == "ok"  # a float's repr, not a clerk's fen
    fen, status = parse_amounts(pd.Series(["1,2,3", "7"]))
    assert status.tolist() == ["bad", "ok"] and fen.iloc[1] == 700


def test_sub_fen_amounts_are_rounded_with_a_notice_naming_the_rows(tmp_path):
    path = write_csv(tmp_path / "a.csv", long_rows("0.001", "1234.567", "5.00"))
    result = read_budget(path)
    assert result.table["amount_fen"].tolist() == [0, 123457, 500]
    notice = one_problem(result, "amount-sub-fen")
    assert notice.severity == "notice" and "2, 3" in notice.message("en")


def test_amounts_beyond_any_budget_are_rejected_not_wrapped(tmp_path):
    """1,000 lines of 99,999,999,999,999.99 元 used to sum to a negative total with a 'balanced' check."""
    path = write_csv(tmp_path / "a.csv", long_rows(*["99,999,999,999,999.99"] * 1000))
    result = read_budget(path)
    assert len(result.table) == 0
    found = problems_of(result, "amount-out-of-range")
    assert len(found) == 1000 and (found[0].row, found[0].column) == (2, "金额")
    assert "10,000,000,000,000" in found[0].message("zh")


def test_raised_amount_limit_still_cannot_overflow_the_sums(tmp_path):
    path = write_csv(tmp_path / "a.csv", long_rows(*["99,999,999,999,999.99"] * 1000))
    result = read_budget(path, limits=Limits(max_amount_yuan=10**15))
    assert len(result.table) == 0 and result.files[0].status == "failed"
    one_problem(result, "amount-total-overflow")


# -- tables --------------------------------------------------------------------------------------


def test_uncached_formula_leaf_is_named_with_save_in_excel_advice(tmp_path):
    rows = czj_ybggys_rows()
    rows[8][6] = "=E9-F9"  # 一般行政管理事务 项目支出, written by a script: no cached value
    path = write_xlsx(tmp_path / "财政局.xlsx", {"一般公共预算支出决算表": rows})
    result = read_budget(path, year=2024)
    problem = one_problem(result, "formula-uncached")
    assert problem.row == 9 and problem.column == "G" and "G9" in problem.message("zh")
    assert "Excel" in problem.kind.description
    rejected = result.rejected[result.rejected["row"] == 9]
    assert rejected["code"].tolist() == ["amount-not-numeric"] and rejected["value"].iloc[0] == "=E9-F9"
    assert not (result.table["source_row"] == 9).any()  # not read as 0


def test_merged_department_and_year_apply_to_every_row(tmp_path):
    rows = long_rows(*[f"{i}.00" for i in range(1, 7)])
    for row in rows[2:]:
        row[0] = row[1] = None
    path = write_xlsx(tmp_path / "m.xlsx", {"预算": rows}, merges={"预算": ["A2:A7", "B2:B7"]})
    result = read_budget(path)
    assert len(result.table) == 6 and len(result.rejected) == 0
    assert set(result.table["department"].astype(str)) == {"财政局"}
    assert set(result.table["year"]) == {2025}
    assert problems_of(result, "merged-cell-filled")


def test_ideographic_space_total_is_recognised_and_checked(tmp_path):
    rows = long_rows("100.00", "200.00")
    rows.append(["合　计", None, None, None, None, None, None, None, "350.00"])
    path = write_csv(tmp_path / "a.csv", rows)
    result = read_budget(path)
    assert result.files[0].sheets[0].subtotal_rows == 1 and len(result.table) == 2
    problem = one_problem(result, "total-mismatch")
    assert problem.row == 4 and "50.00" in problem.message("en")


def test_matching_total_row_gives_no_warning(tmp_path):
    rows = long_rows("100.00", "200.00")
    rows.insert(1, ["合计", None, None, None, None, None, None, None, "300.00"])
    result = read_budget(write_csv(tmp_path / "a.csv", rows))
    assert not problems_of(result, "total-mismatch") and len(result.table) == 2


def test_overlong_cell_rejects_its_row_and_is_not_a_program_bug(tmp_path):
    rows = long_rows("1.00", "2.00")
    rows[2][5] = "x" * 200_000
    result = read_budget(write_csv(tmp_path / "a.csv", rows))
    assert not problems_of(result, "read-failed")
    problem = one_problem(result, "cell-too-long")
    assert (problem.row, problem.column) == (3, "F")
    assert result.table["amount_fen"].tolist() == [100]
    assert result.files[0].sheets[0].rejected_rows == 1 and result.all_rows_accounted


# -- files that could hang or exhaust the process --------------------------------------------------


def _limited(code: str, seconds: int = 60, memory_gb: int = 3) -> subprocess.CompletedProcess:
    """Run ``code`` in a child with an address-space limit: a regression fails, it cannot take us down."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_gb << 30, memory_gb << 30))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def test_stray_cell_at_xfd1048576_is_refused_before_allocation(tmp_path):
    path = tmp_path / "stray.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "预算"
    for row in long_rows("1.00"):
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    run = _limited(
        f"""
        from budget_guard.ingest import read_budget
        r = read_budget({str(path)!r})
        print([(p.code, p.sheet) for p in r.problems if p.code == "sheet-too-large"], r.files[0].status)
        print(r.problems[[p.code for p in r.problems].index("sheet-too-large")].message("en"))
        """
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "[('sheet-too-large', '预算')]" in run.stdout and "XFD1048576" in run.stdout


def _bomb(path: Path, megabytes: int) -> Path:
    write_xlsx(path, {"预算": long_rows("1.00")})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b"\0" * (megabytes << 20))
    return path


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 40)
    assert path.stat().st_size < 1 << 20
    result = read_budget(path)
    assert result.files[0].status == "failed"
    assert "padding.xml" in one_problem(result, "file-unpacked-too-large").message("en")


def test_zip_bomb_is_refused_by_decompressed_size(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 8)
    result = read_budget(path, limits=Limits(max_unpacked_mb=4))
    assert "4 MB" in one_problem(result, "file-unpacked-too-large").message("en")


def test_symlink_to_dev_zero_is_not_read_and_keeps_the_given_name(tmp_path):
    link = tmp_path / "budget.csv"
    link.symlink_to("/dev/zero")
    run = _limited(
        f"""
        from budget_guard.ingest import read_budget
        r = read_budget({str(link)!r})
        print(r.files[0].name, [p.code for p in r.problems])
        """,
        seconds=30,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "budget.csv ['file-not-regular']" in run.stdout


def test_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    run = _limited(
        f"""
        from budget_guard.ingest import read_budget
        r = read_budget({str(fifo)!r})
        print([p.code for p in r.problems], r.problems[0].message("en"))
        """,
        seconds=30,
    )
    assert "['file-not-regular']" in run.stdout and "FIFO" in run.stdout


def test_names_are_printable():
    assert display_name("a\nb\x1b[31m.csv") == "a\\nb\\x1b[31m.csv"
    gbk = os.fsdecode("财政局.csv".encode("gbk"))
    assert display_name(gbk) == "财政局.csv"


# -- rules ------------------------------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)


def test_yaml_alias_bomb_is_refused_with_its_line():
    with pytest.raises(RulesError) as caught:
        parse_rules(ALIAS_BOMB, source="bomb.yaml")
    place, zh, en = caught.value.problems[0]
    assert place.line == 2 and "alias" in en and "别名" in zh


@pytest.mark.slow
def test_rules_check_refuses_alias_bomb_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    run = _limited(
        f"""
        import sys
        from budget_guard.cli import main
        sys.exit(main(["rules", "check", {str(path)!r}, "--lang", "en"]))
        """,
        seconds=60,
        memory_gb=3,
    )
    assert run.returncode == 2 and "aliases" in run.stderr and "line 2" in run.stderr


def test_dashboard_rules_upload_refuses_alias_bomb():
    from budget_guard.dashboard.pipeline import evaluate_rules_text
    from budget_guard.ingest.load_result import LoadResult

    with pytest.raises(RulesError) as caught:
        evaluate_rules_text(LoadResult(), ALIAS_BOMB, "上传.yaml", None)
    assert "别名" in caught.value.message("zh")
