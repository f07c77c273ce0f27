"""The dashboard in a real browser: `streamlit run app.py`, Debian's Chromium through Playwright, a real upload.

Playwright never downloads a browser here; CI installs Debian's ``chromium`` (``.ci/run``). The
test is skipped, with the reason, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import os
import re
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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One dashboard for the whole session: each test has its own page (a Streamlit session of its own)."""
    port = free_port()
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("w")
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


def all_grid_rows(page, steps: int = 15) -> list[str]:
    """Every row of the first dataframe: its grid draws only the rows in view (wrapped rows are tall),
    so scroll it and collect what each position shows."""
    seen: list[str] = []
    for _ in range(steps):
        for row in grid_rows(page):
            if row not in seen:
                seen.append(row)
        page.evaluate(
            "() => { const s = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');"
            " if (s) { s.scrollTop += 240; } }"
        )
        page.wait_for_timeout(250)
    return seen


def grid_rows(page) -> list[str]:
    """Text of each row of the dataframes (the grid draws on a canvas; its accessible table has the text)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame] tr')].map(r => r.textContent)"
    )


def test_upload_a_workbook_and_see_the_planted_violations(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    try:
        page.goto(server, timeout=WAIT_MS)
        page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)

        page.locator("input[type=file]").first.set_input_files(str(SAMPLE_XLSX))
        page.get_by_role("tab", name="同比图").wait_for(timeout=WAIT_MS)

        # overview: the red tile and every yuan accounted for
        page.get_by_text("差额为0", exact=False).first.wait_for(timeout=WAIT_MS)
        page.locator(".bg-tile", has_text="红色（督办）").first.wait_for(timeout=WAIT_MS)

        # compliance matrix: both heatmaps drawn, and where each guardrail broke
        page.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for(timeout=WAIT_MS)
        page.get_by_text("未达标的项目", exact=False).first.click()
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
        rows = all_grid_rows(page)
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
        page.close()


SCREENSHOTS = os.environ.get("BUDGET_GUARD_SCREENSHOTS")  # keep the screenshots here to look at them


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


def _tiles_read_whole(page, width: int) -> None:
    """Each headline tile's label is on one line and inside its tile (no badge over a count)."""
    facts = page.evaluate(
        """() => [...document.querySelectorAll('.bg-tile')].map(t => {
            const l = t.querySelector('.bg-label').getBoundingClientRect(), b = t.getBoundingClientRect();
            return {text: t.textContent, lines: l.height / parseFloat(getComputedStyle(t.querySelector('.bg-label')).lineHeight),
                    inside: l.right <= b.right + 0.5 && l.left >= b.left, left: b.left, right: b.right};
        })"""
    )
    assert len(facts) == 4
    for tile in facts:
        assert tile["lines"] < 1.5 and tile["inside"], f"at {width} px a tile's label wraps or spills: {tile}"
        assert tile["left"] >= 0 and tile["right"] <= width


