"""What a printed page needs, shared by every workbook a clerk files (督办单, 整改通知书, findings report).

- ``print_setup``: A4, landscape or portrait, fit to one page wide (or to one page), the header row
  repeated on every page, header and footer inside their margins (the header margin is smaller than
  the top margin, so LibreOffice and Excel print them whole), page numbers 第N页 共M页 (&P / &N).
- ``Heading``: the title block of the papers (发文机关, 督办文号, 日期, 签发) from the rules'
  ``supervision.papers`` and the CLI's options; a field left unset prints as a line to fill in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from budget_guard import messages as msg

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from budget_guard.model.rulebook import Rules, Text

# Inches. The header and footer sit 0.3" from the edge, inside the 0.75" top and bottom margins.
MARGIN_SIDE = 0.4
MARGIN_TOP = MARGIN_BOTTOM = 0.75
MARGIN_HEADER = MARGIN_FOOTER = 0.3
PAPER_A4 = "9"  # the spreadsheet paper-size code of A4
BLANK = "＿＿＿＿＿＿＿＿"  # a field to fill in by hand


def print_setup(
    ws: Worksheet,
    *,
    last_column: int | None,
    last_row: int | None,
    lang: str,
    title_rows: str | None = None,
    header: str = "",
    landscape: bool = True,
    one_page: bool = False,
    page_numbers: bool = True,
) -> None:
    """A4, fit to width (or to one page), repeated title rows, header and footer inside the margins.

    ``last_column`` / ``last_row`` None: no print area (a write-only sheet, set up before its rows).
    """
    from openpyxl.utils import get_column_letter

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    ws.page_margins.header, ws.page_margins.footer = MARGIN_HEADER, MARGIN_FOOTER
    if title_rows:
        ws.print_title_rows = title_rows
    if last_column is not None and last_row is not None:
        ws.print_area = f"A1:{get_column_letter(max(last_column, 1))}{max(last_row, 1)}"
    if page_numbers:
        ws.oddFooter.center.text = msg.t("paper.page_of", lang)
        ws.oddFooter.center.size = 9
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")
        ws.oddHeader.center.size = 9


Words = tuple[str, str]  # (zh, en)


@dataclass(frozen=True)
class Heading:
    """The title block of a paper; None prints as a line to fill in (``BLANK``)."""

    issuer: Words | None = None  # 发文机关
    doc_number: str | None = None  # 督办文号
    date: dt.date | None = None  # 日期 (default: the day the paper is made, Beijing time)
    signer: str | None = None  # 签发人
    government_unit: Words | None = None  # 责任单位 of government-level cases
    reply_days: int | None = None

    @staticmethod
    def field(value: object) -> str:
        return BLANK if value in (None, "") else str(value)

    def issuer_for(self, lang: str) -> str | None:
        return None if self.issuer is None else self.issuer[1 if lang == "en" else 0]

    def unit_for(self, lang: str) -> str | None:
        return None if self.government_unit is None else self.government_unit[1 if lang == "en" else 0]

    def date_text(self, today: dt.date, lang: str) -> str:
        day = self.date or today
        return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()

    def lines(self, today: dt.date, lang: str) -> list[str]:
        """发文机关 / 督办文号 / 日期 / 签发, each "label：value" (zh) or "label: value" (en)."""
        sep = "：" if lang == "zh" else ": "
        return [
            f"{msg.t('paper.issuer', lang)}{sep}{self.field(self.issuer_for(lang))}",
            f"{msg.t('paper.doc_number', lang)}{sep}{self.field(self.doc_number)}",
            f"{msg.t('paper.date', lang)}{sep}{self.date_text(today, lang)}",
            f"{msg.t('paper.signer', lang)}{sep}{self.field(self.signer)}",
        ]


def heading_from(
    rules: Rules | None,
    *,
    issuer: str | None = None,
    doc_number: str | None = None,
    date: dt.date | None = None,
    signer: str | None = None,
    government_unit: str | None = None,
) -> Heading:
    """The rules' ``supervision.papers``, each field overridden by the option given (both languages)."""
    papers = rules.supervision.papers if rules is not None and rules.supervision is not None else None

    def words(option: str | None, text: Text | None) -> Words | None:
        if option:
            return (option, option)
        return None if text is None else (text.zh, text.en)

    return Heading(
        issuer=words(issuer, papers.issuer if papers else None),
        doc_number=doc_number or (papers.doc_number if papers else None),
        date=date,
        signer=signer or (papers.signer if papers else None),
        government_unit=words(government_unit, papers.government_unit if papers else None),
        reply_days=papers.reply_days if papers else None,
    )


def xlsx_to_pdf(xlsx: Path, out_dir: Path, *, timeout_s: int = 180) -> Path:
    """The workbook laid out by LibreOffice (``soffice --headless --convert-to pdf``), beside it.

    A private LibreOffice profile per call, so two conversions at once (or a desktop LibreOffice
    already open) never block each other. Raises ``BudgetGuardError`` in words when LibreOffice is
    missing or fails.
    """
    import shutil
    import subprocess
    import tempfile

    from budget_guard.errors import BudgetGuardError

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise BudgetGuardError.from_key("output.pdf_needs_libreoffice")
    with tempfile.TemporaryDirectory(prefix="bg-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            done = None
    pdf = Path(out_dir) / (xlsx.stem + ".pdf")
    if done is None or done.returncode != 0 or not pdf.is_file():
        detail = "timeout" if done is None else (done.stderr or done.stdout or "").strip()[:300]
        raise BudgetGuardError.from_key("output.pdf_failed", detail=detail)
    return pdf
