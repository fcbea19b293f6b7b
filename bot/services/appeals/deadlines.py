"""The answer due date of an appeal, on the Russian production calendar (public holidays, the days off moved by the
government's decree and the Saturdays made working days — the ``holidays`` package, which carries each year's
transfers).

- An organization (УК, ТСЖ, РСО): N working days after the day it was sent (the topic says N, ``topics``).
- A state body (the ГЖИ): 30 days from its registration (59-ФЗ ст. 12 ч. 1); registration takes up to 3 days
  (ст. 8 ч. 2), so the resident is shown the latest date: sent + 3 + 30 days, moved to the next working day when it
  falls on a day off (ГК РФ ст. 193).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.services.appeals.topics import DEFAULT_DAYS, Topic

if TYPE_CHECKING:
    from holidays import HolidayBase

STATE_BODY_DAYS = 30
REGISTRATION_DAYS = 3


@lru_cache(maxsize=64)
def _calendar(year: int) -> HolidayBase:
    import holidays  # on first use (~3 MB of calendars): a bot that computes no due date never loads it

    return holidays.country_holidays("RU", years=year)


def is_working_day(day: dt.date) -> bool:
    return _calendar(day.year).is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (``start`` itself not counted); n = 0: ``start`` or the next working day."""
    day = start
    if n <= 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def due_date(sent_on: dt.date, state_body: bool, topic: Topic | None) -> dt.date:
    if state_body:
        return add_working_days(sent_on + dt.timedelta(days=REGISTRATION_DAYS + STATE_BODY_DAYS), 0)
    return add_working_days(sent_on, topic.days if topic else DEFAULT_DAYS)


def working_days_left(today: dt.date, due_on: dt.date) -> int:
    """Working days from today to the due date (0 on the due date itself, negative once overdue)."""
    if due_on < today:
        n, day = 0, due_on
        while day < today:
            day += dt.timedelta(days=1)
            if is_working_day(day):
                n -= 1
        return n
    n, day = 0, today
    while day < due_on:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n += 1
    return n
