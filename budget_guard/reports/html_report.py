"""HTML and Markdown summaries for an e-mail or a wiki page: counts, compliance matrix, findings.

Both are self-contained text (inline CSS, no scripts, no external assets). Every value that can
come from a submitted table is escaped — ``html.escape`` for HTML, backslash escapes for
Markdown — so an item name can neither inject markup nor break a table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from budget_guard import messages as msg
from budget_guard.clock import beijing_text
from budget_guard.engine import states
from budget_guard.engine.evaluate import Evaluation
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.rulebook import Level
from budget_guard.model.table import AMOUNT_FEN, STAGE, format_wan
from budget_guard.outputs.escape import html_text, md_text
from budget_guard.outputs.files import atomic_write_text
from budget_guard.reports.execution import baseline_text
from budget_guard.reports.execution import html_section as execution_html
from budget_guard.reports.execution import markdown_section as execution_markdown
from budget_guard.reports.expectations import GeOutcome
from budget_guard.reports.unclassified import LINES, UnclassifiedOutput, largest_groups, unclassified_output
from budget_guard.reports.views import (
    LEVEL_COLUMN,
    MATRIX_FINDINGS,
    MATRIX_STATE,
    MONEY_COLUMNS,
    RATE_COLUMNS,
    category_label,
    compliance_matrix,
    finding_rows,
    first_lines,
)
from budget_guard.reports.xlsx_report import UNCLASSIFIED_SUMMARY_LABELS
from budget_guard.runs.outcome import unreadable_files

# The e-mail-sized reports list this many of the largest unclassified groups (all are in the 督办单).
UNCLASSIFIED_TOP = 20

LEVEL_MARKS: dict[str, str] = {
    Level.red.value: "🔴",
    Level.yellow.value: "🟡",
    Level.white.value: "⚪",
    Level.compliant.value: "🟢",
    states.NOT_COMPARABLE: "🔵",
    states.NO_DATA: "➖",
}
OUTCOME_MARKS: dict[str, str] = {
    **LEVEL_MARKS,
    states.OUTCOME_NOTHING_COMPARED: "⛔",
    states.OUTCOME_INPUT_FAILED: "⛔",
}

_CSS = (
    'body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}'
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{border:1px solid #bbb;padding:4px 8px;vertical-align:top}"
    "th{background:#D9E1F2}td.num{text-align:right;white-space:nowrap}"
    ".badge{display:inline-block;padding:2px 10px;margin-right:6px;border:1px solid #999;border-radius:4px}"
    + "".join(
        f".{state}{{background:#{states.FILL[state]};color:#{states.TEXT_COLOUR[state]}}}"
        for state in states.STATES
    )
    + ".headline{font-size:1.15em;font-weight:bold;padding:8px 12px;border:2px solid #555}"
    + ".nothing_compared,.input_failed{background:#FFC7CE;color:#9C0006;border-color:#9C0006}"
    + ".whatif{background:#FFF2CC;color:#7F6000;border-color:#BF9000}"
)


def _counts_differ(evaluation: Evaluation) -> bool:
    """Findings and cells of one colour differ (data and completeness findings): the note says why."""
    cells = evaluation.state_counts()
    return any(count != cells[state] for state, count in evaluation.finding_counts().items())


def cell_text(column: str, value: Any, lang: str) -> str:
    """How a 督办单 cell reads as text: 万元 with two decimals, signed percentages, level labels."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if column in MONEY_COLUMNS:
        return format_wan(int(value))
    if column in RATE_COLUMNS:
        return f"{float(value) * 100:+.2f}%"
    if column == LEVEL_COLUMN:
        return msg.level_label(str(value), lang)
    return str(value)


_esc = html_text  # the one HTML helper (outputs/escape.py)
md_escape = md_text  # the one Markdown helper: pipes, emphasis, links, images, HTML, controls neutralised


