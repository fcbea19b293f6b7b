"""«Написать обращение» at the dead ends of the other flows, through the Dispatcher: a meter past its verification
(the readings flow refuses its value), a rejected account link and the linking flow's lockouts, an outage push and
its «Подробнее» card — each a button AppealNewCD(topic, house) with the topic and the house filled in (the compose
dialog opens it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.fsm.appeals import AppealNewCD
from bot.fsm.notify import OutageInfoCD
from bot.services.appeals import mine, topics
from bot.texts import accounts as ta
from bot.texts import common as ct
from bot.texts import my_appeals as t
from bot.texts import readings as tr
from bot.views.pushes import render
from storage.models import Meter, Notification, Outage
from storage.vocab import Resource
from tests.factories import link, world
from tests.test_accounts import (
    request_staff,
    staff_reply,
    staff_request_message,
    to_number_step,
    to_proof_step,
)

COLD = "Холодная вода ХВ-001"


def write_buttons(replies) -> list[str]:
    """The callback data of every «Написать обращение» button in these replies."""
    return [b.callback_data for r in replies if r.inline for row in r.inline.inline_keyboard for b in row
            if b.text == t.BTN_WRITE]


def test_the_topics_exist_and_fit():
    assert topics.get(mine.TOPIC_OVERDUE_METER).title == "Информация о приборах учёта и показаниях"
    assert topics.get(mine.TOPIC_ACCOUNT_LINK).title == "Подключение лицевого счёта к системе"
    assert {r: topics.get(mine.outage_topic(r.value)).title for r in Resource} == {
        Resource.cold_water: "Холодное водоснабжение", Resource.hot_water: "Горячее водоснабжение",
        Resource.heat: "Отопление", Resource.electricity: "Электроснабжение", Resource.gas: "Газоснабжение"}
    assert mine.outage_topic("heating") == "5.4" and mine.outage_topic("steam") == "5"


async def test_an_overdue_meter_offers_an_appeal(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 11, 1)))
    await client.send(tr.TITLE)
    replies = await client.click(COLD)
    refusal = replies[-1]
    assert "истёк <b>01.11.2026</b>" in refusal.text
    assert write_buttons([refusal]) == [AppealNewCD(topic="7.3", house=w.house.id).pack()]


async def test_all_in_turn_offers_it_for_the_skipped_meter(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 1, 1)))
    await client.send(tr.TITLE)
    replies = await client.click(tr.BTN_ALL)
    skipped = next(r for r in replies if "пропущен" in r.text)
    assert write_buttons([skipped]) == [AppealNewCD(topic="7.3", house=w.house.id).pack()]


async def test_a_rejected_link_offers_an_appeal(client, staff, sessions):
    w = await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    _, mid = staff_request_message(client.bot)
    staff.new_replies()
    replies = await staff_reply(staff, mid, "Отклонить: в реестре другой плательщик")
    told = next(r for r in replies if r.chat_id == client.user.id)
    assert "Причина: в реестре другой плательщик" in told.text
    assert write_buttons([told]) == [AppealNewCD(topic="3.6", house=w.house.id).pack()]


async def test_an_approved_link_offers_nothing(client, staff, sessions):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    _, mid = staff_request_message(client.bot)
    staff.new_replies()
    replies = await staff_reply(staff, mid, "Подтверждаю")
    told = next(r for r in replies if r.chat_id == client.user.id)
    assert write_buttons([told]) == []


async def test_the_linking_lockout_offers_an_appeal(client, sessions):
    w = await world(sessions)
    await to_number_step(client)
    for _ in range(4):
        await client.send("000")
    (stop,) = await client.send("000")
    assert "подключение остановлено" in stop.text
    assert write_buttons([stop]) == [AppealNewCD(topic="3.6", house=w.house.id).pack()]
    # a new run is stopped at once, with the same offer
    await client.send(ct.BTN_ACCOUNTS)
    replies = await client.click(ta.BTN_LINK)
    assert "неверных номеров" in replies[-1].text
    assert write_buttons(replies[-1:]) == [AppealNewCD(topic="3.6", house=w.house.id).pack()]


async def test_an_outage_push_and_its_card_offer_an_appeal(client, staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await staff.send("/outage")
    await staff.send("Бауманская 44")
    await staff.click("г. Москва, ул. Бауманская, д. 44")
    await staff.click("Горячая вода")
    await staff.send("20.11 10:00")
    await staff.send("21.11 18:00")
    await staff.click("Плановое")
    await staff.send("замена задвижки")
    await staff.click("Опубликовать")
    async with sessions() as s:
        (note,) = (await s.execute(select(Notification))).scalars()
        outage = (await s.execute(select(Outage))).scalar_one()
    push = render(note.kind, note.payload)
    rows = [[b.callback_data for b in row] for row in push.markup.inline_keyboard]
    assert rows == [[OutageInfoCD(id=outage.id).pack()], [AppealNewCD(topic="5.2", house=w.house.id).pack()]]
    # «Подробнее» under the push: the card offers it too
    client.skip_unread()
    replies = await client.click_data(OutageInfoCD(id=outage.id).pack())
    card = next(r for r in replies if r.method == "sendMessage")
    assert "горячей воды" in card.text
    assert write_buttons([card]) == [AppealNewCD(topic="5.2", house=w.house.id).pack()]


async def test_a_push_queued_before_it_kept_the_house_has_no_such_button():
    payload = {"event": "new", "outage": {"id": 5, "address": "ул. Мира, д. 1", "resource": "cold_water",
                                          "starts": "2026-11-20T10:00:00+03:00", "ends": "2026-11-20T18:00:00+03:00",
                                          "kind": "planned"}}
    push = render("outage", payload)
    assert [b.text for row in push.markup.inline_keyboard for b in row] == ["Подробнее"]


async def test_a_cancelled_outage_push_offers_nothing(sessions):
    payload = {"event": "cancelled", "outage": {"id": 5, "address": "ул. Мира, д. 1", "resource": "cold_water",
                                                "starts": "2026-11-20T10:00:00+03:00",
                                                "ends": "2026-11-20T18:00:00+03:00", "kind": "planned",
                                                "status": "cancelled", "house_id": 3}}
    push = render("outage", payload)
    assert t.BTN_WRITE not in [b.text for row in push.markup.inline_keyboard for b in row]
