"""Great Expectations: the data contract and the guardrails as expectation suites, run as a checkpoint.

Two suites, both built from code constants and the same rules file the engine uses:

- ``budget_guard.data_contract`` on the *line profile*: one row per distinct department × year ×
  stage × codes × expense type with its line count and its negative, duplicate and missing-amount
  lines. Every distinct value is checked (required values present, code formats, years in range,
  known stages and expense types), at most 1 % negative lines (a warning) and no duplicate lines
  (a warning). GE's pandas backend costs ~20 µs per line and expectation, so validating the lines
  themselves took 19 s at 1M lines; the profile has a few percent of the rows and the same verdicts
  (an unexpected count there counts distinct combinations; ``lines`` says how many lines each is);
- ``budget_guard.guardrails`` on the year-over-year summary: per category and year, the change
  rate lies in the allowed band (压减 categories at or below −target, 只增不减 at or above +target).

GE is slow to import (seconds), so it is imported only inside ``run_expectations``; importing
this module costs nothing. One ephemeral context runs both validations and builds Data Docs once,
with analytics off and everything offline; the docs are built into a temp folder and swapped into
``OUT/data_docs``. GE's verdict is informational: exit codes come from the engine's graded findings.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from budget_guard.engine.compare import CATEGORY, CHANGE_RATE, PREV_AMOUNT_FEN, SCOPE, SCOPE_TYPE
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.grade import COMPLIANT, REASON, SHORTFALL, WRONG_DIRECTION
from budget_guard.engine.profile import DUPLICATE_LINES, MISSING_AMOUNTS, NEGATIVE_LINES, PROFILE_KEYS
from budget_guard.extras import require
from budget_guard.model.rulebook import Direction, Rules
from budget_guard.model.table import (
    AMOUNT_FEN,
    ECON_CODE,
    ECON_CODE_PATTERN,
    EXPENSE_TYPE,
    EXPENSE_TYPES,
    FUNC_CODE,
    FUNC_CODE_PATTERN,
    MAX_YEAR,
    MIN_YEAR,
    REQUIRED,
    STAGE,
    STAGES,
    YEAR,
)
from budget_guard.outputs.escape import html_text
from budget_guard.outputs.files import replace_dir, temp_dir_for

CONTRACT_SUITE = "budget_guard.data_contract"
GUARDRAIL_SUITE = "budget_guard.guardrails"
DATA_DOCS_DIR = "data_docs"
DATA_DOCS_SITE = "budget_guard"
NEGATIVE_AMOUNTS_MOSTLY = 0.99  # at most 1 % of the lines may be negative (红字冲销), as a warning
# The guardrail batch: few columns, because GE's pandas row conditions cost grows with the width.
GUARDRAIL_COLUMNS: tuple[str, ...] = (
    SCOPE_TYPE,
    SCOPE,
    CATEGORY,
    YEAR,
    PREV_AMOUNT_FEN,
    AMOUNT_FEN,
    CHANGE_RATE,
)
# Summary rows the engine actually compared year over year (the others are graded by other rules).
COMPARED_REASONS: tuple[str, ...] = (COMPLIANT, SHORTFALL, WRONG_DIRECTION)
_STAT_KEYS = ("evaluated_expectations", "successful_expectations", "unsuccessful_expectations")


@dataclass(frozen=True)
class SuiteOutcome:
    """One suite's verdict and the expectations that failed (with severity and counts)."""

    name: str
    success: bool
    statistics: dict[str, Any]
    failed: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class GeOutcome:
    """What the JSON report links: GE's success flag, statistics and the Data Docs index."""

    success: bool
    statistics: dict[str, Any]
    suites: tuple[SuiteOutcome, ...] = field(default=())
    data_docs_index: str | None = None
    gx_version: str | None = None

    @property
    def critical_failures(self) -> int:
        return sum(f.get("severity") == "critical" for s in self.suites for f in s.failed)

    def as_record(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "critical_failures": self.critical_failures,
            "statistics": dict(self.statistics),
            "suites": [
                {
                    "name": s.name,
                    "success": s.success,
                    "statistics": dict(s.statistics),
                    "failed": list(s.failed),
                }
                for s in self.suites
            ],
            "data_docs_index": self.data_docs_index,
            "gx_version": self.gx_version,
        }


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """GE's pandas backend wants plain objects: categoricals and pd.NA become str / None.

    GE writes unexpected values into the Data Docs HTML unescaped, so text is HTML-escaped here
    (``html_text``): a valid code, stage or year has no character it changes, so no verdict moves.
    """
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
            values = out[col].astype(object)
            values = values.map(lambda v: html_text(v) if isinstance(v, str) else v)
            out[col] = values.where(values.notna(), None)
        elif pd.api.types.is_extension_array_dtype(dtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def contract_frame(evaluation: Evaluation) -> pd.DataFrame:
    """The line profile the contract suite validates (``engine/profile.py``), computed by the engine
    that has the lines: pandas in memory, SQL on DuckDB / Spark."""
    return _plain(evaluation.line_profile())


def guardrail_frame(evaluation: Evaluation) -> pd.DataFrame:
    """The year-over-year summary rows the engine compared (the guardrail suite's batch)."""
    summary = evaluation.summary
    compared = summary.loc[summary[REASON].isin(COMPARED_REASONS), list(GUARDRAIL_COLUMNS)]
    return _plain(compared.reset_index(drop=True))


def contract_expectations(gxe: Any, lines: int) -> list[Any]:
    """The data contract of the canonical table (table.py) as GE expectations on the line profile."""
    expectations: list[Any] = [gxe.ExpectColumnToExist(column=c) for c in PROFILE_KEYS]
    expectations += [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in REQUIRED if c in PROFILE_KEYS]
    expectations += [
        gxe.ExpectColumnValuesToBeBetween(
            column=MISSING_AMOUNTS,
            min_value=0,
            max_value=0,
            description="每行都应有金额 / every line has an amount",
        ),
        gxe.ExpectColumnValuesToMatchRegex(column=FUNC_CODE, regex=FUNC_CODE_PATTERN),
        gxe.ExpectColumnValuesToMatchRegex(column=ECON_CODE, regex=ECON_CODE_PATTERN),
        gxe.ExpectColumnValuesToBeBetween(column=YEAR, min_value=MIN_YEAR, max_value=MAX_YEAR),
        gxe.ExpectColumnValuesToBeInSet(column=STAGE, value_set=list(STAGES)),
        gxe.ExpectColumnValuesToBeInSet(column=EXPENSE_TYPE, value_set=list(EXPENSE_TYPES)),
        gxe.ExpectColumnSumToBeBetween(
            column=NEGATIVE_LINES,
            min_value=0,
            max_value=int(lines * (1 - NEGATIVE_AMOUNTS_MOSTLY)),
            severity="warning",
            description="金额应为非负；少量负数（红字冲销，至多1%的行）只作警告 / "
            "amounts non-negative, a few corrections (at most 1 % of the lines) allowed",
        ),
        gxe.ExpectColumnSumToBeBetween(
            column=DUPLICATE_LINES,
            min_value=0,
            max_value=0,
            severity="warning",
            description="同一部门、年度、口径、编码、名称、金额的行不应重复 / no duplicate lines",
        ),
    ]
    return expectations


def guardrail_expectations(gxe: Any, rules: Rules, years: list[int]) -> list[Any]:
    """One expectation per category and compared year: the change rate within the allowed band."""
    expectations = []
    for category in rules.categories:
        bound = category.target_pct / 100
        decrease = rules.direction_of(category) is Direction.decrease
        for year in years:
            expectations.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=CHANGE_RATE,
                    max_value=-bound if decrease else None,
                    min_value=None if decrease else bound,
                    row_condition=f'{CATEGORY}=="{category.id}" & {YEAR}=={int(year)}',
                    condition_parser="pandas",
                    # GE writes descriptions into the Data Docs HTML as they are: rules text is escaped here
                    description=html_text(
                        f"{category.name.zh} {year}: 增减率{'≤ -' if decrease else '≥ '}{category.target_pct:g}% / "
                        f"{category.name.en} {year}: change rate {'≤ -' if decrease else '≥ '}{category.target_pct:g}%"
                    ),
                    meta={"category": category.id, "year": int(year), "group": category.group},
                )
            )
    return expectations


