"""The published set: one department-year-stage's 公开 tables as one object with known relations.

A 部门预算/决算 公开 folder is not a pile of sheets to sum. Each table is one *kind* (``TableKind``), read
from its title, header and columns — never from a department, a province or a page number:

- role: 收支总表, 收入表, 支出表, 基本支出表, 项目支出表, 三公, 机关运行经费, 政府采购, 绩效, 单位名单, a
  line-level file (long template, 一体化 export: its own kind), or *unknown* (listed with its title);
- funding scope, a lattice: 全部资金 ⊇ 财政拨款 ⊇ 一般公共预算 / 政府性基金 / 国有资本经营预算;
- classification: 功能 (func), 经济 (econ), both (a line-level file) or none;
- coverage: 基本 / 项目 / 全部; and the stages its lines carry (预算数, 决算数).

**One source per figure.** Per classification, the rules' ``sources`` list the funding scopes in order of
preference; the table of the first scope the set prints is counted, every table of a scope nested with it
(wider or narrower, same classification, coverage meeting) is a *cross-check*: its lines are set aside
(never summed in) and it is checked against the counted tables. Scopes disjoint from the counted one (基金
beside 一般公共预算) are other money and are counted too. The all-funds 支出总表 and the 三公 table keep
their own settlement (``scopes.py``: they add only what the narrower tables lack).

**表间勾稽.** Every relation the set prints is checked (``RELATIONS``), each with both figures and both
places, within what the printed precision explains (``rounding.allowance_fen``: half a unit of the last
printed digit per term, plus one): a failed relation is a ``relation-failed`` warning of the load report,
and the lines it rests on get the tag ``勾稽不符:<relation, both figures, both tables>`` (the marker every
reader uses, ``model/table.relation_failed_tag``): the cells taking them are 不可比 (``relation_failed``,
``engine/relation_failed.py``) on every engine, never 达标, never red.

**The department total** a clerk reads is the printed 合计 of the table of the first scope in the rules'
``sources.total`` that the set prints (the 支出总表 of all funds where printed), and each table says how its
lines relate to it (counted, cross-check, other classification, other scope, not spending).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from budget_guard.errors import required
from budget_guard.ingest.recognise.numbers import fen_to_unit_text
from budget_guard.ingest.recognise.rounding import allowance_fen, printed_step_fen
from budget_guard.ingest.recognise.table_kinds import (
    ALL_FUNDS,
    APPROPRIATION,
    FUND,
    GENERAL,
    STATE_CAPITAL,
    normalise,
    scope_of,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    SOURCE_FILE,
    SOURCE_SHEET,
    STAGE,
    YEAR,
)

# -- the model ---------------------------------------------------------------------------------------------

# roles: what a table is for
UNITS, SUMMARY, INCOME, SPENDING, BASIC, PROJECT = (
    "units",
    "summary",
    "income",
    "spending",
    "basic",
    "project",
)
SANGONG, OPERATING, PROCUREMENT, PERFORMANCE = "sangong", "operating", "procurement", "performance"
LINE_LEVEL, UNKNOWN = "line-level", "unknown"
ROLE_NAMES: dict[str, tuple[str, str]] = {
    UNITS: ("单位名单", "list of units"),
    SUMMARY: ("收支总表", "income and spending summary"),
    INCOME: ("收入表", "income table"),
    SPENDING: ("支出表", "spending table"),
    BASIC: ("基本支出表", "basic spending table"),
    PROJECT: ("项目支出表", "project spending table"),
    SANGONG: ("三公经费表", "三公 table"),
    OPERATING: ("机关运行经费表", "operating costs table"),
    PROCUREMENT: ("政府采购表", "procurement table"),
    PERFORMANCE: ("绩效表", "performance table"),
    LINE_LEVEL: ("明细数据（长表或一体化导出）", "line-level data (long template or 一体化 export)"),
    UNKNOWN: ("未识别的表", "unrecognised table"),
}
# title words, first match wins (matched on the normalised title, never a whole title)
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("编制范围|单位构成|单位名单|单位范围|所属单位名单|单位情况表", UNITS),
    ("政府采购", PROCUREMENT),
    ("绩效", PERFORMANCE),
    ("三公", SANGONG),
    ("机关运行经费", OPERATING),
    ("收入支出(?:决算|预算)?总表|收支(?:决算|预算)?总表|收支总表", SUMMARY),
    ("(?<!支出)收入(?:决算|预算)?(?:总)?表|^(?!.*支出).*收入", INCOME),
    ("基本支出", BASIC),
    ("项目支出", PROJECT),
    ("支出", SPENDING),
)
LINE_LEVEL_LAYOUTS = frozenset({"long", "yitihua", "canonical"})
SPENDING_ROLES = frozenset({SPENDING, BASIC, PROJECT})

# funding scopes: the rules' ids (rulebook.FUNDING_SCOPES) and the readers' (table_kinds)
SCOPE_OF_RULES = {
    "all_funds": ALL_FUNDS,
    "appropriation": APPROPRIATION,
    "general": GENERAL,
    "fund": FUND,
    "state_capital": STATE_CAPITAL,
}
SCOPE_NAMES: dict[str | None, tuple[str, str]] = {
    None: ("明细数据", "line-level data"),
    ALL_FUNDS: ("全部资金", "all funds"),
    APPROPRIATION: ("财政拨款", "budget appropriations"),
    GENERAL: ("一般公共预算", "general public budget"),
    FUND: ("政府性基金", "government funds"),
    STATE_CAPITAL: ("国有资本经营预算", "state capital budget"),
}
# the lattice: each scope and the scopes it contains
CONTAINS: dict[str, frozenset[str]] = {
    ALL_FUNDS: frozenset({APPROPRIATION, GENERAL, FUND, STATE_CAPITAL}),
    APPROPRIATION: frozenset({GENERAL, FUND, STATE_CAPITAL}),
    GENERAL: frozenset(),
    FUND: frozenset(),
    STATE_CAPITAL: frozenset(),
}
# the narrower scopes that add up to a wider one, when all are printed (or printed empty)
PARTS_OF: dict[str, tuple[str, ...]] = {
    APPROPRIATION: (GENERAL, FUND, STATE_CAPITAL),
    ALL_FUNDS: (APPROPRIATION,),
}

FUNC, ECON, BOTH = "func", "econ", "func+econ"
CLASSIFICATION_NAMES = {
    FUNC: ("功能分类", "functional"),
    ECON: ("经济分类", "economic"),
    BOTH: ("功能和经济分类", "both"),
}
BASIC_TYPE, PROJECT_TYPE = "基本支出", "项目支出"
COVERAGE_TYPES = {
    "basic": frozenset({BASIC_TYPE}),
    "project": frozenset({PROJECT_TYPE}),
    "all": frozenset({BASIC_TYPE, PROJECT_TYPE}),
}
COVERAGE_NAMES = {"basic": ("基本支出", "basic"), "project": ("项目支出", "project"), "all": ("全部", "all")}
SANGONG_CODES = ("30212", "30217", "30231", "31013")
SANGONG_ITEM_NAMES = {
    "30212": "因公出国（境）费",
    "30217": "公务接待费",
    "30231": "公务用车运行维护费",
    "31013": "公务用车购置费",
}
_STAGE_NAMES = {
    "budget": ("预算数", "budget"),
    "adjusted": ("调整预算数", "adjusted budget"),
    "final": ("决算数", "final accounts"),
}


def nested(a: str | None, b: str | None) -> bool:
    """Two scopes of which one contains the other (the same money in part or whole)."""
    if a is None or b is None:
        return False
    return a == b or b in CONTAINS.get(a, ()) or a in CONTAINS.get(b, ())


@dataclass(frozen=True)
class TableKind:
    """What a table is: role, funding scope, classification, coverage."""

    role: str
    scope: str | None = None
    classification: str | None = None
    coverage: str | None = None

    def describe(self, lang: str = "zh") -> str:
        i = 0 if lang == "zh" else 1
        parts = [ROLE_NAMES[self.role][i]]
        if self.scope:
            parts.append(SCOPE_NAMES[self.scope][i])
        if self.classification:
            parts.append(CLASSIFICATION_NAMES[self.classification][i])
        if self.coverage:
            parts.append(COVERAGE_NAMES[self.coverage][i])
        return ("·" if lang == "zh" else " · ").join(parts)


# how a table's lines relate to the department total
COUNTED, CROSS_CHECK, OTHER_CLASSIFICATION, OTHER_SCOPE, NOT_COUNTED = (
    "counted",
    "cross-check",
    "other-classification",
    "other-scope",
    "not-counted",
)
USE_NAMES = {
    COUNTED: ("计入", "counted"),
    CROSS_CHECK: (
        "交叉核对（同一笔钱已由他表计入，不相加）",
        "cross-check (the same money, counted from another table, never added)",
    ),
    OTHER_CLASSIFICATION: (
        "另一种分类（同一笔钱，只供按该分类选取的类别）",
        "other classification (the same money, for categories reading it)",
    ),
    OTHER_SCOPE: (
        "其他口径（不在部门支出总额的口径内）",
        "other scope (outside the department total's scope)",
    ),
    NOT_COUNTED: ("不计入（非支出表、空表或未读取）", "not counted (not spending, empty or not read)"),
}


@dataclass
class SetTable:
    file: str
    sheet: str
    title: str
    kind: TableKind
    outcome: str
    unit: str | None
    read_fen: int = 0  # the lines as the table prints them (before any cross-table decision)
    lines: int = 0
    printed_total_fen: int | None = None
    use: str = NOT_COUNTED
    counted_fen: int | None = None  # what the run counts from it after every cross-table decision
    figures: dict = field(default_factory=dict)  # a 收支总表's labelled totals (本年支出合计 …)
    # the table's lines by expense type (a row of ``sheet_profile``), for the relations; None: not read here
    profile: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.file, self.sheet)


@dataclass(frozen=True)
class Figure:
    """One side of a relation: a figure, where it was read and what it is."""

    fen: int
    label_zh: str
    label_en: str
    place: str  # the table(s)

    def text(self, unit: str | None, lang: str) -> str:
        return f"{self.label_zh if lang == 'zh' else self.label_en}{' ' if lang == 'en' else ''}{amount(self.fen, unit, lang)}"


# relation codes → (zh, en) name: the 表间勾稽 each set is checked for
RELATIONS: dict[str, tuple[str, str]] = {
    "row-sum": ("合计 = 各行之和", "total = sum of the rows"),
    "hierarchy": ("类 = Σ款 = Σ项", "类 = Σ款 = Σ项"),
    "parts": ("合计 = 基本支出 + 项目支出（+ 其他列）", "total = basic + project (+ other columns)"),
    "scope-sum": (
        "财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营预算",
        "appropriations = general + funds + state capital",
    ),
    "all-funds": ("全部资金 ≥ 财政拨款", "all funds ≥ appropriations"),
    "basic-column": (
        "支出表的基本支出 = 基本支出表的合计",
        "spending table's basic column = basic table's total",
    ),
    "sangong-table": (
        "三公表内：三公小计 = 出国 + 车 + 接待，车 = 购置 + 运维，合计 = 三公 + 会议费 + 培训费",
        "inside the 三公 table: subtotal = travel + cars + reception, cars = purchase + running, total = 三公 + meetings + training",
    ),
    "income-spending": (
        "收入总计 = 支出总计（收支总表）",
        "income grand total = spending grand total (summary table)",
    ),
    "summary-spending": (
        "收支总表的本年支出合计 = 同口径支出表的合计",
        "the summary's spending total = the spending tables' total of its scope",
    ),
    "operating": (
        "机关运行经费 ≤ 基本支出表的公用经费（302+310）",
        "机关运行经费 ≤ the basic table's 公用经费 (302+310)",
    ),
    "sangong-basic": (
        "基本支出表的三公科目 ≤ 三公表的该项",
        "a 三公 item of the basic table ≤ the 三公 table's item",
    ),
}
_PROBLEM_RELATIONS = {
    "relation-sangong-subtotal": "sangong-table",
    "relation-car-subtotal": "sangong-table",
    "relation-sangong-table-total": "sangong-table",
    "relation-column-sum": "sangong-table",
    "relation-total-row": "sangong-table",
    "total-mismatch": "row-sum",
    "hierarchy-mismatch": "hierarchy",
    "subtotal-parts-mismatch": "parts",
}


@dataclass(frozen=True)
class RelationCheck:
    relation: str
    department: str
    year: int
    stage: str
    classification: str | None  # the classification whose categories the figures feed (None: both)
    ok: bool
    left: Figure | None = None
    right: Figure | None = None
    comparison: str = "="  # = | ≤ | ≥
    unit: str | None = None
    detail_zh: str = ""  # a relation reported by a reader (row-sum, hierarchy, parts): its own message
    detail_en: str = ""
    # the lines a failure makes untrustworthy: (file, sheet) and an 经济分类 code pattern (None: every line);
    # each gets the tag 勾稽不符 (model/table.relation_failed_tag), so its cells are 不可比 on every engine
    targets: tuple = ()

    def name(self, lang: str = "zh") -> str:
        return RELATIONS[self.relation][0 if lang == "zh" else 1]

    def text(self, lang: str = "zh") -> str:
        if self.left is None or self.right is None:
            return self.detail_zh if lang == "zh" else self.detail_en
        left, right = self.left.text(self.unit, lang), self.right.text(self.unit, lang)
        where = (
            f"（{self.left.place}；{self.right.place}）"
            if lang == "zh"
            else f" ({self.left.place}; {self.right.place})"
        )
        return f"{left} {self.comparison} {right}{where}"

    def as_record(self) -> dict:
        return {
            "relation": self.relation,
            "name_zh": self.name("zh"),
            "name_en": self.name("en"),
            "department": self.department,
            "year": self.year,
            "stage": self.stage,
            "classification": self.classification,
            "ok": self.ok,
            "comparison": self.comparison,
            "left_fen": None if self.left is None else self.left.fen,
            "left_place": None if self.left is None else self.left.place,
            "right_fen": None if self.right is None else self.right.fen,
            "right_place": None if self.right is None else self.right.place,
            "text_zh": self.text("zh"),
            "text_en": self.text("en"),
        }


@dataclass(frozen=True)
class DepartmentTotal:
    fen: int
    table: str
    scope: str | None  # None: a line-level file (long template, 一体化 export) gives it
    printed: bool  # the table's printed 合计 (else the sum of its lines)
    unit: str | None = None


@dataclass
class PublishedSet:
    """One department-year-stage: its tables, how each is used, the department total, the relations."""

    department: str
    year: int
    stage: str
    tables: list[SetTable] = field(default_factory=list)
    total: DepartmentTotal | None = None
    relations: list[RelationCheck] = field(default_factory=list)
    # 公开 completeness (ingest/settle/disclosure.py): each obligation of the stage with its state; None:
    # the set was not checked (not a 公开 of a stage with obligations)
    disclosure: list | None = None

    @property
    def failed(self) -> list[RelationCheck]:
        return [r for r in self.relations if not r.ok]

    def as_record(self) -> dict:
        return {
            "department": self.department,
            "year": self.year,
            "stage": self.stage,
            "total_fen": None if self.total is None else self.total.fen,
            "total_table": None if self.total is None else self.total.table,
            "total_scope": None if self.total is None else self.total.scope,
            "total_printed": None if self.total is None else self.total.printed,
            "tables": [
                {
                    "file": t.file,
                    "sheet": t.sheet,
                    "title": t.title,
                    "role": t.kind.role,
                    "scope": t.kind.scope,
                    "classification": t.kind.classification,
                    "coverage": t.kind.coverage,
                    "kind_zh": t.kind.describe("zh"),
                    "kind_en": t.kind.describe("en"),
                    "use": t.use,
                    "read_fen": t.read_fen,
                    "counted_fen": t.counted_fen,
                    "printed_total_fen": t.printed_total_fen,
                }
                for t in self.tables
            ],
            "relations_checked": len(self.relations),
            "relations_failed": len(self.failed),
            "relations": [r.as_record() for r in self.relations],
            "disclosure": None if self.disclosure is None else [r.as_record() for r in self.disclosure],
        }


_UNIT_EN = {"万元": "10k yuan", "千元": "1k yuan"}


def amount(fen: int, unit: str | None, lang: str = "zh") -> str:
    if unit in ("万元", "千元"):
        text = fen_to_unit_text(fen, unit)
        return f"{text}{unit}" if lang == "zh" else f"{text} ({_UNIT_EN[unit]})"
    yuan = f"{fen / 100:,.2f}"
    return f"{yuan}元" if lang == "zh" else f"{yuan} yuan"


# -- classifying a table -----------------------------------------------------------------------------------


def role_of(title: str, layout: str | None, read: bool) -> str:
    """The role from the title words (a line-level layout is its own kind)."""
    import re

    if layout == "sangong":
        return SANGONG
    text = normalise(title)
    role = next((r for pattern, r in _ROLE_WORDS if text and re.search(pattern, text)), None)
    if layout in LINE_LEVEL_LAYOUTS:
        # a published table a line-level reader took (a PDF page read as a long table) keeps its title's
        # role; an export or a long template names none
        return role if role in SPENDING_ROLES else LINE_LEVEL
    return role or (SPENDING if read else UNKNOWN)


def classification_of(func_lines: int, econ_lines: int) -> str | None:
    if func_lines and econ_lines:
        return BOTH
    if func_lines:
        return FUNC
    if econ_lines:
        return ECON
    return None


def coverage_of(role: str, types: set[str]) -> str | None:
    """basic / project from the title (基本支出表, 项目支出表); a 支出表 covers both whatever its lines hold
    this year; a line-level file covers what its lines say."""
    if role == BASIC:
        return "basic"
    if role == PROJECT:
        return "project"
    if role == LINE_LEVEL:
        return "basic" if types == {BASIC_TYPE} else "project" if types == {PROJECT_TYPE} else "all"
    return "all" if role == SPENDING else None


def _coverage_types(coverage: str | None) -> frozenset[str]:
    return COVERAGE_TYPES.get(coverage or "all", COVERAGE_TYPES["all"])


# -- the profile of the lines: one row per department × year × stage × sheet -------------------------------

_KEYS = [DEPARTMENT, YEAR, STAGE, SOURCE_FILE, SOURCE_SHEET]


def sheet_profile(lines: pd.DataFrame) -> pd.DataFrame:
    """Per department × year × stage × sheet: lines, amount, 功能/经济 lines, and the amounts by expense type."""
    if lines.empty:
        return pd.DataFrame(
            columns=[
                *_KEYS,
                "lines",
                "fen",
                "func",
                "econ",
                "basic_fen",
                "project_fen",
                "basic",
                "project",
                "untyped",
            ]
        )
    types = lines[EXPENSE_TYPE].astype("object")
    fen = lines[AMOUNT_FEN].to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            DEPARTMENT: lines[DEPARTMENT].astype("object").to_numpy(),
            YEAR: lines[YEAR].to_numpy(),
            STAGE: lines[STAGE].astype("object").to_numpy(),
            SOURCE_FILE: lines[SOURCE_FILE].astype("object").to_numpy(),
            SOURCE_SHEET: lines[SOURCE_SHEET].astype("object").fillna("").to_numpy(),
            "lines": 1,
            "fen": fen,
            "func": lines[FUNC_CODE].notna().to_numpy(dtype=np.int64),
            "econ": (lines[ECON_CODE].notna() | lines[GOV_ECON_CODE].notna()).to_numpy(dtype=np.int64),
            "basic_fen": np.where((types == BASIC_TYPE).to_numpy(), fen, 0),
            "project_fen": np.where((types == PROJECT_TYPE).to_numpy(), fen, 0),
            "basic": (types == BASIC_TYPE).to_numpy(dtype=np.int64),
            "project": (types == PROJECT_TYPE).to_numpy(dtype=np.int64),
            "untyped": types.isna().to_numpy(dtype=np.int64),
        }
    )
    out = frame.groupby(_KEYS, sort=False, dropna=False).sum().reset_index()
    out[YEAR] = out[YEAR].astype("int64")
    return out


# -- building the sets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetFacts:
    """What the load report knows of a sheet (``reader`` builds these from its ``SheetReport``)."""

    file: str
    sheet: str
    layout: str
    scope: str | None
    title: str
    outcome: str
    unit: str | None
    department: str | None
    year: int | None
    printed_total_fen: int | None
    figures: dict = field(default_factory=dict)  # a 收支总表's labelled totals (table_kinds.summary_figures)


@dataclass
class Decision:
    """What the set decided for the lines: the cross-check lines to set aside, with a note per sheet."""

    set_aside: np.ndarray  # bool per line of the table given
    tags: np.ndarray | None = None  # per line: the 勾稽不符 tags a failed cross-table relation adds (or None)
    notes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    counted_from: dict[tuple[str, str], str] = field(default_factory=dict)


def build_sets(
    lines: pd.DataFrame,
    sheets: list[SheetFacts],
    problems: list[Problem],
    sources,
) -> tuple[list[PublishedSet], Decision]:
    """The published sets of every department-year-stage fed by two or more tables, the relations they
    print checked, and the cross-check lines to set aside (``lines``: as read, before any cross-table
    decision). ``sources``: the rules' ``Sources`` (per classification, the scopes in order of preference)."""
    decision = Decision(np.zeros(len(lines), dtype=bool))
    profile = sheet_profile(lines)
    if profile.empty:
        return [], decision
    facts = {(s.file, s.sheet): s for s in sheets}
    # a sheet feeding several department-years (a five-year table, a long file) prints no one set's total
    spread = profile.groupby([SOURCE_FILE, SOURCE_SHEET], sort=False).size()
    multi = {(str(f), str(sh)) for (f, sh), n in spread.items() if n > 1}
    per_group = profile.groupby([DEPARTMENT, YEAR, STAGE], sort=False, dropna=False)
    sets: list[PublishedSet] = []
    sheet_keys = None
    only_group = profile[[DEPARTMENT, YEAR]].drop_duplicates().shape[0] == 1
    for (department, year, stage), group in per_group:
        tables = _set_tables(group, facts, multi)
        if all(t.kind.role == LINE_LEVEL for t in tables):
            continue
        tables += _tables_without_lines(
            sheets, str(department), int(year), str(stage), only_group, {t.key for t in tables}
        )
        if len(tables) < 2:
            continue  # one table (or one export): nothing to relate
        empty = _empty_tables(sheets, str(department), int(year), only_group)
        pset = PublishedSet(str(department), int(year), str(stage), tables)
        cross = _choose(pset, sources, empty)
        if cross:
            if sheet_keys is None:
                sheet_keys = pd.Series(
                    list(
                        zip(
                            lines[SOURCE_FILE].astype("object"),
                            lines[SOURCE_SHEET].astype("object").fillna(""),
                            strict=True,
                        )
                    ),
                    index=lines.index,
                )
            in_group = (
                (lines[DEPARTMENT].astype("object") == department).to_numpy()
                & (lines[YEAR].to_numpy() == year)
                & (lines[STAGE].astype("object") == stage).to_numpy()
            )
            for table, against in cross:
                decision.set_aside |= in_group & (sheet_keys == table.key).to_numpy()
                names = "、".join(t.title for t in against)
                decision.counted_from[table.key] = names
                decision.notes[table.key] = (
                    f"交叉核对：本表（{table.kind.describe('zh')}）与{names}是同一笔钱的不同资金口径，按规则中资金口径的优先顺序由后者计量，本表不计入，只作勾稽",
                    f"cross-check: this table ({table.kind.describe('en')}) and {names} hold the same money in nested "
                    f"funding scopes; the rules' sources measure it on the latter, this table is not added, only checked",
                )
        pset.relations = _relations(pset, lines, group, problems, empty)
        _tag_failures(pset, lines, decision)
        pset.total = _department_total(pset, sources)
        _uses(pset)
        sets.append(pset)
    return sets, decision