def _page_css_applied(page) -> None:
    """Wait for the page's own CSS (it follows the first widgets; it puts the uploader's texts in Chinese)."""
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span');
            return s && parseFloat(getComputedStyle(s).fontSize) === 0; }""",
        timeout=WAIT_MS,
    )


def _uploader_text_whole(page) -> None:
    """The uploader's own size line (replaced in Chinese by CSS) is not cut with an ellipsis."""
    _page_css_applied(page)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stFileUploaderDropzoneInstructions] span')]
            .filter(s => s.scrollWidth > s.clientWidth + 1 || getComputedStyle(s).whiteSpace === 'nowrap').length"""
    )
    assert cut == 0, "the uploader's 把文件拖到这里 · 每个文件不超过…MB line is cut"


@pytest.mark.parametrize("width", [1440, 1280, 1024])
def test_the_matrix_is_read_at_a_glance(server, browser, tmp_path, width):
    """Matrix above the fold, rates never cut, a cell click opens its lines, level and rate columns in view."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(server, timeout=WAIT_MS)
        page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)
        page.locator("[data-testid=stFileUploaderDropzoneInstructions]").first.wait_for(timeout=WAIT_MS)
        _uploader_text_whole(page)
        page.locator("input[type=file]").first.set_input_files(str(SAMPLE_XLSX))
        chart = page.locator(".st-key-matrix_wide [data-testid=stVegaLiteChart]").first
        chart.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(1500)
        _shot(page, tmp_path, f"matrix_{width}.png")

        _tiles_read_whole(page, width)
        box = chart.bounding_box()
        assert box["y"] < 450, f"the matrix starts at {box['y']} px, below the headline area"
        assert box["y"] + box["height"] <= 900, "the first heatmap is not wholly above the fold"

        # rates are never cut: the widest first line (level + rate) fits inside one cell
        years = 4  # the sample's compared years 2022–2025 (2021 is not compared, so it has no column)
        label_px = 130 + 8
        cell_px = (box["width"] - label_px) / years
        widest = page.evaluate(
            """(size) => { const c = document.createElement('canvas').getContext('2d');
                c.font = `bold ${size}px Noto Sans CJK SC, sans-serif`;
                return Math.max(...['白色 -100.00%', '红色 +20.00%', '黄色 -0.84%'].map(t => c.measureText(t).width)); }""",
            12 if cell_px < 118 else 14,
        )
        assert widest + 6 < cell_px, f"a cell is {cell_px:.0f} px, its rate line needs {widest:.0f} px"

        # a click on 三公经费 × 2024 opens the lines behind it (商务局, the worst scope of the cell)
        cell_h = 54
        x = box["x"] + label_px + cell_px * 2.5
        y = box["y"] + box["height"] - 4 * cell_h + cell_h / 2
        page.mouse.click(x, y)
        page.get_by_text("明细：商务局 · 三公经费 · 2024年").wait_for(timeout=WAIT_MS)
        page.locator(".st-key-matrix_lines [data-testid=stDataFrame]").first.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            """() => [...document.querySelectorAll('.st-key-matrix_lines [data-testid=stDataFrame] tr')]
                .some(r => r.textContent.includes('商务局') && r.textContent.includes('city_budget_2021_2025.xlsx'))""",
            timeout=WAIT_MS,
        )
        page.locator(".st-key-matrix_lines").scroll_into_view_if_needed()
        _shot(page, tmp_path, f"lines_{width}.png")

        # 督办事项: the level and explanation columns are pinned, so they are in view at any width
        page.get_by_role("tab", name="督办事项").click()
        page.wait_for_function(  # the findings grid (not the opened lines above it) has drawn
            """() => [...document.querySelectorAll('[data-testid=stDataFrame] th')].some(h => h.textContent === '等级')""",
            timeout=WAIT_MS,
        )
        grid = page.locator("[data-testid=stDataFrame]").last
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        headers = page.evaluate(
            """() => { const grids = document.querySelectorAll('[data-testid=stDataFrame]');
                return [...grids[grids.length - 1].querySelectorAll('th')].map(h => h.textContent); }"""
        )
        # pinned columns are frozen at the grid's left edge, so they come first and never scroll away
        # the explanation names scope, category, year and rate, and wraps: it stays in view with the level
        assert headers[:2] == ["等级", "说明"], f"level and explanation are not pinned first: {headers}"
        _shot(page, tmp_path, f"findings_{width}.png")
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
    finally:
        page.close()


def _upload_sample(page, server: str) -> None:
    page.goto(server, timeout=WAIT_MS)
    page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)
    page.locator("input[type=file]").first.set_input_files(str(SAMPLE_XLSX))
    page.locator(".bg-tile", has_text="红色（督办）").first.wait_for(timeout=WAIT_MS)


