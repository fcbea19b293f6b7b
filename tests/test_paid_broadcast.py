"""PAID_BROADCAST: urgent pushes go as Telegram's paid broadcast (allow_paid_broadcast, up to 1 000 a second) at
PAID_SEND_RATE; ordinary ones keep SEND_RATE and never carry the flag; together they never pass PAID_SEND_RATE;
a stop mid-broadcast repeats nothing and leaves no claimed row behind but the one in flight."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from bot.app import build_bot
from bot.config import SettingsError, load_settings
from bot.notify_adapter import telegram_sender
from bot.scheduler import build_sender
from bot.services.notify.outbox import enqueue
from bot.services.notify.sender import CATCH_UP, PAID_CATCH_UP, Outgoing, RetryAfter, Sender
from bot.web import Metrics
from storage.models import Notification
from tests.harness import RecordingSession
from tests.test_notify_sender import FakeTime, push, users
from tests.test_web import metric


class YieldingTime(FakeTime):
    """FakeTime whose sleep lets the other tasks run first (the message just handed over is sent at its slot's
    time, not after the next slot's sleep)."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)
        await super().sleep(seconds)


def sender_for(sessions, clock, send, ft: FakeTime, **kw) -> Sender:
    return Sender(sessions, send, clock, monotonic=ft.monotonic, sleep=ft.sleep, quiet_hours="off", **kw)


class Recorder:
    def __init__(self, ft: FakeTime) -> None:
        self.ft = ft
        self.calls: list[tuple[float, int, bool, bool]] = []  # time, user, urgent, paid

    async def __call__(self, msg: Outgoing) -> None:
        self.calls.append((self.ft.t, msg.user_id, msg.urgent, msg.paid))


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0 + 1e-9:  # a window of one second, float sums aside
            j += 1
        best = max(best, i - j + 1)
    return best


async def test_urgent_pushes_go_paid_at_the_paid_rate_ordinary_ones_at_the_free_rate(sessions, clock):
    await users(sessions, *range(1, 401))
    urgent = [push(u, "emergency", urgent=True) for u in range(1, 301)]
    ordinary = [push(u, "news", kind="news") for u in range(301, 401)]
    assert await enqueue(sessions, urgent + ordinary, clock) == 400
    ft = YieldingTime(clock)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft, rate=25, paid_rate=100).drain()
    assert stats.sent == 400 and stats.flood_waits == 0
    paid = [t for t, _, urgent, p in send.calls if p]
    free = [t for t, _, urgent, p in send.calls if not p]
    assert len(paid) == 300 and all(u for _, _, u, p in send.calls if p)  # exactly the urgent ones are paid
    assert len(free) == 100 and not any(u for _, _, u, p in send.calls if not p)
    # urgent first, at 100/s: 300 in about 3 s; then the ordinary ones at 25/s
    assert max(paid) < min(free)
    assert max(paid) - min(paid) == pytest.approx(299 / 100, abs=CATCH_UP + 1e-6)
    assert max(free) - min(free) == pytest.approx(99 / 25, abs=CATCH_UP + 1e-6)
    assert most_in_a_second(paid) <= 100 and most_in_a_second(free) <= 25
    assert most_in_a_second(paid + free) <= 100


async def test_mixed_traffic_never_passes_the_paid_rate_in_all(sessions, clock):
    """Ordinary pushes at the free rate take slots of the paid rate too: both kinds together stay under it."""
    await users(sessions, *range(1, 601))
    # interleaved in the outbox: the sender still takes the urgent ones first, batch by batch
    pushes = [push(u, "x", urgent=u % 2 == 0) if u % 2 == 0 else push(u, "x", kind="news") for u in range(1, 601)]
    await enqueue(sessions, pushes, clock)
    ft = YieldingTime(clock)
    send = Recorder(ft)
    await sender_for(sessions, clock, send, ft, rate=30, paid_rate=60, batch=50).drain()
    times = [t for t, *_ in send.calls]
    assert len(times) == 600
    assert most_in_a_second(times) <= 60
    assert most_in_a_second([t for t, _, _, p in send.calls if not p]) <= 30


