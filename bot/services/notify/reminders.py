"""Who gets which reminder. Each function looks at the database and the clock, builds pushes (notices: data, no
words — the push view renders them) with keys that make a second run (or a run after a restart) add nothing, and
returns how many new pushes went into the outbox.

Every stage is a window of days, not a single day, so a job that ran late (the bot was down at 10:00) still sends
what was due, and never twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.houses import house_address
from bot.services.notify.notices import (
    MeetingItemResult,
    MeetingNotice,
    MeetingResultsNotice,
    MeterLine,
    PushKind,
    ReadingsNotice,
    VerificationNotice,
)
from bot.services.notify.outbox import Push, enqueue
from bot.services.voting import service as voting
from bot.services.voting.staff import last_minute
from storage.models import (
    Account,
    AccountLink,
    House,
    Meeting,
    Meter,
    Organization,
    Reading,
    User,
)

VERIFICATION_STAGES = (("d30", 30, 7), ("d7", 7, 0), ("d0", 0, -3))  # name, from days before, until days before


def current_period(today: dt.date) -> str:
    """The billing period a reading taken today counts for."""
    return f"{today:%Y-%m}"


def window_days(today: dt.date, org_from: int | None, org_to: int | None, default_from: int,
                default_to: int) -> tuple[int, int]:
    last = calendar.monthrange(today.year, today.month)[1]
    first = min(max(org_from or default_from, 1), last)
    final = min(max(org_to or default_to, first), last)
    return first, final


async def _meters_missing(s: AsyncSession, period: str, since: dt.date) -> list[tuple]:
    """(user, provider, org window, meter) for linked active users' meters with no reading for ``period``."""
    has_reading = exists().where(Reading.meter_id == Meter.id, Reading.period == period)
    rows = await s.execute(
        select(AccountLink.user_id, Organization.id, Organization.reading_window_from,
               Organization.reading_window_to, Meter.id, Meter.resource, Meter.serial_number)
        .join(Account, Account.id == AccountLink.account_id)
        .join(Organization, Organization.id == Account.provider_id)
        .join(Meter, Meter.account_id == Account.id)
        .join(User, User.id == AccountLink.user_id)
        .where(User.is_active.is_(True), User.notify_readings.is_(True), ~has_reading,
               # a reading taken this month (e.g. imported from the registry) counts too
               (Meter.last_read_on.is_(None)) | (Meter.last_read_on < since))
        .order_by(AccountLink.user_id, Meter.id)
    )
    return list(rows)


async def remind_readings(sessions: async_sessionmaker[AsyncSession], clock: Clock, default_from: int = 20,
                          default_to: int = 25) -> int:
    """First days of the window: «открыт приём»; the day before its last day: «завтра последний день».

    Only meters without a reading for this period are named; users with none such get nothing.
    """
    today = clock.today()
    period = current_period(today)
    async with sessions() as s:
        rows = await _meters_missing(s, period, today.replace(day=1))
    # (user, provider) → stage, last day, meters
    groups: dict[tuple[int, int], list[MeterLine]] = defaultdict(list)
    stage_of: dict[tuple[int, int], tuple[PushKind, dt.date]] = {}
    for user_id, org_id, w_from, w_to, meter_id, resource, serial in rows:
        first, final = window_days(today, w_from, w_to, default_from, default_to)
        if final > first and today.day == final - 1:
            stage = PushKind.readings_last
        elif first <= today.day < final - 1 or (today.day == first == final):
            stage = PushKind.readings_open
        else:
            continue
        key = (user_id, org_id)
        stage_of[key] = (stage, today.replace(day=final))
        groups[key].append(MeterLine(meter_id=meter_id, resource=resource, serial=serial))
    pushes = []
    for (user_id, org_id), meters in groups.items():
        stage, last_day = stage_of[(user_id, org_id)]
        notice = ReadingsNotice(period=period, last_day=last_day, meters=meters)
        pushes.append(Push(user_id, stage, f"org{org_id}", period, notice))
    return await enqueue(sessions, pushes, clock)


