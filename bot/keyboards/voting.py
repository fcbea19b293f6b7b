"""«Голосование по дому» keyboards: data in, markup out."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.voting import (
    Act,
    BallotCD,
    MeetingCD,
    MeetingHouseCD,
    MeetingsCD,
    ProtocolCD,
    QTypeCD,
    StaffMeetingAct,
    StaffMeetingCD,
)
from bot.keyboards.paginator import nav_row, paginate
from bot.services.voting.service import Card, Filter, MeetingRow, Phase
from bot.services.voting.tally import Choice, QuestionType
from bot.texts import voting as t

PAGE = 6


def _btn(text: str, cd) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=cd.pack())


def meetings(rows: list[MeetingRow], flt: Filter, page: int) -> InlineKeyboardMarkup:
    chunk = paginate(rows, page, PAGE)
    kb = [[_btn(f"{t.PHASE_ICON[r.phase]} {r.title[:48]}", MeetingCD(id=r.id))] for r in chunk.items]
    nav = nav_row(chunk, lambda p: MeetingsCD(flt=flt, page=p))
    if nav:
        kb.append(nav)
    kb.append([_btn(("• " if f == flt else "") + t.FILTERS[f], MeetingsCD(flt=f)) for f in Filter])
    return InlineKeyboardMarkup(inline_keyboard=kb)


def card(c: Card) -> InlineKeyboardMarkup:
    kb = []
    if c.refusal is None and c.phase == Phase.active:
        kb.append([_btn(t.BTN_VOTE, BallotCD(act=Act.start, meeting=c.id))])
    if c.closed:
        kb.append([_btn(t.BTN_PROTOCOL, ProtocolCD(id=c.id))])
    kb.append([_btn(t.BTN_LIST, MeetingsCD(flt=Filter.all))])
    return InlineKeyboardMarkup(inline_keyboard=kb)


def question(meeting_id: int, item_id: int, position: int) -> InlineKeyboardMarkup:
    row = [_btn(t.CHOICES[ch], BallotCD(act=Act.answer, meeting=meeting_id, item=item_id, choice=ch)) for ch in Choice]
    back = [_btn(t.BTN_BACK, BallotCD(act=Act.back, meeting=meeting_id, item=item_id))] if position > 0 \
        else [_btn(t.BTN_CARD, MeetingCD(id=meeting_id))]
    return InlineKeyboardMarkup(inline_keyboard=[row, back])


def summary(meeting_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [_btn(t.BTN_SEND, BallotCD(act=Act.send, meeting=meeting_id))],
        [_btn(t.BTN_CHANGE, BallotCD(act=Act.change, meeting=meeting_id))],
    ])


def after(meeting_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_CARD, MeetingCD(id=meeting_id))]])


def staff_houses(hits) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(h.address[:60], MeetingHouseCD(id=h.id))] for h in hits])


def question_types() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.QUESTION_TYPES[q], QTypeCD(qtype=q))] for q in QuestionType])


def staff_done() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_DONE, StaffMeetingCD(act=StaffMeetingAct.done))]])


def staff_preview() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_PUBLISH, StaffMeetingCD(act=StaffMeetingAct.publish)),
                                                  _btn(t.BTN_CANCEL_MEETING,
                                                       StaffMeetingCD(act=StaffMeetingAct.cancel))]])
