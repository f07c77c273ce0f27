"""公开 completeness: does each published set contain the tables a 部门预算/决算 公开 must contain?

The obligations are data (the rules' ``disclosure``: per stage, each with what satisfies it in the set's
table kinds). For every published set (``published_set.PublishedSet``: a department-year-stage read from
its 公开 tables; a long template or an 一体化 export is not a 公开 and is never checked) each obligation
gets one state:

- ``done``: a table of the kind is printed and read (or, for a table that is never summed, recognised);
- ``done_empty``: printed without figures, with a note saying so (……本表无数据), where the obligation
  allows an empty table;
- ``not_applicable``: an item check (三公 items, 预算数 and 决算数) of a 三公 table declared empty;
- ``not_done``: no such table, an empty one without its note, a 三公 item or a stage missing;
- ``could_not_check``: a table that could have been it failed to read. It counts as not done, never passed.

Pure: sets, the state of every table of the run, and the lines in; results out. The reader stores them on
each set (``PublishedSet.disclosure``); ``disclosure_problems`` turns each unmet one into a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from budget_guard.ingest.recognise.context import stage_in_text
from budget_guard.ingest.recognise.table_kinds import normalise, scope_of
from budget_guard.ingest.settle.published_set import (
    LINE_LEVEL,
    SCOPE_OF_RULES,
    UNKNOWN,
    PublishedSet,
    TableKind,
    role_of,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.table import DEPARTMENT, ECON_CODE, SOURCE_FILE, SOURCE_SHEET, STAGE, YEAR

DONE, DONE_EMPTY, NOT_APPLICABLE, NOT_DONE, COULD_NOT_CHECK = (
    "done",
    "done_empty",
    "not_applicable",
    "not_done",
    "could_not_check",
)
STATES = (DONE, DONE_EMPTY, NOT_APPLICABLE, NOT_DONE, COULD_NOT_CHECK)
UNMET = frozenset({NOT_DONE, COULD_NOT_CHECK})  # could not check is never passed

# the outcomes of a table (ingest/load_result.OUTCOMES) that show it printed and read
_PRINTED = frozenset({"read", "not-spending", "repeated"})
_EMPTY, _FAILED = "empty", "failed"

# the three 三公 items a 三公 table must each print: 经济分类 codes of each
SANGONG_ITEMS: tuple[tuple[str, frozenset[str]], ...] = (
    ("abroad", frozenset({"30212"})),
    ("cars", frozenset({"30231", "31013"})),
    ("reception", frozenset({"30217"})),
)


@dataclass(frozen=True)
class TableState:
    """What the load report knows of one table of the run once every outcome is settled."""

    file: str
    sheet: str
    title: str
    layout: str
    outcome: str  # ingest/load_result.OUTCOMES ("" before settled; failed for a file read not at all)
    empty_note: str = ""  # the printed note of an empty table (……本表无数据), "" when none
    department: str | None = None
    year: int | None = None
    lines: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.file, self.sheet)


@dataclass(frozen=True)
class ObligationResult:
    id: str
    name_zh: str
    name_en: str
    state: str
    reason: str = ""  # a key of messages/text/disclosure.py ("disclosure.reason.<reason>"), "" for done
    details: tuple[tuple[str, str], ...] = ()  # the reason's values (titles, item names)

    @property
    def met(self) -> bool:
        return self.state not in UNMET

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def reason_text(self, lang: str = "zh") -> str:
        from budget_guard import messages as msg

        if not self.reason:
            return ""
        values = dict(self.details)
        if "items" in values:
            values["items"] = ("、" if lang == "zh" else ", ").join(
                msg.t(f"disclosure.item.{i}", lang) for i in values["items"].split(",")
            )
        return msg.t(f"disclosure.reason.{self.reason}", lang, **values)

    def as_record(self) -> dict:
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "state": self.state,
            "met": self.met,
            "reason_zh": self.reason_text("zh"),
            "reason_en": self.reason_text("en"),
        }


def checked_sets(sets: list[PublishedSet]) -> list[PublishedSet]:
    """The sets that are a 公开 of a stage with obligations: tables printed as published (not only a long
    template or an 一体化 export), whose titles name this stage or none (the 预算数 columns of a 决算 三公
    table make a 'budget' set of their own: not a 预算 公开), and whose titles name this year or none (last
    year's columns of this year's tables make a set of last year: not its 公开)."""
    out = []
    for s in sets:
        if s.stage not in ("budget", "final"):
            continue
        published = [t for t in s.tables if t.kind.role != LINE_LEVEL]
        if not published:
            continue
        named = {stage_in_text(normalise(t.title)) for t in published} - {None}
        if named and s.stage not in named:
            continue
        years = set().union(*(_single_year(t.title) for t in published))
        if years and s.year not in years:
            continue  # last year's columns printed in this year's tables: not a 公开 of that year
        out.append(s)
    return out


def _name_part(title: str) -> str:
    """The last sentence of a title: the table's name (a PDF title may carry the narrative line above it,
    ……部门专项财政拨款控制限额内统筹安排。第二部分……收支总表: its funding-scope words are not the table's)."""
    import re

    parts = [p for p in re.split(r"[，,。；;]", title) if p.strip()]
    return parts[-1] if parts else title


