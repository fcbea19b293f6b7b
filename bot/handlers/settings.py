"""«Настройки»: pushes on/off per kind, quiet hours."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.fsm.settings import Action, NotifySettings, SettingsCD
from bot.handlers.dialog import drop_dialog
from bot.keyboards.common import main_menu
from bot.keyboards.settings import quiet_label, settings_kb
from bot.services.notify import prefs as svc
from bot.texts import common as tc
from bot.texts import settings as t


def render(p: svc.Prefs) -> str:
    return t.TITLE.format(quiet=quiet_label(p), default=t.QUIET_DEFAULT_MARK if p.quiet_is_default else "")


def router() -> Router:
    r = Router(name="settings")

    @r.message(F.text == tc.BTN_SETTINGS, StateFilter("*"))
    async def open_settings(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                            settings: Settings) -> None:
        had, title = await drop_dialog(state)
        if had and title:
            await message.answer(tc.CANCELLED.format(flow=title), reply_markup=main_menu())
        p = await svc.get_prefs(sessions, message.from_user.id, settings.quiet_hours)
        await message.answer(render(p), reply_markup=settings_kb(p))

    @r.callback_query(SettingsCD.filter(F.action == Action.toggle))
    async def toggle(query: CallbackQuery, callback_data: SettingsCD, sessions: async_sessionmaker[AsyncSession],
                     settings: Settings) -> None:
        if callback_data.kind is None:
            await query.answer(tc.STALE_BUTTON, show_alert=True)
            return
        p = await svc.toggle(sessions, query.from_user.id, callback_data.kind.value, settings.quiet_hours)
        await query.answer(t.SAVED)
        await query.message.edit_text(render(p), reply_markup=settings_kb(p))

    @r.callback_query(SettingsCD.filter(F.action == Action.quiet_default))
    async def quiet_default(query: CallbackQuery, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                            settings: Settings) -> None:
        await state.clear()
        p = await svc.set_quiet(sessions, query.from_user.id, None, settings.quiet_hours)
        await query.answer(t.SAVED)
        await query.message.edit_text(render(p), reply_markup=settings_kb(p))

    @r.callback_query(SettingsCD.filter(F.action == Action.quiet))
    async def ask_quiet(query: CallbackQuery, state: FSMContext) -> None:
        await state.set_state(NotifySettings.quiet)
        await query.answer()
        await query.message.answer(t.ASK_QUIET)

    @r.message(NotifySettings.quiet, F.text)
    async def got_quiet(message: Message, state: FSMContext, sessions: async_sessionmaker[AsyncSession],
                        settings: Settings) -> None:
        try:
            p = await svc.set_quiet(sessions, message.from_user.id, message.text, settings.quiet_hours)
        except ValueError as exc:
            await message.answer(t.BAD_QUIET.format(error=exc))
            return
        await state.clear()
        await message.answer(render(p), reply_markup=settings_kb(p))

    return r
