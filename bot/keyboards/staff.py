"""Buttons of the staff's outage and broadcast dialogs (button labels are plain text, not HTML)."""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.staff_outage import (
    Confirm,
    ConfirmCD,
    HousePickCD,
    OutageAct,
    OutageActCD,
    OutageKind,
    OutageKindCD,
    OutagesPageCD,
    Resource,
    ResourceCD,
)
from bot.keyboards.paginator import Page, nav_row
from bot.services.houses import HouseItem
from bot.services.outages import OutageInfo
from bot.texts import notify as t
from bot.texts.vocab import resource_name


def _b(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def houses(hits: list[HouseItem], with_all: bool = False) -> InlineKeyboardMarkup:
    rows = [[_b(h.address, HousePickCD(id=h.id).pack())] for h in hits]
    if with_all:
        rows.append([_b(t.BTN_ALL_HOUSES, HousePickCD(id=0).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def resources() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_b(resource_name(r.value), ResourceCD(resource=r).pack())]
                                                 for r in Resource])


def kinds() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _b(t.BTN_PLANNED, OutageKindCD(kind=OutageKind.planned).pack()),
        _b(t.BTN_EMERGENCY, OutageKindCD(kind=OutageKind.emergency).pack()),
    ]])


def confirm(ok_text: str, quiet: bool = False) -> InlineKeyboardMarkup:
    """«Опубликовать»/«Отправить» and «Отменить»; in quiet hours «Отправить сейчас», «Утром» and «Отменить»."""
    if quiet:
        first = [_b(t.BTN_NOW, ConfirmCD(action=Confirm.now).pack()),
                 _b(t.BTN_MORNING, ConfirmCD(action=Confirm.morning).pack())]
    else:
        first = [_b(ok_text, ConfirmCD(action=Confirm.send).pack())]
    return InlineKeyboardMarkup(inline_keyboard=[first, [_b(t.BTN_CANCEL, ConfirmCD(action=Confirm.cancel).pack())]])


def outage_sure(o: OutageInfo, status: str) -> InlineKeyboardMarkup:
    sure = OutageAct.cancel_sure if status == "cancelled" else OutageAct.end_sure
    return InlineKeyboardMarkup(inline_keyboard=[[
        _b(t.BTN_SURE[status].format(id=o.id), OutageActCD(id=o.id, action=sure, rev=o.revision).pack()),
        _b(t.BTN_KEEP, OutageActCD(id=o.id, action=OutageAct.keep, rev=o.revision).pack()),
    ]])


def outage_actions(page: Page[OutageInfo], now: dt.datetime) -> InlineKeyboardMarkup:
    """Change, cancel and — once it has begun (``now``, aware) — end each outage of the page."""
    rows = []
    for o in page.items:
        def cd(action: OutageAct, o: OutageInfo = o) -> str:
            return OutageActCD(id=o.id, action=action, rev=o.revision).pack()

        rows.append([_b(t.BTN_EDIT.format(id=o.id), cd(OutageAct.edit))])
        row = [_b(t.BTN_CANCEL_OUTAGE.format(id=o.id), cd(OutageAct.cancel))]
        if o.starts <= now:  # one that has not begun is cancelled, not ended
            row.append(_b(t.BTN_END.format(id=o.id), cd(OutageAct.end)))
        rows.append(row)
    nav = nav_row(page, lambda n: OutagesPageCD(page=n))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)
