"""Router factories, one per flow; ``setup_routers`` assembles them in a fixed order."""

from __future__ import annotations

from aiogram import F, Router

from bot.config import Settings
from bot.handlers import common


def setup_routers(settings: Settings) -> Router:
    root = Router(name="root")

    residents = Router(name="residents")
    residents.message.filter(F.chat.type == "private")
    residents.callback_query.filter(F.message.chat.type == "private")
    residents.include_router(common.router())

    root.include_router(residents)
    # the catch-all goes last, explicitly
    root.include_router(common.fallback_router())
    return root
