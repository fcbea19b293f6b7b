"""«Оплатить ЖКУ»: states, the flow's data, callback data (ids only)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.fsm.base import FlowData
from bot.fsm.ids import Id


class PayFlow(StatesGroup):
    account = State()  # which account
    amount = State()  # the amount due shown; «Оплатить всё» or a typed sum
    confirm = State()  # «Проверьте»
    method = State()  # card in Telegram or the bank QR
    any_payee = State()  # by any account: the payee (name, ИНН or ОГРН)
    any_number = State()  # by any account: the account number


class PayData(FlowData):
    account_id: int | None = None
    amount: str | None = None  # Decimal as a string
    period: str | None = None  # YYYY-MM the payment is for
    by_number: bool = False  # an account the user has not linked: no payer, no debt shown
    provider_id: int | None = None
    payees: list[int] = []  # the organizations offered for the typed payee


class PayAction(StrEnum):
    account = "a"  # an account picked
    all = "f"  # «Оплатить всё»
    other = "o"  # «Другая сумма»
    pay = "p"  # «Оплатить» on «Проверьте»
    change = "c"  # «Изменить сумму»
    cancel = "x"
    card = "k"
    qr = "q"
    history = "h"
    any_account = "n"  # «Оплатить по любому лицевому счёту»
    payee = "e"  # a payee picked (by any account)


class PayCD(CallbackData, prefix="pay"):
    action: PayAction
    id: Id = 0
