"""«Настройки»: pushes on/off per kind, quiet hours."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.settings import Action, NotifySettings, SettingsCD
from bot.handlers.dialog import TYPED, leave_dialog
from bot.keyboards.settings import settings_kb
from bot.services.notify import prefs as svc
from bot.services.notify.quiet import QuietError
from bot.texts import common as tc
from bot.texts import settings as t
from bot.views.settings import bad_quiet, settings_text


async def open_settings(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                        settings: Settings) -> None:
    await leave_dialog(message, state, untitled=False)
    p = await svc.get_prefs(sessions, message.from_user.id, settings.quiet_hours)
    await message.answer(settings_text(p), reply_markup=settings_kb(p))


async def toggle(query: CallbackQuery, callback_data: SettingsCD, sessions: async_sessionmaker[AsyncSession],
                 settings: Settings) -> None:
    if callback_data.kind is None:
        await query.answer(tc.STALE_BUTTON, show_alert=True)
        return
    p = await svc.toggle(sessions, query.from_user.id, callback_data.kind.value, settings.quiet_hours)
    await query.answer(t.SAVED)
    await query.message.edit_text(settings_text(p), reply_markup=settings_kb(p))


async def quiet_default(query: CallbackQuery, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                        settings: Settings) -> None:
    await state.clear()
    p = await svc.set_quiet(sessions, query.from_user.id, None, settings.quiet_hours)
    await query.answer(t.SAVED)
    await query.message.edit_text(settings_text(p), reply_markup=settings_kb(p))


async def ask_quiet(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(NotifySettings.quiet)
    await query.answer()
    await query.message.answer(t.ASK_QUIET)


async def got_quiet(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                    settings: Settings) -> None:
    try:
        p = await svc.set_quiet(sessions, message.from_user.id, message.text, settings.quiet_hours)
    except QuietError as exc:
        await message.answer(bad_quiet(exc))
        return
    await state.clear()
    await message.answer(settings_text(p), reply_markup=settings_kb(p))


def router() -> Router:
    r = Router(name="settings")
    r.message.register(open_settings, F.text == tc.BTN_SETTINGS, StateFilter("*"))
    r.callback_query.register(toggle, SettingsCD.filter(F.action == Action.toggle))
    r.callback_query.register(quiet_default, SettingsCD.filter(F.action == Action.quiet_default))
    r.callback_query.register(ask_quiet, SettingsCD.filter(F.action == Action.quiet))
    r.message.register(got_quiet, NotifySettings.quiet, TYPED)
    return r
