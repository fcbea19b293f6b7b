"""Outages of water, power, heating and gas: published by the registry import or by the УК's staff.

``publish_outages`` puts the notice of each outage (new, changed, cancelled, ended early) into the outbox for every
active user linked to an account in that house; the key carries the outage's revision, so each state of an outage
reaches each resident exactly once. Staff changes bump the revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.houses import house_address
from bot.services.notify.outbox import Push, enqueue, push_key
from bot.services.notify.quiet import DEFAULT_QUIET, effective, parse_quiet_hours, quiet_until
from bot.texts import notify as t
from storage.models import Account, AccountLink, House, Notification, Organization, Outage, Premises, User

RESOURCES = ("hot_water", "cold_water", "electricity", "heating", "gas")
SOON = dt.timedelta(hours=12)  # a planned outage starting this soon goes first (urgent) …
LEAD = dt.timedelta(hours=1)  # … and at night only when waiting for the morning would leave less warning than this
STARTED_AGO = dt.timedelta(days=1)  # a new outage may have begun at most this long ago (an emergency under way)


class OutageError(Exception):
    """Why the staff's outage cannot be saved; the message is for people."""


@dataclass(frozen=True)
class OutageInfo:
    id: int
    house_id: int
    address: str
    resource: str
    starts: dt.datetime  # aware local
    ends: dt.datetime
    kind: str
    reason: str | None
    status: str
    revision: int
    source: str
    dispatcher_phone: str | None = None


def _info(o: Outage, house: House, clock: Clock, phone: str | None = None) -> OutageInfo:
    return OutageInfo(id=o.id, house_id=o.house_id, address=house_address(house), resource=o.resource,
                      starts=clock.to_local(o.starts_at), ends=clock.to_local(o.ends_at), kind=o.kind,
                      reason=o.reason, status=o.status, revision=o.revision, source=o.source,
                      dispatcher_phone=phone)


# ------------------------------------------------------------------------------------------------ recipients
async def house_residents(s: AsyncSession, house_id: int) -> list[int]:
    """Active users linked to an account of any premises in the house."""
    rows = await s.execute(
        select(AccountLink.user_id).distinct()
        .join(Account, Account.id == AccountLink.account_id)
        .join(Premises, Premises.id == Account.premises_id)
        .join(User, User.id == AccountLink.user_id)
        .where(Premises.house_id == house_id, User.is_active.is_(True))
        .order_by(AccountLink.user_id)
    )
    return [r[0] for r in rows]


async def all_residents(s: AsyncSession) -> list[int]:
    rows = await s.execute(select(AccountLink.user_id).distinct().join(User, User.id == AccountLink.user_id)
                           .where(User.is_active.is_(True)).order_by(AccountLink.user_id))
    return [r[0] for r in rows]


# ------------------------------------------------------------------------------------------------ texts
def notice_text(o: OutageInfo, *, eve: bool = False) -> str:
    res = t.RESOURCES[o.resource]
    if eve:
        head = t.OUTAGE_EVE.format(resource=res)
    elif o.status == "cancelled":
        head = t.OUTAGE_CANCELLED.format(resource=res)
    elif o.status == "ended":
        head = t.OUTAGE_ENDED.format(resource=res)
    elif o.revision > 1:
        head = t.OUTAGE_CHANGED.format(resource=res)
    else:
        head = t.OUTAGE_NEW[o.kind].format(resource=res, icon=t.OUTAGE_ICONS[o.resource])
    lines = [head, t.OUTAGE_BODY.format(address=o.address, starts=t.when(o.starts), ends=t.when(o.ends))]
    if o.reason and o.status == "active":
        lines.append(t.OUTAGE_REASON.format(reason=o.reason))
    return "\n".join(lines)


def info_text(o: OutageInfo) -> str:
    return t.OUTAGE_INFO.format(
        resource=t.RESOURCES[o.resource], kind=t.OUTAGE_KINDS[o.kind], status=t.OUTAGE_STATUSES[o.status],
        address=o.address, starts=t.when(o.starts), ends=t.when(o.ends),
        reason=f"\n{t.OUTAGE_REASON.format(reason=o.reason)}" if o.reason else "",
        phone=f": {o.dispatcher_phone}" if o.dispatcher_phone else "",
    )


def more_button(outage_id: int) -> list[list[dict[str, str]]]:
    return [[{"text": t.BTN_MORE, "action": "outage", "arg": str(outage_id)}]]


# ------------------------------------------------------------------------------------------------ publishing
async def _load(s: AsyncSession, ids: Iterable[int], clock: Clock) -> list[OutageInfo]:
    ids = list(ids)
    if not ids:
        return []
    rows = (await s.execute(select(Outage, House).join(House, House.id == Outage.house_id)
                            .where(Outage.id.in_(ids)).order_by(Outage.id))).all()
    return [_info(o, h, clock) for o, h in rows]


