"""Reports: JSON (for machines), XLSX 督办单 (for clerks), HTML / Markdown (for e-mail and wikis), GE Data Docs.

``write_reports`` is the one entry point the CLI, the batch runner and the app use. Every file is
written atomically; the JSON report is written last and lists the others, so its presence means
the set is complete. Great Expectations runs only when ``"ge"`` is among the formats, because
importing it takes seconds. The reports carry a summary of the unclassified lines; the full list
is written once beside them (CSV with the 督办单/HTML/Markdown, Parquet with the JSON report).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budget_guard.errors import BudgetGuardError

if TYPE_CHECKING:
    from budget_guard.engine.evaluate import Evaluation
    from budget_guard.ingest.load_result import LoadResult
    from budget_guard.reports.expectations import GeOutcome
    from budget_guard.reports.json_report import SCHEMA_VERSION, build_report

# The writers (pandas, openpyxl, orjson …) are imported when reports are written: the CLI's option
# defaults come from here, and ``budget-guard --help`` should not pay for the writers.
_LAZY: dict[str, str] = {
    "GeOutcome": "budget_guard.reports.expectations",
    "SCHEMA_VERSION": "budget_guard.reports.json_report",
    "build_report": "budget_guard.reports.json_report",
}

FORMATS: tuple[str, ...] = ("json", "xlsx", "html", "md", "ge")
DEFAULT_FORMATS: tuple[str, ...] = ("json", "xlsx", "html", "md")
SUFFIXES: dict[str, str] = {"json": ".json", "xlsx": ".xlsx", "html": ".html", "md": ".md"}
DEFAULT_STEM = "budget-guard-report"


def chosen_formats(text: str | Iterable[str], allowed: Sequence[str], key: str) -> list[str]:
    """'json,xlsx' → ['json', 'xlsx']; an unknown or empty choice is the user error ``error.<key>``
    naming the valid ones (report formats, 督办单 formats, 整改通知书 formats alike)."""
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = [i.strip().lower() for i in items if i.strip()]
    unknown = [w for w in wanted if w not in allowed]
    if unknown or not wanted:
        raise BudgetGuardError.from_key(key, unknown=", ".join(unknown) or "—", choices=", ".join(allowed))
    return wanted


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """'json,xlsx' → ('json', 'xlsx') in the writers' order."""
    wanted = chosen_formats(text, FORMATS, "output.report_formats")
    return tuple(f for f in FORMATS if f in wanted)


def write_reports(
    evaluation: Evaluation,
    load: LoadResult,
    out_dir: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    lang: str = "zh",
    *,
    stem: str = DEFAULT_STEM,
    generated_at: datetime | None = None,
) -> dict[str, Path]:
    """Write the requested reports into ``out_dir``; returns format → path (``data_docs`` → index.html).

    ``formats`` is any of json, xlsx, html, md, ge. File names are ``<stem>.<suffix>`` with the
    stem sanitised, so a department name can be used as a stem safely.
    """
    from budget_guard.outputs.files import safe_filename
    from budget_guard.reports.expectations import DATA_DOCS_DIR, run_expectations
    from budget_guard.reports.html_report import write_html, write_markdown
    from budget_guard.reports.json_report import build_report, write_json
    from budget_guard.reports.unclassified import (
        CSV_SUFFIX,
        PARQUET_SUFFIX,
        unclassified_output,
        write_unclassified_csv,
        write_unclassified_parquet,
    )
    from budget_guard.reports.xlsx_report import write_xlsx

    wanted = parse_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(stem, default=DEFAULT_STEM)
    when = generated_at or datetime.now(UTC)
    written: dict[str, Path] = {}
    ge: GeOutcome | None = None
    if "ge" in wanted:
        ge = run_expectations(evaluation, out)
        written["data_docs"] = out / DATA_DOCS_DIR / "index.html"
    paths = {fmt: out / f"{stem}{SUFFIXES[fmt]}" for fmt in wanted if fmt in SUFFIXES}
    # The full unclassified list is named now (the reports point to it) and written after the
    # XLSX/HTML/Markdown, before the JSON report that lists every file of the set.
    sidecars: dict[str, Path] = {}
    if paths.keys() & {"xlsx", "html", "md"}:
        sidecars["csv"] = out / f"{stem}{CSV_SUFFIX}"
    if "json" in paths:
        sidecars["parquet"] = out / f"{stem}{PARQUET_SUFFIX}"
    unclassified = unclassified_output(evaluation, {k: p.name for k, p in sidecars.items()})
    if "xlsx" in paths:
        written["xlsx"] = write_xlsx(
            evaluation, load, paths["xlsx"], lang, ge=ge, generated_at=when, unclassified=unclassified
        )
    if "html" in paths:
        written["html"] = write_html(
            evaluation, load, paths["html"], lang, ge=ge, generated_at=when, unclassified=unclassified
        )
    if "md" in paths:
        written["md"] = write_markdown(
            evaluation, load, paths["md"], lang, ge=ge, generated_at=when, unclassified=unclassified
        )
    if "csv" in sidecars:
        written["unclassified_csv"] = write_unclassified_csv(evaluation, sidecars["csv"], lang)
    if "parquet" in sidecars:
        written["unclassified_parquet"] = write_unclassified_parquet(evaluation, sidecars["parquet"])
    if "json" in paths:
        siblings = {fmt: path.relative_to(out).as_posix() for fmt, path in written.items()}
        document = build_report(
            evaluation, load, reports=siblings, ge=ge, generated_at=when, unclassified=unclassified
        )
        written["json"] = write_json(document, paths["json"])
    return written


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'budget_guard.reports' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "SCHEMA_VERSION",
    "GeOutcome",
    "build_report",
    "parse_formats",
    "write_reports",
]
