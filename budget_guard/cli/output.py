"""What ``check`` and ``batch`` print on the terminal: level counts, red findings, case changes, tables."""

from __future__ import annotations

import unicodedata
from typing import Any

from budget_guard import messages as msg
from budget_guard.engine.states import COUNT_ORDER
from budget_guard.errors import required
from budget_guard.ingest.files.sources import escape_controls
from budget_guard.ingest.table_outcomes import table_summary_lines
from budget_guard.ledger.runs import NOTHING_COMPARED
from budget_guard.outputs.escape import echo
from budget_guard.runs.batch import BatchOutcome
from budget_guard.runs.check import CheckOutcome


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 1)


def print_counts(findings: dict[str, int], cells: dict[str, int], lang: str) -> None:
    """One table, two named columns: findings by level and compared cells by state (never mixed)."""
    rows = [
        [
            msg.t(f"state.{state}", lang),
            str(findings[state]) if state in findings else "—",
            str(cells.get(state, 0)),
        ]
        for state in COUNT_ORDER
    ]
    print_table(["col.level", "counts.findings", "counts.cells"], rows, lang)
    if any(findings[s] != cells.get(s, 0) for s in findings):
        echo(msg.t("counts.note", lang))


def print_check(outcome: CheckOutcome, lang: str) -> None:
    ev = outcome.evaluation
    run = outcome.run
    if run is not None:
        echo(run.headline(lang))  # the first line says what the run is (or is not) worth
    print_counts(ev.finding_counts(), ev.state_counts(), lang)
    echo("\n".join(table_summary_lines(outcome.load, lang)))
    from budget_guard.ingest.settle.published_set import summary_lines

    sets = summary_lines(outcome.load.published_sets, lang)  # department total, 表间勾稽 checked / failed
    if sets:
        echo("\n".join(sets))
    echo(ev.reconciliation_text(lang))
    for note in ev.note_texts(lang):
        echo(note)
    from budget_guard.cases.policy import red_messages

    print_reds(red_messages(ev), lang)  # each red that opens no case says why (rules' supervision)
    worst = (
        msg.t(f"outcome.{run.outcome}", lang)
        if run is not None
        else msg.level_label(
            required(ev.worst_level(), "the worst level (a check always has a run outcome)"), lang
        )
    )
    echo(
        msg.t(
            "cli.outcome",
            lang,
            worst=worst,
            fail_on=fail_on_text(outcome.fail_on, lang),
            code=outcome.exit_code,
        )
    )
    echo(msg.t("cli.reports", lang, paths=", ".join(str(p) for p in outcome.reports.values())))


MAX_REDS_SHOWN = 20  # the terminal lists this many red findings; the reports have all


def fail_on_text(fail_on: str, lang: str) -> str:
    return msg.value("value.fail_on", fail_on, lang) if fail_on == "none" else msg.level_label(fail_on, lang)


def print_reds(messages: list[tuple[str, str]], lang: str, names: list[str] | None = None) -> None:
    """The red findings themselves (what a supervisor acts on), not only their number."""
    if not messages:
        return
    echo(msg.t("cli.red_findings", lang, count=len(messages)))
    for i, (zh, en) in enumerate(messages[:MAX_REDS_SHOWN]):
        prefix = f"{names[i]}：" if names and lang == "zh" else (f"{names[i]}: " if names else "")
        echo(f"  - {prefix}{zh if lang == 'zh' else en}")
    if len(messages) > MAX_REDS_SHOWN:
        echo("  " + msg.t("cli.red_more", lang, count=len(messages) - MAX_REDS_SHOWN))


def print_batch(outcome: BatchOutcome, lang: str) -> None:
    echo(
        msg.t(
            "cli.batch_summary",
            lang,
            processed=len(outcome.files),
            failed=outcome.failed,
            skipped=outcome.skipped,
        )
    )
    for f in outcome.files:
        level = msg.level_label(f.worst_level, lang) if f.worst_level else msg.t(f"outcome.{f.status}", lang)
        if f.status == NOTHING_COMPARED:
            level = msg.t("outcome.nothing_compared", lang)
        echo(escape_controls(f"  {f.name}  {level}  {f.report_dir or ''}  {f.message}".rstrip()))
    for note in outcome.notes:
        echo(escape_controls(f"  {note.message(lang)}"))
    reds = outcome.red_findings
    print_reds([(zh, en) for _, zh, en in reds], lang, names=[name for name, _, _ in reds])


def print_cases(changes: Any, lang: str, not_updated: bool) -> None:
    from budget_guard.cli.cases import print_changes

    if not_updated:
        echo(msg.t("cli.cases_not_updated", lang, count=len(changes.not_rectified)))
        return
    print_changes(changes, lang)


def print_table(headers: list[str], rows: list[list[str]], lang: str) -> None:
    """Columns padded to the widest cell (CJK characters count two), the last column left free."""
    labels = [msg.t(h, lang) for h in headers]
    widths = [
        max([display_width(x) for x in [label, *(row[i] for row in rows)]]) + 2
        for i, label in enumerate(labels)
    ]
    for row in [labels, *rows]:
        echo("".join(pad(cell, w) for cell, w in zip(row[:-1], widths, strict=False)) + row[-1])
