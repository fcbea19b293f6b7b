"""Keyboards of the compose dialog: every step's buttons and the «« Назад» / «Сохранить» / «Отменить» row."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.fsm.appeals import Act, AppealCD, AppealDraftCD, AppealsMenuCD
from bot.services.appeals import drafts, topics
from bot.services.houses import HouseItem
from bot.texts import appeals as t

Row = list[InlineKeyboardButton]


def _b(text: str, act: Act, token: str, id: int = 0, code: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=AppealCD(act=act, token=token, id=id, code=code).pack())


def _nav(token: str, back: bool = True) -> list[Row]:
    rows: list[Row] = []
    if back:
        rows.append([_b(t.BTN_BACK, Act.back, token)])
    rows.append([_b(t.BTN_SAVE, Act.save, token), _b(t.BTN_CANCEL, Act.cancel, token)])
    return rows


def _kb(rows: list[Row]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def menu() -> InlineKeyboardMarkup:
    return _kb([
        [InlineKeyboardButton(text=t.BTN_NEW, callback_data=AppealsMenuCD(action="new").pack())],
        [InlineKeyboardButton(text=t.BTN_MINE, callback_data=AppealsMenuCD(action="mine").pack())],
    ])


def step(token: str, ok: bool = False, skip: bool = False) -> InlineKeyboardMarkup:
    rows: list[Row] = []
    if ok:
        rows.append([_b(t.BTN_OK, Act.ok, token)])
    if skip:
        rows.append([_b(t.BTN_SKIP, Act.skip, token)])
    return _kb(rows + _nav(token))


def phone(has_phone: bool) -> ReplyKeyboardMarkup:
    """A reply keyboard: Telegram shares a contact only from a reply button."""
    rows = [[KeyboardButton(text=t.BTN_SHARE_PHONE, request_contact=True)]]
    if has_phone:
        rows.append([KeyboardButton(text=t.BTN_OK)])
    rows += [[KeyboardButton(text=t.BTN_SKIP)], [KeyboardButton(text=t.BTN_BACK)],
             [KeyboardButton(text=t.BTN_SAVE), KeyboardButton(text=t.BTN_CANCEL)]]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=False)


def houses(token: str, places: list[drafts.Place], found: list[HouseItem] | None = None,
           current: int | None = None, search: bool = True) -> InlineKeyboardMarkup:
    """The resident's houses (the chosen one ticked), or the houses found; «Верно» keeps a house chosen by
    search that is not among the resident's. ``search`` False: no «Другой дом» (under a failed search, which
    asks for the address again anyway)."""
    rows: list[Row] = []
    if current and current not in {p.house_id for p in places} and found is None:
        rows.append([_b(t.BTN_OK, Act.ok, token)])
    for p in places:
        rows.append([_b(("✓ " if p.house_id == current else "") + p.address, Act.house, token, id=p.house_id)])
    for h in found or []:
        rows.append([_b(h.address, Act.house, token, id=h.id)])
    if found is None and search:
        rows.append([_b(t.BTN_SEARCH_HOUSE, Act.search, token)])
    return _kb(rows + _nav(token))


def premises(token: str, place: drafts.Place, current: int | None, typed: bool) -> InlineKeyboardMarkup:
    """The resident's premises in the house (the chosen one ticked); «Верно» keeps a number typed before."""
    rows: list[Row] = []
    if typed:
        rows.append([_b(t.BTN_OK, Act.ok, token)])
    rows += [[_b(("✓ " if p.id == current else "") + p.label, Act.premises, token, id=p.id)] for p in place.premises]
    rows.append([_b(t.BTN_SKIP, Act.skip, token)])
    return _kb(rows + _nav(token))


PREMISES_PAGE = 20  # the house's list, four in a row
PREMISES_ROW = 4


def premises_unknown(token: str, typed: str, kept: str | None, house: list[drafts.PremisesItem], page: int,
                     current: int | None) -> InlineKeyboardMarkup:
    """Under «нет в списке помещений дома»: confirm the typed number anyway, or pick one of the house's list (a
    page of it), keep what was chosen before, skip."""
    rows: list[Row] = [[_b(t.BTN_PREMISES_CONFIRM.format(p=typed), Act.premises_confirm, token)]]
    rows += _premises_grid(token, house, page, current)
    if kept and current not in {p.id for p in house}:  # one of the list is ticked there already
        rows.append([_b(t.BTN_PREMISES_KEEP.format(p=kept), Act.ok, token)])
    rows.append([_b(t.BTN_SKIP, Act.skip, token)])
    return _kb(rows + _nav(token))


