"""How every flow updates the message whose button was pressed."""

from __future__ import annotations

from contextlib import suppress

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.texts.render import pages


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


async def show_pages(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A screen in place of the pressed message; one too long for a message (a long agenda) goes as several new
    messages, in order, the buttons on the last (the pressed message keeps its text and loses its buttons)."""
    parts = pages(text)
    if len(parts) == 1:
        await show(query, parts[0], markup)
        return
    await drop_buttons(query)
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    for i, part in enumerate(parts, 1):
        await query.bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) else None)


async def answer_pages(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A screen as a new message, or as several when it is too long for one, the buttons on the last."""
    parts = pages(text)
    for i, part in enumerate(parts, 1):
        await message.answer(part, reply_markup=markup if i == len(parts) else None)
