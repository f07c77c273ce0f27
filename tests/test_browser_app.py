"""The dashboard in a real browser: `streamlit run app.py`, Debian's Chromium through Playwright, a real upload.

Playwright never downloads a browser here; CI installs Debian's ``chromium`` (``.ci/run``). The
test is skipped, with the reason, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE_XLSX = REPO / "sample_data" / "xlsx" / "city_budget_2021_2025.xlsx"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
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


def grid_rows(page) -> list[str]:
    """Text of each row of the dataframes (the grid draws on a canvas; its accessible table has the text)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame] tr')].map(r => r.textContent)"
    )


def test_upload_a_workbook_and_see_the_planted_violations(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        try:
            page.goto(server, timeout=WAIT_MS)
            page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)

            page.locator("input[type=file]").first.set_input_files(str(SAMPLE_XLSX))
            page.get_by_role("tab", name="合规矩阵").wait_for(timeout=WAIT_MS)

            # overview: the red tile and every yuan accounted for
            page.get_by_text("差额为0", exact=False).first.wait_for(timeout=WAIT_MS)
            page.locator(".bg-tile", has_text="红色（督办）").first.wait_for(timeout=WAIT_MS)

            # compliance matrix: both heatmaps drawn, and where each guardrail broke
            page.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for(timeout=WAIT_MS)
            page.get_by_text("三公经费 2024年 — 商务局 红色（督办） +20.00%").wait_for(timeout=WAIT_MS)
            page.get_by_text("改善民生 2023年 — 教育局 红色（督办）", exact=False).wait_for(timeout=WAIT_MS)

            # findings: the table lists 商务局 三公经费 at red
            page.get_by_role("tab", name="督办事项").click()
            page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=WAIT_MS)
            page.wait_for_function(
                """() => [...document.querySelectorAll('[data-testid=stDataFrame] tr')].some(
                    r => ['商务局', '三公经费', '红色（督办）', '2024'].every(t => r.textContent.includes(t)))""",
                timeout=WAIT_MS,
            )
            rows = grid_rows(page)
            assert any("教育局" in r and "改善民生" in r and "红色（督办）" in r for r in rows)
            assert any("发展和改革局" in r and "一般性支出" in r and "黄色（预警）" in r for r in rows)

            # downloads: the CLI's 督办单 and JSON report, written when clicked
            with page.expect_download(timeout=WAIT_MS) as xlsx:
                page.get_by_role("button", name="下载督办单（XLSX）").click()
            assert xlsx.value.suggested_filename == "budget-guard-report.xlsx"
            saved = tmp_path / xlsx.value.suggested_filename
            xlsx.value.save_as(saved)
            book = load_workbook(saved, read_only=True)
            assert {"红色督办", "黄色预警", "白色提示"} <= set(book.sheetnames)
            with page.expect_download(timeout=WAIT_MS) as report:
                page.get_by_role("button", name="下载 JSON 报告").click()
            document = json.loads(Path(report.value.path()).read_text(encoding="utf-8"))
            assert document["outcome"]["worst_level"] == "red" and document["outcome"]["balanced"]
            assert {"scope": "商务局", "category": "sangong", "year": 2024, "level": "red"}.items() <= next(
                f for f in document["findings"] if f["scope"] == "商务局" and f["category"] == "sangong"
            ).items()
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