def premises_pages(n: int) -> int:
    return max(1, -(-n // PREMISES_PAGE))


def _premises_grid(token: str, house: list[drafts.PremisesItem], page: int, current: int | None) -> list[Row]:
    chunk = house[page * PREMISES_PAGE:(page + 1) * PREMISES_PAGE]
    buttons = [_b(("✓ " if p.id == current else "") + p.label, Act.premises, token, id=p.id) for p in chunk]
    rows = [buttons[i:i + PREMISES_ROW] for i in range(0, len(buttons), PREMISES_ROW)]
    nav: Row = []
    if page > 0:
        nav.append(_b(t.BTN_PREMISES_PREV, Act.premises_page, token, id=page - 1))
    if page + 1 < premises_pages(len(house)):
        nav.append(_b(t.BTN_PREMISES_NEXT, Act.premises_page, token, id=page + 1))
    return rows + ([nav] if nav else [])


def topic_roots(token: str, keep: bool) -> InlineKeyboardMarkup:
    rows: list[Row] = []
    if keep:
        rows.append([_b(t.BTN_OK, Act.ok, token)])
    for x in topics.ROOTS:
        act = Act.group if topics.children(x.code) else Act.topic
        rows.append([_b(f"{x.code}. {x.title}", act, token, code=x.code)])
    return _kb(rows + _nav(token))


def topic_children(token: str, parent: topics.Topic) -> InlineKeyboardMarkup:
    rows = [[_b(f"{x.code}. {x.title}", Act.topic, token, code=x.code)] for x in topics.children(parent.code)]
    # the seed's list lets a whole topic be chosen too (its radio button), when no sub-topic fits
    rows.append([_b(t.BTN_TOPIC_WHOLE.format(code=parent.code), Act.topic, token, code=parent.code)])
    rows.append([_b(t.BTN_TOPICS, Act.topics, token)])
    return _kb(rows + _nav(token, back=False))


def addressees(token: str, choices: list[drafts.OrgItem], current: int | None) -> InlineKeyboardMarkup:
    rows = [[_b(("✓ " if c.id == current else "") + c.name, Act.org, token, id=c.id)] for c in choices]
    rows.append([_b(t.BTN_ORG_SEARCH, Act.org_search, token)])
    return _kb(rows + _nav(token))


def org_results(token: str, found: list[drafts.OrgItem]) -> InlineKeyboardMarkup:
    rows = [[_b(f"{c.name} (ИНН {c.inn})", Act.org, token, id=c.id)] for c in found]
    return _kb(rows + _nav(token))


def text(token: str, has_text: bool) -> InlineKeyboardMarkup:
    rows: list[Row] = [[_b(t.BTN_DONE, Act.done, token)]]
    if has_text:
        rows.append([_b(t.BTN_CLEAR_TEXT, Act.clear, token)])
    return _kb(rows + _nav(token))


def files(token: str, has_files: bool) -> InlineKeyboardMarkup:
    rows: list[Row] = [[_b(t.BTN_DONE, Act.done, token)] if has_files else [_b(t.BTN_NO_FILES, Act.no_files, token)]]
    if has_files:
        rows.append([_b(t.BTN_CLEAR_FILES, Act.clear, token)])
    return _kb(rows + _nav(token))


def review(token: str) -> InlineKeyboardMarkup:
    return _kb([
        [_b(t.BTN_SEND, Act.send, token)],
        [_b(t.BTN_SAVE, Act.save, token), _b(t.BTN_CHANGE, Act.change, token)],
        [_b(t.BTN_CANCEL, Act.cancel, token)],
    ])


def change(token: str) -> InlineKeyboardMarkup:
    names = list(t.FIELD_NAMES.items())
    rows = [[_b(a, Act.field, token, code=ca), _b(b, Act.field, token, code=cb)]
            for (ca, a), (cb, b) in zip(names[::2], names[1::2], strict=False)]
    if len(names) % 2:
        code, name = names[-1]
        rows.append([_b(name, Act.field, token, code=code)])
    rows.append([_b(t.BTN_TO_REVIEW, Act.review, token)])
    return _kb(rows)


def confirm(token: str) -> InlineKeyboardMarkup:
    return _kb([[_b(t.BTN_YES, Act.yes, token), _b(t.BTN_NO, Act.no, token)]])


def delete(draft_id: int) -> InlineKeyboardMarkup:
    return _kb([[InlineKeyboardButton(text=t.BTN_YES,
                                      callback_data=AppealDraftCD(id=draft_id, action="delete_yes").pack()),
                 InlineKeyboardButton(text=t.BTN_NO,
                                      callback_data=AppealDraftCD(id=draft_id, action="delete_no").pack())]])
