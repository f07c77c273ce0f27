"""Chinese first: every user-facing string, walked in Chinese mode, has no English word or raw id.

Sources: the i18n catalogues (``budget_guard.messages.keys()``: every area's catalogue), the problem
catalogue (message, name, hint), rules-file errors, the CLI (check, batch, history, rules check,
errors and their hint lines), the reports (XLSX, HTML, Markdown) and the dashboard (AppTest).
A failure names the key or the place and the words, e.g.
``i18n cases.title: ['Case'] | '督办 Case 台账'`` — fix the zh text of that key in its catalogue.
Allowed: format and tool names, ``--options``, file names and hashes (tests/chinese.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from chinese import english_words, offences
from openpyxl import load_workbook

from budget_guard import RulesError, parse_rules
from budget_guard import messages as msg
from budget_guard.messages.problems import KINDS, Problem
from budget_guard.model.rulebook import DEFAULT_RULES_PATH
from budget_guard.runs.exit_codes import DEFAULT_FAIL_ON

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"
RULES_TEXT = DEFAULT_RULES_PATH.read_text(encoding="utf-8")


def fail_on(found: list[str], what: str) -> None:
    assert not found, f"English or raw ids in Chinese {what} ({len(found)}):\n" + "\n".join(found)


# -- catalogues ----------------------------------------------------------------------------------------


def test_every_catalogue_string_is_chinese():
    """Every key of every i18n catalogue (core and each area's own module)."""
    items = {f"i18n {key}": _template(key) for key in msg.keys()}  # noqa: SIM118 (a function)
    # rules-file errors quote the YAML keys and values a user types ("compliant", "supervision")
    rules = {k: v for k, v in items.items() if k.startswith("i18n error.rules.")}
    others = {k: v for k, v in items.items() if k not in rules}
    where = "message catalogues (budget_guard/messages/text/<area>.py, the zh half of the key)"
    fail_on(offences(others) + offences(rules, quoted_ok=True), where)


def _template(key: str) -> str:
    from budget_guard.messages import _TEXT

    return _TEXT[key][0]


def test_every_problem_kind_has_a_chinese_message_name_and_hint():
    items: dict[str, str] = {}
    missing = []
    for code, kind in KINDS.items():
        items[f"problem {code} message"] = kind.zh
        for part in ("title", "hint"):
            key = f"problem.{part}.{code}"
            if not msg.has(key):
                missing.append(key)
            else:
                items[f"problem {code} {part}"] = msg.t(key, "zh")
    assert not missing, (
        "problem kinds without a Chinese name/hint: add these keys to an i18n catalogue "
        "(as budget_guard/i18n/ux.py does): " + ", ".join(missing)
    )
    fail_on(offences(items), "problem catalogue (budget_guard/problems.py and problem.* keys)")


def test_bilingual_details_show_only_the_chinese_half():
    problem = Problem("layout-unknown", details={"detail": "没有表头 / no header"})
    assert problem.message("zh") == "无法识别表格格式：没有表头"
    assert problem.message("en") == "unknown table layout: no header"
    assert problem.hint("zh") == msg.t("problem.hint.layout-unknown", "zh")


# -- rules errors --------------------------------------------------------------------------------------

SANGONG_CODES = 'econ_codes: ["30212", "30217", "30231", "31013"]'
BROKEN_RULES = {
    "quoted number": ("target_pct: 5", 'target_pct: "5"'),
    "negative target": ("target_pct: 5", "target_pct: -5"),
    "target above 100": ("target_pct: 5", "target_pct: 500"),
    "boolean target": ("target_pct: 5", "target_pct: true"),
    "unquoted codes": (SANGONG_CODES, "econ_codes: [30212, 30217]"),
    "unquoted item": ('func_items: ["01"]', "func_items: [01]"),
    "malformed code": (SANGONG_CODES, 'econ_codes: ["3021X"]'),
    "missing key": ('version: "2025.1"\n', ""),
    "unknown stage": ("stage: budget ", "stage: plan "),
    "unknown level": ("prior_zero_increase: red", "prior_zero_increase: crimson"),
    "unknown key": ('econ_prefixes: ["311", "312"]', 'econ_prefixs: ["311", "312"]'),
    "duplicate key": ("    target_pct: 5\n", "    target_pct: 5\n    target_pct: 10\n"),
    "syntax": ('version: "2025.1"', 'version: ["2025.1"'),
    "tab": ('version: "2025.1"', 'version:\t"2025.1"'),
    "empty selector": ("- " + SANGONG_CODES, "- {}"),
    "open band": ("- {max_shortfall_pp: null, level: yellow}", "- {max_shortfall_pp: 50, level: yellow}"),
    "compliant band": (
        "- {max_shortfall_pp: null, level: yellow}",
        "- {max_shortfall_pp: null, level: compliant}",
    ),
    "unknown group": (
        "group: four_no_decrease\n    name: {zh: 招商引资",
        "group: four_no_increase\n    name: {zh: 招商引资",
    ),
    "text as list": (SANGONG_CODES, 'econ_codes: "30212"'),
    "number as text": ('version: "2025.1"', "version: 2025.1"),
    "bad id": ("- id: sangong", "- id: San-Gong"),
}


def _rules_keys() -> set[str]:
    """Every YAML key and id of the rules file: a message may name the key the user must edit."""
    keys = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*):", RULES_TEXT))
    keys |= set(re.findall(r"id: ([a-z_0-9]+)", RULES_TEXT))
    return keys | {"categories", "groups", "grading", "compare", "select", "any_of", "all_of", "econ_prefixs"}


