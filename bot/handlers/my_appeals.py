"""«Собственные обращения» (/appeals, «Обращения» → «Собственные обращения»): the list with its filter by status
and the search by number, the view (figure 11), the text, files, answers and history on request, «Отозвать
обращение» with a reason, the rating of the answer and «Вернуть в работу» with a comment.

Every button carries only an id; the services re-check that the appeal is the resident's and that the action still
applies (a forged or stale button gets an alert and changes nothing). The staff card is refreshed after the
resident's own actions, outside the transaction."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.appeals import AppealsMenuCD
from bot.fsm.my_appeals import ListAct, MyAppealCD, MyAppeals, MyAppealsData, MyListCD, ViewAct
from bot.handlers import appeal_delivery
from bot.handlers.dialog import TYPED, leave_dialog
from bot.handlers.messages import show
from bot.keyboards import my_appeals as kb
from bot.services.appeals import mine, views
from bot.services.appeals.drafts import FileRef
from bot.services.appeals.mine import Filter, Outcome
from bot.services.clock import Clock
from bot.texts import my_appeals as t
from bot.texts.flows import STATE_HINTS
from storage.vocab import AppealFileKind, AppealRating, AppealRoute

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]
MY_STATES = tuple(s.state for s in MyAppeals.__all_states__)


# --------------------------------------------------------------------------------------------- the list


async def _list(sessions: Sessions, user_id: int, clock: Clock, flt: Filter = Filter.all, query: str = "",
                page: int = 0):
    ol = await mine.list_own(sessions, user_id, flt, query, page, clock.today())
    return ol, t.list_screen(ol, clock.to_local), kb.own_list(ol, clock.to_local)


async def appeals_command(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    await leave_dialog(message, state, menu=True)
    _, text, markup = await _list(sessions, message.from_user.id, clock)
    await message.answer(text, reply_markup=markup)


async def menu_mine(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    """«Обращения» → «Собственные обращения»."""
    await query.answer()
    await leave_dialog(query, state, menu=True)
    _, text, markup = await _list(sessions, query.from_user.id, clock)
    await show(query, text, markup)


async def list_button(query: CallbackQuery, callback_data: MyListCD, state: FSMContext, sessions: Sessions,
                      clock: Clock) -> None:
    cd = callback_data
    if await state.get_state() in MY_STATES:
        await state.clear()  # «К списку» from a step that waited for text: nothing was written
    if cd.act is ListAct.search:
        await query.answer()
        await state.set_state(MyAppeals.search)
        await query.message.answer(t.SEARCH_ASK, reply_markup=kb.search_again())
        return
    query_text = mine.parse_number_query(cd.q) if cd.q else ""
    if query_text is None:  # forged
        await query.answer(t.refusal(Outcome.not_found), show_alert=True)
        return
    ol, text, markup = await _list(sessions, query.from_user.id, clock, cd.flt, query_text, cd.page)
    await query.answer()
    if cd.act is ListAct.filters:
        await show(query, t.FILTERS_ASK, kb.filters(ol))
        return
    await show(query, text, markup)


async def search_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    q = mine.parse_number_query(message.text)
    if q is None:
        await message.answer(t.SEARCH_BAD, reply_markup=kb.search_again())
        return
    await state.clear()
    _, text, markup = await _list(sessions, message.from_user.id, clock, Filter.all, q)
    await message.answer(text, reply_markup=markup)


# --------------------------------------------------------------------------------------------- the view


async def _own(query: CallbackQuery, sessions: Sessions, appeal_id: int) -> views.AppealView | None:
    v = await views.own_view(sessions, query.from_user.id, appeal_id)
    if v is None:
        await query.answer(t.refusal(Outcome.not_found), show_alert=True)
    return v


async def _render(v: views.AppealView, clock: Clock):
    text, was_cut = t.view_screen(v, clock.today(), clock.to_local)
    return text, kb.view(v, was_cut, clock.utcnow())


async def appeal_button(query: CallbackQuery, callback_data: MyAppealCD, state: FSMContext, bot: Bot,
                        settings: Settings, sessions: Sessions, clock: Clock) -> None:
    cd = callback_data
    v = await _own(query, sessions, cd.id)
    if v is None:
        return
    if await state.get_state() in MY_STATES and cd.act is ViewAct.view:
        await state.clear()  # «Не отзывать» / «К обращению»: the step that waited for text is left
    act = cd.act
    if act is ViewAct.view:
        await query.answer()
        await show(query, *(await _render(v, clock)))
    elif act is ViewAct.text:
        await query.answer()
        for part in t.full_text(v):
            await query.message.answer(part)
        await query.message.answer(t.BTN_TO_APPEAL, reply_markup=kb.back_to(v.id))
    elif act is ViewAct.files:
        if not v.files:
            await query.answer(t.FILES_NONE, show_alert=True)
            return
        await query.answer()
        await query.message.answer(t.files_head(v))
        await send_files(bot, query.message.chat.id, v.files)
    elif act is ViewAct.answers:
        if not v.answers:
            await query.answer(t.ANSWERS_NONE, show_alert=True)
            return
        await query.answer()
        for text, files in t.answer_messages(v, clock.to_local):
            await query.message.answer(text)
            if files:
                await send_files(bot, query.message.chat.id, files)
    elif act is ViewAct.history:
        await query.answer()
        for part in t.history_messages(v, clock.to_local):
            await query.message.answer(part)
    elif act is ViewAct.withdraw:
        await _ask_withdraw(query, state, v)
    elif act is ViewAct.rate:
        await _rate(query, bot, settings, sessions, clock, v, cd.rating)
    elif act is ViewAct.reopen:
        await _ask_reopen(query, state, clock, v)


async def send_files(bot: Bot, chat_id: int, files: list[FileRef]) -> None:
    """Re-send files by their ``file_id`` (never downloaded): photos as photos, documents as documents, several of
    a kind as an album (Telegram does not mix photos and documents in one, and takes up to 10)."""
    photos = [f for f in files if f.kind == AppealFileKind.photo.value]
    docs = [f for f in files if f.kind != AppealFileKind.photo.value]
    try:
        for group, media in ((photos, InputMediaPhoto), (docs, InputMediaDocument)):
            for i in range(0, len(group), 10):
                batch = group[i:i + 10]
                if len(batch) == 1:
                    if media is InputMediaPhoto:
                        await bot.send_photo(chat_id, batch[0].file_id)
                    else:
                        await bot.send_document(chat_id, batch[0].file_id)
                else:
                    await bot.send_media_group(chat_id, [media(media=f.file_id) for f in batch])
    except TelegramAPIError as exc:  # a file_id Telegram no longer knows: say so rather than the apology
        log.warning("could not re-send appeal files to %s: %s", chat_id, exc)
        await bot.send_message(chat_id, t.FILES_FAILED)


# --------------------------------------------------------------------------------------------- withdraw


async def _ask_note(query: CallbackQuery, state: FSMContext, why: Outcome, step: State, appeal_id: int,
                    prompt: str, markup: InlineKeyboardMarkup, refused: str | None = None) -> None:
    """A note the resident types next (the reason of a withdrawal, the comment of a return to work), or the
    reason it is not allowed now as an alert (``refused``: its words, when they name more than the outcome)."""
    if why is not Outcome.ok:
        await query.answer(refused or t.refusal(why), show_alert=True)
        return
    await query.answer()
    await leave_dialog(query, state, menu=False)
    await state.set_state(step)
    await MyAppealsData(appeal_id=appeal_id).save(state)
    await query.message.answer(prompt, reply_markup=markup)


async def _ask_withdraw(query: CallbackQuery, state: FSMContext, v: views.AppealView) -> None:
    await _ask_note(query, state, mine.may_withdraw(v), MyAppeals.reason, v.id, t.withdraw_ask(v), kb.keep(v.id))


async def reason_typed(message: Message, state: FSMContext, bot: Bot, settings: Settings, sessions: Sessions,
                       clock: Clock) -> None:
    data = await MyAppealsData.load(state)
    reason = mine.check_note(message.text)
    if reason is None:
        await message.answer(t.note_bad(), reply_markup=kb.keep(data.appeal_id))
        return
    res = await mine.withdraw(sessions, message.from_user.id, data.appeal_id, reason, clock.utcnow())
    await state.clear()
    if res.outcome is not Outcome.ok:
        await message.answer(t.refusal(res.outcome), reply_markup=kb.back_to(data.appeal_id))
        return
    mailed = res.route is AppealRoute.email and await appeal_delivery.email_withdrawal(
        settings, sessions, clock, data.appeal_id, reason)
    await message.answer(t.withdrawn_ok(res.number, res.route, res.addressee, res.addressee_email, mailed),
                         reply_markup=kb.back_to(data.appeal_id))
    await _refresh(bot, settings, sessions, clock, data.appeal_id, t.note_withdrawn(res.applicant, reason))


# --------------------------------------------------------------------------------------------- rate, reopen


async def _rate(query: CallbackQuery, bot: Bot, settings: Settings, sessions: Sessions, clock: Clock,
                v: views.AppealView, rating: AppealRating | None) -> None:
    if rating is None:
        await query.answer(t.refusal(Outcome.not_found), show_alert=True)
        return
    res = await mine.rate(sessions, query.from_user.id, v.id, rating, clock.utcnow())
    if res.outcome is not Outcome.ok:
        await query.answer(t.refusal(res.outcome), show_alert=True)
        return
    await query.answer(t.rated(rating))
    fresh = await views.own_view(sessions, query.from_user.id, v.id)
    if fresh is not None:
        await show(query, *(await _render(fresh, clock)))
        if rating is AppealRating.unsolved:
            now = clock.utcnow()
            until = mine.reopen_until(fresh.answered_at or (fresh.answers[-1].created_at if fresh.answers else None))
            can = mine.may_reopen(fresh, now) is Outcome.ok
            await query.message.answer(t.unsolved(until, can, clock.to_local), reply_markup=kb.unsolved(fresh, now))
    await _refresh(bot, settings, sessions, clock, v.id, t.note_rated(res.applicant, rating))


async def _ask_reopen(query: CallbackQuery, state: FSMContext, clock: Clock, v: views.AppealView) -> None:
    """«Вернуть в работу» under «Не решён»: ``v`` is read from the database just now, so a button pressed after
    the rating was changed to «Вопрос решён» is refused, naming the rating it has now."""
    why = mine.may_reopen(v, clock.utcnow())
    refused = t.rated_otherwise(v.rating, t.BTN_REOPEN) if why is Outcome.rated_otherwise else None
    await _ask_note(query, state, why, MyAppeals.comment, v.id, t.reopen_ask(v), kb.back_to(v.id), refused)


async def comment_typed(message: Message, state: FSMContext, bot: Bot, settings: Settings, sessions: Sessions,
                        clock: Clock) -> None:
    data = await MyAppealsData.load(state)
    comment = mine.check_note(message.text)
    if comment is None:
        await message.answer(t.note_bad(), reply_markup=kb.back_to(data.appeal_id))
        return
    res = await mine.reopen(sessions, message.from_user.id, data.appeal_id, comment, clock)
    await state.clear()
    if res.outcome is not Outcome.ok:
        words = (t.rated_otherwise(res.rating, t.BTN_REOPEN) if res.outcome is Outcome.rated_otherwise
                 else t.refusal(res.outcome))
        await message.answer(words, reply_markup=kb.back_to(data.appeal_id))
        return
    await message.answer(t.reopened(res.number, res.due_on), reply_markup=kb.back_to(data.appeal_id))
    await _refresh(bot, settings, sessions, clock, data.appeal_id, t.note_reopened(res.applicant, comment))


async def _refresh(bot: Bot, settings: Settings, sessions: Sessions, clock: Clock, appeal_id: int,
                   note: str) -> None:
    """The staff card says what the resident did; a failure there never undoes the resident's action."""
    try:
        await appeal_delivery.refresh_card(bot, settings, sessions, clock, appeal_id, note=note)
    except TelegramAPIError as exc:
        log.warning("could not refresh the staff card of appeal %s: %s", appeal_id, exc)


async def note_expected(message: Message, state: FSMContext) -> None:
    """Not text (a photo, a sticker) where a reason or a comment is awaited."""
    data = await MyAppealsData.load(state)
    current = await state.get_state()
    await message.answer(STATE_HINTS.get(current or "", t.TITLE),
                         reply_markup=kb.back_to(data.appeal_id) if data.appeal_id else None)


# --------------------------------------------------------------------------------------------- wiring


def router() -> Router:
    r = Router(name="my_appeals")
    r.message.register(appeals_command, Command("appeals"), StateFilter("*"))
    r.message.register(search_typed, StateFilter(MyAppeals.search), TYPED)
    r.message.register(reason_typed, StateFilter(MyAppeals.reason), TYPED)
    r.message.register(comment_typed, StateFilter(MyAppeals.comment), TYPED)
    r.message.register(note_expected, StateFilter(MyAppeals.reason, MyAppeals.comment, MyAppeals.search),
                       ~F.text)
    r.callback_query.register(menu_mine, AppealsMenuCD.filter(F.action == "mine"), StateFilter("*"))
    r.callback_query.register(list_button, MyListCD.filter(), StateFilter("*"))
    r.callback_query.register(appeal_button, MyAppealCD.filter(), StateFilter("*"))
    return r
