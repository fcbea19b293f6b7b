"""Staff chat: /outage — a new outage step by step, preview, «Опубликовать»; /outages — change, cancel, end."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.staff_outage import (
    ConfirmCD,
    HousePickCD,
    OutageAct,
    OutageActCD,
    OutageKindCD,
    ResourceCD,
    StaffBroadcast,
    StaffOutage,
    StaffOutageEdit,
    load,
    save,
)
from bot.handlers.dialog import drop_dialog
from bot.handlers.messages import drop_buttons
from bot.keyboards import staff as kb
from bot.services import houses
from bot.services import outages as svc
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import notify as t

TEXT = F.text & ~F.text.startswith("/")


def router() -> Router:
    r = Router(name="staff_outages")

    @r.message(Command("cancel"), StateFilter(StaffOutage, StaffOutageEdit, StaffBroadcast))
    async def cancel(message: Message, state: FSMContext) -> None:
        _had, title = await drop_dialog(state)
        await message.answer(ct.CANCELLED.format(flow=title) if title else ct.CANCELLED_GENERIC)

    # ------------------------------------------------------------------------------------ /outage
    @r.message(Command("outage"), StateFilter("*"))
    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        await state.set_state(StaffOutage.house)
        await message.answer(t.ASK_HOUSE)

    @r.message(StaffOutage.house, TEXT)
    async def house_query(message: Message, sessions: async_sessionmaker[AsyncSession]) -> None:
        hits = (await houses.search_houses(sessions, message.text)).items
        if not hits:
            await message.answer(t.NO_HOUSE)
            return
        await message.answer(t.PICK_HOUSE, reply_markup=kb.houses(hits))

    @r.callback_query(StaffOutage.house, HousePickCD.filter(F.id > 0))
    async def house_picked(query: CallbackQuery, callback_data: HousePickCD, state: FSMContext,
                           sessions: async_sessionmaker[AsyncSession]) -> None:
        house = await houses.get_house(sessions, callback_data.id)
        address = house.address if house else None
        await query.answer()
        if address is None:
            await query.message.answer(t.NO_HOUSE)
            return
        data = await load(state)
        data.house_id, data.address = callback_data.id, address
        await save(state, data)
        await state.set_state(StaffOutage.resource)
        await query.message.answer(t.ASK_RESOURCE.format(address=address), reply_markup=kb.resources())

    @r.callback_query(StaffOutage.resource, ResourceCD.filter())
    async def resource_picked(query: CallbackQuery, callback_data: ResourceCD, state: FSMContext) -> None:
        data = await load(state)
        data.resource = callback_data.resource.value
        await save(state, data)
        await state.set_state(StaffOutage.starts)
        await query.answer()
        await query.message.answer(t.ASK_STARTS)

    @r.message(StaffOutage.starts, TEXT)
    async def starts(message: Message, state: FSMContext, clock: Clock) -> None:
        try:
            at = svc.parse_local(message.text, clock)
            svc.check_starts(at, clock)
        except svc.OutageError as exc:
            await message.answer(str(exc))
            return
        data = await load(state)
        data.starts = at.isoformat()
        await save(state, data)
        await state.set_state(StaffOutage.ends)
        await message.answer(t.ASK_ENDS)

    @r.message(StaffOutage.ends, TEXT)
    async def ends(message: Message, state: FSMContext, clock: Clock) -> None:
        data = await load(state)
        try:
            at = svc.parse_local(message.text, clock)
            svc.check_period(dt.datetime.fromisoformat(data.starts), at, clock)
        except svc.OutageError as exc:
            await message.answer(str(exc))
            return
        data.ends = at.isoformat()
        await save(state, data)
        await state.set_state(StaffOutage.kind)
        await message.answer(t.ASK_KIND, reply_markup=kb.kinds())

    @r.callback_query(StaffOutage.kind, OutageKindCD.filter())
    async def kind_picked(query: CallbackQuery, callback_data: OutageKindCD, state: FSMContext) -> None:
        data = await load(state)
        data.kind = callback_data.kind.value
        await save(state, data)
        await state.set_state(StaffOutage.reason)
        await query.answer()
        await query.message.answer(t.ASK_REASON)

    @r.message(StaffOutage.reason, TEXT)
    async def reason(message: Message, state: FSMContext, clock: Clock,
                     sessions: async_sessionmaker[AsyncSession]) -> None:
        data = await load(state)
        text = message.text.strip()
        data.reason = None if text.lower() in t.NO_REASON_WORDS else text[:500]
        await save(state, data)
        await state.set_state(StaffOutage.preview)
        preview = svc.draft_text(clock, address=data.address, resource=data.resource,
                                 starts=dt.datetime.fromisoformat(data.starts),
                                 ends=dt.datetime.fromisoformat(data.ends), kind=data.kind, reason=data.reason)
        count = await svc.count_recipients(sessions, data.house_id)
        await message.answer(t.PREVIEW.format(count=count, text=preview), reply_markup=kb.confirm(t.BTN_PUBLISH))

    @r.callback_query(StaffOutage.preview, ConfirmCD.filter())
    async def publish(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, clock: Clock,
                      sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        data = await load(state)
        await query.answer()
        await drop_buttons(query)
        if not callback_data.ok:
            await state.clear()
            await query.message.answer(t.STAFF_CANCELLED)
            return
        try:
            info = await svc.create_outage(
                sessions, clock, house_id=data.house_id, resource=data.resource,
                starts=dt.datetime.fromisoformat(data.starts), ends=dt.datetime.fromisoformat(data.ends),
                kind=data.kind, reason=data.reason)
        except svc.OutageError as exc:
            await state.clear()
            await query.message.answer(str(exc))
            return
        await state.clear()
        count = await svc.publish_outages(sessions, [info.id], clock, settings.quiet_hours)
        await query.message.answer(t.PUBLISHED.format(count=count))

    # ------------------------------------------------------------------------------------ /outages
    @r.message(Command("outages"), StateFilter("*"))
    async def list_(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                    clock: Clock) -> None:
        await state.clear()
        items = await svc.list_outages(sessions, clock)
        if not items:
            await message.answer(t.NO_OUTAGES)
            return
        lines = [t.OUTAGES_HEAD] + [
            t.OUTAGE_LINE.format(id=o.id, address=o.address, resource=t.RESOURCE_NAMES[o.resource],
                                 kind=t.OUTAGE_KINDS[o.kind], starts=t.when(o.starts), ends=t.when(o.ends),
                                 source=t.FROM_REGISTRY if o.source == "registry" else "")
            for o in items
        ]
        await message.answer("\n\n".join(lines), reply_markup=kb.outage_actions(items))

    @r.callback_query(OutageActCD.filter(F.action == OutageAct.edit))
    async def edit(query: CallbackQuery, callback_data: OutageActCD, state: FSMContext, clock: Clock,
                   sessions: async_sessionmaker[AsyncSession]) -> None:
        await state.clear()
        o = await svc.get_outage(sessions, callback_data.id, clock)
        if o is None or o.status != "active":
            await query.answer(t.OUTAGE_NOT_ACTIVE, show_alert=True)
            return
        await state.set_state(StaffOutageEdit.ends)
        data = await load(state)
        data.outage_id = callback_data.id
        await save(state, data)
        await query.answer()
        await query.message.answer(t.ASK_NEW_ENDS.format(id=o.id, starts=t.when(o.starts), ends=t.when(o.ends)))

    @r.message(StaffOutageEdit.ends, TEXT)
    async def new_ends(message: Message, state: FSMContext, clock: Clock,
                       sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        data = await load(state)
        try:
            starts, ends = svc.parse_period(message.text, clock)
            await svc.change_outage(sessions, clock, data.outage_id, starts=starts, ends=ends)
        except svc.OutageError as exc:
            await message.answer(str(exc))
            return
        await state.clear()
        count = await svc.publish_outages(sessions, [data.outage_id], clock, settings.quiet_hours)
        what = t.WHAT_CHANGED["moved" if starts else "edit"]
        await message.answer(t.OUTAGE_UPDATED.format(id=data.outage_id, what=what, count=count))

    @r.callback_query(OutageActCD.filter(F.action.in_({OutageAct.cancel, OutageAct.end})))
    async def ask_sure(query: CallbackQuery, callback_data: OutageActCD, clock: Clock,
                       sessions: async_sessionmaker[AsyncSession]) -> None:
        status = "cancelled" if callback_data.action == OutageAct.cancel else "ended"
        o = await svc.get_outage(sessions, callback_data.id, clock)
        if o is None or o.status != "active":
            await query.answer(t.OUTAGE_NOT_ACTIVE, show_alert=True)
            return
        try:
            svc.check_change(o, status, clock)
        except svc.OutageError as exc:
            await query.answer(str(exc), show_alert=True)
            return
        await query.answer()
        await query.message.answer(
            t.ASK_SURE[status].format(id=o.id, resource=t.RESOURCE_NAMES[o.resource], address=o.address,
                                      starts=t.when(o.starts), ends=t.when(o.ends)),
            reply_markup=kb.outage_sure(o.id, status))

    @r.callback_query(OutageActCD.filter(F.action == OutageAct.keep))
    async def keep(query: CallbackQuery, callback_data: OutageActCD, clock: Clock,
                   sessions: async_sessionmaker[AsyncSession]) -> None:
        o = await svc.get_outage(sessions, callback_data.id, clock)
        if o is None or o.status != "active":
            # «Да» was pressed already (here or under another question): saying «оставлено» would be untrue
            await query.answer(t.OUTAGE_NOT_ACTIVE, show_alert=True)
            await drop_buttons(query)
            return
        await query.answer()
        await query.message.edit_text(t.KEPT.format(id=callback_data.id))

    @r.callback_query(OutageActCD.filter(F.action.in_({OutageAct.cancel_sure, OutageAct.end_sure})))
    async def cancel_or_end(query: CallbackQuery, callback_data: OutageActCD, clock: Clock,
                            sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        status = "cancelled" if callback_data.action == OutageAct.cancel_sure else "ended"
        try:
            await svc.change_outage(sessions, clock, callback_data.id, status=status)
        except svc.OutageError as exc:
            await query.answer(str(exc), show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)  # answered: neither «Да» nor «Нет» applies now
        count = await svc.publish_outages(sessions, [callback_data.id], clock, settings.quiet_hours)
        await query.message.answer(t.OUTAGE_UPDATED.format(id=callback_data.id, what=t.WHAT_CHANGED[status],
                                                           count=count))

    return r
