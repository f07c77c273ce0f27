"""Times: stored as UTC with the zone (ISO 8601, ``+00:00``), shown in Beijing time (Asia/Shanghai).

Every time a person reads (reports, CLI, history, batch log lines, the dashboard) goes through
``beijing_text``, so a 财政局 clerk never converts from UTC in their head.

Deadlines and escalation depend on "now", so every function that records a case transition takes
a ``Clock``. The CLI and the dashboard use ``current_clock()``, which tests replace with
``use_clock(FixedClock(...))`` to run three batches months apart in a second.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
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
            when = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    else:
        when = moment
    if when.tzinfo is None:  # a naive time in our records is UTC
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return f"{local}（北京时间）" if lang != "en" else f"{local} (Beijing time)"


def beijing_short(moment: datetime | str | None) -> str:
    """'2026-12-02 05:26:09' in Beijing time, for table cells whose header names the zone."""
    text = beijing_text(moment, "en")
    return text.removesuffix(" (Beijing time)")


# --- the injectable clock of cases: deadlines are Beijing days ---

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told (``advance`` moves it on); for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


_current: list[Clock] = [system_clock]


def current_clock() -> Clock:
    return _current[-1]


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one the CLI and dashboard use, for the duration of the block."""
    _current.append(clock)
    try:
        yield clock
    finally:
        _current.pop()


def to_text(moment: datetime) -> str:
    """How a moment is stored: UTC, ISO 8601, seconds, with the zone (``2025-03-01T02:00:00+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def beijing(text_or_moment: str | datetime) -> datetime:
    moment = parse(text_or_moment) if isinstance(text_or_moment, str) else text_or_moment
    return moment.astimezone(BEIJING)


def beijing_date(text_or_moment: str | datetime | None) -> date | None:
    """The calendar day in Beijing (what 发现日期 and 整改时限 show)."""
    return None if not text_or_moment else beijing(text_or_moment).date()


def beijing_minutes(text_or_moment: str | datetime | None) -> str:
    """``2025-03-01 10:00`` in Beijing time (the history's times)."""
    return "" if not text_or_moment else beijing(text_or_moment).strftime("%Y-%m-%d %H:%M")


def deadline_after(start: datetime, days: int) -> datetime:
    """The end of the Beijing day ``days`` after ``start`` (a deadline is a day, not an instant)."""
    day = beijing(start).date() + timedelta(days=days)
    end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=BEIJING)
    return end.astimezone(UTC)
