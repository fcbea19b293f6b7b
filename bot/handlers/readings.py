"""«Передать показания»: the list of the resident's meters, then per meter: value (per tariff zone) → date taken →
(«Всё верно?» when the consumption is far above the usual or above any plausible month) → «Проверьте показания»
→ «Сохранить» / «Отменить».

Handlers parse, call ``bot.services.readings`` and render through ``bot.texts.readings_views``. The meter is
re-read (and its ownership re-checked) on every update: nothing lives in memory between updates, the dialog's data
is ``ReadingData`` in the FSM storage. A reminder push carries ``MeterCD(submit, meter_id)`` or
``MeterCD(readings)``: they work from any state, like the list's own buttons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.filters import cancel_words
from bot.fsm.readings import (
    ConfirmAction,
    ConfirmCD,
    DateCD,
    DateChoice,
    MeterAction,
    MeterCD,
    ReadingData,
    SpikeCD,
    SpikeChoice,
    SubmitReading,
)
from bot.handlers.dialog import TYPED, leave_dialog
from bot.handlers.messages import drop_buttons, show
from bot.keyboards import my_appeals as appeal_kb
from bot.keyboards import readings as kb
from bot.keyboards.accounts import link_offer
from bot.keyboards.common import main_menu
from bot.keyboards.paginator import paginate
from bot.services import readings as svc
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import readings as t
from bot.texts import readings_views as v

Sessions = async_sessionmaker[AsyncSession]
DATE_STEP = (svc.Refusal.future, svc.Refusal.before_last, svc.Refusal.before_installed)


def window(settings: Settings) -> svc.Window:
    return svc.Window(settings.reading_window_from, settings.reading_window_to)


def ceilings(settings: Settings) -> svc.Ceilings:
    return svc.Ceilings(settings.reading_ceilings)


@dataclass(frozen=True)
class Env:
    """Who asks and with what: the user, the session factory, the settings and the clock of this update."""

    user_id: int
    sessions: Sessions
    settings: Settings
    clock: Clock

    async def meter(self, meter_id: int | None) -> svc.MeterInfo | None:
        """The meter if it is the user's (re-checked on every update; a forged id gives None)."""
        return await svc.get_meter(self.sessions, self.user_id, meter_id or 0, self.clock.today(),
                                   window(self.settings))

    async def meters(self) -> svc.MeterList:
        return await svc.list_meters(self.sessions, self.user_id, self.clock.today(), window(self.settings))


def env(event: Message | CallbackQuery, sessions: Sessions, settings: Settings, clock: Clock) -> Env:
    return Env(event.from_user.id, sessions, settings, clock)


def list_screen(ml: svc.MeterList, page: int = 0):
    pg = paginate(ml.meters, page, t.PAGE_SIZE)
    text = v.meter_list(ml, list(pg.items), pg.page, pg.pages)
    if not ml.has_accounts:
        return text, link_offer()  # as every section without an account offers it
    if not ml.meters:
        return text, None
    can_all = len(ml.meters) > 1 and any(not m.overdue for m in ml.meters)
    return text, kb.meter_list(pg, can_submit=can_all)


async def stale(query: CallbackQuery, token: str, data: ReadingData) -> bool:
    """A button of another dialog or of an earlier attempt (its summary showed other values or another meter):
    it does nothing but say so."""
    if token == data.token:
        return False
    await query.answer(ct.STALE_BUTTON, show_alert=True)
    return True


async def leave(event: Message | CallbackQuery, state: FSMContext, announce_own: bool = True) -> None:
    """Leave whatever dialog is open before a new one starts here, and say so. An unfinished reading is dropped
    quietly when ``announce_own`` is off (another meter was chosen in the list); once «по очереди» saved some
    meters the notice names them instead of «ничего не сохранено»."""
    current = await state.get_state()
    ours = current is not None and current.startswith(f"{SubmitReading.__name__}:")
    data = await ReadingData.load(state) if ours else None
    if data is None or (announce_own and not data.saved):
        await leave_dialog(event, state, menu=False)
        return
    await state.clear()
    if data.saved:
        message = event.message if isinstance(event, CallbackQuery) else event
        await message.answer(v.cancelled(data.saved))


# --------------------------------------------------------------------------------------------- the list


async def open_readings(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                        clock: Clock) -> None:
    await leave(message, state)
    ml = await env(message, sessions, settings, clock).meters()
    text, markup = list_screen(ml)
    await message.answer(text, reply_markup=markup)


