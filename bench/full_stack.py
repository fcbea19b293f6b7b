"""The full stack at speed: the real reading dialog (/menu → «Передать показания» → the meter → the value →
«Сегодня» → «Сохранить») through the real Dispatcher, middlewares, FSM storage and database, against bare aiogram 3
(MemoryStorage, no database, a trivial dialog with the same steps and the same Bot API calls) in the same run.

    .venv/bin/python -m bench.full_stack [--accounts 100000] [--users 1000] [--pg URL] [--redis URL] [--no-rss]

SQLite (a temporary file) always; PostgreSQL (and Redis for the dialogs) as a second stack when ``--pg`` (and
``--redis``) are given — the bench migrates that database and adds its rows (use a scratch database). Each stack
runs ``--users`` dialogs one user at a time, then as many again with ``--burst`` (50) users at once. Printed:
updates/s and the ratio to bare aiogram; p50/p99/max per step; SQL statements, transactions, commits, rollbacks,
connection checkouts and new connections per dialog (SQLAlchemy events); and the resident set size of a fresh
process that ran ``--rss-users`` dialogs over the database of ``--accounts`` accounts and users, beside bare
aiogram's with as many users.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import TelegramMethod
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)

from bot.local_session import LocalSession
from bot.texts import common as ct
from bot.texts import readings as rt

# the bot itself (bot.app, storage, SQLAlchemy) is imported inside the functions that build our stack, so that the
# bare-aiogram process of the RSS measurement holds aiogram alone

TOKEN = "42:BENCH_TOKEN_abcdefghijklmnopqrstuvwxyz"
BATCH = 5000
BASE_USER = 10**9
NOW = dt.datetime(2026, 11, 21, 12, 0)  # inside the reading window (20–25), Moscow time
STEPS = ("menu", "open", "meter", "value", "today", "save")


# --------------------------------------------------------------------------------------------- data


async def fill(sessions, n: int) -> None:
    """n accounts, each with a user linked to it and one cold-water meter (registry value 100 on 21.10.2026)."""
    from sqlalchemy import insert, select

    from storage.models import Account, AccountLink, House, Meter, Organization, Premises
    from storage.models import User as UserRow

    async with sessions.begin() as s:
        org = Organization(ogrn="1027700132195", inn="7707083893", name="ООО «УК Бенч»", kind="uk",
                           phone="+74951234567")
        s.add(org)
        await s.flush()
        house = House(house_guid="bench-house", region="Москва", street="ул. Бенч", building="1",
                      manager_id=org.id, search_text="бенч 1")
        s.add(house)
        await s.flush()
        org_id, house_id = org.id, house.id
    for start in range(0, n, BATCH):
        stop = min(n, start + BATCH)
        async with sessions.begin() as s:
            await s.execute(insert(Premises), [dict(house_id=house_id, number=str(i), total_area=Decimal("50"),
                                                    residents=2) for i in range(start, stop)])
            prem = dict((await s.execute(select(Premises.number, Premises.id)
                                         .where(Premises.house_id == house_id, Premises.id > 0))).all())
            await s.execute(insert(Account), [dict(account_number=f"B{i:08d}", provider_id=org_id,
                                                   premises_id=prem[str(i)], payer_name="Бенч")
                                              for i in range(start, stop)])
            accs = dict((await s.execute(select(Account.account_number, Account.id)
                                         .where(Account.provider_id == org_id))).all())
            await s.execute(insert(UserRow), [dict(id=BASE_USER + i, first_name="b") for i in range(start, stop)])
            await s.execute(insert(AccountLink), [dict(user_id=BASE_USER + i, account_id=accs[f"B{i:08d}"],
                                                       method="phone", proven_at=NOW) for i in range(start, stop)])
            await s.execute(insert(Meter), [dict(serial_number=f"S{i:08d}", account_id=accs[f"B{i:08d}"],
                                                 resource="cold_water", tariff_zones=1, digits=5,
                                                 next_verification_on=dt.date(2031, 1, 1),
                                                 last_value=Decimal("100"), last_read_on=dt.date(2026, 10, 21))
                                            for i in range(start, stop)])
        print(f"\r  filled {stop}/{n}", end="", file=sys.stderr)
    print(file=sys.stderr)
    # as the registry import does after a bulk load (PostgreSQL plans on fresh statistics, not on guesses)
    from storage.db import refresh_statistics

    await refresh_statistics(sessions.kw["bind"], ["premises", "accounts", "users", "account_links", "meters"])


async def meter_ids(sessions, last: int | None = None) -> dict[int, int]:
    """user → meter id (of the ``last`` users only, when given: the RSS process holds no list of them all)."""
    from sqlalchemy import select

    from storage.models import AccountLink, Meter

    stmt = select(AccountLink.user_id, Meter.id).join(Meter, Meter.account_id == AccountLink.account_id)
    if last is not None:
        stmt = stmt.order_by(AccountLink.user_id.desc()).limit(last)
    async with sessions() as s:
        rows = (await s.execute(stmt)).all()
    return dict(rows)


# --------------------------------------------------------------------------------------------- bare aiogram


class BareStates(StatesGroup):
    value = State()
    date = State()
    confirm = State()


class BareMeterCD(CallbackData, prefix="m"):
    meter_id: int


class BareDateCD(CallbackData, prefix="d"):
    today: bool
    token: str


class BareSaveCD(CallbackData, prefix="c"):
    token: str


def bare_router() -> Router:
    """The same dialog, the same Bot API calls, nothing behind it: the floor an aiogram bot cannot go below."""
    r = Router()
    menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=b) for b in row] for row in ct.MAIN_MENU],
                               resize_keyboard=True)

    @r.message(Command("menu"), StateFilter("*"))
    async def _menu(message: Message, state: FSMContext) -> None:
        if await state.get_state() is not None:
            await state.clear()
        await message.answer(ct.MENU, reply_markup=menu)

    @r.message(F.text == rt.TITLE, StateFilter("*"))
    async def _open(message: Message, state: FSMContext) -> None:
        meter = message.from_user.id % 100_000 + 1
        kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text="Холодная вода № S1", callback_data=BareMeterCD(meter_id=meter).pack())]])
        await message.answer("<b>Приборы учёта</b>\nХолодная вода № S1: 100 м³", reply_markup=kb)

    @r.callback_query(BareMeterCD.filter(), StateFilter("*"))
    async def _meter(query: CallbackQuery, callback_data: BareMeterCD, state: FSMContext) -> None:
        await query.answer()
        await state.set_state(BareStates.value)
        await state.set_data({"meter_id": callback_data.meter_id, "values": [], "token": "t1"})
        kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=ct.BTN_CANCEL, callback_data=BareSaveCD(token="t1").pack())]])
        await query.message.answer("Введите показание", reply_markup=kb)

    @r.message(BareStates.value)
    async def _value(message: Message, state: FSMContext) -> None:
        data = await state.get_data()
        try:
            value = Decimal(message.text.replace(",", "."))
        except ArithmeticError:
            await message.answer("Не число")
            return
        await state.update_data(values=[*data["values"], str(value)])
        await state.set_state(BareStates.date)
        kb = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=rt.BTN_TODAY, callback_data=BareDateCD(today=True, token="t1").pack()),
            InlineKeyboardButton(text="Вчера", callback_data=BareDateCD(today=False, token="t1").pack())]])
        await message.answer("Когда сняты показания?", reply_markup=kb)

    @r.callback_query(BareStates.date, BareDateCD.filter())
    async def _date(query: CallbackQuery, callback_data: BareDateCD, state: FSMContext) -> None:
        await state.get_data()
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=None)
        await state.update_data(taken_on=NOW.date().isoformat())
        await state.set_state(BareStates.confirm)
        kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=ct.BTN_SAVE, callback_data=BareSaveCD(token="t1").pack())]])
        await query.message.answer("<b>Проверьте показания</b>", reply_markup=kb)

    @r.callback_query(BareStates.confirm, BareSaveCD.filter())
    async def _save(query: CallbackQuery, state: FSMContext) -> None:
        await state.get_data()
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=None)
        await state.clear()
        await query.message.answer("Показания сохранены")

    return r


# --------------------------------------------------------------------------------------------- the client


class BenchSession(LocalSession):
    """LocalSession that keeps only each chat's newest inline keyboard (a long run must not grow a list)."""

    def __init__(self) -> None:
        super().__init__()
        self.markups: dict[int, InlineKeyboardMarkup] = {}
        self.calls = 0

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.calls += 1
        self.check(bot, method)
        markup = getattr(method, "reply_markup", None)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(markup, InlineKeyboardMarkup) and isinstance(chat_id, int):
            self.markups[chat_id] = markup
        return self.default_result(bot, method)


