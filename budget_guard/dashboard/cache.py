"""The only Streamlit-aware part of the package: the cached pipeline behind the page.

Ingest is cached on the content hash of the files (and the read options); evaluation on that
hash plus the YAML text of the rules in force and the stage. A filter change therefore never
reads a file or runs the engine again. The last results are also kept in the session, so a
rerun does not even pay for unpickling a cached evaluation of a large table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from budget_guard.dashboard import pipeline, whatif
from budget_guard.dashboard.pipeline import ReadOptions, Upload
from budget_guard.engine.evaluate import Evaluation
from budget_guard.ingest import LoadResult
from budget_guard.model.rulebook import Rules, parse_rules

T = TypeVar("T")
_MEMO = "_budget_guard_memo"
_DIGESTS = "_budget_guard_upload_digests"


def memo(slot: str, key: Any, compute: Callable[[], T]) -> T:
    """The value computed for ``key`` in this session's ``slot``, computing it only when the key changed."""
    store = st.session_state.setdefault(_MEMO, {})
    hit = store.get(slot)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = compute()
    store[slot] = (key, value)
    return value


def rules(text: str, source: str) -> Rules:
    """The parsed rules, once per text (parsing and validating takes ~40 ms; a ``RulesError`` is not kept)."""
    return memo(f"rules:{source}", text, lambda: parse_rules(text, source=source))


def rules_in_force(text: str, base: Rules, edits: whatif.WhatIf, source: str) -> tuple[str, str]:
    """``whatif.rules_in_force``, once per rules text and set of edits."""
    key = (text, source, sorted(edits.targets.items()), sorted(edits.bands.items()), edits.materiality_yuan)
    return memo("rules_in_force", key, lambda: whatif.rules_in_force(text, base, edits, source))


def uploads_of(files: Sequence[Any]) -> tuple[tuple[Upload, ...], str]:
    """Streamlit ``UploadedFile`` objects → uploads and their content key, copied and hashed once per upload."""
    ids = tuple((getattr(f, "file_id", None), f.name, f.size) for f in files)
    known = st.session_state.setdefault(_DIGESTS, {})
    if ids not in known or any(i[0] is None for i in ids):
        uploads = tuple(Upload(f.name, f.getvalue()) for f in files)
        known.clear()
        known[ids] = (uploads, pipeline.uploads_key(uploads))
    return known[ids]


def sample() -> tuple[tuple[Upload, ...], str]:
    uploads = pipeline.sample_uploads()
    return uploads, _sample_key(uploads)


def _sample_key(uploads: tuple[Upload, ...]) -> str:
    return memo(
        "sample_key", tuple((u.name, len(u.data)) for u in uploads), lambda: pipeline.uploads_key(uploads)
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _load(key: str, options: tuple[tuple[str, Any], ...], _uploads: tuple[Upload, ...]) -> LoadResult:
    return pipeline.read_uploads(_uploads, ReadOptions(**dict(options)))


@st.cache_data(max_entries=16, show_spinner=False)
def _evaluate(
    key: str,
    options: tuple[tuple[str, Any], ...],
    rules_text: str,
    rules_source: str,
    stage: str | None,
    _load: LoadResult,
) -> Evaluation:
    return pipeline.evaluate_rules_text(_load, rules_text, rules_source, stage)


@st.cache_data(max_entries=8, show_spinner=False)
def _reports(
    key: str, rules_text: str, stage: str | None, lang: str, _evaluation: Evaluation, _load: LoadResult
) -> dict[str, tuple[str, bytes]]:
    return pipeline.report_files(_evaluation, _load, lang)


def _options_key(options: ReadOptions) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(vars(options).items()))


def load(uploads: tuple[Upload, ...], key: str, options: ReadOptions) -> LoadResult:
    """The ingest stage for these files, once per content and options."""
    opts = _options_key(options)
    return memo("load", (key, opts), lambda: _load(key, opts, uploads))


def evaluation(
    load_result: LoadResult,
    key: str,
    options: ReadOptions,
    rules_text: str,
    rules_source: str,
    stage: str | None,
) -> Evaluation:
    """The engine on the loaded table, once per files, options, rules text and stage."""
    opts = _options_key(options)
    cache_key = (key, opts, rules_text, rules_source, stage)
    return memo(
        "evaluation",
        cache_key,
        lambda: _evaluate(key, opts, rules_text, rules_source, stage, load_result),
    )


def run_key(key: str, options: ReadOptions, rules_text: str, stage: str | None) -> str:
    """A short id of one evaluation (files, options, rules, stage), for view memos and downloads."""
    text = repr((key, _options_key(options), hashlib.sha256(rules_text.encode("utf-8")).hexdigest(), stage))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def report_maker(
    run: str, evaluation_result: Evaluation, load_result: LoadResult, lang: str, fmt: str
) -> Callable[[], bytes]:
    """A deferred download: the report files are written only when the analyst clicks."""

    def make() -> bytes:
        rules_text = evaluation_result.rules.sha256 or ""
        return _reports(run, rules_text, evaluation_result.stage, lang, evaluation_result, load_result)[fmt][
            1
        ]

    return make


KEPT_UPLOADS = 8  # upload sets kept for reloads (each is the files' bytes, in this server's memory)


@st.cache_resource(show_spinner=False)
def _kept_uploads() -> dict[str, tuple[Upload, ...]]:
    """Uploads by content hash, shared by the sessions of this server process (cleared on restart)."""
    return {}


def keep_uploads(uploads: tuple[Upload, ...], key: str) -> str:
    """Remember an upload by its content hash so a page reload can restore it; returns the short id."""
    kept = _kept_uploads()
    short = key[:16]
    kept.pop(short, None)
    kept[short] = uploads
    while len(kept) > KEPT_UPLOADS:
        kept.pop(next(iter(kept)))
    return short


def kept_uploads(short: str | None) -> tuple[tuple[Upload, ...], str] | None:
    """The uploads a reload asks for (the id in the page address), with their content key."""
    if not short:
        return None
    uploads = _kept_uploads().get(short)
    if uploads is None:
        return None
    key = pipeline.uploads_key(uploads)
    return (uploads, key) if key.startswith(short) else None