async def test_without_paid_broadcast_urgent_pushes_keep_the_free_rate_and_no_flag(sessions, clock):
    await users(sessions, *range(1, 61))
    await enqueue(sessions, [push(u, "emergency", urgent=True) for u in range(1, 61)], clock)
    ft = YieldingTime(clock)
    send = Recorder(ft)
    await sender_for(sessions, clock, send, ft, rate=25).drain()
    assert len(send.calls) == 60 and not any(p for *_, p in send.calls)
    times = [t for t, *_ in send.calls]
    assert max(times) - min(times) == pytest.approx(59 / 25, abs=CATCH_UP + 1e-6)
    assert most_in_a_second(times) <= 25


async def test_the_telegram_call_carries_allow_paid_broadcast_only_when_paid(sessions, clock, settings):
    await users(sessions, 1, 2, 3)
    await enqueue(sessions, [push(1, "e", urgent=True), push(2, "e", urgent=True), push(3, "n", kind="news")], clock)
    session = RecordingSession()
    bot = build_bot(settings, session=session, retry=False)
    metrics = Metrics()
    metrics.watch_pushes(bot)
    ft = YieldingTime(clock)
    stats = await sender_for(sessions, clock, telegram_sender(bot), ft, rate=25, paid_rate=1000).drain()
    assert stats.sent == 3
    sent = {r.chat_id: r for r in session.requests if isinstance(r, SendMessage)}
    assert sent[1].allow_paid_broadcast is True and sent[2].allow_paid_broadcast is True
    assert sent[3].allow_paid_broadcast is None  # an ordinary push is never paid for
    page = metrics.render().decode()
    assert metric(page, "bot_pushes_sent_total", paid="true") == 2
    assert metric(page, "bot_pushes_sent_total", paid="false") == 1
    async with sessions() as s:
        rows = (await s.execute(select(Notification).order_by(Notification.id))).scalars().all()
    assert [r.status for r in rows] == ["sent"] * 3 and all(r.sent_at is not None and r.text for r in rows)


# one pass (1 000 rows read, claimed 50 at a time); or past the first pass (100/s: 200 rows read, then 25 at a time
# read ahead while the pass before is sent, the next pass's first group claimed while its last one is paced)
@pytest.mark.parametrize(("n", "paid_rate", "crash"), [(300, 1000, 70), (700, 100, 205), (700, 100, 250)])
async def test_a_stop_mid_paid_broadcast_repeats_nothing_and_gives_back_what_it_claimed(sessions, clock, n,
                                                                                       paid_rate, crash):
    await users(sessions, *range(1, n + 1))
    await enqueue(sessions, [push(u, "emergency", urgent=True) for u in range(1, n + 1)], clock)
    ft = YieldingTime(clock)
    delivered: list[int] = []

    class Crash(BaseException):
        pass

    async def dying(msg: Outgoing) -> None:
        delivered.append(msg.user_id)
        if len(delivered) == crash:  # Telegram took this message; the process stops before marking it
            first.stop()
            raise Crash

    first = sender_for(sessions, clock, dying, ft, rate=25, paid_rate=paid_rate)
    await first.drain()
    async with sessions() as s:
        status = [r for r in (await s.execute(select(Notification.status))).scalars()]
    # the one in flight stays 'sending' (never repeated); the rest of its group and the next group, claimed
    # ahead, are pending again; everything before it is marked sent
    # (a message or two more may have gone before the stop was seen: Telegram took them, they are marked sent)
    assert status.count("sending") == 1 and status.count("sent") == len(delivered) - 1
    assert status.count("pending") == n - len(delivered) and len(delivered) <= crash + 2
    clock.advance(minutes=5)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft, rate=25, paid_rate=paid_rate).drain()
    again = [u for _, u, _, _ in send.calls]
    assert not set(again) & set(delivered)
    assert sorted(again + delivered) == list(range(1, n + 1))
    assert stats.interrupted == 1 and all(p for *_, p in send.calls)


