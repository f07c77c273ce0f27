"""A published 部门预算/决算 PDF → the tables of its pages as grids, each proven against its page.

pdfplumber reads the text layer (every character with its position; no model, no download). Per page:

* the page box bounds everything: characters drawn outside it (a second copy of a table below the
  visible page) are not read;
* a page without a text layer is a scan: refused with its reason (``ocr.recognise_page`` is the seam an
  OCR step would fill);
* a page without ruled tables is a text page (cover, 目录, narrative) and is listed, not read;
* ruled regions (lines, or the edges of filled rectangles) are found with pdfplumber's table finder; a
  region that encloses another (the page frame) is not a table; columns and rows that hold no text
  (the slivers a grid of filled rectangles leaves) are dropped;
* the text lines above a table (its title, 部门名称, 单位) become the grid's first rows, as in a sheet;
* a table that starts a page with no title above it and the same columns as the table ending the
  previous page is that table continued (a repeated header is dropped);
* every region's numbers are proven against the page words (``proof.py``); a line outside every table
  that prints money like a row is a row lost. A table that fails is returned with its problem and is
  never read into figures.

A grid is exactly what a sheet's grid is (``ingest/grid.py``): cell text indexed by 1-based row. Its
sheet name is ``第N页 表M`` (``第N-K页 表M`` when it continues over pages): the place every problem and
every line carries.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from budget_guard.errors import required
from budget_guard.ingest.files.grid import TEXT
from budget_guard.ingest.pdf.ocr import has_text_layer, looks_scanned, recognise_page
from budget_guard.ingest.pdf.proof import AMOUNT, looks_like_row, prove
from budget_guard.messages.problems import Problem

_COLUMN_TOLERANCE = 3.0  # points: two tables' column edges closer than this are the same columns
_TITLE_LINES = 5
_ROW_GAP = 12.0  # points: a row printed this close above a table's first rule belongs to it
_LINE_TOLERANCE = 3.0  # points: words whose middles are this close are on one line
_PAGE_NUMBER = re.compile(r"^[\s\-—–·第页共/\d]*$")


class PdfUnavailable(Exception):
    """pdfplumber is not installed."""


@dataclass
class PdfTable:
    sheet: str
    first_page: int
    number: int  # the table's number on its first page (1-based)
    titles: list[str]  # the text lines above the table on its first page
    body: list[list[str | None]]  # the table's cells as found (one list per ruled row, every ruled column)
    columns_x: list[float]  # left edge of each ruled column
    last_page: int
    column_edges: dict[int, tuple[float, float]] = field(default_factory=dict)  # ruled column → (x0, x1)
    boxes: list[list[tuple | None]] = field(default_factory=list)  # each body cell's box (None: spanned)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # what was done to read it (not a failure)
    after: list[str] = field(default_factory=list)  # the text lines below it on its page (a 本表无数据 note)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def rows(self) -> list[list[str | None]]:
        """The title lines (one cell each), then the table's rows without the columns and rows that hold
        no text (the slivers of a grid of filled rectangles, the spacer rows)."""
        width = max((len(r) for r in self.body), default=0)
        keep = [j for j in range(width) if any(j < len(r) and r[j] for r in self.body)]
        body = [[r[j] if j < len(r) else None for j in keep] for r in self.body]
        title_rows: list[list[str | None]] = [[t] for t in self.titles]
        return title_rows + merge_slivers([r for r in body if any(r)])

    @property
    def grid(self) -> pd.DataFrame:
        rows = self.rows
        width = max((len(r) for r in rows), default=1)
        columns = {
            position: pd.Series([(r[position] if position < len(r) else None) for r in rows], dtype=TEXT)
            for position in range(width)
        }
        frame = pd.DataFrame(columns)
        frame.index = pd.RangeIndex(1, len(rows) + 1)
        return frame


@dataclass
class PdfDocument:
    pages: int = 0
    tables: list[PdfTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # page-level: scanned pages, text pages
    text_pages: list[int] = field(default_factory=list)
    narrative: list[tuple[int, str]] = field(default_factory=list)  # (page, text) of the text pages
    page_seconds: list[float] = field(default_factory=list)


def merge_slivers(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Join neighbouring columns that are one printed column cut into slivers, then the rows likewise.

    A grid drawn as filled rectangles puts a cell's text left or right of a sliver edge from row to row
    (a 3-column table found with 6 columns, the 类 amount one column right of the 项 amounts). Two
    neighbouring columns are joined only when no row fills both and at most one of them is named in
    the header (the rows above the first amount): two printed columns each carry their own header
    text, even when a wrapped header puts the two names on different rows. No two texts are ever run
    together. Rows: a row of amounts only, beside a row that holds only a label left of those amounts
    (``合计`` on one sliver row, its amount on the next), is one row.
    """
    if not rows:
        return rows
    first_amounts = next((i for i, r in enumerate(rows) if any(_is_amount(c) for c in r)), len(rows))
    columns = [list(column) for column in zip(*rows, strict=True)]
    merged = [columns[0]]
    for column in columns[1:]:
        last = merged[-1]
        named = sum(any(c[:first_amounts]) for c in (last, column))
        if named <= 1 and all(not (a and b) for a, b in zip(last, column, strict=True)):
            merged[-1] = [a or b for a, b in zip(last, column, strict=True)]
        else:
            merged.append(column)
    out = [list(row) for row in zip(*merged, strict=True)]
    return _merge_label_rows(_join_wrapped_units(out))


