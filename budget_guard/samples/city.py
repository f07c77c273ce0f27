"""Sample data: a realistic 2021–2025 city budget with planted guardrail violations, and synthetic data at scale.

``sample_table()`` builds the city (11 departments, 基本支出 by economic class plus 项目支出
with real functional and economic codes). Every department normally follows the policy:
人员经费 +3 %/year, 一般性支出 and other 公用经费 −8 %, 三公经费 −5 %, the four no-decrease
categories +4–6 %. ``PLANTED`` then bends specific departments and years; ``MANIFEST`` documents
each bend and the findings it must produce, which the test suite checks against ``evaluate``.

``synthetic_table(n)`` draws the same code mix for hundreds of departments, for benchmarks.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    DEPARTMENT_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    TAGS,
    YEAR,
    conform,
)

YEARS = tuple(range(2021, 2026))
BASIC, PROJECT = "基本支出", "项目支出"

# Long-template headers, in the order written to the sample files.
TEMPLATE_HEADERS: dict[str, str] = {
    DEPARTMENT: "部门",
    DEPARTMENT_CODE: "部门编码",
    YEAR: "年度",
    STAGE: "数据口径",
    FUNC_CODE: "功能分类科目编码",
    ECON_CODE: "经济分类科目编码",
    ITEM: "项目名称",
    EXPENSE_TYPE: "支出类型",
    TAGS: "标签",
    AMOUNT_FEN: "金额（元）",
}
PUBLISHED_DEPARTMENT = "财政局"
STAGE_LABELS = {"budget": "预算数", "adjusted": "调整预算数", "final": "决算数"}

# Yearly growth factor of each kind of line when the department follows the policy.
GROWTH: dict[str, float] = {
    "personnel": 1.03,
    "general": 0.92,
    "sangong": 0.95,
    "other_public": 0.92,
    "livelihood": 1.05,
    "reform": 1.05,
    "investment": 1.06,
    "enterprise": 1.04,
    "other_project": 1.00,
}


@dataclass(frozen=True)
class Line:
    """One budget line of the template: base amount in 万元 for 2021 at scale 1."""

    kind: str
    econ: str | None
    item: str
    base_wan: float
    func: str | None = None  # None → the department's own 行政运行 code
    expense_type: str = BASIC
    tags: str | None = None


BASIC_LINES: tuple[Line, ...] = (
    Line("personnel", "30101", "基本工资", 300),
    Line("personnel", "30102", "津贴补贴", 250),
    Line("personnel", "30103", "奖金", 60),
    Line("personnel", "30107", "绩效工资", 120),
    Line("personnel", "30108", "机关事业单位基本养老保险缴费", 80, func="2080505"),
    Line("personnel", "30110", "职工基本医疗保险缴费", 40, func="2101101"),
    Line("personnel", "30113", "住房公积金", 50, func="2210201"),
    Line("personnel", "30302", "退休费", 30),
    Line("general", "30201", "办公费", 20),
    Line("general", "30202", "印刷费", 5),
    Line("general", "30205", "水费", 4),
    Line("general", "30206", "电费", 10),
    Line("general", "30207", "邮电费", 6),
    Line("general", "30209", "物业管理费", 25),
    Line("general", "30211", "差旅费", 8),
    Line("general", "30213", "维修（护）费", 10),
    Line("general", "30214", "租赁费", 6),
    Line("general", "30215", "会议费", 4),
    Line("general", "30216", "培训费", 5),
    Line("general", "30226", "劳务费", 8),
    Line("general", "30227", "委托业务费", 10),
    Line("general", "31002", "办公设备购置", 6),
    Line("sangong", "30217", "公务接待费", 1.5),
    Line("sangong", "30231", "公务用车运行维护费", 3),
    Line("other_public", "30228", "工会经费", 8),
    Line("other_public", "30229", "福利费", 6),
    Line("other_public", "30239", "其他交通费用", 12),
    Line("other_public", "30299", "其他商品和服务支出", 10),
)
OVERSEAS = Line("sangong", "30212", "因公出国（境）费用", 2)


@dataclass(frozen=True)
class Department:
    name: str
    code: str
    admin_func: str  # the 行政运行 项 of its 款
    scale: float
    projects: tuple[Line, ...] = ()
    overseas: bool = False
    sangong: bool = True
    years: tuple[int, ...] = YEARS


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "财政局",
        "101",
        "2010601",
        1.0,
        (
            Line("reform", "30299", "预算绩效管理改革", 80, "2010699", PROJECT, "深化改革"),
            Line("other_project", "31007", "财政信息化运维", 150, "2010699", PROJECT),
        ),
    ),
    Department(
        "发展和改革局",
        "102",
        "2010401",
        0.8,
        (
            Line("reform", "30299", "营商环境改革评估", 60, "2010499", PROJECT, "深化改革"),
            Line("other_project", "30299", "重大项目前期工作经费", 200, "2010499", PROJECT),
        ),
    ),
    Department(
        "商务局",
        "103",
        "2011301",
        0.7,
        (
            Line("investment", "30299", "招商推介活动经费", 300, "2011308", PROJECT, "招商引资"),
            Line("enterprise", "31204", "外贸企业稳外贸费用补贴", 400, "2011399", PROJECT),
        ),
        overseas=True,
    ),
    Department(
        "工业和信息化局",
        "104",
        "2150501",
        0.8,
        (
            Line("enterprise", "31204", "中小企业发展专项资金", 800, "2150805", PROJECT, "有利企业"),
            Line("enterprise", "31299", "制造业数字化转型奖补", 300, "2150599", PROJECT),
        ),
    ),
    Department(
        "教育局",
        "105",
        "2050101",
        1.5,
        (
            Line("livelihood", "30299", "学前教育生均公用经费", 2000, "2050201", PROJECT),
            Line("livelihood", "30299", "义务教育学校运转经费", 5000, "2050202", PROJECT),
            Line("reform", "30299", "教育综合改革试点", 100, "2050299", PROJECT, "深化改革"),
        ),
    ),
    Department(
        "卫生健康局",
        "106",
        "2100101",
        1.2,
        (
            Line("livelihood", "30299", "基本公共卫生服务", 1500, "2100408", PROJECT),
            Line("reform", "30299", "公立医院综合改革补助", 500, "2100299", PROJECT, "深化改革"),
        ),
    ),
    Department(
        "人力资源和社会保障局",
        "107",
        "2080101",
        0.9,
        (
            Line("livelihood", "30305", "公益性岗位补贴", 800, "2080705", PROJECT),
            Line("livelihood", "30399", "就业创业服务补贴", 600, "2080799", PROJECT),
        ),
        years=(2021, 2022, 2024, 2025),
    ),
    Department(
        "住房和城乡建设局",
        "108",
        "2120101",
        1.0,
        (
            Line("livelihood", "31099", "老旧小区改造", 1200, "2210108", PROJECT),
            Line("other_project", "30299", "城市道路养护", 400, "2120399", PROJECT),
        ),
    ),
    Department(
        "农业农村局",
        "109",
        "2130101",
        0.9,
        (
            Line("reform", "30299", "农村综合改革试点", 50, "2130799", PROJECT, "深化改革"),
            Line("other_project", "31099", "高标准农田建设", 700, "2130199", PROJECT),
        ),
        sangong=False,
    ),
    Department(
        "经济技术开发区管委会",
        "110",
        "2011301",
        0.6,
        (
            Line("investment", "30299", "园区招商引资专项", 500, "2011308", PROJECT, "招商引资"),
            Line("enterprise", "31299", "入园企业扶持资金", 600, "2011399", PROJECT, "有利企业"),
        ),
        overseas=True,
    ),
    Department(
        "数据局",
        "111",
        "2010301",
        0.5,
        (Line("other_project", "31007", "政务数据共享平台建设", 300, "2010399", PROJECT),),
        years=(2024, 2025),
    ),
)


@dataclass(frozen=True)
class Plant:
    """A deliberate deviation: in ``year``, lines of ``kinds`` of ``department`` grow by ``factor``."""

    department: str
    year: int
    kinds: tuple[str, ...]
    factor: float
    items: tuple[str, ...] = ()  # restrict to these items (empty = all lines of the kinds)


PLANTED: tuple[Plant, ...] = (
    Plant("商务局", 2024, ("sangong",), 1.20),
    Plant("教育局", 2023, ("livelihood",), 0.99),
    Plant("工业和信息化局", 2025, ("enterprise",), 0.80, ("中小企业发展专项资金",)),
    Plant("发展和改革局", 2024, ("general", "sangong"), 0.98),
    Plant("发展和改革局", 2024, ("other_public",), 0.70),
    Plant("住房和城乡建设局", 2025, ("other_public",), 1.25),
    Plant("卫生健康局", 2023, ("general",), 0.955),
    Plant("卫生健康局", 2023, ("other_public",), 0.80),
    Plant("农业农村局", 2024, ("reform",), 0.99),
)
# 农业农村局 has no 三公 line until 2025, when a 公务接待费 line appears (prior 0 → red).
NEW_SANGONG = ("农业农村局", 2025, Line("sangong", "30217", "公务接待费", 0.3))


def _finding(scope: str, category: str | None, year: int, level: str, reason: str) -> dict:
    return {"scope": scope, "category": category, "year": year, "level": level, "reason": reason}


MANIFEST: list[dict] = [
    {
        "id": "P1",
        "level": "red",
        "zh": "商务局2024年三公经费（公务接待、公车运维、因公出国）比上年增长20%，违反只减不增",
        "en": "商务局 raised 三公经费 20% in 2024; they may only go down",
        "findings": [_finding("商务局", "sangong", 2024, "red", "wrong_direction")],
    },
    {
        "id": "P2",
        "level": "red",
        "zh": "教育局2023年学前教育、义务教育项目比上年减少1%，改善民生支出下降",
        "en": "教育局 cut its pre-school and compulsory education projects by 1% in 2023: livelihood spending fell",
        "findings": [_finding("教育局", "livelihood", 2023, "red", "wrong_direction")],
    },
    {
        "id": "P3",
        "level": "red",
        "zh": "工业和信息化局2025年中小企业发展专项资金比上年减少20%，有利企业支出下降；"
        "因占比大，全市合计有利企业支出也下降",
        "en": "工业和信息化局 cut its SME development fund by 20% in 2025; it is large enough that the "
        "whole government's enterprise support falls too",
        "findings": [
            _finding("工业和信息化局", "enterprise_support", 2025, "red", "wrong_direction"),
            _finding("全市合计", "enterprise_support", 2025, "red", "wrong_direction"),
        ],
    },
    {
        "id": "P4",
        "level": "red",
        "zh": "农业农村局此前没有三公经费，2025年新增公务接待费（上年为0，本年新增）",
        "en": "农业农村局 had no 三公经费 before; a reception line appears in 2025 (from 0)",
        "findings": [_finding("农业农村局", "sangong", 2025, "red", "prior_zero_increase")],
    },
    {
        "id": "Y1",
        "level": "yellow",
        "zh": "发展和改革局2024年一般性支出只压减2%，未达到压减5%的目标（差3个百分点）",
        "en": "发展和改革局 cut general expenditure by only 2% in 2024 against a 5% target",
        "findings": [_finding("发展和改革局", "general_expenditure", 2024, "yellow", "shortfall")],
    },
    {
        "id": "Y2",
        "level": "yellow",
        "zh": "住房和城乡建设局2025年工会经费、福利费等公用经费增长25%，日常公用经费和运行经费"
        "只压减约0.8%，未达到压减3%的目标",
        "en": "住房和城乡建设局 raised other 公用经费 by 25% in 2025, so daily public and operating costs fell "
        "only about 0.8% against a 3% target",
        "findings": [
            _finding("住房和城乡建设局", "daily_public", 2025, "yellow", "shortfall"),
            _finding("住房和城乡建设局", "operating", 2025, "yellow", "shortfall"),
        ],
    },
    {
        "id": "W1",
        "level": "white",
        "zh": "卫生健康局2023年一般性支出压减约4.5%，距压减5%的目标不足1个百分点，仅作提示",
        "en": "卫生健康局 cut general expenditure about 4.5% in 2023, within 1 pp of the 5% target: a notice",
        "findings": [_finding("卫生健康局", "general_expenditure", 2023, "white", "shortfall")],
    },
    {
        "id": "W2",
        "level": "white",
        "zh": "农业农村局2024年农村综合改革试点减少约0.5万元，低于1万元重要性水平，仅作提示",
        "en": "农业农村局's rural reform pilot fell about 5,000 yuan in 2024, below the 10,000 yuan materiality floor",
        "findings": [_finding("农业农村局", "deepen_reform", 2024, "white", "wrong_direction")],
    },
    {
        "id": "W3",
        "level": "white",
        "zh": "人力资源和社会保障局缺报2023年数据：一条数据完整性提示，2023、2024年各类别不可比；"
        "全市合计按可比口径剔除该部门",
        "en": "人力资源和社会保障局 submitted nothing for 2023: one completeness notice, its 2023 and 2024 "
        "cells are not comparable; the whole-government comparison leaves it out",
        "findings": [_finding("人力资源和社会保障局", None, 2023, "white", "department_missing")],
    },
    {
        "id": "W4",
        "level": "white",
        "zh": "数据局2024年新组建，没有2023年数据：一条数据完整性提示，2024年各类别不可比",
        "en": "数据局 was set up in 2024: no 2023 figures, one completeness notice; its 2024 cells are not comparable",
        "findings": [_finding("数据局", None, 2023, "white", "department_missing")],
    },
]


def _factor(dept: Department, line: Line, year: int) -> float:
    for plant in PLANTED:
        if (
            plant.department == dept.name
            and plant.year == year
            and line.kind in plant.kinds
            and (not plant.items or line.item in plant.items)
        ):
            return plant.factor
    return GROWTH[line.kind]


def _department_lines(dept: Department) -> list[Line]:
    lines = [ln for ln in BASIC_LINES if dept.sangong or ln.kind != "sangong"]
    if dept.overseas:
        lines.append(OVERSEAS)
    return lines + list(dept.projects)


def sample_table() -> pd.DataFrame:
    """The sample city as a canonical table (amounts rounded to whole 元, as budgets are)."""
    records = []
    for dept in DEPARTMENTS:
        lines = _department_lines(dept)
        if dept.name == NEW_SANGONG[0]:
            lines.append(NEW_SANGONG[2])
        for line in lines:
            amount = line.base_wan * 10_000 * dept.scale
            for i, year in enumerate(range(dept.years[0], YEARS[-1] + 1)):
                if i > 0:
                    amount *= _factor(dept, line, year)
                if year not in dept.years:
                    continue
                if line is NEW_SANGONG[2] and year != NEW_SANGONG[1]:
                    continue
                records.append(
                    {
                        DEPARTMENT: dept.name,
                        DEPARTMENT_CODE: dept.code,
                        YEAR: year,
                        STAGE: "budget",
                        FUNC_CODE: line.func or dept.admin_func,
                        ECON_CODE: line.econ,
                        ITEM: line.item,
                        EXPENSE_TYPE: line.expense_type,
                        TAGS: line.tags,
                        AMOUNT_FEN: int(round(amount)) * 100,
                    }
                )
    frame = pd.DataFrame(records).sort_values([YEAR, DEPARTMENT_CODE], kind="stable").reset_index(drop=True)
    return frame


def _template_rows(frame: pd.DataFrame) -> list[list[object]]:
    rows = []
    for rec in frame.to_dict("records"):
        row = []
        for col in TEMPLATE_HEADERS:
            value = rec.get(col)
            if col == AMOUNT_FEN:
                value = f"{Decimal(int(value)) / 100:.2f}"
            elif col == STAGE:
                value = STAGE_LABELS[value]
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                value = ""
            row.append(value)
        rows.append(row)
    return rows


def write_sample(directory: str | Path) -> list[Path]:
    """Write the sample city: CSV (UTF-8 with BOM, opens in Excel), XLSX (a sheet per year), the 财政局
    as published-layout workbooks, and the manifest."""
    from openpyxl import Workbook

    out = Path(directory)
    (out / "csv").mkdir(parents=True, exist_ok=True)
    (out / "xlsx").mkdir(parents=True, exist_ok=True)
    frame = sample_table()
    written: list[Path] = []

    csv_path = out / "csv" / "city_budget_2021_2025.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(TEMPLATE_HEADERS.values())
        writer.writerows(_template_rows(frame))
    written.append(csv_path)

    xlsx_path = out / "xlsx" / "city_budget_2021_2025.xlsx"
    book = Workbook(write_only=True)
    for year, part in frame.groupby(YEAR):
        sheet = book.create_sheet(f"{year}年")
        sheet.append(list(TEMPLATE_HEADERS.values()))
        for row in _template_rows(part):
            sheet.append([float(str(v)) if i == len(row) - 1 else v for i, v in enumerate(row)])  # 元 as text
    book.save(xlsx_path)
    written.append(xlsx_path)

    # The same city's 财政局 as its 部门预算公开 workbooks (published layouts): 2024 with the
    # 一般公共预算支出表, 基本支出表 and 三公经费表, 2025 with the 支出五年情况表 too.
    from budget_guard.samples.published import write_published_sample

    published = out / "published"
    published.mkdir(parents=True, exist_ok=True)
    written += write_published_sample(
        published,
        table=frame,
        department=PUBLISHED_DEPARTMENT,
        year=2024,
        sheets=("general", "basic", "sangong"),
    )
    written += write_published_sample(published, table=frame, department=PUBLISHED_DEPARTMENT, year=2025)

    # A 预算管理一体化 export of three 财政区划 (its own manifest), see sample_yitihua.py.
    from budget_guard.samples.yitihua import write_yitihua_sample

    yitihua = write_yitihua_sample(out / "yitihua")

    manifest_path = out / "manifest.json"
    manifest_path.write_text(
        json.dumps(
            {
                "description": "Planted guardrail violations in the sample city; every other compared scope × category × year is 达标. "
                "published/ holds the 财政局 (no planted violation) as published 部门预算公开 workbooks.",
                "files": [str(p.relative_to(out)) for p in written],
                "lines_per_file": len(frame),
                "violations": MANIFEST,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    # every file written (the 一体化 export too), the city's manifest last
    return [*written, *yitihua, manifest_path]


def expected_findings() -> set[tuple[str, str, int, str]]:
    """(scope, category, year, level) of every finding the sample must produce — no more, no fewer."""
    return {(f["scope"], f["category"], f["year"], f["level"]) for v in MANIFEST for f in v["findings"]}


# -- synthetic data at scale ----------------------------------------------------------------------

# A synthetic province: departments copy the sample city's departments (their codes, items and
# tags), each with ~N 二级单位 repeating its lines; amounts follow GROWTH with a little noise, and a
# few department × kind × year cells are bent the way PLANTED bends the sample city.
SYNTHETIC_NOISE = 0.01  # relative noise of each line around its trend, per year
SYNTHETIC_GROWTH_JITTER = 0.01  # each department's own growth differs from GROWTH by about this
SYNTHETIC_BEND_RATE = 0.01  # share of department × kind × year cells that break the trend
SYNTHETIC_LATE_START_RATE = 0.01  # share of departments set up after the first year (no baseline)
SYNTHETIC_GAP_RATE = 0.01  # share of departments that miss one year's submission
# kind → the factors a bent year may take instead of its growth (cf. PLANTED)
SYNTHETIC_BENDS: dict[str, tuple[float, ...]] = {
    "general": (0.98, 0.955, 1.02),
    "sangong": (1.10, 0.99),
    "other_public": (1.25, 0.97),
    "livelihood": (0.99, 0.95),
    "reform": (0.99,),
    "investment": (0.97,),
    "enterprise": (0.80, 0.99),
}


def _template_arrays() -> tuple[list[list[Line]], dict[str, int]]:
    """Each sample department's lines (with its 行政运行 code filled in), and the kinds' order."""
    templates = []
    for dept in DEPARTMENTS:
        templates.append(
            [
                Line(
                    ln.kind,
                    ln.econ,
                    ln.item,
                    ln.base_wan * dept.scale,
                    ln.func or dept.admin_func,
                    ln.expense_type,
                    ln.tags,
                )
                for ln in _department_lines(dept)
            ]
        )
    kinds = {kind: i for i, kind in enumerate(GROWTH)}
    return templates, kinds


def _categorical(codes: np.ndarray, values: list) -> pd.Categorical:
    """Categorical from per-row indices into ``values`` (None → missing), with unused values dropped."""
    uniques = sorted({v for v in values if v is not None and v != ""})
    position = {v: i for i, v in enumerate(uniques)}
    remap = np.array([position.get(v, -1) if v not in (None, "") else -1 for v in values], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes], categories=uniques).remove_unused_categories()


def synthetic_table(
    n_lines: int, n_departments: int = 300, years: tuple[int, ...] = YEARS, seed: int = 7
) -> pd.DataFrame:
    """A canonical table of ``n_lines`` lines that looks like a province of cities, for benchmarks.

    Department ``i`` copies sample department ``i mod 11`` (its real functional and economic codes,
    items and tags) with a random size; its lines repeat over 二级单位 to reach ``n_lines``. Every line
    exists in every year its department submitted, and its amount follows the department's trend per
    kind (GROWTH, jittered) with ~1 % noise, rounded to whole 元; about 1 % of department × kind × year
    cells break the trend, a few departments start late or miss a year. So the finding count is that of
    a real province (hundreds), not of random numbers. Vectorised: 10 million lines take seconds.
    """
    rng = np.random.default_rng(seed)
    n_years = len(years)
    templates, kinds = _template_arrays()
    n_templates = len(templates)

    # Flat table of every template line: (template, position) → kind, codes, base amount.
    flat = [ln for t in templates for ln in t]
    offsets = np.cumsum([0] + [len(t) for t in templates])
    t_len = np.diff(offsets)
    flat_kind = np.array([kinds[ln.kind] for ln in flat], dtype=np.int64)
    flat_base = np.array([ln.base_wan for ln in flat]) * 10_000 * 100  # fen

    # Departments: template, size, which years they submitted.
    dept_template = np.arange(n_departments) % n_templates
    dept_size = rng.lognormal(0.0, 0.6, size=n_departments)
    present = np.ones((n_departments, n_years), dtype=bool)
    if n_years > 2:
        late = rng.random(n_departments) < SYNTHETIC_LATE_START_RATE
        present[late, : rng.integers(1, n_years - 1)] = False
        gap = ~late & (rng.random(n_departments) < SYNTHETIC_GAP_RATE)
        present[gap, rng.integers(1, n_years - 1)] = False

    # Yearly factor per department × kind × year: GROWTH with jitter, a few bent cells.
    growth = np.array([GROWTH[k] for k in kinds])
    factor = growth[None, :, None] + rng.normal(0, SYNTHETIC_GROWTH_JITTER, (n_departments, len(kinds), 1))
    factor = np.clip(factor, growth[None, :, None] - 0.025, growth[None, :, None] + 0.025)
    factor = np.repeat(factor, n_years, axis=2)
    bent = rng.random(factor.shape) < SYNTHETIC_BEND_RATE
    for bent_kind, choices in SYNTHETIC_BENDS.items():
        cells = bent[:, kinds[bent_kind], :]
        factor[:, kinds[bent_kind], :][cells] = rng.choice(choices, size=int(cells.sum()))
    factor[:, :, 0] = 1.0
    trend = np.cumprod(factor, axis=2)  # department × kind × year

    # Line slots (one per budget line, repeated every year): department, then line of its template.
    rows_per_dept = present.sum(axis=1)
    weight = dept_size * (rows_per_dept > 0)
    expected_rows = float((weight / weight.sum() * rows_per_dept).sum())
    n_slots = int(np.ceil(n_lines / max(expected_rows, 1e-9))) + n_years + 16
    slot_dept = np.sort(rng.choice(n_departments, size=n_slots, p=weight / weight.sum()))
    first = np.searchsorted(slot_dept, slot_dept, side="left")
    rank = np.arange(n_slots) - first  # position of the slot within its department
    template = dept_template[slot_dept]
    flat_line = offsets[template] + rng.integers(0, t_len[template])  # any line of the template
    unit = rank // t_len[template]  # the 二级单位 it belongs to
    slot_base = flat_base[flat_line] * rng.lognormal(0.0, 0.3, size=n_slots)
    order = rng.permutation(n_slots)  # take slots in random order, so truncation is unbiased
    slot_rows = rows_per_dept[slot_dept[order]]
    keep = np.searchsorted(np.cumsum(slot_rows), n_lines) + 1
    slots = np.sort(order[:keep])

    # Expand slots × years, drop years a department did not submit, trim to exactly n_lines.
    s = np.repeat(slots, n_years)
    y = np.tile(np.arange(n_years), len(slots))
    d = slot_dept[s]
    mask = present[d, y]
    s, y, d = s[mask], y[mask], d[mask]
    s, y, d = s[:n_lines], y[:n_lines], d[:n_lines]
    kind = flat_kind[flat_line[s]]
    noise = 1.0 + rng.normal(0.0, SYNTHETIC_NOISE, size=len(s))
    amount = np.rint(slot_base[s] * trend[d, kind, y] * noise / 100).astype(np.int64) * 100
    row_order = np.lexsort((s, y))  # like the files: year by year, department by department
    s, y, d, amount = s[row_order], y[row_order], d[row_order], amount[row_order]
    line_idx = flat_line[s]

    region = [f"{i // n_templates + 1:02d}" for i in range(n_departments)]
    dept_names = [f"{region[i]}区{DEPARTMENTS[dept_template[i]].name}" for i in range(n_departments)]
    dept_codes = [f"{region[i]}{DEPARTMENTS[dept_template[i]].code}" for i in range(n_departments)]
    # Project names differ per 二级单位 (a real province has thousands); basic-expense items do not.
    is_project = np.array([ln.expense_type == PROJECT for ln in flat])[line_idx]
    item_key = np.where(is_project, line_idx * 1_000 + np.minimum(unit[s], 999) + 1, line_idx * 1_000)
    item_uniques, item_codes = np.unique(item_key, return_inverse=True)
    item_names = [
        flat[k // 1_000].item if k % 1_000 == 0 else f"{flat[k // 1_000].item}（{k % 1_000}号单位）"
        for k in item_uniques.tolist()
    ]

    frame = pd.DataFrame(
        {
            DEPARTMENT: pd.Categorical.from_codes(d, categories=dept_names),
            DEPARTMENT_CODE: pd.Categorical.from_codes(d, categories=dept_codes),
            YEAR: np.asarray(years, dtype=np.int64)[y],
            STAGE: "budget",
            FUNC_CODE: _categorical(line_idx, [ln.func for ln in flat]),
            ECON_CODE: _categorical(line_idx, [ln.econ for ln in flat]),
            ITEM: _categorical(item_codes.ravel(), item_names),
            EXPENSE_TYPE: _categorical(line_idx, [ln.expense_type for ln in flat]),
            TAGS: _categorical(line_idx, [ln.tags for ln in flat]),
            AMOUNT_FEN: amount,
            SOURCE_FILE: "synthetic.csv",
            SOURCE_ROW: np.arange(2, len(s) + 2),
        }
    )
    frame[SOURCE_SHEET] = pd.NA
    return conform(frame)
