"""A Bot API session that never leaves the process: every call is answered here with what Telegram would
plausibly return (a Message with a fresh id for send*, True for the rest), unless an answer was queued.
Every call is recorded: the terminal chat prints them, the tests assert on them."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import typing
from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
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

# what Telegram's HTML parse mode understands (core.telegram.org/bots/api#html-style)
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code",
         "pre", "blockquote"}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT = 4096, 1024, 64


def parse_html(text: str) -> str:
    """The plain text Telegram shows for ``text`` in HTML parse mode, or ``ValueError`` with Telegram's reason.

    As strict as Telegram where it matters to us: an unknown tag, an unclosed or unmatched one, a bare ``<`` fail;
    a bare ``&`` fails too (Telegram tolerates some, but an unescaped value is a bug either way)."""
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise ValueError(f"Unsupported HTML entity at byte offset {len(text[:i].encode())}")
            out.append(html.unescape(m.group()))
            i = m.end()
        elif c == "<":
            offset = len(text[:i].encode())
            end = text.find(">", i)
            if end < 0:
                raise ValueError(f"Unclosed start tag at byte offset {offset}")
            inner = text[i + 1:end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise ValueError(f"Unexpected end tag at byte offset {offset}")
                if name != stack[-1]:
                    raise ValueError(f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                                     f'found "</{name}>"')
                stack.pop()
            else:
                m = _NAME.match(inner)
                if not m:
                    raise ValueError(f"Unexpected end of name token at byte offset {offset}")
                name = m.group().lower()
                if name not in _TAGS:
                    raise ValueError(f'Unsupported start tag "{name}" at byte offset {offset}')
                attrs = inner[m.end():]
                if attrs and not attrs[0].isspace():
                    raise ValueError(f'Unsupported start tag "{inner}" at byte offset {offset}')
                if "<" in attrs:
                    raise ValueError(f"Unclosed start tag at byte offset {offset}")
                stack.append(name)
            i = end + 1
        else:
            out.append(c)
            i += 1
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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

    def check(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """Refuse what Telegram would refuse: text that does not parse in its parse mode, a text or caption over
        the limit, an empty text, callback data over 64 bytes — with Telegram's own ``Bad Request`` words."""
        def bad(reason: str) -> TelegramBadRequest:
            return TelegramBadRequest(method=method, message=f"Bad Request: {reason}")

        items: list[Any] = [method, *(getattr(method, "media", None) or [])]
        for item in items:
            mode = getattr(item, "parse_mode", None)
            if isinstance(mode, Default):
                mode = bot.default[mode.name]
            for attr, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
                value = getattr(item, attr, None)
                if not isinstance(value, str) or item is method and method.__api_method__ == "answerCallbackQuery":
                    continue
                plain = value
                if mode == "HTML":
                    try:
                        plain = parse_html(value)
                    except ValueError as exc:
                        raise bad(f"can't parse entities: {exc}") from None
                if attr == "text" and not plain.strip():
                    raise bad("message text is empty")
                if _utf16_len(plain) > limit:
                    raise bad("message is too long" if attr == "text" else "message caption is too long")
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                for button in row:
                    if not button.text:
                        raise bad("text buttons are unallowed in the inline keyboard")
                    data = button.callback_data
                    if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                        raise bad("BUTTON_DATA_INVALID")

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> TelegramType:
        self.requests.append(method)
        try:
            self.check(bot, method)
        except TelegramBadRequest as exc:
            self.results.append(exc)
            raise
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
