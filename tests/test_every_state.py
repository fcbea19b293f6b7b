"""Every state of every dialog: nonsense gets an answer (never silence), /cancel leaves it and names it.

The dialog's data is empty here (only the state is set), so a step that needs what earlier steps collected may
answer with the apology; what matters is that nobody is left without an answer and /cancel always works."""

from __future__ import annotations

import pytest
from aiogram.fsm.state import StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.fsm import accounts, readings, settings, staff_outage
from bot.texts.flows import FLOW_TITLES

GROUPS: list[type[StatesGroup]] = [accounts.LinkAccount, readings.SubmitReading, settings.NotifySettings,
                                   staff_outage.StaffOutage, staff_outage.StaffOutageEdit,
                                   staff_outage.StaffBroadcast]
STATES = [(group, state.state) for group in GROUPS for state in group.__all_states__]


@pytest.mark.parametrize(("group", "state"), STATES, ids=[s for _, s in STATES])
async def test_nonsense_then_cancel(group, state, dp, bot, client, staff, sessions):
    from tests.factories import world

    await world(sessions)
    who = staff if group.__name__.startswith("Staff") else client
    key = StorageKey(bot_id=bot.id, chat_id=who.chat.id, user_id=who.user.id)
    await dp.storage.set_state(key, state)

    replies = await who.send("ъъъ !!! 12,3,4 zzz")
    texts = [r.text for r in replies if r.text]
    assert texts, f"{state}: nonsense went unanswered"

    await dp.storage.set_state(key, state)  # nonsense may have moved the dialog on; cancel from this step
    replies = await who.send("/cancel")
    assert await dp.storage.get_state(key) is None
    assert any(FLOW_TITLES[group.__name__] in r.text and "отменено" in r.text for r in replies), replies
