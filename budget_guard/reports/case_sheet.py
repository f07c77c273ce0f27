"""The 督办单 of open 挂牌督办 cases, as a clerk files it: XLSX, HTML, Markdown and JSON with one content.

XLSX: an overview sheet (counts by state × level, overdue), the case sheet (序号 … 状态, one row
per case, the level cell filled in its colour) and the history of those cases. Every sheet has a
frozen, repeated header row, an autofilter and landscape A4 fit to one page wide; dates are real
dates in Beijing time; every text cell goes through ``excel_cell`` (no formula can run).
"""

from __future__ import annotations

import html
import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budget_guard import messages as msg
from budget_guard.cases.lifecycle import ACTIVE_STATES, Case
from budget_guard.cases.view import (
    LEVELS_WORST_FIRST,
    SHEET_COLUMNS,
    CaseFilter,
    counts,
    history_rows,
    sheet_rows,
)
from budget_guard.clock import beijing, beijing_minutes
from budget_guard.outputs.escape import excel_cell, json_text
from budget_guard.outputs.files import atomic_write_bytes, atomic_write_text, safe_filename
from budget_guard.reports.html_report import md_escape
from budget_guard.reports.paper import Heading, print_setup
from budget_guard.reports.xlsx_report import HEADER_FILL, LEVEL_FILLS

CASE_SHEET_FORMATS: tuple[str, ...] = ("xlsx", "html", "md", "json")
DEFAULT_CASE_STEM = "督办单"
CASE_SHEET_SCHEMA = "budget-guard/case-sheet/1"
DATE_FORMAT = "yyyy-mm-dd"
OVERDUE_FONT = "9C0006"
ROW_LINE_POINTS = 15
HISTORY_COLUMNS: tuple[str, ...] = (
    "case.col.number",
    "case.col.when",
    "case.col.who",
    "case.col.what",
    "case.col.where",
)

# Printable widths (characters) for landscape A4 at fit-to-width: ~190 characters in all.
_WIDTHS: dict[str, float] = {
    "case.col.seq": 6,
    "case.col.number": 17,
    "case.col.unit": 16,
    "case.col.category": 12,
    "case.col.description": 58,
    "case.col.level": 12,
    "case.col.found": 12,
    "case.col.deadline": 12,
    "case.col.progress": 30,
    "case.col.state": 14,
    "case.col.when": 18,
    "case.col.who": 22,
    "case.col.what": 80,
    "case.col.where": 40,
}
_WRAP = frozenset(
    {"case.col.description", "case.col.progress", "case.col.what", "case.col.where", "case.col.unit"}
)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class CaseSheet:
    """Everything one 督办单 shows, computed once for all formats."""

    cases: tuple[Case, ...]
    events: dict[int, list[dict[str, Any]]]
    now: datetime
    ledger: str
    case_filter: CaseFilter = field(default_factory=CaseFilter)
    # Downloaded while the dashboard shows a what-if run: the changes in words, (zh, en) each. The
    # cases come from the ledger (filed runs), but the sheet says first that the page was a what-if.
    whatif: tuple[tuple[str, str], ...] = ()
    # The title block (发文机关, 督办文号, 日期, 签发) and the 责任单位 of government-level cases.
    heading: Heading = field(default_factory=Heading)

    def whatif_line(self, lang: str) -> str | None:
        if not self.whatif:
            return None
        changes = ("；" if lang == "zh" else "; ").join(en if lang == "en" else zh for zh, en in self.whatif)
        return msg.t("case.sheet.whatif", lang, changes=changes)

    def rows(self, lang: str) -> list[dict[str, Any]]:
        return sheet_rows(self.cases, self.now, lang, self.heading.unit_for(lang))

    def counts(self) -> dict[str, Any]:
        return counts(self.cases, self.now)

    def history(self, lang: str) -> list[dict[str, str]]:
        out = []
        for case in self.cases:
            for row in history_rows(self.events.get(case.id or -1, []), lang):
                out.append({"case.col.number": case.number, **row})
        return out


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _print_setup(ws: Worksheet, last_column: int, last_row: int, lang: str, title_row: int = 1) -> None:
    """Landscape A4, one page wide, the header row repeated on every page, 第N页 共M页 in the footer."""
    print_setup(
        ws,
        last_column=last_column,
        last_row=last_row,
        lang=lang,
        title_rows=f"{title_row}:{title_row}",
        header=msg.t("case.sheet.title", lang),
    )


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row_height(record: dict[str, Any], columns: Sequence[str]) -> float:
    """Points for a row whose wrapped cells need several lines (spreadsheets do not grow rows on open)."""
    lines = 1
    for column in columns:
        if column in _WRAP and record.get(column):
            usable = max(_WIDTHS[column] - 1, 1)
            lines = max(lines, math.ceil(_display_width(str(record[column])) / usable))
    return ROW_LINE_POINTS * lines + 3


