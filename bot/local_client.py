"""A Telegram user talking to a real Dispatcher without Telegram: builds real Update objects (messages,
button presses, shared contacts, documents) and reads back what the bot sent through a LocalSession.
Used by the terminal chat (``python -m bot chat``) and by the tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerPreCheckoutQuery, SendInvoice, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    InlineKeyboardMarkup,
    Message,
    OrderInfo,
    PreCheckoutQuery,
    ReplyKeyboardMarkup,
    SuccessfulPayment,
    Update,
    User,
)

from bot.local_session import LocalSession


@dataclass
class Sent:
    """One thing the bot sent (or edited), flattened for assertions."""

    method: str
    chat_id: Any
    text: str
    buttons: list[str] = field(default_factory=list)
    inline: InlineKeyboardMarkup | None = None
    reply: ReplyKeyboardMarkup | None = None
    message_id: int | None = None
    raw: Any = None
    refused: str | None = None  # Telegram's «Bad Request: …» when the session refused it (it never reached the user)

    def __contains__(self, item: str) -> bool:
        return item in self.text


_update_ids = itertools.count(1)


class BotClient:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, dp: Dispatcher, bot: Bot, user_id: int = 111, first_name: str = "Ринат",
                 last_name: str | None = "Хабибуллин", chat_id: int | None = None) -> None:
        self.dp, self.bot = dp, bot
        self.session: LocalSession = bot.session  # type: ignore[assignment]
        self.user = User(id=user_id, is_bot=False, first_name=first_name, last_name=last_name, language_code="ru")
        self.chat = Chat(id=chat_id if chat_id is not None else user_id,
                         type="private" if chat_id is None or chat_id > 0 else "supergroup",
                         title=None if chat_id is None or chat_id > 0 else "УК — сотрудники")
        self._seen = len(self.session.requests)  # what the bot sent before this client appeared is not its
        self._message_ids = itertools.count(1)
        # inline keyboards the bot showed, by message id (edits replace them)
        self.inline: dict[int, InlineKeyboardMarkup] = {}
        self.texts: dict[int, str] = {}
        self.history: list[Sent] = []

    # ---------------------------------------------------------------------------------------- sending
    def _message(self, **fields: Any) -> Message:
        return Message(message_id=next(self._message_ids), date=dt.datetime.now(dt.UTC), chat=self.chat,
                       from_user=self.user, **fields)

    async def feed(self, **update: Any) -> list[Sent]:
        await self.dp.feed_update(self.bot, Update(update_id=next(_update_ids), **update))
        return self.new_replies()

    def replied(self, message_id: int) -> Message:
        """The bot's message ``message_id`` as a reply quotes it (Telegram sends the replied-to message along)."""
        return Message(message_id=message_id, date=dt.datetime.now(dt.UTC), chat=self.chat,
                       from_user=User(id=self.bot.id, is_bot=True, first_name="bot"),
                       text=self.texts.get(message_id, "…"))

    async def send(self, text: str, reply_to: int | None = None) -> list[Sent]:
        quoted = {"reply_to_message": self.replied(reply_to)} if reply_to is not None else {}
        return await self.feed(message=self._message(text=text, **quoted))

    async def share_contact(self, phone: str, own: bool = True) -> list[Sent]:
        contact = Contact(phone_number=phone, first_name=self.user.first_name,
                          user_id=self.user.id if own else self.user.id + 1)
        return await self.feed(message=self._message(contact=contact))

    async def send_document(self, file_name: str, content: bytes = b"%PDF-1.4", mime: str = "application/pdf",
                            caption: str | None = None, reply_to: int | None = None) -> list[Sent]:
        n = next(self._message_ids)
        fid = f"doc{self.user.id}_{n}"
        self.session.files[fid] = content
        doc = Document(file_id=fid, file_unique_id=f"u{fid}", file_name=file_name, mime_type=mime,
                       file_size=len(content))
        quoted = {"reply_to_message": self.replied(reply_to)} if reply_to is not None else {}
        return await self.feed(message=self._message(document=doc, caption=caption, **quoted))

    async def click(self, text: str, message_id: int | None = None) -> list[Sent]:
        """Press a button by its text: an inline button of the newest message showing it, else a reply button."""
        ids = [message_id] if message_id is not None else sorted(self.inline, reverse=True)
        for mid in ids:
            for row in self.inline.get(mid, InlineKeyboardMarkup(inline_keyboard=[])).inline_keyboard:
                for btn in row:
                    if btn.text == text and btn.callback_data is not None:
                        return await self.click_data(btn.callback_data, mid)
        for sent in reversed(self.history):
            if sent.reply is not None:
                if any(b.text == text for row in sent.reply.keyboard for b in row):
                    return await self.send(text)
                break
        raise AssertionError(f"no button {text!r}; visible: {self.visible_buttons()}")

    async def click_data(self, data: str, message_id: int | None = None) -> list[Sent]:
        """Press a button with raw callback data — also data the bot never sent (a forged button)."""
        mid = message_id if message_id is not None else (max(self.inline) if self.inline else 1)
        msg = Message(message_id=mid, date=dt.datetime.now(dt.UTC), chat=self.chat,
                      from_user=User(id=self.bot.id, is_bot=True, first_name="bot"),
                      text=self.texts.get(mid, "…"), reply_markup=self.inline.get(mid))
        query = CallbackQuery(id=str(next(_update_ids)), from_user=self.user, chat_instance="ci", message=msg,
                              data=data)
        return await self.feed(callback_query=query)

    async def pay(self, invoice: SendInvoice, email: str | None = None,
                  charge: str | None = None) -> tuple[AnswerPreCheckoutQuery | None, list[Sent]]:
        """Pay an invoice the bot sent, the way Telegram does: a pre-checkout query for the invoice's total first;
        only when the bot answers it ``ok`` the message with the successful payment. Returns the bot's answer to
        the query (None: it gave none — Telegram would cancel the payment) and what the bot sent."""
        total = sum(p.amount for p in invoice.prices)
        order = OrderInfo(email=email) if email else None
        n = next(_update_ids)
        seen = len(self.session.requests)
        query = PreCheckoutQuery(id=f"pcq{n}", from_user=self.user, currency=invoice.currency, total_amount=total,
                                 invoice_payload=invoice.payload, order_info=order)
        await self.dp.feed_update(self.bot, Update(update_id=n, pre_checkout_query=query))
        answer = next((r for r in reversed(self.session.requests[seen:]) if isinstance(r, AnswerPreCheckoutQuery)
                       and r.pre_checkout_query_id == query.id), None)
        if answer is None or not answer.ok:
            return answer, self.new_replies()
        paid = SuccessfulPayment(currency=invoice.currency, total_amount=total, invoice_payload=invoice.payload,
                                 telegram_payment_charge_id=charge or f"local-{n}",
                                 provider_payment_charge_id=f"local-provider-{n}", order_info=order)
        return answer, await self.feed(message=self._message(successful_payment=paid))

    # ---------------------------------------------------------------------------------------- reading
    def new_replies(self) -> list[Sent]:
        out = []
        for req, result in zip(self.session.requests[self._seen:], self.session.results[self._seen:], strict=True):
            sent = self._flatten(req, result)
            if sent is not None:
                out.append(sent)
        self._seen = len(self.session.requests)
        self.history.extend(out)
        return out

    def _flatten(self, req: TelegramMethod[Any], result: Any) -> Sent | None:
        name = req.__api_method__
        if isinstance(result, BaseException):
            if not (name.startswith("send") or name.startswith("edit")):
                return None
            text = getattr(req, "text", None) or getattr(req, "caption", None) or ""
            return Sent(name, getattr(req, "chat_id", None), text, raw=req,
                        refused=getattr(result, "message", None) or str(result))
        markup = getattr(req, "reply_markup", None)
        text = getattr(req, "text", None) or getattr(req, "caption", None) or ""
        if name == "answerCallbackQuery":
            return Sent(name, None, req.text or "", raw=req)
        if not (name.startswith("send") or name.startswith("edit")):
            return None
        mid = result.message_id if isinstance(result, Message) else getattr(req, "message_id", None)
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        reply = markup if isinstance(markup, ReplyKeyboardMarkup) else None
        buttons = [b.text for row in (inline.inline_keyboard if inline else []) for b in row]
        buttons += [b.text for row in (reply.keyboard if reply else []) for b in row]
        if inline is not None and mid is not None:
            self.inline[mid] = inline
        elif name.startswith("edit") and mid in self.inline and name != "editMessageReplyMarkup":
            self.inline.pop(mid, None)
        if name == "editMessageReplyMarkup" and mid is not None:
            if inline is None:
                self.inline.pop(mid, None)
        if mid is not None and text:
            self.texts[mid] = text
        return Sent(name, getattr(req, "chat_id", None), text, buttons, inline, reply, mid, req)

    def skip_unread(self) -> None:
        """Mark everything the bot sent so far as read (another client on the same bot read it)."""
        self._seen = len(self.session.requests)

    def visible_buttons(self) -> list[str]:
        out = []
        for mid in sorted(self.inline, reverse=True):
            out += [b.text for row in self.inline[mid].inline_keyboard for b in row]
        return out

    @property
    def last(self) -> Sent:
        return self.history[-1]
