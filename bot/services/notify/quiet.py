"""Quiet hours: local wall-clock minutes after midnight; the window may wrap past midnight (22:00–09:00)."""

from __future__ import annotations

import datetime as dt
import re

DEFAULT_QUIET = "22:00-09:00"
_HHMM = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_hhmm(text: str) -> int:
    """«7:30», «07.30» → 450 minutes after midnight; ValueError with a readable message otherwise."""
    m = _HHMM.match(text or "")
    if not m:
        raise ValueError("время нужно в виде ЧЧ:ММ, например 22:00")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 23 or mi > 59:
        raise ValueError("часы от 0 до 23, минуты от 0 до 59")
    return h * 60 + mi


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """«22:00-09:00» → (1320, 540). «off» / «нет» → (0, 0): no quiet hours."""
    t = (text or "").strip().lower()
    if t in {"off", "нет", "none", "0"}:
        return 0, 0
    parts = re.split(r"\s*[-–—]\s*", t)
    if len(parts) != 2:
        raise ValueError("нужен промежуток вида 22:00-09:00")
    start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    if start == end:  # would silently mean «no quiet hours»; that is «нет»
        raise ValueError("начало и конец совпадают; чтобы отключить тихие часы, напишите «нет»")
    return start, end


def fmt_minutes(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def effective(user_from: int | None, user_to: int | None, default: tuple[int, int]) -> tuple[int, int]:
    """The user's own quiet hours when both ends are set, else the bot's default."""
    if user_from is None or user_to is None:
        return default
    return user_from, user_to


def quiet_until(local_now: dt.datetime, start: int, end: int) -> dt.datetime | None:
    """When ``local_now`` (aware) falls inside the quiet window: the moment it ends (aware local). Else None."""
    if start == end:
        return None
    minute = local_now.hour * 60 + local_now.minute
    day = local_now.date()
    if start < end:
        inside = start <= minute < end
    else:  # wraps past midnight
        inside = minute >= start or minute < end
        if minute >= start:
            day = day + dt.timedelta(days=1)
    if not inside:
        return None
    return dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=local_now.tzinfo)
