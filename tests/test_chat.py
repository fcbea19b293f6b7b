"""The terminal chat: the same Dispatcher and database, no Telegram."""

from __future__ import annotations

import io

from bot.chat import run_chat
from bot.texts import common as t


async def test_chat_numbers_buttons_and_presses_them(settings):
    out = io.StringIO()
    await run_chat(settings, stdin=io.StringIO("7\nабракадабра\n/contact\n/quit\n"), out=out)
    text = out.getvalue()
    assert "Здравствуйте" in text
    assert f"[7] {t.BTN_SETTINGS}" in text
    assert t.UNKNOWN_INPUT in text
    assert "/contact +79161234567" in text  # asks for the number
