"""«Оплатить ЖКУ» (menu button, /pay): account → amount due → sum → «Проверьте» → method (card in Telegram with
its commission, or the fee-free bank QR) → invoice / QR; pre-checkout and successful payment; «История платежей»;
«Оплатить по любому лицевому счёту»."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, LabeledPrice, Message, PreCheckoutQuery
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.accounts import (
    MAX_WRONG_NUMBERS,
    add_wrong_number,
    lockout_house,
    number_lock,
    tries_again_on,
    wrong_numbers,
)
from bot.fsm.payments import PayAction, PayCD, PayData, PayFlow
from bot.handlers.dialog import TYPED, leave_dialog
from bot.handlers.messages import drop_buttons, show
from bot.keyboards import payments as kb
from bot.keyboards.common import main_menu
from bot.services import payments as svc
from bot.services import qr
from bot.services.clock import Clock
from bot.texts import common as ct
from bot.texts import payments as t
from bot.texts.render import fmt

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]


# ------------------------------------------------------------------------------------------------ helpers


async def _due(sessions: Sessions, user_id: int, data: PayData) -> svc.AmountDue | None:
    """The flow's account, re-checked: linked to this user, or chosen by number (payee and house, no flat)."""
    if data.account_id is None:
        return None
    if data.by_number:
        return await svc.due_by_number(sessions, user_id, data.account_id)
    return await svc.amount_due(sessions, user_id, data.account_id)


async def _target(sessions: Sessions, user_id: int, data: PayData) -> svc.PayTarget | None:
    due = await _due(sessions, user_id, data)
    return due.target if due else None


async def _show_due(message: Message, state: FSMContext, sessions: Sessions, user_id: int, account_id: int,
                    query: CallbackQuery | None = None) -> None:
    due = await svc.amount_due(sessions, user_id, account_id)
    if due is None:
        await state.clear()
        await message.answer(t.NOT_YOURS, reply_markup=main_menu())
        return
    await state.set_state(PayFlow.amount)
    await PayData(account_id=account_id, period=due.period).save(state)
    markup = kb.amount(account_id, due.due)
    if query is not None:
        await show(query, t.amount_due(due), markup)
    else:
        await message.answer(t.amount_due(due), reply_markup=markup)


async def _ask_check(message: Message, state: FSMContext, sessions: Sessions, user_id: int, data: PayData,
                     amount: Decimal) -> None:
    target = await _target(sessions, user_id, data)
    if target is None:
        await state.clear()
        await message.answer(t.NOT_YOURS, reply_markup=main_menu())
        return
    data.amount = str(amount)
    await data.save(state)
    await state.set_state(PayFlow.confirm)
    await message.answer(t.check(target, amount, data.period), reply_markup=kb.check())


def _methods(settings: Settings, target: svc.PayTarget, amount: Decimal) -> svc.Methods:
    return svc.methods(target, amount, token_set=settings.payment_provider_token is not None,
                       default_percent=settings.card_commission_percent, invoice_min=settings.invoice_min_rub,
                       invoice_max=settings.invoice_max_rub)


async def _flow(query: CallbackQuery, state: FSMContext, sessions: Sessions
                ) -> tuple[PayData, svc.PayTarget, Decimal] | None:
    """The flow's account and sum for a button of the last steps; an alert when they are gone."""
    data = await PayData.load(state)
    target = await _target(sessions, query.from_user.id, data)
    if target is None or data.amount is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return None
    return data, target, Decimal(data.amount)


# ------------------------------------------------------------------------------------------------ start


async def pay_start(message: Message, state: FSMContext, sessions: Sessions) -> None:
    await leave_dialog(message, state, menu=False, untitled=False)
    options = await svc.payable_accounts(sessions, message.from_user.id)
    if not options:
        await message.answer(t.NO_ACCOUNTS, reply_markup=kb.no_accounts())
        return
    if len(options) == 1:
        await _show_due(message, state, sessions, message.from_user.id, options[0].account_id)
        return
    await state.set_state(PayFlow.account)
    await PayData().save(state)
    await message.answer(t.CHOOSE_ACCOUNT, reply_markup=kb.accounts(options))


