"""«Оплатить» on the account card and the «Оплата ЖКУ» push: three days before the due date, to whoever still owes,
once per account and period, with a button that opens the payment of that account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from bot.fsm.payments import PayAction, PayCD
from bot.services.payment_reminders import remind_payments
from bot.texts import accounts as ta
from bot.texts import common as ct
from bot.texts import payments as tp
from bot.texts import settings as ts
from bot.texts.accounts import money
from storage.models import Charge, Notification, Payment, User
from tests.factories import link, world
from tests.pushes import buttons_of, shown

D = Decimal


async def pushes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).where(Notification.kind == "payment_due")
                                     .order_by(Notification.id))).scalars())


# ------------------------------------------------------------------------------------------------ the card


async def test_pay_button_on_the_account_card_opens_that_accounts_payment(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    await client.send(ct.BTN_ACCOUNTS)
    card = (await client.click("❗ № 1234567890 — кв. 12"))[-1]
    assert card.buttons == [tp.BTN_PAY_ACCOUNT, ta.BTN_UNLINK, ta.BTN_TO_LIST]
    due = (await client.click(tp.BTN_PAY_ACCOUNT))[-1]
    assert "Оплата ЖКУ" in due.text and "№ 1234567890" in due.text
    assert f"Оплатить всё — {money(D('4907.94'))}" in due.buttons
    # an account with no debt: «Оплатить» too — an advance payment, no «Оплатить всё»
    await client.send(ct.BTN_ACCOUNTS)
    card = (await client.click("№ ЭЛ-0012 — кв. 12"))[-1]
    assert card.buttons[0] == tp.BTN_PAY_ACCOUNT
    due = (await client.click(tp.BTN_PAY_ACCOUNT))[-1]
    assert "№ ЭЛ-0012" in due.text and not any(b.startswith("Оплатить всё") for b in due.buttons)
    assert "Другая сумма" in due.buttons


async def test_forged_pay_button_of_someone_elses_account_is_refused(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    replies = await client.click_data(PayCD(action=PayAction.account, id=w.other_account.id).pack())
    assert replies[-1].text == tp.NOT_YOURS and "4907" not in replies[-1].text


# ------------------------------------------------------------------------------------------------ the push


async def test_push_three_days_before_the_due_date_once_with_the_sum(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account, w.power_account)
    clock.set(dt.datetime(2026, 11, 6, 12, 0))  # four days before 10.11: too early
    assert await remind_payments(sessions, clock) == 0
    clock.set(dt.datetime(2026, 11, 7, 11, 0))  # three days before
    assert await remind_payments(sessions, clock) == 1
    assert await remind_payments(sessions, clock) == 0  # the same day again: nothing
    clock.set(dt.datetime(2026, 11, 8, 11, 0))
    assert await remind_payments(sessions, clock) == 0  # the next day: once per account and period
    (n,) = await pushes(sessions)
    assert n.user_id == 111 and n.key == f"111:payment_due:{w.account.id}:2026-10"
    text = shown(n)
    assert "Оплата ЖКУ" in text and "№ 1234567890" in text and "ООО «УК Тестовая»" in text
    assert f"За октябрь 2026 к оплате {money(D('4907.94'))} до 10.11.2026" in text
    assert buttons_of(n) == [(tp.BTN_PAY_ACCOUNT, PayCD(action=PayAction.account, id=w.account.id).pack())]


async def test_a_late_run_still_reminds_but_not_after_the_due_date(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    clock.set(dt.datetime(2026, 11, 11, 11, 0))
    assert await remind_payments(sessions, clock) == 0
    clock.set(dt.datetime(2026, 11, 10, 11, 0))  # the bot was down for three days: the due day still counts
    assert await remind_payments(sessions, clock) == 1


async def test_no_push_to_those_who_have_paid_or_turned_it_off(make_client, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    clock.set(dt.datetime(2026, 11, 8, 11, 0))
    async with sessions.begin() as s:
        s.add(Payment(source="registry", external_id="PAY-X", account_id=w.account.id,
                      paid_on=dt.date(2026, 11, 5), amount=D("4907.94"), channel="Сбербанк"))
        # the neighbour owes, but has «Оплата ЖКУ» off
        s.add(Charge(account_id=w.other_account.id, period="2026-10", service="Содержание жилого помещения",
                     amount=D("100.00"), due_on=dt.date(2026, 11, 10)))
        (await s.get(User, 222)).notify_payments = False
    assert await remind_payments(sessions, clock) == 0
    async with sessions.begin() as s:
        (await s.get(User, 222)).notify_payments = True
    assert await remind_payments(sessions, clock) == 1
    (n,) = await pushes(sessions)
    assert n.user_id == 222


async def test_next_period_is_a_new_push(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    clock.set(dt.datetime(2026, 11, 7, 11, 0))
    assert await remind_payments(sessions, clock) == 1
    async with sessions.begin() as s:
        s.add(Charge(account_id=w.account.id, period="2026-11", service="Содержание жилого помещения",
                     amount=D("2450.30"), due_on=dt.date(2026, 12, 10)))
    clock.set(dt.datetime(2026, 12, 7, 11, 0))
    assert await remind_payments(sessions, clock) == 1
    assert [n.key.rsplit(":", 1)[1] for n in await pushes(sessions)] == ["2026-10", "2026-11"]
    # October was not paid: November's sum is due on 10.12, October's is overdue — said apart, and the total
    text = shown((await pushes(sessions))[-1])
    assert f"За ноябрь 2026 к оплате {money(D('2450.30'))} до 10.12.2026" in text
    assert f"долг за прошлые месяцы — {money(D('4907.94'))}: срок его оплаты уже прошёл" in text
    assert f"Всего к оплате {money(D('7358.24'))}" in text


async def test_a_part_paid_earlier_period_leaves_only_its_rest_as_arrears(sessions, clock):
    from bot.services.payment_reminders import arrears

    assert arrears(D("7358.24"), D("2450.30")) == D("4907.94")
    assert arrears(D("2000.00"), D("2450.30")) == D("0.00")  # the earlier months are paid, this one in part
    assert arrears(D("500.00"), D("-120.00")) == D("500.00")  # a recalculation month: all of it is arrears
    w = await world(sessions)
    await link(sessions, 111, w.account)
    clock.set(dt.datetime(2026, 11, 7, 11, 0))
    await remind_payments(sessions, clock)
    assert "прошлые месяцы" not in shown((await pushes(sessions))[-1])  # nothing owed from before October


async def test_the_push_button_opens_the_payment(client, sessions, clock):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    clock.set(dt.datetime(2026, 11, 7, 11, 0))
    await remind_payments(sessions, clock)
    (n,) = await pushes(sessions)
    ((_, data),) = buttons_of(n)
    due = (await client.click_data(data))[-1]
    assert f"Оплатить всё — {money(D('4907.94'))}" in due.buttons


async def test_settings_toggle_payments_on_by_default(client, sessions):
    await client.send("/start")
    (reply,) = await client.send(ct.BTN_SETTINGS)
    label = ts.KIND_LABELS["payments"]
    assert f"{ts.ON} {label}" in reply.buttons
    await client.click(f"{ts.ON} {label}")
    async with sessions() as s:
        assert (await s.get(User, client.user.id)).notify_payments is False
    await client.click(f"{ts.OFF} {label}")
    async with sessions() as s:
        assert (await s.get(User, client.user.id)).notify_payments is True
