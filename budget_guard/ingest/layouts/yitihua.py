"""预算管理一体化 line-level exports: one row per 单位 × 项目 × code combination, amounts by phase.

An export row carries the 财政区划, the 单位 (and often its 部门), the 功能分类, both economic
classifications (部门 301–399 and 政府 501–599), 资金性质, the project with its 项目类别 and 热点分类,
and one amount column per phase: 年初批复 (``REPLY_AMT``) → stage ``budget``, 调整后 (``CUR_AMT``)
→ ``adjusted``, 执行/支付/支出 → ``final``. Each phase column with a number becomes one line, so one
row gives up to three lines (one per stage, never two in the same stage). The 调整数 (``ADJ_AMT``) is
the change between two phases, not a phase, and is not read.

Headers are recognised in both spellings: the field names of the system (``EXP_FUNC_CODE``,
``GOV_BGT_ECO_CODE`` …) and the Chinese headers of its Excel exports (``功能科目编码``, ``年初批复数`` …).
The 部门 is the parent column when there is one, else the 单位代码 without its last three digits
(``101001`` → 部门 ``101``), named after the group's first unit (its 本级, ``（本级）`` dropped).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget_guard.ingest.files.grid import TEXT, top_rows
from budget_guard.ingest.lines import AMOUNT_LABEL, AMOUNT_TEXT, ROW
from budget_guard.ingest.lines import UNIT as AMOUNT_UNIT
from budget_guard.ingest.recognise.header_row import match_header_row
from budget_guard.ingest.recognise.headers import normalise_header
from budget_guard.ingest.recognise.rows import (
    BLANK,
    DATA,
    HEADER,
    NOTE,
    SUBTOTAL,
    blank_rows,
    is_subtotal,
    note_rows,
    repeated_header_rows,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    DEPARTMENT,
    DEPARTMENT_CODE,
    DIVISION,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    FUND_TYPE,
    GOV_ECON_CODE,
    HOT_TOPIC,
    ITEM,
    PROJECT,
    PROJECT_CATEGORY,
    PROJECT_CODE,
    STAGE,
    UNIT,
    UNIT_CODE,
    YEAR,
)

LAYOUT = "yitihua"
HEADER_SCAN_ROWS = 30

# fields only this layout reads (they end up in canonical columns or are combined into one)
DIVISION_CODE = "division_code"
HOT_TOPIC_CODE = "hot_topic_code"
ECON_NAME = "econ_name"
PHASE_BUDGET, PHASE_ADJUSTED, PHASE_FINAL, PHASE_ADJUSTMENT = (
    "phase_budget",
    "phase_adjusted",
    "phase_final",
    "phase_adjustment",
)
PHASE_STAGES: dict[str, str] = {PHASE_BUDGET: "budget", PHASE_ADJUSTED: "adjusted", PHASE_FINAL: "final"}

# canonical or layout field → headers in both spellings (compared after normalise_header)
YITIHUA_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    DIVISION_CODE: ("MOF_DIV_CODE", "财政区划代码", "财政区划编码", "区划代码", "区划编码"),
    DIVISION: ("MOF_DIV_NAME", "财政区划", "财政区划名称", "区划名称", "区划"),
    UNIT_CODE: ("AGENCY_CODE", "单位代码", "单位编码", "预算单位代码", "预算单位编码"),
    UNIT: ("AGENCY_NAME", "单位名称", "预算单位", "预算单位名称"),
    DEPARTMENT_CODE: ("DEPT_CODE", "部门代码", "部门编码", "主管部门代码", "主管部门编码"),
    DEPARTMENT: ("DEPT_NAME", "部门名称", "主管部门", "主管部门名称", "部门"),
    YEAR: ("FISCAL_YEAR", "预算年度", "年度"),
    FUNC_CODE: ("EXP_FUNC_CODE", "功能科目编码", "功能分类科目编码", "支出功能分类科目编码", "功能科目代码"),
    ECON_CODE: (
        "DEP_BGT_ECO_CODE",
        "部门经济科目编码",
        "部门经济分类科目编码",
        "部门预算支出经济分类科目编码",
        "部门经济科目代码",
    ),
    ECON_NAME: ("DEP_BGT_ECO_NAME", "部门经济科目名称", "部门经济分类科目名称"),
    GOV_ECON_CODE: (
        "GOV_BGT_ECO_CODE",
        "政府经济科目编码",
        "政府经济分类科目编码",
        "政府预算支出经济分类科目编码",
        "政府经济科目代码",
    ),
    FUND_TYPE: ("FUND_TYPE_CODE", "FUND_TYPE_NAME", "资金性质", "资金性质编码", "资金性质名称"),
    PROJECT_CODE: ("PRO_CODE", "项目代码", "项目编码"),
    PROJECT: ("PRO_NAME", "项目名称"),
    PROJECT_CATEGORY: ("PRO_CAT_CODE", "PRO_CAT_NAME", "项目类别", "项目类别名称"),
    HOT_TOPIC_CODE: ("HOT_TOPIC_CATE_CODE", "热点分类代码", "热点分类编码"),
    HOT_TOPIC: ("HOT_TOPIC_CATE_NAME", "热点分类", "热点分类名称"),
    EXPENSE_TYPE: ("支出类型", "支出类别"),
    PHASE_BUDGET: ("REPLY_AMT", "年初批复数", "年初批复金额", "年初预算数", "批复数"),
    PHASE_ADJUSTED: ("CUR_AMT", "调整后预算数", "调整后指标数", "调整后金额", "当前指标数"),
    PHASE_ADJUSTMENT: ("ADJ_AMT", "调整数", "调整金额", "预算调整数"),
    PHASE_FINAL: ("PAY_AMT", "EXE_AMT", "执行数", "支出数", "支付数", "实际支出数", "决算数"),
}
CODE_FIELDS = (FUNC_CODE, ECON_CODE, GOV_ECON_CODE)

# 项目类别 → 支出类型: 人员类 and 运转类 projects are 基本支出, 特定目标类 projects are 项目支出
# (预算管理一体化规范: 项目分为人员类项目、运转类项目和特定目标类项目).
PROJECT_CATEGORY_EXPENSE: tuple[tuple[str, str], ...] = (
    ("人员类", "基本支出"),
    ("运转类", "基本支出"),
    ("特定目标类", "项目支出"),
)

_INDEX: dict[str, str] = {}


def yitihua_field(text: object) -> tuple[str | None, str | None]:
    """The field an export header names (or ``None``) and a unit stated in it (``年初批复数（万元）``)."""
    if not _INDEX:
        for field, aliases in YITIHUA_HEADER_ALIASES.items():
            for alias in aliases:
                _INDEX[normalise_header(alias)[0]] = field
    key, unit = normalise_header(text)
    return _INDEX.get(key), unit


@dataclass(frozen=True)
class YitihuaHeader:
    """Where the header is, which column holds each field, and the unit the phase headers state."""

    row: int
    fields: dict[str, int]
    labels: dict[str, str]
    unit: str | None
    problems: tuple[Problem, ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()


def find_header(grid: pd.DataFrame, file: str = "", sheet: str | None = None) -> YitihuaHeader | None:
    """The first row naming a phase amount column, a 单位 and a classification code."""
    for row, cells in top_rows(grid, HEADER_SCAN_ROWS):
        match = match_header_row(cells, row, yitihua_field, file, sheet)
        fields, labels, problems, ignored = match.fields, match.labels, match.problems, match.ignored
        units = {u for f, u in match.stated_units.items() if f in PHASE_STAGES and u}
        phases = PHASE_STAGES.keys() & fields.keys()
        unit_column = {UNIT, UNIT_CODE} & fields.keys()
        codes = set(CODE_FIELDS) & fields.keys()
        if phases and unit_column and codes:
            unit = next(iter(units)) if len(units) == 1 else None
            if len(units) > 1:
                problems.append(
                    Problem(
                        "unit-mismatch",
                        file=file,
                        sheet=sheet,
                        row=int(row),
                        details={"detail": "、".join(sorted(units))},
                    )
                )
            return YitihuaHeader(int(row), fields, labels, unit, tuple(problems), tuple(ignored))
    return None


def _clean(series: pd.Series) -> pd.Series:
    """NFKC, stripped text per distinct value; blank → missing; ``101001.0`` (a number cell) → ``101001``."""
    text = series.astype(TEXT)
    uniques = text.dropna().unique()
    mapping = {}
    for value in uniques:
        clean = unicodedata.normalize("NFKC", str(value)).strip()
        clean = re.sub(r"^(\d+)\.0+$", r"\1", clean)
        mapping[value] = clean or None
    return text.map(mapping).astype(TEXT)


def _departments(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each line's 部门 name and code: the parent columns where given, else from the 单位代码 prefix.

    A 部门 name shared by two 财政区划 (every county has a 教育局) is qualified with the 区划, so a
    province's departments never add up across counties.
    """
    unit_code = raw[UNIT_CODE] if UNIT_CODE in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    unit_name = raw[UNIT] if UNIT in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    division = raw[DIVISION] if DIVISION in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    code = raw[DEPARTMENT_CODE] if DEPARTMENT_CODE in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    prefix = unit_code.where(unit_code.str.len() <= 3, unit_code.str[:-3])
    code = code.fillna(prefix)
    name = raw[DEPARTMENT] if DEPARTMENT in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    if name.isna().any():
        # the group's first unit by code is its 本级 (101001 under 部门 101)
        keys = pd.DataFrame(
            {"div": division.fillna(""), "dept": code, "unit_code": unit_code, "name": unit_name}
        )
        known = keys.dropna(subset=["dept", "name"]).sort_values(["div", "dept", "unit_code"], kind="stable")
        first = known.drop_duplicates(["div", "dept"]).set_index(["div", "dept"])["name"]
        first = first.str.replace(r"[（(]?本级[)）]?$", "", regex=True)
        derived = pd.Series(
            first.reindex(pd.MultiIndex.from_arrays([keys["div"], keys["dept"]])).to_numpy(), index=raw.index
        ).astype(TEXT)
        name = name.fillna(derived).fillna(unit_name)
    shared = pd.DataFrame({"div": division, "name": name}).dropna().drop_duplicates()
    ambiguous = set(shared["name"][shared["name"].duplicated(keep=False)])
    if ambiguous:
        qualify = name.isin(ambiguous) & division.notna() & ~name.str.startswith(division.fillna("\0"))
        name = name.where(~qualify, division + "·" + name)
    return name.astype(TEXT), code.astype(TEXT)


