"""类/款/项 hierarchies of published tables: full codes from split or abbreviated cells, leaves, and the sums that must agree.

Only leaves become budget lines (a 类 row is the sum of its 款 rows, which are sums of their 项 rows:
reading them all would count the money two or three times). Each parent is checked against the sum
of its nearest children, and a 合计 row against the sum of the leaves.

Published tables are small by construction (a department prints tens to hundreds of rows), so code
resolution walks the rows in order, which is how "blank means same as above" is defined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from budget_guard.ingest.recognise.numbers import UNIT_FEN, fen_to_unit_text
from budget_guard.ingest.recognise.rounding import allowance_fen, within_rounding
from budget_guard.messages.problems import Problem

LEVEL_NAMES = {3: "类", 5: "款", 7: "项"}
SPLIT, SINGLE = "split", "single"
_LEADING_CODE = re.compile(r"^(\d{2,7})(?:\.0+)?(?:\s+|[、.．]\s*|(?=[^\d.]))(.*)$")


@dataclass(frozen=True)
class CodeColumns:
    """Where a table keeps its codes: one column, or split 类 | 款 | 项 columns (positions in that order)."""

    style: str
    positions: tuple[int, ...]
    kind: str | None = None  # func | econ when the header says so


@dataclass(frozen=True)
class ResolvedCodes:
    """Per row: the full code, the raw text shown in messages, why it is malformed, a name found in the code cell."""

    code: pd.Series
    raw: pd.Series
    problem: pd.Series
    name_in_cell: pd.Series


def _clean(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lstrip("'")
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


def resolve_codes(body: pd.DataFrame, columns: CodeColumns, max_length: int) -> ResolvedCodes:
    """Full codes for the rows of ``body`` (the grid below the header), walking down the table."""
    codes: list[str | None] = []
    raws: list[str | None] = []
    problems: list[str | None] = []
    names: list[str | None] = []
    state: list[str] = []  # resolved segments: ["201", "03", "01"]
    for values in body.iloc[:, list(columns.positions)].itertuples(index=False):
        parts = [_clean(v) for v in values]
        raw = (" | " if columns.style == SPLIT else " ").join(p for p in parts if p)
        raws.append(raw or None)
        if not raw:
            codes.append(None)
            problems.append(None)
            names.append(None)
            continue
        if columns.style == SINGLE:
            code, problem, name, state = _single(parts[0], state, max_length)
        else:
            code, problem, name, state = _split(parts, state, max_length)
        codes.append(code)
        problems.append(problem)
        names.append(name)
    index = body.index
    return ResolvedCodes(
        code=pd.Series(codes, index=index, dtype="object"),
        raw=pd.Series(raws, index=index, dtype="object"),
        problem=pd.Series(problems, index=index, dtype="object"),
        name_in_cell=pd.Series(names, index=index, dtype="object"),
    )


def _segments(code: str) -> list[str]:
    return [code[:3]] + [code[i : i + 2] for i in range(3, len(code), 2)]


def _single(
    text: str, state: list[str], max_length: int
) -> tuple[str | None, str | None, str | None, list[str]]:
    """``2010301``, ``2010301 行政运行``, or ``01`` meaning the next level under the code above."""
    name = None
    match = _LEADING_CODE.match(text)
    if match and match.group(2).strip():
        text, name = match.group(1), match.group(2).strip()
    if not text.isdigit() or not text.isascii():
        return None, "含非数字字符 / contains non-digits", None, state
    if len(text) == 2 and state:
        parent = state if len(state) * 2 + 1 < max_length else state[:-1]
        state = [*parent, text]
        return "".join(state), None, name, state
    if len(text) in (3, 5, 7) and len(text) <= max_length:
        return text, None, name, _segments(text)
    allowed = "/".join(str(n) for n in (3, 5, 7) if n <= max_length)
    return None, f"{len(text)}位，应为{allowed}位 / {len(text)} digits, expected {allowed}", name, state


def _split(
    parts: list[str], state: list[str], max_length: int
) -> tuple[str | None, str | None, str | None, list[str]]:
    """类 | 款 | 项 cells: blank means "same as above"; a full code in a 款/项 cell is taken as it is."""
    new_state = list(state)
    for level, part in enumerate(parts):
        if not part:
            continue
        if not part.isdigit():
            return None, "含非数字字符 / contains non-digits", None, state
        full_length = 3 + 2 * level
        if level == 0 and len(part) == 3:
            new_state = [part]
        elif level > 0 and len(part) <= 2:
            if len(new_state) < level:
                return None, "缺少上级编码 / no parent code above", None, state
            new_state = [*new_state[:level], part.zfill(2)]
        elif len(part) == full_length or (level > 0 and len(part) in (5, 7)):
            new_state = _segments(part)
        else:
            return None, f"{LEVEL_NAMES.get(full_length, '')}列“{part}”位数不对 / wrong length", None, state
    deepest = max(i for i, p in enumerate(parts) if p)
    if deepest >= len(new_state) and deepest > 0:
        return None, "缺少上级编码 / no parent code above", None, state
    code = "".join(new_state[: deepest + 1]) if deepest + 1 <= len(new_state) else "".join(new_state)
    if len(code) > max_length:
        return None, f"{len(code)}位 / {len(code)} digits", None, state
    return code, None, None, new_state


def leaf_mask(codes: pd.Series) -> pd.Series:
    """Rows whose code is not a prefix (类 of a 款, 款 of a 项) of another code in the table."""
    present = codes.dropna().astype(str)
    ancestors = set(present[present.str.len() > 3].str[:3]) | set(present[present.str.len() > 5].str[:5])
    return codes.notna() & ~codes.isin(ancestors)


def parent_of(codes: pd.Series) -> pd.Series:
    """The nearest ancestor code printed in the table (款 if present, else 类), per row."""
    present = set(codes.dropna().astype(str))
    out = []
    for code in codes:
        parent = None
        if isinstance(code, str):
            for length in (5, 3):
                if len(code) > length and code[:length] in present:
                    parent = code[:length]
                    break
        out.append(parent)
    return pd.Series(out, index=codes.index, dtype="object")


def tolerance_fen(unit: str) -> int:
    """A gap of at most one unit in the last printed decimal (0.01 万元 = 100 元 in a 万元 table) is rounding."""
    return UNIT_FEN[unit] // 100


def compare(
    printed: int,
    computed: int,
    unit: str,
    *,
    mismatch: str,
    place: dict,
    details: dict,
    step_fen: int | None = None,
    terms: int = 1,
) -> Problem | None:
    """``None`` when equal; a ``rounding-gap`` notice when the printed precision explains the gap
    (``rounding``: ``terms`` printed parts, each off by half a ``step_fen``); otherwise ``mismatch``."""
    difference = printed - computed
    if difference == 0:
        return None
    step = step_fen or tolerance_fen(unit)
    code = "rounding-gap" if within_rounding(difference, step, terms) else mismatch
    values = {
        "printed": fen_to_unit_text(printed, unit),
        "computed": fen_to_unit_text(computed, unit),
        "parent": fen_to_unit_text(printed, unit),
        "children": fen_to_unit_text(computed, unit),
        "difference": fen_to_unit_text(difference, unit),
        "unit": unit,
        "allowance": fen_to_unit_text(allowance_fen(step, terms), unit),
        "printed_fen": printed,
        "computed_fen": computed,
        **details,
    }
    return Problem(code, details=values, **place)


def long_parent_lines(
    lines: pd.DataFrame,
    unit_of_row: dict[int, str] | str,
    *,
    file: str,
    sheet: str | None,
    labels: dict[str, str],
) -> tuple[pd.Series, list[Problem]]:
    """类/款 subtotal lines inside a long table: which lines are parents, and the checks of those that are not sums.

    A line whose only code (functional or economic) is a 类 or 款 of other lines of the same department,
    year, stage and expense type is a subtotal when it equals the sum of its leaves (within rounding):
    it is then not a line. When it does not add up it may be money of its own, so it stays a line and a
    ``hierarchy-mismatch`` warning says the table mixes levels.
    """
    keys = ["department", "year", "stage", "expense_type"]
    parent = pd.Series(False, index=lines.index)
    problems: list[Problem] = []
    for column, other, full in (("func_code", "econ_code", 7), ("econ_code", "func_code", 5)):
        values = lines[column]
        distinct = (
            values.cat.categories
            if isinstance(values.dtype, pd.CategoricalDtype)
            else values.dropna().unique()
        )
        if not any(len(str(v)) < full for v in distinct):
            continue  # the usual case: every code is a leaf
        single = lines[lines[other].isna() & lines[column].notna()]
        if single.empty:
            continue
        code = single[column].astype(str)
        short = code.str.len() < full
        if not short.any():
            continue
        frame = (
            single[keys]
            .astype("string")
            .fillna("")
            .assign(code=code, fen=single["amount_fen"].astype("int64"))
        )
        for length in (5, 3):
            if length >= full:
                continue
            candidates = frame[short & (code.str.len() == length)]
            if candidates.empty:
                continue
            leaves = frame[code.str.len() > length]
            leaves = leaves[~leaves.index.isin(parent[parent].index)]
            sums = (
                leaves.assign(prefix=leaves["code"].str[:length])
                .groupby([*keys, "prefix"])["fen"]
                .agg(["sum", "count"])
            )
            for index, row in candidates.iterrows():
                key = (*(row[k] for k in keys), row["code"])
                if key not in sums.index:
                    continue
                computed, count = int(sums.at[key, "sum"]), int(sums.at[key, "count"])
                unit = (
                    unit_of_row
                    if isinstance(unit_of_row, str)
                    else unit_of_row.get(int(lines.at[index, "source_row"]), "元")
                )
                difference = int(row["fen"]) - computed
                source_row = int(lines.at[index, "source_row"])
                if within_rounding(difference, tolerance_fen(unit), count):
                    parent[index] = True
                    continue
                problems.append(
                    Problem(
                        "hierarchy-mismatch",
                        file=file,
                        sheet=sheet,
                        row=source_row,
                        column=labels.get(column),
                        details={
                            "level": LEVEL_NAMES.get(length, ""),
                            "code": row["code"],
                            "parent": fen_to_unit_text(int(row["fen"]), unit),
                            "children": fen_to_unit_text(computed, unit),
                            "difference": fen_to_unit_text(difference, unit),
                            "children_count": count,
                            "kept": True,
                        },
                    )
                )
    return parent, problems


def hierarchy_problems(
    codes: pd.Series,
    amounts: pd.Series,
    unit: str,
    *,
    file: str,
    sheet: str | None,
    column: str,
    step_fen: int | None = None,
) -> list[Problem]:
    """Each printed parent against the sum of its nearest printed children (one amount column)."""
    frame = pd.DataFrame({"code": codes, "fen": amounts, "parent": parent_of(codes)}).dropna(subset=["code"])
    if frame["parent"].isna().all():
        return []
    first_row_of: dict[str, int] = {}  # the grid's row numbers are the frame's index
    for row, code in zip(frame.index, frame["code"], strict=True):
        first_row_of.setdefault(code, row)
    problems = []
    for parent, children in frame.dropna(subset=["parent"]).groupby("parent", sort=False):
        parent_row = first_row_of[parent]
        printed = frame.at[parent_row, "fen"]
        if pd.isna(printed):
            continue
        computed = int(children["fen"].fillna(0).sum())
        problem = compare(
            int(printed),
            computed,
            unit,
            mismatch="hierarchy-mismatch",
            place={"file": file, "sheet": sheet, "row": int(parent_row), "column": column},
            details={
                "level": LEVEL_NAMES.get(len(parent), ""),
                "code": parent,
                "label": f"{LEVEL_NAMES.get(len(parent), '')}{parent}",
                "rows": ",".join(str(int(r)) for r in children.index),
            },
            step_fen=step_fen,
            terms=len(children),
        )
        if problem:
            problems.append(problem)
    return problems