def _single_year(title: str) -> set[int]:
    """The year a title names when it names one (a range such as 2021—2025 names none)."""
    import re

    years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", normalise(title))}
    return years if len(years) == 1 else set()


def assess(
    sets: list[PublishedSet], tables: list[TableState], lines: pd.DataFrame, disclosure: Any
) -> dict[int, list[ObligationResult]]:
    """Per checked set (by its index in ``sets``), every obligation of its stage with its state.
    ``disclosure``: the rules' ``Disclosure`` (None: nothing is checked)."""
    if disclosure is None:
        return {}
    states = {t.key: t for t in tables}
    out: dict[int, list[ObligationResult]] = {}
    checked = {id(s) for s in checked_sets(sets)}
    for i, s in enumerate(sets):
        obligations = disclosure.for_stage(s.stage)
        if id(s) not in checked or not obligations:
            continue
        candidates = _candidates(s, tables, states)
        results: dict[str, ObligationResult] = {}
        for o in obligations:
            results[o.id] = _assess_one(s, o, candidates, lines)
        out[i] = list(results.values())
    return out


@dataclass(frozen=True)
class _Candidate:
    kind: TableKind
    state: TableState
    known_kind: bool  # False: a failed table whose title names no kind (it could be any table)


def _candidates(
    s: PublishedSet, tables: list[TableState], states: dict[tuple[str, str], TableState]
) -> list[_Candidate]:
    """The set's tables with their settled outcome, and every failed table of the run that may be one of
    the set's (its department, year and title's stage do not say otherwise)."""
    out = []
    for t in s.tables:
        if t.kind.role == LINE_LEVEL:
            continue
        state = states.get(t.key) or TableState(t.file, t.sheet, t.title, "", t.outcome, lines=t.lines)
        kind = t.kind
        if kind.role == "summary" and not t.lines:  # its scope from its name, not the narrative above it
            kind = TableKind(kind.role, scope_of(_name_part(t.title)) or SCOPE_OF_RULES["all_funds"])
        out.append(_Candidate(kind, state, True))
    seen = {t.key for t in s.tables}
    files = {t.file for t in s.tables if t.kind.role != LINE_LEVEL and t.lines}
    for other in tables:
        if other.key in seen:
            continue
        if other.department not in (None, s.department) or other.year not in (None, s.year):
            continue
        if stage_in_text(normalise(other.title)) not in (None, s.stage):
            continue
        if _single_year(other.title) not in (set(), {s.year}):
            continue
        if other.outcome not in (_FAILED, ""):
            # a table the set did not take in (it states no department of its own) printed in the same
            # file as the set's read tables — a PDF is one department's document — is one of its tables
            if other.file in files:
                kind = TableKind(role_of(other.title, other.layout, False), scope_of(_name_part(other.title)))
                if kind.role == "summary" and kind.scope is None:
                    kind = TableKind(kind.role, SCOPE_OF_RULES["all_funds"])
                out.append(_Candidate(kind, other, kind.role != UNKNOWN))
            continue
        role = role_of(other.title, other.layout, False) if other.title else UNKNOWN
        kind = TableKind(role, scope_of(other.title) if other.title else None)
        out.append(_Candidate(kind, other, role != UNKNOWN))
    return out


def _matches(kind: TableKind, match: Any) -> bool:
    """The table kind satisfies the obligation's ``table`` (an unset key matches any; a classification or a
    coverage the table's lines do not show — an empty table — matches too)."""
    if kind.role != match.role:
        return False
    if match.scope is not None and kind.scope != SCOPE_OF_RULES[match.scope]:
        return False
    if match.classification is not None and kind.classification not in (
        None,
        match.classification,
        "func+econ",
    ):
        return False
    return match.coverage is None or kind.coverage in (None, match.coverage)


def _assess_one(
    s: PublishedSet, o: Any, candidates: list[_Candidate], lines: pd.DataFrame
) -> ObligationResult:
    def result(state: str, reason: str = "", **details: str) -> ObligationResult:
        return ObligationResult(o.id, o.name.zh, o.name.en, state, reason, tuple(details.items()))

    mine = [c for c in candidates if c.known_kind and _matches(c.kind, o.table)]
    printed = [c for c in mine if c.state.outcome in _PRINTED or (not c.state.outcome and c.state.lines)]
    empty = [c for c in mine if c.state.outcome == _EMPTY]
    declared = [c for c in empty if c.state.empty_note]
    failed = [c for c in mine if c.state.outcome in (_FAILED, "") and c not in printed]
    unknown_failed = [c for c in candidates if not c.known_kind and c.state.outcome in (_FAILED, "")]
    if printed:
        if o.check == "printed":
            return result(DONE)
        return _content(s, o, [c.state for c in printed], lines, result)
    if declared and o.may_be_empty:
        if o.check == "printed":
            return result(DONE_EMPTY)
        return result(NOT_APPLICABLE, "declared_empty", title=declared[0].state.title)
    if failed or unknown_failed:
        which = (failed or unknown_failed)[0].state
        return result(COULD_NOT_CHECK, "failed", title=which.title or which.file)
    if empty and not o.may_be_empty:
        return result(NOT_DONE, "empty_not_allowed", title=empty[0].state.title)
    if empty:
        return result(NOT_DONE, "empty_without_note", title=empty[0].state.title)
    return result(NOT_DONE, "missing")


