"""Builds Bot, storage and Dispatcher from Settings. No import-time globals: every test builds its own."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand, BotCommandScopeChat
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handlers import setup_routers
from bot.middlewares import InFlightTracker, RetryAfterMiddleware, UnitOfWorkMiddleware, on_error
from bot.routing import gate_routers
from bot.services.clock import Clock
from bot.texts import common as t
from storage.db import create_engine, session_factory
from storage.fsm import BufferedStorage, LocalEventIsolation, RedisKeyBuilder, SqlStorage

log = logging.getLogger(__name__)


def build_bot(settings: Settings, token: str | None = None, session: BaseSession | None = None,
              retry: bool = True) -> Bot:
    """The bot. ``retry``: Telegram's 429 is waited out and the call sent again (``RetryAfterMiddleware``) — for
    the bot that answers updates; the push sender paces itself and gets ``retry=False``."""
    if session is None:
        session = AiohttpSession()
        if settings.telegram_api_url:
            # every Bot API call and every file download goes to the custom server
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url, is_local=False)
    if retry:
        session.middleware(RetryAfterMiddleware())
    return Bot(
        token=token or (settings.bot_token.get_secret_value() if settings.bot_token else ""),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_storage(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> BaseStorage:
    if settings.redis_url:
        from storage.fsm_redis import RedisFsmStorage

        return RedisFsmStorage.from_url(settings.redis_url, key_builder=RedisKeyBuilder())
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
    # the dialog read once and written at most once per update (the real storage underneath)
    buffered = storage if isinstance(storage, BufferedStorage) else BufferedStorage(storage)
    dp = Dispatcher(storage=buffered, events_isolation=isolation, settings=settings, sessions=sessions, clock=clock)
    tracker = InFlightTracker()
    dp.update.outer_middleware(tracker)
    # after aiogram's FSM middleware (inside the per-user lock): one database session per update
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessions, buffered))
    dp.errors.register(on_error)
    dp.include_router(setup_routers(settings))
    inline_pure_filters(dp)
    gate_routers(dp.sub_routers)  # a handler's filters checked only if its state and callback prefix can match
    return dp, tracker


def inline_pure_filters(dp: Dispatcher) -> None:
    """aiogram runs every filter that is not a coroutine function in a thread (``asyncio.to_thread``): magic
    filters (``F.text == …``) and states (``SubmitReading.value``) too — dozens of trips to a thread and back per
    update, each for a comparison. They are pure and take microseconds: run them where they are called (the filter
    itself stays as it is, for whatever reads the routers)."""
    for router in dp.chain_tail:
        for observer in router.observers.values():
            for handler in [observer._handler, *observer.handlers]:
                for f in handler.filters or ():
                    if type(f) is FilterObject and not f.awaitable and (
                            f.magic is not None or isinstance(f.callback, State)):
                        f.__class__ = _InlineFilter


class _InlineFilter(FilterObject):
    async def call(self, *args: Any, **kwargs: Any) -> Any:
        return self.callback(*args, **self._prepare_kwargs(kwargs))


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or Clock(settings.tz)
    dp, tracker = build_dispatcher(settings, sessions, build_storage(settings, sessions), clock)
    return App(settings=settings, engine=engine, sessions=sessions, dispatcher=dp, tracker=tracker, clock=clock)


def freeze_startup() -> None:
    """Once started: the objects of start-up (modules, routers, settings — some 270k) live as long as the process;
    ``gc.freeze()`` keeps them out of every later full collection (each scanned them all: 130–170 ms pauses)."""
    gc.collect()
    gc.freeze()


async def set_commands(bot: Bot, settings: Settings | None = None) -> None:
    """The menu of commands: the residents' everywhere; in the staff chat the staff's; in each ADMIN_IDS private
    chat both. A chat the bot cannot reach (an admin who never wrote to it) is logged and skipped."""
    residents = [BotCommand(command=c, description=d) for c, d in t.COMMANDS]
    staff = [BotCommand(command=c, description=d) for c, d in t.STAFF_COMMANDS]
    await bot.set_my_commands(residents)
    if settings is None:
        return
    scopes: list[tuple[int, list[BotCommand]]] = []
    if settings.staff_chat_id is not None:
        scopes.append((settings.staff_chat_id, staff))
    both = residents + [c for c in staff if c.command not in {r.command for r in residents}]
    scopes += [(admin, both) for admin in settings.admin_ids]
    for chat_id, commands in scopes:
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
        except TelegramAPIError as exc:
            log.warning("could not set the command menu of chat %s: %s", chat_id, exc.message)


async def check_staff_chat(bot: Bot, settings: Settings) -> str | None:
    """Can the bot work in STAFF_CHAT_ID? None when it can; else the one line the log says at start."""
    chat_id = settings.staff_chat_id
    if chat_id is None:
        return ("STAFF_CHAT_ID is not set: link requests cannot reach the staff (residents are given the УК's "
                "phone), staff commands work only for ADMIN_IDS in private")
    try:
        await bot.get_chat(chat_id)
        me = await bot.me()
        member = await bot.get_chat_member(chat_id, me.id)
    except TelegramAPIError as exc:
        return (f"STAFF_CHAT_ID={chat_id}: the bot cannot open this chat ({exc.message}) — add the bot to the "
                f"staff group and check the id")
    status = getattr(member, "status", "")
    if status in ("left", "kicked"):
        return f"STAFF_CHAT_ID={chat_id}: the bot is not a member of the staff group ({status}) — add it"
    if status == "restricted" and not getattr(member, "can_send_messages", True):
        return f"STAFF_CHAT_ID={chat_id}: the bot may not post in the staff group — allow it to send messages"
    if status not in ("administrator", "creator") and not me.can_read_all_group_messages:
        return (f"STAFF_CHAT_ID={chat_id}: the bot is not an admin of the staff group and its privacy mode is on — "
                f"it sees only commands and replies to its messages; make it an admin or turn privacy mode off "
                f"(@BotFather → /setprivacy)")
    return None
