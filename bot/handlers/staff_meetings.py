"""Staff: /meetings — every meeting of the houses with its participation so far."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.voting import service as svc
from bot.texts import voting as t

Sessions = async_sessionmaker[AsyncSession]


async def meetings(message: Message, sessions: Sessions, clock: Clock) -> None:
    rows = await svc.participation(sessions, None, clock.utcnow())
    await message.answer(t.staff_meetings(rows, clock.to_local))


def router() -> Router:
    r = Router(name="staff_meetings")
    r.message.register(meetings, Command("meetings"))
    return r