@dataclass
class Stack:
    name: str
    dp: Dispatcher
    bot: Bot
    meters: dict[int, int]
    engine: Any = None
    counts: Counter = field(default_factory=Counter)


_ids = iter(range(1, 10**12))


def _chat(uid: int) -> dict[str, Any]:
    return {"id": uid, "type": "private"}


def _message(uid: int, text_: str) -> dict[str, Any]:
    return {"message_id": next(_ids), "date": NOW, "chat": _chat(uid),
            "from": {"id": uid, "is_bot": False, "first_name": "b"}, "text": text_}


def _button(session: BenchSession, uid: int, label: str) -> str:
    for row in session.markups[uid].inline_keyboard:
        for b in row:
            if b.text == label or b.text.startswith(label):
                return b.callback_data
    raise AssertionError(f"user {uid}: no button {label!r} in {session.markups[uid]}")


def _callback(uid: int, data: str) -> dict[str, Any]:
    msg = {"message_id": next(_ids), "date": NOW, "chat": _chat(uid),
           "from": {"id": 1, "is_bot": True, "first_name": "bot"}, "text": "…"}
    return {"id": str(next(_ids)), "from": {"id": uid, "is_bot": False, "first_name": "b"},
            "chat_instance": "ci", "message": msg, "data": data}


