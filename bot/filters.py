"""Who may do what: staff are the members of STAFF_CHAT_ID (acting there) and the ADMIN_IDS (anywhere)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.texts import common as ct


class IsStaff(Filter):
    async def __call__(self, event: Message | CallbackQuery, settings: Settings) -> bool:
        user = event.from_user
        if user is None:
            return False
        if user.id in settings.admin_ids:
            return True
        message = event.message if isinstance(event, CallbackQuery) else event
        chat = getattr(message, "chat", None)
        return chat is not None and settings.staff_chat_id is not None and chat.id == settings.staff_chat_id


def normalize_words(text: str) -> str:
    """What a hand-typed menu word comes down to: case, «ё», punctuation, emoji and extra spaces do not count
    («Показания!», «  мой   ДОМ », «счёт 🙂» → «показания», «мой дом», «счет»)."""
    kept = "".join(ch if ch.isalnum() else " " for ch in text.casefold().replace("ё", "е"))
    return " ".join(kept.split())


class MenuText(Filter):
    """A main-menu section asked for: its button ``label`` (in any state: it leaves the dialog) or, outside a
    dialog, its name or a word for it typed by hand (``words``, by default the catalog's for that button:
    «показания», «жалоба»). Inside a dialog typed words stay answers to its step."""

    def __init__(self, label: str = "", words: frozenset[str] | None = None) -> None:
        self.label = label
        typed = ct.TYPED_MENU_WORDS.get(label, frozenset()) if words is None else words
        self.words = typed | {normalize_words(label)} if label else typed

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        text = message.text
        if text is None:
            return False
        if self.label and text == self.label:
            return True
        return raw_state is None and len(text) <= 40 and normalize_words(text) in self.words


class CancelText(Filter):
    """«Отменить» pressed, or «отмена», «Отменить!», «стоп» typed — in any state."""

    async def __call__(self, message: Message) -> bool:
        text = message.text
        return text is not None and len(text) <= 20 and normalize_words(text) in ct.TYPED_CANCEL
