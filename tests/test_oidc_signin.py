"""Sign-in to the 督办台账 against a real OpenID Connect provider, in a real browser.

The provider is panva's ``oidc-provider`` from the npm registry (OpenID-certified), installed by
``.ci/run`` with ``npm ci --prefix tests/oidc`` and configured by ``tests/oidc/provider.mjs``; it
listens on 127.0.0.1 on a free port. The dashboard is ``streamlit run app.py`` with a secrets file
written here (``[auth]`` pointing at that provider, ``[budget_guard] ledger`` at a ledger made by
``budget-guard check --ledger`` on the sample data, which opens red cases). Debian's Chromium,
through Playwright, signs in on the provider's own login page.

What a 督查 office relies on:
- signed out, the page offers no way to write (no note, no 销号), and neither a forged sign-in
  cookie, a forged OAuth callback, plain HTTP requests, nor the very websocket message that
  closes a case for a signed-in clerk, replayed from a signed-out page, changes the ledger;
- signed in, closing a red case records the signed-in person, and the history (page and ledger)
  names them.

Locally the test is skipped, with the reason, when Chromium, Node.js or ``tests/oidc/node_modules``
is missing; under CI (``CI`` set) a missing piece fails instead, so CI cannot pass without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_browser_app import CHROMIUM, WAIT_MS, free_port, wait_healthy

REPO = Path(__file__).resolve().parent.parent
OIDC_DIR = REPO / "tests" / "oidc"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
SAMPLE_CSV_DIR = REPO / "sample_data" / "csv"
START_TIMEOUT = 60  # seconds for the provider or Streamlit to answer
LOGIN = "wang.wu"
PERSON = {"name": "王五", "email": "wang.wu@czj.example.gov.cn"}
CLIENT_ID = "budget-guard"
NODE_AT_LEAST = (20, 18)  # oidc-provider 9 uses URL.parse and crypto.hash


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed at /usr/bin/chromium"
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if tuple(int(n) for n in version.lstrip("v").split(".")[:2]) < NODE_AT_LEAST:
        return f"oidc-provider 9 needs Node.js {'.'.join(map(str, NODE_AT_LEAST))} or newer, not {version}"
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the OIDC provider is not installed (npm ci --prefix tests/oidc)"
    try:  # what Streamlit's sign-in imports when the button is clicked (Authlib and httpx)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Authlib's notes about its own httpx modules
            import authlib.integrations.starlette_client  # noqa: F401
    except ImportError as exc:
        return f'the sign-in packages are not installed (pip install ".[auth]"): {exc}'
    return None


MISSING = _missing()
IN_CI = bool(os.environ.get("CI"))  # there a missing piece fails the tests (the fixture), never skips them

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING) and not IN_CI, reason=MISSING or ""),
]


@dataclass(frozen=True)
class Dashboard:
    url: str
    issuer: str
    ledger: Path
    provider_log: Path
    streamlit_log: Path
    cookie_secret: str

    def logs(self) -> str:
        """The provider's and Streamlit's output, for a failure message."""
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(encoding='utf-8', errors='replace')[-6000:]}"
            for path in (self.provider_log, self.streamlit_log)
            if path.exists()
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_provider(issuer: str, process: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as r:
                return json.load(r)
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(
        f"oidc-provider did not answer at {issuer} within {START_TIMEOUT} s:\n{log.read_text()}"
    )


def _ledger_with_red_cases(folder: Path) -> Path:
    """The clerk's way: ``budget-guard check --ledger`` on the sample data opens red and yellow cases."""
    ledger = folder / "ledger.sqlite"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "budget_guard.cli",
            "check",
            str(SAMPLE_CSV_DIR),
            "--out",
            str(folder / "out"),
            "--ledger",
            str(ledger),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, f"the sample has red findings, so check exits 1:\n{run.stdout}\n{run.stderr}"
    assert _red_open_cases(ledger), f"the check opened no red case:\n{run.stdout}"
    return ledger


def _red_open_cases(ledger: Path) -> list[str]:
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT number FROM cases WHERE level = 'red' AND state = 'open' ORDER BY number")
        return [number for (number,) in rows]


def _case_state(ledger: Path, number: str) -> str:
    with sqlite3.connect(ledger) as db:
        return db.execute("SELECT state FROM cases WHERE number = ?", (number,)).fetchone()[0]


def _events(ledger: Path) -> list[tuple]:
    with sqlite3.connect(ledger) as db:
        return db.execute(
            "SELECT c.number, e.kind, e.actor, e.actor_kind, e.reason FROM case_events e "
            "JOIN cases c ON c.id = e.case_id ORDER BY e.id"
        ).fetchall()