_UNIT_CUT = re.compile(r"单位\s*[:：]\s*(?:万|千)?$")
_NAME_LINE = re.compile(r"^(?:部门|单位|预算单位)(?:名称)?\s*[:：]")
_FRAGMENT = re.compile(r"^[\u4e00-\u9fff（）()]{1,4}$")


def _join_wrapped_units(rows: list[list[str | None]]) -> list[list[str | None]]:
    """A title cell wrapped in a narrow cell of the grid: ``单位：万`` with ``元`` in the same column a row
    or two below, ``部门名称：江苏省高级人民法`` with ``院`` on the next row."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if not cell:
                continue
            if _UNIT_CUT.search(cell):
                for below in rows[i + 1 : i + 3]:
                    rest = below[j]
                    if rest and re.fullmatch(r"(?:万|千)?元", rest):
                        row[j], below[j] = cell + rest, None
                        break
                    if rest:
                        break
            elif _NAME_LINE.match(cell) and i + 1 < len(rows):
                rest = rows[i + 1][j]
                if rest and _FRAGMENT.match(rest):
                    row[j], rows[i + 1][j] = cell + rest, None
    return [r for r in rows if any(r)]


_AMOUNT_CELL = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|0)")


def _is_amount(text: str | None) -> bool:
    """An amount as tables print it (decimals or thousands separators, or 0), not a code such as 204."""
    return text is not None and text != "" and _AMOUNT_CELL.fullmatch(text) is not None


def _merge_label_rows(rows: list[list[str | None]]) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if all(_is_amount(c) for c in row if c) and any(row):
            first = next(j for j, c in enumerate(row) if c)
            for neighbour in (i - 1, i + 1):
                if not 0 <= neighbour < len(rows) or (neighbour == i - 1 and not out):
                    continue
                other = out[-1] if neighbour == i - 1 else rows[neighbour]
                labels_left = all(j < first and not _is_amount(c) for j, c in enumerate(other) if c)
                if any(other) and labels_left:
                    joined = [a or b for a, b in zip(other, row, strict=True)]
                    if neighbour == i - 1:
                        out[-1] = joined
                        i += 1
                    else:
                        out.append(joined)
                        i += 2
                    break
            else:
                out.append(row)
                i += 1
            continue
        out.append(row)
        i += 1
    return out


def sheet_name(first_page: int, last_page: int, number: int) -> str:
    pages = f"{first_page}" if first_page == last_page else f"{first_page}-{last_page}"
    return f"第{pages}页 表{number}"


def read_pdf(data: bytes, file: str) -> PdfDocument:
    """Every page of a PDF: its tables as grids (proven or failed with a located problem), its refusals."""
    try:
        import pdfplumber
    except ImportError as exc:  # an optional extra: the caller says how to install it, in one line
        raise PdfUnavailable() from exc
    import time

    document = PdfDocument()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        document.pages = len(pdf.pages)
        previous: PdfTable | None = None
        for number, page in enumerate(pdf.pages, start=1):
            started = time.perf_counter()
            continuing = previous is not None and previous.last_page == number - 1
            tables = _read_page(page, number, file, document, continuing=continuing)
            joined = (
                previous is not None
                and continuing
                and bool(tables)
                and _continues(previous, tables[0], number)
            )
            if previous is not None and joined:
                _join(previous, tables.pop(0), number)
            document.tables.extend(tables)
            if tables:
                previous = tables[-1]
            elif not joined:
                previous = None  # a page without a table ends any table running over pages
            page.close()  # free the page's parsed objects: memory stays flat over a long document
            document.page_seconds.append(time.perf_counter() - started)
    for table in document.tables:
        table.sheet = sheet_name(table.first_page, table.last_page, table.number)
        for found in (table.problems, table.notes):
            found[:] = [
                Problem(p.code, file=file, sheet=table.sheet, row=p.row, details=p.details) for p in found
            ]
    if document.text_pages:
        document.problems.append(
            Problem("pdf-text-pages", file=file, details={"pages": _page_list(document.text_pages)})
        )
    return document


def _page_list(pages: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → '1-3, 7, 9-10'."""
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _read_page(
    page: Any, number: int, file: str, document: PdfDocument, *, continuing: bool = False
) -> list[PdfTable]:
    page = _visible(page)  # nothing drawn outside the page box is read
    if not has_text_layer(page):
        if looks_scanned(page):
            words = recognise_page(page)
            if words is None:
                document.problems.append(
                    Problem("pdf-page-scanned", file=file, sheet=f"第{number}页", details={"page": number})
                )
                return []
        return []  # a blank page (or one holding only rules): nothing to read
    sideways = sum(not c.get("upright", True) for c in page.chars)
    if sideways * 2 > len(page.chars):
        # text drawn turned by 90° on a page not marked as rotated: its words and rows cannot be trusted
        document.problems.append(
            Problem("pdf-page-sideways", file=file, sheet=f"第{number}页", details={"page": number})
        )
        return []
    found = _table_regions(page)
    if not found:
        document.text_pages.append(number)
        document.narrative.append((number, page.extract_text() or ""))
        return []
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    out: list[PdfTable] = []
    upper = float(page.bbox[1])
    for index, region in enumerate(found, start=1):
        top, bottom = float(region.bbox[1]), float(region.bbox[3])
        above = _join_wrapped_unit(_word_lines(words, upper, top))
        recovered: list[list[str | None]] = []
        recovered_boxes: list[list[tuple | None]] = []
        if continuing and index == 1 and above and all(_fragment_line(line, region) for line in above):
            # a row of the previous page's table wrapped over the page break (计算机设备维修和保 / 养服务)
            for line in above:
                cells, boxes = required(
                    _row_by_columns(line, region), "a fragment line's cells (_fragment_line)"
                )
                recovered.append(cells)
                recovered_boxes.append(boxes)
            above = []
        while above and _lost_row(above[-1], top if not recovered else None):
            laid = _row_by_columns(above[-1], region)
            if laid is None:
                break
            recovered.insert(0, laid[0])
            recovered_boxes.insert(0, laid[1])
            above.pop()
        # the title, 部门名称 and 单位 lines sit right above a table; narrative further up is not its title
        titles = [_text(line) for line in above]
        table = _table(region, number, index, titles[-_TITLE_LINES:], words)
        if recovered:
            table.body[:0] = recovered
            table.boxes[:0] = recovered_boxes
            table.notes.append(Problem("pdf-row-recovered", details={"page": number, "rows": len(recovered)}))
        for title in titles:
            if looks_like_row(title):
                table.problems.append(
                    Problem("pdf-row-outside-table", details={"page": number, "line": title[:120]})
                )
        out.append(table)
        upper = bottom
    for word_line in _word_lines(words, upper, float(page.bbox[3]) + 1):
        if out:
            out[-1].after.append(_text(word_line))
        if looks_like_row(_text(word_line)) and out:
            out[-1].problems.append(
                Problem("pdf-row-outside-table", details={"page": number, "line": _text(word_line)[:120]})
            )
    return out


