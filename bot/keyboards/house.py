"""Keyboards of «Мой дом»."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.accounts import HouseInfoCD, HousePage
from bot.services.houses import HouseItem
from bot.texts import house as t

PAGES = [(HousePage.card, t.BTN_CARD), (HousePage.premises, t.BTN_PREMISES), (HousePage.manager, t.BTN_MANAGER),
         (HousePage.contract, t.BTN_CONTRACT), (HousePage.council, t.BTN_COUNCIL),
         (HousePage.outages, t.BTN_OUTAGES)]


def _btn(text: str, page: HousePage, house_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=HouseInfoCD(page=page, house_id=house_id).pack())


def choose(houses: list[HouseItem]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(h.address, HousePage.card, h.id)] for h in houses])


def pages(house_id: int, current: HousePage, several: bool) -> InlineKeyboardMarkup:
    others = [_btn(label, page, house_id) for page, label in PAGES if page != current]
    rows = [others[i:i + 2] for i in range(0, len(others), 2)]
    if several:
        rows.append([_btn(t.BTN_CHOOSE, HousePage.choose)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
