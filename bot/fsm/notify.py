"""Callback data of the buttons under pushes. Ids only; the handlers re-check that the user may see them."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.fsm.ids import Id


class Section(StrEnum):
    readings = "readings"
    voting = "voting"
    house = "house"


class MenuCD(CallbackData, prefix="menu"):
    """Behaves like the main-menu button of that section."""

    section: Section


class OutageInfoCD(CallbackData, prefix="outi"):
    id: Id


class MeterInfoCD(CallbackData, prefix="meti"):
    id: Id
