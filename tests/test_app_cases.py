"""The 督办台账 view through AppTest: read-only by default, unverified names when allowed, the same ledger."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from budget_guard import messages as msg
from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.dashboard import signin
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"
TAB = msg.t("app.tab.cases", "zh")


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "ledger.sqlite"
    evaluation = evaluate(read_budget([SAMPLE_CSV]).table, load_rules())
    track_evaluation(
        CaseStore(path), evaluation, run_id=1, file=SAMPLE_CSV.name, now=datetime(2025, 3, 1, tzinfo=UTC)
    )
    monkeypatch.setenv(signin.LEDGER_ENV, str(path))
    monkeypatch.delenv(signin.UNVERIFIED_ENV, raising=False)
    return path


def cases_tab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.button(key="sample").click().run()
    at.session_state["view"] = TAB
    at.run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("caption", "markdown", "info", "error") for e in at.get(kind))


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def case_list(at: AppTest):
    return next(d.value for d in at.dataframe if "督办编号" in d.value.columns)


def saved(at: AppTest) -> int:
    return sum(str(s.value) == msg.t("app.cases.saved", "zh") for s in at.success)


def events(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT kind, actor, actor_kind, reason FROM case_events ORDER BY id").fetchall()


@pytest.mark.slow
def test_read_only_without_sign_in_shows_cases_overdue_first_and_writes_nothing(ledger):
    before = events(ledger)
    at = cases_tab()
    assert msg.t("app.cases.read_only", "zh") in captions(at)
    frame = case_list(at)
    assert list(frame.columns)[:4] == ["督办编号", "状态", "整改时限", "责任单位"]  # in view at 1024 px
    assert frame["状态"].iloc[0].endswith("（已超期）")  # 2025 cases are long overdue by now
    assert any(b.key == "cases_download" for b in at.get("download_button"))
    number = frame["督办编号"].iloc[0]
    at.selectbox(key="cases_pick").select(number).run()
    assert not at.exception, at.exception
    history = next(d.value for d in at.dataframe if "操作人" in d.value.columns)  # the case's 整改记录
    assert list(history.columns) == ["时间（北京时间）", "操作人", "事项", "运行 / 文件"]
    assert history["事项"].iloc[0].startswith("立案")
    assert not at.get("text_area")  # no note form in read-only mode
    assert events(ledger) == before


@pytest.mark.slow
def test_an_unverified_name_is_recorded_as_such_and_cannot_close_a_red(ledger, monkeypatch):
    monkeypatch.setenv(signin.UNVERIFIED_ENV, "1")
    store = CaseStore(ledger, create=False)
    red = next(c for c in store.cases() if c.level == "red")
    at = cases_tab()
    at.selectbox(key="cases_pick").select(red.number).run()
    at.text_input(key="cases_name").input("张三").run()
    at.text_area(key="cases_note_text").input("已电话督促").run()
    button(at, "记录整改情况").click().run()
    assert not at.exception, at.exception
    assert events(ledger)[-1] == ("noted", "张三", "unverified", "已电话督促")
    at.selectbox(key="cases_pick").select(red.number).run()
    at.text_input(key="cases_name").input("张三").run()
    at.text_input(key="cases_close_reason").input("已整改完毕").run()
    button(at, "销号").click().run()
    assert "已登录" in captions(at) or any("已登录" in str(e.value) for e in at.error)
    assert events(ledger)[-1][0] == "noted"  # the close was refused


def test_access_modes_from_sign_in_and_configuration():
    class User:
        is_logged_in = True

        def get(self, field):
            return {"email": "wang@czj.example.gov.cn"}.get(field)

    signed = signin.access(User(), {"auth": {"client_id": "x"}}, environ={})
    assert signed.mode == signin.SIGNED_IN_MODE and signed.actor.name == "wang@czj.example.gov.cn"
    assert signed.actor.verified
    assert signin.access(User(), {}, environ={}).mode == signin.READ_ONLY  # no [auth]: no sign-in to trust
    allowed = signin.access(None, {"budget_guard": {"allow_unverified": True}}, environ={})
    assert allowed.mode == signin.UNVERIFIED_MODE and allowed.actor is None
    assert signin.entered_actor("  ") is None
    assert signin.entered_actor(" 李 四 ").name == "李 四" and not signin.entered_actor("李四").verified
    assert signin.ledger_path({"budget_guard": {"ledger": "/srv/l.sqlite"}}, environ={}) == Path(
        "/srv/l.sqlite"
    )


@pytest.mark.slow
def test_closing_a_case_says_saved_at_once_and_not_later_under_another_case(ledger, monkeypatch):
    """A closed case leaves the open list, so the page has no case selected after the 销号: the
    confirmation is shown then, not kept for the next case the clerk opens."""
    monkeypatch.setenv(signin.UNVERIFIED_ENV, "1")
    store = CaseStore(ledger, create=False)
    yellow, other = [c for c in store.cases() if c.level == "yellow"][:2]
    at = cases_tab()
    at.selectbox(key="cases_pick").select(yellow.number).run()
    at.text_input(key="cases_name").input("张三").run()
    at.text_input(key="cases_close_reason").input("已调整预算").run()
    button(at, "销号").click().run()
    assert not at.exception, at.exception
    assert events(ledger)[-1] == ("closed", "张三", "unverified", "已调整预算")
    assert yellow.number not in list(case_list(at)["督办编号"])
    assert saved(at) == 1
    at.selectbox(key="cases_pick").select(other.number).run()
    assert not at.exception, at.exception
    assert saved(at) == 0  # nothing was saved for this one


@pytest.mark.slow
def test_with_sign_in_configured_the_page_offers_login_and_stays_read_only_until_then(ledger, monkeypatch):
    monkeypatch.setenv(signin.UNVERIFIED_ENV, "1")  # sign-in configured wins over typed names
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8604/oauth2callback",
        "cookie_secret": "test",
        "client_id": "budget-guard",
        "client_secret": "test",
        "server_metadata_url": "https://sso.example.gov.cn/.well-known/openid-configuration",
    }
    at.run()
    at.button(key="sample").click().run()
    at.session_state["view"] = TAB
    at.run()
    assert not at.exception, at.exception
    assert any(b.label == "登录" for b in at.button)
    assert msg.t("app.cases.read_only", "zh") in captions(at)


@pytest.mark.slow
def test_the_ledger_downloaded_during_a_whatif_run_is_marked_in_its_name_and_first_line(ledger, monkeypatch):
    """The 督办台账 comes from the filed runs, but a copy taken from a what-if page must not pass for
    the filed one: ``-what-if`` in the file name and the changed target in words on the first sheet."""
    import io

    import openpyxl
    from streamlit.delta_generator import DeltaGenerator

    offered = {}
    original = DeltaGenerator.download_button

    def recorded(self, label, data, file_name=None, *args, **kwargs):
        offered[kwargs.get("key")] = (file_name, data)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recorded)
    import streamlit

    # ``st.download_button`` is bound to the main area when streamlit is imported: record it too
    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: recorded(streamlit._main, *a, **k))
    at = cases_tab()
    assert offered["cases_download"][0] == "督办单.xlsx"
    target = next(n for n in at.number_input if n.label == "一般性支出：至少压减（%）")
    offered.clear()
    target.set_value(2.0).run()
    assert not at.exception, at.exception
    name, data = offered["cases_download"]
    assert name == "督办单-what-if.xlsx"
    first = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    line = str(first.cell(row=1, column=1).value)
    assert line.startswith("下载时页面处于假设分析") and "一般性支出 压减目标 5% → 2%" in line
    assert "target_pct" not in line


@pytest.fixture
def ledger_from_v1(tmp_path, monkeypatch) -> tuple[Path, str]:
    """A ledger whose 农业农村局 三公 case was found in ``v1.csv`` (公务接待费 5,000.00 元 in 2025)."""
    text = SAMPLE_CSV.read_text(encoding="utf-8-sig")
    marker = "农业农村局,109,2025,预算数,2130101,30217,公务接待费,基本支出,,2199.00"
    assert marker in text
    v1 = tmp_path / "v1.csv"
    v1.write_text(text.replace(marker, marker.replace("2199.00", "5000.00")), encoding="utf-8")
    path = tmp_path / "ledger.sqlite"
    store = CaseStore(path)
    track_evaluation(
        store, evaluate(read_budget([v1]).table, load_rules()), run_id=1, file=v1.name, now=datetime.now(UTC)
    )
    number = next(
        c.number for c in store.cases() if c.key.scope == "农业农村局" and c.key.category == "sangong"
    )
    monkeypatch.setenv(signin.LEDGER_ENV, str(path))
    monkeypatch.delenv(signin.UNVERIFIED_ENV, raising=False)
    return path, number


def recorded_lines(at: AppTest):
    return [d.value for d in at.dataframe if "文件" in d.value.columns and "金额（万元）" in d.value.columns]


@pytest.mark.slow
def test_the_ledger_opens_with_no_data_and_shows_the_lines_its_run_recorded(ledger_from_v1):
    _, number = ledger_from_v1
    at = AppTest.from_file(APP, default_timeout=90).run()  # nothing uploaded
    assert not at.exception, at.exception
    assert msg.t("app.cases.ledger_only", "zh") in captions(at)
    assert number in list(case_list(at)["督办编号"])
    at.selectbox(key="cases_pick").select(number).run()
    assert not at.exception, at.exception
    assert "立案时所依据的数据行（第1次运行，文件 v1.csv" in captions(at)
    (lines,) = recorded_lines(at)
    assert set(lines["文件"]) == {"v1.csv"}
    assert 0.5 in set(lines["金额（万元）"].round(4))  # v1's 5,000.00 元, as the run read it


@pytest.mark.slow
def test_a_case_found_in_one_file_shows_that_files_lines_while_another_is_loaded(ledger_from_v1):
    _, number = ledger_from_v1
    at = cases_tab()  # the sample is loaded: 农业农村局's 公务接待费 there is 2,199.00 元
    at.selectbox(key="cases_pick").select(number).run()
    assert not at.exception, at.exception
    (lines,) = recorded_lines(at)
    assert set(lines["文件"]) == {"v1.csv"} and 0.5 in set(lines["金额（万元）"].round(4))
    assert 0.2199 not in set(lines["金额（万元）"].round(4))
    frame = case_list(at)
    assert list(frame.columns)[:4] == ["督办编号", "状态", "整改时限", "责任单位"]
