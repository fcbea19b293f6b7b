from __future__ import annotations

from functools import cache

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from bot.texts import common as t


@cache
def main_menu() -> ReplyKeyboardMarkup:
    """The main menu, built once: nearly every answer carries it, and its eight buttons cost a tenth of a /menu
    update to validate anew. Shared by every answer, so it is never changed in place."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=label) for label in row] for row in t.MAIN_MENU],
        resize_keyboard=True,
        is_persistent=True,
    )
