"""A Spark job that fails on the input is the user's to fix: one located line and exit 2, not a traceback.

Spark names every error with a stable *condition* (its error class, e.g. ``TABLE_OR_VIEW_NOT_FOUND``),
raised through PySpark's captured exceptions or, on the Arrow collect path, as a raw
``Py4JJavaError`` whose text carries the condition in brackets. ``input_error`` turns the
conditions an input can cause (a damaged Parquet file, a missing table, a value or column of the
wrong type, files whose schemas disagree, memory) into an ``InputError`` with a hint; conditions
only budget-guard's own SQL can cause (a syntax error, a column we name that does not exist) are
left to propagate as the bugs they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from budget_guard import messages as msg
from budget_guard.errors import InputError, Place

_CONDITION = re.compile(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]")
_READ_PATH = re.compile(r"reading file (\S+?)\.?(?:\s|$)")
_CAST_COLUMN = re.compile(r"CAST\(`?(\w+)`? AS", re.IGNORECASE)
# Conditions only budget-guard's own SQL can cause: a bug, reported with its traceback (exit 4).
OUR_BUGS = frozenset(
    {
        "PARSE_SYNTAX_ERROR",
        "PARSE_EMPTY_STATEMENT",
        "UNRESOLVED_COLUMN",
        "UNRESOLVED_ROUTINE",
        "AMBIGUOUS_REFERENCE",
        "MISSING_AGGREGATION",
        "WRONG_NUM_ARGS",
        "INTERNAL_ERROR",
    }
)
OUT_OF_MEMORY = "OUT_OF_MEMORY"  # not a Spark condition: the JVM ran out of heap or went away
_KINDS: dict[str, str] = {
    "FAILED_READ_FILE": "unreadable_file",
    "CANNOT_READ_FILE_FOOTER": "unreadable_file",
    "CANNOT_MERGE_SCHEMAS": "schemas_differ",
    "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE": "schemas_differ",
    "TABLE_OR_VIEW_NOT_FOUND": "table_missing",
    "SCHEMA_NOT_FOUND": "table_missing",
    "PATH_NOT_FOUND": "path_missing",
    "CAST_INVALID_INPUT": "not_integer",
    "ARITHMETIC_OVERFLOW": "overflow",
    "CAST_OVERFLOW": "overflow",
    "NUMERIC_VALUE_OUT_OF_RANGE": "overflow",
    "DATATYPE_MISMATCH": "column_type",
    OUT_OF_MEMORY: "out_of_memory",
}


@dataclass(frozen=True)
class SparkFailure:
    """What Spark said: its condition, the message parameters and the first line of its text."""

    condition: str
    parameters: dict[str, str]
    detail: str


@dataclass(frozen=True)
class BadValue:
    """The first value of an integer column that is not an integer, and where it is."""

    column: str
    value: str
    place: Place


def spark_failure(exc: BaseException) -> SparkFailure | None:
    """The Spark error inside ``exc`` (PySpark's or Py4J's), or None when it is not one."""
    try:
        from py4j.protocol import Py4JError, Py4JJavaError
        from pyspark.errors import PySparkException
    except ImportError:  # pragma: no cover - the Spark extra is not installed
        return None
    text = str(exc)
    detail = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    detail = re.sub(r"^An error occurred while calling \S+\s*", "", detail)[:300]
    if "OutOfMemoryError" in text or "SparkContext was shut down" in text:
        return SparkFailure(
            OUT_OF_MEMORY, {}, "java.lang.OutOfMemoryError" if "OutOfMemory" in text else detail
        )
    if isinstance(exc, PySparkException):
        condition = exc.getCondition() or ""
        parameters = dict(exc.getMessageParameters() or {})
    elif isinstance(exc, Py4JJavaError):
        found = _CONDITION.search(text)
        condition, parameters = (found.group(1) if found else ""), {}
        path = _READ_PATH.search(text)
        if path:
            parameters["path"] = path.group(1)
        detail = next((line.strip() for line in text.splitlines()[1:] if line.strip()), detail)[:300]
        detail = detail.removeprefix(": ")
    elif isinstance(exc, Py4JError):  # the JVM went away (killed for memory, most often)
        return SparkFailure(OUT_OF_MEMORY, {}, detail)
    else:
        return None
    detail = re.sub(r"^(?:[\w.$]+(?:Exception|Error): )+", "", detail)
    detail = detail.removeprefix(f"[{condition}]").strip() if condition else detail
    return SparkFailure(condition, parameters, detail)


def column_label(column: str, lang: str) -> str:
    """A canonical column as a reader names it (部门, 金额（分）…)."""
    for key in (f"col.{column}", f"spark.column.{column}"):
        if msg.has(key):
            return msg.t(key, lang)
    return column


def input_error(
    exc: BaseException, where: str, locate: Callable[[], BadValue | None] | None = None
) -> InputError | None:
    """``exc`` as the user's error (message, place, hint), or None when it is ours (a bug)."""
    failure = spark_failure(exc)
    if failure is None:
        return None
    top = failure.condition.split(".")[0]
    if top in OUR_BUGS:
        return None
    kind = _KINDS.get(failure.condition, _KINDS.get(top, "query_failed"))
    params = failure.parameters
    detail = f"[{failure.condition}] {failure.detail}" if failure.condition else failure.detail
    place = Place(file=str(params.get("path", where)).removeprefix("file:"))
    values: dict[str, object] = {"detail": detail}
    key = kind
    if kind == "table_missing":
        values["table"] = str(params.get("relationName") or params.get("schemaName") or where).replace(
            "`", ""
        )
        place = Place()
    elif kind == "not_integer":
        bad = _try(locate)
        if bad is not None:
            return _located_value(bad)
        key = "not_integer_unlocated"
        values["value"] = str(params.get("expression", "")).strip("'")
    elif kind == "column_type":
        found = _CAST_COLUMN.search(str(params.get("sqlExpr", "")))
        column = found.group(1) if found else "?"
        return InputError(
            msg.t("spark.error.column_type", "zh", column=column_label(column, "zh")),
            msg.t("spark.error.column_type", "en", column=column, type=params.get("srcType", "?")),
            place,
            msg.t("spark.hint.column_type", "zh"),
            msg.t("spark.hint.column_type", "en"),
        )
    return InputError(
        msg.t(f"spark.error.{key}", "zh", **values),
        msg.t(f"spark.error.{key}", "en", **values),
        place,
        msg.t(f"spark.hint.{kind}", "zh"),
        msg.t(f"spark.hint.{kind}", "en"),
    )


def _try(locate: Callable[[], BadValue | None] | None) -> BadValue | None:
    """The bad value's place, or None when it cannot be found (the message then names the value)."""
    if locate is None:
        return None
    try:
        return locate()
    except Exception:  # noqa: BLE001 — locating is a courtesy; the error itself is already known
        return None


def _located_value(bad: BadValue) -> InputError:
    return InputError(
        msg.t("spark.error.not_integer", "zh", column=column_label(bad.column, "zh"), value=bad.value),
        msg.t("spark.error.not_integer", "en", column=bad.column, value=bad.value),
        bad.place,
        msg.t("spark.hint.not_integer", "zh"),
        msg.t("spark.hint.not_integer", "en"),
    )


@contextmanager
def translated(where: str, locate: Callable[[], BadValue | None] | None = None) -> Iterator[None]:
    """Run Spark work; a failure the input caused leaves as an ``InputError`` (exit 2)."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        error = input_error(exc, where, locate)
        if error is None:
            raise
        raise error from exc
