"""整改通知书: one page per 责任单位, XLSX (one sheet per unit, printed on one A4 page) and PDF.

Each notice says, for every waiting case of the unit: the finding in words, both years' figures, how
much is still to be cut or added to reach the target (``还需压减 X 万元`` / ``还需增加 X 万元``), the
整改时限 and the rectification type (立行立改 / 分阶段整改); then a reply section and a signature area.
The PDF is the XLSX laid out by LibreOffice (``soffice --headless``), so both say the same.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from budget_guard import messages as msg
from budget_guard.cases.lifecycle import ACTIVE_STATES, Case
from budget_guard.cases.view import category_label, unit_label
from budget_guard.clock import beijing, beijing_date
from budget_guard.errors import required
from budget_guard.model.table import format_wan
from budget_guard.outputs.escape import excel_cell
from budget_guard.outputs.files import atomic_write_bytes, safe_filename
from budget_guard.reports.paper import Heading, print_setup

NOTICE_FORMATS: tuple[str, ...] = ("xlsx", "pdf")
DEFAULT_NOTICE_STEM = "整改通知书"
_LABEL_WIDTH = 14
_TEXT_WIDTH = 74  # portrait A4 at 100%: about 90 characters across both columns
_LINE_POINTS = 16
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# characters a sheet name cannot hold: Excel's reserved ones, and controls XML 1.0 cannot hold at all
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Notice:
    """One 责任单位's notice: its waiting cases, in the order of the 督办单."""

    unit: str
    cases: tuple[Case, ...]


def notices(cases: Sequence[Case], heading: Heading, lang: str, unit: str | None = None) -> list[Notice]:
    """Waiting cases grouped by 责任单位 (government-level cases under the body the rules name)."""
    by_unit: dict[str, list[Case]] = {}
    for case in cases:
        if case.state not in ACTIVE_STATES:
            continue
        name = unit_label(case, lang, heading.unit_for(lang))
        if unit and unit not in name and unit not in case.key.scope:
            continue
        by_unit.setdefault(name, []).append(case)
    return [Notice(name, tuple(found)) for name, found in by_unit.items()]


def still_needed(case: Case, lang: str) -> str:
    """还需压减 X 万元 / 还需增加 X 万元: what is missing to reach the target at the last finding."""
    if case.gap_fen is None or not case.direction:
        return msg.t("notice.needed_unknown", lang)
    key = "notice.needed_cut" if case.direction == "decrease" else "notice.needed_add"
    return msg.t(key, lang, amount=format_wan(int(case.gap_fen)))


def _wan(fen: int | None) -> str:
    return "—" if fen is None else format_wan(int(fen))


def _day(value: str | date | None, lang: str) -> str:
    day = beijing_date(value) if isinstance(value, str) else value
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return max(1, sum(math.ceil(max(_width(part), 1) / (width - 1)) for part in text.split("\n")))


