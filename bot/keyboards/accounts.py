"""Keyboards of «Лицевые счета» and «Подключить лицевой счёт»: data in, markup out."""

from __future__ import annotations

from collections import Counter

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.fsm.accounts import (
    AccountAction,
    AccountCD,
    Confirm,
    ConfirmCD,
    Decision,
    HouseAction,
    HouseCD,
    LinkStartCD,
    Proof,
    ProofCD,
    ProviderCD,
    Relation,
    RelationCD,
    StaffLinkCD,
)
from bot.fsm.payments import PayAction, PayCD
from bot.keyboards.paginator import nav_row
from bot.services.accounts import AccountCard, AccountChoice, AccountSummary
from bot.services.houses import HouseSearch
from bot.texts import accounts as t
from bot.texts import common as ct
from bot.texts import payments as tp


def _btn(text: str, cd) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=cd.pack())


def link_offer() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_LINK, LinkStartCD())]])


def no_house() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_NO_HOUSE, HouseCD(action=HouseAction.missing))]])


def houses(found: HouseSearch) -> InlineKeyboardMarkup:
    rows = [[_btn(h.address, HouseCD(action=HouseAction.pick, house_id=h.id))] for h in found.items]
    nav = nav_row((found.page, found.pages), lambda n: HouseCD(action=HouseAction.page, page=n))
    if nav:
        rows.append(nav)
    rows.append([_btn(t.BTN_NO_HOUSE, HouseCD(action=HouseAction.missing))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def dialog_cancel() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=ct.BTN_CANCEL)]], resize_keyboard=True)


def share_phone() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t.BTN_SHARE_PHONE, request_contact=True)], [KeyboardButton(text=ct.BTN_CANCEL)]],
        resize_keyboard=True,
    )


def providers(choices: tuple[AccountChoice, ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(c.provider, ProviderCD(account_id=c.account_id))]
                                                 for c in choices])


def phone_accounts(found: tuple[AccountSummary, ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.phone_choice(a), ProviderCD(account_id=a.account_id))]
                                                 for a in found])


def other_proofs(bill: bool = True, staff: bool = True) -> InlineKeyboardMarkup:
    """The proofs left: the last bill's sum, a request to the УК (not once it cannot be sent: an РСО's account,
    the day's requests spent)."""
    rows = []
    if bill:
        rows.append([_btn(t.BTN_BILL, ProofCD(method=Proof.bill))])
    if staff:
        rows.append([_btn(t.BTN_STAFF, ProofCD(method=Proof.staff))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def check() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _btn(t.BTN_CONNECT, ConfirmCD(action=Confirm.link)),
        _btn(t.BTN_CANCEL, ConfirmCD(action=Confirm.cancel)),
    ]])


def account_list(cards: list[AccountCard]) -> InlineKeyboardMarkup:
    # the УК and an РСО may bill one flat under the same number: their buttons name the organization instead
    numbers = Counter((c.number, c.premises) for c in cards)
    rows = [[_btn(f"{'❗ ' if c.in_debt else ''}№ {c.number} — "
                  f"{c.provider if numbers[(c.number, c.premises)] > 1 else c.premises}",
                  AccountCD(action=AccountAction.open, account_id=c.account_id))] for c in cards]
    rows.append([_btn(t.BTN_LINK, LinkStartCD())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def account_card(card: AccountCard) -> InlineKeyboardMarkup:
    """«Оплатить» on every card (with no debt it is an advance payment), then unlink and back to the list."""
    return InlineKeyboardMarkup(inline_keyboard=[
        [_btn(tp.BTN_PAY_ACCOUNT, PayCD(action=PayAction.account, id=card.account_id))],
        [_btn(t.BTN_UNLINK, AccountCD(action=AccountAction.unlink, account_id=card.account_id))],
        [_btn(t.BTN_TO_LIST, AccountCD(action=AccountAction.back))],
    ])


def unlink_confirm(card: AccountCard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _btn(t.BTN_UNLINK_YES, AccountCD(action=AccountAction.unlink_yes, account_id=card.account_id)),
        _btn(t.BTN_UNLINK_NO, AccountCD(action=AccountAction.open, account_id=card.account_id)),
    ]])


def to_list() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(t.BTN_TO_LIST, AccountCD(action=AccountAction.back))]])


def staff_decision(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        _btn(t.BTN_APPROVE, StaffLinkCD(decision=Decision.approve, request_id=request_id)),
        _btn(t.BTN_REJECT, StaffLinkCD(decision=Decision.reject, request_id=request_id)),
    ]])


def staff_rejecting(request_id: int) -> InlineKeyboardMarkup:
    """While the reason is awaited: approve after all, or take the rejection back."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        _btn(t.BTN_APPROVE, StaffLinkCD(decision=Decision.approve, request_id=request_id)),
        _btn(t.BTN_KEEP, StaffLinkCD(decision=Decision.keep, request_id=request_id)),
    ]])


def relations() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_btn(label, RelationCD(relation=Relation[rel.name]))]
                                                 for rel, label in t.RELATION_BUTTONS.items()])
