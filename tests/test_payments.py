"""«Оплатить ЖКУ» through the Dispatcher: the QR end to end, typed sums, the card invoice with its commission line,
pre-checkout refusals, successful payments once (and a second one flagged to refund), paying by any account."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import zxingcpp
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerPreCheckoutQuery, SendInvoice, SendMessage, SendPhoto
from aiogram.types import OrderInfo, PreCheckoutQuery, SuccessfulPayment
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import select

from bot.fsm.payments import PayFlow
from bot.services import payments as svc
from bot.texts.accounts import money
from bot.texts.flows import FLOW_TITLES
from storage.models import Charge, Organization, Payment, PendingPayment
from tests.conftest import STAFF_CHAT_ID
from tests.factories import link, world
from tests.test_qr import GOLDEN

D = Decimal


def rub(value: str) -> str:
    return money(D(value))


def msg(replies):
    """The last message the bot sent among the replies (a press is also answered and its buttons dropped)."""
    return [r for r in replies if r.method in ("sendMessage", "editMessageText")][-1]


def calls(client, method):
    return [r for r in client.session.requests if isinstance(r, method)]


async def state_of(dp, bot, client):
    return await dp.storage.get_state(StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id))


@pytest.fixture
def card(settings):
    """The provider token set (BotFather's test token behaves the same) and a 1,5 % commission."""
    settings.payment_provider_token = SecretStr("381764678:TEST:12345")
    settings.card_commission_percent = D("1.5")
    return settings


async def open_due(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    replies = await client.send("Оплатить ЖКУ")
    return w, replies[-1]


async def test_qr_end_to_end(client, sessions, dp, bot):
    w, due = await open_due(client, sessions)
    assert "Оплата ЖКУ" in due.text and "№ 1234567890" in due.text
    assert "За октябрь 2026" in due.text and "сентябрь" not in due.text  # September is paid
    assert f"Горячее водоснабжение: {rub('1830.12')}" in due.text
    assert f"Пени: {rub('15.07')}" in due.text
    assert f"К оплате: <b>{rub('4907.94')}</b>" in due.text
    assert f"Оплатить всё — {rub('4907.94')}" in due.buttons

    check = msg(await client.click(f"Оплатить всё — {rub('4907.94')}"))
    assert "Проверьте наименование получателя и сумму оплаты" in check.text
    assert f"Получатель: {w.uk.name}" in check.text  # the payee's full name
    for part in ("ИНН: 7707083893", "№ 1234567890", "г. Москва, ул. Бауманская, д. 44, кв. 12",
                 "Период: октябрь 2026", rub("4907.94")):
        assert part in check.text
    assert check.buttons == ["Оплатить", "Изменить сумму", "Отменить"]

    methods = msg(await client.click("Оплатить"))
    assert methods.buttons[0] == "QR-код для приложения банка — без комиссии"
    assert not any("Картой" in b for b in methods.buttons)  # no provider token: no card
    assert f"к оплате <b>{rub('4907.94')}</b>, без комиссии" in methods.text

    replies = await client.click("QR-код для приложения банка — без комиссии")
    photo = [r for r in replies if r.method == "sendPhoto"][0].raw
    assert isinstance(photo, SendPhoto)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo.data)))[0].bytes
    assert decoded == ("ST00011" + GOLDEN).encode("cp1251")  # the registry's bank details, the sum in kopecks
    details = replies[-1].text
    assert "Р/с: 40702810938000012345" in details and "БИК: 044525225" in details
    assert "История платежей" in details  # the resident is told when it shows up
    assert "картой" not in details  # no card was offered: no warning not to pay by card too
    assert await state_of(dp, bot, client) is None
    async with sessions() as s:  # a QR payment is recorded only when the billing system brings it back
        assert (await s.execute(select(Payment).where(Payment.source == "bot"))).first() is None


async def test_utf8_setting_gives_st00012(client, sessions, settings):
    settings.qr_encoding = "utf-8"
    await open_due(client, sessions)
    await client.click(f"Оплатить всё — {rub('4907.94')}")
    await client.click("Оплатить")
    replies = await client.click("QR-код для приложения банка — без комиссии")
    photo = [r for r in replies if r.method == "sendPhoto"][0].raw
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo.data)))[0].bytes
    assert decoded == ("ST00012" + GOLDEN).encode("utf-8")


