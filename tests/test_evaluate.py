"""End-to-end engine behaviour: nothing lost, stages, the public API shape."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import line, table
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_guard import evaluate, load_rules
from budget_guard.engine.reconcile import TOTAL_LABEL

RULES = load_rules()
ECON = ["30101", "30201", "30217", "31204", "39999", None]
FUNC = ["2010601", "2050202", "2011308", "2150805", "2290000", None]


@settings(deadline=None, max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["财政局", "教育局", "商务局"]),
            st.integers(min_value=2021, max_value=2025),
            st.integers(min_value=-(10**12), max_value=10**12),
            st.sampled_from(ECON),
            st.sampled_from(FUNC),
        ).filter(lambda r: r[3] is not None or r[4] is not None),
        min_size=1,
        max_size=60,
    )
)
@pytest.mark.slow
def test_every_fen_is_classified_or_unclassified(rows):
    lines = [line(d, y, 0, econ=e, func=f) | {"amount_fen": fen} for d, y, fen, e, f in rows]
    ev = evaluate(table(*lines), RULES)
    recon = ev.reconciliation
    assert ev.balanced
    totals = recon[recon.department == TOTAL_LABEL]
    assert int(totals.input_fen.sum()) == sum(r[2] for r in rows)
    assert int(totals.classified_fen.sum() + totals.unclassified_fen.sum()) == sum(r[2] for r in rows)
    per_dept = recon[recon.department != TOTAL_LABEL].groupby("department").input_fen.sum()
    for dept, fen in pd.DataFrame(rows).groupby(0)[2].sum().items():
        assert per_dept[dept] == fen
    assert len(ev.unclassified) == int(totals.unclassified_lines.sum())


def test_sums_are_exact_beyond_float_precision():
    big = 2**53 // 3 + 7  # fen; three of these exceed 2**53
    lines = [line("财政局", 2024, 0, econ="30201") | {"amount_fen": big} for _ in range(3)]
    lines.append(line("财政局", 2023, 0, econ="30201") | {"amount_fen": 1})
    ev = evaluate(table(*lines), RULES)
    row = ev.summary[
        (ev.summary.scope == "财政局")
        & (ev.summary.category == "general_expenditure")
        & (ev.summary.year == 2024)
    ]
    assert int(row.amount_fen.iloc[0]) == 3 * big


def test_reconciliation_reports_overlap_of_multi_category_lines():
    ev = evaluate(table(line("财政局", 2024, 100, econ="30217", func="2010601")), RULES)
    total = ev.reconciliation[ev.reconciliation.department == TOTAL_LABEL].iloc[0]
    assert total.classified_fen == 10_000 and total.overlap_fen == 30_000  # counted in 4 categories
    assert total.multi_category_lines == 1
    assert "差额为0" in ev.reconciliation_text("zh")
    assert "difference 0" in ev.reconciliation_text("en")


def test_only_the_compared_stage_is_graded_but_all_lines_reconcile():
    rows = [
        line("财政局", 2023, 100, econ="30217"),
        line("财政局", 2024, 90, econ="30217"),
        line("财政局", 2024, 500, econ="30217", stage="final"),
    ]
    ev = evaluate(table(*rows), RULES)
    assert ev.findings[ev.findings.category == "sangong"].empty
    assert ev.reconciliation[ev.reconciliation.department == TOTAL_LABEL].input_fen.sum() == 69_000
    assert any("1行口径不是" in n for n in ev.note_texts("zh"))


def test_stage_can_be_chosen_per_run():
    rows = [
        line("财政局", 2023, 100, econ="30217", stage="final"),
        line("财政局", 2024, 120, econ="30217", stage="final"),
    ]
    assert evaluate(table(*rows), RULES).summary.empty  # default stage is budget: nothing to compare
    ev = evaluate(table(*rows), RULES, stage="final")
    assert ev.stage == "final"
    assert "red" in set(ev.findings[ev.findings.category == "sangong"].level)


def test_absent_stage_is_a_note_not_a_crash():
    ev = evaluate(table(line("财政局", 2024, 100, econ="30217", stage="final")), RULES)
    assert ev.summary.empty
    assert any("没有口径为" in n for n in ev.note_texts("zh"))


def test_empty_table_evaluates_to_nothing():
    ev = evaluate(table(line("财政局", 2024, 1, econ="30217")).iloc[0:0], RULES)
    assert ev.summary.empty and ev.findings.empty and ev.balanced


def test_hand_built_frame_with_few_columns_is_accepted():
    frame = pd.DataFrame(
        {
            "department": ["财政局", "财政局"],
            "year": [2023, 2024],
            "econ_code": ["30217", "30217"],
            "amount_fen": [100, 200],
        }
    )
    ev = evaluate(frame, RULES)
    assert ev.worst_level() == "red"
    assert ev.level_counts()["red"] >= 1


def test_drill_down_returns_the_lines_behind_a_number():
    rows = [line("财政局", 2024, 100, econ="30217", row=5), line("商务局", 2024, 50, econ="30217", row=9)]
    ev = evaluate(table(*rows), RULES)
    assert list(ev.lines_behind("government", "全市合计", "sangong", [2024]).source_row) == [5, 9]
    assert list(ev.lines_behind("department", "商务局", "sangong", [2024]).source_row) == [9]


def test_a_hand_built_line_without_department_is_a_clear_error():
    import pytest

    from budget_guard import InputError

    frame = pd.DataFrame(
        {
            "department": ["财政局", None],
            "year": [2023, 2024],
            "econ_code": ["30217", "30217"],
            "amount_fen": [100, 200],
        }
    )
    with pytest.raises(InputError) as info:
        evaluate(frame, RULES)
    assert "1行没有部门" in info.value.message("zh") and "position" in info.value.message("en")


def test_the_whole_government_is_named_after_the_data_level_by_default():
    """A county's departments (青山县…) sum to 全县合计, not 全市合计; the rules can still name it."""
    import pandas as pd

    from budget_guard import evaluate, load_rules

    rows = [
        ("青山县教育局", 2024, "2050101", "30201", 1000_00),
        ("青山县教育局", 2025, "2050101", "30201", 900_00),
        ("青山县财政局", 2024, "2010601", "30201", 500_00),
        ("青山县财政局", 2025, "2010601", "30201", 400_00),
    ]
    table = pd.DataFrame(rows, columns=["department", "year", "func_code", "econ_code", "amount_fen"])
    rules = load_rules()
    rules = rules.model_copy(update={"compare": rules.compare.model_copy(update={"government_label": None})})
    ev = evaluate(table, rules)  # rules without a government_label: the data name the level
    assert ev.rules.compare.government_label.zh == "全县合计"
    assert "全县合计" in set(ev.summary["scope"].astype(str))
    named = rules.model_copy(
        update={
            "compare": rules.compare.model_copy(
                update={"government_label": {"zh": "本级合计", "en": "Own level"}}
            )
        }
    )
    named = type(rules).model_validate(named.model_dump())
    assert evaluate(table, named).rules.compare.government_label.zh == "本级合计"


def test_evaluate_leaves_the_callers_table_as_it_was():
    """``evaluate`` keeps the caller's column arrays (no copy of a 10M-line table) but adds its
    two columns and its index to a frame of its own: the caller's table is unchanged."""
    from budget_guard.model.table import conform

    given = conform(table(line("财政局", 2023, 100, econ="30217"), line("财政局", 2024, 90, econ="30217")))
    given.index = pd.Index([10, 20])
    before = given.copy()
    ev = evaluate(given, RULES)
    pd.testing.assert_frame_equal(given, before)
    assert list(ev.lines.index) == [0, 1]
    assert "categories" in ev.lines and "categories" not in given
    assert all("sangong" in labels.split(";") for labels in ev.lines["categories"])
