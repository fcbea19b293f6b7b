"""Broadcast bench: 100k recipients into the outbox, then the sender at both of Telegram's rates against a local Bot
API session that enforces them (answering 429 above them), each with a simulated crash and restart mid-broadcast.

    .venv/bin/python -m bench.broadcast [--recipients 100000] [--send 3000 (0: paid only)] [--rate 29.5]
                                        [--paid-send 20000] [--paid-rate 990] [--db URL]

1. Enqueueing is measured on all recipients (ordinary news).
2. Free rate: ``--send`` ordinary pushes (3000 by default: about 100 s) at ``--rate`` against Telegram's ~30
   messages a second for a bot in all chats together.
3. Paid broadcast (PAID_BROADCAST=true): ``--paid-send`` emergency-outage pushes (urgent; 20 000 by default: about
   20 s) at ``--paid-rate`` with ``allow_paid_broadcast``, against the 1 000 messages a second Telegram allows paid
   messages — every message, paid or not, counts against that; an unpaid one also against the 30.

Each sending phase "dies" after half of its messages (the message in flight was delivered by Telegram but never
marked sent) and a fresh sender (nothing kept in memory) finishes it. Targets: ≥ 95 % of each ceiling, 0 × 429,
0 duplicates. Sending all 100k would take almost an hour at the free rate and ~2 minutes paid; the last lines
extrapolate from the measured rates.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass
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
from bot.services.notify.notices import NewsNotice, OutageData, OutageEvent, OutageNotice
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.sender import Outgoing, Sender
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Notification, User

FREE_CEILING = 30  # messages per second, as Telegram allows a bot in all chats together
PAID_CEILING = 1000  # messages per second with allow_paid_broadcast (0.1 Star each)
GAP = 0.01  # pauses between two messages longer than this and two slots are reported (where slots were lost)
TOKEN = "42:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz"


class CeilingSession(LocalSession):
    """Answers sendMessage like Telegram would, but 429 (retry after 1 s) when the message would be the 31st
    unpaid one in the last second, or the 1001st of all."""

    def __init__(self) -> None:
        super().__init__()
        self.free: deque[float] = deque()
        self.every: deque[float] = deque()
        self.delivered: Counter[int] = Counter()
        self.paid = 0
        self.too_many = 0
        self.times: list[float] = []  # when each message was taken (where the sender lost slots: ``gaps``)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            now = time.monotonic()
            for window in (self.free, self.every):
                while window and now - window[0] >= 1.0:
                    window.popleft()
            paid = bool(method.allow_paid_broadcast)
            if len(self.every) >= PAID_CEILING or (not paid and len(self.free) >= FREE_CEILING):
                self.too_many += 1
                raise TelegramRetryAfter(method=method, message="Too Many Requests: retry after 1", retry_after=1)
            self.every.append(now)
            self.times.append(now)
            if not paid:
                self.free.append(now)
            self.paid += paid
            self.delivered[int(method.chat_id)] += 1
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


def _quiet_crash(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """The simulated kill ends its send task with ``Crash``, which nobody awaits (a killed process has nobody left
    to): asyncio's «Task exception was never retrieved» for it is the simulation, not a fault; anything else is
    reported as usual."""
    if isinstance(context.get("exception"), Crash):
        return
    loop.default_exception_handler(context)


@dataclass
class Phase:
    label: str
    ceiling: int
    delivered: int
    seconds: float
    too_many: int
    flood_waits: int
    duplicates: int
    paid: int
    cpu: float  # seconds of this process's CPU time the phase took
    gaps: list[float]  # pauses between two messages longer than two slots (and GAP), longest first


    @property
    def rate(self) -> float:
        return self.delivered / self.seconds

    @property
    def ok(self) -> bool:
        return self.rate / self.ceiling >= 0.95 and self.too_many == 0 and self.duplicates == 0

    def report(self) -> None:
        share = 100 * self.rate / self.ceiling
        print(f"  delivered {self.delivered} in {self.seconds:.1f} s: {self.rate:.1f} msg/s = {share:.1f} % of "
              f"the {self.ceiling}/s ceiling (target >= 95 %) {'OK' if share >= 95 else 'LOW'}")
        print(f"  429 answers: {self.too_many} (sender saw {self.flood_waits}) (target 0) "
              f"{'OK' if self.too_many == 0 else 'FAIL'}; sent as paid broadcast: {self.paid}")
        print(f"  duplicates after the crash and restart: {self.duplicates} (target 0) "
              f"{'OK' if self.duplicates == 0 else 'FAIL'}")
        if self.gaps:
            print(f"  pauses of more than two slots between messages: {len(self.gaps)}, {sum(self.gaps):.2f} s in all "
                  f"(longest {', '.join(f'{1000 * g:.0f}' for g in self.gaps[:5])} ms)")
        per = self.cpu / max(self.delivered, 1)
        print(f"  CPU: {1000 * per:.2f} ms per message ({100 * self.cpu / self.seconds:.0f} % of a core); "
              f"one free core would allow about {1 / per:,.0f} msg/s")


async def send_phase(label: str, sessions, clock: Clock, count: int, rate: float, paid_rate: float | None,
                     ceiling: int) -> Phase:
    """Send ``count`` due pushes at ``rate`` (``paid_rate``: paid broadcast on), dying after half of them."""
    session = CeilingSession()
    bot = Bot(token=TOKEN, session=session)
    adapter = telegram_sender(bot)
    crash_at = count // 2
    calls = 0

    async def dying(msg: Outgoing) -> str:
        nonlocal calls
        calls += 1
        delivered = await adapter(msg)
        if calls == crash_at:
            first.stop()
            raise Crash  # delivered by Telegram, never marked sent
        return delivered

    print(f"{label}: {count} messages at {paid_rate or rate}/s, paid broadcast "
          f"{'on' if paid_rate else 'off'}, against a {ceiling}/s ceiling; the process 'dies' after message "
          f"{crash_at} and restarts")
    first = Sender(sessions, dying, clock, rate=rate, paid_rate=paid_rate)
    t0, cpu0 = time.monotonic(), time.process_time()
    st1 = await first.drain(limit=crash_at)
    second = Sender(sessions, adapter, clock, rate=rate, paid_rate=paid_rate)  # a fresh process
    st2 = await second.drain(limit=count - crash_at)
    took, cpu = time.monotonic() - t0, time.process_time() - cpu0
    await bot.session.close()
    delivered = sum(session.delivered.values())
    times = session.times
    gap = max(GAP, 2 / (paid_rate or rate))  # more than two slots of the sender's rate
    gaps = sorted((b - a for a, b in zip(times, times[1:], strict=False) if b - a > gap), reverse=True)
    return Phase(label, ceiling, delivered, took, session.too_many, st1.flood_waits + st2.flood_waits,
                 sum(c - 1 for c in session.delivered.values() if c > 1), session.paid, cpu, gaps)


def emergency(i: int, now: dt.datetime) -> OutageNotice:
    """An emergency under way at the bench clock's ``now`` (the sender skips an outage that is over)."""
    return OutageNotice(event=OutageEvent.new, outage=OutageData(
        id=1, address=f"ул. Ленина, д. {i // 100 + 1}", resource="cold_water", starts=now,
        ends=now + dt.timedelta(hours=6), kind="emergency", reason="Авария на водоводе"))


