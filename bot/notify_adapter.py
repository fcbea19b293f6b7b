"""The Telegram side of the push sender: buttons from the outbox JSON, aiogram's errors mapped to the sender's."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.notify import MenuCD, MeterInfoCD, OutageInfoCD, Section
from bot.services.notify.sender import Outgoing, PermanentFailure, RecipientGone, RetryAfter, SendFn

# 400 answers that mean the person is gone rather than that the message is wrong
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid", "user not found")


def callback_data(button: dict[str, str]) -> str:
    action, arg = button.get("action"), button.get("arg", "")
    if action == "menu":
        return MenuCD(section=Section(arg)).pack()
    if action == "outage":
        return OutageInfoCD(id=int(arg)).pack()
    if action == "meter":
        return MeterInfoCD(id=int(arg)).pack()
    raise PermanentFailure(f"unknown push button action {action!r}")


def markup(buttons: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = []
    for row in buttons:
        out = []
        for b in row:
            if b.get("url"):
                out.append(InlineKeyboardButton(text=b["text"], url=b["url"]))
            else:
                out.append(InlineKeyboardButton(text=b["text"], callback_data=callback_data(b)))
        rows.append(out)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def telegram_sender(bot: Bot) -> SendFn:
    async def send(msg: Outgoing) -> None:
        try:
            await bot.send_message(msg.user_id, msg.text, reply_markup=markup(msg.buttons))
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except TelegramForbiddenError as exc:
            raise RecipientGone(exc.message) from exc
        except (TelegramBadRequest, TelegramNotFound) as exc:
            if any(s in exc.message.lower() for s in _GONE):
                raise RecipientGone(exc.message) from exc
            raise PermanentFailure(exc.message) from exc

    return send
