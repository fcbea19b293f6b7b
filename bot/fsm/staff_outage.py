"""Staff dialogs: /outage (new outage), /outages (change, cancel, end), /broadcast. States, data, callback data."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Page
from storage.vocab import OutageKind
from storage.vocab import Resource as _Resource


class StaffOutage(StatesGroup):
    house = State()
    resource = State()
    starts = State()
    ends = State()
    kind = State()
    reason = State()
    preview = State()


class StaffOutageEdit(StatesGroup):
    ends = State()


class StaffBroadcast(StatesGroup):
    target = State()
    text = State()
    preview = State()


class OutageDraft(FlowData):
    house_id: int | None = None
    address: str = ""
    resource: str | None = None
    starts: str | None = None  # ISO naive local
    ends: str | None = None
    kind: str | None = None
    reason: str | None = None
    outage_id: int | None = None  # StaffOutageEdit
    revision: int | None = None  # StaffOutageEdit: the revision the clerk saw
    long_period: str | None = None  # StaffOutageEdit: a period over two weeks, warned of; the same again saves it
    # broadcast
    text: str | None = None
    subject: str | None = None  # one key per broadcast, made at preview: a second «Отправить» adds nothing


async def load(state: FSMContext) -> OutageDraft:
    return await OutageDraft.load(state)


async def save(state: FSMContext, data: OutageDraft) -> None:
    await data.save(state)


Resource = _Resource  # the one vocabulary (storage.vocab): outage buttons carry its values


class OutageAct(StrEnum):
    edit = "e"
    cancel = "c"  # asks first: residents will be told
    end = "x"
    cancel_sure = "cs"
    end_sure = "xs"
    keep = "k"  # «Нет» to the question


class HousePickCD(CallbackData, prefix="soh"):
    id: Id  # 0 = all houses (broadcast only)


class ResourceCD(CallbackData, prefix="sor"):
    resource: Resource


class OutageKindCD(CallbackData, prefix="sok"):
    kind: OutageKind


class Confirm(StrEnum):
    send = "s"  # «Опубликовать» / «Отправить»
    now = "n"  # in quiet hours: «Отправить сейчас»
    morning = "m"  # in quiet hours: «Утром»
    cancel = "c"


class ConfirmCD(CallbackData, prefix="soc"):
    action: Confirm


class OutageActCD(CallbackData, prefix="soa"):
    id: Id
    action: OutageAct
    rev: Id = 0  # the revision the clerk saw (0: the buttons of an older bot)


class OutagesPageCD(CallbackData, prefix="sop"):
    """«Назад» / «Далее» under the /outages list."""

    page: Page
