"""«Голосование по дому» (menu button, /vote, the push button «Проголосовать»): the meetings, the card, the ballot
one item at a time, the summary and «Отправить решение», the protocol. Every press is re-checked by the service."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.voting import Act, BallotCD, MeetingCD, MeetingsCD, ProtocolCD, Voting, VotingData
from bot.handlers.dialog import NOT_MENU, leave_dialog
from bot.handlers.messages import answer_pages, show_pages
from bot.keyboards import voting as kb
from bot.keyboards.accounts import link_offer, share_phone
from bot.keyboards.common import main_menu
from bot.services.clock import Clock
from bot.services.voting import service as svc
from bot.services.voting.service import Filter, Refusal
from bot.services.voting.tally import Choice
from bot.texts import common as ct
from bot.texts import voting as t

Sessions = async_sessionmaker[AsyncSession]


async def _list(sessions: Sessions, user_id: int, clock: Clock, flt: Filter, page: int = 0):
    rows = await svc.my_meetings(sessions, user_id, flt, clock.utcnow())
    if flt == Filter.active and not rows:
        flt = Filter.all  # nothing running: show everything there is rather than an empty screen
        rows = await svc.my_meetings(sessions, user_id, flt, clock.utcnow())
    return t.list_screen(rows, flt, clock.to_local), kb.meetings(rows, flt, page)


async def voting_section(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    await leave_dialog(message, state)  # whatever dialog was open (an appeal being written keeps its draft)
    if not await svc.has_houses(sessions, message.from_user.id):
        await message.answer(t.NO_HOUSES, reply_markup=link_offer())
        return
    text, markup = await _list(sessions, message.from_user.id, clock, Filter.active)
    await answer_pages(message, text, markup)


async def meetings_page(query: CallbackQuery, callback_data: MeetingsCD, sessions: Sessions, clock: Clock) -> None:
    await query.answer()
    text, markup = await _list(sessions, query.from_user.id, clock, callback_data.flt, callback_data.page)
    await show_pages(query, text, markup)


async def _show_card(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock,
                     meeting_id: int) -> None:
    c = await svc.card(sessions, query.from_user.id, meeting_id, clock.utcnow())
    if c is None:
        await query.answer(t.ALERT[Refusal.not_yours], show_alert=True)
        return
    await query.answer()
    await show_pages(query, t.card_screen(c, clock.to_local, clock.utcnow()), kb.card(c))
    if c.refusal == Refusal.no_phone and c.phase == svc.Phase.active:
        await state.set_state(Voting.phone)
        await VotingData(meeting_id=c.id).save(state)
        await query.message.answer(t.REFUSALS[Refusal.no_phone], reply_markup=share_phone())


async def meeting_card(query: CallbackQuery, callback_data: MeetingCD, state: FSMContext, sessions: Sessions,
                       clock: Clock) -> None:
    if await state.get_state() in (Voting.ballot.state, Voting.summary.state):
        await state.clear()  # «К собранию» from the ballot: the unsent answers are dropped, nothing was written
    await _show_card(query, state, sessions, clock, callback_data.id)


async def _refuse(query: CallbackQuery, refusal: Refusal) -> None:
    await query.answer(t.ALERT[refusal], show_alert=True)


async def ballot(query: CallbackQuery, callback_data: BallotCD, state: FSMContext, sessions: Sessions,
                 clock: Clock) -> None:
    cd, now, user_id = callback_data, clock.utcnow(), query.from_user.id
    c = await svc.card(sessions, user_id, cd.meeting, now, participation=False)
    if c is None:
        await _refuse(query, Refusal.not_yours)
        return
    if c.refusal is not None:
        await state.clear()
        if c.refusal == Refusal.already_sent:
            await query.answer(t.ALREADY_AT.format(when=t.when(c.sent_at, clock.to_local)), show_alert=True)
        else:
            await _refuse(query, c.refusal)
        return
    ids = [i.id for i in c.items]
    if not ids or (cd.item and cd.item not in ids):
        await _refuse(query, Refusal.bad_item)
        return
    current = await state.get_state()
    data = await VotingData.load(state)
    in_this = current in (Voting.ballot.state, Voting.summary.state) and data.meeting_id == c.id
    if cd.act == Act.start or not in_this:
        if cd.act != Act.start:
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        data = VotingData(meeting_id=c.id, position=0, answers={})
    elif cd.act == Act.answer:
        if cd.choice is None or current != Voting.ballot.state or ids[data.position] != cd.item:
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        data.answers[str(cd.item)] = cd.choice
        data.position += 1
    elif cd.act == Act.back:
        if current != Voting.ballot.state:
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        data.position = max(0, data.position - 1)
    elif cd.act == Act.change:
        data.position = 0
    elif cd.act == Act.send:
        await _send(query, state, sessions, clock, c, data)
        return
    await query.answer()
    answers = {int(k): Choice(v) for k, v in data.answers.items()}
    if data.position >= len(ids):  # the state moves on once its screen has been sent
        await show_pages(query, t.summary_screen(c, answers), kb.summary(c.id))
        await state.set_state(Voting.summary)
        await data.save(state)
        return
    item = c.items[data.position]
    await show_pages(query, t.question_screen(c, data.position, answers.get(item.id)),
                     kb.question(c.id, item.id, data.position))
    await state.set_state(Voting.ballot)
    await data.save(state)


async def _send(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock, c: svc.Card,
                data: VotingData) -> None:
    if await state.get_state() != Voting.summary.state:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    answers = {int(k): Choice(v) for k, v in data.answers.items()}
    res = await svc.submit(sessions, query.from_user.id, c.id, answers, clock.utcnow())
    if res.refusal == Refusal.already_sent:
        await state.clear()
        await query.answer(t.ALREADY_AT.format(when=t.when(res.sent_at, clock.to_local)) if res.sent_at
                           else t.ALERT[Refusal.already_sent], show_alert=True)
        return
    if res.refusal is not None:
        await _refuse(query, res.refusal)
        return
    await state.clear()
    await query.answer()
    await show_pages(query, t.sent_screen(c, res.sent_at, res.premises, clock.to_local), kb.after(c.id))


async def contact_shared(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    if message.contact.user_id != message.from_user.id:
        await message.answer(t.CONTACT_NOT_OWN, reply_markup=share_phone())
        return
    data = await VotingData.load(state)
    await svc.save_phone(sessions, message.from_user.id, message.contact.phone_number)
    await state.clear()
    await message.answer(t.ASK_PHONE_DONE, reply_markup=main_menu())
    c = await svc.card(sessions, message.from_user.id, data.meeting_id, clock.utcnow())
    if c is not None:
        await answer_pages(message, t.card_screen(c, clock.to_local, clock.utcnow()), kb.card(c))


async def phone_expected(message: Message) -> None:
    await message.answer(t.SHARE_HINT, reply_markup=share_phone())


async def protocol(query: CallbackQuery, callback_data: ProtocolCD, sessions: Sessions, clock: Clock) -> None:
    from bot.services import protocol_pdf

    c = await svc.card(sessions, query.from_user.id, callback_data.id, clock.utcnow())
    if c is None:
        await _refuse(query, Refusal.not_yours)
        return
    if not c.closed:
        await query.answer(t.NO_PDF, show_alert=True)
        return
    await query.answer()
    data = await svc.protocol_data(sessions, c.id)
    pdf = protocol_pdf.render(data, clock.to_local)
    await query.message.answer_document(BufferedInputFile(pdf, filename=protocol_pdf.file_name(c.meeting_id)))


def router() -> Router:
    r = Router(name="voting")
    r.message.register(voting_section, F.text == ct.BTN_VOTING, StateFilter("*"))
    r.message.register(voting_section, Command("vote"), StateFilter("*"))
    r.message.register(contact_shared, StateFilter(Voting.phone), F.contact)
    r.message.register(phone_expected, StateFilter(Voting.phone), F.text & ~F.text.startswith("/"),
                       NOT_MENU)
    r.callback_query.register(meetings_page, MeetingsCD.filter())
    r.callback_query.register(meeting_card, MeetingCD.filter())
    r.callback_query.register(ballot, BallotCD.filter())
    r.callback_query.register(protocol, ProtocolCD.filter())
    return r
