"""Rules file (YAML) → a validated, immutable rules model, with errors that name the line and key.

The model says *what* the policy is (categories, selectors, targets, grading bands); classify.py,
compare.py and grade.py say *how* it is applied. YAML is always loaded with the safe loader.
"""

from __future__ import annotations

import hashlib
import re
import string
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from budget_guard.errors import Place, RulesError, required, rules_problem
from budget_guard.messages.rules import RuleProblem, translate, yaml_problem_zh
from budget_guard.model.levels import LEVEL_ORDER as LEVEL_ORDER  # re-exported: the rules model's levels
from budget_guard.model.levels import Level
from budget_guard.model.table import Stage

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "rules" / "four_no_decrease.yaml"
PACKAGED_RULES_PATH = Path(__file__).resolve().parents[1] / "rules" / "four_no_decrease.yaml"
# Sizes a rules file cannot exceed (checked by the model, with the line in the message): names and
# titles, the version, how many groups, categories and data tags.
MAX_TEXT_CHARS = 200
MAX_VERSION_CHARS = 64
MAX_GROUPS = 50
MAX_CATEGORIES = 500
MAX_DATA_TAGS = 2000


class Direction(StrEnum):
    decrease = "decrease"
    no_decrease = "no_decrease"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _code_list(pattern: str, what_zh: str, what_en: str) -> BeforeValidator:
    """A list of classification codes written as quoted text.

    YAML reads an unquoted 30212 as a number and an unquoted 01 as 1 (and 0301 as an octal
    number), so a code list must be quoted; the error says so instead of calling the code malformed.
    """
    regex = re.compile(pattern)

    def check(values: Any) -> Any:
        if not isinstance(values, list):
            return values
        for v in values:
            if isinstance(v, int | float) and not isinstance(v, bool):
                example = f'"{v}"' if regex.fullmatch(str(v)) else '"01"'
                raise RuleProblem.from_key(
                    "rules.code_unquoted", what_zh=what_zh, what_en=what_en, value=v, example=example
                )
            if not isinstance(v, str) or not regex.fullmatch(v):
                raise RuleProblem.from_key("rules.code_malformed", what_zh=what_zh, what_en=what_en, value=v)
        return values

    return BeforeValidator(check)


EconCodes = Annotated[
    list[str], _code_list(r"\d{3}(\d{2})?", "经济分类编码（3或5位数字）", "economic code (3 or 5 digits)")
]
FuncCodes = Annotated[
    list[str],
    _code_list(r"\d{3}(\d{2}){0,2}", "功能分类编码（3、5或7位数字）", "functional code (3, 5 or 7 digits)"),
]
FuncItems = Annotated[
    list[str], _code_list(r"\d{2}", "功能分类“项”（2位数字）", "functional 项 part (2 digits)")
]
GovEconCodes = Annotated[
    list[str],
    _code_list(
        r"5\d{2}(\d{2})?",
        "政府经济分类编码（501–599，3或5位数字）",
        "government economic code (501–599, 3 or 5 digits)",
    ),
]


class Selector(_Strict):
    """Which lines belong to a category.

    Keys set in one mapping must all hold (AND); each key matches if any of its values matches.
    ``any_of`` / ``all_of`` nest selectors; ``exclude`` removes lines that match it.
    """

    econ_codes: EconCodes | None = None
    econ_prefixes: EconCodes | None = None
    func_codes: FuncCodes | None = None
    func_prefixes: FuncCodes | None = None
    func_items: FuncItems | None = None
    tags: list[Annotated[str, Field(min_length=1)]] | None = None
    # A figure a table prints for a whole department-year instead of lines (the 机关运行经费 of a 三公
    # table): a line carrying one of these tags and no code. Such a line covers the category itself.
    printed: list[Annotated[str, Field(min_length=1)]] | None = None
    item_keywords: list[Annotated[str, Field(min_length=1)]] | None = None
    expense_types: list[Literal["基本支出", "项目支出"]] | None = None
    gov_econ_codes: GovEconCodes | None = None
    gov_econ_prefixes: GovEconCodes | None = None
    any_of: list[Selector] | None = None
    all_of: list[Selector] | None = None
    exclude: Selector | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        conditions = [k for k in self.atom_keys() if getattr(self, k)] + [
            k for k in ("any_of", "all_of") if getattr(self, k)
        ]
        if not conditions:
            raise RuleProblem.from_key("rules.selector_empty")
        return self

    @staticmethod
    def atom_keys() -> tuple[str, ...]:
        return (
            "econ_codes",
            "econ_prefixes",
            "func_codes",
            "func_prefixes",
            "func_items",
            "tags",
            "printed",
            "item_keywords",
            "expense_types",
            "gov_econ_codes",
            "gov_econ_prefixes",
        )


