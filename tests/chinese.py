"""What counts as English (or a raw code id) in Chinese mode, for tests/test_chinese_first.py.

A Chinese screen may show proper names of formats and tools (YAML, XLSX, Great Expectations),
command-line options (``--department``), YAML keys a user must type, file names and hashes; any
other run of Latin letters is an English word or a raw id (``red``, ``ok``, ``total-mismatch``,
``side-by-side``, ``False``) and fails the test with the place it came from.
"""

from __future__ import annotations

import re

# proper names a Chinese text may contain (formats, tools, encodings, units, commands)
ALLOWED_WORDS = frozenset(
    {
        "budget-guard",
        "Great",
        "Expectations",
        "Data",
        "Docs",
        "YAML",
        "JSON",
        "JSONL",
        "XLSX",
        "xlsx",
        "xls",
        "XLS",
        "CSV",
        "csv",
        "PDF",
        # the PDF reader's install line (pip install "budget-guard[pdf]" / pdfplumber)
        "pdf",
        "pip",
        "install",
        "pdfplumber",
        "HTML",
        "html",
        "Markdown",
        "md",
        "UTF-8",
        "UTF-8-BOM",
        "UTF-16",
        "GBK",
        "GB18030",
        "SHA-256",
        "sha256",
        "SQLite",
        "Excel",
        "WPS",
        "LibreOffice",  # the office suite that lays the XLSX out as PDF (整改通知书)
        "README",
        "MB",
        "Tab",
        "null",
        "true",
        "false",
        "Parquet",
        "DuckDB",
        "Spark",
        "pandas",
        "systemd",
        "cron",
        # sub-commands named in messages ("另一个 budget-guard batch 正在运行")
        "batch",
        "check",
        "history",
        "rules",
        "cases",
        "convert",
        "list",  # budget-guard cases list
        # option values a user types as written (--engine duckdb, --fail-on none, --format json,ge)
        "duckdb",
        "spark",
        "spark-submit",
        "Hive",
        "none",
        "auto",
        "json",
        "ge",
        # settings keys a user must type as written (.streamlit/secrets.toml)
        "ledger",
        # YAML keys of the rules file a user must type as written
        "compare.stage",
        "compare.baseline",
        "compare.government_label",
        "government_label",
        "max_shortfall_pp",
        # the PEFA framework and its indicator names (公共支出与财政问责框架 PI-1 / PI-2)
        "PEFA",
        "PI-1",
        "PI-2",
        "PI-2.1",
        "PI-2.2",
    }
)

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)s")  # str.format and Click's printf-style fields
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_ENV_OR_SECTION = re.compile(
    r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\[[a-z_]+\]"
)  # BUDGET_GUARD_LEDGER, [budget_guard]
_FILE = re.compile(
    r"[\w.\-/\\~$]+\.(?:csv|CSV|xlsx|XLSX|xls|XLS|json|html|md|yaml|yml|sqlite|lock|txt|parquet|toml)\b"
)
_HEX = re.compile(r"[\w.\-]*\b[0-9a-f]{12,64}\b")  # hashes, and batch report folders "<stem>-<hash>"
_PATH = re.compile(r"(?:/[\w.\-]+){2,}/?")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*")
_QUOTED = re.compile(r'"[^"\n]*"')


def english_words(
    text: str, *, allowed: frozenset[str] | set[str] = frozenset(), quoted_ok: bool = False
) -> list[str]:
    """The English words / raw ids in ``text`` that are not allowed in Chinese mode."""
    text = _PLACEHOLDER.sub(" ", str(text))
    for pattern in (_PATH, _FILE, _HEX, _OPTION, _ENV_OR_SECTION):
        text = pattern.sub(" ", text)
    if quoted_ok:  # rules errors quote the YAML values a user types ("budget", "plan")
        text = _QUOTED.sub(" ", text)
    words = []
    for word in _WORD.findall(text):
        if word in ALLOWED_WORDS or word in allowed:
            continue
        parts = word.split(".")
        if len(parts) > 1 and all(p.isdigit() or p in allowed for p in parts):  # a YAML key path
            continue
        if re.fullmatch(r"[A-Z]", word):  # a single column letter (列 C)
            continue
        words.append(word)
    return words


def offences(items: dict[str, str], **options) -> list[str]:
    """'where: the English words | the text' for every item with English in it."""
    out = []
    for where, text in items.items():
        found = english_words(text, **options)
        if found:
            out.append(f"{where}: {found} | {str(text)[:200]!r}")
    return out
