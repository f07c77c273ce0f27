"""The data contract on Spark: ``table.schema()`` (the one pandera schema) run by pandera's pyspark backend.

The pyspark schema is *derived* from the pandas one — same columns, nullability and built-in
checks with the same statistics — so the contract is written once, in ``table.py``. pandera's
pyspark backend answers per check with pass/fail only (one Spark job each, ``limit(1)`` on the
failing rows); for a failed check the first failing line is then fetched with the same condition
to say where it is and what value it holds.

What cannot run there: the schema's dataframe-wide checks are pandas functions (``table.py``'s
"a code or a tag on every line"); pandera's pyspark backend runs only checks written for it, so
they are skipped on Spark (docs/engines.md says so).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from budget_guard import messages as msg
from budget_guard.engine.backends.spark_errors import column_label
from budget_guard.errors import InputError, Place
from budget_guard.model.table import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, schema

# pandera's built-in checks the pyspark backend has, and the condition that finds a failing line
# (the complement of what the check accepts; NULL passes every one of them, as in pandera).
_FAILING = {
    "str_length": lambda F, c, s: F.length(F.col(c)) < s["min_value"],
    "in_range": lambda F, c, s: ~F.col(c).between(s["min_value"], s["max_value"]),
    "isin": lambda F, c, s: ~F.col(c).isin(list(s["allowed_values"])),
    "str_matches": lambda F, c, s: ~F.col(c).rlike(s["pattern"]),
}
NOT_NULLABLE = "not_nullable"


@dataclass(frozen=True)
class Failure:
    """One failed part of the contract: the column, the check, and its first failing line."""

    column: str
    check: str  # a key of _FAILING, or NOT_NULLABLE / dtype / another pandera check name
    statistics: dict[str, Any]
    count: int = 0
    value: str | None = None
    place: Place | None = None


def _spark_type(dtype: object) -> Any:
    """The Spark type of a canonical column (the canonical select casts to BIGINT or STRING)."""
    from pyspark.sql import types as T

    name = str(dtype).lower()
    if name in ("int64", "int32"):
        return T.LongType()
    if name.startswith("string"):
        return T.StringType()
    raise TypeError(f"no Spark type for the canonical dtype {dtype!r} (add it to spark_contract)")


@functools.cache
def _import_pandera_pyspark() -> Any:
    """``pandera.pyspark``, without letting pyspark end the process.

    pandera imports ``pyspark.sql.connect`` (on import and again when it validates); when Spark
    Connect's ``grpc`` is not installed and the main module has no file (``python -c``, some
    embedded interpreters and schedulers), pyspark takes that for its own doctest run and calls
    ``sys.exit(0)``: the check would stop silently with exit 0 and no report. Without ``grpc`` the
    import fails with ImportError anyway in every other case, so the module is marked absent for the
    process (``sys.modules[…] = None`` makes every import of it an ImportError, which pandera and
    pyspark handle: classic Spark, as in any environment without Spark Connect).
    """
    import importlib
    import importlib.util
    import sys

    connect = "pyspark.sql.connect"
    if importlib.util.find_spec("grpc") is None and connect not in sys.modules:
        # None in sys.modules makes the import fail (documented Python); typeshed types the values as modules
        sys.modules[connect] = None  # type: ignore[assignment]
    return importlib.import_module("pandera.pyspark")


@functools.cache
def spark_schema() -> Any:
    """``table.schema()`` as a ``pandera.pyspark.DataFrameSchema`` (columns, nullability, checks)."""
    psa = _import_pandera_pyspark()

    source = schema()
    columns = {}
    for name, column in source.columns.items():
        checks = [getattr(psa.Check, c.name)(**c.statistics) for c in column.checks]
        columns[name] = psa.Column(_spark_type(column.dtype), nullable=column.nullable, checks=checks)
    return psa.DataFrameSchema(columns, strict=source.strict, name=source.name)


def skipped_checks() -> list[str]:
    """The schema's checks pandera's pyspark backend cannot run (dataframe-wide pandas functions)."""
    return [c.name for c in schema().checks]


def contract_failures(frame: Any) -> list[Failure]:
    """Validate the canonical lines; every failure with its first failing line (none: [])."""
    from pandera.config import ValidationDepth, config_context

    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        checked = spark_schema().validate(frame, lazy=True)
    errors = dict(checked.pandera.errors or {})
    columns = schema().columns
    failures = []
    for per_kind in errors.values():
        for items in dict(per_kind).values():
            for item in items:
                column = str(item.get("column") or "")
                name = str(item.get("check") or "").split("(")[0]
                stats: dict[str, Any] = {}
                if column in columns:
                    stats = next((c.statistics for c in columns[column].checks if c.name == name), {})
                failures.append(_first_failing(frame, Failure(column, name, stats)))
    return failures


def _first_failing(frame: Any, failure: Failure) -> Failure:
    from pyspark.sql import functions as F

    if failure.check == NOT_NULLABLE:
        condition = F.col(failure.column).isNull()
    elif failure.check in _FAILING and failure.statistics:
        condition = _FAILING[failure.check](F, failure.column, failure.statistics)
    else:
        return failure
    bad = frame.where(condition)
    first = bad.select(failure.column, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW).limit(1).collect()
    if not first:
        return failure
    row = first[0]
    place = Place(
        file=row[SOURCE_FILE] or None,
        sheet=row[SOURCE_SHEET] or None,
        row=int(row[SOURCE_ROW]) if row[SOURCE_ROW] is not None else None,
    )
    value = None if row[failure.column] is None else str(row[failure.column])
    return Failure(failure.column, failure.check, failure.statistics, bad.count(), value, place)


def problem_text(failure: Failure, lang: str) -> str:
    """What the contract asks of the column, in the reader's language."""
    label = column_label(failure.column, lang) if lang == "zh" else failure.column
    stats = failure.statistics
    if failure.check == NOT_NULLABLE:
        return msg.t("spark.check.not_nullable", lang, column=label)
    if failure.check == "isin":
        allowed = [
            msg.t(f"stage.{v}", lang) if msg.has(f"stage.{v}") and lang == "zh" else str(v)
            for v in stats.get("allowed_values", ())
        ]
        return msg.t("spark.check.isin", lang, column=label, allowed=_joined(allowed, lang))
    if failure.check in ("str_length", "in_range", "str_matches") and stats:
        return msg.t(f"spark.check.{failure.check}", lang, column=label, **stats)
    if failure.check.startswith("dtype"):
        return msg.t("spark.check.dtype", lang, column=label, detail=failure.check)
    return msg.t("spark.check.column", lang, column=label, detail=failure.check)


def _joined(words: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(words)


def contract_error(failures: list[Failure], where: str) -> InputError:
    """The failures as one located line: the first with its place and value, then how many more."""
    first = failures[0]
    texts = {}
    for lang in msg.LANGS:
        values = {"problem": problem_text(first, lang), "count": first.count, "value": first.value}
        key = "spark.contract.failed" if first.value is not None else "spark.contract.failed_null"
        text = msg.t(key, lang, **values)
        if len(failures) > 1:
            rest = [column_label(f.column, lang) if lang == "zh" else f.column for f in failures[1:]]
            text += msg.t("spark.contract.more", lang, count=len(rest), columns=_joined(rest, lang))
        texts[lang] = text
    place = first.place if first.place is not None and first.place.file else Place(file=where)
    if first.place is not None and not first.place.file:
        place = Place(file=where, row=first.place.row)
    return InputError(
        texts["zh"],
        texts["en"],
        place,
        msg.t("spark.hint.contract", "zh"),
        msg.t("spark.hint.contract", "en"),
    )
