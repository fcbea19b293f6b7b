"""Registry text with `<`, `>`, `&` and quotes — a street «ул. <Тег> & Ко», a serial «<b>ХВ-4», organization,
council and contract fields — through every screen of «Передать показания», «Приборы учёта», «Мой дом» and the
staff's /export and /window. The local session parses every message's HTML as Telegram does, so one unescaped
value fails here with Telegram's own «Bad Request»; each screen also shows the value as it was written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

import pytest
from aiogram.exceptions import TelegramAPIError
from sqlalchemy import update

from bot.fsm.readings import MeterAction, MeterCD
from bot.texts import common as ct
from bot.texts import house as th
from bot.texts import readings as t
from storage.models import Account, House, Meter, Organization, Outage, Premises
from tests.factories import RSO_OGRN, UK_OGRN, link, world

STREET = "ул. <Тег> & Ко"
COLD_SERIAL = "<b>ХВ-4"
HOT_SERIAL = 'ГВ-"5" & <i>'
POWER_SERIAL = "Э-<777>&"
FLAT = "12 <i>"
ACCOUNT = "<A&B>"
UK_NAME = "ООО «<УК> & Ко»"
RSO_NAME = 'АО "<Энерго>" & сбыт'
CHAIR = '<Иванова> & "Ко"'
MEMBER = "<b>Петров"
CONTRACT = "ДУ-<44>&1"
CONDITION = "<ветхое> & аварийное"
REASON = "прорыв <трубы> & <i>подвал"
CADASTRAL = "77:<09>&1"


def esc(value: str) -> str:
    return escape(value, quote=True)


def errors(client) -> list[BaseException]:
    """What the Bot API refused in this test (the local session keeps Telegram's «Bad Request» as the result)."""
    return [r for r in client.session.results if isinstance(r, TelegramAPIError)]


def shows(reply, *values: str) -> None:
    for value in values:
        assert esc(value) in reply.text, (value, reply.text)
    assert ct.ERROR not in reply.text


@pytest.fixture
async def w(sessions, client, clock):
    w = await world(sessions)
    async with sessions.begin() as s:
        await s.execute(update(House).where(House.id == w.house.id).values(
            street=STREET, condition=CONDITION, council_chair=CHAIR, council_members=f"{MEMBER};Сидоров & Ко",
            contract_number=CONTRACT))
        await s.execute(update(Premises).where(Premises.id == w.flat.id).values(number=FLAT,
                                                                                  cadastral_number=CADASTRAL))
        await s.execute(update(Account).where(Account.id == w.account.id).values(account_number=ACCOUNT))
        await s.execute(update(Organization).where(Organization.id == w.uk.id).values(short_name=UK_NAME))
        await s.execute(update(Organization).where(Organization.id == w.rso.id).values(short_name=RSO_NAME))
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(serial_number=COLD_SERIAL))
        await s.execute(update(Meter).where(Meter.id == w.hot.id).values(serial_number=HOT_SERIAL))
        await s.execute(update(Meter).where(Meter.id == w.power.id).values(serial_number=POWER_SERIAL))
        s.add(Outage(house_id=w.house.id, resource="heat", kind="emergency", reason=REASON,
                     starts_at=clock.to_utc(dt.datetime(2026, 11, 19, 10)),
                     ends_at=clock.to_utc(dt.datetime(2026, 11, 20, 18))))
    await link(sessions, client.user.id, w.account, w.power_account)
    return w


async def test_readings_screens_with_hostile_registry_text(client, w):
    (lst,) = await client.send(t.TITLE)
    shows(lst, STREET, COLD_SERIAL, HOT_SERIAL, POWER_SERIAL, FLAT, ACCOUNT, UK_NAME, RSO_NAME)
    assert f"Холодная вода {COLD_SERIAL}" in lst.buttons  # a button is plain text: as written

    (_, prompt) = await client.click(f"Холодная вода {COLD_SERIAL}")
    shows(prompt, f"Холодная вода № {COLD_SERIAL}")
    (bad,) = await client.send("<i>12 & 3")
    assert "только цифры" in bad.text
    (ask_date,) = await client.send("105,5")
    assert "105,500" in ask_date.text
    (bad_date,) = await client.send("<b>вчера & позавчера")
    assert "Не понял дату" in bad_date.text
    summary = (await client.click(t.BTN_TODAY))[-1]
    shows(summary, f"Холодная вода № {COLD_SERIAL}", ACCOUNT, STREET, FLAT)
    done = (await client.click(t.SAVE))[-1]
    shows(done, f"Холодная вода № {COLD_SERIAL}")

    # «Всё верно?» (above the monthly ceiling) and the summary after it
    await client.send(t.TITLE)
    (_, prompt) = await client.click(f"Горячая вода {HOT_SERIAL}")
    shows(prompt, f"Горячая вода № {HOT_SERIAL}")
    await client.send("150")
    check = (await client.click(t.BTN_TODAY))[-1]
    assert "Всё верно?" in check.text
    summary = (await client.click(t.BTN_RIGHT))[-1]
    shows(summary, f"Горячая вода № {HOT_SERIAL}", ACCOUNT, STREET, FLAT)
    cancelled = (await client.click(t.CANCEL))[-1]
    assert cancelled.text == t.CANCELLED
    assert errors(client) == []


