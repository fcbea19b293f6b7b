"""«Настройки»: the one state (typing quiet hours) and the buttons' callback data."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup


class NotifySettings(StatesGroup):
    quiet = State()  # waiting for «22:00-09:00» or «нет»


class Action(StrEnum):
    toggle = "t"
    quiet = "q"
    quiet_default = "d"


class Kind(StrEnum):
    readings = "readings"
    verification = "verification"
    outages = "outages"
    meetings = "meetings"
    news = "news"
    payments = "payments"


class SettingsCD(CallbackData, prefix="set"):
    action: Action
    kind: Kind | None = None
