"""Issue #23: what is drawn is what was compared (charts, counts, words, formats, jurisdictions)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from budget_guard.dashboard import charts, views
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FOLDERS = ("xlsx", "csv", "published", "yitihua")


@pytest.fixture(scope="module")
def evaluations():
    rules = load_rules()
    return {name: evaluate(read_budget(SAMPLE / name).table, rules) for name in SAMPLE_FOLDERS}


def _drawn_labels(spec: dict) -> list[tuple[dict, dict]]:
    """Each rate label of a drawn trend chart with the two points its segment joins."""
    values = spec["data"]["values"]
    starts = {v["pair"]: v for v in values if v["role"] == "from"}
    return [(starts[v["pair"]], v) for v in values if v["role"] == "to" and v["rate_text"] not in ("", "—")]


def _text_filters(spec: dict) -> list[str]:
    found = []
    for layer in spec["layer"]:
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if mark == "text":
            found.append(" && ".join(str(t.get("filter")) for t in layer.get("transform", [])))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_trend_label_has_the_sign_of_the_segment_it_labels(evaluations, lang):
    """Every chart of every sample and scope: a label's sign is its two plotted points' slope, and
    the rate is exactly the change between them (示例数据 全市合计 三公经费 2025: a rise labelled -4.43%)."""
    checked = 0
    for ev in evaluations.values():
        for scope in views.scope_options(ev):
            points = views.trend_points(ev, scope, lang)
            for category in ev.rules.categories:
                part = points.loc[points["category"] == category.id]
                if part.empty:
                    continue
                spec = charts.trend_spec(part, category.name.get(lang), lang)
                assert all("'to'" in f for f in _text_filters(spec)), "a label on a point that is not graded"
                for start, end in _drawn_labels(spec):
                    assert end["year"] == start["year"] + 1
                    rise = end["y_wan"] - start["y_wan"]
                    rate = float(end["rate_text"].rstrip("%")) / 100
                    if abs(rise) > 0.005:
                        assert math.copysign(1, rise) == math.copysign(1, rate), (scope, category.id, end)
                    if start["y_wan"]:
                        assert rate == pytest.approx(rise / abs(start["y_wan"]), abs=0.0001)
                    checked += 1
    assert checked > 300


@pytest.mark.slow
def test_the_sample_city_total_draws_its_compared_pair_and_the_totals_apart(evaluations):
    ev = evaluations["csv"]
    points = views.trend_points(ev, views.government_scope(ev), "zh")
    sangong = points.loc[points["category"] == "sangong"]
    values = charts.trend_spec(sangong, "三公经费", "zh")["data"]["values"]
    pair_2025 = {v["role"]: v["y_wan"] for v in values if v["pair"] == 2025}
    assert pair_2025["from"] > pair_2025["to"]  # 2025 fell against its comparable 2024: -4.43%
    totals = {v["year"]: v["y_wan"] for v in values if v["role"] == "total"}
    # the all-department totals are their own line: 2024 includes the two departments new that year
    assert totals[2024] == pytest.approx(38.3979) and totals[2025] == pytest.approx(36.6979)
    pair_2024 = {v["role"]: v["y_wan"] for v in values if v["pair"] == 2024}
    assert pair_2024["to"] == pytest.approx(32.6755) != totals[2024]
    # the basis is named, with the departments it left out
    row = sangong.loc[sangong["year"] == 2024].iloc[0]
    assert row["basis"] == "可比口径" and row["left_out"] == "人力资源和社会保障局、数据局"
    caption = views.basis_caption(sangong, "zh")
    assert "2024年未计入人力资源和社会保障局、数据局" in caption and "2021" not in caption
    assert sangong.loc[sangong["year"] == 2025, "basis"].iloc[0] == "全部部门"


# -- counts that agree: what is counted is named; 督办事项 are the red findings only -----------------


def _check(folder: Path, out: Path, capsys, *extra: str) -> tuple[int, str]:
    from budget_guard.cli.main import main

    code = main(["check", str(folder), "--out", str(out), "--no-ge", *extra])
    return code, capsys.readouterr().out


def test_the_published_sample_has_no_supervised_item_when_every_finding_is_white(tmp_path, capsys):
    code, out = _check(SAMPLE / "published", tmp_path, capsys)
    first = out.splitlines()[0]
    assert "15项督办事项" not in out and "督办事项（红色）0项" in first and "提示（白色）15项" in first
    document = (tmp_path / "budget-guard-report.html").read_text(encoding="utf-8")
    assert "15项督办事项" not in document and "督办事项（红色）0项" in document


def test_cli_counts_name_findings_and_cells_apart(tmp_path, capsys):
    """`白色（提示）4` beside `单元格…白色 2`: now one table, a findings column and a cells column."""
    _, out = _check(SAMPLE / "csv", tmp_path, capsys)
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("等级"))
    assert "发现（项）" in lines[header] and "单元格（范围×类别×年度）" in lines[header]
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 1 : header + 7]}
    assert rows["白色（提示）"] == ["4", "2"] and rows["达标"] == ["—", "229"]
    assert rows["不可比"] == ["—", "75"]
    assert any(line.startswith("发现含不属于任何单元格") for line in lines)  # why 4 findings and 2 cells


def test_html_and_markdown_badge_rows_say_what_they_count(tmp_path, capsys):
    _check(SAMPLE / "csv", tmp_path, capsys)
    document = (tmp_path / "budget-guard-report.html").read_text(encoding="utf-8")
    rows = re.findall(r'<p class="counts"><b>([^<]+)</b>(.*?)</p>', document)
    assert [name for name, _ in rows] == ["发现（项）", "单元格（范围×类别×年度）"]
    assert "白色（提示）: 4" in rows[0][1] and "白色（提示）: 2" in rows[1][1]
    assert "达标" not in rows[0][1]  # 达标 is a count of cells, never of findings
    markdown = (tmp_path / "budget-guard-report.md").read_text(encoding="utf-8")
    assert "**发现（项）**" in markdown and "**单元格（范围×类别×年度）**" in markdown


# -- one vocabulary, one number format in every output -------------------------------------------

REAL = Path("/work/shared/real_tables/xlsx")
FOLDERS = [SAMPLE / n for n in ("csv", "published", "yitihua")] + (
    sorted(REAL.iterdir()) if REAL.is_dir() else []
)
WRONG_TEXT = {
    "a float where an integer is meant": re.compile(r"(?<![\d.])\d+\.0{6}(?!\d)"),
    "a raw rate or amount": re.compile(r"(?<![\d.])\d+\.\d{5,}(?!\d)"),
    "a code run into an amount": re.compile(r"\d{4,},\d{3}\.\d"),
    "a second word for 不可比": re.compile(r"不比较|Not compared"),
    "rounding advice of a fixed 0.01": re.compile(r"差额不超过0\.01"),
}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _report_texts(out: Path):
    import json

    import openpyxl

    for path in sorted(out.iterdir()):
        if path.suffix in (".md", ".html"):
            yield path.name, path.read_text(encoding="utf-8")
        elif path.suffix == ".json":
            for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
                yield path.name, text
        elif path.suffix == ".xlsx":
            for ws in openpyxl.load_workbook(path).worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        value = cell.value
                        if isinstance(value, float) and cell.number_format == "General":
                            # a number Excel shows as it is stored must be whole 分 at most
                            assert abs(value * 100 - round(value * 100)) < 1e-6, (path.name, ws.title, cell)
                        elif isinstance(value, str):
                            yield f"{path.name}:{ws.title}:{cell.coordinate}", value


def _dashboard_tables(ev, load, lang):
    tables = [
        views.findings_table(ev, lang),
        views.execution_table(ev, lang, findings_only=False),
        views.pefa_table(ev, lang),
        views.problems_table(load, lang),
        views.sheets_table(load, lang),
        views.rejected_table(load, lang),
    ]
    return [t for t in tables if len(t)]


@pytest.mark.slow
@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_output_has_one_word_per_state_and_one_format_per_number(folder, tmp_path, capsys):
    from budget_guard.cli.main import main

    for lang in ("zh", "en"):
        out = tmp_path / lang
        main(["check", str(folder), "--out", str(out), "--no-ge", "--lang", lang])
        texts = [("terminal", capsys.readouterr().out), *_report_texts(out)]
        for where, text in texts:
            for what, pattern in WRONG_TEXT.items():
                found = pattern.search(text)
                assert found is None, (
                    f"{what} in {folder.name}/{where}: …{text[max(0, found.start() - 40) : found.end() + 20]}…"
                )
        load = read_budget(folder)
        ev = evaluate(load.table, load_rules())
        for table in _dashboard_tables(ev, load, lang):
            shown = table.display()
            for name, kind in table.formats().items():
                pattern = {
                    "integer": r"\d+",
                    "money": r"-?[\d,]+\.\d\d",
                    "rate_percent": r"[+-]\d+\.\d\d%",
                    "percent": r"-?\d+\.\d\d%",
                }[kind]
                for value in shown[name]:
                    assert value == "—" or re.fullmatch(pattern, str(value)), (folder.name, name, value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_matrix_says_not_comparable_in_the_one_word_and_its_legend_has_it(evaluations, lang):
    words = {state: views.level_text(state, lang) for state in ("not_comparable", "no_data")}
    for ev in evaluations.values():
        for scope in [views.ALL_SCOPES, *views.scope_options(ev)[:3]]:
            cells = views.matrix_cells(ev, scope, lang)
            for record in cells.to_dict("records"):
                shown = f"{record['text_main']} / {record['text_sub']}"
                assert "不比较" not in shown and "n/a" not in shown, shown
                if record["level"] == "not_comparable":
                    assert words["not_comparable"] in shown, shown
                    assert "均达标" not in shown and "compliant" not in record["text_sub"].split(",")[0], (
                        shown
                    )
    legend = views.legend_html(lang)
    assert words["not_comparable"] in legend and "#DDEBF7" in legend  # the light-blue chip


def test_a_red_cell_of_the_department_drill_never_shows_a_dash(evaluations):
    """农业农村局 三公经费 2025: 0 last year, so no rate; the cell says 红色, not —."""
    ev = evaluations["csv"]
    table = views.department_table(ev, 2025, "zh")
    shown = table.shown()
    for i in range(len(table.scopes)):
        for name in shown.columns[2:]:
            level = table.levels.iat[i, list(shown.columns).index(name)]
            if level in ("red", "yellow", "white"):
                assert shown.iat[i, list(shown.columns).index(name)] not in ("", "—", None)
    row = [s[1] for s in table.scopes].index("农业农村局")
    assert shown.iloc[row]["三公经费"] == "红色"


def test_a_failed_file_is_never_beside_the_green_every_row_accounted_banner(tmp_path):
    from budget_guard.ingest import read_budget as read

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.csv").write_bytes((SAMPLE / "csv" / "city_budget_2021_2025.csv").read_bytes())
    (folder / "broken.xlsx").write_bytes(bytes(range(256)) * 8)
    kind, text = views.accounted_banner(read(folder), "zh")
    assert kind == "error" and "broken.xlsx" in text and "每个读取的行都已归类" not in text
    assert views.accounted_banner(read(SAMPLE / "csv"), "zh")[0] == "ok"


# -- jurisdictions: a total across 财政区划 only when the rules declare one government ---------------


@pytest.mark.slow
def test_the_sample_city_and_the_sample_county_are_never_added_into_one_total(tmp_path, capsys):
    """`budget-guard sample s1 && budget-guard check s1`: the city (no 区划) and the 一体化 export's
    three 区划 are reported each on its own; no 全市合计 adds them (the red +2.19% that belonged to
    neither is gone), and the run names the 区划 it found."""
    import json

    from budget_guard.cli.main import main

    main(["sample", str(tmp_path / "s1")])
    capsys.readouterr()
    code = main(
        ["check", str(tmp_path / "s1"), "--out", str(tmp_path / "out"), "--no-ge", "--format", "json"]
    )
    out = capsys.readouterr().out
    assert code == 1
    document = json.loads((tmp_path / "out" / "budget-guard-report.json").read_text(encoding="utf-8"))
    scopes = {(f["scope_type"], f["scope"]) for f in document["findings"]}
    assert not any(kind == "government" for kind, _ in scopes)
    assert "全市合计三公经费2025" not in out and "+2.19%" not in out
    assert "数据含4个财政区划：东湖区、南溪县、西山区、未注明区划" in out
    # each jurisdiction's own total is graded as it would be alone: the city's 有利企业 red is there
    alone = evaluate(read_budget(SAMPLE / "csv").table, load_rules())
    city = alone.findings.loc[alone.findings["scope_type"] == "government"]
    for record in city.to_dict("records"):
        assert ("division", "未注明区划") in scopes
        assert any(
            f["scope"] == "未注明区划"
            and f["category"] == record["category"]
            and f["year"] == record["year"]
            and f["level"] == record["level"]
            for f in document["findings"]
        ), record


def test_declared_one_government_totals_its_divisions():
    from budget_guard.samples.yitihua import yitihua_rules

    load = read_budget(SAMPLE / "yitihua")
    declared = evaluate(load.table, yitihua_rules())
    assert set(declared.summary.loc[declared.summary["scope_type"] == "government", "scope"]) == {"全市合计"}
    undeclared = evaluate(load.table, load_rules())
    assert "government" not in set(undeclared.summary["scope_type"])
    assert any("数据含3个财政区划" in n for n in undeclared.note_texts("zh"))


# -- engines say what they need -------------------------------------------------------------------


def test_duckdb_on_the_long_template_says_to_convert_first(tmp_path, capsys):
    """`check sample_data/csv --engine duckdb` answered `1534行没有部门` (the file has a 部门 column;
    the engine reads the converted layout): now one line naming convert."""
    from budget_guard.cli.main import main

    code = main(["check", str(SAMPLE / "csv"), "--engine", "duckdb", "--out", str(tmp_path), "--no-ge"])
    err = capsys.readouterr().err
    assert code == 2 and "没有部门" not in err and "Traceback" not in err
    (line,) = [x for x in err.splitlines() if x.strip()]
    assert "不是规范表" in line and "budget-guard convert" in line and "部门, 部门编码, 年度" in line


def test_spark_without_pyspark_is_one_line_with_the_install_command(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['pyspark'] = None\n"
        "from budget_guard.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "check",
            str(SAMPLE / "csv"),
            "--engine",
            "spark",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr.lower()
    assert "pip install 'budget-guard[spark]'" in run.stderr
    assert len([x for x in run.stderr.splitlines() if x.strip()]) <= 2  # the error and its fix


# -- 1024 px: the columns a clerk acts on come first and wrap -----------------------------------------


def test_findings_cases_and_execution_grids_put_what_a_clerk_acts_on_first_and_wrap(evaluations):
    from datetime import datetime

    from budget_guard.dashboard.views.cases import case_table

    for lang in ("zh", "en"):
        findings = views.findings_table(evaluations["csv"], lang)
        assert findings.column_order()[:2] == list(findings.pinned)  # level and explanation, pinned
        assert findings.row_px() > 64  # Streamlit wraps a grid's text above 64 px rows
        execution = views.execution_table(evaluations["yitihua"], lang)
        assert (
            execution.column_order()[:3]
            == [
                *execution.pinned,
                views.label("col.message", lang),
            ]
            and execution.row_px() > 64
        )
        cases = case_table([], datetime(2026, 1, 1), lang)
        first = cases.column_order()[:5]
        wanted = ("case.col.level", "case.col.deadline", "case.col.state", "case.col.description")
        assert {views.label(k, lang) for k in wanted} <= set(first)
        assert cases.row_px() > 64


def test_the_json_names_findings_and_cells_apart(tmp_path, capsys):
    import json

    from budget_guard.cli.main import main

    main(["check", str(SAMPLE / "csv"), "--out", str(tmp_path), "--no-ge", "--json", "--format", "json"])
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["finding_counts"] == {"red": 5, "yellow": 3, "white": 4}
    assert summary["state_counts"]["white"] == 2
    document = json.loads((tmp_path / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert document["outcome"]["finding_counts"] == summary["finding_counts"]
