"""Pre-checkout bench: Telegram waits at most 10 s for the answer to a pre_checkout_query. With ``--accounts``
accounts (100k by default), each with a pending payment, the bench feeds ``--queries`` pre-checkout updates through
the full Dispatcher (middlewares, routers, the service's one short read) and prints the answer time percentiles.

    .venv/bin/python -m bench.precheckout [--accounts 100000] [--queries 2000] [--db URL]

Without ``--db`` a temporary SQLite file is used; pass ``postgresql+asyncpg://…`` for PostgreSQL (its schema is
migrated, the bench's rows are added to it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from aiogram import Bot
from aiogram.methods import AnswerPreCheckoutQuery
from aiogram.types import PreCheckoutQuery, Update, User
from sqlalchemy import insert, select

from bot.app import build_dispatcher
from bot.config import Settings
from bot.local_session import LocalSession
from bot.services.clock import FixedClock
from bot.services.payments import kopecks, make_payload
from storage.db import create_engine, session_factory
from storage.fsm import SqlStorage
from storage.migrate import upgrade
from storage.models import Account, House, Organization, PendingPayment, Premises
from storage.models import User as UserRow

TOKEN = "42:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz"
BATCH = 5000


async def fill(sessions, n: int, now: dt.datetime) -> list[tuple[int, int, str, int]]:
    """n accounts, users and pending payments; returns (user, pending id, payload, total kopecks) of each."""
    async with sessions.begin() as s:
        org = Organization(ogrn="1027700132195", inn="7707083893", name="ООО «УК Бенч»", kind="uk")
        s.add(org)
        await s.flush()
        house = House(house_guid=f"bench-{random.randrange(10**9)}", region="Москва", street="ул. Бенч",
                      building="1", manager_id=org.id, search_text="бенч 1")
        s.add(house)
        await s.flush()
        org_id, house_id = org.id, house.id
    out = []
    base_user = 10**9
    for start in range(0, n, BATCH):
        stop = min(n, start + BATCH)
        async with sessions.begin() as s:
            await s.execute(insert(Premises), [dict(house_id=house_id, number=str(i), total_area=Decimal("50"))
                                               for i in range(start, stop)])
            prem = dict((await s.execute(select(Premises.number, Premises.id)
                                         .where(Premises.house_id == house_id))).all())
            await s.execute(insert(Account), [dict(account_number=f"B{i:08d}", provider_id=org_id,
                                                   premises_id=prem[str(i)], payer_name="Бенч")
                                              for i in range(start, stop)])
            accs = dict((await s.execute(select(Account.account_number, Account.id)
                                         .where(Account.provider_id == org_id))).all())
            await s.execute(insert(UserRow), [dict(id=base_user + i, first_name="b") for i in range(start, stop)])
            rows = [dict(user_id=base_user + i, account_id=accs[f"B{i:08d}"], nonce=f"{i:032x}",
                         amount=Decimal("1500.50"), commission=Decimal("22.51"), status="pending", created_at=now)
                    for i in range(start, stop)]
            await s.execute(insert(PendingPayment), rows)
        print(f"\r  filled {stop}/{n}", end="", file=sys.stderr)
    print(file=sys.stderr)
    async with sessions() as s:
        ids = (await s.execute(select(PendingPayment.id, PendingPayment.user_id, PendingPayment.nonce))).all()
    total = kopecks(Decimal("1523.01"))
    out = [(r.user_id, r.id, make_payload(r.id, r.nonce), total) for r in ids]
    return out


async def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--db", default=None)
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    sessions = session_factory(engine)
    settings = Settings(_env_file=None, bot_token=TOKEN, database_url=url, redis_url=None)
    clock = FixedClock(settings.tz, dt.datetime(2026, 11, 19, 12, 0))
    t0 = time.perf_counter()
    pending = await fill(sessions, args.accounts, clock.utcnow())
    print(f"{args.accounts} accounts with pending payments in {time.perf_counter() - t0:.1f} s")

    dp, _ = build_dispatcher(settings, sessions, SqlStorage(sessions), clock)
    session = LocalSession()
    bot = Bot(token=TOKEN, session=session)
    times = []
    refused = 0
    for n in range(args.queries):
        user_id, _pid, payload, total = random.choice(pending)
        if n % 10 == 9:
            total -= 1  # an altered amount now and then: refusals take the same path
        query = PreCheckoutQuery(id=f"q{n}", from_user=User(id=user_id, is_bot=False, first_name="b"),
                                 currency="RUB", total_amount=total, invoice_payload=payload)
        start = time.perf_counter()
        await dp.feed_update(bot, Update(update_id=n + 1, pre_checkout_query=query))
        times.append(time.perf_counter() - start)
        answer = session.requests[-1]
        assert isinstance(answer, AnswerPreCheckoutQuery)
        refused += not answer.ok
    times.sort()
    q = statistics.quantiles(times, n=100)
    print(f"{args.queries} pre-checkout answers ({refused} refused): p50 {q[49] * 1000:.1f} ms, "
          f"p99 {q[98] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms (Telegram waits 10 000 ms)")
    await bot.session.close()
    await engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
