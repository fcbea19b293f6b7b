"""The terminal chat: the same Dispatcher and database, no Telegram."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage

from bot.app import build_bot
from bot.chat import CHAT_USER_ID, CLERK_USER_ID, Terminal, run_chat
from bot.local_client import BotClient
from bot.local_session import LocalSession
from bot.texts import accounts as ta
from bot.texts import common as t
from bot.texts import notify as tn
from bot.texts import settings as tset
from tests import factories


async def _chat(settings, *lines: str, clock=None) -> list[str]:
    """Run the chat on these lines; return what it printed after each line (index 0: before the first)."""
    out = io.StringIO()
    await run_chat(settings, stdin=io.StringIO("".join(f"{x}\n" for x in (*lines, "/quit"))), out=out, clock=clock)
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
    screens = await _chat(settings, "а", "ж", "1-7", "1-1", "/кнопки")
    assert "под сообщением 1 нет кнопки 7" in screens[3]  # no dialog waits for text: 1-7 meant a button
    # message 1's button, pressed after three later screens, is still «Подключить лицевой счёт»
    assert "Шаг 1 из 4" in screens[4]
    listing = screens[5]
    assert f"[1-1] {ta.BTN_LINK}" in listing and f"[2-1] {ta.BTN_LINK}" in listing
    assert f"[ж] {t.BTN_SETTINGS}" in listing
    # the address step waits for text: /кнопки says which labels still press
    assert "пока бот ждёт от вас текст" in listing and "4-1…" in listing


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


async def test_chat_label_like_text_in_a_step_that_waits_for_text_is_text(settings):
    # /start is message 1, «Настройки» message 2: a button per kind of push, then «Тихие часы»
    from bot.texts.settings import KIND_LABELS

    quiet = f"2-{len(KIND_LABELS) + 1}"
    screens = await _chat(settings, "ж", quiet, "2-3", "2-3")
    assert "[2-3] ✅ Отключения воды и света" in screens[1]
    assert "Напишите тихие часы" in screens[2]
    # the quiet-hours step waits for text and message 2 is not the bot's latest reply: «2-3» is typed text —
    # quiet hours from 2 to 3 o'clock, as a person who types «23-8» means 23:00–08:00
    assert "(нажато" not in screens[3] and "Тихие часы: 02:00–03:00" in screens[3]
    # the dialog is over: «2-3» presses button 3 of message 2 again (outages off)
    assert "(уведомление) " + tset.SAVED in screens[4] and "⛔️ Отключения воды и света" in screens[4]


async def test_chat_label_of_the_latest_reply_presses_while_the_bot_waits_for_text(settings):
    screens = await _chat(settings, "1-1", "1-1", "2-1")
    assert "Шаг 1 из 4" in screens[1] and f"[2-1] {ta.BTN_NO_HOUSE}" in screens[1]
    # in the address step «1-1» names an older message: it is the address typed, the search answers
    assert "По запросу «1-1» дом не найден" in screens[2] and f"[3-1] {ta.BTN_NO_HOUSE}" in screens[2]
    # «2-1» is no longer in the latest reply either (message 3 is): typed text again
    assert "По запросу «2-1» дом не найден" in screens[3]


async def test_chat_label_of_the_latest_reply_presses_in_the_address_step(settings):
    screens = await _chat(settings, "1-1", "2-1")
    assert "Нет моего дома" in screens[2] and "По запросу" not in screens[2]  # the button was pressed


async def test_chat_resident_and_clerk_are_two_users(settings):
    screens = await _chat(settings, "/outage", "/staff", "/outage", "/staff")
    assert f"как житель «Житель», id {CHAT_USER_ID}" in screens[0]
    assert CHAT_USER_ID != CLERK_USER_ID
    # the resident is not staff: /outage in the private chat is not the staff dialog
    assert tn.ASK_HOUSE.split(",")[0].replace("<b>", "").replace("</b>", "") not in screens[1]
    assert f"как сотрудник «Сотрудник», id {CLERK_USER_ID}" in screens[2]
    assert "Новое отключение, шаг 1 из 6" in screens[3]  # the clerk in the staff chat is
    assert "→ чат" not in screens[3]  # the clerk writes in the staff chat: its answers are not «elsewhere»
    assert f"id {CHAT_USER_ID}" in screens[4]


async def test_chat_staff_card_names_the_resident_not_the_clerk(settings, sessions):
    await factories.world(sessions)
    out = io.StringIO()
    stdin = _Script(
        out,
        lambda s: _label(s, ta.BTN_LINK),
        lambda s: "Бауманская 44",
        lambda s: _label(s, "г. Москва, ул. Бауманская, д. 44"),
        lambda s: "1234567890",
        lambda s: _label(s, ta.BTN_STAFF),
        lambda s: "Житель Тестовый",  # the name for the card
        lambda s: _label(s, "Собственник"),
        lambda s: "/staff",  # now the clerk presses the card's button in the staff chat
        lambda s: _label(stdin.screens[-2], ta.BTN_APPROVE),
    )
    await run_chat(settings, stdin=stdin, out=out)
    card = stdin.screens[-3]
    assert "(нажато" not in stdin.screens[-1]  # pressed by the clerk himself, not on his behalf
    assert f"Житель в Telegram: Житель (id {CHAT_USER_ID})" in card
    assert "Подтверждено: Сотрудник" in stdin.screens[-1]
    assert f"Бот → чат {CHAT_USER_ID}:" in stdin.screens[-1]  # the resident's news, seen from the staff chat


async def test_chat_shows_a_message_telegram_refuses_as_refused_not_as_sent(settings, tmp_path):
    session = LocalSession()
    bot = build_bot(settings, token="1:x", session=session)  # HTML by default, as the chat's bot
    client = BotClient(Dispatcher(), bot, user_id=CHAT_USER_ID)
    with pytest.raises(TelegramBadRequest):
        await bot(SendMessage(chat_id=CHAT_USER_ID, text="Холодная вода № <b>ХВ-4"))
    (sent,) = client.new_replies()
    assert sent.refused and "can't parse entities" in sent.refused
    out = io.StringIO()
    Terminal(out, tmp_path, chats=(CHAT_USER_ID,)).show_reply([sent])
    assert "Telegram не принял бы сообщение бота — его не видно: Bad Request: can't parse entities" in out.getvalue()
    assert "ХВ-4" not in out.getvalue()


async def test_chat_delivers_a_broadcast_to_the_resident(settings, sessions, clock):
    w = await factories.world(sessions)
    await factories.link(sessions, CHAT_USER_ID, w.account)
    out = io.StringIO()
    stdin = _Script(
        out,
        lambda s: "/staff",
        lambda s: "/broadcast",
        lambda s: _label(s, tn.BTN_ALL_HOUSES),
        lambda s: "Завтра уборка двора",
        lambda s: _label(s, tn.BTN_SEND),
    )
    await run_chat(settings, stdin=stdin, out=out, clock=clock)  # 12:00: not quiet hours
    last = stdin.screens[-1]
    assert "Рассылка поставлена в очередь" in last
    # the push sender ran after the line: the resident's chat got the message
    assert f"Бот → чат {CHAT_USER_ID}:" in last and last.index("Завтра уборка двора") > last.index("→ чат")


async def test_chat_says_pushes_wait_for_the_end_of_quiet_hours(settings, sessions, clock):
    w = await factories.world(sessions)
    await factories.link(sessions, CHAT_USER_ID, w.account)
    clock.set(dt.datetime(2026, 11, 19, 23, 0))
    out = io.StringIO()
    stdin = _Script(
        out,
        lambda s: "/staff",
        lambda s: "/broadcast",
        lambda s: _label(s, tn.BTN_ALL_HOUSES),
        lambda s: "Завтра уборка двора",
        lambda s: _label(s, tn.BTN_MORNING),  # in quiet hours the clerk is asked: now or in the morning
    )
    await run_chat(settings, stdin=stdin, out=out, clock=clock)
    last = stdin.screens[-1]
    assert "(1 уведомление ждёт конца тихих часов — придёт потом)" in last
    assert f"Бот → чат {CHAT_USER_ID}:" not in last


async def test_chat_shows_pushes_queued_while_it_was_closed_at_once(settings, sessions, clock):
    from bot.services import outages

    w = await factories.world(sessions)
    await factories.link(sessions, CHAT_USER_ID, w.account)
    assert await outages.broadcast(sessions, clock, "Вода будет по графику", None, "b1") == 1
    screens = await _chat(settings, clock=clock)
    assert "Вода будет по графику" in screens[0]  # before the first line typed



async def test_chat_shows_a_card_invoice_and_pays_it_as_telegram_would(settings, sessions):
    from decimal import Decimal

    from pydantic import SecretStr
    from sqlalchemy import select

    from storage.models import Payment

    settings.payment_provider_token = SecretStr("381764678:TEST:12345")
    settings.card_commission_percent = Decimal("1.5")
    w = await factories.world(sessions)
    await factories.link(sessions, CHAT_USER_ID, w.account)
    out = io.StringIO()
    stdin = _Script(
        out,
        lambda s: "в",  # «Оплатить ЖКУ»
        lambda s: _label(s, "Другая сумма"),
        lambda s: "1500,50",
        lambda s: _label(s, "Оплатить"),
        lambda s: _label(s, "Картой в Telegram"),
        lambda s: _label(s, "Оплатить 1\u00a0523,01\u00a0₽"),
        lambda s: "/кнопки",
    )
    await run_chat(settings, stdin=stdin, out=out)
    invoice = stdin.screens[-3]
    assert "счёт на оплату" in invoice and "1\u00a0500,50\u00a0₽" in invoice and "Комиссия" in invoice
    assert "Оплатить 1\u00a0523,01\u00a0₽" in invoice
    paid = stdin.screens[-2]
    assert "форма оплаты Telegram: 1\u00a0523,01\u00a0₽ тестовой картой, e-mail для чека" in paid
    assert "Оплачено" in paid and "Итого списано" in paid
    assert "Оплатить 1\u00a0523" not in stdin.screens[-1]  # a paid invoice has no button any more
    async with sessions() as s:
        (p,) = (await s.execute(select(Payment).where(Payment.method == "card"))).scalars()
    assert (p.amount, p.commission, p.email) == (Decimal("1500.50"), Decimal("22.51"), "zhitel@example.ru")
    assert p.telegram_charge_id.startswith("local-")


async def test_chat_resumed_inside_a_dialog_still_letters_the_main_menu(settings):
    await _chat(settings, "а", "1-1")  # «Подключить лицевой счёт»: the address step, left open
    screens = await _chat(settings, "е")  # a new session: the dialog goes on, the menu is where Telegram keeps it
    assert "продолжаем начатый диалог" in screens[0] and f"[е] {t.BTN_HOUSE}" in screens[0]
    assert "Подключение лицевого счёта: отменено" in screens[1]  # «е» pressed «Мой дом», not typed as an address


def test_chat_shows_an_album_file_by_file(tmp_path):
    from aiogram.methods import SendMediaGroup
    from aiogram.types import BufferedInputFile, InputMediaDocument, InputMediaPhoto

    from bot.local_client import Sent

    out = io.StringIO()
    term = Terminal(out, tmp_path / "files", chats=(CHAT_USER_ID,), here=CHAT_USER_ID)
    album = SendMediaGroup(chat_id=CHAT_USER_ID, media=[
        InputMediaPhoto(media="PHOTO-FILE-ID", caption="<b>фото</b> протечки"),
        InputMediaDocument(media=BufferedInputFile(b"%PDF-1.4", filename="акт.pdf")),
    ])
    term.show_reply([Sent("sendMediaGroup", CHAT_USER_ID, "", raw=album)])
    text = out.getvalue()
    assert "альбом, файлов: 2" in text
    assert "[файл: PHOTO-FILE-ID] — фото протечки" in text
    assert f"[файл: {tmp_path / 'files' / 'акт.pdf'}]" in text
    assert (tmp_path / "files" / "акт.pdf").read_bytes() == b"%PDF-1.4"
