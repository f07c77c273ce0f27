"""Compose the pure engine steps: classify → aggregate → year over year → grade → findings, plus reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import InputError
from ..rulebook import LEVEL_ORDER, Rules
from ..table import AMOUNT_FEN, COLUMNS, DEPARTMENT, STAGE, UNIT, conform, format_wan
from .classify import (
    CATEGORIES_COLUMN,
    CATEGORY_COUNT_COLUMN,
    classify,
    coverage,
    label_lines,
    membership_patterns,
)
from .compare import GOVERNMENT, UNIT_SCOPE, aggregate, compared_years, year_over_year
from .execution import execution, execution_findings, pefa
from .findings import build_findings, lines_behind
from .grade import LEVEL, empty_category_rows, grade
from .reconcile import BALANCED, CLASSIFIED_FEN, INPUT_FEN, TOTAL_LABEL, UNCLASSIFIED_FEN, reconcile
from .reconcile import DEPARTMENT as RECON_DEPARTMENT


@dataclass(frozen=True)
class Evaluation:
    """Everything one run found. DataFrames are the API; reports and the app only format them.

    - ``lines``: the input table plus ``categories`` (';'-joined ids) and ``category_count``
    - ``membership``: one boolean column per category, aligned with ``lines``
    - ``summary``: every scope × category × year with previous year, change, rate, target, level, reason
    - ``findings``: the white / yellow / red rows with messages (zh, en) and source rows
    - ``unclassified``: lines in no category (reported, never dropped)
    - ``reconciliation``: input = classified + unclassified, per stage × year × department
    """

    rules: Rules
    stage: str
    lines: pd.DataFrame
    membership: pd.DataFrame
    summary: pd.DataFrame
    findings: pd.DataFrame
    unclassified: pd.DataFrame
    reconciliation: pd.DataFrame
    notes: tuple[tuple[str, str], ...] = field(default=())
    # 预算执行: 决算 against the year's budget per scope × category × year, and PEFA PI-1/PI-2 per scope × year
    execution: pd.DataFrame = field(default_factory=pd.DataFrame)
    pefa: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def baseline_stage(self) -> str:
        """Which figures of the previous year this year was compared with (``compare.baseline``)."""
        return self.rules.compare.baseline or self.stage

    def execution_findings(self) -> pd.DataFrame:
        return execution_findings(self.execution) if len(self.execution) else self.execution

    @property
    def balanced(self) -> bool:
        return bool(self.reconciliation[BALANCED].all())

    def level_counts(self) -> dict[str, int]:
        """Counts of 达标 / white / yellow / red over graded rows (compliant) and findings."""
        counts = self.findings[LEVEL].value_counts().to_dict()
        counts[LEVEL_ORDER[0].value] = int((self.summary[LEVEL] == LEVEL_ORDER[0].value).sum())
        return {lv.value: int(counts.get(lv.value, 0)) for lv in LEVEL_ORDER}

    def worst_level(self) -> str:
        present = set(self.findings[LEVEL])
        for lv in reversed(LEVEL_ORDER):
            if lv.value in present:
                return lv.value
        return LEVEL_ORDER[0].value

    def lines_behind(self, scope_type: str, scope: str, category: str, years: list[int]) -> pd.DataFrame:
        """The input lines behind one number in the summary (drill-down)."""
        return lines_behind(self.lines, self.membership, self.stage, scope_type, scope, category, years)

    def reconciliation_text(self, lang: str = "zh") -> str:
        totals = self.reconciliation[self.reconciliation[RECON_DEPARTMENT] == TOTAL_LABEL]
        total = int(totals[INPUT_FEN].sum())
        if self.balanced:
            return i18n.t(
                "recon.balanced",
                lang,
                lines=len(self.lines),
                total=format_wan(total),
                classified=format_wan(int(totals[CLASSIFIED_FEN].sum())),
                unclassified=format_wan(int(totals[UNCLASSIFIED_FEN].sum())),
            )
        diff = int((totals[INPUT_FEN] - totals[CLASSIFIED_FEN] - totals[UNCLASSIFIED_FEN]).sum())
        return i18n.t("recon.unbalanced", lang, total=format_wan(total), difference=f"{diff / 100:,.2f}")

    def note_texts(self, lang: str = "zh") -> list[str]:
        return [i18n.t(key, lang, **dict(values)) for key, values in self.notes]


def evaluate(table: pd.DataFrame, rules: Rules, stage: str | None = None) -> Evaluation:
    """Classify every line, compare each year with the previous one at every scope, and grade.

    ``table`` is a canonical budget table (see table.py); hand-built frames with only some
    columns are conformed first. ``stage`` overrides the rules' ``compare.stage``.
    """
    lines = conform(table) if not _is_conformed(table) else table.reset_index(drop=True)
    _require_departments(lines)
    stage = stage or rules.compare.stage
    membership = classify(lines, rules)
    patterns = membership_patterns(membership)
    labels, count = label_lines(membership, patterns)
    lines[CATEGORIES_COLUMN] = labels.to_numpy()  # ``lines`` is our own copy (conform / reset_index)
    lines[CATEGORY_COUNT_COLUMN] = count

    covered = coverage(lines, rules)
    summary = grade(compare_years(lines, membership, rules, stage, patterns, covered), rules)
    years = compared_years(lines, stage)
    latest = int(years.max()) if len(years) else None
    empty = empty_category_rows(rules, membership, latest, rules.compare.government_label.zh)
    findings = build_findings(summary, lines, membership, rules, stage)
    if not empty.empty:
        empty_findings = build_findings(empty, lines, membership, rules, stage)
        findings = pd.concat([findings, empty_findings], ignore_index=True)

    notes: list[tuple[str, tuple]] = []
    present_stages = _present_values(lines[STAGE])
    if len(lines) and stage not in present_stages:
        notes.append(("note.stage_absent", (("stage", stage), ("present", ", ".join(present_stages)))))
    other = int((lines[STAGE] != stage).sum())
    if other and stage in present_stages:
        notes.append(("note.other_stages", (("count", other), ("stage", stage))))
    baseline = rules.compare.baseline
    if baseline and baseline != stage:
        key = "note.baseline" if baseline in present_stages else "note.baseline_absent"
        labels = tuple(
            (f"{name}_{lang}", i18n.t(f"stage.{value}", lang))
            for name, value in (("baseline", baseline), ("stage", stage))
            for lang in ("zh", "en")
        )
        notes.append((key, labels))

    return Evaluation(
        rules=rules,
        stage=stage,
        lines=lines,
        membership=membership,
        summary=summary,
        findings=findings,
        unclassified=lines.loc[count == 0],
        reconciliation=reconcile(lines, count, membership, patterns),
        notes=tuple(notes),
        execution=execution(lines, membership, rules, patterns, covered),
        pefa=pefa(lines, rules),
    )


def compare_years(lines, membership, rules: Rules, stage: str, patterns, covered) -> pd.DataFrame:
    """Sums per scope × category × year of the compared stage, each next to the previous year's
    baseline figures (``compare.baseline``), for every scope the rules name."""
    baseline_stage = rules.compare.baseline or stage

    def sums(stage_: str, by: str = DEPARTMENT) -> pd.DataFrame:
        return aggregate(lines, membership, rules, stage_, patterns, covered, by=by)

    departments = sums(stage)
    baseline = departments if baseline_stage == stage else sums(baseline_stage)
    units = unit_baseline = None
    if UNIT_SCOPE in rules.compare.scopes and lines[UNIT].notna().any():
        units = sums(stage, UNIT)
        unit_baseline = units if baseline_stage == stage else sums(baseline_stage, UNIT)
    return year_over_year(departments, rules, units, baseline, unit_baseline, baseline_stage)


def _present_values(column: pd.Series) -> list[str]:
    """The sorted distinct values of a column as text (per category, not per line, when categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
        present = {str(v) for v in column.cat.categories[used]}
        return sorted(present | ({"nan"} if (codes < 0).any() else set()))  # as astype(str) would say
    return sorted(set(column.astype(str)))


def _require_departments(lines: pd.DataFrame) -> None:
    """A hand-built table (not from ``read_budget``) may lack a department: say which rows."""
    for column, zh, en in ((DEPARTMENT, "部门", "department"),):
        missing = lines[column].isna().to_numpy()
        if missing.any():
            rows = ", ".join(str(i) for i in np.flatnonzero(missing)[:10])
            raise InputError(
                f"{int(missing.sum())}行没有{zh}（表中位置：{rows}）",
                f"{int(missing.sum())} line(s) have no {en} (positions: {rows})",
                hint_zh=f"每行都需要{zh}；用 read_budget 读取文件时这类行会被拒收并说明原因",
                hint_en=f"every line needs a {en}; read_budget rejects such rows with a reason",
            )


def _is_conformed(table: pd.DataFrame) -> bool:
    return tuple(table.columns[: len(COLUMNS)]) == COLUMNS and table[AMOUNT_FEN].dtype == np.int64


__all__ = ["Evaluation", "evaluate", "GOVERNMENT"]