@pytest.mark.parametrize("case", sorted(BROKEN_RULES))
def test_rules_errors_are_chinese(case):
    old, new = BROKEN_RULES[case]
    assert old in RULES_TEXT, f"the default rules changed; update the {case!r} case"
    with pytest.raises(RulesError) as info:
        parse_rules(RULES_TEXT.replace(old, new, 1), "edited.yaml")
    allowed = _rules_keys() | {"four_no_increase", "San-Gong", "compliant"}
    items = {
        f"rules error [{case}] {p.describe('zh')}": f"{p.describe('zh')}：{zh}"
        for p, zh, _ in info.value.problems
    }
    items["rules error hint"] = info.value.hint("zh")
    fail_on(offences(items, allowed=allowed, quoted_ok=True), "rules errors (budget_guard/rules_messages.py)")
    for _, zh, _ in info.value.problems:
        assert "Input should" not in zh and "Value error" not in zh, zh


# -- CLI and reports -----------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory) -> dict[str, str]:
    """What a clerk sees in the terminal for the common commands, successes and errors, in Chinese."""
    work = tmp_path_factory.mktemp("cli")
    inbox = work / "inbox"
    inbox.mkdir()
    (inbox / "city.csv").write_bytes(SAMPLE_CSV.read_bytes())
    (inbox / "broken.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (work / "bad.yaml").write_text(RULES_TEXT.replace("target_pct: 5", 'target_pct: "5"'), encoding="utf-8")
    runs = {
        "check": ("check", str(SAMPLE_CSV), "--out", "out", "--no-ge", "--format", "json,xlsx,html,md"),
        "check missing file": ("check", "nowhere.csv", "--out", "out2"),
        "check no department": ("check", str(inbox / "broken.csv"), "--out", "out3", "--no-ge"),
        "check other department": (
            "check",
            str(SAMPLE_CSV),
            "--out",
            "out4",
            "--no-ge",
            "--department",
            "教育局",
        ),
        "batch": ("batch", str(inbox), "--out", "bout", "--no-ge", "--format", "json", "--progress", "text"),
        "history": ("history", "--out", "bout"),
        "history run": ("history", "--out", "bout", "--run", "1"),
        "history no run": ("history", "--out", "bout", "--run", "99"),
        "rules check ok": ("rules", "check", str(DEFAULT_RULES_PATH)),
        "rules check bad": ("rules", "check", "bad.yaml"),
    }
    out = {}
    for name, args in runs.items():
        done = run_cli(*args, cwd=work)
        out[name] = done.stdout + done.stderr
        out[f"{name} exit"] = str(done.returncode)
    json_bad = run_cli("rules", "check", "bad.yaml", "--json", cwd=work)
    out["rules check bad json"] = "\n".join(p["message_zh"] for p in json.loads(json_bad.stdout)["problems"])
    out["work"] = str(work)
    return out


def _cli_text(outputs: dict[str, str], name: str) -> str:
    return outputs[name].replace(outputs["work"], "")


@pytest.mark.slow
def test_cli_output_is_chinese(cli_outputs):
    items = {
        f"CLI {name}: line {i}": line
        for name in cli_outputs
        if not name.endswith("exit") and name != "work"
        for i, line in enumerate(_cli_text(cli_outputs, name).splitlines(), start=1)
    }
    fail_on(offences(items, quoted_ok=True, allowed=_rules_keys()), "CLI output")


@pytest.mark.slow
def test_cli_errors_say_how_to_fix_them(cli_outputs):
    for name in (
        "check missing file",
        "check no department",
        "check other department",
        "history no run",
        "rules check bad",
    ):
        text = cli_outputs[name]
        assert cli_outputs[f"{name} exit"] == "2", (name, text)
        lines = text.splitlines()
        errors = [i for i, line in enumerate(lines) if line.startswith("错误：")]
        assert errors, (name, text)
        assert lines[-1].startswith("提示："), (name, text)
    assert "没有第99次运行" in cli_outputs["history no run"]
    assert f"失败阈值：{msg.level_label(DEFAULT_FAIL_ON, 'zh')}" in cli_outputs["check"]
    assert "红色督办事项" in cli_outputs["check"] and "商务局三公经费2024年" in cli_outputs["check"]
    assert "不要加引号" in cli_outputs["rules check bad json"]


def test_batch_log_lines_have_time_and_run_id(cli_outputs):
    log = [line for line in cli_outputs["batch"].splitlines() if "[运行 1]" in line]
    assert len(log) >= 3, cli_outputs["batch"]
    for line in log:
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[运行 1\] ", line), line
    assert "红色督办事项" in cli_outputs["batch"]


def _report_dir(cli_outputs) -> Path:
    return Path(cli_outputs["work"]) / "out"


def test_xlsx_report_is_chinese(cli_outputs):
    book = load_workbook(_report_dir(cli_outputs) / "budget-guard-report.xlsx", read_only=True)
    items = {}
    for ws in book.worksheets:
        items[f"XLSX sheet name {ws.title}"] = ws.title
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    items[f"XLSX {ws.title}!R{r}C{c}"] = value
    fail_on(offences(items), "XLSX 督办单")


def test_xlsx_amount_headers_have_the_unit_and_a_filter(cli_outputs):
    book = load_workbook(_report_dir(cli_outputs) / "budget-guard-report.xlsx")
    ws = book["红色督办"]
    headers = [c.value for c in ws[1]]
    assert "上年数（万元）" in headers and "本年数（万元）" in headers and "增减率（%）" in headers
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")


def _html_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", "\n", html)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", html)


