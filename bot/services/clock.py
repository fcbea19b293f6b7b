"""Time, injectable: production reads the wall clock, tests move a fixed one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> dt.datetime:
        """Aware local time of the houses (the TIMEZONE setting)."""
        return dt.datetime.now(self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    def utcnow(self) -> dt.datetime:
        """Naive UTC, as stored in the database."""
        return self.now().astimezone(dt.UTC).replace(tzinfo=None)

    def to_local(self, naive_utc: dt.datetime) -> dt.datetime:
        return naive_utc.replace(tzinfo=dt.UTC).astimezone(self.tz)

    def to_utc(self, local: dt.datetime) -> dt.datetime:
        """Naive local wall time (or aware) → naive UTC for storage."""
        if local.tzinfo is None:
            local = local.replace(tzinfo=self.tz)
        return local.astimezone(dt.UTC).replace(tzinfo=None)


class FixedClock(Clock):
    """A clock that stands still until moved: for tests and for `jobs run --at`."""

    def __init__(self, tz: ZoneInfo, at: dt.datetime) -> None:
        super().__init__(tz)
        self._at = at if at.tzinfo else at.replace(tzinfo=tz)

    def now(self) -> dt.datetime:
        return self._at.astimezone(self.tz)

    def set(self, at: dt.datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=self.tz)

    def advance(self, **delta: float) -> None:
        self._at += dt.timedelta(**delta)