def _update(bot: Bot, **event: Any) -> Update:
    """An update bound to the bot as the polling loop and the webhook hand it over (validated with the bot in its
    context): ``feed_update`` does not rebuild it through JSON, as it does an update of no bot."""
    return Update.model_validate({"update_id": next(_ids), **event}, context={"bot": bot})


async def dialog(stack: Stack, uid: int, times: dict[str, list[float]]) -> None:
    """One user's dialog; each update's time goes to its step."""
    session: BenchSession = stack.bot.session  # type: ignore[assignment]
    bot = stack.bot
    meter_label = "Холодная вода"
    for step in STEPS:
        if step == "menu":
            upd = _update(bot, message=_message(uid, "/menu"))
        elif step == "open":
            upd = _update(bot, message=_message(uid, rt.TITLE))
        elif step == "meter":
            upd = _update(bot, callback_query=_callback(uid, _button(session, uid, meter_label)))
        elif step == "value":
            upd = _update(bot, message=_message(uid, "110,5"))
        elif step == "today":
            upd = _update(bot, callback_query=_callback(uid, _button(session, uid, rt.BTN_TODAY)))
        else:
            upd = _update(bot, callback_query=_callback(uid, _button(session, uid, ct.BTN_SAVE)))
        t0 = time.perf_counter()
        await stack.dp.feed_update(stack.bot, upd)
        times[step].append(time.perf_counter() - t0)


GC_PAUSES: list[float] = []  # full (generation 2) collections, seconds each
_gc_started = [0.0]


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_PAUSES.append(time.perf_counter() - _gc_started[0])


gc.callbacks.append(_on_gc)


