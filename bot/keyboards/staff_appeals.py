"""Buttons of the appeal's staff card, the redirect choice, the digest, and the resident's way to their appeal."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.my_appeals import MyAppealCD
from bot.fsm.staff_appeals import CardAction, RedirectToCD, StaffAppealCD
from bot.services.appeals.drafts import OrgItem
from bot.services.appeals.staff import ANSWERABLE, REDIRECTABLE, TAKEABLE, DigestItem
from bot.texts import staff_appeals as t
from storage.vocab import AppealStatus

DIGEST_BUTTONS = 30  # numbers in the digest (the rest are in the chat already)


def _btn(text: str, action: CardAction, appeal_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=StaffAppealCD(action=action, appeal_id=appeal_id).pack())


def card(appeal_id: int, status: AppealStatus) -> InlineKeyboardMarkup | None:
    """What the staff can do with the appeal now; none when it is withdrawn or redirected."""
    row: list[InlineKeyboardButton] = []
    if status in TAKEABLE:
        row.append(_btn(t.BTN_TAKE, CardAction.take, appeal_id))
    if status in ANSWERABLE:
        row.append(_btn(t.BTN_ANSWER, CardAction.answer, appeal_id))
    rows = [row] if row else []
    if status in REDIRECTABLE:
        rows.append([_btn(t.BTN_REDIRECT, CardAction.redirect, appeal_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def redirect_choices(appeal_id: int, orgs: list[OrgItem]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=f"{o.name} · ИНН {o.inn}"[:64],
                                  callback_data=RedirectToCD(appeal_id=appeal_id, org_id=o.id).pack())]
            for o in orgs]
    rows.append([_btn(t.BTN_NO_REDIRECT, CardAction.cancel, appeal_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def redirect_cancel(appeal_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_NO_REDIRECT, CardAction.cancel, appeal_id)]])


def digest(items: list[DigestItem]) -> InlineKeyboardMarkup | None:
    buttons = [_btn(f"{t.DIGEST_MARK[i.group]}{'🆘' if i.urgent else ''} № {i.number}", CardAction.show, i.id)
               for i in items[:DIGEST_BUTTONS]]
    if not buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[buttons[k:k + 2] for k in range(0, len(buttons), 2)])


def resident(appeal_id: int) -> InlineKeyboardMarkup:
    """«Открыть обращение»: the resident's view of it («Собственные обращения»)."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t.BTN_OPEN, callback_data=MyAppealCD(id=appeal_id).pack())]])
