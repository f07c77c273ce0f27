"""The Streamlit page (app.py) through AppTest: sample data, uploads, every view, filters, what-if, bad rules."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from budget_guard import messages as msg
from budget_guard.dashboard import pipeline
from budget_guard.samples.city import synthetic_table

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"
TABS = {
    key: msg.t(key, "zh")
    for key in (
        "app.tab.trends",
        "app.tab.departments",
        "app.tab.findings",
        "app.tab.unclassified",
        "app.tab.rejected",
        "app.tab.load",
    )
}


def started() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90).run()


def with_sample() -> AppTest:
    at = started()
    at.button(key="sample").click().run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, key: str) -> AppTest:
    at.session_state["view"] = TABS[key]
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "info", "warning", "error")
        for e in at.get(kind)
    ]
    return unescape("\n".join(str(p) for p in parts))


def unescape(markdown: str) -> str:
    """Markdown source → the text shown (the page escapes data-derived text)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def findings_frame(at: AppTest):
    open_tab(at, "app.tab.findings")
    return at.dataframe[0].value


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts of ingest and engine runs (caches cleared first, so the first run counts)."""
    st.cache_data.clear()
    calls = {"read": 0, "evaluate": 0}
    read, evaluate = pipeline.read_budget, pipeline.evaluate

    def counted_read(*args, **kwargs):
        calls["read"] += 1
        return read(*args, **kwargs)

    def counted_evaluate(*args, **kwargs):
        calls["evaluate"] += 1
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_budget", counted_read)
    monkeypatch.setattr(pipeline, "evaluate", counted_evaluate)
    return calls


@pytest.mark.slow
def test_welcome_then_the_sample_in_one_click():
    at = started()
    assert not at.exception
    assert at.title[0].value == "预算支出护栏看板"
    assert "上传一个或多个预算表" in at.info[0].value
    at.button(key="sample").click().run()
    assert not at.exception
    page = texts(at)
    assert "差额为0" in page  # every yuan accounted for
    assert ">5<" in page and "红色（督办）" in page  # the red tile
    assert "过紧日子" in page and "四个只增不减" in page
    assert "商务局三公经费2024年" in page  # a guardrail headline names the worst findings
    assert {b.key for b in at.get("download_button")} >= {"download_xlsx", "download_json", "rules_download"}


@pytest.mark.slow
def test_the_matrix_names_where_each_guardrail_broke():
    at = with_sample()
    page = texts(at)
    assert "三公经费 2024年 — 商务局 红色（督办） +20.00%" in page
    assert "改善民生 2023年 — 教育局 红色（督办） -0.92%" in page
    assert "有利企业 2025年 — 全市合计 红色（督办） -6.11%" in page
    at.selectbox(key="matrix_scope.zh").set_value("department\x01商务局").run()
    assert "三公经费 2024年：红色（督办），+20.00%" in texts(at)


@pytest.mark.slow
def test_uploading_a_csv_runs_the_same_pipeline():
    at = started()
    at.file_uploader(key="uploads").set_value((SAMPLE_CSV.name, SAMPLE_CSV.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    assert "上传的1个文件" in texts(at)
    frame = findings_frame(at)
    assert (
        len(frame) == 12
    )  # 5 red, 3 yellow, 2 white, 2 completeness notices (a missing department-year each)
    row = frame.loc[(frame["部门"] == "商务局") & (frame["类别"] == "三公经费")].iloc[0]
    assert row["等级"] == "红色（督办）" and row["年度"] == 2024
    assert SAMPLE_CSV.name in row["来源"]


@pytest.mark.slow
def test_every_view_renders():
    at = with_sample()
    matrix = [c for c in at.get("vega_lite_chart") if str(c.key).startswith("matrix_")]
    assert len(matrix) == 2  # the compliance matrix is above the tabs, on every view
    for tab in TABS:
        open_tab(at, tab)
        if tab == "app.tab.trends":
            assert len(at.get("vega_lite_chart")) == 2 + 8
        if tab == "app.tab.unclassified":
            assert "430行未归入任何类别" in texts(at)
        if tab == "app.tab.rejected":
            assert "没有被拒收的行" in texts(at)
        if tab == "app.tab.load":
            labels = {m.label: m.value for m in at.metric}
            assert labels["读取行数"] == "1,539" and labels["数据行"] == "1,534" and labels["拒收行"] == "0"


@pytest.mark.slow
def test_filters_change_the_table_without_reading_or_evaluating_again(engine_calls):
    at = with_sample()
    frame = findings_frame(at)
    assert len(frame) == 12 and engine_calls == {"read": 1, "evaluate": 1}
    at.button_group(key="f_levels.zh").set_value(["red"]).run()
    assert set(at.dataframe[0].value["等级"]) == {"红色（督办）"} and len(at.dataframe[0].value) == 5
    at.multiselect(key="f_groups.zh").set_value(["tight_budget"]).run()
    at.multiselect(key="f_years").set_value([2024]).run()
    frame = at.dataframe[0].value
    assert list(zip(frame["部门"], frame["类别"], strict=True)) == [("商务局", "三公经费")]
    assert "显示1条，共12条" in texts(at)
    at.button_group(key="f_levels.zh").set_value([]).run()
    at.multiselect(key="f_groups.zh").set_value([]).run()
    at.multiselect(key="f_years").set_value([]).run()
    at.multiselect(key="f_categories.zh").set_value(["livelihood"]).run()
    assert set(at.dataframe[0].value["类别"]) == {"改善民生"}
    at.multiselect(key="f_scopes.zh").set_value(["教育局"]).run()
    assert list(at.dataframe[0].value["年度"]) == [2023]
    open_tab(at, "app.tab.trends")  # other views, and back: still no engine call
    open_tab(at, "app.tab.findings")
    assert list(at.dataframe[0].value["年度"]) == [2023]  # the filters kept their values
    assert engine_calls == {"read": 1, "evaluate": 1}


@pytest.mark.slow
def test_selecting_a_finding_shows_its_source_rows():
    at = with_sample()
    frame = findings_frame(at)
    position = int(((frame["部门"] == "商务局") & (frame["类别"] == "三公经费")).to_numpy().nonzero()[0][0])
    at.session_state["findings_table"] = {"selection": {"rows": [position], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    lines = at.dataframe[1].value
    assert set(lines["部门"]) == {"商务局"} and set(lines["年度"]) == {2023, 2024}
    assert set(lines["工作表"]) == {"2023年", "2024年"} and lines["行号"].notna().all()
    assert "2024年合计4.93万元" in texts(at)


@pytest.mark.slow
def test_department_drill_down_to_the_lines_behind_a_number():
    at = open_tab(with_sample(), "app.tab.departments")
    table = at.dataframe[0].value
    assert table.iloc[0]["范围"] == "全市合计"
    assert "红色（督办）" in set(table["最严重等级"])
    # the drill-down starts at the worst cell of the latest year
    assert "全市合计有利企业2025年" in texts(at)
    at.selectbox(key="drill_year").set_value(2024).run()
    at.selectbox(key="drill_scope.zh").set_value("department\x01商务局").run()
    at.selectbox(key="drill_category.zh").set_value("sangong").run()
    assert not at.exception
    assert "商务局三公经费2024年4.93万元" in texts(at)
    lines = at.dataframe[1].value
    assert len(lines) > 0 and lines["文件"].eq(pipeline.SAMPLE_FILE.name).all()


@pytest.mark.slow
def test_whatif_target_edit_regrades_and_is_named(engine_calls):
    at = with_sample()
    before = findings_frame(at)
    assert ((before["部门"] == "发展和改革局") & (before["等级"] == "黄色（预警）")).any()
    target = next(n for n in at.number_input if n.label == "一般性支出：至少压减（%）")
    assert target.value == 5.0  # the rules file's own number, not a hard-coded one
    target.set_value(1.0).run()
    assert not at.exception
    after = at.dataframe[0].value
    assert not (after["部门"] == "发展和改革局").any()
    assert any("一般性支出 压减目标 5% → 1%" in unescape(w.value) for w in at.warning)
    assert not any("target_pct" in w.value for w in at.warning)  # words, never YAML keys
    assert engine_calls["read"] == 1 and engine_calls["evaluate"] == 2
    at.button(key="whatif_reset").click().run()
    assert len(at.dataframe[0].value) == len(before)


@pytest.mark.slow
def test_whatif_band_edit_moves_yellow_to_white():
    at = with_sample()
    band = next(n for n in at.number_input if n.label.startswith("压减类别：缺口不超过"))
    band.set_value(5.0).run()
    assert not at.exception
    assert "黄色（预警）" not in set(findings_frame(at)["等级"])


def _bad_rules() -> tuple[bytes, int]:
    _, text = pipeline.default_rules()
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "econ_prefixes" in line)
    lines[index] = lines[index].replace("econ_prefixes", "econ_prefxes")
    return ("\n".join(lines) + "\n").encode("utf-8"), index + 1


def test_a_bad_rules_file_shows_its_error_not_a_traceback():
    at = with_sample()
    at.radio(key="rules_source.zh").set_value("upload").run()
    data, line = _bad_rules()
    at.file_uploader(key="rules_upload").set_value(("my_rules.yaml", data, "application/x-yaml")).run()
    assert not at.exception
    errors = unescape("\n".join(e.value for e in at.error))
    assert "未知的键“econ_prefxes”" in errors and f"第{line}行" in errors and "my_rules.yaml" in errors
    assert "规则有误" in errors
    assert not at.get("tab")  # nothing is shown as if it had been evaluated
    at.file_uploader(key="rules_upload").set_value(
        ("latin.yaml", "ä: 1".encode("latin-1"), "text/yaml")
    ).run()
    assert not at.exception and any("UTF-8" in e.value for e in at.error)


@pytest.mark.slow
def test_an_uploaded_valid_rules_file_is_used():
    at = with_sample()
    _, text = pipeline.default_rules()
    edited = text.replace("target_pct: 5", "target_pct: 1", 1).encode("utf-8")
    at.radio(key="rules_source.zh").set_value("upload").run()
    at.file_uploader(key="rules_upload").set_value(("strict.yaml", edited, "application/x-yaml")).run()
    assert not at.exception
    assert any("strict.yaml" in unescape(c.value) for c in at.sidebar.caption)
    assert not (findings_frame(at)["部门"] == "发展和改革局").any()


def test_english_switch_keeps_the_open_view():
    at = open_tab(with_sample(), "app.tab.findings")
    at.button_group(key="f_levels.zh").set_value(["red"]).run()
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Budget guardrail dashboard"
    assert at.session_state["view"] == "Findings"
    page = texts(at)
    assert "Red (supervised)" in page and "Tight budget" in page
    frame = at.dataframe[0].value  # the level filter carried over to the English widget
    assert at.button_group(key="f_levels.en").value == ["red"]
    assert "Level" in frame.columns and set(frame["Level"]) == {"Red (supervised)"} and len(frame) == 5
    assert any("[商务局] Three public expenses 2024" in m for m in frame["Explanation"])
    at.segmented_control(key="lang").set_value("zh").run()
    assert set(at.dataframe[0].value["等级"]) == {"红色（督办）"}


def test_language_switch_keeps_the_chosen_scope():
    at = with_sample()
    at.selectbox(key="matrix_scope.zh").set_value("department\x01商务局").run()
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception and not at.warning
    assert at.selectbox(key="matrix_scope.en").value == "department\x01商务局"
    assert "Three public expenses 2024: Red (supervised), +20.00%" in texts(at)


@pytest.mark.slow
def test_a_filter_change_on_100k_lines_reruns_without_ingest_or_engine(engine_calls):
    table = synthetic_table(100_000)
    csv = pd.DataFrame(
        {
            "部门": table["department"].astype(str),
            "年度": table["year"],
            "功能分类科目编码": table["func_code"].astype(str),
            "经济分类科目编码": table["econ_code"].astype(str),
            "项目名称": table["item"].astype(str),
            "支出类型": table["expense_type"].astype(str),
            "金额（元）": table["amount_fen"] / 100,
        }
    ).to_csv(index=False)
    at = started()
    at.file_uploader(key="uploads").set_value(("big.csv", csv.encode("utf-8"), "text/csv")).run()
    assert not at.exception and engine_calls == {"read": 1, "evaluate": 1}
    assert "得到预算支出行100000行" in texts(at)
    open_tab(at, "app.tab.findings")
    total = len(at.dataframe[0].value)
    for levels in (["red"], ["red", "yellow"], []):
        at.button_group(key="f_levels.zh").set_value(levels).run()
    assert len(at.dataframe[0].value) == total
    assert engine_calls == {"read": 1, "evaluate": 1}  # speed is measured by benchmarks/, not here


def test_read_options_fill_what_a_table_does_not_say():
    no_year = "部门,功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）\n财政局,2010601,30201,办公费,基本支出,100\n"
    at = started()
    at.file_uploader(key="uploads").set_value(("no_year.csv", no_year.encode("utf-8"), "text/csv")).run()
    assert not at.exception
    assert "文件“no_year.csv”未能读取（第2行）：缺年度。处理办法：请增加“年度”列" in texts(at)
    problems = at.table[0].value  # the load report is shown: problems are a wrapping table
    assert "缺年度" in set(problems["问题"])
    at.number_input(key="opt_year").set_value(2024).run()
    assert not at.exception and "未能读取" not in texts(at)
    assert {m.label: m.value for m in at.metric}["数据行"] == "1"
    assert "未作任何同比" in texts(at)  # one year only: read, but nothing compared, no tiles


@pytest.mark.slow
def test_the_compared_stage_can_be_chosen_when_the_data_hold_several():
    rows = [
        "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）",
        "财政局,2024,预算数,2010601,30201,办公费,基本支出,100000",
        "财政局,2025,预算数,2010601,30201,办公费,基本支出,90000",
        "财政局,2024,决算数,2010601,30201,办公费,基本支出,100000",
        "财政局,2025,决算数,2010601,30201,办公费,基本支出,120000",
    ]
    at = started()
    at.file_uploader(key="uploads").set_value(
        ("stages.csv", "\n".join(rows).encode("utf-8"), "text/csv")
    ).run()
    assert not at.exception
    assert at.selectbox(key="stage.zh").value == "budget"
    assert "一般性支出 2025年 — " not in texts(at)  # budget: cut 10 %, compliant
    at.selectbox(key="stage.zh").set_value("final").run()
    assert not at.exception
    assert "决算数" in at.caption[0].value
    assert "一般性支出 2025年 — 全市合计 红色（督办） +20.00%；财政局 红色（督办） +20.00%" in texts(at)


@pytest.mark.slow
def test_every_view_survives_a_file_with_no_usable_lines():
    at = started()
    at.file_uploader(key="uploads").set_value(("empty.csv", "部门,年度,金额\n".encode(), "text/csv")).run()
    assert not at.exception
    for tab in TABS:
        open_tab(at, tab)
    assert "未作任何同比" in texts(at)  # said in the main area, not tiles of zeros
    assert "bg-tiles" not in texts(at) and not at.get("tab")


FAILED_UPLOADS = [
    ("x.xlsx", bytes(range(256)) * 12, "application/octet-stream"),
    ("empty.csv", b"", "text/csv"),
    ("wrong.csv", "甲,乙\n1,2\n".encode(), "text/csv"),
]


def test_a_failed_upload_is_one_error_per_file_and_no_results():
    at = started()
    at.file_uploader(key="uploads").set_value(FAILED_UPLOADS).run()
    assert not at.exception, at.exception
    errors = [unescape(e.value) for e in at.error]
    assert errors[0] == "文件“x.xlsx”未能读取：文件损坏。处理办法：请用 Excel 或 WPS 打开后另存，或重新导出"
    assert errors[1].startswith("文件“empty.csv”未能读取：文件为空。处理办法：")
    assert errors[2].startswith("文件“wrong.csv”未能读取（第1行）：无法识别格式。处理办法：")
    assert "输入读取失败：3个文件无法读取或有表格未能读取" in errors[3]
    page = texts(at)
    assert "Calamine" not in page and "Error" not in page
    assert "bg-tiles" not in page and "达标" not in page.replace("达标结论", "")
    assert not at.get("tab") and not [c for c in at.get("vega_lite_chart")]
    assert {b.key for b in at.get("download_button")} == {"rules_download"}  # no report downloads


def test_some_files_failed_shows_results_under_their_errors():
    at = started()
    good = (SAMPLE_CSV.name, SAMPLE_CSV.read_bytes(), "text/csv")
    at.file_uploader(key="uploads").set_value([good, FAILED_UPLOADS[0]]).run()
    assert not at.exception, at.exception
    errors = [unescape(e.value) for e in at.error]
    assert errors[0].startswith("文件“x.xlsx”未能读取：文件损坏")
    assert errors[1].startswith("输入读取失败：1个文件无法读取或有表格未能读取") and "x.xlsx" in errors[1]
    assert "其余文件的检查结果" in errors[1]
    assert "bg-tiles" in texts(at) and at.get("tab")
    assert {"download_xlsx", "download_json"} <= {b.key for b in at.get("download_button")}


def test_a_whatif_run_is_marked_in_a_banner_and_in_every_download(monkeypatch):
    import json

    from streamlit.delta_generator import DeltaGenerator

    offered = {}
    original = DeltaGenerator.download_button

    def recorded(self, label, data, file_name=None, *args, **kwargs):
        offered[kwargs.get("key")] = (file_name, data)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recorded)
    at = with_sample()
    assert offered["download_json"][0] == "budget-guard-report.json"
    target = next(n for n in at.number_input if n.label == "一般性支出：至少压减（%）")
    offered.clear()
    target.set_value(2.0).run()
    assert not at.exception, at.exception
    banner = unescape(at.main.warning[0].value)
    assert banner.startswith("假设分析") and "一般性支出 压减目标 5% → 2%" in banner
    assert "target_pct" not in banner
    names = {key: name for key, (name, _) in offered.items() if key != "cases_download"}
    assert {"download_xlsx", "download_json", "rules_download"} <= set(names)
    assert all("-what-if." in name for name in names.values()), names
    data = offered["download_json"][1]
    report = json.loads(data() if callable(data) else data)
    assert report["outcome"]["whatif"] == [
        {"zh": "一般性支出 压减目标 5% → 2%", "en": "General expenditure cut target 5% → 2%"}
    ]
    import io

    import openpyxl

    data = offered["download_xlsx"][1]
    sheet = openpyxl.load_workbook(io.BytesIO(data() if callable(data) else data)).worksheets[0]
    top = [str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value]
    assert any(v.startswith("假设分析") and "一般性支出 压减目标 5% → 2%" in v for v in top), top
