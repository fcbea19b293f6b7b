"""Quiet hours: local wall-clock minutes after midnight; the window may wrap past midnight (22:00–09:00).

Errors carry a reason (``QuietReason``), never words: the texts say it to people (``bot/texts/settings.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

DEFAULT_QUIET = "22:00-09:00"
OFF_WORDS = frozenset({"", "off", "нет", "none", "0", "no", "выкл"})
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_SPAN = re.compile(rf"^(?:с\s*)?{_TIME}\s*(?:[-–—]|до|по)\s*{_TIME}$")


class QuietReason(StrEnum):
    format = "format"  # not a span of two times
    range = "range"  # hours 0–23, minutes 0–59
    same_ends = "same_ends"  # would silently mean «no quiet hours»: that is «нет»


class QuietError(ValueError):
    def __init__(self, reason: QuietReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def _minutes(hours: str, minutes: str | None) -> int:
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        raise QuietError(QuietReason.range)
    return h * 60 + m


def parse_hhmm(text: str) -> int:
    """«7:30», «07.30», «7» → minutes after midnight; ``QuietError`` otherwise."""
    m = re.fullmatch(_TIME, (text or "").strip())
    if not m:
        raise QuietError(QuietReason.format)
    return _minutes(m.group(1), m.group(2))


def parse_quiet_hours(text: str | None) -> tuple[int, int]:
    """«22:00-09:00», «с 23 до 8», «23-8» → (start, end) minutes. Empty, «off», «нет» → (0, 0): no quiet hours."""
    t = " ".join((text or "").strip().lower().split())
    if t in OFF_WORDS:
        return 0, 0
    m = _SPAN.fullmatch(t)
    if not m:
        raise QuietError(QuietReason.format)
    start, end = _minutes(m.group(1), m.group(2)), _minutes(m.group(3), m.group(4))
    if start == end:
        raise QuietError(QuietReason.same_ends)
    return start, end


def fmt_minutes(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def effective(user_from: int | None, user_to: int | None, default: tuple[int, int]) -> tuple[int, int]:
    """The user's own quiet hours when both ends are set, else the bot's default."""
    if user_from is None or user_to is None:
        return default
    return user_from, user_to


def covers(start: int, end: int, minute: int) -> bool:
    """Is ``minute`` of the day inside the quiet window from ``start`` to ``end`` (minutes; it may wrap past
    midnight; start == end: no quiet hours)?"""
    if start == end:
        return False
    return start <= minute < end if start < end else minute >= start or minute < end


def quiet_until(local_now: dt.datetime, start: int, end: int) -> dt.datetime | None:
    """When ``local_now`` (aware) falls inside the quiet window: the moment it ends (aware local). Else None."""
    minute = local_now.hour * 60 + local_now.minute
    if not covers(start, end, minute):
        return None
    day = local_now.date()
    if start > end and minute >= start:  # wraps past midnight: it ends tomorrow
        day = day + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=local_now.tzinfo)
