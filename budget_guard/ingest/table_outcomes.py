"""What became of every table: read (lines, total) / not spending / empty / repeated (counted from which table) / failed (why).

The sheet readers settle not-spending and empty tables themselves; the rest is only known after the
checks across files (a table whose every line another table already holds is *repeated*, not read),
so this runs last and gives every sheet one outcome and, except for a plain read, a reason.
"""

from __future__ import annotations

from budget_guard import messages as msg
from budget_guard.ingest.load_result import EMPTY_TABLE, FAILED, READ, REPEATED, LoadResult, SheetReport
from budget_guard.ingest.recognise.detect import UNKNOWN
from budget_guard.ingest.recognise.numbers import fen_to_unit_text
from budget_guard.messages.problems import Problem, Severity
from budget_guard.model.table import format_yuan


def settle_outcomes(result: LoadResult, problems: list[Problem]) -> None:
    errors: dict[tuple[str, str], Problem] = {}
    for p in problems:
        if p.severity == Severity.error.value and p.file is not None:
            errors.setdefault((p.file, p.sheet or ""), p)
    for f in result.files:
        for s in f.sheets:
            if s.outcome:
                continue
            error = errors.get((f.name, s.sheet or ""))
            _settle(s, error, failed_file=f.status == "failed")


def _settle(s: SheetReport, error: Problem | None, *, failed_file: bool) -> None:
    if s.layout == UNKNOWN or (failed_file and not s.lines):
        s.outcome = FAILED
        if error is not None:
            s.reason_zh, s.reason_en = error.describe("zh"), error.describe("en")
        return
    if s.lines:
        s.outcome = READ
        return
    if s.counted_from:
        s.outcome = REPEATED
        if not s.reason_zh:
            s.reason_zh = msg.t("tables.repeated_of", "zh", table=s.counted_from)
            s.reason_en = msg.t("tables.repeated_of", "en", table=s.counted_from)
        return
    if s.rejected_rows and error is not None:
        s.outcome = FAILED
        s.reason_zh, s.reason_en = error.describe("zh"), error.describe("en")
        return
    s.outcome = EMPTY_TABLE
    s.reason_zh = s.reason_zh or msg.t("tables.no_amounts", "zh")
    s.reason_en = s.reason_en or msg.t("tables.no_amounts", "en")


def money(fen: int, unit: str | None, lang: str = "zh") -> str:
    """An amount in the table's own unit (万元 tables in 万元), else 元."""
    if unit in ("万元", "千元"):
        return msg.t("tables.money_unit", lang, amount=fen_to_unit_text(fen, unit), unit=unit)
    return msg.t("tables.money_yuan", lang, amount=format_yuan(fen))


def outcome_text(s: SheetReport, lang: str = "zh") -> str:
    """One line for the per-table summary (load report, CLI): what became of the table and why."""
    name = s.title or s.sheet or ""
    reason = s.reason_zh if lang == "zh" else s.reason_en
    if s.outcome == READ:
        text = msg.t("tables.read", lang, lines=s.lines, counted=money(s.amount_fen, s.unit, lang))
        if s.read_fen != s.amount_fen or s.read_lines != s.lines:
            text += msg.t(
                "tables.read_printed", lang, lines=s.read_lines, printed=money(s.read_fen, s.unit, lang)
            )
        text += _printed_total_text(s, lang)
        return f"{name}  {text}" + (msg.t("tables.reason_after", lang, reason=reason) if reason else "")
    label = msg.t(f"tables.outcome.{s.outcome or FAILED}", lang)
    return f"{name}  {label}" + (msg.t("tables.reason", lang, reason=reason) if reason else "")


def _printed_total_text(s: SheetReport, lang: str) -> str:
    """The lines read against the table's own 合计 row: equal to the 分, or both figures and the gap."""
    if s.printed_total_fen is None:
        return ""
    if s.printed_total_fen == s.read_fen:
        return msg.t("tables.total_agrees", lang)
    return msg.t(
        "tables.total_differs",
        lang,
        printed=money(s.printed_total_fen, s.unit, lang),
        gap=money(s.read_fen - s.printed_total_fen, s.unit, lang),
    )


def table_summary_lines(result: LoadResult, lang: str = "zh") -> list[str]:
    """The per-table part of the CLI summary: a heading, then one line per table (file, table, outcome)."""
    sheets = [(f, s) for f in result.files for s in f.sheets]
    lines = [msg.t("tables.heading", lang, count=len(sheets) + sum(1 for f in result.files if not f.sheets))]
    for f in result.files:
        if not f.sheets:
            lines.append(f"  {f.name}  {msg.t('tables.outcome.failed', lang)}")
        for s in f.sheets:
            lines.append(f"  {f.name}  {outcome_text(s, lang)}")
    return lines


__all__ = ["money", "outcome_text", "settle_outcomes", "table_summary_lines"]
