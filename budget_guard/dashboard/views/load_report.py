"""The 读取报告 view: per-sheet accounting, rejected rows and load problems."""

from __future__ import annotations

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.views.common import Table, label, wan
from budget_guard.errors import Place
from budget_guard.ingest.load_result import LoadResult
from budget_guard.runs.outcome import unreadable_files

REJECTED_LABELS: tuple[tuple[str, str], ...] = (
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
    ("code", "col.problem"),
    ("value", "col.value"),
)


def rejected_table(load: LoadResult, lang: str) -> Table:
    """Every rejected row with the reason, in the analyst's language."""
    rejected = load.rejected
    message = "message_en" if lang == "en" else "message_zh"
    table = pd.DataFrame(index=rejected.index)
    for column, key in REJECTED_LABELS:
        values = rejected[column] if column in rejected.columns else pd.Series(None, index=rejected.index)
        if column == "row":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column == "code":
            values = values.map(lambda v: msg.value("problem.title", v, lang))
        else:
            values = (
                values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v))
            )
        table[label(key, lang)] = values.array
    table[label("col.message", lang)] = rejected[message].to_numpy() if message in rejected.columns else None
    return Table(table, pd.DataFrame(index=rejected.index), integers=(label("col.source_row", lang),))


PROBLEM_LABELS: tuple[tuple[str, str], ...] = (
    ("severity", "col.severity"),
    ("code", "col.problem"),
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("row", "col.source_row"),
    ("column", "col.column"),
)


SEVERITY_ORDER = ("error", "warning", "notice")  # worst first: the one that matters is on top


def problems_by_severity(load: LoadResult) -> pd.DataFrame:
    """The load problems, errors first, then warnings, then notices (stable within a severity)."""
    problems = load.problems_frame()
    rank = problems["severity"].map({s: i for i, s in enumerate(SEVERITY_ORDER)}).fillna(len(SEVERITY_ORDER))
    return problems.iloc[rank.to_numpy().argsort(kind="stable")].reset_index(drop=True)


def problem_counts(load: LoadResult) -> dict[str, int]:
    """How many problems of each severity, worst first (every severity present, zero or not)."""
    severities = load.problems_frame()["severity"]
    return {s: int((severities == s).sum()) for s in SEVERITY_ORDER}


def top_problems(load: LoadResult, lang: str, count: int = 3) -> list[str]:
    """The worst few problems as one line each: '警告 · 合计不符 · 文件 a.xlsx，工作表 X，第9行：…'."""
    problems = problems_by_severity(load)
    problems = problems.loc[problems["severity"] != "notice"].head(count)
    message = "message_en" if lang == "en" else "message_zh"
    out = []
    for record in problems.to_dict("records"):
        place = Place(
            file=record["file"],
            sheet=record["sheet"],
            row=None if pd.isna(record["row"]) else int(record["row"]),
            column=record["column"],
        ).describe(lang)
        head = f"{msg.value('app.severity', record['severity'], lang)} · {msg.value('problem.title', record['code'], lang)}"
        sep = "：" if lang != "en" else ": "
        out.append(f"{head} · {place}{sep}{record[message]}" if place else f"{head}{sep}{record[message]}")
    return out


def problems_table(load: LoadResult, lang: str) -> Table:
    """Load problems (合计 and hierarchy mismatches, unit and code issues …) with how to fix them, worst first."""
    problems = problems_by_severity(load)
    message = "message_en" if lang == "en" else "message_zh"
    table = pd.DataFrame(index=problems.index)
    for column, key in PROBLEM_LABELS:
        values = problems[column] if column in problems.columns else pd.Series(None, index=problems.index)
        if column == "row":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column == "severity":
            values = values.map(lambda v: msg.value("app.severity", v, lang))
        elif column == "code":
            values = values.map(lambda v: msg.value("problem.title", v, lang))
        # .array keeps a row number an integer (to_numpy would make a column with a gap float: 3.000000)
        table[label(key, lang)] = values.array if column == "row" else values.to_numpy()
    hint = "hint_en" if lang == "en" else "hint_zh"
    table[label("col.message", lang)] = problems[message].to_numpy() if message in problems.columns else None
    table[label("col.hint", lang)] = problems[hint].to_numpy() if hint in problems.columns else None
    keys = pd.DataFrame(
        {"severity": problems.get("severity", pd.Series(dtype=object)).to_numpy()}, index=problems.index
    )
    return Table(
        table,
        keys,
        integers=(label("col.source_row", lang),),
        wide=(label("col.message", lang), label("col.hint", lang)),
        narrow=(label("col.severity", lang), label("col.source_row", lang)),
        wrap=True,
    )


SHEET_LABELS: tuple[tuple[str, str], ...] = (
    ("file", "col.source_file"),
    ("sheet", "col.source_sheet"),
    ("title", "tables.col.title"),
    ("outcome", "tables.col.outcome"),
    ("reason", "tables.col.reason"),
    ("status", "col.status"),
    ("layout", "app.load.layout"),
    ("unit", "app.load.unit"),
    ("rows_read", "app.load.rows_read"),
    ("data_rows", "app.load.data_rows"),
    ("subtotal_rows", "app.load.subtotal_rows"),
    ("header_rows", "app.load.header_rows"),
    ("note_rows", "app.load.note_rows"),
    ("blank_rows", "app.load.blank_rows"),
    ("rejected_rows", "app.load.rejected_rows"),
    ("lines", "app.load.lines"),
    ("amount_fen", "col.amount_wan"),
    ("accounted", "app.load.accounted"),
)


def sheets_table(load: LoadResult, lang: str) -> Table:
    """The load report: one row per file × sheet with how every row was accounted for."""
    report = load.report_frame()
    table = pd.DataFrame(index=report.index)
    counts = []
    for column, key in SHEET_LABELS:
        name = label(key, lang)
        if (
            column == "reason"
        ):  # the reason in the language shown (read, not spending, empty, repeated, failed)
            column = "reason_zh" if lang == "zh" else "reason_en"
        values = (
            report[column] if column in report.columns else pd.Series(None, index=report.index, dtype=object)
        )
        if column == "outcome":
            values = values.map(
                lambda v: (
                    msg.t(f"tables.outcome.{v}", lang)
                    if isinstance(v, str) and msg.has(f"tables.outcome.{v}")
                    else v
                )
            )
        elif column == "amount_fen":
            values = wan(values)
        elif column.endswith("_rows") or column == "lines":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
            counts.append(name)
        elif column == "status":
            values = values.map(lambda v: msg.value("value.file_status", v, lang))
        elif column == "layout":
            values = values.map(lambda v: msg.value("value.layout", v, lang))
        elif column == "accounted":
            values = values.map(
                lambda v: None if v is None or pd.isna(v) else msg.t(f"app.bool.{bool(v)}", lang)
            )
        table[name] = values.array
    return Table(
        table,
        pd.DataFrame(index=report.index),
        money=(label("col.amount_wan", lang),),
        integers=tuple(counts),
    )


def accounted_banner(load: LoadResult, lang: str) -> tuple[str, str]:
    """('ok' | 'error', text): the load view's banner. Green only when every row of every file was
    read and accounted for; a failed file is named, never beside 每个读取的行都已归类."""
    failed = unreadable_files(load)
    if failed:
        names = msg.t("list.sep", lang).join(f.name for f in failed)
        return "error", msg.t("app.load.accounted_failed", lang, count=len(failed), names=names)
    if load.all_rows_accounted:
        return "ok", msg.t("app.load.accounted_ok", lang)
    return "error", msg.t("app.load.accounted_bad", lang)