def _table(
    ws: Worksheet, columns: Sequence[str], rows: list[dict[str, Any]], lang: str, top: int = 1
) -> None:
    """The header row at ``top`` (below a title block), one row per record under it."""
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[column]
        cell = ws.cell(row=top, column=i, value=excel_cell(msg.t(column, lang)))
        cell.font = Font(bold=True)
        cell.fill = _fill(HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    for r, record in enumerate(rows, start=top + 1):
        for i, column in enumerate(columns, start=1):
            value = record[column]
            cell = ws.cell(row=r, column=i, value=excel_cell(value))
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=column in _WRAP)
            if column in ("case.col.found", "case.col.deadline"):
                cell.number_format = DATE_FORMAT
            if column == "case.col.level" and record.get("level") in LEVEL_FILLS:
                cell.fill = _fill(LEVEL_FILLS[record["level"]])
            if column in ("case.col.state", "case.col.deadline") and record.get("overdue"):
                cell.font = Font(bold=True, color=OVERDUE_FONT)
        ws.row_dimensions[r].height = _row_height(record, columns)
    last = len(rows) + top
    ws.freeze_panes = f"A{top + 1}"
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    _print_setup(ws, len(columns), last, lang, title_row=top)


def _title_block(ws: Worksheet, sheet: CaseSheet, columns: int, lang: str) -> int:
    """[what-if warning,] title, 发文机关 · 督办文号 · 日期 · 签发, the counts line; returns the header row.

    A sheet downloaded while the dashboard showed a what-if run says so on its very first line, before
    anything can be read as the filed check.
    """
    last = get_column_letter(columns)
    row = 1
    whatif = sheet.whatif_line(lang)
    if whatif:
        ws.merge_cells(f"A{row}:{last}{row}")
        warning = ws.cell(row=row, column=1, value=excel_cell(whatif))
        warning.font = Font(bold=True, color="9C0006")
        warning.fill = _fill("FFEB9C")
        warning.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[row].height = 32
        row += 1
    title = msg.t("case.sheet.title", lang)
    issuer_name = sheet.heading.issuer_for(lang)
    if issuer_name:
        title = f"{issuer_name}{title}" if lang == "zh" else f"{issuer_name}: {title}"
    ws.merge_cells(f"A{row}:{last}{row}")
    cell = ws.cell(row=row, column=1, value=excel_cell(title))
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 30
    row += 1
    fields = sheet.heading.lines(beijing(sheet.now).date(), lang)  # 发文机关, 督办文号, 日期, 签发
    for (start, end), text in zip(_spans(columns), fields, strict=True):
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
        field_cell = ws.cell(row=row, column=start, value=excel_cell(text))
        field_cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 22
    row += 1
    data = sheet.counts()
    summary = msg.t(
        "paper.open_summary",
        lang,
        total=data["total"],
        red=data["by_level"]["red"],
        yellow=data["by_level"]["yellow"],
        white=data["by_level"]["white"],
        overdue=data["overdue"],
    )
    ws.merge_cells(f"A{row}:{last}{row}")
    ws.cell(row=row, column=1, value=excel_cell(summary))
    return row + 1


