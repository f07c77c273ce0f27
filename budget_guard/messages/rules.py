"""Rules-file validation messages in Chinese and English, naming the real fault and its fix.

pydantic reports problems in its own English (``Input should be a valid number``); a 财政局 clerk
editing YAML needs "应为数字，实际为文本“5”：去掉引号". Every pydantic error type a rules file can
cause is translated here; our own validators raise ``RuleProblem`` with both languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BILINGUAL = re.compile(r"^(?P<zh>.*[\u4e00-\u9fff].*?) / (?P<en>[A-Za-z].*)$", re.S)


class RuleProblem(ValueError):
    """A validator's finding in both languages (pydantic keeps it in the error's ``ctx``)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    @classmethod
    def from_key(cls, key: str, **values: object) -> RuleProblem:
        """The finding whose texts are ``error.<key>`` in the catalogue (messages/text/errors.py)."""
        from budget_guard.errors import catalogued

        return cls(*catalogued(key, **values))


def _shown(value: Any) -> str:
    """A YAML value as the user wrote it: text in quotes, true/false/null as YAML spells them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return str(value)


def _num(value: Any) -> str:
    """5.0 → '5' (a bound as the user wrote it)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind_zh(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {_shown(value)}"
    if isinstance(value, str):
        return f"文本{_shown(value)}"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    if value is None:
        return "空值 null"
    return _shown(value)


def _choices(expected: str, lang: str) -> str:
    """ "'budget', 'adjusted' or 'final'" → '"budget"、"adjusted"或"final"' in Chinese."""
    items = re.findall(r"'([^']*)'", expected)
    if not items:
        return expected
    quoted = [f'"{i}"' for i in items]
    if lang == "en":
        return ", ".join(quoted)
    return "、".join(quoted[:-1]) + ("或" if len(quoted) > 1 else "") + quoted[-1]


def translate(error: Mapping[str, Any]) -> tuple[str, str]:
    """(zh, en) for one pydantic error dict of a rules file."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = error.get("loc") or ()
    key = str(loc[-1]) if loc else ""
    msg = error.get("msg", "")
    cause = ctx.get("error")
    if isinstance(cause, RuleProblem):
        return cause.zh, cause.en
    if kind == "missing":
        return f"缺少必填的键“{key}”", f"the key '{key}' is required"
    if kind == "extra_forbidden":
        return f"未知的键“{key}”（拼写错误？）", f"unknown key '{key}'"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float", "finite_number"):
        if isinstance(value, str):
            return (
                f"应为数字，实际为{_kind_zh(value)}：数字不要加引号，写作 {value.strip()}",
                f"should be a number, not the text {_shown(value)}: write it without quotes",
            )
        return f"应为数字，实际为{_kind_zh(value)}", f"should be a number, not {_shown(value)}"
    if kind in ("string_type",):
        return (
            f"应为文本，实际为{_kind_zh(value)}：请加引号",
            f"should be text, not {_shown(value)}: quote it",
        )
    if kind == "bool_type":
        return f"应为 true 或 false，实际为{_kind_zh(value)}", f"should be true or false, not {_shown(value)}"
    if kind in ("list_type", "tuple_type"):
        return (
            f'应为列表（如 ["30212", "30217"]），实际为{_kind_zh(value)}',
            f'should be a list (e.g. ["30212", "30217"]), not {_shown(value)}',
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (
            f"应为映射（键: 值），实际为{_kind_zh(value)}",
            f"should be a mapping (key: value), not {_shown(value)}",
        )
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        return (
            f"取值{_shown(value)}无效，应为{_choices(expected, 'zh')}之一",
            f"{_shown(value)} is not allowed; use one of {_choices(expected, 'en')}",
        )
    if kind == "greater_than_equal":
        return (
            f"应不小于 {_num(ctx.get('ge'))}，实际为 {_shown(value)}",
            f"should be ≥ {_num(ctx.get('ge'))}, not {_shown(value)}",
        )
    if kind == "less_than_equal":
        return (
            f"应不大于 {_num(ctx.get('le'))}，实际为 {_shown(value)}",
            f"should be ≤ {_num(ctx.get('le'))}, not {_shown(value)}",
        )
    if kind == "greater_than":
        return (
            f"应大于 {_num(ctx.get('gt'))}，实际为 {_shown(value)}",
            f"should be > {_num(ctx.get('gt'))}, not {_shown(value)}",
        )
    if kind == "less_than":
        return (
            f"应小于 {_num(ctx.get('lt'))}，实际为 {_shown(value)}",
            f"should be < {_num(ctx.get('lt'))}, not {_shown(value)}",
        )
    if kind == "string_too_short":
        return "不能为空", "must not be empty"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            f"过长（{len(str(value)):,}字符，上限{limit}）",
            f"too long ({len(str(value)):,} characters, limit {limit})",
        )
    if kind == "too_long":
        limit = ctx.get("max_length")
        return f"项数过多（上限{limit}项）", f"too many items (limit {limit})"
    if kind == "too_short":
        return f"至少需要{ctx.get('min_length', 1)}项", f"needs at least {ctx.get('min_length', 1)} item(s)"
    if kind == "string_pattern_mismatch":
        return (
            f"标识{_shown(value)}格式不对：应以小写英文字母开头，只含小写字母、数字和下划线",
            f"the id {_shown(value)} should start with a lower-case letter and hold only a-z, 0-9 and _",
        )
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        both = _BILINGUAL.match(text)  # a validator that wrote "中文 / English"
        if both:
            return both["zh"], both["en"]
        return f"取值无效：{text}", text
    return f"取值{_shown(value)}无效", msg


_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("cannot start any token", "含有不能出现在此处的字符（如制表符 Tab；请用空格缩进）"),
    ("mapping values are not allowed here", "此处不能出现“键: 值”（多半是缩进不对，或值里的冒号没有加引号）"),
    ("expected <block end>", "缩进不一致（同一层的键要对齐）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("expected ',' or ']'", "列表缺少逗号或右方括号“]”"),
    ("expected ',' or '}'", "映射缺少逗号或右花括号“}”"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    ("found unknown escape character", "引号中的反斜杠“\\”后面是无效的转义字符（可改用单引号）"),
    ("found undefined alias", "引用了未定义的锚点（*别名）"),
    ("found duplicate anchor", "锚点（&名称）重复"),
    ("expected a comment or a line break", "值的后面还有多余的内容"),
    ("expected the node content", "缺少值"),
    ("did not find expected key", "缩进不一致或缺少“键:”"),
    ("did not find expected node content", "缺少值"),
)


def yaml_problem_zh(problem: str) -> str:
    """PyYAML's English problem text → what it means in Chinese (the line is given separately)."""
    for english, chinese in _YAML_PROBLEMS:
        if english in problem:
            return chinese
    return "格式不符合 YAML 语法（请检查该行及上一行的缩进、冒号、引号和括号）"
