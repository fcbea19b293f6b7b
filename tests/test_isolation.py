"""One update at a time per user and chat: two quick messages of one resident never run their handlers side by side
(both would read the dialog, then both write it); different residents are not held up by each other."""

from __future__ import annotations

import asyncio
import time

from storage.fsm import LocalEventIsolation


async def test_one_users_updates_run_one_at_a_time(dp, make_client):
    spans: dict[str, list[tuple[float, float]]] = {}

    async def record(handler, event, data):
        start = time.monotonic()
        await asyncio.sleep(0.05)  # a slow Bot API call inside the handler
        try:
            return await handler(event, data)
        finally:
            spans.setdefault(event.text, []).append((start, time.monotonic()))

    dp.message.middleware(record)
    one, other = make_client(user_id=701), make_client(user_id=702)
    await asyncio.gather(one.send("/help"), one.send("/menu"), other.send("/start"))

    (a,), (b,), (c,) = spans["/help"], spans["/menu"], spans["/start"]
    first, second = sorted([a, b])
    assert second[0] >= first[1], "the same user's two updates overlapped"
    assert c[0] < first[1] or c[0] < second[1], "another user's update waited for this one's"
    isolation = dp.fsm.events_isolation
    if isinstance(isolation, LocalEventIsolation):  # one process: no lock is kept for users not being served
        assert isolation.held == 0
