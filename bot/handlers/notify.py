"""The buttons under pushes: «Подробнее» (the outage card, a meter's verification), «Проголосовать», «Оплатить».

«Передать показания» carries the readings flow's own ``MeterCD`` and is handled there.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.notify import MeterInfoCD, OutageInfoCD
from bot.keyboards import my_appeals as appeal_kb
from bot.services import outages
from bot.services.clock import Clock
from bot.services.notify.reminders import meter_for_user
from bot.texts import notify as t
from bot.views.outages import card_text
from bot.views.pushes import verification_info


async def outage_info(query: CallbackQuery, callback_data: OutageInfoCD, sessions: async_sessionmaker[AsyncSession],
                      clock: Clock) -> None:
    card = await outages.outage_for_user(sessions, query.from_user.id, callback_data.id, clock)
    await query.answer()
    if card is None:
        await query.message.answer(t.OUTAGE_GONE)
        return
    o = card.outage
    markup = (InlineKeyboardMarkup(inline_keyboard=[[appeal_kb.outage(o.resource, o.house_id)]])
              if o.status == "active" and o.house_id else None)
    await query.message.answer(card_text(card), reply_markup=markup)


async def meter_info(query: CallbackQuery, callback_data: MeterInfoCD,
                     sessions: async_sessionmaker[AsyncSession]) -> None:
    meter = await meter_for_user(sessions, query.from_user.id, callback_data.id)
    await query.answer()
    if meter is None:
        await query.message.answer(t.METER_GONE)
        return
    await query.message.answer(verification_info(meter.resource, meter.serial, meter.due))


def router() -> Router:
    r = Router(name="push_buttons")
    r.callback_query.register(outage_info, OutageInfoCD.filter())
    r.callback_query.register(meter_info, MeterInfoCD.filter())
    return r
