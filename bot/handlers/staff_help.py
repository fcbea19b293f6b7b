"""The staff chat's frame: /help (the staff commands), /cancel with nothing to cancel, a registry file sent to the
chat (CSV or XLSX, with or without /import) imported with the CLI's rules and report, an unknown command or a reply
to the bot answered — nothing staff address to the bot goes unanswered; chatter among colleagues is left alone.

Included last into the ``staff`` router (IsStaff), after every staff flow."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handlers.dialog import flow_title
from bot.services.clock import Clock
from bot.texts import accounts as ta
from bot.texts import common as t
from bot.texts.render import Html, fmt

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
DOWNLOAD_LIMIT_MB = 20  # the Bot API gives bots files up to 20 MB
REPORT_IN_MESSAGE = 3500  # characters of a report sent as a message; a longer one goes as a file
REGISTRY_SUFFIXES = (".csv", ".xlsx", ".xlsm")


async def staff_help(message: Message) -> None:
    text = t.STAFF_HELP
    if message.chat.type == "private":  # an ADMIN_IDS member: a resident here too
        text = Html(f"{t.HELP}\n\n{t.STAFF_HELP}{t.STAFF_HELP_ADMIN}")
    await message.answer(text)


async def nothing_to_cancel(message: Message) -> None:
    await message.reply(t.STAFF_NOTHING_TO_CANCEL)


async def ask_for_file(message: Message) -> None:
    await message.reply(ta.IMPORT_ASK_FILE)


async def registry_file(message: Message, bot: Bot, sessions: Sessions, clock: Clock, settings: Settings) -> None:
    """A CSV or XLSX in the staff chat: the registry import of ``python -m bot import``, then its pushes queued."""
    doc = message.document
    name = _safe_name(doc.file_name or "")
    if not name.lower().endswith(REGISTRY_SUFFIXES):
        await message.reply(fmt(ta.IMPORT_WRONG_TYPE, name=doc.file_name or "без имени"))
        return
    if (doc.file_size or 0) > DOWNLOAD_LIMIT_MB * 1024 * 1024:
        await message.reply(fmt(ta.IMPORT_TOO_BIG, name=name, limit=DOWNLOAD_LIMIT_MB))
        return
    await message.reply(fmt(ta.IMPORT_STARTED, name=name))
    with tempfile.TemporaryDirectory(prefix="registry-") as tmp:
        folder = Path(tmp) / "registry"
        folder.mkdir()
        target = folder / name
        try:
            await bot.download(doc, destination=target)
        except (TelegramAPIError, OSError) as exc:
            log.warning("could not download %s from the staff chat: %s", name, exc)
            await message.reply(fmt(ta.IMPORT_DOWNLOAD_FAILED, name=name))
            return
        # a CSV is one file of the registry folder; a workbook is the registry itself
        path = folder if name.lower().endswith(".csv") else target
        # the importer (its parser, python-stdnum, PostgreSQL's array types) is loaded by the first import, not
        # by every start of the bot: a few MB a process that most never use
        from bot.services.registry import import_and_publish

        report, pushes = await import_and_publish(sessions, path, clock, settings.quiet_hours)
    log.info("registry %s imported from the staff chat by %s: ok=%s, pushes %d", name, message.from_user.id,
             report.ok, pushes)
    await _send_report(message, name, report, pushes)


async def _send_report(message: Message, name: str, report, pushes: int) -> None:
    body = report.render()
    if pushes:
        body += "\n" + ta.IMPORT_PUSHES.format(pushes=pushes)
    if len(body) <= REPORT_IN_MESSAGE:
        await message.reply(fmt("<pre>{report}</pre>", report=body))
        return
    caption = (fmt(ta.IMPORT_REJECTED_FILE, name=name, errors=report.problems) if not report.ok
               else fmt(ta.IMPORT_DONE_FILE, name=name))
    await message.reply_document(BufferedInputFile(body.encode("utf-8"), filename=ta.IMPORT_REPORT_FILE),
                                 caption=caption)


def _safe_name(raw: str) -> str:
    """The file's own name, no folders, nothing a file system would trip on; spaces and brackets are kept, so the
    importer sees «accounts (1).csv» as the browser saved it."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = re.sub(r"[^\w.\- ()]+", "_", base)
    return base.lstrip(". ")[:100] or "registry"


async def file_in_dialog(message: Message, raw_state: str | None) -> None:
    """A file sent while a staff dialog is open (an outage, a meeting, a broadcast): not imported, and said so."""
    doc = message.document
    await message.reply(fmt(ta.IMPORT_IN_DIALOG, name=doc.file_name or "без имени",
                            flow=flow_title(raw_state) or t.CANCELLED_GENERIC_FLOW))


async def unknown_command(message: Message, bot: Bot) -> None:
    command = (message.text or "").split()[0]
    mention = command.partition("@")[2]
    if mention and mention.lower() != ((await bot.me()).username or "").lower():
        return  # a command for another bot in the group
    await message.reply(fmt(t.STAFF_UNKNOWN_COMMAND, command=command.partition("@")[0]))


async def reply_to_bot(message: Message, bot: Bot) -> None:
    """A reply to a message of the bot that is not a card (cards are taken by the card loop before)."""
    if message.reply_to_message.from_user.id != bot.id:
        return  # a reply to another bot
    await message.reply(t.STAFF_REPLY_UNKNOWN)


def router() -> Router:
    r = Router(name="staff_help")
    group = ~F.chat.type.in_({"private", "channel"})
    r.message.register(staff_help, Command("help"), StateFilter("*"))
    r.message.register(staff_help, CommandStart(), group, StateFilter("*"))
    r.message.register(nothing_to_cancel, Command("cancel"), group, StateFilter(None))
    r.message.register(registry_file, F.document, group, StateFilter(None))
    r.message.register(file_in_dialog, F.document, group, ~StateFilter(None))
    r.message.register(ask_for_file, Command("import"), StateFilter("*"))
    r.message.register(unknown_command, group, F.text.startswith("/"))
    r.message.register(reply_to_bot, group, F.reply_to_message.from_user.is_bot, StateFilter(None))
    return r
