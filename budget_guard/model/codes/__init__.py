"""The classification dictionary shipped with budget-guard: 政府收支分类科目 codes and names, as CSV data.

- ``func.csv``: 支出功能分类 类 (3 digits, 201–234 as used in 2024), and the 款 (5) / 项 (7) used by the
  sample data, the tests and common department tables. Not the full list: a code missing here is a
  ``code-unknown`` notice, never an error.
- ``econ.csv``: 部门预算支出经济分类 类/款 (3/5 digits). The 301/302/303/310 rows are the verified Shanghai
  2024 部门决算 template (``source`` column); 307, 309, 311, 312, 313, 399 are added where certain.
  ``group`` is 人员经费 (301, 303) or 公用经费 (302, 310), the split 基本支出 tables total by.

- ``func_history.csv``: the 支出功能分类 of several years (2017–2025): each row a code's name from
  ``from_year`` to ``to_year``, so a table of an earlier year (``207 文化体育与传媒支出`` in 2018, the 款
  ``20805 行政事业单位离退休``, the 2018 ``21005 医疗保障`` that became ``21011``) is read as what it was,
  and a message can say which year's classification a code or a name belongs to. Partial: the 类 that
  were renamed or added and those seen unchanged, 款/项 renames only where listed; docs/ingest.md says
  which levels and years, and from which source (a bureau adds its own with ``codes=``).

A user CSV (``code,name`` and optionally ``kind`` = func/econ) adds or renames codes: see ``load_codebook``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

FUNC, ECON = "func", "econ"
PERSONNEL, PUBLIC = "人员经费", "公用经费"


@dataclass(frozen=True)
class CodeBook:
    """Code → name per kind, and economic 类 → 人员经费/公用经费 group."""

    names: dict[str, dict[str, str]]
    groups: dict[str, str] = field(default_factory=dict)
    # kind → code → ((from_year, to_year, name), …): the classification of several years
    history: dict[str, dict[str, tuple[tuple[int, int, str], ...]]] = field(default_factory=dict)

    def years_of(self, kind: str, code: str, name: str | None = None) -> list[tuple[int, int, str]]:
        """The year ranges in which ``code`` exists (with that ``name``, when given), oldest first."""
        spans = self.history.get(kind, {}).get(code, ())
        if name is None:
            return list(spans)
        wanted = normalise_name(name)
        return [s for s in spans if normalise_name(s[2]) == wanted]

    def name_in_year(self, kind: str, code: str, year: int | None) -> str | None:
        """The code's name in ``year`` (the current dictionary when the history has no entry for it)."""
        if year is not None:
            for first, last, name in self.history.get(kind, {}).get(code, ()):
                if first <= year <= last:
                    return name
        return self.name(kind, code)

    def name(self, kind: str, code: str) -> str | None:
        return self.names[kind].get(code)

    def known(self, kind: str, codes: pd.Series) -> pd.Series:
        """Vectorised membership (missing codes count as known: nothing to report)."""
        return codes.isna() | codes.astype("object").isin(self.names[kind].keys())

    def group_of(self, econ_code: str) -> str | None:
        return self.groups.get(econ_code[:3])


def normalise_name(name: object) -> str:
    """Names compared without width, brackets style or whitespace: ``因公出国(境)费用`` == ``因公出国（境）费用``."""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"\s+", "", text)
    return text.replace("[", "(").replace("]", ")").replace("【", "(").replace("】", ")")


def _packaged(name: str) -> pd.DataFrame:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def default_codebook() -> CodeBook:
    func, econ = _packaged("func.csv"), _packaged("econ.csv")
    groups = {row.code: row.group for row in econ.itertuples() if len(row.code) == 3 and row.group}
    history: dict[str, list[tuple[int, int, str]]] = {}
    for row in _packaged("func_history.csv").itertuples():
        history.setdefault(row.code, []).append((int(row.from_year), int(row.to_year), row.name))
    names = {
        FUNC: dict(zip(func["code"], func["name"], strict=True)),
        ECON: dict(zip(econ["code"], econ["name"], strict=True)),
    }
    for code, spans in history.items():  # a code of an earlier year only (21005 医疗保障) is still known
        names[FUNC].setdefault(code, max(spans)[2])
    return CodeBook(
        names=names,
        groups=groups,
        history={FUNC: {code: tuple(sorted(spans)) for code, spans in history.items()}},
    )


def load_codebook(extra: Any = None) -> tuple[CodeBook, str | None]:
    """The packaged dictionary plus a user's codes (path, ``(name, bytes)``, or DataFrame with ``code,name[,kind]``).

    Returns ``(codebook, error)``; ``error`` is a short reason when the user's CSV cannot be used (the
    packaged dictionary is still returned, so reading goes on).
    """
    book = default_codebook()
    if extra is None:
        return book, None
    try:
        frame = _user_frame(extra)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return book, f"{type(exc).__name__}: {exc}"[:200]
    columns = {str(c).strip().lower(): c for c in frame.columns}
    code_col = columns.get("code") or columns.get("编码") or columns.get("科目编码")
    name_col = columns.get("name") or columns.get("名称") or columns.get("科目名称")
    if code_col is None or name_col is None:
        return book, "需要 code,name 两列 / needs columns code,name"
    kind_col = columns.get("kind") or columns.get("类型")
    names = {FUNC: dict(book.names[FUNC]), ECON: dict(book.names[ECON])}
    for _, row in frame.iterrows():
        code = re.sub(r"\.0+$", "", unicodedata.normalize("NFKC", str(row[code_col])).strip())
        if not code.isdigit():
            continue
        kind = str(row[kind_col]).strip().lower() if kind_col is not None else ""
        kind = kind if kind in (FUNC, ECON) else (ECON if code.startswith("3") else FUNC)
        names[kind][code] = str(row[name_col]).strip()
    return CodeBook(names=names, groups=book.groups, history=book.history), None


def _user_frame(extra: Any) -> pd.DataFrame:
    if isinstance(extra, pd.DataFrame):
        return extra.astype(str)
    if isinstance(extra, tuple) and len(extra) == 2:
        data = bytes(extra[1])
    elif hasattr(extra, "read"):
        data = extra.read()
        data = data.encode("utf-8") if isinstance(data, str) else data
    else:
        data = Path(extra).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("cannot decode the codes CSV")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


__all__ = [
    "ECON",
    "FUNC",
    "PERSONNEL",
    "PUBLIC",
    "CodeBook",
    "default_codebook",
    "load_codebook",
    "normalise_name",
]
