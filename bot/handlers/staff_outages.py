"""Staff chat: /outage — a new outage step by step, preview, «Опубликовать»; /outages — change, cancel, end.

Handlers parse, call ``bot.services.outages`` and render through ``bot.views.outages``; every value a clerk types
or the registry holds is escaped there.
"""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.staff_outage import (
    Confirm,
    ConfirmCD,
    HousePickCD,
    OutageAct,
    OutageActCD,
    OutageDraft,
    OutageKindCD,
    OutagesPageCD,
    ResourceCD,
    StaffBroadcast,
    StaffOutage,
    StaffOutageEdit,
)
from bot.handlers.dialog import TYPED, drop_dialog
from bot.handlers.messages import drop_buttons
from bot.keyboards import staff as kb
from bot.keyboards.paginator import paginate
from bot.services import houses
from bot.services import outages as svc
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import notify as t
from bot.texts.render import fmt
from bot.views import outages as view

PAGE_SIZE = 5  # outages per page of /outages (each has two rows of buttons)
DELIVERY = {Confirm.send: svc.Delivery.auto, Confirm.now: svc.Delivery.now, Confirm.morning: svc.Delivery.morning}


async def cancel(message: Message, state: FSMContext) -> None:
    _had, title = await drop_dialog(state)
    await message.answer(fmt(ct.CANCELLED, flow=title) if title else ct.CANCELLED_GENERIC)


# ---------------------------------------------------------------------------------------------------- /outage
async def start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(StaffOutage.house)
    await message.answer(t.ASK_HOUSE)


async def house_query(message: Message, sessions: async_sessionmaker[AsyncSession]) -> None:
    hits = (await houses.search_houses(sessions, message.text)).items
    if not hits:
        await message.answer(t.NO_HOUSE)
        return
    await message.answer(t.PICK_HOUSE, reply_markup=kb.houses(hits))


async def house_picked(query: CallbackQuery, callback_data: HousePickCD, state: FSMContext,
                       sessions: async_sessionmaker[AsyncSession]) -> None:
    house = await houses.get_house(sessions, callback_data.id)
    await query.answer()
    if house is None:
        await query.message.answer(t.NO_HOUSE)
        return
    data = await OutageDraft.load(state)
    data.house_id, data.address = callback_data.id, house.address
    await data.save(state)
    await state.set_state(StaffOutage.resource)
    await query.message.answer(fmt(t.ASK_RESOURCE, address=house.address), reply_markup=kb.resources())


async def resource_picked(query: CallbackQuery, callback_data: ResourceCD, state: FSMContext) -> None:
    data = await OutageDraft.load(state)
    data.resource = callback_data.resource.value
    await data.save(state)
    await state.set_state(StaffOutage.starts)
    await query.answer()
    await query.message.answer(t.ASK_STARTS)


async def starts(message: Message, state: FSMContext, clock: Clock) -> None:
    try:
        at = svc.parse_local(message.text, clock)
        svc.check_starts(at, clock)
    except svc.OutageError as exc:
        await message.answer(view.error_text(exc))
        return
    data = await OutageDraft.load(state)
    data.starts = at.isoformat()
    await data.save(state)
    await state.set_state(StaffOutage.ends)
    await message.answer(t.ASK_ENDS)


async def ends(message: Message, state: FSMContext, clock: Clock) -> None:
    data = await OutageDraft.load(state)
    try:
        at = svc.parse_local(message.text, clock)
        svc.check_period(dt.datetime.fromisoformat(data.starts), at, clock)
    except svc.OutageError as exc:
        await message.answer(view.error_text(exc))
        return
    data.ends = at.isoformat()
    await data.save(state)
    await state.set_state(StaffOutage.kind)
    await message.answer(t.ASK_KIND, reply_markup=kb.kinds())


async def kind_picked(query: CallbackQuery, callback_data: OutageKindCD, state: FSMContext) -> None:
    data = await OutageDraft.load(state)
    data.kind = callback_data.kind.value
    await data.save(state)
    await state.set_state(StaffOutage.reason)
    await query.answer()
    await query.message.answer(t.ASK_REASON)


def _draft(data: OutageDraft, clock: Clock):
    return svc.draft_notice(clock, address=data.address, resource=data.resource,
                            starts=dt.datetime.fromisoformat(data.starts), ends=dt.datetime.fromisoformat(data.ends),
                            kind=data.kind, reason=data.reason)


