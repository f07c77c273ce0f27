"""Department aliases: one department under several names (full name one year, short name the next), compared as one.

A bureau declares them as data, YAML::

    departments:
      - name: 上海市普陀区规划和自然资源局     # the name reports use
        aliases: [普陀区规划和自然资源局, 区规划资源局]
        code: "0123"                          # optional 部门编码

or CSV ``name,alias`` (one alias per row; ``code`` optional). The file is validated: an unknown key, an
empty name or an alias claimed by two departments is an error naming the line. Where the tables print a
部门编码, lines with the same code are one department too (named as in the latest year). Every link made is
a ``department-linked`` notice, so the report shows which names were compared as one.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from budget_guard.messages.problems import Problem
from budget_guard.model.table import DEPARTMENT, DEPARTMENT_CODE, YEAR


class AliasError(ValueError):
    """An alias file that cannot be used, with the line (or row) at fault."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Aliases:
    """alias (normalised) → canonical name, and 部门编码 → canonical name."""

    names: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    source: str = ""


def _key(name: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split())


def parse_aliases(text: str, source: str = "aliases") -> Aliases:
    """YAML (``departments:`` list) or CSV (``name,alias[,code]``) → ``Aliases``; ``AliasError`` on a bad entry."""
    stripped = text.lstrip("\ufeff")
    first = stripped.splitlines()[0] if stripped.strip() else ""
    if "," in first and ":" not in first:
        return _from_csv(stripped, source)
    return _from_yaml(stripped, source)


def _from_yaml(text: str, source: str) -> Aliases:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AliasError(f"YAML格式错误 / invalid YAML: {exc}", mark.line + 1 if mark else None) from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise AliasError("需要 departments: 列表 / expected a 'departments:' list", 1)
    entries = None
    for key, value in root.value:
        if key.value != "departments":
            raise AliasError(f"未知的键“{key.value}” / unknown key '{key.value}'", key.start_mark.line + 1)
        entries = value
    if not isinstance(entries, yaml.SequenceNode):
        raise AliasError("departments 必须是列表 / 'departments' must be a list", root.start_mark.line + 1)
    pairs: list[tuple[str, list[str], str | None, int]] = []
    for entry in entries.value:
        line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            raise AliasError("每项需要 name 和 aliases / each entry needs name and aliases", line)
        fields: dict[str, Any] = {}
        for key, value in entry.value:
            if key.value not in ("name", "aliases", "code"):
                raise AliasError(
                    f"未知的键“{key.value}” / unknown key '{key.value}'", key.start_mark.line + 1
                )
            if key.value == "aliases":
                if not isinstance(value, yaml.SequenceNode):
                    raise AliasError(
                        "aliases 必须是列表 / 'aliases' must be a list", value.start_mark.line + 1
                    )
                fields["aliases"] = [str(v.value).strip() for v in value.value]
            else:
                fields[key.value] = str(value.value).strip()
        if not fields.get("name"):
            raise AliasError("缺少部门名称 name / 'name' is missing or empty", line)
        pairs.append((fields["name"], fields.get("aliases", []), fields.get("code") or None, line))
    return _build(pairs, source)


def _from_csv(text: str, source: str) -> Aliases:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    columns = {c.strip().lower(): c for c in frame.columns}
    if "name" not in columns or "alias" not in columns:
        raise AliasError("需要 name,alias 两列 / needs columns name,alias", 1)
    pairs = []
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        values = row._asdict() if hasattr(row, "_asdict") else dict(zip(frame.columns, row, strict=True))
        name = str(values[columns["name"]]).strip()
        if not name:
            raise AliasError("缺少部门名称 name / 'name' is empty", number)
        alias = str(values[columns["alias"]]).strip()
        code = str(values[columns["code"]]).strip() if "code" in columns else ""
        pairs.append((name, [alias] if alias else [], code or None, number))
    return _build(pairs, source)


