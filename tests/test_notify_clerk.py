"""Pushes as a clerk expects them: quiet hours announced with «Отправить сейчас» / «Утром», a broadcast to nobody
refused, a changed outage told in full to newcomers and as «was → now» to the others; two clerks changing one
outage at once are serialized; «сейчас», «завтра в 10», «с 23 до 8» understood; years outside 2000–2100 refused."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from bot.services import outages as svc
from bot.services.notify.quiet import parse_quiet_hours
from bot.services.notify.sender import Outgoing, Sender
from bot.texts import common as tc
from bot.texts import notify as t
from bot.texts import settings as ts
from storage.models import House, Notification, Outage, User
from tests.factories import link, world
from tests.pushes import delivered, shown


async def rows(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


async def outage(sessions, oid: int) -> Outage:
    async with sessions() as s:
        return await s.get(Outage, oid)


async def new_outage_dialog(staff, reason: str = "замена задвижки"):
    await staff.send("/outage")
    (r,) = await staff.send("Бауманская 44")
    await staff.click(r.buttons[0])
    await staff.click("Горячая вода")
    await staff.send("25.11 10:00")
    await staff.send("25.11 18:00")
    await staff.click(t.BTN_PLANNED)
    (preview,) = await staff.send(reason)
    return preview


# ------------------------------------------------------------------------------------------------ quiet hours
async def test_outage_in_quiet_hours_offers_now_or_morning(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    clock.set(dt.datetime(2026, 11, 19, 23, 10))
    preview = await new_outage_dialog(staff, "утром")
    assert "тихие часы" in preview.text and "<b>завтра в 09:00</b>" in preview.text
    assert preview.buttons == [t.BTN_NOW, t.BTN_MORNING, t.BTN_CANCEL]
    replies = await staff.click(t.BTN_MORNING)
    assert replies[-1].text == t.PUBLISHED_MORNING.format(count="1 уведомление", when="завтра в 09:00")
    (n,) = await rows(sessions)
    assert not n.urgent
    # the same in another house-part: «Отправить сейчас» goes through the quiet hours
    async with sessions.begin() as s:
        await s.execute(Notification.__table__.delete())
        await s.execute(Outage.__table__.delete())
    await new_outage_dialog(staff, "сразу")
    replies = await staff.click(t.BTN_NOW)
    assert replies[-1].text == t.PUBLISHED.format(count="1 уведомление")
    (n,) = await rows(sessions)
    assert n.urgent
    sent: list[int] = []

    async def send(msg: Outgoing) -> None:
        sent.append(msg.user_id)

    async def no_sleep(_s: float) -> None:
        return None

    await Sender(sessions, send, clock, sleep=no_sleep, per_chat=0).drain()
    assert sent == [111]  # at 23:10, as the clerk chose


async def test_outage_outside_quiet_hours_just_publishes(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    preview = await new_outage_dialog(staff)
    assert "тихие часы" not in preview.text and preview.buttons == [t.BTN_PUBLISH, t.BTN_CANCEL]


async def test_broadcast_in_quiet_hours_and_to_nobody(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await staff.send("/broadcast")
    (r,) = await staff.send("Петровско-Разумовский 12")  # nobody of that house uses the bot
    replies = await staff.click(r.buttons[0])
    assert "Рассылать некому" in replies[-1].text and "Петровско-Разумовский" in replies[-1].text
    (r,) = await staff.send("Бауманская 44")  # the step stays: another house can be picked
    await staff.click(r.buttons[0])
    clock.set(dt.datetime(2026, 11, 20, 6, 30))
    (preview,) = await staff.send("Отключим лифт на час")
    assert "<b>сегодня в 09:00</b>" in preview.text and preview.buttons == [t.BTN_NOW, t.BTN_MORNING, t.BTN_CANCEL]
    replies = await staff.click(t.BTN_MORNING)
    assert replies[-1].text == t.BC_SENT_MORNING.format(count="1 сообщение", when="сегодня в 09:00")
    (n,) = await rows(sessions)
    assert not n.urgent


async def test_broadcast_to_all_when_nobody_is_linked(staff, sessions):
    await world(sessions)
    await staff.send("/broadcast")
    replies = await staff.click(t.BTN_ALL_HOUSES)
    assert replies[-1].text == t.BC_NOBODY["all"]
    with pytest.raises(svc.BroadcastError):
        await svc.broadcast(sessions, None, "x", None, "b1")


# ------------------------------------------------------------------------------------------------ changes
async def test_changed_outage_full_to_newcomers_was_now_to_the_others(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="hot_water",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason="ремонт")
    assert await svc.publish_outages(sessions, [o.id], clock) == 1
    await delivered(sessions)
    await link(sessions, 112, w.power_account)  # linked after the announcement
    await svc.change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 11, 26, 18))
    assert await svc.publish_outages(sessions, [o.id], clock) == 2
    _first, old, new = await rows(sessions)
    assert (old.user_id, new.user_id) == (111, 112)
    changed = shown(old)
    assert "Изменено отключение горячей воды" in changed
    assert "окончание: 25 ноября, 20:00 → 26 ноября, 18:00" in changed and "начало" not in changed
    full = shown(new)
    assert "Плановое отключение горячей воды" in full and "Изменено" not in full and "ремонт" in full
    assert "с 25 ноября, 10:00 до 26 ноября, 18:00" in full


async def test_cancel_is_no_news_to_someone_never_told(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="gas",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason=None)
    await svc.publish_outages(sessions, [o.id], clock)
    await delivered(sessions)
    await link(sessions, 112, w.power_account)
    await svc.change_outage(sessions, clock, o.id, status="cancelled")
    assert await svc.publish_outages(sessions, [o.id], clock) == 1
    assert [n.user_id for n in await rows(sessions)] == [111, 111]


# ------------------------------------------------------------------------------------------------ serialized
async def test_move_while_another_clerk_cancels(staff, sessions, clock):
    """Staff A opens «изменить срок», staff B cancels meanwhile: A is told «уже отменено», nothing of A's is
    written, the outage is cancelled at one revision with its end as it was."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="hot_water",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason=None)
    await staff.send("/outages")
    await staff.click(t.BTN_EDIT.format(id=o.id))
    await svc.change_outage(sessions, clock, o.id, status="cancelled", revision=1)  # staff B
    (r,) = await staff.send("26.11 18:00")
    assert "уже отменено" in r.text and "Не сохранено" in r.text
    now = await outage(sessions, o.id)
    assert now.status == "cancelled" and now.revision == 2
    assert clock.to_local(now.ends_at).replace(tzinfo=None) == dt.datetime(2026, 11, 25, 20)
    replies = await staff.send("26.11 18:00")  # the dialog is over: the text is not taken as an end any more
    assert all("Не сохранено" not in r.text for r in replies)
    assert (await outage(sessions, o.id)).revision == 2


