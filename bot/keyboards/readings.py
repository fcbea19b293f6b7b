"""Keyboards of «Передать показания» and «Приборы учёта»: data in, markup out."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.readings import (
    ConfirmAction,
    ConfirmCD,
    DateCD,
    DateChoice,
    MeterAction,
    MeterCD,
    SpikeCD,
    SpikeChoice,
)
from bot.keyboards.paginator import Page, nav_row
from bot.services.readings import MeterInfo
from bot.texts import readings as t


def _btn(text: str, cd) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=cd.pack())


def _label(m: MeterInfo) -> str:
    return t.meter_button(m.resource, m.serial)  # button text is plain text, not HTML


def meter_list(page: Page[MeterInfo], can_submit: bool) -> InlineKeyboardMarkup:
    """One button per meter of the page, paging, «Передать все по очереди», «Приборы учёта»."""
    rows = [[_btn(_label(m), MeterCD(action=MeterAction.submit, meter_id=m.id))] for m in page.items]
    if nav := nav_row(page, lambda n: MeterCD(action=MeterAction.readings, page=n)):
        rows.append(nav)
    if can_submit:
        rows.append([_btn(t.BTN_ALL, MeterCD(action=MeterAction.all))])
    rows.append([_btn(t.BTN_METERS, MeterCD(action=MeterAction.meters))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def value_step(in_queue: bool, token: str = "") -> InlineKeyboardMarkup:
    row = [_btn(t.CANCEL, ConfirmCD(action=ConfirmAction.cancel, token=token))]
    if in_queue:
        row.insert(0, _btn(t.BTN_SKIP, ConfirmCD(action=ConfirmAction.skip, token=token)))
    return InlineKeyboardMarkup(inline_keyboard=[row])


def date_step(in_queue: bool, token: str = "") -> InlineKeyboardMarkup:
    rows = [[_btn(t.BTN_TODAY, DateCD(choice=DateChoice.today, token=token)),
             _btn(t.BTN_YESTERDAY, DateCD(choice=DateChoice.yesterday, token=token))]]
    rows += value_step(in_queue, token).inline_keyboard
    return InlineKeyboardMarkup(inline_keyboard=rows)


def spike(token: str = "") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_RIGHT, SpikeCD(choice=SpikeChoice.ok, token=token)),
                                                  _btn(t.BTN_FIX, SpikeCD(choice=SpikeChoice.fix, token=token))]])


def confirm(token: str = "") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.SAVE, ConfirmCD(action=ConfirmAction.save, token=token)),
                                                  _btn(t.CANCEL, ConfirmCD(action=ConfirmAction.cancel, token=token))]])


def meters_menu(page: Page[MeterInfo]) -> InlineKeyboardMarkup:
    rows = [[_btn(_label(m), MeterCD(action=MeterAction.card, meter_id=m.id))] for m in page.items]
    if nav := nav_row(page, lambda n: MeterCD(action=MeterAction.meters, page=n)):
        rows.append(nav)
    if page.items:
        rows.append([_btn(t.BTN_CHART, MeterCD(action=MeterAction.chart))])
    rows.append([_btn(t.BACK, MeterCD(action=MeterAction.readings))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card(meter_id: int, can_submit: bool) -> InlineKeyboardMarkup:
    rows = [[_btn(t.BTN_HISTORY, MeterCD(action=MeterAction.history, meter_id=meter_id))],
            [_btn(t.BTN_CHART, MeterCD(action=MeterAction.chart, meter_id=meter_id))]]
    if can_submit:
        rows.append([_btn(t.BTN_SUBMIT_ONE, MeterCD(action=MeterAction.submit, meter_id=meter_id))])
    rows.append([_btn(t.BACK, MeterCD(action=MeterAction.meters))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def history(meter_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BACK, MeterCD(action=MeterAction.card, meter_id=meter_id))]])
