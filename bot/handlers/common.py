"""/start, /menu, /help, /cancel — the frame of the conversation, reachable from every state."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.handler import CallableObject, CallbackType
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.filters import HELP, MENU, cancel_words, typed_section
from bot.handlers.dialog import flow_title, leave_dialog
from bot.keyboards.accounts import link_offer
from bot.keyboards.common import main_menu
from bot.services import users
from bot.texts import common as t
from bot.texts.accounts import START_OFFER
from bot.texts.render import Html, fmt

Sessions = async_sessionmaker[AsyncSession]

# main-menu sections whose flows are not built yet; a flow removes its button from here when it lands
NOT_READY: tuple[str, ...] = ()


async def start(message: Message, state: FSMContext, sessions: Sessions) -> None:
    await state.clear()
    u = message.from_user
    profile = await users.register(sessions, u.id, u.first_name, u.last_name, u.username, u.language_code)
    text = t.START_NEW if profile.linked_accounts == 0 else t.START_AGAIN
    await message.answer(fmt(text, name=profile.first_name or t.DEFAULT_NAME), reply_markup=main_menu())
    if profile.linked_accounts == 0:
        await message.answer(START_OFFER, reply_markup=link_offer())


async def menu(message: Message, state: FSMContext) -> None:
    await leave_dialog(message, state, menu=False)
    await message.answer(t.MENU, reply_markup=main_menu())


async def help_(message: Message) -> None:
    await message.answer(t.HELP, reply_markup=main_menu())


async def cancel(message: Message, state: FSMContext) -> None:
    if not await leave_dialog(message, state, asked=True):
        await message.answer(t.NOTHING_TO_CANCEL, reply_markup=main_menu())


async def not_ready_section(message: Message, state: FSMContext) -> None:
    await leave_dialog(message, state, menu=False)
    await message.answer(fmt(t.NOT_READY, section=message.text), reply_markup=main_menu())


def router(not_ready: tuple[str, ...] = NOT_READY) -> Router:
    r = Router(name="common")
    r.message.register(start, CommandStart(), StateFilter("*"))
    r.message.register(menu, Command("menu"), StateFilter("*"))
    r.message.register(help_, Command("help"), StateFilter("*"))
    r.message.register(cancel, Command("cancel"), StateFilter("*"))
    r.message.register(cancel, cancel_words, StateFilter("*"))
    r.message.register(not_ready_section, F.text.in_(set(not_ready)), StateFilter("*"))
    return r


def in_flow(state: str | None) -> str:
    title = flow_title(state)
    return t.IN_FLOW.format(title=title) if title else t.IN_DIALOG


async def unknown_message(message: Message, state: FSMContext) -> None:
    from bot.texts.flows import STATE_HINTS

    current = await state.get_state()
    if current is None:
        await message.answer(t.UNKNOWN_INPUT, reply_markup=main_menu())
        return
    hint = STATE_HINTS.get(current) or in_flow(current)
    await message.answer(fmt(t.UNKNOWN_IN_STATE, hint=Html(hint)))


async def unknown_in_group_dialog(message: Message, state: FSMContext) -> None:
    """In a group (the staff chat) only someone in the middle of a dialog gets a hint; chatter is ignored."""
    from bot.texts.flows import STATE_HINTS

    current = await state.get_state()
    hint = STATE_HINTS.get(current) or in_flow(current)
    await message.reply(fmt(t.UNKNOWN_IN_STATE, hint=Html(hint)))


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(t.STALE_BUTTON, show_alert=True)


Sections = dict[str, CallbackType]


def fallback_router(sections: Sections | None = None) -> Router:
    """Whatever nobody else understood. Included last by ``setup_routers``, never by position alone. ``sections``:
    the handler of each main-menu button (by its label), for the words residents type instead of pressing it."""
    r = Router(name="fallback")
    handlers: dict[str, CallableObject] = {MENU: CallableObject(menu), HELP: CallableObject(help_)}
    handlers |= {label: CallableObject(h) for label, h in (sections or {}).items()}

    async def typed_menu_word(message: Message, section: str, **data: Any) -> None:
        """«показания», «жалоба», «помощь» typed outside a dialog: what the button (or /help) would answer."""
        handler = handlers.get(section)
        if handler is None:
            await unknown_message(message, data["state"])
            return
        await handler.call(message, **data)

    r.message.register(typed_menu_word, F.chat.type == "private", typed_section)
    r.message.register(unknown_message, F.chat.type == "private", StateFilter("*"))
    r.message.register(unknown_in_group_dialog, ~F.chat.type.in_({"private", "channel"}), ~StateFilter(None))
    r.callback_query.register(stale_button)
    return r
