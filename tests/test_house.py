"""«Мой дом» through the Dispatcher: the house card, premises, УК card, contract, council, outages."""

from __future__ import annotations

import datetime as dt

from bot.fsm.accounts import HouseInfoCD, HousePage
from bot.texts import accounts as ta
from bot.texts import common as ct
from bot.texts import house as t
from storage.models import Outage
from tests.factories import UK_INN, UK_KPP, UK_OGRN, link, world


def alert(replies) -> str:
    (reply,) = replies
    assert reply.method == "answerCallbackQuery" and reply.raw.show_alert
    return reply.text


async def test_no_accounts_offers_linking(client, sessions):
    await world(sessions)
    (reply,) = await client.send(ct.BTN_HOUSE)
    assert reply.text == t.NO_HOUSES and reply.buttons == [ta.BTN_LINK]


async def test_house_pages(client, sessions, clock):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    utc = clock.to_utc
    async with sessions.begin() as s:
        s.add_all([
            Outage(house_id=w.house.id, resource="hot_water", kind="planned", reason="Гидравлические испытания",
                   starts_at=utc(dt.datetime(2026, 11, 25, 9)), ends_at=utc(dt.datetime(2026, 11, 25, 18))),
            Outage(house_id=w.house.id, resource="electricity", kind="emergency",
                   starts_at=utc(dt.datetime(2026, 11, 19, 10)), ends_at=utc(dt.datetime(2026, 11, 19, 15))),
            Outage(house_id=w.house.id, resource="cold_water", kind="planned",  # over
                   starts_at=utc(dt.datetime(2026, 11, 1, 10)), ends_at=utc(dt.datetime(2026, 11, 1, 15))),
            Outage(house_id=w.house.id, resource="gas", kind="planned", status="cancelled",
                   starts_at=utc(dt.datetime(2026, 11, 26, 10)), ends_at=utc(dt.datetime(2026, 11, 26, 15))),
            Outage(house_id=w.other_house.id, resource="heat", kind="planned",
                   starts_at=utc(dt.datetime(2026, 11, 26, 10)), ends_at=utc(dt.datetime(2026, 11, 26, 15))),
        ])
    (reply,) = await client.send(ct.BTN_HOUSE)
    for part in ("Информация о доме", "г. Москва, ул. Бауманская, д. 44", "Год постройки: 1968", "Количество этажей: 9",
                 "Общая площадь: 5\u00a0400,5\u00a0м²", "Состояние: исправный", "Общий износ: 32,5 %",
                 "Последний капитальный ремонт: 2015", "на счёте регионального оператора",
                 "Управляющая организация: ООО «УК Тестовая»"):
        assert part in reply.text, part
    assert "Год ввода" not in reply.text  # not given: left out, not printed blank
    assert t.BTN_CHOOSE not in reply.buttons

    reply = (await client.click(t.BTN_PREMISES))[-1]
    for part in ("<b>кв. 12</b>", "Общая площадь: 49,5\u00a0м²", "Жилая площадь: 32,2\u00a0м²", "Кол-во проживающих: 3",
                 "Лицевые счета: 1234567890, ЭЛ-0012"):
        assert part in reply.text, part

    reply = (await client.click(t.BTN_MANAGER))[-1]
    for part in (f"ОГРН: {UK_OGRN}", f"ИНН: {UK_INN}", f"КПП: {UK_KPP}",
                 "Полное наименование: Общество с ограниченной ответственностью «Управляющая компания Тестовая»",
                 "Сокращённое наименование: ООО «УК Тестовая»", "Телефон: +7 495 123-45-67",
                 "Диспетчерская служба: +7 495 765-43-21", "E-mail: uk@example.ru", "Сайт: uk.example.ru",
                 "Лицензия: № 077-000123", "Статус лицензии: действует",
                 "Юридический адрес: г. Москва, ул. Бауманская, д. 1"):
        assert part in reply.text, part
    assert "Почтовый адрес" not in reply.text

    reply = (await client.click(t.BTN_CONTRACT))[-1]
    for part in ("Номер: ДУ-44/2020", "Дата заключения: 01.03.2020", "Дата вступления в силу: 01.04.2020"):
        assert part in reply.text, part
    assert "Планируемая дата окончания" not in reply.text

    reply = (await client.click(t.BTN_COUNCIL))[-1]
    assert "Председатель: Иванова Мария Петровна" in reply.text
    assert "• Петров П. П.\n• Сидоров С. С." in reply.text

    reply = (await client.click(t.BTN_OUTAGES))[-1]
    text = reply.text
    assert "<b>Сейчас:</b>" in text and "Электроэнергия</b> (аварийное): 19.11.2026 10:00 – 15:00" in text
    assert "<b>Запланированы:</b>" in text and "Горячая вода</b> (плановое): 25.11.2026 09:00 – 18:00" in text
    assert "Гидравлические испытания" in text
    assert "Холодная вода" not in text and "Газ" not in text and "Отопление" not in text


async def test_empty_pages_say_so(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.other_account)
    (reply,) = await client.send(ct.BTN_HOUSE)
    assert "проезд Петровско-Разумовский" in reply.text and t.CARD_EMPTY in reply.text
    assert "Год постройки" not in reply.text
    assert t.CONTRACT_EMPTY in (await client.click(t.BTN_CONTRACT))[-1].text
    assert t.COUNCIL_EMPTY in (await client.click(t.BTN_COUNCIL))[-1].text
    assert t.OUTAGES_EMPTY in (await client.click(t.BTN_OUTAGES))[-1].text
    premises = (await client.click(t.BTN_PREMISES))[-1].text
    assert "Кол-во проживающих: значение не указано" in premises and "Жилая площадь" not in premises


async def test_several_houses_choose(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.other_account)
    (reply,) = await client.send(ct.BTN_HOUSE)
    assert reply.text == t.CHOOSE
    assert reply.buttons == ["г. Москва, ул. Бауманская, д. 44", "г. Москва, проезд Петровско-Разумовский, д. 12"]
    reply = (await client.click("г. Москва, проезд Петровско-Разумовский, д. 12"))[-1]
    assert "Петровско-Разумовский" in reply.text and t.BTN_CHOOSE in reply.buttons
    reply = (await client.click(t.BTN_CHOOSE))[-1]
    assert reply.text == t.CHOOSE


async def test_forged_house_is_refused(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    for page in (HousePage.card, HousePage.premises, HousePage.manager, HousePage.outages):
        replies = await client.click_data(HouseInfoCD(page=page, house_id=w.other_house.id).pack())
        assert alert(replies) == ct.NOT_YOURS
    replies = await client.click_data(HouseInfoCD(page=HousePage.card, house_id=424242).pack())
    assert alert(replies) == ct.NOT_YOURS
    # an id beyond the INTEGER column does not unpack (bot/fsm/ids.py): a stale button, not the apology
    replies = await client.click_data(f"hin:{HousePage.card.value}:{10**12}")
    assert alert(replies) == ct.STALE_BUTTON


async def test_house_button_works_inside_a_dialog(client, sessions, dp):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(ta.BTN_LINK)
    replies = await client.send(ct.BTN_HOUSE)
    assert "отменено" in replies[0].text and "Информация о доме" in replies[-1].text
    assert await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state() is None