def _quiet_gx() -> Any:
    """Import GE lazily, with analytics off and its logging kept out of our stderr.

    GE validates pandas frames here. Its import also loads pyspark when that is installed (for its
    Spark datasources; ~0.5 s, with scipy and pyspark.ml): unless a Spark run already loaded it,
    pyspark is hidden while GE is imported, so GE records it as absent; it stays importable after.
    """
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if "great_expectations" in sys.modules or "pyspark" in sys.modules:
        return require("great_expectations", "ge")
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # "import pyspark" raises ImportError
    try:
        gx = require("great_expectations", "ge")
    finally:
        if sys.modules.get("pyspark", 0) is None:
            del sys.modules["pyspark"]
    return gx


def _context(gx: Any, docs_dir: Path) -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            DATA_DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _failed(result: Any) -> list[dict[str, Any]]:
    out = []
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        severity = getattr(config, "severity", None)
        out.append(
            {
                "type": config.type,
                "column": kwargs.get("column"),
                "kwargs": _jsonable(kwargs),
                "severity": getattr(severity, "value", severity) or "critical",
                "unexpected_count": (r.result or {}).get("unexpected_count"),
                "unexpected_percent": _finite((r.result or {}).get("unexpected_percent")),
                "meta": _jsonable(dict(config.meta or {})),
            }
        )
    return out


