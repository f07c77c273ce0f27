"""The command line speaks the user's language: help, option texts and Click's own messages (#23)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from budget_guard import messages as msg
from budget_guard.cli.language import requested_lang
from budget_guard.cli.main import cli, main

CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):  # the lazily loaded commands too
            yield from _commands(command.get_command(context, name), (*path, name))


@pytest.fixture()
def no_language(monkeypatch):
    for variable in ("BUDGET_GUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_every_command_and_option_has_help_in_both_languages(no_language, capsys):
    seen = 0
    for lang in ("zh", "en"):
        no_language.setenv("BUDGET_GUARD_LANG", lang)
        for path, command in _commands():
            assert main([*path, "--help"]) == 0
            out = capsys.readouterr().out
            heading = out.splitlines()[0]
            if lang == "zh":
                assert heading.startswith("用法：") and "[选项]" in heading, out
                assert "Show this message" not in out and "Options:" not in out and "Usage:" not in out
            else:
                assert heading.startswith("Usage:") and "用法" not in out and "显示本帮助" not in out
            assert CJK.search(command.help or "") if lang == "zh" else command.help
            for param in command.params:
                if isinstance(param, click.Option):
                    # every option says what it is (convert --lang had no description)
                    assert param.help, (path, param.name)
                    if lang == "zh":
                        assert CJK.search(param.help), (path, param.name, param.help)
                    seen += 1
    assert seen > 100


def test_clicks_own_errors_speak_chinese_and_english(no_language, capsys):
    assert main(["check", "--fail-on", "blue", "x"]) == 2
    err = capsys.readouterr().err
    assert "错误：" in err and "的值无效" in err and "Invalid value" not in err and "Usage" not in err
    assert main(["check", "--no-such-option", "x"]) == 2
    assert "没有选项 '--no-such-option'" in capsys.readouterr().err
    assert main(["check", "--lang", "en", "--fail-on", "blue", "x"]) == 2
    err = capsys.readouterr().err
    assert "Error: Invalid value for '--fail-on'" in err and "错误" not in err


@pytest.mark.parametrize(
    ("environment", "argv", "expected"),
    [
        ({}, [], "zh"),  # nothing said: Chinese, the default of every report
        ({"LANG": "C.UTF-8"}, [], "zh"),
        ({"LANG": "zh_CN.UTF-8"}, [], "zh"),
        ({"LANG": "en_US.UTF-8"}, [], "en"),
        ({"LANG": "en_US.UTF-8", "BUDGET_GUARD_LANG": "zh"}, [], "zh"),
        ({"BUDGET_GUARD_LANG": "en"}, [], "en"),
        ({"BUDGET_GUARD_LANG": "en"}, ["check", "--lang", "zh", "x"], "zh"),
        ({}, ["check", "--lang=en", "x"], "en"),
    ],
)
def test_the_language_is_lang_then_the_environment_then_the_locale(no_language, environment, argv, expected):
    for variable, value in environment.items():
        no_language.setenv(variable, value)
    assert requested_lang(argv) == expected


def test_the_lang_default_follows_the_environment(no_language, tmp_path, capsys):
    no_language.setenv("BUDGET_GUARD_LANG", "en")
    assert main(["sample", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out.startswith("sample data written")


def test_sample_lists_every_file_it_wrote(no_language, tmp_path, capsys):
    assert main(["sample", str(tmp_path / "s1")]) == 0
    lines = capsys.readouterr().out.splitlines()
    written = sorted(str(p) for p in (tmp_path / "s1").rglob("*") if p.is_file())
    assert lines[0] == msg.t("cli.sample_written", "zh", count=len(written))
    assert sorted(line.strip() for line in lines[1:]) == written
    assert any("yitihua" in line for line in lines)  # the 一体化 export too
    assert Path(lines[-1].strip()).name == "manifest.json"


def test_the_command_lists_read_in_chinese_never_as_dots(no_language, capsys):
    """Click cuts a short help at spaces; a Chinese first sentence has none and became '...'."""
    for path in ((), ("cases",), ("rules",)):
        assert main([*path, "--help"]) == 0
        out = capsys.readouterr().out
        rows = out.split("命令:")[1].strip().splitlines()
        assert rows and all(CJK.search(row) and not row.rstrip().endswith("...") for row in rows), rows
