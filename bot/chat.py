"""``python -m bot chat``: the same Dispatcher and database, no Telegram. You type as a resident; the bot's
messages print with their buttons numbered; a number presses a button; ``/contact +7…`` shares a phone;
``/file PATH`` sends a document; ``/staff`` switches to speaking in the УК's staff chat and back."""

from __future__ import annotations

import asyncio
import html
import re
import sys
from pathlib import Path
from typing import TextIO

from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import BufferedInputFile, FSInputFile, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.app import build_app
from bot.config import Settings
from bot.local_client import BotClient, Sent
from bot.local_session import LocalSession

CHAT_USER_ID = 1
CHAT_TOKEN = "1000001:LOCAL_TERMINAL_CHAT_no_telegram_here"
DEFAULT_STAFF_CHAT = -1000000000001
HELP = (
    "Терминальный чат с ботом. Пишите как в Telegram.\n"
    "  число        — нажать кнопку с этим номером\n"
    "  /contact +7… — поделиться номером телефона\n"
    "  /file ПУТЬ   — отправить файл\n"
    "  /staff       — писать в чат сотрудников УК (и обратно)\n"
    "  /quit        — выйти (Ctrl+D тоже)"
)
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class Terminal:
    def __init__(self, settings: Settings, out: TextIO, files_dir: Path) -> None:
        self.settings = settings
        self.out = out
        self.files_dir = files_dir
        self.buttons: list[tuple[str, str | None, int | None, bool]] = []  # (text, callback, message, contact)

    def show(self, sent: Sent, raw_result: object = None) -> None:
        req = sent.raw
        where = "" if sent.chat_id in (None, CHAT_USER_ID) else f" → чат {sent.chat_id}"
        if sent.method == "answerCallbackQuery":
            if sent.text:
                self.out.write(f"  (уведомление) {plain(sent.text)}\n")
            return
        file = getattr(req, "photo", None) or getattr(req, "document", None)
        if not sent.text and file is None and sent.inline is None and sent.reply is None:
            return  # an edit that only took the buttons away
        self.out.write(f"\nБот{where}:\n")
        if sent.text:
            for line in plain(sent.text).splitlines():
                self.out.write(f"  {line}\n")
        if file is not None:
            self.out.write(f"  [файл: {self._save(file)}]\n")
        if sent.inline is not None:
            for row in sent.inline.inline_keyboard:
                self._row([(b.text, b.callback_data, sent.message_id, False, b.url) for b in row])
        if sent.reply is not None:
            for row in sent.reply.keyboard:
                self._row([(b.text, None, None, bool(b.request_contact), None) for b in row])
        self.out.flush()

    def _row(self, row: list[tuple[str, str | None, int | None, bool, str | None]]) -> None:
        cells = []
        for text, data, mid, contact, url in row:
            self.buttons.append((text, data, mid, contact))
            cells.append(f"[{len(self.buttons)}] {text}" + (f" ({url})" if url else ""))
        self.out.write("  " + "   ".join(cells) + "\n")

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
                   user_id: int = CHAT_USER_ID) -> None:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    staff_chat = settings.staff_chat_id or DEFAULT_STAFF_CHAT
    settings = settings.model_copy(update={"staff_chat_id": staff_chat,
                                           "admin_ids": [*settings.admin_ids, user_id]})
    app = build_app(settings)
    session = LocalSession()
    bot = Bot(token=CHAT_TOKEN, session=session)
    resident = BotClient(app.dispatcher, bot, user_id=user_id, first_name="Житель", last_name=None)
    staff = BotClient(app.dispatcher, bot, user_id=user_id, first_name="Сотрудник", last_name=None,
                      chat_id=staff_chat)
    term = Terminal(settings, out, Path("data/chat_files"))
    client = resident
    interactive = stdin.isatty()
    out.write(HELP + "\n")
    loop = asyncio.get_running_loop()
    try:
        key = StorageKey(bot_id=bot.id, chat_id=user_id, user_id=user_id)
        if await app.dispatcher.storage.get_state(key) is None:
            await _show(term, await client.send("/start"))
        else:
            out.write("\n(продолжаем начатый диалог; /cancel — выйти из него, /start — начать сначала)\n")
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
                out.write("  (вы пишете в чат сотрудников УК)\n" if client is staff else "  (вы пишете боту как житель)\n")
                continue
            replies = await _act(client, term, line, out)
            await _show(term, replies)
    finally:
        await app.close()
        await session.close()


async def _act(client: BotClient, term: Terminal, line: str, out: TextIO) -> list[Sent]:
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
        return await client.send_document(path.name, content, _mime(path))
    if line.isdigit() and 1 <= int(line) <= len(term.buttons):
        text, data, mid, contact = term.buttons[int(line) - 1]
        if contact:
            out.write("  кнопка делится номером телефона: наберите /contact +7… с вашим номером\n")
            return []
        if data is not None:
            return await client.click_data(data, mid)
        return await client.send(text)
    return await client.send(line)


async def _show(term: Terminal, replies: list[Sent]) -> None:
    """Print one batch of replies; the buttons of the batch are numbered 1… across its messages."""
    if any(isinstance(s.inline, InlineKeyboardMarkup) or isinstance(s.reply, ReplyKeyboardMarkup) for s in replies):
        term.buttons = []
    for sent in replies:
        term.show(sent)


def _mime(path: Path) -> str:
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
