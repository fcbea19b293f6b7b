"""Callback data of the buttons under pushes. Ids only; the handlers re-check that the user may see them.

«Передать показания» carries the readings flow's own ``MeterCD`` (bot/fsm/readings.py); the others are here.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.fsm.ids import Id


class OutageInfoCD(CallbackData, prefix="outi"):
    """«Подробнее» under an outage notice: the outage card."""

    id: Id


class MeterInfoCD(CallbackData, prefix="meti"):
    """«Подробнее» under a verification reminder."""

    id: Id


# «Оплатить» under a push: bot.fsm.payments.PayCD(action=PayAction.account, id=account_id), the payment flow's own
