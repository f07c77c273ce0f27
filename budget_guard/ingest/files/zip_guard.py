"""Check a zipped workbook (xlsx/xlsm/ods) before the reader sees it: decompressed size, used range, formulas.

calamine allocates a sheet's whole used range at once and aborts the process (not an exception)
when that fails, and it inflates every member without a limit. So, before it runs:

- every member is inflated here, counted, and refused past ``max_unpacked_mb`` in total or
  ``max_ratio`` for one member (a zip bomb); a member whose size header lies fails its CRC;
- each worksheet's furthest cell is found with a few byte searches (no XML parse) and a used
  range above ``max_cells`` refuses that sheet (one stray cell at XFD1048576);
- formula cells saved without a value (files written by scripts, never opened in Excel) are
  listed, so a leaf is named instead of being read as 0.

A member is read whole (one sheet's XML), which the reader would hold too; the budget is the cap.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from budget_guard import messages as msg
from budget_guard.ingest.files.grid import GridError, column_letter
from budget_guard.model.limits import Limits

_CHUNK = 1 << 20
_RATIO_FLOOR = 10 << 20  # members below 10 MB are never judged by their ratio
_NARROW_COLUMNS = 26  # single-letter columns: assumed all used, no search needed
_SHALLOW_ROWS = 99_999  # rows with fewer than six digits

# rare-match searches: a cell ref with a two- or three-letter column, a deep row in column A–Z,
# a deep <row r=…>; the common cells of a normal sheet match none of them
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})([0-9]{1,7})"')
_DEEP_CELL = re.compile(rb' r="[A-Z]([0-9]{6,7})"')
_DEEP_ROW = re.compile(rb'<row r="([0-9]{6,7})"')
_ANY_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
_UNCACHED = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class UncachedFormula:
    row: int  # 1-based, as the user sees it
    column: int  # 0-based position (A = 0)
    formula: str

    @property
    def cell(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class WorkbookScan:
    """What the pre-check found: sheets too large to read, and formula cells without values, by sheet name."""

    too_large: dict[str, dict[str, str]] = field(default_factory=dict)
    uncached: dict[str, list[UncachedFormula]] = field(default_factory=dict)


def scan_zip_workbook(data: bytes, limits: Limits) -> WorkbookScan:
    """Inflate and measure a zipped workbook; raises ``GridError`` for a bomb or a corrupt archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise GridError("file-corrupt", expected="Excel", detail=str(exc)[:200]) from exc
    budget = limits.max_unpacked_bytes
    used = 0
    sheets: dict[str, bytes] = {}
    small: dict[str, bytes] = {}
    for member in members:
        if member.is_dir():
            continue
        keep = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        wanted = member.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
        size, content = _inflate(archive, member, budget - used, limits, keep or wanted)
        used += size
        if keep:
            sheets[member.filename] = content
        elif wanted:
            small[member.filename] = content
    names = _sheet_paths(small)
    scan = WorkbookScan()
    for path, xml in sheets.items():
        sheet = names.get(path, path)
        rows, columns, cell = _used_range(xml, limits.max_cells)
        if rows * columns > limits.max_cells:
            scan.too_large[sheet] = {
                "cell": cell,
                "rows": f"{rows:,}",
                "columns": f"{columns:,}",
                "limit": f"{limits.max_cells:,}",
            }
            continue
        if b"<f" in xml:
            found = [
                UncachedFormula(int(m.group(2)), _column_index(m.group(1)), _formula_text(m.group(3)))
                for m in _UNCACHED.finditer(xml)
            ]
            if found:
                scan.uncached[sheet] = found
    return scan


def _inflate(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, room: int, limits: Limits, keep: bool
) -> tuple[int, bytes]:
    """Decompress one member, counting; stop as soon as the budget or the ratio is exceeded."""
    size = 0
    parts: list[bytes] = []
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > room:
                    raise GridError(
                        "file-unpacked-too-large",
                        detail=msg.bilingual("detail.unpacked_over", mb=f"{limits.max_unpacked_mb:g}"),
                    )
                if size > _RATIO_FLOOR and size > limits.max_ratio * max(member.compress_size, 1):
                    raise GridError(
                        "file-unpacked-too-large",
                        detail=msg.bilingual(
                            "detail.inflates_over", member=member.filename, ratio=f"{limits.max_ratio:g}"
                        ),
                    )
                if keep:
                    parts.append(chunk)
    except GridError:
        raise
    except Exception as exc:  # BadZipFile, a bad CRC, zlib.error, an unknown compression: damaged
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise GridError("file-encrypted") from exc
        raise GridError("file-corrupt", expected="Excel", detail=f"{member.filename}: {exc}"[:200]) from exc
    return size, b"".join(parts)


def _used_range(xml: bytes, max_cells: int) -> tuple[int, int, str]:
    """(rows, columns, furthest cell) of a sheet's XML, from rare-match searches where they suffice.

    Without a two-letter column or a six-digit row the sheet is at most 99,999 × 26 cells; only
    when that bound could exceed the limit is every ``<row r=…>`` read for the true last row.
    """
    width = _NARROW_COLUMNS if b"<c" in xml else 0
    depth = 0
    for match in _WIDE_CELL.finditer(xml):
        width = max(width, _column_index(match.group(1)) + 1)
        depth = max(depth, int(match.group(2)))
    for pattern in (_DEEP_CELL, _DEEP_ROW):
        for match in pattern.finditer(xml):
            depth = max(depth, int(match.group(1)))
    if width * max(depth, _SHALLOW_ROWS) > max_cells:
        rows = [int(m.group(1)) for m in _ANY_ROW.finditer(xml)]
        depth = max([depth, *rows, xml.count(b"<row")])
    else:
        depth = max(depth, 1)
    return depth, width, f"{column_letter(max(width - 1, 0))}{depth}"


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + (byte - 64)
    return index - 1


def _formula_text(raw: bytes | None) -> str:
    text = (raw or b"").decode("utf-8", "replace").strip()
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return f"={text}" if text else "="


def _sheet_paths(small: dict[str, bytes]) -> dict[str, str]:
    """Worksheet XML path → sheet name, from workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(small.get("xl/workbook.xml", b""))
        rels = ElementTree.fromstring(small.get("xl/_rels/workbook.xml.rels", b""))
    except ElementTree.ParseError:
        return {}
    targets = {}
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        targets[rel.get("Id")] = path
    out = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        sheet_path = targets.get(sheet.get(f"{_REL_NS}id"))
        if sheet_path:
            out[sheet_path] = sheet.get("name", sheet_path)
    return out
