"""Staff side of «Подключить лицевой счёт»: «Подтвердить» / «Отклонить» a resident's request in the staff chat.

Included into the ``staff`` router, which lets only staff through (IsStaff)."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.accounts import Decision, StaffLinkCD
from bot.services import accounts as svc
from bot.services.clock import Clock
from bot.texts import accounts as t

log = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="staff_links")

    @r.callback_query(StaffLinkCD.filter())
    async def decide(query: CallbackQuery, callback_data: StaffLinkCD, bot: Bot, clock: Clock,
                     sessions: async_sessionmaker[AsyncSession]) -> None:
        approve = callback_data.decision == Decision.approve
        staff = query.from_user
        res = await svc.decide_request(sessions, callback_data.request_id, staff.id, approve, clock.utcnow())
        if res.outcome == "missing" or res.view is None:
            await query.answer(t.STAFF_MISSING, show_alert=True)
            return
        if res.outcome == "self_linked":
            # the resident proved it themselves: nothing to decide, nothing to tell them
            await query.answer(t.STAFF_SELF_LINKED_ALERT, show_alert=True)
            await show_self_linked(bot, query.message.chat.id, query.message.message_id,
                                   svc.ClosedRequest(res.view, res.method or ""), clock)
            return
        if res.outcome == "already":
            await query.answer(t.STAFF_DECIDED_ALREADY.format(status=t.STAFF_STATUS.get(res.view.status, "")),
                               show_alert=True)
            return
        view = res.view
        await query.answer(t.STAFF_DONE_APPROVE if approve else t.STAFF_DONE_REJECT)
        when = clock.to_local(view.decided_at).strftime("%d.%m.%Y %H:%M") if view.decided_at else ""
        who = f"{escape(staff.full_name)} (id {staff.id})"
        verdict = (t.STAFF_APPROVED if approve else t.STAFF_REJECTED).format(staff=who, when=when)
        try:
            await query.message.edit_text(f"{t.staff_request(view)}\n\n{verdict}", reply_markup=None)
        except (TelegramBadRequest, AttributeError):
            log.warning("could not edit the staff message of link request %s", view.id)
        s = view.summary
        text = (t.RESIDENT_APPROVED if approve else t.RESIDENT_REJECTED).format(
            number=escape(s.number), address=escape(s.address), premises=escape(s.premises))
        try:
            await bot.send_message(view.user_id, text)
        except TelegramAPIError:
            log.warning("could not tell user %s about link request %s", view.user_id, view.id)

    return r


async def show_self_linked(bot: Bot, chat_id: int | None, message_id: int | None, closed: svc.ClosedRequest,
                           clock: Clock) -> None:
    """Edit a request's message in the staff chat: the resident linked the account themselves, no buttons."""
    if chat_id is None or message_id is None:
        return
    view = closed.view
    when = clock.to_local(view.decided_at).strftime("%d.%m.%Y %H:%M") if view.decided_at else ""
    try:
        await bot.edit_message_text(t.staff_self_linked(view, closed.method, when), chat_id=chat_id,
                                    message_id=message_id, reply_markup=None)
    except TelegramAPIError:  # too old, deleted, already edited, the staff chat changed
        log.warning("could not edit the staff message of link request %s", view.id)
