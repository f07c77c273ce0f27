"""The dashboard on the generated 一体化 export: 区划 → 部门 → 单位 in the scope pickers, the 预算执行 view."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from budget_guard import messages as msg

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "yitihua"


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".csv", ".xlsx"))
    at.file_uploader(key="uploads").set_value(
        [(p.name, p.read_bytes(), "application/octet-stream") for p in files]
    )
    at.run()
    assert not at.exception, at.exception
    return at


def _open(at: AppTest, key: str) -> AppTest:
    at.session_state["view"] = msg.t(key, "zh")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_scope_picker_walks_the_hierarchy(app):
    _open(app, "app.tab.matrix")
    picker = app.selectbox(key="matrix_scope.zh")
    shown = list(picker.options)  # the texts the picker shows, in order
    division = shown.index("东湖区（区划合计）")
    department = shown.index("\u3000东湖区商务局")
    unit = shown.index("\u3000\u3000└ 东湖区商务局综合执法大队")
    # three 区划 and rules that do not declare them one government: no 全市合计 across them
    assert "全市合计" not in shown and shown[1].endswith("（区划合计）") and division < department < unit
    picker.set_value("unit\u0001东湖区商务局综合执法大队").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="matrix_scope.zh").value == "unit\u0001东湖区商务局综合执法大队"


def test_execution_view_lists_planted_over_and_under_spending(app):
    _open(app, "app.tab.execution")
    frame = app.dataframe[0].value
    scopes = set(frame.iloc[:, 0])
    assert {"西山区商务局", "东湖区卫生健康局", "东湖区（区划合计）"} <= scopes
    assert "西山区商务局综合执法大队（西山区商务局）" in scopes
    assert len(frame) == 7
    assert any("PEFA" in str(s.value) for s in app.subheader)