async def test_yes_under_an_outdated_question(staff, sessions, clock):
    w = await world(sessions)
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="gas",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason=None)
    await staff.send("/outages")
    await staff.click(t.BTN_CANCEL_OUTAGE.format(id=o.id))
    await svc.change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 11, 26, 20))  # staff B moved it
    replies = await staff.click(t.BTN_SURE["cancelled"].format(id=o.id))
    assert replies[0].method == "answerCallbackQuery" and "уже изменили" in replies[0].text
    assert "26 ноября, 20:00" in replies[0].text
    now = await outage(sessions, o.id)
    assert now.status == "active" and now.revision == 2


async def test_two_changes_at_once_one_wins(sessions, clock):
    w = await world(sessions)
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="gas",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason=None)
    results = await asyncio.gather(
        svc.change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 11, 26, 20), revision=1),
        svc.change_outage(sessions, clock, o.id, status="cancelled", revision=1),
        return_exceptions=True)
    wins = [r for r in results if isinstance(r, svc.OutageInfo)]
    losses = [r for r in results if isinstance(r, svc.OutageError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].reason in (svc.OutageReason.changed_meanwhile, svc.OutageReason.cancelled)
    now = await outage(sessions, o.id)
    assert now.revision == 2
    moved = clock.to_local(now.ends_at).day == 26
    assert (now.status == "cancelled") != moved  # one change, not both


# ------------------------------------------------------------------------------------------------ typed dates
def test_now_and_tomorrow_at_ten(clock):
    assert svc.parse_local("сейчас", clock) == dt.datetime(2026, 11, 19, 12, 0)
    assert svc.parse_local("Завтра в 10", clock) == dt.datetime(2026, 11, 20, 10, 0)
    assert svc.parse_local("завтра 10:30", clock) == dt.datetime(2026, 11, 20, 10, 30)
    assert svc.parse_local("сегодня в 18 часов", clock) == dt.datetime(2026, 11, 19, 18, 0)
    assert svc.parse_period("с сейчас до завтра в 10", clock) == (dt.datetime(2026, 11, 19, 12, 0),
                                                                 dt.datetime(2026, 11, 20, 10, 0))
    for typed in ("31.12.9999 23:59", "01.01.1999 10:00", "01.01.2101 00:00"):
        with pytest.raises(svc.OutageError) as exc:
            svc.parse_local(typed, clock)
        assert exc.value.reason == svc.OutageReason.bad_year, typed
    assert svc.parse_local("31.12.2100 23:59", clock) == dt.datetime(2100, 12, 31, 23, 59)


async def test_staff_types_now_and_a_year_out_of_range(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await staff.send("/outage")
    (r,) = await staff.send("Бауманская 44")
    await staff.click(r.buttons[0])
    await staff.click("Холодная вода")
    (r,) = await staff.send("сейчас")
    assert "Шаг 4" in r.text
    (r,) = await staff.send("31.12.9999 23:59")
    assert r.text == t.OUTAGE_ERRORS["bad_year"]  # the step stays
    (r,) = await staff.send("завтра в 10")
    assert r.buttons == [t.BTN_PLANNED, t.BTN_EMERGENCY]


# ------------------------------------------------------------------------------------------------ quiet hours typed
async def test_resident_types_quiet_hours_the_way_people_say_them(client, sessions):
    await client.send("/start")
    await client.send(tc.BTN_SETTINGS)
    await client.click("🌙 Тихие часы: 22:00–09:00")
    (r,) = await client.send("с 25 до 8")
    assert r.text == ts.BAD_QUIET.format(error=ts.QUIET_ERRORS["range"])
    (r,) = await client.send("с 23 до 8")
    assert "<b>23:00–08:00</b>" in r.text
    async with sessions() as s:
        u = await s.get(User, client.user.id)
    assert (u.quiet_from, u.quiet_to) == (23 * 60, 8 * 60)


def test_quiet_hours_setting(settings):
    made = type(settings)(**{**settings.model_dump(), "quiet_hours": ""})
    assert parse_quiet_hours(made.quiet_hours) == (0, 0)  # empty: no quiet hours
    made = type(settings)(**{**settings.model_dump(), "quiet_hours": "с 23 до 8"})
    assert parse_quiet_hours(made.quiet_hours) == (1380, 480)
    with pytest.raises(ValidationError, match="часы от 0 до 23"):
        type(settings)(**{**settings.model_dump(), "quiet_hours": "25-9"})


async def test_empty_quiet_hours_means_off(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    async with sessions.begin() as s:
        await s.execute(update(House).where(House.id == w.house.id).values(street="Бауманская"))
    clock.set(dt.datetime(2026, 11, 19, 23, 30))
    o = await svc.create_outage(sessions, clock, house_id=w.house.id, resource="gas",
                                starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 20),
                                kind="planned", reason=None)
    assert await svc.publish_outages(sessions, [o.id], clock, "") == 1
    sent: list[int] = []

    async def send(msg: Outgoing) -> None:
        sent.append(msg.user_id)

    async def no_sleep(_s: float) -> None:
        return None

    stats = await Sender(sessions, send, clock, sleep=no_sleep, per_chat=0, quiet_hours="").drain()
    assert sent == [111] and stats.deferred == 0


# ------------------------------------------------------------------------------------------------ the list pages
async def test_outages_list_pages(staff, sessions, clock):
    w = await world(sessions)
    made = [await svc.create_outage(sessions, clock, house_id=w.house.id, resource="gas",
                                    starts=dt.datetime(2026, 11, 20 + i, 10), ends=dt.datetime(2026, 11, 20 + i, 18),
                                    kind="planned", reason=None) for i in range(7)]
    (r,) = await staff.send("/outages")
    assert "страница 1 из 2" in r.text and "всего 7" in r.text
    assert f"№{made[4].id} ·" in r.text and f"№{made[5].id} ·" not in r.text
    assert tc.BTN_NEXT in r.buttons and tc.BTN_BACK not in r.buttons
    (r,) = [x for x in await staff.click(tc.BTN_NEXT) if x.method == "editMessageText"]
    assert "страница 2 из 2" in r.text and f"№{made[6].id} ·" in r.text and f"№{made[0].id} ·" not in r.text
    assert tc.BTN_BACK in r.buttons and t.BTN_EDIT.format(id=made[5].id) in r.buttons


async def test_a_row_queued_before_the_outbox_kept_data_is_still_sent(sessions, clock):
    async with sessions.begin() as s:
        s.add(User(id=1, first_name="a"))
        await s.flush()
        s.add(Notification(key="1:news:old:-", user_id=1, kind="news", text="📣 старый <b>текст</b>", buttons=None,
                           urgent=False, status="pending", attempts=0, not_before=clock.utcnow(),
                           created_at=clock.utcnow()))
    from bot.notify_adapter import rendered

    sent: list[str] = []

    async def send(msg: Outgoing) -> str:
        text = rendered(msg).text
        sent.append(text)
        return text

    async def no_sleep(_s: float) -> None:
        return None

    stats = await Sender(sessions, send, clock, sleep=no_sleep, per_chat=0, quiet_hours="off").drain()
    assert stats.sent == 1 and sent == ["📣 старый <b>текст</b>"]