@pytest.mark.parametrize(("n", "paid_rate", "refused"), [(200, 1000, 10), (600, 100, 230)])
async def test_a_429_mid_paid_broadcast_pauses_everything_and_holds_nothing_claimed(sessions, clock, n, paid_rate,
                                                                                   refused):
    await users(sessions, *range(1, n + 1))
    await enqueue(sessions, [push(u, "emergency", urgent=True) for u in range(1, n + 1)], clock)
    ft = YieldingTime(clock)
    calls: list[tuple[float, int]] = []
    sending_during_pause: list[int] = []

    async def send(msg: Outgoing) -> None:
        calls.append((ft.t, msg.user_id))
        if msg.user_id == refused and sum(1 for _, u in calls if u == refused) == 1:
            raise RetryAfter(3)

    sender = sender_for(sessions, clock, send, ft, rate=25, paid_rate=paid_rate)
    real_sleep = ft.sleep

    async def sleep(seconds: float) -> None:
        if seconds >= 1:  # the 429 pause: what is 'sending' now waits through it
            async with sessions() as s:
                sending_during_pause.append(len((await s.execute(
                    select(Notification.id).where(Notification.status == "sending"))).all()))
        await real_sleep(seconds)

    sender.sleep = sleep
    stats = await sender.drain()
    assert stats.flood_waits == 1 and stats.sent == n
    assert sorted(u for _, u in calls) == sorted([*range(1, n + 1), refused])  # the refused one again, nothing else
    first_after = min(t for t, u in calls[calls.index(next(c for c in calls if c[1] == refused)) + 1:])
    assert first_after - calls[refused - 1][0] >= 3 - 1e-9  # nothing went during the pause
    # only messages already handed to Telegram were 'sending' while the sender waited; nothing claimed ahead
    assert sending_during_pause and max(sending_during_pause) <= 10


async def test_paid_pacing_keeps_no_credit_beyond_the_catch_up(sessions, clock):
    """A sender that was idle or fell far behind does not burst; one a little behind (a late wake-up, the event loop
    held up by a pass's rows) catches up: PAID_CATCH_UP for paid slots, CATCH_UP for ordinary ones."""
    ft = YieldingTime(clock)
    sender = sender_for(sessions, clock, Recorder(ft), ft, rate=25, paid_rate=1000)
    await sender._pace(True)
    ft.t += 0.5  # half a second with nothing sent
    start = ft.t
    for _ in range(100):
        await sender._pace(True)
    # idle for longer than PAID_CATCH_UP: the schedule starts again from now, 100 slots of 1 ms take 99 ms
    assert ft.t - start == pytest.approx(0.099)
    # fallen behind by less than PAID_CATCH_UP: the schedule goes on, the missed slots are used at once
    ft.t += PAID_CATCH_UP / 2
    start = ft.t
    for _ in range(100):
        await sender._pace(True)
    assert ft.t - start == pytest.approx(0.1 - PAID_CATCH_UP / 2)
    # an ordinary message keeps the free rate's short catch-up (its one-second window has no room to spare)
    await sender._pace(False)
    ft.t += 1 / 25 + 4 * CATCH_UP  # the next ordinary slot missed by more than CATCH_UP
    start = ft.t
    await sender._pace(False)
    assert ft.t == start  # starts again from now
    await sender._pace(False)
    assert ft.t - start == pytest.approx(1 / 25)


