"""Benchmark inputs: the synthetic province as a canonical Parquet table, a long-template CSV and XLSX.

Files are written once per (size, generator version) into a cache folder and reused by later runs,
so repeated benchmark runs do not pay for writing a 100k-row workbook again.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from budget_guard.model.table import AMOUNT_FEN, SOURCE_FILE, STAGE, YEAR
from budget_guard.samples import city as sample
from budget_guard.samples.city import STAGE_LABELS, TEMPLATE_HEADERS, synthetic_table

N_DEPARTMENTS = 300
SEED = 7


@dataclass(frozen=True)
class Inputs:
    """The files of one size."""

    rows: int
    parquet: Path
    csv: Path | None
    xlsx: Path | None
    departments: int = N_DEPARTMENTS


def parse_size(text: str) -> int:
    """'10k' → 10_000, '1m' → 1_000_000, '2500' → 2500."""
    text = text.strip().lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def size_label(rows: int) -> str:
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


def _generator_version() -> str:
    """Changes whenever the synthetic generator or this module changes, so stale files are not reused."""
    parts = [inspect.getsource(sample), inspect.getsource(template_frame), inspect.getsource(write_xlsx)]
    text = "".join(parts) + f"{N_DEPARTMENTS}/{SEED}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def default_cache_dir() -> Path:
    return Path(os.environ.get("BUDGET_GUARD_BENCH_DATA", Path(tempfile.gettempdir()) / "budget-guard-bench"))


def template_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The canonical table as the long template a finance bureau fills in (Chinese headers, 元)."""
    out = {}
    for column, header in TEMPLATE_HEADERS.items():
        if column == AMOUNT_FEN:
            fen = table[AMOUNT_FEN].to_numpy(dtype=np.int64)
            sign = np.where(fen < 0, "-", "")
            whole = pd.Series(np.abs(fen) // 100).astype(str)
            cents = pd.Series(np.abs(fen) % 100).astype(str).str.zfill(2)
            out[header] = sign + whole + "." + cents
        elif column == STAGE:
            out[header] = table[STAGE].astype(str).map(STAGE_LABELS)
        elif column == YEAR:
            out[header] = table[YEAR].to_numpy()
        else:
            out[header] = table[column].astype(object).where(table[column].notna(), "")
    return pd.DataFrame(out)


def write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """A workbook with a sheet per year, as the sample city's (amounts as numbers in 元)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    frame = template_frame(table)
    amount_header = TEMPLATE_HEADERS[AMOUNT_FEN]
    frame[amount_header] = table[AMOUNT_FEN].to_numpy() / 100
    year_header = TEMPLATE_HEADERS[YEAR]
    for year, part in frame.groupby(year_header, sort=True):
        sheet = book.create_sheet(f"{year}年")
        sheet.append(list(frame.columns))
        for row in part.itertuples(index=False, name=None):
            sheet.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.replace(path)


def shape_label(rows: int, departments: int = N_DEPARTMENTS) -> str:
    """'1m' for the default 300 departments, '1m×7000' for another count (a province's shape)."""
    label = size_label(rows)
    return label if departments == N_DEPARTMENTS else f"{label}×{departments}"


def prepare(
    rows: int,
    cache_dir: Path,
    csv_max_rows: int,
    xlsx_max_rows: int,
    log=print,
    departments: int = N_DEPARTMENTS,
) -> Inputs:
    """Generate (or reuse) the files for ``rows`` lines over ``departments`` departments: Parquet
    always, CSV and XLSX up to their limits."""
    suffix = "" if departments == N_DEPARTMENTS else f"-d{departments}"
    folder = cache_dir / f"{_generator_version()}-{size_label(rows)}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    parquet, csv, xlsx = folder / "lines.parquet", folder / "lines.csv", folder / "lines.xlsx"
    want_csv, want_xlsx = rows <= csv_max_rows, rows <= xlsx_max_rows
    inputs = Inputs(rows, parquet, csv if want_csv else None, xlsx if want_xlsx else None, departments)
    if all(p is None or p.exists() for p in (inputs.parquet, inputs.csv, inputs.xlsx)):
        return inputs
    log(f"  generating {size_label(rows)} lines over {departments} departments into {folder} …")
    table = synthetic_table(rows, n_departments=departments, seed=SEED)
    table[SOURCE_FILE] = pd.Categorical.from_codes(
        np.zeros(len(table), dtype=np.int8), categories=["lines.csv"]
    )
    if not parquet.exists():
        table.to_parquet(folder / "lines.tmp.parquet", index=False)
        (folder / "lines.tmp.parquet").replace(parquet)
    if want_csv and not csv.exists():
        template_frame(table).to_csv(folder / "lines.tmp.csv", index=False, encoding="utf-8-sig")
        (folder / "lines.tmp.csv").replace(csv)
    if want_xlsx and not xlsx.exists():
        write_xlsx(table, xlsx)
    return inputs