def _finite(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _finite(value)
    return str(value)


def run_expectations(evaluation: Evaluation, out_dir: str | Path) -> GeOutcome:
    """Run both suites as one checkpoint and build Data Docs into ``out_dir/data_docs``."""
    gx = _quiet_gx()
    import great_expectations.expectations as gxe

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / DATA_DOCS_DIR
    build_dir = temp_dir_for(target)
    context = _context(gx, build_dir)
    source = context.data_sources.add_pandas("budget_guard")

    contract_df = contract_frame(evaluation)
    guard_df = guardrail_frame(evaluation)
    years = sorted(int(y) for y in guard_df[YEAR].unique()) if len(guard_df) else []
    batches = {
        CONTRACT_SUITE: ("line_profile", contract_df, contract_expectations(gxe, evaluation.line_count)),
        GUARDRAIL_SUITE: ("summary", guard_df, guardrail_expectations(gxe, evaluation.rules, years)),
    }
    suites = []
    for suite_name, (asset_name, frame, expectations) in batches.items():
        # Each suite validates its own dataframe (a dataframe asset takes one dataframe per run), so
        # each runs as a validation definition; the results land in the one Data Docs site built below.
        batch_definition = source.add_dataframe_asset(asset_name).add_batch_definition_whole_dataframe(
            asset_name
        )
        suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
        )
        run_result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        stats = {k: int(run_result.statistics.get(k, 0)) for k in _STAT_KEYS}
        suites.append(SuiteOutcome(suite_name, bool(run_result.success), stats, tuple(_failed(run_result))))

    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    replace_dir(build_dir, target)
    totals = {k: sum(s.statistics[k] for s in suites) for k in _STAT_KEYS}
    evaluated = totals["evaluated_expectations"]
    totals["success_percent"] = (
        round(100 * totals["successful_expectations"] / evaluated, 2) if evaluated else 100.0
    )
    return GeOutcome(
        success=all(s.success for s in suites),
        statistics=totals,
        suites=tuple(suites),
        data_docs_index=f"{DATA_DOCS_DIR}/index.html",
        gx_version=gx.__version__,
    )


__all__ = ["GeOutcome", "SuiteOutcome", "run_expectations", "CONTRACT_SUITE", "GUARDRAIL_SUITE"]