async def test_typed_sum_bad_input_keeps_the_step(client, sessions, dp, bot):
    await open_due(client, sessions)
    ask = msg(await client.click("Другая сумма"))
    assert "1 500,50" in ask.text
    for text, words in (("полторы тысячи", "Не понял сумму «полторы тысячи»"), ("0", "больше нуля"),
                        ("1500,555", "двух знаков"), ("2000000", "не больше 1\u00a0000\u00a0000,00\u00a0₽"),
                        ("<b>&", "Не понял сумму «&lt;b&gt;&amp;»")):
        (reply,) = await client.send(text)
        assert words in reply.text, reply.text
        assert await state_of(dp, bot, client) == PayFlow.amount.state
    (check,) = await client.send("1 500,50")
    assert f"Сумма: <b>{rub('1500.50')}</b>" in check.text
    again = msg(await client.click("Изменить сумму"))
    assert "Напишите сумму" in again.text
    (check,) = await client.send("1500.5")
    assert rub("1500.50") in check.text


async def test_no_debt_still_allows_an_advance(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    async with sessions.begin() as s:
        s.add(Payment(source="registry", external_id="PAY-2", account_id=w.account.id,
                      paid_on=dt.date(2026, 11, 5), amount=D("5000.00"), channel="Почта России"))
    (due,) = await client.send("/pay")
    assert f"Задолженности нет, переплата {rub('92.06')}" in due.text
    assert not any(b.startswith("Оплатить всё") for b in due.buttons) and "Другая сумма" in due.buttons
    (check,) = await client.send("1000")
    assert rub("1000.00") in check.text


async def test_several_accounts_are_chosen_first(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    (choose,) = await client.send("Оплатить ЖКУ")
    assert choose.buttons[0] == f"№ 1234567890 — ООО «УК Тестовая»: {rub('4907.94')}"
    assert choose.buttons[1] == "№ ЭЛ-0012 — АО «Энергосбыт»: задолженности нет"
    due = msg(await client.click(choose.buttons[1]))
    assert "№ ЭЛ-0012" in due.text and "Задолженности нет" in due.text


async def test_forged_account_is_refused(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    replies = await client.click_data(f"pay:a:{w.other_account.id}")
    assert any("не подключён" in r.text for r in replies)
    replies = await client.click_data("pay:a:99999999999999999999")
    assert any(r.method == "answerCallbackQuery" and "больше не действует" in r.text for r in replies)


async def _to_methods(client, sessions, amount: str):
    w, _ = await open_due(client, sessions)
    await client.click("Другая сумма")
    await client.send(amount)
    replies = await client.click("Оплатить")
    return w, [r for r in replies if r.method == "sendMessage"][0]


async def test_card_invoice_with_the_commission_line(client, sessions, card, dp, bot):
    w, methods = await _to_methods(client, sessions, "1 500,50")
    button = f"Картой в Telegram — комиссия 1,5 % ({rub('22.51')})"
    assert methods.buttons[:2] == [button, "QR-код для приложения банка — без комиссии"]
    assert f"к оплате <b>{rub('1523.01')}</b>" in methods.text
    await client.click(button)
    (inv,) = calls(client, SendInvoice)
    assert inv.currency == "RUB" and [(p.label, p.amount) for p in inv.prices] == [
        ("Оплата ЖКУ", 150050), ("Комиссия 1,5 %", 2251)]
    assert inv.start_parameter and inv.need_email and inv.send_email_to_provider
    assert inv.provider_token == "381764678:TEST:12345"
    assert len(inv.payload.encode()) <= 128 and len(inv.title) <= 32
    items = json.loads(inv.provider_data)["receipt"]["items"]
    assert items == [
        {"description": "Оплата ЖКУ, л/с 1234567890", "quantity": "1.00",
         "amount": {"value": "1500.50", "currency": "RUB"}, "vat_code": 1, "payment_subject": "service",
         "payment_mode": "full_payment"},
        {"description": "Комиссия за оплату картой", "quantity": "1.00",
         "amount": {"value": "22.51", "currency": "RUB"}, "vat_code": 1, "payment_subject": "service",
         "payment_mode": "full_payment"}]
    async with sessions() as s:
        (pending,) = (await s.execute(select(PendingPayment))).scalars().all()
    assert (pending.amount, pending.commission, pending.status, pending.user_id) == (
        D("1500.50"), D("22.51"), "pending", client.user.id)
    assert inv.payload == f"pay:{pending.id}:{pending.nonce}"
    assert "381764678:TEST:12345" not in repr(card)  # the secret is never printed


async def test_organization_percent_and_vat_code_win(client, sessions, card):
    w = await world(sessions)
    async with sessions.begin() as s:
        org = await s.get(Organization, w.uk.id)
        org.card_commission_percent, org.vat_code = D("2.00"), 6
    await link(sessions, client.user.id, w.account)
    await client.send("Оплатить ЖКУ")
    await client.click("Другая сумма")
    await client.send("1500,50")
    replies = await client.click("Оплатить")
    await client.click(f"Картой в Telegram — комиссия 2 % ({rub('30.01')})")
    (inv,) = calls(client, SendInvoice)
    assert [p.amount for p in inv.prices] == [150050, 3001]
    assert {i["vat_code"] for i in json.loads(inv.provider_data)["receipt"]["items"]} == {6}
    assert replies


async def test_below_the_invoice_minimum_only_the_qr(client, sessions, card):
    _, methods = await _to_methods(client, sessions, "50")
    assert methods.buttons[0] == "QR-код для приложения банка — без комиссии"
    assert not any("Картой" in b for b in methods.buttons)
    assert f"Картой в Telegram — от {rub('87.00')}" in methods.text


async def test_no_bank_details_no_qr_and_one_line_why(client, sessions, card):
    w = await world(sessions)
    async with sessions.begin() as s:
        (await s.get(Organization, w.uk.id)).corr_account = "30101810400000000999"
    await link(sessions, client.user.id, w.account)
    await client.send("Оплатить ЖКУ")
    await client.click(f"Оплатить всё — {rub('4907.94')}")
    methods = msg(await client.click("Оплатить"))
    assert not any("QR" in b for b in methods.buttons) and methods.buttons[0].startswith("Картой")
    assert "QR-код не предлагается" in methods.text and "корр. счёт не совпадает с БИК" in methods.text


async def _invoice(client, sessions):
    w, _ = await _to_methods(client, sessions, "1500,50")
    await client.click(f"Картой в Telegram — комиссия 1,5 % ({rub('22.51')})")
    return w, calls(client, SendInvoice)[-1]


async def _precheckout(client, payload, total, user=None):
    query = PreCheckoutQuery(id=f"pcq{total}{len(client.session.requests)}", from_user=user or client.user,
                             currency="RUB", total_amount=total, invoice_payload=payload)
    await client.feed(pre_checkout_query=query)
    return calls(client, AnswerPreCheckoutQuery)[-1]


async def _paid(client, payload, charge, total=152301):
    sp = SuccessfulPayment(currency="RUB", total_amount=total, invoice_payload=payload,
                           telegram_payment_charge_id=charge, provider_payment_charge_id=f"yk-{charge}",
                           order_info=OrderInfo(email="rinat@example.ru"))
    return await client.feed(message=client._message(successful_payment=sp))


async def test_pre_checkout_checks(client, make_client, sessions, card, clock):
    _, inv = await _invoice(client, sessions)
    ok = await _precheckout(client, inv.payload, 152301)
    assert ok.ok is True
    altered = await _precheckout(client, inv.payload, 152300)
    assert altered.ok is False and "Сумма не совпадает" in altered.error_message
    stranger = make_client(user_id=222, first_name="Анна")
    other = await _precheckout(client, inv.payload, 152301, user=stranger.user)
    assert other.ok is False and "другому человеку" in other.error_message
    forged = await _precheckout(client, inv.payload[:-4] + "0000", 152301)
    assert forged.ok is False and "не найден" in forged.error_message
    clock.advance(hours=25)
    expired = await _precheckout(client, inv.payload, 152301)
    assert expired.ok is False and "устарел" in expired.error_message


async def test_successful_payment_once_then_a_second_one_to_refund(client, sessions, card, staff, clock):
    w, inv = await _invoice(client, sessions)
    replies = await _paid(client, inv.payload, "tg-charge-1")
    receipt = [r for r in replies if r.chat_id == client.chat.id][0].text
    for part in ("Оплачено", "ИНН: 7707083893", "№ 1234567890", "Период: октябрь 2026",
                 f"Сумма: {rub('1500.50')}", f"Комиссия: {rub('22.51')}", f"Итого списано: <b>{rub('1523.01')}</b>",
                 "19.11.2026 12:00", "tg-charge-1", "rinat@example.ru"):
        assert part in receipt, part
    staff_lines = [r for r in client.session.requests if isinstance(r, SendMessage) and r.chat_id == STAFF_CHAT_ID]
    assert len(staff_lines) == 1 and "1\u00a0500,50" in staff_lines[0].text
    assert "Житель в Telegram: Ринат Хабибуллин (id 111)" in staff_lines[0].text and "ул. Бауманская" in staff_lines[0].text

    due = await svc.amount_due(sessions, client.user.id, w.account.id)
    assert due.due == D("3407.44")  # 4907.94 − 1500.50: the debt drops by the sum, not by the commission

    assert await _paid(client, inv.payload, "tg-charge-1") == []  # the same update again: nothing
    async with sessions() as s:
        assert len((await s.execute(select(Payment).where(Payment.source == "bot"))).all()) == 1

    paid_again = await _precheckout(client, inv.payload, 152301)
    assert paid_again.ok is False and "уже оплачен" in paid_again.error_message

    replies = await _paid(client, inv.payload, "tg-charge-2")  # a second device paid the same invoice
    assert "вернёт лишнее" in [r for r in replies if r.chat_id == client.chat.id][0].text
    staff_lines = [r for r in client.session.requests if isinstance(r, SendMessage) and r.chat_id == STAFF_CHAT_ID]
    assert len(staff_lines) == 2 and "вернуть" in staff_lines[1].text
    async with sessions() as s:
        rows = (await s.execute(select(Payment.telegram_charge_id, Payment.refund_due)
                                .where(Payment.source == "bot").order_by(Payment.id))).all()
    assert [tuple(r) for r in rows] == [("tg-charge-1", False), ("tg-charge-2", True)]

    (due_msg,) = await client.send("Оплатить ЖКУ")
    replies = await client.click("История платежей")
    chart = [r for r in replies if r.method == "sendPhoto"][0].raw.photo.data
    assert Image.open(io.BytesIO(chart)).size[0] > 0  # the picture «начислено / оплачено»
    hist = msg(replies)
    assert "ноябрь 2026" in hist.text and "Картой в Telegram" in hist.text and "к возврату" in hist.text
    assert "Сбербанк Онлайн" in hist.text  # the imported payment of October
    assert due_msg


async def test_pay_any_account_by_number_shows_no_payer_no_flat_and_no_debt(make_client, sessions):
    await world(sessions)
    stranger = make_client(user_id=333, first_name="Пётр")
    (none,) = await stranger.send("Оплатить ЖКУ")
    assert "Подключённых лицевых счетов пока нет" in none.text
    ask = msg(await stranger.click("Оплатить по любому лицевому счёту"))
    assert "ИНН или ОГРН" in ask.text
    (bad,) = await stranger.send("7707083894")
    assert "контрольная цифра" in bad.text
    (number,) = await stranger.send("7707083893")
    assert "ООО «УК Тестовая»" in number.text
    (missing,) = await stranger.send("999")
    assert "не найден" in missing.text
    (shown,) = await stranger.send("1234567890")
    assert "г. Москва, ул. Бауманская, д. 44" in shown.text and "ООО «УК Тестовая»" in shown.text
    assert "кв. 12" not in shown.text  # a stranger typing numbers does not learn who lives where
    assert "Хабибуллин" not in shown.text and "4\u00a0907" not in shown.text and "Пени" not in shown.text
    (check,) = await stranger.send("1000")
    assert "Хабибуллин" not in check.text and rub("1000.00") in check.text
    methods = msg(await stranger.click("Оплатить"))
    replies = await stranger.click("QR-код для приложения банка — без комиссии")
    assert any(r.method == "sendPhoto" for r in replies) and methods


async def test_payee_by_name_with_several_matches(make_client, sessions):
    await world(sessions)
    stranger = make_client(user_id=333)
    await stranger.send("Оплатить ЖКУ")
    await stranger.click("Оплатить по любому лицевому счёту")
    (choose,) = await stranger.send("тестов")  # «УК Тестовая» and «Энергосбыт Тестовый»
    assert len(choose.buttons) == 3
    ask = msg(await stranger.click(choose.buttons[1]))
    assert "Энергосбыт" in ask.text
    (shown,) = await stranger.send("эл-0012")
    assert "№ ЭЛ-0012" in shown.text


@pytest.mark.parametrize("state", [s.state for s in PayFlow.__all_states__])
async def test_every_payment_state_answers_nonsense_and_cancels(state, dp, bot, client, sessions):
    await world(sessions)
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    await dp.storage.set_state(key, state)
    replies = await client.send("ъъъ !!! 12,3,4 zzz")
    assert [r.text for r in replies if r.text]
    await dp.storage.set_state(key, state)
    replies = await client.send("/cancel")
    assert await dp.storage.get_state(key) is None
    assert any(FLOW_TITLES["PayFlow"] in r.text and "отменено" in r.text for r in replies)


async def test_staff_export_lists_the_refunds_first(client, sessions, card, staff):
    from aiogram.methods import SendDocument
    from openpyxl import load_workbook

    w, inv = await _invoice(client, sessions)
    await _paid(client, inv.payload, "tg-charge-1")
    await _paid(client, inv.payload, "=HYPERLINK(1)")  # a second success; a hostile id stays text
    staff.skip_unread()  # the two lines the staff chat got about the payments
    (usage,) = await staff.send("/payments ноябрь")
    assert "/payments ГГГГ-ММ" in usage.text
    (unknown,) = await staff.send("/payments 2026-11 1027700000000")
    assert "не найдена" in unknown.text
    await staff.send("/payments 2026-11 csv")
    doc = calls(staff, SendDocument)[-1]
    assert "2 платежа" in doc.caption and "к возврату: 1" in doc.caption
    lines = doc.document.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Поставщик (ОГРН);Лицевой счёт;Плательщик (Telegram id);Сумма;Комиссия")
    assert lines[1].split(";")[:7] == [w.uk.ogrn, "1234567890", str(client.user.id), "1500,50", "22,51", "карта в Telegram",
                                       "'=HYPERLINK(1)"]
    assert lines[1].endswith("переплата — вернуть") and lines[2].endswith(";оплачено")
    await staff.send(f"/payments 2026-11 {w.uk.ogrn}")
    doc = calls(staff, SendDocument)[-1]
    ws = load_workbook(io.BytesIO(doc.document.data)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    # in a workbook the hostile id is a quote-prefixed string cell, its value as it was (no apostrophe in it)
    assert [r[6] for r in rows] == ["=HYPERLINK(1)", "tg-charge-1"] and rows[0][3] == 1500.5
    cell = ws["G2"]
    assert cell.data_type == "s" and cell.quotePrefix and not ws["G3"].quotePrefix
    (empty,) = [r for r in await staff.send("/payments 2026-10") if r.method == "sendDocument"]
    assert "Платежей в боте за октябрь 2026 нет" in empty.text


async def test_residents_cannot_export(client, sessions):
    await world(sessions)
    replies = await client.send("/payments 2026-11")
    assert not any(r.method == "sendDocument" for r in replies)


async def test_cancel_button_leaves_the_flow_and_writes_nothing(client, sessions, dp, bot):
    await open_due(client, sessions)
    await client.send("1500")
    done = msg(await client.click("Отменить"))
    assert "Оплата отменена" in done.text and await state_of(dp, bot, client) is None
    async with sessions() as s:
        assert (await s.execute(select(PendingPayment))).first() is None


async def test_hostile_names_reach_every_payment_screen_intact(client, sessions, card):
    w = await world(sessions)
    async with sessions.begin() as s:
        org = await s.get(Organization, w.uk.id)
        org.name, org.short_name = "ООО «<Рога> & Копыта»", "<УК> & Ко"
        house = await s.get(type(w.house), w.house.id)
        house.street = "ул. <Тест> & Ко"
        s.add(Charge(account_id=w.account.id, period="2026-10", service="Вода <хол> & гор", amount=D("10.00"),
                     due_on=dt.date(2026, 11, 15)))
    await link(sessions, client.user.id, w.account)
    (due,) = await client.send("Оплатить ЖКУ")
    assert "&lt;УК&gt; &amp; Ко" in due.text and "Вода &lt;хол&gt; &amp; гор" in due.text
    check = msg(await client.click(f"Оплатить всё — {rub('4917.94')}"))
    assert "ООО «&lt;Рога&gt; &amp; Копыта»" in check.text and "ул. &lt;Тест&gt; &amp; Ко" in check.text
    await client.click("Оплатить")
    replies = await client.click("QR-код для приложения банка — без комиссии")
    assert "Получатель: ООО «&lt;Рога&gt; &amp; Копыта»" in replies[-1].text
    photo = [r for r in replies if r.method == "sendPhoto"][0].raw
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.photo.data)))[0].bytes.decode("cp1251")
    assert "|Name=ООО «<Рога> & Копыта»|" in decoded and "ул. <Тест> & Ко" in decoded
    await client.send("Оплатить ЖКУ")
    await client.click(f"Оплатить всё — {rub('4917.94')}")
    await client.click("Оплатить")
    await client.click(f"Картой в Telegram — комиссия 1,5 % ({rub('73.77')})")
    inv = calls(client, SendInvoice)[-1]
    assert "<УК> & Ко" in inv.description  # plain text, not HTML
    replies = await _paid(client, inv.payload, "tg-h", total=499171)
    receipt = [r for r in replies if r.chat_id == client.chat.id][0]
    assert "ООО «&lt;Рога&gt; &amp; Копыта»" in receipt.text
    assert not any(isinstance(r, Exception) for r in client.session.results)  # no Bad Request anywhere


async def test_database_trouble_refuses_the_pre_checkout_and_keeps_the_charge_id(client, sessions, card,
                                                                                 monkeypatch):
    _, inv = await _invoice(client, sessions)

    async def broken(*args, **kwargs):
        raise RuntimeError("database is away")

    monkeypatch.setattr(svc, "precheckout", broken)
    monkeypatch.setattr(svc, "record_success", broken)
    answer = await _precheckout(client, inv.payload, 152301)
    assert answer.ok is False and "деньги не списаны" in answer.error_message
    replies = await _paid(client, inv.payload, "tg-lost")
    assert any("tg-lost" in r.text and r.chat_id == client.chat.id for r in replies)
    assert any("tg-lost" in r.text and r.chat_id == STAFF_CHAT_ID for r in replies)


async def test_successful_payment_is_recorded_in_the_middle_of_another_dialog(client, sessions, card, dp, bot):
    w, inv = await _invoice(client, sessions)
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    for state in ("SubmitReading:value", "LinkAccount:bill_total", "PayFlow:amount"):
        await dp.storage.set_state(key, state)
        await _paid(client, inv.payload, f"tg-{state}")
    async with sessions() as s:
        charges = (await s.execute(select(Payment.telegram_charge_id).where(Payment.source == "bot"))).scalars()
        assert set(charges) == {"tg-SubmitReading:value", "tg-LinkAccount:bill_total", "tg-PayFlow:amount"}
    assert await dp.storage.get_state(key) == "PayFlow:amount"  # the dialog itself is left alone


async def test_pay_under_a_push_inside_another_dialog_says_that_dialog_was_left(client, sessions, dp):
    from bot.fsm.payments import PayAction, PayCD
    from bot.texts import readings as rt

    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await client.send(rt.TITLE)
    await client.click("Холодная вода ХВ-001")  # a reading half-entered
    replies = await client.click_data(PayCD(action=PayAction.account, id=w.account.id).pack(), 5000)
    assert any(r.text.startswith(f"{FLOW_TITLES['SubmitReading']}: отменено") for r in replies)
    assert "Оплата ЖКУ" in replies[-1].text


async def test_no_commission_no_bracket_and_the_qr_warns_of_paying_by_card_too(client, sessions, settings):
    settings.payment_provider_token = SecretStr("381764678:TEST:12345")
    settings.card_commission_percent = D("0")
    _w, methods = await _to_methods(client, sessions, "1500,50")
    assert f"• Картой в Telegram: к оплате <b>{rub('1500.50')}</b>, без комиссии" in methods.text
    assert "комиссия 0" not in methods.text
    replies = await client.click("QR-код для приложения банка — без комиссии")
    assert "Не оплачивайте тот же счёт ещё и картой" in replies[-1].text  # a card was offered here


async def test_leaving_the_amount_due_screen_for_another_section_is_not_announced_as_cancelled(client, sessions):
    from bot.texts import common as ct

    await open_due(client, sessions)  # only looked at the amount due
    replies = await client.send(ct.BTN_APPEALS)
    assert not any("отменено" in r.text for r in replies)
    await client.send(ct.BTN_PAY)
    await client.click("Другая сумма")
    await client.send("1500")  # a sum typed: leaving now is announced
    replies = await client.send(ct.BTN_APPEALS)
    assert any("Оплата ЖКУ: отменено" in r.text for r in replies)