def _tag_failures(pset: PublishedSet, lines: pd.DataFrame, decision: Decision) -> None:
    """The lines a failed cross-table relation rests on get its 勾稽不符 tag (both figures, both tables)."""
    from budget_guard.model.table import TAG_SEPARATOR, relation_failed_tag

    failed = [r for r in pset.failed if r.left is not None and r.targets]
    if not failed:
        return
    in_group = (
        (lines[DEPARTMENT].astype("object") == pset.department).to_numpy()
        & (lines[YEAR].to_numpy() == pset.year)
        & (lines[STAGE].astype("object") == pset.stage).to_numpy()
    )
    keys = pd.Series(
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
    econ = lines[ECON_CODE].astype("object").fillna("").astype(str)
    if decision.tags is None:
        decision.tags = np.full(len(lines), None, dtype=object)
    for r in failed:
        mask = np.zeros(len(lines), dtype=bool)
        for key, code in r.targets:
            hit = in_group & (keys == key).to_numpy()
            if code is not None:
                hit &= econ.str.match(code).to_numpy()
            mask |= hit
        tag = relation_failed_tag(f"{r.name('zh')}：{r.text('zh')}")
        for position in np.flatnonzero(mask):
            old = decision.tags[position]
            decision.tags[position] = tag if old is None else f"{old}{TAG_SEPARATOR}{tag}"


def _set_tables(group: pd.DataFrame, facts: dict, multi: set[tuple[str, str]]) -> list[SetTable]:
    tables = []
    for r in group.to_dict("records"):
        key = (str(r[SOURCE_FILE]), str(r[SOURCE_SHEET]))
        fact = facts.get(key)
        layout = fact.layout if fact else None
        title = (fact.title if fact else "") or key[1] or key[0]
        role = role_of(title, layout, True)
        types = {t for t, n in ((BASIC_TYPE, r["basic"]), (PROJECT_TYPE, r["project"])) if n}
        if r["untyped"]:
            types |= {BASIC_TYPE, PROJECT_TYPE}
        scope = fact.scope if fact else None
        if scope is None and role in SPENDING_ROLES:
            scope = scope_of(title)  # a published table a line-level reader took keeps its title's scope
        if role == SANGONG and scope is None:
            scope = APPROPRIATION
        kind = TableKind(
            role, scope, classification_of(int(r["func"]), int(r["econ"])), coverage_of(role, types)
        )
        table = SetTable(
            key[0],
            key[1],
            title,
            kind,
            fact.outcome if fact else "",
            fact.unit if fact else None,
            read_fen=int(r["fen"]),
            lines=int(r["lines"]),
            printed_total_fen=fact.printed_total_fen if fact and key not in multi else None,
        )
        table.profile = r
        tables.append(table)
    return tables


def _belongs(s: SheetFacts, department: str, year: int, stage: str, only_group: bool) -> bool:
    """A table without lines of its own belongs to this department-year when it says so (its department
    and year, or its title's year), or when the run holds one department-year only."""
    import re

    from budget_guard.ingest.recognise.context import stage_in_text

    if s.department not in (None, department) or stage_in_text(normalise(s.title)) not in (None, stage):
        return False
    years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", normalise(s.title))}
    return (
        s.year == year
        or (s.year is None and years == {year})
        or (not years and s.year is None and only_group)
    )


def _tables_without_lines(
    sheets: list[SheetFacts],
    department: str,
    year: int,
    stage: str,
    only_group: bool,
    seen: set[tuple[str, str]],
) -> list[SetTable]:
    """The set's other tables: not spending, empty, or not read — listed with their kind (unknown ones with
    their title), so every table of the set is accounted for."""
    out = []
    for s in sheets:
        if (
            (s.file, s.sheet) in seen
            or s.layout in LINE_LEVEL_LAYOUTS
            or not _belongs(s, department, year, stage, only_group)
        ):
            continue
        role = role_of(s.title, s.layout, False)
        scope = s.scope or (scope_of(s.title) if role in SPENDING_ROLES | {SUMMARY, INCOME} else None)
        if role == SUMMARY and scope is None:
            scope = ALL_FUNDS  # a 部门收支总表 naming no narrower scope is the department's whole money
        out.append(
            SetTable(
                s.file,
                s.sheet,
                s.title,
                TableKind(role, scope, None, coverage_of(role, set())),
                s.outcome or "",
                s.unit,
                printed_total_fen=s.printed_total_fen,
                figures=dict(s.figures),
            )
        )
    return out


def _empty_tables(sheets: list[SheetFacts], department: str, year: int, only_group: bool) -> set[str]:
    """Scopes the department-year prints as an empty table (a 基金 table with 本表无数据): known zero.

    An empty table states no department or year of its own lines; it belongs to this department-year
    when its title names the year (and no other department), or when the run holds one department-year only."""
    import re

    out = set()
    for s in sheets:
        if s.outcome != "empty":
            continue
        scope = s.scope or scope_of(s.title)
        if scope is None or s.department not in (None, department):
            continue
        years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", normalise(s.title))}
        if s.year == year or years == {year} or (not years and s.year is None and only_group):
            out.add(scope)
    return out


def _rivals(tables: list[SetTable]) -> list[SetTable]:
    """Tables the lattice settles: spending tables of a known scope read as published (not the all-funds
    table, not the 三公 table, not a line-level file: those have their own settlement)."""
    return [
        t
        for t in tables
        if t.kind.role in SPENDING_ROLES
        and t.kind.scope in (APPROPRIATION, GENERAL, FUND, STATE_CAPITAL)
        and t.kind.classification in (FUNC, ECON)
        and t.outcome != "repeated"
    ]


def _meets(a: SetTable, b: SetTable) -> bool:
    return bool(_coverage_types(a.kind.coverage) & _coverage_types(b.kind.coverage))


def _choose(pset: PublishedSet, sources, empty: set[str]) -> list[tuple[SetTable, list[SetTable]]]:
    """Per classification, the tables of the first preferred scope are counted; tables of nested scopes are cross-checks."""
    cross = []
    for classification in (FUNC, ECON):
        preference = [SCOPE_OF_RULES[s] for s in getattr(sources, classification)]
        candidates = [t for t in _rivals(pset.tables) if t.kind.classification == classification]
        if len({t.kind.scope for t in candidates}) < 2:
            continue
        rank: dict[str | None, int] = {scope: i for i, scope in enumerate(preference)}
        counted: list[SetTable] = []
        for table in sorted(candidates, key=lambda t: rank.get(t.kind.scope, len(rank))):
            against = [
                k
                for k in counted
                if k.kind.scope != table.kind.scope
                and nested(k.kind.scope, table.kind.scope)
                and _meets(k, table)
            ]
            if against:
                table.use = CROSS_CHECK
                cross.append((table, against))
            else:
                counted.append(table)
    return cross


def _figure(tables: list[SetTable], types: frozenset[str], label: tuple[str, str]) -> tuple[Figure, int]:
    """The sum of the tables' lines of the expense types given, and how many printed figures it adds."""
    fen = sum(
        int(_profile(t)["fen"]) if types == COVERAGE_TYPES["all"] else _typed(_profile(t), types)
        for t in tables
    )
    terms = sum(int(_profile(t)["lines"]) for t in tables)
    return Figure(fen, label[0], label[1], "、".join(t.title for t in tables)), terms


def _typed(r, types: frozenset[str]) -> int:
    """Lines of the given expense types; untyped lines count in full (the table covers what its title says)."""
    typed = (int(r["basic_fen"]) if BASIC_TYPE in types else 0) + (
        int(r["project_fen"]) if PROJECT_TYPE in types else 0
    )
    untyped = int(r["fen"]) - int(r["basic_fen"]) - int(r["project_fen"])
    return typed + untyped


def _step(tables: list[SetTable]) -> int:
    return max((printed_step_fen(None, t.unit or "元") for t in tables), default=1)


def _check(
    pset, relation, classification, left, right, terms, tables, comparison="=", targets=None
) -> RelationCheck:
    allowed = allowance_fen(_step(tables), terms)
    difference = left.fen - right.fen
    if comparison == "=":
        ok = abs(difference) <= allowed
    elif comparison == "≤":
        ok = difference <= allowed
    else:
        ok = difference >= -allowed
    unit = next((t.unit for t in tables if t.unit), None)
    return RelationCheck(
        relation,
        pset.department,
        pset.year,
        pset.stage,
        classification,
        ok,
        left,
        right,
        comparison,
        unit,
        targets=tuple((t.key, None) for t in tables) if targets is None else tuple(targets),
    )


def _relations(
    pset: PublishedSet, lines: pd.DataFrame, group: pd.DataFrame, problems: list[Problem], empty: set[str]
) -> list[RelationCheck]:
    checks: list[RelationCheck] = []
    checks += _reader_relations(pset, problems)
    for classification in (FUNC, ECON):
        tables = [
            t
            for t in pset.tables
            if t.kind.role in SPENDING_ROLES
            and t.kind.classification == classification
            and t.outcome != "repeated"
        ]
        by_scope: dict[str, list[SetTable]] = {}
        for t in tables:
            if t.kind.scope:
                by_scope.setdefault(t.kind.scope, []).append(t)
        # 财政拨款 = 一般公共预算 + 基金 + 国资 (coverage: what both sides cover)
        for wide in by_scope.get(APPROPRIATION, []):
            parts = [t for s in PARTS_OF[APPROPRIATION] for t in by_scope.get(s, []) if _meets(t, wide)]
            if not parts:
                continue
            types = _coverage_types(wide.kind.coverage) & frozenset().union(
                *(_coverage_types(p.kind.coverage) for p in parts)
            )
            known = {p.kind.scope for p in parts} | empty
            complete = all(s in known for s in PARTS_OF[APPROPRIATION])
            left, n_left = _figure([wide], types, ("财政拨款", "appropriations"))
            right, n_right = _figure(parts, types, ("一般公共预算+基金+国资", "general+funds+state capital"))
            checks.append(
                _check(
                    pset,
                    "scope-sum",
                    classification,
                    left,
                    right,
                    n_left + n_right,
                    [wide, *parts],
                    "=" if complete else "≥",
                )
            )
        # 支出表的基本支出 = 基本支出表的合计 (same scope, 功能 table with a 基本支出 column vs 经济 基本支出表)
        if classification == ECON:
            for scope, econ_tables in by_scope.items():
                basic_tables = [t for t in econ_tables if t.kind.coverage == "basic"]
                func_tables = [
                    t
                    for t in pset.tables
                    if t.kind.classification == FUNC
                    and t.kind.scope == scope
                    and t.kind.role in SPENDING_ROLES
                    and int(_profile(t)["basic"]) > 0
                    and t.outcome != "repeated"
                ]
                if basic_tables and func_tables:
                    left = Figure(
                        sum(int(_profile(t)["basic_fen"]) for t in func_tables),
                        "支出表的基本支出",
                        "the spending table's basic column",
                        "、".join(t.title for t in func_tables),
                    )
                    right, n_right = _figure(
                        basic_tables, COVERAGE_TYPES["basic"], ("基本支出表合计", "the basic table's total")
                    )
                    n_left = sum(int(_profile(t)["basic"]) for t in func_tables)
                    checks.append(
                        _check(
                            pset,
                            "basic-column",
                            None,
                            left,
                            right,
                            n_left + n_right,
                            [*func_tables, *basic_tables],
                        )
                    )
    # 全部资金 ≥ the narrower 功能 tables it contains
    whole = [t for t in pset.tables if t.kind.scope == ALL_FUNDS and t.kind.classification == FUNC]
    narrow = [
        t
        for t in pset.tables
        if t.kind.classification == FUNC
        and t.kind.scope in CONTAINS[ALL_FUNDS]
        and t.use != CROSS_CHECK
        and t.kind.role in SPENDING_ROLES
        and t.outcome != "repeated"
    ]
    from budget_guard.ingest.recognise.table_kinds import SPENDING_TOTAL

    printed_whole = [
        t
        for t in pset.tables
        if t.kind.scope == ALL_FUNDS
        and t.kind.role == SPENDING
        and _profile_of(t) is None
        and SPENDING_TOTAL in t.figures
    ]
    if not whole and printed_whole and narrow:  # a 支出总表 printed without codes: its 合计 row
        total = printed_whole[0]
        left = Figure(total.figures[SPENDING_TOTAL], "全部资金支出合计", "all-funds total", total.title)
        right, n_right = _figure(
            narrow, COVERAGE_TYPES["all"], ("财政拨款口径各表合计", "appropriation tables' total")
        )
        checks.append(_check(pset, "all-funds", FUNC, left, right, 1 + n_right, [total, *narrow], "≥"))
    if whole and narrow:
        left, n_left = _figure(whole, COVERAGE_TYPES["all"], ("全部资金支出合计", "all-funds total"))
        right, n_right = _figure(
            narrow, COVERAGE_TYPES["all"], ("财政拨款口径各表合计", "appropriation tables' total")
        )
        checks.append(_check(pset, "all-funds", FUNC, left, right, n_left + n_right, [*whole, *narrow], "≥"))
    checks += _sangong_relations(pset, lines)
    checks += _summary_relations(pset, empty)
    checks += _operating_relation(pset, lines)
    return checks


def _operating_relation(pset: PublishedSet, lines: pd.DataFrame) -> list[RelationCheck]:
    """A printed 机关运行经费 ≤ the 基本支出表's 公用经费 (302 商品和服务支出 + 310 资本性支出): it is the
    basic 公用经费 of the administrative units only (``printed.py`` reads the figure as one tagged line)."""
    from budget_guard.ingest.settle.printed import figure_lines

    mine = lines.loc[
        (lines[DEPARTMENT].astype("object") == pset.department).to_numpy()
        & (lines[YEAR].to_numpy() == pset.year)
        & (lines[STAGE].astype("object") == pset.stage).to_numpy()
    ]
    figure = figure_lines(mine)
    basic = [
        t
        for t in pset.tables
        if t.kind.role == BASIC
        and t.kind.classification == ECON
        and t.use != CROSS_CHECK
        and t.outcome != "repeated"
    ]
    if not figure.any() or not basic:
        return []
    keys = pd.Series(
        list(
            zip(
                mine[SOURCE_FILE].astype("object"),
                mine[SOURCE_SHEET].astype("object").fillna(""),
                strict=True,
            )
        ),
        index=mine.index,
        dtype=object,
    )
    econ = mine[ECON_CODE].astype("object").fillna("").astype(str)
    public = keys.isin([t.key for t in basic]).to_numpy() & econ.str.match(r"^(?:302|310)").to_numpy()
    source = keys[figure].iloc[0]
    title = next((t.title for t in pset.tables if t.key == source), source[1] or source[0])
    left = Figure(
        int(mine.loc[figure, AMOUNT_FEN].sum()), "机关运行经费", "operating costs (机关运行经费)", title
    )
    right = Figure(
        int(mine.loc[public, AMOUNT_FEN].sum()),
        "基本支出表公用经费（302+310）",
        "the basic table's 公用经费 (302+310)",
        "、".join(t.title for t in basic),
    )
    targets = [(source, None), *((t.key, r"^(?:302|310)") for t in basic)]
    return [_check(pset, "operating", None, left, right, 1 + int(public.sum()), basic, "≤", targets)]


def _printed(t: SetTable) -> int:
    return t.printed_total_fen if t.printed_total_fen is not None else t.read_fen


def _summary_relations(pset: PublishedSet, empty: set[str]) -> list[RelationCheck]:
    """The 收支总表's own balance (收入总计 = 支出总计), and its 本年支出合计 against the spending tables of its scope."""
    from budget_guard.ingest.recognise.table_kinds import (
        INCOME_GRAND,
        INCOME_TOTAL,
        PART_PREFIX,
        SPENDING_GRAND,
        SPENDING_TOTAL,
    )

    out = []
    # a 支出总表 printed as one row: 合计 = 基本支出 + 项目支出 (+ 单位预留机动经费 …, as printed)
    for table in [t for t in pset.tables if t.kind.role in SPENDING_ROLES and _profile_of(t) is None]:
        printed_parts = {
            k[len(PART_PREFIX) :]: v for k, v in table.figures.items() if k.startswith(PART_PREFIX)
        }
        if SPENDING_TOTAL in table.figures and len(printed_parts) >= 2:
            left = Figure(table.figures[SPENDING_TOTAL], "合计", "total", table.title)
            label = "+".join(printed_parts)
            right = Figure(sum(printed_parts.values()), label, label, table.title)
            out.append(_check(pset, "parts", FUNC, left, right, 1 + len(printed_parts), [table]))
    for summary in [t for t in pset.tables if t.kind.role == SUMMARY and t.figures]:
        f = summary.figures
        pair = (
            (INCOME_GRAND, SPENDING_GRAND)
            if INCOME_GRAND in f and SPENDING_GRAND in f
            else (INCOME_TOTAL, SPENDING_TOTAL)
        )
        if pair[0] in f and pair[1] in f:
            names = ("收入总计", "支出总计") if pair[0] == INCOME_GRAND else ("本年收入合计", "本年支出合计")
            left = Figure(f[pair[0]], names[0], names[0], summary.title)
            right = Figure(f[pair[1]], names[1], names[1], summary.title)
            out.append(_check(pset, "income-spending", None, left, right, 2, [summary]))
        if SPENDING_TOTAL not in f or summary.kind.scope is None:
            continue
        scope = summary.kind.scope
        spending = [
            t
            for t in pset.tables
            if t.kind.role == SPENDING
            and t.kind.classification == FUNC
            and t.kind.coverage == "all"
            and t.outcome != "repeated"
            and t.kind.scope is not None
        ]
        same = [t for t in spending if t.kind.scope == scope]
        parts = [] if same else [t for t in spending if t.kind.scope in CONTAINS.get(scope, ())]
        if scope == ALL_FUNDS and not same:
            continue  # a department total without its 支出总表: the narrower tables are not all of it
        tables = same or [
            t
            for t in parts
            if not any(
                o.kind.scope is not None
                and nested(t.kind.scope, o.kind.scope)
                and t.kind.scope in CONTAINS.get(o.kind.scope, ())
                for o in parts
            )
        ]
        if not tables:
            continue
        complete = bool(same) or all(
            p in {t.kind.scope for t in tables} | empty for p in PARTS_OF.get(scope, ())
        )
        left = Figure(f[SPENDING_TOTAL], "本年支出合计", "spending total", summary.title)
        right = Figure(
            sum(_printed(t) for t in tables),
            "支出表合计",
            "spending tables' total",
            "、".join(t.title for t in tables),
        )
        out.append(
            _check(
                pset,
                "summary-spending",
                FUNC,
                left,
                right,
                1 + len(tables),
                [summary, *tables],
                "=" if complete else "≥",
            )
        )
    return out


def _sangong_relations(pset: PublishedSet, lines: pd.DataFrame) -> list[RelationCheck]:
    """Each 三公 item of the 基本支出表 ≤ the 三公 table's figure of the same item (same stage)."""
    sangong = [t for t in pset.tables if t.kind.role == SANGONG]
    basic = [
        t
        for t in pset.tables
        if t.kind.role == BASIC
        and t.kind.classification == ECON
        and t.outcome != "repeated"
        and t.use != CROSS_CHECK  # a 财政拨款 basic table beside the 一般公共预算 one: the same money
    ]
    if not sangong or not basic:
        return []
    mine = lines.loc[
        (lines[DEPARTMENT].astype("object") == pset.department).to_numpy()
        & (lines[YEAR].to_numpy() == pset.year)
        & (lines[STAGE].astype("object") == pset.stage).to_numpy()
        & lines[ECON_CODE].astype("object").isin(SANGONG_CODES).to_numpy()
    ]
    key = pd.Series(
        list(
            zip(
                mine[SOURCE_FILE].astype("object"),
                mine[SOURCE_SHEET].astype("object").fillna(""),
                strict=True,
            )
        ),
        index=mine.index,
        dtype=object,
    )
    out = []
    for code in SANGONG_CODES:
        at = mine[ECON_CODE].astype("object") == code
        in_sangong = at & key.isin([t.key for t in sangong])
        in_basic = at & key.isin([t.key for t in basic])
        if not in_sangong.any() or not in_basic.any():
            continue
        name = SANGONG_ITEM_NAMES[code]
        left = Figure(
            int(mine.loc[in_basic, AMOUNT_FEN].sum()),
            f"基本支出表{name}",
            f"basic table {name}",
            "、".join(t.title for t in basic),
        )
        right = Figure(
            int(mine.loc[in_sangong, AMOUNT_FEN].sum()),
            f"三公表{name}",
            f"三公 table {name}",
            "、".join(t.title for t in sangong),
        )
        out.append(
            _check(
                pset,
                "sangong-basic",
                ECON,
                left,
                right,
                int(in_basic.sum() + in_sangong.sum()),
                [*basic, *sangong],
                "≤",
                targets=[(t.key, f"^{code}$") for t in (*basic, *sangong)],
            )
        )
    return out


def _profile_of(t: SetTable) -> dict[str, Any] | None:
    return t.profile


def _profile(t: SetTable) -> dict[str, Any]:
    """The profile of a table the relations read (every line-level table has one, set by ``_set_tables``)."""
    return required(t.profile, "the line profile of a set table")


def _reader_relations(pset: PublishedSet, problems: list[Problem]) -> list[RelationCheck]:
    """The relations each table's reader checks inside the table (合计 = Σ rows, 类 = Σ款 = Σ项, 合计 = 基本 + 项目):
    checked for every published table of the set, failed where the reader reported the mismatch."""
    out = []
    failures: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        relation = _PROBLEM_RELATIONS.get(p.code)
        if relation:
            failures.setdefault((str(p.file), p.sheet or "", relation), []).append(p)
    for t in pset.tables:
        r = _profile_of(t)
        if t.kind.role == LINE_LEVEL or t.outcome == "repeated" or r is None:
            continue
        checked = []
        if t.printed_total_fen is not None:
            checked.append("row-sum")
        if t.kind.classification in (FUNC, ECON) and t.kind.role in SPENDING_ROLES:
            checked.append("hierarchy")
        if int(r["basic"]) and int(r["project"]):
            checked.append("parts")
        if t.kind.role == SANGONG:
            checked = ["sangong-table"]  # its reader checks the header tree's relations
        for relation in checked:
            found = failures.get((t.file, t.sheet, relation), [])
            if not found:
                out.append(
                    RelationCheck(
                        relation,
                        pset.department,
                        pset.year,
                        pset.stage,
                        t.kind.classification,
                        True,
                        detail_zh=f"{t.title}：通过",
                        detail_en=f"{t.title}: holds",
                        unit=t.unit,
                    )
                )
                continue
            for p in found:
                out.append(
                    RelationCheck(
                        relation,
                        pset.department,
                        pset.year,
                        pset.stage,
                        t.kind.classification,
                        False,
                        detail_zh=f"{t.title}：{p.describe('zh')}",
                        detail_en=f"{t.title}: {p.describe('en')}",
                        unit=t.unit,
                    )
                )
    return out


def _department_total(pset: PublishedSet, sources) -> DepartmentTotal | None:
    """The printed 合计 of the table of the first scope in ``sources.total`` that the set prints (功能 or whole;
    a 支出总表 printed without codes gives its 合计 row)."""
    from budget_guard.ingest.recognise.table_kinds import SPENDING_TOTAL

    for rules_scope in sources.total:
        scope = SCOPE_OF_RULES[rules_scope]
        for t in pset.tables:
            if t.kind.scope != scope or t.kind.role != SPENDING or t.outcome == "repeated":
                continue
            if _profile_of(t) is None:
                if SPENDING_TOTAL in t.figures:
                    return DepartmentTotal(t.figures[SPENDING_TOTAL], t.title, scope, True, t.unit)
                continue
            if t.kind.coverage == "all" and t.kind.classification in (FUNC, None):
                printed = t.printed_total_fen is not None
                return DepartmentTotal(
                    t.printed_total_fen if t.printed_total_fen is not None else t.read_fen,
                    t.title,
                    scope,
                    printed,
                    t.unit,
                )
    return None


def _uses(pset: PublishedSet) -> None:
    """How each table's lines relate to the department total."""
    total_scope = pset.total.scope if pset.total else None
    for t in pset.tables:
        if t.use == CROSS_CHECK:
            continue
        if t.kind.role not in SPENDING_ROLES | {SANGONG, LINE_LEVEL} or t.outcome in (
            "empty",
            "not-spending",
        ):
            t.use = NOT_COUNTED
        elif t.kind.classification == ECON or t.kind.role == SANGONG:
            t.use = OTHER_CLASSIFICATION
        elif total_scope and t.kind.scope and not nested(total_scope, t.kind.scope):
            t.use = OTHER_SCOPE
        else:
            t.use = COUNTED


# -- what the engine and the reports read ------------------------------------------------------------------


def record_counted(sets: list[PublishedSet], table: pd.DataFrame) -> None:
    """After every cross-table decision: what the run counts from each table for each set (``table``: the
    lines counted). A line-level file counted where the set's total table was set aside gives the total."""
    profile = sheet_profile(table)
    counted = {
        (str(r[DEPARTMENT]), int(r[YEAR]), str(r[STAGE]), str(r[SOURCE_FILE]), str(r[SOURCE_SHEET])): int(
            r["fen"]
        )
        for r in profile.to_dict("records")
    }
    for s in sets:
        for t in s.tables:
            key = (s.department, s.year, s.stage, *t.key)
            t.counted_fen = counted.get(key, 0) if t.use != CROSS_CHECK else 0
            if t.use in (COUNTED, OTHER_SCOPE) and not t.counted_fen and t.read_fen:
                t.use = (
                    CROSS_CHECK  # its money was counted from another table or file (repeat, second source)
                )
        line_level = [t for t in s.tables if t.kind.role == LINE_LEVEL and t.counted_fen]
        chosen = next((t for t in s.tables if s.total is not None and t.title == s.total.table), None)
        if line_level and (s.total is None or (chosen is not None and not chosen.counted_fen)):
            s.total = DepartmentTotal(
                sum(t.counted_fen or 0 for t in line_level),
                "、".join(t.title for t in line_level),
                None,
                False,
                next((t.unit for t in line_level if t.unit), None),
            )
            for t in s.tables:
                if t.kind.role != LINE_LEVEL and t.use == COUNTED:
                    t.use = NOT_COUNTED if not t.counted_fen else t.use


def relation_problems(sets: list[PublishedSet]) -> list[Problem]:
    """A ``relation-failed`` warning per failed cross-table relation (the readers report their own)."""
    out = []
    for s in sets:
        for r in s.failed:
            if r.left is None:
                continue  # a reader's own check: already in the problems
            out.append(
                Problem(
                    "relation-failed",
                    file=None,
                    details={
                        "department": s.department,
                        "year": s.year,
                        "stage": s.stage,
                        "relation": f"{r.name('zh')} / {r.name('en')}",
                        "text": f"{r.text('zh')} / {r.text('en')}",
                    },
                )
            )
    return out


def total_texts(sets: list[PublishedSet], lang: str = "zh", limit: int = 3) -> list[str]:
    """Per department-year-stage with a total: the department total, the table giving it, and how every
    table's lines relate to it (counted, cross-check, other classification, other scope, not counted)."""
    from budget_guard import messages as msg

    out = []
    i = 0 if lang == "zh" else 1
    for s, total in [(s, s.total) for s in sets if s.total is not None][:limit]:
        text = msg.t(
            "published.total",
            lang,
            department=s.department,
            year=s.year,
            stage=_STAGE_NAMES.get(s.stage, (s.stage, s.stage))[i],
            total=amount(total.fen, total.unit, lang),
            table=total.table,
            how=msg.t("published.total_printed" if total.printed else "published.total_summed", lang),
            scope=SCOPE_NAMES[total.scope][i],
        )
        groups: dict[str, list[str]] = {}
        for t in s.tables:
            if t.use == NOT_COUNTED:
                groups.setdefault(t.use, []).append(t.title)
                continue
            shown = t.counted_fen if t.use == COUNTED and t.counted_fen is not None else t.read_fen
            name = f"{t.title}{' ' if lang == 'en' else ''}{amount(shown, t.unit, lang)}"
            if shown != t.read_fen:
                name += msg.t("published.partly", lang, printed=amount(t.read_fen, t.unit, lang))
            groups.setdefault(t.use, []).append(name)
        uses = ("；" if lang == "zh" else "; ").join(
            f"{USE_NAMES[use][i]}{'：' if lang == 'zh' else ': '}{('、' if lang == 'zh' else ', ').join(names)}"
            for use, names in groups.items()
        )
        out.append(text + msg.t("published.uses", lang, uses=uses))
    return out


def relations_record(sets: list[PublishedSet]) -> list[dict]:
    """Per department-year-stage, for ``--json``: the department total and its table, the relations checked
    (by code) and the failed ones with both figures."""
    return [
        {
            "department": s.department,
            "year": s.year,
            "stage": s.stage,
            "total_fen": None if s.total is None else s.total.fen,
            "total_table": None if s.total is None else s.total.table,
            "checked": len(s.relations),
            "relations": sorted({r.relation for r in s.relations}),
            "failed": [r.as_record() for r in s.failed],
            "disclosure": None if s.disclosure is None else [r.as_record() for r in s.disclosure],
        }
        for s in sets
    ]


def summary_lines(sets: list[PublishedSet], lang: str = "zh", limit: int = 20) -> list[str]:
    """Per department-year-stage: the department total and its table, the relations checked and failed."""
    from budget_guard import messages as msg

    out = [msg.t("published.cli_heading", lang)] if sets else []
    for s in sets[:limit]:
        stage = _STAGE_NAMES.get(s.stage, (s.stage, s.stage))[0 if lang == "zh" else 1]
        failed = s.failed
        if lang == "zh":
            head = f"{s.department}{s.year}年{stage}：公开表{len(s.tables)}张"
            if s.total:
                how = "表中合计" if s.total.printed else "明细之和"
                head += f"，部门支出总额{amount(s.total.fen, s.total.unit)}（{s.total.table}{how}，{SCOPE_NAMES[s.total.scope][0]}口径）"
            head += f"；表间勾稽{len(s.relations)}项，未通过{len(failed)}项"
        else:
            head = f"[{s.department}] {s.year} {stage}: {len(s.tables)} published table(s)"
            if s.total:
                how = "printed total" if s.total.printed else "sum of its lines"
                head += f"; department total {amount(s.total.fen, s.total.unit, 'en')} ({s.total.table}, {how}, {SCOPE_NAMES[s.total.scope][1]})"
            head += f"; {len(s.relations)} cross-table relation(s) checked, {len(failed)} failed"
        out.append(head)
        from budget_guard.ingest.settle.disclosure import summary_text, unmet_texts

        disclosed = summary_text(s, lang)
        if disclosed:
            out.append(f"  {disclosed}")
            out.extend(unmet_texts(s, lang))
        for r in failed:
            out.append(
                f"  ✗ {r.name(lang)}：{r.text(lang)}"
                if lang == "zh"
                else f"  ✗ {r.name(lang)}: {r.text(lang)}"
            )
    return out


__all__ = [
    "CONTAINS",
    "DepartmentTotal",
    "Figure",
    "PublishedSet",
    "RELATIONS",
    "RelationCheck",
    "SetTable",
    "SheetFacts",
    "TableKind",
    "build_sets",
    "nested",
    "relation_problems",
    "role_of",
    "relations_record",
    "summary_lines",
    "total_texts",
]
