"""«Мой дом»: the house, the premises, the УК, the contract, the council, outages — for the resident's houses."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.accounts import HouseInfoCD, HousePage
from bot.handlers.dialog import leave_dialog
from bot.handlers.messages import show
from bot.keyboards import accounts as akb
from bot.keyboards import house as kb
from bot.services import house_info as svc
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import house as t

Sessions = async_sessionmaker[AsyncSession]


async def house_section(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    await leave_dialog(message, state)
    houses = await svc.my_houses(sessions, message.from_user.id)
    if not houses:
        await message.answer(t.NO_HOUSES, reply_markup=akb.link_offer())
        return
    if len(houses) > 1:
        await message.answer(t.CHOOSE, reply_markup=kb.choose(houses))
        return
    info = await svc.house_info(sessions, message.from_user.id, houses[0].id, clock.utcnow())
    await message.answer(t.card(info), reply_markup=kb.pages(info.house_id, HousePage.card, False))


async def house_page(query: CallbackQuery, callback_data: HouseInfoCD, sessions: Sessions, clock: Clock) -> None:
    """A page of «Мой дом» (or «Другой дом»); the house is re-checked to be the user's (a forged id: an alert)."""
    user_id = query.from_user.id
    houses = await svc.my_houses(sessions, user_id)
    if callback_data.page == HousePage.choose:
        await query.answer()
        if not houses:
            await show(query, t.NO_HOUSES, akb.link_offer())
        else:
            await show(query, t.CHOOSE, kb.choose(houses))
        return
    info = await svc.house_info(sessions, user_id, callback_data.house_id, clock.utcnow())
    if info is None:
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, t.page(callback_data.page, info, clock.to_local), kb.pages(info.house_id, callback_data.page,
                                                                      len(houses) > 1))


def router() -> Router:
    r = Router(name="house")
    r.message.register(house_section, F.text == ct.BTN_HOUSE, StateFilter("*"))
    r.callback_query.register(house_page, HouseInfoCD.filter())
    return r