def worth_telling(o: OutageInfo, now_utc: dt.datetime, clock: Clock) -> bool:
    """Nobody needs to hear of an outage that is over, nor that one they never heard of was cancelled."""
    if clock.to_utc(o.ends) <= now_utc:
        return False
    return not (o.status != "active" and o.revision <= 1)


def is_urgent(o: OutageInfo, quiet: tuple[int, int], clock: Clock) -> bool:
    """Whether the notice may go in the resident's quiet hours: an emergency always; a planned outage only when it
    starts soon and waiting for the end of the quiet hours would tell them too late (after it began, or less than
    ``LEAD`` before). A planned outage at 10:00 tomorrow is told at 09:00, not at midnight."""
    if o.kind == "emergency":
        return True
    if o.status != "active":
        return False
    now = clock.utcnow()
    starts = clock.to_utc(o.starts)
    if starts - now > SOON:
        return False
    until = quiet_until(clock.now(), *quiet)
    return until is None or starts < clock.to_utc(until) + LEAD


async def _quiet_of(s: AsyncSession, user_ids: list[int], default: tuple[int, int]) -> dict[int, tuple[int, int]]:
    if not user_ids:
        return {}
    rows = await s.execute(select(User.id, User.quiet_from, User.quiet_to).where(User.id.in_(user_ids)))
    return {r.id: effective(r.quiet_from, r.quiet_to, default) for r in rows}


async def publish_outages(sessions: async_sessionmaker[AsyncSession], outage_ids: Iterable[int], clock: Clock,
                          quiet_hours: str = DEFAULT_QUIET) -> int:
    """Enqueue the notice of each outage's current state to the residents of its house; return how many new.
    ``quiet_hours``: the bot's default (QUIET_HOURS), for residents who did not set their own."""
    now = clock.utcnow()
    default = parse_quiet_hours(quiet_hours)
    pushes: list[Push] = []
    async with sessions() as s:
        for o in await _load(s, outage_ids, clock):
            if not worth_telling(o, now, clock):
                continue
            text = notice_text(o)
            residents = await house_residents(s, o.house_id)
            quiet = await _quiet_of(s, residents, default)
            for user_id in residents:
                urgent = is_urgent(o, quiet.get(user_id, default), clock)
                pushes.append(Push(user_id, "outage", f"o{o.id}", f"r{o.revision}", text, more_button(o.id), urgent))
    return await enqueue(sessions, pushes, clock)


async def publish_active(sessions: async_sessionmaker[AsyncSession], clock: Clock,
                         quiet_hours: str = DEFAULT_QUIET) -> int:
    """Safety net for the scheduler: every outage not over yet is (re)published; known keys add nothing."""
    async with sessions() as s:
        ids = (await s.execute(select(Outage.id).where(Outage.ends_at > clock.utcnow()))).scalars().all()
    return await publish_outages(sessions, ids, clock, quiet_hours)


