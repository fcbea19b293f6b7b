"""Staff: ``/export ГГГГ-ММ [csv|xlsx]`` — the readings of a billing period as a file for billing, sent as a
document to the chat it was asked in (the staff chat, or an admin's private chat)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import export as svc
from bot.texts import readings as t

Sessions = async_sessionmaker[AsyncSession]

USAGE = ("Выгрузка показаний для расчёта: <code>/export ГГГГ-ММ</code>, например <code>/export 2026-11</code>. "
         "Формат по умолчанию XLSX; для CSV: <code>/export 2026-11 csv</code>.")
CAPTION = "Показания за {period}: строк — {rows}."
EMPTY = "За {period} показаний нет — файл пустой, только заголовки."


def router() -> Router:
    r = Router(name="staff_export")

    @r.message(Command("export"))
    async def export(message: Message, command: CommandObject, bot: Bot, sessions: Sessions,
                     settings: Settings) -> None:
        args = (command.args or "").split()
        period = svc.valid_period(args[0]) if args else None
        fmt = args[1].lower().lstrip(".") if len(args) > 1 else "xlsx"
        if period is None or fmt not in svc.FORMATS or len(args) > 2:
            await message.answer(USAGE)
            return
        data, rows = await svc.export_readings(sessions, period, fmt, settings.tz)
        caption = (CAPTION if rows else EMPTY).format(period=t.period_name(period), rows=rows)
        await bot.send_document(message.chat.id, BufferedInputFile(data, filename=svc.file_name(period, fmt)),
                                caption=caption)

    return r
