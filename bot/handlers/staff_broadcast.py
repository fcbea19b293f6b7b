"""Staff chat: /broadcast — a text to the residents of one house or of all, with preview and confirmation.

A broadcast to nobody is refused at once; one that falls in quiet hours says when it would arrive and offers
«Отправить сейчас» or «Утром».
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.staff_outage import Confirm, ConfirmCD, HousePickCD, OutageDraft, StaffBroadcast
from bot.handlers.dialog import TYPED
from bot.handlers.messages import drop_buttons
from bot.keyboards import staff as kb
from bot.services import houses
from bot.services import outages as svc
from bot.services.clock import Clock
from bot.texts import notify as t
from bot.texts.render import Html, count, fmt
from bot.views.outages import people, when_day

MAX_HTML = 3500  # the message as HTML, with room for the heading (Telegram: 4096)


def nobody(data: OutageDraft) -> Html:
    if data.house_id:
        return fmt(t.BC_NOBODY["house"], target=data.address)
    return fmt(t.BC_NOBODY["all"])


async def start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(StaffBroadcast.target)
    await message.answer(t.BC_ASK_TARGET, reply_markup=kb.houses([], with_all=True))


async def house_query(message: Message, sessions: async_sessionmaker[AsyncSession]) -> None:
    hits = (await houses.search_houses(sessions, message.text)).items
    if not hits:  # another search, or «Всем домам» again under the answer (the one above may be far up)
        await message.answer(t.NO_HOUSE, reply_markup=kb.houses([], with_all=True))
        return
    await message.answer(t.PICK_HOUSE, reply_markup=kb.houses(hits, with_all=True))


async def picked(query: CallbackQuery, callback_data: HousePickCD, state: FSMContext,
                 sessions: async_sessionmaker[AsyncSession]) -> None:
    await query.answer()
    address = t.BC_ALL
    if callback_data.id:
        house = await houses.get_house(sessions, callback_data.id)
        if house is None:
            await query.message.answer(t.NO_HOUSE)
            return
        address = house.address
    data = OutageDraft(house_id=callback_data.id or None, address=address)
    if not await svc.count_recipients(sessions, data.house_id):
        await query.message.answer(nobody(data), reply_markup=kb.houses([], with_all=True) if data.house_id else None)
        return  # the target step stays: another house can be picked
    await data.save(state)
    await state.set_state(StaffBroadcast.text)
    await query.message.answer(fmt(t.BC_ASK_TEXT, target=address))


async def text(message: Message, state: FSMContext, clock: Clock, sessions: async_sessionmaker[AsyncSession],
               settings: Settings) -> None:
    data = await OutageDraft.load(state)
    body = message.html_text  # the clerk's formatting kept; every character of their text escaped by aiogram
    if len(body) > MAX_HTML:
        await message.answer(fmt(t.BC_TOO_LONG, limit=MAX_HTML))
        return
    data.text = body
    data.subject = f"b{message.chat.id}_{message.message_id}"
    recipients = await svc.count_recipients(sessions, data.house_id)
    if not recipients:
        await message.answer(nobody(data))
        return
    await data.save(state)
    await state.set_state(StaffBroadcast.preview)
    waits = svc.quiet_delivery(clock, settings.quiet_hours)
    preview = fmt(t.BC_PREVIEW, target=data.address, count=people(recipients), text=fmt(t.NEWS, text=Html(body)))
    if waits is not None:
        preview = Html(preview + fmt(t.QUIET_NOTE, when=when_day(waits, clock.today())))
    await message.answer(preview, reply_markup=kb.confirm(t.BTN_SEND, quiet=waits is not None))


async def send(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, clock: Clock,
               sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    data = await OutageDraft.load(state)
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    if callback_data.action == Confirm.cancel:
        await query.message.answer(t.STAFF_CANCELLED)
        return
    delivery = svc.Delivery.now if callback_data.action == Confirm.now else svc.Delivery.auto
    try:
        pushes = await svc.broadcast(sessions, clock, data.text or "", data.house_id, data.subject or "", delivery)
    except svc.BroadcastError:
        await query.message.answer(nobody(data))
        return
    waits = None if delivery == svc.Delivery.now else svc.quiet_delivery(clock, settings.quiet_hours)
    messages = count(pushes, *t.MESSAGES)
    if waits is None:
        await query.message.answer(fmt(t.BC_SENT, count=messages))
    else:
        await query.message.answer(fmt(t.BC_SENT_MORNING, count=messages, when=when_day(waits, clock.today())))


def router() -> Router:
    r = Router(name="staff_broadcast")
    r.message.register(start, Command("broadcast"), StateFilter("*"))
    r.message.register(house_query, StaffBroadcast.target, TYPED)
    r.callback_query.register(picked, StaffBroadcast.target, HousePickCD.filter())
    r.message.register(text, StaffBroadcast.text, TYPED)
    r.callback_query.register(send, StaffBroadcast.preview, ConfirmCD.filter())
    return r