async def remind_eve(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """The evening before: active outages starting tomorrow (or later today, if the evening run was missed)."""
    now = clock.utcnow()
    tomorrow = clock.today() + dt.timedelta(days=1)
    pushes: list[Push] = []
    async with sessions() as s:
        ids = (await s.execute(select(Outage.id).where(Outage.status == "active", Outage.starts_at > now)))
        for o in await _load(s, ids.scalars().all(), clock):
            if o.starts.date() > tomorrow:
                continue
            text = notice_text(o, eve=True)
            stamp = f"{o.starts:%Y%m%d%H%M}"
            residents = await house_residents(s, o.house_id)
            told = await _told_since(s, o, residents, clock)
            for user_id in residents:
                if user_id in told:
                    continue
                pushes.append(Push(user_id, "outage_eve", f"o{o.id}", stamp, text, more_button(o.id),
                                   o.kind == "emergency"))
    return await enqueue(sessions, pushes, clock)


async def _told_since(s: AsyncSession, o: OutageInfo, users: list[int], clock: Clock) -> set[int]:
    """Users whose notice of the outage's current state was queued on the eve day or later (the day before it
    starts): a reminder right after the announcement would be the same news twice."""
    if not users:
        return set()
    eve_day = dt.datetime.combine(o.starts.date() - dt.timedelta(days=1), dt.time(0), tzinfo=o.starts.tzinfo)
    keys = [push_key(u, "outage", f"o{o.id}", f"r{o.revision}") for u in users]
    rows = await s.execute(
        select(Notification.user_id).where(Notification.key.in_(keys),
                                           Notification.created_at >= clock.to_utc(eve_day),
                                           Notification.status.in_(("pending", "sending", "sent")))
    )
    return {r[0] for r in rows}


# ------------------------------------------------------------------------------------------------ residents
async def outage_for_user(sessions: async_sessionmaker[AsyncSession], user_id: int, outage_id: int,
                          clock: Clock) -> OutageInfo | None:
    """«Подробнее» under a push: only for an outage in a house where the user has an account."""
    async with sessions() as s:
        row = (await s.execute(
            select(Outage, House, Organization.dispatcher_phone).join(House, House.id == Outage.house_id)
            .join(Organization, Organization.id == House.manager_id).where(Outage.id == outage_id)
        )).first()
        if row is None:
            return None
        o, house, phone = row
        linked = (await s.execute(
            select(func.count()).select_from(AccountLink).join(Account, Account.id == AccountLink.account_id)
            .join(Premises, Premises.id == Account.premises_id)
            .where(AccountLink.user_id == user_id, Premises.house_id == house.id)
        )).scalar_one()
        if not linked:
            return None
        return _info(o, house, clock, phone)


# ------------------------------------------------------------------------------------------------ staff
def check_starts(starts: dt.datetime, clock: Clock) -> None:
    """A new outage starts in the future, or began at most a day ago (an emergency already under way): an older
    start is a typo (a wrong year or month)."""
    if clock.to_utc(starts) < clock.utcnow() - STARTED_AGO:
        raise OutageError("Начало больше суток назад — проверьте дату. Для аварии, которая уже идёт, укажите "
                          "время начала не раньше вчерашнего дня.")


def check_period(starts: dt.datetime, ends: dt.datetime, clock: Clock) -> None:
    """A period typed by the staff (naive local): it ends after it starts, and not in the past."""
    _check_period(clock.to_utc(starts), clock.to_utc(ends), clock.utcnow())


def _check_period(starts_utc: dt.datetime, ends_utc: dt.datetime, now: dt.datetime) -> None:
    if ends_utc <= starts_utc:
        raise OutageError("Окончание должно быть позже начала.")
    if ends_utc <= now:
        raise OutageError("Это время уже прошло: окончание должно быть в будущем.")


async def create_outage(sessions: async_sessionmaker[AsyncSession], clock: Clock, *, house_id: int, resource: str,
                        starts: dt.datetime, ends: dt.datetime, kind: str, reason: str | None) -> OutageInfo:
    """A new outage from the staff chat (``starts``/``ends`` naive local). Not yet announced: call publish."""
    if resource not in RESOURCES or kind not in ("planned", "emergency"):
        raise OutageError("Неизвестный ресурс или вид отключения.")
    check_starts(starts, clock)
    starts_utc, ends_utc = clock.to_utc(starts), clock.to_utc(ends)
    _check_period(starts_utc, ends_utc, clock.utcnow())
    try:
        async with sessions.begin() as s:
            house = await s.get(House, house_id)
            if house is None:
                raise OutageError("Дом не найден.")
            o = Outage(house_id=house_id, resource=resource, starts_at=starts_utc, ends_at=ends_utc, kind=kind,
                       reason=reason or None, status="active", source="staff", revision=1)
            s.add(o)
            await s.flush()
            return _info(o, house, clock)
    except IntegrityError:
        raise OutageError("Такое отключение в этом доме с тем же началом уже есть — измените его в /outages.") \
            from None


async def list_outages(sessions: async_sessionmaker[AsyncSession], clock: Clock, limit: int = 20) -> list[OutageInfo]:
    """Outages not over yet, soonest first."""
    async with sessions() as s:
        rows = (await s.execute(
            select(Outage, House).join(House, House.id == Outage.house_id)
            .where(Outage.ends_at > clock.utcnow(), Outage.status == "active")
            .order_by(Outage.starts_at, Outage.id).limit(limit)
        )).all()
    return [_info(o, h, clock) for o, h in rows]


async def get_outage(sessions: async_sessionmaker[AsyncSession], outage_id: int, clock: Clock) -> OutageInfo | None:
    async with sessions() as s:
        loaded = await _load(s, [outage_id], clock)
    return loaded[0] if loaded else None


def _check_change(current: str, starts_utc: dt.datetime, ends_utc: dt.datetime, status: str | None,
                  now: dt.datetime) -> None:
    if current != "active":
        raise OutageError(f"Отключение уже {t.OUTAGE_STATUSES[current]}.")
    if ends_utc <= now:
        raise OutageError("Отключение уже закончилось по плану.")
    if status == "ended" and starts_utc > now:
        raise OutageError("Отключение ещё не началось — его можно отменить, а не завершить.")


def check_change(o: OutageInfo, status: str | None, clock: Clock) -> None:
    """Whether the outage can be changed (``status``: 'cancelled', 'ended' or None for a new period) — asked
    before the staff are asked to confirm."""
    _check_change(o.status, clock.to_utc(o.starts), clock.to_utc(o.ends), status, clock.utcnow())


async def change_outage(sessions: async_sessionmaker[AsyncSession], clock: Clock, outage_id: int, *,
                        starts: dt.datetime | None = None, ends: dt.datetime | None = None,
                        status: str | None = None) -> OutageInfo:
    """Move the period, cancel (status='cancelled') or end early (status='ended'); bumps the revision."""
    now = clock.utcnow()
    async with sessions.begin() as s:
        o = await s.get(Outage, outage_id)
        if o is None:
            raise OutageError("Отключение не найдено.")
        _check_change(o.status, o.starts_at, o.ends_at, status, now)
        if starts:
            check_starts(starts, clock)
        new_starts = clock.to_utc(starts) if starts else o.starts_at
        new_ends = clock.to_utc(ends) if ends else o.ends_at
        if starts or ends:
            _check_period(new_starts, new_ends, now)
        o.starts_at, o.ends_at = new_starts, new_ends
        if status:
            o.status = status
        o.revision += 1
        house = await s.get(House, o.house_id)
        await s.flush()
        return _info(o, house, clock)


def parse_local(text: str, clock: Clock) -> dt.datetime:
    """«20.11 10:00», «20.11.2026 10:00», «завтра 9:00», «сегодня 18:30» → naive local datetime."""
    import re

    raw = (text or "").strip().lower().replace(",", " ")
    m = re.fullmatch(r"(сегодня|завтра|\d{1,2}\.\d{1,2}(?:\.\d{2,4})?)\s+(\d{1,2})[:.](\d{2})", raw)
    if not m:
        raise OutageError("Нужны дата и время, например: 20.11 10:00 или завтра 9:00.")
    today = clock.today()
    day_s, hh, mm = m.group(1), int(m.group(2)), int(m.group(3))
    if day_s == "сегодня":
        day = today
    elif day_s == "завтра":
        day = today + dt.timedelta(days=1)
    else:
        parts = [int(p) for p in day_s.split(".")]
        year = parts[2] if len(parts) == 3 else today.year
        year = year + 2000 if year < 100 else year
        try:
            day = dt.date(year, parts[1], parts[0])
        except ValueError:
            raise OutageError("Такой даты нет.") from None
        if len(parts) == 2 and day < today - dt.timedelta(days=1):
            try:
                day = day.replace(year=day.year + 1)  # «05.01» typed in December
            except ValueError:  # «29.02» after this year's February: next year has none
                raise OutageError("В следующем году нет 29 февраля — проверьте дату.") from None
    if hh > 23 or mm > 59:
        raise OutageError("Время — от 00:00 до 23:59.")
    return dt.datetime.combine(day, dt.time(hh, mm))


def parse_period(text: str, clock: Clock) -> tuple[dt.datetime | None, dt.datetime]:
    """«22.11 18:00» (or «до 22.11 18:00») → (None, end); «21.11 10:00 – 22.11 18:00» (a dash, «по» or «до», with
    or without a leading «с») → (start, end); naive local."""
    import re

    parts = re.split(r"\s*(?:[–—]|\s-\s|-(?=\s*(?:сегодня|завтра|\d{1,2}\.))|\sпо\s|\sдо\s)\s*",
                     (text or "").strip(), maxsplit=1)
    if len(parts) == 1:  # «22.11 18:00» or «до 22.11 18:00»
        return None, parse_local(re.sub(r"^(?:до|по)\s+", "", parts[0], flags=re.I), clock)
    # «с 21.11 10:00 по 22.11 18:00», as a clerk says it
    starts = parse_local(re.sub(r"^[сc]\s+", "", parts[0], flags=re.I), clock)
    ends = parse_local(parts[1], clock)
    if ends <= starts:
        raise OutageError("Окончание должно быть позже начала.")
    return starts, ends


async def broadcast(sessions: async_sessionmaker[AsyncSession], clock: Clock, text: str,
                    house_id: int | None, subject: str) -> int:
    """A staff message to the residents of one house (or all); ``subject`` makes the key (one per broadcast)."""
    async with sessions() as s:
        users: Sequence[int] = await (house_residents(s, house_id) if house_id else all_residents(s))
    body = t.NEWS.format(text=text)
    return await enqueue(sessions, [Push(u, "news", subject, "-", body) for u in users], clock)


async def count_recipients(sessions: async_sessionmaker[AsyncSession], house_id: int | None) -> int:
    async with sessions() as s:
        return len(await (house_residents(s, house_id) if house_id else all_residents(s)))


def draft_text(clock: Clock, *, address: str, resource: str, starts: dt.datetime, ends: dt.datetime, kind: str,
               reason: str | None) -> str:
    """What residents will read once the staff's draft is published."""
    draft = OutageInfo(id=0, house_id=0, address=address, resource=resource, starts=starts.replace(tzinfo=clock.tz),
                       ends=ends.replace(tzinfo=clock.tz), kind=kind, reason=reason, status="active", revision=1,
                       source="staff")
    return notice_text(draft)
