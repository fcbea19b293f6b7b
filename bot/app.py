"""Builds Bot, storage and Dispatcher from Settings. No import-time globals: every test builds its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handlers import setup_routers
from bot.middlewares import InFlightTracker, on_error
from bot.services.clock import Clock
from bot.texts import common as t
from storage.db import create_engine, session_factory
from storage.fsm import LocalEventIsolation, RedisKeyBuilder, SqlStorage

log = logging.getLogger(__name__)


def build_bot(settings: Settings, token: str | None = None, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.telegram_api_url:
            # every Bot API call and every file download goes to the custom server
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url, is_local=False)
    return Bot(
        token=token or settings.bot_token or "",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_storage(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=RedisKeyBuilder())
    return SqlStorage(sessions)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    tracker: InFlightTracker
    clock: Clock

    async def close(self) -> None:
        await self.dispatcher.storage.close()
        await self.engine.dispose()


def build_dispatcher(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    storage: BaseStorage,
    clock: Clock | None = None,
) -> tuple[Dispatcher, InFlightTracker]:
    clock = clock or Clock(settings.tz)
    # one update at a time per user and chat: two quick taps must not both read, then both write, the dialog.
    # With Redis the lock is Redis's own, shared by every replica; otherwise one process polls, and an in-process
    # lock is enough
    create_isolation = getattr(storage, "create_isolation", None)
    isolation = create_isolation() if create_isolation else LocalEventIsolation()
    dp = Dispatcher(storage=storage, events_isolation=isolation, settings=settings, sessions=sessions, clock=clock)
    tracker = InFlightTracker()
    dp.update.outer_middleware(tracker)
    dp.errors.register(on_error)
    dp.include_router(setup_routers(settings))
    return dp, tracker


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or Clock(settings.tz)
    dp, tracker = build_dispatcher(settings, sessions, build_storage(settings, sessions), clock)
    return App(settings=settings, engine=engine, sessions=sessions, dispatcher=dp, tracker=tracker, clock=clock)


async def set_commands(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in t.COMMANDS])
