"""The JSON report: everything one run found, in a stable documented shape other systems ingest.

The schema is described in docs/cli.md and versioned by ``SCHEMA_VERSION``: a consumer checks the
major number; new keys may appear within a major version (ignore unknown keys). Money is integer
分 in every ``*_fen`` key with an exact 万元 string next to it in the matching ``*_wan`` key;
NaN, NA and missing values are ``null``; no float is ever NaN or infinite in the output.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine.evaluate import Evaluation
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.table import format_wan, format_wan_array
from budget_guard.outputs.escape import json_safe_bytes
from budget_guard.outputs.files import atomic_write_bytes
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


class _Records(list):
    """Rows from ``frame_records``: every value already JSON-ready (no NaN, no numpy scalar), so
    ``dumps`` does not walk them again."""


def _none_where(values: list[Any], missing: np.ndarray) -> list[Any]:
    for i in np.flatnonzero(missing).tolist():
        values[i] = None
    return values


def _object_array(items: list[Any]) -> np.ndarray:
    """A 1-D object array of ``items`` as they are (tuples and lists stay single values)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _python_value(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        item = v.item()
        return None if isinstance(item, float) and not math.isfinite(item) else item
    return v


def _python_values(series: pd.Series) -> list[Any]:
    """Column values as JSON-ready Python scalars, with every kind of missing value as None.

    By column: numbers and flags through numpy's ``tolist``, categoricals through their few
    categories, text columns with one missing-value mask; only a column of mixed objects is
    converted value by value."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return series.to_numpy(dtype=bool).tolist()
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
        return series.to_numpy().tolist()
    if pd.api.types.is_float_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
        numbers = series.to_numpy(dtype=float)
        return _none_where(numbers.tolist(), ~np.isfinite(numbers))
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _python_values(pd.Series(series.cat.categories, dtype=object))
        return _object_array([*categories, None])[series.cat.codes.to_numpy()].tolist()
    values = series.astype(object).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return _none_where(values.tolist(), pd.isna(values))
    return [_python_value(v) for v in values]


def _fen_values(series: pd.Series) -> tuple[Sequence[int | None], Sequence[str | None]]:
    """A money column as whole 分 and its exact 万元 text, None where missing (money columns may
    arrive as float after a concat with missing rows, or as text)."""
    dtype = series.dtype
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
        fen = series.to_numpy(dtype=np.int64)
        return fen.tolist(), format_wan_array(fen)
    numbers = pd.to_numeric(series.astype(object), errors="coerce").to_numpy(dtype=float)
    missing = ~np.isfinite(numbers)
    fen = np.rint(np.where(missing, 0.0, numbers)).astype(np.int64)  # half to even, as round()
    return _none_where(fen.tolist(), missing), _none_where(format_wan_array(fen), missing)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame → list of JSON-ready dicts; every ``x_fen`` column gets an ``x_wan`` string next to it.

    Converted column by column (a run at a province's shape has hundreds of thousands of summary
    cells): only the final rows are built one by one."""
    columns: dict[str, Sequence[Any]] = {}
    for name in frame.columns:
        key = str(name)
        if key.endswith(FEN_SUFFIX):
            columns[key], columns[key[: -len(FEN_SUFFIX)] + WAN_SUFFIX] = _fen_values(frame[name])
        else:
            columns[key] = _python_values(frame[name])
    keys = list(columns)
    if not keys:
        return _Records()
    return _Records(dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True))


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
            "level_counts": counts,  # kept for readers of 2.0: 达标 cells beside findings by level
            "finding_counts": evaluation.finding_counts(),  # findings by level (red = 督办事项)
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
        "findings": _with_case_policy(evaluation, frame_records(evaluation.findings)),
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
            "relation_failed": frame_records(evaluation.relation_failed),
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


def _refuse_nan(value: Any) -> None:
    """Raise on a NaN or infinite float anywhere outside ``frame_records``' rows (checked there)."""
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    elif isinstance(value, dict):
        for item in value.values():
            _refuse_nan(item)
    elif isinstance(value, list | tuple) and not isinstance(value, _Records):
        for item in value:
            _refuse_nan(item)


def encode(document: dict[str, Any]) -> bytes:
    """Strict JSON as UTF-8 bytes: a NaN that slipped through is a bug, not output (orjson would
    write it as null, so it is refused first). Written by orjson, compact: at a province's shape
    the report has hundreds of thousands of summary rows, which the standard library's encoder
    took seconds to write."""
    _refuse_nan(document)
    # orjson escapes C0 only: DEL, C1 and bidi controls from the data become \uXXXX (outputs/escape.py)
    return json_safe_bytes(
        orjson.dumps(
            document, default=_numpy_scalar, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
        )
    )


def _numpy_scalar(value: Any) -> Any:
    """A numpy scalar as its Python value (the standard encoder took ``np.float64``, a float subclass,
    and orjson does not); anything else is not JSON, as before."""
    if isinstance(value, np.generic):
        item = value.item()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"Out of range float values are not JSON compliant: {item!r}")
        return item
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(document: dict[str, Any]) -> str:
    """The report's JSON text (see ``encode``)."""
    return encode(document).decode("utf-8")


def write_json(document: dict[str, Any], path: str | Path) -> Path:
    return atomic_write_bytes(path, encode(document))


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


def _with_case_policy(evaluation: Evaluation, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``case_policy``: whether the rules open a case for it, and if not why (zh, en)."""
    if evaluation.rules.supervision is None:
        return records
    from budget_guard.cases.policy import case_policy

    policy = {lang: case_policy(evaluation, lang) for lang in ("zh", "en")}
    opens = msg.t("case.policy.opens", "zh")
    for record in records:
        year = record.get("year")
        cell = (
            str(record.get("scope_type")),
            str(record.get("scope")),
            str(record.get("category")),
            -1 if year is None else int(year),
        )
        zh = policy["zh"].get(cell, "")
        record["case_policy"] = {"opens_case": zh == opens, "zh": zh, "en": policy["en"].get(cell, "")}
    return records