async def back_to_list(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                       clock: Clock) -> None:
    """The list's «Назад/Далее», «Назад» from «Приборы учёта», or a reminder's «Передать показания»."""
    ml = await env(query, sessions, settings, clock).meters()
    await query.answer()
    await show(query, *list_screen(ml, callback_data.page))


async def pick_meter(query: CallbackQuery, callback_data: MeterCD, state: FSMContext, sessions: Sessions,
                     settings: Settings, clock: Clock) -> None:
    """A meter's button — in the list, on its card, or on a reminder push (from any state): re-check that it is
    the user's (a forged or foreign id gets an alert and nothing changes), then ask for its value."""
    e = env(query, sessions, settings, clock)
    info = await e.meter(callback_data.meter_id)
    if info is None:
        await query.answer(t.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    if info.overdue:
        await query.message.answer(v.overdue(info), reply_markup=appeal_kb.overdue_meter(info.house_id))
        return
    await leave(query, state, announce_own=False)
    await start_meter(query.message, state, ReadingData(meter_id=info.id), e, info)


async def pick_all(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings,
                   clock: Clock) -> None:
    e = env(query, sessions, settings, clock)
    ml = await e.meters()
    await query.answer()
    if not ml.meters:
        await query.message.answer(list_screen(ml)[0])
        return
    await leave(query, state, announce_own=False)
    await start_meter(query.message, state, ReadingData(queue=[m.id for m in ml.meters], in_round=True), e)


async def start_meter(message: Message, state: FSMContext, data: ReadingData, e: Env,
                      known: svc.MeterInfo | None = None) -> None:
    """Ask for the value of ``data.meter_id``, or of the next meter in the queue when it is None; a meter past
    its verification is refused (and skipped in «по очереди»). ``known``: that meter as this update read it
    already (it is not read twice)."""
    while True:
        if data.meter_id is None:
            if not data.queue:
                await state.clear()
                if data.in_round:
                    await message.answer(v.round_done(len(data.saved)))
                return
            data.meter_id = data.queue.pop(0)
        info = known if known is not None and known.id == data.meter_id else await e.meter(data.meter_id)
        known = None
        if info is None:  # unlinked meanwhile
            data.meter_id = None
            continue
        if info.overdue:
            await message.answer(v.overdue(info, skipped=data.in_round),
                                 reply_markup=appeal_kb.overdue_meter(info.house_id))
            data.meter_id = None
            if not data.in_round:
                await state.clear()
                return
            continue
        break
    data.new_attempt()
    await state.set_state(SubmitReading.value)
    await data.save(state)
    await message.answer(v.ask_value(info, 0), reply_markup=kb.value_step(data.in_round, data.token))


async def next_in_queue(message: Message, state: FSMContext, data: ReadingData, e: Env) -> None:
    data.meter_id = None
    data.values, data.taken_on = [], None
    await start_meter(message, state, data, e)


# --------------------------------------------------------------------------------------------- value, date


async def got_value(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                    clock: Clock) -> None:
    """One zone's value typed; a bad one is explained and the step waits for it again."""
    e = env(message, sessions, settings, clock)
    data = await ReadingData.load(state)
    info = await e.meter(data.meter_id)
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
    except svc.BadValue as exc:
        await message.answer(v.bad_value(exc.problem, info, zone))
        return
    except svc.ReadingRefused as exc:
        await message.answer(v.still_waiting(v.refusal(exc, info, clock.today(), value)))
        return
    data.values.append(str(value))
    await data.save(state)
    if len(data.values) < info.zones:
        await message.answer(v.ask_value(info, len(data.values)),
                             reply_markup=kb.value_step(data.in_round, data.token))
        return
    await state.set_state(SubmitReading.date)
    await message.answer(v.ask_date(data.decimals(), info), reply_markup=kb.date_step(data.in_round, data.token))


async def date_button(query: CallbackQuery, callback_data: DateCD, state: FSMContext, sessions: Sessions,
                      settings: Settings, clock: Clock) -> None:
    data = await ReadingData.load(state)
    if await stale(query, callback_data.token, data):
        return
    await query.answer()
    await drop_buttons(query)
    today = clock.today()
    taken_on = today if callback_data.choice is DateChoice.today else today - dt.timedelta(days=1)
    await take_date(query.message, taken_on, state, data, env(query, sessions, settings, clock))


async def date_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                     clock: Clock) -> None:
    data = await ReadingData.load(state)
    taken_on = svc.parse_taken_on(message.text, clock.today())
    if taken_on is None:
        await message.answer(v.bad_date(clock.today()), reply_markup=kb.date_step(data.in_round, data.token))
        return
    await take_date(message, taken_on, state, data, env(message, sessions, settings, clock))


