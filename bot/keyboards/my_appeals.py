"""«Собственные обращения»: the list's, the view's and the dead ends' buttons (pure: data in, markup out)."""

from __future__ import annotations

import datetime as dt

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.appeals import AppealDraftCD, AppealNewCD, AppealsMenuCD
from bot.fsm.my_appeals import ListAct, MyAppealCD, MyListCD, ViewAct
from bot.keyboards.paginator import nav_row
from bot.services.appeals import mine
from bot.services.appeals.mine import Filter, Outcome
from bot.services.appeals.views import AppealView
from bot.texts import my_appeals as t
from storage.vocab import AppealRating, AppealStatus, OrgKind


def _b(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def own_list(ol: mine.OwnList, to_local: t.ToLocal) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if ol.counts[Filter.all] == 0:
        return InlineKeyboardMarkup(inline_keyboard=[[_b(t.BTN_NEW, AppealsMenuCD(action="new"))]])
    for r in ol.rows:
        if r.draft:
            rows.append([_b(t.open_button(r, to_local), MyAppealCD(id=r.id))])
            rows.append([_b(t.BTN_DRAFT_EDIT, AppealDraftCD(id=r.id, action="edit")),
                         _b(t.BTN_DRAFT_DELETE, AppealDraftCD(id=r.id, action="delete"))])
        else:
            rows.append([_b(t.open_button(r, to_local), MyAppealCD(id=r.id))])
    nav = nav_row((ol.page, ol.pages), lambda n: MyListCD(flt=ol.flt, q=ol.query, page=n))
    if nav:
        rows.append(nav)
    rows.append([_b(t.BTN_FILTER.format(name=t.FILTER_NAMES[ol.flt]), MyListCD(act=ListAct.filters, flt=ol.flt)),
                 _b(t.BTN_SEARCH, MyListCD(act=ListAct.search, flt=ol.flt))])
    if ol.query or ol.flt is not Filter.all:
        rows.append([_b(t.BTN_ALL, MyListCD())])
    rows.append([_b(t.BTN_NEW, AppealsMenuCD(action="new"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def filters(ol: mine.OwnList) -> InlineKeyboardMarkup:
    """Every status the resident has appeals in (and «Все»), two in a row."""
    shown = [f for f in Filter if f is Filter.all or ol.counts.get(f, 0) > 0]
    buttons = [_b(t.filter_button(f, ol.counts.get(f, 0)), MyListCD(flt=f)) for f in shown]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def view(v: AppealView, text_cut: bool, now_utc: dt.datetime) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if v.status is AppealStatus.draft:
        rows.append([_b(t.BTN_DRAFT_EDIT, AppealDraftCD(id=v.id, action="edit")),
                     _b(t.BTN_DRAFT_DELETE, AppealDraftCD(id=v.id, action="delete"))])
    if text_cut:
        rows.append([_b(t.BTN_TEXT, MyAppealCD(id=v.id, act=ViewAct.text))])
    if v.files:
        rows.append([_b(t.BTN_FILES.format(n=len(v.files)), MyAppealCD(id=v.id, act=ViewAct.files))])
    if v.answers:
        rows.append([_b(t.BTN_ANSWERS.format(n=len(v.answers)), MyAppealCD(id=v.id, act=ViewAct.answers))])
    if v.status is not AppealStatus.draft:
        rows.append([_b(t.BTN_HISTORY, MyAppealCD(id=v.id, act=ViewAct.history))])
    if mine.may_withdraw(v) is Outcome.ok:
        rows.append([_b(t.BTN_WITHDRAW, MyAppealCD(id=v.id, act=ViewAct.withdraw))])
    if mine.may_rate(v) is Outcome.ok:
        rows.append([_b(("✅ " if v.rating is r else "") + t.RATING[r], MyAppealCD(id=v.id, act=ViewAct.rate, rating=r))
                     for r in (AppealRating.solved, AppealRating.partly)])
        rows.append([_b(("✅ " if v.rating is AppealRating.unsolved else "") + t.RATING[AppealRating.unsolved],
                        MyAppealCD(id=v.id, act=ViewAct.rate, rating=AppealRating.unsolved))])
        if v.rating is AppealRating.unsolved:
            rows += unsolved(v, now_utc).inline_keyboard
    rows.append([_b(t.BTN_TO_LIST, MyListCD())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def unsolved(v: AppealView, now_utc: dt.datetime) -> InlineKeyboardMarkup:
    """After «Не решён»: «Вернуть в работу» (within 30 days of the answer) and «Подать жалобу в ГЖИ» (unless the
    appeal went to the ГЖИ already)."""
    rows = []
    if mine.may_reopen(v, now_utc) is Outcome.ok:
        rows.append([_b(t.BTN_REOPEN, MyAppealCD(id=v.id, act=ViewAct.reopen))])
    if v.addressee is None or v.addressee.kind != OrgKind.gzhi.value:
        rows.append([_b(t.BTN_COMPLAIN, AppealNewCD(parent=v.id))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def back_to(appeal_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_b(t.BTN_TO_APPEAL, MyAppealCD(id=appeal_id))]])


def keep(appeal_id: int) -> InlineKeyboardMarkup:
    """Under «Отозвать обращение?»: change one's mind."""
    return InlineKeyboardMarkup(inline_keyboard=[[_b(t.BTN_KEEP, MyAppealCD(id=appeal_id))]])


def search_again() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_b(t.BTN_TO_LIST, MyListCD())]])


# --------------------------------------------------------------------------------------------- other flows


def write_appeal(topic: str, house_id: int | None) -> InlineKeyboardMarkup:
    """«Написать обращение» with the topic and the house filled in (the compose dialog opens it)."""
    return InlineKeyboardMarkup(inline_keyboard=[[write_button(topic, house_id)]])


def write_button(topic: str, house_id: int | None) -> InlineKeyboardButton:
    return _b(t.BTN_WRITE, AppealNewCD(topic=topic, house=house_id or 0))


def overdue_meter(house_id: int | None) -> InlineKeyboardMarkup:
    """Under the refusal of an overdue meter's reading."""
    return write_appeal(mine.TOPIC_OVERDUE_METER, house_id)


def account_link(house_id: int | None) -> InlineKeyboardMarkup:
    """Under a rejected account link and the linking flow's dead ends."""
    return write_appeal(mine.TOPIC_ACCOUNT_LINK, house_id)


def outage(resource: str, house_id: int | None) -> InlineKeyboardButton:
    """A second button under an outage push or card."""
    return write_button(mine.outage_topic(resource), house_id)
