"""One hostile corpus through every output: no script, markup, escape sequence or formula reaches a reader.

Department names, item names, rules text and case notes come from outside the bureau. The corpus below
(script tags, ``img onerror``, Markdown links and images, ANSI and OSC 52 escapes, a bidi override,
``${...}``, spreadsheet formulas, path traversal) is fed through the JSON / XLSX / HTML / Markdown
reports, the Great Expectations Data Docs, the CLI (check, cases, rules) and the dashboard (AppTest).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_guard.outputs.escape import html_text, json_text, md_text, terminal_text

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_IMAGE = "![x](http://evil.example/x.png)"
MD_LINK = "[点我](javascript:alert(1))"
ANSI = "\x1b[2J\x1b]0;owned\x07"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
BIDI = "\u202e"
SUBST = "${spark.app.name}"
FORMULA = "=cmd|'/C calc'!A0"
TRAVERSAL = "../../etc/passwd"

# sample department → hostile name (the planted findings keep their departments, so reds name these)
HOSTILE_DEPARTMENTS = {
    "商务局": f"{SCRIPT}商务局",
    "教育局": f"{MD_IMAGE}教育局",
    "工业和信息化局": f"{OSC52}{ANSI}工信局",
    "农业农村局": f"{BIDI}农业农村局",
    "发展和改革局": f"{MD_LINK}发改局",
    "住房和城乡建设局": f"{IMG}住建局",
    "卫生健康局": f"{SUBST}卫健局",
    "财政局": FORMULA,
    "数据局": TRAVERSAL,
    "经济技术开发区管委会": "[开发区](http://evil.example/)**管委会**",  # compliant: the all-clear banner names it
}
COMPLIANT_DEPARTMENT = "经济技术开发区管委会"
BAD_AMOUNT = (
    "![追踪](http://evil.example/p.png)"  # one rejected row: its value is in the load report's problems
)
RAW_TERMINAL = ("\x1b", "\x07", BIDI)


def hostile_csv() -> bytes:
    """The sample city with hostile department names and Markdown in every item name."""
    rows = list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8-sig"))))
    for row in rows[1:]:
        row[0] = HOSTILE_DEPARTMENTS.get(row[0], row[0])
        row[6] = f"**粗体** {row[6]}"
    rows.append([*rows[1][:9], BAD_AMOUNT])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def assert_terminal_safe(text: str) -> None:
    for raw in RAW_TERMINAL:
        assert raw not in text, f"raw {raw!r} reached the terminal"


def unescaped_markup(markdown: str) -> list[str]:
    """Markdown / HTML constructs in a Markdown source that are not backslash-escaped."""
    found = []
    for pattern in (
        r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(",
        r"(?<!\\)<(script|img)",
        r"(?<!\\)\*\*粗体",
        r"(?<!\\)\$\{",
    ):
        found += re.findall(pattern, markdown)
    return found


# -- the helpers --------------------------------------------------------------------------------------


def test_terminal_text_shows_escapes_and_bidi_visibly():
    assert terminal_text(OSC52 + "部门") == "\\x1b]52;c;ZXZpbA==\\x07部门"
    assert terminal_text(BIDI + "农业") == "\\u202e农业"
    assert terminal_text("第一行\n第二行") == "第一行\\n第二行"
    assert terminal_text("第一行\n第二行", multiline=True) == "第一行\n第二行"
    assert terminal_text("\x9b31m") == "\\u009b31m"  # C1 CSI


def test_html_text_leaves_no_tag_or_attribute_breakout():
    assert html_text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert html_text('" onmouseover="x') == "&quot; onmouseover=&quot;x"
    assert "\x1b" not in html_text(ANSI)


@pytest.mark.parametrize(
    "text", [SCRIPT, IMG, MD_IMAGE, MD_LINK, "**粗体**", ":red[红] $x^2$", "https://evil.example"]
)
def test_md_text_leaves_no_markup(text):
    escaped = md_text(text)
    assert not unescaped_markup(escaped)
    assert "https://" not in escaped and ":red[" not in escaped and not re.search(r"(?<!\\)\$", escaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # what a reader sees is the text itself


def test_json_text_round_trips_and_holds_no_raw_control():
    document = {"name": OSC52 + BIDI + "\x85部门"}
    text = json_text(document)
    assert json.loads(text) == document
    assert not any(ch in text for ch in ("\x1b", "\x07", BIDI, "\x85"))
    assert "部门" in text  # Chinese stays readable


# -- reports and the CLI ------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """``check`` on the hostile table, every report format, a case ledger."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "hostile.csv"
    data.write_bytes(hostile_csv())
    out = root / "out"
    result = run_cli(
        "check",
        str(data),
        "--out",
        str(out),
        "--format",
        "json,xlsx,html,md",
        "--ledger",
        str(root / "ledger.sqlite"),
    )
    assert result.returncode == 1, result.stderr  # the planted reds
    return root, result