async def take_date(message: Message, taken_on: dt.date, state: FSMContext, data: ReadingData, e: Env) -> None:
    a = await reassess(message, data, taken_on, state, e)
    if a is None:
        return
    if a.ask:
        await state.set_state(SubmitReading.spike)
        await message.answer(v.check(a), reply_markup=kb.spike(data.token))
        return
    await state.set_state(SubmitReading.confirm)
    await message.answer(v.confirm(a), reply_markup=kb.confirm(data.token))


async def reassess(message: Message, data: ReadingData, taken_on: dt.date, state: FSMContext,
                   e: Env) -> svc.Assessment | None:
    """Every check on the dialog's values taken on ``taken_on``. A refusal is answered (None); otherwise the
    date and the reading this one would replace are kept in the dialog."""
    try:
        a = await svc.evaluate(e.sessions, e.user_id, data.meter_id or 0, data.decimals(), taken_on,
                               e.clock.today(), window(e.settings), ceilings(e.settings))
    except svc.ReadingRefused as exc:
        await refused(message, exc, data, state, e)
        return None
    data.taken_on = taken_on.isoformat()
    data.replaces = a.replaces.reading_id if a.replaces is not None else None
    await data.save(state)
    return a


async def refused(message: Message, exc: svc.ReadingRefused, data: ReadingData, state: FSMContext, e: Env) -> None:
    """A refusal found at the date step or on saving. Date problems keep the date step; a value problem (the
    base moved meanwhile) goes back to the value; an overdue or lost meter ends this meter."""
    today = e.clock.today()
    info = await e.meter(data.meter_id)
    entered = data.decimals()[exc.zone] if exc.zone < len(data.values) else None
    text = v.refusal(exc, info, today, entered)
    if exc.reason in DATE_STEP:
        await state.set_state(SubmitReading.date)
        await message.answer(text, reply_markup=kb.date_step(data.in_round, data.token))
    elif exc.reason is svc.Refusal.lower and info is not None:
        kept = data.values[: exc.zone]
        data.new_attempt()
        data.values = kept
        await state.set_state(SubmitReading.value)
        await data.save(state)
        await message.answer(v.join_blocks(text, v.ask_value(info, exc.zone)),
                             reply_markup=kb.value_step(data.in_round, data.token))
    else:
        overdue = exc.reason is svc.Refusal.overdue and info is not None
        await message.answer(text, reply_markup=appeal_kb.overdue_meter(info.house_id) if overdue else None)
        await next_in_queue(message, state, data, e)


# --------------------------------------------------------------------------------------------- «Всё верно?»


async def spike_answer(query: CallbackQuery, callback_data: SpikeCD, state: FSMContext, sessions: Sessions,
                       settings: Settings, clock: Clock) -> None:
    data = await ReadingData.load(state)
    if await stale(query, callback_data.token, data):
        return
    await query.answer()
    await drop_buttons(query)
    e = env(query, sessions, settings, clock)
    if callback_data.choice is SpikeChoice.fix:
        info = await e.meter(data.meter_id)
        if info is None:
            await state.clear()
            await query.message.answer(t.NOT_YOURS)
            return
        data.new_attempt()
        await state.set_state(SubmitReading.value)
        await data.save(state)
        await query.message.answer(v.ask_value(info, 0), reply_markup=kb.value_step(data.in_round, data.token))
        return
    a = await reassess(query.message, data, data.date(), state, e)
    if a is None:
        return
    await state.set_state(SubmitReading.confirm)
    await query.message.answer(v.confirm(a), reply_markup=kb.confirm(data.token))


# --------------------------------------------------------------------------------------------- save, cancel, skip


