"""Outages of water, power, heating and gas: published by the registry import or by the УК's staff.

``publish_outages`` queues the notice of each outage's current state (new, changed, cancelled, ended early) for
every active user linked to an account in that house; the key carries the outage's revision, so each state of an
outage reaches each resident exactly once. A resident who never got the original of a changed outage gets the full
notice; one who did gets «Изменено» with what changed since the notice they got (was → now). Staff changes bump the
revision with a compare-and-set, so two clerks changing one outage at once are serialized and the loser is told
what happened meanwhile.

Plain data only: notices are ``OutageNotice`` models (``bot/services/notify/notices.py``), errors carry an
``OutageReason``; the words live in ``bot/texts``/``bot/views``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.houses import house_address
from bot.services.notify.notices import Change, NewsNotice, OutageData, OutageEvent, OutageNotice, PushKind
from bot.services.notify.outbox import Push, enqueue, push_key
from bot.services.notify.quiet import DEFAULT_QUIET, effective, parse_quiet_hours, quiet_until
from storage.models import Account, AccountLink, House, Notification, Organization, Outage, Premises, User
from storage.vocab import OutageKind, OutageStatus, Resource

RESOURCES = tuple(Resource)  # as the outages table stores them (storage.vocab)
SOON = dt.timedelta(hours=12)  # a planned outage starting this soon goes first (urgent) …
LEAD = dt.timedelta(hours=1)  # … and at night only when waiting for the morning would leave less warning than this
STARTED_AGO = dt.timedelta(days=1)  # a new outage may have begun at most this long ago (an emergency under way)
YEARS = (2000, 2100)  # a year typed by staff outside these is a typo
# a date typed without its year that has passed this year is next year's («05.01» in December) — if next year's
# is this near; else it is a typo («01.12» for «11.12»), and the clerk is asked for the year
NEXT_YEAR_WITHIN = dt.timedelta(days=92)
# longer than this is unusual (a planned hot-water shutoff is days, a riser replacement two weeks): the preview asks
# the clerk to check the end they typed — «2030» for «2026» would otherwise be published as it is
LONG = dt.timedelta(days=14)


class OutageReason(StrEnum):
    bad_format = "bad_format"  # not a date and time
    no_such_date = "no_such_date"
    no_feb_29 = "no_feb_29"  # «29.02» without a year, after this year's February
    past_short_date = "past_short_date"  # «01.12» typed on 04.12: passed, and next year's is far off
    bad_time = "bad_time"
    bad_year = "bad_year"  # outside YEARS
    starts_long_ago = "starts_long_ago"
    ends_before_start = "ends_before_start"
    ends_in_past = "ends_in_past"
    unknown_value = "unknown_value"  # resource or kind
    no_house = "no_house"
    duplicate = "duplicate"
    not_found = "not_found"
    cancelled = "cancelled"  # already cancelled (maybe by another clerk meanwhile)
    ended = "ended"  # already ended
    over_by_plan = "over_by_plan"
    not_started = "not_started"  # cannot end what has not begun: cancel it
    changed_meanwhile = "changed_meanwhile"  # another clerk changed it since this one looked


class OutageError(Exception):
    """Why the outage cannot be saved or changed: a reason (and, for a change, the outage as it is now)."""

    def __init__(self, reason: OutageReason, outage: OutageInfo | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.outage = outage


class Delivery(StrEnum):
    auto = "auto"  # emergencies and outages starting soon at once, the rest after the quiet hours
    now = "now"  # the clerk chose «Отправить сейчас»
    morning = "morning"  # the clerk chose «Утром»: after the quiet hours even if urgent by the rule


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

    def data(self) -> OutageData:
        return OutageData(id=self.id, address=self.address, resource=self.resource, starts=self.starts,
                          ends=self.ends, kind=self.kind, reason=self.reason, status=self.status,
                          revision=self.revision, house_id=self.house_id)


@dataclass(frozen=True)
class OutageCard:
    """«Подробнее» under a push: the outage and whom to ask."""

    outage: OutageInfo
    org_name: str | None
    org_phone: str | None
    dispatcher_phone: str | None


def _info(o: Outage, house: House, clock: Clock) -> OutageInfo:
    return OutageInfo(id=o.id, house_id=o.house_id, address=house_address(house), resource=o.resource,
                      starts=clock.to_local(o.starts_at), ends=clock.to_local(o.ends_at), kind=o.kind,
                      reason=o.reason, status=o.status, revision=o.revision, source=o.source)


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


# ------------------------------------------------------------------------------------------------ publishing
async def _load(s: AsyncSession, ids: Iterable[int], clock: Clock) -> list[OutageInfo]:
    ids = list(ids)
    if not ids:
        return []
    rows = (await s.execute(select(Outage, House).join(House, House.id == Outage.house_id)
                            .where(Outage.id.in_(ids)).order_by(Outage.id))).all()
    return [_info(o, h, clock) for o, h in rows]


def is_urgent(o: OutageInfo, quiet: tuple[int, int], clock: Clock) -> bool:
    """Whether the notice may go in the resident's quiet hours: an emergency always; a planned outage only when it
    starts soon and waiting for the end of the quiet hours would tell them too late (after it began, or less than
    ``LEAD`` before). A planned outage at 10:00 tomorrow is told at 09:00, not at midnight."""
    if o.kind == OutageKind.emergency:
        return True
    if o.status != OutageStatus.active:
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


async def _told(s: AsyncSession, outage_id: int, users: list[int]) -> dict[int, dict | None]:
    """User → the payload of the latest notice of this outage queued for them (None: a row from before the
    outbox kept data). Users never told are absent."""
    if not users:
        return {}
    rows = await s.execute(
        select(Notification.user_id, Notification.payload)
        .where(Notification.user_id.in_(users), Notification.kind == PushKind.outage,
               Notification.key.like(f"%:{PushKind.outage}:o{outage_id}:%"),
               Notification.status.in_(("pending", "sending", "sent")))
        .order_by(Notification.id)
    )
    return {r.user_id: r.payload for r in rows}  # the latest row wins


def changes(was: OutageData, now: OutageInfo) -> list[Change]:
    """What residents told ``was`` should hear changed: the period, the kind, the reason."""
    out: list[Change] = []
    for name, old, new in (("starts", was.starts, now.starts), ("ends", was.ends, now.ends)):
        if old != new:
            out.append(Change(field=name, was=old.isoformat(), now=new.isoformat()))
    if was.kind != now.kind:
        out.append(Change(field="kind", was=was.kind, now=now.kind))
    if (was.reason or None) != (now.reason or None):
        out.append(Change(field="reason", was=was.reason, now=now.reason))
    return out


def notice_for(o: OutageInfo, told: bool, before: dict | None) -> OutageNotice | None:
    """The notice of the outage's current state for one resident, or None when there is nothing to tell them.
    ``told``: they got a notice of it before (``before``: its payload, when the row keeps one)."""
    if o.status in (OutageStatus.cancelled, OutageStatus.ended):
        if not told:  # nobody needs to hear that one they never heard of is off
            return None
        return OutageNotice(event=OutageEvent(o.status), outage=o.data())
    if not told or o.revision <= 1:
        return OutageNotice(event=OutageEvent.new, outage=o.data())
    if before is None:
        return OutageNotice(event=OutageEvent.changed, outage=o.data())
    try:
        was = OutageNotice.model_validate(before).outage
    except ValueError:
        return OutageNotice(event=OutageEvent.changed, outage=o.data())
    diff = changes(was, o)
    if not diff:
        return None  # the revision moved, but nothing a resident reads did
    return OutageNotice(event=OutageEvent.changed, outage=o.data(), changes=diff)


async def publish_outages(sessions: async_sessionmaker[AsyncSession], outage_ids: Iterable[int], clock: Clock,
                          quiet_hours: str = DEFAULT_QUIET, delivery: Delivery = Delivery.auto) -> int:
    """Enqueue the notice of each outage's current state to the residents of its house; return how many new.
    ``quiet_hours``: the bot's default (QUIET_HOURS), for residents who did not set their own; ``delivery``: the
    clerk's choice when it falls in quiet hours."""
    now = clock.utcnow()
    default = parse_quiet_hours(quiet_hours)
    pushes: list[Push] = []
    async with sessions() as s:
        for o in await _load(s, outage_ids, clock):
            if clock.to_utc(o.ends) <= now:
                continue  # over: no news
            residents = await house_residents(s, o.house_id)
            quiet = await _quiet_of(s, residents, default)
            told = await _told(s, o.id, residents)
            for user_id in residents:
                notice = notice_for(o, user_id in told, told.get(user_id))
                if notice is None:
                    continue
                if delivery == Delivery.now:
                    urgent = True
                elif delivery == Delivery.morning:
                    urgent = False
                else:
                    urgent = is_urgent(o, quiet.get(user_id, default), clock)
                pushes.append(Push(user_id, PushKind.outage, f"o{o.id}", f"r{o.revision}", notice, urgent))
    return await enqueue(sessions, pushes, clock)