def _content(
    s: PublishedSet, o: Any, tables: list[TableState], lines: pd.DataFrame, result
) -> ObligationResult:
    """The 三公 table's own content: each item printed (sangong_items), 预算数 and 决算数 both (both_stages)."""
    keys = {t.key for t in tables}
    if lines.empty:
        return result(NOT_DONE, "no_lines", title=tables[0].title)
    mine = lines.loc[
        (lines[DEPARTMENT].astype("object") == s.department).to_numpy()
        & (lines[YEAR].to_numpy() == s.year)
        & pd.Series(
            list(
                zip(
                    lines[SOURCE_FILE].astype("object"),
                    lines[SOURCE_SHEET].astype("object").fillna(""),
                    strict=True,
                )
            ),
            index=lines.index,
            dtype=object,
        )
        .isin(keys)
        .to_numpy()
    ]
    if o.check == "sangong_items":
        here = mine.loc[(mine[STAGE].astype("object") == s.stage).to_numpy()]
        codes = set(here[ECON_CODE].astype("object").dropna().astype(str))
        missing = [item for item, item_codes in SANGONG_ITEMS if not codes & item_codes]
        if missing:
            return result(NOT_DONE, "items_missing", title=tables[0].title, items=",".join(missing))
        return result(DONE)
    stages = set(mine[STAGE].astype("object").dropna().astype(str))
    has_budget = bool(stages & {"budget", "adjusted"})
    if has_budget and "final" in stages:
        return result(DONE)
    return result(NOT_DONE, "stage_missing" if "final" in stages else "final_missing", title=tables[0].title)


def table_states(files: list[Any]) -> list[TableState]:
    """Every table of the run, from the load report's ``FileReport``s (a file read not at all: one failed
    table whose only title is its file name; a name naming no table kind leaves it any table's)."""
    from pathlib import PurePath

    out = []
    for f in files:
        if not f.sheets and f.status == "failed":
            out.append(TableState(f.name, "", PurePath(f.name).stem, "unknown", _FAILED))
        for sh in f.sheets:
            out.append(
                TableState(
                    f.name,
                    sh.sheet or "",
                    sh.title or "",
                    sh.layout,
                    sh.outcome,
                    sh.empty_note,
                    sh.department,
                    sh.year,
                    sh.lines,
                )
            )
    return out


def disclosure_problems(sets: list[PublishedSet], severity: str | None = None) -> list[Problem]:
    """One ``disclosure-missing`` per unmet obligation (not done, or could not be checked)."""
    out = []
    for s in sets:
        for r in s.disclosure or ():
            if r.met:
                continue
            out.append(
                Problem(
                    "disclosure-missing",
                    details={
                        "department": s.department,
                        "year": s.year,
                        "stage": s.stage,
                        "obligation": f"{r.name_zh} / {r.name_en}",
                        "state": r.state,
                        "reason": f"{r.reason_text('zh')} / {r.reason_text('en')}",
                    },
                    level=severity,
                )
            )
    return out


def summary_text(s: PublishedSet, lang: str = "zh") -> str | None:
    """One line per checked set: how many obligations, and how many in each state."""
    from budget_guard import messages as msg

    if s.disclosure is None:
        return None
    counts = {state: sum(1 for r in s.disclosure if r.state == state) for state in STATES}
    return msg.t("disclosure.summary", lang, total=len(s.disclosure), **counts)


def unmet_texts(s: PublishedSet, lang: str = "zh") -> list[str]:
    from budget_guard import messages as msg

    return [
        msg.t(
            "disclosure.unmet",
            lang,
            name=r.name(lang),
            state=msg.t(f"disclosure.state.{r.state}", lang),
            reason=r.reason_text(lang),
        )
        for r in s.disclosure or ()
        if not r.met
    ]


__all__ = [
    "COULD_NOT_CHECK",
    "DONE",
    "DONE_EMPTY",
    "NOT_APPLICABLE",
    "NOT_DONE",
    "ObligationResult",
    "STATES",
    "TableState",
    "assess",
    "checked_sets",
    "disclosure_problems",
    "summary_text",
    "table_states",
    "unmet_texts",
]
