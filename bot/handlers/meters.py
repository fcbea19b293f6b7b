"""«Приборы учёта»: the meters' cards, «История переданных показаний» (last 12) and a consumption chart (a photo).
Reached from the «Передать показания» screen; information only, the dialog state is left as it is."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.readings import MeterAction, MeterCD
from bot.handlers.messages import show
from bot.handlers.readings import last_text, page_of, window
from bot.keyboards import readings as kb
from bot.services import readings as svc
from bot.services.clock import Clock
from bot.texts import readings as t

Sessions = async_sessionmaker[AsyncSession]


def render_meters(ml: svc.MeterList, page: int = 0) -> tuple[str, InlineKeyboardMarkup | None]:
    if not ml.has_accounts:
        return t.NO_ACCOUNTS, None
    if not ml.meters:
        return t.NO_METERS, None
    shown, page, pages = page_of(ml.meters, page)
    lines = [t.METERS_HEAD]
    for m in shown:
        overdue = t.OVERDUE_MARK if m.overdue else ""
        lines.append(t.METERS_LINE.format(title=t.meter_title(m.resource, m.serial), account=m.account_number,
                                          last=last_text(m), verification=t.date(m.next_verification_on),
                                          overdue=overdue))
    if pages > 1:
        lines.append(t.PAGE.format(page=page + 1, pages=pages))
    buttons = [(m.id, t.meter_button(m.resource, m.serial)) for m in shown]
    return "\n".join(lines), kb.meters_menu(buttons, page, pages)


def render_card(m: svc.MeterInfo) -> str:
    zone_names = ""
    if m.zones > 1:
        zone_names = " (" + ", ".join(t.zone_name(m.zones, i) for i in range(m.zones)) + ")"
    return t.CARD.format(title=t.meter_title(m.resource, m.serial), account=m.account_number, provider=m.provider,
                         address=m.address, premises=m.premises, zones=m.zones, zone_names=zone_names,
                         digits=m.digits, installed=t.date(m.installed_on),
                         verification=t.date(m.next_verification_on),
                         overdue=t.OVERDUE_MARK if m.overdue else "", last=last_text(m))


def render_history(m: svc.MeterInfo, items: list[svc.HistoryItem]) -> str:
    lines = [t.HISTORY_HEAD.format(title=t.meter_title(m.resource, m.serial))]
    if not items:
        lines.append(t.HISTORY_EMPTY)
    u = t.unit(m.resource)
    for it in items:
        lines.append(t.HISTORY_ITEM.format(date=t.date(it.taken_on), values=t.values_line(it.values, m.zones),
                                           unit=u, period=t.period_name(it.period),
                                           mark=t.HISTORY_REPLACED if it.superseded else ""))
    reg = svc.registry_point_of(m)
    if reg is not None:
        lines.append(t.HISTORY_REGISTRY.format(date=t.date(reg.taken_on), values=t.values_line(reg.values, m.zones),
                                               unit=u))
    return "\n".join(lines)


def router() -> Router:
    r = Router(name="meters")

    @r.callback_query(MeterCD.filter(F.action == MeterAction.meters), StateFilter("*"))
    async def meters(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                     clock: Clock) -> None:
        ml = await svc.list_meters(sessions, query.from_user.id, clock.today(), window(settings))
        await query.answer()
        await show(query, *render_meters(ml, callback_data.page))

    @r.callback_query(MeterCD.filter(F.action == MeterAction.card), StateFilter("*"))
    async def card(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                   clock: Clock) -> None:
        m = await svc.get_meter(sessions, query.from_user.id, callback_data.meter_id, clock.today(), window(settings))
        if m is None:
            await query.answer(t.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await show(query, render_card(m), kb.card(m.id, can_submit=not m.overdue))

    @r.callback_query(MeterCD.filter(F.action == MeterAction.history), StateFilter("*"))
    async def history(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                      clock: Clock) -> None:
        found = await svc.history(sessions, query.from_user.id, callback_data.meter_id, clock.today(),
                                  window(settings))
        if found is None:
            await query.answer(t.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await show(query, render_history(*found), kb.history(callback_data.meter_id))

    @r.callback_query(MeterCD.filter(F.action == MeterAction.chart), StateFilter("*"))
    async def chart(query: CallbackQuery, callback_data: MeterCD, sessions: Sessions, settings: Settings,
                    clock: Clock) -> None:
        series = await svc.monthly_consumption(sessions, query.from_user.id, clock.today(), window(settings),
                                               meter_id=callback_data.meter_id or None)
        if series is None:
            await query.answer(t.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        if not series:
            await query.message.answer(t.CHART_EMPTY)
            return
        from bot.services.charts import Panel, monthly_bars

        panels = [Panel(s.resource, t.CHART_TITLE.format(resource=t.resource(s.resource), unit=t.unit(s.resource)),
                        [t.period_short(p) for p in s.periods], s.values) for s in series]
        png = await asyncio.to_thread(monthly_bars, panels)
        caption = t.CHART_CAPTION
        if callback_data.meter_id:
            info = await svc.get_meter(sessions, query.from_user.id, callback_data.meter_id, clock.today(),
                                       window(settings))
            if info is not None:
                caption = t.CHART_CAPTION_METER.format(title=t.meter_title(info.resource, info.serial))
        await query.message.answer_photo(BufferedInputFile(png, filename="consumption.png"), caption=caption)

    return r
