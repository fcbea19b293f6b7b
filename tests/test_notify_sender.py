"""The outbox and the one sender: keys, rate, 429, blocked users, retries, quiet hours, crash and restart."""

from __future__ import annotations

import datetime as dt

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage
from sqlalchemy import func, select, update

from bot.app import build_bot
from bot.notify_adapter import telegram_sender
from bot.services.notify.notices import Media, MediaType, NewsNotice, OutageData, OutageEvent, OutageNotice
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.quiet import parse_quiet_hours, quiet_until
from bot.services.notify.sender import Outgoing, RecipientGone, RetryAfter, Sender
from storage.models import Notification, User
from tests.harness import RecordingSession

TZ = dt.timezone(dt.timedelta(hours=3))


class FakeTime:
    """Monotonic time and sleep that move the test's FixedClock along, so no test waits for real."""

    def __init__(self, clock) -> None:
        self.clock, self.t, self.slept = clock, 1000.0, 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.t += seconds
            self.slept += seconds
            self.clock.advance(seconds=seconds)


async def users(sessions, *ids: int, **fields) -> None:
    async with sessions.begin() as s:
        for i in ids:
            s.add(User(id=i, first_name=f"u{i}", **fields))


def notice(kind: str, text: str):
    if kind == "news":
        return NewsNotice(html=text)
    return OutageNotice(event=OutageEvent.new, outage=OutageData(
        id=5, address="ул. <Тест> & Ко", resource="hot_water", starts=dt.datetime(2026, 11, 20, 10, tzinfo=TZ),
        ends=dt.datetime(2026, 11, 20, 18, tzinfo=TZ), kind="planned", reason=text))


def label(msg: Outgoing) -> str:
    if msg.kind == "news":
        return msg.payload["html"]
    return msg.payload["outage"]["reason"] if "outage" in msg.payload else msg.kind


def push(user_id: int, subject: str = "s", kind: str = "outage", urgent: bool = False, period: str = "p") -> Push:
    return Push(user_id, kind, subject, period, notice(kind, f"text {subject} for {user_id}"), urgent=urgent)