STALE = "superseded: the outage changed before it was sent"


async def drop_stale_pushes(db: AsyncSession | AsyncConnection, outage_id: int, revision: int) -> None:
    """In the transaction that gives an outage its new ``revision``: its pushes still waiting in the outbox (held
    by quiet hours, or not reached by the sender yet) no longer say what is true — a notice of an earlier
    revision, an eve reminder of the outage as it was. They are marked skipped, never sent: the notice of the new
    state replaces them (a resident who got none of them is told as one never told, and one told on the eve day
    needs no reminder). A push being sent already is left alone."""
    subject = f"o{outage_id}"
    current = push_key(0, PushKind.outage, subject, f"r{revision}").partition(":")[2]
    notice = ((Notification.kind == PushKind.outage) & Notification.key.like(f"%:{PushKind.outage}:{subject}:%")
              & ~Notification.key.like(f"%:{current}"))
    eve = (Notification.kind == PushKind.outage_eve) & Notification.key.like(f"%:{PushKind.outage_eve}:{subject}:%")
    await db.execute(update(Notification).where(Notification.status == "pending", notice | eve)
                     .values(status="skipped", error=STALE).execution_options(synchronize_session=False))


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
        ids = (await s.execute(select(Outage.id).where(Outage.status == OutageStatus.active, Outage.starts_at > now)))
        for o in await _load(s, ids.scalars().all(), clock):
            if o.starts.date() > tomorrow:
                continue
            notice = OutageNotice(event=OutageEvent.eve, outage=o.data())
            stamp = f"{o.starts:%Y%m%d%H%M}"
            residents = await house_residents(s, o.house_id)
            told = await _told_since(s, o, residents, clock)
            for user_id in residents:
                if user_id in told:
                    continue
                pushes.append(Push(user_id, PushKind.outage_eve, f"o{o.id}", stamp, notice,
                                   o.kind == OutageKind.emergency))
    return await enqueue(sessions, pushes, clock)