class Text(_Strict):
    zh: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    en: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Group(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    direction: Direction


class Category(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: str
    name: Text
    target_pct: float = Field(ge=0, le=100, strict=True)  # strict: "5" is text, not silently 5
    materiality_yuan: float | None = Field(default=None, ge=0, strict=True)
    select: Selector


class Band(_Strict):
    max_shortfall_pp: float | None = Field(default=None, gt=0, strict=True)
    level: Level

    @field_validator("level")
    @classmethod
    def _not_compliant(cls, v: Level) -> Level:
        if v is Level.compliant:
            raise RuleProblem.from_key("rules.band_compliant")
        return v


class DirectionGrading(_Strict):
    wrong_direction: Level
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> DirectionGrading:
        limits = [b.max_shortfall_pp for b in self.bands]
        if limits[-1] is not None:
            raise RuleProblem.from_key("rules.last_band_open")
        finite = [x for x in limits[:-1] if x is not None]
        if len(finite) != len(limits) - 1 or finite != sorted(finite):
            raise RuleProblem.from_key("rules.bands_order")
        return self


class Grading(_Strict):
    materiality_yuan: float = Field(ge=0, strict=True)
    below_materiality: Level
    no_baseline: Level
    missing_current: Level
    empty_category: Level
    prior_zero_increase: Level
    directions: dict[Direction, DirectionGrading]
    # trust: a category amount that adds a 功能分类 and an 经济分类 table of the same money
    # (engine/double_count.py). Rules files written before the key keep the loud default.
    double_counted: Level = Level.red
    # trust: a category amount that takes a figure which failed a relation its table states (合计 ≠
    # Σ parts, 三公小计 ≠ 出国 + 车 + 接待; engine/relation_failed.py). The cell is 不可比, never red;
    # this is the level of its finding. Rules files written before the key keep the default.
    relation_failed: Level = Level.yellow

    # trust: a 不可比 / 无数据 cell is never 达标; these keys only set how loudly its gap is reported.
    @field_validator("no_baseline", "missing_current", "empty_category", "double_counted", "relation_failed")
    @classmethod
    def _gap_not_compliant(cls, v: Level) -> Level:
        if v is Level.compliant:
            raise RuleProblem.from_key("rules.gap_compliant")
        return v

    @field_validator("directions")
    @classmethod
    def _both(cls, v: dict[Direction, DirectionGrading]) -> dict[Direction, DirectionGrading]:
        missing = {d.value for d in Direction} - {d.value for d in v}
        if missing:
            raise RuleProblem.from_key("rules.directions_missing", names="、".join(sorted(missing)))
        return v


class Compare(_Strict):
    stage: Stage = "budget"
    # the previous year's figures this year is compared with: None = the same stage
    baseline: Stage | None = None
    scopes: list[Literal["government", "division", "department", "unit"]] = Field(min_length=1)
    government_label: Text | None = None  # None: 全县/全区/全市合计 from the data (engine/scope_label.py)

    @property
    def baseline_stage(self) -> str:
        return self.baseline or self.stage

    @property
    def government(self) -> Text:
        """The government scope's label: the rules' own or, when they give none, the one the data imply,
        set by engine/scope_label.with_government_label before any scope is built."""
        return required(self.government_label, "compare.government_label (with_government_label not applied)")


# -- 一个数只取自一张表: which published table measures the money (ingest/settle/published_set.py) ------------

FUNDING_SCOPES = ("all_funds", "appropriation", "general", "fund", "state_capital")
FundingScope = Literal["all_funds", "appropriation", "general", "fund", "state_capital"]
_SCOPE_ZH = {
    "all_funds": "全部资金",
    "appropriation": "财政拨款",
    "general": "一般公共预算",
    "fund": "政府性基金",
    "state_capital": "国有资本经营预算",
}


class Sources(_Strict):
    """Per classification, the funding scopes in order of preference: when one department-year-stage prints
    the same money in tables of nested scopes (全部资金 ⊇ 财政拨款 ⊇ 一般公共预算 / 政府性基金 / 国有资本经营预算),
    the table of the first scope listed that the set prints measures it; the others are cross-checks."""

    func: list[FundingScope] = Field(min_length=1)
    econ: list[FundingScope] = Field(min_length=1)
    total: list[FundingScope] = Field(min_length=1)  # the department total a clerk reads

    @field_validator("func", "econ", "total")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        repeated = sorted({s for s in v if v.count(s) > 1})
        if repeated:
            raise RuleProblem.from_key(
                "rules.scope_repeated",
                scopes_zh="、".join(_SCOPE_ZH.get(s, s) for s in repeated),
                scopes_en=", ".join(repeated),
            )
        return v


DEFAULT_SOURCES: dict[str, list[FundingScope]] = {
    "func": ["appropriation", "general", "fund", "state_capital", "all_funds"],
    "econ": ["general", "appropriation", "fund", "state_capital", "all_funds"],
    "total": ["all_funds", "appropriation", "general"],
}


# -- 公开 completeness: the tables a 部门预算/决算 公开 must contain (ingest/settle/disclosure.py) ---------------

# the published set's table roles (ingest/settle/published_set.ROLE_NAMES) an obligation may name
TableRole = Literal[
    "units",
    "summary",
    "income",
    "spending",
    "basic",
    "project",
    "sangong",
    "operating",
    "procurement",
    "performance",
]
DisclosureCheck = Literal["printed", "sangong_items", "both_stages"]


class TableMatch(_Strict):
    """What satisfies an obligation, in the published set's table kinds; an unset key matches any value."""

    role: TableRole
    scope: FundingScope | None = None
    classification: Literal["func", "econ"] | None = None
    coverage: Literal["basic", "project", "all"] | None = None


class Obligation(_Strict):
    """One table (or one content of a table) a 公开 must contain.

    ``check``: printed — the table is printed (read, or declared empty with a 本表无数据 note when
    ``may_be_empty``); sangong_items — the 三公 table prints each item (因公出国（境）费, 公务用车购置及运行维护费,
    公务接待费); both_stages — it prints 预算数 and 决算数 (a 决算 三公 table).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    table: TableMatch
    check: DisclosureCheck = "printed"
    may_be_empty: bool = True


class Disclosure(_Strict):
    """Per stage (budget 预算, final 决算), the obligations every published set of that stage is checked for."""

    severity: Literal["notice", "warning", "error"] = "warning"  # of each unmet obligation's problem
    budget: list[Obligation] = Field(default_factory=list, max_length=50)
    final: list[Obligation] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> Disclosure:
        for stage in (self.budget, self.final):
            _unique([o.id for o in stage], "disclosure")
            for o in stage:
                if o.check != "printed" and o.table.role != "sangong":
                    raise RuleProblem.from_key("rules.disclosure_check_role", id=o.id)
        for o in self.budget:
            if o.check == "both_stages":
                raise RuleProblem.from_key("rules.disclosure_stages_in_budget", id=o.id)
        return self

    def for_stage(self, stage: str) -> list[Obligation]:
        return list(self.budget if stage == "budget" else self.final if stage == "final" else [])


# -- 预算执行: 决算 against the year's budget ------------------------------------------------------------


class ExecutionBand(_Strict):
    """Deviation in the wrong direction (spent above a 过紧日子 budget / below an 只增不减 one), in %."""

    max_pct: float | None = None
    level: Level


class ExecutionGrading(_Strict):
    bands: list[ExecutionBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> ExecutionGrading:
        limits = [b.max_pct for b in self.bands]
        finite = [x for x in limits[:-1] if x is not None]
        if limits[-1] is not None or len(finite) != len(limits) - 1 or finite != sorted(finite):
            raise ValueError("bands must be in increasing max_pct order, only the last one null")
        return self


class PefaBand(_Strict):
    max_pct: float | None = None
    score: Literal["A", "B", "C", "D"]


class Pefa(_Strict):
    """PEFA 2016 PI-1 (aggregate outturn: |决算 / 预算 − 100%|) and PI-2 (composition variance) bands."""

    aggregate: list[PefaBand] = Field(min_length=1)
    composition: list[PefaBand] = Field(min_length=1)


class Execution(_Strict):
    against: Literal["budget", "adjusted"] = "budget"
    materiality_yuan: float = Field(ge=0)
    below_materiality: Level
    directions: dict[Direction, ExecutionGrading]
    pefa: Pefa | None = None

    @field_validator("directions")
    @classmethod
    def _both(cls, v: dict[Direction, ExecutionGrading]) -> dict[Direction, ExecutionGrading]:
        missing = {d.value for d in Direction} - {d.value for d in v}
        if missing:
            raise ValueError(f"execution grading for direction(s) missing: {sorted(missing)}")
        return v


# -- supervision (挂牌督办): deadlines, escalation ladder, rectification types -------------------------

# Bounds checked where the rules are validated, so that no rules file (an upload in the dashboard)
# can make validation or a later step build something huge.
MAX_CASE_NUMBER_CHARS = 64  # the number_format text
MAX_CASE_NUMBER_WIDTH = 12  # a {seq:06d}-style width or precision
MAX_DEADLINE_DAYS = 3650
MAX_CONSECUTIVE_RUNS = 1000
# a field spec of str.format: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_FORMAT_SPEC = re.compile(
    r"^(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?$"
)


class Escalation(_Strict):
    """One rung of the ladder: a case still open at its deadline (and/or seen N runs in a row) moves up."""

    at_deadline: bool
    consecutive_runs: int | None = Field(default=None, ge=2, le=MAX_CONSECUTIVE_RUNS)


class Ladder(_Strict):
    yellow_to_red: Escalation
    red_to_listed: Escalation


class RectificationType(_Strict):
    """立行立改 / 分阶段整改: a name and, optionally, a shorter 整改时限 than the level's."""

    name: Text
    deadline_days: int | None = Field(default=None, ge=1, le=MAX_DEADLINE_DAYS)


class Rectification(_Strict):
    types: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], RectificationType] = Field(min_length=1)
    default: str
    categories: dict[str, str] = Field(default_factory=dict)

    @field_validator("default")
    @classmethod
    def _known_default(cls, v: str, info: ValidationInfo) -> str:
        names = sorted(info.data.get("types") or {})
        if v not in names:
            raise ValueError(f"整改方式 default '{v}' 不在 types 中：{names} / unknown type")
        return v

    @field_validator("categories")
    @classmethod
    def _known_types(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        names = sorted(info.data.get("types") or {})
        for category, kind in v.items():
            if kind not in names:
                raise ValueError(f"类别 {category} 的整改方式 '{kind}' 不在 types 中：{names} / unknown type")
        return v

    def kind_for(self, category_id: str) -> str:
        return self.categories.get(category_id, self.default)


FINDING_LEVELS: tuple[Level, ...] = (Level.white, Level.yellow, Level.red)


class Papers(_Strict):
    """What the papers a clerk files say (督办单 title block, 整改通知书): each may also come from CLI options.

    ``government_unit`` is the body held responsible for a government-level case (a total such as
    全市合计 is not a body), e.g. the finance bureau's 预算科. Unset fields print as a line to fill in.
    """

    issuer: Text | None = None  # 发文机关
    government_unit: Text | None = None  # 责任单位 of a government-level (本级合计) case
    signer: str | None = Field(default=None, min_length=1)  # 签发人
    doc_number: str | None = Field(default=None, min_length=1)  # 督办文号, e.g. 财督〔2025〕3号
    reply_days: int | None = Field(
        default=None, ge=1
    )  # 整改通知书: reply within N days (default: by the 整改时限)


class Supervision(_Strict):
    """How findings become cases (docs/cases.md): which levels open one, 整改时限, the ladder."""

    open_levels: list[Level] = Field(min_length=1)
    open_years: Literal["latest", "all"]
    number_format: str = Field(min_length=1, max_length=MAX_CASE_NUMBER_CHARS)
    deadline_days: dict[Level, Annotated[int, Field(le=MAX_DEADLINE_DAYS)]]
    escalation: Ladder
    rectification: Rectification
    papers: Papers = Field(default_factory=Papers)

    @field_validator("open_levels")
    @classmethod
    def _finding_levels(cls, v: list[Level]) -> list[Level]:
        if Level.compliant in v:
            raise ValueError("达标不能立案 / 'compliant' cannot open a case")
        return v

    @field_validator("number_format")
    @classmethod
    def _number_format(cls, v: str) -> str:
        # Bounded before anything is formatted: "{seq:999999999}" would build a string that wide.
        try:
            fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(v) if name is not None]
        except ValueError as exc:
            raise ValueError(f"督办编号格式无效（{exc}） / invalid number_format ({exc})") from None
        for name, spec in fields:
            if name not in ("year", "seq"):
                raise ValueError(
                    f"督办编号格式只能使用 {{year}} 和 {{seq}}（{{{name}}}） / only {{year}} and {{seq}} may be used"
                )
            shape = _FORMAT_SPEC.match(spec or "")
            if shape is None or "{" in (spec or ""):
                raise ValueError(f"督办编号格式“{spec}”无效 / invalid format spec '{spec}'")
            width = max(int(shape["width"] or 0), int(shape["precision"] or 0))
            if width > MAX_CASE_NUMBER_WIDTH:
                raise ValueError(
                    f"督办编号的宽度{width}超过上限{MAX_CASE_NUMBER_WIDTH} / "
                    f"width {width} is above the limit of {MAX_CASE_NUMBER_WIDTH}"
                )
        try:
            v.format(year=2025, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"督办编号格式只能使用 {{year}} 和 {{seq}}（{exc}） / only {{year}} and {{seq}} may be used"
            ) from None
        if "{seq" not in v:
            raise ValueError("督办编号格式必须含 {seq} / number_format needs {seq}")
        return v

    @field_validator("deadline_days")
    @classmethod
    def _deadlines(cls, v: dict[Level, int]) -> dict[Level, int]:
        if Level.compliant in v:
            raise ValueError("达标没有整改时限 / 'compliant' has no deadline")
        missing = [lv.value for lv in FINDING_LEVELS if lv not in v]
        if missing:
            raise ValueError(f"deadline_days 缺少等级：{missing} / deadline missing for level(s)")
        bad = [f"{lv.value}={d}" for lv, d in v.items() if d < 1]
        if bad:
            raise ValueError(f"整改时限须至少 1 天：{bad} / deadlines must be at least 1 day")
        return v

    def deadline_for(self, level: str, category_id: str) -> int:
        """整改时限 in days: the level's, or the rectification type's if that is shorter."""
        days = self.deadline_days[Level(level)]
        kind = self.rectification.types[self.rectification.kind_for(category_id)]
        return min(days, kind.deadline_days) if kind.deadline_days else days