async def remind_verification(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """30 and 7 days before ``next_verification_on``, and on the day (until 3 days after, if the bot was down)."""
    today = clock.today()
    async with sessions() as s:
        rows = (await s.execute(
            select(AccountLink.user_id, Meter.id, Meter.resource, Meter.serial_number, Meter.next_verification_on)
            .join(Account, Account.id == AccountLink.account_id)
            .join(Meter, Meter.account_id == Account.id)
            .join(User, User.id == AccountLink.user_id)
            .where(User.is_active.is_(True), User.notify_verification.is_(True),
                   Meter.next_verification_on >= today - dt.timedelta(days=3),
                   Meter.next_verification_on <= today + dt.timedelta(days=30))
            .order_by(AccountLink.user_id, Meter.id)
        )).all()
    pushes = []
    for user_id, meter_id, resource, serial, due in rows:
        days_left = (due - today).days
        for name, start, until in VERIFICATION_STAGES:
            if until < days_left <= start:
                notice = VerificationNotice(meter=MeterLine(meter_id=meter_id, resource=resource, serial=serial),
                                            due=due, days_left=days_left)
                pushes.append(Push(user_id, PushKind.verification, f"m{meter_id}", f"{due:%Y%m%d}-{name}", notice))
                break
    return await enqueue(sessions, pushes, clock)


# ------------------------------------------------------------------------------------------------ meetings
# Who hears a meeting push is the voting service's rule (``voting.push_recipients``: registered owners of the house
# with meeting pushes on; «завтра заканчивается» only to those who have not sent a decision); here only when.
MEETING_KIND = {voting.PushKind.opened: PushKind.meeting_open, voting.PushKind.eve: PushKind.meeting_end,
                voting.PushKind.results: PushKind.meeting_results}


def _stage(meeting: Meeting, clock: Clock) -> voting.PushKind | None:
    """Voting on now: «началось», or from the local day before the last day «завтра заканчивается» (the last day of
    a meeting that ends at midnight is the day before that midnight)."""
    if not (meeting.starts_at <= clock.utcnow() < meeting.ends_at):
        return None
    ends_local = last_minute(clock.to_local(meeting.ends_at))
    eve_from = dt.datetime.combine(ends_local.date() - dt.timedelta(days=1), dt.time(0), tzinfo=ends_local.tzinfo)
    return voting.PushKind.eve if clock.now() >= eve_from else voting.PushKind.opened


async def publish_meetings(sessions: async_sessionmaker[AsyncSession], meeting_ids: Iterable[int], clock: Clock) -> int:
    """«Началось голосование» (or «завтра заканчивается») for meetings whose voting is on now."""
    ids = list(meeting_ids)
    if not ids:
        return 0
    async with sessions() as s:
        rows = (await s.execute(select(Meeting, House).join(House, House.id == Meeting.house_id)
                                .where(Meeting.id.in_(ids)).order_by(Meeting.id))).all()
    pushes: list[Push] = []
    for meeting, house in rows:
        stage = _stage(meeting, clock)
        if stage is None:
            continue
        notice = MeetingNotice(meeting_id=meeting.id, address=house_address(house), title=meeting.title,
                               ends=last_minute(clock.to_local(meeting.ends_at)), binding=bool(house.evoting_decision))
        pushes += [Push(p.user_id, MEETING_KIND[stage], f"mt{meeting.id}", "-", notice)
                   for p in await voting.push_recipients(sessions, meeting.id, stage)]
    return await enqueue(sessions, pushes, clock)


async def remind_meetings(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    now = clock.utcnow()
    async with sessions() as s:
        ids = (await s.execute(select(Meeting.id).where(Meeting.starts_at <= now, Meeting.ends_at > now)))
        ids = ids.scalars().all()
    return await publish_meetings(sessions, ids, clock)


async def publish_results(sessions: async_sessionmaker[AsyncSession], meeting_ids: Iterable[int], clock: Clock) -> int:
    """«Итоги голосования» of meetings just closed (the meetings_close job), to everyone who might vote."""
    pushes: list[Push] = []
    for meeting_id in meeting_ids:
        r = await voting.results(sessions, meeting_id)
        if r is None:
            continue
        notice = MeetingResultsNotice(
            meeting_id=r.meeting_id, address=r.address, title=r.title, binding=r.binding, quorum=r.quorum,
            items=[MeetingItemResult(number=i.number, question=i.question, outcome=i.outcome.value) for i in r.items])
        pushes += [Push(p.user_id, PushKind.meeting_results, f"mt{meeting_id}", "-", notice)
                   for p in await voting.push_recipients(sessions, meeting_id, voting.PushKind.results)]
    return await enqueue(sessions, pushes, clock)


async def close_meetings(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> tuple[int, int]:
    """The meetings_close job: close every meeting whose voting has ended and queue its results.
    Returns (meetings closed, pushes queued)."""
    closed = await voting.close_due(sessions, clock.utcnow())
    return len(closed), await publish_results(sessions, closed, clock)


# ------------------------------------------------------------------------------------------------ «Подробнее»
@dataclass(frozen=True)
class MeterVerification:
    resource: str
    serial: str
    due: dt.date | None


async def meter_for_user(sessions: async_sessionmaker[AsyncSession], user_id: int,
                         meter_id: int) -> MeterVerification | None:
    """«Подробнее» under a verification reminder: only for a meter of an account the user is linked to."""
    async with sessions() as s:
        row = (await s.execute(
            select(Meter.resource, Meter.serial_number, Meter.next_verification_on)
            .join(AccountLink, AccountLink.account_id == Meter.account_id)
            .where(Meter.id == meter_id, AccountLink.user_id == user_id)
        )).first()
    return None if row is None else MeterVerification(row[0], row[1], row[2])
