"""Headers read as trees: 合计/小计 columns are aggregates (checked, never summed with their parts),
会议费/培训费 stay figures of their own, and a figure whose table does not add up is never graded.

The three-level 三公 table below has the shape of a provincial 部门预算's “三公”经费、会议费、培训费支出
预算表 (see ../shared/real_pdfs/README.md): 合计 | “三公”经费 {小计, 因公出国（境）费, 公务用车购置及运行
维护费 {小计, 购置费, 运行维护费}, 公务接待费} | 会议费 | 培训费. The figures are made up for the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from fixtures_ingest import problems_of, write_csv, write_xlsx

from budget_guard import evaluate, load_rules, read_budget
from budget_guard.engine import states
from budget_guard.ingest.files.grid import excel_grids
from budget_guard.ingest.recognise.header_tree import OF_WHICH, SUM, build, label_paths
from budget_guard.model.table import RELATION_FAILED_PREFIX

WAN = 1_000_000
SANGONG_CODES = {"30212", "31013", "30231", "30217"}


def three_level(year: int, figures: list[str], department: str = "甲法院") -> list[list[object]]:
    """合计 | 三公小计 | 出国 | 车小计 | 购置 | 运维 | 接待 | 会议费 | 培训费, one data row."""
    return [
        [f"{year}年度{department}一般公共预算“三公”经费、会议费、培训费支出预算表"] + [None] * 8,
        [f"部门名称：{department}"] + [None] * 7 + ["单位：万元"],
        ["合计", "“三公”经费", None, None, None, None, None, "会议费", "培训费"],
        [None, "小计", "因公出国（境）费", "公务用车购置及运行维护费", None, None, "公务接待费", None, None],
        [None, None, None, "小计", "公务用车购置费", "公务用车运行维护费", None, None, None],
        figures,
    ]


MERGES = ["A3:A5", "B3:G3", "B4:B5", "C4:C5", "D4:F4", "G4:G5", "H3:H5", "I3:I5"]
# 620.75 = 170.00 + 266.80 + 183.95; 266.80 = 0 + 266.80; 2,558.26 = 620.75 + 271.26 + 1,666.25
GOOD = ["2,558.26", "620.75", "170.00", "266.80", None, "266.80", "183.95", "271.26", "1,666.25"]


def sangong_fen(table, stage: str = "budget") -> int:
    part = table[table["econ_code"].astype("object").isin(SANGONG_CODES) & (table["stage"] == stage)]
    return int(part["amount_fen"].sum())


def warnings(result) -> list:
    return [p for p in result.problems if p.severity != "notice"]


def test_the_tree_of_a_three_level_header_states_its_three_sums(tmp_path):
    """From the merged ranges, and the same from a grid without any (a CSV, a PDF reader's grid)."""
    path = write_xlsx(tmp_path / "t.xlsx", {"三公": three_level(2018, GOOD)}, {"三公": MERGES})
    book = excel_grids(path.read_bytes())
    grid = book.sheets["三公"]
    for merges in (book.merges["三公"], None):
        tree = build(label_paths(grid, [3, 4, 5], merges))
        sums = {
            (r.total.position, tuple(p.position for p in r.parts)) for r in tree.relations() if r.kind == SUM
        }
        # 合计 = 三公小计 + 会议费 + 培训费; 三公小计 = 出国 + 车小计 + 接待; 车小计 = 购置 + 运维
        assert sums == {(0, (1, 7, 8)), (1, (2, 3, 6)), (3, (4, 5))}
        assert tree.leaf(4).path == ("“三公”经费", "公务用车购置及运行维护费", "公务用车购置费")


def test_stage_labels_are_dimensions_and_of_which_is_never_summed():
    import pandas as pd

    grid = pd.DataFrame(
        [
            ["合计", None, "基本支出", None, "其中：人员经费", None, "项目支出", None],
            ["预算数", "决算数"] * 4,
        ],
        index=[1, 2],
    )
    tree = build(label_paths(grid, [1, 2]))
    relations = {
        (r.dims, r.kind, r.total.position, tuple(p.position for p in r.parts)) for r in tree.relations()
    }
    assert relations == {
        (("预算数",), SUM, 0, (2, 6)),  # 合计 = 基本 + 项目, the 其中 column is not a summand
        (("决算数",), SUM, 1, (3, 7)),
        (("预算数",), OF_WHICH, 2, (4,)),  # 其中：人员经费 ≤ 基本支出
        (("决算数",), OF_WHICH, 3, (5,)),
    }


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_three_level_sangong_is_read_at_its_printed_total(tmp_path, form):
    """The aggregates 合计, 三公小计 and 车小计 are not read; 三公 = 620.75 exactly, as printed; 会议费 and
    培训费 are printed figures of their own (tagged, no code), not 三公."""
    rows = three_level(2018, GOOD)
    path = (
        write_xlsx(tmp_path / "t.xlsx", {"三公": rows}, {"三公": MERGES})
        if form == "xlsx"
        else write_csv(tmp_path / "t.csv", rows)
    )
    result = read_budget(path)
    table = result.table
    assert result.files[0].sheets[0].layout == "sangong"
    assert sangong_fen(table) == 62_075 * WAN // 100
    by_code = table.groupby(table["econ_code"].astype("object"))["amount_fen"].sum().to_dict()
    assert by_code == {
        "30212": 170 * WAN,
        "31013": 0,
        "30231": 26_680 * WAN // 100,
        "30217": 18_395 * WAN // 100,
    }
    figures = table[table["econ_code"].isna()]
    assert dict(zip(figures["tags"].astype(str), figures["amount_fen"], strict=True)) == {
        "会议费": 27_126 * WAN // 100,
        "培训费": 166_625 * WAN // 100,
    }
    assert warnings(result) == []
    assert not table["tags"].astype("object").fillna("").str.contains(RELATION_FAILED_PREFIX).any()
    assert result.all_rows_accounted


def test_labels_printed_one_row_lower_still_stand_beside_the_sangong_group(tmp_path):
    """A grid whose 会议费/培训费 labels sit one row lower (as a PDF centres them) carries “三公”经费 over
    their columns; they are never part of 三公 and stand beside it: the header's sums all hold."""
    rows = three_level(2019, GOOD)
    rows[2] = ["合计", "“三公”经费", None, None, None, None, None, None, None]
    rows[3] = [
        None,
        "小计",
        "因公出国（境）费",
        "公务用车购置及运行维护费",
        None,
        None,
        "公务接待费",
        "会议费",
        "培训费",
    ]
    result = read_budget(write_csv(tmp_path / "t.csv", rows))
    assert warnings(result) == []
    assert sangong_fen(result.table) == 62_075 * WAN // 100


def test_a_misread_aggregate_column_fails_its_relation_and_the_cell_is_not_comparable(tmp_path):
    """2019 is 2018's table with the empty 购置费 cell dropped (as a PDF reader may): every figure after it
    moves one column left, so 运维 reads the 接待 figure, 接待 the 会议费 … Summed blindly, 三公 would be
    892.01 against 620.75 the year before: a red 督办. The car subtotal and the 三公 subtotal fail
    their relations instead: the cell is 不可比 with the relation and both figures, never red, never 达标."""
    good = write_xlsx(tmp_path / "2018.xlsx", {"三公": three_level(2018, GOOD)}, {"三公": MERGES})
    shifted = [*GOOD[:4], *GOOD[5:], None]
    bad = write_xlsx(tmp_path / "2019.xlsx", {"三公": three_level(2019, shifted)}, {"三公": MERGES})
    load = read_budget([good, bad])
    (car,) = problems_of(load, "relation-car-subtotal")
    assert (car.details["printed"], car.details["computed"]) == ("266.80", "450.75")  # 266.80 + 183.95
    assert (car.file, car.row, car.details["total_place"], car.details["parts_place"]) == (
        "2019.xlsx",
        6,
        "D6",
        "E6+F6",
    )
    (sangong,) = problems_of(load, "relation-sangong-subtotal")
    assert (sangong.details["printed"], sangong.details["computed"]) == (
        "620.75",
        "708.06",
    )  # 170.00 + 266.80 + 271.26
    lines_2019 = load.table[load.table["year"] == 2019]
    assert lines_2019["tags"].astype("object").str.contains(RELATION_FAILED_PREFIX).all()
    assert sangong_fen(lines_2019) == 89_201 * WAN // 100  # what a blind sum would grade

    evaluation = evaluate(load.table, load_rules())
    cell = evaluation.summary[
        (evaluation.summary["scope"] == "甲法院")
        & (evaluation.summary["category"] == "sangong")
        & (evaluation.summary["year"] == 2019)
    ].iloc[0]
    assert cell["state"] == states.NOT_COMPARABLE and cell["reason"] == states.REASON_RELATION_FAILED
    assert pd.isna(cell["level"])  # never graded
    finding = evaluation.findings[
        (evaluation.findings["reason"] == states.REASON_RELATION_FAILED)
        & (evaluation.findings["category"] == "sangong")
    ]
    assert len(finding) == 1 and finding.iloc[0]["level"] == "yellow"
    message = finding.iloc[0]["message_zh"]
    assert "266.80" in message and "450.75" in message and "D6" in message  # the relation, both figures
    assert finding.iloc[0]["sources"] == "2019.xlsx 三公"
    sangong_cells = evaluation.summary[evaluation.summary["category"] == "sangong"]
    assert not sangong_cells["state"].isin(["red", "compliant"]).any()
    assert evaluation.outcome != "compliant"
    assert set(evaluation.relation_failed["category"]) >= {"sangong"}


def test_a_wrong_car_subtotal_is_located_with_both_figures(tmp_path):
    figures = list(GOOD)
    figures[3] = "300.00"  # 车小计 ≠ 购置 + 运维 (and 三公小计 ≠ the items)
    result = read_budget(
        write_xlsx(tmp_path / "t.xlsx", {"三公": three_level(2018, figures)}, {"三公": MERGES})
    )
    car = problems_of(result, "relation-car-subtotal")[0]
    assert (car.row, car.details["total_place"], car.details["parts_place"]) == (6, "D6", "E6+F6")
    assert (car.details["printed"], car.details["computed"]) == ("300.00", "266.80")
    assert "公务用车购置及运行费" in car.message("zh") and "300.00" in car.message("zh")


def test_a_total_of_the_three_items_alone_beside_meetings_is_the_sangong_total(tmp_path):
    """Where 会议费/培训费 are printed beside the items and the table's 合计 covers the 三公 alone
    (no 三公 subtotal column), the 合计 is the 三公 total: the relation holds."""
    rows = [
        ["2020年乙局“三公”经费、会议费、培训费预算表"],
        [None, None, None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费", "会议费", "培训费"],
        [None, None, "小计", "购置费", "运行费", None, None, None],
        ["6.00", "1.00", "3.00", "1.00", "2.00", "2.00", "4.00", "5.00"],
    ]
    result = read_budget(write_csv(tmp_path / "t.csv", rows))
    assert warnings(result) == []
    assert sangong_fen(result.table) == 6 * WAN


def test_a_total_row_is_checked_against_the_rows_and_never_read(tmp_path):
    rows = [
        ["2020年丙局“三公”经费支出预算表"],
        [None, None, None, None, None, None, "单位：万元"],
        ["单位名称", "合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"],
        [None, None, None, "小计", "购置费", "运行费", None],
        ["合计", "9.00", "2.00", "4.00", "1.00", "3.00", "3.00"],
        ["丙局本级", "6.00", "1.00", "3.00", "1.00", "2.00", "2.00"],
        ["丙局下属中心", "2.00", "1.00", "1.00", "0.00", "1.00", "0.00"],
    ]
    result = read_budget(write_csv(tmp_path / "t.csv", rows))
    assert sangong_fen(result.table) == 8 * WAN  # the two unit rows; the 合计 row is not added
    bad = [p for p in problems_of(result, "relation-total-row")]
    assert {p.details["total_place"] for p in bad} == {
        "B5",
        "G5",
    }  # 9 ≠ 8 and 3 ≠ 2; the other columns add up
    assert result.table["tags"].astype("object").str.contains(RELATION_FAILED_PREFIX).all()
    assert result.files[0].sheets[0].subtotal_rows == 1 and result.all_rows_accounted


def test_the_shanghai_layout_with_a_blank_header_row_under_merged_cells_still_reads(tmp_path):
    """Stage row under a blank row that merged ranges cover (the shape of a 决算 三公 table)."""
    rows = [
        ["丁局2024年度财政拨款“三公”经费支出决算表"] + [None] * 11,
        [None] * 11 + ["单位：万元"],
        ["财政拨款“三公”经费"] + [None] * 11,
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
        ],
        [None, None, None, None, "小计", None, "公务用车购置费", None, "公务用车运行费", None, None, None],
        [None] * 12,
        ["预算数", "决算数"] * 6,
        ["3.95", "1.20", "1.00", "0.50", "1.00", "0.30", "0.40", "0.00", "0.60", "0.30", "1.95", "0.40"],
    ]
    merges = ["A1:L1", "A3:L3", "A4:B5", "C4:D5", "E4:J4", "E5:F5", "G5:H6", "I5:J5", "K4:L6"]
    result = read_budget(write_xlsx(tmp_path / "s.xlsx", {"三公": rows}, {"三公": merges}))
    assert warnings(result) == []
    assert sangong_fen(result.table, "budget") == 395 * WAN // 100
    assert sangong_fen(result.table, "final") == 120 * WAN // 100
    assert result.all_rows_accounted


def test_duckdb_marks_the_same_cells_as_pandas(tmp_path):
    """The tagged lines are found in SQL too (only they are fetched): same 不可比 cells and findings."""
    pytest.importorskip("duckdb")
    import pandas as pd
    from pandas.testing import assert_frame_equal

    from budget_guard.engine.backends import duckdb_backend
    from budget_guard.engine.backends.sql_engine import evaluate_lines
    from budget_guard.model.table import COLUMNS

    good = write_xlsx(tmp_path / "2018.xlsx", {"三公": three_level(2018, GOOD)}, {"三公": MERGES})
    figures = list(GOOD)
    figures[1] = "700.00"  # 三公小计 printed 700.00, the items add up to 620.75
    bad = write_xlsx(tmp_path / "2019.xlsx", {"三公": three_level(2019, figures)}, {"三公": MERGES})
    table = read_budget([good, bad]).table
    plain = table[list(COLUMNS)].copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.CategoricalDtype):
            plain[column] = plain[column].astype("string")
    parquet = tmp_path / "lines.parquet"
    plain.to_parquet(parquet, index=False)
    rules = load_rules()
    expected = evaluate(table, rules)
    actual = evaluate_lines(duckdb_backend.open_lines([parquet], rules))
    assert len(expected.relation_failed) > 0
    assert_frame_equal(expected.relation_failed, actual.relation_failed, check_dtype=False)
    assert_frame_equal(expected.summary, actual.summary)
    assert_frame_equal(expected.findings, actual.findings)


