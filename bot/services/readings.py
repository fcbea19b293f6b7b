"""Meter readings: the resident's meters, parsing a value, the checks a billing clerk makes, the submission window
and billing period, saving (one reading per meter and period counts), history and monthly consumption.

What «last reading» means
-------------------------
``Meter.last_value*`` / ``last_read_on`` come from the registry: the last reading the billing system *accepted*,
overwritten by every import. The bot never writes them. The readings the bot received live in ``Reading``; a
reading that a later one of the same meter and period replaced keeps its row and gets ``superseded_by_id``.

The *points* of a meter are the registry value (when it has one per zone and a date) and every reading not
superseded. The meter's **last reading** (shown in lists and cards) is the newest point: latest date; on the same
date a bot reading wins over the registry (it was submitted after the billing system's export), then the later
submission. A new reading for billing period P is checked against the **base**: the newest point that is not a
reading of P itself — a second reading in the same period corrects the first, so it is compared with what was
there before the first (otherwise a mistyped, too-high first reading could never be corrected).

Average monthly consumption: from the same points (again without period P), consumption between consecutive
points divided by the days between them gives a daily rate; a month is 365.25 / 12 days. With fewer than two
points there is no average and the «3× more than usual» check is skipped.

Services take plain values and a session factory, own their transaction and return plain dataclasses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import SimpleNamespace

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.services.houses import house_address, premises_label
from bot.services.numbers import ungroup_digits
from storage.db import holds_write_lock
from storage.models import Account, AccountLink, House, Meter, Organization, Premises, Reading
from storage.vocab import ReadingSource, Resource

Sessions = async_sessionmaker[AsyncSession]

MONTH_DAYS = Decimal("365.25") / 12
SPIKE_FACTOR = Decimal(3)
DECIMALS = 3
QUANT = Decimal("0.001")
HISTORY_LIMIT = 12
RESOURCE_ORDER = tuple(Resource)
UNKNOWN_RESIDENTS = 3  # the monthly ceiling of a premises whose residents the registry does not give
FIRST_READING_MONTHS = 120  # a first reading of a meter without an install date: at most ten years of use
MAX_SPREAD_PERIODS = 240  # consumption over a longer gap is not spread further back than this
ROW_ID_MAX = 2**31 - 1  # the tables' INTEGER ids: a larger (forged) id names no row — PostgreSQL would refuse it


# --------------------------------------------------------------------------------------------- values


class ValueProblem(StrEnum):
    empty = "empty"
    negative = "negative"
    letters = "letters"
    format = "format"
    too_many_digits = "too_many_digits"
    too_many_decimals = "too_many_decimals"


class BadValue(ValueError):
    def __init__(self, problem: ValueProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


_NUMBER = re.compile(r"(\d+)(?:[.,](\d+))?")


def parse_value(text: str | None, digits: int) -> Decimal:
    """A dial value as a resident types it: digits (the whole part may be grouped by three: «1 240,5»), one `,`
    or `.`, at most ``digits`` whole digits (leading zeros of the dial do not count) and 3 decimals. Raises BadValue naming the problem."""
    s = (text or "").strip()
    if not s:
        raise BadValue(ValueProblem.empty)
    if s[0] in "-−–":
        raise BadValue(ValueProblem.negative)
    if any(c.isalpha() for c in s):
        raise BadValue(ValueProblem.letters)
    m = _NUMBER.fullmatch(ungroup_digits(s) or "")
    if m is None:
        raise BadValue(ValueProblem.format)
    whole, frac = m.group(1), m.group(2) or ""
    if len(whole.lstrip("0")) > digits:
        raise BadValue(ValueProblem.too_many_digits)
    if len(frac) > DECIMALS:
        raise BadValue(ValueProblem.too_many_decimals)
    return Decimal(f"{whole}.{frac or '0'}").quantize(QUANT)


def parse_date(text: str | None) -> dt.date | None:
    """ДД.ММ.ГГГГ (also Д.М.ГГГГ and with `/` or `-`); None when it is not a real date."""
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", (text or "").strip())
    if m is None:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


_DAY_WORDS = {"сегодня": 0, "вчера": 1, "позавчера": 2}


def parse_taken_on(text: str | None, today: dt.date) -> dt.date | None:
    """The date a reading was taken as typed: ДД.ММ.ГГГГ (see parse_date) or «сегодня» / «вчера» / «позавчера»
    (what the buttons say — residents type them too)."""
    word = (text or "").strip().lower().rstrip(".!")
    if word in _DAY_WORDS:
        return today - dt.timedelta(days=_DAY_WORDS[word])
    return parse_date(text)


# --------------------------------------------------------------------------------------------- window / period


@dataclass(frozen=True)
class Window:
    """Days of the month (inclusive) when readings are taken for the current month's bill."""

    from_day: int = 20
    to_day: int = 25