class _Page:
    """Rows written down one sheet: full-width paragraphs, label + text rows, blank lines."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        ws.column_dimensions["A"].width = _LABEL_WIDTH
        ws.column_dimensions["B"].width = _TEXT_WIDTH

    def paragraph(
        self, text: str, *, size: int = 11, bold: bool = False, align: str = "left", box=False
    ) -> None:
        ws, r = self.ws, self.row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        cell = ws.cell(row=r, column=1, value=excel_cell(text))
        cell.font = Font(size=size, bold=bold)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if box:
            cell.border = _BOX
            ws.cell(row=r, column=2).border = _BOX
        points = _LINE_POINTS * size / 11
        ws.row_dimensions[r].height = points * _lines(text, (_LABEL_WIDTH + _TEXT_WIDTH) * 11 / size) + 4
        self.row += 1

    def field(self, label: str, text: str, *, lines: int | None = None, bold: bool = False) -> None:
        ws, r = self.ws, self.row
        head = ws.cell(row=r, column=1, value=excel_cell(label))
        head.font = Font(bold=True)
        head.alignment = Alignment(vertical="top", wrap_text=True)
        head.border = _BOX
        body = ws.cell(row=r, column=2, value=excel_cell(text))
        body.font = Font(bold=bold)
        body.alignment = Alignment(vertical="top", wrap_text=True)
        body.border = _BOX
        ws.row_dimensions[r].height = _LINE_POINTS * (lines or _lines(text, _TEXT_WIDTH)) + 4
        self.row += 1

    def blank(self, points: float = 8) -> None:
        self.ws.row_dimensions[self.row].height = points
        self.row += 1


def _notice_sheet(ws: Worksheet, notice: Notice, heading: Heading, now: datetime, lang: str) -> None:
    page = _Page(ws)
    today = beijing(now).date()
    sep = "：" if lang == "zh" else ": "
    issuer = heading.issuer_for(lang)
    page.paragraph(msg.t("notice.title", lang), size=18, bold=True, align="center")
    page.paragraph(
        f"{msg.t('paper.doc_number', lang)}{sep}{heading.field(heading.doc_number)}", align="center"
    )
    page.blank()
    page.paragraph(f"{notice.unit}{sep}", bold=True)
    page.paragraph(
        msg.t("notice.intro", lang, issuer=issuer or msg.t("notice.we", lang), count=len(notice.cases))
    )
    page.blank()
    for index, case in enumerate(notice.cases, start=1):
        category = category_label(case, lang)
        page.paragraph(
            msg.t(
                "notice.case_title",
                lang,
                index=index,
                category=category,
                year=case.key.year,
                number=case.number,
                level=msg.level_label(case.level, lang),
            ),
            bold=True,
        )
        page.field(msg.t("notice.finding", lang), case.message_en if lang == "en" else case.message_zh)
        page.field(
            msg.t("notice.figures", lang),
            msg.t(
                "notice.figures_text",
                lang,
                prev_year=case.key.year - 1,
                prev_amount=_wan(case.prev_amount_fen),
                year=case.key.year,
                amount=_wan(case.amount_fen),
            ),
        )
        page.field(msg.t("notice.needed", lang), still_needed(case, lang), bold=True)
        page.field(
            msg.t("notice.rectification", lang),
            case.rectification_en if lang == "en" else case.rectification_zh,
        )
        page.field(msg.t("notice.deadline", lang), _day(case.deadline_at, lang), bold=True)
        page.blank()
    reply_by = min(
        required(beijing_date(c.deadline_at), "a case's deadline (always set)") for c in notice.cases
    )
    if heading.reply_days:
        from datetime import timedelta

        reply_by = min(reply_by, today + timedelta(days=heading.reply_days))
    page.paragraph(msg.t("notice.reply_title", lang), bold=True)
    page.paragraph(
        msg.t("notice.reply_text", lang, day=_day(reply_by, lang), issuer=issuer or msg.t("notice.we", lang))
    )
    page.field(msg.t("notice.reply_measures", lang), "", lines=4)
    page.field(msg.t("notice.reply_done", lang), "")
    page.field(msg.t("notice.reply_contact", lang), "")
    page.blank(14)
    page.paragraph(msg.t("notice.receipt", lang, blank=heading.field(None)), align="left")
    page.blank(14)
    page.paragraph(f"{heading.field(issuer)}{msg.t('notice.seal', lang)}", align="right")
    page.paragraph(f"{msg.t('paper.signer', lang)}{sep}{heading.field(heading.signer)}", align="right")
    page.paragraph(heading.date_text(today, lang), align="right")
    print_setup(
        ws,
        last_column=2,
        last_row=page.row - 1,
        lang=lang,
        header=msg.t("notice.title", lang),
        landscape=False,
        one_page=True,
        page_numbers=False,  # one page per unit: "第1页 共4页" would count the other units' pages
    )


def _sheet_name(unit: str, taken: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub("_", unit).strip("'") or "-"
    name, n = base[:31], 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def build_notice_workbook(
    found: Sequence[Notice], heading: Heading, now: datetime, lang: str = "zh"
) -> bytes:
    """One sheet per 责任单位, each printed on one portrait A4 page."""
    wb = Workbook()
    taken: set[str] = set()
    first = True
    for notice in found:
        ws = wb.active if first else wb.create_sheet()
        ws.title = _sheet_name(notice.unit, taken)
        _notice_sheet(ws, notice, heading, now, lang)
        first = False
    if first:  # nothing waiting: one sheet that says so
        ws = wb.active
        ws.title = msg.t("notice.title", lang)[:31]
        ws.cell(row=1, column=1, value=msg.t("notice.none", lang))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_notices(
    found: Sequence[Notice],
    heading: Heading,
    now: datetime,
    out_dir: str | Path,
    formats: Sequence[str] = NOTICE_FORMATS,
    lang: str = "zh",
    stem: str = DEFAULT_NOTICE_STEM,
) -> dict[str, Path]:
    """``<stem>.xlsx`` and/or ``<stem>.pdf`` (the XLSX laid out by LibreOffice); returns format → path."""
    from budget_guard.reports.paper import xlsx_to_pdf

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(stem, default=DEFAULT_NOTICE_STEM)
    xlsx = out / f"{stem}.xlsx"
    written = {"xlsx": atomic_write_bytes(xlsx, build_notice_workbook(found, heading, now, lang))}
    if "pdf" in formats:
        written["pdf"] = xlsx_to_pdf(xlsx, out)
    if "xlsx" not in formats:
        xlsx.unlink()
        del written["xlsx"]
    return written