def test_a_label_carried_over_columns_whose_labels_were_lost_is_loud(tmp_path):
    """The 会议费/培训费 labels lost (a PDF grid that dropped them): 公务接待费 carries over their
    columns. Those columns are never read as 公务接待费; they count in the 三公 subtotal's relation,
    which then fails, and each figure in them is a warning naming the cell."""
    rows = three_level(2018, GOOD)
    rows[2] = ["合计", "“三公”经费", None, None, None, None, None, None, None]
    result = read_budget(write_csv(tmp_path / "t.csv", rows))
    assert sangong_fen(result.table) == 62_075 * WAN // 100  # never 620.75 + 271.26 + 1,666.25
    repeated = problems_of(result, "column-label-repeated")
    assert {(p.details["place"], p.details["first"]) for p in repeated} == {("H6", "G6"), ("I6", "G6")}
    (failed,) = problems_of(result, "relation-sangong-subtotal")
    assert (failed.details["printed"], failed.details["computed"]) == ("620.75", "2,558.26")
    assert result.table["tags"].astype("object").str.contains(RELATION_FAILED_PREFIX).all()


def test_a_published_table_that_does_not_add_up_marks_the_lines_it_involves(tmp_path):
    """The same rule for a 支出表: 款 20805's printed 合计 ≠ its 项 → the lines under 20805 are tagged
    (never graded); a 合计 row ≠ Σ rows in 基本支出 → every 基本支出 line; other lines stay clean."""
    from fixtures_ingest import czj_ybggys_rows

    rows = czj_ybggys_rows()
    rows[11][4] = "365.01"  # row 12: 款 20805 合计 printed 1.00 too high
    table = read_budget(write_csv(tmp_path / "t.csv", rows)).table
    failed = table["tags"].astype("object").fillna("").str.contains(RELATION_FAILED_PREFIX)
    under = table["func_code"].astype(str).str.startswith("20805")
    assert failed[under].all() and not failed[~under].any()
    assert "365.01" in str(table.loc[under, "tags"].iloc[0])  # the relation with both figures

    rows = czj_ybggys_rows()
    rows[22][5] = "2,300.00"  # the 合计 row's 基本支出 ≠ Σ rows (and its 合计 ≠ 基本 + 项目)
    table = read_budget(write_csv(tmp_path / "t2.csv", rows)).table
    failed = table["tags"].astype("object").fillna("").str.contains(RELATION_FAILED_PREFIX)
    basic = table["expense_type"].astype(str) == "基本支出"
    assert failed[basic].all() and not failed[~basic].any()


