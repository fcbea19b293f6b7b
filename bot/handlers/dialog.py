"""The dialog kit every flow uses: leaving a dialog the same way, and the filter for text typed into a step."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.keyboards.common import main_menu
from bot.texts import common as ct
from bot.texts.flows import FLOW_TITLES

# main-menu words are never taken as an answer: those buttons work from any state and leave the dialog
MENU_WORDS = frozenset(label for row in ct.MAIN_MENU for label in row)
NOT_MENU = ~F.text.in_(MENU_WORDS)
# free text typed into a step: not a command, not a main-menu button
TYPED = F.text & ~F.text.startswith("/") & NOT_MENU
# anything sent to a step that waits for a button (text, a sticker, a photo) but a command or a main-menu button:
# those go on to their sections (/vote, /appeal …), which leave the dialog
NOT_COMMAND = ~F.text.startswith("/") & NOT_MENU


# steps that only show something (the accounts to pay, the amount due): leaving one before anything was typed or
# chosen there (no ``amount`` in the data yet) loses nothing, so it is not announced as «отменено»
BROWSING = frozenset({"PayFlow:account", "PayFlow:amount"})


def flow_title(state_name: str | None) -> str | None:
    if not state_name:
        return None
    group = state_name.split(":", 1)[0]
    return FLOW_TITLES.get(group)


async def drop_dialog(state: FSMContext) -> tuple[bool, str | None]:
    """Clear the state and data; return (there was a dialog, its title)."""
    current = await state.get_state()
    if current is None and not await state.get_data():
        return False, None  # nothing to clear: no write
    await state.clear()
    return current is not None, flow_title(current)


async def leave_dialog(event: Message | CallbackQuery, state: FSMContext, *, menu: bool = True,
                       untitled: bool = True, asked: bool = False) -> bool:
    """Leave whatever dialog is open (a main-menu button or a new flow started from inside another) and say so:
    «<flow>: отменено …». ``menu``: the notice brings the main menu back; ``untitled``: a dialog without a title
    is announced too; ``asked``: the resident asked to cancel (/cancel), so even a step that only showed something
    (``BROWSING``) is answered. Returns whether there was a dialog. A dialog that keeps a saved draft (``draft_id``
    in its data: an appeal «Не отправлено») says the draft stays as it was saved, or — one the dialog kept by
    itself (``autosaved``) — that what was typed is in it."""
    data = await state.get_data()
    kept, autosaved = bool(data.get("draft_id")), bool(data.get("autosaved"))
    browsing = not asked and await state.get_state() in BROWSING and not data.get("amount")
    had, title = await drop_dialog(state)
    if not had or (title is None and not untitled) or browsing:
        return had
    if kept:
        words = ct.CANCELLED_DRAFT_AUTOSAVED if autosaved else ct.CANCELLED_DRAFT_KEPT
        text = words.format(flow=title or ct.CANCELLED_GENERIC_FLOW)
    else:
        text = ct.CANCELLED.format(flow=title) if title else ct.CANCELLED_GENERIC
    message = event.message if isinstance(event, CallbackQuery) else event
    if message is not None:
        await message.answer(text, reply_markup=main_menu() if menu else None)
    return had
