"""Staff side of appeals on the staff card loop: «Взять в работу», «Ответить» (the bot asks for the answer in reply
to the card), «Перенаправить» (the staff member names the organization), the answer as a reply to the card or to
the bot's question (text, a photo with a caption, documents; an album is one answer), the digest's numbers.

Included into the ``staff`` router (IsStaff): a resident pressing a forged staff button never gets here."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from bot.config import Settings
from bot.fsm.staff_appeals import (
    AlbumAnswer,
    CardAction,
    RedirectData,
    RedirectToCD,
    StaffAppealCD,
    StaffRedirect,
    album,
    remember_album,
)
from bot.handlers import appeal_delivery as delivery
from bot.handlers import staff_cards as adapter
from bot.keyboards import staff_appeals as kb
from bot.services import staff_cards as cards
from bot.services.appeals import drafts, validate, views
from bot.services.appeals import staff as svc
from bot.services.appeals.drafts import FileRef
from bot.services.clock import Clock
from bot.texts import staff_appeals as t
from bot.texts.render import fmt
from storage.vocab import AppealStatus

Sessions = drafts.Sessions


def _who(user: User) -> str:
    """How a staff member is named on the card and to the resident: their name as a letter is signed (the
    Telegram id is kept apart, in author_id / changed_by, not shown to residents)."""
    return user.full_name


def _refusal(v: views.AppealView | None, template: str) -> str:
    if v is None:
        return t.MISSING
    closed = t.CLOSED.get(v.status)
    if closed:
        return closed.format(number=v.number)
    return template.format(status=t.status(v.status))


def _state(v: views.AppealView | None, clock: Clock, alert: bool = False) -> str:
    """What became of the appeal a redirect step is about, from the database («уже перенаправлено в …»)."""
    if v is None:
        return t.MISSING
    since = svc.since(v)
    return t.redirect_state(since, clock.to_local(since.at) if since.at else None, alert=alert)


async def _end_redirect(state: FSMContext, appeal_id: int) -> None:
    """End the staff member's «Перенаправить» dialog when it is about this appeal (not another one they started)."""
    if await state.get_state() == StaffRedirect.org.state and (await RedirectData.load(state)).appeal_id == appeal_id:
        await state.clear()


async def _drop_buttons(query: CallbackQuery) -> None:
    if query.message is not None:
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramAPIError:  # an old message: nothing to take away
            pass


# --------------------------------------------------------------------------------------------- buttons


async def take(query: CallbackQuery, callback_data: StaffAppealCD, bot: Bot, settings: Settings,
               sessions: Sessions, clock: Clock) -> None:
    staff = query.from_user
    res = await svc.take(sessions, callback_data.appeal_id, staff.id, _who(staff), clock.utcnow())
    if res.outcome is svc.Outcome.done and res.view is not None:
        await query.answer(t.DONE_TAKEN)
        await delivery.refresh_card(bot, settings, sessions, clock, res.view.id)
        await delivery.tell_taken(bot, clock, res.view)
    elif res.outcome is svc.Outcome.already:
        await query.answer(t.TAKEN_ALREADY, show_alert=True)
    else:
        await query.answer(_refusal(res.view, t.NOT_TAKEABLE), show_alert=True)


async def ask_answer(query: CallbackQuery, callback_data: StaffAppealCD, bot: Bot, settings: Settings,
                     sessions: Sessions) -> None:
    """«Ответить»: the bot's question in reply to the card, a forced reply; a reply to it is the answer."""
    v = await views.get_view(sessions, callback_data.appeal_id)
    if v is None or v.status not in svc.ANSWERABLE:
        await query.answer(_refusal(v, t.CLOSED[AppealStatus.draft]), show_alert=True)
        return
    card = await svc.card_of(sessions, v.id)
    chat_id = (card.chat_id if card else None) or settings.staff_chat_id
    if card is None or chat_id is None:
        await query.answer(t.MISSING, show_alert=True)
        return
    await query.answer()
    prompt = await adapter.ask(bot, chat_id, card.message_id,
                               fmt(t.ASK_ANSWER, staff=query.from_user.full_name, number=v.number))
    if prompt is not None:
        await cards.prompt_posted(sessions, card.id, prompt)


