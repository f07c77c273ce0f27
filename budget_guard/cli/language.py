"""The command line's language: chosen once, before Click parses anything.

The language is ``--lang`` when given, else ``BUDGET_GUARD_LANG``, else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``zh…`` is Chinese, any other named language English), else Chinese
(the default of every report). ``localize`` then puts the catalogue's help texts
(messages/text/cli_help.py) on every command and option, and makes Click's own messages
("Usage:", "No such option", "Invalid value for …") speak that language too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from gettext import gettext as _english
from gettext import ngettext as _english_plural

import click

from budget_guard import messages as msg

ENV = "BUDGET_GUARD_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
# Click's modules that look their messages up with gettext (``from gettext import gettext as _``)
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def _of(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    if text in msg.LANGS:
        return text
    if text.startswith("zh"):
        return "zh"
    if text and text not in ("c", "posix") and not text.startswith(("c.", "posix.")):
        return "en"  # a named language that is not Chinese
    return None


def environment_lang() -> str:
    """``BUDGET_GUARD_LANG``, else the locale, else Chinese."""
    chosen = _of(os.environ.get(ENV))
    if chosen:
        return chosen
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return _of(value) or msg.DEFAULT_LANG
    return msg.DEFAULT_LANG


def requested_lang(argv: Sequence[str]) -> str:
    """The language of this command line: its ``--lang`` when valid, else the environment's."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in msg.LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in msg.LANGS:
            return arg.split("=", 1)[1]
    return environment_lang()


def _translator(lang: str):
    def gettext(message: str) -> str:
        key = f"click.{message}"
        return msg.t(key, lang) if lang != "en" and msg.has(key) else _english(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    return gettext, ngettext


def _localize_click(lang: str) -> None:
    import importlib

    gettext, ngettext = _translator(lang) if lang != "en" else (_english, _english_plural)
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        names = vars(module)  # Click's modules look their translators up as module globals
        if "_" in names:
            names["_"] = gettext
        if "ngettext" in names:
            names["ngettext"] = ngettext


def _help_key(path: tuple[str, ...], kind: str, name: str = "") -> str | None:
    """The most specific catalogue key: ``cli.opt.cases.note.text`` before ``cli.opt.cases.text``
    before ``cli.opt.text``."""
    for depth in range(len(path), -1, -1):
        key = ".".join(["cli", kind, *path[:depth], *([name] if name else [])])
        if msg.has(key):
            return key
    return None


def localize_command(command: click.Command, path: tuple[str, ...], lang: str) -> None:
    """One command (and its sub-commands) in ``lang``: its help, its options' help, the metavars."""
    key = f"cli.cmd.{'.'.join(path)}" if path else "cli.cmd.root"
    if msg.has(key):
        command.help = msg.t(key, lang)
        command.short_help = short_help(command.help, lang)
    if hasattr(command, "_help_option"):
        command._help_option = None  # Click caches the -h/--help option with its text: rebuild it
    command.options_metavar = msg.t("cli.metavar.options", lang)
    if isinstance(command, click.Group):
        command.subcommand_metavar = msg.t("cli.metavar.subcommand", lang)
    for param in command.params:
        if isinstance(param, click.Option) and param.name:
            found = _help_key(path, "opt", param.name)
            if found:
                param.help = msg.t(found, lang)
            # the command's own metavar, if it set one (kept on the option the first time through)
            own_metavar = vars(param).setdefault("_bg_metavar", param.metavar)
            kind = f"cli.metavar.{getattr(param.type, 'name', '')}"
            if own_metavar is None and not param.is_flag and msg.has(kind):
                param.metavar = msg.t(kind, lang)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            localize_command(sub, (*path, name), lang)


class LocalizedGroup(click.Group):
    """A group that remembers the language it was localized in, for the commands it loads later."""

    lang: str = msg.DEFAULT_LANG


def localize(group: LocalizedGroup, lang: str) -> None:
    """Every help text and Click's own messages in ``lang``."""
    _localize_click(lang)
    group.lang = lang  # a lazily loaded command is localized when it is loaded (cli/main.py)
    localize_command(group, (), lang)


SHORT_CHARACTERS = 40  # a Chinese command's line in the command list


def short_help(text: str, lang: str) -> str | None:
    """A command's line in the command list. Click cuts at spaces, which Chinese has none of (a
    long first sentence became '...'): in Chinese, the first sentence, cut at a character."""
    if lang == "en":
        return None  # Click's own (the first sentence, cut at a word)
    first = text.strip().split("\n")[0].split("。")[0]
    return first if len(first) <= SHORT_CHARACTERS else first[: SHORT_CHARACTERS - 1] + "…"


def help_option_text(lang: str) -> str:
    return msg.t("cli.opt.help", lang)
