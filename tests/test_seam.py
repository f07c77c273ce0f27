"""The engine seam: the summary half reads only the LineSummary, and every selector key has one compiled meaning."""

from __future__ import annotations

import pandas as pd
from builders import line, table

from budget_guard import evaluate, load_rules
from budget_guard.engine.evaluate import evaluate_summary
from budget_guard.engine.seam import AMOUNT_PREFIX, COVERED_PREFIX, LINES_PREFIX, TOTAL_COLUMNS, assemble
from budget_guard.engine.selectors import ATOMS
from budget_guard.model.rulebook import Selector
from budget_guard.model.table import DEPARTMENT, SOURCE_LAYOUT, STAGE, YEAR

RULES = load_rules()


class NoLines:
    """A lineage that has no lines: the summary half must still grade from the sums alone."""

    def describe_cells(self, requests):
        return [("", 0) for _ in requests]


def test_every_selector_key_has_a_compiled_meaning():
    assert set(Selector.atom_keys()) <= set(ATOMS)


def test_summary_half_grades_from_group_sums_alone():
    """A red 三公经费 increase from two hand-written group rows: no line is ever seen."""
    ids = tuple(c.id for c in RULES.categories)
    sangong = ids.index("sangong")
    rows = []
    for year, fen in ((2023, 100_00), (2024, 150_00)):
        row = {STAGE: "budget", DEPARTMENT: "商务局", YEAR: year, SOURCE_LAYOUT: "long"}
        row |= {c: 0 for c in TOTAL_COLUMNS}
        row |= {"input_fen": fen, "input_lines": 1, "classified_fen": fen, "classified_lines": 1}
        row |= {"category_sum_fen": fen}
        for i in range(len(ids)):
            hit = i == sangong
            row |= {f"{AMOUNT_PREFIX}{i}": fen if hit else 0, f"{LINES_PREFIX}{i}": int(hit)}
            row |= {f"{COVERED_PREFIX}{i}": 1}
        rows.append(row)
    seam = assemble(pd.DataFrame(rows), ids)
    ev = evaluate_summary(seam, RULES, None, NoLines(), unclassified=pd.DataFrame())
    red = ev.findings[(ev.findings.category == "sangong") & (ev.findings.scope == "商务局")]
    assert list(red.level) == ["red"]
    assert ev.balanced and ev.line_count == 2


def test_the_pandas_engine_hands_over_the_seam_it_graded():
    ev = evaluate(
        table(
            line("商务局", 2023, 100, econ="30217"),
            line("商务局", 2024, 150, econ="30217"),
            line("商务局", 2024, 7, econ="39999"),
        ),
        RULES,
    )
    cells = ev.line_summary.cells
    sangong = cells[(cells.category == "sangong") & (cells.year == 2024)]
    assert int(sangong.amount_fen.iloc[0]) == 150_00 and int(sangong.lines.iloc[0]) == 1
    totals = ev.line_summary.totals
    assert int(totals.loc[totals.year == 2024, "unclassified_fen"].iloc[0]) == 7_00