async def ask_redirect(query: CallbackQuery, callback_data: StaffAppealCD, bot: Bot, settings: Settings,
                       sessions: Sessions, clock: Clock, state: FSMContext) -> None:
    v = await views.get_view(sessions, callback_data.appeal_id)
    if v is None or v.status not in svc.REDIRECTABLE:
        await query.answer(_state(v, clock, alert=True), show_alert=True)
        return
    card = await svc.card_of(sessions, v.id)
    chat_id = (card.chat_id if card else None) or settings.staff_chat_id
    await query.answer()
    await state.set_state(StaffRedirect.org)
    await RedirectData(appeal_id=v.id).save(state)
    if chat_id is not None:
        await adapter.ask(bot, chat_id, card.message_id if card else None,
                          fmt(t.ASK_REDIRECT, staff=query.from_user.full_name, number=v.number))


async def cancel_redirect(query: CallbackQuery, callback_data: StaffAppealCD, sessions: Sessions, clock: Clock,
                          state: FSMContext) -> None:
    """«Не перенаправлять» — also under an old step of a dialog long over: the answer says what is true now."""
    v = await views.get_view(sessions, callback_data.appeal_id)
    await _end_redirect(state, callback_data.appeal_id)
    await query.answer(_state(v, clock, alert=True), show_alert=v is None or v.status not in svc.REDIRECTABLE)
    await _drop_buttons(query)


async def redirect_query(message: Message, sessions: Sessions, clock: Clock, state: FSMContext) -> None:
    """The organization named for «Перенаправить»: found by ИНН / ОГРН / name, picked by button."""
    data = await RedirectData.load(state)
    q = validate.parse_org_query(message.text or "")
    if not isinstance(q, validate.OrgQuery):
        v = await views.get_view(sessions, data.appeal_id)
        if v is None or v.status not in svc.REDIRECTABLE:
            await state.clear()
            await message.reply(_state(v, clock))
            return
        await message.reply(t.ORG_PROBLEMS.get(q.value, t.ORG_PROBLEM_OTHER),
                            reply_markup=kb.redirect_cancel(v.id))
        return
    res = await svc.redirect_targets(sessions, data.appeal_id, q)
    v = res.view
    if res.outcome is not svc.Outcome.done or v is None:
        await state.clear()
        await message.reply(_state(v, clock))
        return
    if not res.found and res.itself is not None:
        await message.reply(fmt(t.REDIRECT_ITSELF, org=res.itself.name, inn=res.itself.inn, number=v.number),
                            reply_markup=kb.redirect_cancel(v.id))
        return
    if not res.found:
        await message.reply(fmt(t.REDIRECT_NONE, query=message.text or ""), reply_markup=kb.redirect_cancel(v.id))
        return
    await message.reply(fmt(t.REDIRECT_PICK, number=v.number), reply_markup=kb.redirect_choices(v.id, res.found))


async def redirect_cancel_command(message: Message, sessions: Sessions, clock: Clock, state: FSMContext) -> None:
    data = await RedirectData.load(state)
    v = await views.get_view(sessions, data.appeal_id)
    await state.clear()
    await message.reply(_state(v, clock))


async def redirect_to(query: CallbackQuery, callback_data: RedirectToCD, bot: Bot, settings: Settings,
                      sessions: Sessions, clock: Clock, state: FSMContext) -> None:
    """An organization picked: redirected once; a pick after that (or after an answer, a withdrawal) says what
    became of the appeal and changes nothing."""
    staff = query.from_user
    res = await svc.redirect(sessions, callback_data.appeal_id, callback_data.org_id, staff.id, _who(staff),
                             clock.utcnow())
    if res.outcome is svc.Outcome.same:
        await query.answer(t.REDIRECT_SAME, show_alert=True)
        return
    if res.outcome is not svc.Outcome.done or res.view is None or res.org is None:
        await _end_redirect(state, callback_data.appeal_id)
        await query.answer(_state(res.view, clock, alert=True), show_alert=True)
        if res.view is not None:  # the choice is over: its buttons go
            await _drop_buttons(query)
        return
    await _end_redirect(state, callback_data.appeal_id)
    await query.answer()
    await _drop_buttons(query)
    by = res.view.addressee.full_name if res.view.addressee else None
    emailed = await delivery.tell_redirected(bot, settings, clock, res.view, res.org, by)
    await delivery.refresh_card(bot, settings, sessions, clock, res.view.id)
    chat_id = query.message.chat.id if query.message else settings.staff_chat_id
    if chat_id is not None:
        mailed = fmt(t.DONE_MAILED, email=res.org.email) if emailed else t.NOT_MAILED
        await bot.send_message(chat_id, fmt(t.DONE_REDIRECTED, number=res.view.number, org=res.org.name,
                                            mailed=mailed))


