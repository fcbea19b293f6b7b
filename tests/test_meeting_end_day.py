"""A meeting made in the bot for «10.12.2026 — 20.12.2026» ends on the 20th everywhere: the staff list, the resident's
list and card, the eve push (on the 19th) and the protocol; stored as before (00:00 of the 21st). «-» for the
administrator names the УК — in the preview, on the card and in the protocol alike."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from bot.services import protocol_pdf
from bot.services.notify import reminders
from bot.services.voting import service as svc
from bot.texts import voting as t
from storage.models import Meeting, Notification
from tests.pushes import shown
from tests.test_voting_pushes import parking_survey

UK = "ООО «УК Тестовая»"


async def pushes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


async def test_last_day_is_the_day_typed_and_the_administrator_is_the_uk(staff, client, sessions, clock):
    replies = await parking_survey(staff, sessions, "10.12.2026 — 20.12.2026")
    assert "10.12.2026 — 20.12.2026" in replies[-1].text and f"Администратор: {UK}" in replies[-1].text
    replies = await staff.click(t.BTN_PUBLISH)
    assert "Собственников с записью в ЕГРН (они голосуют): 1, из них в боте (поделились номером телефона): 1" in replies[-1].text
    async with sessions() as s:
        m = (await s.execute(select(Meeting))).scalars().one()
    assert (m.starts_at, m.ends_at) == (dt.datetime(2026, 12, 9, 21, 0), dt.datetime(2026, 12, 20, 21, 0))  # as before
    assert m.administrator == UK  # «-» stored as the УК the preview named

    replies = await staff.send("/meetings")
    assert "10.12 — 20.12.2026" in replies[-1].text

    clock.set(dt.datetime(2026, 12, 15, 12, 0))
    assert await reminders.remind_meetings(sessions, clock) == 1  # «началось»
    replies = await client.send("/vote")
    assert "10.12 — 20.12.2026" in replies[-1].text
    replies = await client.click(replies[-1].buttons[0])
    card = replies[-1].text
    assert "Голосование: 10.12.2026 в 00:00 — 20.12.2026 в 23:59" in card and f"Администратор: {UK}" in card
    assert "Голосование до 20 декабря, 23:59" in shown((await pushes(sessions))[0])

    clock.set(dt.datetime(2026, 12, 18, 12, 0))
    assert await reminders.remind_meetings(sessions, clock) == 0
    clock.set(dt.datetime(2026, 12, 19, 10, 0))  # the eve of the last day, 20.12
    assert await reminders.remind_meetings(sessions, clock) == 1
    eve = (await pushes(sessions))[-1]
    assert eve.kind == "meeting_end" and "Завтра заканчивается" in shown(eve) and "до 20 декабря, 23:59" in shown(eve)

    clock.set(dt.datetime(2026, 12, 20, 23, 0))
    replies = await client.click(t.BTN_LIST)
    replies = await client.click(client.last.buttons[0])
    assert "(последний день)" in replies[-1].text

    clock.set(dt.datetime(2026, 12, 21, 0, 30))
    assert await svc.close_due(sessions, clock.utcnow()) == [m.id]
    data = await svc.protocol_data(sessions, m.id)
    pdf = protocol_pdf.render(data, clock.to_local)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"Администратор собрания: {UK}" in text and "не указан" not in text
    assert "по 20.12.2026 23:59" in text


def test_an_explicit_end_stays_as_it_is(clock):
    at_20 = clock.to_utc(dt.datetime(2026, 12, 20, 20, 0))
    midnight = clock.to_utc(dt.datetime(2026, 12, 21, 0, 0))
    assert t.until(at_20, clock.to_local) == "20.12.2026 в 20:00"
    assert t.until(midnight, clock.to_local) == "20.12.2026 в 23:59"
    assert t.last_day(midnight, clock.to_local) == t.last_day(at_20, clock.to_local) == "20.12.2026"
