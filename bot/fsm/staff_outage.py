"""Staff dialogs: /outage (new outage), /outages (change, cancel, end), /broadcast. States, data, callback data."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

from bot.fsm.ids import Id


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


class OutageDraft(BaseModel):
    house_id: int | None = None
    address: str = ""
    resource: str | None = None
    starts: str | None = None  # ISO naive local
    ends: str | None = None
    kind: str | None = None
    reason: str | None = None
    outage_id: int | None = None  # StaffOutageEdit
    # broadcast
    text: str | None = None
    subject: str | None = None  # one key per broadcast, made at preview: a second «Отправить» adds nothing


async def load(state: FSMContext) -> OutageDraft:
    return OutageDraft.model_validate(await state.get_data())


async def save(state: FSMContext, data: OutageDraft) -> None:
    await state.set_data(data.model_dump())


class Resource(StrEnum):
    hot_water = "hot_water"
    cold_water = "cold_water"
    electricity = "electricity"
    heating = "heating"
    gas = "gas"


class OutageKind(StrEnum):
    planned = "planned"
    emergency = "emergency"


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


class ConfirmCD(CallbackData, prefix="soc"):
    ok: bool


class OutageActCD(CallbackData, prefix="soa"):
    id: Id
    action: OutageAct
