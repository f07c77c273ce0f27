"""What a sheet is about when the rows do not say it: department, year, stage and unit.

Precedence (documented in docs/ingest.md): explicit arguments > the title rows above the table >
the sheet name > the file name. Titles look like ``2025年XX局一般公共预算支出预算表`` or
``上海市普陀区财政局2024年度部门决算``; a ``单位：万元`` line states the unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from budget_guard.errors import PDF_PLACE
from budget_guard.ingest.files.grid import column_letter
from budget_guard.ingest.recognise.table_kinds import is_label_row
from budget_guard.messages.problems import Problem

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度?|年)?")
_YEAR_STRICT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?")
_TABLE_WORDS = re.compile(
    r"(一般公共预算|政府性基金|国有资本经营|财政拨款|部门预算|部门决算|单位预算|单位决算|部门收支|部门收入|部门支出|"
    r"收支总表|收支决算|收支预算|基本支出|项目支出|[“\"']?三公[”\"']?|支出|收入|预算表|决算表|预算|决算|经费|情况表|汇总|总表|明细|公开)"
)
_LEADING_TABLE_NUMBER = re.compile(r"^(?:附表|附件|表)\s*[\d一二三四五六七八九十\-－._]*[、.:：\s]*")
_DEPARTMENT_LINE = re.compile(
    r"(?:部门|单位|预算单位|编制单位)(?:名称)?\s*[:：]\s*(?!万元|千元|元)([^\s:：]+)"
)
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Context:
    """The sheet-level facts lines inherit, with where each came from (for messages)."""

    department: str | None = None
    year: int | None = None
    stage: str | None = None
    unit: str | None = None
    unit_row: int | None = None
    unit_column: str | None = None
    unit_conflict: bool = False  # two 单位 lines that disagree
    title: str | None = None
    year_range: str | None = None  # a span of years the file name gives instead of a year (never used)
    sources: dict[str, str] = field(default_factory=dict)  # field → "argument" | "title" | "sheet" | "file"


def stage_in_text(text: str) -> str | None:
    """决算 → final, 调整预算 → adjusted, 预算 → budget (the most specific word wins)."""
    if "决算" in text:
        return "final"
    if "调整预算" in text or "调整后预算" in text:
        return "adjusted"
    if "预算" in text:
        return "budget"
    return None


_YEAR_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年?度?\s*(?:[-–—~～_至到]|－)\s*((?:19|20)?\d{2})(?!\d)\s*年?"
)


def year_range_in_text(text: str) -> str | None:
    """``2024-2025``, ``2024至2025年``, ``2024_2025``: a span of years, never one year (the text as printed)."""
    match = _YEAR_RANGE.search(unicodedata.normalize("NFKC", text or ""))
    return match.group(0).strip() if match else None


def year_in_text(text: str, strict: bool = False) -> int | None:
    """The one year a text names; ``None`` when it names none, a range (``…_2024-2025``) or two different years."""
    if year_range_in_text(text):
        return None
    pattern = _YEAR_STRICT if strict else _YEAR
    years = {int(m.group(1)) for m in pattern.finditer(text)}
    return years.pop() if len(years) == 1 else None


def year_range_problem(ctx: Context, file: str, sheet: str | None) -> Problem | None:
    """A file named for a span of years (``…_2024-2025.csv``) whose lines state no year: said, never guessed."""
    if ctx.year is not None or not ctx.year_range:
        return None
    return Problem("year-range-in-name", file=file, sheet=sheet, details={"value": ctx.year_range})


_FOUR_DIGIT_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0+)?\s*年?度?\s*$")
YEAR_COLUMN_SHARE = 0.9  # a column is a year column when this share of its filled cells are years


def year_column_question(
    grid: pd.DataFrame, header_row: int, ignored: list[tuple[int, str]], *, file: str, sheet: str | None
) -> Problem | None:
    """A column the reader does not recognise whose cells are four-digit years (``预算年份``, ``nd`` …):
    the year of every line may be in it, so it is a question to ask, never a column to drop."""
    below = grid.loc[grid.index > header_row] if grid.index.is_monotonic_increasing else grid
    for position, label in ignored:
        if position >= below.shape[1]:
            continue
        cells = below.iloc[:, position].dropna().astype(str).str.strip()
        cells = cells[cells != ""]
        if len(cells) < 2:
            continue
        years = cells.str.extract(_FOUR_DIGIT_YEAR.pattern, expand=False)
        if years.notna().mean() >= YEAR_COLUMN_SHARE:
            found = sorted({int(y) for y in years.dropna()})
            return Problem(
                "year-column-unrecognised",
                file=file,
                sheet=sheet,
                row=header_row,
                column=column_letter(position),
                details={"label": str(label), "years": "、".join(str(y) for y in found[:5])},
            )
    return None


def department_in_text(text: str) -> str | None:
    """The department named in a title, sheet or file name, or ``None`` when only table words remain."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _DEPARTMENT_LINE.search(value)
    if match:
        return match.group(1)
    value = _LEADING_TABLE_NUMBER.sub("", value)
    value = _YEAR.sub(" ", value)
    cut = _TABLE_WORDS.search(value)
    if cut:
        value = value[: cut.start()]
    value = re.sub(r"[\s_\-—.()（）\[\]【】“”\"'、,，:：]+", " ", value).strip()
    value = re.sub(r"(部门|单位)$", "", value).strip()
    if not value or not _CJK.search(value) or len(value) < 2:
        return None
    return value.split(" ")[-1] if " " in value else value


