"""«Лицевые счета»: the list, the card with debts, «Отключить»; «Подключить лицевой счёт» steps 1–4, and the
request to the УК's staff (name, relation to the payer; a card in the staff chat)."""

from __future__ import annotations

import logging
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.accounts import (
    MAX_WRONG_NUMBERS,
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
    Relation,
    RelationCD,
    StaffLinkCD,
    add_wrong_number,
    lockout_house,
    number_lock,
    tries_again_on,
    wrong_numbers,
)
from bot.handlers import staff_cards as cards_adapter
from bot.handlers.dialog import NOT_COMMAND, TYPED, leave_dialog
from bot.handlers.messages import drop_buttons, show
from bot.handlers.staff_links import show_self_linked
from bot.keyboards import accounts as kb
from bot.keyboards import my_appeals as appeal_kb
from bot.keyboards.common import main_menu
from bot.services import accounts as svc
from bot.services import houses
from bot.services.clock import Clock
from bot.texts import accounts as t
from bot.texts import common as ct
from bot.texts.render import fmt

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
RELATIONS = {Relation.owner: svc.Relation.owner, Relation.tenant: svc.Relation.tenant,
             Relation.family: svc.Relation.family}


# ---------------------------------------------------------------------------------------------- the list


async def accounts_section(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    await leave_dialog(message, state)
    cards = await svc.list_accounts(sessions, message.from_user.id, clock.today())
    await message.answer(t.account_list(cards), reply_markup=kb.account_list(cards))


async def back_to_list(query: CallbackQuery, sessions: Sessions, clock: Clock) -> None:
    cards = await svc.list_accounts(sessions, query.from_user.id, clock.today())
    await query.answer()
    await show(query, t.account_list(cards), kb.account_list(cards))


async def open_card(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions, clock: Clock) -> None:
    card = await svc.account_card(sessions, query.from_user.id, callback_data.account_id, clock.today())
    if card is None:
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, t.card_full(card), kb.account_card(card))


async def ask_unlink(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions, clock: Clock) -> None:
    card = await svc.account_card(sessions, query.from_user.id, callback_data.account_id, clock.today())
    if card is None:
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, t.unlink_ask(card), kb.unlink_confirm(card))


async def unlink(query: CallbackQuery, callback_data: AccountCD, sessions: Sessions) -> None:
    gone = await svc.unlink_account(sessions, query.from_user.id, callback_data.account_id)
    if gone is None:
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await show(query, t.unlinked(gone.number), kb.to_list())


async def not_staff(query: CallbackQuery) -> None:
    # the staff router (included first) takes these from staff; anyone else gets here
    await query.answer(t.STAFF_ONLY, show_alert=True)


# ---------------------------------------------------------------------------------------------- step 1: the house