async def rows(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


def sender_for(sessions, clock, send, ft: FakeTime, **kw) -> Sender:
    return Sender(sessions, send, clock, monotonic=ft.monotonic, sleep=ft.sleep, **kw)


class Recorder:
    def __init__(self, ft: FakeTime, fail: dict | None = None) -> None:
        self.ft, self.fail = ft, fail or {}
        self.calls: list[tuple[float, int, str]] = []

    async def __call__(self, msg: Outgoing) -> None:
        self.calls.append((self.ft.t, msg.user_id, label(msg)))
        queue = self.fail.get(msg.user_id)
        if queue:
            raise queue.pop(0)


# ------------------------------------------------------------------------------------------------ quiet hours
def test_quiet_hours_parsing_and_windows():
    tz = dt.timezone(dt.timedelta(hours=3))
    assert parse_quiet_hours("22:00-09:00") == (1320, 540)
    assert parse_quiet_hours("нет") == (0, 0)
    assert parse_quiet_hours("22-9") == parse_quiet_hours("с 22 до 9") == (1320, 540)
    assert parse_quiet_hours("С 23:30 до 7") == (1410, 420)
    assert parse_quiet_hours("") == parse_quiet_hours("off") == (0, 0)  # an empty QUIET_HOURS means «off»
    for bad in ("когда угодно", "25-9", "с 10 до 10"):
        with pytest.raises(ValueError):
            parse_quiet_hours(bad)
    at = dt.datetime(2026, 11, 19, 23, 30, tzinfo=tz)
    assert quiet_until(at, 1320, 540) == dt.datetime(2026, 11, 20, 9, 0, tzinfo=tz)
    assert quiet_until(at.replace(hour=3), 1320, 540) == dt.datetime(2026, 11, 19, 9, 0, tzinfo=tz)
    assert quiet_until(at.replace(hour=12), 1320, 540) is None
    assert quiet_until(at.replace(hour=13), 780, 900) == dt.datetime(2026, 11, 19, 15, 0, tzinfo=tz)
    assert quiet_until(at, 0, 0) is None


# ------------------------------------------------------------------------------------------------ outbox
async def test_enqueue_is_idempotent_and_respects_settings(sessions, clock):
    await users(sessions, 1, 2)
    await users(sessions, 3, is_active=False)
    await users(sessions, 4, notify_outages=False)
    pushes = [push(u) for u in (1, 2, 3, 4, 5)]  # 5 is unknown
    assert await enqueue(sessions, pushes, clock) == 2
    assert await enqueue(sessions, pushes, clock) == 0
    assert await enqueue(sessions, [push(4, kind="news")], clock) == 1  # news is on for user 4
    assert sorted(r.key for r in await rows(sessions)) == ["1:outage:s:p", "2:outage:s:p", "4:news:s:p"]


async def test_broadcast_enqueue_writes_the_rows_the_per_row_path_writes(sessions, clock):
    """One notice and one file to many users (a broadcast: one INSERT … SELECT a chunk) makes the rows that
    pushes with a notice each make: the same keys in the same order, the same users left out, the same data."""
    await users(sessions, *range(1, 9))
    await users(sessions, 9, is_active=False)
    await users(sessions, 10, notify_news=False)
    shared, photo = NewsNotice(html="Отключение <b>воды</b> & «света»"), Media(type=MediaType.photo, file_id="F1")
    one = [Push(u, "news", "n1", "2026-11", shared, urgent=True, media=photo) for u in (2, 3, 5, 9, 10, 11)]
    assert await enqueue(sessions, one[:2], clock) == 2
    assert await enqueue(sessions, one, clock) == 1  # 2 and 3 queued already; 9 blocked, 10 opted out, 11 unknown
    each = [Push(u, "news", "n1", "2026-11", NewsNotice(html=shared.html), urgent=True,
                 media=Media(type=MediaType.photo, file_id="F1")) for u in (7, 6)]  # descending: row by row
    assert await enqueue(sessions, each, clock) == 2
    got = [(r.key, r.user_id, r.kind, r.payload, r.media, r.urgent, r.status, r.attempts, r.not_before,
            r.created_at) for r in await rows(sessions)]
    now = clock.utcnow()
    assert got == [(f"{u}:news:n1:2026-11", u, "news", {"html": shared.html}, {"type": "photo", "file_id": "F1"},
                    True, "pending", 0, now, now) for u in (2, 3, 5, 7, 6)]
    assert await enqueue(sessions, one, clock) == 0


# ------------------------------------------------------------------------------------------------ sending
async def test_sends_each_once_at_the_rate(sessions, clock):
    await users(sessions, *range(1, 51))
    await enqueue(sessions, [push(u) for u in range(1, 51)], clock)
    ft = FakeTime(clock)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft, rate=25, concurrency=1).drain()
    assert stats.sent == 50 and len(send.calls) == 50
    assert sorted(u for _, u, _ in send.calls) == list(range(1, 51))
    times = [t for t, _, _ in send.calls]
    # 50 messages at 25/s: the last one goes about 2 s after the first, never faster than 25 in any second
    assert times[-1] - times[0] == pytest.approx(49 / 25)
    for i in range(len(times) - 25):
        assert times[i + 25] - times[i] >= 1.0 - 1e-9
    assert all(r.status == "sent" and r.sent_at is not None for r in await rows(sessions))
    # a second drain (and a second enqueue of the same keys) sends nothing
    assert await enqueue(sessions, [push(u) for u in range(1, 51)], clock) == 0
    assert (await sender_for(sessions, clock, send, ft).drain()).sent == 0
    assert len(send.calls) == 50


async def test_one_chat_at_most_once_a_second(sessions, clock):
    await users(sessions, 1, 2)
    await enqueue(sessions, [push(1, f"s{i}") for i in range(3)] + [push(2)], clock)
    ft = FakeTime(clock)
    send = Recorder(ft)
    await sender_for(sessions, clock, send, ft, rate=25).drain()
    to_one = [t for t, u, _ in send.calls if u == 1]
    assert len(to_one) == 3
    assert to_one[1] - to_one[0] >= 1.0 and to_one[2] - to_one[1] >= 1.0
    assert len(send.calls) == 4


