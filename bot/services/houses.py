"""Houses: how an address is written, how a house is found by part of its address."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.address import house_score, longest_word, normalize, stem
from storage.models import Account, House, Organization, Premises

Sessions = async_sessionmaker[AsyncSession]
SEARCH_PAGE_SIZE = 6
SEARCH_CANDIDATES = 2000


def house_address(h: House) -> str:
    """«г. Москва, ул. Бауманская, д. 44»."""
    parts: list[str] = []
    if h.city:
        parts.append(h.city if h.city.lower().startswith(("г.", "г ")) else f"г. {h.city}")
    elif h.settlement:
        parts.append(h.settlement)
    elif h.region:
        parts.append(h.region)
    parts.append(h.street)
    parts.append(f"д. {h.building}")
    return ", ".join(parts)


def premises_label(p: Premises) -> str:
    """«кв. 12» for a flat, the number as given otherwise («пом. 3»)."""
    number = p.number.strip()
    if p.kind == "residential" and re.fullmatch(r"\d+[а-яА-Яa-zA-Z]?", number):
        return f"кв. {number}"
    if re.fullmatch(r"\d+[а-яА-Яa-zA-Z]?", number):
        return f"пом. {number}"
    return number


def natural_key(text: str) -> tuple[str | int, ...]:
    """Numbers in order of value: «д. 2» before «д. 10» (parts alternate text, number, text…)."""
    return tuple(int(part) if i % 2 else part.lower() for i, part in enumerate(re.split(r"(\d+)", text)))


@dataclass(frozen=True)
class HouseItem:
    id: int
    address: str


@dataclass(frozen=True)
class HouseSearch:
    items: list[HouseItem]
    total: int
    page: int
    pages: int
    query_ok: bool = True  # False: nothing searchable was typed


async def search_houses(sessions: Sessions, query: str, page: int = 0,
                        page_size: int = SEARCH_PAGE_SIZE) -> HouseSearch:
    words = normalize(query)
    if not words:
        return HouseSearch([], 0, 0, 0, query_ok=False)
    letters = [stem(w) for w in words if not w[0].isdigit() and not re.fullmatch(r"[ксл~]\d.*|~.*", w)]
    key = longest_word(letters) if letters else longest_word([w.lstrip("~") for w in words])
    async with sessions() as s:
        stmt = select(House).where(House.search_text.like(f"%{key}%")).limit(SEARCH_CANDIDATES)
        houses = (await s.execute(stmt)).scalars().all()
    ranked: list[tuple[int, str, int]] = []
    for h in houses:
        score = house_score(words, (h.search_text or "").split())
        if score is not None:
            ranked.append((score, house_address(h), h.id))
    ranked.sort(key=lambda r: (-r[0], natural_key(r[1])))
    total = len(ranked)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 0), pages - 1)
    chunk = ranked[page * page_size:(page + 1) * page_size]
    return HouseSearch([HouseItem(id=i, address=a) for _, a, i in chunk], total, page, pages)


async def get_house(sessions: Sessions, house_id: int) -> HouseItem | None:
    async with sessions() as s:
        h = await s.get(House, house_id)
        return HouseItem(h.id, house_address(h)) if h else None


async def account_place(s: AsyncSession, account_id: int) -> tuple[Account, Premises, House, Organization] | None:
    """An account with its premises, house and the organization that bills it (one query), or None."""
    row = (await s.execute(
        select(Account, Premises, House, Organization)
        .join(Premises, Premises.id == Account.premises_id).join(House, House.id == Premises.house_id)
        .join(Organization, Organization.id == Account.provider_id).where(Account.id == account_id)
    )).first()
    return None if row is None else (row[0], row[1], row[2], row[3])
