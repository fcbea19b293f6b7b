"""Rows for tests, written straight through the ORM (the registry importer has its own tests).

``await world(sessions)`` builds a small, complete world: one УК, one РСО, the ГЖИ, two houses, accounts,
meters (one two-tariff), owners, two months of charges and a payment. Tests change what they need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.address import house_search_text
from storage.models import (
    Account,
    AccountLink,
    Charge,
    House,
    Meter,
    Organization,
    Owner,
    Payment,
    Premises,
    User,
)

# valid identifiers (check digits right)
UK_OGRN, UK_INN, UK_KPP = "1027700132195", "7707083893", "773601001"
RSO_OGRN, RSO_INN = "1057746555811", "7736520080"
GZHI_OGRN, GZHI_INN = "1027739143497", "7710461234"
PAYER_PHONE = "+79161234567"


@dataclass
class World:
    uk: Organization
    rso: Organization
    gzhi: Organization
    house: House
    other_house: House
    flat: Premises
    other_flat: Premises
    account: Account  # УК's account of flat 12, payer Хабибуллин Ринат Ильдарович, PAYER_PHONE
    power_account: Account  # РСО's electricity account of the same flat
    other_account: Account  # someone else's account in the other house
    cold: Meter
    hot: Meter
    power: Meter  # two-tariff
    owner: Owner


async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions.begin() as s:
        uk = Organization(ogrn=UK_OGRN, inn=UK_INN, kpp=UK_KPP, kind="uk",
                          name="Общество с ограниченной ответственностью «Управляющая компания Тестовая»",
                          short_name="ООО «УК Тестовая»", legal_address="г. Москва, ул. Бауманская, д. 1",
                          actual_address="г. Москва, ул. Бауманская, д. 1", phone="+74951234567",
                          dispatcher_phone="+74957654321", email="uk@example.ru", website="uk.example.ru",
                          license_number="077-000123", license_status="active",
                          bank_account="40702810938000012345", bank_name="ПАО Сбербанк", bic="044525225",
                          corr_account="30101810400000000225")
        rso = Organization(ogrn=RSO_OGRN, inn=RSO_INN, kind="rso", name="АО «Энергосбыт Тестовый»",
                           short_name="АО «Энергосбыт»", phone="+74950000001")
        gzhi = Organization(ogrn=GZHI_OGRN, inn=GZHI_INN, kind="gzhi",
                            name="Государственная жилищная инспекция города Москвы",
                            short_name="Мосжилинспекция", phone="+74956811111", email="gzhi@example.ru")
        s.add_all([uk, rso, gzhi])
        await s.flush()
        house = House(house_guid="5ad6e1a8-0c5c-4f2a-9b3e-000000000001", region="Москва", city="Москва",
                      street="ул. Бауманская", building="44", manager_id=uk.id, year_built=1968, floors=9,
                      entrances=4, total_area=Decimal("5400.50"), condition="исправный",
                      wear_percent=Decimal("32.5"), last_capital_repair_year=2015,
                      capital_repair_fund="regional_operator", council_chair="Иванова Мария Петровна",
                      council_members="Петров П. П.;Сидоров С. С.", contract_number="ДУ-44/2020",
                      contract_signed_on=dt.date(2020, 3, 1), contract_starts_on=dt.date(2020, 4, 1),
                      search_text=house_search_text("Москва", None, "ул. Бауманская", "44"))
        other = House(house_guid="5ad6e1a8-0c5c-4f2a-9b3e-000000000002", region="Москва", city="Москва",
                      street="проезд Петровско-Разумовский", building="12", manager_id=uk.id,
                      search_text=house_search_text("Москва", None, "проезд Петровско-Разумовский", "12"))
        s.add_all([house, other])
        await s.flush()
        flat = Premises(house_id=house.id, number="12", total_area=Decimal("49.50"),
                        living_area=Decimal("32.20"), residents=3)
        other_flat = Premises(house_id=other.id, number="7", total_area=Decimal("61.00"))
        s.add_all([flat, other_flat])
        await s.flush()
        account = Account(account_number="1234567890", provider_id=uk.id, premises_id=flat.id,
                          payer_name="Хабибуллин Ринат Ильдарович", payer_phone=PAYER_PHONE)
        power_account = Account(account_number="ЭЛ-0012", provider_id=rso.id, premises_id=flat.id,
                                payer_name="Хабибуллин Ринат Ильдарович")
        other_account = Account(account_number="777", provider_id=uk.id, premises_id=other_flat.id,
                                payer_name="Смирнова Анна Сергеевна", payer_phone="+79035550000")
        s.add_all([account, power_account, other_account])
        await s.flush()
        cold = Meter(serial_number="ХВ-001", account_id=account.id, resource="cold_water", digits=5,
                     next_verification_on=dt.date(2030, 1, 1), last_value=Decimal("100.000"),
                     last_read_on=dt.date(2026, 10, 20))
        hot = Meter(serial_number="ГВ-001", account_id=account.id, resource="hot_water", digits=5,
                    next_verification_on=dt.date(2030, 1, 1), last_value=Decimal("50.000"),
                    last_read_on=dt.date(2026, 10, 20))
        power = Meter(serial_number="Э-777", account_id=power_account.id, resource="electricity", digits=6,
                      tariff_zones=2, next_verification_on=dt.date(2031, 6, 1), last_value=Decimal("1200"),
                      last_value_t2=Decimal("500"), last_read_on=dt.date(2026, 10, 20))
        owner = Owner(premises_id=flat.id, owner_name="Хабибуллин Ринат Ильдарович", share_num=1, share_den=1,
                      phone=PAYER_PHONE, egrn_record="77:09:0004011:1234-77/011/2019-1")
        s.add_all([cold, hot, power, owner])
        for period, due in (("2026-09", dt.date(2026, 10, 10)), ("2026-10", dt.date(2026, 11, 10))):
            s.add_all([
                Charge(account_id=account.id, period=period, service="Содержание жилого помещения",
                       amount=Decimal("2450.30"), due_on=due),
                Charge(account_id=account.id, period=period, service="Холодное водоснабжение",
                       amount=Decimal("612.45"), due_on=due),
                Charge(account_id=account.id, period=period, service="Горячее водоснабжение",
                       amount=Decimal("1830.12"), due_on=due),
            ])
        s.add(Charge(account_id=account.id, period="2026-10", service="Пени", amount=Decimal("15.07"),
                     due_on=dt.date(2026, 11, 10)))
        s.add(Payment(source="registry", external_id="PAY-1", account_id=account.id, paid_on=dt.date(2026, 10, 5),
                      amount=Decimal("4892.87"), channel="Сбербанк Онлайн"))
        await s.flush()
        return World(uk=uk, rso=rso, gzhi=gzhi, house=house, other_house=other, flat=flat,
                     other_flat=other_flat, account=account, power_account=power_account,
                     other_account=other_account, cold=cold, hot=hot, power=power, owner=owner)


async def link(sessions: async_sessionmaker[AsyncSession], user_id: int, *accounts: Account,
               method: str = "phone") -> None:
    """Make ``user_id`` a resident who has already linked ``accounts``."""
    async with sessions.begin() as s:
        if await s.get(User, user_id) is None:
            s.add(User(id=user_id, first_name="Ринат"))
            await s.flush()
        for acc in accounts:
            s.add(AccountLink(user_id=user_id, account_id=acc.id, method=method))


async def old_house(conn, total_area: str = "NULL") -> None:
    """An organization (id 1) and its house (id 1) written with raw SQL into a database an older revision made —
    for tests of the migrations that convert stored rows (the models describe only the newest schema)."""
    from sqlalchemy import text

    await conn.execute(text(
        "INSERT INTO organizations (id, ogrn, inn, name, kind, created_at, updated_at) "
        "VALUES (1, '1027700132195', '7707083893', 'УК', 'uk', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    await conn.execute(text(
        "INSERT INTO houses (id, house_guid, manager_id, region, street, building, kind, search_text, total_area, "
        f"created_at, updated_at) VALUES (1, 'g', 1, 'Москва', 'ул. Мира', '1', 'mkd', 'мира 1', {total_area}, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