def title_lines(grid: pd.DataFrame, before_row: int) -> list[tuple[int, int, str]]:
    """Non-empty cells above the header as ``(row, column position, text)``."""
    if grid.index.is_monotonic_increasing:  # rows are numbered top down: the rows above are a slice
        top = grid.iloc[: int(grid.index.searchsorted(before_row, side="left"))]
    else:
        top = grid.loc[grid.index < before_row]
    out = []
    for row, values in top.iterrows():
        for position, value in enumerate(values.tolist()):
            if isinstance(value, str) and value.strip():
                out.append((int(row), position, value.strip()))
    return out


def build_context(
    grid: pd.DataFrame,
    header_row: int,
    *,
    file: str,
    sheet: str | None,
    department: str | None,
    year: int | None,
    stage: str | None,
    unit: str | None,
) -> tuple[Context, list[Problem]]:
    """Resolve department / year / stage / unit for one sheet from arguments, title rows, sheet and file names."""
    ctx = Context()
    problems: list[Problem] = []
    cells = [c for c in title_lines(grid, header_row) if not is_label_row(c[2])]  # 公开06表, 表六
    title_text = " ".join(_UNIT_LINE.sub(" ", text) for _, _, text in cells)
    ctx.title = cells[0][2] if cells else None
    for row, position, text in cells:
        match = _UNIT_LINE.search(unicodedata.normalize("NFKC", text))
        if match and ctx.unit is None:
            ctx.unit, ctx.unit_row, ctx.unit_column = match.group(1), row, column_letter(position)
        elif match and match.group(1) != ctx.unit:
            ctx.unit_conflict = True
            problems.append(
                Problem(
                    "unit-mismatch",
                    file=file,
                    sheet=sheet,
                    row=row,
                    column=column_letter(position),
                    details={"detail": f"第{ctx.unit_row}行写{ctx.unit}，第{row}行写{match.group(1)}"},
                )
            )
    file_stem = PurePath(file).stem
    # a PDF table's place (第3页 表1) names no department or year: the titles and the file name do
    sheet_text = "" if sheet and PDF_PLACE.match(sheet) else sheet or ""
    candidates = [("title", title_text), ("sheet", sheet_text), ("file", file_stem)]
    if department:
        ctx.department, ctx.sources["department"] = department, "argument"
    else:
        for origin, text in candidates:
            found = department_in_text(text) if text else None
            if found:
                ctx.department, ctx.sources["department"] = found, origin
                break
    if year:
        ctx.year, ctx.sources["year"] = int(year), "argument"
    else:
        span = year_range_in_text(file_stem)
        for origin, text in candidates:
            found_year = year_in_text(text, strict=origin == "title") if text else None
            if found_year is None and origin == "title" and text:
                found_year = year_in_text(text)
            if found_year:
                ctx.year, ctx.sources["year"] = found_year, origin
                break
        if ctx.year is None and span:
            ctx.year_range = span  # reported where the lines have no year of their own (year_range_problem)
    if stage:
        ctx.stage, ctx.sources["stage"] = stage, "argument"
    else:
        for origin, text in candidates:
            found = stage_in_text(text) if text else None
            if found:
                ctx.stage, ctx.sources["stage"] = found, origin
                break
    if unit:
        ctx.unit, ctx.unit_row, ctx.unit_column = unit, None, None
        ctx.sources["unit"] = "argument"
    elif ctx.unit:
        ctx.sources["unit"] = "title"
    return ctx, problems
