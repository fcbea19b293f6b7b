"""Outer middlewares and the error handler."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import ErrorEvent, TelegramObject, Update

from bot.texts import common as t
from storage.db import Sessions, unit_of_work
from storage.fsm import BufferedStorage

log = logging.getLogger(__name__)


class InFlightTracker(BaseMiddleware):
    """Counts updates being handled, so a stopping process can wait for them to finish."""

    def __init__(self) -> None:
        import asyncio

        self.count = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self.idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if self.count == 0:
                self.idle.set()


class UnitOfWorkMiddleware(BaseMiddleware):
    """One database session per update: handlers and services get ``sessions`` as a ``UnitOfWork`` — the same
    ``sessions()`` / ``sessions.begin()`` — over the update's one ``AsyncSession``; and the dialog (FSM) is read at
    most once and written at most once, at the end of the update (``BufferedStorage.batch``).

    Registered after aiogram's FSM middleware, so it runs inside the update's event-isolation lock: the dialog is
    written before the next update of the same user may read it."""

    def __init__(self, sessions: Sessions, storage: BaseStorage | None = None) -> None:
        self.sessions = sessions
        self.storage = storage if isinstance(storage, BufferedStorage) else None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with unit_of_work(self.sessions) as uow:
            data["sessions"] = uow
            if self.storage is None:
                return await handler(event, data)
            state: FSMContext | None = data.get("state")
            own = state is not None and state.storage is self.storage
            async with self.storage.batch(state.key if own else None, data.get("raw_state") if own else None):
                return await handler(event, data)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """One retry policy for every Bot API call of the bot that answers updates: Telegram's 429 («retry after N
    seconds») is waited out and the call is sent again — a reply to a resident arrives late instead of not at all.

    Bounded, since the wait happens inside a handler: a ``retry_after`` above ``max_wait`` seconds is not waited
    (the error goes on to the caller), and a call is retried at most ``tries`` − 1 times. The push sender keeps its
    own pacing (it stops every send for ``retry_after``): it runs on a bot without this middleware (see
    ``build_bot(..., retry=False)``), so the two never wait twice for one 429."""

    def __init__(self, max_wait: float = 5.0, tries: int = 3,
                 sleep: Callable[[float], Awaitable[Any]] | None = None) -> None:
        import asyncio

        self.max_wait, self.tries = max_wait, tries
        self.sleep = sleep or asyncio.sleep
        self.waited = 0  # 429s waited out (for logs and tests)

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        for attempt in range(1, self.tries + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.tries or exc.retry_after > self.max_wait:
                    log.warning("%s: Telegram asks to wait %s s; not retried (attempt %d)",
                                method.__api_method__, exc.retry_after, attempt)
                    raise
                log.info("%s: Telegram asks to wait %s s; retrying", method.__api_method__, exc.retry_after)
                self.waited += 1
                await self.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    """Log with the update id, apologise to the user, keep running."""
    update: Update = event.update
    log.error("update %s failed: %r", update.update_id, event.exception, exc_info=event.exception)
    chat_id = None
    if update.message:
        chat_id = update.message.chat.id
    elif update.callback_query:
        cq = update.callback_query
        try:
            await bot.answer_callback_query(cq.id)
        except Exception:
            pass
        chat_id = cq.message.chat.id if cq.message else cq.from_user.id
    if chat_id is not None:
        try:
            await bot.send_message(chat_id, t.ERROR)
        except Exception:
            log.warning("could not apologise for update %s", update.update_id)
    return True
