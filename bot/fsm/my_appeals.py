"""«Собственные обращения»: the list's and the view's buttons (ids only), and the few steps that wait for typed
text (the number searched, a withdrawal's reason, a return's comment)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.fsm.base import FlowData
from bot.fsm.ids import Id, Page, Token
from bot.services.appeals.mine import Filter
from storage.vocab import AppealRating


class MyAppeals(StatesGroup):
    search = State()  # waiting for a typed appeal number
    reason = State()  # «Отозвать обращение»: waiting for the reason
    comment = State()  # «Вернуть в работу»: waiting for the comment


class MyAppealsData(FlowData):
    appeal_id: int = 0


class ListAct(StrEnum):
    show = "s"
    filters = "f"  # the filter's choice
    search = "q"  # «Найти по номеру»


class MyListCD(CallbackData, prefix="apl"):
    act: ListAct = ListAct.show
    flt: Filter = Filter.all
    q: Token = ""  # a normalized number query (``mine.parse_number_query``)
    page: Page = 0


class ViewAct(StrEnum):
    view = "v"
    text = "t"  # «Показать текст полностью»
    files = "f"  # «Показать файлы»
    answers = "a"  # «Ответы на обращение» in full, with their files
    history = "h"  # «Изменения по обращению»
    withdraw = "w"  # «Отозвать обращение» → the reason
    rate = "r"  # a rating button
    reopen = "o"  # «Вернуть в работу» → the comment


class MyAppealCD(CallbackData, prefix="apv"):
    id: Id
    act: ViewAct = ViewAct.view
    rating: AppealRating | None = None

