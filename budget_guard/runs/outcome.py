"""The outcome of one run (read + evaluate): what the CLI's first line, the exit code, every report's
first line and the dashboard's headline say.

It joins the two halves a clerk must never see apart: whether every input was read, and whether
anything was compared like for like (engine/states.py). A run whose input failed, or that graded
nothing, is never compliant; its headline says what failed and how to fix it, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from budget_guard import messages as msg
from budget_guard.engine import states
from budget_guard.engine.evaluate import Evaluation
from budget_guard.ingest.load_result import FileReport, LoadResult

# Load-report codes saying a file's lines were read and deliberately not counted (a repeat of
# another file, a second source of the same money) or that the file legitimately holds no lines.
SET_ASIDE_CODES: frozenset[str] = frozenset(
    {"table-repeated", "file-duplicate", "source-set-aside", "table-empty", "non-spending-table"}
)
MAX_REASONS_SHOWN = 5  # the reports list every problem; the one-line error names the first few


def unreadable_files(load: LoadResult) -> list[FileReport]:
    """Files that failed, in whole or in part: unreadable outright, read with no table kept or set
    aside for a reason, or with a table that could not be read.

    A table that failed leaves money unread that a category may need (a 三公 table, a 基本支出
    table), so a run with one is never a sign-off, whatever the tables that were read say. The
    per-table classification is ingest's (``FileReport.unreadable``: a 收支总表, an empty table, a
    repeated table are accounted for). A file whose lines were all set aside as another source of
    the same money (the load report says which file was kept) is not unreadable either.
    """
    explained = {p.file for p in load.problems if p.code in SET_ASIDE_CODES}
    out = []
    for f in load.files:
        set_aside = f.status == "ok" and (f.name in explained or f.path in explained)
        if (f.unreadable and not set_aside) or f.failed_tables:
            out.append(f)
    return out


def load_error_text(load: LoadResult, lang: str) -> str:
    """One line naming each unreadable file and why (the load report has every problem)."""
    parts = []
    for f in unreadable_files(load):
        reasons = [p.describe(lang) for p in load.errors if p.file in (f.name, f.path)]
        shown = "; ".join(reasons[:MAX_REASONS_SHOWN])
        if len(reasons) > MAX_REASONS_SHOWN:
            shown += f" …(+{len(reasons) - MAX_REASONS_SHOWN})"
        sep = "：" if lang == "zh" else ": "
        parts.append(f"{f.name}{sep}{shown or msg.t('outcome.no_lines', lang)}")
    return " | ".join(parts)


def input_failed_text(load: LoadResult, lang: str) -> str:
    """The one line of a run whose input failed: how many files, which and why, and that it is no sign-off."""
    failed = unreadable_files(load)
    return msg.t("headline.input_failed", lang, count=len(failed), detail=load_error_text(load, lang))


@dataclass(frozen=True)
class RunOutcome:
    """``outcome`` is one of states.OUTCOMES; ``headline`` is the first line of every report."""

    outcome: str
    graded_cells: int
    failed_files: tuple[str, ...]
    headline_zh: str
    headline_en: str

    @property
    def compared(self) -> bool:
        return self.outcome not in (states.OUTCOME_NOTHING_COMPARED, states.OUTCOME_INPUT_FAILED)

    def headline(self, lang: str = "zh") -> str:
        return self.headline_en if lang == "en" else self.headline_zh

    def as_record(self) -> dict:
        return {
            "outcome": self.outcome,
            "graded_cells": self.graded_cells,
            "failed_files": list(self.failed_files),
            "headline": {"zh": self.headline_zh, "en": self.headline_en},
        }


def nothing_compared_text(evaluation: Evaluation, lang: str) -> str:
    """Why no cell was graded, with the fix."""
    if evaluation.line_count == 0:
        return msg.t("headline.why.no_lines", lang)
    stage_name = _stage_label(evaluation.stage, lang)
    absent = dict(next((dict(v) for k, v in evaluation.notes if k == "note.stage_absent"), {}))
    if absent:
        present = [p.strip() for p in str(absent.get("present", "")).split(",") if p.strip()]
        return msg.t(
            "headline.why.stage_absent",
            lang,
            stage=stage_name,
            present=("、" if lang == "zh" else ", ").join(_stage_label(p, lang) for p in present),
            option=present[0] if present else "budget",
        )
    why = msg.t("headline.why.no_baseline", lang, stage=stage_name)
    failed = evaluation.relation_failed
    if len(failed):  # cells that had a baseline but rest on a figure whose table does not add up
        first = failed.iloc[0]
        why = msg.t(
            "headline.why.relation_failed",
            lang,
            cells=len(failed),
            tables=first["tables"],
            relations=first["relations"],
            rest=why,
        )
    return why


def _stage_label(stage: str, lang: str) -> str:
    key = f"stage.{stage}"
    return msg.t(key, lang) if msg.has(key) else stage


def run_outcome(evaluation: Evaluation, load: LoadResult | None = None) -> RunOutcome:
    """The run's outcome and the one line that says it (zh and en)."""
    failed = unreadable_files(load) if load is not None else []
    outcome = evaluation.outcome(input_failed=bool(failed))
    texts = {}
    for lang in ("zh", "en"):
        if failed and load is not None:  # (files fail only in a load)
            text = msg.t("headline.input_failed", lang, count=len(failed), detail=load_error_text(load, lang))
            if evaluation.graded_cells:
                text += msg.t("headline.partial", lang, worst=_outcome_label(evaluation.outcome(), lang))
        elif outcome == states.OUTCOME_NOTHING_COMPARED:
            text = msg.t("headline.nothing_compared", lang, why=nothing_compared_text(evaluation, lang))
        else:
            counts = evaluation.state_counts()
            found = evaluation.finding_counts()
            text = msg.t(
                "headline.graded",
                lang,
                worst=_outcome_label(outcome, lang),
                red=counts[states.RED],
                yellow=counts[states.YELLOW],
                white=counts[states.WHITE],
                compliant=counts[states.COMPLIANT],
                not_comparable=counts[states.NOT_COMPARABLE],
                no_data=counts[states.NO_DATA],
                findings=len(evaluation.findings),
                red_findings=found[states.RED],
                yellow_findings=found[states.YELLOW],
                white_findings=found[states.WHITE],
            )
        texts[lang] = text
    return RunOutcome(
        outcome, evaluation.graded_cells, tuple(f.name for f in failed), texts["zh"], texts["en"]
    )


def _outcome_label(outcome: str, lang: str) -> str:
    return msg.t(f"outcome.{outcome}", lang)
