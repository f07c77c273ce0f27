"""Cases: identity, lifecycle, escalation, the rules' supervision section, the store's schema and history."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.cases.actor import Actor
from budget_guard.cases.view import history_rows
from budget_guard.engine.evaluate import evaluate
from budget_guard.errors import BudgetGuardError, InputError, RulesError
from budget_guard.ledger.cases import CASES_SCHEMA_VERSION
from budget_guard.model.rulebook import DEFAULT_RULES_PATH, load_rules, parse_rules
from tests.builders import line, table

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
RULES = load_rules()
CLERK = Actor("李四", "os_user")


def short_cut(department: str, current: int, *, prev: int = 1_000_000, stage_year: int = 2025, **extra):
    """A department's 办公费 (一般性支出 with a 5% cut target): 990000 of 1000000 is yellow."""
    return [
        line(department, stage_year - 1, prev, econ="30201", item="办公费", **extra),
        line(department, stage_year, current, econ="30201", item="办公费", **extra),
    ]


def run(store, *lines, run_id=1, now=T0, file="in.csv"):
    return track_evaluation(store, evaluate(table(*lines), RULES), run_id=run_id, file=file, now=now)


def case_of(store, scope, category="general_expenditure"):
    return next(c for c in store.cases() if c.key.scope == scope and c.key.category == category)


def test_same_cell_from_a_resubmission_or_a_rules_tweak_is_the_same_case(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000))
    first = case_of(store, "甲局")
    run(store, *short_cut("甲局", 989_000), run_id=2, now=T0 + timedelta(days=1), file="甲局-更正.csv")
    tweaked = RULES.model_copy(update={"version": "2025.2", "sha256": "other"})
    track_evaluation(
        store, evaluate(table(*short_cut("甲局", 988_000)), tweaked), run_id=3, file="x.csv", now=T0
    )
    again = case_of(store, "甲局")
    assert again.number == first.number and again.id == first.id
    assert again.last_file == "x.csv" and again.found_at == first.found_at
    assert again.key.text() == "department|甲局|general_expenditure|2025|budget"


def test_not_comparable_later_cell_does_not_rectify_and_history_says_so(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000))
    # the resubmission has no 2024 figure at all: no baseline, not comparable
    run(store, line("甲局", 2025, 1_200_000, econ="30201", item="办公费"), run_id=2)
    case = case_of(store, "甲局")
    assert case.state == "open"
    history = store.history(case.number)
    assert history[-1]["kind"] == "not_rectified"
    text = history_rows(history, "zh")[-1]["case.col.what"]
    assert ("“不可比”" in text or "“无数据”" in text) and "不能作为达标依据" in text


def test_compliant_later_cell_rectifies_naming_the_run_and_file(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000))
    changes = run(store, *short_cut("甲局", 900_000), run_id=7, file="甲局2025更正.xlsx")
    case = case_of(store, "甲局")
    assert case.state == "rectified" and case.number in changes.rectified
    row = history_rows(store.history(case.number), "zh")[-1]
    assert "已整改" in row["case.col.what"] and row["case.col.where"] == "第7次运行，文件 甲局2025更正.xlsx"


def test_a_government_case_is_not_rectified_by_a_run_missing_departments(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000), *short_cut("乙局", 990_000))
    government = case_of(store, "全市合计")
    # only 甲局 and a new 丙局 resubmit, both compliant: the city total is not comparable
    run(store, *short_cut("甲局", 900_000), *short_cut("丙局", 900_000), run_id=2)
    assert case_of(store, "全市合计").state == "open"
    assert store.history(government.number)[-1]["details"]["missing_departments"] == ["乙局"]


def test_yellow_found_in_three_different_submissions_becomes_red(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    for run_id, amount in ((1, 990_000), (2, 991_000)):  # each a new submission, still yellow
        run(store, *short_cut("甲局", amount), run_id=run_id)
    assert case_of(store, "甲局").level == "yellow"
    changes = run(store, *short_cut("甲局", 992_000), run_id=3)
    case = case_of(store, "甲局")
    assert case.level == "red" and case.number in changes.escalated
    assert store.history(case.number)[-1]["details"]["why"] == "consecutive_runs"
    text = history_rows(store.history(case.number), "zh")[-1]["case.col.what"]
    assert "连续 3 次报送的数据均发现" in text


def test_rerunning_the_same_data_changes_no_level_and_no_deadline(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000), run_id=1)
    before = case_of(store, "甲局")
    for run_id in (2, 3, 4):  # the same lines, from a file under another name and in another order
        lines = [{**ln, "source_file": f"copy{run_id}.csv"} for ln in reversed(short_cut("甲局", 990_000))]
        changes = run(store, *lines, run_id=run_id, file=f"copy{run_id}.csv", now=T0 + timedelta(days=run_id))
        assert before.number in changes.rerun and not changes.seen and not changes.escalated
    after = case_of(store, "甲局")
    assert (after.level, after.deadline_at, after.consecutive_runs) == ("yellow", before.deadline_at, 1)
    history = store.history(after.number)
    assert [e["kind"] for e in history] == ["opened", "seen", "seen", "seen"]
    text = history_rows(history, "zh")[-1]["case.col.what"]
    assert "同一数据再次运行" in text and "等级和整改时限不变" in text
    # a new submission counts again from where the streak was
    run(store, *short_cut("甲局", 991_000), run_id=5)
    assert case_of(store, "甲局").consecutive_runs == 2