# -- tags from the data (一体化 热点分类, 项目类别, 项目名称 …) ------------------------------------------

DataTagColumn = Literal[
    "hot_topic",
    "project_category",
    "project",
    "project_code",
    "fund_type",
    "item",
    "unit_name",
    "unit_code",
]
DATA_TAG_COLUMNS: tuple[DataTagColumn, ...] = get_args(DataTagColumn)


class DataTag(_Strict):
    """A tag a line gets from one of its own columns, so a ``tags:`` selector finds it.

    ``codes`` match the first word of the cell exactly (``"0301 优化营商环境"`` has code ``0301``),
    ``prefixes`` its start, ``keywords`` anywhere in the text. A bureau maps its own 热点分类 or
    project taxonomy here without touching code.
    """

    tag: str = Field(min_length=1)
    column: DataTagColumn
    codes: list[Annotated[str, BeforeValidator(str), Field(min_length=1)]] | None = None
    prefixes: list[Annotated[str, BeforeValidator(str), Field(min_length=1)]] | None = None
    keywords: list[Annotated[str, Field(min_length=1)]] | None = None

    @model_validator(mode="after")
    def _has_values(self) -> DataTag:
        if not (self.codes or self.prefixes or self.keywords):
            raise ValueError(
                "数据标签至少需要 codes、prefixes 或 keywords 之一 / data tag needs codes, prefixes or keywords"
            )
        return self


