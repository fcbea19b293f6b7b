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

Sessions = async_sessionmaker[AsyncSession]


def router() -> Router:
    r = Router(name="staff_readings")

    @r.message(Command("export"))
    async def export(message: Message, command: CommandObject, bot: Bot, sessions: Sessions,
                     settings: Settings) -> None:
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
            await message.answer(t.EXPORT_UNKNOWN_PROVIDER.format(ogrn=ogrn))
            return
        data, rows = await svc.export_readings(sessions, period, fmt, settings.tz, ogrn)
        provider = t.EXPORT_PROVIDER.format(ogrn=ogrn) if ogrn else ""
        caption = (t.EXPORT_CAPTION if rows else t.EXPORT_EMPTY).format(period=t.period_name(period), rows=rows,
                                                                         provider=provider)
        await bot.send_document(message.chat.id, BufferedInputFile(data, filename=svc.file_name(period, fmt, ogrn)),
                                caption=caption)

    @r.message(Command("window"))
    async def window(message: Message, command: CommandObject, sessions: Sessions, settings: Settings) -> None:
        default = Window(settings.reading_window_from, settings.reading_window_to)
        args = (command.args or "").strip()
        if not args:
            items = await windows.list_windows(sessions, default)
            if not items:
                await message.answer(t.WINDOWS_NONE)
                return
            lines = [t.WINDOWS_HEAD] + [
                t.WINDOWS_LINE.format(name=w.name, ogrn=w.ogrn, from_day=w.window.from_day, to_day=w.window.to_day,
                                      mark="" if w.own else t.WINDOWS_DEFAULT_MARK) for w in items]
            await message.answer("\n".join(lines) + t.WINDOWS_HOW.format(from_day=default.from_day,
                                                                          to_day=default.to_day))
            return
        ogrn, _, rest = args.partition(" ")
        try:
            if not ogrn.isdigit():
                raise windows.WindowError(t.WINDOW_OGRN_FIRST)
            w = await windows.set_window(sessions, ogrn, windows.parse_window(rest), default)
        except windows.WindowError as exc:
            await message.answer(str(exc))
            return
        await message.answer(t.WINDOW_SET.format(name=w.name, from_day=w.window.from_day, to_day=w.window.to_day,
                                                 mark="" if w.own else t.WINDOWS_DEFAULT_MARK))

    return r
