from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fsm.settings import Action, Kind, SettingsCD
from bot.services.notify.prefs import Prefs
from bot.texts import settings as t
from bot.views.settings import quiet_label


def settings_kb(p: Prefs) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=f"{t.ON if p.enabled[k] else t.OFF} {t.KIND_LABELS[k]}",
                                  callback_data=SettingsCD(action=Action.toggle, kind=Kind(k)).pack())]
            for k in t.KIND_LABELS]
    rows.append([InlineKeyboardButton(text=t.BTN_QUIET.format(quiet=quiet_label(p)),
                                      callback_data=SettingsCD(action=Action.quiet).pack())])
    if not p.quiet_is_default:
        rows.append([InlineKeyboardButton(text=t.BTN_QUIET_DEFAULT,
                                          callback_data=SettingsCD(action=Action.quiet_default).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)
