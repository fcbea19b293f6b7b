"""The accounts service called directly, with hand-computed expectations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.services import accounts as svc
from bot.services import houses
from bot.texts.accounts import money, period_name
from bot.texts.common import number
from storage.models import AccountLink, Charge, LinkRequest, Payment
from tests.factories import PAYER_PHONE, link, world

TODAY = dt.date(2026, 11, 19)
NOW = dt.datetime(2026, 11, 19, 9, 0)


@pytest.mark.parametrize(("text", "value"), [
    ("4 907,94", "4907.94"), ("4907.94", "4907.94"), ("4907,94 руб", "4907.94"), ("4907,94 руб.", "4907.94"),
    ("4 907,94 ₽", "4907.94"), ("4907", "4907.00"), ("4907,9", "4907.90"), ("4\u00a0907,94", "4907.94"),
    ("4907 р.", "4907.00"), ("-0,10", "-0.10"), ("−12,5", "-12.50"),
    ("1\u202f082,02 ₽", "1082.02"), ("1 234 567,8", "1234567.80"), ("4'907,94", "4907.94"),
])
def test_parse_money_accepts(text, value):
    assert svc.parse_money(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "сорок", "4907,945", "--5", "5-", "4.907,94", "1e3", "4907,94 $",
                                  "49 07,94", "1 2", "4 907, 94", "4907,9 4"])
def test_parse_money_refuses(text):
    assert svc.parse_money(text) is None


@pytest.mark.parametrize(("raw", "phone"), [
    ("+7 916 123-45-67", "+79161234567"), ("89161234567", "+79161234567"), ("79161234567", "+79161234567"),
    ("9161234567", "+79161234567"), ("+1 202 555 0100", None), ("123", None),
])
def test_normalize_phone(raw, phone):
    assert svc.normalize_phone(raw) == phone


@pytest.mark.parametrize(("raw", "norm"), [
    ("1234 567-890", "1234567890"), ("эл-0012", "ЭЛ0012"), ("№ 777", "777"), ("!!", None), ("x" * 31, None),
])
def test_normalize_account_number(raw, norm):
    assert svc.normalize_account_number(raw) == norm


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("3120.7"), None, "3\u00a0120,7"),  # an area as stored, trailing zeros dropped
    (Decimal("5400.50"), None, "5\u00a0400,5"),
    (Decimal("49.50"), None, "49,5"),
    (Decimal("1E+3"), None, "1\u00a0000"),
    (Decimal("999"), None, "999"),
    (1234567, None, "1\u00a0234\u00a0567"),
    (Decimal("12345.678"), 3, "12\u00a0345,678"),
    (Decimal("100"), 3, "100,000"),
    (Decimal("-1082.025"), 2, "−1\u00a0082,02"),
])
def test_number_groups_by_three_with_no_break_spaces(value, places, text):
    assert number(value, places) == text


def test_printed_sums_can_be_typed_back():
    for value in (Decimal("1082.02"), Decimal("1234567.80"), Decimal("-15.07")):
        assert svc.parse_money(money(value).replace("−", "-")) == value


def test_short_person_and_money():
    assert svc.short_person("Хабибуллин Ринат Ильдарович") == "Хабибуллин Р. И."
    assert svc.short_person("Смирнова Анна") == "Смирнова А."
    assert svc.short_person("ООО «Ромашка»") == "ООО «Ромашка»"
    # no-break spaces: a phone never wraps a sum between its groups or before «₽»
    assert money(Decimal("1234.5")) == "1\u00a0234,50\u00a0₽"
    assert money(Decimal("1234567.891")) == "1\u00a0234\u00a0567,89\u00a0₽"
    assert money(Decimal("0")) == "0,00\u00a0₽"
    assert money(Decimal("-15.07")) == "−15,07\u00a0₽"
    assert money(Decimal("-0.001")) == "0,00\u00a0₽"
    assert period_name("2026-10") == "октябрь 2026"


@pytest.mark.parametrize("query", [
    "баумана 44", "Бауманская 44", "ул Бауманская д 44", "БАУМАНСКАЯ, дом 44", "44 бауманская", "москва баум 44",
])
async def test_search_finds_house_from_spellings(sessions, query):
    w = await world(sessions)
    found = await houses.search_houses(sessions, query)
    assert [h.id for h in found.items] == [w.house.id]


async def test_search_ranking_and_refusals(sessions):
    w = await world(sessions)
    found = await houses.search_houses(sessions, "Петровско-Разумовский 12")
    assert [h.id for h in found.items] == [w.other_house.id]
    assert found.items[0].address == "г. Москва, проезд Петровско-Разумовский, д. 12"
    assert (await houses.search_houses(sessions, "Бауманская 4")).items == []  # numbers match exactly
    assert (await houses.search_houses(sessions, "Ленина 5 к2")).items == []
    assert not (await houses.search_houses(sessions, "ул. д.")).query_ok
    both = await houses.search_houses(sessions, "москва")
    assert both.total == 2


async def test_search_housing_parts(sessions):
    w = await world(sessions)
    from bot.services.address import house_search_text
    from storage.models import House

    async with sessions.begin() as s:
        s.add(House(house_guid="g-lenina-5k2", region="Татарстан Респ", city="Казань", street="ул. Ленина",
                    building="5 к2", manager_id=w.uk.id,
                    search_text=house_search_text("Казань", None, "ул. Ленина", "5 к2")))
    for q in ("ул Ленина д 5 к2", "ленина 5к2", "Ленина, 5 корп. 2", "улица ленина дом 5 корпус 2"):
        found = await houses.search_houses(sessions, q)
        assert [h.address for h in found.items] == ["г. Казань, ул. Ленина, д. 5 к2"], q


async def test_search_paginates(sessions):
    w = await world(sessions)
    from bot.services.address import house_search_text
    from storage.models import House

    async with sessions.begin() as s:
        for n in range(1, 14):
            s.add(House(house_guid=f"g-sad-{n}", region="Москва", city="Москва", street="ул. Садовая",
                        building=str(n), manager_id=w.uk.id,
                        search_text=house_search_text("Москва", None, "ул. Садовая", str(n))))
    first = await houses.search_houses(sessions, "садовая", page=0, page_size=6)
    last = await houses.search_houses(sessions, "садовая", page=2, page_size=6)
    assert (first.total, first.pages, len(first.items), len(last.items), last.page) == (13, 3, 6, 1, 2)
    beyond = await houses.search_houses(sessions, "садовая", page=99, page_size=6)
    assert beyond.page == 2
    # houses of one street come in the order of their numbers, as a resident reads them
    assert [h.address.rsplit("д. ", 1)[1] for h in first.items] == ["1", "2", "3", "4", "5", "6"]
    assert [h.address.rsplit("д. ", 1)[1] for h in last.items] == ["13"]


async def test_find_account(sessions):
    w = await world(sessions)
    found = await svc.find_account(sessions, 111, w.house.id, " 1234-567-890 ")
    assert (found.status, found.account_id) == ("found", w.account.id)
    assert (await svc.find_account(sessions, 111, w.house.id, "эл 0012")).account_id == w.power_account.id
    assert (await svc.find_account(sessions, 111, w.house.id, "777")).status == "not_found"
    assert (await svc.find_account(sessions, 111, w.house.id, "--")).status == "bad_number"
    await link(sessions, 111, w.account)
    assert (await svc.find_account(sessions, 111, w.house.id, "1234567890")).status == "already_linked"


async def test_prove_by_phone(sessions):
    w = await world(sessions)
    assert await svc.prove_by_phone(sessions, 111, w.account.id, "89161234567")
    assert not await svc.prove_by_phone(sessions, 111, w.other_account.id, PAYER_PHONE)
    # the power account has no payer phone; the flat's owner's phone proves it
    assert await svc.prove_by_phone(sessions, 111, w.power_account.id, PAYER_PHONE)
    assert not await svc.prove_by_phone(sessions, 111, w.account.id, "+1 202 555 0100")


async def test_bill_total_limits(sessions):
    w = await world(sessions)
    # the latest period: 2450.30 + 612.45 + 1830.12 + 15.07 (Пени)
    right = Decimal("4907.94")
    assert (await svc.check_bill_total(sessions, 222, w.account.id, right, TODAY)).status == "ok"
    for left in (4, 3, 2, 1):
        res = await svc.check_bill_total(sessions, 222, w.account.id, Decimal("4892.87"), TODAY)
        assert (res.status, res.left) == ("wrong", left)
    res = await svc.check_bill_total(sessions, 222, w.account.id, Decimal("1"), TODAY)
    assert (res.status, res.left) == ("blocked", 0)
    assert (await svc.check_bill_total(sessions, 222, w.account.id, right, TODAY)).status == "blocked"
    assert await svc.bill_attempts_left(sessions, 222, w.account.id, TODAY) == 0
    # another user, another day: their own counts
    assert await svc.bill_attempts_left(sessions, 333, w.account.id, TODAY) == 5
    tomorrow = TODAY + dt.timedelta(days=1)
    assert (await svc.check_bill_total(sessions, 222, w.account.id, right, tomorrow)).status == "ok"
    # no charges at all
    assert (await svc.check_bill_total(sessions, 222, w.power_account.id, right, TODAY)).status == "no_bill"


async def test_link_and_unlink(sessions):
    w = await world(sessions)
    assert (await svc.link_account(sessions, 111, w.account.id, "phone", NOW)).created
    assert not (await svc.link_account(sessions, 111, w.account.id, "bill_total", NOW)).created
    assert await svc.unlink_account(sessions, 222, w.account.id) is None
    gone = await svc.unlink_account(sessions, 111, w.account.id)
    assert gone.number == "1234567890"
    async with sessions() as s:
        assert (await s.execute(select(AccountLink))).first() is None


async def test_debts_to_the_kopeck(sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account, w.power_account)
    cards = await svc.list_accounts(sessions, 111, TODAY)
    acc, power = cards
    # charges: 2 × (2450.30 + 612.45 + 1830.12) + 15.07 = 9800.81; paid 4892.87
    assert (acc.debt.charged, acc.debt.paid, acc.debt.due) == (
        Decimal("9800.81"), Decimal("4892.87"), Decimal("4907.94"))
    assert acc.debt.period == "2026-10" and acc.debt.penalties == Decimal("15.07")
    assert [(line.service, line.amount) for line in acc.debt.lines] == [
        ("Содержание жилого помещения", Decimal("2450.30")), ("Холодное водоснабжение", Decimal("612.45")),
        ("Горячее водоснабжение", Decimal("1830.12"))]
    assert acc.debt.period_total == Decimal("4907.94") and acc.debt.due_on == dt.date(2026, 11, 10)
    assert acc.in_debt and acc.debt.overdue
    assert not power.in_debt and power.debt.period is None and power.debt.due == 0
    assert acc.payer == "Хабибуллин Р. И." and acc.premises == "кв. 12"
    # a recalculation, a payment in the bot, then an overpayment
    async with sessions.begin() as s:
        s.add(Charge(account_id=w.account.id, period="2026-10", service="Перерасчёт", amount=Decimal("-7.94"),
                     due_on=dt.date(2026, 11, 10)))
        s.add(Payment(source="bot", account_id=w.account.id, paid_on=TODAY, amount=Decimal("4900.00"),
                      user_id=111))
    card = await svc.account_card(sessions, 111, w.account.id, TODAY)
    assert card.debt.due == Decimal("0.00") and not card.in_debt
    async with sessions.begin() as s:
        s.add(Payment(source="bot", account_id=w.account.id, paid_on=TODAY, amount=Decimal("0.01"), user_id=111))
    assert (await svc.account_card(sessions, 111, w.account.id, TODAY)).debt.due == Decimal("-0.01")
    assert await svc.account_card(sessions, 222, w.account.id, TODAY) is None


def _clock(hour: int = 12, day: int = 19):
    from zoneinfo import ZoneInfo

    from bot.services.clock import FixedClock

    return FixedClock(ZoneInfo("Europe/Moscow"), dt.datetime(2026, 11, day, hour, 0))


async def _request(sessions, account_id: int, clock=None, user_id: int = 222):
    return await svc.create_link_request(sessions, user_id, account_id, "Петров Иван", svc.Relation.tenant, "Иван",
                                         "Петров", "ivan", clock or _clock())


async def test_staff_request_lifecycle(sessions):
    from bot.services import staff_cards as cards

    w = await world(sessions)
    new = await _request(sessions, w.account.id)
    assert new.gate is svc.Gate.ok and new.view.user_name == "Иван Петров"
    assert new.view.payer_full.startswith("Хабибуллин")
    assert (new.view.applicant_name, new.view.relation) == ("Петров Иван", svc.Relation.tenant)
    again = await _request(sessions, w.account.id)
    assert again.gate is svc.Gate.pending and again.view is None
    await svc.set_request_message(sessions, new.view.id, -100, 55)
    card = await cards.by_message(sessions, -100, 55)
    assert (card.kind, card.subject_id, card.status) == (cards.CardKind.link, new.view.id, cards.CardStatus.open)

    # «Отклонить»: the card waits for this staff member's reason; another one can neither reject nor approve
    asking = await svc.begin_rejection(sessions, new.view.id, 900, NOW)
    assert asking.outcome is svc.Outcome.asking and asking.card.asked_by == 900
    assert (await svc.begin_rejection(sessions, new.view.id, 901, NOW)).outcome is svc.Outcome.busy
    assert (await svc.decide_request(sessions, new.view.id, 901, True, NOW)).outcome is svc.Outcome.busy
    await cards.prompt_posted(sessions, asking.card.id, 56)
    assert (await cards.by_message(sessions, -100, 56)).id == card.id  # a reply to the prompt finds the card
    assert await cards.by_message(sessions, -200, 56) is None  # not in another chat

    res = await svc.decide_request(sessions, new.view.id, 900, False, NOW, staff_name="Ольга (id 900)",
                                   reason="нет документов")
    assert (res.outcome, res.view.status, res.view.decided_by, res.linked) == (
        svc.Outcome.decided, "rejected", 900, False)
    assert res.view.reason == "нет документов" and res.manager.phone == "+74951234567"
    card = await cards.get(sessions, cards.CardKind.link, new.view.id)
    assert (card.status, card.outcome, card.decided_by, card.decided_by_name, card.reason) == (
        cards.CardStatus.decided, "rejected", 900, "Ольга (id 900)", "нет документов")
    res = await svc.decide_request(sessions, new.view.id, 901, True, NOW)
    assert (res.outcome, res.view.status) == (svc.Outcome.already, "rejected")
    assert (await svc.begin_rejection(sessions, new.view.id, 901, NOW)).outcome is svc.Outcome.already
    assert (await svc.decide_request(sessions, 999, 900, True, NOW)).outcome is svc.Outcome.missing

    # a fresh request can be approved and links the account
    new = await _request(sessions, w.account.id)
    assert new.gate is svc.Gate.ok
    res = await svc.decide_request(sessions, new.view.id, 900, True, NOW)
    assert res.linked
    async with sessions() as s:
        (row,) = (await s.execute(select(AccountLink))).scalars()
        statuses = sorted((await s.execute(select(LinkRequest.status))).scalars())
    assert (row.user_id, row.method, row.approved_by) == (222, "staff", 900)
    assert statuses == ["approved", "rejected"]


async def test_taking_a_rejection_back_opens_the_card_again(sessions):
    from bot.services import staff_cards as cards

    w = await world(sessions)
    new = await _request(sessions, w.account.id)
    asking = await svc.begin_rejection(sessions, new.view.id, 900, NOW)
    assert (await cards.release(sessions, asking.card.id)).status is cards.CardStatus.open
    assert await cards.release(sessions, asking.card.id) is None  # not waiting for a reason any more
    res = await svc.decide_request(sessions, new.view.id, 901, True, NOW)  # anyone may decide again
    assert res.outcome is svc.Outcome.decided and res.linked


async def test_an_rso_account_is_not_sent_to_the_uk(sessions):
    w = await world(sessions)
    gate = await svc.request_gate(sessions, 222, w.power_account.id, _clock())
    assert gate.gate is svc.Gate.rso and gate.provider.name == "АО «Энергосбыт»"
    assert gate.provider.phone == "+74950000001"
    refused = await _request(sessions, w.power_account.id)
    assert refused.gate is svc.Gate.rso and refused.view is None
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).first() is None


async def test_requests_a_day_are_limited_per_local_day(sessions):
    """Three requests a local day (Moscow): the fourth is refused until local midnight, whatever the account."""
    from storage.models import Account

    w = await world(sessions)
    ids = [w.account.id, w.other_account.id]
    async with sessions.begin() as s:
        for n in range(3):
            acc = Account(account_number=f"Q{n}", provider_id=w.account.provider_id, premises_id=w.flat.id,
                          payer_name="Хабибуллин Ринат Ильдарович")
            s.add(acc)
            await s.flush()
            ids.append(acc.id)
    early = _clock(hour=0)  # 00:00 Moscow is 21:00 UTC of the day before: still «today» in Moscow
    for account_id in ids[:3]:
        assert (await _request(sessions, account_id, early)).gate is svc.Gate.ok
    late = _clock(hour=23)
    assert (await svc.request_gate(sessions, 222, ids[3], late)).gate is svc.Gate.too_many
    assert (await _request(sessions, ids[3], late)).gate is svc.Gate.too_many
    assert (await _request(sessions, ids[3], late, user_id=333)).gate is svc.Gate.ok  # another resident
    assert (await _request(sessions, ids[3], _clock(hour=0, day=20))).gate is svc.Gate.ok  # the next local day


@pytest.mark.parametrize(("raw", "name"), [
    ("иванов  иван", "иванов иван"), ("Петрова-Водкина Анна", "Петрова-Водкина Анна"), ("O'Brien", "O'Brien"),
    ("Иванов И. И.", "Иванов И. И."), (" Ёлкина Алёна ", "Ёлкина Алёна"),
])
def test_applicant_name_accepts(raw, name):
    assert svc.clean_applicant_name(raw) == name


@pytest.mark.parametrize("raw", ["", "я", "12345", "Иван <b>", "Иван & Ко", "a" * 101, "--", "Иван2"])
def test_applicant_name_refuses(raw):
    assert svc.clean_applicant_name(raw) is None


@pytest.mark.parametrize(("text", "verdict", "rest"), [
    ("подтвердить", True, ""), ("Подтверждаю!", True, ""), ("+", True, ""), ("да", True, ""),
    ("отклонить: нет прописки", False, "нет прописки"), ("Отказать — не собственник", False, "не собственник"),
    ("отклонить", False, ""), ("да, но позже", None, "да, но позже"), ("Нет договора", None, "Нет договора"),
    ("а кто это?", None, "а кто это?"),
])
def test_staff_reply_words(text, verdict, rest):
    from bot.handlers.staff_links import parse_reply

    assert parse_reply(text) == (verdict, rest)


async def test_help_contacts(sessions):
    await world(sessions)
    contacts = await svc.help_contacts(sessions)
    assert [c.kind for c in contacts] == ["gzhi", "uk"]
    assert contacts[0].phone == "+74956811111"


async def test_negative_latest_bill_can_be_typed(sessions):
    """A recalculation larger than the month's charges: the bill totals below zero, and «-0,10» proves it."""
    from storage.models import Charge

    w = await world(sessions)
    async with sessions.begin() as s:
        s.add_all([Charge(account_id=w.account.id, period="2026-11", service="Содержание жилого помещения",
                          amount=Decimal("100.00"), due_on=dt.date(2026, 12, 10)),
                   Charge(account_id=w.account.id, period="2026-11", service="Перерасчёт отопления",
                          amount=Decimal("-100.10"), due_on=dt.date(2026, 12, 10))])
    typed = svc.parse_money("−0,10")
    assert typed == Decimal("-0.10")
    assert (await svc.check_bill_total(sessions, 222, w.account.id, typed, TODAY)).status == "ok"
