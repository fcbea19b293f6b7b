"""Fixtures: a fresh database, storage and Dispatcher for every test.

SQLite always; PostgreSQL (with Redis for dialogs) as a second variant of every database test when
TEST_DATABASE_URL / TEST_REDIS_URL are set.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_bot, build_dispatcher
from bot.config import Settings
from bot.services.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.fsm import SqlStorage
from storage.migrate import upgrade
from storage.models import Base
from tests.harness import BotClient, RecordingSession

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
STAFF_CHAT_ID = -1001234567890
ADMIN_ID = 900
TOKEN = "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz"
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
# TEST_CLOCK_SHIFT_DAYS=550: the whole run sees the wall clock moved that far ahead (time-machine), so a test that
# reads today's date instead of its pinned clock fails now, not on the day its date passes. `.ci/run` runs the
# suite once as it is and once shifted.
CLOCK_SHIFT_DAYS = int(os.environ.get("TEST_CLOCK_SHIFT_DAYS") or 0)


def pytest_configure(config: pytest.Config) -> None:
    if CLOCK_SHIFT_DAYS:
        import time_machine

        ahead = dt.datetime.now(dt.UTC) + dt.timedelta(days=CLOCK_SHIFT_DAYS)
        traveller = time_machine.travel(ahead, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    if CLOCK_SHIFT_DAYS:
        return f"wall clock moved {CLOCK_SHIFT_DAYS} days ahead: {dt.datetime.now():%d.%m.%Y %H:%M}"
    return None


def run_isolated(make) -> None:
    """Run a coroutine function to completion on its own loop in a thread (session fixtures are sync, but may
    be first requested from inside a running test loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, make()).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def make() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        async with engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    run_isolated(make)
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> bool:
    async def make() -> None:
        engine = create_engine(TEST_DATABASE_URL)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        await engine.dispose()

    run_isolated(make)
    return True


# every table emptied and every used sequence restarted, as TRUNCATE … RESTART IDENTITY did, in one statement:
# DELETE of the few rows a test leaves takes ~35 ms where TRUNCATE of every table took 160–270 ms (new files for
# each table), and it ran before each of ~800 PostgreSQL tests
PG_EMPTY = ("DO $$ DECLARE r record; BEGIN "
            + "".join(f'DELETE FROM "{t.name}"; ' for t in reversed(Base.metadata.sorted_tables))
            + "FOR r IN SELECT schemaname, sequencename FROM pg_sequences "
              "WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP "
              "EXECUTE format('ALTER SEQUENCE %I.%I RESTART', r.schemaname, r.sequencename); END LOOP; END $$")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "bot.db"
        shutil.copyfile(template, target)
        return f"sqlite+aiosqlite:///{target}"
    request.getfixturevalue("pg_migrated")
    engine = create_engine(TEST_DATABASE_URL)
    async with engine.begin() as conn:
        await conn.execute(text(PG_EMPTY))
    await engine.dispose()
    return TEST_DATABASE_URL


@pytest.fixture
async def engine(db_url: str):
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=db_url,
        timezone="Europe/Moscow",
        staff_chat_id=STAFF_CHAT_ID,
        admin_ids=[ADMIN_ID],
        redis_url=None,
    )


@pytest.fixture
def clock(settings: Settings) -> FixedClock:
    """Thursday 2026-11-19, 12:00 Moscow time; tests move it as they need."""
    return FixedClock(settings.tz, dt.datetime(2026, 11, 19, 12, 0))


@pytest.fixture
async def fsm_storage(backend: str, sessions):
    if backend == "postgresql" and TEST_REDIS_URL:
        from storage.fsm import RedisKeyBuilder
        from storage.fsm_redis import RedisFsmStorage

        storage = RedisFsmStorage.from_url(TEST_REDIS_URL, key_builder=RedisKeyBuilder(prefix=f"t{uuid.uuid4().hex}"))
        yield storage
        await storage.close()
    else:
        yield SqlStorage(sessions)


@pytest.fixture
def dp(settings, sessions, fsm_storage, clock):
    dispatcher, _tracker = build_dispatcher(settings, sessions, fsm_storage, clock)
    return dispatcher


@pytest.fixture
async def bot(settings):
    """The bot as production builds it (HTML parse mode by default), over the recording session — which parses
    every message's HTML as Telegram does, so an unescaped value fails the test that shows it."""
    b = build_bot(settings, session=RecordingSession())
    yield b
    await b.session.close()


@pytest.fixture
def client(dp, bot) -> BotClient:
    return BotClient(dp, bot)


@pytest.fixture
def make_client(dp, bot):
    """Another person talking to the same bot: make_client(user_id=222, first_name=…)."""

    def make(**kwargs) -> BotClient:
        return BotClient(dp, bot, **kwargs)

    return make


@pytest.fixture
def staff(dp, bot) -> BotClient:
    """A staff member writing in the staff group."""
    return BotClient(dp, bot, user_id=ADMIN_ID, first_name="Ольга", last_name="Диспетчер", chat_id=STAFF_CHAT_ID)
