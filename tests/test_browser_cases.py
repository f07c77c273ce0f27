"""The 督办台账 in a real browser (Debian's Chromium through Playwright): it opens from the ledger with
nothing uploaded, and a case found in one file shows that file's lines while another file is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules
from tests.test_browser_app import WAIT_MS, free_port, grid_rows, wait_healthy

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"
MARKER = "农业农村局,109,2025,预算数,2130101,30217,公务接待费,基本支出,,2199.00"

pytestmark = pytest.mark.browser  # the session's Chromium (conftest ``browser``) skips where there is none


@pytest.fixture
def ledger(tmp_path) -> tuple[Path, str]:
    """农业农村局's 三公 case found in v1.csv, where its 2025 公务接待费 is 5,000.00 元 (the sample: 2,199.00)."""
    text = SAMPLE_CSV.read_text(encoding="utf-8-sig")
    v1 = tmp_path / "v1.csv"
    v1.write_text(text.replace(MARKER, MARKER.replace("2199.00", "5000.00")), encoding="utf-8")
    path = tmp_path / "ledger.sqlite"
    store = CaseStore(path)
    track_evaluation(
        store, evaluate(read_budget([v1]).table, load_rules()), run_id=1, file="v1.csv", now=datetime.now(UTC)
    )
    number = next(
        c.number for c in store.cases() if c.key.scope == "农业农村局" and c.key.category == "sangong"
    )
    return path, number


@pytest.fixture
def ledger_server(tmp_path, ledger):
    """A Streamlit server of its own, whose ledger is this test's (BUDGET_GUARD_LEDGER)."""
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "BUDGET_GUARD_LEDGER": str(ledger[0]),
    }
    env.pop("BUDGET_GUARD_ALLOW_UNVERIFIED", None)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    process = subprocess.Popen(
        [*command, "--server.port", str(port)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        url = f"http://localhost:{port}"
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def settled(action, tries: int = 4):
    """Run a page action again when a Streamlit rerun replaced the element under it (detached from the DOM)."""
    from playwright.sync_api import Error

    for attempt in range(tries):
        try:
            return action()
        except Error as exc:
            if "not attached" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(1)


def pick(page, number: str) -> None:
    box = page.locator("[data-testid=stSelectbox]").filter(has_text="督办编号").first
    settled(box.scroll_into_view_if_needed)
    settled(box.click)
    page.keyboard.type(number[-7:])
    page.keyboard.press("Enter")
    page.get_by_text("立案时所依据的数据行（第1次运行，文件 v1.csv", exact=False).first.wait_for(
        timeout=WAIT_MS
    )


def v1_line_shown(page) -> bool:
    """The recorded lines grid has v1.csv's 公务接待费 line (0.5 万元), none of the loaded sample's (0.2199)."""
    settled(page.get_by_text("立案时所依据的数据行", exact=False).first.scroll_into_view_if_needed)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stDataFrame] tr')].some(
            r => ['v1.csv', '公务接待费', '0.5'].every(t => r.textContent.includes(t)))""",
        timeout=WAIT_MS,
    )
    rows = [r for r in grid_rows(page) if "公务接待费" in r]
    return all("city_budget_2021_2025.csv" not in r and "0.2199" not in r for r in rows)


@pytest.mark.parametrize("width", [1440, 1024])
def test_the_ledger_stands_alone_and_shows_the_lines_of_the_run_that_found_a_case(
    ledger_server, browser, ledger, tmp_path, width
):
    _, number = ledger
    page = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        page.goto(ledger_server, timeout=WAIT_MS)
        page.get_by_text("督办台账直接读取运行记录文件", exact=False).first.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stDataFrame] tr')].some(r => r.textContent.includes('农业农村局'))",
            timeout=WAIT_MS,
        )
        # the grid draws only the columns in view: the ones a clerk acts on are among them
        header = next(r for r in grid_rows(page) if "督办编号" in r and "状态" in r)
        assert header.index("状态") < header.index("整改时限") < header.index("责任单位")
        page.screenshot(path=str(tmp_path / f"ledger-{width}.png"))
        pick(page, number)
        assert v1_line_shown(page)

        # another file loaded (the sample): the case still shows v1.csv's line, not the page's data
        page.locator("input[type=file]").first.set_input_files(str(SAMPLE_CSV))
        page.get_by_role("tab", name="督办台账").click()
        pick(page, number)
        assert v1_line_shown(page)
    finally:
        page.close()