def test_the_load_report_names_every_relation_checked(tmp_path):
    """Dropping a relation shows: the notice lists the three sums of the three-level header."""
    result = read_budget(write_xlsx(tmp_path / "t.xlsx", {"三公": three_level(2018, GOOD)}, {"三公": MERGES}))
    (notice,) = problems_of(result, "relations-checked")
    assert (notice.details["count"], notice.details["failed"]) == (3, 0)
    assert notice.details["relations"].split("；") == [
        "合计(A)=“三公”经费|小计(B)+会议费(H)+培训费(I)",
        "“三公”经费|小计(B)=“三公”经费|因公出国(境)费(C)+“三公”经费|公务用车购置及运行维护费|小计(D)+“三公”经费|公务接待费(G)",
        "“三公”经费|公务用车购置及运行维护费|小计(D)=“三公”经费|公务用车购置及运行维护费|公务用车购置费(E)"
        "+“三公”经费|公务用车购置及运行维护费|公务用车运行维护费(F)",
    ]


def test_the_cli_never_signs_off_a_table_that_does_not_add_up(tmp_path):
    """End to end: ``check --json`` on the two years (2019 misread). Nothing is graded, so the exit code
    is 5 (nothing compared), never 0; the JSON report carries the failed relation with both figures."""
    import json
    import subprocess
    import sys

    good = write_xlsx(tmp_path / "2018.xlsx", {"三公": three_level(2018, GOOD)}, {"三公": MERGES})
    shifted = [*GOOD[:4], *GOOD[5:], None]
    bad = write_xlsx(tmp_path / "2019.xlsx", {"三公": three_level(2019, shifted)}, {"三公": MERGES})
    out = tmp_path / "out"
    root = str(Path(__file__).resolve().parents[1])  # this checkout, not an installed copy
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", good, bad, "--out", out, "--json", "--no-ge"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode not in (0,), done.stdout + done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["outcome"] != "compliant" and summary["state_counts"]["compliant"] == 0
    assert "勾稽不符" in summary["headline"] and "266.80" in summary["headline"]  # the first line says why
    report = json.loads(next(out.rglob("*.json")).read_text(encoding="utf-8"))
    failed = report["reconciliation"]["relation_failed"]
    sangong = [r for r in failed if r["category"] == "sangong"]
    assert sangong and sangong[0]["year"] == 2019 and "266.80" in sangong[0]["relations"]