def test_a_case_whose_lines_were_deleted_is_told_why_it_could_not_be_confirmed(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000), run_id=1)
    case = case_of(store, "甲局")
    # the resubmission has 甲局's other lines but not one 办公费 line in either year: no cell at all
    changes = run(store, line("甲局", 2025, 500_000, econ="30101", item="基本工资"), run_id=2)
    assert case.number in changes.not_rectified
    last = store.history(case.number)[-1]
    assert last["kind"] == "not_rectified" and last["run_id"] == 2
    text = history_rows([last], "zh")[0]["case.col.what"]
    assert "未能确认整改" in text and "无数据" in text and "没有归入该类别的支出行" in text
    assert case_of(store, "甲局").state == "open"
    # a run of another department says nothing about 甲局's case
    run(store, *short_cut("乙局", 900_000), run_id=3)
    assert store.history(case.number)[-1]["run_id"] == 2


def test_note_close_and_who(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(
        store,
        *short_cut("甲局", 990_000),
        line("乙局", 2024, 100_000, econ="30217"),
        line("乙局", 2025, 120_000, econ="30217"),
    )
    yellow, red = case_of(store, "甲局"), case_of(store, "乙局", "sangong")
    assert store.note(yellow.number, "已约谈", CLERK, now=T0).state == "in_progress"
    with pytest.raises(BudgetGuardError) as empty:
        store.close(yellow.number, "  ", CLERK, now=T0)
    assert "销号必须说明理由" in empty.value.message("zh")
    with pytest.raises(BudgetGuardError) as unverified:
        store.close(red.number, "情况说明已收到", Actor("张三", "unverified"), now=T0)
    assert "已登录" in unverified.value.message("zh")
    closed = store.close(red.number, "情况说明已收到，属政策性增支", CLERK, now=T0 + timedelta(hours=1))
    assert closed.state == "closed"
    last = store.history(red.number)[-1]
    assert (last["actor"], last["actor_kind"], last["reason"]) == (
        "李四",
        "os_user",
        "情况说明已收到，属政策性增支",
    )
    assert history_rows([last], "zh")[0]["case.col.when"] == "2025-03-01 11:00"  # stored UTC, shown Beijing
    with pytest.raises(BudgetGuardError, match="no case numbered"):
        store.note("督〔1999〕0001号", "x", CLERK)


def test_history_is_append_only(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *short_cut("甲局", 990_000))
    with sqlite3.connect(tmp_path / "l.sqlite") as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE case_events SET reason='改写'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM case_events")


def test_an_existing_batch_ledger_is_migrated_and_a_newer_one_refused(tmp_path):
    from budget_guard.ledger.runs import Ledger

    path = tmp_path / "old.sqlite"
    ledger = Ledger(path)  # a ledger from before cases: runs and files only
    run_id = ledger.start_run("inbox", "out", RULES)
    store = CaseStore(path)
    assert store.schema_version() == CASES_SCHEMA_VERSION
    assert ledger.runs()[0]["id"] == run_id  # batch's tables untouched
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("INSERT INTO cases_schema VALUES (?, 'later')", (CASES_SCHEMA_VERSION + 1,))
    with pytest.raises(InputError, match="knows up to"):
        CaseStore(path)
    with pytest.raises(InputError, match="not found"):
        CaseStore(tmp_path / "missing.sqlite", create=False)


@pytest.mark.parametrize(
    ("old", "new", "line_text", "message"),
    [
        ("    yellow: 60\n", "", "deadline_days:", "缺少等级"),
        (
            "      sangong: immediate\n",
            "      sangongg: immediate\n",
            "sangongg: immediate",
            "类别 'sangongg' 不存在",
        ),
        ("    default: phased ", "    default: slow ", "default: slow", "不在 types 中"),
        (
            '  number_format: "督〔{year}〕{seq:04d}号"',
            '  number_format: "督〔{yr}〕号"',
            "number_format:",
            "督办编号格式",
        ),
        ("      consecutive_runs: 3 ", "      consecutive_runz: 3 ", "consecutive_runz", "未知的键"),
    ],
)
def test_supervision_errors_name_the_line(old, new, line_text, message):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new, 1)
    with pytest.raises(RulesError) as info:
        parse_rules(edited, "edited.yaml")
    place, zh, _ = info.value.problems[0]
    expected_line = next(i for i, row in enumerate(edited.splitlines(), start=1) if line_text in row)
    assert message in zh
    assert place.line == expected_line, (place, zh)