async def test_retry_after_waits_and_resends(sessions, clock):
    await users(sessions, 1, 2)
    await enqueue(sessions, [push(1), push(2)], clock)
    ft = FakeTime(clock)
    send = Recorder(ft, fail={1: [RetryAfter(7)]})
    sender = sender_for(sessions, clock, send, ft)
    stats = await sender.drain()
    # every send waits the 7 s out, then the refused push goes again (its attempt not counted)
    assert stats.flood_waits == 1 and stats.sent == 2
    to_one = [t for t, u, _ in send.calls if u == 1]
    assert len(to_one) == 2 and to_one[1] - to_one[0] >= 7
    (first,) = [r for r in await rows(sessions) if r.user_id == 1]
    assert first.status == "sent" and first.attempts == 0
    assert all(r.status == "sent" for r in await rows(sessions))
    assert (await sender.drain()).sent == 0


async def test_blocked_user_marked_inactive_and_skipped(sessions, clock):
    await users(sessions, 1, 2)
    await enqueue(sessions, [push(1, "a"), push(1, "b"), push(2, "a")], clock)
    ft = FakeTime(clock)
    send = Recorder(ft, fail={1: [RecipientGone("Forbidden: bot was blocked by the user")]})
    stats = await sender_for(sessions, clock, send, ft).drain()
    assert stats.blocked == 1 and stats.sent == 1
    assert [u for _, u, _ in send.calls].count(1) == 1  # no error storm: one call, then silence
    async with sessions() as s:
        user = await s.get(User, 1)
    # when the answer came: before the next message's pacing slot moved the clock on
    assert not user.is_active and clock.utcnow() - dt.timedelta(seconds=1) <= user.blocked_at <= clock.utcnow()
    assert {r.status for r in await rows(sessions) if r.user_id == 1} == {"skipped"}
    # from then on nothing more is even queued for them
    assert await enqueue(sessions, [push(1, "c")], clock) == 0


async def test_transient_errors_back_off_then_give_up(sessions, clock, caplog):
    await users(sessions, 1)
    await enqueue(sessions, [push(1)], clock)
    ft = FakeTime(clock)
    send = Recorder(ft, fail={1: [ConnectionError("boom")] * 10})
    sender = sender_for(sessions, clock, send, ft, max_attempts=3)
    for _ in range(5):
        await sender.drain()
        clock.advance(hours=2)
    (row,) = await rows(sessions)
    assert row.status == "failed" and row.attempts == 3 and "boom" in row.error
    assert len(send.calls) == 3
    assert "given up after 3 attempts" in caplog.text


async def test_quiet_hours_hold_ordinary_pushes_not_emergencies(sessions, clock):
    await users(sessions, 1, 2)
    await users(sessions, 3, quiet_from=0, quiet_to=0)  # no quiet hours for this one
    clock.set(dt.datetime(2026, 11, 19, 23, 0))
    await enqueue(sessions, [push(1), push(2, urgent=True), push(3)], clock)
    ft = FakeTime(clock)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft).drain()
    assert sorted(u for _, u, _ in send.calls) == [2, 3] and stats.deferred == 1
    (held,) = [r for r in await rows(sessions) if r.user_id == 1]
    assert held.status == "pending" and clock.to_local(held.not_before).hour == 9
    clock.set(dt.datetime(2026, 11, 20, 9, 0))
    await sender_for(sessions, clock, send, ft).drain()
    assert sorted(u for _, u, _ in send.calls) == [1, 2, 3]


async def test_kind_turned_off_after_queueing_is_skipped(sessions, clock):
    await users(sessions, 1)
    await enqueue(sessions, [push(1)], clock)
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 1).values(notify_outages=False))
    ft = FakeTime(clock)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft).drain()
    assert stats.skipped == 1 and send.calls == []


async def test_crash_mid_broadcast_then_restart_sends_nothing_twice(sessions, clock):
    await users(sessions, *range(1, 21))
    await enqueue(sessions, [push(u) for u in range(1, 21)], clock)
    ft = FakeTime(clock)
    delivered: list[int] = []

    class Crash(BaseException):
        pass

    async def dying(msg: Outgoing) -> None:
        delivered.append(msg.user_id)
        if len(delivered) == 8:
            # the process is killed right after Telegram took message 8, before it is marked sent
            first.stop()
            raise Crash

    first = sender_for(sessions, clock, dying, ft, concurrency=1)
    await first.drain()
    assert [r.status for r in await rows(sessions)].count("sending") == 1
    # restart: a new sender, the same outbox; the job that queued the pushes runs again too
    assert await enqueue(sessions, [push(u) for u in range(1, 21)], clock) == 0
    clock.advance(minutes=5)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft).drain()
    again = [u for _, u, _ in send.calls]
    assert not set(again) & set(delivered)
    assert sorted(again + delivered) == list(range(1, 21))
    assert stats.interrupted == 1


