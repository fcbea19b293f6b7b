"""«Передать показания» and «Приборы учёта»: states, the flow's data, callback data (ids only)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from pydantic import field_validator

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Page, Token


class SubmitReading(StatesGroup):
    value = State()  # шаг 1: показание (по одной зоне за раз)
    date = State()  # шаг 2: дата снятия
    spike = State()  # расход намного больше обычного: «Всё верно» / «Исправить»
    confirm = State()  # шаг 3: «Проверьте показания» → «Сохранить» / «Отменить»


class ReadingData(FlowData):
    """The flow's data in the FSM storage: ``await ReadingData.load(state)`` / ``await data.save(state)``.

    Values are kept as strings of Decimals (JSON has no Decimal); the date as ISO text.
    """

    meter_id: int | None = None
    queue: list[int] = []  # meters still to go in «Передать все по очереди»
    values: list[str] = []  # one per zone entered so far
    taken_on: str | None = None
    in_round: bool = False  # «Передать все по очереди»
    saved: list[str] = []  # the meters («Холодная вода № ХВ-001») saved in this round, for /cancel to name
    replaces: int | None = None  # the reading of this period the summary said the new one replaces
    token: str = ""  # this attempt's mark on its buttons: a button of an earlier dialog or attempt is stale

    @field_validator("saved", mode="before")
    @classmethod
    def _saved_was_a_count(cls, v: object) -> object:
        """A dialog stored before ``saved`` named the meters kept a count: it names none."""
        return v if isinstance(v, list) else []

    def new_attempt(self) -> None:
        """Values are entered afresh (another meter, «Исправить», a refusal): earlier buttons stop working."""
        self.values, self.taken_on, self.replaces = [], None, None
        self.token = secrets.token_hex(4)

    def decimals(self) -> tuple[Decimal, ...]:
        return tuple(Decimal(v) for v in self.values)

    def date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.taken_on) if self.taken_on else None


class MeterAction(StrEnum):
    submit = "s"  # start submitting for one meter
    all = "a"  # «Передать все по очереди»
    meters = "m"  # «Приборы учёта» list
    card = "c"
    history = "h"
    chart = "g"
    readings = "r"  # back to the «Передать показания» screen


class MeterCD(CallbackData, prefix="rdm"):
    action: MeterAction
    meter_id: Id = 0
    page: Page = 0  # of the «Передать показания» and «Приборы учёта» lists


class DateChoice(StrEnum):
    today = "t"
    yesterday = "y"


class DateCD(CallbackData, prefix="rdd"):
    choice: DateChoice
    token: Token = ""  # ReadingData.token of the attempt that showed the button


class SpikeChoice(StrEnum):
    ok = "o"
    fix = "f"


class SpikeCD(CallbackData, prefix="rds"):
    choice: SpikeChoice
    token: Token = ""  # ReadingData.token of the attempt that showed the button


class ConfirmAction(StrEnum):
    save = "s"
    cancel = "c"
    skip = "k"  # next meter in «по очереди»


class ConfirmCD(CallbackData, prefix="rdc"):
    action: ConfirmAction
    token: Token = ""  # ReadingData.token of the attempt that showed the button
