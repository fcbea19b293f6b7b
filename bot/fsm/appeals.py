"""The compose dialog of an appeal («Направить обращение или жалобу»): its states and buttons."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.fsm.ids import Id, Token


class AppealNewCD(CallbackData, prefix="apn"):
    """«Написать обращение» from anywhere: a new appeal with the topic and the house filled in (0 / "" = not
    given), or a complaint to the ГЖИ prefilled from the resident's appeal ``parent``."""

    topic: Token = ""
    house: Id = 0
    parent: Id = 0


class AppealsMenuCD(CallbackData, prefix="apm"):
    """The «Обращения» menu: ``new`` — «Направить обращение или жалобу» (the compose dialog), ``mine`` —
    «Собственные обращения» (the list)."""

    action: Token
