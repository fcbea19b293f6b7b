"""The Telegram side of the push sender: each push rendered by its view (``bot/views/pushes.py``), sent with its
photo or document, aiogram's errors mapped to the sender's."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import FSInputFile, InlineKeyboardMarkup
from pydantic import ValidationError

from bot.services.notify.notices import Media, MediaType
from bot.services.notify.sender import Outgoing, PermanentFailure, RecipientGone, RetryAfter, SendFn
from bot.views.pushes import RenderedPush, render

log = logging.getLogger(__name__)

# 400 answers that mean the person is gone rather than that the message is wrong
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid", "user not found")
CAPTION_LIMIT = 1024


def rendered(msg: Outgoing) -> RenderedPush:
    """The text and buttons of a due push. A row queued before the outbox kept data is sent as it was stored
    (without its old-style buttons); a notice its view cannot render is a bug of ours, reported as such."""
    if msg.payload is None:
        return RenderedPush(msg.text or "")
    try:
        return render(msg.kind, msg.payload)
    except (KeyError, ValueError, ValidationError) as exc:
        raise PermanentFailure(f"push view {msg.kind!r} cannot render this notice: {exc}") from exc


def _file(media: Media) -> str | FSInputFile:
    if media.file_id:
        return media.file_id
    if media.path:
        return FSInputFile(media.path, filename=media.filename)
    raise PermanentFailure("push media has neither a file_id nor a path")


async def _deliver(bot: Bot, user_id: int, push: RenderedPush, media: Media | None, paid: bool = False) -> None:
    markup: InlineKeyboardMarkup | None = push.markup
    # a paid message (Telegram's paid broadcast, 0.1 Star each) is not limited to ~30 a second
    extra = {"allow_paid_broadcast": True} if paid else {}
    if media is None:
        await bot.send_message(user_id, push.text, reply_markup=markup, **extra)
        return
    caption_fits = len(push.text) <= CAPTION_LIMIT
    caption = push.text if caption_fits else None
    send = bot.send_photo if media.type == MediaType.photo else bot.send_document
    await send(user_id, _file(media), caption=caption, reply_markup=markup if caption_fits else None, **extra)
    if not caption_fits:  # a long text follows the file, with the buttons
        await bot.send_message(user_id, push.text, reply_markup=markup, **extra)


def telegram_sender(bot: Bot) -> SendFn:
    async def send(msg: Outgoing) -> str:
        push = rendered(msg)
        try:
            media = Media.model_validate(msg.media) if msg.media else None
        except ValidationError as exc:
            raise PermanentFailure(f"push media is not valid: {exc}") from exc
        try:
            await _deliver(bot, msg.user_id, push, media, paid=msg.paid)
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except TelegramForbiddenError as exc:
            raise RecipientGone(exc.message) from exc
        except (TelegramBadRequest, TelegramNotFound) as exc:
            if any(s in exc.message.lower() for s in _GONE):
                raise RecipientGone(exc.message) from exc
            raise PermanentFailure(exc.message) from exc
        return str(push.text)

    return send
