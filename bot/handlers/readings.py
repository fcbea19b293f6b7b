"""«Передать показания»: the list of the resident's meters, then per meter: value (per tariff zone) → date taken →
(«Проверьте: расход … больше обычного») → «Проверьте показания» → «Сохранить» / «Отменить».

Handlers parse, call ``bot.services.readings`` and render. The meter is re-read (and its ownership re-checked) on
every update: nothing lives in memory between updates, the dialog's data is ``ReadingData`` in the FSM storage.
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from decimal import Decimal

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm import readings as fsm
from bot.fsm.readings import (
    ConfirmAction,
    ConfirmCD,
    DateCD,
    DateChoice,
    MeterAction,
    MeterCD,
    SpikeCD,
    SpikeChoice,
    SubmitReading,
)
from bot.handlers.dialog import drop_dialog
from bot.handlers.messages import drop_buttons
from bot.keyboards import readings as kb
from bot.services import readings as svc
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import readings as t

Sessions = async_sessionmaker[AsyncSession]
MENU_TEXTS = frozenset(label for row in ct.MAIN_MENU for label in row)
# free text typed in the dialog: not a command, not a main-menu button (those leave the dialog elsewhere)
TYPED = F.text & ~F.text.startswith("/") & ~F.text.in_(MENU_TEXTS)


def window(settings: Settings) -> svc.Window:
    return svc.Window(settings.reading_window_from, settings.reading_window_to)


# --------------------------------------------------------------------------------------------- rendering


def last_text(info: svc.MeterInfo) -> str:
    if info.last is None:
        return t.LAST_NONE
    return t.LAST_VALUE.format(value=t.values_line(info.last.values, info.zones), unit=t.unit(info.resource),
                               date=t.date(info.last.taken_on))


def window_text(period: svc.PeriodInfo) -> str:
    tmpl = t.WINDOW_IN if period.in_window else t.WINDOW_OUT
    return tmpl.format(start=period.window.from_day, end=period.window.to_day, period=t.period_name(period.period))


def example(info: svc.MeterInfo, zone: int = 0) -> str:
    """An example value for ``zone``: the last value of that zone (not of the first one) when known."""
    if info.base is not None and zone < len(info.base.values):
        return t.example_value(info.base.values[zone])
    return t.example_value(None)


def page_of(items: list, page: int) -> tuple[list, int, int]:
    """The items of page ``page`` (clamped), the page and the number of pages."""
    pages = max(1, -(-len(items) // t.PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return items[page * t.PAGE_SIZE:(page + 1) * t.PAGE_SIZE], page, pages


def render_list(ml: svc.MeterList, page: int = 0) -> tuple[str, InlineKeyboardMarkup | None]:
    if not ml.has_accounts:
        return t.NO_ACCOUNTS, None
    if not ml.meters:
        return t.NO_METERS, None
    shown, page, pages = page_of(ml.meters, page)
    windows = {m.period.window for m in ml.meters}
    lines = [t.LIST_HEAD]
    account = None
    for m in shown:
        if m.account_id != account:
            account = m.account_id
            lines.append(t.LIST_ACCOUNT.format(number=m.account_number, provider=m.provider, address=m.address,
                                               premises=m.premises))
            if len(windows) > 1:  # providers take readings on different days: say it per account
                lines.append(t.LIST_ACCOUNT_WINDOW.format(start=m.period.window.from_day, end=m.period.window.to_day))
        overdue = t.OVERDUE_MARK if m.overdue else ""
        title = t.meter_title(m.resource, m.serial)
        if m.last is None:
            lines.append(t.LIST_METER_NO_LAST.format(title=title, verification=t.date(m.next_verification_on),
                                                     overdue=overdue))
        else:
            lines.append(t.LIST_METER.format(title=title, last=t.values_line(m.last.values, m.zones),
                                             unit="\u00a0" + t.unit(m.resource), date=t.date(m.last.taken_on),
                                             verification=t.date(m.next_verification_on), overdue=overdue))
    if len(windows) == 1:
        w = next(iter(windows))
        lines.append(t.LIST_WINDOW.format(start=w.from_day, end=w.to_day))
    if pages > 1:
        lines.append(t.PAGE.format(page=page + 1, pages=pages))
    lines.append(t.LIST_FOOT)
    buttons = [(m.id, t.meter_button(m.resource, m.serial)) for m in shown]
    can_all = len(ml.meters) > 1 and any(not m.overdue for m in ml.meters)
    return "\n".join(lines), kb.meter_list(buttons, can_submit=can_all, page=page, pages=pages)


def overdue_text(info: svc.MeterInfo) -> str:
    return t.OVERDUE.format(title=t.meter_title(info.resource, info.serial), date=t.date(info.next_verification_on))


def ask_value_text(info: svc.MeterInfo, zone: int) -> str:
    replaces = ""
    if info.current is not None:
        replaces = t.REPLACES.format(period=t.period_name(info.period.period),
                                     value=t.values_line(info.current.values, info.zones),
                                     date=t.date(info.current.taken_on))
    zone_part = ""
    if info.zones > 1:
        zone_part = t.ASK_VALUE_ZONE.format(zone=t.zone_name(info.zones, zone), n=zone + 1)
    last = last_text(info) if info.base is None else t.LAST_VALUE.format(
        value=t.values_line(info.base.values, info.zones), unit=t.unit(info.resource), date=t.date(info.base.taken_on))
    return t.ASK_VALUE.format(title=t.meter_title(info.resource, info.serial), last=last,
                              window=window_text(info.period) if zone == 0 else "",
                              replaces=replaces if zone == 0 else "",
                              zone=zone_part, digits=info.digits, example=example(info, zone))


def refusal_text(e: svc.ReadingRefused, info: svc.MeterInfo | None, today: dt.date,
                 entered: Decimal | None = None) -> str:
    if e.reason is svc.Refusal.overdue and info is not None:
        return overdue_text(info)
    if e.reason is svc.Refusal.lower and e.last is not None and info is not None:
        zone = t.LOWER_ZONE.format(zone=t.zone_name(info.zones, e.zone)) if info.zones > 1 else ""
        return t.LOWER.format(zone=zone, value=t.num(entered), last=t.num(e.last.values[e.zone]),
                              date=t.date(e.last.taken_on))
    if e.reason is svc.Refusal.future:
        return t.FUTURE.format(today=t.date(today))
    if e.reason is svc.Refusal.before_last:
        return t.BEFORE_LAST.format(date=t.date(e.date))
    if e.reason is svc.Refusal.before_installed:
        return t.BEFORE_INSTALLED.format(date=t.date(e.date))
    if e.reason is svc.Refusal.zones:
        return t.ZONES_LOST
    return t.NOT_YOURS


def confirm_text(a: svc.Assessment) -> str:
    info = a.meter
    u = t.unit(info.resource)
    consumption = ""
    if a.total is not None and a.base is not None and a.consumption is not None:
        zones = ""
        if info.zones > 1:
            zones = t.CONSUMPTION_ZONES.format(parts=t.values_line(a.consumption, info.zones))
        consumption = t.CONSUMPTION.format(date=t.date(a.base.taken_on), total=t.num(a.total), unit=u, zones=zones)
    replaces = ""
    if a.replaces is not None:
        replaces = t.REPLACES_SHORT.format(value=t.values_line(a.replaces.values, info.zones),
                                           date=t.date(a.replaces.taken_on))
    period = t.period_name(info.period.period)
    if not info.period.in_window:
        period += t.OUT_OF_WINDOW.format(from_day=info.period.window.from_day, to_day=info.period.window.to_day)
    return t.CONFIRM.format(title=t.meter_title(info.resource, info.serial), account=info.account_number,
                            address=info.address, premises=info.premises, values=t.values_line(a.values, info.zones),
                            unit=u, date=t.date(a.taken_on), consumption=consumption, period=period, replaces=replaces)


def spike_text(a: svc.Assessment) -> str:
    u = t.unit(a.meter.resource)
    return t.SPIKE.format(times=t.times(a.ratio), base_date=t.date(a.base.taken_on), total=t.num(a.total), unit=u,
                          average=t.num(a.average_monthly))


def saved_text(s: svc.Saved) -> str:
    a, info = s.assessment, s.assessment.meter
    u = t.unit(info.resource)
    text = t.SAVED.format(title=t.meter_title(info.resource, info.serial), values=t.values_line(a.values, info.zones),
                          unit=u, date=t.date(a.taken_on))
    if a.total is not None and a.base is not None:
        text += t.SAVED_CONSUMPTION.format(date=t.date(a.base.taken_on), total=t.num(a.total), unit=u)
    else:
        text += t.SAVED_FIRST
    p = s.period
    if p.in_window:
        text += t.SAVED_PERIOD_IN.format(period=t.period_name(p.period))
    else:
        text += t.SAVED_PERIOD_OUT.format(start=p.window.from_day, end=p.window.to_day,
                                          period=t.period_name(p.period))
    if a.replaces is not None:
        text += t.SAVED_REPLACED.format(value=t.values_line(a.replaces.values, info.zones))
    return text


async def stale(query: CallbackQuery, token: str, data: fsm.ReadingData) -> bool:
    """A button of another dialog or of an earlier attempt (its summary showed other values or another meter):
    it does nothing but say so."""
    if token == data.token:
        return False
    await query.answer(ct.STALE_BUTTON, show_alert=True)
    return True


# --------------------------------------------------------------------------------------------- router


def router() -> Router:
    r = Router(name="readings")

    async def show_list(message: Message, user_id: int, sessions: Sessions, settings: Settings, clock: Clock,
                        edit: bool = False, page: int = 0) -> None:
        ml = await svc.list_meters(sessions, user_id, clock.today(), window(settings))
        text, markup = render_list(ml, page)
        if edit:
            with suppress(TelegramBadRequest):
                await message.edit_text(text, reply_markup=markup)
                return
        await message.answer(text, reply_markup=markup)

    async def start_meter(message: Message, state: FSMContext, data: fsm.ReadingData, user_id: int,
                          sessions: Sessions, settings: Settings, clock: Clock) -> None:
        """Ask for the value of ``data.meter_id``, or of the next meter in the queue when it is None; a meter
        past its verification is refused (and skipped in «по очереди»)."""
        today = clock.today()
        while True:
            if data.meter_id is None:
                if not data.queue:
                    await state.clear()
                    if data.in_round:
                        await message.answer(t.ROUND_DONE.format(n=data.saved))
                    return
                data.meter_id = data.queue.pop(0)
            info = await svc.get_meter(sessions, user_id, data.meter_id, today, window(settings))
            if info is None:  # unlinked meanwhile
                data.meter_id = None
                continue
            if info.overdue:
                await message.answer(overdue_text(info) + (t.OVERDUE_SKIPPED if data.in_round else ""))
                data.meter_id = None
                if not data.in_round:
                    await state.clear()
                    return
                continue
            break
        data.new_attempt()
        await state.set_state(SubmitReading.value)
        await fsm.save(state, data)
        await message.answer(ask_value_text(info, 0), reply_markup=kb.value_step(data.in_round, data.token))

    async def next_in_queue(message: Message, state: FSMContext, data: fsm.ReadingData, user_id: int,
                            sessions: Sessions, settings: Settings, clock: Clock) -> None:
        data.meter_id = None
        data.values, data.taken_on = [], None
        await start_meter(message, state, data, user_id, sessions, settings, clock)

    @r.message(F.text == t.TITLE, StateFilter("*"))
    async def open_readings(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                            clock: Clock) -> None:
        had, title = await drop_dialog(state)
        if had:
            await message.answer(ct.CANCELLED.format(flow=title) if title else ct.CANCELLED_GENERIC)
        await show_list(message, message.from_user.id, sessions, settings, clock)

    @r.callback_query(MeterCD.filter(F.action == MeterAction.readings), StateFilter("*"))
    async def back_to_list(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                           clock: Clock) -> None:
        await query.answer()
        await show_list(query.message, query.from_user.id, sessions, settings, clock, edit=True,
                        page=callback_data.page)

    @r.callback_query(MeterCD.filter(F.action == MeterAction.submit), StateFilter("*"))
    async def pick_meter(query: CallbackQuery, callback_data: MeterCD, state: FSMContext, sessions: Sessions,
                         settings: Settings, clock: Clock) -> None:
        info = await svc.get_meter(sessions, query.from_user.id, callback_data.meter_id, clock.today(),
                                   window(settings))
        if info is None:
            await query.answer(t.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        if info.overdue:
            await query.message.answer(overdue_text(info))
            return
        await state.clear()
        await start_meter(query.message, state, fsm.ReadingData(meter_id=info.id), query.from_user.id, sessions,
                          settings, clock)

    @r.callback_query(MeterCD.filter(F.action == MeterAction.all), StateFilter("*"))
    async def pick_all(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings,
                       clock: Clock) -> None:
        ml = await svc.list_meters(sessions, query.from_user.id, clock.today(), window(settings))
        await query.answer()
        if not ml.meters:
            await query.message.answer(render_list(ml)[0])
            return
        await state.clear()
        data = fsm.ReadingData(queue=[m.id for m in ml.meters], in_round=True)
        await start_meter(query.message, state, data, query.from_user.id, sessions, settings, clock)

    # ---- value, one zone at a time
    @r.message(SubmitReading.value, TYPED)
    async def got_value(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                        clock: Clock) -> None:
        data = await fsm.load(state)
        today = clock.today()
        info = await svc.get_meter(sessions, message.from_user.id, data.meter_id or 0, today, window(settings))
        if info is None:
            await state.clear()
            await message.answer(t.NOT_YOURS)
            return
        zone = len(data.values)
        if zone >= info.zones:  # the meter changed under the dialog: start the meter again
            data.values = []
            zone = 0
        try:
            value = svc.parse_value(message.text, info.digits)
            svc.check_zone_value(info, zone, value)
        except svc.BadValue as e:
            text = t.BAD_VALUE[e.problem.value].format(digits=info.digits, example=example(info, zone))
            await message.answer(text + t.STILL_WAITING)
            return
        except svc.ReadingRefused as e:
            await message.answer(refusal_text(e, info, today, value) + t.STILL_WAITING)
            return
        data.values.append(str(value))
        await fsm.save(state, data)
        if len(data.values) < info.zones:
            await message.answer(ask_value_text(info, len(data.values)),
                                 reply_markup=kb.value_step(data.in_round, data.token))
            return
        await state.set_state(SubmitReading.date)
        await message.answer(t.ASK_DATE.format(values=t.values_line(data.decimals(), info.zones),
                                               unit=t.unit(info.resource)),
                             reply_markup=kb.date_step(data.in_round, data.token))

    # ---- date taken
    async def take_date(message: Message, user_id: int, taken_on: dt.date, state: FSMContext,
                        sessions: Sessions, settings: Settings, clock: Clock) -> None:
        data = await fsm.load(state)
        a = await reassess(message, data, taken_on, state, user_id, sessions, settings, clock)
        if a is None:
            return
        if a.spike:
            await state.set_state(SubmitReading.spike)
            await message.answer(spike_text(a), reply_markup=kb.spike(data.token))
            return
        await state.set_state(SubmitReading.confirm)
        await message.answer(confirm_text(a), reply_markup=kb.confirm(data.token))

    async def reassess(message: Message, data: fsm.ReadingData, taken_on: dt.date, state: FSMContext, user_id: int,
                       sessions: Sessions, settings: Settings, clock: Clock) -> svc.Assessment | None:
        """Every check on the dialog's values taken on ``taken_on``. A refusal is answered (None); otherwise the
        date and the reading this one would replace are kept in the dialog."""
        try:
            a = await svc.evaluate(sessions, user_id, data.meter_id or 0, data.decimals(), taken_on, clock.today(),
                                   window(settings))
        except svc.ReadingRefused as e:
            await refused(message, e, data, state, user_id, sessions, settings, clock)
            return None
        data.taken_on = taken_on.isoformat()
        data.replaces = a.replaces.reading_id if a.replaces is not None else None
        await fsm.save(state, data)
        return a

    async def refused(message: Message, e: svc.ReadingRefused, data: fsm.ReadingData, state: FSMContext,
                      user_id: int, sessions: Sessions, settings: Settings, clock: Clock) -> None:
        """A refusal found at the date step or on saving. Date problems keep the date step; a value problem (the
        base moved meanwhile) goes back to the value; an overdue or lost meter ends this meter."""
        today = clock.today()
        info = await svc.get_meter(sessions, user_id, data.meter_id or 0, today, window(settings))
        entered = data.decimals()[e.zone] if e.zone < len(data.values) else None
        text = refusal_text(e, info, today, entered)
        if e.reason in (svc.Refusal.future, svc.Refusal.before_last, svc.Refusal.before_installed):
            await state.set_state(SubmitReading.date)
            await message.answer(text, reply_markup=kb.date_step(data.in_round, data.token))
        elif e.reason is svc.Refusal.lower and info is not None:
            kept = data.values[: e.zone]
            data.new_attempt()
            data.values = kept
            await state.set_state(SubmitReading.value)
            await fsm.save(state, data)
            await message.answer(text + "\n\n" + ask_value_text(info, e.zone),
                                 reply_markup=kb.value_step(data.in_round, data.token))
        else:
            await message.answer(text)
            await next_in_queue(message, state, data, user_id, sessions, settings, clock)

    @r.callback_query(SubmitReading.date, DateCD.filter())
    async def date_button(query: CallbackQuery, callback_data: DateCD, state: FSMContext, sessions: Sessions,
                          settings: Settings, clock: Clock) -> None:
        if await stale(query, callback_data.token, await fsm.load(state)):
            return
        await query.answer()
        await drop_buttons(query)
        today = clock.today()
        taken_on = today if callback_data.choice is DateChoice.today else today - dt.timedelta(days=1)
        await take_date(query.message, query.from_user.id, taken_on, state, sessions, settings, clock)

    @r.message(SubmitReading.date, TYPED)
    async def date_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                         clock: Clock) -> None:
        taken_on = svc.parse_taken_on(message.text, clock.today())
        if taken_on is None:
            example_date = t.date(clock.today() - dt.timedelta(days=1))
            data = await fsm.load(state)
            await message.answer(t.BAD_DATE.format(example=example_date),
                                 reply_markup=kb.date_step(data.in_round, data.token))
            return
        await take_date(message, message.from_user.id, taken_on, state, sessions, settings, clock)

    # ---- «Проверьте: расход в N раз больше обычного»
    @r.callback_query(SubmitReading.spike, SpikeCD.filter())
    async def spike_answer(query: CallbackQuery, callback_data: SpikeCD, state: FSMContext, sessions: Sessions,
                           settings: Settings, clock: Clock) -> None:
        data = await fsm.load(state)
        if await stale(query, callback_data.token, data):
            return
        await query.answer()
        await drop_buttons(query)
        user_id = query.from_user.id
        if callback_data.choice is SpikeChoice.fix:
            info = await svc.get_meter(sessions, user_id, data.meter_id or 0, clock.today(), window(settings))
            if info is None:
                await state.clear()
                await query.message.answer(t.NOT_YOURS)
                return
            data.new_attempt()
            await state.set_state(SubmitReading.value)
            await fsm.save(state, data)
            await query.message.answer(ask_value_text(info, 0), reply_markup=kb.value_step(data.in_round, data.token))
            return
        a = await reassess(query.message, data, data.date(), state, user_id, sessions, settings, clock)
        if a is None:
            return
        await state.set_state(SubmitReading.confirm)
        await query.message.answer(confirm_text(a), reply_markup=kb.confirm(data.token))

    # ---- «Сохранить» / «Отменить» / «Пропустить прибор»
    @r.callback_query(SubmitReading.confirm, ConfirmCD.filter(F.action == ConfirmAction.save))
    async def save(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, sessions: Sessions,
                   settings: Settings, clock: Clock) -> None:
        data = await fsm.load(state)
        user_id = query.from_user.id
        if data.meter_id is None or data.date() is None or callback_data.token != data.token:
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        try:
            saved = await svc.save_reading(sessions, user_id, data.meter_id, data.decimals(), data.date(),
                                           clock.today(), clock.utcnow(), window(settings), replaces=data.replaces)
        except svc.ReadingRefused as e:
            if e.reason is svc.Refusal.changed:
                await changed(query, e, data, state, user_id, sessions, settings, clock)
                return
            await query.answer()
            await drop_buttons(query)
            await refused(query.message, e, data, state, user_id, sessions, settings, clock)
            return
        await query.answer()
        await drop_buttons(query)
        data.saved += 1
        await fsm.save(state, data)
        await query.message.answer(saved_text(saved))
        await next_in_queue(query.message, state, data, user_id, sessions, settings, clock)

    async def changed(query: CallbackQuery, e: svc.ReadingRefused, data: fsm.ReadingData, state: FSMContext,
                      user_id: int, sessions: Sessions, settings: Settings, clock: Clock) -> None:
        """This period's reading changed after the summary was shown. The same values and date: a second tap on
        «Сохранить» (the first one saved them and goes on) — say so and leave the dialog alone. Otherwise
        someone else sent one meanwhile: show the summary again against it."""
        if e.last is not None and e.last.values == data.decimals() and e.last.taken_on == data.date():
            await query.answer(t.ALREADY_SAVED)
            return
        await query.answer()
        await drop_buttons(query)
        a = await reassess(query.message, data, data.date(), state, user_id, sessions, settings, clock)
        if a is None:
            return
        note = ""
        if a.replaces is not None:
            note = t.CHANGED.format(period=t.period_name(a.meter.period.period),
                                    value=t.values_line(a.replaces.values, a.meter.zones),
                                    date=t.date(a.replaces.taken_on))
        await query.message.answer(note + confirm_text(a), reply_markup=kb.confirm(data.token))

    @r.callback_query(StateFilter(SubmitReading), ConfirmCD.filter(F.action == ConfirmAction.cancel))
    async def cancel(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext) -> None:
        if await stale(query, callback_data.token, await fsm.load(state)):
            return
        await query.answer()
        await drop_buttons(query)
        await state.clear()
        await query.message.answer(t.CANCELLED, reply_markup=None)

    @r.callback_query(StateFilter(SubmitReading), ConfirmCD.filter(F.action == ConfirmAction.skip))
    async def skip(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, sessions: Sessions,
                   settings: Settings, clock: Clock) -> None:
        data = await fsm.load(state)
        if await stale(query, callback_data.token, data):
            return
        await query.answer()
        await drop_buttons(query)
        await next_in_queue(query.message, state, data, query.from_user.id, sessions, settings, clock)

    return r