async def test_meters_card_history_chart_with_hostile_registry_text(client, w):
    await client.send(t.TITLE)
    menu = (await client.click(t.BTN_METERS))[-1]
    shows(menu, f"Холодная вода № {COLD_SERIAL}", ACCOUNT, f"Электроэнергия № {POWER_SERIAL}")
    card = (await client.click(f"Электроэнергия {POWER_SERIAL}"))[-1]
    shows(card, f"Электроэнергия № {POWER_SERIAL}", RSO_NAME, STREET, FLAT)
    assert "Тарифы: 2 тарифные зоны (день, ночь)" in card.text and "Разрядность: 6 цифр до запятой" in card.text
    hist = (await client.click(t.BTN_HISTORY))[-1]
    shows(hist, f"Электроэнергия № {POWER_SERIAL}")
    await client.click(t.BACK)
    # a reading, so that the chart has something to draw
    await client.click(t.BTN_SUBMIT_ONE)
    await client.send("1300")
    await client.send("550")
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)
    photo = (await client.click_data(MeterCD(action=MeterAction.chart, meter_id=w.power.id).pack()))[-1]
    assert photo.method == "sendPhoto"
    shows(photo, f"Электроэнергия № {POWER_SERIAL}")
    assert errors(client) == []


async def test_dead_ends_with_hostile_manager_name_give_its_phones(client, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 11, 1)))
    await client.send(t.TITLE)
    overdue = (await client.click(f"Холодная вода {COLD_SERIAL}"))[-1]
    shows(overdue, COLD_SERIAL, UK_NAME)
    assert "+7 495 123-45-67" in overdue.text and "диспетчерская служба +7 495 765-43-21" in overdue.text
    assert errors(client) == []


async def test_my_house_every_page_with_hostile_registry_text(client, w):
    (card,) = await client.send(ct.BTN_HOUSE)
    shows(card, STREET, CONDITION, UK_NAME)
    premises = (await client.click(th.BTN_PREMISES))[-1]
    shows(premises, STREET, FLAT, ACCOUNT, CADASTRAL)
    manager = (await client.click(th.BTN_MANAGER))[-1]
    shows(manager, UK_NAME)
    contract = (await client.click(th.BTN_CONTRACT))[-1]
    shows(contract, STREET, CONTRACT, UK_NAME)
    council = (await client.click(th.BTN_COUNCIL))[-1]
    shows(council, STREET, CHAIR, MEMBER, "Сидоров & Ко")
    outages = (await client.click(th.BTN_OUTAGES))[-1]
    shows(outages, STREET, REASON)
    assert "<b>Отопление</b> (аварийное)" in outages.text  # the outage's «heating» is the meter's heat
    card = (await client.click(th.BTN_CARD))[-1]
    shows(card, STREET)
    assert errors(client) == []


async def test_staff_export_and_window_with_hostile_names(staff, client, sessions, w):
    (windows,) = await staff.send("/window")
    shows(windows, UK_NAME, RSO_NAME)
    (changed,) = await staff.send(f"/window {RSO_OGRN} 1-10")
    shows(changed, RSO_NAME)
    assert "с 1 по 10 число" in changed.text
    (unknown,) = await staff.send("/window 1111111111111 1-10")
    assert "Организации с ОГРН 1111111111111 нет в базе" in unknown.text
    (bad,) = await staff.send(f"/window {UK_OGRN} <b>&")
    assert "два числа месяца" in bad.text
    (first,) = await staff.send("/window <b>& 1-10")
    assert "Сначала ОГРН" in first.text

    await client.send(t.TITLE)
    await client.click(f"Холодная вода {COLD_SERIAL}")
    await client.send("105")
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)
    doc = (await staff.send("/export 2026-11 csv"))[-1]
    assert doc.method == "sendDocument" and doc.text == "Показания за ноябрь 2026: 1 строка."
    doc = (await staff.send(f"/export 2026-11 {UK_OGRN}"))[-1]
    assert doc.text == f"Показания за ноябрь 2026, ОГРН {UK_OGRN}: 1 строка."
    assert errors(staff) == []


async def test_meter_without_meters_dead_end_gives_the_uk_phones(client, sessions):
    w = await world(sessions)
    async with sessions.begin() as s:
        await s.execute(update(Organization).where(Organization.id == w.uk.id).values(short_name=UK_NAME))
        await s.execute(update(Meter).where(Meter.account_id == w.account.id).values(account_id=w.other_account.id))
    await link(sessions, client.user.id, w.account)
    (reply,) = await client.send(t.TITLE)
    assert "приборы учёта не зарегистрированы" in reply.text
    shows(reply, UK_NAME)
    assert "+7 495 123-45-67" in reply.text and "+7 495 765-43-21" in reply.text
    assert errors(client) == []


def test_decimal_values_are_not_html():
    """A value is never taken for markup: the number helpers give digits, commas and no-break spaces only."""
    assert esc(t.num(Decimal("1234.5"))) == t.num(Decimal("1234.5"))