def _build(pairs: list[tuple[str, list[str], str | None, int]], source: str) -> Aliases:
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for name, aliases, code, line in pairs:
        for alias in [name, *aliases]:
            key = _key(alias)
            if not key:
                raise AliasError("别名为空 / empty alias", line)
            if names.get(key, name) != name:
                raise AliasError(
                    f"“{alias}”同时是“{names[key]}”和“{name}”的别名 / '{alias}' is claimed by '{names[key]}' and '{name}'",
                    line,
                )
            names[key] = name
        if code:
            if codes.get(code, name) != name:
                raise AliasError(f"部门编码{code}对应两个部门 / code {code} is claimed twice", line)
            codes[code] = name
    return Aliases(names, codes, source)


def load_aliases(spec: Any) -> Aliases:
    """A path, ``(name, bytes)`` or text; ``AliasError`` with the line for an invalid file."""
    if isinstance(spec, Aliases):
        return spec
    if isinstance(spec, tuple):
        return parse_aliases(bytes(spec[1]).decode("utf-8-sig"), str(spec[0]))
    path = Path(spec)
    return parse_aliases(path.read_text(encoding="utf-8-sig"), path.name)


def link_departments(table: pd.DataFrame, aliases: Aliases | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename lines to one name per department (declared aliases, then a shared 部门编码); one notice per link."""
    if table.empty:
        return table, []
    departments = table[DEPARTMENT].astype("object")
    mapping: dict[str, tuple[str, str]] = {}  # printed name → (canonical, how)
    if aliases is not None and aliases.names:
        for name in departments.dropna().unique():
            canonical = aliases.names.get(_key(name))
            if canonical and canonical != name:
                mapping[name] = (canonical, aliases.source)
    if DEPARTMENT_CODE in table.columns and table[DEPARTMENT_CODE].notna().any():
        for code, names in _names_per_code(table[DEPARTMENT_CODE], departments, table[YEAR]):
            declared = aliases.codes.get(str(code)) if aliases is not None else None
            latest = declared or names.sort_values("year").iloc[-1]["name"]
            for name in names["name"]:
                if name != latest and name not in mapping:
                    mapping[name] = (latest, f"部门编码{code}")
    if not mapping:
        return table, []
    out = table.copy()
    renamed = departments.map(lambda n: mapping.get(n, (n, ""))[0] if isinstance(n, str) else n)
    out[DEPARTMENT] = (
        pd.Categorical(renamed) if isinstance(table[DEPARTMENT].dtype, pd.CategoricalDtype) else renamed
    )
    problems = []
    years = table.groupby(departments, observed=True)[YEAR].agg(
        lambda y: "、".join(str(v) for v in sorted(set(y)))
    )
    for name, (canonical, how) in mapping.items():
        problems.append(
            Problem(
                "department-linked",
                details={"name": name, "canonical": canonical, "how": how, "years": years.get(name, "")},
            )
        )
    return out, problems


def _names_per_code(codes: pd.Series, names: pd.Series, years: pd.Series):
    """Each 部门编码 printed with two or more department names: ``(code, first line of each name)``.

    In the order the codes first appear; each name's first line (its year) in table order. The
    scan is on integer codes (``np.unique`` over code × name pairs), so a million lines with one
    name per code cost two factorizations, and only the codes that need a decision build a frame.
    """
    code_ids, code_values = pd.factorize(codes.astype("object"))
    name_ids, _ = pd.factorize(names)
    usable = np.flatnonzero((code_ids >= 0) & (name_ids >= 0))
    if not len(usable):
        return
    pairs = code_ids[usable].astype(np.int64) * (int(name_ids.max()) + 1) + name_ids[usable]
    _, first = np.unique(pairs, return_index=True)
    first_rows = np.sort(usable[first])  # the first line of every (code, name), in table order
    per_code = np.bincount(code_ids[first_rows], minlength=len(code_values))
    shared = per_code[code_ids[first_rows]] >= 2
    if not shared.any():
        return
    rows = first_rows[shared]
    frame = pd.DataFrame(
        {
            "code": code_ids[rows],
            "name": names.to_numpy(dtype=object)[rows],
            "year": years.to_numpy()[rows],
        },
        index=codes.index[rows],
    )
    order = pd.unique(code_ids[usable][np.isin(code_ids[usable], frame["code"].to_numpy())])
    for code_id in order:
        group = frame[frame["code"].to_numpy() == code_id]
        yield code_values[code_id], group[["name", "year"]]


__all__ = ["AliasError", "Aliases", "link_departments", "load_aliases", "parse_aliases"]