async def main(args: argparse.Namespace) -> int:
    asyncio.get_running_loop().set_exception_handler(_quiet_crash)
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

    free: Phase | None = None
    if args.send > 0:  # --send 0: the paid phase alone (a quicker check of the paid rate)
        free = await send_phase("free rate (ordinary news)", sessions, clock, min(args.send, n), args.rate, None,
                                FREE_CEILING)
        free.report()

    # an emergency outage for part of the district: urgent pushes, sent first, as paid broadcast
    paid_n = min(args.paid_send, n)
    urgent = [Push(base + n - 1 - i, "outage", "bench-emergency", "r1", emergency(i, clock.now()), urgent=True)
              for i in range(paid_n)]
    await enqueue(sessions, urgent, clock)
    paid = await send_phase("paid broadcast (emergency outage)", sessions, clock, paid_n, args.rate, args.paid_rate,
                            PAID_CEILING)
    paid.report()

    async with sessions() as s:
        status = dict((await s.execute(select(Notification.status, func.count()).group_by(Notification.status))).all())
    print(f"outbox now: {status}; the message in flight at each crash stays 'sending' and is not repeated "
          f"(marked failed after 2 min)")
    at_free = f"{n / free.rate / 60:.0f} min at the free rate, " if free else ""
    print(f"an emergency for {n:,} residents: {at_free}{n / paid.rate / 60:.1f} min as paid broadcast "
          f"({n * 0.1:,.0f} Stars)")
    await engine.dispose()
    tmp.cleanup()
    free_ok = free is None or (free.ok and free.paid == 0)
    return 0 if enqueue_s < 2 and free_ok and paid.ok and paid.paid == paid.delivered else 1


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=100_000)
    p.add_argument("--send", type=int, default=3000,
                   help="ordinary messages in the free-rate phase (0: skip it, the paid phase alone)")
    p.add_argument("--rate", type=float, default=29.5, help="sender free rate, messages/s (SEND_RATE)")
    p.add_argument("--paid-send", type=int, default=20_000, help="urgent messages in the paid-broadcast phase")
    p.add_argument("--paid-rate", type=float, default=990, help="paid broadcast rate, messages/s (PAID_SEND_RATE)")
    p.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
