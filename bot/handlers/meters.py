"""«Приборы учёта»: the meters' cards, «История переданных показаний» (last 12) and a consumption chart (a photo;
a two- or three-tariff meter's bars show its zones). Reached from the «Передать показания» screen; information
only, the dialog state is left as it is."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.readings import MeterAction, MeterCD
from bot.handlers.messages import show
from bot.handlers.readings import env, window
from bot.keyboards import readings as kb
from bot.keyboards.paginator import paginate
from bot.services import readings as svc
from bot.services.charts import monthly_bars
from bot.services.clock import Clock
from bot.texts import readings as t
from bot.texts import readings_views as v

Sessions = async_sessionmaker[AsyncSession]


def meters_screen(ml: svc.MeterList, page: int = 0):
    pg = paginate(ml.meters, page, t.PAGE_SIZE)
    text = v.meters_screen(ml, list(pg.items), pg.page, pg.pages)
    if not ml.meters:
        return text, None
    return text, kb.meters_menu(pg)


async def meters(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                 clock: Clock) -> None:
    ml = await env(query, sessions, settings, clock).meters()
    await query.answer()
    await show(query, *meters_screen(ml, callback_data.page))


async def card(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
               clock: Clock) -> None:
    m = await env(query, sessions, settings, clock).meter(callback_data.meter_id)
    if m is None:
        await query.answer(t.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, v.card(m), kb.card(m.id, can_submit=not m.overdue))


async def history(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                  clock: Clock) -> None:
    found = await svc.history(sessions, query.from_user.id, callback_data.meter_id, clock.today(), window(settings))
    if found is None:
        await query.answer(t.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, v.history(*found), kb.history(callback_data.meter_id))


async def chart(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                clock: Clock) -> None:
    e = env(query, sessions, settings, clock)
    info = None
    if callback_data.meter_id:
        info = await e.meter(callback_data.meter_id)
        if info is None:
            await query.answer(t.NOT_YOURS, show_alert=True)
            return
    series = await svc.monthly_consumption(sessions, e.user_id, clock.today(), window(settings),
                                           meter_id=callback_data.meter_id or None)
    if series is None:
        await query.answer(t.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    if not series:
        await query.message.answer(t.CHART_EMPTY)
        return
    png = await asyncio.to_thread(monthly_bars, v.chart_panels(series))
    await query.message.answer_photo(BufferedInputFile(png, filename="consumption.png"),
                                     caption=v.chart_caption(info))


def router() -> Router:
    r = Router(name="meters")
    r.callback_query.register(meters, MeterCD.filter(F.action == MeterAction.meters), StateFilter("*"))
    r.callback_query.register(card, MeterCD.filter(F.action == MeterAction.card), StateFilter("*"))
    r.callback_query.register(history, MeterCD.filter(F.action == MeterAction.history), StateFilter("*"))
    r.callback_query.register(chart, MeterCD.filter(F.action == MeterAction.chart), StateFilter("*"))
    return r