@pytest.fixture(scope="session")
def oidc_dashboard(tmp_path_factory) -> Dashboard:
    """oidc-provider on 127.0.0.1 and the dashboard signed in through it, with a ledger of red cases."""
    if MISSING:
        pytest.fail(f"the OIDC sign-in test cannot run under CI: {MISSING}")
    folder = tmp_path_factory.mktemp("oidc")
    ledger = _ledger_with_red_cases(folder)
    provider_port, app_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    url = f"http://localhost:{app_port}"
    client_secret = secrets.token_urlsafe(32)
    cookie_secret = secrets.token_urlsafe(32)
    provider_log = folder / "oidc-provider.log"
    streamlit_log = folder / "streamlit.log"

    with provider_log.open("w") as out:
        provider = subprocess.Popen(
            ["node", str(PROVIDER_SCRIPT)],
            cwd=OIDC_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "OIDC_ISSUER": issuer,
                "OIDC_CLIENT": json.dumps(
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": client_secret,
                        "redirect_uris": [f"{url}/oauth2callback"],
                        # Streamlit's st.logout sends the provider back to the redirect_uri
                        "post_logout_redirect_uris": [f"{url}/oauth2callback"],
                    }
                ),
                "OIDC_PEOPLE": json.dumps({LOGIN: PERSON}, ensure_ascii=False),
            },
        )
    streamlit = None
    try:
        metadata = _wait_for_provider(issuer, provider, provider_log)
        assert metadata["issuer"] == issuer
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "\n".join(
                [
                    "[budget_guard]",
                    f"ledger = {json.dumps(str(ledger))}",
                    "",
                    "[auth]",
                    f'redirect_uri = "{url}/oauth2callback"',
                    f'cookie_secret = "{cookie_secret}"',
                    f'client_id = "{CLIENT_ID}"',
                    f'client_secret = "{client_secret}"',
                    f'server_metadata_url = "{issuer}/.well-known/openid-configuration"',
                    "",
                    # Streamlit asks for prompt=select_account by default; oidc-provider (like many
                    # providers) supports login, consent and none only (docs/cases.md).
                    "[auth.client_kwargs]",
                    'prompt = "login"',
                    "",
                ]
            ),
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_GUARD_")}
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
        with streamlit_log.open("w") as out:
            streamlit = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "app.py",
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(app_port),
                    "--secrets.files",
                    str(secrets_file),
                ],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        wait_healthy(url, streamlit, timeout=START_TIMEOUT)
        yield Dashboard(url, issuer, ledger, provider_log, streamlit_log, cookie_secret)
    finally:
        if streamlit is not None:
            _stop(streamlit)
        _stop(provider)


# -- the page ------------------------------------------------------------------------------------------

TAB = "督办台账"
READ_ONLY = "只读：未登录，不能修改督办台账"  # app.cases.read_only
WRITE_WIDGETS = (
    ".st-key-cases_note_text",
    ".st-key-cases_close_reason",
    ".st-key-cases_close",
    ".st-key-cases_add_note",
    ".st-key-cases_name",
)


def _settled(page) -> None:
    """Wait for Streamlit's script run to finish (the app root says so in an attribute)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-test-script-state]');
            return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=WAIT_MS,
    )


def _open_cases(page, url: str) -> None:
    """The dashboard with the sample data (the button), then its 督办台账 tab."""
    page.goto(url, timeout=WAIT_MS)
    page.get_by_text("预算支出护栏看板").first.wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="使用示例数据").first.click()
    page.get_by_role("tab", name=TAB).wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name=TAB).click()
    page.locator(".st-key-cases_pick").wait_for(timeout=WAIT_MS)
    _settled(page)


def _pick(page, number: str) -> None:
    choice = page.locator(".st-key-cases_pick input")
    choice.click()
    choice.fill(number)
    choice.press("Enter")
    page.get_by_text(f"{number} · ", exact=False).first.wait_for(timeout=WAIT_MS)
    _settled(page)


def _history_rows(page) -> list[str]:
    """Rows of the case's 整改记录 grid (its accessible table carries the text)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
            .filter(g => [...g.querySelectorAll('th')].some(h => h.textContent === '操作人'))
            .flatMap(g => [...g.querySelectorAll('tr')].map(r => r.textContent))"""
    )


def _no_write_widgets(page) -> None:
    present = [w for w in WRITE_WIDGETS if page.locator(w).count()]
    assert present == [], f"signed out, the page still offers {present}"
    assert page.get_by_role("button", name="销号").count() == 0
    assert page.get_by_role("button", name="记录整改情况").count() == 0


class Relay:
    """Stands between a page and Streamlit's websocket: forwards both ways, can hold the page's frames
    (to capture the exact request a click sends) and can send a frame to the server as the page."""

    def __init__(self) -> None:
        self.server = None
        self.holding = False
        self.held: list[bytes | str] = []
        self.received = 0  # frames from the server to the page

    def _to_page(self, ws, message) -> None:
        self.received += 1
        ws.send(message)

    def route(self, ws) -> None:
        self.server = ws.connect_to_server()

        def from_page(message):
            if self.holding:
                self.held.append(message)
            else:
                self.server.send(message)

        ws.on_message(from_page)
        self.server.on_message(lambda message: self._to_page(ws, message))

    def send(self, frames) -> None:
        assert self.server is not None, "the page never opened its websocket"
        for frame in frames:
            self.server.send(frame)


def _relayed_page(new_context, relay: Relay):
    page = new_context().new_page()
    page.route_web_socket("**/_stcore/stream", relay.route)
    return page


@pytest.fixture
def new_context(browser):
    """Fresh browser contexts (own cookies: each its own person) on the session's Chromium, closed after."""
    opened = []

    def make():
        opened.append(browser.new_context(viewport={"width": 1440, "height": 900}))
        return opened[-1]

    yield make
    for context in opened:
        context.close()


