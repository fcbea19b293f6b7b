"""``python -m bot chat``: the same Dispatcher and database, no Telegram. You type as a resident; ``/contact +7…``
shares a phone; ``/file PATH`` sends a document; ``/staff`` switches to speaking in the УК's staff chat and back.

Buttons are pressed the way a Telegram user sees them. The reply keyboard (the menu under the input field) stays
until the bot replaces or removes it, so its buttons keep their letters (а, б, в …) and stay pressable.
Inline buttons belong to a message: each message with buttons gets a number, its buttons are ``N-1``, ``N-2`` …
and stay pressable as long as that message shows them (the bot decides whether an old button is stale).
A label never changes its meaning. A typed ``23-8`` can also be text (quiet hours «23-8»), so the rule is:
``N-k`` is a press when message N shows button k — but while the bot waits for a typed answer (the current dialog
step has a handler for typed messages: an address, a reading, quiet hours, a reason), only a button of the bot's
latest reply is pressed that way; anything else is sent as text.

The resident (id 1) and the clerk in the staff chat (id 2, after ``/staff``) are two different Telegram users."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aiogram import Dispatcher, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendInvoice, SendMediaGroup
from aiogram.types import (
    BufferedInputFile,
    ForceReply,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardRemove,
)

from bot.app import build_app, build_bot
from bot.config import Settings
from bot.keyboards.common import main_menu
from bot.local_client import BotClient, Sent
from bot.local_session import LocalSession
from bot.scheduler import build_sender
from bot.services.clock import Clock
from bot.services.notify.sender import Sender
from bot.texts.render import count, plural

CHAT_USER_ID = 1  # the resident
CLERK_USER_ID = 2  # the УК's clerk, speaking in the staff chat
CHAT_TOKEN = "1000001:LOCAL_TERMINAL_CHAT_no_telegram_here"
DEFAULT_STAFF_CHAT = -1000000000001
HELP = (
    "Терминальный чат с ботом. Пишите как в Telegram.\n"
    "  а, б, в …    — нажать кнопку меню под полем ввода (она на экране, пока бот её не сменит)\n"
    "  3-1, 3-2 …   — нажать кнопку 1, 2 … под сообщением 3 (кнопки старых сообщений тоже нажимаются)\n"
    "                 пока бот ждёт от вас текст (адрес, показание, тихие часы, причину), 3-1 — нажатие только\n"
    "                 кнопки из последнего ответа бота, иначе строка уходит как текст (23-8 — тихие часы)\n"
    "  /кнопки      — показать кнопки, которые можно нажать сейчас\n"
    "  /contact +7… — поделиться номером телефона\n"
    "  /file ПУТЬ   — отправить файл\n"
    "  /reply N ТЕКСТ — ответить на сообщение N (как «Ответить» в Telegram; /reply N /file ПУТЬ — файлом)\n"
    "                 на вопрос бота «ответьте на это сообщение» следующий текст или файл уходит ответом сам\n"
    "  /staff       — писать в чат сотрудников УК как сотрудник (и обратно — как житель)\n"
    "  /quit        — выйти (Ctrl+D тоже)"
)
LOG_FILE = Path("data/chat.log")  # the bot's log while the terminal chat runs: tracebacks do not cover the chat
LOG_NOTE = "  (журнал бота с ошибками пишется в {path})\n"
LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"
SHOW_LAST = 5  # /кнопки lists the buttons of this many newest messages
_TAG = re.compile(r"<[^>]+>")
_INLINE_LABEL = re.compile(r"(\d+)-([1-9]\d*)")
REFUSED = "\n(Telegram не принял бы сообщение бота{where} — его не видно: {reason})\n"
DEFERRED = "  ({n} {wait} конца тихих часов — {come} потом)\n"
WHO_RESIDENT = "  (вы пишете боту как житель «{name}», id {id})\n"
WHO_CLERK = "  (вы пишете в чат сотрудников УК {chat} как сотрудник «{name}», id {id})\n"
PRESSED_AS = "  (нажато в чате {chat} от имени «{name}», id {id})\n"
FORCE_REPLY = "  (бот просит ответить на это сообщение: следующий текст или /file уйдёт ответом на него)\n"
REPLY_USAGE = "  ответ на сообщение: /reply N текст (N — номер сообщения бота, например 24) или /reply N /file ПУТЬ\n"
RESUMED = "\n(продолжаем начатый диалог; /cancel — выйти из него, /start — начать сначала)\n"
PAY_EMAIL = "zhitel@example.ru"  # what the resident would type into Telegram's payment form
PAY_FORM = "  (форма оплаты Telegram: {total} тестовой картой{email})\n"
PAY_REFUSED = "  (Telegram показал бы в форме оплаты: {why} — деньги не списаны)\n"
BUTTONS_RULE = ("  (пока бот ждёт от вас текст, N-k нажимает только кнопки его последнего ответа: "
                "{labels}; другое N-k уйдёт как текст)\n")


def rub(kopecks: int) -> str:
    rubles, kop = divmod(kopecks, 100)
    return f"{rubles:,}".replace(",", "\u00a0") + f",{kop:02d}\u00a0₽"


def invoice_button(invoice: SendInvoice) -> str:
    return f"Оплатить {rub(sum(p.amount for p in invoice.prices))}"  # as the bot names it: «нажмите «Оплатить»»


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


@dataclass
class Shown:
    """A bot message with inline buttons, as the terminal numbered it."""

    number: int
    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None  # None: the bot took the buttons away
    invoice: SendInvoice | None = None  # an invoice: its one button «Оплатить …» pays it (Telegram's payment form)
    paid: bool = False  # Telegram takes the button of a paid invoice away

    def button(self, k: int) -> InlineKeyboardButton | None:
        if self.invoice is not None:
            return InlineKeyboardButton(text=invoice_button(self.invoice), pay=True) if k == 1 and not self.paid else None
        flat = [b for row in (self.markup.inline_keyboard if self.markup else []) for b in row]
        return flat[k - 1] if 1 <= k <= len(flat) else None

    @property
    def pressable(self) -> bool:
        return self.markup is not None or (self.invoice is not None and not self.paid)


@dataclass
class Terminal:
    """What is on the screen: the reply keyboard of each chat and the messages with inline buttons."""

    out: TextIO
    files_dir: Path
    chats: tuple[int, ...] = ()  # the chats the terminal user is in (their private chat, the staff chat)
    keyboards: dict[int, list[list[KeyboardButton]]] = field(default_factory=dict)
    messages: dict[tuple[int, int], Shown] = field(default_factory=dict)  # (chat, message id) → numbered message
    by_number: dict[int, Shown] = field(default_factory=dict)
    here: int | None = None  # the chat the terminal user writes in now; the others' messages are marked «→ чат …»
    # the numbered messages of the bot's latest reply in each chat (empty: that reply had no buttons)
    last_reply: dict[int, set[int]] = field(default_factory=dict)
    # the bot's latest question that asks for a reply to itself (ForceReply), by chat: the next text or file typed
    # there goes as a reply to it, as a Telegram app opens the reply to such a message
    force_reply: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.here is None and self.chats:
            self.here = self.chats[0]

    def show_reply(self, replies: list[Sent]) -> None:
        """Print one reply of the bot (everything it sent after one line typed) and remember what it showed."""
        fresh: dict[int, set[int]] = {}
        for sent in replies:
            shown = self.show(sent)
            if isinstance(sent.chat_id, int) and sent.method != "answerCallbackQuery":
                fresh.setdefault(sent.chat_id, set())
                if shown is not None:
                    fresh[sent.chat_id].add(shown.number)
        self.last_reply.update(fresh)

    def in_last_reply(self, chat: int, number: int) -> bool:
        shown = self.by_number.get(number)
        return number in self.last_reply.get(chat, set()) and shown is not None and shown.pressable

    def show(self, sent: Sent) -> Shown | None:
        chat = sent.chat_id if isinstance(sent.chat_id, int) else None
        if sent.method == "answerCallbackQuery":
            if sent.text:
                self.out.write(f"  (уведомление) {plain(sent.text)}\n")
            return None
        if sent.refused is not None:
            where = "" if chat == self.here else f" → чат {sent.chat_id}"
            self.out.write(REFUSED.format(where=where, reason=sent.refused))
            self.out.flush()
            return None
        if isinstance(sent.raw, SendInvoice):
            return self._invoice(sent, chat)
        shown = self._track_inline(sent, chat)
        removed = isinstance(getattr(sent.raw, "reply_markup", None), ReplyKeyboardRemove)
        asks_reply = isinstance(getattr(sent.raw, "reply_markup", None), ForceReply)
        if chat is not None and asks_reply and sent.message_id is not None:
            self.force_reply[chat] = sent.message_id
        if chat is not None and sent.reply is not None:
            self.keyboards[chat] = sent.reply.keyboard
        elif chat is not None and removed:
            self.keyboards.pop(chat, None)
        file = getattr(sent.raw, "photo", None) or getattr(sent.raw, "document", None)
        if isinstance(sent.raw, SendMediaGroup):
            return self._album(sent.raw, chat)
        if not sent.text and file is None and sent.inline is None and sent.reply is None:
            return shown  # an edit that only took the buttons away
        where = "" if chat == self.here else f" → чат {sent.chat_id}"
        label = f" · сообщение {shown.number}" if shown is not None else ""
        edited = " (изменено)" if sent.method.startswith("edit") else ""
        self.out.write(f"\nБот{where}{label}{edited}:\n")
        if sent.text:
            for line in plain(sent.text).splitlines():
                self.out.write(f"  {line}\n")
        if file is not None:
            self.out.write(f"  [файл: {self._save(file)}]\n")
        if sent.inline is not None:
            self._inline_rows(sent.inline, shown)
        if sent.reply is not None:
            self._reply_rows(sent.reply.keyboard, "меню под полем ввода" if chat in self.chats else None)
        elif removed and chat in self.chats:
            self.out.write("  (меню под полем ввода убрано)\n")
        if asks_reply and chat in self.chats:
            self.out.write(FORCE_REPLY)
        self.out.flush()
        return shown

    def _album(self, album: SendMediaGroup, chat: int | None) -> None:  # an album has no buttons to number
        """A media group (an appeal's photos and documents): each file saved and named, with its caption."""
        where = "" if chat == self.here else f" → чат {album.chat_id}"
        self.out.write(f"\nБот{where} — альбом, файлов: {len(album.media)}:\n")
        for item in album.media:
            caption = f" — {plain(item.caption)}" if getattr(item, "caption", None) else ""
            self.out.write(f"  [файл: {self._save(item.media)}]{caption}\n")
        self.out.flush()
        return None

    def _invoice(self, sent: Sent, chat: int | None) -> Shown | None:
        """An invoice as Telegram shows it: title, description, the price lines and the total, and «Оплатить …»,
        which opens the payment form — here it pays at once."""
        inv: SendInvoice = sent.raw
        shown = None
        if chat in self.chats and sent.message_id is not None:
            shown = Shown(len(self.by_number) + 1, chat, sent.message_id, inv.title, invoice=inv)
            self.messages[(chat, sent.message_id)] = self.by_number[shown.number] = shown
        label = f" · сообщение {shown.number}" if shown is not None else ""
        self.out.write(f"\nБот{label} — счёт на оплату:\n  {inv.title}\n")
        for line in inv.description.splitlines():
            self.out.write(f"  {line}\n")
        for price in inv.prices:
            self.out.write(f"  · {price.label}: {rub(price.amount)}\n")
        mark = f"[{shown.number}-1]" if shown is not None else "·"
        self.out.write(f"  {mark} {invoice_button(inv)}\n")
        self.out.flush()
        return shown

    def _track_inline(self, sent: Sent, chat: int | None) -> Shown | None:
        """Number a message that shows inline buttons; an edit keeps the number and replaces (or drops) them."""
        if chat is None or sent.message_id is None or chat not in self.chats:
            return None
        key = (chat, sent.message_id)
        shown = self.messages.get(key)
        edit = sent.method.startswith("edit")
        if sent.inline is not None:
            if shown is None:
                shown = Shown(len(self.by_number) + 1, chat, sent.message_id, sent.text)
                self.messages[key] = self.by_number[shown.number] = shown
            shown.markup = sent.inline
        elif shown is not None and edit:
            shown.markup = None  # Telegram drops the buttons of a message edited without them
        if shown is not None and sent.text:
            shown.text = sent.text
        return shown if shown is not None and shown.markup is not None else None

    def _inline_rows(self, markup: InlineKeyboardMarkup, shown: Shown | None) -> None:
        k = 0
        for row in markup.inline_keyboard:
            cells = []
            for b in row:
                k += 1
                mark = f"[{shown.number}-{k}]" if shown is not None else "·"
                cells.append(f"{mark} {b.text}" + (f" ({b.url})" if b.url else ""))
            self.out.write("  " + "   ".join(cells) + "\n")

    def _reply_rows(self, keyboard: list[list[KeyboardButton]], title: str | None) -> None:
        if title:
            self.out.write(f"  — {title}:\n")
        i = 0
        for row in keyboard:
            cells = []
            for b in row:
                cells.append(f"[{LETTERS[i]}] {b.text}" if title and i < len(LETTERS) else f"· {b.text}")
                i += 1
            self.out.write("  " + "   ".join(cells) + "\n")

    def reply_button(self, chat: int, label: str) -> KeyboardButton | None:
        flat = [b for row in self.keyboards.get(chat, []) for b in row]
        i = LETTERS.find(label.lower()) if len(label) == 1 else -1
        return flat[i] if 0 <= i < len(flat) else None

    def list_buttons(self, chat: int, waits_for_text: bool = False) -> None:
        """``/кнопки``: what can be pressed now — the menu of this chat and the newest messages with buttons."""
        live = [s for s in self.by_number.values() if s.pressable]
        if not live and not self.keyboards.get(chat):
            self.out.write("  (сейчас нажимать нечего)\n")
            return
        if waits_for_text:
            labels = [f"{n}-1…" for n in sorted(self.last_reply.get(chat, set())) if self.in_last_reply(chat, n)]
            self.out.write(BUTTONS_RULE.format(labels=", ".join(labels) or "их нет"))
        if len(live) > SHOW_LAST:
            self.out.write(f"  (и ещё сообщений с кнопками выше: {len(live) - SHOW_LAST})\n")
        for s in live[-SHOW_LAST:]:
            where = "" if s.chat_id == chat else f", чат {s.chat_id}"
            first = plain(s.text).strip().splitlines()[0] if s.text.strip() else ""
            self.out.write(f"  сообщение {s.number}{where}: {first}\n")
            if s.invoice is not None:
                self.out.write(f"  [{s.number}-1] {invoice_button(s.invoice)}\n")
            else:
                self._inline_rows(s.markup, s)  # type: ignore[arg-type]
        if self.keyboards.get(chat):
            self._reply_rows(self.keyboards[chat], "меню под полем ввода")
        self.out.flush()

    def _save(self, file: object) -> str:
        if isinstance(file, str):
            return file
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = getattr(file, "filename", None) or "file"
        target = self.files_dir / Path(name).name
        if isinstance(file, BufferedInputFile):
            target.write_bytes(file.data)
        elif isinstance(file, FSInputFile):
            target.write_bytes(Path(file.path).read_bytes())
        else:
            return name
        return str(target)


async def run_chat(settings: Settings, stdin: TextIO | None = None, out: TextIO | None = None,
                   user_id: int = CHAT_USER_ID, clerk_id: int = CLERK_USER_ID, clock: Clock | None = None) -> None:
    """The resident (``user_id``) in a private chat and the clerk (``clerk_id``, a member of the staff chat):
    two Telegram users, so the bot tells them apart as it would in Telegram."""
    if clerk_id == user_id:
        raise ValueError("the resident and the clerk must be different users")
    note = LOG_NOTE.format(path=LOG_FILE) if out is None else ""
    with _log_to_file(LOG_FILE) if out is None else nullcontext():
        await _run(settings, stdin or sys.stdin, out or sys.stdout, user_id, clerk_id, note, clock)


async def _run(settings: Settings, stdin: TextIO, out: TextIO, user_id: int, clerk_id: int, note: str,
               clock: Clock | None) -> None:
    staff_chat = settings.staff_chat_id or DEFAULT_STAFF_CHAT
    settings = settings.model_copy(update={"staff_chat_id": staff_chat})
    app = build_app(settings, clock)
    session = LocalSession()
    bot = build_bot(settings, token=CHAT_TOKEN, session=session)  # HTML, as the real bot: refused as Telegram would
    resident = BotClient(app.dispatcher, bot, user_id=user_id, first_name="Житель", last_name=None)
    staff = BotClient(app.dispatcher, bot, user_id=clerk_id, first_name="Сотрудник", last_name=None,
                      chat_id=staff_chat)
    clients = {resident.chat.id: resident, staff.chat.id: staff}
    term = Terminal(out, Path("data/chat_files"), chats=(resident.chat.id, staff.chat.id), here=resident.chat.id)
    client = resident
    # pushes (a broadcast, an outage notice) go out after each line, as the running bot's sender would send them
    sender = build_sender(app.sessions, settings, app.clock, bot)
    deferred = 0
    interactive = stdin.isatty()
    out.write(HELP + "\n" + note)
    out.write(_who(resident, staff_chat))
    loop = asyncio.get_running_loop()
    try:
        key = StorageKey(bot_id=bot.id, chat_id=user_id, user_id=user_id)
        if await app.dispatcher.storage.get_state(key) is None:
            term.show_reply(await client.send("/start"))
        else:
            out.write(RESUMED)
            # Telegram keeps the persistent main menu under the input field between sessions; the terminal has
            # not seen it this time, so it shows it as it was left (a step with its own keyboard — a phone share —
            # shows that again when the bot next sends it)
            term.keyboards[resident.chat.id] = main_menu().keyboard
            term._reply_rows(main_menu().keyboard, "меню под полем ввода")
        deferred = await _deliver(sender, client, term, out, deferred)  # what was due while the chat was closed
        while True:
            if interactive:
                out.write("\nВы: ")
                out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if not interactive:
                out.write(f"\nВы: {line}\n")
            if line in ("/quit", "/exit"):
                break
            if line == "/staff":
                client = staff if client is resident else resident
                client.skip_unread()
                term.here = client.chat.id
                out.write(_who(client, staff_chat))
                continue
            if line in ("/кнопки", "/buttons"):
                term.list_buttons(client.chat.id, await waits_for_text(client))
                continue
            term.show_reply(await _act(client, clients, term, line, out))
            deferred = await _deliver(sender, client, term, out, deferred)
    finally:
        await app.close()
        await session.close()


async def _act(client: BotClient, clients: dict[int, BotClient], term: Terminal, line: str,
               out: TextIO) -> list[Sent]:
    reply_to: int | None = None
    if line.startswith("/reply"):
        number, _, rest = line.removeprefix("/reply").strip().partition(" ")
        shown = term.by_number.get(int(number)) if number.isdigit() else None
        if shown is None or shown.chat_id != client.chat.id or not rest.strip():
            out.write(REPLY_USAGE)
            return []
        reply_to, line = shown.message_id, rest.strip()
        client.texts.setdefault(shown.message_id, shown.text)
    elif not line.startswith("/") or line.startswith("/file"):
        asked = term.force_reply.get(client.chat.id)
        if asked is not None and term.reply_button(client.chat.id, line) is None \
                and not _INLINE_LABEL.fullmatch(line):
            reply_to = term.force_reply.pop(client.chat.id)
    if line.startswith("/contact"):
        phone = line.removeprefix("/contact").strip()
        if not phone:
            out.write("  укажите номер: /contact +79161234567\n")
            return []
        return await client.share_contact(phone)
    if line.startswith("/file"):
        path = Path(line.removeprefix("/file").strip())
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError:
            out.write(f"  нет такого файла: {path}\n")
            return []
        return await client.send_document(path.name, content, _mime(path), reply_to=reply_to)
    if (reply := term.reply_button(client.chat.id, line)) is not None:
        if reply.request_contact:
            out.write("  кнопка делится номером телефона: наберите /contact +7… с вашим номером\n")
            return []
        return await client.send(reply.text)
    if (m := _INLINE_LABEL.fullmatch(line)) and (shown := term.by_number.get(int(m[1]))) is not None:
        button = shown.button(int(m[2]))
        if await waits_for_text(client) and (button is None or not term.in_last_reply(client.chat.id, shown.number)):
            return await client.send(line, reply_to)  # the step waits for text: «23-8» is quiet hours, not a press
        if button is None:
            out.write(f"  под сообщением {shown.number} нет кнопки {m[2]} — /кнопки покажет, что можно нажать\n")
            return []
        if shown.invoice is not None:
            return await _pay(client, shown, out)
        if button.callback_data is None:
            out.write(f"  кнопка открывает {button.url or 'приложение Telegram'} — в терминале её не нажать\n")
            return []
        owner = clients[shown.chat_id]
        if owner is not client:
            owner.skip_unread()  # the other chat's client has not read what this one printed
            out.write(PRESSED_AS.format(chat=owner.chat.id, name=owner.user.first_name, id=owner.user.id))
        owner.inline[shown.message_id] = shown.markup  # type: ignore[assignment]
        owner.texts[shown.message_id] = shown.text
        replies = await owner.click_data(button.callback_data, shown.message_id)
        if owner is not client:
            client.skip_unread()
        return replies
    return await client.send(line, reply_to)


async def _pay(client: BotClient, shown: Shown, out: TextIO) -> list[Sent]:
    """«Оплатить …» under an invoice: as if the resident filled Telegram's payment form (a test card, the e-mail
    for the receipt when the invoice asks for one) — the bot gets the pre-checkout query, then the payment."""
    inv = shown.invoice
    assert inv is not None
    email = PAY_EMAIL if inv.need_email else None
    out.write(PAY_FORM.format(total=invoice_button(inv).removeprefix("Оплатить "),
                              email=f", e-mail для чека {email}" if email else ""))
    answer, replies = await client.pay(inv, email)
    if answer is None or not answer.ok:
        why = answer.error_message if answer is not None and answer.error_message else "бот не ответил"
        out.write(PAY_REFUSED.format(why=why))
    else:
        shown.paid = True
    return replies


@contextmanager
def _log_to_file(path: Path) -> Iterator[None]:
    """While the chat runs, the bot's log goes to ``path`` instead of the screen the chat is printed on."""
    root = logging.getLogger()
    saved = root.handlers[:]
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [handler]
    try:
        yield
    finally:
        root.handlers = saved
        handler.close()


async def _deliver(sender: Sender, client: BotClient, term: Terminal, out: TextIO, deferred: int) -> int:
    """Send the pushes due now and show those that reached the terminal's chats; say how many wait for the end of
    quiet hours when that number changes. Returns it."""
    stats = await sender.drain()
    term.show_reply(client.new_replies())
    if stats.deferred and stats.deferred != deferred:
        n = stats.deferred
        out.write(DEFERRED.format(n=count(n, "уведомление", "уведомления", "уведомлений"),
                                  wait=plural(n, "ждёт", "ждут", "ждут"), come=plural(n, "придёт", "придут", "придут")))
    return stats.deferred


def _who(client: BotClient, staff_chat: int) -> str:
    if client.chat.id == staff_chat:
        return WHO_CLERK.format(chat=staff_chat, name=client.user.first_name, id=client.user.id)
    return WHO_RESIDENT.format(name=client.user.first_name, id=client.user.id)


async def waits_for_text(client: BotClient) -> bool:
    """Does the dialog step this user is on take a typed message (an address, a reading, quiet hours)?"""
    state = await client.dp.fsm.get_context(client.bot, chat_id=client.chat.id, user_id=client.user.id).get_state()
    return state is not None and state in text_states(client.dp)


def text_states(dp: Dispatcher) -> frozenset[str]:
    """The dialog states some message handler is registered for by name — not only through «any state» (``*``,
    the menu buttons and commands) or a whole group (``/cancel``). Read from the routers' handlers."""
    names: set[str] = set()
    for router in _routers(dp):
        for handler in router.message.handlers:
            for f in handler.filters or ():
                names.update(_named_states(f.callback))
    return frozenset(names)


def _named_states(callback: object) -> set[str]:
    if isinstance(callback, State):
        return {callback.state} if callback.state and callback.state != "*" else set()
    if isinstance(callback, StateFilter):
        found: set[str] = set()
        for st in callback.states:
            if isinstance(st, State):
                found |= _named_states(st)
            elif isinstance(st, str) and st != "*":
                found.add(st)
        return found
    return set()


def _routers(router: Router) -> list[Router]:
    out = [router]
    for sub in router.sub_routers:
        out += _routers(sub)
    return out


def _mime(path: Path) -> str:
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