async def _told_since(s: AsyncSession, o: OutageInfo, users: list[int], clock: Clock) -> set[int]:
    """Users whose notice of the outage's current state was queued on the eve day or later (the day before it
    starts): a reminder right after the announcement would be the same news twice."""
    if not users:
        return set()
    eve_day = dt.datetime.combine(o.starts.date() - dt.timedelta(days=1), dt.time(0), tzinfo=o.starts.tzinfo)
    keys = [push_key(u, PushKind.outage, f"o{o.id}", f"r{o.revision}") for u in users]
    rows = await s.execute(
        select(Notification.user_id).where(Notification.key.in_(keys),
                                           Notification.created_at >= clock.to_utc(eve_day),
                                           Notification.status.in_(("pending", "sending", "sent")))
    )
    return {r[0] for r in rows}


# ------------------------------------------------------------------------------------------------ residents
async def outage_for_user(sessions: async_sessionmaker[AsyncSession], user_id: int, outage_id: int,
                          clock: Clock) -> OutageCard | None:
    """«Подробнее» under a push: only for an outage in a house where the user has an account."""
    async with sessions() as s:
        row = (await s.execute(
            select(Outage, House, Organization.short_name, Organization.name, Organization.phone,
                   Organization.dispatcher_phone)
            .join(House, House.id == Outage.house_id)
            .outerjoin(Organization, Organization.id == House.manager_id).where(Outage.id == outage_id)
        )).first()
        if row is None:
            return None
        o, house, short_name, name, phone, dispatcher = row
        linked = (await s.execute(
            select(func.count()).select_from(AccountLink).join(Account, Account.id == AccountLink.account_id)
            .join(Premises, Premises.id == Account.premises_id)
            .where(AccountLink.user_id == user_id, Premises.house_id == house.id)
        )).scalar_one()
        if not linked:
            return None
        return OutageCard(_info(o, house, clock), short_name or name, phone, dispatcher)