async def save(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, sessions: Sessions,
               settings: Settings, clock: Clock) -> None:
    data = await ReadingData.load(state)
    e = env(query, sessions, settings, clock)
    if data.meter_id is None or data.date() is None or callback_data.token != data.token:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    try:
        saved = await svc.save_reading(sessions, e.user_id, data.meter_id, data.decimals(), data.date(),
                                       clock.today(), clock.utcnow(), window(settings), replaces=data.replaces)
    except svc.ReadingRefused as exc:
        if exc.reason is svc.Refusal.changed:
            await changed(query, exc, data, state, e)
            return
        await query.answer()
        await drop_buttons(query)
        await refused(query.message, exc, data, state, e)
        return
    await query.answer()
    await drop_buttons(query)
    data.saved.append(v.title(saved.assessment.meter))
    await data.save(state)
    await query.message.answer(v.saved(saved))
    await next_in_queue(query.message, state, data, e)


async def changed(query: CallbackQuery, exc: svc.ReadingRefused, data: ReadingData, state: FSMContext,
                  e: Env) -> None:
    """This period's reading changed after the summary was shown. The same values and date: a second tap on
    «Сохранить» (the first one saved them and goes on) — say so and leave the dialog alone. Otherwise someone
    else sent one meanwhile: show the summary again against it."""
    if exc.last is not None and exc.last.values == data.decimals() and exc.last.taken_on == data.date():
        await query.answer(t.ALREADY_SAVED)
        return
    await query.answer()
    await drop_buttons(query)
    a = await reassess(query.message, data, data.date(), state, e)
    if a is None:
        return
    await query.message.answer(v.confirm(a, changed=True), reply_markup=kb.confirm(data.token))


async def cancel(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext) -> None:
    data = await ReadingData.load(state)
    if await stale(query, callback_data.token, data):
        return
    await query.answer()
    await drop_buttons(query)
    await state.clear()
    await query.message.answer(v.cancelled(data.saved))


async def skip(query: CallbackQuery, callback_data: ConfirmCD, state: FSMContext, sessions: Sessions,
               settings: Settings, clock: Clock, raw_state: str | None) -> None:
    data = await ReadingData.load(state)
    if await stale(query, callback_data.token, data):
        return
    if raw_state not in (SubmitReading.value.state, SubmitReading.date.state):
        # «Пропустить прибор» under an earlier prompt of this meter, pressed at its summary: the values checked
        # there are not thrown away by an old button — the summary's own «Сохранить» / «Отменить» decide
        await query.answer(t.SKIP_AT_SUMMARY, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await next_in_queue(query.message, state, data, env(query, sessions, settings, clock))


async def saved_some(message: Message, state: FSMContext) -> bool:
    """Filter: «по очереди» has saved at least one meter in this dialog."""
    return bool((await ReadingData.load(state)).saved)


async def cancel_after_saved(message: Message, state: FSMContext) -> None:
    """/cancel (or a typed «Отменить») after «по очереди» saved some meters: they stay saved — say which."""
    data = await ReadingData.load(state)
    await state.clear()
    await message.answer(v.cancelled(data.saved), reply_markup=main_menu())


# --------------------------------------------------------------------------------------------- routers


def cancel_router() -> Router:
    """/cancel inside «Передать все по очереди» once some meters are saved. Included before the common router,
    whose /cancel says «ничего не сохранено»."""
    r = Router(name="readings_cancel")
    r.message.register(cancel_after_saved, StateFilter(SubmitReading), Command("cancel"), saved_some)
    r.message.register(cancel_after_saved, StateFilter(SubmitReading), cancel_words, saved_some)
    return r


def router() -> Router:
    r = Router(name="readings")
    r.message.register(open_readings, F.text == t.TITLE, StateFilter("*"))
    r.callback_query.register(back_to_list, MeterCD.filter(F.action == MeterAction.readings), StateFilter("*"))
    r.callback_query.register(pick_meter, MeterCD.filter(F.action == MeterAction.submit), StateFilter("*"))
    r.callback_query.register(pick_all, MeterCD.filter(F.action == MeterAction.all), StateFilter("*"))
    r.message.register(got_value, SubmitReading.value, TYPED)
    r.callback_query.register(date_button, SubmitReading.date, DateCD.filter())
    r.message.register(date_typed, SubmitReading.date, TYPED)
    r.callback_query.register(spike_answer, SubmitReading.spike, SpikeCD.filter())
    r.callback_query.register(save, SubmitReading.confirm, ConfirmCD.filter(F.action == ConfirmAction.save))
    r.callback_query.register(cancel, StateFilter(SubmitReading), ConfirmCD.filter(F.action == ConfirmAction.cancel))
    r.callback_query.register(skip, StateFilter(SubmitReading), ConfirmCD.filter(F.action == ConfirmAction.skip))
    return r
