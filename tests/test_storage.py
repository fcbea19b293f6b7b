"""The schema is made by migrations and agrees with the models; SQLite is tuned; dialogs persist."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.fsm import SqlStorage
from storage.models import Base, Organization
from storage.vocab import Resource


async def test_models_and_migrations_agree(engine):
    def diff(conn):
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == [], f"models differ from migrations: {changes}"


async def test_sqlite_pragmas(engine, backend):
    if backend != "sqlite":
        return
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        # a lock held by another process is waited for by SQLite, in aiosqlite's thread (the loop goes on)
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() >= 5000


async def test_constraints_live_in_the_database(sessions):
    # a natural key and a foreign key, enforced by the database itself (raw SQL, no ORM checks)
    async with sessions() as s:
        await s.execute(text("INSERT INTO organizations (ogrn, inn, name, kind, created_at, updated_at) "
                             "VALUES ('1027700132195', '7707083893', 'x', 'uk', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        await s.commit()
        try:
            await s.execute(text("INSERT INTO organizations (ogrn, inn, name, kind, created_at, updated_at) "
                                 "VALUES ('1027700132195', '1', 'y', 'uk', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            await s.commit()
            raise AssertionError("duplicate ОГРН accepted")
        except IntegrityError:
            await s.rollback()
        try:
            await s.execute(text("INSERT INTO account_links (user_id, account_id, method, proven_at) "
                                 "VALUES (1, 1, 'phone', CURRENT_TIMESTAMP)"))
            await s.commit()
            raise AssertionError("dangling foreign key accepted")
        except IntegrityError:
            await s.rollback()
        assert len((await s.execute(text("SELECT id FROM organizations"))).all()) == 1
        assert await s.get(Organization, 1) is not None


async def test_fsm_state_and_data_survive_a_new_storage(sessions):
    key = StorageKey(bot_id=42, chat_id=111, user_id=111)
    first = SqlStorage(sessions)
    await first.set_state(key, "LinkAccount:account")
    await first.set_data(key, {"house_id": 5, "query": "баумана 44"})
    await first.close()

    second = SqlStorage(sessions)  # as after a restart
    assert await second.get_state(key) == "LinkAccount:account"
    assert await second.get_data(key) == {"house_id": 5, "query": "баумана 44"}
    await second.update_data(key, {"account": "123"})
    assert (await second.get_data(key))["account"] == "123"
    await second.set_state(key, None)
    await second.set_data(key, {})
    assert await second.get_state(key) is None and await second.get_data(key) == {}
    # other users are not affected
    assert await second.get_state(StorageKey(bot_id=42, chat_id=222, user_id=222)) is None


def test_redis_keys_of_dialogs_stay_and_other_destinies_get_their_own():
    from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey

    from storage.fsm import RedisKeyBuilder

    dialog = StorageKey(bot_id=42, chat_id=111, user_id=111)
    tries = StorageKey(bot_id=42, chat_id=111, user_id=111, destiny="link_number_tries")
    for part in ("state", "data", None):
        assert RedisKeyBuilder().build(dialog, part) == DefaultKeyBuilder().build(dialog, part)
    assert RedisKeyBuilder().build(tries, "data") == "fsm:111:111:link_number_tries:data"


async def test_check_constraints_of_the_models_are_those_the_migrations_made(engine, backend):
    """alembic's comparison skips check constraints: here every «column IN (…)» of the models (built from
    storage.vocab by sql_in) allows exactly the values the migrated database allows, constraint by constraint."""
    import re

    from sqlalchemy import CheckConstraint

    expected: dict[str, set[str]] = {}
    for table in Base.metadata.sorted_tables:
        for c in table.constraints:
            if isinstance(c, CheckConstraint) and " IN (" in str(c.sqltext):
                expected[c.name] = set(re.findall(r"'([^']*)'", str(c.sqltext)))
    assert len(expected) >= 17  # every vocabulary constraint, from organizations' kind to pushes' status

    async with engine.connect() as conn:
        if backend == "sqlite":
            sql = "\n".join(r[0] for r in await conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"))
            found = {name: re.search(rf"CONSTRAINT {name} CHECK \(((?:[^()]|\([^()]*\))*)\)", sql)
                     for name in expected}
            stored = {name: set(re.findall(r"'([^']*)'", m.group(1))) for name, m in found.items() if m}
        else:
            rows = await conn.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c'")
            stored = {name: set(re.findall(r"'([^']*)'", d)) for name, d in rows if name in expected}
    assert stored == expected
    assert expected["ck_meters_resource"] == {str(r) for r in Resource}
    assert expected["ck_outages_resource"] == {str(r) for r in Resource}  # one vocabulary: the outage's heat too


async def test_fsm_read_during_writes_is_remembered_unless_its_own_dialog_was_written(sessions):
    """A burst: one user's dialog read while others' are written is remembered (no second SELECT for it); a read of
    a dialog that is written meanwhile does not put the old row back over the new one."""
    import asyncio

    storage = SqlStorage(sessions)
    mine, other = StorageKey(bot_id=42, chat_id=111, user_id=111), StorageKey(bot_id=42, chat_id=222, user_id=222)
    await storage.write(mine, "Flow:one", '{"n": 1}')
    storage._cache.clear()  # as after a restart: the next read goes to the database
    real = storage._select_row
    release, selected = asyncio.Event(), asyncio.Event()

    async def slow(k):
        row = await real(k)
        selected.set()
        await release.wait()
        return row

    storage._select_row = slow
    reading = asyncio.create_task(storage.read(mine))
    await asyncio.sleep(0)
    await storage.write(other, "Flow:two", "{}")  # another user's write while the read is under way
    release.set()
    assert await reading == ("Flow:one", '{"n": 1}')
    reads = storage.reads
    assert await storage.read(mine) == ("Flow:one", '{"n": 1}') and storage.reads == reads  # remembered

    storage._cache.clear()
    release.clear()
    selected.clear()
    reading = asyncio.create_task(storage.read(mine))
    await selected.wait()  # the SELECT done, its answer held back
    await storage.write(mine, "Flow:three", '{"n": 3}')  # this dialog written meanwhile
    release.set()
    assert await reading == ("Flow:one", '{"n": 1}')  # what it read
    storage._select_row = real
    assert await storage.read(mine) == ("Flow:three", '{"n": 3}')  # the new row stands, from memory
    assert storage.reads == reads + 1


async def test_fsm_writes_of_a_burst_go_together_and_each_returns_once_committed(sessions, engine):
    """Fifty users' dialogs written at once: a few transactions, not fifty, and each write returns only when its
    row is committed (another connection reads it)."""
    import asyncio
    import json

    from sqlalchemy import event, select

    from storage.models import FsmRecord

    storage = SqlStorage(sessions)
    commits = []

    def on_commit(conn):
        commits.append(1)

    event.listen(engine.sync_engine, "commit", on_commit)
    seen: list[bool] = []

    async def one(i: int) -> None:
        key = StorageKey(bot_id=1, chat_id=i, user_id=i)
        await storage.write(key, f"Flow:{i}", json.dumps({"i": i}))
        async with engine.connect() as conn:  # committed by the time the write returns
            row = (await conn.execute(select(FsmRecord.state).where(FsmRecord.key == f"1:{i}:{i}"))).first()
            seen.append(row is not None and row.state == f"Flow:{i}")

    try:
        await asyncio.gather(*(one(i) for i in range(50)))
    finally:
        event.remove(engine.sync_engine, "commit", on_commit)
    assert seen == [True] * 50
    assert len(commits) < 10
    await storage.write(StorageKey(bot_id=1, chat_id=3, user_id=3), None, "{}")  # a clear: its row deleted
    fresh = SqlStorage(sessions)
    assert await fresh.read(StorageKey(bot_id=1, chat_id=3, user_id=3)) == (None, "{}")
    assert await fresh.read(StorageKey(bot_id=1, chat_id=4, user_id=4)) == ("Flow:4", json.dumps({"i": 4}))


async def test_one_failing_fsm_write_does_not_fail_the_others_written_with_it(sessions, monkeypatch):
    import asyncio

    storage = SqlStorage(sessions)
    real = storage._write_rows

    async def write_rows(s, rows):
        if any(k == "1:13:13" for k, _state, _data in rows):
            raise RuntimeError("disk full for this one")
        await real(s, rows)

    monkeypatch.setattr(storage, "_write_rows", write_rows)
    results = await asyncio.gather(*(storage.write(StorageKey(bot_id=1, chat_id=i, user_id=i), "Flow:x", "{}")
                                     for i in range(10, 20)), return_exceptions=True)
    assert [type(r).__name__ for r in results].count("RuntimeError") == 1
    assert isinstance(results[3], RuntimeError)
    fresh = SqlStorage(sessions)
    assert await fresh.read(StorageKey(bot_id=1, chat_id=12, user_id=12)) == ("Flow:x", "{}")
    assert await fresh.read(StorageKey(bot_id=1, chat_id=13, user_id=13)) == (None, "{}")


async def test_fsm_writes_queued_behind_a_cancelled_one_are_still_made(sessions):
    import asyncio

    storage = SqlStorage(sessions)
    first = asyncio.ensure_future(storage.write(StorageKey(bot_id=1, chat_id=1, user_id=1), "Flow:a", "{}"))
    await asyncio.sleep(0)  # it leads: its batch is being written
    others = [asyncio.ensure_future(storage.write(StorageKey(bot_id=1, chat_id=i, user_id=i), "Flow:b", "{}"))
              for i in range(2, 6)]
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.gather(*others)
    await storage.close()  # waits for anything still queued
    fresh = SqlStorage(sessions)
    for i in range(2, 6):
        assert await fresh.read(StorageKey(bot_id=1, chat_id=i, user_id=i)) == ("Flow:b", "{}")