def _column_edges(region: Any) -> dict[int, tuple[float, float]]:
    edges: dict[int, tuple[float, float]] = {}
    for row in region.rows:
        for position, box in enumerate(row.cells):
            if box is not None:
                x0, x1 = edges.get(position, (box[0], box[2]))
                edges[position] = (min(x0, box[0]), max(x1, box[2]))
    return edges


def _column_at(edges: dict[int, tuple[float, float]], middle: float) -> int | None:
    """The narrowest ruled column holding ``middle`` (a spanning header cell is wider than a leaf)."""
    holding = [(x1 - x0, j) for j, (x0, x1) in edges.items() if x0 <= middle <= x1]
    return min(holding)[1] if holding else None


_TITLE_WORDS = re.compile(r"表|单位|部门|年度|公开|预算|决算")


def _fragment_line(line: list[dict], region: Any) -> bool:
    """A short piece of a row above a continuation's first rule: no title words, every word under a column."""
    text = _text(line)
    return len(text) <= 20 and not _TITLE_WORDS.search(text) and _row_by_columns(line, region) is not None


def _lost_row(line: list[dict], rule_top: float | None) -> bool:
    """A line printed like a table row; right above the first rule a numbered label (二、…) may be one too."""
    text = _text(line)
    if looks_like_row(text):
        return True
    near = rule_top is not None and 0 <= rule_top - max(w["bottom"] for w in line) <= _ROW_GAP
    return near and AMOUNT.search(text) is not None and not re.search(r"[，。；%％]|元", text)


