from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.staff_outage import (
    ConfirmCD,
    HousePickCD,
    OutageAct,
    OutageActCD,
    OutageKind,
    OutageKindCD,
    Resource,
    ResourceCD,
)
from bot.services.houses import HouseItem
from bot.services.outages import OutageInfo
from bot.texts import notify as t


def _b(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def houses(hits: list[HouseItem], with_all: bool = False) -> InlineKeyboardMarkup:
    rows = [[_b(h.address, HousePickCD(id=h.id).pack())] for h in hits]
    if with_all:
        rows.append([_b(t.BTN_ALL_HOUSES, HousePickCD(id=0).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def resources() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_b(t.RESOURCE_NAMES[r.value], ResourceCD(resource=r).pack())]
                                                 for r in Resource])


def kinds() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _b(t.BTN_PLANNED, OutageKindCD(kind=OutageKind.planned).pack()),
        _b(t.BTN_EMERGENCY, OutageKindCD(kind=OutageKind.emergency).pack()),
    ]])


def confirm(ok_text: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_b(ok_text, ConfirmCD(ok=True).pack()),
                                                  _b(t.BTN_CANCEL, ConfirmCD(ok=False).pack())]])


def outage_sure(outage_id: int, status: str) -> InlineKeyboardMarkup:
    sure = OutageAct.cancel_sure if status == "cancelled" else OutageAct.end_sure
    return InlineKeyboardMarkup(inline_keyboard=[[
        _b(t.BTN_SURE[status].format(id=outage_id), OutageActCD(id=outage_id, action=sure).pack()),
        _b(t.BTN_KEEP, OutageActCD(id=outage_id, action=OutageAct.keep).pack()),
    ]])


def outage_actions(items: list[OutageInfo]) -> InlineKeyboardMarkup:
    rows = []
    for o in items:
        rows.append([_b(t.BTN_EDIT.format(id=o.id), OutageActCD(id=o.id, action=OutageAct.edit).pack())])
        rows.append([_b(t.BTN_CANCEL_OUTAGE.format(id=o.id), OutageActCD(id=o.id, action=OutageAct.cancel).pack()),
                     _b(t.BTN_END.format(id=o.id), OutageActCD(id=o.id, action=OutageAct.end).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)
