"""Filters: who may do what (staff are the members of STAFF_CHAT_ID acting there, and the ADMIN_IDS anywhere), and
which typed words mean a main-menu section or «Отменить»."""

from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=4096)  # every text message passes several of these filters: one normalisation each
def normalize_words(text: str) -> str:
    """What a hand-typed menu word comes down to: case, «ё», punctuation, emoji and extra spaces do not count
    («Показания!», «  мой   ДОМ », «счёт 🙂» → «показания», «мой дом», «счет»)."""
    kept = "".join(ch if ch.isalnum() else " " for ch in text.casefold().replace("ё", "е"))
    return " ".join(kept.split())


# normalised typed word → what it asks for: a main-menu button's label, or MENU / HELP
MENU, HELP = "/menu", "/help"
_TYPED: dict[str, str] = {
    **{w: label for label, words in ct.TYPED_MENU_WORDS.items() for w in words | {normalize_words(label)}},
    **{w: MENU for w in ct.TYPED_MENU}, **{w: HELP for w in ct.TYPED_HELP},
}


def typed_section(message: Message, raw_state: str | None = None) -> dict[str, str] | bool:
    """Outside a dialog, a main-menu section's name or a word for it typed by hand («показания», «Жалоба!», «мой
    ДОМ», «помощь»): ``{"section": label}``. Inside a dialog typed words stay answers to its step. Used by the
    fallback router only, so no update that something else understands pays for it."""
    text = message.text
    if raw_state is not None or text is None or len(text) > 40:
        return False
    section = _TYPED.get(normalize_words(text))
    return {"section": section} if section else False


def cancel_words(message: Message) -> bool:
    """«Отменить» pressed, or «отмена», «Отменить!», «стоп» typed — in any state (a plain function: it runs on
    every message the cancel handlers see)."""
    text = message.text
    return text is not None and len(text) <= 20 and normalize_words(text) in ct.TYPED_CANCEL
