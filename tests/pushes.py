"""Queued pushes as residents will see them: rendered by the bot's own push views."""

from __future__ import annotations

from sqlalchemy import update

from bot.local_session import parse_html
from bot.views.pushes import render
from storage.models import Notification


def text_of(n: Notification) -> str:
    """The HTML of a queued push; it must parse as Telegram parses it."""
    text = render(n.kind, n.payload).text
    parse_html(text)
    return text


def shown(n: Notification) -> str:
    """The text a resident reads (HTML parsed, entities resolved)."""
    return parse_html(text_of(n))


def buttons_of(n: Notification) -> list[tuple[str, str]]:
    markup = render(n.kind, n.payload).markup
    if markup is None:
        return []
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


async def delivered(sessions) -> None:
    """Everything queued now reached its resident (as the sender marks it): a notice still waiting in the outbox
    gives way to the next state of its subject, one that was delivered is followed by «Изменено»."""
    async with sessions.begin() as s:
        await s.execute(update(Notification).where(Notification.status == "pending").values(status="sent"))