# ------------------------------------------------------------------------------------------------ staff
def check_starts(starts: dt.datetime, clock: Clock) -> None:
    """A new outage starts in the future, or began at most a day ago (an emergency already under way): an older
    start is a typo (a wrong year or month)."""
    if clock.to_utc(starts) < clock.utcnow() - STARTED_AGO:
        raise OutageError(OutageReason.starts_long_ago)


def long_days(starts: dt.datetime, ends: dt.datetime) -> int | None:
    """How many days (begun) an outage lasts, when that is longer than ``LONG``; else None."""
    length = ends - starts
    if length <= LONG:
        return None
    return length.days + (1 if length % dt.timedelta(days=1) else 0)


def check_period(starts: dt.datetime, ends: dt.datetime, clock: Clock) -> None:
    """A period typed by the staff (naive local): it ends after it starts, and not in the past."""
    _check_period(clock.to_utc(starts), clock.to_utc(ends), clock.utcnow())


def _check_period(starts_utc: dt.datetime, ends_utc: dt.datetime, now: dt.datetime) -> None:
    if ends_utc <= starts_utc:
        raise OutageError(OutageReason.ends_before_start)
    if ends_utc <= now:
        raise OutageError(OutageReason.ends_in_past)


async def create_outage(sessions: async_sessionmaker[AsyncSession], clock: Clock, *, house_id: int, resource: str,
                        starts: dt.datetime, ends: dt.datetime, kind: str, reason: str | None) -> OutageInfo:
    """A new outage from the staff chat (``starts``/``ends`` naive local). Not yet announced: call publish."""
    if resource not in RESOURCES or kind not in tuple(OutageKind):
        raise OutageError(OutageReason.unknown_value)
    check_starts(starts, clock)
    starts_utc, ends_utc = clock.to_utc(starts), clock.to_utc(ends)
    _check_period(starts_utc, ends_utc, clock.utcnow())
    try:
        async with sessions.begin() as s:
            house = await s.get(House, house_id)
            if house is None:
                raise OutageError(OutageReason.no_house)
            o = Outage(house_id=house_id, resource=resource, starts_at=starts_utc, ends_at=ends_utc, kind=kind,
                       reason=reason or None, status=OutageStatus.active, source="staff", revision=1)
            s.add(o)
            await s.flush()
            return _info(o, house, clock)
    except IntegrityError:
        raise OutageError(OutageReason.duplicate) from None


async def list_outages(sessions: async_sessionmaker[AsyncSession], clock: Clock,
                       limit: int | None = 20) -> list[OutageInfo]:
    """Outages not over yet, soonest first (all of them when ``limit`` is None)."""
    async with sessions() as s:
        rows = (await s.execute(
            select(Outage, House).join(House, House.id == Outage.house_id)
            .where(Outage.ends_at > clock.utcnow(), Outage.status == OutageStatus.active)
            .order_by(Outage.starts_at, Outage.id).limit(limit)
        )).all()  # .limit(None): no limit
    return [_info(o, h, clock) for o, h in rows]


async def get_outage(sessions: async_sessionmaker[AsyncSession], outage_id: int, clock: Clock) -> OutageInfo | None:
    async with sessions() as s:
        loaded = await _load(s, [outage_id], clock)
    return loaded[0] if loaded else None


def _check_change(current: str, starts_utc: dt.datetime, ends_utc: dt.datetime, status: str | None,
                  now: dt.datetime) -> None:
    if current == OutageStatus.cancelled:
        raise OutageError(OutageReason.cancelled)
    if current == OutageStatus.ended:
        raise OutageError(OutageReason.ended)
    if ends_utc <= now:
        raise OutageError(OutageReason.over_by_plan)
    if status == OutageStatus.ended and starts_utc > now:
        raise OutageError(OutageReason.not_started)


