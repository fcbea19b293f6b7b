"""Keyboards of «Оплатить ЖКУ»: data in, markup out."""

from __future__ import annotations

from decimal import Decimal

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.payments import PayAction, PayCD
from bot.services.payments import AccountOption, FoundPayee, Methods
from bot.texts import payments as t


def _btn(text: str, action: PayAction, id_: int = 0) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=PayCD(action=action, id=id_).pack())]


def accounts(options: list[AccountOption]) -> InlineKeyboardMarkup:
    rows = [_btn(t.account_button(o), PayAction.account, o.account_id) for o in options]
    rows.append(_btn(t.BTN_ANY_ACCOUNT, PayAction.any_account))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def no_accounts() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_btn(t.BTN_ANY_ACCOUNT, PayAction.any_account)])


def amount(account_id: int, due: Decimal | None, history: bool = True) -> InlineKeyboardMarkup:
    rows = []
    if due is not None and due > 0:
        rows.append(_btn(t.pay_all_button(due), PayAction.all))
    rows.append(_btn(t.BTN_OTHER_SUM, PayAction.other))
    if history:
        rows.append(_btn(t.BTN_HISTORY, PayAction.history, account_id))
    rows.append(_btn(t.BTN_CANCEL, PayAction.cancel))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def check() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_btn(t.BTN_PAY, PayAction.pay),
                                                 _btn(t.BTN_CHANGE_SUM, PayAction.change),
                                                 _btn(t.BTN_CANCEL, PayAction.cancel)])


def methods(m: Methods) -> InlineKeyboardMarkup:
    rows = []
    if m.card is None:
        rows.append(_btn(t.card_button(m), PayAction.card))
    if m.qr:
        rows.append(_btn(t.BTN_QR, PayAction.qr))
    rows.append(_btn(t.BTN_CHANGE_SUM, PayAction.change))
    rows.append(_btn(t.BTN_CANCEL, PayAction.cancel))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def payees(found: list[FoundPayee]) -> InlineKeyboardMarkup:
    rows = [_btn(t.payee_button(p), PayAction.payee, p.provider_id) for p in found]
    rows.append(_btn(t.BTN_CANCEL, PayAction.cancel))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def cancel_only() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_btn(t.BTN_CANCEL, PayAction.cancel)])