class Rules(_Strict):
    version: str = Field(max_length=MAX_VERSION_CHARS)
    title: Text
    compare: Compare
    groups: list[Group] = Field(min_length=1, max_length=MAX_GROUPS)
    grading: Grading
    categories: list[Category] = Field(min_length=1, max_length=MAX_CATEGORIES)
    data_tags: list[DataTag] = Field(default_factory=list, max_length=MAX_DATA_TAGS)
    execution: Execution | None = None
    supervision: Supervision | None = None  # 挂牌督办 (cases); without it, --ledger cannot track cases
    # which published table measures the money; rules files written before the key get the documented default
    sources: Sources = Field(default_factory=lambda: Sources(**DEFAULT_SOURCES))
    # 公开 completeness; rules files written before the key check none (the reports say so)
    disclosure: Disclosure | None = None
    source_path: str | None = None
    sha256: str | None = None

    @model_validator(mode="after")
    def _references(self) -> Rules:
        group_ids = [g.id for g in self.groups]
        _unique(group_ids, "groups")
        _unique([c.id for c in self.categories], "categories")
        for i, c in enumerate(self.categories):
            if c.group not in group_ids:
                raise RuleProblem.from_key(
                    "rules.unknown_group", number=i + 1, group=c.group, groups="、".join(group_ids)
                )
        return self

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def direction_of(self, category: Category) -> Direction:
        return self.group(category.group).direction

    def materiality_fen(self, category: Category) -> int:
        yuan = (
            self.grading.materiality_yuan if category.materiality_yuan is None else category.materiality_yuan
        )
        return int(round(yuan * 100))