def check_change(o: OutageInfo, status: str | None, clock: Clock) -> None:
    """Whether the outage can be changed (``status``: 'cancelled', 'ended' or None for a new period) — asked
    before the staff are asked to confirm."""
    _check_change(o.status, clock.to_utc(o.starts), clock.to_utc(o.ends), status, clock.utcnow())


async def change_outage(sessions: async_sessionmaker[AsyncSession], clock: Clock, outage_id: int, *,
                        starts: dt.datetime | None = None, ends: dt.datetime | None = None,
                        status: str | None = None, revision: int | None = None) -> OutageInfo:
    """Move the period, cancel (status='cancelled') or end early (status='ended'); bumps the revision.

    ``revision``: the one the clerk saw; when another change came meanwhile, nothing is written and the error
    carries the outage as it is now (``cancelled``/``ended`` when it was cancelled or ended, else
    ``changed_meanwhile``). The write itself is a compare-and-set on the revision under a row lock, so two
    changes at once never both win."""
    now = clock.utcnow()
    async with sessions.begin() as s:
        o = (await s.execute(select(Outage).where(Outage.id == outage_id).with_for_update())).scalar_one_or_none()
        if o is None:
            raise OutageError(OutageReason.not_found)
        house = await s.get(House, o.house_id)
        seen = o.revision if revision is None else revision
        try:
            _check_change(o.status, o.starts_at, o.ends_at, status, now)
        except OutageError as exc:
            raise OutageError(exc.reason, _info(o, house, clock)) from None
        if o.revision != seen:
            raise OutageError(OutageReason.changed_meanwhile, _info(o, house, clock))
        if starts:
            check_starts(starts, clock)
        new_starts = clock.to_utc(starts) if starts else o.starts_at
        new_ends = clock.to_utc(ends) if ends else o.ends_at
        if starts or ends:
            _check_period(new_starts, new_ends, now)
        written = await s.execute(
            update(Outage).where(Outage.id == outage_id, Outage.revision == seen)
            .values(starts_at=new_starts, ends_at=new_ends, status=status or o.status, revision=seen + 1)
            .execution_options(synchronize_session=False)
        )
        if written.rowcount != 1:  # lost the race between the read and the write (no row lock on SQLite)
            raise OutageError(OutageReason.changed_meanwhile)
        await drop_stale_pushes(s, outage_id, seen + 1)
        await s.refresh(o)
        return _info(o, house, clock)


# ------------------------------------------------------------------------------------------------ typed dates
_DAY = r"(вчера|сегодня|завтра|послезавтра|\d{1,2}\.\d{1,2}(?:\.\d{2,4})?)"
_WORDS = ("вчера", "сегодня", "завтра", "послезавтра")  # days from yesterday
_AT = re.compile(rf"{_DAY}(?:\s+в)?\s+(\d{{1,2}})(?:[:.](\d{{2}}))?(?:\s*ч(?:ас[а-я]*)?\.?)?")
_NOW = frozenset({"сейчас", "now", "сразу"})


def parse_local(text: str, clock: Clock) -> dt.datetime:
    """«20.11 10:00», «20.11.2026 10:00», «завтра 9:00», «завтра в 10», «вчера в 9», «сегодня 18:30», «сейчас» →
    naive local datetime (minutes; «сейчас» is this minute)."""
    raw = " ".join((text or "").strip().lower().replace(",", " ").split())
    if raw in _NOW:
        return clock.now().replace(tzinfo=None, second=0, microsecond=0)
    m = _AT.fullmatch(raw)
    if not m:
        raise OutageError(OutageReason.bad_format)
    today = clock.today()
    day_s, hh, mm = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if day_s in _WORDS:
        day = today + dt.timedelta(days=_WORDS.index(day_s) - 1)
    else:
        parts = [int(p) for p in day_s.split(".")]
        year = parts[2] if len(parts) == 3 else today.year
        year = year + 2000 if year < 100 else year
        if not YEARS[0] <= year <= YEARS[1]:
            raise OutageError(OutageReason.bad_year)
        try:
            day = dt.date(year, parts[1], parts[0])
        except ValueError:
            raise OutageError(OutageReason.no_such_date) from None
        if len(parts) == 2 and day < today - dt.timedelta(days=1):
            try:
                day = day.replace(year=day.year + 1)  # «05.01» typed in December
            except ValueError:  # «29.02» after this year's February: next year has none
                raise OutageError(OutageReason.no_feb_29) from None
            if day - today > NEXT_YEAR_WITHIN:
                raise OutageError(OutageReason.past_short_date)
    if hh > 23 or mm > 59:
        raise OutageError(OutageReason.bad_time)
    return dt.datetime.combine(day, dt.time(hh, mm))