async def account_picked(query: CallbackQuery, callback_data: PayCD, state: FSMContext, sessions: Sessions) -> None:
    await query.answer()
    current = await state.get_state()
    if current is not None and not current.startswith(f"{PayFlow.__name__}:"):
        # «Оплатить» under a push, pressed inside another dialog: that dialog is left, and the resident told so
        await leave_dialog(query, state, menu=False, untitled=False)
    await _show_due(query.message, state, sessions, query.from_user.id, callback_data.id, query)


# ------------------------------------------------------------------------------------------------ the sum


async def pay_all(query: CallbackQuery, state: FSMContext, sessions: Sessions) -> None:
    data = await PayData.load(state)
    due = await _due(sessions, query.from_user.id, data)
    if due is None or due.due <= 0 or due.target.flat_hidden:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await _ask_check(query.message, state, sessions, query.from_user.id, data, due.due)


async def other_sum(query: CallbackQuery, state: FSMContext) -> None:
    data = await PayData.load(state)
    if data.account_id is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await state.set_state(PayFlow.amount)
    await query.message.answer(t.ASK_AMOUNT, reply_markup=kb.cancel_only())


async def amount_typed(message: Message, state: FSMContext, sessions: Sessions) -> None:
    data = await PayData.load(state)
    if data.account_id is None:
        await state.clear()
        await message.answer(ct.STALE_BUTTON, reply_markup=main_menu())
        return
    parsed = svc.parse_amount(message.text)
    if parsed.value is None:
        await message.answer(t.amount_refusal(parsed.refusal, message.text, svc.MAX_AMOUNT))
        return
    await _ask_check(message, state, sessions, message.from_user.id, data, parsed.value)


async def change_sum(query: CallbackQuery, state: FSMContext) -> None:
    data = await PayData.load(state)
    if data.account_id is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await state.set_state(PayFlow.amount)
    await query.message.answer(t.ASK_AMOUNT, reply_markup=kb.cancel_only())


async def cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    await query.message.answer(t.CANCELLED, reply_markup=main_menu())


# ------------------------------------------------------------------------------------------------ the method


async def confirmed(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings) -> None:
    flow = await _flow(query, state, sessions)
    if flow is None:
        return
    _data, target, amount = flow
    m = _methods(settings, target, amount)
    await query.answer()
    await drop_buttons(query)
    await state.set_state(PayFlow.method)
    await query.message.answer(
        t.methods(target, m, qr.payee_problems(target.payee), settings.invoice_min_rub, settings.invoice_max_rub),
        reply_markup=kb.methods(m))


async def pay_by_qr(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings) -> None:
    flow = await _flow(query, state, sessions)
    if flow is None:
        return
    data, target, amount = flow
    req = qr.QrRequest(target.payee, amount, t.purpose(target, data.period), target.number, data.period,
                       target.place)
    try:
        payload = qr.build_payload(req, settings.qr_encoding)
    except qr.QrInvalid:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await state.clear()
    picture = BufferedInputFile(qr.render_png(payload), filename="qr.png")
    await query.message.answer_photo(picture, caption=t.qr_caption(amount))
    card_offered = _methods(settings, target, amount).card is None
    await query.message.answer(t.qr_details(target, amount, data.period, card_offered), reply_markup=main_menu())


async def pay_by_card(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings,
                      clock: Clock, bot: Bot) -> None:
    flow = await _flow(query, state, sessions)
    if flow is None:
        return
    data, target, amount = flow
    m = _methods(settings, target, amount)
    if m.card is not None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    pending = await svc.create_pending(sessions, query.from_user.id, target.account_id, amount, m.commission,
                                       data.period, clock.utcnow())
    await state.clear()
    prices = [LabeledPrice(label=t.PRICE_SUM, amount=svc.kopecks(amount))]
    if m.commission > 0:
        prices.append(LabeledPrice(label=t.price_commission(m.percent), amount=svc.kopecks(m.commission)))
    vat = target.vat_code if target.vat_code is not None else settings.vat_code
    items = [_receipt_item(t.receipt_item(target), amount, vat)]
    if m.commission > 0:
        items.append(_receipt_item(t.RECEIPT_COMMISSION_ITEM, m.commission, vat))
    try:
        await bot.send_invoice(
            chat_id=query.message.chat.id, title=t.invoice_title(target),
            description=t.invoice_description(target, data.period), payload=pending.payload,
            provider_token=settings.payment_provider_token.get_secret_value(), currency=svc.CURRENCY,
            prices=prices, start_parameter="pay", need_email=True, send_email_to_provider=True,
            provider_data=json.dumps({"receipt": {"items": items}}, ensure_ascii=False))
    except TelegramAPIError as exc:
        log.warning("sendInvoice failed for pending payment %s: %s", pending.id, type(exc).__name__)
        await query.message.answer(t.INVOICE_FAILED, reply_markup=main_menu())
        return
    await query.message.answer(t.INVOICE_SENT, reply_markup=main_menu())


