"""Payments services with hand-computed sums: the typed sum, the commission, the amount due, pending payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.services import payments as svc
from bot.services.payments import AmountRefusal, PrecheckoutRefusal, SuccessStatus
from storage.models import Charge, Payment
from tests.factories import link, world

D = Decimal


@pytest.mark.parametrize(("text", "value"), [
    ("1500", D("1500.00")), ("1 500,50", D("1500.50")), ("1500.5", D("1500.50")), ("1\u00a0500,50", D("1500.50")),
    ("1 500 ₽", D("1500.00")), ("4907,94 руб.", D("4907.94")), ("0,01", D("0.01")), ("1 000 000", D("1000000.00")),
])
def test_typed_sums(text, value):
    assert svc.parse_amount(text) == svc.AmountParse(value)


@pytest.mark.parametrize(("text", "refusal"), [
    ("", AmountRefusal.not_a_number), ("полторы тысячи", AmountRefusal.not_a_number),
    ("15 00", AmountRefusal.not_a_number), ("1,500.50", AmountRefusal.not_a_number),
    ("0", AmountRefusal.not_positive), ("0,00", AmountRefusal.not_positive), ("-5", AmountRefusal.not_positive),
    ("1500,555", AmountRefusal.too_many_decimals), ("1000000,01", AmountRefusal.too_large),
    ("99999999999999999999", AmountRefusal.too_large),
])
def test_typed_sums_refused_with_a_reason(text, refusal):
    assert svc.parse_amount(text) == svc.AmountParse(None, refusal)


@pytest.mark.parametrize(("amount", "percent", "fee"), [
    ("1500.50", "1.5", "22.51"),  # 22.5075
    ("1000.00", "2.5", "25.00"),
    ("1.00", "0.5", "0.01"),  # 0.005: half-up (banker's rounding would give 0.00)
    ("0.33", "1.5", "0.00"),  # 0.00495
    ("333.30", "1.5", "5.00"),  # 4.9995
    ("4907.94", "0", "0.00"),
    ("4907.94", "1.2", "58.90"),  # 58.89528
])
def test_commission_is_rounded_half_up_at_the_kopeck(amount, percent, fee):
    assert svc.commission(D(amount), D(percent)) == D(fee)


def test_breakdown_pays_the_oldest_period_first_with_penalties_and_a_recalculation_apart():
    charges = [("2026-09", "Содержание", D("1000.00")), ("2026-09", "Вода", D("500.00")),
               ("2026-10", "Содержание", D("1000.00")), ("2026-10", "Перерасчёт", D("-200.00")),
               ("2026-10", "Пени", D("12.34"))]
    sept, octo = svc.breakdown(charges, D("1200.00"))
    assert (sept.period, sept.charged, sept.paid, sept.left, sept.penalties) == (
        "2026-09", D("1500.00"), D("1200.00"), D("300.00"), D("0.00"))
    assert (octo.period, octo.charged, octo.paid, octo.left, octo.penalties) == (
        "2026-10", D("812.34"), D("0.00"), D("812.34"), D("12.34"))
    assert octo.lines == [svc.DueLine("Содержание", D("1000.00")), svc.DueLine("Перерасчёт", D("-200.00"))]
    assert sept.left + octo.left == D("1112.34")  # 2312.34 charged − 1200 paid
    assert svc.breakdown(charges, D("2312.34")) == []


async def test_amount_due_of_the_world_account(sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    due = await svc.amount_due(sessions, 111, w.account.id)
    # charged 2 × (2450.30 + 612.45 + 1830.12) + 15.07 = 9800.81; paid 4892.87 (September)
    assert (due.charged, due.paid, due.due) == (D("9800.81"), D("4892.87"), D("4907.94"))
    (octo,) = due.periods
    assert octo.period == "2026-10" and octo.left == D("4907.94") and octo.penalties == D("15.07")
    assert [ln.service for ln in octo.lines] == ["Содержание жилого помещения", "Холодное водоснабжение",
                                                 "Горячее водоснабжение"]
    assert due.period == "2026-10"
    assert due.target.payee.inn == w.uk.inn and due.target.qr_ready
    assert await svc.amount_due(sessions, 222, w.account.id) is None  # not linked: nothing


async def test_negative_recalculation_lowers_the_due(sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    async with sessions.begin() as s:
        s.add(Charge(account_id=w.account.id, period="2026-10", service="Перерасчёт за отопление",
                     amount=D("-907.94"), due_on=dt.date(2026, 11, 15)))
    due = await svc.amount_due(sessions, 111, w.account.id)
    assert due.due == D("4000.00")
    assert svc.DueLine("Перерасчёт за отопление", D("-907.94")) in due.periods[0].lines


def _methods(target, amount, **kw):
    args = dict(token_set=True, default_percent=D("0"), invoice_min=D("87"), invoice_max=D("870000"))
    return svc.methods(target, D(amount), **{**args, **kw})


async def test_methods_and_the_invoice_limits(sessions):
    w = await world(sessions)
    target = await svc.target_of(sessions, w.account.id)
    m = _methods(target, "1500.50", default_percent=D("1.5"))
    assert (m.commission, m.card_total, m.card, m.qr) == (D("22.51"), D("1523.01"), None, True)
    assert _methods(target, "80.00").card == svc.CardUnavailable.below_min
    assert _methods(target, "87.00").card is None
    assert _methods(target, "870000.01").card == svc.CardUnavailable.above_max
    assert _methods(target, "1500", token_set=False).card == svc.CardUnavailable.no_token
    async with sessions.begin() as s:
        org = await s.get(type(w.uk), w.uk.id)
        org.card_commission_percent, org.bank_account = D("2.00"), None
    target = await svc.target_of(sessions, w.account.id)
    m = _methods(target, "1000", default_percent=D("1.5"))  # the organization's percent wins
    assert (m.percent, m.commission, m.qr) == (D("2.00"), D("20.00"), False)


async def test_pending_precheckout_and_success(sessions, clock):
    w = await world(sessions)
    now = clock.utcnow()
    p = await svc.create_pending(sessions, 111, w.account.id, D("1500.50"), D("22.51"), "2026-10", now)
    assert p.payload.startswith(f"pay:{p.id}:") and len(p.payload.encode()) <= 128
    total = 152301
    assert await svc.precheckout(sessions, 111, p.payload, "RUB", total, now) is None
    assert await svc.precheckout(sessions, 111, p.payload, "RUB", total - 1, now) == PrecheckoutRefusal.amount
    assert await svc.precheckout(sessions, 222, p.payload, "RUB", total, now) == PrecheckoutRefusal.other_user
    assert await svc.precheckout(sessions, 111, p.payload, "USD", total, now) == PrecheckoutRefusal.currency
    forged = f"pay:{p.id}:{'0' * 32}"
    assert await svc.precheckout(sessions, 111, forged, "RUB", total, now) == PrecheckoutRefusal.unknown
    assert await svc.precheckout(sessions, 111, "pay:99999999999999999999:x", "RUB", total, now) == \
        PrecheckoutRefusal.unknown
    later = now + dt.timedelta(days=1, seconds=1)
    assert await svc.precheckout(sessions, 111, p.payload, "RUB", total, later) == PrecheckoutRefusal.expired

    ok = await svc.record_success(sessions, 111, p.payload, "tg-1", "yk-1", "r@example.ru", now, clock.today())
    assert ok.status == SuccessStatus.recorded and ok.receipt.total == D("1523.01")
    assert await svc.precheckout(sessions, 111, p.payload, "RUB", total, now) == PrecheckoutRefusal.paid
    again = await svc.record_success(sessions, 111, p.payload, "tg-1", "yk-1", None, now, clock.today())
    assert again.status == SuccessStatus.duplicate
    second = await svc.record_success(sessions, 111, p.payload, "tg-2", "yk-2", None, now, clock.today())
    assert second.status == SuccessStatus.overpayment and second.receipt.refund_due
    async with sessions() as s:
        rows = (await s.execute(select(Payment).where(Payment.source == "bot").order_by(Payment.id))).scalars().all()
    assert [(r.telegram_charge_id, r.amount, r.commission, r.refund_due) for r in rows] == [
        ("tg-1", D("1500.50"), D("22.51"), False), ("tg-2", D("1500.50"), D("22.51"), True)]
    assert await svc.user_email(sessions, 111) == "r@example.ru"


async def test_history_of_the_last_twelve_months(sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    async with sessions.begin() as s:
        s.add_all([Payment(source="registry", external_id="OLD", account_id=w.account.id,
                           paid_on=dt.date(2025, 11, 30), amount=D("100.00"), channel="Почта"),
                   Payment(source="registry", external_id="DEC", account_id=w.account.id,
                           paid_on=dt.date(2025, 12, 1), amount=D("200.00"), channel="Почта России"),
                   Payment(source="bot", account_id=w.account.id, paid_on=dt.date(2026, 10, 20),
                           amount=D("7.13"), method="card", commission=D("0.11"), user_id=111)])
    h = await svc.history(sessions, 111, w.account.id, clock.today())
    assert [(m.month, m.total, m.charged) for m in h.months] == [
        ("2026-10", D("4900.00"), D("4907.94")), ("2026-09", D("0.00"), D("4892.87")),
        ("2025-12", D("200.00"), D("0.00"))]  # 2025-11-30 is more than 12 months ago
    assert [(i.amount, i.channel, i.method) for i in h.months[0].items] == [
        (D("7.13"), None, "card"), (D("4892.87"), "Сбербанк Онлайн", None)]
    assert h.total == D("5100.00")
    assert await svc.history(sessions, 222, w.account.id, clock.today()) is None


def test_payment_settings():
    from bot.config import SettingsError, load_settings

    s = load_settings(_env_file=None, payment_provider_token=" 381764678:TEST:1 ", card_commission_percent="1.5",
                      qr_encoding="Windows-1251", vat_code="6")
    assert s.payment_provider_token.get_secret_value() == "381764678:TEST:1"
    assert "381764678" not in repr(s) and "381764678" not in str(s.model_dump())
    assert (s.card_commission_percent, s.qr_encoding, s.vat_code) == (D("1.5"), "cp1251", 6)
    assert load_settings(_env_file=None, payment_provider_token="").payment_provider_token is None
    assert load_settings(_env_file=None, qr_encoding="utf8").qr_encoding == "utf-8"
    for kw, name in (({"card_commission_percent": "11"}, "CARD_COMMISSION_PERCENT"), ({"vat_code": "13"}, "VAT_CODE"),
                     ({"qr_encoding": "koi8-r"}, "QR_ENCODING"),
                     ({"invoice_min_rub": "100", "invoice_max_rub": "50"}, "INVOICE_MAX_RUB")):
        with pytest.raises(SettingsError, match=name):
            load_settings(_env_file=None, **kw)