def parse_period(text: str, clock: Clock) -> tuple[dt.datetime | None, dt.datetime]:
    """«22.11 18:00» (or «до 22.11 18:00») → (None, end); «21.11 10:00 – 22.11 18:00» (a dash, «по» or «до», with
    or without a leading «с») → (start, end); naive local."""
    parts = re.split(r"\s*(?:[–—]|\s-\s|-(?=\s*(?:сегодня|завтра|сейчас|\d{1,2}\.))|\sпо\s|\sдо\s)\s*",
                     (text or "").strip(), maxsplit=1)
    if len(parts) == 1:  # «22.11 18:00» or «до 22.11 18:00»
        return None, parse_local(re.sub(r"^(?:до|по)\s+", "", parts[0], flags=re.I), clock)
    # «с 21.11 10:00 по 22.11 18:00», as a clerk says it
    starts = parse_local(re.sub(r"^[сc]\s+", "", parts[0], flags=re.I), clock)
    ends = parse_local(parts[1], clock)
    if ends <= starts:
        raise OutageError(OutageReason.ends_before_start)
    return starts, ends


# ------------------------------------------------------------------------------------------------ broadcasts
class BroadcastReason(StrEnum):
    nobody = "nobody"  # no resident of the house (or of any house) is linked to the bot


class BroadcastError(Exception):
    def __init__(self, reason: BroadcastReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


async def broadcast(sessions: async_sessionmaker[AsyncSession], clock: Clock, html: str,
                    house_id: int | None, subject: str, delivery: Delivery = Delivery.auto) -> int:
    """A staff message (``html``: as Telegram's entities render it) to the residents of one house (or all);
    ``subject`` makes the key (one per broadcast). ``BroadcastError(nobody)`` when there is no one to tell.
    ``Delivery.now`` sends it in quiet hours too."""
    async with sessions() as s:
        users: Sequence[int] = await (house_residents(s, house_id) if house_id else all_residents(s))
    if not users:
        raise BroadcastError(BroadcastReason.nobody)
    notice = NewsNotice(html=html)
    urgent = delivery == Delivery.now
    return await enqueue(sessions, [Push(u, PushKind.news, subject, "-", notice, urgent) for u in users], clock)


async def count_recipients(sessions: async_sessionmaker[AsyncSession], house_id: int | None) -> int:
    async with sessions() as s:
        return len(await (house_residents(s, house_id) if house_id else all_residents(s)))


def quiet_delivery(clock: Clock, quiet_hours: str) -> dt.datetime | None:
    """When ordinary pushes queued now would be delivered, if now is in the bot's quiet hours (aware local)."""
    return quiet_until(clock.now(), *parse_quiet_hours(quiet_hours))


def would_wait(o: OutageInfo | OutageData, clock: Clock, quiet_hours: str) -> dt.datetime | None:
    """When the notice of this outage would reach residents (default quiet hours), if not at once."""
    until = quiet_delivery(clock, quiet_hours)
    if until is None:
        return None
    info = o if isinstance(o, OutageInfo) else OutageInfo(
        id=o.id, house_id=0, address=o.address, resource=o.resource, starts=o.starts, ends=o.ends, kind=o.kind,
        reason=o.reason, status=o.status, revision=o.revision, source="staff")
    return None if is_urgent(info, parse_quiet_hours(quiet_hours), clock) else until


def draft_notice(clock: Clock, *, address: str, resource: str, starts: dt.datetime, ends: dt.datetime, kind: str,
                 reason: str | None) -> OutageNotice:
    """What residents will read once the staff's draft is published (``starts``/``ends`` naive local)."""
    return OutageNotice(event=OutageEvent.new, outage=OutageData(
        id=0, address=address, resource=resource, starts=starts.replace(tzinfo=clock.tz),
        ends=ends.replace(tzinfo=clock.tz), kind=kind, reason=reason))