@pytest.mark.slow
def test_check_prints_hostile_names_escaped(checked):
    _, result = checked
    assert_terminal_safe(result.stdout + result.stderr)
    assert "\\x1b]52;c;ZXZpbA==\\x07" in result.stdout  # the red list names the department, visibly
    assert "\\u202e农业农村局" in result.stdout


@pytest.mark.slow
def test_html_report_has_no_markup_from_the_data(checked):
    root, _ = checked
    page = (root / "out" / "budget-guard-report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;商务局" in page
    assert_terminal_safe(page)


@pytest.mark.slow
def test_markdown_report_has_no_markup_from_the_data(checked):
    root, _ = checked
    text = (root / "out" / "budget-guard-report.md").read_text(encoding="utf-8")
    assert not unescaped_markup(text)
    assert_terminal_safe(text)
    assert "商务局" in text


@pytest.mark.slow
def test_json_report_keeps_the_names_exactly_without_raw_controls(checked):
    root, _ = checked
    raw = (root / "out" / "budget-guard-report.json").read_text(encoding="utf-8")
    assert_terminal_safe(raw)
    text = json.dumps(json.loads(raw), ensure_ascii=False)
    for name in HOSTILE_DEPARTMENTS.values():
        assert json.dumps(name, ensure_ascii=False)[1:-1] in text  # decoded, the data is unchanged


@pytest.mark.slow
def test_xlsx_report_holds_no_formula(checked):
    root, _ = checked
    book = load_workbook(root / "out" / "budget-guard-report.xlsx")
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and "cmd|" in cell.value:
                    seen.append(cell.value)
    assert seen and all(v.startswith("'") for v in seen)


@pytest.mark.slow
def test_case_notes_and_the_markdown_case_sheet_are_escaped(checked):
    root, _ = checked
    ledger = root / "ledger.sqlite"
    listed = run_cli("cases", "list", "--ledger", str(ledger), "--json")
    assert listed.returncode == 0, listed.stderr
    number = json.loads(listed.stdout.strip().splitlines()[-1])[0]["number"]
    note = f"{OSC52}{ANSI}{BIDI}已整改 {MD_IMAGE} {SCRIPT}"
    noted = run_cli("cases", "note", number, "--text", note, "--ledger", str(ledger))
    assert noted.returncode == 0, noted.stderr
    shown = run_cli("cases", "show", number, "--ledger", str(ledger))
    assert shown.returncode == 0, shown.stderr
    assert_terminal_safe(shown.stdout + shown.stderr)
    assert "\\x1b]52;c;ZXZpbA==\\x07" in shown.stdout
    listing = run_cli("cases", "list", "--ledger", str(ledger))
    assert_terminal_safe(listing.stdout + listing.stderr)
    out = root / "cases"
    exported = run_cli(
        "cases", "export", "--ledger", str(ledger), "--out", str(out), "--format", "md,html,json,xlsx"
    )
    assert exported.returncode == 0, exported.stderr
    sheet = (out / next(p.name for p in out.iterdir() if p.suffix == ".md")).read_text(encoding="utf-8")
    assert_terminal_safe(sheet)
    assert not unescaped_markup(sheet)
    page = next(p for p in out.iterdir() if p.suffix == ".html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src" not in page


def test_rules_version_and_title_reach_the_terminal_escaped(tmp_path):
    text = (REPO / "budget_guard" / "rules" / "four_no_decrease.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2025.1"', 'version: "2025.1\\e]52;c;ZXZpbA==\\a\\u202e"', 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("rules", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    assert "\\x1b]52" in result.stdout


# -- the dashboard ------------------------------------------------------------------------------------

MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "success",
    "info",
    "warning",
    "error",
    "subheader",
    "title",
    "header",
)


def page_markdown(at, html_blocks: bool = False) -> str:
    """The Markdown sources of the page; or (``html_blocks``) the HTML it writes through st.markdown."""
    values = [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]
    return "\n".join(v for v in values if v.startswith("<") == html_blocks)


def assert_page_safe(at) -> None:
    assert not at.exception, at.exception
    text = page_markdown(at)
    assert not unescaped_markup(text), unescaped_markup(text)
    assert_terminal_safe(text)
    html_blocks = page_markdown(at, html_blocks=True)  # an HTML block: no tag from data, no blank line
    assert "<script>alert" not in html_blocks and "<img src=x" not in html_blocks
    assert all(
        "\n\n" not in v
        for kind in MARKDOWN_KINDS
        for v in map(str, (e.value for e in at.get(kind)))
        if v.startswith("<")
    )
    assert_terminal_safe(html_blocks)
    for table in at.table:  # st.table renders every cell as Markdown
        cells = "\n".join(str(v) for v in table.value.astype(str).to_numpy().ravel())
        assert not unescaped_markup(cells), unescaped_markup(cells)


@pytest.mark.slow
def test_the_dashboard_renders_hostile_text_as_text(checked, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from budget_guard import messages as msg
    from budget_guard.dashboard import signin

    root, _ = checked
    monkeypatch.setenv(signin.LEDGER_ENV, str(root / "ledger.sqlite"))
    monkeypatch.delenv(signin.UNVERIFIED_ENV, raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.file_uploader(key="uploads").set_value(("hostile.csv", hostile_csv(), "text/csv")).run()
    assert_page_safe(at)
    assert "商务局" in page_markdown(at) or any("商务局" in str(d.value) for d in at.dataframe)

    compliant = HOSTILE_DEPARTMENTS[COMPLIANT_DEPARTMENT]
    at.selectbox(key="matrix_scope.zh").select(f"department\u0001{compliant}").run()
    assert_page_safe(at)
    banner = [str(e.value) for e in at.success if "全部达标" in str(e.value)]
    assert banner and md_text(compliant) in banner[0]  # the name, escaped: no link, no bold

    at.session_state["view"] = msg.t("app.tab.load", "zh")
    at.run()
    assert_page_safe(at)
    problems = "\n".join(str(v) for t in at.table for v in t.value.astype(str).to_numpy().ravel())
    problems += "\n".join(str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel())
    assert "evil.example/p.png" in problems  # the rejected value is shown, as text

    at.session_state["view"] = msg.t("app.tab.cases", "zh")
    at.run()
    assert_page_safe(at)
    headings = []
    for number in at.selectbox(key="cases_pick").options:
        at.selectbox(key="cases_pick").select(number).run()
        assert_page_safe(at)
        headings += [str(e.value) for e in at.subheader]
    assert any("商务局" in h or "教育局" in h or "工信局" in h for h in headings)


def test_the_dashboard_never_shows_a_traceback_to_a_visitor():
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert 'st.set_option("client.showErrorDetails", "none")' in (REPO / "app.py").read_text(encoding="utf-8")


@pytest.mark.slow
def test_data_docs_hold_no_script_from_rules_or_data(tmp_path):
    """Great Expectations writes descriptions and unexpected values into its HTML as they are."""
    import pandas as pd
    from builders import rules_with

    from budget_guard import evaluate
    from budget_guard.reports.expectations import run_expectations
    from budget_guard.samples.city import sample_table

    rules = rules_with(
        **{"categories.0.name.zh": f"{SCRIPT}{IMG}三公", "categories.0.name.en": f"{MD_IMAGE} {ANSI}"}
    )
    table = sample_table()
    extra = table.iloc[[0, 1]].copy()
    for col in ("econ_code", "department", "stage"):
        extra[col] = extra[col].astype(object)
    extra.iloc[0, extra.columns.get_loc("econ_code")] = IMG  # an unexpected value GE lists
    extra.iloc[1, extra.columns.get_loc("stage")] = SCRIPT
    table = pd.concat([table.astype({"econ_code": object, "department": object, "stage": object}), extra])
    run_expectations(evaluate(table.reset_index(drop=True), rules), tmp_path)
    pages = list((tmp_path / "data_docs").rglob("*.html"))
    assert pages
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown, as text
    assert "\x1b" not in text


def test_json_bytes_from_orjson_hold_no_raw_control_either():
    import orjson

    from budget_guard.outputs.escape import json_safe_bytes

    document = {"部门": OSC52 + BIDI + "\x85\x7f\u2066部门\u2028"}
    data = json_safe_bytes(orjson.dumps(document))
    assert json.loads(data) == document
    assert not any(ch in data.decode("utf-8") for ch in ("\x1b", BIDI, "\x85", "\x7f", "\u2066", "\u2028"))


@pytest.mark.slow
def test_the_batch_log_and_summary_show_hostile_names_escaped(tmp_path):
    """A file named with an escape sequence, departments with OSC 52 and a bidi override: the batch
    log (--progress text), the summary and the red list print them visibly, never raw."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = inbox / f"报表{OSC52}{BIDI}.csv"
    name.write_bytes(hostile_csv())
    os.utime(name, (0, 0))
    result = run_cli("batch", str(inbox), "--out", str(tmp_path / "out"), "--no-ge", "--progress", "text")
    assert result.returncode == 1, result.stdout + result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    assert "\\u202e农业农村局" in result.stdout  # the red list names the department visibly
    assert "\\u202e" in result.stderr  # the log line names the file visibly
