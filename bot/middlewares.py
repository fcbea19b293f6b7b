"""Outer middlewares and the error handler."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import ErrorEvent, TelegramObject, Update

from bot.texts import common as t

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