async def test_a_long_paid_broadcast_is_read_ahead_without_a_second_send_nor_a_starved_ordinary_push(sessions,
                                                                                                     clock):
    """Past the first pass the next one is read while the one before is sent (from its last row on, by id); what
    else is due comes after, at the free rate; each row once, the rates kept."""
    await users(sessions, *range(1, 1001))
    ordinary = [push(u, "news", kind="news") for u in range(1, 51)]
    urgent = [push(u, "emergency", urgent=True) for u in range(51, 1001)]
    await enqueue(sessions, ordinary + urgent, clock)
    ft = YieldingTime(clock)
    send = Recorder(ft)
    sender = sender_for(sessions, clock, send, ft, rate=25, paid_rate=100)
    reads: list[int | None] = []
    due = sender._due

    async def spy(stats, after=None):
        reads.append(after)
        return await due(stats, after=after)

    sender._due = spy
    stats = await sender.drain()
    assert stats.sent == 1000 and stats.flood_waits == 0
    assert sorted(u for _, u, _, _ in send.calls) == list(range(1, 1001))  # each once
    paid = [t for t, _, _, p in send.calls if p]
    free = [t for t, _, _, p in send.calls if not p]
    assert len(paid) == 950 and len(free) == 50 and max(paid) < min(free)
    assert [u for _, u, _, p in send.calls if p] == list(range(51, 1001))  # urgent first, in order
    # 950 at 100/s: about 9.5 s, never 100 in one second (nor a pass boundary lost: at most the catch-up)
    assert max(paid) - min(paid) == pytest.approx(949 / 100, abs=PAID_CATCH_UP + 1e-6)
    assert most_in_a_second(paid) <= 100 and most_in_a_second(free) <= 25
    assert reads[0] is None and sum(a is not None for a in reads) >= 30  # 200 rows, then 25 at a time
    async with sessions() as s:
        assert set((await s.execute(select(Notification.status))).scalars()) == {"sent"}


async def test_the_claim_looks_its_rows_up_by_primary_key(sessions, clock, engine):
    """With 100k pending rows a claim that walked ix_notifications_due over all of them took ~27 ms (0.5 ms a
    message at 1 000/s, and the jitter that made the free rate meet a 429)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    sender = sender_for(sessions, clock, Recorder(YieldingTime(clock)), YieldingTime(clock), paid_rate=1000)
    stmt = sender._claim_statement([1, 2, 3]).compile(dialect=sqlite.dialect(),
                                                        compile_kwargs={"literal_binds": True})
    async with sessions() as s:
        plan = " ".join(str(r[-1]) for r in await s.execute(text(f"EXPLAIN QUERY PLAN {stmt}")))
    assert "PRIMARY KEY" in plan and "ix_notifications_due" not in plan


async def test_a_pass_reads_the_urgent_rows_then_the_others_each_by_id(sessions, clock, engine):
    """Two reads, each along ix_notifications_next (status, urgent, id) where the planner takes it (PostgreSQL, 100k
    pending: 4 ms a pass instead of 57 with ORDER BY urgent DESC, id); urgent first, by id, as before."""
    from sqlalchemy import event

    from bot.services.notify.sender import SenderStats

    await users(sessions, *range(1, 7))
    await enqueue(sessions, [push(u, urgent=u in (2, 5)) for u in range(1, 7)], clock)
    sender = sender_for(sessions, clock, Recorder(YieldingTime(clock)), YieldingTime(clock), batch=3)
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT") and "notifications" in statement:
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", grab)
    try:
        due = await sender._due(SenderStats())
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", grab)
    assert [(m.user_id, m.urgent) for m in due] == [(2, True), (5, True), (1, False)]
    assert len(seen) == 2  # the urgent rows did not fill the pass of 3: the others were read after them
    assert all("ORDER BY notifications.id" in st for st, _ in seen)


async def test_the_free_rate_is_counted_when_the_message_goes_not_before_its_claim(sessions, clock):
    """A claim that takes a while (a busy database) must not let the next messages crowd the one-second window:
    Telegram counts them when they arrive."""
    await users(sessions, *range(1, 101))
    await enqueue(sessions, [push(u, "n", kind="news") for u in range(1, 101)], clock)
    ft = YieldingTime(clock)
    send = Recorder(ft)
    sender = sender_for(sessions, clock, send, ft, rate=25)
    claim = sender._claim

    async def slow(ids):
        if ids == [26]:  # one claim takes 30 ms (less than a slot: the schedule goes on after it)
            await ft.sleep(0.03)
        return await claim(ids)

    sender._claim = slow
    await sender.drain()
    times = [t for t, *_ in send.calls]
    assert len(times) == 100 and most_in_a_second(times) <= 25


async def test_urgent_news_is_not_paid_for(sessions, clock):
    """A clerk's news sent at night («Отправить сейчас») is urgent for the quiet hours only: the free rate."""
    await users(sessions, 1, 2)
    await enqueue(sessions, [push(1, "n", kind="news", urgent=True), push(2, "e", urgent=True)], clock)
    ft = YieldingTime(clock)
    send = Recorder(ft)
    await sender_for(sessions, clock, send, ft, rate=25, paid_rate=1000).drain()
    assert sorted((u, urgent, p) for _, u, urgent, p in send.calls) == [(1, True, False), (2, True, True)]


