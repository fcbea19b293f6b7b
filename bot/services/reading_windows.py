"""Each provider's own reading window (the days of the month when readings count for the current period).

The registry format has no column for it, so the УК's staff set it in the staff chat (``/window``); a provider
without its own window uses the bot's default (READING_WINDOW_FROM/TO)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.readings import Window, org_window
from storage.models import Account, Organization
from storage.vocab import OrgKind

Sessions = async_sessionmaker[AsyncSession]

PROVIDER_KINDS = (OrgKind.uk, OrgKind.tsj, OrgKind.zhsk, OrgKind.rso)
RESET_WORDS = ("по умолчанию", "умолчание", "сброс", "сбросить", "-", "—", "default")


class WindowProblem(StrEnum):
    ogrn_first = "ogrn_first"  # the arguments do not start with an ОГРН
    format = "format"  # not two days of the month
    day_range = "day_range"  # a day outside 1…31
    order = "order"  # the first day after the last
    unknown_provider = "unknown_provider"  # no organization with that ОГРН


class WindowError(ValueError):
    """Wrong input: ``problem`` says what (the staff texts word it); ``ogrn`` the number that was not found."""

    def __init__(self, problem: WindowProblem, ogrn: str | None = None) -> None:
        super().__init__(problem.value)
        self.problem, self.ogrn = problem, ogrn


@dataclass(frozen=True)
class ProviderWindow:
    ogrn: str
    name: str
    window: Window
    own: bool  # False: the bot's default


def parse_window(text: str) -> Window | None:
    """«15-20», «15–20», «с 15 по 20» → Window(15, 20); «по умолчанию» / «-» → None (back to the default)."""
    raw = (text or "").strip().lower().replace("ё", "е")
    if raw in RESET_WORDS:
        return None
    m = re.fullmatch(r"(?:с\s*)?(\d{1,2})\s*(?:-|–|—|по|\.\.)\s*(\d{1,2})(?:\s*числа)?", raw)
    if not m:
        raise WindowError(WindowProblem.format)
    start, end = int(m.group(1)), int(m.group(2))
    if not (1 <= start <= 31 and 1 <= end <= 31):
        raise WindowError(WindowProblem.day_range)
    if start > end:
        raise WindowError(WindowProblem.order)
    return Window(start, end)


def _view(o: Organization, default: Window) -> ProviderWindow:
    own = o.reading_window_from is not None or o.reading_window_to is not None
    return ProviderWindow(o.ogrn, o.short_name or o.name, org_window(o, default), own)


async def list_windows(sessions: Sessions, default: Window) -> list[ProviderWindow]:
    """Organizations that bill accounts (and УК/ТСЖ/ЖСК/РСО without accounts yet), by name."""
    async with sessions() as s:
        billing = select(Account.provider_id).distinct()
        orgs = (await s.execute(
            select(Organization).where(Organization.kind.in_(PROVIDER_KINDS) | Organization.id.in_(billing))
            .order_by(Organization.name, Organization.ogrn)
        )).scalars().all()
    return [_view(o, default) for o in orgs]


async def set_window(sessions: Sessions, ogrn: str, window: Window | None, default: Window) -> ProviderWindow:
    """Give the provider its own window, or (None) put it back on the default."""
    async with sessions.begin() as s:
        o = (await s.execute(select(Organization).where(Organization.ogrn == ogrn.strip()))).scalar_one_or_none()
        if o is None:
            raise WindowError(WindowProblem.unknown_provider, ogrn=ogrn.strip())
        o.reading_window_from = window.from_day if window else None
        o.reading_window_to = window.to_day if window else None
        await s.flush()
        return _view(o, default)


async def change_window(sessions: Sessions, args: str, default: Window) -> ProviderWindow:
    """``/window`` with arguments: «ОГРН 15-20» or «ОГРН по умолчанию». Raises WindowError."""
    ogrn, _, rest = (args or "").strip().partition(" ")
    if not ogrn.isdigit():
        raise WindowError(WindowProblem.ogrn_first)
    return await set_window(sessions, ogrn, parse_window(rest), default)
