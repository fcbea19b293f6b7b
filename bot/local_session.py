"""A Bot API session that never leaves the process: every call is answered here with what Telegram would
plausibly return (a Message with a fresh id for send*, True for the rest), unless an answer was queued.
Every call is recorded: the terminal chat prints them, the tests assert on them."""

from __future__ import annotations

import datetime as dt
import itertools
import typing
from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    BotCommand,
    Chat,
    ChatMemberMember,
    File,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    User,
)

BOT_USER = User(id=1000001, is_bot=True, first_name="ЖКХ", username="gis_zhkh_bot")


class LocalSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)
        self.files: dict[str, bytes] = {}  # file_id → content, for downloads
        self.commands: list[BotCommand] = []
        # every call and what it was answered, in order
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []
        # explicit answers, first-in-first-out per API method: a value, or an exception to raise
        self.queue: deque[tuple[str, Any]] = deque()

    def add_result(self, api_method: str, result: Any) -> None:
        """Queue ``result`` (a value, or an exception to raise) for the next call of ``api_method``."""
        self.queue.append((api_method, result))

    def next_message_id(self) -> int:
        return next(self._ids)

    def default_result(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        returning = method.__returning__
        name = method.__api_method__
        if name == "getMe":
            return BOT_USER.model_copy(update={"id": bot.id})
        if name == "setMyCommands":
            self.commands = list(getattr(method, "commands", []))
            return True
        if name == "getMyCommands":
            return self.commands
        if name == "getFile":
            fid = method.file_id
            return File(file_id=fid, file_unique_id=f"u{fid}", file_path=f"files/{fid}",
                        file_size=len(self.files.get(fid, b"")))
        if name == "getChatMember":
            user = User(id=method.user_id, is_bot=False, first_name="Сотрудник")
            return ChatMemberMember(user=user)
        if returning is MessageId:
            return MessageId(message_id=self.next_message_id())
        if self._returns_message(returning):
            chat_id = getattr(method, "chat_id", None)
            chat_id = chat_id if isinstance(chat_id, int) else 0
            message_id = getattr(method, "message_id", None) if name.startswith("edit") else None
            fields: dict[str, Any] = {}
            for attr in ("text", "caption"):
                if isinstance(getattr(method, attr, None), str):
                    fields[attr] = getattr(method, attr)
            if isinstance(getattr(method, "reply_markup", None), InlineKeyboardMarkup):
                fields["reply_markup"] = method.reply_markup
            return Message(
                message_id=message_id or self.next_message_id(),
                date=dt.datetime.now(dt.UTC),
                chat=Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup"),
                from_user=BOT_USER,
                **fields,
            ).as_(bot)
        origin = typing.get_origin(returning)
        if origin is list:
            return []
        return True

    @staticmethod
    def _returns_message(returning: Any) -> bool:
        if returning is Message:
            return True
        return Message in typing.get_args(returning)

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> TelegramType:
        self.requests.append(method)
        for i, (name, result) in enumerate(self.queue):
            if name == method.__api_method__:
                del self.queue[i]
                self.results.append(result)
                if isinstance(result, BaseException):
                    raise result
                return result
        result = self.default_result(bot, method)
        self.results.append(result)
        return result

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30, chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        yield self.files.get(file_id, b"")

    async def close(self) -> None:
        return None
