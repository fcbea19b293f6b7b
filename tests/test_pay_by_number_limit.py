"""«Оплатить по любому лицевому счёту» through the Dispatcher: wrong numbers share the day's limit with «Подключить
лицевой счёт» (five in either flow lock both), and an account paid by its number shows the house, the payee and
the sum due — never the flat, unless the account is linked to the payer."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import zxingcpp
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendInvoice, SendPhoto
from aiogram.types import OrderInfo, SuccessfulPayment
from PIL import Image
from pydantic import SecretStr

from bot.fsm.payments import PayData, PayFlow
from bot.texts import accounts as at
from bot.texts import common as ct
from bot.texts.accounts import money
from tests.factories import link, world

HOUSE = "г. Москва, ул. Бауманская, д. 44"
FLAT = "кв. 12"
UK_INN = "7707083893"  # ООО «УК Тестовая», the payee of account 1234567890 (flat 12)
DUE = money(Decimal("4907.94"))
LOCKED = "Попытки ввести номер на сегодня закончились"
BLOCKED = "Сегодня уже введено 5 неверных номеров"
TOMORROW = "<b>20.11.2026</b>"  # the clock is pinned at 2026-11-19 12:00 Moscow time


def last_text(replies) -> str:
    return [r for r in replies if r.method in ("sendMessage", "editMessageText")][-1].text


async def state_of(dp, client) -> str | None:
    return await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state()


async def to_pay_number_step(client) -> None:
    await client.send(ct.BTN_PAY)
    await client.click("Оплатить по любому лицевому счёту")
    await client.send(UK_INN)


async def to_link_number_step(client) -> None:
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(at.BTN_LINK)
    await client.send("Бауманская 44")
    await client.click(HOUSE)


async def test_five_wrong_numbers_lock_paying_by_number_and_linking(make_client, sessions, dp, bot, clock):
    w = await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    await to_pay_number_step(stranger)
    (bad,) = await stranger.send("!!!")  # not a number at all: nothing looked up, nothing counted
    assert "от 1 до 30 букв и цифр" in bad.text
    for left, number in zip((4, 3, 2, 1), ("11", "12", "13", "14"), strict=True):
        (reply,) = await stranger.send(number)
        assert f"Лицевой счёт «{number}» у получателя ООО «УК Тестовая» не найден" in reply.text
        assert f"осталось попыток на сегодня: {left}" in reply.text
        assert await state_of(dp, stranger) == PayFlow.any_number.state  # the dialog stays on its step
    (locked,) = await stranger.send("15")
    assert LOCKED in locked.text and TOMORROW in locked.text
    assert "QR-коду" in locked.text and "«Оплатить ЖКУ»" in locked.text  # what can still be done
    assert "+7 495 123-45-67" in locked.text  # the payee, who knows the right number
    assert ct.BTN_PAY in locked.buttons  # the main menu is back
    assert await state_of(dp, stranger) is None

    # a new run is stopped at once, before the payee
    await stranger.send(ct.BTN_PAY)
    replies = await stranger.click("Оплатить по любому лицевому счёту")
    assert BLOCKED in last_text(replies) and TOMORROW in last_text(replies)
    assert "ИНН или ОГРН" not in last_text(replies)
    assert await state_of(dp, stranger) is None

    # the step left open in another process, the right number typed: not looked up
    key = StorageKey(bot_id=bot.id, chat_id=stranger.chat.id, user_id=stranger.user.id)
    await dp.storage.set_state(key, PayFlow.any_number.state)
    await dp.storage.set_data(key, PayData(by_number=True, provider_id=w.uk.id).model_dump(mode="json"))
    (reply,) = await stranger.send("1234567890")
    assert BLOCKED in reply.text and "1234567890" not in reply.text and HOUSE not in reply.text
    assert await state_of(dp, stranger) is None

    # «Подключить лицевой счёт» is locked by the same count
    await stranger.send(ct.BTN_ACCOUNTS)
    replies = await stranger.click(at.BTN_LINK)
    assert BLOCKED in last_text(replies) and TOMORROW in last_text(replies)
    assert "Шаг 1" not in last_text(replies)
    # no house was tried: the organizations the bot serves are named, not «контакты … не размещены»
    assert at.NO_MANAGER_CONTACT not in last_text(replies) and "+7 495 123-45-67" in last_text(replies)

    # the next local day: five tries again, and the right number is found
    clock.set(dt.datetime(2026, 11, 20, 0, 5))
    await to_pay_number_step(stranger)
    (reply,) = await stranger.send("11")
    assert "осталось попыток на сегодня: 4" in reply.text
    (shown,) = await stranger.send("1234567890")
    assert "№ 1234567890" in shown.text


async def test_wrong_numbers_in_the_linking_flow_lock_paying_by_number(make_client, sessions, dp):
    await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    await to_link_number_step(stranger)
    for n in range(4):
        await stranger.send(f"99{n}")
    (stopped,) = await stranger.send("994")
    assert "подключение остановлено" in stopped.text

    await stranger.send(ct.BTN_PAY)
    replies = await stranger.click("Оплатить по любому лицевому счёту")
    assert BLOCKED in last_text(replies) and TOMORROW in last_text(replies)
    assert "QR-коду" in last_text(replies)
    assert await state_of(dp, stranger) is None


async def test_the_two_flows_count_together(make_client, sessions, dp):
    await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    await to_link_number_step(stranger)
    for left in (4, 3):
        (reply,) = await stranger.send(f"99{left}")
        assert f"осталось попыток на сегодня: {left}" in reply.text
    await stranger.send("/cancel")

    await to_pay_number_step(stranger)
    for left in (2, 1):
        (reply,) = await stranger.send(f"88{left}")
        assert f"осталось попыток на сегодня: {left}" in reply.text
    (locked,) = await stranger.send("880")
    assert LOCKED in locked.text
    # the right number of the house is not looked up in the other flow either
    await stranger.send(ct.BTN_ACCOUNTS)
    replies = await stranger.click(at.BTN_LINK)
    assert BLOCKED in last_text(replies)
    assert await state_of(dp, stranger) is None


async def test_a_known_number_shows_the_house_and_the_payee_not_the_flat_nor_the_debt(make_client, sessions):
    await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    await to_pay_number_step(stranger)
    (shown,) = await stranger.send("1234567890")
    assert "№ 1234567890" in shown.text and HOUSE in shown.text and "ООО «УК Тестовая»" in shown.text
    assert FLAT not in shown.text and "кв." not in shown.text and "Хабибуллин" not in shown.text
    assert DUE not in shown.text and "Пени" not in shown.text  # the payer types the sum from the bill
    assert not any("Оплатить всё" in b for b in shown.buttons)

    check = last_text(await stranger.send("1000"))
    assert HOUSE in check and FLAT not in check and DUE not in check
    await stranger.click("Оплатить")
    replies = await stranger.click("QR-код для приложения банка — без комиссии")
    photo = [r for r in replies if r.method == "sendPhoto"][0].raw
    assert isinstance(photo, SendPhoto)
    payload = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo.data)))[0].bytes.decode("cp1251")
    assert "|PersAcc=1234567890|" in payload and f"|PayerAddress={HOUSE}|" in payload


@pytest.fixture
def card(settings):
    settings.payment_provider_token = SecretStr("381764678:TEST:12345")
    settings.card_commission_percent = Decimal("1.5")
    return settings


async def test_card_invoice_and_receipt_by_number_do_not_name_the_flat(make_client, sessions, card):
    await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    await to_pay_number_step(stranger)
    await stranger.send("1234567890")
    await stranger.send("1000")
    await stranger.click("Оплатить")
    await stranger.click(f"Картой в Telegram — комиссия 1,5 % ({money(Decimal('15.00'))})")
    (inv,) = [r for r in stranger.session.requests if isinstance(r, SendInvoice)]
    assert HOUSE in inv.description and FLAT not in inv.description
    sp = SuccessfulPayment(currency="RUB", total_amount=101500, invoice_payload=inv.payload,
                           telegram_payment_charge_id="tg-by-number", provider_payment_charge_id="yk-1",
                           order_info=OrderInfo(email="petr@example.ru"))
    replies = await stranger.feed(message=stranger._message(successful_payment=sp))
    receipt = [r for r in replies if r.chat_id == stranger.chat.id][0].text
    assert "Оплачено" in receipt and f"Адрес: {HOUSE}\n" in receipt and FLAT not in receipt


async def test_a_linked_account_typed_by_number_keeps_its_flat(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    # two linked accounts: the choice, and «по любому лицевому счёту» under it
    choose = (await client.send(ct.BTN_PAY))[-1]
    mine = next(b for b in choose.buttons if b.startswith("№ 1234567890"))
    assert f"{HOUSE}, {FLAT}" in last_text(await client.click(mine))  # the linked account's own screen
    await client.send(ct.BTN_PAY)
    await client.click("Оплатить по любому лицевому счёту")
    await client.send(UK_INN)
    (shown,) = await client.send("1234567890")
    assert f"{HOUSE}, {FLAT}" in shown.text and "видны только" not in shown.text
    assert f"Оплатить всё — {DUE}" in shown.buttons  # their own account: its debt as on its own screen
