"""A card payment made in the bot that the billing system brings back in payments.csv is counted once: the registry
row whose payment_id is the payment's provider or Telegram charge id (same account) is linked to it, not added.
The QR path records nothing in the bot, so its only row is the registry's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.services import payments as svc
from bot.services.registry import import_registry
from storage.models import Payment, User
from tests.factories import RSO_OGRN, UK_OGRN, link, world

D = Decimal
TZ = ZoneInfo("Europe/Moscow")
HEADER = "payment_id;account_number;provider_ogrn;paid_on;amount;channel"


def write(folder, *rows: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "payments.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


async def card_payment(sessions, account_id: int, tg: str, provider: str, amount: str = "1500.50") -> None:
    async with sessions.begin() as s:
        if await s.get(User, 111) is None:
            s.add(User(id=111, first_name="Ринат"))
            await s.flush()
        s.add(Payment(source="bot", account_id=account_id, paid_on=dt.date(2026, 11, 19), amount=D(amount),
                      user_id=111, method="card", commission=D("22.51"), telegram_charge_id=tg,
                      provider_charge_id=provider, paid_at=dt.datetime(2026, 11, 19, 9, 0)))


async def payments(sessions) -> list[Payment]:
    async with sessions() as s:
        return list((await s.execute(select(Payment).order_by(Payment.id))).scalars())


async def test_a_bot_payment_coming_back_from_billing_is_linked_not_counted_twice(sessions, tmp_path):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    before = (await payments(sessions))
    await card_payment(sessions, w.account.id, "tg-charge-1", "yk-tg-charge-1")
    await card_payment(sessions, w.power_account.id, "tg-charge-2", "yk-tg-charge-2", "300.00")
    due = (await svc.amount_due(sessions, 111, w.account.id)).due
    assert due == D("3407.44")
    folder = tmp_path / "r"
    write(folder,
          f"yk-tg-charge-1;1234567890;{UK_OGRN};19.11.2026;1500,50;ЮKassa",  # the provider's id: the same payment
          f"tg-charge-2;ЭЛ-0012;{RSO_OGRN};20.11.2026;300,00;ЮKassa",  # Telegram's id: the same payment too
          f"SBP-77;1234567890;{UK_OGRN};18.11.2026;1000,00;Сбербанк Онлайн")  # paid by the QR: a new payment
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    rows = await payments(sessions)
    assert len(rows) == len(before) + 3  # two card payments linked, one QR payment added
    bot = {p.telegram_charge_id: p for p in rows if p.source == "bot"}
    assert bot["tg-charge-1"].external_id == "yk-tg-charge-1" and bot["tg-charge-1"].channel == "ЮKassa"
    assert bot["tg-charge-2"].external_id == "tg-charge-2"
    assert bot["tg-charge-1"].method == "card" and bot["tg-charge-1"].user_id == 111  # still the bot's payment
    assert [p.external_id for p in rows if p.source == "registry"][-1] == "SBP-77"
    assert (await svc.amount_due(sessions, 111, w.account.id)).due == D("2407.44")  # only the QR's 1000 more
    # the same file again: nothing new, nothing changed
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    assert len(await payments(sessions)) == len(before) + 3
    assert (await svc.amount_due(sessions, 111, w.account.id)).due == D("2407.44")
    async with sessions() as s:  # the staff export still lists the bot's payments
        assert (await s.execute(select(func.count()).select_from(Payment)
                                .where(Payment.source == "bot"))).scalar() == 2


async def test_a_charge_id_of_another_account_or_an_unknown_id_is_a_payment_of_its_own(sessions, tmp_path):
    w = await world(sessions)
    await card_payment(sessions, w.account.id, "tg-charge-1", "yk-1")
    folder = tmp_path / "r"
    write(folder,
          f"yk-1;ЭЛ-0012;{RSO_OGRN};19.11.2026;1500,50;ЮKassa",  # the id of a payment on another account
          f"yk-9;1234567890;{UK_OGRN};19.11.2026;1500,50;ЮKassa")  # no bot payment has this id
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    rows = await payments(sessions)
    (bot,) = [p for p in rows if p.source == "bot"]
    assert bot.external_id is None
    assert {p.external_id for p in rows if p.source == "registry"} >= {"yk-1", "yk-9"}


async def test_one_bot_payment_links_one_registry_row(sessions, tmp_path):
    """Both of its ids in one file: the first row links it, the second one is a payment of its own."""
    w = await world(sessions)
    await card_payment(sessions, w.account.id, "tg-charge-1", "yk-1")
    folder = tmp_path / "r"
    write(folder, f"yk-1;1234567890;{UK_OGRN};19.11.2026;1500,50;ЮKassa",
          f"tg-charge-1;1234567890;{UK_OGRN};19.11.2026;1500,50;ЮKassa")
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    rows = [p for p in await payments(sessions) if p.external_id in ("yk-1", "tg-charge-1")]
    assert sorted((p.source, p.external_id) for p in rows) == [("bot", "yk-1"), ("registry", "tg-charge-1")]


async def test_the_qr_path_writes_no_payment_so_its_registry_row_counts_once(client, sessions, tmp_path):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await client.send("Оплатить ЖКУ")
    await client.send("1000")
    await client.click("Оплатить")
    replies = await client.click("QR-код для приложения банка — без комиссии")
    assert any(r.method == "sendPhoto" for r in replies)
    async with sessions() as s:
        assert (await s.execute(select(Payment).where(Payment.source == "bot"))).first() is None
    folder = tmp_path / "r"
    write(folder, f"SBP-1;1234567890;{UK_OGRN};19.11.2026;1000,00;Сбербанк Онлайн")
    assert (await import_registry(sessions, folder, TZ)).ok
    assert (await import_registry(sessions, folder, TZ)).ok
    assert (await svc.amount_due(sessions, client.user.id, w.account.id)).due == D("3907.94")
