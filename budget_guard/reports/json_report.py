"""The JSON report: everything one run found, in a stable documented shape other systems ingest.

The schema is described in docs/cli.md and versioned by ``SCHEMA_VERSION``: a consumer checks the
major number; new keys may appear within a major version (ignore unknown keys). Money is integer
分 in every ``*_fen`` key with an exact 万元 string next to it in the matching ``*_wan`` key;
NaN, NA and missing values are ``null``; no float is ever NaN or infinite in the output.
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from budget_guard.engine.evaluate import Evaluation
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.table import format_wan
from budget_guard.outputs.files import atomic_write_text
from budget_guard.reports.execution import baseline_text
from budget_guard.reports.execution import json_section as execution_json
from budget_guard.reports.expectations import GeOutcome
from budget_guard.reports.unclassified import UnclassifiedOutput, unclassified_output
from budget_guard.reports.views import MATRIX_FINDINGS, MATRIX_LEVEL, MATRIX_STATE, compliance_matrix
from budget_guard.runs.outcome import run_outcome, unreadable_files

# 2.0: ``unclassified.rows`` (every unclassified line) became ``unclassified.summary`` and
# ``unclassified.files`` (the full list beside the report), so the report's size follows the
# findings and summaries, not the input lines.
SCHEMA_VERSION = "2.0"
FEN_SUFFIX = "_fen"
WAN_SUFFIX = "_wan"


def _python_values(series: pd.Series) -> list[Any]:
    """Column values as JSON-ready Python scalars, with every kind of missing value as None."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return [bool(v) for v in series.to_numpy()]
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
        return series.to_numpy().tolist()
    if pd.api.types.is_float_dtype(dtype):
        return [None if not math.isfinite(v) else v for v in series.to_numpy(dtype=float).tolist()]
    values = series.astype(object).to_numpy()
    out: list[Any] = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NaT:
            out.append(None)
        elif isinstance(v, np.generic):
            item = v.item()
            out.append(None if isinstance(item, float) and not math.isfinite(item) else item)
        else:
            out.append(v)
    return out


