"""Metadata from the data or the user, never a guess: a year range in a file name is never a year, and an
unrecognised column full of four-digit years is a located question (ingest/context.py)."""

from __future__ import annotations

from pathlib import Path

from budget_guard.ingest import read_budget
from budget_guard.ingest.recognise.context import year_in_text, year_range_in_text

HEADER = "AGENCY_CODE,AGENCY_NAME,{year}EXP_FUNC_CODE,DEP_BGT_ECO_CODE,REPLY_AMT\n"


def export(path: Path, year_column: str | None) -> Path:
    head = HEADER.format(year=f"{year_column}," if year_column else "")
    rows = []
    for year in (2024, 2025):
        rows.append(("101001", "甲局", f"{year}," if year_column else "", "2010601", "30201", "100"))
    body = "".join(f"{a},{b},{y}{f},{e},{amt}\n" for a, b, y, f, e, amt in rows)
    path.write_text(head + body, encoding="utf-8")
    return path


def test_a_year_range_names_no_year():
    assert year_range_in_text("一体化导出_2024-2025") == "2024-2025"
    assert year_in_text("一体化导出_2024-2025") is None
    assert year_in_text("2024至2025年预算") is None
    assert year_in_text("2024年与2025年") is None  # two years: no single year
    assert year_in_text("甲局2025年部门预算") == 2025


def test_a_year_range_in_the_file_name_is_never_read_as_a_year(tmp_path):
    load = read_budget([export(tmp_path / "一体化导出_2024-2025.csv", None)])
    assert 2024 not in set(load.table["year"].dropna().astype(int))  # never two years summed as 2024
    warned = [p for p in load.problems if p.code == "year-range-in-name"]
    assert warned and "2024-2025" in warned[0].message("zh") and "--year" in warned[0].message("zh")


def test_an_unrecognised_column_of_years_is_a_located_question(tmp_path):
    load = read_budget([export(tmp_path / "一体化导出_2024-2025.csv", "ND")])
    (question,) = [p for p in load.problems if p.code == "year-column-unrecognised"]
    assert question.severity == "error"
    assert (
        question.column == "C" and "ND" in question.message("zh") and "2024、2025" in question.message("zh")
    )
    assert "--year" in question.message("zh") and "年度" in question.message("zh")
    assert load.table.empty  # no line read with a guessed year
    assert all(f.unreadable for f in load.files)  # loud: the run fails on it (exit 2), never 达标


def test_the_user_can_answer_the_question_with_year(tmp_path):
    path = tmp_path / "one_year.csv"
    path.write_text(
        "AGENCY_CODE,AGENCY_NAME,ND,EXP_FUNC_CODE,DEP_BGT_ECO_CODE,REPLY_AMT\n"
        "101001,甲局,2025,2010601,30201,100\n",
        encoding="utf-8",
    )
    load = read_budget([path], year=2025)
    assert not [p for p in load.problems if p.code == "year-column-unrecognised"]
    assert set(load.table["year"].astype(int)) == {2025}
