"""The canonical budget table: column names, dtypes and the pandera schema every stage relies on.

One row is one budget line of one department in one fiscal year and stage. Money is kept as
integer 分 (fen) in ``amount_fen`` so that sums over millions of rows are exact; 元 and 万元
are only for display.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:  # imported where used: the constants and names load without pandas (a fast --help)
    import numpy as np
    import pandas as pd

# -- column names: the only place these string literals live ------------------------------------
DEPARTMENT = "department"
DEPARTMENT_CODE = "department_code"
YEAR = "year"
STAGE = "stage"
FUNC_CODE = "func_code"
ECON_CODE = "econ_code"
ITEM = "item"
EXPENSE_TYPE = "expense_type"
TAGS = "tags"
AMOUNT_FEN = "amount_fen"
SOURCE_FILE = "source_file"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"
SOURCE_LAYOUT = "source_layout"  # the table layout a line was read from: long, published, side-by-side …
# Columns of 预算管理一体化 exports that rules may select on and scopes may group by (empty elsewhere).
DIVISION = "division"  # 财政区划 (name, or code when only the code is given): a province sees each county
UNIT_CODE = "unit_code"  # 单位代码: the budget unit (单位) under a department (部门)
UNIT = "unit_name"  # 单位名称 (not "unit": ingest uses that for the unit of an amount)
GOV_ECON_CODE = "gov_econ_code"  # 政府预算支出经济分类 (501–599), beside the 部门 econ_code (301–399)
FUND_TYPE = "fund_type"  # 资金性质
PROJECT_CODE = "project_code"  # 项目代码
PROJECT = "project"  # 项目名称
PROJECT_CATEGORY = "project_category"  # 项目类别 (人员类 / 运转类 / 特定目标类 …)
HOT_TOPIC = "hot_topic"  # 热点分类: "code name" when the export gives both

COLUMNS: tuple[str, ...] = (
    DEPARTMENT,
    DEPARTMENT_CODE,
    YEAR,
    STAGE,
    FUNC_CODE,
    ECON_CODE,
    ITEM,
    EXPENSE_TYPE,
    TAGS,
    AMOUNT_FEN,
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
    SOURCE_LAYOUT,
    DIVISION,
    UNIT_CODE,
    UNIT,
    GOV_ECON_CODE,
    FUND_TYPE,
    PROJECT_CODE,
    PROJECT,
    PROJECT_CATEGORY,
    HOT_TOPIC,
)
# The 一体化 columns: kept as text categoricals, selected on by rules and grouped by scopes.
YITIHUA_TEXT: tuple[str, ...] = (
    DIVISION,
    UNIT_CODE,
    UNIT,
    GOV_ECON_CODE,
    FUND_TYPE,
    PROJECT_CODE,
    PROJECT,
    PROJECT_CATEGORY,
    HOT_TOPIC,
)
REQUIRED: tuple[str, ...] = (DEPARTMENT, YEAR, AMOUNT_FEN)
OPTIONAL_TEXT: tuple[str, ...] = (
    DEPARTMENT_CODE,
    STAGE,
    FUNC_CODE,
    ECON_CODE,
    ITEM,
    EXPENSE_TYPE,
    TAGS,
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_LAYOUT,
    *YITIHUA_TEXT,
)

Stage = Literal["budget", "adjusted", "final"]
STAGES: tuple[Stage, ...] = get_args(Stage)
DEFAULT_STAGE = "budget"
EXPENSE_TYPES: tuple[str, ...] = ("基本支出", "项目支出")
TAG_SEPARATOR = ";"
# A line whose figure failed a relation its table (or its published set) states — 合计 ≠ Σ parts,
# 三公小计 ≠ 出国 + 车 + 接待 … — carries the tag ``勾稽不符：<the relation, both figures>``. The
# engine never grades a cell that takes such a line: it is 不可比 (``relation_failed``) with the
# relation in its finding (engine/relation_failed.py). Any reader that checks a relation marks the
# lines it could not trust with ``relation_failed_tag``.
RELATION_FAILED = "勾稽不符"
_TAG_BREAKS = re.compile(r"[;；,，、]")  # what splits a tags cell (ingest/lines.py) may not be inside one


RELATION_FAILED_PREFIX = f"{RELATION_FAILED}:"


def relation_failed_tag(relation: str) -> str:
    """The tag of a line whose figure failed ``relation`` (text with both figures, Chinese), in the
    NFKC form the line reader keeps (``（`` → ``(``, ``：`` → ``:``)."""
    text = unicodedata.normalize("NFKC", _TAG_BREAKS.sub(" ", relation)).strip()
    return f"{RELATION_FAILED_PREFIX}{text}"


def failed_relations(tags: object) -> list[str]:
    """The failed relations a line's tags name (without the ``勾稽不符:`` prefix)."""
    if not isinstance(tags, str):
        return []
    prefix = RELATION_FAILED_PREFIX
    return [t[len(prefix) :] for t in tags.split(TAG_SEPARATOR) if t.startswith(prefix)]


FUNC_CODE_PATTERN = r"^\d{3}(\d{2}){0,2}$"  # 类 3 / 款 5 / 项 7 digits
ECON_CODE_PATTERN = r"^\d{3}(\d{2})?$"  # 类 3 / 款 5 digits
GOV_ECON_CODE_PATTERN = r"^5\d{2}(\d{2})?$"  # 政府经济分类 类 501–599 / 款 5 digits
MIN_YEAR, MAX_YEAR = 1990, 2100
FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000


def _one_code_present(df: pd.DataFrame) -> pd.Series:
    """A line has a code, or is a figure a table prints instead of lines (e.g. 机关运行经费): a tag."""
    return df[FUNC_CODE].notna() | df[ECON_CODE].notna() | df[GOV_ECON_CODE].notna() | df[TAGS].notna()


def _text(pa: Any, nullable: bool = True, **kwargs: Any) -> Any:
    import pandas as pd

    return pa.Column(pd.StringDtype(), nullable=nullable, coerce=True, **kwargs)


@functools.cache
def schema() -> Any:
    """The pandera schema of the canonical table, built on first use: importing pandera takes about a
    second (it pulls in its pyspark integration when pyspark is installed), and the CLI never needs it."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            DEPARTMENT: _text(pa, nullable=False, checks=pa.Check.str_length(min_value=1)),
            DEPARTMENT_CODE: _text(pa),
            YEAR: pa.Column("int64", checks=pa.Check.in_range(MIN_YEAR, MAX_YEAR), coerce=True),
            STAGE: _text(pa, nullable=False, checks=pa.Check.isin(STAGES)),
            FUNC_CODE: _text(pa, checks=pa.Check.str_matches(FUNC_CODE_PATTERN)),
            ECON_CODE: _text(pa, checks=pa.Check.str_matches(ECON_CODE_PATTERN)),
            ITEM: _text(pa),
            EXPENSE_TYPE: _text(pa, checks=pa.Check.isin(EXPENSE_TYPES)),
            TAGS: _text(pa),
            AMOUNT_FEN: pa.Column("int64", coerce=True),
            SOURCE_FILE: _text(pa),
            SOURCE_SHEET: _text(pa),
            SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
            SOURCE_LAYOUT: _text(pa),
            **{col: _text(pa) for col in YITIHUA_TEXT},
            GOV_ECON_CODE: _text(pa, checks=pa.Check.str_matches(GOV_ECON_CODE_PATTERN)),
        },
        checks=[
            pa.Check(
                _one_code_present,
                error="每行至少需要功能分类或经济分类编码之一（表中另列的数如机关运行经费以标签代替） / "
                "func_code, econ_code or gov_econ_code required (a printed figure such as 机关运行经费: a tag)",
            )
        ],
        strict=True,
        ordered=False,
        name="canonical_budget_table",
    )


def empty_table() -> pd.DataFrame:
    """A canonical table with no rows and the right dtypes."""
    import pandas as pd

    return conform(pd.DataFrame({c: [] for c in REQUIRED}))


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns, fill the default stage, and cast to canonical dtypes.

    Lets the API take a hand-built DataFrame with only the columns a caller knows about.
    Categorical dtypes keep 10M-line tables small and make per-code classification cheap.
    Text is converted, stripped and sorted on the distinct values only, then mapped back.
    """
    import pandas as pd

    def source(col: str) -> pd.Series:
        return df[col] if col in df.columns else pd.Series(pd.NA, index=df.index, dtype=object)

    out: dict[str, pd.Series] = {}
    for col in (DEPARTMENT, ITEM, SOURCE_FILE, SOURCE_SHEET, SOURCE_LAYOUT):
        if isinstance(source(col).dtype, pd.CategoricalDtype):
            out[col] = source(col).cat.rename_categories(lambda v: str(v))
        else:
            out[col] = _distinct_text(source(col), strip=False)
    for col in (FUNC_CODE, ECON_CODE, TAGS, EXPENSE_TYPE, *YITIHUA_TEXT):
        out[col] = _distinct_text(source(col), strip=True)
    out[DEPARTMENT_CODE] = _distinct_text(source(DEPARTMENT_CODE), strip=True).astype("string")
    out[STAGE] = _distinct_text(source(STAGE), strip=False, fill=DEFAULT_STAGE)
    out[YEAR] = pd.to_numeric(source(YEAR)).astype("int64")
    out[AMOUNT_FEN] = pd.to_numeric(source(AMOUNT_FEN)).astype("int64")
    out[SOURCE_ROW] = pd.to_numeric(source(SOURCE_ROW)).astype("Int64")
    # every column is new: one frame over their arrays, renumbered, without copying them again
    return pd.DataFrame({col: out[col].array for col in COLUMNS}, index=pd.RangeIndex(len(df)), copy=False)


def _distinct_text(series: pd.Series, strip: bool, fill: str | None = None) -> pd.Series:
    """``series`` as text (``astype("string")`` semantics), optionally stripped (blank → missing) and
    with missing values filled, as a categorical of the sorted values that occur.

    The work is done once per distinct value: a 10M-line column with a few thousand codes costs a
    factorize and an array lookup, not 10M string operations.
    """
    import numpy as np
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        values = pd.array([str(v) for v in series.cat.categories], dtype="string")
    else:
        codes, uniques = _factorize(series)
        codes = codes.astype(np.int64)
        values = pd.Series(uniques).astype("string")
    values = pd.Series(values, dtype="string")
    if strip:
        values = values.str.strip().replace("", pd.NA)
    if fill is not None:
        values = values.fillna(fill)
        codes = np.where(codes < 0, len(values), codes)
        values = pd.concat([values, pd.Series([fill], dtype="string")], ignore_index=True)
    used = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
    present = values[used & values.notna().to_numpy()]
    categories = pd.Index(pd.unique(present.to_numpy()), dtype="string").sort_values()
    position = categories.get_indexer(values.fillna("").to_numpy(dtype=object))
    position = np.where(values.isna().to_numpy(), -1, position)
    remap = np.append(position, -1)  # code -1 (missing) stays missing
    return pd.Series(
        pd.Categorical.from_codes(remap[codes], dtype=pd.CategoricalDtype(categories)), index=series.index
    )


def _factorize(series: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize``, with a shortcut for a column that holds one object throughout (a file name, or
    nothing at all): a comparison is half the cost of hashing a million Python objects."""
    import numpy as np
    import pandas as pd

    if series.dtype == object and len(series):
        cells = series.to_numpy()
        first = cells[0]
        try:
            if isinstance(first, str) and bool((cells == first).all()):
                return np.zeros(len(cells), dtype=np.intp), np.array([first], dtype=object)
        except (TypeError, ValueError):  # a pd.NA or an odd object among the cells: hash them
            return pd.factorize(series, use_na_sentinel=True)
        missing = first is None or (isinstance(first, float) and first != first)
        if missing and bool(pd.isna(cells).all()):
            return np.full(len(cells), -1, dtype=np.intp), np.array([], dtype=object)
    return pd.factorize(series, use_na_sentinel=True)


def validate(df: pd.DataFrame, lazy: bool = True) -> pd.DataFrame:
    """Check a canonical table with the pandera schema (all failures at once when ``lazy``)."""
    import pandas as pd

    plain = df.copy()
    for col in plain.columns:
        if isinstance(plain[col].dtype, pd.CategoricalDtype):
            plain[col] = plain[col].astype("string")
    schema().validate(plain, lazy=lazy)
    return df


def yuan_to_fen(value: str | int | float | Decimal) -> int:
    """Exact 元 → 分, half-up at the cent (what a clerk means by 1234.565 is 1234.57)."""
    return int((Decimal(str(value)) * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_wan(fen: pd.Series | int | np.integer) -> pd.Series | float:
    """For display only (万元)."""
    return fen / FEN_PER_WAN


def format_wan(fen: int) -> str:
    """Exact 万元 text with two decimals, from integer fen (no float rounding)."""
    value = (Decimal(int(fen)) / FEN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


FEN_PER_HUNDREDTH_WAN = 10_000  # 0.01 万元, the last digit format_wan shows


def format_wan_array(fen: np.ndarray | pd.Series | list[int]) -> list[str]:
    """``format_wan`` for a whole column of integer fen at once (same text, one Python call per
    distinct value instead of a Decimal per cell): half up, away from zero, at 0.01 万元, and a
    minus sign on every negative amount, also one that shows as ``-0.00``."""
    import numpy as np
    import pandas as pd

    values = np.asarray(fen, dtype=np.int64)
    if values.size == 0:
        return []
    codes, distinct = pd.factorize(values, sort=False)
    distinct = np.asarray(distinct, dtype=np.int64)
    hundredths = (np.abs(distinct) + FEN_PER_HUNDREDTH_WAN // 2) // FEN_PER_HUNDREDTH_WAN
    texts = [
        f"{'-' if negative else ''}{whole:,}.{cents:02d}"
        for negative, whole, cents in zip(
            (distinct < 0).tolist(), (hundredths // 100).tolist(), (hundredths % 100).tolist(), strict=True
        )
    ]
    return np.array(texts, dtype=object)[codes].tolist()


def format_yuan(fen: int) -> str:
    value = Decimal(int(fen)) / FEN_PER_YUAN
    return f"{value:,.2f}"