def test_a_reload_keeps_the_last_upload_and_says_so(server, browser, tmp_path):
    """Upload, reload the page: the same data are back (from the server cache, by content hash), with the message."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        _upload_sample(page, server)
        page.wait_for_function("() => new URL(location.href).searchParams.get('data')", timeout=WAIT_MS)
        address = page.url
        before = page.locator(".bg-tile").all_inner_texts()
        assert page.get_by_text("已恢复本次会话", exact=False).count() == 0  # a fresh upload is no restore

        page.reload(timeout=WAIT_MS)
        page.get_by_text("已恢复本次会话上次上传的1个文件", exact=False).wait_for(timeout=WAIT_MS)
        page.locator(".bg-tile", has_text="红色（督办）").first.wait_for(timeout=WAIT_MS)
        page.locator(".st-key-matrix_wide [data-testid=stVegaLiteChart]").first.wait_for(timeout=WAIT_MS)
        assert (
            page.locator(".bg-tile").all_inner_texts() == before
        )  # the same counts, not the sample's by luck
        # the uploader is empty after a reload, so the message names what was restored
        assert "city_budget_2021_2025.xlsx" in page.locator("[data-testid=stAlert]").first.inner_text()
        assert page.url == address
        _shot(page, tmp_path, "reload_1440.png")

        # a second reload still finds it; a fresh page without the address starts empty
        page.reload(timeout=WAIT_MS)
        page.get_by_text("已恢复本次会话上次上传的1个文件", exact=False).wait_for(timeout=WAIT_MS)
        page.goto(server, timeout=WAIT_MS)
        page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(2000)
        assert page.locator(".bg-tile").count() == 0
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
    finally:
        page.close()


def test_a_phone_width_reads_the_matrix_as_a_table(server, browser, tmp_path):
    """At 414 px the heatmaps give way to a table: every cell's level and rate whole, nothing off-screen."""
    page = browser.new_page(viewport={"width": 414, "height": 896})
    try:
        _upload_sample(page, server)
        table = page.locator(".st-key-matrix_narrow .bg-narrow table")
        table.wait_for(state="visible", timeout=WAIT_MS)
        assert not page.locator(".st-key-matrix_wide").is_visible()  # no heatmap squeezed to 300 px
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        _shot(page, tmp_path, "matrix_414.png")

        facts = page.evaluate(
            """() => {
                const t = document.querySelector('.st-key-matrix_narrow .bg-narrow table');
                const box = t.getBoundingClientRect();
                const cells = [...t.querySelectorAll('td, th')];
                return {
                    right: box.right, left: box.left, page: document.documentElement.scrollWidth,
                    overflowing: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent),
                    // lines of the cell's own text (a taller neighbour in the row does not count)
                    rateCells: [...t.querySelectorAll('tr')].slice(1).map(r => r.children[2]).map(c => {
                        const range = document.createRange();
                        range.selectNodeContents(c);
                        const tops = new Set([...range.getClientRects()].map(b => Math.round(b.top)));
                        return {text: c.textContent, lines: tops.size};
                    }),
                };
            }"""
        )
        assert facts["left"] >= 0 and facts["right"] <= 414, f"the table runs off-screen: {facts}"
        assert facts["page"] <= 414, f"the page scrolls sideways ({facts['page']} px)"
        assert facts["overflowing"] == [], f"cut cells: {facts['overflowing']}"
        texts = [c["text"] for c in facts["rateCells"]]
        assert "红色 +20.00%" in texts  # 三公经费 2024, 商务局: level and rate in one cell
        wrapped = [c for c in facts["rateCells"] if c["lines"] > 1]
        assert not wrapped, f"a level and rate wraps over two lines: {wrapped}"
        # the headline tiles are readable too (two by two), and the title is not under the toolbar
        _tiles_read_whole(page, 414)
        page.evaluate(  # Streamlit scrolls its main section, not the window
            "() => { for (let e = document.querySelector('h1'); e; e = e.parentElement) e.scrollTop = 0; }"
        )
        title = page.locator("h1").first.bounding_box()
        toolbar = page.locator("[data-testid=stHeader]").first.bounding_box()
        assert title["y"] >= toolbar["y"] + toolbar["height"] - 8, (
            f"the title starts under the toolbar: {title}"
        )
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
    finally:
        page.close()


# What Streamlit 1.67 draws itself and has no setting for: the exact strings docs/app.md lists
# ("Chinese first, and what Streamlit draws itself"). Anything else English on a Chinese page fails.
STREAMLIT_OWN = (
    r"Add files|Clear value|Open|Increment|Decrement|Sidebar|Collapse sidebar|Expand sidebar|file upload",
    r"Search|Download as CSV|Fullscreen|Close fullscreen|Show/hide columns",  # the dataframe toolbar
    r"Show data|Download as PNG|Download as SVG|Copy Vega-Lite spec",  # the chart toolbar
    r"Skip to main content",  # the keyboard users' skip link, drawn off-screen
    r"Help for .+",  # the aria-label of a help icon (its tooltip, ours, is Chinese)
    r"Remove .+",  # the uploaded file's remove button
    r"add icon",  # the text of the uploader's "+" (add more files) icon
    r".+\.(?:xlsx|xls|csv), [\d.]+ ?[KM]?B",  # the uploaded file's name and size
)
_OWN = re.compile("|".join(f"(?:{p})" for p in STREAMLIT_OWN))

