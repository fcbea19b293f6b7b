"""The staff side of appeals: the card's buttons, the organization picked for «Перенаправить», the state of a
staff member naming that organization, and the album an answer is being collected from (ids only)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

from bot.fsm.base import FlowData
from bot.fsm.ids import Id


class CardAction(StrEnum):
    take = "t"  # «Взять в работу»
    answer = "a"  # «Ответить»: the bot asks for the answer in reply to the card
    redirect = "r"  # «Перенаправить»: the bot asks where to
    show = "s"  # a number in the morning digest: the card re-posted at the bottom of the chat
    cancel = "c"  # «Не перенаправлять»


class StaffAppealCD(CallbackData, prefix="sap"):
    action: CardAction
    appeal_id: Id


class RedirectToCD(CallbackData, prefix="sar"):
    """An organization found for «Перенаправить»."""

    appeal_id: Id
    org_id: Id


class StaffRedirect(StatesGroup):
    org = State()  # the staff member names the organization (ИНН, ОГРН or name)


class RedirectData(FlowData):
    appeal_id: int = 0


ALBUM_DESTINY = "appeal_album"  # the staff member's record apart from any dialog (a redirect in progress)


class AlbumAnswer(BaseModel):
    """The answer the first message of an album created: the album's next messages add their files to it."""

    media_group_id: str = ""
    appeal_id: int = 0
    answer_id: int = 0


def album_context(state: FSMContext) -> FSMContext:
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=ALBUM_DESTINY))


async def album(state: FSMContext) -> AlbumAnswer:
    return AlbumAnswer.model_validate(await album_context(state).get_data())


async def remember_album(state: FSMContext, value: AlbumAnswer) -> None:
    await album_context(state).set_data(value.model_dump())
