"""The one place an OCR step plugs in: a page without a text layer (a scan) → its words, or nothing.

No OCR engine is installed or downloaded on these machines (no model download is allowed), so
``recognise_page`` returns ``None`` and the caller refuses the page with its reason and a hint. An OCR
step would return the page's words here (text, x0, x1, top, bottom in PDF points, top-left origin),
and everything after it — table regions, the number proof, the published-table layouts — would run
unchanged on them.
"""

from __future__ import annotations

from typing import Any


def recognise_page(page: Any) -> list[dict] | None:
    """The words of a scanned page, or ``None`` when no OCR step is available (today, always)."""
    return None


def has_text_layer(page: Any) -> bool:
    """A page whose text can be read as characters (not a picture of text)."""
    return any(c.get("text", "").strip() for c in page.chars)


def looks_scanned(page: Any) -> bool:
    """No characters, and pictures covering at least half the page: a scan (or a photo) of a printed page."""
    if has_text_layer(page):
        return False
    area = float(page.width) * float(page.height) or 1.0
    covered = 0.0
    for image in page.images:
        width = max(0.0, min(float(image["x1"]), float(page.width)) - max(float(image["x0"]), 0.0))
        height = max(0.0, min(float(image["bottom"]), float(page.height)) - max(float(image["top"]), 0.0))
        covered += width * height
    return covered / area >= 0.5
