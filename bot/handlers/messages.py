"""How every flow updates the message whose button was pressed."""

from __future__ import annotations

from contextlib import suppress

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the pressed message (navigation in place); send a new one when it cannot be edited (too old,
    deleted, or the same text again)."""
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)
            return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await query.bot.send_message(chat_id, text, reply_markup=markup)


async def drop_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message (answered: they no longer apply); nothing when it cannot be edited."""
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)