def _receipt_item(description: str, value: Decimal, vat_code: int) -> dict:
    """One line of the fiscal receipt in the shape ЮKassa documents (54-ФЗ)."""
    return {"description": description, "quantity": "1.00",
            "amount": {"value": f"{value:.2f}", "currency": svc.CURRENCY}, "vat_code": vat_code,
            "payment_subject": "service", "payment_mode": "full_payment"}


# ------------------------------------------------------------------------------------------------ Telegram's side


async def pre_checkout(query: PreCheckoutQuery, sessions: Sessions, clock: Clock) -> None:
    try:
        refusal = await svc.precheckout(sessions, query.from_user.id, query.invoice_payload, query.currency,
                                        query.total_amount, clock.utcnow())
    except Exception:  # the database is away: say no at once rather than let Telegram's 10 s run out
        log.exception("pre-checkout %s could not be checked", query.id)
        await query.answer(ok=False, error_message=t.PRECHECKOUT_ERROR)
        return
    if refusal is None:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=t.PRECHECKOUT_REFUSALS[refusal])


async def successful_payment(message: Message, sessions: Sessions, clock: Clock, settings: Settings,
                             bot: Bot) -> None:
    sp = message.successful_payment
    email = sp.order_info.email if sp.order_info else None
    try:
        done = await svc.record_success(sessions, message.from_user.id, sp.invoice_payload,
                                        sp.telegram_payment_charge_id, sp.provider_payment_charge_id, email,
                                        clock.utcnow(), clock.today())
    except Exception:
        # the money has arrived: whatever failed, the staff get the charge id so that nothing is lost
        log.exception("successful payment %s could not be recorded", sp.telegram_payment_charge_id)
        done = svc.Success(svc.SuccessStatus.unknown)
    if done.status == svc.SuccessStatus.duplicate:
        return  # the same payment delivered again: already answered
    if done.receipt is None:
        await message.answer(fmt(t.RECEIPT_UNKNOWN, charge=sp.telegram_payment_charge_id))
        staff_text = t.staff_unknown(sp.total_amount, message.from_user.id, message.from_user.full_name,
                                     sp.telegram_payment_charge_id, sp.invoice_payload)
    else:
        await message.answer(t.receipt(done.receipt, clock.tz), reply_markup=main_menu())
        staff_text = t.staff_line(done.receipt, message.from_user.full_name)
    if settings.staff_chat_id:
        try:
            await bot.send_message(settings.staff_chat_id, staff_text)
        except TelegramAPIError as exc:
            log.warning("could not tell the staff about a payment: %s", type(exc).__name__)


# ------------------------------------------------------------------------------------------------ history


