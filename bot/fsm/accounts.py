"""«Подключить лицевой счёт» and «Лицевые счета»: states, the flow's data, callback data (ids only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

from bot.fsm.ids import Id, Page


class LinkAccount(StatesGroup):
    address = State()  # шаг 1: адрес дома
    number = State()  # шаг 2: номер лицевого счёта
    proof = State()  # шаг 3: подтверждение (телефон / сумма / запрос в УК)
    bill_total = State()  # шаг 3б: сумма последней квитанции
    confirm = State()  # шаг 4: «Проверьте данные»


class LinkData(BaseModel):
    """The flow's data in the FSM storage: read and written only through ``load``/``save``."""

    query: str = ""
    house_id: int | None = None
    account_id: int | None = None
    choices: list[int] = []  # accounts of different providers under the typed number: the resident picks one
    proof: str | None = None  # phone | bill_total, once proven


async def load(state: FSMContext) -> LinkData:
    return LinkData.model_validate(await state.get_data())


async def save(state: FSMContext, data: LinkData) -> None:
    await state.set_data(data.model_dump())


class NumberTries(BaseModel):
    """Wrong account numbers a user typed on one local day (any house, any run of the flow).

    Kept in the FSM storage under its own destiny, apart from the dialog: /cancel, a new «Подключить» and a restart
    of the bot clear or lose the dialog, not this — otherwise restarting the flow would reset the count and let
    anyone learn which account numbers exist in a house. Stored per user (its private chat), one record that a new
    day overwrites."""

    day: dt.date | None = None
    wrong: int = 0


TRIES_DESTINY = "link_number_tries"


def _tries(state: FSMContext) -> FSMContext:
    key = replace(state.key, chat_id=state.key.user_id, thread_id=None, business_connection_id=None,
                  destiny=TRIES_DESTINY)
    return FSMContext(storage=state.storage, key=key)


async def wrong_numbers(state: FSMContext, today: dt.date) -> int:
    """How many wrong account numbers the user has typed today."""
    tries = NumberTries.model_validate(await _tries(state).get_data())
    return tries.wrong if tries.day == today else 0


async def add_wrong_number(state: FSMContext, today: dt.date) -> int:
    """Count one more wrong account number today; returns today's count."""
    ctx = _tries(state)
    tries = NumberTries.model_validate(await ctx.get_data())
    wrong = (tries.wrong if tries.day == today else 0) + 1
    await ctx.set_data(NumberTries(day=today, wrong=wrong).model_dump(mode="json"))
    return wrong


class LinkStartCD(CallbackData, prefix="lks"):
    """«Подключить лицевой счёт» (from the list and from /start)."""


class ProviderCD(CallbackData, prefix="lka"):
    """Which organization's account, when one number is used by several providers in the house."""

    account_id: Id


class HouseAction(StrEnum):
    pick = "p"
    page = "g"
    missing = "m"


class HouseCD(CallbackData, prefix="lkh"):
    action: HouseAction
    house_id: Id = 0
    page: Page = 0


class Proof(StrEnum):
    bill = "b"
    staff = "s"


class ProofCD(CallbackData, prefix="lkp"):
    method: Proof


class Confirm(StrEnum):
    link = "y"
    cancel = "n"


class ConfirmCD(CallbackData, prefix="lkc"):
    action: Confirm


class AccountAction(StrEnum):
    open = "o"
    unlink = "u"
    unlink_yes = "y"
    back = "b"


class AccountCD(CallbackData, prefix="acc"):
    action: AccountAction
    account_id: Id = 0


class Decision(StrEnum):
    approve = "a"
    reject = "r"


class StaffLinkCD(CallbackData, prefix="slr"):
    decision: Decision
    request_id: Id


class HousePage(StrEnum):
    """«Мой дом» pages (the section has no dialog state)."""

    card = "c"
    premises = "p"
    manager = "m"
    contract = "d"
    council = "s"
    outages = "o"
    choose = "h"


class HouseInfoCD(CallbackData, prefix="hin"):
    page: HousePage
    house_id: Id = 0
