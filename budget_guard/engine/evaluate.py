"""Compose the pure engine steps: classify → aggregate → year over year → grade → findings, plus reconciliation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine import states
from budget_guard.engine.backends.pandas_backend import PandasDrill, line_summary
from budget_guard.engine.classify import CATEGORIES_COLUMN, CATEGORY_COUNT_COLUMN
from budget_guard.engine.compare import GOVERNMENT, UNIT_SCOPE, year_over_year
from budget_guard.engine.double_count import (
    double_count_findings,
    double_counted,
    empty_double_counted,
    mark_cells,
    overlap_texts,
)
from budget_guard.engine.execution import execution, execution_findings, needs_pefa, pefa, pefa_sums
from budget_guard.engine.findings import build_findings, completeness_findings, sort_findings
from budget_guard.engine.grade import LEVEL, empty_category_rows, grade
from budget_guard.engine.lineage import Lineage, SourceIndex
from budget_guard.engine.profile import line_profile
from budget_guard.engine.reconcile import (
    BALANCED,
    CLASSIFIED_FEN,
    INPUT_FEN,
    TOTAL_LABEL,
    UNCLASSIFIED_FEN,
    reconcile,
)
from budget_guard.engine.reconcile import DEPARTMENT as RECON_DEPARTMENT
from budget_guard.engine.relation_failed import (
    empty_relation_failed,
    relation_failed_cells,
    relation_failed_findings,
)
from budget_guard.engine.scope_label import separate_jurisdictions, with_government_label
from budget_guard.engine.seam import PRINTED_FEN, PRINTED_LINES, LineSummary
from budget_guard.engine.states import STATE
from budget_guard.engine.summarize import Note, department_cells, empty_categories, stage_notes, stage_years
from budget_guard.engine.summarize import departments as departments_of
from budget_guard.engine.unclassified import FrameUnclassified, UnclassifiedLines
from budget_guard.errors import InputError
from budget_guard.ingest.settle.overlap import classification_overlaps
from budget_guard.model.rulebook import LEVEL_ORDER, Rules
from budget_guard.model.table import AMOUNT_FEN, COLUMNS, DEPARTMENT, DIVISION, UNIT, conform, format_wan


class Drill(Protocol):
    """The input lines behind one number of the summary, fetched on demand from the engine that has them."""

    def lines_behind(
        self, stage: str, scope_type: str, scope: str, category: str, years: list[int]
    ) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Evaluation:
    """Everything one run found. DataFrames are the API; reports and the app only format them.

    - ``lines``: the input table plus ``categories`` (';'-joined ids) and ``category_count``
      (pandas engine; None on DuckDB / Spark, where the lines stay in the engine)
    - ``membership``: one boolean column per category, aligned with ``lines`` (pandas engine)
    - ``line_summary``: the seam — group sums the line-level half handed over (``seam.py``)
    - ``summary``: every scope × category × year with previous year, change, rate, target, level, reason
    - ``findings``: the white / yellow / red rows with messages (zh, en) and source rows
    - ``unclassified``: lines in no category (reported, never dropped); pandas engine, None on
      DuckDB / Spark — ``unclassified_list`` is how every engine hands them to the reports
    - ``reconciliation``: input = classified + unclassified, per stage × year × department

    ``summary['state']`` (engine/states.py) says for every cell whether it was compared like for
    like; ``state_counts``, ``graded_cells`` and ``outcome`` are what every report's first line uses.
    """

    rules: Rules
    stage: str
    lines: pd.DataFrame | None
    membership: pd.DataFrame | None
    summary: pd.DataFrame
    findings: pd.DataFrame
    unclassified: pd.DataFrame | None
    reconciliation: pd.DataFrame
    notes: tuple[Note, ...] = field(default=())
    line_summary: LineSummary | None = None
    drill: Drill | None = None
    engine: str = "pandas"
    # 预算执行: 决算 against the year's budget per scope × category × year, and PEFA PI-1/PI-2 per scope × year
    execution: pd.DataFrame = field(default_factory=pd.DataFrame)
    pefa: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The line profile GE validates (engine/profile.py), from the engine that keeps the lines.
    profiler: Callable[[], pd.DataFrame] | None = None
    # The unclassified lines as reports read them: summary, list in chunks, Parquet (every engine).
    unclassified_list: UnclassifiedLines = field(default_factory=lambda: FrameUnclassified(pd.DataFrame()))
    # Department-years read both by 功能分类 and by 经济分类 (ingest.overlap.ClassificationOverlap),
    # and the category cells among them that add both tables (engine/double_count.py): red findings.
    overlaps: tuple = field(default=())
    double_counted: pd.DataFrame = field(default_factory=empty_double_counted)
    # Category cells that take a figure which failed a relation its table states (lines tagged
    # 勾稽不符, engine/relation_failed.py): 不可比, one finding each with the relation.
    relation_failed: pd.DataFrame = field(default_factory=empty_relation_failed)
    # the published sets (ingest/settle/published_set.py): the department total each prints, stated first
    published_sets: tuple = field(default=())

    def line_profile(self) -> pd.DataFrame:
        """The line profile (``engine/profile.py``): from the lines in memory or the engine's query."""
        if self.lines is not None:
            return line_profile(self.lines)
        if self.profiler is None:
            raise LookupError("this evaluation has no engine to profile its lines on")
        return self.profiler()

    @property
    def baseline_stage(self) -> str:
        """Which figures of the previous year this year was compared with (``compare.baseline``)."""
        return self.rules.compare.baseline or self.stage

    def execution_findings(self) -> pd.DataFrame:
        return execution_findings(self.execution) if len(self.execution) else self.execution

    @property
    def line_count(self) -> int:
        """Input lines evaluated (every stage), whether or not they are in memory."""
        if self.lines is not None:
            return len(self.lines)
        return self.line_summary.line_count if self.line_summary is not None else 0

    # A what-if run (rules edited in the dashboard, not the filed rules): each change in words,
    # (zh, en), e.g. ("一般性支出 压减目标 5% → 2%", ...). Every report marks such a run.
    whatif: tuple[tuple[str, str], ...] = field(default=())

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department with a line in any stage (from the seam, so on every engine)."""
        return tuple(departments_of(self.line_summary)) if self.line_summary is not None else ()

    @property
    def latest_year(self) -> int | None:
        """The latest fiscal year with lines of the compared stage."""
        if self.line_summary is None:
            return None
        years = stage_years(self.line_summary, self.stage)
        return int(years.max()) if len(years) else None

    @property
    def balanced(self) -> bool:
        return bool(self.reconciliation[BALANCED].all())

    @property
    def clean_total(self) -> bool:
        """Every line accounted for *and* no category amount adds the same money twice."""
        return self.balanced and self.double_counted.empty

    def reconciliation_level(self) -> str:
        """How the reconciliation line is shown: 'error' (unbalanced, or money added twice), 'notice'
        (two classifications of the same money read, each counted once), 'ok'."""
        if not self.clean_total or self.line_count == 0:
            return "error"
        return "notice" if self.overlaps else "ok"

    def level_counts(self) -> dict[str, int]:
        """Counts of 达标 (graded cells) and of white / yellow / red findings (notices included)."""
        counts = self.findings[LEVEL].value_counts().to_dict()
        counts[LEVEL_ORDER[0].value] = int((self.summary[STATE] == states.COMPLIANT).sum())
        return {lv.value: int(counts.get(lv.value, 0)) for lv in LEVEL_ORDER}

    def finding_counts(self) -> dict[str, int]:
        """Findings by level (红/黄/白): the graded cells that missed *and* the data and completeness
        findings that belong to no cell (a department that sent nothing, money read twice)."""
        counts = self.findings[LEVEL].value_counts().to_dict() if len(self.findings) else {}
        return {lv.value: int(counts.get(lv.value, 0)) for lv in reversed(LEVEL_ORDER[1:])}

    def state_counts(self) -> dict[str, int]:
        """Summary cells by state (达标/白/黄/红/不可比/无数据), every state present as a key."""
        counts = self.summary[STATE].value_counts().to_dict() if len(self.summary) else {}
        return {s: int(counts.get(s, 0)) for s in states.STATES}

    @property
    def graded_cells(self) -> int:
        """How many cells were compared like for like (0: the run compared nothing)."""
        return int(self.summary[STATE].isin(states.GRADED_STATES).sum()) if len(self.summary) else 0

    def worst_level(self) -> str | None:
        """The worst finding level; 达标 only when something was graded and nothing found; else None."""
        present = set(self.findings[LEVEL])
        for lv in reversed(LEVEL_ORDER[1:]):
            if lv.value in present:
                return lv.value
        return states.COMPLIANT if self.graded_cells else None

    def outcome(self, input_failed: bool = False) -> str:
        """The run outcome (states.OUTCOMES): never compliant when nothing was graded or input failed."""
        return states.run_outcome(self.graded_cells, self.worst_level(), input_failed)

    def lines_behind(self, scope_type: str, scope: str, category: str, years: list[int]) -> pd.DataFrame:
        """The input lines behind one number in the summary (drill-down)."""
        if self.drill is None:
            raise LookupError("this evaluation has no engine to fetch its lines from")
        return self.drill.lines_behind(self.stage, scope_type, scope, category, years)

    def reconciliation_text(self, lang: str = "zh") -> str:
        if self.line_count == 0:  # nothing read: nothing to call reconciled
            return msg.t("recon.nothing", lang)
        totals = self.reconciliation[self.reconciliation[RECON_DEPARTMENT] == TOTAL_LABEL]
        total = int(totals[INPUT_FEN].sum())
        if self.balanced:
            return (
                self._department_total_text(lang)
                + msg.t(
                    "recon.balanced",
                    lang,
                    lines=self.line_count,
                    total=format_wan(total),
                    classified=format_wan(int(totals[CLASSIFIED_FEN].sum())),
                    unclassified=format_wan(int(totals[UNCLASSIFIED_FEN].sum())),
                )
                + self._printed_text(totals, lang)
                + self._overlap_text(lang)
            )
        diff = int((totals[INPUT_FEN] - totals[CLASSIFIED_FEN] - totals[UNCLASSIFIED_FEN]).sum())
        return msg.t("recon.unbalanced", lang, total=format_wan(total), difference=f"{diff / 100:,.2f}")

    def _department_total_text(self, lang: str) -> str:
        """The department total a clerk reads first: the published set's printed 合计, its table, and how
        each table read relates to it; the sum of all lines read follows, named as what it is."""
        from budget_guard.ingest.settle.published_set import total_texts

        texts = total_texts(list(self.published_sets), lang)
        if not texts:
            return ""
        return (
            msg.t("published.recon_intro", lang)
            + ("；" if lang == "zh" else "; ").join(texts)
            + msg.t("published.recon_after", lang)
        )

    def _printed_text(self, totals: pd.DataFrame, lang: str) -> str:
        """Printed figures (a table's 机关运行经费) are in the total above and in their category, but
        the same money is in other lines: say how much, and the total without them."""
        printed = int(totals[PRINTED_FEN].sum()) if PRINTED_FEN in totals else 0
        if not printed:
            return ""
        return msg.t(
            "recon.printed",
            lang,
            lines=int(totals[PRINTED_LINES].sum()),
            amount=format_wan(printed),
            net=format_wan(int(totals[INPUT_FEN].sum()) - printed),
        )

    def _overlap_text(self, lang: str, shown: int = 3) -> str:
        """Department-years read by both classifications: never a clean total without saying so.
        Those that a category added twice come first (red), then the others."""
        if not self.overlaps:
            return ""
        hit = {
            (str(d), int(y), str(s))
            for d, y, s in zip(
                self.double_counted[DEPARTMENT],
                self.double_counted["year"],
                self.double_counted["stage"],
                strict=True,
            )
        }
        ordered = sorted(self.overlaps, key=lambda o: (o.key not in hit, o.department, o.year, o.stage))
        texts = overlap_texts(ordered[:shown], self.double_counted, self.rules, lang)
        text = msg.t("double_count.recon_intro", lang) + ("；" if lang == "zh" else "; ").join(texts)
        if len(ordered) > shown:
            text += msg.t("double_count.more", lang, count=len(ordered) - shown)
        return text

    def note_texts(self, lang: str = "zh") -> list[str]:
        """The notes in words; a stage is named (预算数), never its id (budget)."""
        return [msg.t(key, lang, **_stage_names(dict(values), lang)) for key, values in self.notes]


def _stage_names(values: dict, lang: str) -> dict:
    """``stage`` / ``present`` values of a note (stage ids) as the stages' names."""

    def name(stage: str) -> str:
        key = f"stage.{stage}"
        return msg.t(key, lang) if msg.has(key) else stage

    out = dict(values)
    if isinstance(out.get("stage"), str):
        out["stage"] = name(out["stage"])
    if isinstance(out.get("present"), str):
        sep = "、" if lang == "zh" else ", "
        out["present"] = sep.join(name(p.strip()) for p in out["present"].split(",") if p.strip())
    return out


def evaluate(
    table: pd.DataFrame,
    rules: Rules,
    stage: str | None = None,
    published_sets: list | tuple = (),
) -> Evaluation:
    """Classify every line, compare each year with the previous one at every scope, and grade.

    ``table`` is a canonical budget table (see table.py); hand-built frames with only some
    columns are conformed first. ``stage`` overrides the rules' ``compare.stage``. This is the
    pandas engine; ``engine/backends`` run the same line-level half on DuckDB and Spark.
    ``published_sets``
    (``LoadResult.published_sets``): the department totals the reconciliation states first.
    """
    lines = conform(table) if not _is_conformed(table) else _own_frame(table)
    _require_departments(lines)
    stage = stage or rules.compare.stage
    half = line_summary(lines, rules)
    cells = half.summary.cells
    rules = with_government_label(rules, cells.get(DEPARTMENT, []), cells.get(DIVISION, []))  # for PEFA too
    lines[CATEGORIES_COLUMN] = half.labels.to_numpy()  # ``lines`` is our own frame (conform / _own_frame)
    lines[CATEGORY_COUNT_COLUMN] = half.category_count
    overlaps = classification_overlaps(lines)
    return evaluate_summary(
        half.summary,
        rules,
        stage,
        SourceIndex(lines, half.membership, stage),
        lines=lines,
        membership=half.membership,
        unclassified=lines.loc[half.category_count == 0],
        drill=PandasDrill(lines, half.membership),
        pefa_sums=pefa_sums(lines) if needs_pefa(rules) else None,
        overlaps=tuple(overlaps),
        double_counted=double_counted(lines, rules, overlaps),
        relation_failed=relation_failed_cells(lines, rules),
        published_sets=tuple(published_sets),
    )


def evaluate_summary(
    summary: LineSummary,
    rules: Rules,
    stage: str | None,
    lineage: Lineage,
    *,
    unclassified: pd.DataFrame | UnclassifiedLines,
    lines: pd.DataFrame | None = None,
    membership: pd.DataFrame | None = None,
    drill: Drill | None = None,
    engine: str = "pandas",
    pefa_sums: pd.DataFrame | None = None,
    overlaps: tuple = (),
    double_counted: pd.DataFrame | None = None,
    profiler: Callable[[], pd.DataFrame] | None = None,
    relation_failed: pd.DataFrame | None = None,
    published_sets: tuple = (),
) -> Evaluation:
    """The summary half, shared by every engine: year over year, grade and findings from the seam.

    It reads only ``summary`` (the ``LineSummary``) and asks ``lineage`` for the sources of the
    findings; nothing here touches a line. ``double_counted`` (engine/double_count.py) names the
    category cells that add the same money twice: they are 不可比 with one red finding each.
    ``unclassified`` is the lines in memory (pandas) or what an engine that keeps them gives
    (``engine/unclassified.py``); ``pefa_sums`` the group-by PEFA reads (``execution.pefa_sums``).
    """
    in_memory = isinstance(unclassified, pd.DataFrame)
    unclassified_list = FrameUnclassified(unclassified) if in_memory else unclassified
    stage = stage or rules.compare.stage
    rules = with_government_label(rules, summary.cells.get(DEPARTMENT, []), summary.cells.get(DIVISION, []))
    twice = empty_double_counted() if double_counted is None else double_counted
    baseline_stage = rules.compare.baseline or stage
    failed = empty_relation_failed() if relation_failed is None else relation_failed
    graded = mark_cells(grade(compare_years(summary, rules, stage), rules), twice, stage, baseline_stage)
    graded = mark_cells(graded, failed, stage, baseline_stage, reason=states.REASON_RELATION_FAILED)
    years = stage_years(summary, stage)
    latest = int(years.max()) if len(years) else None
    empty = empty_category_rows(rules, empty_categories(summary, rules), latest, rules.compare.government.zh)
    findings = build_findings(graded, rules, lineage)
    extra = [
        completeness_findings(graded, summary, rules, stage),
        double_count_findings(twice, rules, stage, baseline_stage),
        relation_failed_findings(failed, rules, stage, baseline_stage),
    ]
    if not empty.empty:
        extra.append(build_findings(empty, rules, lineage))
    extra = [part for part in extra if not part.empty]
    if extra:
        columns = list(dict.fromkeys([*findings.columns, *(c for part in extra for c in part.columns)]))
        parts = [findings.reindex(columns=columns), *(part.reindex(columns=columns) for part in extra)]
        findings = sort_findings(pd.concat(parts, ignore_index=True))
    return Evaluation(
        rules=rules,
        stage=stage,
        lines=lines,
        membership=membership,
        summary=graded,
        findings=findings,
        unclassified=unclassified if in_memory else None,
        unclassified_list=unclassified_list,
        profiler=profiler,
        reconciliation=reconcile(summary),
        notes=tuple(stage_notes(summary, stage))
        + tuple(baseline_notes(summary, rules, stage))
        + tuple(jurisdiction_notes(summary, rules)),
        line_summary=summary,
        drill=drill,
        engine=engine,
        execution=execution(summary, rules),
        pefa=pefa(pefa_sums, rules) if pefa_sums is not None else pd.DataFrame(),
        overlaps=tuple(overlaps),
        double_counted=twice,
        relation_failed=failed,
        published_sets=tuple(published_sets),
    )


def compare_years(summary: LineSummary, rules: Rules, stage: str) -> pd.DataFrame:
    """Per scope × category × year of the compared stage, each next to the previous year's
    baseline figures (``compare.baseline``), for every scope the rules name."""
    baseline_stage = rules.compare.baseline or stage
    departments = department_cells(summary, rules, stage)
    baseline = departments if baseline_stage == stage else department_cells(summary, rules, baseline_stage)
    units = unit_baseline = None
    if UNIT_SCOPE in rules.compare.scopes and departments_of(summary, UNIT):
        units = department_cells(summary, rules, stage, by=UNIT)
        unit_baseline = (
            units if baseline_stage == stage else department_cells(summary, rules, baseline_stage, UNIT)
        )
    return year_over_year(departments, rules, units, baseline, unit_baseline, baseline_stage)


def jurisdiction_notes(summary: LineSummary, rules: Rules) -> list[Note]:
    """Which 财政区划 were found and reported apart (no total across them: the rules did not declare one)."""
    found = separate_jurisdictions(rules, summary.cells.get(DIVISION, []))
    if not found:
        return []
    return [("note.jurisdictions", (("count", len(found)), ("names", "、".join(found))))]


def baseline_notes(summary: LineSummary, rules: Rules, stage: str) -> list[Note]:
    """Say which previous-year figures were compared with, loudly when the data has none of them."""
    baseline = rules.compare.baseline
    if not baseline or baseline == stage:
        return []
    present = {str(s) for s in summary.totals.loc[summary.totals["input_lines"] > 0, "stage"]}
    key = "note.baseline" if baseline in present else "note.baseline_absent"
    labels = tuple(
        (f"{name}_{lang}", msg.t(f"stage.{value}", lang))
        for name, value in (("baseline", baseline), ("stage", stage))
        for lang in ("zh", "en")
    )
    return [(key, labels)]


def _require_departments(lines: pd.DataFrame) -> None:
    """A hand-built table (not from ``read_budget``) may lack a department: say which rows."""
    for column, zh, en in ((DEPARTMENT, "部门", "department"),):
        missing = lines[column].isna().to_numpy()
        if missing.any():
            rows = ", ".join(str(i) for i in np.flatnonzero(missing)[:10])
            raise InputError.from_key(
                "input.lines_without", count=int(missing.sum()), field_zh=zh, field_en=en, rows=rows
            )


def _own_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A frame of our own over the caller's columns, numbered 0…n-1: the two columns ``evaluate``
    adds do not appear in the caller's table, and no column is copied (a deep copy was ~100 bytes
    per line, the largest single allocation of a 10M-line run). The engine never writes into a
    column it was given."""
    own = table.copy(deep=False)
    own.index = pd.RangeIndex(len(own))
    return own


def _is_conformed(table: pd.DataFrame) -> bool:
    return tuple(table.columns[: len(COLUMNS)]) == COLUMNS and table[AMOUNT_FEN].dtype == np.int64


__all__ = ["Drill", "Evaluation", "evaluate", "evaluate_summary", "GOVERNMENT"]
