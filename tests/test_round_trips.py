"""Round trips per update: SQL statements of the reading dialog step by step (so they cannot creep back), the
dialog read once and written at most once, one database session per update, SQLite's one writer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from contextlib import contextmanager

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from bot.texts import readings as t
from storage import db
from storage.db import UnitOfWork, unit_of_work, write_transaction
from storage.fsm import BufferedStorage, SqlStorage
from storage.models import FsmRecord, Organization, Reading
from tests.factories import UK_OGRN, link, world

COLD = "Холодная вода ХВ-001"


@contextmanager
def counting(engine):
    """Statements sent to the database (by their first word) while the block runs."""
    counts: Counter[str] = Counter()

    def on_statement(conn, cursor, statement, params, context, executemany):
        counts[statement.lstrip().split(None, 1)[0].upper()] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", on_statement)
    try:
        yield counts
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_statement)


async def test_the_reading_dialog_in_twelve_statements(client, sessions, engine, fsm_storage, dp):
    """/menu → «Передать показания» → the meter → the value → «Сегодня» → «Сохранить»: the budget of each step.
    On SQLite (and on PostgreSQL without Redis) the dialog's own row is part of it; with Redis it is not SQL."""
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    sql_fsm = isinstance(fsm_storage, SqlStorage)
    pg = engine.dialect.name == "postgresql"
    # (statements without the dialog's row, the dialog's row: reads + writes)
    budget = {
        "menu": (0, 1),  # the dialog read once (a user seen for the first time), nothing to clear
        "open": (2, 0),  # the meters with their readings; the УК of each linked account
        "meter": (1, 1),  # the meter read once (not again to ask for its value); state and data in one upsert
        "value": (1, 1),
        "today": (1, 1),
        "save": (3 if pg else 2, 1),  # (PostgreSQL: the row lock) the meter, the INSERT; the dialog's DELETE
    }
    steps = [
        ("menu", lambda: client.send("/menu")),
        ("open", lambda: client.send(t.TITLE)),
        ("meter", lambda: client.click(COLD)),
        ("value", lambda: client.send("110,5")),
        ("today", lambda: client.click(t.BTN_TODAY)),
        ("save", lambda: client.click(t.SAVE)),
    ]
    total = 0
    for name, step in steps:
        with counting(engine) as counts:
            await step()
        own, fsm = budget[name]
        allowed = own + (fsm if sql_fsm else 0)
        spent = sum(counts.values())
        assert spent <= allowed, f"{name}: {spent} statements ({dict(counts)}), budget {allowed}"
        total += spent
    assert total <= (12 if sql_fsm and not pg else 13 if sql_fsm else 8)
    async with sessions() as s:
        (r,) = (await s.execute(select(Reading))).scalars().all()
        assert r.value == 110.5 and r.meter_id == w.cold.id
        if sql_fsm:  # the finished dialog leaves no row behind
            assert (await s.execute(select(FsmRecord))).scalars().all() == []


async def test_a_menu_without_a_dialog_costs_no_statement(client, sessions, engine):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await client.send("/menu")
    with counting(engine) as counts:
        await client.send("/menu")  # no dialog: nothing to clear, the dialog is known — no statement at all
    assert sum(counts.values()) == 0


