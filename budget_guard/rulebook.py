"""Rules file (YAML) → a validated, immutable rules model, with errors that name the line and key.

The model says *what* the policy is (categories, selectors, targets, grading bands); classify.py,
compare.py and grade.py say *how* it is applied. YAML is always loaded with the safe loader.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import Place, RulesError
from .table import STAGES

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "rules" / "four_no_decrease.yaml"
PACKAGED_RULES_PATH = Path(__file__).resolve().parent / "rules" / "four_no_decrease.yaml"


class Level(StrEnum):
    """白黄红三色督办 levels plus 达标, ordered from best to worst."""

    compliant = "compliant"
    white = "white"
    yellow = "yellow"
    red = "red"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self)


LEVEL_ORDER: tuple[Level, ...] = (Level.compliant, Level.white, Level.yellow, Level.red)


class Direction(StrEnum):
    decrease = "decrease"
    no_decrease = "no_decrease"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_code_text(value: Any) -> Any:
    """YAML turns unquoted 30212 into an int; codes are text, so accept both."""
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def _code_list(pattern: str, what: str):
    regex = re.compile(pattern)

    def check(values: list[str]) -> list[str]:
        for v in values:
            if not isinstance(v, str) or not regex.fullmatch(v):
                raise ValueError(f"{what}: '{v}' 格式不对 / is not a valid code (expected {pattern})")
        return values

    return Annotated[list[str], BeforeValidator(_as_code_text), BeforeValidator(check)]


EconCodes = _code_list(r"\d{3}(\d{2})?", "经济分类编码 econ code (3 or 5 digits)")
FuncCodes = _code_list(r"\d{3}(\d{2}){0,2}", "功能分类编码 func code (3, 5 or 7 digits)")
FuncItems = _code_list(r"\d{2}", '功能分类项 func 项 part (2 digits, quoted: "01")')
GovEconCodes = _code_list(r"5\d{2}(\d{2})?", "政府经济分类编码 gov econ code (501–599, 3 or 5 digits)")


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
            raise ValueError("选择器为空，至少需要一个条件 / selector has no condition")
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
            "item_keywords",
            "expense_types",
            "gov_econ_codes",
            "gov_econ_prefixes",
        )


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

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
    target_pct: float = Field(ge=0, le=100)
    materiality_yuan: float | None = Field(default=None, ge=0)
    select: Selector


class Band(_Strict):
    max_shortfall_pp: float | None = Field(default=None, gt=0)
    level: Level

    @field_validator("level")
    @classmethod
    def _not_compliant(cls, v: Level) -> Level:
        if v is Level.compliant:
            raise ValueError("a shortfall band cannot be 'compliant' / 缺口区间不能是达标")
        return v


class DirectionGrading(_Strict):
    wrong_direction: Level
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> DirectionGrading:
        limits = [b.max_shortfall_pp for b in self.bands]
        if limits[-1] is not None:
            raise ValueError("the last band must have max_shortfall_pp: null (covers any larger shortfall)")
        finite = [x for x in limits[:-1]]
        if any(x is None for x in finite) or finite != sorted(finite):
            raise ValueError("bands must be in increasing max_shortfall_pp order, only the last one null")
        return self


class Grading(_Strict):
    materiality_yuan: float = Field(ge=0)
    below_materiality: Level
    no_baseline: Level
    missing_current: Level
    empty_category: Level
    prior_zero_increase: Level
    directions: dict[Direction, DirectionGrading]

    @field_validator("directions")
    @classmethod
    def _both(cls, v: dict[Direction, DirectionGrading]) -> dict[Direction, DirectionGrading]:
        missing = {d.value for d in Direction} - {d.value for d in v}
        if missing:
            raise ValueError(f"grading for direction(s) missing: {sorted(missing)}")
        return v


class Compare(_Strict):
    stage: Literal[STAGES] = "budget"  # type: ignore[valid-type]
    scopes: list[Literal["government", "department"]] = Field(min_length=1)
    government_label: Text


# -- tags from the data (一体化 热点分类, 项目类别, 项目名称 …) ------------------------------------------

DATA_TAG_COLUMNS = (
    "hot_topic",
    "project_category",
    "project",
    "project_code",
    "fund_type",
    "item",
    "unit_name",
    "unit_code",
)


class DataTag(_Strict):
    """A tag a line gets from one of its own columns, so a ``tags:`` selector finds it.

    ``codes`` match the first word of the cell exactly (``"0301 优化营商环境"`` has code ``0301``),
    ``prefixes`` its start, ``keywords`` anywhere in the text. A bureau maps its own 热点分类 or
    project taxonomy here without touching code.
    """

    tag: str = Field(min_length=1)
    column: Literal[DATA_TAG_COLUMNS]  # type: ignore[valid-type]
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
    version: str
    title: Text
    compare: Compare
    groups: list[Group] = Field(min_length=1)
    grading: Grading
    categories: list[Category] = Field(min_length=1)
    data_tags: list[DataTag] = Field(default_factory=list)
    source_path: str | None = None
    sha256: str | None = None

    @model_validator(mode="after")
    def _references(self) -> Rules:
        group_ids = [g.id for g in self.groups]
        _unique(group_ids, "groups")
        _unique([c.id for c in self.categories], "categories")
        for i, c in enumerate(self.categories):
            if c.group not in group_ids:
                raise ValueError(f"categories[{i}].group '{c.group}' is not one of the groups {group_ids}")
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
        raise ValueError(f"duplicate {what} id(s): {sorted(seen)}")


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
                raise RulesError(
                    [
                        (
                            Place(line=line, key=".".join(map(str, path + (key,)))),
                            f"重复的键（首次出现在第{seen[key]}行）",
                            f"duplicate key (first at line {seen[key]})",
                        )
                    ]
                )
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


def parse_rules(text: str, source: str = "<rules>") -> Rules:
    """Validate rules given as YAML text; raise RulesError listing every problem with its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError(
            [(Place(file=source, line=line), f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}")],
            source,
        ) from None
    if not isinstance(data, dict) or root is None:
        raise RulesError(
            [(Place(file=source), "文件不是一个 YAML 映射", "file is not a YAML mapping")], source
        )
    lines = _line_map(root)
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            place = _place_for(tuple(err["loc"]), lines, source)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = f"unknown key '{err['loc'][-1]}'"
                zh = f"未知的键 '{err['loc'][-1]}'（拼写错误？）"
            elif err["type"] == "enum" or err["type"] == "literal_error":
                zh = f"取值 {err.get('input')!r} 不在允许范围内：{msg}"
            else:
                zh = msg
            problems.append((place, zh, msg))
        problems.sort(key=lambda p: p[0].line or 0)
        raise RulesError(problems, source) from None
    return rules.model_copy(
        update={"source_path": source, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    )


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and validate a rules file; the default is rules/four_no_decrease.yaml."""
    if path is None:
        path = DEFAULT_RULES_PATH if DEFAULT_RULES_PATH.exists() else PACKAGED_RULES_PATH
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(
            [(Place(file=str(path)), "规则文件不存在", "rules file not found")], str(path)
        ) from None
    except UnicodeDecodeError:
        raise RulesError(
            [(Place(file=str(path)), "规则文件不是 UTF-8 编码", "rules file is not UTF-8")], str(path)
        ) from None
    return parse_rules(text, source=str(path))


def rules_to_yaml(rules: Rules) -> str:
    """Serialise rules (e.g. after what-if edits in the app) back to YAML a user can keep."""
    data = rules.model_dump(mode="json", exclude_none=True, exclude={"source_path", "sha256"})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