async def reason(message: Message, state: FSMContext, clock: Clock, sessions: async_sessionmaker[AsyncSession],
                 settings: Settings) -> None:
    data = await OutageDraft.load(state)
    text = message.text.strip()
    data.reason = None if text.lower() in t.NO_REASON_WORDS else text[:500]
    await data.save(state)
    await state.set_state(StaffOutage.preview)
    notice = _draft(data, clock)
    waits = svc.would_wait(notice.outage, clock, settings.quiet_hours)
    recipients = await svc.count_recipients(sessions, data.house_id)
    await message.answer(view.preview_text(notice, recipients, waits, clock.today()),
                         reply_markup=kb.confirm(t.BTN_PUBLISH, quiet=waits is not None))


async def publish(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, clock: Clock,
                  sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    data = await OutageDraft.load(state)
    await query.answer()
    await drop_buttons(query)
    if callback_data.action == Confirm.cancel:
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
        await query.message.answer(view.error_text(exc))
        return
    await state.clear()
    delivery = DELIVERY[callback_data.action]
    waits = None if delivery == svc.Delivery.now else svc.would_wait(info, clock, settings.quiet_hours)
    if delivery == svc.Delivery.morning:
        waits = svc.quiet_delivery(clock, settings.quiet_hours)
    count = await svc.publish_outages(sessions, [info.id], clock, settings.quiet_hours, delivery)
    await query.message.answer(view.published(count, waits, clock.today()))


# ---------------------------------------------------------------------------------------------------- /outages
async def list_(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                clock: Clock) -> None:
    await state.clear()
    items = await svc.list_outages(sessions, clock, limit=None)
    if not items:
        await message.answer(t.NO_OUTAGES)
        return
    page = paginate(items, 0, PAGE_SIZE)
    await message.answer(view.outages_list(page), reply_markup=kb.outage_actions(page, clock.now()))


async def list_page(query: CallbackQuery, callback_data: OutagesPageCD, sessions: async_sessionmaker[AsyncSession],
                    clock: Clock) -> None:
    items = await svc.list_outages(sessions, clock, limit=None)
    await query.answer()
    if not items:
        await query.message.edit_text(t.NO_OUTAGES)
        return
    page = paginate(items, callback_data.page, PAGE_SIZE)
    await query.message.edit_text(view.outages_list(page), reply_markup=kb.outage_actions(page, clock.now()))


async def edit(query: CallbackQuery, callback_data: OutageActCD, state: FSMContext, clock: Clock,
               sessions: async_sessionmaker[AsyncSession]) -> None:
    await state.clear()
    o = await svc.get_outage(sessions, callback_data.id, clock)
    if o is None or o.status != "active":
        await query.answer(t.OUTAGE_NOT_ACTIVE, show_alert=True)
        return
    await state.set_state(StaffOutageEdit.ends)
    data = OutageDraft(outage_id=o.id, revision=o.revision)
    await data.save(state)
    await query.answer()
    await query.message.answer(view.ask_new_ends(o))


async def new_ends(message: Message, state: FSMContext, clock: Clock, sessions: async_sessionmaker[AsyncSession],
                   settings: Settings) -> None:
    data = await OutageDraft.load(state)
    try:
        starts_at, ends_at = svc.parse_period(message.text, clock)
        if (days := await _long_change(sessions, clock, data, starts_at, ends_at)) is not None \
                and data.long_period != message.text.strip():
            data.long_period = message.text.strip()
            await data.save(state)
            await message.answer(view.long_edit(data.outage_id, days, ends_at))
            return
        await svc.change_outage(sessions, clock, data.outage_id, starts=starts_at, ends=ends_at,
                                revision=data.revision)
    except svc.OutageError as exc:
        if exc.reason in (svc.OutageReason.cancelled, svc.OutageReason.ended, svc.OutageReason.changed_meanwhile,
                          svc.OutageReason.not_found, svc.OutageReason.over_by_plan):
            await state.clear()  # nothing left to type here: the outage changed under the clerk
        await message.answer(view.error_text(await _now(exc, data.outage_id, sessions, clock)))
        return
    await state.clear()
    count = await svc.publish_outages(sessions, [data.outage_id], clock, settings.quiet_hours)
    await message.answer(view.updated(data.outage_id, "moved" if starts_at else "edit", count))


async def _long_change(sessions: async_sessionmaker[AsyncSession], clock: Clock, data: OutageDraft,
                       starts_at: dt.datetime | None, ends_at: dt.datetime) -> int | None:
    """The days a changed outage would last, when that is over two weeks (a typo in the year?); else None."""
    if starts_at is None:
        o = await svc.get_outage(sessions, data.outage_id, clock)
        if o is None:
            return None  # change_outage says what happened to it
        starts_at = o.starts.replace(tzinfo=None)
    return svc.long_days(starts_at, ends_at)


async def _now(exc: svc.OutageError, outage_id: int, sessions: async_sessionmaker[AsyncSession],
               clock: Clock) -> svc.OutageError:
    """A change that lost the race: the error with the outage as it is now, to say what happened meanwhile."""
    if exc.reason == svc.OutageReason.changed_meanwhile and exc.outage is None:
        return svc.OutageError(exc.reason, await svc.get_outage(sessions, outage_id, clock))
    return exc


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
        await query.answer(view.error_alert(exc), show_alert=True)
        return
    await query.answer()
    await query.message.answer(view.ask_sure(o, status), reply_markup=kb.outage_sure(o, status))


async def keep(query: CallbackQuery, callback_data: OutageActCD, clock: Clock,
               sessions: async_sessionmaker[AsyncSession]) -> None:
    o = await svc.get_outage(sessions, callback_data.id, clock)
    if o is None or o.status != "active":
        # «Да» was pressed already (here or under another question): saying «оставлено» would be untrue
        await query.answer(t.OUTAGE_NOT_ACTIVE, show_alert=True)
        await drop_buttons(query)
        return
    await query.answer()
    await query.message.edit_text(fmt(t.KEPT, id=callback_data.id))


async def cancel_or_end(query: CallbackQuery, callback_data: OutageActCD, clock: Clock,
                        sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    status = "cancelled" if callback_data.action == OutageAct.cancel_sure else "ended"
    try:
        await svc.change_outage(sessions, clock, callback_data.id, status=status, revision=callback_data.rev or None)
    except svc.OutageError as exc:
        exc = await _now(exc, callback_data.id, sessions, clock)
        await query.answer(view.error_alert(exc), show_alert=True)
        if exc.outage is not None:
            await drop_buttons(query)  # the question no longer applies
        return
    await query.answer()
    await drop_buttons(query)  # answered: neither «Да» nor «Нет» applies now
    count = await svc.publish_outages(sessions, [callback_data.id], clock, settings.quiet_hours)
    await query.message.answer(view.updated(callback_data.id, status, count))


def router() -> Router:
    r = Router(name="staff_outages")
    r.message.register(cancel, Command("cancel"), StateFilter(StaffOutage, StaffOutageEdit, StaffBroadcast))
    r.message.register(start, Command("outage"), StateFilter("*"))
    r.message.register(house_query, StaffOutage.house, TYPED)
    r.callback_query.register(house_picked, StaffOutage.house, HousePickCD.filter(F.id > 0))
    r.callback_query.register(resource_picked, StaffOutage.resource, ResourceCD.filter())
    r.message.register(starts, StaffOutage.starts, TYPED)
    r.message.register(ends, StaffOutage.ends, TYPED)
    r.callback_query.register(kind_picked, StaffOutage.kind, OutageKindCD.filter())
    r.message.register(reason, StaffOutage.reason, TYPED)
    r.callback_query.register(publish, StaffOutage.preview, ConfirmCD.filter())
    r.message.register(list_, Command("outages"), StateFilter("*"))
    r.callback_query.register(list_page, OutagesPageCD.filter())
    r.callback_query.register(edit, OutageActCD.filter(F.action == OutageAct.edit))
    r.message.register(new_ends, StaffOutageEdit.ends, TYPED)
    r.callback_query.register(ask_sure, OutageActCD.filter(F.action.in_({OutageAct.cancel, OutageAct.end})))
    r.callback_query.register(keep, OutageActCD.filter(F.action == OutageAct.keep))
    r.callback_query.register(cancel_or_end,
                              OutageActCD.filter(F.action.in_({OutageAct.cancel_sure, OutageAct.end_sure})))
    return r