@dataclass(frozen=True)
class PeriodInfo:
    period: str  # YYYY-MM
    in_window: bool
    window: Window


def period_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def next_period(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return period_key(y + m // 12, m % 12 + 1)


def period_for(day: dt.date, window: Window) -> PeriodInfo:
    """The billing period a reading submitted on ``day`` counts for. Inside the window: this month. Before it:
    this month too (it waits for this month's window). After it: next month. A window day past the month's end
    (``to_day`` 31 in a 30-day month) means the month's last day."""
    last = calendar.monthrange(day.year, day.month)[1]
    start, end = min(window.from_day, last), min(window.to_day, last)
    this = period_key(day.year, day.month)
    if start <= day.day <= end:
        return PeriodInfo(this, True, window)
    if day.day > end:
        return PeriodInfo(next_period(this), False, window)
    return PeriodInfo(this, False, window)


def org_window(org: Organization, default: Window) -> Window:
    return Window(org.reading_window_from or default.from_day, org.reading_window_to or default.to_day)


# --------------------------------------------------------------------------------------------- points


@dataclass(frozen=True)
class Point:
    """A known reading of a meter: the registry's (reading_id None) or one the bot received."""

    values: tuple[Decimal, ...]  # one per tariff zone
    taken_on: dt.date
    reading_id: int | None = None
    period: str | None = None
    submitted_at: dt.datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.values, Decimal(0))

    def sort_key(self) -> tuple:
        return (self.taken_on, self.reading_id is not None, self.submitted_at or dt.datetime.min,
                self.reading_id or 0)


def reading_values(r: Reading, zones: int) -> tuple[Decimal, ...]:
    return tuple(v if v is not None else Decimal(0) for v in (r.value, r.value_t2, r.value_t3)[:zones])


def registry_point(m: Meter) -> Point | None:
    values = (m.last_value, m.last_value_t2, m.last_value_t3)[: m.tariff_zones]
    if m.last_read_on is None or any(v is None for v in values):
        return None
    return Point(tuple(Decimal(v) for v in values), m.last_read_on)


def saved_base(r: Reading, zones: int) -> Point | None:
    """The point the reading's consumption was counted from when it was saved, if there was one."""
    values = (r.prev_value, r.prev_value_t2, r.prev_value_t3)[:zones]
    if r.prev_taken_on is None or any(v is None for v in values):
        return None
    return Point(tuple(values), r.prev_taken_on)


def reading_point(r: Reading, zones: int) -> Point:
    return Point(reading_values(r, zones), r.taken_on, r.id, r.period, r.submitted_at)


def meter_points(m: Meter, effective: list[Reading]) -> list[Point]:
    """Registry point + readings not superseded, oldest first. A registry point with the date and values of a
    bot reading is that reading coming back from the billing system (it accepted it, the next import carries it):
    it is left out — kept, it stood between the reading and the one before it, so that reading's consumption
    read 0 (in the export for billing and in the chart)."""
    pts = [reading_point(r, m.tariff_zones) for r in effective]
    reg = registry_point(m)
    if reg is not None and not any((p.taken_on, p.values) == (reg.taken_on, reg.values) for p in pts):
        pts.append(reg)
    return sorted(pts, key=Point.sort_key)


def base_point(points: list[Point], period: str, up_to: dt.date | None = None) -> Point | None:
    """The newest point that is not a reading of ``period`` (optionally taken on or before ``up_to``)."""
    cands = [p for p in points if p.period != period and (up_to is None or p.taken_on <= up_to)]
    return cands[-1] if cands else None


def average_daily(points: list[Point]) -> Decimal | None:
    """Consumption per day over consecutive points (days between them as weights); None without two points a
    day or more apart. A drop between points (a replaced meter) is left out."""
    used = Decimal(0)
    days = 0
    for a, b in zip(points, points[1:], strict=False):
        d = (b.taken_on - a.taken_on).days
        delta = b.total - a.total
        if d <= 0 or delta < 0:
            continue
        used += delta
        days += d
    if days == 0:
        return None
    return used / days


def average_monthly(points: list[Point]) -> Decimal | None:
    daily = average_daily(points)
    return None if daily is None else (daily * MONTH_DAYS).quantize(QUANT, ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------- meters


@dataclass(frozen=True)
class MeterInfo:
    id: int
    serial: str
    resource: str
    zones: int
    digits: int
    installed_on: dt.date | None
    next_verification_on: dt.date
    overdue: bool  # past next_verification_on today
    account_id: int
    account_number: str
    provider: str
    provider_ogrn: str
    address: str
    premises: str
    last: Point | None  # newest point
    base: Point | None  # what a reading submitted today is compared with
    current: Point | None  # a reading of today's period that a new one would replace
    period: PeriodInfo
    points: tuple[Point, ...] = field(default=(), repr=False)
    registry: Point | None = None  # the registry's last accepted value, even when it echoes a bot reading
    residents: int | None = None  # registered in the premises, when the registry gives them
    manager: Contact | None = None  # the house's УК: whom the resident calls about the meter
    # the РСО that bills the account directly, when it is not the УК: it registers a new or verified meter
    billing: Contact | None = None
    house_id: int = 0  # the meter's house («Написать обращение» about it)


@dataclass(frozen=True)
class Contact:
    """The УК of a house as a resident reaches it."""

    name: str
    phone: str | None
    dispatcher_phone: str | None


@dataclass(frozen=True)
class MeterList:
    has_accounts: bool
    meters: list[MeterInfo]
    contacts: list[Contact] = field(default_factory=list)  # the УК of each house with a linked account


_Manager = aliased(Organization)


def _meters_stmt(user_id):
    return (
        select(Meter, Account, Organization, Premises, House, _Manager)
        .join(Account, Meter.account_id == Account.id)
        .join(AccountLink, (AccountLink.account_id == Account.id) & (AccountLink.user_id == user_id))
        .join(Organization, Account.provider_id == Organization.id)
        .join(Premises, Account.premises_id == Premises.id)
        .join(House, Premises.house_id == House.id)
        .join(_Manager, House.manager_id == _Manager.id)
    )


def contact(o: Organization) -> Contact:
    return Contact(o.short_name or o.name, o.phone, o.dispatcher_phone)


async def _effective(s: AsyncSession, meter_ids: list[int]) -> dict[int, list[Reading]]:
    out: dict[int, list[Reading]] = defaultdict(list)
    if not meter_ids:
        return out
    rows = await s.execute(
        select(Reading).where(Reading.meter_id.in_(meter_ids), Reading.superseded_by_id.is_(None))
    )
    for r in rows.scalars():
        out[r.meter_id].append(r)
    return out


def _info(m: Meter, a: Account, o: Organization, p: Premises, h: House, uk: Organization,
          effective: list[Reading], today: dt.date, default: Window) -> MeterInfo:
    points = meter_points(m, effective)
    per = period_for(today, org_window(o, default))
    current = [pt for pt in points if pt.period == per.period]
    return MeterInfo(
        id=m.id, serial=m.serial_number, resource=m.resource, zones=m.tariff_zones, digits=m.digits,
        installed_on=m.installed_on, next_verification_on=m.next_verification_on,
        overdue=today > m.next_verification_on, account_id=a.id, account_number=a.account_number,
        provider=o.short_name or o.name, provider_ogrn=o.ogrn, address=house_address(h), premises=premises_label(p),
        last=points[-1] if points else None, base=base_point(points, per.period),
        current=current[-1] if current else None, period=per, points=tuple(points), registry=registry_point(m),
        residents=p.residents, manager=contact(uk), house_id=h.id, billing=contact(o) if o.id != uk.id else None,
    )


def _order(info: MeterInfo) -> tuple:
    rank = RESOURCE_ORDER.index(info.resource) if info.resource in RESOURCE_ORDER else 99
    return (info.address, info.premises, info.account_number, rank, info.serial)


def _with_readings(stmt):
    """The meter rows with the meter's readings that count (not superseded) joined in: one statement, a row per
    reading (or one row with None for a meter without any)."""
    return stmt.add_columns(Reading).outerjoin(
        Reading, (Reading.meter_id == Meter.id) & Reading.superseded_by_id.is_(None))


class RowCopy(SimpleNamespace):
    """A read-only copy of one entity's columns from a row, by attribute name (``m.serial_number``): what a hot
    read needs of a meter, its account, provider, premises, house and УК, without the ORM's loading (an identity
    map entry and instance state for each of seven entities per row, about 45 % of the read's cost)."""


def _spans(entities) -> list[tuple[tuple[str, ...], int, int]]:
    """For each entity of a select, in order: its attribute names and where its columns lie in the row."""
    out, at = [], 0
    for e in entities:
        keys = tuple(p.key for p in inspect(e).mapper.column_attrs)
        out.append((keys, at, at + len(keys)))
        at += len(keys)
    return out


_METER_ROW = (Meter, Account, Organization, Premises, House, _Manager, Reading)
*_HEAD_SPANS, _READING_SPAN = _spans(_METER_ROW)  # the meter's id is the row's first column


def _copy(row, span: tuple[tuple[str, ...], int, int]) -> RowCopy:
    keys, a, b = span
    return RowCopy(**dict(zip(keys, row[a:b], strict=True)))


async def _meter_rows(s: AsyncSession, stmt, params: dict) -> list[tuple[tuple, list]]:
    """(meter, account, provider, premises, house, УК) and the meter's readings that count, per meter in the order
    the meters came: a flat row of ``_with_readings(_meters_stmt(…))`` per reading, run as plain columns on the
    session's connection (its transaction, its locks); the meter's entities are copied once, from its first row."""
    conn = await s.connection()
    out: dict[int, tuple[tuple, list]] = {}
    for row in await conn.execute(stmt, params):
        entry = out.get(row[0])
        if entry is None:
            entry = out[row[0]] = (tuple(_copy(row, span) for span in _HEAD_SPANS), [])
        if row[_READING_SPAN[1]] is not None:  # the outer join's reading id: None for a meter without readings
            entry[1].append(_copy(row, _READING_SPAN))
    return list(out.values())


_managers_stmt = (
    select(Organization).join(House, House.manager_id == Organization.id)
    .join(Premises, Premises.house_id == House.id).join(Account, Account.premises_id == Premises.id)
    .join(AccountLink, AccountLink.account_id == Account.id)
)


# the hot statements, built once (building a select of six entities and six joins costs more than running it):
# the parameters come at execution
_USER = bindparam("user_id")
_METER = bindparam("meter_id")
_USER_METERS = _with_readings(_meters_stmt(_USER))
_USER_METER = _with_readings(_meters_stmt(_USER).where(Meter.id == _METER))
_USER_METER_LOCKED = _USER_METER.with_for_update(of=Meter)
_USER_MANAGERS = _managers_stmt.where(AccountLink.user_id == _USER).order_by(AccountLink.id)
# saving a reading: the meter's row lock, the reading, and the reading of the period it replaces (Core, prebuilt:
# the ORM's flush of one new object cost more than the INSERT itself)
_meters, _readings = Meter.__table__, Reading.__table__
_LOCK_METER = update(_meters).where(_meters.c.id == bindparam("of_meter")).values(updated_at=_meters.c.updated_at)
_INSERT_READING = insert(_readings).returning(_readings.c.id)
_SUPERSEDE = (
    update(_readings)
    .where(_readings.c.meter_id == bindparam("of_meter"), _readings.c.period == bindparam("of_period"),
           _readings.c.id != bindparam("new_id"), _readings.c.superseded_by_id.is_(None))
    .values(superseded_by_id=bindparam("new_id"))
)


async def list_meters(sessions: Sessions, user_id: int, today: dt.date, default: Window) -> MeterList:
    """The meters of every account linked to the user."""
    async with sessions() as s:
        rows = await _meter_rows(s, _USER_METERS, {"user_id": user_id})
        # every link has its account, premises, house and УК (foreign keys): a user with links has managers
        managers = (await s.execute(_USER_MANAGERS, {"user_id": user_id})).scalars().all()
    infos = [_info(*row, eff, today, default) for row, eff in rows]
    contacts = list(dict.fromkeys(contact(o) for o in managers))
    return MeterList(has_accounts=bool(managers), meters=sorted(infos, key=_order), contacts=contacts)


async def get_meter(sessions: Sessions, user_id: int, meter_id: int, today: dt.date,
                    default: Window) -> MeterInfo | None:
    """The meter if it belongs to an account linked to the user, else None (a forged id)."""
    async with sessions() as s:
        return await _get_meter(s, user_id, meter_id, today, default)


async def _get_meter(s: AsyncSession, user_id: int, meter_id: int, today: dt.date, default: Window,
                     lock: bool = False) -> MeterInfo | None:
    """One statement: the meter, its account, provider, premises, house, УК and the readings that count."""
    if not 0 < meter_id <= ROW_ID_MAX:
        return None
    stmt = _USER_METER_LOCKED if lock else _USER_METER
    rows = await _meter_rows(s, stmt, {"user_id": user_id, "meter_id": meter_id})
    if not rows:
        return None
    row, eff = rows[0]
    return _info(*row, eff, today, default)


# --------------------------------------------------------------------------------------------- checks


class Refusal(StrEnum):
    not_yours = "not_yours"
    overdue = "overdue"
    lower = "lower"
    future = "future"
    before_last = "before_last"
    before_installed = "before_installed"
    zones = "zones"
    changed = "changed"  # another reading of the meter for this period was saved after the summary was shown


class ReadingRefused(Exception):
    def __init__(self, reason: Refusal, zone: int = 0, last: Point | None = None,
                 date: dt.date | None = None) -> None:
        super().__init__(reason.value)
        self.reason, self.zone, self.last, self.date = reason, zone, last, date


def check_overdue(info: MeterInfo, on: dt.date) -> None:
    """ПП № 354: readings of a meter past its verification date are not used for billing."""
    if on > info.next_verification_on:
        raise ReadingRefused(Refusal.overdue, date=info.next_verification_on)


def check_zone_value(info: MeterInfo, zone: int, value: Decimal) -> None:
    """A value lower than the base's in the same zone is refused; equal is fine (zero consumption)."""
    if info.base is not None and zone < len(info.base.values) and value < info.base.values[zone]:
        raise ReadingRefused(Refusal.lower, zone=zone, last=info.base)


def check_date(info: MeterInfo, taken_on: dt.date, today: dt.date) -> None:
    if taken_on > today:
        raise ReadingRefused(Refusal.future, date=today)
    if info.installed_on is not None and taken_on < info.installed_on:
        raise ReadingRefused(Refusal.before_installed, date=info.installed_on)
    if info.base is not None and taken_on < info.base.taken_on:
        raise ReadingRefused(Refusal.before_last, last=info.base, date=info.base.taken_on)
    check_overdue(info, taken_on)


@dataclass(frozen=True)
class Ceilings:
    """The most a premises plausibly uses in a month, per resource and registered resident (settings
    READING_CEILING_*). A reading above it is not refused: the resident is asked «Всё верно?»."""

    per_resident: dict[str, Decimal] = field(default_factory=dict)
    unknown_residents: int = UNKNOWN_RESIDENTS

    def monthly(self, resource: str, residents: int | None) -> Decimal | None:
        per = self.per_resident.get(resource)
        if per is None:
            return None
        people = residents if residents is not None and residents > 0 else self.unknown_residents
        return per * people


@dataclass(frozen=True)
class Assessment:
    meter: MeterInfo
    values: tuple[Decimal, ...]
    taken_on: dt.date
    base: Point | None
    consumption: tuple[Decimal, ...] | None  # per zone; None without a base
    total: Decimal | None
    days: int | None
    average_monthly: Decimal | None
    ratio: Decimal | None  # consumption ÷ usual consumption over the same time (at least a month)
    spike: bool  # ratio above SPIKE_FACTOR: ask «Всё верно» / «Исправить»
    replaces: Point | None  # the reading of the same period this one supersedes
    ceiling: Decimal | None = None  # the premises' monthly ceiling for this resource
    monthly_rate: Decimal | None = None  # what the reading means per month (since the base, or since installed)
    over_ceiling: bool = False  # monthly_rate above the ceiling: ask «Всё верно?» too

    @property
    def ask(self) -> bool:
        """The resident confirms before the summary: far above the usual, or above any plausible month."""
        return self.spike or self.over_ceiling


def _monthly_rate(info: MeterInfo, values: tuple[Decimal, ...], taken_on: dt.date, total: Decimal | None,
                  days: int | None) -> Decimal | None:
    """Use per month: since the base (a shorter gap counts as a month), or — a first reading — the value itself
    over the months since the meter was installed (FIRST_READING_MONTHS when that is unknown)."""
    if total is not None and days is not None:
        return (total / max(Decimal(days), MONTH_DAYS) * MONTH_DAYS).quantize(QUANT, ROUND_HALF_UP)
    if info.base is not None:
        return None
    if info.installed_on is not None:
        months = max(Decimal((taken_on - info.installed_on).days) / MONTH_DAYS, Decimal(1))
    else:
        months = Decimal(FIRST_READING_MONTHS)
    return (sum(values, Decimal(0)) / months).quantize(QUANT, ROUND_HALF_UP)


def assess(info: MeterInfo, values: tuple[Decimal, ...], taken_on: dt.date, today: dt.date,
           ceilings: Ceilings | None = None) -> Assessment:
    """Every check, then consumption and how it compares with the usual and with the monthly ceiling.
    Raises ReadingRefused."""
    if len(values) != info.zones:
        raise ReadingRefused(Refusal.zones)
    check_overdue(info, today)
    for zone, v in enumerate(values):
        check_zone_value(info, zone, v)
    check_date(info, taken_on, today)
    base = info.base
    consumption = total = ratio = None
    days = None
    if base is not None:
        consumption = tuple(v - b for v, b in zip(values, base.values, strict=True))
        total = sum(consumption, Decimal(0))
        days = (taken_on - base.taken_on).days
    history = [p for p in info.points if p.period != info.period.period]
    daily = average_daily(history)
    monthly = None if daily is None else (daily * MONTH_DAYS).quantize(QUANT, ROUND_HALF_UP)
    if daily and total is not None and days is not None:
        expected = daily * max(Decimal(days), MONTH_DAYS)
        ratio = total / expected
    spike = ratio is not None and ratio > SPIKE_FACTOR
    ceiling = ceilings.monthly(info.resource, info.residents) if ceilings is not None else None
    rate = _monthly_rate(info, values, taken_on, total, days)
    over = ceiling is not None and rate is not None and rate > ceiling
    return Assessment(info, values, taken_on, base, consumption, total, days, monthly, ratio, spike,
                      info.current, ceiling, rate, over)


async def evaluate(sessions: Sessions, user_id: int, meter_id: int, values: tuple[Decimal, ...],
                   taken_on: dt.date, today: dt.date, default: Window,
                   ceilings: Ceilings | None = None) -> Assessment:
    async with sessions() as s:
        info = await _get_meter(s, user_id, meter_id, today, default)
    if info is None:
        raise ReadingRefused(Refusal.not_yours)
    return assess(info, values, taken_on, today, ceilings)


@dataclass(frozen=True)
class Saved:
    reading_id: int
    assessment: Assessment
    period: PeriodInfo


UNCHECKED = -1  # ``replaces`` of save_reading: do not compare with what the resident was shown


async def save_reading(sessions: Sessions, user_id: int, meter_id: int, values: tuple[Decimal, ...],
                       taken_on: dt.date, today: dt.date, now_utc: dt.datetime, default: Window,
                       replaces: int | None = UNCHECKED) -> Saved:
    """Re-check everything and write the reading in one transaction; a reading of the same meter and period
    that counted so far gets ``superseded_by_id`` (history keeps it). The registry's values are left alone.

    ``replaces``: the id of this period's reading the resident's summary said would be replaced (None: none).
    When another one counts by now — a second tap on «Сохранить» already saved it, or someone else sent one —
    Refusal.changed is raised (with that reading as ``last``) and nothing is written."""
    if not 0 < meter_id <= ROW_ID_MAX:
        raise ReadingRefused(Refusal.not_yours)
    async with sessions.begin() as s:
        # take the meter's row lock before reading: concurrent saves of one meter run one after the other
        # (PostgreSQL: a row lock; SQLite: the write lock — a plain SELECT would not hold it — unless the
        # transaction began with BEGIN IMMEDIATE and holds it already)
        conn = await s.connection()
        if not holds_write_lock(s):
            await conn.execute(_LOCK_METER, {"of_meter": meter_id})
        info = await _get_meter(s, user_id, meter_id, today, default, lock=True)
        if info is None:
            raise ReadingRefused(Refusal.not_yours)
        current = info.current.reading_id if info.current is not None else None
        if replaces != UNCHECKED and current != replaces:
            raise ReadingRefused(Refusal.changed, last=info.current)
        a = assess(info, values, taken_on, today)
        padded = list(values) + [None] * (3 - len(values))
        prev = list(a.base.values if a.base else ()) + [None] * (3 - len(a.base.values if a.base else ()))
        reading_id = (await conn.execute(_INSERT_READING, {
            "meter_id": meter_id, "value": padded[0], "value_t2": padded[1], "value_t3": padded[2],
            "taken_on": taken_on, "period": info.period.period, "submitted_at": now_utc, "user_id": user_id,
            "source": ReadingSource.bot, "prev_value": prev[0], "prev_value_t2": prev[1], "prev_value_t3": prev[2],
            "prev_taken_on": a.base.taken_on if a.base else None, "superseded_by_id": None,
        })).scalar_one()
        if info.current is not None:  # read under the lock: without one, no reading of the period counts yet
            await conn.execute(_SUPERSEDE, {"of_meter": meter_id, "of_period": info.period.period,
                                            "new_id": reading_id})
        return Saved(reading_id, a, info.period)


# --------------------------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryItem:
    reading_id: int
    values: tuple[Decimal, ...]
    taken_on: dt.date
    period: str
    submitted_at: dt.datetime  # naive UTC
    superseded: bool
    source: str


async def history(sessions: Sessions, user_id: int, meter_id: int, today: dt.date, default: Window,
                  limit: int = HISTORY_LIMIT) -> tuple[MeterInfo, list[HistoryItem]] | None:
    """The meter and its last ``limit`` readings received (newest first, replaced ones marked)."""
    async with sessions() as s:
        info = await _get_meter(s, user_id, meter_id, today, default)
        if info is None:
            return None
        rows = (await s.execute(
            select(Reading).where(Reading.meter_id == meter_id)
            .order_by(Reading.taken_on.desc(), Reading.submitted_at.desc(), Reading.id.desc()).limit(limit)
        )).scalars().all()
    items = [HistoryItem(r.id, reading_values(r, info.zones), r.taken_on, r.period, r.submitted_at,
                         r.superseded_by_id is not None, r.source) for r in rows]
    return info, items


def periods_between(first: str, last: str) -> list[str]:
    """``first`` … ``last`` inclusive (at most MAX_SPREAD_PERIODS, the latest ones)."""
    out = [last]
    while out[-1] > first and len(out) < MAX_SPREAD_PERIODS:
        y, m = int(out[-1][:4]), int(out[-1][5:7])
        out.append(period_key(y - 1, 12) if m == 1 else period_key(y, m - 1))
    return out[::-1]


def _split(value: Decimal, parts: int) -> list[Decimal]:
    """``value`` in ``parts`` equal shares to the 0,001; the last one takes the rest, so they add up."""
    share = (value / parts).quantize(QUANT, ROUND_DOWN)
    return [share] * (parts - 1) + [value - share * (parts - 1)]


def consumption_by_period(points: list[Point], window: Window, zones: int = 1) -> dict[str, tuple[Decimal, ...]]:
    """Consumption of each bot reading since the previous point, per tariff zone, by billing period. A reading
    that comes several periods after the previous point (months without readings) is spread evenly over the
    periods after that point's up to its own — not piled onto its own month."""
    out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * zones)
    for a, b in zip(points, points[1:], strict=False):
        if b.period is None:
            continue
        if b.total - a.total < 0:  # a replaced meter
            continue
        deltas = [bv - av for av, bv in zip(a.values, b.values, strict=False)][:zones]
        deltas += [Decimal(0)] * (zones - len(deltas))
        start = a.period or period_for(a.taken_on, window).period
        spread = periods_between(next_period(start), b.period) if next_period(start) <= b.period else [b.period]
        shares = [_split(d, len(spread)) for d in deltas]
        for i, period in enumerate(spread):
            row = out[period]
            for z in range(zones):
                row[z] += shares[z][i]
    return {p: tuple(v) for p, v in out.items()}


def last_periods(today: dt.date, months: int) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(months):
        out.append(period_key(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


@dataclass(frozen=True)
class ResourceSeries:
    resource: str
    periods: list[str]
    values: list[Decimal | None]  # the total; None: no reading counted for that period (0: one that showed no use)
    zones: int = 1  # tariff zones of the meters summed here
    parts: tuple[list[Decimal | None], ...] = ()  # per zone (two- and three-tariff meters), like ``values``


async def monthly_consumption(sessions: Sessions, user_id: int, today: dt.date, default: Window,
                              months: int = 12, meter_id: int | None = None) -> list[ResourceSeries] | None:
    """Monthly consumption per resource (and number of tariff zones) over the user's meters (or the one
    ``meter_id``; None when it is not the user's) for the last ``months`` billing periods (the next period is
    included when a reading already counts for it). Series without any consumption in those periods are left
    out."""
    meters = (await list_meters(sessions, user_id, today, default)).meters
    if meter_id is not None:
        meters = [m for m in meters if m.id == meter_id]
        if not meters:
            return None
    periods = last_periods(today, months)
    nxt = next_period(periods[-1])
    per_key: dict[tuple[str, int], dict[str, list[Decimal]]] = defaultdict(dict)
    for info in meters:
        series = per_key[(info.resource, info.zones)]
        for period, values in consumption_by_period(list(info.points), info.period.window, info.zones).items():
            row = series.setdefault(period, [Decimal(0)] * info.zones)
            for z, v in enumerate(values):
                row[z] += v
    if any(nxt in v for v in per_key.values()):
        periods = [*periods[1:], nxt]

    def order(key: tuple[str, int]) -> tuple[int, int]:
        return (RESOURCE_ORDER.index(key[0]) if key[0] in RESOURCE_ORDER else 99, key[1])

    out = []
    for key in sorted(per_key, key=order):
        resource, zones = key
        series = per_key[key]
        if not any(p in series for p in periods):
            continue
        totals = [sum(series[p], Decimal(0)) if p in series else None for p in periods]
        parts = tuple([series[p][z] if p in series else None for p in periods] for z in range(zones)) \
            if zones > 1 else ()
        out.append(ResourceSeries(resource, periods, totals, zones, parts))
    return out


def registry_point_of(info: MeterInfo) -> Point | None:
    """The registry's last accepted value of the meter, if it has one."""
    return info.registry
