"""Every user-facing label and message, in Chinese (default) and English.

Each module in this package is one catalogue (``TEXT``: key -> (zh, en)) for one area of the
tool; they are merged here, and a key defined twice is an error at import, so two areas can
never silently disagree on a message. Templates are filled with ``str.format``; keep
placeholders identical in both languages so a caller never has to know which language it renders.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _load_catalogues() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in module.TEXT.items():
            if key in merged:
                raise RuntimeError(f"i18n key {key!r} is defined twice (again in {info.name})")
            merged[key] = pair
    return merged


_TEXT: dict[str, tuple[str, str]] = _load_catalogues()


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
