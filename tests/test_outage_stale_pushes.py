"""A push of an outage still waiting in the outbox when the outage changes (held by quiet hours, or not reached by
the sender yet) is never sent: it says what is no longer true. The notice of the new state replaces it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.services.notify.sender import Sender
from bot.services.outages import STALE, change_outage, create_outage, publish_outages, remind_eve
from storage.models import Notification, Outage
from tests.factories import link, world
from tests.pushes import delivered, text_of
from tests.test_outage_registry_vs_staff import imported, registry, setup


async def rows(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).where(Notification.kind.like("outage%"))
                                     .order_by(Notification.id))).scalars())


async def staff_outage_with_eve_queued(sessions, clock) -> Outage:
    """Resident 111 told on the 18th of an outage on the 20th, and on the evening of the 19th reminded (queued)."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    clock.set(dt.datetime(2026, 11, 18, 12, 0))
    o = await create_outage(sessions, clock, house_id=w.house.id, resource="hot_water",
                            starts=dt.datetime(2026, 11, 20, 10), ends=dt.datetime(2026, 11, 20, 18),
                            kind="planned", reason="Замена задвижки")
    assert await publish_outages(sessions, [o.id], clock) == 1
    await delivered(sessions)
    clock.set(dt.datetime(2026, 11, 19, 18, 0))
    assert await remind_eve(sessions, clock) == 1
    return o


async def test_cancelled_outage_sends_no_eve_reminder(sessions, clock, bot):
    o = await staff_outage_with_eve_queued(sessions, clock)

    await change_outage(sessions, clock, o.id, status="cancelled")
    assert await publish_outages(sessions, [o.id], clock) == 1

    eve, cancelled = [n for n in await rows(sessions) if n.status != "sent"]
    assert (eve.kind, eve.status, eve.error) == ("outage_eve", "skipped", STALE)
    assert cancelled.kind == "outage" and cancelled.status == "pending" and "отменено" in text_of(cancelled).lower()
    sent: list[str] = []

    async def send(n: Notification) -> None:
        sent.append(n.kind)

    await Sender(sessions, send, clock, sleep=_no_sleep, per_chat=0).drain()
    assert sent == ["outage"]  # the cancellation only, never «Завтра отключение»


async def test_moved_outage_replaces_its_eve_reminder(sessions, clock):
    o = await staff_outage_with_eve_queued(sessions, clock)

    await change_outage(sessions, clock, o.id, starts=dt.datetime(2026, 11, 20, 12), ends=dt.datetime(2026, 11, 20, 20))
    assert await publish_outages(sessions, [o.id], clock) == 1
    assert await remind_eve(sessions, clock) == 0  # told of the new period on the eve day: no second reminder

    eve, changed = [n for n in await rows(sessions) if n.status != "sent"]
    assert eve.status == "skipped" and "10:00" in text_of(eve)
    assert changed.status == "pending" and "12:00" in text_of(changed) and "Изменено" in text_of(changed)


async def test_a_notice_held_until_morning_gives_way_to_the_new_state(sessions, clock):
    """Published, not sent yet (quiet hours), then moved: the resident gets one notice, of the outage as it is
    now, as one never told — not the old one followed by «Изменено»."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    o = await create_outage(sessions, clock, house_id=w.house.id, resource="cold_water",
                            starts=dt.datetime(2026, 11, 25, 10), ends=dt.datetime(2026, 11, 25, 18),
                            kind="planned", reason=None)
    assert await publish_outages(sessions, [o.id], clock) == 1

    await change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 11, 25, 21))
    assert await publish_outages(sessions, [o.id], clock) == 1

    old, new = await rows(sessions)
    assert (old.status, old.error) == ("skipped", STALE)
    assert new.status == "pending" and new.key.endswith(":r2")
    assert "21:00" in text_of(new) and "Изменено" not in text_of(new)


async def test_a_push_being_sent_is_left_alone(sessions, clock):
    o = await staff_outage_with_eve_queued(sessions, clock)
    async with sessions.begin() as s:
        await s.execute(update(Notification).where(Notification.kind == "outage_eve").values(status="sending"))

    await change_outage(sessions, clock, o.id, status="cancelled")

    (eve,) = [n for n in await rows(sessions) if n.kind == "outage_eve"]
    assert eve.status == "sending"


async def test_registry_correction_drops_the_queued_eve_reminder(settings, sessions, clock, tmp_path):
    folder, o = await setup(settings, sessions, clock, tmp_path)  # hot water on 02.12, resident 701 told
    await delivered(sessions)
    clock.set(dt.datetime(2026, 12, 1, 18, 0))
    assert await remind_eve(sessions, clock) == 1

    await imported(settings, sessions, clock,
                   registry(tmp_path / "r", "hot_water;02.12.2026 10:00;02.12.2026 21:00;planned;Ремонт"))

    eve, changed = [n for n in await rows(sessions) if n.status != "sent"]
    assert (eve.kind, eve.status) == ("outage_eve", "skipped")
    assert changed.kind == "outage" and "21:00" in text_of(changed)
    assert folder


async def _no_sleep(_s: float) -> None:
    return None