async def show(query: CallbackQuery, callback_data: StaffAppealCD, bot: Bot, settings: Settings,
               sessions: Sessions, clock: Clock) -> None:
    """A number in the digest: the card again, at the bottom of the chat."""
    ok = await delivery.repost_card(bot, settings, sessions, clock, callback_data.appeal_id)
    await query.answer(None if ok else t.MISSING, show_alert=not ok)


# --------------------------------------------------------------------------------------------- the answer


def _files(message: Message) -> list[FileRef] | None:
    """The files of a staff message: a photo (its largest size), a document; None for what cannot be attached."""
    if message.photo:
        p = message.photo[-1]
        return [FileRef(p.file_id, p.file_unique_id, "photo", None, "image/jpeg", p.file_size)]
    if message.document:
        d = message.document
        return [FileRef(d.file_id, d.file_unique_id, "document", d.file_name, d.mime_type, d.file_size)]
    if message.text is not None:
        return []
    return None


async def card_reply(message: Message, card: cards.Card, bot: Bot, sessions: Sessions, clock: Clock,
                     settings: Settings, state: FSMContext) -> None:
    """A staff reply to an appeal's card (or to «напишите ответ» under it) is an answer to the appeal."""
    staff = message.from_user
    files = _files(message)
    if files is None:
        await message.reply(t.WRONG_FILE)
        return
    text = (message.text or message.caption or "").strip()
    if not text and not files:
        await message.reply(t.EMPTY_ANSWER)
        return
    if text.startswith("/") and not files:  # a command in reply to the card is not an answer to the resident
        await message.reply(t.COMMAND_NOT_ANSWER)
        return
    if len(text) > svc.ANSWER_MAX:
        await message.reply(fmt(t.ANSWER_TOO_LONG, limit=svc.ANSWER_MAX))
        return
    group = message.media_group_id
    if group:
        prev = await album(state)
        if prev.media_group_id == group and prev.appeal_id == card.subject_id:
            res = await svc.add_to_answer(sessions, card.subject_id, prev.answer_id, text, files)
            if res.outcome is svc.Outcome.bad_file and res.file is not None and res.problem is not None:
                await message.reply(t.answer_file_refused(res.file.file_name, res.problem, res.file.size))
            elif res.outcome is svc.Outcome.done and res.view is not None:
                await delivery.tell_answer(bot, settings, clock, res.view, prev.answer_id, files, first_part=False)
            return
    res = await svc.answer(sessions, card.subject_id, staff.id, _who(staff), text, files, clock.utcnow())
    if res.outcome is svc.Outcome.bad_file and res.file is not None and res.problem is not None:
        await message.reply(t.answer_file_refused(res.file.file_name, res.problem, res.file.size))
        return
    if res.outcome is not svc.Outcome.done or res.view is None or res.answer_id is None:
        await message.reply(_refusal(res.view, t.CLOSED[AppealStatus.draft]))
        return
    if group:
        await remember_album(state, AlbumAnswer(media_group_id=group, appeal_id=card.subject_id,
                                                answer_id=res.answer_id))
    await delivery.tell_answer(bot, settings, clock, res.view, res.answer_id, files)
    await delivery.refresh_card(bot, settings, sessions, clock, res.view.id)
    await message.reply(fmt(t.DONE_ANSWERED, number=res.view.number))


def router() -> Router:
    r = Router(name="staff_appeals")
    r.callback_query.register(take, StaffAppealCD.filter(F.action == CardAction.take))
    r.callback_query.register(ask_answer, StaffAppealCD.filter(F.action == CardAction.answer))
    r.callback_query.register(ask_redirect, StaffAppealCD.filter(F.action == CardAction.redirect))
    r.callback_query.register(cancel_redirect, StaffAppealCD.filter(F.action == CardAction.cancel))
    r.callback_query.register(show, StaffAppealCD.filter(F.action == CardAction.show))
    r.callback_query.register(redirect_to, RedirectToCD.filter())
    r.message.register(redirect_cancel_command, StateFilter(StaffRedirect.org), Command("cancel"))
    # other commands go to their handlers (the organization is never a command)
    r.message.register(redirect_query, StateFilter(StaffRedirect.org), F.text, ~F.text.startswith("/"))
    return r
