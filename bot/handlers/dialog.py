"""Helpers every flow uses to leave a dialog the same way."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext

from bot.texts.flows import FLOW_TITLES


def flow_title(state_name: str | None) -> str | None:
    if not state_name:
        return None
    group = state_name.split(":", 1)[0]
    return FLOW_TITLES.get(group)


async def drop_dialog(state: FSMContext) -> tuple[bool, str | None]:
    """Clear the state and data; return (there was a dialog, its title)."""
    current = await state.get_state()
    await state.clear()
    return current is not None, flow_title(current)
