"""Broadcast bench: 100k recipients into the outbox, then the sender against a local Bot API session that enforces a
30 messages/s ceiling (answering 429 above it), with a simulated crash and restart mid-broadcast.

    .venv/bin/python -m bench.broadcast [--recipients 100000] [--send 3000] [--rate 29.5] [--db URL]

Enqueueing is measured on all recipients. Sending is measured on a scaled-down run (``--send`` messages, 3000 by
default: about 100 s at the ceiling) — sending all 100k would take almost an hour at Telegram's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import func, insert, select

from bot.local_session import LocalSession
from bot.notify_adapter import telegram_sender
from bot.services.clock import Clock
from bot.services.notify.notices import NewsNotice
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.sender import Outgoing, Sender
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Notification, User

CEILING = 30  # messages per second, as Telegram allows a bot in all chats together
TOKEN = "42:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz"


class CeilingSession(LocalSession):
    """Answers sendMessage like Telegram would, but 429 (retry after 1 s) above CEILING messages in any second."""

    def __init__(self) -> None:
        super().__init__()
        self.window: deque[float] = deque()
        self.delivered: Counter[int] = Counter()
        self.too_many = 0
        self.first: float | None = None
        self.last: float | None = None

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            now = time.monotonic()
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if len(self.window) >= CEILING:
                self.too_many += 1
                raise TelegramRetryAfter(method=method, message="Too Many Requests: retry after 1", retry_after=1)
            self.window.append(now)
            self.delivered[int(method.chat_id)] += 1
            self.first = self.first if self.first is not None else now
            self.last = now
        return self.default_result(bot, method)


class NoonClock(Clock):
    """Real time, shifted so the run happens at noon (no quiet hours, whenever the bench is started)."""

    def __init__(self, tz: ZoneInfo) -> None:
        super().__init__(tz)
        real = dt.datetime.now(tz)
        self.shift = real.replace(hour=12, minute=0, second=0, microsecond=0) - real

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz) + self.shift


class Crash(BaseException):
    """The process is killed: nothing after this point of the send runs (no 'sent' mark)."""


async def main(args: argparse.Namespace) -> int:
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    sessions = session_factory(engine)
    clock = NoonClock(ZoneInfo("Europe/Moscow"))
    n = args.recipients
    base = 10_000_000

    async with sessions.begin() as s:
        for start in range(0, n, 5000):
            await s.execute(insert(User), [{"id": base + i, "first_name": f"u{i}"}
                                           for i in range(start, min(n, start + 5000))])

    notice = NewsNotice(html="Плановое отключение горячей воды 20 ноября, 10:00–18:00")
    pushes = [Push(base + i, "news", "bench1", "-", notice) for i in range(n)]
    t0 = time.perf_counter()
    written = await enqueue(sessions, pushes, clock)
    enqueue_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = await enqueue(sessions, pushes, clock)
    again_s = time.perf_counter() - t0
    print(f"outbox: {written} recipients enqueued in {enqueue_s:.2f} s (target < 2 s) "
          f"{'OK' if enqueue_s < 2 else 'SLOW'}; enqueue again: {again} new rows in {again_s:.2f} s")

    # ---- sending: scaled down, with a crash in the middle and a restart
    session = CeilingSession()
    bot = Bot(token=TOKEN, session=session)
    adapter = telegram_sender(bot)
    to_send = min(args.send, n)
    crash_at = to_send // 2
    calls = 0

    async def dying(msg: Outgoing) -> None:
        nonlocal calls
        calls += 1
        await adapter(msg)
        if calls == crash_at:
            first.stop()
            raise Crash  # delivered by Telegram, never marked sent

    print(f"sending (scaled down): {to_send} of {n} messages at {args.rate}/s through a local session with a "
          f"{CEILING}/s ceiling; the process 'dies' after message {crash_at} and restarts")
    first = Sender(sessions, dying, clock, rate=args.rate)
    t0 = time.monotonic()
    st1 = await first.drain(limit=crash_at)
    phase1 = time.monotonic() - t0
    second = Sender(sessions, adapter, clock, rate=args.rate)  # a fresh process: nothing kept in memory
    t0 = time.monotonic()
    st2 = await second.drain(limit=to_send - crash_at)
    phase2 = time.monotonic() - t0
    await bot.session.close()

    delivered = sum(session.delivered.values())
    duplicates = sum(c - 1 for c in session.delivered.values() if c > 1)
    rate = delivered / (phase1 + phase2)
    async with sessions() as s:
        status = dict((await s.execute(select(Notification.status, func.count()).group_by(Notification.status))).all())
    print(f"delivered {delivered} in {phase1 + phase2:.1f} s: {rate:.2f} msg/s = {100 * rate / CEILING:.1f} % of the "
          f"ceiling (target >= 95 %) {'OK' if rate / CEILING >= 0.95 else 'LOW'}")
    print(f"429 answers: {session.too_many} (sender saw {st1.flood_waits + st2.flood_waits})")
    print(f"duplicates after the crash and restart: {duplicates} (target 0) {'OK' if duplicates == 0 else 'FAIL'}")
    print(f"outbox now: {status}; the message in flight at the crash stays 'sending' and is not repeated "
          f"(marked failed after {2} min)")
    await engine.dispose()
    tmp.cleanup()
    return 0 if enqueue_s < 2 and duplicates == 0 and rate / CEILING >= 0.95 else 1


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=100_000)
    p.add_argument("--send", type=int, default=3000, help="messages in the scaled-down send phase")
    p.add_argument("--rate", type=float, default=29.5, help="sender rate, messages/s (SEND_RATE)")
    p.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