def _join_wrapped_unit(lines: list[list[dict]]) -> list[list[dict]]:
    """A title cell wrapped in a narrow cell: ``单位：万`` with its ``元`` on the line below, under it;
    ``部门名称：江苏省高级人民法`` with ``院``."""
    for i, line in enumerate(lines):
        for word in line:
            if _UNIT_CUT.search(word["text"]):
                pattern, reach = r"(?:万|千)?元", lines[i + 1 : i + 3]
            elif _NAME_LINE.match(word["text"]):
                pattern, reach = _FRAGMENT.pattern, lines[i + 1 : i + 2]
            else:
                continue
            for below in reach:
                rest = next(
                    (
                        w
                        for w in below
                        if re.fullmatch(pattern, w["text"])
                        and word["x0"] - 6 <= (w["x0"] + w["x1"]) / 2 <= word["x1"] + 6
                    ),
                    None,
                )
                if rest is not None:
                    word["text"] += rest["text"]
                    below.remove(rest)
                    break
    return [line for line in lines if line]


def _row_by_columns(line: list[dict], region: Any) -> tuple[list[str | None], list[tuple | None]] | None:
    """A row printed just above a table's first rule (a continuation page whose top rule is missing), put
    into the table's columns by where each word stands, with each cell's box from its words; ``None``
    when a word is under no column."""
    edges = _column_edges(region)
    width = max(edges, default=-1) + 1
    cells: list[str | None] = [None] * width
    boxes: list[tuple | None] = [None] * width
    for word in line:
        position = _column_at(edges, (word["x0"] + word["x1"]) / 2)
        if position is None:
            return None
        cells[position] = (cells[position] or "") + word["text"]
        box = boxes[position]
        boxes[position] = (
            min(box[0], word["x0"]) if box else word["x0"],
            word["top"],
            max(box[2], word["x1"]) if box else word["x1"],
            word["bottom"],
        )
    return cells, boxes


def _text(line: list[dict]) -> str:
    return " ".join(w["text"] for w in line)


def _visible(page: Any) -> Any:
    """The page as shown: objects wholly inside its box. pdfminer lays a rotated page (/Rotate 90 or 270)
    out in the rotated frame, while pdfplumber's box stays the unrotated one, so the box is turned too."""
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    if int(page.rotation or 0) % 180 == 90:
        x1, bottom = x0 + (bottom - top), top + (x1 - x0)
    tolerance = 0.5

    def inside(obj: dict) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        if obj.get("object_type") == "rect" and _background(obj):
            return False
        return (
            obj["x0"] >= x0 - tolerance
            and obj["x1"] <= x1 + tolerance
            and obj["top"] >= top - tolerance
            and obj["bottom"] <= bottom + tolerance
        )

    return page.filter(inside)


def _background(rect: dict) -> bool:
    """A white filled rectangle drawn without a border: the background of a cell or of a text line, not a
    rule (grids printed from spreadsheets put one behind every line of text, which cut a cell's wrapped
    text into rows of its own)."""
    if not rect.get("fill") or rect.get("stroke"):
        return False
    colour = rect.get("non_stroking_color")
    values = colour if isinstance(colour, list | tuple) else (colour,)
    numbers = [v for v in values if isinstance(v, int | float)]
    if not numbers or len(numbers) != len(values):
        return False
    if len(numbers) == 4:  # CMYK: white is no ink
        return all(v <= 0.01 for v in numbers)
    return all(v >= 0.99 for v in numbers)


def _table_regions(page: Any) -> list[Any]:
    """Ruled regions holding a number, top to bottom; a region that encloses another is the page frame."""
    regions = page.find_tables()
    kept = []
    for region in regions:
        x0, top, x1, bottom = region.bbox
        encloses = any(
            other is not region
            and other.bbox[0] >= x0 - 1
            and other.bbox[1] >= top - 1
            and other.bbox[2] <= x1 + 1
            and other.bbox[3] <= bottom + 1
            and other.bbox != region.bbox
            for other in regions
        )
        if not encloses:
            kept.append(region)
    return sorted(kept, key=lambda r: (round(r.bbox[1]), r.bbox[0]))