def _spans(columns: int) -> list[tuple[int, int]]:
    """Four roughly equal column spans for the title block's fields."""
    cuts = [round(columns * k / 4) for k in range(5)]
    return [(cuts[k] + 1, max(cuts[k + 1], cuts[k] + 1)) for k in range(4)]


def _overview(ws: Worksheet, sheet: CaseSheet, lang: str) -> None:
    """Counts of the listed cases by state (rows) × level (columns), then the facts of the sheet."""
    data = sheet.counts()
    top = 1
    whatif = sheet.whatif_line(lang)
    if whatif:  # the first line of the first sheet, before anything can be read as the filed check
        cell = ws.cell(row=1, column=1, value=excel_cell(whatif))
        cell.font = Font(bold=True, color="9C0006")
        cell.fill = _fill("FFEB9C")
        top = 3
    header = ["case.col.state", *[f"level.{lv}" for lv in LEVELS_WORST_FIRST], "case.sheet.total"]
    widths = [22, 16, 16, 16, 12]
    for i, (key, width) in enumerate(zip(header, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=top, column=i, value=msg.t(key, lang))
        cell.font = Font(bold=True)
        cell.fill = _fill(LEVEL_FILLS.get(key.removeprefix("level."), HEADER_FILL))
        cell.border = _BORDER
    row = top + 1
    for state in ACTIVE_STATES:
        values = [msg.t(f"case.state.{state}", lang)] + [
            data["by_state_level"][state][lv] for lv in LEVELS_WORST_FIRST
        ]
        values.append(data["by_state"][state])
        for i, value in enumerate(values, start=1):
            ws.cell(row=row, column=i, value=value).border = _BORDER
        row += 1
    totals = [msg.t("case.sheet.total", lang)] + [data["by_level"][lv] for lv in LEVELS_WORST_FIRST]
    for i, value in enumerate([*totals, data["total"]], start=1):
        cell = ws.cell(row=row, column=i, value=value)
        cell.font = Font(bold=True)
        cell.border = _BORDER
    ws.auto_filter.ref = f"A{top}:E{row}"
    ws.freeze_panes = f"A{top + 1}"
    row += 2
    facts = [
        ("case.sheet.overdue_count", data["overdue"]),
        ("case.sheet.generated_at", beijing_minutes(sheet.now)),
        ("case.sheet.ledger", sheet.ledger),
        ("case.sheet.filters", sheet.case_filter.describe(lang) or "—"),
    ]
    for key, value in facts:
        ws.cell(row=row, column=1, value=msg.t(key, lang)).font = Font(bold=True)
        ws.cell(row=row, column=2, value=excel_cell(value))
        row += 1
    _print_setup(ws, 5, row - 1, lang)


def build_case_workbook(sheet: CaseSheet, lang: str = "zh") -> bytes:
    """The list first (with its title block), then the history, then the overview counts."""
    wb = Workbook()
    cases = wb.active
    cases.title = msg.t("case.sheet.cases", lang)[:31]
    top = _title_block(cases, sheet, len(SHEET_COLUMNS), lang)
    _table(cases, SHEET_COLUMNS, sheet.rows(lang), lang, top=top)
    history = wb.create_sheet(msg.t("case.sheet.history", lang)[:31])
    _table(history, HISTORY_COLUMNS, sheet.history(lang), lang)
    overview = wb.create_sheet(msg.t("case.sheet.overview", lang)[:31])
    _overview(overview, sheet, lang)
    wb.active = 0  # open on the cases
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- text formats -----------------------------------------------------------------------------------

_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #888;padding:3px 6px;vertical-align:top}"
    "th{background:#D9E1F2}.red{background:#FFC7CE}.yellow{background:#FFEB9C}.white{background:#F2F2F2}"
    ".overdue{color:#9C0006;font-weight:bold}@page{size:A4 landscape}"
    "thead{display:table-header-group}td:nth-child(2),td:nth-child(7),td:nth-child(8){white-space:nowrap}"
)


def _text(value: Any) -> str:
    return "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))


