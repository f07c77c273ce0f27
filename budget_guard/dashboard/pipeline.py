"""Uploads → ingest → engine → report files: the same stages and the same writers as the CLI.

Nothing here knows about Streamlit; ``cache.py`` wraps these functions so that a filter change
never re-reads a file or re-evaluates the rules.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from budget_guard.engine.evaluate import Evaluation, evaluate
from budget_guard.ingest import LoadResult, read_budget
from budget_guard.model.rulebook import DEFAULT_RULES_PATH, PACKAGED_RULES_PATH, parse_rules
from budget_guard.reports import write_reports
from budget_guard.samples.city import write_sample

UPLOAD_TYPES: tuple[str, ...] = ("xlsx", "xls", "csv", "pdf")
RULES_TYPES: tuple[str, ...] = ("yaml", "yml")
DOWNLOAD_FORMATS: tuple[str, ...] = ("xlsx", "json")
MIME: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "yaml": "application/x-yaml",
}
SAMPLE_FILE = Path(__file__).resolve().parents[2] / "sample_data" / "xlsx" / "city_budget_2021_2025.xlsx"


@dataclass(frozen=True)
class Upload:
    """One input file as the browser sent it."""

    name: str
    data: bytes


class ReadKwargs(TypedDict, total=False):
    """``read_budget``'s keywords for what the analyst told us (``ReadOptions.as_kwargs``)."""

    department: str
    year: int
    stage: str
    unit: str


@dataclass(frozen=True)
class ReadOptions:
    """What the analyst told us about tables that do not say it themselves (see ``read_budget``)."""

    department: str | None = None
    year: int | None = None
    stage: str | None = None
    unit: str | None = None

    def as_kwargs(self) -> ReadKwargs:
        """The options given (neither None nor empty), as ``read_budget`` keywords."""
        given: ReadKwargs = {}
        if self.department:
            given["department"] = self.department
        if self.year is not None:
            given["year"] = self.year
        if self.stage:
            given["stage"] = self.stage
        if self.unit:
            given["unit"] = self.unit
        return given


def uploads_key(uploads: tuple[Upload, ...]) -> str:
    """A content hash of the uploads (names and bytes), the cache key of the ingest stage."""
    digest = hashlib.sha256()
    for upload in uploads:
        digest.update(upload.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(upload.data).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def sample_uploads() -> tuple[Upload, ...]:
    """The built-in sample city as an upload: the committed workbook, or a freshly written one."""
    if SAMPLE_FILE.exists():
        return (Upload(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes()),)
    with tempfile.TemporaryDirectory() as tmp:
        path = next(p for p in write_sample(tmp) if p.suffix == ".xlsx")
        return (Upload(path.name, path.read_bytes()),)


def default_rules() -> tuple[str, str]:
    """(source name, YAML text) of rules/four_no_decrease.yaml, as the CLI loads it."""
    path = DEFAULT_RULES_PATH if DEFAULT_RULES_PATH.exists() else PACKAGED_RULES_PATH
    return f"rules/{path.name}", path.read_text(encoding="utf-8")


def read_uploads(uploads: tuple[Upload, ...], options: ReadOptions = ReadOptions()) -> LoadResult:
    """The ingest stage on in-memory files (never raises for a user's file: problems are records)."""
    return read_budget([(u.name, u.data) for u in uploads], **options.as_kwargs())


def evaluate_rules_text(
    load: LoadResult, rules_text: str, rules_source: str, stage: str | None
) -> Evaluation:
    """Parse the rules in force (raises ``RulesError``) and run the engine on the loaded table."""
    return evaluate(
        load.table,
        parse_rules(rules_text, source=rules_source),
        stage,
        published_sets=load.published_sets,  # the department totals the reconciliation states first
    )


def report_files(evaluation: Evaluation, load: LoadResult, lang: str) -> dict[str, tuple[str, bytes]]:
    """The 督办单 XLSX and the JSON report, written by ``write_reports`` exactly as the CLI writes them."""
    with tempfile.TemporaryDirectory() as tmp:
        written = write_reports(evaluation, load, tmp, DOWNLOAD_FORMATS, lang)
        return {fmt: (written[fmt].name, written[fmt].read_bytes()) for fmt in DOWNLOAD_FORMATS}
