"""The 预算执行 section of every report (决算 against the budget, PEFA PI-1/PI-2) and the baseline line.

One display frame per table, named by i18n keys like ``views.py``; each writer (JSON, XLSX, HTML,
Markdown) calls the one function here for its format, so the section reads the same everywhere.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine import execution as ex
from budget_guard.engine.compare import CATEGORY, SCOPE, SCOPE_TYPE
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.grade import LEVEL, REASON
from budget_guard.model.table import YEAR, format_wan
from budget_guard.outputs.escape import html_text
from budget_guard.reports.views import category_label, scope_label

EXECUTION_COLUMNS: tuple[str, ...] = (
    "col.department",
    "col.category",
    "col.year",
    "execution.col.budget",
    "execution.col.adjusted",
    "execution.col.final",
    "execution.col.rate_budget",
    "execution.col.rate_adjusted",
    "col.level",
    "col.message",
)
EXECUTION_MONEY = frozenset({"execution.col.budget", "execution.col.adjusted", "execution.col.final"})
EXECUTION_RATIOS = frozenset({"execution.col.rate_budget", "execution.col.rate_adjusted"})
PEFA_COLUMNS: tuple[str, ...] = (
    "col.department",
    "col.year",
    "execution.col.budget",
    "execution.col.final",
    "execution.col.outturn",
    "execution.col.pi1",
    "execution.col.func_variance",
    "execution.col.pi21",
    "execution.col.econ_variance",
    "execution.col.pi22",
)
PEFA_MONEY = frozenset({"execution.col.budget", "execution.col.final"})
PEFA_PERCENT = frozenset(
    {"execution.col.outturn", "execution.col.func_variance", "execution.col.econ_variance"}
)


def baseline_text(evaluation: Evaluation, lang: str) -> str:
    """'本年预算数对比上年决算数': which figures of the previous year were compared with."""
    return msg.t(
        "baseline.text",
        lang,
        stage=msg.t(f"stage.{evaluation.stage}", lang),
        baseline=msg.t(f"stage.{evaluation.baseline_stage}", lang),
    )


def execution_rows(evaluation: Evaluation, lang: str) -> pd.DataFrame:
    """The execution findings (white / yellow / red), worst first, money in 分, ratios as fractions."""
    found = evaluation.execution_findings()
    records = found.to_dict("records")
    message = ex.MESSAGE_EN if lang == "en" else ex.MESSAGE_ZH
    return pd.DataFrame(
        {
            "col.department": [
                scope_label(evaluation, r[SCOPE_TYPE], r[SCOPE], lang, r.get("parent")) for r in records
            ],
            "col.category": [category_label(evaluation, r[CATEGORY], lang) for r in records],
            "col.year": [int(r[YEAR]) for r in records],
            "execution.col.budget": [int(r[ex.BUDGET_FEN]) for r in records],
            "execution.col.adjusted": [int(r[ex.ADJUSTED_FEN]) for r in records],
            "execution.col.final": [int(r[ex.FINAL_FEN]) for r in records],
            "execution.col.rate_budget": [r[ex.RATE_BUDGET] for r in records],
            "execution.col.rate_adjusted": [r[ex.RATE_ADJUSTED] for r in records],
            "col.level": [r[LEVEL] for r in records],
            "col.message": [r[message] for r in records],
        },
        columns=list(EXECUTION_COLUMNS),
    )


def pefa_rows(evaluation: Evaluation, lang: str) -> pd.DataFrame:
    frame = evaluation.pefa
    if frame.empty:
        return pd.DataFrame(columns=list(PEFA_COLUMNS))
    records = frame.to_dict("records")
    return pd.DataFrame(
        {
            "col.department": [scope_label(evaluation, r[SCOPE_TYPE], r[SCOPE], lang) for r in records],
            "col.year": [int(r[YEAR]) for r in records],
            "execution.col.budget": [int(r[ex.BUDGET_FEN]) for r in records],
            "execution.col.final": [int(r[ex.FINAL_FEN]) for r in records],
            "execution.col.outturn": frame[ex.OUTTURN_PCT].to_numpy(),
            "execution.col.pi1": frame[ex.PI1].to_numpy(),
            "execution.col.func_variance": frame[ex.FUNC_VARIANCE_PCT].to_numpy(),
            "execution.col.pi21": frame[ex.PI21].to_numpy(),
            "execution.col.econ_variance": frame[ex.ECON_VARIANCE_PCT].to_numpy(),
            "execution.col.pi22": frame[ex.PI22].to_numpy(),
        },
        columns=list(PEFA_COLUMNS),
    )


def summary_text(evaluation: Evaluation, lang: str) -> str:
    """One line: how many execution findings of each level and how many cells could not be assessed."""
    frame = evaluation.execution
    if frame.empty:
        return msg.t("execution.none", lang)
    states = frame[ex.STATE].value_counts()
    against = frame[ex.AGAINST].iloc[0]
    return msg.t(
        "execution.summary",
        lang,
        against_label=msg.t(f"stage.{against}", lang),
        **{k: int(states.get(k, 0)) for k in ("red", "yellow", "white", "no_data")},
    )


def cell_text(column: str, value: Any, lang: str) -> str:
    """How an execution or PEFA cell reads: 万元, percentages, level labels, '—' when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if column in EXECUTION_MONEY or column in PEFA_MONEY:
        return format_wan(int(value))
    if column in EXECUTION_RATIOS:
        return f"{float(value) * 100:.2f}%"
    if column in PEFA_PERCENT:
        return f"{float(value):.2f}%"
    if column == "col.level":
        return msg.level_label(str(value), lang)
    return str(value)