SHARED = Path(os.environ.get("BUDGET_GUARD_SHARED") or Path(__file__).resolve().parents[2] / "shared")
JIANGSU = SHARED / "real_pdfs" / "jiangsu-court-2017-2019"
JIANGSU_SANGONG = {
    2017: 67_012,
    2018: 62_075,
    2019: 51_375,
}  # each year's printed “三公”经费 小计, in 0.01 万元


@pytest.mark.slow
@pytest.mark.skipif(not JIANGSU.is_dir(), reason="shared real PDFs not found")
def test_the_real_three_level_sangong_tables_give_their_printed_sangong_totals():
    """The three 部门预算 PDFs of ../shared/real_pdfs (a three-level header with 会议费/培训费 beside
    三公, wrapped labels): every relation the header states is checked and holds, and 三公经费 of each
    year is exactly the printed 三公小计 — 会议费/培训费 and the aggregates are never in it."""
    pytest.importorskip("pdfplumber")
    load = read_budget(sorted(JIANGSU.glob("*.pdf")))
    checked = problems_of(load, "relations-checked")
    assert [(p.details["count"], p.details["failed"]) for p in checked] == [(3, 0)] * 3
    assert not [p for p in load.problems if p.code.startswith(("relation-", "column-label", "column-unl"))]
    summary = evaluate(load.table, load_rules()).summary
    cells = summary[(summary["category"] == "sangong") & (summary["scope_type"] == "department")]
    assert dict(zip(cells["year"], cells["amount_fen"], strict=True)) == {
        y: v * WAN // 100 for y, v in JIANGSU_SANGONG.items()
    }
