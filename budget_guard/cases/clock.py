"""Time for cases: stored as UTC ISO text with the zone, shown in Beijing time; injectable for tests.

Deadlines and escalation depend on "now", so every function that records a transition takes a
``Clock``. The CLI and the dashboard use ``current_clock()``, which tests replace with
``use_clock(FixedClock(...))`` to run three batches months apart in a second.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

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


def beijing_text(text_or_moment: str | datetime | None) -> str:
    """``2025-03-01 10:00`` in Beijing time (the history's times)."""
    return "" if not text_or_moment else beijing(text_or_moment).strftime("%Y-%m-%d %H:%M")


def deadline_after(start: datetime, days: int) -> datetime:
    """The end of the Beijing day ``days`` after ``start`` (a deadline is a day, not an instant)."""
    day = beijing(start).date() + timedelta(days=days)
    end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=BEIJING)
    return end.astimezone(UTC)
