"""The Telegram side of the staff card loop (``bot.services.staff_cards``): post a card to the staff chat, edit it
with the outcome, ask the deciding staff member for a reason in reply to it, tell the resident; and a staff
member's reply to a card (or to the bot's «напишите причину» under it), handed to the card kind's handler.

Included into the ``staff`` router (IsStaff)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import ForceReply, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import staff_cards as cards
from bot.services.clock import Clock

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
ReplyHandler = Callable[..., Awaitable[Any]]


async def post(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> int | None:
    """Post a card; its message id, or None when the staff chat refused it (the caller drops the card)."""
    try:
        sent = await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramAPIError:
        log.exception("a card did not reach the staff chat %s", chat_id)
        return None
    return sent.message_id


async def edit(bot: Bot, chat_id: int | None, message_id: int | None, text: str,
               markup: InlineKeyboardMarkup | None = None) -> bool:
    """Edit a card (the outcome, who decided); a card too old, deleted or in a former staff chat is logged."""
    if chat_id is None or message_id is None:
        return False
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
    except TelegramAPIError as exc:
        log.warning("could not edit the card %s in chat %s: %s", message_id, chat_id, exc)
        return False
    return True


async def ask(bot: Bot, chat_id: int, card_message_id: int | None, text: str) -> int | None:
    """The bot's question under a card (a rejection's reason), a forced reply; its message id."""
    try:
        sent = await bot.send_message(chat_id, text, reply_to_message_id=card_message_id,
                                      allow_sending_without_reply=True,
                                      reply_markup=ForceReply(selective=True))
    except TelegramAPIError as exc:
        log.warning("could not ask for a reason under card %s: %s", card_message_id, exc)
        return None
    return sent.message_id


async def tell(bot: Bot, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> bool:
    """Tell the resident (a staff decision, news of their appeal); a resident who blocked the bot is logged, what
    was decided stands."""
    try:
        await bot.send_message(user_id, text, reply_markup=reply_markup)
    except TelegramAPIError as exc:
        log.warning("could not tell user %s: %s", user_id, exc)
        return False
    return True


class CardReply(Filter):
    """A staff message that replies to a card or to its prompt: passes the card on as ``card``."""

    async def __call__(self, message: Message, sessions: Sessions) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or message.chat.type == "private":
            return False
        card = await cards.by_message(sessions, message.chat.id, replied.message_id)
        return {"card": card} if card is not None else False


async def card_reply(message: Message, card: cards.Card, bot: Bot, sessions: Sessions, clock: Clock,
                     settings: Settings, state: FSMContext) -> None:
    extra = {"settings": settings, "state": state} if card.kind is cards.CardKind.appeal else {}
    await _handlers()[card.kind](message, card, bot=bot, sessions=sessions, clock=clock, **extra)


def _handlers() -> dict[cards.CardKind, ReplyHandler]:
    from bot.handlers import staff_appeals, staff_links

    return {cards.CardKind.link: staff_links.card_reply, cards.CardKind.appeal: staff_appeals.card_reply}


def router() -> Router:
    r = Router(name="staff_cards")
    r.message.register(card_reply, F.reply_to_message, CardReply())
    return r
