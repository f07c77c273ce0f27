"""A generated canonical table that exercises every selector kind, for the engine equivalence tests
and the DuckDB / Spark benchmark stages (written to Parquet in chunks, so 100M lines never sit in memory).

Codes, tags (with spaces around ';'), item keywords, expense types, 政府经济分类, 热点分类 with a
全角 space, 项目类别, several stages, layouts and source sheets, missing codes and negative amounts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from budget_guard.model.table import (
    AMOUNT_FEN,
    COLUMNS,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    HOT_TOPIC,
    ITEM,
    PROJECT_CATEGORY,
    SOURCE_FILE,
    SOURCE_LAYOUT,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    TAGS,
    YEAR,
)

POOLS: dict[str, list] = {
    FUNC_CODE: ["2010101", "2010301", "2010601", "2050201", "2050202", "2080505", "2011308", "2150801"]
    + ["2210201", "2100201", "201", "20106", "2120101", "2010650", "2200150", None],
    ECON_CODE: ["30201", "30217", "30212", "30231", "31013", "31002", "30101", "31204", "312", "30299"]
    + ["30213", "30211", "31101", None],
    GOV_ECON_CODE: [None, None, None, "50201", "50206", "50207", "50208", "50303", "50501", "507"],
    ITEM: [
        "办公费",
        "招商推介活动",
        "深化改革试点",
        "住房改革支出",
        "日常运转",
        "惠企补贴",
        "教师培训",
        None,
    ],
    EXPENSE_TYPE: ["基本支出", "基本支出", "项目支出", None],
    TAGS: [None, None, None, "深化改革", " 招商引资 ;有利企业", "改善民生; 其他", "其他", "有利企业"],
    HOT_TOPIC: [
        None,
        None,
        "0301\u3000优化营商环境",
        "0101 深化改革",
        "0201 招商引资",
        "0402 民生实事",
        "9999",
    ],
    PROJECT_CATEGORY: [None, None, "特定目标类", "运转类", "人员类"],
    SOURCE_LAYOUT: ["long", "long", "published", "yitihua", None],
    STAGE: ["budget", "budget", "budget", "budget", "final", "adjusted"],
}
YEARS = (2022, 2023, 2024, 2025)
# Data tags of every match kind, on two columns, for the rules the tests and stages use.
DATA_TAGS = [
    {"tag": "有利企业", "column": "hot_topic", "codes": ["0301"]},
    {"tag": "深化改革", "column": "project_category", "prefixes": ["特定"]},
    {"tag": "改善民生", "column": "hot_topic", "keywords": ["民生"]},
]


def scale_lines(n: int, seed: int = 11, departments: int = 120, offset: int = 0) -> pd.DataFrame:
    """``n`` canonical lines (plain text columns, integer 分), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for column, pool in POOLS.items():
        values = np.asarray(pool, dtype=object)
        out[column] = values[rng.integers(0, len(values), n)]
    dept = rng.integers(0, departments, n)
    out[DEPARTMENT] = np.asarray([f"部门{d:04d}" for d in range(departments)], dtype=object)[dept]
    out[YEAR] = np.asarray(YEARS, dtype=np.int64)[rng.integers(0, len(YEARS), n)]
    # A department's yearly trend, so some categories rise and others fall (findings of every level).
    trend = rng.normal(0, 0.2, departments)[dept] * (out[YEAR] - YEARS[0])
    out[AMOUNT_FEN] = (rng.integers(1, 5_000_000, n) * np.exp(trend)).astype(np.int64)
    negative = rng.random(n) < 0.01
    out[AMOUNT_FEN][negative] = -out[AMOUNT_FEN][negative] // 10
    out[SOURCE_FILE] = np.asarray([f"表{k}.xlsx" for k in range(8)], dtype=object)[rng.integers(0, 8, n)]
    out[SOURCE_SHEET] = np.asarray(["预算", "决算", None], dtype=object)[rng.integers(0, 3, n)]
    rows = (offset + np.arange(n)) % 50_000 + 2
    out[SOURCE_ROW] = pd.array(np.where(rng.random(n) < 0.02, -1, rows), dtype="Int64")
    out[SOURCE_ROW][out[SOURCE_ROW] == -1] = pd.NA
    frame = pd.DataFrame(out)
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame.loc[frame[FUNC_CODE].isna() & frame[ECON_CODE].isna(), ECON_CODE] = "30201"
    return frame[list(COLUMNS)]


_SCHEMA = pa.schema(
    [(c, pa.int64() if c in (YEAR, AMOUNT_FEN, SOURCE_ROW) else pa.string()) for c in COLUMNS]
)


def write_scale_parquet(path: str | Path, n: int, chunk: int = 2_000_000, seed: int = 11) -> Path:
    """``n`` generated lines as one Parquet file, written chunk by chunk (bounded memory)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, _SCHEMA, compression="zstd") as writer:
        done = 0
        while done < n:
            size = min(chunk, n - done)
            frame = scale_lines(size, seed=seed + done, offset=done)
            writer.write_table(pa.Table.from_pandas(frame, schema=_SCHEMA, preserve_index=False))
            done += size
    return path
