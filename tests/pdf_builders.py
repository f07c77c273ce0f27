"""PDFs made in the tests with reportlab: ruled tables (lines, filled rectangles, slivers), scans, rotated
pages, text outside the page box. Coordinates are given from the page's top-left, as pdfplumber reports them."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # a CID font every reportlab has: Chinese text without a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
A4 = (595.0, 842.0)

HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
BODY = [
    ["201", "一般公共服务支出", "1,200.50", "1,000.50", "200.00"],
    ["20106", "财政事务", "1,200.50", "1,000.50", "200.00"],
    ["2010601", "行政运行", "1,000.50", "1,000.50", ""],
    ["2010602", "一般行政管理事务", "200.00", "", "200.00"],
    ["221", "住房保障支出", "345.67", "345.67", ""],
    ["22102", "住房改革支出", "345.67", "345.67", ""],
    ["2210201", "住房公积金", "345.67", "345.67", ""],
]
TOTAL = ["合计", "", "1,546.17", "1,346.17", "200.00"]
WIDTHS = [70, 160, 90, 90, 90]
TITLE = "示例区财政局2024年度一般公共预算财政拨款支出决算表"


class Pdf:
    """A PDF being drawn, page by page."""

    def __init__(self, size: tuple[float, float] = A4) -> None:
        self.buffer = io.BytesIO()
        self.size = size
        self.canvas = canvas.Canvas(self.buffer, pagesize=size)
        self.canvas.setFont(FONT, 9)
        self.height = size[1]  # of the drawing frame (a landscape frame on a rotated page: its width)

    def text(self, x: float, top: float, value: str, size: float = 9, *, background: bool = False) -> None:
        """``background``: a white filled rectangle behind the line first, as spreadsheet printers draw."""
        if background:
            self.canvas.setFillColorRGB(1, 1, 1)
            width = pdfmetrics.stringWidth(value, FONT, size)
            self.canvas.rect(x - 1, self.height - top - size - 1.5, width + 2, size + 2, stroke=0, fill=1)
            self.canvas.setFillColorRGB(0, 0, 0)
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(x, self.height - top - size, value)

    def rule(self, x0: float, top: float, x1: float, bottom: float, *, filled: bool = False) -> None:
        """A rule from (x0, top) to (x1, bottom): a stroked line, or a thin filled rectangle."""
        c = self.canvas
        if filled:
            width = max(x1 - x0, 0.6)
            height = max(bottom - top, 0.6)
            c.rect(x0, self.height - top - height, width, height, stroke=0, fill=1)
        else:
            c.line(x0, self.height - top, x1, self.height - bottom)

    def table(
        self,
        left: float,
        top: float,
        rows: list[list[str]],
        widths: list[float] = WIDTHS,
        *,
        row_height: float = 18,
        filled: bool = False,
        slivers: bool = False,
        text_offsets: dict[tuple[int, int], float] | None = None,
    ) -> float:
        """Draw a ruled table; returns its bottom. ``slivers``: every other row's amount cells are cut by an
        extra short rule (as grids of filled rectangles do), so the cut falls in a different place per row."""
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        bottom = top + row_height * len(rows)
        for i in range(len(rows) + 1):
            y = top + i * row_height
            self.rule(xs[0], y, xs[-1], y, filled=filled)
        for x in xs:
            self.rule(x, top, x, bottom, filled=filled)
        for i, row in enumerate(rows):
            y = top + i * row_height
            for j, value in enumerate(row):
                if not value:
                    continue
                shift = (text_offsets or {}).get((i, j), 0.0)
                self.text(xs[j] + 3 + shift, y + 4, value)
            if slivers and i % 2 == 1:
                for j in range(2, len(widths)):
                    cut = xs[j] + widths[j] - 8  # right of every amount's text: only empty slivers
                    self.rule(cut, y, cut, y + row_height, filled=True)
        return bottom

    def image(self, x0: float, top: float, x1: float, bottom: float) -> None:
        """A picture (a scan of a printed page): a grey bitmap, no text."""
        from PIL import Image

        picture = Image.new("L", (200, 280), color=200)
        self.canvas.drawImage(
            ImageReader(picture), x0, self.height - bottom, width=x1 - x0, height=bottom - top
        )

    def rotate(self, degrees: int) -> None:
        self.canvas.setPageRotation(degrees)

    def next_page(self) -> None:
        self.canvas.showPage()
        self.canvas.setFont(FONT, 9)

    def bytes(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def published_page(pdf: Pdf, top: float = 60, *, title: str = TITLE, **table_options) -> float:
    """The title, the 单位 line and the table (header, body, 合计) on the current page; returns its bottom."""
    pdf.text(60, top, title, size=12)
    pdf.text(440, top + 22, "单位：万元")
    return pdf.table(60, top + 40, [HEADER, *BODY, TOTAL], **table_options)