async def test_buffered_storage_writes_once_per_update(sessions, engine, backend):
    if backend != "sqlite":
        pytest.skip("the SQL storage's statements")
    inner = SqlStorage(sessions)
    storage = BufferedStorage(inner)
    key = StorageKey(bot_id=42, chat_id=7, user_id=7)
    with counting(engine) as counts:
        async with unit_of_work(sessions), storage.batch(key, None):
            await storage.set_state(key, "SubmitReading:value")
            await storage.set_data(key, {"meter_id": 1, "values": []})
            await storage.update_data(key, {"values": ["1"]})
            assert await storage.get_state(key) == "SubmitReading:value"
            assert await storage.get_data(key) == {"meter_id": 1, "values": ["1"]}
    assert counts == Counter({"INSERT": 1})  # set before read: nothing to read; state and data in one upsert
    assert await inner.get_data(key) == {"meter_id": 1, "values": ["1"]}

    with counting(engine) as counts:  # the same values set again: no write; a read of a known row: no SELECT
        async with unit_of_work(sessions), storage.batch(key, "SubmitReading:value"):
            await storage.set_state(key, "SubmitReading:value")
            await storage.set_data(key, {"meter_id": 1, "values": ["1"]})
    assert sum(counts.values()) == 0

    with counting(engine) as counts:  # clear(): one DELETE
        async with unit_of_work(sessions), storage.batch(key, "SubmitReading:value"):
            await storage.set_state(key, None)
            await storage.set_data(key, {})
    assert counts == Counter({"DELETE": 1})
    assert await SqlStorage(sessions).get_state(key) is None  # as a new process reads it
    # the data a caller gets is its own copy: changing it changes nothing stored
    async with storage.batch(key, None):
        await storage.set_data(key, {"queue": [1, 2]})
        got = await storage.get_data(key)
        got["queue"].append(3)
        assert await storage.get_data(key) == {"queue": [1, 2]}


async def test_one_session_per_update_behaves_as_a_session_per_block(sessions, backend):
    await world(sessions)
    async with unit_of_work(sessions) as uow:
        assert isinstance(uow, UnitOfWork)
        async with uow() as s:
            org = (await s.execute(select(Organization).where(Organization.ogrn == UK_OGRN))).scalar_one()
            s.add(Organization(ogrn="1027700000001", inn="7700000001", name="не записана", kind="uk"))
            await s.flush()
        assert org.short_name == "ООО «УК Тестовая»"  # loaded objects stay usable after the block
        async with uow() as s:  # the plain block's unfinished write was rolled back at its end
            assert (await s.execute(select(Organization).where(Organization.ogrn == "1027700000001"))).first() is None
        async with uow.begin() as s:
            s.add(Organization(ogrn="1027700000002", inn="7700000002", name="записана", kind="uk"))
        with pytest.raises(RuntimeError):
            async with uow.begin() as s:
                s.add(Organization(ogrn="1027700000003", inn="7700000003", name="откачена", kind="uk"))
                await s.flush()
                raise RuntimeError("boom")
        async with sessions.begin() as s:  # the raw factory, inside the update: the update's session
            assert s is uow._session
            s.add(Organization(ogrn="1027700000004", inn="7700000004", name="тоже", kind="uk"))
        assert uow.blocks == 5
    async with sessions() as s:
        names = set((await s.execute(select(Organization.name))).scalars())
    assert {"записана", "тоже"} <= names and not {"не записана", "откачена"} & names


async def test_sqlite_writers_queue_in_the_process(sessions, backend):
    """Fifty writers at once, each pausing inside its transaction: no «database is locked», no busy sleep."""
    if backend != "sqlite":
        pytest.skip("SQLite's one writer")
    await world(sessions)

    async def write(i: int) -> None:
        async with sessions.begin() as s:
            await s.execute(text("UPDATE organizations SET phone = :p WHERE ogrn = :o"),
                            {"p": f"+7495{i:07d}", "o": UK_OGRN})
            await asyncio.sleep(0)  # another writer gets the loop meanwhile
            await s.execute(text("UPDATE organizations SET email = :e WHERE ogrn = :o"),
                            {"e": f"{i}@example.ru", "o": UK_OGRN})

    await asyncio.gather(*(write(i) for i in range(50)))
    async with sessions() as s:
        phone, email = (await s.execute(text("SELECT phone, email FROM organizations WHERE ogrn = :o"),
                                        {"o": UK_OGRN})).one()
    assert int(phone[5:]) == int(email.split("@")[0])  # both written by the same transaction, none interleaved


