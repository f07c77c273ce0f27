"""One exception hierarchy: every error a user can cause carries its place and a fix, in zh and en.

The CLI maps these to exit code 2 and prints one line; the app shows them in a box. A traceback
therefore always means a bug in budget-guard, never a user mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self, TypeVar

T = TypeVar("T")

# where a PDF's table is: 第3页 表1, 第8-9页 表1 (a table continued over pages), 第5页 (a page refused)
PDF_PLACE = re.compile(r"^第(?P<pages>\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*)页(?: 表(?P<table>\d+))?$")


def sheet_label(sheet: str, lang: str = "zh") -> str:
    """A sheet as a user names it: 工作表 X / sheet X; a PDF's page and table as 第3页 表1 / page 3 table 1."""
    match = PDF_PLACE.match(sheet)
    if match is None:
        return f"{'工作表' if lang == 'zh' else 'sheet'} {sheet}"
    if lang == "zh":
        return sheet
    pages = match["pages"]
    text = f"{'pages' if '-' in pages or ',' in pages else 'page'} {pages}"
    return f"{text} table {match['table']}" if match["table"] else text


@dataclass(frozen=True)
class Place:
    """Where a problem sits, as the user sees it (1-based spreadsheet rows, YAML lines)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None
    key: str | None = None

    def describe(self, lang: str = "zh") -> str:
        zh = lang == "zh"
        parts: list[str] = []
        if self.file:
            parts.append(f"{'文件' if zh else 'file'} {self.file}")
        if self.sheet:
            parts.append(sheet_label(self.sheet, lang))
        if self.row is not None:
            parts.append(f"{'第' if zh else 'row '}{self.row}{'行' if zh else ''}")
        if self.column:
            parts.append(f"{'列' if zh else 'column'} {self.column}")
        if self.line is not None:
            parts.append(f"{'第' if zh else 'line '}{self.line}{'行' if zh else ''}")
        if self.key:
            parts.append(f"{'键' if zh else 'key'} {self.key}")
        return ("，" if zh else ", ").join(parts)


class BudgetGuardError(Exception):
    """Base class: a message in Chinese and English, the place, and how to fix it."""

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        place: Place | None = None,
        hint_zh: str = "",
        hint_en: str = "",
    ) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.place = place or Place()
        self.hint_zh = hint_zh
        self.hint_en = hint_en
        super().__init__(self.message("en"))

    @classmethod
    def from_key(cls, key: str, place: Place | None = None, **values: object) -> Self:
        """The error whose texts are ``error.<key>`` (and its hint ``error.<key>.hint``) in the catalogue.

        Every user-facing error text lives in ``messages/text/errors.py``; a raise site names the key
        and the values (``x_zh``/``x_en`` fill each language's template).
        """
        zh, en = catalogued(key, **values)
        hint_zh, hint_en = catalogued(f"{key}.hint", **values) if _has(f"error.{key}.hint") else ("", "")
        return cls(zh, en, place, hint_zh, hint_en)

    def text(self, lang: str = "zh") -> str:
        """Place and what is wrong, without the hint (the CLI prints the hint on its own line)."""
        zh = lang == "zh"
        where = self.place.describe(lang)
        text = self.message_zh if zh else self.message_en
        return f"{where}：{text}" if (where and zh) else (f"{where}: {text}" if where else text)

    def hint(self, lang: str = "zh") -> str:
        """How to fix it, in the reader's language ('' when there is nothing to add)."""
        return self.hint_zh if lang == "zh" else self.hint_en

    def message(self, lang: str = "zh") -> str:
        """The full one-paragraph message: place, what is wrong, how to fix it."""
        zh = lang == "zh"
        where = self.place.describe(lang)
        text = self.message_zh if zh else self.message_en
        hint = self.hint_zh if zh else self.hint_en
        out = f"{where}：{text}" if (where and zh) else (f"{where}: {text}" if where else text)
        if hint:
            out += f"（{hint}）" if zh else f" ({hint})"
        return out


class InputError(BudgetGuardError):
    """A budget table that cannot be read at all (corrupt, empty, unknown layout, protected)."""


class RulesError(BudgetGuardError):
    """A rules file that is not valid YAML or does not fit the rules model."""

    def __init__(self, problems: list[tuple[Place, str, str]], source: str = "") -> None:
        self.problems = problems
        first_place, first_zh, first_en = problems[0]
        zh = "；".join(f"{p.describe('zh')}：{m}" for p, m, _ in problems)
        en = "; ".join(f"{p.describe('en')}: {m}" for p, _, m in problems)
        super().__init__(
            f"规则文件 {source} 无效：{zh}",
            f"rules file {source} is invalid: {en}",
            hint_zh="请按 README 中“规则文件格式”一节修改",
            hint_en="see 'Rules file format' in README",
        )


class MissingExtra(InputError):
    """An optional part (Great Expectations, Spark, the PDF reader, the dashboard) is not installed."""

    def __init__(self, module: str, extra: str) -> None:
        command = f"pip install 'budget-guard[{extra}]'"
        super().__init__(
            f"此功能需要可选组件 {extra}（未安装 Python 包 {module}）",
            f"this needs the optional part {extra} (the Python package {module} is not installed)",
            hint_zh=f"安装：{command}",
            hint_en=f"install it: {command}",
        )
        self.module = module
        self.extra = extra


class InternalError(RuntimeError):
    """budget-guard reached a state its own code rules out: a bug, never a user mistake.

    Deliberately not a BudgetGuardError: the CLI ends it with the traceback and exit code 4
    (runs/exit_codes.EXIT_INTERNAL), so a bug is never mistaken for bad input, let alone for 达标.
    """


def required(value: T | None, what: str) -> T:
    """``value``, which the caller's own code has set by now; an InternalError naming ``what`` if it is None."""
    if value is None:
        raise InternalError(f"{what} is None here (a bug in budget-guard)")
    return value


def _has(key: str) -> bool:
    from budget_guard import messages

    return messages.has(key)


def catalogued(key: str, **values: object) -> tuple[str, str]:
    """The (zh, en) texts of ``error.<key>``, filled with ``values``."""
    from budget_guard import messages

    return messages.t(f"error.{key}", "zh", **values), messages.t(f"error.{key}", "en", **values)


def rules_problem(place: Place, key: str, **values: object) -> tuple[Place, str, str]:
    """One problem of a rules file (``RulesError``'s list), its texts from ``error.<key>``."""
    return (place, *catalogued(key, **values))
