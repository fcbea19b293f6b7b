"""Staff: readings for billing. ``/export ГГГГ-ММ [csv|xlsx] [ОГРН]`` — the readings of a billing period as a file,
sent to the chat it was asked in (the staff chat, or an admin's private chat); ``/window [ОГРН ДД-ДД]`` — each
provider's reading window (the registry format has no column for it)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import export as svc
from bot.services import reading_windows as windows
from bot.services.readings import Window
from bot.texts import readings as t
from bot.texts import readings_views as v

Sessions = async_sessionmaker[AsyncSession]


def default_window(settings: Settings) -> Window:
    return Window(settings.reading_window_from, settings.reading_window_to)


async def export(message: Message, command: CommandObject, bot: Bot, sessions: Sessions, settings: Settings) -> None:
    args = (command.args or "").split()
    period = svc.valid_period(args[0]) if args else None
    rest = [a.lower().lstrip(".") for a in args[1:]]
    fmts = [a for a in rest if a in svc.FORMATS]
    ogrns = [a for a in rest if a.isdigit()]
    if period is None or len(fmts) > 1 or len(ogrns) > 1 or len(fmts) + len(ogrns) != len(rest):
        await message.answer(t.EXPORT_USAGE)
        return
    fmt, ogrn = (fmts or ["xlsx"])[0], (ogrns or [None])[0]
    if ogrn and not await svc.provider_known(sessions, ogrn):
        await message.answer(v.export_unknown_provider(ogrn))
        return
    data, rows = await svc.export_readings(sessions, period, fmt, settings.tz, ogrn)
    await bot.send_document(message.chat.id, BufferedInputFile(data, filename=svc.file_name(period, fmt, ogrn)),
                            caption=v.export_caption(period, rows, ogrn))


async def window(message: Message, command: CommandObject, sessions: Sessions, settings: Settings) -> None:
    default = default_window(settings)
    args = (command.args or "").strip()
    if not args:
        await message.answer(v.windows(await windows.list_windows(sessions, default), default))
        return
    try:
        w = await windows.change_window(sessions, args, default)
    except windows.WindowError as exc:
        await message.answer(v.window_error(exc))
        return
    await message.answer(v.window_set(w))


def router() -> Router:
    r = Router(name="staff_readings")
    r.message.register(export, Command("export"))
    r.message.register(window, Command("window"))
    return r
