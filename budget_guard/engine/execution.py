"""预算执行: each year's 决算 (执行数) against the same year's budget and adjusted budget.

For every scope × category × year with 决算 lines anywhere in the data: the amount spent, the
budget and the adjusted budget, both rates, and a level from the rules' ``execution`` bands —
spending above a 过紧日子 category's budget, or far below an 只增不减 category's, is a finding.
A scope is graded only when it has lines of both stages that could carry the category (the same
coverage facts the year-over-year comparison uses); otherwise its state is ``no_data`` with the
reason. Government and division rows add up the departments graded like for like.

Beside it, the PEFA PI-1 aggregate outturn and PI-2 composition variance per scope and year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.engine.compare import (
    CATEGORY,
    DIRECTION,
    DIVISION_SCOPE,
    GOVERNMENT,
    GROUP,
    HIERARCHY,
    LINES,
    PARENT,
    SCOPE,
    SCOPE_COLUMNS,
    SCOPE_HAS_LINES,
    SCOPE_TYPE,
    UNIT_SCOPE,
)
from budget_guard.engine.grade import LEVEL, NONE, REASON
from budget_guard.engine.seam import TABLES_MASK, LineSummary
from budget_guard.engine.summarize import department_cells, departments, stage_years
from budget_guard.model.rulebook import Direction, Execution, Level, Rules
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    DIVISION,
    ECON_CODE,
    FUNC_CODE,
    SOURCE_LAYOUT,
    STAGE,
    UNIT,
    YEAR,
    format_wan,
)

FINAL_FEN = "final_fen"
BUDGET_FEN = "budget_fen"
ADJUSTED_FEN = "adjusted_fen"
AGAINST = "against"
AGAINST_FEN = "against_fen"
RATE_BUDGET = "rate_budget"  # 决算 / 年初预算
RATE_ADJUSTED = "rate_adjusted"  # 决算 / 调整预算
DEVIATION_PCT = "deviation_pct"  # in the wrong direction: > 0 is over (过紧日子) or under (只增不减)
GAP_FEN = "gap_fen"
SAME_TABLES = "same_tables"  # both stages from the same kinds of table (false: 不可比)
EXCLUDED = "excluded_departments"
STATE = "state"
MESSAGE_ZH, MESSAGE_EN = "message_zh", "message_en"

# reason codes
OVER_BUDGET = "over_budget"
UNDER_BUDGET = "under_budget"
WITHIN_BUDGET = "within_budget"
NO_FINAL = "no_final"  # budget lines but no 决算 lines that year
NO_BUDGET = "no_budget"  # 决算 lines but no budget lines that year
# both stages have lines, but from different kinds of table (the 预算数 only from a 三公 table's 预算 column,
# the 决算数 from the whole 基本支出表): compared only like for like, so 不可比 (state ``not_comparable``)
DIFFERENT_TABLES = "different_tables"
NOT_COMPARABLE = "not_comparable"
NO_DATA = "no_data"

# PEFA columns
OUTTURN_PCT = "outturn_pct"
PI1 = "pi1_score"
FUNC_VARIANCE_PCT = "func_variance_pct"
PI21 = "pi2_1_score"
ECON_VARIANCE_PCT = "econ_variance_pct"
PI22 = "pi2_2_score"
FINDING_LEVELS = (Level.white.value, Level.yellow.value, Level.red.value)


def _stage_sums(summary: LineSummary, rules: Rules, stage: str, by: str) -> pd.DataFrame:
    frame = department_cells(summary, rules, stage, by=by)
    return frame[
        [
            SCOPE_TYPE,
            SCOPE,
            PARENT,
            CATEGORY,
            GROUP,
            DIRECTION,
            YEAR,
            AMOUNT_FEN,
            LINES,
            SCOPE_HAS_LINES,
            TABLES_MASK,
        ]
    ]


def _side_by_side(final: pd.DataFrame, budget: pd.DataFrame, adjusted: pd.DataFrame, years) -> pd.DataFrame:
    keys = [SCOPE_TYPE, SCOPE, PARENT, CATEGORY, GROUP, DIRECTION, YEAR]
    parts = []
    for frame, name in ((final, "final"), (budget, "budget"), (adjusted, "adjusted")):
        part = frame[frame[YEAR].isin(years)].rename(
            columns={
                AMOUNT_FEN: f"{name}_fen",
                LINES: f"{name}_lines",
                SCOPE_HAS_LINES: f"{name}_has",
                TABLES_MASK: f"{name}_mask",
            }
        )
        parts.append(part)
    out = parts[0].merge(parts[1], on=keys, how="outer").merge(parts[2], on=keys, how="outer")
    for name in ("final", "budget", "adjusted"):
        out[f"{name}_fen"] = out[f"{name}_fen"].fillna(0).astype(np.int64)
        out[f"{name}_lines"] = out[f"{name}_lines"].fillna(0).astype(np.int64)
        out[f"{name}_has"] = out[f"{name}_has"].astype("boolean").fillna(False).astype(bool)
        out[f"{name}_mask"] = out[f"{name}_mask"].fillna(0).astype(np.int64)
    return out


def _same_tables(frame: pd.DataFrame, against: str) -> np.ndarray:
    """Both stages read from the same kinds of table (the source layouts of the lines the category could
    carry): a 预算数 only from a 三公 table is not the baseline of a 决算数 from the whole 基本支出表."""
    final, base = frame["final_mask"].to_numpy(), frame[f"{against}_mask"].to_numpy()
    return (final == base) | (final == 0) | (base == 0)


def _rollup(direct: pd.DataFrame, graded: pd.Series, by: list[str], against: str) -> pd.DataFrame:
    """Departments added up: only those with both stages count (the others are named by ``excluded``)."""
    work = direct.assign(
        _final=np.where(graded, direct["final_fen"], 0),
        _budget=np.where(graded, direct["budget_fen"], 0),
        _adjusted=np.where(graded, direct["adjusted_fen"], 0),
        _excluded=(~graded & (direct["final_lines"] + direct[f"{against}_lines"] > 0)).astype(np.int64),
        _has=graded,
        _lines=direct["final_lines"] + direct[f"{against}_lines"],
    )
    out = work.groupby(by + [CATEGORY, GROUP, DIRECTION, YEAR], sort=False, as_index=False).agg(
        final_fen=("_final", "sum"),
        budget_fen=("_budget", "sum"),
        adjusted_fen=("_adjusted", "sum"),
        excluded_departments=("_excluded", "sum"),
        _any=("_has", "any"),
        _lines=("_lines", "sum"),
    )
    out["final_has"] = out[f"{against}_has"] = out["_any"]
    other = "adjusted" if against == "budget" else "budget"
    out[f"{other}_has"] = out["_any"]
    out["final_lines"] = out[f"{against}_lines"] = out["_lines"]
    out[f"{other}_lines"] = out["_lines"]
    return out.drop(columns=["_any", "_lines"])


def execution(summary: LineSummary, rules: Rules) -> pd.DataFrame:
    """One row per scope × category × year that has 决算 lines anywhere, graded (see module doc).

    Reads only the seam's cells (the same sums the year-over-year comparison uses), so every
    engine gives the same section."""
    cfg = rules.execution
    years = [int(y) for y in stage_years(summary, "final")]
    if cfg is None or not years:
        return _empty()
    against = cfg.against
    scopes = rules.compare.scopes
    by_columns = [DEPARTMENT] + ([UNIT] if UNIT_SCOPE in scopes and departments(summary, UNIT) else [])
    frames = {}
    for by in by_columns:
        sums = {s: _stage_sums(summary, rules, s, by) for s in ("final", "budget", "adjusted")}
        frames[by] = _side_by_side(sums["final"], sums["budget"], sums["adjusted"], years)
    dept = frames[DEPARTMENT]
    dept[EXCLUDED] = 0
    dept[SAME_TABLES] = _same_tables(dept, against)
    graded = (dept["final_has"] & dept[f"{against}_has"]).to_numpy() & dept[SAME_TABLES].to_numpy()
    parts = []
    if GOVERNMENT in scopes:
        gov = _rollup(dept, graded, [], against)
        gov[SCOPE_TYPE], gov[SCOPE], gov[PARENT] = GOVERNMENT, rules.compare.government.zh, None
        parts.append(gov)
    if DIVISION_SCOPE in scopes and dept[PARENT].notna().any():
        placed = dept[PARENT].notna().to_numpy()
        division = _rollup(dept.loc[placed], graded[placed], [PARENT], against).rename(
            columns={PARENT: SCOPE}
        )
        division[SCOPE_TYPE], division[PARENT] = DIVISION_SCOPE, rules.compare.government.zh
        parts.append(division)
    if "department" in scopes:
        parts.append(dept)
    if UNIT in frames:
        unit = frames[UNIT]
        unit[EXCLUDED] = 0
        unit[SAME_TABLES] = _same_tables(unit, against)
        parts.append(unit)
    out = pd.concat(parts, ignore_index=True)
    out[SAME_TABLES] = out[SAME_TABLES].astype("boolean").fillna(True).astype(bool)  # roll-ups: like for like
    relevant = (out[SCOPE_TYPE] == GOVERNMENT) | (out["final_lines"] + out[f"{against}_lines"] > 0)
    out = out.loc[relevant].reset_index(drop=True)
    return _grade(out, rules, cfg)


def _band(deviation: np.ndarray, bands) -> np.ndarray:
    """The first band whose ``max_pct`` is at least the deviation (null = no limit)."""
    out = np.full(deviation.shape, bands[-1].level.value, dtype=object)
    for band in reversed(bands[:-1]):
        out = np.where(deviation <= band.max_pct + 1e-9, band.level.value, out)
    return out


def _grade(out: pd.DataFrame, rules: Rules, cfg: Execution) -> pd.DataFrame:
    against = cfg.against
    out[AGAINST] = against
    out[AGAINST_FEN] = out[f"{against}_fen"]
    final = out["final_fen"].to_numpy(dtype=float)
    base = out[AGAINST_FEN].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[RATE_BUDGET] = np.where(
            out["budget_fen"] != 0, final / out["budget_fen"].to_numpy(dtype=float), np.nan
        )
        out[RATE_ADJUSTED] = np.where(
            out["adjusted_fen"] != 0, final / out["adjusted_fen"].to_numpy(dtype=float), np.nan
        )
        ratio = np.where(base != 0, final / base, np.nan)
    decrease = (out[DIRECTION] == Direction.decrease.value).to_numpy()
    over = (ratio - 1) * 100
    deviation = np.where(decrease, over, -over)
    # from a zero budget: any 决算 of a 过紧日子 category is wholly over it; an 只增不减 one cannot be under it
    deviation = np.where(base == 0, np.where(final > 0, np.where(decrease, np.inf, -np.inf), 0.0), deviation)
    has_final = out["final_has"].to_numpy()
    has_base = out[f"{against}_has"].to_numpy()
    same = out[SAME_TABLES].to_numpy(dtype=bool) if SAME_TABLES in out else np.ones(len(out), dtype=bool)
    reason = np.select(
        [~has_final, ~has_base, ~same, deviation > 0],
        [NO_FINAL, NO_BUDGET, DIFFERENT_TABLES, np.where(decrease, OVER_BUDGET, UNDER_BUDGET)],
        default=WITHIN_BUDGET,
    )
    bands_dec = cfg.directions[Direction.decrease].bands
    bands_inc = cfg.directions[Direction.no_decrease].bands
    finite = np.nan_to_num(deviation, nan=0.0, posinf=1e18, neginf=-1e18)
    level = np.where(decrease, _band(finite, bands_dec), _band(finite, bands_inc)).astype(object)
    gap = np.abs(final - base)
    materiality = (
        out[CATEGORY]
        .map(
            {
                c.id: (c.materiality_yuan if c.materiality_yuan is not None else cfg.materiality_yuan)
                for c in rules.categories
            }
        )
        .to_numpy(dtype=float)
        * 100
    )
    rank = {lv.value: lv.rank for lv in Level}
    cap = cfg.below_materiality.value
    capped = (gap < materiality) & np.array([rank.get(v, 0) > rank[cap] for v in level], dtype=bool)
    level = np.where(capped, cap, level)
    graded = np.isin(reason, [OVER_BUDGET, UNDER_BUDGET, WITHIN_BUDGET])
    level = np.where(graded, level, NONE)
    reason = np.where(graded & (level == Level.compliant.value), WITHIN_BUDGET, reason)
    out[DEVIATION_PCT] = np.where(graded & np.isfinite(deviation), deviation, np.nan)
    out[GAP_FEN] = np.where(graded & (reason != WITHIN_BUDGET), np.rint(gap), 0).astype(np.int64)
    out[REASON] = reason
    out[LEVEL] = pd.Series(level, index=out.index, dtype=object)
    out[STATE] = np.where(
        graded, out[LEVEL].fillna(NO_DATA), np.where(reason == DIFFERENT_TABLES, NOT_COMPARABLE, NO_DATA)
    )
    out[MESSAGE_ZH] = [_message(r, rules, "zh") for r in out.to_dict("records")]
    out[MESSAGE_EN] = [_message(r, rules, "en") for r in out.to_dict("records")]
    depth = out[SCOPE_TYPE].map({t: i for i, t in enumerate(HIERARCHY)})
    order = out.assign(_depth=depth).sort_values(["_depth", SCOPE, CATEGORY, YEAR], kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _message(row: dict, rules: Rules, lang: str) -> str:
    scope = row[SCOPE] if row[SCOPE_TYPE] != GOVERNMENT else rules.compare.government.get(lang)
    rate = row.get(RATE_BUDGET) if row[AGAINST] == "budget" else row.get(RATE_ADJUSTED)
    values = {
        "scope": scope,
        "year": int(row[YEAR]),
        "category": rules.category(row[CATEGORY]).name.get(lang),
        "final": format_wan(int(row["final_fen"])),
        "against": format_wan(int(row[AGAINST_FEN])),
        "against_label": msg.t(f"stage.{row[AGAINST]}", lang),
        "rate": "—" if rate is None or pd.isna(rate) else f"{rate * 100:.2f}%",
        "deviation": "—" if pd.isna(row.get(DEVIATION_PCT, np.nan)) else f"{abs(row[DEVIATION_PCT]):.2f}%",
    }
    return msg.t(f"execution.reason.{row[REASON]}", lang, **values)


def execution_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """The execution rows at white, yellow or red, worst first."""
    found = frame.loc[frame[LEVEL].isin(FINDING_LEVELS)]
    rank = found[LEVEL].map({Level.red.value: 0, Level.yellow.value: 1, Level.white.value: 2})
    depth = found[SCOPE_TYPE].map({t: i for i, t in enumerate(HIERARCHY)})
    order = (
        found.assign(_r=rank, _d=depth).sort_values(["_r", "_d", SCOPE, CATEGORY, YEAR], kind="stable").index
    )
    return found.loc[order].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    columns = [
        SCOPE_TYPE,
        SCOPE,
        PARENT,
        CATEGORY,
        GROUP,
        DIRECTION,
        YEAR,
        FINAL_FEN,
        BUDGET_FEN,
        ADJUSTED_FEN,
    ]
    columns += [
        AGAINST,
        AGAINST_FEN,
        RATE_BUDGET,
        RATE_ADJUSTED,
        DEVIATION_PCT,
        GAP_FEN,
        EXCLUDED,
        REASON,
        LEVEL,
    ]
    columns += [STATE, MESSAGE_ZH, MESSAGE_EN]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


# -- PEFA PI-1 / PI-2 ------------------------------------------------------------------------------------


def _score(pct: np.ndarray, bands) -> np.ndarray:
    out = np.full(pct.shape, bands[-1].score, dtype=object)
    for band in reversed(bands[:-1]):
        out = np.where(pct <= band.max_pct + 1e-9, band.score, out)
    return np.where(np.isnan(pct), NONE, out)


def _composition(part: pd.DataFrame, code_class: str, keys: list[str]) -> pd.DataFrame:
    """PI-2 composition variance: Σ|决算_i − 预算_i × (决算 / 预算)| ÷ Σ 预算_i × (决算 / 预算), by 类 (3 digits)."""
    coded = part[part[code_class].notna()]
    sums = coded.pivot_table(
        index=keys + [code_class],
        columns=STAGE,
        values=AMOUNT_FEN,
        aggfunc="sum",
        fill_value=0,
        observed=True,
    )
    for stage in ("budget", "final"):
        if stage not in sums:
            sums[stage] = 0
    totals = sums.groupby(level=list(range(len(keys))))[["budget", "final"]].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = sums["budget"] * (totals["final"] / totals["budget"])
        deviation = (sums["final"] - expected).abs()
        variance = (
            deviation.groupby(level=list(range(len(keys)))).sum()
            / expected.groupby(level=list(range(len(keys)))).sum()
        )
    return (variance * 100).rename("variance").reset_index()


# What PEFA needs of the lines (the same group-by on every engine: pandas here, SQL in
# ``backends/sql.pefa_sums_select``): 分 of the budget and 决算 lines by stage × scope columns × year
# × 功能分类 类 × 经济分类 类 (the first three characters of each code; missing stays missing).
FUNC_CLASS = "func_class"
ECON_CLASS = "econ_class"
CLASS_LENGTH = 3
PEFA_STAGES = ("budget", "final")
# the source layout too: a year whose budget and 决算 lines come from different kinds of table is not scored
PEFA_KEYS: tuple[str, ...] = (STAGE, DEPARTMENT, DIVISION, UNIT, YEAR, SOURCE_LAYOUT, FUNC_CLASS, ECON_CLASS)


def needs_pefa(rules: Rules) -> bool:
    return rules.execution is not None and rules.execution.pefa is not None


def _code_class(values: pd.Series) -> pd.Series:
    """The 类 (first three characters) of each code, computed once per distinct code."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    classes, inverse = np.unique(values.cat.categories.astype(str).str[:CLASS_LENGTH], return_inverse=True)
    codes = values.cat.codes.to_numpy()
    if not len(classes):
        return pd.Series(pd.Categorical.from_codes(np.full(len(codes), -1), []), index=values.index)
    mapped = np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1)
    return pd.Series(pd.Categorical.from_codes(mapped, classes), index=values.index)