def _word_lines(words: list[dict], upper: float, lower: float) -> list[list[dict]]:
    """The words whose middles lie between ``upper`` and ``lower``, as lines top to bottom (each left to right)."""
    inside = sorted(
        (w for w in words if upper <= (w["top"] + w["bottom"]) / 2 < lower), key=lambda w: (w["top"], w["x0"])
    )
    lines: list[list[dict]] = []
    for word in inside:
        middle = (word["top"] + word["bottom"]) / 2
        if lines and abs(middle - (lines[-1][0]["top"] + lines[-1][0]["bottom"]) / 2) <= _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _cell(text: str | None) -> str | None:
    if text is None:
        return None
    joined = "".join(part.strip() for part in str(text).splitlines())
    return joined or None


def _table(region: Any, page: int, number: int, titles: list[str], words: list[dict]) -> PdfTable:
    raw = region.extract()
    cells = [[_cell(c) for c in row] for row in raw]
    width = max((len(r) for r in cells), default=0)
    lefts: list[float] = [float("inf")] * width
    for row in region.rows:
        for position, box in enumerate(row.cells):
            if box is not None and position < width:
                lefts[position] = min(lefts[position], float(box[0]))
    x0, top, x1, bottom = region.bbox
    inside = [
        w["text"]
        for w in words
        if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
    ]
    table = PdfTable(
        sheet="",
        first_page=page,
        number=number,
        titles=titles,
        body=cells,
        columns_x=lefts,
        last_page=page,
        column_edges=_column_edges(region),
        boxes=[list(row.cells) for row in region.rows],
    )
    proof = prove(inside, [c for r in cells for c in r if c])
    if not proof.holds:
        table.problems.append(
            Problem(
                "pdf-numbers-unproven",
                details={
                    "page": page,
                    "lost": "、".join(proof.lost[:10]) or "-",
                    "invented": "、".join(proof.invented[:10]) or "-",
                },
            )
        )
    return table


def _continues(previous: PdfTable, table: PdfTable, page: int) -> bool:
    """A table at the top of the next page, with no title of its own, whose every cell of text stands
    under a column of the table that ended the previous page."""
    if previous.last_page != page - 1 or table.number != 1:
        return False
    if any(not _PAGE_NUMBER.match(line) for line in table.titles):
        return False
    # the continuation in the previous table's columns, or (a table that ended the page with its header
    # only, in fewer columns) the previous table in the continuation's finer columns
    return _in_columns(previous, table) is not None or _in_columns(table, previous) is not None


def _in_columns(previous: PdfTable, table: PdfTable) -> list[list[str | None]] | None:
    """The continuation's rows laid out in the previous table's ruled columns, by where each cell stands
    (the two pages' grids need not be cut alike); ``None`` when a cell stands under no column or two
    cells under one."""
    width = max(previous.column_edges, default=-1) + 1
    out = []
    for position, row in enumerate(table.body):
        if not any(row):
            continue
        boxes = table.boxes[position] if position < len(table.boxes) else []
        laid: list[str | None] = [None] * width
        for text, box in zip(row, boxes, strict=False):
            if not text:
                continue
            if box is None:
                return None
            column = _column_at(previous.column_edges, (box[0] + box[2]) / 2)
            if column is None or laid[column]:
                return None
            laid[column] = text
        out.append(laid)
    return out


def _join(previous: PdfTable, table: PdfTable, page: int) -> None:
    laid = _in_columns(previous, table)
    if laid is None:  # lay the previous table out in the continuation's columns instead
        previous.body = _in_columns(table, previous) or previous.body
        previous.boxes = [
            [
                (table.column_edges[j][0], 0, table.column_edges[j][1], 0)
                if j in table.column_edges
                else None
                for j in range(len(row))
            ]
            for row in previous.body
        ]
        previous.column_edges = dict(table.column_edges)
        laid = [r for r in table.body if any(r)]
    body = laid
    header = [r for r in previous.body if any(r)]
    repeated = 0
    while repeated < len(body) and repeated < len(header) and body[repeated] == header[repeated]:
        repeated += 1  # a header printed again at the top of the continuation
    previous.body.extend(body[repeated:])
    previous.last_page = page
    previous.problems.extend(table.problems)
    previous.notes.extend(table.notes)