def _header_facts(
    evaluation: Evaluation,
    load: LoadResult,
    lang: str,
    generated_at: datetime,
    unclassified: UnclassifiedOutput,
) -> list[tuple[str, str]]:
    rules = evaluation.rules
    totals = load.totals()
    stage_key = f"stage.{evaluation.stage}"
    facts = [
        (msg.t("report.generated_at", lang), beijing_text(generated_at, lang)),
        (
            msg.t("report.rules", lang),
            f"{rules.title.get(lang)} {rules.version} (sha256 {(rules.sha256 or '')[:12]})",
        ),
        (msg.t("col.stage", lang), msg.t(stage_key, lang) if msg.has(stage_key) else evaluation.stage),
        (msg.t("baseline.label", lang), baseline_text(evaluation, lang)),
        (
            msg.t("report.inputs", lang),
            msg.t("report.inputs_value", lang, files=totals["files"], failed=len(unreadable_files(load))),
        ),
        (
            msg.t("report.rows", lang),
            msg.t("report.rows_value", lang, lines=evaluation.line_count, rejected=len(load.rejected)),
        ),
        (msg.t("report.reconciliation", lang), evaluation.reconciliation_text(lang)),
        *_relations_fact(load, lang),
        (
            msg.t("report.unclassified", lang),
            msg.t(
                "report.unclassified_value",
                lang,
                lines=unclassified.lines,
                amount=format_wan(unclassified.amount_fen),
            ),
        ),
    ]
    if unclassified.files and unclassified.lines:
        facts.append(
            (
                msg.t("report.unclassified_list", lang),
                msg.t(
                    "report.unclassified_list_value",
                    lang,
                    lines=unclassified.lines,
                    files=unclassified.files_text(),
                ),
            )
        )
    return facts + [(msg.t("report.notes", lang), note) for note in evaluation.note_texts(lang)]


def _unclassified_top(unclassified: UnclassifiedOutput, lang: str) -> tuple[str, list[str], list[list[str]]]:
    """Title, headers and text cells of the largest unclassified groups (empty when there are none)."""
    summary = unclassified.summary
    top = largest_groups(summary, UNCLASSIFIED_TOP)
    title = msg.t("report.unclassified_top", lang, shown=len(top), groups=len(summary))
    headers = [msg.t(label, lang) for label in UNCLASSIFIED_SUMMARY_LABELS.values()]
    rows = []
    for record in top.to_dict("records"):
        cells = []
        for column in UNCLASSIFIED_SUMMARY_LABELS:
            value = record[column]
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                cells.append("—")
            elif column == AMOUNT_FEN:
                cells.append(format_wan(int(value)))
            elif column == STAGE and msg.has(f"stage.{value}"):
                cells.append(msg.t(f"stage.{value}", lang))
            else:
                cells.append(str(value))
        rows.append(cells)
    return title, headers, rows


def _matrix_cells(
    evaluation: Evaluation, lang: str
) -> tuple[list[int], list[tuple[str, list[tuple[str | None, str]]]]]:
    matrix = compliance_matrix(evaluation)
    years = sorted({int(y) for _, y in matrix.index}) if len(matrix) else []
    rows = []
    for category in evaluation.rules.categories:
        cells = []
        for year in years:
            state = matrix.at[(category.id, year), MATRIX_STATE]
            count = int(matrix.at[(category.id, year), MATRIX_FINDINGS])
            text = msg.t(f"state.{state}", lang) + (f" ×{count}" if count else "")
            cells.append((state, text))
        rows.append((category_label(evaluation, category.id, lang), cells))
    return years, rows


def _ge_summary(ge: GeOutcome, lang: str) -> str:
    """One line on the Great Expectations run, shared by the HTML and Markdown summaries."""
    return msg.t(
        "report.ge_value",
        lang,
        success=msg.value("value.bool", bool(ge.success), lang),
        failed=ge.statistics.get("unsuccessful_expectations", 0),
        evaluated=ge.statistics.get("evaluated_expectations", 0),
        docs=ge.data_docs_index or "",
    )