def test_html_and_markdown_reports_are_chinese(cli_outputs):
    folder = _report_dir(cli_outputs)
    items = {}
    for name in ("budget-guard-report.html", "budget-guard-report.md"):
        text = (folder / name).read_text(encoding="utf-8")
        if name.endswith(".html"):
            text = _html_text(text)
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                items[f"{name} line {i}"] = line.replace("\\_", "_")
    fail_on(offences(items), "HTML/Markdown report")
    md = (folder / "budget-guard-report.md").read_text(encoding="utf-8")
    assert "（北京时间）" in md


# -- dashboard -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_dashboard_is_chinese():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.button(key="sample").click().run()
    assert not at.exception, at.exception
    items: dict[str, str] = {}
    tabs = [k for k in msg.keys() if k.startswith("app.tab.")]  # noqa: SIM118
    for key in tabs:
        at.session_state["view"] = msg.t(key, "zh")
        at.run()
        assert not at.exception, at.exception
        view = msg.t(key, "zh")
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "success",
            "info",
            "warning",
            "error",
        ):
            for n, element in enumerate(at.get(kind)):
                value = re.sub(r"<style.*?</style>", " ", str(element.value), flags=re.S)
                value = re.sub(r"<[^>]+>", " ", value).replace("\\", "")
                items[f"dashboard [{view}] {kind} {n}"] = value
        for kind in (
            "selectbox",
            "multiselect",
            "radio",
            "text_input",
            "number_input",
            "button",
            "download_button",
            "expander",
            "file_uploader",
        ):
            for n, element in enumerate(at.get(kind)):
                label = getattr(element, "label", "") or ""
                items[f"dashboard [{view}] {kind} {n} label"] = label
                for part in ("help", "placeholder"):  # the tooltip and the empty-choice text
                    text = getattr(element, part, None)
                    if text:
                        items[f"dashboard [{view}] {kind} {n} {part}"] = str(text)
                for o, option in enumerate(getattr(element, "options", []) or []):
                    items[f"dashboard [{view}] {kind} {n} option {o}"] = str(option)
        for n, frame in enumerate(at.dataframe):
            data = frame.value
            data = getattr(data, "data", data)  # a Styler
            for column in data.columns:
                items[f"dashboard [{view}] table {n} header {column}"] = str(column)
            for column in data.columns:
                if str(column) in (msg.t("col.source_file", "zh"), msg.t("col.value", "zh")):
                    continue  # data: file names and the raw cell a row was rejected for
                for r, value in enumerate(data[column].head(200)):
                    if isinstance(value, str):
                        items[f"dashboard [{view}] table {n} {column} row {r}"] = value
    fail_on(offences(items, allowed={"budget-guard"}), "dashboard")


def test_english_mode_still_has_english():
    assert english_words(msg.t("app.title", "en"))
    assert msg.t("unit.wan", "en").endswith("10k CNY")
