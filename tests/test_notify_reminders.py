"""Who gets which reminder, and that running a job again adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aiogram.methods import SendMessage
from sqlalchemy import select, update

from bot.fsm.readings import MeterAction, MeterCD
from bot.scheduler import JOBS, build_scheduler, run_job
from bot.services import outages
from bot.services.notify import reminders
from storage.models import AgendaItem, Meeting, Meter, Notification, Outage, Owner, Reading, User, Vote
from tests.factories import link, world
from tests.pushes import buttons_of, delivered, text_of


async def notes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


# ------------------------------------------------------------------------------------------------ readings
async def test_reading_window_opens_for_those_without_readings(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)  # no meters there
    clock.set(dt.datetime(2026, 11, 19, 10, 0))
    assert await reminders.remind_readings(sessions, clock) == 0  # window opens on the 20th
    clock.set(dt.datetime(2026, 11, 20, 10, 0))
    assert await reminders.remind_readings(sessions, clock) == 1
    assert await reminders.remind_readings(sessions, clock) == 0  # second run: nothing new
    (n,) = await notes(sessions)
    assert n.user_id == 111 and n.kind == "readings_open" and n.key == f"111:readings_open:org{w.uk.id}:2026-11"
    assert "ХВ-001" in text_of(n) and "ГВ-001" in text_of(n) and "25 ноября" in text_of(n)
    # two meters to submit: the button opens the «Передать показания» list
    assert buttons_of(n) == [("Передать показания", MeterCD(action=MeterAction.readings).pack())]


async def test_last_day_tomorrow_only_to_those_still_missing(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 333, w.account)
    async with sessions.begin() as s:
        s.add(User(id=444, first_name="x"))
    await link(sessions, 444, w.power_account)
    async with sessions.begin() as s:  # 111 and 333 share the account: its readings are in for both meters
        for m in (w.cold, w.hot):
            s.add(Reading(meter_id=m.id, value=Decimal("120"), taken_on=dt.date(2026, 11, 21), period="2026-11",
                          user_id=111))
    clock.set(dt.datetime(2026, 11, 24, 10, 0))
    assert await reminders.remind_readings(sessions, clock) == 1
    (n,) = await notes(sessions)
    assert n.user_id == 444 and n.kind == "readings_last" and "Э-777" in text_of(n)


async def test_organization_window_and_turned_off_setting(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    async with sessions.begin() as s:
        await s.execute(update(type(w.uk)).where(type(w.uk).id == w.uk.id)
                        .values(reading_window_from=15, reading_window_to=19))
    clock.set(dt.datetime(2026, 11, 15, 10, 0))
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 111).values(notify_readings=False))
    assert await reminders.remind_readings(sessions, clock) == 0
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 111).values(notify_readings=True))
    assert await reminders.remind_readings(sessions, clock) == 1
    clock.set(dt.datetime(2026, 11, 18, 10, 0))
    assert await reminders.remind_readings(sessions, clock) == 1
    assert [n.kind for n in await notes(sessions)] == ["readings_open", "readings_last"]


# ------------------------------------------------------------------------------------------------ verification
async def test_verification_30_7_and_on_the_day(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    due = dt.date(2026, 12, 19)
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=due))
    clock.set(dt.datetime(2026, 11, 18, 10, 0))  # 31 days before
    assert await reminders.remind_verification(sessions, clock) == 0
    clock.set(dt.datetime(2026, 11, 19, 10, 0))  # 30 days before
    assert await reminders.remind_verification(sessions, clock) == 1
    clock.set(dt.datetime(2026, 11, 25, 10, 0))  # the bot was down for days: still only the one
    assert await reminders.remind_verification(sessions, clock) == 0
    clock.set(dt.datetime(2026, 12, 12, 10, 0))
    assert await reminders.remind_verification(sessions, clock) == 1
    clock.set(dt.datetime(2026, 12, 19, 10, 0))
    assert await reminders.remind_verification(sessions, clock) == 1
    assert await reminders.remind_verification(sessions, clock) == 0
    texts = [text_of(n) for n in await notes(sessions)]
    assert "Через месяц" in texts[0] and "Через неделю" in texts[1] and "Сегодня" in texts[2]
    assert all("ХВ-001" in x for x in texts)


# ------------------------------------------------------------------------------------------------ outages
async def add_outage(sessions, house_id, clock, **kw) -> int:
    values = dict(resource="hot_water", starts_at=clock.to_utc(dt.datetime(2026, 11, 20, 10, 0)),
                  ends_at=clock.to_utc(dt.datetime(2026, 11, 21, 18, 0)), kind="planned", reason="ремонт")
    values.update(kw)
    async with sessions.begin() as s:
        o = Outage(house_id=house_id, **values)
        s.add(o)
        await s.flush()
        return o.id


async def test_outage_reaches_every_resident_of_the_house_once(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 112, w.power_account)
    await link(sessions, 113, w.account, w.power_account)
    await link(sessions, 222, w.other_account)
    async with sessions.begin() as s:
        s.add(User(id=999, first_name="never linked"))
    oid = await add_outage(sessions, w.house.id, clock)
    assert await outages.publish_outages(sessions, [oid], clock) == 3
    assert await outages.publish_outages(sessions, [oid], clock) == 0
    ns = await notes(sessions)
    assert sorted(n.user_id for n in ns) == [111, 112, 113]
    assert all("горячей воды" in text_of(n) and "20 ноября, 10:00" in text_of(n) for n in ns)
    assert not any(n.urgent for n in ns)
    # a change bumps the revision: one more notice each («Изменено» to those who got the first one)
    await delivered(sessions)
    info = await outages.change_outage(sessions, clock, oid, ends=dt.datetime(2026, 11, 22, 18, 0))
    assert info.revision == 2
    assert await outages.publish_outages(sessions, [oid], clock) == 3
    assert "Изменено" in text_of((await notes(sessions))[-1])


async def test_emergency_is_urgent_and_old_or_unheard_of_are_silent(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    e = await add_outage(sessions, w.house.id, clock, kind="emergency", resource="cold_water",
                         starts_at=clock.utcnow(), ends_at=clock.utcnow() + dt.timedelta(hours=5))
    past = await add_outage(sessions, w.house.id, clock, resource="gas",
                            starts_at=clock.to_utc(dt.datetime(2026, 11, 1, 10)),
                            ends_at=clock.to_utc(dt.datetime(2026, 11, 2, 10)))
    cancelled = await add_outage(sessions, w.house.id, clock, resource="heat", status="cancelled")
    assert await outages.publish_outages(sessions, [e, past, cancelled], clock) == 1
    (n,) = await notes(sessions)
    assert n.urgent and "Аварийное" in text_of(n)


async def test_evening_before(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    await add_outage(sessions, w.house.id, clock)  # tomorrow 10:00
    await add_outage(sessions, w.other_house.id, clock, starts_at=clock.to_utc(dt.datetime(2026, 11, 25, 10)),
                     ends_at=clock.to_utc(dt.datetime(2026, 11, 25, 18)))
    clock.set(dt.datetime(2026, 11, 19, 18, 0))
    assert await outages.remind_eve(sessions, clock) == 1
    assert await outages.remind_eve(sessions, clock) == 0
    (n,) = await notes(sessions)
    assert n.user_id == 111 and n.kind == "outage_eve" and "Завтра" in text_of(n)


# ------------------------------------------------------------------------------------------------ meetings
async def test_meeting_reminders_to_owners_who_have_not_voted(sessions, clock):
    """Only owners with a registered right (an owner row of the house with their shared phone and an ЕГРН record)
    hear of the meeting: a tenant linked to the same account does not, nor an owner without a record."""
    from tests.factories import PAYER_PHONE

    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 333, w.account)  # a tenant: linked, but no owner of the house has their phone
    await link(sessions, 444, w.power_account)  # an owner whose right is not registered
    await link(sessions, 222, w.other_account)  # other house
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 111).values(phone=PAYER_PHONE))
        await s.execute(update(User).where(User.id == 333).values(phone="+79990000333"))
        await s.execute(update(User).where(User.id == 444).values(phone="+79990000444"))
        s.add(Owner(premises_id=w.flat.id, owner_name="Без записи", share_num=1, share_den=2, phone="+79990000444",
                    egrn_record=None))
        m = Meeting(meeting_id="M-1", house_id=w.house.id, title="Ремонт крыши",
                    starts_at=clock.to_utc(dt.datetime(2026, 11, 19, 9)),
                    ends_at=clock.to_utc(dt.datetime(2026, 11, 30, 20)))
        s.add(m)
        await s.flush()
        item = AgendaItem(meeting_id=m.id, number=1, question="Ремонт?")
        s.add(item)
        await s.flush()
        mid, item_id = m.id, item.id
    assert await reminders.publish_meetings(sessions, [mid], clock) == 1
    assert await reminders.remind_meetings(sessions, clock) == 0
    clock.set(dt.datetime(2026, 11, 29, 12, 0))
    assert await reminders.remind_meetings(sessions, clock) == 1
    kinds = [(n.user_id, n.kind) for n in await notes(sessions)]
    assert kinds == [(111, "meeting_open"), (111, "meeting_end")]
    # voted: no more reminders (a new meeting-end key would otherwise be new)
    async with sessions.begin() as s:
        await s.execute(Notification.__table__.delete())
        s.add(Vote(agenda_item_id=item_id, owner_id=w.owner.id, user_id=111, choice="for"))
    assert await reminders.remind_meetings(sessions, clock) == 0


# ------------------------------------------------------------------------------------------------ scheduler
async def test_scheduler_has_fixed_jobs(sessions, settings, clock, bot):
    scheduler = build_scheduler(sessions, settings, clock, bot)
    ids = sorted(j.id for j in scheduler.get_jobs())
    assert ids == sorted(JOBS) and {"sender", "readings", "verification", "outages", "outages_eve",
                                    "meetings"} <= set(ids)
    assert all(j.misfire_grace_time >= 30 and j.coalesce for j in scheduler.get_jobs())
    assert next(j for j in scheduler.get_jobs() if j.id == "readings").misfire_grace_time >= 3600


async def test_jobs_run_twice_sends_nothing_twice(sessions, settings, clock, bot):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    await add_outage(sessions, w.house.id, clock)
    lines = await run_job("outages", sessions, settings, clock, bot)
    assert "в очереди: 1 уведомление" in lines[0] and "отправлено: 1 сообщение" in lines[1]
    lines = await run_job("outages", sessions, settings, clock, bot)
    assert "в очереди: 0 уведомлений" in lines[0] and "отправлено: 0 сообщений" in lines[1]
    sent = [r for r in bot.session.requests if isinstance(r, SendMessage)]
    assert [r.chat_id for r in sent] == [111]
    assert sent[0].reply_markup.inline_keyboard[0][0].text == "Подробнее"
