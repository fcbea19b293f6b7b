"""Staff side of «Подключить лицевой счёт», on the staff card loop: «Подтвердить», «Отклонить» (the bot asks for the
reason in reply to the card), «Не отклонять»; or a reply to the card: «подтвердить» / «отклонить: причина».

Included into the ``staff`` router, which lets only staff through (IsStaff)."""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.accounts import Decision, StaffLinkCD
from bot.handlers import staff_cards as adapter
from bot.keyboards import accounts as kb
from bot.keyboards import my_appeals as appeal_kb
from bot.services import accounts as svc
from bot.services import staff_cards as cards
from bot.services.clock import Clock
from bot.texts import accounts as t
from bot.texts.render import fmt

Sessions = async_sessionmaker[AsyncSession]
MAX_REASON = 1000  # characters: the reason goes onto the card and to the resident, both under Telegram's 4096


def _who(user: User) -> str:
    return t.staff_who(user.full_name, user.id)


def _when(clock: Clock, view: svc.RequestView) -> str:
    return clock.to_local(view.decided_at).strftime("%d.%m.%Y %H:%M") if view.decided_at else ""


async def decide(query: CallbackQuery, callback_data: StaffLinkCD, bot: Bot, clock: Clock,
                 sessions: Sessions) -> None:
    """«Подтвердить» decides at once; «Отклонить» asks for the reason first."""
    staff = query.from_user
    chat_id = query.message.chat.id if query.message else None
    request_id = callback_data.request_id
    if callback_data.decision == Decision.reject:
        await _ask_reason(query, request_id, bot, sessions, clock)
        return
    res = await svc.decide_request(sessions, request_id, staff.id, True, clock.utcnow(), staff_name=_who(staff))
    if await _refused(query, res, bot, chat_id, clock):
        return
    await query.answer(t.STAFF_DONE_APPROVE)
    await _finish(bot, chat_id, res, approve=True, who=_who(staff), clock=clock)


async def keep(query: CallbackQuery, callback_data: StaffLinkCD, bot: Bot, sessions: Sessions) -> None:
    """«Не отклонять»: the reason is not coming; the card waits for a decision again."""
    view = await svc.request_view(sessions, callback_data.request_id)
    if view is None or view.card_id is None:
        await query.answer(t.STAFF_MISSING, show_alert=True)
        return
    card = await cards.release(sessions, view.card_id)
    if card is None:
        await query.answer(t.STAFF_NOT_ASKING, show_alert=True)
        return
    await query.answer(t.STAFF_KEPT)
    await adapter.edit(bot, card.chat_id, card.message_id, t.staff_request(view), kb.staff_decision(view.id))


async def _ask_reason(query: CallbackQuery, request_id: int, bot: Bot, sessions: Sessions, clock: Clock) -> None:
    staff = query.from_user
    chat_id = query.message.chat.id if query.message else None
    res = await svc.begin_rejection(sessions, request_id, staff.id, clock.utcnow())
    if await _refused(query, res, bot, chat_id, clock):
        return
    await query.answer(t.STAFF_ASK_REASON_ALERT)
    await _post_prompt(bot, sessions, res.card, res.view, staff, chat_id)


async def _post_prompt(bot: Bot, sessions: Sessions, card: cards.Card, view: svc.RequestView, staff: User,
                       chat_id: int | None) -> None:
    """The card says who is rejecting; the bot asks them for the reason in reply to the card."""
    await adapter.edit(bot, card.chat_id, card.message_id, t.staff_rejecting(view, _who(staff)),
                       kb.staff_rejecting(view.id))
    prompt = await adapter.ask(bot, card.chat_id or chat_id, card.message_id,
                               fmt(t.STAFF_ASK_REASON, staff=staff.full_name, id=view.id))
    if prompt is not None:
        await cards.prompt_posted(sessions, card.id, prompt)


async def _refused(query: CallbackQuery, res: svc.StaffDecision, bot: Bot, chat_id: int | None,
                   clock: Clock) -> bool:
    """Answer a press that decides nothing; True when it was one."""
    if res.outcome is svc.Outcome.missing or res.view is None:
        await query.answer(t.STAFF_MISSING, show_alert=True)
        return True
    if res.outcome is svc.Outcome.self_linked:
        # the resident proved it themselves: nothing to decide, nothing to tell them
        await query.answer(t.STAFF_SELF_LINKED_ALERT, show_alert=True)
        await show_self_linked(bot, chat_id, res.view.staff_message_id, svc.ClosedRequest(res.view, res.method or ""),
                               clock)
        return True
    if res.outcome is svc.Outcome.already:
        await query.answer(fmt(t.STAFF_DECIDED_ALREADY, status=t.STAFF_STATUS.get(res.view.status, "")),
                           show_alert=True)
        return True
    if res.outcome is svc.Outcome.busy:
        await query.answer(t.STAFF_REASON_BUSY, show_alert=True)
        return True
    return False