async def test_telegram_adapter_maps_errors_and_buttons(sessions, clock, settings):
    # the sender's own bot: no retry middleware, a 429 goes straight to the sender's pacing
    bot = build_bot(settings, session=RecordingSession(), retry=False)
    send = telegram_sender(bot)
    n = notice("outage", "прорыв <трубы> & <i>подвал")
    msg = Outgoing(1, 77, "outage", n.model_dump(mode="json"), False)
    delivered = await send(msg)
    req = bot.session.requests[-1]
    assert isinstance(req, SendMessage) and req.chat_id == 77 and req.text == delivered
    assert "прорыв &lt;трубы&gt; &amp; &lt;i&gt;подвал" in req.text and "ул. &lt;Тест&gt; &amp; Ко" in req.text
    assert req.reply_markup.inline_keyboard[0][0].callback_data == "outi:5"
    bot.session.add_result("sendMessage", TelegramRetryAfter(method=req, message="Too Many Requests",
                                                             retry_after=3))
    with pytest.raises(RetryAfter) as exc:
        await send(msg)
    assert exc.value.seconds == 3
    bot.session.add_result("sendMessage", TelegramForbiddenError(method=req,
                                                                 message="Forbidden: bot was blocked by the user"))
    with pytest.raises(RecipientGone):
        await send(msg)
    bot.session.add_result("sendMessage", TelegramNetworkError(method=req, message="timeout"))
    with pytest.raises(TelegramNetworkError):
        await send(msg)


async def test_blocked_through_real_adapter(sessions, clock, bot):
    await users(sessions, 1, 2)
    await enqueue(sessions, [push(1), push(2)], clock)
    bot.session.add_result("sendMessage", TelegramForbiddenError(method=SendMessage(chat_id=1, text="x"),
                                                                 message="Forbidden: bot was blocked by the user"))
    ft = FakeTime(clock)
    stats = await sender_for(sessions, clock, telegram_sender(bot), ft, concurrency=1).drain()
    assert stats.blocked == 1 and stats.sent == 1
    async with sessions() as s:
        assert (await s.execute(select(func.count()).select_from(User).where(User.is_active.is_(False)))
                ).scalar_one() == 1


async def test_a_push_out_of_date_by_the_time_it_can_go_is_not_sent(sessions, clock):
    """Held by quiet hours, queued while the bot was down, or behind a long broadcast: a reading window that has
    closed, a voting that is over, an outage that has ended are no news; they are skipped, the rest go."""
    from bot.services.notify.notices import MeetingNotice, ReadingsNotice
    from bot.services.notify.sender import EXPIRED

    await users(sessions, 1, 2, 3, 4)
    window = ReadingsNotice(period="2026-11", last_day=dt.date(2026, 11, 25), meters=[])
    meeting = MeetingNotice(meeting_id=1, address="ул. Тест", title="Крыша",
                            ends=dt.datetime(2026, 11, 30, 20, tzinfo=TZ))
    await enqueue(sessions, [Push(1, "readings_open", "org1", "2026-11", window), push(2),
                             Push(3, "meeting_end", "mt1", "-", meeting), Push(4, "news", "n1", "-", notice("news", "x"))],
                  clock)
    clock.set(dt.datetime(2026, 11, 26, 10, 0))  # the window closed on the 25th; the outage ended on the 20th
    ft = FakeTime(clock)
    send = Recorder(ft)
    stats = await sender_for(sessions, clock, send, ft).drain()
    assert sorted(u for _, u, _ in send.calls) == [3, 4] and stats.skipped == 2
    assert {r.user_id: (r.status, r.error) for r in await rows(sessions) if r.status == "skipped"} == {
        1: ("skipped", EXPIRED), 2: ("skipped", EXPIRED)}