async def start_link(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    await query.answer()
    await leave_dialog(query, state, menu=False, untitled=False)  # an appeal being written keeps its draft
    if await wrong_numbers(state, clock.today()) >= MAX_WRONG_NUMBERS:
        # locked out for today: say so now, not after the address and the house
        await query.message.answer(await _numbers_blocked(state, sessions, clock),
                                   reply_markup=appeal_kb.account_link(await lockout_house(state)))
        return
    await state.set_state(LinkAccount.address)
    await LinkData().save(state)
    await query.message.answer(t.STEP_ADDRESS, reply_markup=kb.no_house())


async def address_typed(message: Message, state: FSMContext, sessions: Sessions) -> None:
    found = await houses.search_houses(sessions, message.text)
    if not found.query_ok:
        await message.answer(t.ADDRESS_EMPTY, reply_markup=kb.no_house())
        return
    data = await LinkData.load(state)
    data.query = message.text[:200]
    await data.save(state)
    if not found.items:
        await message.answer(fmt(t.ADDRESS_NOT_FOUND, query=message.text[:100]), reply_markup=kb.no_house())
        return
    await message.answer(_found_text(found), reply_markup=kb.houses(found))


async def address_page(query: CallbackQuery, callback_data: HouseCD, state: FSMContext, sessions: Sessions) -> None:
    data = await LinkData.load(state)
    found = await houses.search_houses(sessions, data.query, callback_data.page)
    await query.answer()
    if not found.items:
        await show(query, fmt(t.ADDRESS_NOT_FOUND, query=data.query[:100]), kb.no_house())
        return
    await show(query, _found_text(found), kb.houses(found))


async def no_house(query: CallbackQuery, state: FSMContext, sessions: Sessions) -> None:
    contacts = await svc.help_contacts(sessions)
    await state.set_state(LinkAccount.address)
    await query.answer()
    await query.message.answer(t.no_house(contacts))


async def house_picked(query: CallbackQuery, callback_data: HouseCD, state: FSMContext, sessions: Sessions,
                       clock: Clock) -> None:
    house = await houses.get_house(sessions, callback_data.house_id)
    if house is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    if await wrong_numbers(state, clock.today()) >= MAX_WRONG_NUMBERS:
        await state.clear()
        await query.message.answer(await _numbers_blocked(state, sessions, clock),
                                   reply_markup=appeal_kb.account_link(await lockout_house(state)))
        return
    data = await LinkData.load(state)
    data.house_id = house.id
    await data.save(state)
    await state.set_state(LinkAccount.number)
    await query.message.answer(fmt(t.STEP_NUMBER, address=house.address))


# ---------------------------------------------------------------------------------------------- step 2: the number


async def number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    async with number_lock(message.from_user.id):
        await _number_typed(message, state, sessions, clock)


async def _number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await LinkData.load(state)
    user_id = message.from_user.id
    today = clock.today()
    if await wrong_numbers(state, today) >= MAX_WRONG_NUMBERS:
        # no more look-ups today: each of them tells whether a number exists in the house
        await state.clear()
        await message.answer(await _numbers_blocked(state, sessions, clock),
                             reply_markup=appeal_kb.account_link(await lockout_house(state)))
        return
    found = await svc.find_account(sessions, user_id, data.house_id or 0, message.text)
    if found.status == "bad_number":
        await message.answer(t.NUMBER_BAD)
        return
    if found.status == "not_found":
        house = await houses.get_house(sessions, data.house_id or 0)
        address = house.address if house else ""
        wrong = await add_wrong_number(state, today, data.house_id)
        if wrong >= MAX_WRONG_NUMBERS:
            await state.clear()
            manager = await svc.house_manager(sessions, data.house_id or 0)
            # a dead end: «Написать обращение» to the УК about connecting the account, the house filled in
            await message.answer(t.number_too_many(address, tries_again_on(clock.today()), manager),
                                 reply_markup=appeal_kb.account_link(data.house_id))
            return
        # what the resident typed, not the number as normalized («21-0005», not «210005»)
        typed = " ".join(message.text.split())[:40]
        await message.answer(t.number_not_found(typed, address, MAX_WRONG_NUMBERS - wrong))
        return
    if found.status == "already_linked":
        await state.clear()
        await message.answer(fmt(t.ALREADY_LINKED, number=found.number), reply_markup=main_menu())
        return
    if found.status == "choose":
        data.choices = [c.account_id for c in found.choices]
        await data.save(state)
        await message.answer(fmt(t.NUMBER_CHOOSE, number=found.number), reply_markup=kb.providers(found.choices))
        return
    data.account_id = found.account_id
    await _ask_proof(message, state, data)


async def provider_picked(query: CallbackQuery, callback_data: ProviderCD, state: FSMContext) -> None:
    data = await LinkData.load(state)
    if callback_data.account_id not in data.choices:  # only the accounts offered for the typed number
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    data.account_id, data.choices = callback_data.account_id, []
    await _ask_proof(query.message, state, data)


# ---------------------------------------------------------------------------------------------- step 3: the proof


async def contact_shared(message: Message, state: FSMContext, sessions: Sessions) -> None:
    contact = message.contact
    if contact.user_id != message.from_user.id:
        await message.answer(fmt(t.CONTACT_NOT_OWN, share=t.BTN_SHARE_PHONE), reply_markup=kb.share_phone())
        return
    data = await LinkData.load(state)
    ok = await svc.prove_by_phone(sessions, message.from_user.id, data.account_id or 0, contact.phone_number)
    if not ok:
        phone = svc.normalize_phone(contact.phone_number) or contact.phone_number
        await message.answer(fmt(t.PHONE_NO_MATCH, phone=phone), reply_markup=kb.other_proofs())
        return
    data.proof = "phone"
    await _to_check(message, state, sessions, data, t.PHONE_MATCHED)


async def proof_hint(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    amount = svc.parse_typed_sum(message.text or "")
    if amount is not None:  # a sum typed without «Ввести сумму» first: it is the answer all the same
        await _bill_answer(message, state, sessions, clock, amount)
        return
    # the other proofs again, under the hint: the buttons above may be far up, or gone after a restart (the phone
    # button stays under the input field)
    data = await LinkData.load(state)
    left = await svc.bill_attempts_left(sessions, message.from_user.id, data.account_id or 0, clock.today())
    await message.answer(fmt(t.PROOF_HINT, share=t.BTN_SHARE_PHONE), reply_markup=kb.other_proofs(bill=left != 0))


async def bill_chosen(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await LinkData.load(state)
    left = await svc.bill_attempts_left(sessions, query.from_user.id, data.account_id or 0, clock.today())
    await query.answer()
    if left == 0:
        await state.set_state(LinkAccount.proof)
        await query.message.answer(t.BILL_BLOCKED, reply_markup=kb.other_proofs(bill=False))
        return
    await state.set_state(LinkAccount.bill_total)
    await query.message.answer(fmt(t.STEP_BILL, left=left))


async def bill_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    amount = svc.parse_money(message.text)
    if amount is None:
        await message.answer(t.BILL_BAD)
        return
    await _bill_answer(message, state, sessions, clock, amount)


# ---------------------------------------------------------------------------------------------- step 3: to the УК


async def staff_chosen(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings,
                       clock: Clock) -> None:
    """«Запросить подтверждение у УК»: checked first (an РСО's account, the day's limit, one waiting already),
    then the resident's name and relation to the payer are asked."""
    data = await LinkData.load(state)
    account_id = data.account_id or 0
    await query.answer()
    if settings.staff_chat_id is None:
        contact = await svc.manager_contact(sessions, account_id)
        await query.message.answer(t.staff_unreachable(contact), reply_markup=kb.other_proofs())
        return
    gate = await svc.request_gate(sessions, query.from_user.id, account_id, clock)
    if await _gate_refused(query.message, state, sessions, clock, account_id, gate.gate, gate.provider):
        return
    await state.set_state(LinkAccount.applicant)
    await query.message.answer(t.STEP_APPLICANT, reply_markup=kb.dialog_cancel())


async def applicant_typed(message: Message, state: FSMContext) -> None:
    name = svc.clean_applicant_name(message.text)
    if name is None:
        await message.answer(t.APPLICANT_BAD)
        return
    data = await LinkData.load(state)
    data.applicant = name
    await data.save(state)
    await state.set_state(LinkAccount.relation)
    await message.answer(fmt(t.STEP_RELATION, name=name), reply_markup=kb.relations())


async def relation_hint(message: Message) -> None:
    await message.answer(t.RELATION_HINT, reply_markup=kb.relations())


async def relation_picked(query: CallbackQuery, callback_data: RelationCD, state: FSMContext, sessions: Sessions,
                          settings: Settings, bot: Bot, clock: Clock) -> None:
    data = await LinkData.load(state)
    account_id = data.account_id or 0
    if not data.applicant or not account_id:
        await state.clear()
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    if settings.staff_chat_id is None:
        contact = await svc.manager_contact(sessions, account_id)
        await state.set_state(LinkAccount.proof)
        await query.message.answer(t.staff_unreachable(contact), reply_markup=kb.other_proofs())
        return
    u = query.from_user
    req = await svc.create_link_request(sessions, u.id, account_id, data.applicant, RELATIONS[callback_data.relation],
                                        u.first_name, u.last_name, u.username, clock)
    if req.view is None:
        await _gate_refused(query.message, state, sessions, clock, account_id, req.gate, req.provider)
        return
    message_id = await cards_adapter.post(bot, settings.staff_chat_id, t.staff_request(req.view),
                                          kb.staff_decision(req.view.id))
    if message_id is None:
        await svc.drop_request(sessions, req.view.id)
        contact = await svc.manager_contact(sessions, account_id)
        await state.set_state(LinkAccount.proof)
        await query.message.answer(t.staff_unreachable(contact), reply_markup=kb.other_proofs())
        return
    await svc.set_request_message(sessions, req.view.id, settings.staff_chat_id, message_id)
    await state.clear()
    await drop_buttons(query)
    await query.message.answer(t.STAFF_SENT, reply_markup=main_menu())


async def _gate_refused(message: Message, state: FSMContext, sessions: Sessions, clock: Clock, account_id: int,
                        gate: svc.Gate, provider: svc.OrgContact | None) -> bool:
    """Tell the resident why no request goes to the staff; True when it does not."""
    if gate is svc.Gate.ok:
        return False
    if gate is svc.Gate.rso and provider is not None:
        await state.set_state(LinkAccount.proof)
        await message.answer(t.request_rso(provider), reply_markup=kb.other_proofs(staff=False))
    elif gate is svc.Gate.too_many:
        await state.set_state(LinkAccount.proof)
        manager = await svc.manager_contact(sessions, account_id)
        await message.answer(t.requests_too_many(svc.MAX_REQUESTS_A_DAY, tries_again_on(clock.today()), manager),
                             reply_markup=kb.other_proofs(staff=False))
    elif gate is svc.Gate.pending:
        await state.clear()
        await message.answer(t.STAFF_ALREADY, reply_markup=main_menu())
    else:
        await state.clear()
        await message.answer(ct.STALE_BUTTON, reply_markup=main_menu())
    return True


# ---------------------------------------------------------------------------------------------- a contact, no dialog


async def contact_outside(message: Message, state: FSMContext, sessions: Sessions) -> None:
    """A contact shared with no dialog open (a share button left from before, a phone sent on its own), or at steps
    1–2 of «Подключить лицевой счёт» before an account is chosen: the accounts its phone proves are offered — the
    same proof as step 3, then step 4. When it proves none, a dialog open stays on its step."""
    contact = message.contact
    link = t.BTN_LINK
    if contact.user_id != message.from_user.id:
        await message.answer(fmt(t.PHONE_CONTACT_NOT_OWN, link=link), reply_markup=kb.link_offer())
        return
    found = await svc.accounts_by_phone(sessions, message.from_user.id, contact.phone_number)
    if found.phone is None:
        await message.answer(fmt(t.PHONE_NOT_RUSSIAN, phone=contact.phone_number, link=link),
                             reply_markup=kb.link_offer())
    elif found.too_many:
        await message.answer(fmt(t.PHONE_TOO_MANY, phone=found.phone, link=link), reply_markup=kb.link_offer())
    elif not found.accounts:
        text = t.PHONE_ALL_LINKED if found.linked else t.PHONE_FOUND_NONE
        await message.answer(fmt(text, phone=found.phone, link=link), reply_markup=kb.link_offer())
    elif len(found.accounts) == 1:
        await _to_check(message, state, sessions, LinkData(account_id=found.accounts[0].account_id, proof="phone"),
                        t.PHONE_FOUND_ONE)
    else:
        await LinkData(choices=[a.account_id for a in found.accounts], proof="phone").save(state)
        await state.set_state(LinkAccount.phone_pick)
        await message.answer(t.PHONE_FOUND_MANY, reply_markup=kb.phone_accounts(found.accounts))


async def phone_account_picked(query: CallbackQuery, callback_data: ProviderCD, state: FSMContext,
                               sessions: Sessions) -> None:
    data = await LinkData.load(state)
    if data.proof != "phone" or callback_data.account_id not in data.choices:  # only the accounts the phone proved
        await query.answer(ct.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    data.account_id, data.choices = callback_data.account_id, []
    await _to_check(query.message, state, sessions, data, t.PHONE_MATCHED)


async def phone_pick_hint(message: Message, state: FSMContext, sessions: Sessions) -> None:
    """Text while the choice is open: the choice again, under the hint (the buttons above may be far up)."""
    choices = await svc.account_summaries(sessions, (await LinkData.load(state)).choices)
    await message.answer(t.PHONE_PICK_HINT, reply_markup=kb.phone_accounts(choices) if choices else None)


# ---------------------------------------------------------------------------------------------- step 4: check, link


async def connect(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock, settings: Settings,
                  bot: Bot) -> None:
    data = await LinkData.load(state)
    if not data.account_id or data.proof not in ("phone", "bill_total"):
        await state.clear()
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    res = await svc.link_account(sessions, query.from_user.id, data.account_id, data.proof, clock.utcnow())
    await state.clear()
    summary = await svc.account_summary(sessions, data.account_id)
    await query.answer()
    await show(query, t.linked(summary.number if summary else "", res.created))
    cards = await svc.list_accounts(sessions, query.from_user.id, clock.today())
    await query.message.answer(t.account_list(cards), reply_markup=kb.account_list(cards))
    for closed in res.closed:  # the staff no longer need to confirm what the resident proved
        await show_self_linked(bot, settings.staff_chat_id, closed.view.staff_message_id, closed, clock)


async def cancel_link(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await show(query, t.LINK_CANCELLED)


# ---------------------------------------------------------------------------------------------- helpers


async def _ask_proof(message: Message, state: FSMContext, data: LinkData) -> None:
    """Step 3: the account is chosen; nothing about it is shown until it is proven."""
    await data.save(state)
    await state.set_state(LinkAccount.proof)
    await message.answer(fmt(t.STEP_PROOF, share=t.BTN_SHARE_PHONE), reply_markup=kb.share_phone())
    await message.answer(t.STEP_PROOF_OTHER, reply_markup=kb.other_proofs())


async def _bill_answer(message: Message, state: FSMContext, sessions: Sessions, clock: Clock,
                       amount: Decimal) -> None:
    """The total of the last bill, typed after «Ввести сумму» or right on the proof step: one check, one limit."""
    data = await LinkData.load(state)
    res = await svc.check_bill_total(sessions, message.from_user.id, data.account_id or 0, amount, clock.today())
    if res.status == "ok":
        data.proof = "bill_total"
        await _to_check(message, state, sessions, data, t.BILL_MATCHED)
    elif res.status == "wrong":
        await state.set_state(LinkAccount.bill_total)  # the next sum is an answer too
        await message.answer(fmt(t.BILL_WRONG, left=res.left))
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
    await data.save(state)
    await state.set_state(LinkAccount.confirm)
    await message.answer(done, reply_markup=main_menu())
    await message.answer(t.check(summary), reply_markup=kb.check())


async def _numbers_blocked(state: FSMContext, sessions: Sessions, clock: Clock) -> str:
    house_id = await lockout_house(state)
    if house_id:
        manager = await svc.house_manager(sessions, house_id)
        return t.number_blocked(MAX_WRONG_NUMBERS, tries_again_on(clock.today()), manager)
    # the tries went on «Оплатить по любому лицевому счёту» (no house): the organizations that run the bot
    contacts = await svc.help_contacts(sessions)
    return t.number_blocked_anywhere(MAX_WRONG_NUMBERS, tries_again_on(clock.today()), contacts)


def _found_text(found: houses.HouseSearch) -> str:
    if found.pages > 1:
        return fmt(t.ADDRESS_FOUND_PAGE, total=found.total, page=found.page + 1, pages=found.pages)
    return fmt(t.ADDRESS_FOUND, total=found.total)


# ---------------------------------------------------------------------------------------------- wiring


def router() -> Router:
    r = Router(name="accounts")
    # the list, the card, «Отключить»
    r.message.register(accounts_section, F.text == ct.BTN_ACCOUNTS, StateFilter("*"))
    r.callback_query.register(back_to_list, AccountCD.filter(F.action == AccountAction.back))
    r.callback_query.register(open_card, AccountCD.filter(F.action == AccountAction.open))
    r.callback_query.register(ask_unlink, AccountCD.filter(F.action == AccountAction.unlink))
    r.callback_query.register(unlink, AccountCD.filter(F.action == AccountAction.unlink_yes))
    r.callback_query.register(not_staff, StaffLinkCD.filter())
    # step 1: the house
    r.callback_query.register(start_link, LinkStartCD.filter(), StateFilter("*"))
    r.message.register(address_typed, LinkAccount.address, TYPED)
    r.callback_query.register(address_page, HouseCD.filter(F.action == HouseAction.page), LinkAccount.address)
    r.callback_query.register(no_house, HouseCD.filter(F.action == HouseAction.missing),
                              StateFilter(LinkAccount.address, LinkAccount.number))
    r.callback_query.register(house_picked, HouseCD.filter(F.action == HouseAction.pick), LinkAccount.address)
    # step 2: the number
    r.message.register(number_typed, LinkAccount.number, TYPED)
    r.callback_query.register(provider_picked, ProviderCD.filter(), LinkAccount.number)
    # step 3: the proof
    r.message.register(contact_shared, StateFilter(LinkAccount.proof, LinkAccount.bill_total), F.contact)
    r.message.register(proof_hint, LinkAccount.proof, NOT_COMMAND)
    r.callback_query.register(bill_chosen, ProofCD.filter(F.method == Proof.bill),
                              StateFilter(LinkAccount.proof, LinkAccount.bill_total))
    r.message.register(bill_typed, LinkAccount.bill_total, TYPED)
    r.callback_query.register(staff_chosen, ProofCD.filter(F.method == Proof.staff),
                              StateFilter(LinkAccount.proof, LinkAccount.bill_total))
    r.message.register(applicant_typed, LinkAccount.applicant, TYPED)
    r.message.register(relation_hint, LinkAccount.relation, NOT_COMMAND)
    r.callback_query.register(relation_picked, RelationCD.filter(), LinkAccount.relation)
    # a contact shared with no dialog open: the accounts its phone proves
    r.message.register(contact_outside, StateFilter(None, LinkAccount.address, LinkAccount.number), F.contact)
    r.callback_query.register(phone_account_picked, ProviderCD.filter(), LinkAccount.phone_pick)
    r.message.register(phone_pick_hint, LinkAccount.phone_pick, NOT_COMMAND)
    # step 4: check, link
    r.callback_query.register(connect, ConfirmCD.filter(F.action == Confirm.link), LinkAccount.confirm)
    r.callback_query.register(cancel_link, ConfirmCD.filter(F.action == Confirm.cancel), LinkAccount.confirm)
    return r
