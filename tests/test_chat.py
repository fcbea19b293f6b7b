"""The terminal chat: the same Dispatcher and database, no Telegram."""

from __future__ import annotations

import io
import re

from bot.chat import run_chat
from bot.texts import accounts as ta
from bot.texts import common as t
from tests import factories


async def _chat(settings, *lines: str) -> list[str]:
    """Run the chat on these lines; return what it printed after each line (index 0: before the first)."""
    out = io.StringIO()
    await run_chat(settings, stdin=io.StringIO("".join(f"{x}\n" for x in (*lines, "/quit"))), out=out)
    return out.getvalue().split("\nВы: ")


async def test_chat_letters_the_menu_and_asks_for_the_phone(settings):
    screens = await _chat(settings, "ж", "абракадабра", "/contact")
    assert "Здравствуйте" in screens[0]
    assert f"[ж] {t.BTN_SETTINGS}" in screens[0]
    assert "Настройки уведомлений" in screens[1]  # «ж» pressed «Настройки»
    assert t.UNKNOWN_INPUT in screens[2]
    assert "/contact +79161234567" in screens[3]  # asks for the number


async def test_chat_menu_stays_pressable_after_inline_only_replies(settings):
    screens = await _chat(settings, "а", "ж", "а")
    # /start: the menu and a message with one inline button
    assert f"[а] {t.BTN_ACCOUNTS}" in screens[0] and f"[1-1] {ta.BTN_LINK}" in screens[0]
    # «Лицевые счета» answers with inline buttons only: message 2, numbered on its own
    assert f"[2-1] {ta.BTN_LINK}" in screens[1] and "[а]" not in screens[1]
    # the menu is still under the input field, so «ж» still presses «Настройки»
    assert "Настройки уведомлений" in screens[2]
    assert "Список подключённых лицевых счетов" in screens[3]


async def test_chat_inline_buttons_of_earlier_messages_keep_their_labels(settings):
    screens = await _chat(settings, "а", "ж", "1-1", "1-7", "/кнопки")
    # message 1's button, pressed after two later screens, is still «Подключить лицевой счёт»
    assert "Шаг 1 из 4" in screens[3]
    assert "под сообщением 1 нет кнопки 7" in screens[4]
    listing = screens[5]
    assert f"[1-1] {ta.BTN_LINK}" in listing and f"[2-1] {ta.BTN_LINK}" in listing
    assert f"[ж] {t.BTN_SETTINGS}" in listing


async def test_chat_numbers_typed_are_text_not_button_presses(settings):
    # the address step shows «Нет моего дома» under message 2; typing «1» searches for the house «1»
    screens = await _chat(settings, "1-1", "1")
    assert "Шаг 1 из 4" in screens[1]
    assert "По запросу «1» дом не найден" in screens[2]


def _label(screen: str, button: str) -> str:
    found = re.findall(r"\[(\d+-\d+)\] " + re.escape(button), screen)
    assert found, f"no button {button!r} in {screen!r}"
    return found[-1]


class _Script(io.StringIO):
    """Stdin that decides each line from what the chat printed since the previous one."""

    def __init__(self, out: io.StringIO, *steps) -> None:
        super().__init__()
        self.out, self.steps, self.seen = out, list(steps), 0
        self.screens: list[str] = []

    def readline(self, *_args) -> str:
        text = self.out.getvalue()
        self.screens.append(text[self.seen:])
        self.seen = len(text)
        return self.steps.pop(0)(self.screens[-1]) + "\n" if self.steps else ""


async def test_chat_presses_a_staff_chat_button_from_the_residents_chat(settings, sessions):
    await factories.world(sessions)
    out = io.StringIO()
    stdin = _Script(
        out,
        lambda s: _label(s, ta.BTN_LINK),
        lambda s: "Бауманская 44",
        lambda s: _label(s, "г. Москва, ул. Бауманская, д. 44"),
        lambda s: "1234567890",
        lambda s: _label(s, ta.BTN_STAFF),
        lambda s: "Хабибуллин Ринат Ильдарович",  # the name and the relation to the payer go on the card
        lambda s: _label(s, "Собственник"),
        lambda s: _label(s, ta.BTN_APPROVE),  # in the staff chat; the resident did not switch with /staff
    )
    await run_chat(settings, stdin=stdin, out=out)
    assert "→ чат" in stdin.screens[-2]
    last = stdin.screens[-1]
    assert "(изменено)" in last  # the request in the staff chat was edited: the press went there
    assert "подтвердила лицевой счёт № 1234567890" in last and "Он подключён" in last
