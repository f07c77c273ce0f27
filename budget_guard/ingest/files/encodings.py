"""Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK / GB18030.

Excel on a Chinese Windows saves "CSV" in GBK; "CSV UTF-8" adds a BOM; other tools write plain
UTF-8. Strict UTF-8 is tried first because GBK decodes almost any byte string without error.
"""

from __future__ import annotations

import codecs

import numpy as np
import pyarrow as pa

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8-BOM"
UTF16 = "UTF-16"
GBK = "GBK"
GB18030 = "GB18030"


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Return ``(text, encoding label)`` or ``None`` when no candidate decodes the bytes."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8_BOM
        except UnicodeDecodeError:
            return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), UTF16
        except UnicodeDecodeError:
            return None
    for codec, label in (("utf-8", UTF8), ("gbk", GBK), ("gb18030", GB18030)):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    return None


def utf8_start(data: bytes) -> tuple[int, str] | None:
    """``(offset of the text, encoding label)`` when ``data`` is valid UTF-8 (after a BOM), else ``None``.

    The same verdict as ``decode_text`` for UTF-8 files, without building a Python string of the whole
    file: pyarrow validates the bytes in place, so a large CSV goes to the reader undecoded.
    """
    start, label = (len(codecs.BOM_UTF8), UTF8_BOM) if data.startswith(codecs.BOM_UTF8) else (0, UTF8)
    body = pa.py_buffer(data)[start:]
    offsets = pa.py_buffer(np.array([0, body.size], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, body]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return None
    return start, label
