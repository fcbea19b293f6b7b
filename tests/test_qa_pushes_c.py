"""QA of issue 5 (pushes) on an unseen registry, driven against a Bot API server; the regressions found:
a verification reminder that came late said «Через месяц» 15 days before the date; a registry correction of an
outage the staff had cancelled told everybody «отменено» once more; a planned outage starting at 10:00 tomorrow
was pushed at 23:10 as if it were an emergency."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update

from bot.services import outages
from bot.services.notify import reminders
from bot.services.notify.sender import Outgoing, Sender
from bot.services.registry import import_and_publish
from bot.views.pushes import render
from storage.models import Meter, Notification, Outage, User
from tests.factories import link, world
from tests.pushes import delivered, text_of


async def notes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


# --------------------------------------------------------------------------------------------- verification
async def test_verification_reminder_names_the_days_really_left(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 12, 8)))
        await s.execute(update(Meter).where(Meter.id == w.hot.id).values(next_verification_on=dt.date(2026, 11, 25)))
    clock.set(dt.datetime(2026, 11, 23, 10, 0))  # imported today: 15 and 2 days left
    assert await reminders.remind_verification(sessions, clock) == 2
    cold, hot = [text_of(n) for n in await notes(sessions)]
    assert "Через 15 дней, <b>8 декабря</b>" in cold and "месяц" not in cold
    assert "Через 2 дня, <b>25 ноября</b>" in hot and "неделю" not in hot
    clock.set(dt.datetime(2026, 11, 27, 10, 0))  # the bot was down on the day: the date has passed
    assert await reminders.remind_verification(sessions, clock) == 1
    late = text_of((await notes(sessions))[-1])
    assert "25 ноября</b> истёк срок поверки" in late and "Сегодня" not in late


# --------------------------------------------------------------------------------------------- outages
def _outage_file(folder: Path, guid: str, reason: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outages.csv").write_bytes((
        "\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\r\n"
        f"{guid};hot_water;10.03.2030 10:00;12.03.2030 18:00;planned;{reason}\r\n").encode())
    return folder


async def test_registry_correction_of_a_cancelled_outage_is_no_news(settings, sessions, clock, tmp_path):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)  # the other house hears nothing at all
    report, pushes = await import_and_publish(sessions, str(_outage_file(tmp_path / "a", w.house.house_guid, "Ремонт")), clock, settings.quiet_hours)
    assert report.ok and pushes == 1
    await delivered(sessions)
    async with sessions() as s:
        oid = (await s.execute(select(Outage.id))).scalar_one()
    await outages.change_outage(sessions, clock, oid, status="cancelled")
    assert await outages.publish_outages(sessions, [oid], clock) == 1
    # the clerk fixes a typo in the reason and loads the registry again; and once more
    for _ in range(2):
        report, pushes = await import_and_publish(sessions, str(_outage_file(tmp_path / "b", w.house.house_guid,
                                                                  "Ремонт задвижки")), clock, settings.quiet_hours)
        assert report.ok and pushes == 0
    assert await outages.publish_active(sessions, clock) == 0
    texts = [text_of(n) for n in await notes(sessions)]
    assert [n.user_id for n in await notes(sessions)] == [111, 111]
    assert sum("отменено" in x for x in texts) == 1
    async with sessions() as s:
        o = await s.get(Outage, oid)
        assert o.status == "cancelled" and o.reason == "Ремонт задвижки"


async def test_planned_outage_tomorrow_waits_for_the_morning_not_emergencies(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 112, w.power_account)
    async with sessions.begin() as s:  # 112 sleeps until 11:00
        await s.execute(update(User).where(User.id == 112).values(quiet_from=23 * 60, quiet_to=11 * 60))
    clock.set(dt.datetime(2026, 11, 23, 23, 10))

    def at(day: int, hour: int) -> dt.datetime:
        return clock.to_utc(dt.datetime(2026, 11, day, hour, 0))

    async with sessions.begin() as s:
        tomorrow = Outage(house_id=w.house.id, resource="heat", kind="planned", starts_at=at(24, 10),
                          ends_at=at(24, 18), status="active", source="registry", revision=1)
        dawn = Outage(house_id=w.house.id, resource="gas", kind="planned", starts_at=at(24, 7),
                      ends_at=at(24, 12), status="active", source="registry", revision=1)
        emergency = Outage(house_id=w.house.id, resource="electricity", kind="emergency", starts_at=at(23, 23),
                           ends_at=at(24, 4), status="active", source="staff", revision=1)
        s.add_all([tomorrow, dawn, emergency])
        await s.flush()
        ids = {"tomorrow": tomorrow.id, "dawn": dawn.id, "emergency": emergency.id}
    assert await outages.publish_outages(sessions, ids.values(), clock) == 6
    urgent = {(n.user_id, int(n.key.split(":")[2][1:])): n.urgent for n in await notes(sessions)}
    assert urgent[(111, ids["emergency"])] and urgent[(112, ids["emergency"])]
    assert urgent[(111, ids["dawn"])] and urgent[(112, ids["dawn"])]  # waiting would tell them after it began
    assert not urgent[(111, ids["tomorrow"])]  # 09:00 is an hour before: it waits
    assert urgent[(112, ids["tomorrow"])]  # 112's quiet hours end at 11:00, after it starts

    sent: list[tuple[int, str]] = []

    async def send(msg: Outgoing) -> None:
        sent.append((msg.user_id, render(msg.kind, msg.payload).text))

    async def no_sleep(_seconds: float) -> None:
        return None

    await Sender(sessions, send, clock, sleep=no_sleep, per_chat=0).drain()
    assert sorted(u for u, x in sent if "отопления" in x) == [112]
    clock.set(dt.datetime(2026, 11, 24, 9, 0))
    await Sender(sessions, send, clock, sleep=no_sleep, per_chat=0).drain()
    assert sorted(u for u, x in sent if "отопления" in x) == [111, 112]
    assert len(sent) == 6