def test_settings_paid_broadcast(monkeypatch):
    s = load_settings(_env_file=None)
    assert s.paid_broadcast is False and s.paid_send_rate == 950
    monkeypatch.setenv("PAID_BROADCAST", "true")
    monkeypatch.setenv("PAID_SEND_RATE", "990")
    s = load_settings(_env_file=None)
    assert s.paid_broadcast is True and s.paid_send_rate == 990
    monkeypatch.setenv("PAID_SEND_RATE", "1500")
    with pytest.raises(SettingsError, match="PAID_SEND_RATE"):
        load_settings(_env_file=None)
    monkeypatch.setenv("PAID_SEND_RATE", "950")
    monkeypatch.setenv("PAID_BROADCAST", "может быть")
    with pytest.raises(SettingsError, match="PAID_BROADCAST"):
        load_settings(_env_file=None)


def test_the_scheduler_builds_the_sender_from_the_settings(sessions, settings, clock):
    bot = build_bot(settings, session=RecordingSession(), retry=False)
    assert build_sender(sessions, settings, clock, bot).paid_rate is None
    paid = settings.model_copy(update={"paid_broadcast": True, "paid_send_rate": 990.0})
    sender = build_sender(sessions, paid, clock, bot)
    assert sender.paid_rate == 990 and sender.interval == pytest.approx(1 / settings.send_rate)


async def test_a_chat_with_more_urgent_pushes_than_a_pass_gets_them_in_order_without_a_busy_loop(sessions, clock):
    """Rows held back by the one-a-second rule are not read past: a chat's pushes go in their order (an outage's
    «restored» never before its «cut off»), and the sender sleeps until the chat may have its next one instead of
    reading the outbox over and over."""
    await users(sessions, *range(1, 401))
    # a pass is 200 rows: chat 1's pushes spread over several, among the others' (one each)
    pushes = [push(1, f"e{i}", urgent=True) if i % 40 == 0 else push(i, "e", urgent=True) for i in range(1, 401)]
    await enqueue(sessions, pushes, clock)
    ft = YieldingTime(clock)
    order: list[int] = []

    async def send(msg: Outgoing) -> None:
        order.append(msg.id)
        await Recorder(ft)(msg)

    sender = sender_for(sessions, clock, send, ft, rate=25, paid_rate=100)
    reads = 0
    due = sender._due

    async def counted(stats, after=None):
        nonlocal reads
        reads += 1
        assert reads < 2000, "the sender reads the outbox in a loop"
        return await due(stats, after=after)

    sender._due = counted
    stats = await sender.drain()
    assert stats.sent == 400 and sorted(order) == list(range(1, 401))
    async with sessions() as s:
        chat_1 = set((await s.execute(select(Notification.id).where(Notification.user_id == 1))).scalars())
    assert [i for i in order if i in chat_1] == sorted(chat_1)