# -- JSON ------------------------------------------------------------------------------------------------


def json_section(evaluation: Evaluation, records) -> dict[str, Any]:
    """The ``execution`` key of the JSON report (``records`` turns a frame into JSON-ready rows)."""
    frame = evaluation.execution
    return {
        "against": None if frame.empty else str(frame[ex.AGAINST].iloc[0]),
        "text": {"zh": summary_text(evaluation, "zh"), "en": summary_text(evaluation, "en")},
        "findings": records(evaluation.execution_findings()),
        "rows": records(frame),
        "pefa": records(evaluation.pefa),
    }


# -- HTML / Markdown --------------------------------------------------------------------------------------


_esc = html_text  # the one HTML helper (outputs/escape.py)


def _html_table(frame: pd.DataFrame, columns: tuple[str, ...], lang: str) -> list[str]:
    out = ["<table><tr>" + "".join(f"<th>{_esc(msg.t(c, lang))}</th>" for c in columns) + "</tr>"]
    for record in frame.to_dict("records"):
        level = record.get("col.level")
        out.append(f'<tr class="{_esc(level or "")}">')
        for col in columns:
            numeric = col in EXECUTION_MONEY | EXECUTION_RATIOS | PEFA_MONEY | PEFA_PERCENT
            css = ' class="num"' if numeric else ""
            out.append(f"<td{css}>{_esc(cell_text(col, record[col], lang))}</td>")
        out.append("</tr>")
    out.append("</table>")
    return out


def html_section(evaluation: Evaluation, lang: str) -> str:
    rows = execution_rows(evaluation, lang)
    out = [f"<h2>{_esc(msg.t('execution.title', lang))} ({len(rows)})</h2>"]
    out.append(f"<p>{_esc(summary_text(evaluation, lang))}</p>")
    if len(rows):
        out += _html_table(rows, EXECUTION_COLUMNS, lang)
    pefa = pefa_rows(evaluation, lang)
    if len(pefa):
        out.append(f"<h3>{_esc(msg.t('execution.pefa_title', lang))}</h3>")
        out += _html_table(pefa, PEFA_COLUMNS, lang)
    return "".join(out)


def markdown_section(evaluation: Evaluation, lang: str, md_escape, marks: dict[str, str]) -> list[str]:
    rows = execution_rows(evaluation, lang)
    out = [
        f"## {md_escape(msg.t('execution.title', lang))} ({len(rows)})",
        "",
        md_escape(summary_text(evaluation, lang)),
        "",
    ]
    for frame, columns, title in (
        (rows, EXECUTION_COLUMNS, None),
        (pefa_rows(evaluation, lang), PEFA_COLUMNS, "execution.pefa_title"),
    ):
        if not len(frame):
            continue
        if title:
            out += [f"### {md_escape(msg.t(title, lang))}", ""]
        numeric = EXECUTION_MONEY | EXECUTION_RATIOS | PEFA_MONEY | PEFA_PERCENT
        out.append("| " + " | ".join(md_escape(msg.t(c, lang)) for c in columns) + " |")
        out.append("|" + "".join("---:|" if c in numeric else "---|" for c in columns))
        for record in frame.to_dict("records"):
            texts = []
            for col in columns:
                text = md_escape(cell_text(col, record[col], lang))
                texts.append(f"{marks.get(record[col], '')} {text}".strip() if col == "col.level" else text)
            out.append("| " + " | ".join(texts) + " |")
        out.append("")
    return out


__all__ = [
    "EXECUTION_COLUMNS",
    "PEFA_COLUMNS",
    "baseline_text",
    "execution_rows",
    "html_section",
    "json_section",
    "markdown_section",
    "pefa_rows",
    "summary_text",
    "REASON",
]
