"""README's operations section, followed as written on a fresh machine (in a scratch root).

The set-up block creates the ``budget-guard`` user (``useradd --prefix`` writes a scratch
/etc/passwd, so the real machine is untouched) and the inbox/reports folders (a temporary /srv,
owned by the user running the test, since the scratch user is unknown to the real system); the
cron line then runs a batch twice; the systemd units pass ``systemd-analyze verify``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budget_guard.samples.city import write_sample

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
OPERATIONS = README[README.index("### Scheduling a batch job") : README.index("## Dashboard")]
INSTALLED = "/opt/budget-guard/bin/budget-guard"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", OPERATIONS, flags=re.S)


def _scratch_etc(root: Path) -> None:
    """A minimal /etc for ``useradd --prefix``: the real files' system entries, nothing else."""
    etc = root / "etc"
    etc.mkdir(parents=True)
    for name in ("passwd", "group", "shadow", "gshadow", "login.defs"):
        source = Path("/etc") / name
        if source.exists():
            shutil.copy(source, etc / name)
        else:
            (etc / name).write_text("", encoding="utf-8")


@pytest.mark.skipif(shutil.which("useradd") is None or os.geteuid() != 0, reason="needs useradd as root")
def test_the_setup_commands_create_the_user_and_folders(tmp_path):
    (setup,) = _blocks("sh")
    commands = [line for line in setup.splitlines() if line.strip()]
    assert any(c.startswith("useradd ") and c.endswith(" budget-guard") for c in commands)
    root = tmp_path / "root"
    _scratch_etc(root)
    me = f"{os.getuid()}"
    group = f"{os.getgid()}"
    for command in commands:
        if command.startswith(("python3 -m venv", "/opt/budget-guard/bin/pip")):
            continue  # installing the package is what the rest of the suite does with this checkout
        if command.startswith("useradd "):  # the scratch /etc; the home folder is only recorded
            command = command.replace("useradd ", f"useradd --prefix {shlex.quote(str(root))} ", 1)
        else:
            command = command.replace("/srv/budget-guard", str(tmp_path / "srv"))
        command = command.replace("-o budget-guard -g budget-guard", f"-o {me} -g {group}")
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stderr)
    passwd = (root / "etc" / "passwd").read_text(encoding="utf-8")
    entry = next(line for line in passwd.splitlines() if line.startswith("budget-guard:"))
    assert entry.endswith(":/srv/budget-guard:/usr/sbin/nologin")
    assert "budget-guard:" in (root / "etc" / "group").read_text(encoding="utf-8")
    inbox = tmp_path / "srv" / "inbox"
    assert inbox.is_dir() and (tmp_path / "srv" / "reports").is_dir()
    assert stat.S_IMODE(inbox.stat().st_mode) == 0o2770


@pytest.mark.slow
def test_the_readme_cron_line_runs_as_written_and_logs_time_and_run(tmp_path):
    (line,) = [ln for block in _blocks("cron") for ln in block.splitlines() if ln.strip()]
    fields = line.split(None, 5)
    assert len(fields) == 6 and fields[5].startswith(INSTALLED)
    write_sample(tmp_path / "sample")
    srv = tmp_path / "srv"
    (srv / "inbox").mkdir(parents=True)
    dropped = shutil.copy(tmp_path / "sample" / "csv" / "city_budget_2021_2025.csv", srv / "inbox")
    # The file was dropped before this cron tick, so it has settled (the default settle interval applies:
    # cron's bare environment does not carry the test suite's BUDGET_GUARD_SETTLE_SECONDS=0).
    earlier = time.time() - 3600
    os.utime(dropped, (earlier, earlier))
    command = (
        fields[5]
        .replace("/srv/budget-guard", str(srv))
        .replace(INSTALLED, f"{shlex.quote(sys.executable)} -m budget_guard.cli")
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}  # cron's bare environment
    first = subprocess.run(
        ["sh", "-c", command + " --progress text --no-ge"], env=env, cwd=tmp_path, timeout=300
    )
    assert first.returncode == 1  # red findings
    log = (srv / "batch.log").read_text(encoding="utf-8")
    stamped = [ln for ln in log.splitlines() if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[运行 1\] ", ln)]
    assert len(stamped) >= 2, log
    assert "红色督办事项" in log and "商务局三公经费2024年" in log
    history = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "history", "--out", str(srv / "reports")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert history.returncode == 0 and "开始时间（北京时间）" in history.stdout


@pytest.mark.slow
def test_batch_department_and_year_name_a_bare_table(tmp_path):
    """A 明细 export without 部门/年度 passes a scheduled batch with --department/--year."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    header = "功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）\n"
    (inbox / "bare.csv").write_text(header + "2010601,30217,公务接待费,基本支出,1000\n", encoding="utf-8")
    run = [sys.executable, "-m", "budget_guard.cli", "batch", str(inbox), "--no-ge", "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    without = subprocess.run([*run, "--out", str(tmp_path / "a")], env=env, capture_output=True, text=True)
    assert without.returncode == 2 and "无法读取" in without.stdout
    named = subprocess.run(
        [*run, "--out", str(tmp_path / "b"), "--department", "教育局", "--year", "2025"],
        env=env,
        capture_output=True,
        text=True,
    )
    # Read and processed; with one year only nothing is compared, which is exit 5, never a sign-off.
    assert named.returncode == 5, named.stdout + named.stderr
    assert "已处理过而跳过0个" in named.stdout and "无法读取：" not in named.stdout
    assert "未作任何同比" in named.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_readme_systemd_units_verify(tmp_path):
    (units,) = _blocks("ini")
    service, timer = units.split("# /etc/systemd/system/budget-guard.timer")
    assert "User=budget-guard" in service and "ReadWritePaths=/srv/budget-guard/reports" in service
    program = tmp_path / "budget-guard"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    (tmp_path / "budget-guard.service").write_text(service.replace(INSTALLED, str(program)), encoding="utf-8")
    (tmp_path / "budget-guard.timer").write_text(timer, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "budget-guard.service", "budget-guard.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert result.returncode == 0, result.stderr


def test_the_quick_start_has_a_venv_and_a_plain_install():
    quick = README[README.index("## Quick start") : README.index("## The sample data")]
    assert "python3 -m venv .venv" in quick and "\npip install .\n" in quick
    main_job = quick[: quick.index("Run the tests")]
    assert "[test]" not in main_job
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in quick and "python -m pytest -q" in ci
