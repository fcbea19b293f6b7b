"""«Голосование по дому»: the ballot's states, its data, and the buttons' callback data (ids only)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Page
from bot.services.voting.service import Filter
from bot.services.voting.tally import Choice, QuestionType


class Voting(StatesGroup):
    ballot = State()  # answering the agenda items one by one
    summary = State()  # «Отправить решение»: Да / Изменить
    phone = State()  # waiting for the shared contact


class VotingData(FlowData):
    meeting_id: int = 0
    position: int = 0
    answers: dict[str, Choice] = {}  # agenda item id (as text: JSON keys) → choice


class Act(StrEnum):
    start = "s"
    answer = "a"
    back = "b"
    send = "y"
    change = "c"


class MeetingsCD(CallbackData, prefix="vl"):
    flt: Filter
    page: Page = 0


class MeetingCD(CallbackData, prefix="vm"):
    id: Id


class BallotCD(CallbackData, prefix="vb"):
    act: Act
    meeting: Id
    item: Id = 0
    choice: Choice | None = None


class ProtocolCD(CallbackData, prefix="vp"):
    id: Id


# ------------------------------------------------------------------------------------------- staff /meeting


class StaffMeeting(StatesGroup):
    house = State()
    title = State()
    administrator = State()
    period = State()
    question = State()
    qtype = State()
    preview = State()


class StaffMeetingData(FlowData):
    house_id: int = 0
    address: str = ""
    binding: bool = False
    manager: str = ""
    title: str = ""
    administrator: str | None = None
    first: str = ""  # ISO dates
    last: str = ""
    items: list[tuple[str, QuestionType]] = []
    pending: str = ""  # the question typed, waiting for its type


class MeetingHouseCD(CallbackData, prefix="smh"):
    id: Id


class QTypeCD(CallbackData, prefix="smq"):
    qtype: QuestionType


class StaffMeetingAct(StrEnum):
    done = "done"
    publish = "pub"
    cancel = "no"


class StaffMeetingCD(CallbackData, prefix="sma"):
    act: StaffMeetingAct