def render_html(
    evaluation: Evaluation,
    load: LoadResult,
    lang: str = "zh",
    *,
    ge: GeOutcome | None = None,
    generated_at: datetime | None = None,
    unclassified: UnclassifiedOutput | None = None,
) -> str:
    """A standalone HTML page (escaped, coloured compliance matrix and findings)."""
    generated_at = generated_at or datetime.now(UTC)
    unclassified = unclassified or unclassified_output(evaluation)
    title = f"{msg.t('report.title', lang)} — {evaluation.rules.title.get(lang)}"
    out = [
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for line in first_lines(evaluation, load, lang):
        out.append(f'<p class="headline {_esc(line.css)}">{_esc(line.text)}</p>')
    out.append(f"<h1>{_esc(title)}</h1>")
    for key, counts in (
        ("counts.findings", evaluation.finding_counts()),
        ("counts.cells", evaluation.state_counts()),
    ):
        out.append(f'<p class="counts"><b>{_esc(msg.t(key, lang))}</b> ')
        for state in states.COUNT_ORDER:
            if state in counts:
                label = _esc(msg.t(f"state.{state}", lang))
                out.append(f'<span class="badge {state}">{label}: {counts[state]}</span>')
        out.append("</p>")
    if _counts_differ(evaluation):
        out.append(f"<p>{_esc(msg.t('counts.note', lang))}</p>")
    out.append("<table>")
    for label, value in _header_facts(evaluation, load, lang, generated_at, unclassified):
        out.append(f"<tr><th>{_esc(label)}</th><td>{_esc(value)}</td></tr>")
    if ge is not None:
        link = f' <a href="{_esc(ge.data_docs_index)}">Data Docs</a>' if ge.data_docs_index else ""
        summary = _ge_summary(ge, lang)
        out.append(f"<tr><th>{_esc(msg.t('report.ge', lang))}</th><td>{_esc(summary)}{link}</td></tr>")
    out.append("</table>")

    years, matrix_rows = _matrix_cells(evaluation, lang)
    out.append(
        f"<h2>{_esc(msg.t('report.matrix', lang))}</h2><table><tr><th>{_esc(msg.t('col.category', lang))}</th>"
    )
    out.extend(f"<th>{year}</th>" for year in years)
    out.append("</tr>")
    for label, cells in matrix_rows:
        out.append(f"<tr><th>{_esc(label)}</th>")
        out.extend(f'<td class="{level or ""}">{_esc(text)}</td>' for level, text in cells)
        out.append("</tr>")
    out.append("</table>")

    rows = finding_rows(evaluation, lang)
    out.append(f"<h2>{_esc(msg.t('report.findings', lang))} ({len(rows)})</h2>")
    if rows.empty:
        out.append(f"<p>{_esc(msg.t('report.none', lang))}</p>")
    else:
        out.append(
            "<table><tr>" + "".join(f"<th>{_esc(msg.t(c, lang))}</th>" for c in rows.columns) + "</tr>"
        )
        for record in rows.to_dict("records"):
            out.append(f'<tr class="{_esc(record[LEVEL_COLUMN])}">')
            for col in rows.columns:
                css = ' class="num"' if col in MONEY_COLUMNS or col in RATE_COLUMNS else ""
                out.append(f"<td{css}>{_esc(cell_text(col, record[col], lang))}</td>")
            out.append("</tr>")
        out.append("</table>")
    if unclassified.lines:
        title, headers, top_rows = _unclassified_top(unclassified, lang)
        out.append(f"<h2>{_esc(title)}</h2><table><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in headers))
        opens = [
            '<td class="num">' if c in (LINES, AMOUNT_FEN) else "<td>" for c in UNCLASSIFIED_SUMMARY_LABELS
        ]
        for row in top_rows:
            out.append(
                "<tr>"
                + "".join(f"{td}{_esc(text)}</td>" for text, td in zip(row, opens, strict=True))
                + "</tr>"
            )
        out.append("</table>")
    out.append(execution_html(evaluation, lang))
    out.append(f"<p>{_esc(msg.t('report.unit_note', lang))}</p></body></html>\n")
    return "".join(out)


def render_markdown(
    evaluation: Evaluation,
    load: LoadResult,
    lang: str = "zh",
    *,
    ge: GeOutcome | None = None,
    generated_at: datetime | None = None,
    unclassified: UnclassifiedOutput | None = None,
) -> str:
    """The same summary as Markdown (levels marked 🔴🟡⚪🟢, since Markdown has no colours)."""
    generated_at = generated_at or datetime.now(UTC)
    unclassified = unclassified or unclassified_output(evaluation)
    title = f"{msg.t('report.title', lang)} — {evaluation.rules.title.get(lang)}"
    out = [
        f"**{OUTCOME_MARKS.get(line.css, '')} {md_escape(line.text)}**".replace("** ", "**")
        for line in first_lines(evaluation, load, lang)
    ]
    out += ["", f"# {md_escape(title)}", ""]
    for key, counts in (
        ("counts.findings", evaluation.finding_counts()),
        ("counts.cells", evaluation.state_counts()),
    ):
        out.append(
            f"**{md_escape(msg.t(key, lang))}** "
            + " · ".join(
                f"{LEVEL_MARKS[state]} {md_escape(msg.t(f'state.{state}', lang))}: {counts[state]}"
                for state in states.COUNT_ORDER
                if state in counts
            )
        )
        out.append("")
    if _counts_differ(evaluation):
        out += [md_escape(msg.t("counts.note", lang)), ""]
    for label, value in _header_facts(evaluation, load, lang, generated_at, unclassified):
        out.append(f"- **{md_escape(label)}**: {md_escape(value)}")
    if ge is not None:
        summary = _ge_summary(ge, lang)
        out.append(f"- **{md_escape(msg.t('report.ge', lang))}**: {md_escape(summary)}")
    out.append("")

    years, matrix_rows = _matrix_cells(evaluation, lang)
    out += [f"## {md_escape(msg.t('report.matrix', lang))}", ""]
    out.append("| " + " | ".join([md_escape(msg.t("col.category", lang))] + [str(y) for y in years]) + " |")
    out.append("|" + "---|" * (len(years) + 1))
    for label, cells in matrix_rows:
        texts = [f"{LEVEL_MARKS.get(level or '', '')} {md_escape(text)}".strip() for level, text in cells]
        out.append("| " + " | ".join([md_escape(label)] + texts) + " |")
    out.append("")

    rows = finding_rows(evaluation, lang)
    out += [f"## {md_escape(msg.t('report.findings', lang))} ({len(rows)})", ""]
    if rows.empty:
        out.append(md_escape(msg.t("report.none", lang)))
    else:
        out.append("| " + " | ".join(md_escape(msg.t(c, lang)) for c in rows.columns) + " |")
        out.append(
            "|"
            + "".join("---:|" if c in MONEY_COLUMNS or c in RATE_COLUMNS else "---|" for c in rows.columns)
        )
        for record in rows.to_dict("records"):
            texts = []
            for col in rows.columns:
                text = md_escape(cell_text(col, record[col], lang))
                texts.append(f"{LEVEL_MARKS[record[col]]} {text}" if col == LEVEL_COLUMN else text)
            out.append("| " + " | ".join(texts) + " |")
    if unclassified.lines:
        title, headers, top_rows = _unclassified_top(unclassified, lang)
        out += ["", f"## {md_escape(title)}", ""]
        out.append("| " + " | ".join(md_escape(h) for h in headers) + " |")
        out.append(
            "|"
            + "".join("---:|" if c in (LINES, AMOUNT_FEN) else "---|" for c in UNCLASSIFIED_SUMMARY_LABELS)
        )
        out += ["| " + " | ".join(md_escape(text) for text in row) + " |" for row in top_rows]
    out += [""] + execution_markdown(evaluation, lang, md_escape, LEVEL_MARKS)
    out += ["", md_escape(msg.t("report.unit_note", lang)), ""]
    return "\n".join(out)


def write_html(
    evaluation: Evaluation, load: LoadResult, path: str | Path, lang: str = "zh", **kwargs: Any
) -> Path:
    return atomic_write_text(path, render_html(evaluation, load, lang, **kwargs))


def write_markdown(
    evaluation: Evaluation, load: LoadResult, path: str | Path, lang: str = "zh", **kwargs: Any
) -> Path:
    return atomic_write_text(path, render_markdown(evaluation, load, lang, **kwargs))


def _relations_fact(load: LoadResult, lang: str) -> list[tuple[str, str]]:
    """Per department-year-stage of a published set: the department total and the 表间勾稽 checked and failed."""
    from budget_guard.ingest.settle.published_set import summary_lines

    lines = summary_lines(list(getattr(load, "published_sets", [])), lang)[1:]
    return [(msg.t("report.relations", lang), "\n".join(lines))] if lines else []
