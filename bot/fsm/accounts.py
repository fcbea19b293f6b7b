"""«Подключить лицевой счёт» and «Лицевые счета»: states, the flow's data, callback data (ids only)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from enum import StrEnum
from weakref import WeakValueDictionary

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Page


class LinkAccount(StatesGroup):
    address = State()  # шаг 1: адрес дома
    number = State()  # шаг 2: номер лицевого счёта
    proof = State()  # шаг 3: подтверждение (телефон / сумма / запрос в УК)
    bill_total = State()  # шаг 3б: сумма последней квитанции
    applicant = State()  # шаг 3в: запрос в УК — как зовут жителя
    relation = State()  # шаг 3в: запрос в УК — кем житель приходится плательщику
    confirm = State()  # шаг 4: «Проверьте данные»
    phone_pick = State()  # контакт, отправленный вне подключения: какой из счетов с этим телефоном подключить


class LinkData(FlowData):
    """The flow's data in the FSM storage: ``await LinkData.load(state)`` … ``await data.save(state)``."""

    query: str = ""
    house_id: int | None = None
    account_id: int | None = None
    choices: list[int] = []  # accounts of different providers under the typed number: the resident picks one
    proof: str | None = None  # phone | bill_total, once proven
    applicant: str | None = None  # the name typed for a request to the УК's staff


class NumberTries(BaseModel):
    """Wrong account numbers a user typed on one local day (any house, any run of the flow).

    Kept in the FSM storage under its own destiny, apart from the dialog: /cancel, a new «Подключить» and a restart
    of the bot clear or lose the dialog, not this — otherwise restarting the flow would reset the count and let
    anyone learn which account numbers exist in a house. Stored per user (its private chat), one record that a new
    day overwrites."""

    day: dt.date | None = None
    wrong: int = 0
    house_id: int | None = None  # the house of the last wrong number: whose УК the lockout sends the resident to


TRIES_DESTINY = "link_number_tries"


def _tries(state: FSMContext) -> FSMContext:
    key = replace(state.key, chat_id=state.key.user_id, thread_id=None, business_connection_id=None,
                  destiny=TRIES_DESTINY)
    return FSMContext(storage=state.storage, key=key)


# wrong account numbers a user may type a day, in «Подключить лицевой счёт» and «Оплатить по любому лицевому счёту»
# together: each look-up tells whether a number exists
MAX_WRONG_NUMBERS = 5
# the day's count is read, checked and written under this lock, so a burst of messages from one user cannot all
# pass the check before any of them is counted (a lock lives only while someone holds it)
_number_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()


def number_lock(user_id: int) -> asyncio.Lock:
    """The user's lock around a look-up of an account number and its count."""
    lock = _number_locks.get(user_id)
    if lock is None:
        lock = _number_locks[user_id] = asyncio.Lock()
    return lock


def tries_again_on(today: dt.date) -> str:
    """The next local day, when a day's limit (wrong account numbers, link requests) starts again — as every lockout
    message names it."""
    return (today + dt.timedelta(days=1)).strftime("%d.%m.%Y")


async def wrong_numbers(state: FSMContext, today: dt.date) -> int:
    """How many wrong account numbers the user has typed today."""
    tries = NumberTries.model_validate(await _tries(state).get_data())
    return tries.wrong if tries.day == today else 0


async def add_wrong_number(state: FSMContext, today: dt.date, house_id: int | None = None) -> int:
    """Count one more wrong account number today; returns today's count."""
    ctx = _tries(state)
    tries = NumberTries.model_validate(await ctx.get_data())
    wrong = (tries.wrong if tries.day == today else 0) + 1
    await ctx.set_data(NumberTries(day=today, wrong=wrong, house_id=house_id).model_dump(mode="json"))
    return wrong


async def lockout_house(state: FSMContext) -> int | None:
    """The house of the day's last wrong number (its УК is named in the lockout)."""
    return NumberTries.model_validate(await _tries(state).get_data()).house_id


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
    reject = "r"  # asks the staff member for the reason first
    keep = "k"  # «Не отклонять»: the reason is not coming, the card is open again


class Relation(StrEnum):
    owner = "o"
    tenant = "t"
    family = "f"


class RelationCD(CallbackData, prefix="lkr"):
    """Who the resident is to the payer (a request to the УК's staff)."""

    relation: Relation


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
