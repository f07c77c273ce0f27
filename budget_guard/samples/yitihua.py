"""A generated 预算管理一体化 export: three 财政区划, 部门 with 二级单位, projects with 热点分类, 2023–2025.

Every line carries both economic classifications (部门 301–399 and 政府 501–599, mapped as the
两套支出经济分类科目对照表 maps them) and the amounts of each phase: 年初批复 (budget), 调整后
(adjusted) and 执行 (final) for 2023 and 2024; 2025 is the budget year, so its 执行数 column is
empty. 2023 is written with the system's field names (CSV), 2024 and 2025 with the Chinese headers of
its Excel export. All units are 行政单位 (机关), so their 政府经济分类 codes are 501–503 and a rules file
using either classification selects the same lines.

Units normally follow the policy (人员经费 +3 %/year, 一般性支出 −8 %, 三公经费 −5 %, projects +5 %,
spent at 96–99 % of the adjusted budget). ``YITIHUA_PLANTED`` bends specific units and years;
``YITIHUA_MANIFEST`` lists each bend and the findings it must produce, checked by the test suite.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    DEPARTMENT_CODE,
    DIVISION,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    FUND_TYPE,
    GOV_ECON_CODE,
    HOT_TOPIC,
    ITEM,
    PROJECT,
    PROJECT_CATEGORY,
    PROJECT_CODE,
    STAGE,
    UNIT,
    UNIT_CODE,
    YEAR,
    conform,
)

YITIHUA_YEARS = (2023, 2024, 2025)
EXECUTED_YEARS = (2023, 2024)  # 2025 is the year being budgeted: nothing executed yet
GOVERNMENT_LABEL = "全市合计"
FUND_GENERAL = "11 一般公共预算资金"
PERSONNEL, RUNNING, SPECIFIC = "人员类项目", "运转类项目", "特定目标类项目"

GROWTH: dict[str, float] = {
    "personnel": 1.03,
    "general": 0.92,
    "sangong": 0.95,
    "other_public": 0.92,
    "project": 1.05,
}
ADJUSTED: dict[str, float] = {
    "personnel": 1.0,
    "general": 1.0,
    "sangong": 1.0,
    "other_public": 1.0,
    "project": 1.02,
}
EXECUTED: dict[str, float] = {
    "personnel": 0.99,
    "general": 0.97,
    "sangong": 0.96,
    "other_public": 0.97,
    "project": 0.98,
}


@dataclass(frozen=True)
class Line:
    """One export line at 2023 budget and scale 1 (万元): both economic codes, function, project."""

    kind: str
    econ: str
    gov_econ: str
    name: str
    base_wan: float
    func: str | None = None  # None → the department's 行政运行 code
    project: str | None = None  # project name (特定目标类) — None for 人员类/运转类 lines
    hot_topic: str | None = None  # "code name" of the 热点分类


BASIC: tuple[Line, ...] = (
    Line("personnel", "30101", "50101", "基本工资", 120),
    Line("personnel", "30102", "50101", "津贴补贴", 90),
    Line("personnel", "30108", "50102", "机关事业单位基本养老保险缴费", 30, func="2080505"),
    Line("personnel", "30113", "50103", "住房公积金", 20, func="2210201"),
    Line("general", "30201", "50201", "办公费", 12),
    Line("general", "30211", "50201", "差旅费", 6),
    Line("general", "30215", "50202", "会议费", 3),
    Line("general", "30216", "50203", "培训费", 4),
    Line("general", "30213", "50209", "维修（护）费", 5),
    Line("general", "30227", "50205", "委托业务费", 8),
    Line("sangong", "30217", "50206", "公务接待费", 1.2),
    Line("sangong", "30231", "50208", "公务用车运行维护费", 2.5),
    Line("other_public", "30228", "50201", "工会经费", 3),
    Line("other_public", "30229", "50201", "福利费", 2),
)
OVERSEAS = Line("sangong", "30212", "50207", "因公出国（境）费用", 3)


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    admin_func: str
    scale: float
    units: tuple[str, ...]  # 二级单位 names after the 本级
    projects: tuple[Line, ...] = ()
    overseas: bool = False


DEPARTMENTS: tuple[Dept, ...] = (
    Dept(
        "101",
        "财政局",
        "2010601",
        1.0,
        ("财政局综合执法大队",),
        (
            Line(
                "project",
                "30299",
                "50299",
                "预算绩效评价",
                60,
                "2010699",
                "预算绩效管理改革",
                "0101 深化改革",
            ),
        ),
    ),
    Dept(
        "103",
        "商务局",
        "2011301",
        0.8,
        ("商务局综合执法大队",),
        (
            Line(
                "project", "30299", "50299", "招商活动", 150, "2011399", "产业链精准对接活动", "0201 招商引资"
            ),
            Line(
                "project", "31204", "50799", "稳外贸补贴", 200, "2011399", "外贸企业稳岗补贴", "0301 惠企纾困"
            ),
        ),
        overseas=True,
    ),
    Dept(
        "105",
        "教育局",
        "2050101",
        1.4,
        ("教育局教育督导室",),
        (
            Line(
                "project",
                "30299",
                "50299",
                "运转经费",
                800,
                "2050202",
                "义务教育学校运转经费",
                "0401 民生保障",
            ),
            Line(
                "project", "30299", "50299", "管理试点", 40, "2050299", "“县管校聘”管理试点", "0101 深化改革"
            ),
        ),
    ),
    Dept(
        "106",
        "卫生健康局",
        "2100101",
        1.1,
        (),
        (Line("project", "30299", "50299", "公共卫生", 500, "2100408", "基本公共卫生服务", "0401 民生保障"),),
    ),
)
DIVISIONS: tuple[tuple[str, str, float], ...] = (
    ("990101", "东湖区", 1.0),
    ("990102", "西山区", 0.8),
    ("990121", "南溪县", 0.6),
)
CAR = Line("sangong", "31013", "50303", "公务用车购置", 8, func="2100499", project="卫生监督执法用车购置")


@dataclass(frozen=True)
class Plant:
    """In ``year``, the ``stage`` amounts of ``kinds`` lines of one unit (or every unit of the
    department when ``unit`` is empty) are multiplied by ``factor`` (for ``budget``: instead of the
    year's growth; for ``final``: instead of the usual execution rate)."""

    division: str
    department: str
    year: int
    kinds: tuple[str, ...]
    factor: float
    stage: str = "budget"
    unit: str = ""  # '' = every unit of the department; otherwise a unit name suffix
    project: str = ""  # restrict to one project


YITIHUA_PLANTED: tuple[Plant, ...] = (
    Plant("东湖区", "商务局", 2025, ("sangong",), 1.20),
    Plant("西山区", "教育局", 2024, ("project",), 0.90, project="“县管校聘”管理试点"),
    Plant("南溪县", "商务局", 2025, ("project",), 0.95, project="产业链精准对接活动"),
    Plant("西山区", "财政局", 2024, ("general",), 0.98),
    Plant("东湖区", "教育局", 2025, ("general",), 0.955),
    # 预算执行: 决算 against the year's budget
    Plant("西山区", "商务局", 2024, ("sangong",), 1.12, stage="final"),
    Plant("东湖区", "卫生健康局", 2023, ("project",), 0.60, stage="final"),
)
# 南溪县卫生健康局 buys a car in 2025: a 公务用车购置 line appears (from 0).
NEW_CAR = ("南溪县", "卫生健康局", 2025)


def _finding(scope_type: str, scope: str, category: str, year: int, level: str, reason: str) -> dict:
    return {
        "scope_type": scope_type,
        "scope": scope,
        "category": category,
        "year": year,
        "level": level,
        "reason": reason,
    }


def _dept(name: str, category: str, year: int, level: str, reason: str) -> dict:
    return _finding("department", name, category, year, level, reason)


def _units(names: tuple[str, ...], category: str, year: int, level: str, reason: str) -> list[dict]:
    return [_finding("unit", n, category, year, level, reason) for n in names]


def _division(name: str, category: str, year: int, level: str, reason: str) -> dict:
    return _finding("division", name, category, year, level, reason)


RED, WRONG = "red", "wrong_direction"
YITIHUA_MANIFEST: list[dict] = [
    {
        "id": "YP1",
        "level": "red",
        "zh": "东湖区商务局2025年三公经费（部门经济30217/30231/30212，政府经济50206/50208/50207）两个单位都增长20%，"
        "东湖区合计也增长；三公属于一般性支出，部门和本级的一般性支出压减不足5%",
        "en": "东湖区商务局 raised 三公经费 20% in 2025 in both its units (found by either economic "
        "classification); 东湖区 as a whole rises too, and general expenditure is cut less than 5%",
        "findings": [
            _dept("东湖区商务局", "sangong", 2025, RED, WRONG),
            *_units(("东湖区商务局(本级)", "东湖区商务局综合执法大队"), "sangong", 2025, RED, WRONG),
            _division("东湖区", "sangong", 2025, RED, WRONG),
            _dept("东湖区商务局", "general_expenditure", 2025, "white", "shortfall"),
            *_units(("东湖区商务局(本级)",), "general_expenditure", 2025, "white", "shortfall"),
        ],
    },
    {
        "id": "YP2",
        "level": "red",
        "zh": "西山区教育局2024年“县管校聘”管理试点（热点分类0101 深化改革，项目名称无“改革”）减少10%，"
        "西山区深化改革支出随之下降",
        "en": "西山区教育局 cut a reform pilot 10% in 2024; only its 热点分类 marks it as 深化改革",
        "findings": [
            _dept("西山区教育局", "deepen_reform", 2024, RED, WRONG),
            *_units(("西山区教育局(本级)",), "deepen_reform", 2024, RED, WRONG),
            _division("西山区", "deepen_reform", 2024, RED, WRONG),
        ],
    },
    {
        "id": "YP3",
        "level": "red",
        "zh": "南溪县商务局2025年产业链精准对接活动（热点分类0201 招商引资）减少5%，南溪县招商引资支出随之下降",
        "en": "南溪县商务局 cut an investment-attraction project (热点分类 0201) 5% in 2025",
        "findings": [
            _dept("南溪县商务局", "investment_attraction", 2025, RED, WRONG),
            *_units(("南溪县商务局(本级)",), "investment_attraction", 2025, RED, WRONG),
            _division("南溪县", "investment_attraction", 2025, RED, WRONG),
        ],
    },
    {
        "id": "YP4",
        "level": "red",
        "zh": "南溪县卫生健康局2025年新增公务用车购置项目（31013 / 50303）：三公经费和一般性支出增长，"
        "南溪县和全市的三公经费合计也随之增长",
        "en": "南溪县卫生健康局 buys a car in 2025: its 三公经费 and general expenditure rise, and so do the "
        "county's and the whole government's 三公经费",
        "findings": [
            _dept("南溪县卫生健康局", "sangong", 2025, RED, WRONG),
            _dept("南溪县卫生健康局", "general_expenditure", 2025, RED, WRONG),
            *_units(("南溪县卫生健康局(本级)",), "sangong", 2025, RED, WRONG),
            *_units(("南溪县卫生健康局(本级)",), "general_expenditure", 2025, RED, WRONG),
            _division("南溪县", "sangong", 2025, RED, WRONG),
            _division("南溪县", "general_expenditure", 2025, "white", "shortfall"),
            _finding("government", GOVERNMENT_LABEL, "sangong", 2025, RED, WRONG),
        ],
    },
    {
        "id": "YY1",
        "level": "yellow",
        "zh": "西山区财政局2024年一般性支出只压减2%，未达到压减5%的目标；日常公用经费和运行经费也未达到压减3%；"
        "两个单位各自的差额低于1万元重要性水平，仅作提示",
        "en": "西山区财政局 cut general expenditure only 2% in 2024 against a 5% target; each unit's gap is "
        "below the 10,000 yuan materiality floor, so the units get notices",
        "findings": [
            _dept("西山区财政局", "general_expenditure", 2024, "yellow", "shortfall"),
            _dept("西山区财政局", "daily_public", 2024, "white", "shortfall"),
            _dept("西山区财政局", "operating", 2024, "white", "shortfall"),
            *[
                f
                for category in ("general_expenditure", "daily_public", "operating")
                for f in _units(
                    ("西山区财政局(本级)", "西山区财政局综合执法大队"), category, 2024, "white", "shortfall"
                )
            ],
        ],
    },
    {
        "id": "YW1",
        "level": "white",
        "zh": "东湖区教育局2025年一般性支出压减4.5%，距5%的目标不足1个百分点",
        "en": "东湖区教育局 cut general expenditure 4.5% in 2025, within 1 pp of the 5% target",
        "findings": [
            _dept("东湖区教育局", "general_expenditure", 2025, "white", "shortfall"),
            *_units(
                ("东湖区教育局(本级)", "东湖区教育局教育督导室"),
                "general_expenditure",
                2025,
                "white",
                "shortfall",
            ),
        ],
    },
]
# 预算执行 plants: (scope_type, scope, category, year, level) of the execution findings.
YITIHUA_EXECUTION_MANIFEST: list[dict] = [
    {
        "id": "YE1",
        "zh": "西山区商务局2024年两个单位的三公经费决算都超过年初预算12%（过紧日子类别超预算）；西山区合计也略超预算",
        "en": "西山区商务局's two units spent 12% more on 三公经费 in 2024 than budgeted; 西山区 as a whole is "
        "slightly over too",
        "findings": [
            _dept("西山区商务局", "sangong", 2024, RED, "over_budget"),
            *_units(("西山区商务局(本级)", "西山区商务局综合执法大队"), "sangong", 2024, RED, "over_budget"),
            _division("西山区", "sangong", 2024, "white", "over_budget"),
        ],
    },
    {
        "id": "YE2",
        "zh": "东湖区卫生健康局2023年基本公共卫生服务只执行年初预算的60%（只增不减类别远低于预算）；东湖区改善民生执行率约87%",
        "en": "东湖区卫生健康局 spent only 60% of its public-health budget in 2023; 东湖区's livelihood "
        "spending is at about 87% of budget",
        "findings": [
            _dept("东湖区卫生健康局", "livelihood", 2023, "yellow", "under_budget"),
            *_units(("东湖区卫生健康局(本级)",), "livelihood", 2023, "yellow", "under_budget"),
            _division("东湖区", "livelihood", 2023, "white", "under_budget"),
        ],
    },
]


def expected_yitihua_execution() -> set[tuple[str, str, str, int, str]]:
    """(scope_type, scope, category, year, level) of every 预算执行 finding the sample must produce."""
    return {
        (f["scope_type"], f["scope"], f["category"], f["year"], f["level"])
        for v in YITIHUA_EXECUTION_MANIFEST
        for f in v["findings"]
    }


def _plant(division: str, dept: Dept, unit: str, line: Line, year: int, stage: str) -> float | None:
    for plant in YITIHUA_PLANTED:
        if (
            plant.stage == stage
            and plant.division == division
            and plant.department == dept.name
            and plant.year == year
            and line.kind in plant.kinds
            and (not plant.unit or unit.endswith(plant.unit))
            and (not plant.project or line.project == plant.project)
        ):
            return plant.factor
    return None


def _unit_lines(dept: Dept, is_main: bool) -> list[Line]:
    lines = list(BASIC)
    if dept.overseas and is_main:
        lines.append(OVERSEAS)
    return lines + (list(dept.projects) if is_main else [])


def yitihua_lines() -> pd.DataFrame:
    """The export as canonical lines (one per row × phase), amounts in whole 元."""
    records = []
    for div_code, division, div_scale in DIVISIONS:
        for dept in DEPARTMENTS:
            units = [(f"{div_code}{dept.code}001", f"{division}{dept.name}（本级）", True)]
            units += [
                (f"{div_code}{dept.code}{i + 2:03d}", f"{division}{name}", False)
                for i, name in enumerate(dept.units)
            ]
            for unit_code, unit_name, is_main in units:
                lines = _unit_lines(dept, is_main)
                if is_main and (division, dept.name) == NEW_CAR[:2]:
                    lines.append(CAR)
                scale = div_scale * dept.scale * (1.0 if is_main else 0.4)
                for line in lines:
                    amount = line.base_wan * 10_000 * scale
                    for i, year in enumerate(YITIHUA_YEARS):
                        if i > 0:
                            amount *= (
                                _plant(division, dept, unit_name, line, year, "budget") or GROWTH[line.kind]
                            )
                        if line is CAR and year != NEW_CAR[2]:
                            continue
                        budget = round(amount)
                        adjusted = round(budget * ADJUSTED[line.kind])
                        rate = _plant(division, dept, unit_name, line, year, "final")
                        final = round(budget * rate) if rate else round(adjusted * EXECUTED[line.kind])
                        phases = {"budget": budget, "adjusted": adjusted}
                        if year in EXECUTED_YEARS:
                            phases["final"] = final
                        for stage, value in phases.items():
                            records.append(
                                {
                                    DIVISION: division,
                                    "division_code": div_code,
                                    UNIT_CODE: unit_code,
                                    UNIT: unit_name,
                                    DEPARTMENT: f"{division}{dept.name}",
                                    DEPARTMENT_CODE: f"{div_code}{dept.code}",
                                    YEAR: year,
                                    STAGE: stage,
                                    FUNC_CODE: line.func or dept.admin_func,
                                    ECON_CODE: line.econ,
                                    GOV_ECON_CODE: line.gov_econ,
                                    FUND_TYPE: FUND_GENERAL,
                                    PROJECT_CODE: _project_code(unit_code, line, year),
                                    PROJECT: line.project or _basic_project(line),
                                    PROJECT_CATEGORY: _category(line),
                                    HOT_TOPIC: line.hot_topic,
                                    EXPENSE_TYPE: "项目支出" if line.project else "基本支出",
                                    ITEM: line.project or line.name,
                                    AMOUNT_FEN: value * 100,
                                }
                            )
    return pd.DataFrame(records)


def _category(line: Line) -> str:
    if line.project:
        return SPECIFIC
    return PERSONNEL if line.kind == "personnel" else RUNNING


def _basic_project(line: Line) -> str:
    return "人员经费" if line.kind == "personnel" else "公用经费"


def _project_code(unit_code: str, line: Line, year: int) -> str:
    kind = "1" if line.kind == "personnel" else ("3" if line.project else "2")
    serial = sum(ord(c) for c in (line.project or _basic_project(line))) % 1000
    return f"{unit_code}{kind}{serial:03d}"


def yitihua_table() -> pd.DataFrame:
    """The sample as a canonical table (what ``read_budget`` returns for the written files: text NFKC-normalised)."""
    frame = yitihua_lines().drop(columns="division_code")
    for column in (UNIT, PROJECT, ITEM):
        frame[column] = frame[column].map(
            lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v
        )
    return conform(frame)


# -- writing the export files -------------------------------------------------------------------------

ENGLISH_HEADERS: dict[str, str] = {
    "division_code": "MOF_DIV_CODE",
    DIVISION: "MOF_DIV_NAME",
    YEAR: "FISCAL_YEAR",
    UNIT_CODE: "AGENCY_CODE",
    UNIT: "AGENCY_NAME",
    FUNC_CODE: "EXP_FUNC_CODE",
    ECON_CODE: "DEP_BGT_ECO_CODE",
    GOV_ECON_CODE: "GOV_BGT_ECO_CODE",
    FUND_TYPE: "FUND_TYPE_CODE",
    PROJECT_CODE: "PRO_CODE",
    PROJECT: "PRO_NAME",
    PROJECT_CATEGORY: "PRO_CAT_NAME",
    "hot_topic_code": "HOT_TOPIC_CATE_CODE",
    HOT_TOPIC: "HOT_TOPIC_CATE_NAME",
    "budget": "REPLY_AMT",
    "adjustment": "ADJ_AMT",
    "adjusted": "CUR_AMT",
    "final": "PAY_AMT",
}
CHINESE_HEADERS: dict[str, str] = {
    "division_code": "财政区划代码",
    DIVISION: "财政区划名称",
    YEAR: "预算年度",
    UNIT_CODE: "单位代码",
    UNIT: "单位名称",
    FUNC_CODE: "功能科目编码",
    ECON_CODE: "部门经济科目编码",
    GOV_ECON_CODE: "政府经济科目编码",
    FUND_TYPE: "资金性质",
    PROJECT_CODE: "项目代码",
    PROJECT: "项目名称",
    PROJECT_CATEGORY: "项目类别",
    HOT_TOPIC: "热点分类",  # "code name" in one cell
    "budget": "年初批复数（元）",
    "adjustment": "调整数（元）",
    "adjusted": "调整后预算数（元）",
    "final": "支出数（元）",
}
_KEYS = (
    "division_code",
    DIVISION,
    YEAR,
    UNIT_CODE,
    UNIT,
    FUNC_CODE,
    ECON_CODE,
    GOV_ECON_CODE,
    FUND_TYPE,
    PROJECT_CODE,
    PROJECT,
    PROJECT_CATEGORY,
    HOT_TOPIC,
)


def _export_rows(frame: pd.DataFrame, year: int, headers: dict[str, str]) -> list[list[object]]:
    """One row per line key with the phase amounts side by side (in 元), as the system exports them."""
    part = frame[frame[YEAR] == year].fillna({HOT_TOPIC: ""})
    wide = part.pivot_table(index=list(_KEYS), columns=STAGE, values=AMOUNT_FEN, aggfunc="sum", sort=False)
    rows = []
    for rec in wide.reset_index().to_dict("records"):
        budget, adjusted = int(rec["budget"]), int(rec["adjusted"])
        final = rec.get("final")
        hot = rec[HOT_TOPIC]
        values = {
            **{k: rec[k] for k in _KEYS},
            "hot_topic_code": hot.split()[0] if hot else "",
            HOT_TOPIC: (hot.split(maxsplit=1)[1] if "hot_topic_code" in headers else hot) if hot else "",
            "budget": f"{budget / 100:.2f}",
            "adjustment": f"{(adjusted - budget) / 100:.2f}",
            "adjusted": f"{adjusted / 100:.2f}",
            "final": "" if final is None or pd.isna(final) else f"{int(final) / 100:.2f}",
        }
        rows.append([values[k] for k in headers])
    return rows


def write_yitihua_sample(directory: str | Path) -> list[Path]:
    """Write the export: 2023 as a CSV with field names, 2024 and 2025 as XLSX with Chinese headers."""
    from openpyxl import Workbook

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    frame = yitihua_lines()
    written: list[Path] = []

    csv_path = out / "yitihua_2023.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ENGLISH_HEADERS.values())
        writer.writerows(_export_rows(frame, 2023, ENGLISH_HEADERS))
    written.append(csv_path)
    for year in (2024, 2025):
        path = out / f"一体化指标执行_{year}年.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("指标执行明细")
        sheet.append([f"{year}年预算指标及执行明细（预算管理一体化系统导出）"])
        sheet.append(list(CHINESE_HEADERS.values()))
        for row in _export_rows(frame, year, CHINESE_HEADERS):
            sheet.append(row[:-4] + [float(str(v)) if v != "" else None for v in row[-4:]])  # 元 as text
        book.save(path)
        written.append(path)

    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "description": "Planted deviations in the generated 预算管理一体化 export (3 财政区划, 4 部门 each "
                "with 二级单位, 2023–2025); every other scope × category × year is 达标. The three 区划 are one "
                "city's: the findings assume rules declaring it (compare.government_label below); without "
                "the declaration each 区划 is reported apart and there is no 全市合计 row.",
                "rules": {"compare": {"government_label": YITIHUA_GOVERNMENT_LABEL}},
                "files": [p.name for p in written],
                "lines": len(frame),
                "violations": YITIHUA_MANIFEST,
                "execution": YITIHUA_EXECUTION_MANIFEST,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    written.append(manifest)
    return written


def expected_yitihua_findings() -> set[tuple[str, str, str, int, str]]:
    """(scope_type, scope, category, year, level) of every year-over-year finding the sample must produce."""
    return {
        (f["scope_type"], f["scope"], f["category"], f["year"], f["level"])
        for v in YITIHUA_MANIFEST
        for f in v["findings"]
    }


# The sample's three 区划 are one city: a total across them exists only when the rules say so.
YITIHUA_GOVERNMENT_LABEL = {"zh": "全市合计", "en": "Whole city"}


def yitihua_rules(rules=None):
    """The rules (default: the packaged ones) declaring the sample's 区划 one city (全市合计)."""
    from budget_guard.model.rulebook import Text, load_rules

    rules = rules or load_rules()
    compare = rules.compare.model_copy(update={"government_label": Text(**YITIHUA_GOVERNMENT_LABEL)})
    return rules.model_copy(update={"compare": compare})