def _fen_values(series: pd.Series) -> list[int | None]:
    """Money columns may arrive as float (after a concat with missing rows); they are whole 分."""
    numbers = pd.to_numeric(series.astype(object), errors="coerce").to_numpy(dtype=float)
    return [None if not math.isfinite(v) else int(round(v)) for v in numbers]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame → list of JSON-ready dicts; every ``x_fen`` column gets an ``x_wan`` string next to it."""
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        key = str(name)
        if key.endswith(FEN_SUFFIX):
            fen = _fen_values(frame[name])
            columns[key] = fen
            columns[key[: -len(FEN_SUFFIX)] + WAN_SUFFIX] = [
                None if v is None else format_wan(v) for v in fen
            ]
        else:
            columns[key] = _python_values(frame[name])
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)] if keys else []


def _version() -> str:
    from budget_guard import __version__  # at call time: the package imports this module while initialising

    return __version__


def _money(fen: int) -> dict[str, Any]:
    return {"amount_fen": int(fen), "amount_wan": format_wan(int(fen))}


def _rules_section(evaluation: Evaluation) -> dict[str, Any]:
    rules = evaluation.rules
    return {
        "version": rules.version,
        "title": {"zh": rules.title.zh, "en": rules.title.en},
        "source_path": rules.source_path,
        "sha256": rules.sha256,
        "categories": [
            {
                "id": c.id,
                "group": c.group,
                "direction": rules.direction_of(c).value,
                "name": {"zh": c.name.zh, "en": c.name.en},
                "target_pct": c.target_pct,
            }
            for c in rules.categories
        ],
    }


def _load_section(load: LoadResult) -> dict[str, Any]:
    files = []
    for f in load.files:
        record = dataclasses.asdict(f)
        for sheet, report in zip(record["sheets"], f.sheets, strict=True):
            sheet["accounted"] = report.accounted
            sheet["amount_wan"] = format_wan(report.amount_fen)
        files.append(record)
    return {
        "totals": load.totals(),
        "all_rows_accounted": load.all_rows_accounted,
        "files": files,
        "problems": [p.as_record() for p in load.problems],
        "rejected": frame_records(load.rejected),
        # per department-year-stage read from two or more tables: each table's kind and use, the department
        # total and the table giving it, the 表间勾稽 relations checked (ingest/settle/published_set.py)
        "published_sets": [s.as_record() for s in getattr(load, "published_sets", [])],
    }


def build_report(
    evaluation: Evaluation,
    load: LoadResult,
    *,
    ge: GeOutcome | None = None,
    reports: dict[str, str] | None = None,
    generated_at: datetime | None = None,
    unclassified: UnclassifiedOutput | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (see docs/cli.md, "JSON report")."""
    unclassified = unclassified or unclassified_output(evaluation)
    counts = evaluation.level_counts()
    failed = {f.name for f in unreadable_files(load)}
    return {
        "outcome": {
            **run_outcome(evaluation, load).as_record(),
            "whatif": [{"zh": zh, "en": en} for zh, en in evaluation.whatif],
            "state_counts": evaluation.state_counts(),
            "worst_level": evaluation.worst_level(),
            "level_counts": counts,
            "findings": int(len(evaluation.findings)),
            "balanced": evaluation.balanced,
            "clean_total": evaluation.clean_total,
            "lines": int(evaluation.line_count),
            "unclassified_lines": unclassified.lines,
        },
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "budget-guard", "version": _version()},
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "stage": evaluation.stage,
        "baseline": {
            "stage": evaluation.baseline_stage,
            "text": {"zh": baseline_text(evaluation, "zh"), "en": baseline_text(evaluation, "en")},
        },
        "rules": _rules_section(evaluation),
        "inputs": [
            {
                "name": f.name,
                "path": f.path,
                "sha256": f.sha256,
                "size": f.size,
                "status": "failed" if f.name in failed else f.status,
            }
            for f in load.files
        ],
        "findings": frame_records(evaluation.findings),
        "summary": frame_records(evaluation.summary),
        "compliance_matrix": [
            {
                "category": cat,
                "year": int(year),
                "state": row[MATRIX_STATE],
                "level": row[MATRIX_LEVEL],
                "findings": int(row[MATRIX_FINDINGS]),
            }
            for (cat, year), row in compliance_matrix(evaluation).iterrows()
        ],
        "unclassified": {
            "lines": unclassified.lines,
            **_money(unclassified.amount_fen),
            "summary": frame_records(_plain(unclassified.summary)),
            "files": dict(unclassified.files),
        },
        "reconciliation": {
            "balanced": evaluation.balanced,
            "clean_total": evaluation.clean_total,
            "text": {"zh": evaluation.reconciliation_text("zh"), "en": evaluation.reconciliation_text("en")},
            "rows": frame_records(evaluation.reconciliation),
            "overlaps": [_overlap_record(o) for o in evaluation.overlaps],
            "double_counted": frame_records(evaluation.double_counted),
        },
        "notes": [
            {"zh": zh, "en": en}
            for zh, en in zip(evaluation.note_texts("zh"), evaluation.note_texts("en"), strict=True)
        ],
        "execution": execution_json(evaluation, frame_records),
        "load": _load_section(load),
        "great_expectations": ge.as_record() if ge is not None else None,
        "reports": dict(reports or {}),
    }


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals → plain objects so values serialise as text, not category codes."""
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def dumps(document: dict[str, Any]) -> str:
    """Strict JSON (``allow_nan=False``): a NaN that slipped through is a bug, not output."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(document: dict[str, Any], path: str | Path) -> Path:
    return atomic_write_text(path, dumps(document))


def _overlap_record(overlap) -> dict[str, Any]:
    """A department-year read by 功能分类 and by 经济分类 (ingest.overlap.ClassificationOverlap)."""
    return {
        "department": overlap.department,
        "year": overlap.year,
        "stage": overlap.stage,
        "func_tables": [{"file": f, "sheet": s or None} for f, s in overlap.func_tables],
        "econ_tables": [{"file": f, "sheet": s or None} for f, s in overlap.econ_tables],
        **{f"func_{k}": v for k, v in _money(overlap.func_fen).items()},
        **{f"econ_{k}": v for k, v in _money(overlap.econ_fen).items()},
        "econ_expense_types": list(overlap.econ_types),
        "total_follows": "func",
    }
