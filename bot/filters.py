"""Who may do what: staff are the members of STAFF_CHAT_ID (acting there) and the ADMIN_IDS (anywhere)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.config import Settings


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