def test_the_engine_state_column_decides_when_present():
    """Cases only display the engine's cell state: with a ``state`` column, it is used as is."""
    import pandas as pd

    from budget_guard.cases.identity import cell_states

    summary = pd.DataFrame(
        {
            "level": ["white", "compliant", None],
            "reason": ["below_materiality", "compliant", "first_year"],
            "state": ["not_comparable", "compliant", "no_data"],
        }
    )
    assert list(cell_states(summary)) == ["not_comparable", "compliant", "no_data"]
    fallback = cell_states(summary.drop(columns="state"))
    assert list(fallback) == ["white", "compliant", "no_data"]


def test_a_version_1_ledger_is_migrated_and_its_cases_keep_counting(tmp_path):
    from budget_guard.ledger.db import CASES_MIGRATIONS as MIGRATIONS
    from budget_guard.ledger.db import statements as _statements

    path = tmp_path / "v1.sqlite"
    store = CaseStore(path)
    run(store, *short_cut("甲局", 990_000), run_id=1)
    number = case_of(store, "甲局").number
    # rebuild the file as version 1 wrote it: no counted_hash, no run_cells, no case_lines
    v1 = sqlite3.connect(":memory:")
    for statement in _statements(MIGRATIONS[1]):
        v1.execute(statement)
    columns = ", ".join(r[1] for r in v1.execute("PRAGMA table_info(cases)"))
    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT {columns} FROM cases").fetchall()
        events = db.execute("SELECT * FROM case_events").fetchall()
    path.unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"v1.sqlite{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        for statement in _statements(MIGRATIONS[1]):
            db.execute(statement)
        db.execute("INSERT INTO cases_schema VALUES (1, 'then')")
        db.executemany(f"INSERT INTO cases ({columns}) VALUES ({','.join('?' * len(rows[0]))})", rows)
        db.executemany(f"INSERT INTO case_events VALUES ({','.join('?' * len(events[0]))})", events)
    migrated = CaseStore(path)
    assert migrated.schema_version() == 2
    assert migrated.case(number).counted_hash == ""
    run(migrated, *short_cut("甲局", 990_000), run_id=2)  # no hash to compare with: counted, as before
    assert migrated.case(number).consecutive_runs == 2
    run(migrated, *short_cut("甲局", 990_000), run_id=3)  # now the hash is kept: the same data is not
    assert migrated.case(number).consecutive_runs == 2
    assert [r["kind"] for r in migrated.lines(number)] == ["seen"]


def test_a_version_1_ledger_read_only_is_listed_without_migrating(tmp_path):
    """A reader (cases list, the dashboard) never migrates: a version-1 file still lists its cases."""
    from budget_guard.ledger.db import CASES_MIGRATIONS as MIGRATIONS
    from budget_guard.ledger.db import statements as _statements

    path = tmp_path / "v1.sqlite"
    with sqlite3.connect(path) as db:
        for statement in _statements(MIGRATIONS[1]):
            db.execute(statement)
        db.execute("INSERT INTO cases_schema VALUES (1, 'then')")
    writer = CaseStore(tmp_path / "new.sqlite")
    run(writer, *short_cut("甲局", 990_000), run_id=1)
    v1 = sqlite3.connect(":memory:")
    for statement in _statements(MIGRATIONS[1]):
        v1.execute(statement)
    columns = ", ".join(r[1] for r in v1.execute("PRAGMA table_info(cases)"))
    with sqlite3.connect(tmp_path / "new.sqlite") as db:
        rows = db.execute(f"SELECT {columns} FROM cases").fetchall()
    with sqlite3.connect(path) as db:
        db.executemany(f"INSERT INTO cases ({columns}) VALUES ({','.join('?' * len(rows[0]))})", rows)
    reader = CaseStore(path, create=False, readonly=True)
    listed = reader.cases()
    assert len(listed) == len(rows) and all(c.counted_hash == "" and c.gap_fen is None for c in listed)
    assert reader.lines(listed[0].number) == [] and reader.run_cells() == []
    assert reader.schema_version() == 1  # untouched
