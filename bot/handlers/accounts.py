"""«Лицевые счета»: the list, the card with debts, «Отключить»; «Подключить лицевой счёт» steps 1–4."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from decimal import Decimal
from weakref import WeakValueDictionary

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.accounts import (
    AccountAction,
    AccountCD,
    Confirm,
    ConfirmCD,
    HouseAction,
    HouseCD,
    LinkAccount,
    LinkData,
    LinkStartCD,
    Proof,
    ProofCD,
    ProviderCD,
    StaffLinkCD,
    add_wrong_number,
    load,
    save,
    wrong_numbers,
)
from bot.handlers.dialog import drop_dialog
from bot.handlers.messages import drop_buttons, show
from bot.handlers.staff_links import show_self_linked
from bot.keyboards import accounts as kb
from bot.keyboards.common import main_menu
from bot.services import accounts as svc
from bot.services import houses
from bot.services.clock import Clock
from bot.texts import accounts as t
from bot.texts import common as ct

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
MAX_WRONG_NUMBERS = 5  # wrong account numbers a user may type a day, in all runs of the flow together
# main-menu words are never taken as an answer: those buttons work from any state (their routers may come later)
MENU_WORDS = frozenset(label for row in ct.MAIN_MENU for label in row)
NOT_MENU = ~F.text.in_(MENU_WORDS)


async def _leave_dialog(message: Message, state: FSMContext) -> None:
    """A main-menu button pressed inside a dialog: drop it and say so."""
    had, title = await drop_dialog(state)
    if had:
        await message.answer(ct.CANCELLED.format(flow=title) if title else ct.CANCELLED_GENERIC,
                             reply_markup=main_menu())


def router() -> Router:
    r = Router(name="accounts")

    # ------------------------------------------------------------------------------------ the list

    @r.message(F.text == ct.BTN_ACCOUNTS, StateFilter("*"))
    async def accounts_section(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        await _leave_dialog(message, state)
        cards = await svc.list_accounts(sessions, message.from_user.id, clock.today())
        await message.answer(t.account_list(cards), reply_markup=kb.account_list(cards))

    @r.callback_query(AccountCD.filter(F.action == AccountAction.back))
    async def back_to_list(query: CallbackQuery, sessions: Sessions, clock: Clock) -> None:
        cards = await svc.list_accounts(sessions, query.from_user.id, clock.today())
        await query.answer()
        await show(query, t.account_list(cards), kb.account_list(cards))

    @r.callback_query(AccountCD.filter(F.action == AccountAction.open))
    async def open_card(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions, clock: Clock) -> None:
        card = await svc.account_card(sessions, query.from_user.id, callback_data.account_id, clock.today())
        if card is None:
            await query.answer(ct.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await show(query, t.card_full(card), kb.account_card(card))

    @r.callback_query(AccountCD.filter(F.action == AccountAction.unlink))
    async def ask_unlink(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions, clock: Clock) -> None:
        card = await svc.account_card(sessions, query.from_user.id, callback_data.account_id, clock.today())
        if card is None:
            await query.answer(ct.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await show(query, t.unlink_ask(card), kb.unlink_confirm(card))

    @r.callback_query(AccountCD.filter(F.action == AccountAction.unlink_yes))
    async def unlink(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions) -> None:
        gone = await svc.unlink_account(sessions, query.from_user.id, callback_data.account_id)
        if gone is None:
            await query.answer(ct.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await show(query, t.UNLINKED.format(number=gone.number), kb.to_list())

    @r.callback_query(StaffLinkCD.filter())
    async def not_staff(query: CallbackQuery) -> None:
        # the staff router (included first) takes these from staff; anyone else gets here
        await query.answer(t.STAFF_ONLY, show_alert=True)

    # ------------------------------------------------------------------------------------ step 1: the house

    @r.callback_query(LinkStartCD.filter(), StateFilter("*"))
    async def start_link(query: CallbackQuery, state: FSMContext) -> None:
        had, title = await drop_dialog(state)
        await query.answer()
        if had and title:
            await query.message.answer(ct.CANCELLED.format(flow=title))
        await state.set_state(LinkAccount.address)
        await save(state, LinkData())
        await query.message.answer(t.STEP_ADDRESS, reply_markup=kb.no_house())

    @r.message(LinkAccount.address, F.text, NOT_MENU)
    async def address_typed(message: Message, state: FSMContext, sessions: Sessions) -> None:
        found = await houses.search_houses(sessions, message.text)
        if not found.query_ok:
            await message.answer(t.ADDRESS_EMPTY, reply_markup=kb.no_house())
            return
        data = await load(state)
        data.query = message.text[:200]
        await save(state, data)
        if not found.items:
            await message.answer(t.ADDRESS_NOT_FOUND.format(query=_esc(message.text[:100])),
                                 reply_markup=kb.no_house())
            return
        await message.answer(_found_text(found), reply_markup=kb.houses(found))

    @r.callback_query(HouseCD.filter(F.action == HouseAction.page), LinkAccount.address)
    async def address_page(query: CallbackQuery, callback_data: HouseCD, state: FSMContext,
                           sessions: Sessions) -> None:
        data = await load(state)
        found = await houses.search_houses(sessions, data.query, callback_data.page)
        await query.answer()
        if not found.items:
            await show(query, t.ADDRESS_NOT_FOUND.format(query=_esc(data.query)), kb.no_house())
            return
        await show(query, _found_text(found), kb.houses(found))

    @r.callback_query(HouseCD.filter(F.action == HouseAction.missing), StateFilter(LinkAccount.address,
                                                                                     LinkAccount.number))
    async def no_house(query: CallbackQuery, state: FSMContext, sessions: Sessions) -> None:
        contacts = await svc.help_contacts(sessions)
        await state.set_state(LinkAccount.address)
        await query.answer()
        await query.message.answer(t.no_house(contacts))

    @r.callback_query(HouseCD.filter(F.action == HouseAction.pick), LinkAccount.address)
    async def house_picked(query: CallbackQuery, callback_data: HouseCD, state: FSMContext,
                           sessions: Sessions, clock: Clock) -> None:
        house = await houses.get_house(sessions, callback_data.house_id)
        if house is None:
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)
        if await wrong_numbers(state, clock.today()) >= MAX_WRONG_NUMBERS:
            await state.clear()
            await query.message.answer(_numbers_blocked(clock), reply_markup=main_menu())
            return
        data = await load(state)
        data.house_id = house.id
        await save(state, data)
        await state.set_state(LinkAccount.number)
        await query.message.answer(t.STEP_NUMBER.format(address=_esc(house.address)))

    # ------------------------------------------------------------------------------------ step 2: the number

    # the day's count of wrong numbers is read, checked and written under this lock, so a burst of messages
    # from one user cannot all pass the check before any of them is counted
    number_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    @r.message(LinkAccount.number, F.text, NOT_MENU)
    async def number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        user_id = message.from_user.id
        lock = number_locks.get(user_id)
        if lock is None:
            lock = number_locks[user_id] = asyncio.Lock()
        async with lock:
            await _number_typed(message, state, sessions, clock)

    async def _number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        data = await load(state)
        user_id = message.from_user.id
        today = clock.today()
        if await wrong_numbers(state, today) >= MAX_WRONG_NUMBERS:
            # no more look-ups today: each of them tells whether a number exists in the house
            await state.clear()
            await message.answer(_numbers_blocked(clock), reply_markup=main_menu())
            return
        found = await svc.find_account(sessions, user_id, data.house_id or 0, message.text)
        if found.status == "bad_number":
            await message.answer(t.NUMBER_BAD)
            return
        if found.status == "not_found":
            house = await houses.get_house(sessions, data.house_id or 0)
            address = _esc(house.address if house else "")
            wrong = await add_wrong_number(state, today)
            if wrong >= MAX_WRONG_NUMBERS:
                await state.clear()
                await message.answer(t.NUMBER_TOO_MANY.format(address=address, date=_tomorrow(clock)),
                                     reply_markup=main_menu())
                return
            await message.answer(t.NUMBER_NOT_FOUND.format(number=_esc(found.number), address=address,
                                                           left=MAX_WRONG_NUMBERS - wrong))
            return
        if found.status == "already_linked":
            await state.clear()
            await message.answer(t.ALREADY_LINKED.format(number=_esc(found.number)), reply_markup=main_menu())
            return
        if found.status == "choose":
            data.choices = [c.account_id for c in found.choices]
            await save(state, data)
            await message.answer(t.NUMBER_CHOOSE.format(number=_esc(found.number)),
                                 reply_markup=kb.providers(found.choices))
            return
        data.account_id = found.account_id
        await _ask_proof(message, state, data)

    @r.callback_query(ProviderCD.filter(), LinkAccount.number)
    async def provider_picked(query: CallbackQuery, callback_data: ProviderCD, state: FSMContext) -> None:
        data = await load(state)
        if callback_data.account_id not in data.choices:  # only the accounts offered for the typed number
            await query.answer(ct.NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)
        data.account_id, data.choices = callback_data.account_id, []
        await _ask_proof(query.message, state, data)

    # ------------------------------------------------------------------------------------ step 3: the proof

    @r.message(StateFilter(LinkAccount.proof, LinkAccount.bill_total), F.contact)
    async def contact_shared(message: Message, state: FSMContext, sessions: Sessions) -> None:
        contact = message.contact
        if contact.user_id != message.from_user.id:
            await message.answer(t.CONTACT_NOT_OWN.format(share=t.BTN_SHARE_PHONE), reply_markup=kb.share_phone())
            return
        data = await load(state)
        ok = await svc.prove_by_phone(sessions, message.from_user.id, data.account_id or 0, contact.phone_number)
        if not ok:
            phone = svc.normalize_phone(contact.phone_number) or contact.phone_number
            await message.answer(t.PHONE_NO_MATCH.format(phone=_esc(phone)), reply_markup=kb.other_proofs())
            return
        data.proof = "phone"
        await _to_check(message, state, sessions, data, t.PHONE_MATCHED)

    @r.message(LinkAccount.proof, NOT_MENU)
    async def proof_hint(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        amount = svc.parse_typed_sum(message.text or "")
        if amount is not None:  # a sum typed without «Ввести сумму» first: it is the answer all the same
            await _bill_answer(message, state, sessions, clock, amount)
            return
        await message.answer(t.PROOF_HINT.format(share=t.BTN_SHARE_PHONE), reply_markup=kb.share_phone())

    @r.callback_query(ProofCD.filter(F.method == Proof.bill), StateFilter(LinkAccount.proof, LinkAccount.bill_total))
    async def bill_chosen(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        data = await load(state)
        left = await svc.bill_attempts_left(sessions, query.from_user.id, data.account_id or 0, clock.today())
        await query.answer()
        if left == 0:
            await state.set_state(LinkAccount.proof)
            await query.message.answer(t.BILL_BLOCKED, reply_markup=kb.other_proofs(bill=False))
            return
        await state.set_state(LinkAccount.bill_total)
        await query.message.answer(t.STEP_BILL.format(left=left))

    @r.message(LinkAccount.bill_total, F.text, NOT_MENU)
    async def bill_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
        amount = svc.parse_money(message.text)
        if amount is None:
            await message.answer(t.BILL_BAD)
            return
        await _bill_answer(message, state, sessions, clock, amount)

    @r.callback_query(ProofCD.filter(F.method == Proof.staff),
                      StateFilter(LinkAccount.proof, LinkAccount.bill_total))
    async def staff_chosen(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings,
                           bot: Bot) -> None:
        data = await load(state)
        account_id = data.account_id or 0
        await query.answer()
        if settings.staff_chat_id is None:
            contact = await svc.manager_contact(sessions, account_id)
            await query.message.answer(t.staff_unreachable(contact), reply_markup=kb.other_proofs())
            return
        u = query.from_user
        req = await svc.create_link_request(sessions, u.id, account_id, u.first_name, u.last_name, u.username)
        if not req.created:
            await state.clear()
            await query.message.answer(t.STAFF_ALREADY, reply_markup=main_menu())
            return
        try:
            sent = await bot.send_message(settings.staff_chat_id, t.staff_request(req.view),
                                          reply_markup=kb.staff_decision(req.view.id))
        except TelegramAPIError:
            log.exception("link request %s did not reach the staff chat", req.view.id)
            await svc.drop_request(sessions, req.view.id)
            contact = await svc.manager_contact(sessions, account_id)
            await query.message.answer(t.staff_unreachable(contact), reply_markup=kb.other_proofs())
            return
        await svc.set_request_message(sessions, req.view.id, sent.message_id)
        await state.clear()
        await drop_buttons(query)
        await query.message.answer(t.STAFF_SENT, reply_markup=main_menu())

    # ------------------------------------------------------------------------------------ step 4: check, link

    @r.callback_query(ConfirmCD.filter(F.action == Confirm.link), LinkAccount.confirm)
    async def connect(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock,
                      settings: Settings, bot: Bot) -> None:
        data = await load(state)
        if not data.account_id or data.proof not in ("phone", "bill_total"):
            await state.clear()
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        res = await svc.link_account(sessions, query.from_user.id, data.account_id, data.proof, clock.utcnow())
        await state.clear()
        summary = await svc.account_summary(sessions, data.account_id)
        number = _esc(summary.number if summary else "")
        await query.answer()
        await show(query, (t.LINKED if res.created else t.ALREADY_LINKED).format(number=number))
        cards = await svc.list_accounts(sessions, query.from_user.id, clock.today())
        await query.message.answer(t.account_list(cards), reply_markup=kb.account_list(cards))
        for closed in res.closed:  # the staff no longer need to confirm what the resident proved
            await show_self_linked(bot, settings.staff_chat_id, closed.view.staff_message_id, closed, clock)

    @r.callback_query(ConfirmCD.filter(F.action == Confirm.cancel), LinkAccount.confirm)
    async def cancel_link(query: CallbackQuery, state: FSMContext) -> None:
        await state.clear()
        await query.answer()
        await show(query, t.LINK_CANCELLED)

    return r


async def _ask_proof(message: Message, state: FSMContext, data: LinkData) -> None:
    """Step 3: the account is chosen; nothing about it is shown until it is proven."""
    await save(state, data)
    await state.set_state(LinkAccount.proof)
    await message.answer(t.STEP_PROOF.format(share=t.BTN_SHARE_PHONE), reply_markup=kb.share_phone())
    await message.answer(t.STEP_PROOF_OTHER, reply_markup=kb.other_proofs())


async def _bill_answer(message: Message, state: FSMContext, sessions: Sessions, clock: Clock,
                       amount: Decimal) -> None:
    """The total of the last bill, typed after «Ввести сумму» or right on the proof step: one check, one limit."""
    data = await load(state)
    res = await svc.check_bill_total(sessions, message.from_user.id, data.account_id or 0, amount, clock.today())
    if res.status == "ok":
        data.proof = "bill_total"
        await _to_check(message, state, sessions, data, t.BILL_MATCHED)
    elif res.status == "wrong":
        await state.set_state(LinkAccount.bill_total)  # the next sum is an answer too
        await message.answer(t.BILL_WRONG.format(left=res.left))
    else:
        await state.set_state(LinkAccount.proof)
        text = t.BILL_BLOCKED if res.status == "blocked" else t.BILL_NONE
        await message.answer(text, reply_markup=kb.other_proofs(bill=False))


async def _to_check(message: Message, state: FSMContext, sessions: Sessions, data: LinkData, done: str) -> None:
    summary = await svc.account_summary(sessions, data.account_id or 0)
    if summary is None:  # the account vanished from the registry meanwhile
        await state.clear()
        await message.answer(ct.STALE_BUTTON, reply_markup=main_menu())
        return
    await save(state, data)
    await state.set_state(LinkAccount.confirm)
    await message.answer(done, reply_markup=main_menu())
    await message.answer(t.check(summary), reply_markup=kb.check())


def _tomorrow(clock: Clock) -> str:
    return (clock.today() + dt.timedelta(days=1)).strftime("%d.%m.%Y")


def _numbers_blocked(clock: Clock) -> str:
    return t.NUMBER_BLOCKED.format(max=MAX_WRONG_NUMBERS, date=_tomorrow(clock))


def _found_text(found: svc.HouseSearch) -> str:
    if found.pages > 1:
        return t.ADDRESS_FOUND_PAGE.format(total=found.total, page=found.page + 1, pages=found.pages)
    return t.ADDRESS_FOUND.format(total=found.total)


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