def new_result() -> dict[str, Any]:
    return {"updates": 0, "wall": 0.0, "times": defaultdict(list), "counts": Counter(), "dialogs": 0, "gc": []}


async def run(stack: Stack, users: list[int], burst: int, into: dict[str, Any] | None = None) -> dict[str, Any]:
    """``users`` dialogs, one at a time (``burst`` 1) or ``burst`` at once; added to ``into``."""
    r = into if into is not None else new_result()
    stack.counts.clear()
    del GC_PAUSES[:]
    t0 = time.perf_counter()
    if burst <= 1:
        for uid in users:
            await dialog(stack, uid, r["times"])
    else:
        for i in range(0, len(users), burst):
            await asyncio.gather(*(dialog(stack, uid, r["times"]) for uid in users[i:i + burst]))
    r["wall"] += time.perf_counter() - t0
    r["updates"] += len(users) * len(STEPS)
    r["dialogs"] += len(users)
    r["counts"].update(stack.counts)
    r["gc"] += GC_PAUSES
    r["ups"] = r["updates"] / r["wall"]
    return r


async def interleaved(stacks: list[Stack], users: list[int], burst: int, chunk: int) -> list[dict[str, Any]]:
    """Every stack runs the same dialogs, ``chunk`` users at a time, taking turns: a machine that gets busier or
    quieter meanwhile weighs on all of them alike, and the ratios stay fair."""
    results = [new_result() for _ in stacks]
    for i in range(0, len(users), chunk):
        for st, r in zip(stacks, results, strict=True):
            await run(st, users[i:i + chunk], burst, r)
    return results


def count_sql(engine, counts: Counter) -> None:
    from sqlalchemy import event

    sync = engine.sync_engine

    @event.listens_for(sync, "before_cursor_execute")
    def _stmt(conn, cursor, statement, params, context, executemany):
        counts["statements"] += 1
        word = statement.lstrip().split(None, 1)[0].upper()
        counts[f"sql {word}"] += 1

    @event.listens_for(sync, "begin")
    def _begin(conn):
        counts["transactions"] += 1

    @event.listens_for(sync, "commit")
    def _commit(conn):
        counts["commits"] += 1

    @event.listens_for(sync, "rollback")
    def _rollback(conn):
        counts["rollbacks"] += 1

    @event.listens_for(sync.pool, "checkout")
    def _checkout(*_a):
        counts["checkouts"] += 1

    @event.listens_for(sync.pool, "connect")
    def _connect(*_a):
        counts["new connections"] += 1


# --------------------------------------------------------------------------------------------- stacks


def settings_for(url: str, redis: str | None) -> Any:
    from bot.config import Settings

    return Settings(_env_file=None, bot_token=TOKEN, database_url=url, timezone="Europe/Moscow", redis_url=redis,
                    staff_chat_id=-100123, admin_ids=[1])