def _unique(ids: list[str], what: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise RuleProblem.from_key("rules.duplicate_ids", what=what, ids="、".join(sorted(seen)))


# -- loading with line numbers -----------------------------------------------------------------------


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Path (keys and list indexes) → 1-based line, from the YAML node tree; rejects duplicate keys."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                where = Place(line=line, key=".".join(map(str, path + (key,))))
                raise RulesError([rules_problem(where, "rules.duplicate_key", first=seen[key])])
            seen[key] = line
            out[path + (key,)] = line
            _line_map(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out)
    return out


def _place_for(loc: tuple, lines: dict[tuple, int], source: str) -> Place:
    """The line of the deepest path of ``loc`` that exists in the file."""
    clean = tuple(
        p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "list[", "tagged"))
    )
    for n in range(len(clean), -1, -1):
        if clean[:n] in lines:
            return Place(file=source, line=lines[clean[:n]], key=".".join(map(str, clean)) or None)
    return Place(file=source)


MAX_RULES_CHARS = 1_000_000  # the packaged rules are ~20 KB; an upload beyond this is not a rules file


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("alias")
        self.problem_mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing every alias before it is resolved.

    An alias bomb (``b: [*a, *a, …]`` nested ten deep) is a few hundred bytes that expand to
    billions of nodes when the line map or the validator walks the tree; rules never need aliases.
    """

    def compose_node(self, parent, index):  # noqa: ANN001 — PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)
        return super().compose_node(parent, index)


def parse_rules(text: str, source: str = "<rules>") -> Rules:
    """Validate rules given as YAML text; raise RulesError listing every problem with its line."""
    if len(text) > MAX_RULES_CHARS:
        too_large = rules_problem(
            Place(file=source), "rules.too_large", size=f"{len(text):,}", limit=f"{MAX_RULES_CHARS:,}"
        )
        raise RulesError([too_large], source)
    try:
        loader = _NoAliasLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _AliasRefused as exc:
        line = exc.problem_mark.line + 1
        raise RulesError([rules_problem(Place(file=source, line=line), "rules.alias")], source) from None
    except RecursionError:
        raise RulesError([rules_problem(Place(file=source), "rules.too_deep")], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        syntax = rules_problem(
            Place(file=source, line=line), "rules.syntax", problem_zh=yaml_problem_zh(problem), problem_en=problem
        )
        raise RulesError([syntax], source) from None
    if not isinstance(data, dict) or root is None:
        raise RulesError([rules_problem(Place(file=source), "rules.not_mapping")], source)
    lines = _line_map(root)
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            place = _place_for(tuple(err["loc"]), lines, source)
            zh, en = translate(err)
            problems.append((place, zh, en))
        problems.sort(key=lambda p: p[0].line or 0)
        raise RulesError(problems, source) from None
    _check_supervision_categories(rules, lines, source)
    return rules.model_copy(
        update={"source_path": source, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    )


def _check_supervision_categories(rules: Rules, lines: dict[tuple, int], source: str) -> None:
    """Each category named under supervision.rectification.categories must exist (error at its line)."""
    if rules.supervision is None:
        return
    ids = {c.id for c in rules.categories}
    problems = []
    for category in rules.supervision.rectification.categories:
        if category not in ids:
            path = ("supervision", "rectification", "categories", category)
            problems.append(
                (
                    _place_for(path, lines, source),
                    f"类别 '{category}' 不存在（可选：{', '.join(sorted(ids))}）",
                    f"category '{category}' does not exist (choose from {', '.join(sorted(ids))})",
                )
            )
    if problems:
        raise RulesError(problems, source)


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and validate a rules file; the default is rules/four_no_decrease.yaml."""
    if path is None:
        path = DEFAULT_RULES_PATH if DEFAULT_RULES_PATH.exists() else PACKAGED_RULES_PATH
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError([rules_problem(Place(file=str(path)), "rules.missing")], str(path)) from None
    except UnicodeDecodeError:
        raise RulesError([rules_problem(Place(file=str(path)), "rules.not_utf8")], str(path)) from None
    return parse_rules(text, source=str(path))


def rules_to_yaml(rules: Rules) -> str:
    """Serialise rules (e.g. after what-if edits in the app) back to YAML a user can keep."""
    data = rules.model_dump(mode="json", exclude_none=True, exclude={"source_path", "sha256"})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
