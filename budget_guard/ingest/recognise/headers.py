"""Header text → canonical field, with the aliases bureaus and our template use (Chinese or English).

A header is compared after NFKC, lower-casing and removing spaces, and after taking out a unit in
brackets (``金额（万元）`` → field ``amount``, unit ``万元``). The aliases below are the documented
contract of the long template; docs/ingest.md lists the same table.
"""

from __future__ import annotations

import re
import unicodedata

from budget_guard.model.table import (
    DEPARTMENT,
    DEPARTMENT_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    STAGE,
    TAGS,
    YEAR,
)

AMOUNT = "amount"  # the amount column of a source table; becomes amount_fen

# canonical field → accepted headers (compared after normalise_header)
LONG_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    DEPARTMENT: ("部门", "单位", "部门名称", "单位名称", "预算单位", "department", "dept"),
    DEPARTMENT_CODE: (
        "部门编码",
        "单位编码",
        "部门代码",
        "单位代码",
        "预算单位编码",
        "department_code",
        "dept_code",
    ),
    YEAR: ("年度", "年份", "预算年度", "year", "fiscal_year"),
    STAGE: ("数据口径", "口径", "stage"),
    FUNC_CODE: (
        "功能分类科目编码",
        "功能分类编码",
        "功能科目编码",
        "支出功能分类科目编码",
        "功能分类科目代码",
        "func_code",
        "function_code",
        "functional_code",
    ),
    ECON_CODE: (
        "经济分类科目编码",
        "经济分类编码",
        "经济科目编码",
        "部门经济分类科目编码",
        "部门预算支出经济分类科目编码",
        "经济分类科目代码",
        "econ_code",
        "economic_code",
    ),
    ITEM: ("项目名称", "科目名称", "名称", "项目", "item", "name"),
    EXPENSE_TYPE: ("支出类型", "支出类别", "支出性质", "expense_type"),
    TAGS: ("标签", "tags", "tag"),
    AMOUNT: ("金额", "amount", "数额", "预算金额", "amount_yuan"),
}

STAGE_ALIASES: dict[str, str] = {
    "预算数": "budget",
    "预算": "budget",
    "年初预算数": "budget",
    "年初预算": "budget",
    "budget": "budget",
    "调整预算数": "adjusted",
    "调整预算": "adjusted",
    "调整后预算数": "adjusted",
    "adjusted": "adjusted",
    "决算数": "final",
    "决算": "final",
    "final": "final",
}

EXPENSE_TYPE_ALIASES: dict[str, str] = {
    "基本支出": "基本支出",
    "基本": "基本支出",
    "basic": "基本支出",
    "项目支出": "项目支出",
    "项目": "项目支出",
    "project": "项目支出",
}

_UNIT_NAMES = r"(万元|千元|元|10k\s*yuan|wan\s*yuan|yuan)"
_UNIT_IN_HEADER = re.compile(
    r"(?:[(\[【]\s*(?:(?:金额)?单位\s*[:：]?\s*)?"
    + _UNIT_NAMES
    + r"\s*[)\]】]|(?:金额)?单位\s*[:：]\s*"
    + _UNIT_NAMES
    + r")\s*$",
    re.IGNORECASE,
)
_UNIT_WORDS = {"万元": "万元", "千元": "千元", "元": "元", "yuan": "元", "10kyuan": "万元", "wanyuan": "万元"}

_ALIAS_INDEX: dict[str, str] = {}


def normalise_header(text: object) -> tuple[str, str | None]:
    """``' 金额（万元）'`` → ``('金额', '万元')``; ``'Func Code'`` → ``('func_code', None)``."""
    if text is None:
        return "", None
    value = unicodedata.normalize("NFKC", str(text)).strip()
    unit = None
    match = _UNIT_IN_HEADER.search(value)
    if match and match.start() > 0:
        word = match.group(1) or match.group(2)
        unit = _UNIT_WORDS[re.sub(r"\s+", "", word.lower())]
        value = value[: match.start()]
    value = value.strip().lower()
    value = re.sub(r"[\s\-]+", "_", value).strip("_*:：")
    if re.search(r"[^\x00-\x7f]", value):
        value = value.replace("_", "")
    return value, unit


def long_field(text: object) -> tuple[str | None, str | None]:
    """The canonical field a header names in the long template (or ``None``), and a unit stated in it."""
    if not _ALIAS_INDEX:
        for field, aliases in LONG_HEADER_ALIASES.items():
            for alias in aliases:
                _ALIAS_INDEX[normalise_header(alias)[0]] = field
    key, unit = normalise_header(text)
    return _ALIAS_INDEX.get(key), unit


def stage_of(text: object) -> str | None:
    """``预算数`` → ``budget``; ``None`` when the text names no stage."""
    if text is None:
        return None
    key = unicodedata.normalize("NFKC", str(text)).strip().lower().replace(" ", "")
    return STAGE_ALIASES.get(key)