async def _finish(bot: Bot, chat_id: int | None, res: svc.StaffDecision, approve: bool, who: str,
                  clock: Clock) -> None:
    """The card shows the outcome and who decided, without buttons; the resident is told (a rejection with the
    reason and the УК's phones)."""
    view = res.view
    await adapter.edit(bot, chat_id, view.staff_message_id, t.staff_decided(view, approve, who, _when(clock, view)))
    await adapter.tell(bot, view.user_id, t.resident_decided(view, approve, res.manager),
                       None if approve else appeal_kb.account_link(view.summary.house_id))


_SPLIT = re.compile(r"^\s*([^\s:,.!—-]+|[+\-])[\s:,.!—-]*(.*)$", re.DOTALL)


def parse_reply(text: str) -> tuple[bool | None, str]:
    """«подтвердить» → (True, ""); «отклонить: нет прописки» → (False, "нет прописки"); else (None, text)."""
    m = _SPLIT.match(text or "")
    if not m:
        return None, (text or "").strip()
    word, rest = m.group(1).casefold(), m.group(2).strip()
    if word in t.STAFF_REPLY_APPROVE_WORDS and not rest:
        return True, ""
    if word in t.STAFF_REPLY_REJECT_WORDS:
        return False, rest
    return None, (text or "").strip()


async def card_reply(message: Message, card: cards.Card, bot: Bot, sessions: Sessions, clock: Clock) -> None:
    """A staff member replied to a link request's card (or to «напишите причину» under it)."""
    staff = message.from_user
    view = await svc.request_view(sessions, card.subject_id)
    if view is None:
        await message.reply(t.STAFF_MISSING)
        return
    text = (message.text or message.caption or "").strip()
    if card.status is cards.CardStatus.asking:
        if card.asked_by != staff.id:
            await message.reply(t.STAFF_REASON_BUSY)
            return
        # the whole reply is the reason («Нет договора найма»), unless it approves after all
        verdict, rest = parse_reply(text)
        if verdict is True:
            await _decide_by_reply(message, view, True, "", bot, sessions, clock)
            return
        reason = rest if verdict is False else text
        if not reason:
            await message.reply(t.STAFF_REASON_EMPTY)
            return
        await _decide_by_reply(message, view, False, reason, bot, sessions, clock)
        return
    if card.status is cards.CardStatus.decided:
        status = t.STAFF_STATUS.get(view.status, "")
        await message.reply(fmt(t.STAFF_DECIDED_ALREADY, status=status))
        return
    verdict, reason = parse_reply(text)
    if verdict is None:
        await message.reply(fmt(t.STAFF_REPLY_HINT, id=view.id))
        return
    if verdict is False and not reason:  # «отклонить» with no reason: asked for it, as after the button
        res = await svc.begin_rejection(sessions, view.id, staff.id, clock.utcnow())
        if res.outcome is not svc.Outcome.asking or res.card is None:
            await _reply_refused(message, res, bot, clock)
            return
        await _post_prompt(bot, sessions, res.card, res.view, staff, message.chat.id)
        return
    await _decide_by_reply(message, view, verdict, reason, bot, sessions, clock)


async def _decide_by_reply(message: Message, view: svc.RequestView, approve: bool, reason: str, bot: Bot,
                           sessions: Sessions, clock: Clock) -> None:
    staff = message.from_user
    if len(reason) > MAX_REASON:
        await message.reply(fmt(t.STAFF_REASON_TOO_LONG, limit=MAX_REASON))
        return
    res = await svc.decide_request(sessions, view.id, staff.id, approve, clock.utcnow(), staff_name=_who(staff),
                                   reason=reason or None)
    if res.outcome is not svc.Outcome.decided or res.view is None:
        await _reply_refused(message, res, bot, clock)
        return
    await message.reply(fmt(t.STAFF_REPLY_DONE, id=view.id,
                            verdict=t.STAFF_DONE_APPROVE if approve else t.STAFF_DONE_REJECT))
    await _finish(bot, message.chat.id, res, approve, _who(staff), clock)


async def _reply_refused(message: Message, res: svc.StaffDecision, bot: Bot, clock: Clock) -> None:
    """A reply to a card that decides nothing: why."""
    if res.outcome is svc.Outcome.self_linked and res.view is not None:
        await message.reply(t.STAFF_SELF_LINKED_ALERT)
        await show_self_linked(bot, message.chat.id, res.view.staff_message_id,
                               svc.ClosedRequest(res.view, res.method or ""), clock)
    elif res.outcome is svc.Outcome.busy:
        await message.reply(t.STAFF_REASON_BUSY)
    elif res.view is not None:
        await message.reply(fmt(t.STAFF_DECIDED_ALREADY, status=t.STAFF_STATUS.get(res.view.status, "")))
    else:
        await message.reply(t.STAFF_MISSING)


async def show_self_linked(bot: Bot, chat_id: int | None, message_id: int | None, closed: svc.ClosedRequest,
                           clock: Clock) -> None:
    """Edit a request's card in the staff chat: the resident linked the account themselves, no buttons."""
    view = closed.view
    await adapter.edit(bot, chat_id, message_id, t.staff_self_linked(view, closed.method, _when(clock, view)))


def router() -> Router:
    r = Router(name="staff_links")
    r.callback_query.register(keep, StaffLinkCD.filter(F.decision == Decision.keep))
    r.callback_query.register(decide, StaffLinkCD.filter())
    return r