def _fail(page, folder: Path, dashboard: Dashboard, name: str) -> str:
    with contextlib.suppress(Exception):  # the screenshot is a help, never the failure
        page.screenshot(path=str(folder / name), full_page=True)
    return f"screenshot: {folder / name}\n{dashboard.logs()}"


def _user_cookie(secret: str, url: str) -> dict:
    """A ``_streamlit_user`` cookie as Streamlit writes it after a sign-in, signed with ``secret``."""
    from itsdangerous import URLSafeTimedSerializer

    claims = {**PERSON, "sub": LOGIN, "origin": url, "is_logged_in": True, "provider": "default"}
    value = URLSafeTimedSerializer(secret, salt="_streamlit_user").dumps(json.dumps(claims))
    return {"name": "_streamlit_user", "value": value, "url": url}


def _forged_http_requests(d: Dashboard) -> list[str]:
    """Plain HTTP at the dashboard as someone signed out: a forged OAuth callback and form posts.

    Returns what each answered; none may set a sign-in cookie."""
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(d.url)
    seen = []
    body = "cases_close_reason=forged&cases_close=true&cases_pick=any"
    for method, path in [
        ("GET", "/oauth2callback?code=forged-code&state=forged-state"),
        ("GET", "/auth/login?provider=forged"),
        ("POST", "/"),
        ("POST", "/oauth2callback"),
        ("PUT", "/_stcore/upload_file/forged-session/forged-file"),
        ("POST", "/_stcore/stream"),
    ]:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=20)
        try:
            connection.request(
                method,
                path,
                body=body if method != "GET" else None,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
            cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
            signed_in = [
                c
                for c in cookies
                if c.startswith("_streamlit_user=")
                and not c.startswith('_streamlit_user=""')
                and "Max-Age=0" not in c
            ]
            assert signed_in == [], f"{method} {path} set a sign-in cookie: {signed_in}"
            seen.append(f"{method} {path} → {response.status}")
        finally:
            connection.close()
    return seen


def test_signed_out_nothing_changes_a_case(oidc_dashboard, new_context, tmp_path):
    """No write widgets signed out; forged requests, a forged callback and a forged cookie change nothing."""
    d = oidc_dashboard
    red = _red_open_cases(d.ledger)[0]
    before = _events(d.ledger)
    answers = _forged_http_requests(d)
    assert _events(d.ledger) == before, answers

    # a cookie that looks like Streamlit's, signed with another secret: not a sign-in
    forged = new_context()
    forged.add_cookies([_user_cookie(secrets.token_urlsafe(32), d.url)])
    page = forged.new_page()
    try:
        _open_cases(page, d.url)
        page.get_by_text(READ_ONLY).wait_for(timeout=WAIT_MS)
        page.get_by_role("button", name="登录").wait_for(timeout=WAIT_MS)
        assert page.get_by_text("已登录：").count() == 0
        _pick(page, red)
        _no_write_widgets(page)
        assert any("立案" in row for row in _history_rows(page))  # the case is shown, read-only
    except Exception as exc:
        raise AssertionError(f"{exc}\n{_fail(page, tmp_path, d, 'signed_out.png')}") from exc

    # the same cookie signed with the server's secret is a sign-in: so the forged one was refused
    # for its signature, not for its form (nothing is written here)
    genuine = new_context()
    genuine.add_cookies([_user_cookie(d.cookie_secret, d.url)])
    page = genuine.new_page()
    try:
        _open_cases(page, d.url)
        page.get_by_text(f"已登录：{PERSON['email']}").wait_for(timeout=WAIT_MS)
    except Exception as exc:
        raise AssertionError(f"{exc}\n{_fail(page, tmp_path, d, 'signed_cookie.png')}") from exc
    assert _events(d.ledger) == before
    assert _case_state(d.ledger, red) == "open"


def test_sign_in_at_the_provider_close_a_red_case_and_the_history_names_the_person(
    oidc_dashboard, new_context, tmp_path
):
    """The provider's login page, back signed in, 销号 with a reason: the page and the ledger name who closed it.

    The click's websocket frame is held and first replayed from a signed-out page: it changes
    nothing there; let through from the signed-in page, the same frame closes the case."""
    d = oidc_dashboard
    red = _red_open_cases(d.ledger)[-1]
    reason = "已收回超标支出并调整预算，整改完毕"
    clerk_relay = Relay()
    page = _relayed_page(new_context, clerk_relay)
    try:
        _open_cases(page, d.url)
        page.get_by_text(READ_ONLY).wait_for(timeout=WAIT_MS)
        page.get_by_role("button", name="登录").click()

        # the provider's own sign-in page, then its consent page for this client
        page.wait_for_url(f"{d.issuer}/interaction/**", timeout=WAIT_MS)
        page.locator("input[name=login]").fill(LOGIN)
        page.locator("input[name=password]").fill("any password: the development login form ignores it")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_url(lambda u: u.startswith(d.url) or "/interaction/" in u, timeout=WAIT_MS)
        if page.url.startswith(d.issuer):
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{d.url}/**", timeout=WAIT_MS)

        _open_cases(page, d.url)
        page.get_by_text(f"已登录：{PERSON['email']}").wait_for(timeout=WAIT_MS)
        assert page.get_by_text(READ_ONLY).count() == 0
        _pick(page, red)
        reason_box = page.locator(".st-key-cases_close_reason input")
        reason_box.fill(reason)
        reason_box.press("Enter")
        _settled(page)

        before = _events(d.ledger)
        clerk_relay.holding = True
        page.get_by_role("button", name="销号").click()
        for _ in range(100):
            if clerk_relay.held:
                break
            page.wait_for_timeout(100)
        page.wait_for_timeout(500)
        close_request = list(clerk_relay.held)
        assert close_request, "the 销号 click sent nothing to the server"
        assert _events(d.ledger) == before  # held: not yet at the server

        # the very same request from a signed-out page changes nothing
        intruder_relay = Relay()
        intruder = _relayed_page(new_context, intruder_relay)
        try:
            _open_cases(intruder, d.url)
            intruder.get_by_text(READ_ONLY).wait_for(timeout=WAIT_MS)
            _pick(intruder, red)
            _no_write_widgets(intruder)
            answered = intruder_relay.received
            intruder_relay.send(close_request)
            for _ in range(300):  # the server ran the page for the forged request and answered
                if intruder_relay.received > answered:
                    break
                intruder.wait_for_timeout(100)
            assert intruder_relay.received > answered, "the server never answered the replayed request"
            _settled(intruder)
            intruder.get_by_text(READ_ONLY).wait_for(timeout=WAIT_MS)
            _no_write_widgets(intruder)
        except Exception as exc:
            raise AssertionError(f"{exc}\n{_fail(intruder, tmp_path, d, 'intruder.png')}") from exc
        assert _events(d.ledger) == before, "a signed-out page's request changed the ledger"
        assert _case_state(d.ledger, red) == "open"

        # let the clerk's request through: the case closes, under the signed-in person
        clerk_relay.holding = False
        clerk_relay.send(close_request)
        page.get_by_text("已保存").wait_for(timeout=WAIT_MS)
        _settled(page)
        assert _case_state(d.ledger, red) == "closed"
        assert _events(d.ledger)[len(before) :] == [(red, "closed", PERSON["email"], "signed_in", reason)]

        # the history on the page names them (the closed case is listed with 含已整改和已销号)
        page.locator(".st-key-cases_all").get_by_text("含已整改和已销号").click()
        _settled(page)
        _pick(page, red)
        page.wait_for_function(
            """(who) => [...document.querySelectorAll('[data-testid=stDataFrame] tr')]
                .some(r => r.textContent.includes(who))""",
            arg=f"{PERSON['email']}（已登录）",
            timeout=WAIT_MS,
        )
        rows = [r for r in _history_rows(page) if f"{PERSON['email']}（已登录）" in r]
        assert len(rows) == 1 and "销号" in rows[0] and reason in rows[0], rows

        # sign out (at the provider too): the page is read-only again
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(f"{d.issuer}/session/end**", timeout=WAIT_MS)
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{d.url}/**", timeout=WAIT_MS)
        _open_cases(page, d.url)
        page.get_by_text(READ_ONLY).wait_for(timeout=WAIT_MS)
        page.locator(".st-key-cases_all").get_by_text("含已整改和已销号").click()
        _settled(page)
        _pick(page, red)
        _no_write_widgets(page)
    except Exception as exc:
        raise AssertionError(f"{exc}\n{_fail(page, tmp_path, d, 'signed_in.png')}") from exc
