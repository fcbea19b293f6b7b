"""«Настройки»: pushes on/off, quiet hours; and the buttons under pushes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.fsm.notify import OutageInfoCD
from bot.services.outages import create_outage
from bot.texts import common as tc
from bot.texts import settings as t
from storage.models import User
from tests.factories import link, world


async def user(sessions, user_id: int = 111) -> User:
    async with sessions() as s:
        return (await s.execute(select(User).where(User.id == user_id))).scalar_one()


async def test_toggle_kinds(client, sessions):
    await client.send("/start")
    (reply,) = await client.send(tc.BTN_SETTINGS)
    assert "Тихие часы: <b>22:00–09:00</b> (по умолчанию)" in reply.text
    assert f"{t.ON} {t.KIND_LABELS['outages']}" in reply.buttons
    (ans, edited) = await client.click(f"{t.ON} {t.KIND_LABELS['outages']}")
    assert ans.text == t.SAVED and f"{t.OFF} {t.KIND_LABELS['outages']}" in edited.buttons
    assert (await user(sessions)).notify_outages is False
    await client.click(f"{t.OFF} {t.KIND_LABELS['outages']}")
    assert (await user(sessions)).notify_outages is True


async def test_quiet_hours_bad_input_keeps_step(client, sessions, dp):
    await client.send("/start")
    await client.send(tc.BTN_SETTINGS)
    await client.click("🌙 Тихие часы: 22:00–09:00")
    (reply,) = await client.send("когда угодно")
    assert reply.text.startswith("Не понял")
    (reply,) = await client.send("23:30-07:00")
    assert "<b>23:30–07:00</b>" in reply.text and "по умолчанию" not in reply.text
    assert "ждут до 07:00" in reply.text and "захватывают день" not in reply.text
    u = await user(sessions)
    assert (u.quiet_from, u.quiet_to) == (23 * 60 + 30, 7 * 60)
    await client.click(t.BTN_QUIET_DEFAULT)
    u = await user(sessions)
    assert u.quiet_from is None and u.quiet_to is None
    await client.click("🌙 Тихие часы: 22:00–09:00")
    (reply,) = await client.send("нет")
    assert "Тихие часы: <b>нет</b>" in reply.text
    assert t.QUIET_NONE_NOTE in reply.text and "В это время" not in reply.text  # no «в это время …» with none


async def test_daytime_quiet_hours_are_said_to_cover_the_day(client):
    await client.send("/start")
    await client.send(tc.BTN_SETTINGS)
    await client.click("🌙 Тихие часы: 22:00–09:00")
    (reply,) = await client.send("с 8 до 23")  # «с 23 до 8» typed the wrong way round
    assert "<b>08:00–23:00</b>" in reply.text and "ждут до 23:00" in reply.text and "ждут утра" not in reply.text
    assert "захватывают день (12:00)" in reply.text and "«с 23 до 8»" in reply.text


async def test_menu_button_during_quiet_step_leaves_it(client):
    await client.send("/start")
    await client.send(tc.BTN_SETTINGS)
    await client.click("🌙 Тихие часы: 22:00–09:00")
    replies = await client.send(tc.BTN_SETTINGS)
    assert any("Настройки уведомлений" in r.text for r in replies)


async def test_push_buttons(client, sessions, clock):
    w = await world(sessions)
    await client.send("/start")
    info = await create_outage(sessions, clock, house_id=w.house.id, resource="hot_water",
                               starts=dt.datetime(2026, 11, 20, 10), ends=dt.datetime(2026, 11, 21, 18),
                               kind="planned", reason="опрессовка")
    (reply,) = [r for r in await client.click_data(OutageInfoCD(id=info.id).pack()) if r.method == "sendMessage"]
    assert "Сведений об этом отключении больше нет" in reply.text  # not linked to this house: nothing shown
    await link(sessions, client.user.id, w.account)
    (reply,) = [r for r in await client.click_data(OutageInfoCD(id=info.id).pack()) if r.method == "sendMessage"]
    assert "горячей воды" in reply.text and "опрессовка" in reply.text
    # the dead end «ask the УК» gives both the УК's phone and its dispatcher's
    assert "телефон УК: +74951234567" in reply.text and "диспетчер: +74957654321" in reply.text
