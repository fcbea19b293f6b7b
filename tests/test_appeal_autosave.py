"""An appeal being written is kept as a draft from its text on: a tap on a menu button or another section's command
does not throw away what was typed; «Отменить» still discards it (a draft saved with «Сохранить» stays)."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.appeals import drafts
from bot.texts import appeals as t
from bot.texts import common as ct
from storage.models import Appeal
from tests.test_appeals_compose import photo, resident, walk_to

LONG = "В подъезде третью неделю не работает освещение на 3–5 этажах. " * 40


async def rows(sessions) -> list[Appeal]:
    async with sessions() as s:
        return list((await s.execute(select(Appeal).order_by(Appeal.id))).scalars())


async def test_a_menu_button_after_the_text_keeps_it_in_a_draft(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "text")
    assert await rows(sessions) == []  # nothing typed that would be hard to type again: no draft yet
    (taken,) = await client.send(LONG)
    (a,) = await rows(sessions)
    assert a.status == "draft" and a.user_id == client.user.id

    replies = await client.send(ct.BTN_READINGS)  # a tap on the menu, not «Отменить»
    assert ct.CANCELLED_DRAFT_AUTOSAVED.format(flow=t.FLOW) in [r.text for r in replies]
    (a,) = await rows(sessions)
    f = await drafts.load_draft(sessions, client.user.id, a.id)
    assert f.text.strip() == LONG.strip() and f.surname and f.house_id  # every step's answer, the text whole


async def test_another_section_keeps_the_files_too(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "files")
    await photo(client)
    replies = await client.send(ct.BTN_ACCOUNTS)
    assert ct.CANCELLED_DRAFT_AUTOSAVED.format(flow=t.FLOW) in [r.text for r in replies]
    (a,) = await rows(sessions)
    assert len((await drafts.load_draft(sessions, client.user.id, a.id)).files) == 1


async def test_cancel_discards_the_draft_the_dialog_kept(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "files")
    assert len(await rows(sessions)) == 1
    replies = await client.click(t.BTN_CANCEL)
    assert replies[-1].text == t.CANCELLED.format(flow=t.FLOW)
    assert await rows(sessions) == []


async def test_a_draft_saved_by_the_resident_is_not_overwritten_by_the_dialog(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "text")
    await client.send("Первая версия текста обращения.")
    await client.click(t.BTN_SAVE)
    await client.send("Вторая часть, не сохранённая.")
    replies = await client.click(t.BTN_CANCEL)
    assert "Черновик остался в «Не отправлено»" in replies[-1].text
    (a,) = await rows(sessions)
    f = await drafts.load_draft(sessions, client.user.id, a.id)
    assert f.text == "Первая версия текста обращения."