async def test_a_lock_of_another_process_is_waited_for_without_blocking_the_loop(sessions, engine, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's locks")
    await world(sessions)
    other = sqlite3.connect(engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    ticker = asyncio.create_task(tick())
    try:
        async def write() -> None:
            async with sessions.begin() as s:
                await s.execute(text("UPDATE organizations SET phone = '+74950000000' WHERE ogrn = :o"),
                                {"o": UK_OGRN})

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.2)
        assert not writer.done()  # it waits …
        assert ticks >= 10  # … asleep: the loop goes on meanwhile
        other.execute("COMMIT")
        await asyncio.wait_for(writer, 5)
    finally:
        ticker.cancel()
        other.close()
    async with sessions() as s:
        assert (await s.execute(text("SELECT phone FROM organizations WHERE ogrn = :o"),
                                {"o": UK_OGRN})).scalar() == "+74950000000"


async def test_a_second_write_session_inside_a_write_does_not_wait_for_itself(sessions, engine, backend,
                                                                             monkeypatch):
    """A writer that opens another write session meanwhile (another connection) is not queued behind itself: it
    meets SQLite's own lock (waited for, then «database is locked»), as it did before the in-process lock."""
    if backend != "sqlite":
        pytest.skip("SQLite's one writer")
    await world(sessions)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)  # a short wait, for the test: a fresh engine takes it
    short = db.create_engine(engine.url.render_as_string(hide_password=False))
    maker = db.session_factory(short)
    try:
        async with maker() as outer, write_transaction(outer):
            await outer.execute(text("UPDATE organizations SET phone = '+74950000001' WHERE ogrn = :o"),
                                {"o": UK_OGRN})
            with pytest.raises(OperationalError, match="locked"):
                async with asyncio.timeout(5), maker.begin() as inner:  # a second connection
                    await inner.execute(text("UPDATE organizations SET email = 'x@example.ru' WHERE ogrn = :o"),
                                        {"o": UK_OGRN})
    finally:
        await short.dispose()