def render_case_html(sheet: CaseSheet, lang: str = "zh") -> str:
    esc = html.escape
    title = msg.t("case.sheet.title", lang)
    data = sheet.counts()
    out = [
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        *(
            [f'<p class="yellow"><b>{esc(line)}</b></p>']
            if (line := sheet.whatif_line(lang)) is not None
            else []
        ),
        f"<h1>{esc(title)}</h1>",
        f"<p>{'　'.join(esc(x) for x in sheet.heading.lines(beijing(sheet.now).date(), lang))}</p>",
        f"<p>{esc(msg.t('case.sheet.generated_at', lang))}: {esc(beijing_minutes(sheet.now))}</p>",
        f"<h2>{esc(msg.t('case.sheet.by_state_level', lang))}</h2><table><thead><tr>",
        f"<th>{esc(msg.t('case.col.state', lang))}</th>",
    ]
    out += [f'<th class="{lv}">{esc(msg.level_label(lv, lang))}</th>' for lv in LEVELS_WORST_FIRST]
    out.append(f"<th>{esc(msg.t('case.sheet.total', lang))}</th></tr></thead>")
    for state in ACTIVE_STATES:
        cells = "".join(f"<td>{data['by_state_level'][state][lv]}</td>" for lv in LEVELS_WORST_FIRST)
        out.append(
            f"<tr><th>{esc(msg.t(f'case.state.{state}', lang))}</th>{cells}<td>{data['by_state'][state]}</td></tr>"
        )
    cells = "".join(f"<td>{data['by_level'][lv]}</td>" for lv in LEVELS_WORST_FIRST)
    out.append(
        f"<tr><th>{esc(msg.t('case.sheet.total', lang))}</th>{cells}<td>{data['total']}</td></tr></table>"
    )
    out.append(f"<p>{esc(msg.t('case.sheet.overdue_count', lang))}: {data['overdue']}</p>")
    out.append(f"<h2>{esc(msg.t('case.sheet.cases', lang))}</h2>")
    rows = sheet.rows(lang)
    if not rows:
        out.append(f"<p>{esc(msg.t('case.sheet.none', lang))}</p>")
    else:
        out.append("<table><thead><tr>" + "".join(f"<th>{esc(msg.t(c, lang))}</th>" for c in SHEET_COLUMNS))
        out.append("</tr></thead><tbody>")
        for record in rows:
            out.append("<tr>")
            for column in SHEET_COLUMNS:
                css = record["level"] if column == "case.col.level" else ""
                if column in ("case.col.state", "case.col.deadline") and record["overdue"]:
                    css = "overdue"
                attr = f' class="{css}"' if css else ""
                out.append(f"<td{attr}>{esc(_text(record[column]))}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    history = sheet.history(lang)
    if history:
        out.append(f"<h2>{esc(msg.t('case.sheet.history', lang))}</h2><table><thead><tr>")
        out.append("".join(f"<th>{esc(msg.t(c, lang))}</th>" for c in HISTORY_COLUMNS) + "</tr></thead>")
        for record in history:
            out.append("<tr>" + "".join(f"<td>{esc(record[c])}</td>" for c in HISTORY_COLUMNS) + "</tr>")
        out.append("</table>")
    out.append("</body></html>\n")
    return "".join(out)


def render_case_markdown(sheet: CaseSheet, lang: str = "zh") -> str:
    data = sheet.counts()
    out = [f"# {msg.t('case.sheet.title', lang)}", ""]
    out.append("　".join(md_escape(x) for x in sheet.heading.lines(beijing(sheet.now).date(), lang)))
    out.append("")
    out.append(f"{msg.t('case.sheet.generated_at', lang)}: {beijing_minutes(sheet.now)}")
    out += ["", f"## {msg.t('case.sheet.by_state_level', lang)}", ""]
    header = [msg.t("case.col.state", lang), *[msg.level_label(lv, lang) for lv in LEVELS_WORST_FIRST]]
    header.append(msg.t("case.sheet.total", lang))
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for state in ACTIVE_STATES:
        cells = [str(data["by_state_level"][state][lv]) for lv in LEVELS_WORST_FIRST]
        out.append(
            f"| {msg.t(f'case.state.{state}', lang)} | "
            + " | ".join(cells)
            + f" | {data['by_state'][state]} |"
        )
    cells = [str(data["by_level"][lv]) for lv in LEVELS_WORST_FIRST]
    out.append(f"| {msg.t('case.sheet.total', lang)} | " + " | ".join(cells) + f" | {data['total']} |")
    out += ["", f"{msg.t('case.sheet.overdue_count', lang)}: {data['overdue']}", ""]
    out += [f"## {msg.t('case.sheet.cases', lang)}", ""]
    rows = sheet.rows(lang)
    if not rows:
        out.append(msg.t("case.sheet.none", lang))
    else:
        out.append("| " + " | ".join(msg.t(c, lang) for c in SHEET_COLUMNS) + " |")
        out.append("|" + "---|" * len(SHEET_COLUMNS))
        for record in rows:
            out.append("| " + " | ".join(md_escape(_text(record[c])) for c in SHEET_COLUMNS) + " |")
    history = sheet.history(lang)
    if history:
        out += ["", f"## {msg.t('case.sheet.history', lang)}", ""]
        out.append("| " + " | ".join(msg.t(c, lang) for c in HISTORY_COLUMNS) + " |")
        out.append("|" + "---|" * len(HISTORY_COLUMNS))
        for record in history:
            out.append("| " + " | ".join(md_escape(record[c]) for c in HISTORY_COLUMNS) + " |")
    return "\n".join(out) + "\n"


def case_document(sheet: CaseSheet) -> dict[str, Any]:
    """The JSON 督办单: the same cases and counts, with stable ids beside the Chinese and English labels."""
    zh_rows, en_rows = sheet.rows("zh"), sheet.rows("en")
    cases = []
    for case, zh, en in zip(sheet.cases, zh_rows, en_rows, strict=True):
        cases.append(
            {
                "seq": zh["case.col.seq"],
                "number": case.number,
                "key": case.key.text(),
                "scope_type": case.key.scope_type,
                "unit": case.key.scope,
                "responsible_unit_zh": zh["case.col.unit"],
                "responsible_unit_en": en["case.col.unit"],
                "category": case.key.category,
                "category_zh": zh["case.col.category"],
                "category_en": en["case.col.category"],
                "year": case.key.year,
                "stage": case.key.stage,
                "description_zh": case.message_zh,
                "description_en": case.message_en,
                "level": case.level,
                "state": case.state,
                "state_zh": zh["case.col.state"],
                "overdue": zh["overdue"],
                "rectification": case.rectification,
                "found_at": case.found_at,
                "found_date": _text(zh["case.col.found"]),
                "deadline_at": case.deadline_at,
                "deadline_date": _text(zh["case.col.deadline"]),
                "progress": case.note,
                "sources": case.sources,
                "history": sheet.events.get(case.id or -1, []),
            }
        )
    return {
        "schema": CASE_SHEET_SCHEMA,
        "generated_at": sheet.now.isoformat(timespec="seconds"),
        "ledger": sheet.ledger,
        "counts": sheet.counts(),
        "cases": cases,
    }


def write_case_sheet(
    sheet: CaseSheet,
    out_dir: str | Path,
    formats: Sequence[str] = CASE_SHEET_FORMATS,
    lang: str = "zh",
    stem: str = DEFAULT_CASE_STEM,
) -> dict[str, Path]:
    """Write the 督办单 in each format into ``out_dir``; returns format → path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(stem, default=DEFAULT_CASE_STEM)
    written: dict[str, Path] = {}
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        if fmt == "xlsx":
            written[fmt] = atomic_write_bytes(path, build_case_workbook(sheet, lang))
        elif fmt == "html":
            written[fmt] = atomic_write_text(path, render_case_html(sheet, lang))
        elif fmt == "md":
            written[fmt] = atomic_write_text(path, render_case_markdown(sheet, lang))
        elif fmt == "json":
            text = json_text(case_document(sheet), indent=2, default=str)
            written[fmt] = atomic_write_text(path, text + "\n")
    return written