async def show_history(query: CallbackQuery, callback_data: PayCD, sessions: Sessions, clock: Clock) -> None:
    h = await svc.history(sessions, query.from_user.id, callback_data.id, clock.today())
    if h is None:
        await query.answer(t.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    chart = t.history_chart(h)
    if chart is not None:
        await query.message.answer_photo(BufferedInputFile(chart, filename="history.png"))
    await query.message.answer(t.history(h))


# ------------------------------------------------------------------------------------------------ by any account


async def any_account(query: CallbackQuery, state: FSMContext, clock: Clock) -> None:
    await query.answer()
    await drop_buttons(query)
    if await wrong_numbers(state, clock.today()) >= MAX_WRONG_NUMBERS:
        # locked out for today (in this flow or in «Подключить лицевой счёт»): say so now, not after the payee
        await state.clear()
        await query.message.answer(t.number_blocked(MAX_WRONG_NUMBERS, tries_again_on(clock.today())),
                                   reply_markup=main_menu())
        return
    await state.set_state(PayFlow.any_payee)
    await PayData(by_number=True).save(state)
    await query.message.answer(t.ANY_TITLE, reply_markup=kb.cancel_only())


async def payee_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    found, refusal = await svc.find_payees(sessions, message.text)
    if refusal == svc.PayeeRefusal.bad_query:
        await message.answer(t.PAYEE_BAD)
        return
    if refusal == svc.PayeeRefusal.not_found:
        await message.answer(fmt(t.PAYEE_NOT_FOUND, query=message.text[:60]))
        return
    data = await PayData.load(state)
    if len(found) == 1:
        await _ask_number(message, state, data, found[0], clock)
        return
    data.payees = [p.provider_id for p in found]
    await data.save(state)
    await message.answer(t.PAYEE_CHOOSE, reply_markup=kb.payees(found))


async def payee_picked(query: CallbackQuery, callback_data: PayCD, state: FSMContext, sessions: Sessions,
                       clock: Clock) -> None:
    data = await PayData.load(state)
    if callback_data.id not in data.payees:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    found = await svc.payee_by_id(sessions, callback_data.id)
    if found is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await _ask_number(query.message, state, data, found, clock)


async def _ask_number(message: Message, state: FSMContext, data: PayData, payee: svc.FoundPayee,
                      clock: Clock) -> None:
    if await wrong_numbers(state, clock.today()) >= MAX_WRONG_NUMBERS:
        await state.clear()
        await message.answer(t.number_blocked(MAX_WRONG_NUMBERS, tries_again_on(clock.today())),
                                   reply_markup=main_menu())
        return
    data.provider_id, data.payees = payee.provider_id, []
    await data.save(state)
    await state.set_state(PayFlow.any_number)
    await message.answer(fmt(t.ASK_NUMBER, payee=payee.name), reply_markup=kb.cancel_only())


async def number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    # the same per-user lock as the linking flow's: a burst of numbers cannot all pass the check before one counts
    async with number_lock(message.from_user.id):
        await _number_typed(message, state, sessions, clock)


async def _number_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await PayData.load(state)
    provider_id = data.provider_id or 0
    today = clock.today()
    if await wrong_numbers(state, today) >= MAX_WRONG_NUMBERS:
        # no more look-ups today, not even of the right number: each tells whether a number exists
        await state.clear()
        await message.answer(t.number_blocked(MAX_WRONG_NUMBERS, tries_again_on(clock.today()),
                                              await svc.payee_contact(sessions, provider_id)),
                             reply_markup=main_menu())
        return
    account_id, refusal = await svc.find_account_of(sessions, provider_id, message.text)
    if refusal == svc.NumberRefusal.bad_number:
        await message.answer(t.NUMBER_BAD)
        return
    if account_id is None:
        payee = await svc.payee_by_id(sessions, provider_id)
        # one counter with «Подключить лицевой счёт»; its house (whose УК that lockout names) is kept
        house_id = await lockout_house(state) if await wrong_numbers(state, today) else None
        wrong = await add_wrong_number(state, today, house_id)
        typed = " ".join(message.text.split())[:40]
        if wrong >= MAX_WRONG_NUMBERS:
            await state.clear()
            await message.answer(t.number_too_many(typed, payee.name if payee else "", tries_again_on(clock.today()),
                                                   await svc.payee_contact(sessions, provider_id)),
                                 reply_markup=main_menu())
            return
        await message.answer(t.number_not_found(typed, payee.name if payee else "", MAX_WRONG_NUMBERS - wrong))
        return
    due = await svc.due_by_number(sessions, message.from_user.id, account_id)
    if due is None:
        await state.clear()
        await message.answer(ct.STALE_BUTTON, reply_markup=main_menu())
        return
    data.account_id, data.period = account_id, due.period
    await data.save(state)
    await state.set_state(PayFlow.amount)
    # someone else's account: neither the flat nor the debt is shown (the payer types the sum from the bill)
    markup = kb.cancel_only() if due.target.flat_hidden else kb.amount(account_id, due.due, history=False)
    await message.answer(t.by_number(due), reply_markup=markup)


# ------------------------------------------------------------------------------------------------ staff


async def staff_export(message: Message, command: CommandObject, bot: Bot, sessions: Sessions,
                       settings: Settings) -> None:
    from bot.services import export

    args = (command.args or "").split()
    period = export.valid_period(args[0]) if args else None
    rest = [a.lower().lstrip(".") for a in args[1:]]
    fmts = [a for a in rest if a in ("csv", "xlsx")]
    ogrns = [a for a in rest if a.isdigit()]
    if period is None or len(fmts) > 1 or len(ogrns) > 1 or len(fmts) + len(ogrns) != len(rest):
        await message.answer(t.EXPORT_USAGE)
        return
    kind, ogrn = (fmts or ["xlsx"])[0], (ogrns or [None])[0]
    if ogrn and not await export.provider_known(sessions, ogrn):
        await message.answer(fmt(t.EXPORT_UNKNOWN_PROVIDER, ogrn=ogrn))
        return
    lines = await svc.export_payments(sessions, period, settings.tz, ogrn)
    data = svc.export_file(lines, t.EXPORT_HEADERS, t.EXPORT_STATUSES, kind, methods=t.EXPORT_METHODS,
                           sheet=t.EXPORT_SHEET.format(period=period))
    name = svc.export_name(period, ogrn, kind)
    await bot.send_document(message.chat.id, BufferedInputFile(data, filename=name),
                            caption=t.export_caption(period, ogrn, len(lines), sum(e.refund_due for e in lines)))


def staff_router() -> Router:
    """``/payments ГГГГ-ММ [ОГРН] [csv|xlsx]`` for the staff (the parent router filters staff)."""
    r = Router(name="staff_payments")
    r.message.register(staff_export, Command("payments"))
    return r


# ------------------------------------------------------------------------------------------------ wiring


def router() -> Router:
    r = Router(name="payments")
    r.message.register(pay_start, F.text == ct.BTN_PAY, StateFilter("*"))
    r.message.register(pay_start, Command("pay"), StateFilter("*"))
    r.callback_query.register(account_picked, PayCD.filter(F.action == PayAction.account), StateFilter("*"))
    r.callback_query.register(pay_all, PayCD.filter(F.action == PayAction.all), PayFlow.amount)
    r.callback_query.register(other_sum, PayCD.filter(F.action == PayAction.other), PayFlow.amount)
    r.message.register(amount_typed, PayFlow.amount, TYPED)
    r.callback_query.register(change_sum, PayCD.filter(F.action == PayAction.change),
                              StateFilter(PayFlow.confirm, PayFlow.method))
    r.callback_query.register(cancel, PayCD.filter(F.action == PayAction.cancel), StateFilter("*"))
    r.callback_query.register(confirmed, PayCD.filter(F.action == PayAction.pay), PayFlow.confirm)
    r.callback_query.register(pay_by_qr, PayCD.filter(F.action == PayAction.qr), PayFlow.method)
    r.callback_query.register(pay_by_card, PayCD.filter(F.action == PayAction.card), PayFlow.method)
    r.callback_query.register(show_history, PayCD.filter(F.action == PayAction.history), StateFilter("*"))
    r.callback_query.register(any_account, PayCD.filter(F.action == PayAction.any_account), StateFilter("*"))
    r.message.register(payee_typed, PayFlow.any_payee, TYPED)
    r.callback_query.register(payee_picked, PayCD.filter(F.action == PayAction.payee), PayFlow.any_payee)
    r.message.register(number_typed, PayFlow.any_number, TYPED)
    return r


def events_router() -> Router:
    """Telegram's payment updates: included before every flow, so no dialog's catch-all step can take a
    successful payment for an answer."""
    r = Router(name="payment_events")
    r.pre_checkout_query.register(pre_checkout)
    r.message.register(successful_payment, F.successful_payment, StateFilter("*"))
    return r
