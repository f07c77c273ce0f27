"""公开 completeness: the tables a 部门预算/决算 公开 must contain, checked as obligations (rules `disclosure`).

Each obligation is done, done as empty (本表无数据), not applicable, not done, or could not be checked — and
a check that could not run is unmet, never passed. The whole real 部门决算 folders meet every obligation;
the same folders with a table taken away, emptied without its note, or broken, do not.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from budget_guard import RulesError, load_rules, parse_rules
from budget_guard.ingest import read_budget
from budget_guard.ingest.settle.disclosure import (
    COULD_NOT_CHECK,
    DONE,
    DONE_EMPTY,
    NOT_APPLICABLE,
    NOT_DONE,
    TableState,
    assess,
    checked_sets,
)
from budget_guard.ingest.settle.published_set import PublishedSet, SetTable, TableKind, summary_lines
from budget_guard.model.rulebook import DEFAULT_RULES_PATH
from budget_guard.model.table import DEPARTMENT, ECON_CODE, SOURCE_FILE, SOURCE_SHEET, STAGE, YEAR

DATA = Path(__file__).parent / "data" / "real_tables" / "xlsx"
FOLDERS = sorted(DATA.iterdir())
RULES = load_rules()
DEPT = "示例局"


def _table(name: str, kind: TableKind, outcome: str = "read", lines: int = 3) -> SetTable:
    return SetTable(f"{name}.xlsx", name, name, kind, outcome, "万元", lines=lines)


def _final_set(*, sangong: bool = True, fund_outcome: str = "empty") -> tuple[PublishedSet, list[TableState]]:
    """A 2024 决算 set built in code: the nine tables, the 三公 one optional, the 基金 one empty."""
    tables = [
        _table("收入支出决算总表", TableKind("summary", "all-funds"), "not-spending", 0),
        _table("收入决算表", TableKind("income"), "not-spending", 0),
        _table("支出决算表", TableKind("spending", "all-funds", "func", "all")),
        _table("财政拨款收入支出决算总表", TableKind("summary", "appropriation"), "not-spending", 0),
        _table("一般公共预算财政拨款支出决算表", TableKind("spending", "general", "func", "all")),
        _table("一般公共预算财政拨款基本支出决算表", TableKind("basic", "general", "econ", "basic")),
        _table(
            "政府性基金预算财政拨款收入支出决算表",
            TableKind("spending", "fund", None, "all"),
            fund_outcome,
            0,
        ),
        _table(
            "国有资本经营预算财政拨款支出决算表",
            TableKind("spending", "state-capital", None, "all"),
            "empty",
            0,
        ),
    ]
    if sangong:
        tables.append(_table("财政拨款“三公”经费支出决算表", TableKind("sangong", "appropriation", "econ")))
    states = [
        TableState(
            t.file,
            t.sheet,
            t.title,
            "empty" if t.outcome == "empty" else "published",
            t.outcome,
            "本单位无政府性基金收支，故本表无数据" if t.outcome == "empty" else "",
            lines=t.lines,
        )
        for t in tables
    ]
    return PublishedSet(DEPT, 2024, "final", tables), states


def _sangong_lines(stages=("budget", "final"), codes=("30212", "30217", "30231", "31013")) -> pd.DataFrame:
    rows = [(DEPT, 2024, s, c) for s in stages for c in codes]
    frame = pd.DataFrame(rows, columns=[DEPARTMENT, YEAR, STAGE, ECON_CODE])
    frame[SOURCE_FILE] = "财政拨款“三公”经费支出决算表.xlsx"
    frame[SOURCE_SHEET] = "财政拨款“三公”经费支出决算表"
    return frame


def states_of(pset: PublishedSet, tables: list[TableState], lines: pd.DataFrame) -> dict[str, str]:
    results = assess([pset], tables, lines, RULES.disclosure)
    return {r.id: r.state for r in results[0]}


def test_a_complete_final_set_meets_every_obligation_and_empty_declared_tables_are_done_empty():
    pset, tables = _final_set()
    states = states_of(pset, tables, _sangong_lines())
    assert states["summary"] == DONE
    assert states["sangong"] == DONE
    assert states["sangong_items"] == DONE
    assert states["sangong_stages"] == DONE
    assert states["fund_spending"] == DONE_EMPTY  # printed empty with its 本表无数据 note
    assert states["state_capital_spending"] == DONE_EMPTY


def test_a_final_set_without_its_sangong_table_has_the_sangong_obligations_not_done():
    pset, tables = _final_set(sangong=False)
    states = states_of(pset, tables, _sangong_lines().iloc[0:0])
    assert states["sangong"] == NOT_DONE
    assert states["sangong_items"] == NOT_DONE
    assert states["sangong_stages"] == NOT_DONE
    assert states["general_basic"] == DONE


def test_an_empty_table_without_its_note_is_not_done():
    pset, tables = _final_set()
    tables = [
        TableState(t.file, t.sheet, t.title, t.layout, t.outcome, "", lines=t.lines)
        if "政府性基金" in t.title
        else t
        for t in tables
    ]
    states = states_of(pset, tables, _sangong_lines())
    assert states["fund_spending"] == NOT_DONE
    assert states["state_capital_spending"] == DONE_EMPTY


def test_a_table_that_failed_to_read_could_not_be_checked_and_is_unmet():
    pset, tables = _final_set(fund_outcome="failed")
    results = assess([pset], tables, _sangong_lines(), RULES.disclosure)[0]
    fund = next(r for r in results if r.id == "fund_spending")
    assert fund.state == COULD_NOT_CHECK and not fund.met
    assert "未能读取" in fund.reason_text("zh")


def test_a_failed_file_of_unknown_kind_makes_every_missing_obligation_could_not_check():
    pset, tables = _final_set(sangong=False)
    broken = TableState("坏文件.xlsx", "", "", "unknown", "failed")
    states = states_of(pset, [*tables, broken], _sangong_lines().iloc[0:0])
    assert states["sangong"] == COULD_NOT_CHECK  # it could be the 三公 table: never passed, never not done
    assert states["summary"] == DONE


def test_sangong_items_and_stages_each_checked():
    pset, tables = _final_set()
    states = states_of(pset, tables, _sangong_lines(stages=("final",), codes=("30212", "30217")))
    assert states["sangong_items"] == NOT_DONE  # the cars item is not printed
    assert states["sangong_stages"] == NOT_DONE  # 决算数 only, no 预算数
    result = next(
        r
        for r in assess([pset], tables, _sangong_lines(stages=("final",)), RULES.disclosure)[0]
        if r.id == "sangong_items"
    )
    assert result.state == DONE


def test_sangong_content_checks_are_not_applicable_to_a_sangong_table_declared_empty():
    pset, tables = _final_set()
    tables = [
        TableState(t.file, t.sheet, t.title, "empty", "empty", "本单位无三公经费支出，故本表无数据")
        if "三公" in t.title
        else t
        for t in tables
    ]
    states = states_of(pset, tables, _sangong_lines().iloc[0:0])
    assert states["sangong"] == DONE_EMPTY
    assert states["sangong_items"] == NOT_APPLICABLE
    assert states["sangong_stages"] == NOT_APPLICABLE


def test_a_line_level_set_is_not_a_disclosure_and_is_not_checked():
    pset = PublishedSet(DEPT, 2024, "budget", [_table("一体化导出", TableKind("line-level"))])
    assert checked_sets([pset]) == []
    assert assess([pset], [], _sangong_lines(), RULES.disclosure) == {}


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_the_real_final_folders_meet_every_obligation(folder):
    result = read_budget(folder)
    checked = [s for s in result.published_sets if s.disclosure is not None]
    assert [(s.stage, s.year) for s in checked] == [("final", 2024)]
    states = {r.id: r.state for r in checked[0].disclosure}
    assert states == {
        "summary": DONE,
        "income": DONE,
        "spending": DONE,
        "appropriation_summary": DONE,
        "general_spending": DONE,
        "general_basic": DONE,
        "fund_spending": DONE_EMPTY,  # 本表无数据
        "state_capital_spending": DONE_EMPTY,
        "sangong": DONE,
        "sangong_items": DONE,
        "sangong_stages": DONE,
    }
    assert not [p for p in result.problems if p.code == "disclosure-missing"]
    lines = summary_lines(result.published_sets, "zh")
    assert any("公开完整性：应公开11项，已公开9项，空表已说明2项" in line for line in lines)
    record = checked[0].as_record()["disclosure"]
    assert {r["id"]: r["state"] for r in record} == states


def test_a_real_folder_without_its_sangong_table_has_it_not_done(tmp_path):
    folder = tmp_path / "czj"
    shutil.copytree(DATA / "putuo-czj-2024-final", folder)
    next(folder.glob("*_08_*")).unlink()  # the 三公 table
    result = read_budget(folder)
    final = next(s for s in result.published_sets if s.stage == "final")
    states = {r.id: r.state for r in final.disclosure}
    assert states["sangong"] == NOT_DONE
    assert states["sangong_items"] == NOT_DONE
    assert states["sangong_stages"] == NOT_DONE
    assert states["general_basic"] == DONE
    missing = [p.describe("zh") for p in result.problems if p.code == "disclosure-missing"]
    assert any("“三公”经费支出决算表：未公开" in text for text in missing)


def test_a_real_folder_with_a_broken_table_could_not_check_it(tmp_path):
    folder = tmp_path / "czj"
    shutil.copytree(DATA / "putuo-czj-2024-final", folder)
    next(folder.glob("*_08_*")).unlink()  # the 三公 table
    broken = next(folder.glob("*_10_*"))  # the 国有资本经营 table: not a workbook any more
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    result = read_budget(folder)
    final = next(s for s in result.published_sets if s.stage == "final")
    states = {r.id: r.state for r in final.disclosure}
    assert states["sangong"] == NOT_DONE  # the broken file's name says it is another table
    assert states["state_capital_spending"] == COULD_NOT_CHECK
    assert states["fund_spending"] == DONE_EMPTY
    missing = [p for p in result.problems if p.code == "disclosure-missing"]
    assert any("国有资本经营预算" in p.describe("zh") and "无法检查" in p.describe("zh") for p in missing)
    assert all(p.severity == RULES.disclosure.severity for p in missing)
    english = " ".join(p.describe("en") for p in missing)
    assert "could not check" in english


def test_an_empty_table_without_its_note_in_a_real_folder_is_not_done(tmp_path):
    folder = tmp_path / "ghzy"
    shutil.copytree(DATA / "putuo-ghzy-2024-final", folder)
    path = next(folder.glob("*_09_*"))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "无数据" in cell.value:
                    cell.value = None
    book.save(path)
    result = read_budget(folder)
    final = next(s for s in result.published_sets if s.stage == "final")
    states = {r.id: r.state for r in final.disclosure}
    assert states["fund_spending"] == NOT_DONE
    assert states["state_capital_spending"] == DONE_EMPTY


TEXT = DEFAULT_RULES_PATH.read_text(encoding="utf-8")


def test_an_unknown_disclosure_key_names_its_line():
    bad = TEXT.replace("table: {role: income}, may_be_empty", "table: {role: income}, may_be_emty", 1)
    err = None
    with pytest.raises(RulesError) as info:
        parse_rules(bad, "edited.yaml")
    err = info.value
    place, zh, _ = err.problems[0]
    assert place.line == TEXT[: TEXT.index("table: {role: income}, may_be_empty")].count("\n") + 1
    assert "may_be_emty" in zh


def test_both_stages_is_refused_for_a_budget_obligation():
    bad = TEXT.replace(
        "table: {role: sangong}, check: sangong_items}\n  final:",
        "table: {role: sangong}, check: both_stages}\n  final:",
        1,
    )
    with pytest.raises(RulesError) as info:
        parse_rules(bad, "edited.yaml")
    place, zh, en = info.value.problems[0]
    assert place.line is not None and "决算" in zh and "sangong_items" in en


def test_an_item_check_on_a_table_other_than_sangong_is_refused():
    bad = TEXT.replace(
        "table: {role: income}, may_be_empty: false}", "table: {role: income}, check: sangong_items}", 1
    )
    with pytest.raises(RulesError) as info:
        parse_rules(bad, "edited.yaml")
    place, zh, _ = info.value.problems[0]
    assert place.line is not None and "三公经费表" in zh


_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_PDFS = Path(os.environ.get("BUDGET_GUARD_SHARED") or _SHARED) / "real_pdfs"


@pytest.mark.slow
@pytest.mark.skipif(
    not (SHARED_PDFS / "shanghai-putuo-2024-final").is_dir(), reason="shared real PDFs not found"
)
def test_the_real_final_pdfs_meet_every_obligation_with_their_notes_below_the_empty_tables():
    pytest.importorskip("pdfplumber")
    result = read_budget(SHARED_PDFS / "shanghai-putuo-2024-final")
    checked = [s for s in result.published_sets if s.disclosure is not None]
    assert len(checked) == 2  # two departments, one PDF each
    for s in checked:
        states = {r.id: r.state for r in s.disclosure}
        assert states.pop("fund_spending") == DONE_EMPTY  # the note printed below the table: 故本表无数据
        assert states.pop("state_capital_spending") == DONE_EMPTY
        assert states == dict.fromkeys(states, DONE) and set(states) >= {
            "summary",
            "income",
            "sangong_stages",
        }
