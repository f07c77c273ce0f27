"""Times: stored as UTC with the zone (ISO 8601, ``+00:00``), shown in Beijing time (Asia/Shanghai).

Every time a person reads (reports, CLI, history, batch log lines, the dashboard) goes through
``beijing_text``, so a 财政局 clerk never converts from UTC in their head.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime | None = None) -> str:
    """'2026-12-01T21:26:09+00:00': how times are stored (ledger, JSON reports)."""
    return (moment or now_utc()).astimezone(UTC).isoformat(timespec="seconds")


def beijing_text(moment: datetime | str | None, lang: str = "zh") -> str:
    """'2026-12-02 05:26:09（北京时间）' from a datetime or a stored ISO text; '' for none."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is None:  # a naive time in our records is UTC
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return f"{local}（北京时间）" if lang != "en" else f"{local} (Beijing time)"


def beijing_short(moment: datetime | str | None) -> str:
    """'2026-12-02 05:26:09' in Beijing time, for table cells whose header names the zone."""
    text = beijing_text(moment, "en")
    return text.removesuffix(" (Beijing time)")