async def our_stack(name: str, url: str, redis: str | None, accounts: int, fresh_pg: bool) -> Stack:
    from sqlalchemy import text

    from bot.app import build_bot, build_dispatcher, build_storage
    from bot.services.clock import FixedClock
    from storage.db import create_engine, session_factory
    from storage.migrate import upgrade
    from storage.models import Base

    engine = create_engine(url)
    if fresh_pg:
        async with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
    await upgrade(engine)
    sessions = session_factory(engine)
    t0 = time.perf_counter()
    await fill(sessions, accounts)
    print(f"{name}: {accounts} accounts, users and meters in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    meters = await meter_ids(sessions)
    settings = settings_for(url, redis)
    clock = FixedClock(settings.tz, NOW)
    storage = build_storage(settings, sessions)
    if redis:  # dialogs an interrupted run left behind (the bot's own prefix only: tests use their own)
        keys = [k async for k in storage.redis.scan_iter("fsm:*")]  # type: ignore[attr-defined]
        if keys:
            await storage.redis.delete(*keys)  # type: ignore[attr-defined]
    dp, _ = build_dispatcher(settings, sessions, storage, clock)
    bot = build_bot(settings, session=BenchSession())
    stack = Stack(name, dp, bot, meters, engine)
    count_sql(engine, stack.counts)
    return stack


def bare_stack() -> Stack:
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    dp = Dispatcher(storage=MemoryStorage())
    dp.include_router(bare_router())
    bot = Bot(token=TOKEN, session=BenchSession(), default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return Stack("bare aiogram", dp, bot, {})


# --------------------------------------------------------------------------------------------- printing


def ms(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return 1000 * xs[min(len(xs) - 1, int(q * len(xs)))]


def report(results: list[tuple[str, dict[str, Any]]], bare: dict[str, dict[str, Any]]) -> None:
    print()
    print("| run | updates/s | × bare | p50 ms | p99 ms | max ms | full GC passes (longest ms) |")
    print("|---|---|---|---|---|---|---|")
    for label, r in results:
        every = [t for ts in r["times"].values() for t in ts]
        mode = "burst" if "at once" in label else "seq"
        ratio = r["ups"] / bare[mode]["ups"]
        print(f"| {label} | {r['ups']:.0f} | {ratio:.3f}× | {ms(every, .5):.2f} | {ms(every, .99):.2f} | "
              f"{ms(every, 1):.1f} | {len(r['gc'])} ({1000 * max(r['gc'], default=0):.0f}) |")
    print()
    print("per step, p50 / p99 / max ms:")
    print("| run | " + " | ".join(STEPS) + " |")
    print("|---|" + "---|" * len(STEPS))
    for label, r in results:
        cells = [f"{ms(r['times'][s], .5):.2f} / {ms(r['times'][s], .99):.2f} / {ms(r['times'][s], 1):.1f}"
                 for s in STEPS]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print("per dialog (6 updates), counted with SQLAlchemy events:")
    keys = ["statements", "transactions", "commits", "rollbacks", "checkouts", "new connections"]
    print("| run | " + " | ".join(keys) + " | statements by kind |")
    print("|---|" + "---|" * (len(keys) + 1))
    for label, r in results:
        c, d = r["counts"], r["dialogs"]
        if not c:
            continue
        kinds = ", ".join(f"{k[4:]} {v / d:.1f}" for k, v in sorted(c.items()) if k.startswith("sql "))
        print(f"| {label} | " + " | ".join(f"{c.get(k, 0) / d:.1f}" for k in keys) + f" | {kinds} |")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def rss_child(kind: str, url: str | None, redis: str | None, users: int) -> None:
    """In a fresh process: build the stack as the bot starts, run ``users`` dialogs, print the RSS (MB)."""
    from bot.memory import limit_malloc_arenas

    limit_malloc_arenas()  # as `python -m bot run` does first (both processes alike: bare aiogram has no threads)
    if kind == "bare":
        stack = bare_stack()
        uids = [BASE_USER + i for i in range(users)]
        gc.collect()
        gc.freeze()
    else:
        from bot.app import build_bot, build_dispatcher, build_storage, freeze_startup
        from bot.services.clock import FixedClock
        from storage.db import create_engine, session_factory

        engine = create_engine(url)
        sessions = session_factory(engine)
        settings = settings_for(url, redis)
        meters = await meter_ids(sessions, last=users)
        storage = build_storage(settings, sessions)
        dp, _ = build_dispatcher(settings, sessions, storage, FixedClock(settings.tz, NOW))
        stack = Stack("ours", dp, build_bot(settings, session=BenchSession()), meters, engine)
        uids = sorted(meters)
        freeze_startup()  # as bot.runner does once started
    start = rss_mb()
    times: dict[str, list[float]] = defaultdict(list)
    for i in range(0, len(uids), 50):
        await asyncio.gather(*(dialog(stack, uid, times) for uid in uids[i:i + 50]))
    gc.collect()
    print(json.dumps({"start": start, "end": rss_mb()}))


def measure_rss(kind: str, url: str | None, redis: str | None, users: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.full_stack", "--rss-child", kind, "--rss-users", str(users)]
    if url:
        cmd += ["--rss-url", url]
    if redis:
        cmd += ["--rss-redis", redis]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------- main


async def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=1000, help="dialogs per run (one user each)")
    ap.add_argument("--burst", type=int, default=50, help="users at once in the burst runs")
    ap.add_argument("--pg", help="postgresql+asyncpg://… a scratch database (its tables are dropped)")
    ap.add_argument("--redis", help="redis://… the FSM storage of the PG stack (its fsm:* keys are deleted first)")
    ap.add_argument("--no-rss", action="store_true")
    ap.add_argument("--rss-users", type=int, default=2000)
    ap.add_argument("--rss-child", help=argparse.SUPPRESS)
    ap.add_argument("--rss-url", help=argparse.SUPPRESS)
    ap.add_argument("--rss-redis", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.rss_child:
        await rss_child(args.rss_child, args.rss_url, args.rss_redis, args.rss_users)
        return
    if 2 * args.users > args.accounts:
        ap.error("--accounts must be at least twice --users (each dialog uses a user of its own)")

    tmp = tempfile.TemporaryDirectory()
    sqlite_url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    stacks = [await our_stack("SQLite + SQL FSM", sqlite_url, None, args.accounts, False)]
    if args.pg:
        label = "PostgreSQL + Redis" if args.redis else "PostgreSQL + SQL FSM"
        stacks.append(await our_stack(label, args.pg, args.redis, args.accounts, True))
    bare = bare_stack()
    gc.collect()
    gc.freeze()  # as bot.runner does once started (bot.app.freeze_startup)

    seq_users = [BASE_USER + i for i in range(args.users)]
    burst_users = [BASE_USER + args.users + i for i in range(args.users)]
    # warm up every stack (imports, compiled statements, pools) on users the runs do not use
    warm = [BASE_USER + args.accounts - 1 - i for i in range(20)]
    for st in [bare, *stacks]:
        await run(st, warm, 1)

    every = [bare, *stacks]
    seq = await interleaved(every, seq_users, 1, args.burst)
    bur = await interleaved(every, burst_users, args.burst, args.burst)
    bare_r = {"seq": seq[0], "burst": bur[0]}
    results: list[tuple[str, dict[str, Any]]] = []
    for st, a, b in zip(every, seq, bur, strict=True):
        results.append((f"{st.name}, one user at a time", a))
        results.append((f"{st.name}, {args.burst} users at once", b))
    print(f"\n{args.users} dialogs of {len(STEPS)} updates per run; {args.accounts} accounts, users and meters "
          f"in each database; python {sys.version.split()[0]}, pid {os.getpid()}")
    report(results, bare_r)
    for st in stacks:
        seq = next(r for label, r in results if label == f"{st.name}, one user at a time")
        bur = next(r for label, r in results if label == f"{st.name}, {args.burst} users at once")
        print(f"{st.name}: {args.burst} users at once vs one at a time: {bur['ups'] / seq['ups']:.2f}×")

    for st in stacks:
        await st.bot.session.close()
        await st.dp.storage.close()
        await st.engine.dispose()
    if not args.no_rss:
        print(f"\nRSS of a fresh process after {args.rss_users} dialogs ({args.accounts} accounts and users in the "
              f"database):")
        b = measure_rss("bare", None, None, args.rss_users)
        print(f"  bare aiogram: {b['end']:.0f} MB (after start-up {b['start']:.0f} MB)")
        runs = [("SQLite + SQL FSM", sqlite_url, None)]
        if args.pg:
            runs.append((stacks[1].name, args.pg, args.redis))
        for label, url, redis in runs:
            o = measure_rss("ours", url, redis, args.rss_users)
            print(f"  {label}: {o['end']:.0f} MB (after start-up {o['start']:.0f} MB) — bare + "
                  f"{o['end'] - b['end']:.0f} MB")
    tmp.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
