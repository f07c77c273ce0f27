"""Every user-facing label and message, in Chinese (default) and English.

Three kinds of text live here: the label and message catalogue (``text/``, one module per
user-facing area, looked up with ``t``), the problem kinds found while reading and checking
(``problems.py``), and the rules-file validation messages (``rules.py``).

Each module in ``text/`` is one catalogue (``TEXT``: key -> (zh, en)) for one area of the
tool; they are merged here, and a key defined twice is an error at import, so two areas can
never silently disagree on a message. Templates are filled with ``str.format``; keep
placeholders identical in both languages so a caller never has to know which language it renders.
"""

from __future__ import annotations

import importlib
import pkgutil

from budget_guard.messages import text as _text_package

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _load_catalogues() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(_text_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_text_package.__name__}.{info.name}")
        for key, pair in module.TEXT.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice (again in {info.name})")
            merged[key] = pair
    return merged


_TEXT: dict[str, tuple[str, str]] = _load_catalogues()

# Fields that carry a library's or a format's own English text (an exception's message, a Spark
# type name): shown in English only, so a Chinese message never carries an English word. Every
# other placeholder is in both languages (``name_zh``/``name_en`` count as one field).
ENGLISH_ONLY_FIELDS = frozenset({"detail", "expected", "type"})


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Look up a label or message template and fill it; unknown languages fall back to Chinese."""
    zh, en = _TEXT[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template


def has(key: str) -> bool:
    return key in _TEXT


def level_label(level: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"level.{level}", lang)


def keys() -> list[str]:
    """Every key of every catalogue (for the tests that walk all user-facing strings)."""
    return sorted(_TEXT)


def value(prefix: str, raw: object, lang: str = DEFAULT_LANG) -> str:
    """The display name of a raw value (``value("value.layout", "long")`` → 明细长表); unknown → as is.

    None and NaN show as an empty string, never as 'None'/'nan'.
    """
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    key = f"{prefix}.{raw}"
    return t(key, lang) if key in _TEXT else str(raw)


def catalogue_pair(key: str) -> tuple[str, str]:
    """The (zh, en) templates of one key, unfilled (for the tests that check both languages agree)."""
    return _TEXT[key]


def bilingual(key: str, **values: object) -> str:
    """'zh / en' of one key: the form of a problem detail, split again by the reader's language."""
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"