async def test_a_sqlite_statement_is_one_trip_to_its_thread(engine, backend):
    """aiosqlite runs sqlite3 in a thread of its own; each hand-off there and back costs the event loop a wake-up
    and the GIL. A statement — cursor, execute, rows, close — is one trip; the results are the same as sqlite3's:
    rows, rowcount, lastrowid, an error as the DBAPI error."""
    if backend != "sqlite":
        pytest.skip("aiosqlite only")
    import aiosqlite

    trips = []
    real = aiosqlite.Connection._execute

    async def spy(self, fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    async with engine.connect() as conn:
        await conn.execute(text("CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        aiosqlite.Connection._execute = spy
        try:
            ins = await conn.exec_driver_sql("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')")
            assert (ins.rowcount, ins.lastrowid) == (3, 3)
            assert trips == ["_one_trip"]
            del trips[:]
            rows = (await conn.execute(text("SELECT id, v FROM t WHERE id > :n ORDER BY id"), {"n": 1})).all()
            assert [tuple(r) for r in rows] == [(2, "b"), (3, "c")]
            assert trips == ["_one_trip"]
            upd = await conn.execute(text("UPDATE t SET v = 'z' WHERE id < 3"))
            assert upd.rowcount == 2
            await conn.execute(text("INSERT INTO t (id, v) VALUES (:i, :v)"), [{"i": 10, "v": "x"}, {"i": 11, "v": "y"}])
            assert await conn.scalar(text("SELECT count(*) FROM t")) == 5
            assert len(trips) == 4  # the SELECT, the UPDATE, the executemany, the count: one trip each
            with pytest.raises(OperationalError, match="no such table"):
                await conn.execute(text("SELECT * FROM nowhere"))
        finally:
            aiosqlite.Connection._execute = real
        await conn.rollback()


async def test_redis_dialog_is_two_round_trips_per_update(client, bot, sessions, fsm_storage, monkeypatch):
    """With Redis (several replicas) nothing is remembered between updates, so each update reads its dialog. The
    lock is taken and the dialog read in one script, and what changed is written and the lock released in another:
    two round trips per update — in aiogram's own keys and format, which RedisStorage reads back."""
    from aiogram.fsm.storage.redis import RedisStorage

    from storage.fsm_redis import RedisFsmStorage

    if not isinstance(fsm_storage, RedisFsmStorage):
        pytest.skip("Redis only (TEST_REDIS_URL)")
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    redis = fsm_storage.redis
    sent: list[str] = []
    real_command, real_pipeline = redis.execute_command, redis.pipeline

    async def command(*args, **kwargs):
        sent.append(str(args[0]).upper())
        return await real_command(*args, **kwargs)

    def pipeline(*args, **kwargs):
        sent.append("PIPELINE")
        return real_pipeline(*args, **kwargs)

    monkeypatch.setattr(redis, "execute_command", command)
    monkeypatch.setattr(redis, "pipeline", pipeline)
    await client.send("/menu")
    await client.send(t.TITLE)
    del sent[:]
    await client.click(COLD)  # the dialog starts: state and data written together, with the release
    assert sent == ["EVALSHA", "EVALSHA"]  # lock + read, write + release
    del sent[:]
    await client.send("110,5")
    assert sent == ["EVALSHA", "EVALSHA"]
    monkeypatch.undo()
    key = StorageKey(bot_id=bot.id, chat_id=client.user.id, user_id=client.user.id)
    plain = RedisStorage(redis, key_builder=fsm_storage.key_builder)
    assert await plain.get_state(key) == "SubmitReading:date"
    assert (await plain.get_data(key))["values"] == ["110.500"]
    assert await fsm_storage.read(key) == (await plain.get_state(key), json.dumps(await plain.get_data(key)))
    assert await redis.exists(fsm_storage.key_builder.build(key, "lock")) == 0  # released


async def test_postgresql_read_blocks_run_without_begin_and_rollback(sessions, engine, backend):
    """An update's read block on PostgreSQL is autocommit (two round trips fewer); the first statement that is not
    a plain SELECT opens a real transaction, so a read block's writes and row locks behave as before: rolled back
    and held until the block's end, committed by its own commit or by a write block inside it."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    from sqlalchemy.exc import DBAPIError

    org = select(Organization.name).where(Organization.ogrn == "1027700000001")

    async def now(s):
        return await s.scalar(text("SELECT now()"))  # a transaction's start: the same for all its statements

    async with unit_of_work(sessions) as uow:
        async with uow() as s:
            first = await now(s)
            await asyncio.sleep(0.01)
            assert await now(s) > first  # each SELECT on its own: no transaction around them
            s.add(Organization(ogrn="1027700000001", inn="7700000001", name="Черновик", kind="uk"))
            await s.flush()  # a write: from here on a transaction, rolled back at the block's end
            first = await now(s)
            await asyncio.sleep(0.01)
            assert await now(s) == first
        async with uow() as s:
            assert await s.scalar(org) is None
            async with uow.begin() as w:  # a write block inside a read block commits at its own end
                w.add(Organization(ogrn="1027700000001", inn="7700000001", name="УК", kind="uk"))
        async with uow() as s:
            assert await s.scalar(org) == "УК"
            locked = select(Organization).where(Organization.ogrn == "1027700000001").with_for_update()
            await s.execute(locked)  # FOR UPDATE: a transaction, the row locked until the block ends
            async with engine.connect() as other:
                with pytest.raises(DBAPIError, match="could not obtain lock"):
                    await other.execute(text("SELECT 1 FROM organizations WHERE ogrn = '1027700000001' "
                                             "FOR UPDATE NOWAIT"))
        async with engine.connect() as other:
            await other.execute(text("SELECT 1 FROM organizations FOR UPDATE NOWAIT"))  # released
    async with sessions() as s:  # outside an update, and on a connection back from the pool: transactions as ever
        first = await now(s)
        await asyncio.sleep(0.01)
        assert await now(s) == first


def _trip_spy(trips: list[str]):
    """A stand-in for aiosqlite's hand-off to its thread that notes each trip (``_one_trip`` with its BEGIN and
    COMMIT, or the driver call's name) in ``trips``; and the real one, to put back."""
    import aiosqlite

    real = aiosqlite.Connection._execute

    async def spy(self, fn, *args, **kwargs):
        name = getattr(fn, "__name__", repr(fn))
        if fn is db._one_trip:
            name += ("+begin" if args[4] else "") + ("+commit" if args[5] else "")
        trips.append(name)
        return await real(self, fn, *args, **kwargs)

    return spy, real


async def test_a_sqlite_write_block_begins_with_its_first_statement(sessions, backend):
    """``BEGIN IMMEDIATE`` goes to SQLite's thread with the block's first statement (one trip, not two); a write
    block that runs no statement begins and commits nothing; the write lock is held from that statement on."""
    if backend != "sqlite":
        pytest.skip("aiosqlite only")
    import aiosqlite

    trips: list[str] = []
    spy, real = _trip_spy(trips)

    async with sessions() as s:  # the pool's connection opened (its PRAGMAs) before counting
        await s.scalar(select(Organization.id))
    aiosqlite.Connection._execute = spy
    try:
        async with sessions.begin() as s:
            s.add(Organization(ogrn="1027700000001", inn="7700000001", name="УК", kind="uk"))
        assert trips == ["_one_trip+begin", "commit"]
        del trips[:]
        async with sessions.begin():
            pass
        assert trips == []  # nothing to begin, nothing to commit
        with pytest.raises(RuntimeError):
            async with sessions.begin() as s:
                await s.execute(select(Organization.id))
                raise RuntimeError("the block fails after its first statement")
        assert trips == ["_one_trip+begin", "rollback"]
        del trips[:]
        async with sessions() as s:  # a read after them: no BEGIN left over on the pooled connection
            assert await s.scalar(select(Organization.name)) == "УК"
        assert trips == ["_one_trip"]
    finally:
        aiosqlite.Connection._execute = real


async def test_a_sqlite_write_of_one_statement_is_one_trip_with_its_commit(sessions, engine, backend):
    """A write block of one statement (the FSM's upsert): BEGIN IMMEDIATE, the statement and the COMMIT in one
    trip to SQLite's thread, so the writer lock is held for one hand-off. A failing statement commits nothing; a
    block nested in another write block never commits the outer one early."""
    if backend != "sqlite":
        pytest.skip("aiosqlite only")
    import aiosqlite
    from sqlalchemy.exc import IntegrityError

    trips: list[str] = []
    spy, real = _trip_spy(trips)

    org = Organization.__table__
    add = org.insert().values(ogrn="1027700000001", inn="7700000001", name="УК", kind="uk")
    async with sessions() as s:
        await s.scalar(select(Organization.id))
    aiosqlite.Connection._execute = spy
    try:
        async with sessions.begin(one_statement=True) as s:
            await s.execute(add)
        assert trips == ["_one_trip+begin+commit"]
        async with engine.connect() as conn:  # another connection sees it: committed
            assert await conn.scalar(select(org.c.name)) == "УК"
        del trips[:]
        with pytest.raises(IntegrityError):
            async with sessions.begin(one_statement=True) as s:
                await s.execute(add)  # the same OGRN again
        assert trips == ["_one_trip+begin+commit", "rollback"]  # the COMMIT never ran; the rollback ends it
        del trips[:]
        async with unit_of_work(sessions) as uow:
            async with uow.begin() as outer:
                async with sessions.begin(one_statement=True) as s:  # joins the outer block
                    assert s is outer
                    await s.execute(org.update().values(name="УК-2"))
                async with engine.connect() as conn:
                    assert await conn.scalar(select(org.c.name)) == "УК"  # not committed yet
                await s.execute(org.update().values(phone="+74950000000"))
        assert trips[0] == "_one_trip+begin" and trips[-1] == "commit"
        async with engine.connect() as conn:
            assert (await conn.execute(select(org.c.name, org.c.phone))).one() == ("УК-2", "+74950000000")
        async with sessions.begin(one_statement=True):  # the writer lock was let go each time
            pass
    finally:
        aiosqlite.Connection._execute = real
