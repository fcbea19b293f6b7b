"""Delivery of a sent appeal (TEMPORARY placeholder of the contract: the staff-loop change replaces this module
with the real delivery — the staff card with its files, the e-mail, the PDF for the resident)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.clock import Clock
from storage.vocab import AppealRoute


@dataclass(frozen=True)
class Delivery:
    route: AppealRoute
    staff_posted: bool = False  # the card reached the staff chat
    emailed: bool = False  # the addressee was e-mailed
    pdf_sent: bool = False  # the resident got the PDF to file in ГИС ЖКХ


async def deliver(bot: Bot, settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock,
                  appeal_id: int, route: AppealRoute) -> Delivery:
    return Delivery(route=route)


async def refresh_card(bot: Bot, settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock,
                       appeal_id: int, note: str | None = None) -> bool:
    """Re-render the appeal's staff card with its current status (withdrawn, returned to work, rated), ``note``
    posted under it; False when the appeal has no card."""
    return False
