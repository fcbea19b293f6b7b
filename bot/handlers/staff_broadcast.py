"""Staff chat: /broadcast — a text to the residents of one house or of all, with preview and confirmation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.staff_outage import ConfirmCD, HousePickCD, StaffBroadcast, load, save
from bot.handlers.messages import drop_buttons
from bot.keyboards import staff as kb
from bot.services import houses
from bot.services import outages as svc
from bot.services.clock import Clock
from bot.texts import notify as t

TEXT = F.text & ~F.text.startswith("/")


def router() -> Router:
    r = Router(name="staff_broadcast")

    @r.message(Command("broadcast"), StateFilter("*"))
    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        await state.set_state(StaffBroadcast.target)
        await message.answer(t.BC_ASK_TARGET, reply_markup=kb.houses([], with_all=True))

    @r.message(StaffBroadcast.target, TEXT)
    async def house_query(message: Message, sessions: async_sessionmaker[AsyncSession]) -> None:
        hits = (await houses.search_houses(sessions, message.text)).items
        if not hits:
            await message.answer(t.NO_HOUSE)
            return
        await message.answer(t.PICK_HOUSE, reply_markup=kb.houses(hits, with_all=True))

    @r.callback_query(StaffBroadcast.target, HousePickCD.filter())
    async def picked(query: CallbackQuery, callback_data: HousePickCD, state: FSMContext,
                     sessions: async_sessionmaker[AsyncSession]) -> None:
        await query.answer()
        address = t.BC_ALL
        if callback_data.id:
            house = await houses.get_house(sessions, callback_data.id)
            address = house.address if house else None
            if address is None:
                await query.message.answer(t.NO_HOUSE)
                return
        data = await load(state)
        data.house_id, data.address = callback_data.id or None, address
        await save(state, data)
        await state.set_state(StaffBroadcast.text)
        await query.message.answer(t.BC_ASK_TEXT.format(target=address))

    @r.message(StaffBroadcast.text, TEXT)
    async def text(message: Message, state: FSMContext, clock: Clock,
                   sessions: async_sessionmaker[AsyncSession]) -> None:
        data = await load(state)
        data.text = message.html_text[:3500]
        data.subject = f"b{message.chat.id}_{message.message_id}"
        await save(state, data)
        await state.set_state(StaffBroadcast.preview)
        count = await svc.count_recipients(sessions, data.house_id)
        await message.answer(t.BC_PREVIEW.format(target=data.address, count=count,
                                                 text=t.NEWS.format(text=data.text)),
                             reply_markup=kb.confirm(t.BTN_SEND))

    @r.callback_query(StaffBroadcast.preview, ConfirmCD.filter())
    async def send(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, clock: Clock,
                   sessions: async_sessionmaker[AsyncSession]) -> None:
        data = await load(state)
        await state.clear()
        await query.answer()
        await drop_buttons(query)
        if not callback_data.ok:
            await query.message.answer(t.STAFF_CANCELLED)
            return
        count = await svc.broadcast(sessions, clock, data.text, data.house_id, data.subject)
        await query.message.answer(t.BC_SENT.format(count=count))

    return r
