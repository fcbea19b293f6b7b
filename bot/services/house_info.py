"""«Мой дом»: the house card, the resident's premises, the УК card, the management contract, the council and the
outages — only for houses where the user has a linked account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.houses import HouseItem, house_address, premises_label
from bot.services.readings import ROW_ID_MAX
from storage.models import Account, AccountLink, House, Organization, Outage, Premises

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class HouseCard:
    address: str
    kind: str
    year_built: int | None
    year_commissioned: int | None
    floors: int | None
    entrances: int | None
    total_area: Decimal | None
    condition: str | None
    wear_percent: Decimal | None
    last_capital_repair_year: int | None
    capital_repair_fund: str | None
    manager: str


@dataclass(frozen=True)
class PremisesCard:
    label: str
    kind: str
    total_area: Decimal
    living_area: Decimal | None
    residents: int | None
    cadastral_number: str | None
    accounts: list[str]


@dataclass(frozen=True)
class OrgCard:
    name: str
    short_name: str | None
    kind: str
    ogrn: str
    inn: str
    kpp: str | None
    registered_on: dt.date | None
    legal_address: str | None
    actual_address: str | None
    postal_address: str | None
    phone: str | None
    dispatcher_phone: str | None
    email: str | None
    website: str | None
    license_number: str | None
    license_issued_on: dt.date | None
    license_status: str | None


@dataclass(frozen=True)
class Contract:
    number: str | None
    signed_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    manager: str

    @property
    def empty(self) -> bool:
        return not any((self.number, self.signed_on, self.starts_on, self.ends_on))


@dataclass(frozen=True)
class Council:
    chair: str | None
    members: list[str]


@dataclass(frozen=True)
class OutageItem:
    resource: str
    kind: str
    starts_at: dt.datetime  # naive UTC
    ends_at: dt.datetime
    reason: str | None


@dataclass(frozen=True)
class HouseInfo:
    house_id: int
    card: HouseCard
    premises: list[PremisesCard]
    manager: OrgCard
    contract: Contract
    council: Council
    current: list[OutageItem] = field(default_factory=list)
    planned: list[OutageItem] = field(default_factory=list)


async def my_houses(sessions: Sessions, user_id: int) -> list[HouseItem]:
    """Houses where the user has a linked account, in the order the accounts were linked."""
    async with sessions() as s:
        rows = (await s.execute(
            select(House).join(Premises, Premises.house_id == House.id)
            .join(Account, Account.premises_id == Premises.id)
            .join(AccountLink, AccountLink.account_id == Account.id)
            .where(AccountLink.user_id == user_id).order_by(AccountLink.id)
        )).scalars().all()
    seen: dict[int, HouseItem] = {}
    for h in rows:
        seen.setdefault(h.id, HouseItem(h.id, house_address(h)))
    return list(seen.values())


async def house_info(sessions: Sessions, user_id: int, house_id: int, now_utc: dt.datetime) -> HouseInfo | None:
    """Everything «Мой дом» shows; None when the user has no linked account in that house."""
    if not 0 < house_id <= ROW_ID_MAX:  # a forged id no INTEGER column holds
        return None
    async with sessions() as s:
        prem_rows = (await s.execute(
            select(Premises, Account.account_number)
            .join(Account, Account.premises_id == Premises.id)
            .join(AccountLink, AccountLink.account_id == Account.id)
            .where(AccountLink.user_id == user_id, Premises.house_id == house_id)
            .order_by(Premises.id, Account.id)
        )).all()
        if not prem_rows:
            return None
        house = await s.get(House, house_id)
        org = await s.get(Organization, house.manager_id)
        outages = (await s.execute(
            select(Outage).where(Outage.house_id == house_id, Outage.status == "active", Outage.ends_at > now_utc)
            .order_by(Outage.starts_at)
        )).scalars().all()

    premises: dict[int, PremisesCard] = {}
    for p, number in prem_rows:
        card = premises.get(p.id)
        if card is None:
            card = premises[p.id] = PremisesCard(premises_label(p), p.kind, p.total_area, p.living_area,
                                                 p.residents, p.cadastral_number, [])
        if number not in card.accounts:
            card.accounts.append(number)
    manager = org.short_name or org.name
    members = [m.strip() for m in (house.council_members or "").split(";") if m.strip()]
    items = [OutageItem(o.resource, o.kind, o.starts_at, o.ends_at, o.reason) for o in outages]
    return HouseInfo(
        house_id=house.id,
        card=HouseCard(house_address(house), house.kind, house.year_built, house.year_commissioned, house.floors,
                       house.entrances, house.total_area, house.condition, house.wear_percent,
                       house.last_capital_repair_year, house.capital_repair_fund, manager),
        premises=list(premises.values()),
        manager=OrgCard(org.name, org.short_name, org.kind, org.ogrn, org.inn, org.kpp, org.registered_on,
                        org.legal_address, org.actual_address, org.postal_address, org.phone, org.dispatcher_phone,
                        org.email, org.website, org.license_number, org.license_issued_on, org.license_status),
        contract=Contract(house.contract_number, house.contract_signed_on, house.contract_starts_on,
                          house.contract_ends_on, manager),
        council=Council(house.council_chair.strip() if house.council_chair else None, members),
        current=[o for o in items if o.starts_at <= now_utc],
        planned=[o for o in items if o.starts_at > now_utc],
    )