def _expense_types(raw: pd.DataFrame) -> pd.Series:
    """支出类型 as given, else from the 项目类别 (人员类/运转类 → 基本支出, 特定目标类 → 项目支出)."""
    given = raw[EXPENSE_TYPE] if EXPENSE_TYPE in raw else pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    if PROJECT_CATEGORY not in raw:
        return given
    derived = pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    for word, expense in PROJECT_CATEGORY_EXPENSE:
        derived = derived.mask(raw[PROJECT_CATEGORY].str.contains(word, regex=False).fillna(False), expense)
    return given.fillna(derived)


def read_yitihua(
    grid: pd.DataFrame, header: YitihuaHeader, unit: str
) -> tuple[pd.DataFrame, dict[str, str], pd.Series, list[str]]:
    """Lines as text for ``finish_lines`` (one per phase column with a value), the column labels, a
    bucket per source row, and the phase columns left out because every cell of them is blank."""
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    body = grid.index > header.row
    buckets[blank] = BLANK
    fields = header.fields
    subtotal = pd.Series(False, index=grid.index)
    for field in (UNIT, UNIT_CODE, PROJECT, FUNC_CODE, ECON_CODE, GOV_ECON_CODE):
        if field in fields:
            subtotal |= is_subtotal(grid[fields[field]])
    notes = note_rows(grid)
    repeated = repeated_header_rows(grid, grid.loc[header.row])
    candidate = body & ~blank
    buckets[candidate & repeated] = HEADER
    buckets[candidate & ~repeated & notes] = NOTE
    buckets[candidate & ~repeated & ~notes & subtotal] = SUBTOTAL
    data = candidate & ~repeated & ~notes & ~subtotal
    buckets[data] = DATA
    rows = grid.index[data]

    text = pd.DataFrame(index=range(len(rows)))
    for field, position in fields.items():
        if field not in PHASE_STAGES and field != PHASE_ADJUSTMENT:
            text[field] = _clean(grid.loc[data, position].reset_index(drop=True))
    if DIVISION_CODE in text:
        text[DIVISION] = text[DIVISION] if DIVISION in text else text[DIVISION_CODE]
        text[DIVISION] = text[DIVISION].fillna(text[DIVISION_CODE])
    if HOT_TOPIC_CODE in text:
        name = text[HOT_TOPIC] if HOT_TOPIC in text else pd.Series(pd.NA, index=text.index, dtype=TEXT)
        both = (text[HOT_TOPIC_CODE] + " " + name).where(name.notna(), text[HOT_TOPIC_CODE])
        text[HOT_TOPIC] = both.fillna(name)
    text[DEPARTMENT], text[DEPARTMENT_CODE] = _departments(text)
    text[EXPENSE_TYPE] = _expense_types(text)
    item = text[PROJECT] if PROJECT in text else pd.Series(pd.NA, index=text.index, dtype=TEXT)
    if ECON_NAME in text:
        item = item.fillna(text[ECON_NAME])
    text[ITEM] = item
    text = text.drop(columns=[c for c in (DIVISION_CODE, HOT_TOPIC_CODE, ECON_NAME) if c in text])

    parts, empty = [], []
    for phase, stage in PHASE_STAGES.items():
        if phase not in fields:
            continue
        amounts = grid.loc[data, fields[phase]].reset_index(drop=True)
        if amounts.astype(TEXT).str.strip().replace("", pd.NA).isna().all():
            empty.append(header.labels[phase])
            continue
        part = text.copy()
        part[ROW] = np.asarray(rows)
        part[AMOUNT_TEXT] = amounts
        part[AMOUNT_LABEL] = header.labels[phase]
        part[AMOUNT_UNIT] = unit
        part[STAGE] = stage
        parts.append(part)
    raw = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[ROW, AMOUNT_TEXT, AMOUNT_LABEL, AMOUNT_UNIT, *text.columns])
    )
    labels = {field: header.labels[field] for field in fields if field in header.labels}
    return raw, labels, buckets, empty
