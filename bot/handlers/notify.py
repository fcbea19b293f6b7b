"""The buttons under pushes: «Передать показания» / «Проголосовать» (like the main-menu button), «Подробнее»."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.notify import MenuCD, MeterInfoCD, OutageInfoCD
from bot.keyboards.common import main_menu
from bot.services import outages
from bot.services.clock import Clock
from bot.services.notify.reminders import meter_for_user
from bot.texts import notify as t


def router() -> Router:
    r = Router(name="push_buttons")

    @r.callback_query(MenuCD.filter())
    async def menu_section(query: CallbackQuery, callback_data: MenuCD) -> None:
        await query.answer()
        await query.message.answer(t.MENU_HINT[callback_data.section.value], reply_markup=main_menu())

    @r.callback_query(OutageInfoCD.filter())
    async def outage_info(query: CallbackQuery, callback_data: OutageInfoCD,
                          sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        info = await outages.outage_for_user(sessions, query.from_user.id, callback_data.id, clock)
        await query.answer()
        await query.message.answer(outages.info_text(info) if info else t.OUTAGE_GONE)

    @r.callback_query(MeterInfoCD.filter())
    async def meter_info(query: CallbackQuery, callback_data: MeterInfoCD,
                         sessions: async_sessionmaker[AsyncSession]) -> None:
        text = await meter_for_user(sessions, query.from_user.id, callback_data.id)
        await query.answer()
        await query.message.answer(text or t.METER_GONE)

    return r