def pefa_sums(lines: pd.DataFrame) -> pd.DataFrame:
    """``PEFA_KEYS`` → amount_fen over the budget and 决算 lines in memory (the pandas engine).

    Only the years with 决算 lines are summed, and a table without any stops here without copying."""
    stage = lines[STAGE]
    final = (stage == "final").to_numpy()
    if not final.any():
        return pd.DataFrame(columns=[*PEFA_KEYS, AMOUNT_FEN])
    final_years = pd.unique(lines[YEAR].to_numpy()[final])
    keep = (final | (stage == "budget").to_numpy()) & lines[YEAR].isin(final_years).to_numpy()
    part = lines.loc[keep, [STAGE, DEPARTMENT, DIVISION, UNIT, YEAR, SOURCE_LAYOUT, AMOUNT_FEN]]
    part[FUNC_CLASS] = _code_class(lines.loc[keep, FUNC_CODE])
    part[ECON_CLASS] = _code_class(lines.loc[keep, ECON_CODE])
    grouped = part.groupby(list(PEFA_KEYS), observed=True, dropna=False, sort=False)[AMOUNT_FEN].sum()
    out = grouped.reset_index()
    return out.astype({c: object for c in PEFA_KEYS if c != YEAR})


def _like_for_like(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Scope-years whose budget and 决算 lines come from the same kinds of table (source layouts): PEFA
    compares only those (a 预算数 read from a 三公 table alone is no baseline for a whole 决算)."""
    if SOURCE_LAYOUT not in frame:
        return np.ones(len(frame), dtype=bool)
    layout = frame[SOURCE_LAYOUT].astype(object).where(frame[SOURCE_LAYOUT].notna(), "")
    pairs = frame.assign(_layout=layout)[[*keys, STAGE, "_layout"]].drop_duplicates()
    sets = pairs.groupby([*keys, STAGE], sort=False)["_layout"].agg(frozenset).unstack(STAGE)
    if "budget" not in sets or "final" not in sets:
        return np.ones(len(frame), dtype=bool)
    same = sets["budget"] == sets["final"]
    ok = set(same.index[same.to_numpy(dtype=bool)])
    index = list(zip(*(frame[k] for k in keys), strict=True))
    return np.fromiter((k in ok for k in index), dtype=bool, count=len(frame))


def pefa(sums: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per scope × year with both a budget and a 决算: PI-1 outturn and PI-2.1 / PI-2.2 variance, scored.

    Reads only ``pefa_sums`` (``PEFA_KEYS`` → 分), so every engine gives the same section."""
    cfg = rules.execution
    if cfg is None or cfg.pefa is None or not len(sums):
        return pd.DataFrame()
    part = sums.loc[sums[STAGE].isin(PEFA_STAGES).to_numpy()]
    final_years = set(part.loc[(part[STAGE] == "final").to_numpy(), YEAR].unique())
    part = part[part[YEAR].isin(final_years)]
    if part.empty:
        return pd.DataFrame()
    rows = []
    for scope_type in rules.compare.scopes:
        column = SCOPE_COLUMNS.get(scope_type)
        if column is not None and (column not in part or part[column].isna().all()):
            continue
        frame = part.assign(
            _scope=rules.compare.government.zh if column is None else part[column].astype(object)
        )
        frame = frame[frame["_scope"].notna()]
        keys = ["_scope", YEAR]
        frame = frame.loc[_like_for_like(frame, keys)]
        totals = frame.pivot_table(
            index=keys, columns=STAGE, values=AMOUNT_FEN, aggfunc="sum", fill_value=0, observed=True
        )
        if "budget" not in totals or "final" not in totals:
            continue
        totals = totals[(totals["budget"] > 0) & (totals["final"] > 0)].reset_index()
        func = _composition(frame, FUNC_CLASS, keys).rename(columns={"variance": FUNC_VARIANCE_PCT})
        econ = _composition(frame, ECON_CLASS, keys).rename(columns={"variance": ECON_VARIANCE_PCT})
        merged = totals.merge(func, on=keys, how="left").merge(econ, on=keys, how="left")
        merged[SCOPE_TYPE] = scope_type
        rows.append(merged)
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True).rename(
        columns={"_scope": SCOPE, "budget": BUDGET_FEN, "final": FINAL_FEN}
    )
    out[OUTTURN_PCT] = out[FINAL_FEN] / out[BUDGET_FEN] * 100
    out[PI1] = _score(np.abs(out[OUTTURN_PCT].to_numpy(dtype=float) - 100), cfg.pefa.aggregate)
    out[PI21] = _score(out[FUNC_VARIANCE_PCT].to_numpy(dtype=float), cfg.pefa.composition)
    out[PI22] = _score(out[ECON_VARIANCE_PCT].to_numpy(dtype=float), cfg.pefa.composition)
    columns = [SCOPE_TYPE, SCOPE, YEAR, BUDGET_FEN, FINAL_FEN, OUTTURN_PCT, PI1, FUNC_VARIANCE_PCT, PI21]
    columns += [ECON_VARIANCE_PCT, PI22]
    depth = out[SCOPE_TYPE].map({t: i for i, t in enumerate(HIERARCHY)})
    out = out.assign(_d=depth).sort_values(["_d", SCOPE, YEAR], kind="stable")
    return out[columns].reset_index(drop=True)