_PAGE_TEXTS = """() => {
    const out = [], hidden = e => { const s = getComputedStyle(e);
        return s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.fontSize) === 0; };
    for (const el of document.querySelectorAll('body *')) {
        for (const a of ['title', 'aria-label', 'placeholder']) { const v = el.getAttribute(a); if (v) out.push([a, v]); }
        if (el.closest('[data-testid=stFileUploaderFileName]') || /Material/.test(getComputedStyle(el).fontFamily)) continue;
        for (const n of el.childNodes)
            if (n.nodeType === 3 && n.textContent.trim() && el.getClientRects().length && !hidden(el))
                out.push(['text', n.textContent.trim()]);
    }
    return out; }"""


def test_a_chinese_page_shows_no_english_but_streamlits_own(server, browser, tmp_path):
    """Every text, tooltip title, placeholder and aria-label on every view, in Chinese mode.

    Allowed besides Streamlit's own: the language switch "语言 / Language" and its "English" choice
    (an English reader must find them), file sizes (KB), the program's name."""
    sys.path.insert(0, str(Path(__file__).parent))
    from chinese import english_words

    seen: dict[str, str] = {}

    def collect(where: str) -> None:
        for kind, value in page.evaluate(_PAGE_TEXTS):
            seen.setdefault(value, f"{where} {kind}")

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(server, timeout=WAIT_MS)
        page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)
        _page_css_applied(page)
        collect("start")
        page.locator("input[type=file]").first.set_input_files(str(SAMPLE_XLSX))
        page.locator(".st-key-matrix_wide [data-testid=stVegaLiteChart]").first.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(1500)
        for summary in page.locator("[data-testid=stExpander] summary").all():
            summary.click()
            page.wait_for_timeout(300)
        collect("overview")
        for name in page.get_by_role("tab").all_inner_texts():
            page.get_by_role("tab", name=name).click()
            page.wait_for_timeout(2500)
            collect(name)
    finally:
        page.close()
    english = {
        value: (where, words)
        for value, where in seen.items()
        if not _OWN.fullmatch(value)
        and (
            words := english_words(
                value, allowed={"English", "Language", "KB", "budget-guard", "budget_guard"}
            )
        )
    }
    assert english == {}, "English on the Chinese page outside Streamlit's own strings:\n" + "\n".join(
        f"{where}: {words} | {value[:120]!r}" for value, (where, words) in english.items()
    )


def _grid_headers(page, selector: str) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelector(sel).querySelectorAll('th')].map(h => h.textContent)", selector
    )


def test_in_english_the_level_and_rate_columns_stay_pinned(server, browser, tmp_path):
    """English labels are longer: at 1024 px, Departments keeps scope and worst level, Findings level and explanation, first."""
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    try:
        _upload_sample(page, server)
        page.get_by_text("English", exact=True).first.click()
        page.get_by_role("tab", name="Departments").wait_for(timeout=WAIT_MS)
        page.get_by_role("tab", name="Departments").click()
        page.locator(".st-key-drill_table th").first.wait_for(state="attached", timeout=WAIT_MS)
        headers = _grid_headers(page, ".st-key-drill_table")
        assert headers[:2] == ["Scope", "Worst level"], headers
        page.locator(".st-key-drill_table").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        _shot(page, tmp_path, "departments_en_1024.png")

        page.get_by_role("tab", name="Findings").click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid=stDataFrame] th')].some(h => h.textContent === 'Level')""",
            timeout=WAIT_MS,
        )
        grids = page.locator("[data-testid=stDataFrame]")
        grids.last.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        headers = page.evaluate(
            """() => { const g = document.querySelectorAll('[data-testid=stDataFrame]');
                return [...g[g.length - 1].querySelectorAll('th')].map(h => h.textContent); }"""
        )
        assert headers[:2] == ["Level", "Explanation"], headers
        _shot(page, tmp_path, "findings_en_1024.png")
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
    finally:
        page.close()
