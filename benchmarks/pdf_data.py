"""A 30-page published 部门决算 PDF, made with reportlab for the ``read_pdf`` stage.

Cover and 目录, ten table pages (ruled tables of 28 rows, two of them continued on the next page without
their header), and narrative pages: the shape of a real 公开 document. The real documents of
``../shared/real_pdfs`` are timed too when present (``BUDGET_GUARD_SHARED``).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

PAGES = 30
WIDTHS = (70, 170, 90, 90, 90)
HEADER = ("科目编码", "科目名称", "合计", "基本支出", "项目支出")


def _rows(seed: int, count: int) -> list[tuple[str, ...]]:
    rows = []
    for i in range(count):
        basic = (seed * 7919 + i * 104729) % 900_000 / 100 + 10
        project = (seed * 31 + i * 17) % 50_000 / 100
        rows.append(
            (
                f"2010{(i % 90) + 10:02d}{i % 10}",
                f"支出项目{seed}-{i}",
                f"{basic + project:,.2f}",
                f"{basic:,.2f}",
                f"{project:,.2f}",
            )
        )
    return rows


def published_pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(595, 842))
    height = 842

    def text(x: float, top: float, value: str, size: float = 9) -> None:
        c.setFont("STSong-Light", size)
        c.drawString(x, height - top - size, value)

    def table(top: float, rows) -> None:
        xs = [40]
        for w in WIDTHS:
            xs.append(xs[-1] + w)
        bottom = top + 18 * len(rows)
        for i in range(len(rows) + 1):
            c.line(xs[0], height - top - 18 * i, xs[-1], height - top - 18 * i)
        for x in xs:
            c.line(x, height - top, x, height - bottom)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                text(xs[j] + 3, top + 18 * i + 4, value)

    text(150, 300, "示例区财政局2024年度部门决算", size=20)
    c.showPage()
    text(60, 60, "目 录", size=16)
    for i in range(20):
        text(60, 100 + 20 * i, f"第{i + 1}部分 ………… {i + 3}")
    c.showPage()
    page = 3
    table_number = 0
    while page <= 22:
        table_number += 1
        text(60, 50, f"示例区财政局2024年度一般公共预算财政拨款支出决算表（{table_number}）", size=12)
        text(440, 72, "单位：万元")
        continued = table_number % 4 == 0
        table(90, [HEADER, *_rows(table_number, 38 if continued else 30)][: 40 if not continued else 40])
        c.showPage()
        page += 1
        if continued:
            table(50, _rows(table_number + 100, 20))
            c.showPage()
            page += 1
    while page <= PAGES:
        for line in range(30):
            text(
                60,
                60 + 24 * line,
                f"（{line + 1}）一般公共预算财政拨款支出决算 {page * 10 + line}.50 万元，比上年减少 3.2%，主要原因是压减一般性支出。",
            )
        c.showPage()
        page += 1
    c.save()
    return buffer.getvalue()


def real_pdfs() -> list[Path]:
    repo = Path(__file__).resolve().parents[1]
    shared = Path(os.environ.get("BUDGET_GUARD_SHARED") or repo.parent / "shared")
    return sorted((shared / "real_pdfs").glob("*/*.pdf"))
