"""The Redis dialog lock of several replicas (``storage.fsm_redis``): one update of a user at a time across
processes, the dialog read with the lock and written with its release, an expired lock never released from under
its new holder. On the machine's Redis (TEST_REDIS_URL); skipped without it."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from storage.fsm import EMPTY, BufferedStorage, RedisKeyBuilder
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="Redis only (TEST_REDIS_URL)")

KEY = StorageKey(bot_id=42, chat_id=7, user_id=7)
OTHER = StorageKey(bot_id=42, chat_id=8, user_id=8)


@pytest.fixture
async def storages():
    """Two replicas' storages over one Redis (their own connection pools), and aiogram's plain RedisStorage."""
    from storage.fsm_redis import RedisFsmStorage

    prefix = f"t{uuid.uuid4().hex}"
    one = RedisFsmStorage.from_url(TEST_REDIS_URL, key_builder=RedisKeyBuilder(prefix=prefix))
    two = RedisFsmStorage.from_url(TEST_REDIS_URL, key_builder=RedisKeyBuilder(prefix=prefix))
    plain = RedisStorage(two.redis, key_builder=one.key_builder)
    yield one, two, plain
    keys = [k async for k in one.redis.scan_iter(f"{prefix}:*")]
    if keys:
        await one.redis.delete(*keys)
    await one.close()
    await two.close()


async def test_the_lock_reads_the_dialog_and_the_release_writes_it(storages):
    one, _two, plain = storages
    await plain.set_state(KEY, "Flow:a")
    await plain.set_data(KEY, {"n": 1})
    buffered = BufferedStorage(one)
    isolation = one.create_isolation()
    async with isolation.lock(OTHER):  # the scripts' first use loads them into Redis (SCRIPT LOAD), once
        pass
    calls: list[str] = []
    real = one.redis.execute_command

    async def count(*args, **kwargs):
        calls.append(str(args[0]).upper())
        return await real(*args, **kwargs)

    one.redis.execute_command = count
    try:
        async with isolation.lock(KEY):
            raw = await buffered.get_state(KEY)  # what aiogram's FSM middleware does under the lock
            assert raw == "Flow:a"
            async with buffered.batch(KEY, raw):
                assert await buffered.get_data(KEY) == {"n": 1}
                await buffered.set_state(KEY, "Flow:b")
                await buffered.set_data(KEY, {"n": 2})
            assert calls == ["EVALSHA"]  # the lock and the read, nothing written yet
            assert await plain.get_state(KEY) == "Flow:a"
        assert calls == ["EVALSHA", "EVALSHA"]
    finally:
        one.redis.execute_command = real
    assert await plain.get_state(KEY) == "Flow:b"
    assert await plain.get_data(KEY) == {"n": 2}
    assert not await one.redis.exists(one.key_builder.build(KEY, "lock"))


async def test_a_cleared_dialog_is_deleted_with_the_release(storages):
    one, _two, plain = storages
    await plain.set_state(KEY, "Flow:a")
    await plain.set_data(KEY, {"n": 1})
    async with one.create_isolation().lock(KEY):
        await one.write(KEY, None, EMPTY)
        assert await one.read(KEY) == (None, EMPTY)  # the update sees what it wrote
    assert await plain.get_state(KEY) is None
    assert await plain.get_data(KEY) == {}
    assert await one.redis.exists(*one._keys(KEY)) == 0


async def test_two_replicas_serve_one_users_updates_one_after_the_other(storages):
    one, two, plain = storages
    spans: list[tuple[str, float, float]] = []
    loop = asyncio.get_running_loop()

    async def update(storage, name: str, pause: float) -> None:
        async with storage.create_isolation().lock(KEY):
            start = loop.time()
            state, data = await storage.read(KEY)
            n = json.loads(data).get("n", 0)
            await asyncio.sleep(pause)  # a slow Bot API call
            await storage.write(KEY, f"Flow:{name}", json.dumps({"n": n + 1}))
            spans.append((name, start, loop.time()))

    await asyncio.gather(update(one, "one", 0.05), update(two, "two", 0.0), update(one, "three", 0.0))
    spans.sort(key=lambda s: s[1])
    for (_, _, end), (_, start, _) in zip(spans, spans[1:], strict=False):
        assert start >= end  # never side by side
    assert await plain.get_data(KEY) == {"n": 3}  # no update lost another's write


async def test_another_users_lock_does_not_hold_this_one(storages):
    one, two, _plain = storages
    async with one.create_isolation().lock(KEY):
        async with asyncio.timeout(1):
            async with two.create_isolation().lock(OTHER):
                pass


async def test_an_expired_lock_is_not_released_from_under_its_new_holder(storages, caplog):
    one, two, plain = storages
    lock_key = one.key_builder.build(KEY, "lock")
    slow = one.create_isolation(ttl_ms=50)
    with caplog.at_level(logging.WARNING, logger="storage.fsm_redis"):
        async with slow.lock(KEY):
            await one.write(KEY, "Flow:slow", EMPTY)
            await asyncio.sleep(0.1)  # the lock expired: another replica's update takes it
            other = two.create_isolation().lock(KEY)
            await other.__aenter__()
            theirs = await one.redis.get(lock_key)
    assert "had expired" in caplog.text
    assert await one.redis.get(lock_key) == theirs  # still the other update's
    assert await plain.get_state(KEY) == "Flow:slow"  # the slow update's write was still made
    await other.__aexit__(None, None, None)
    assert not await one.redis.exists(lock_key)


async def test_a_direct_write_under_the_lock_comes_after_the_pending_one(storages):
    one, _two, plain = storages
    async with one.create_isolation().lock(KEY):
        await one.write(KEY, "Flow:a", json.dumps({"n": 1}))  # waits for the release
        await one.set_state(KEY, "Flow:b")  # aiogram's own call: the pending write goes first
        assert await plain.get_state(KEY) == "Flow:b"
        assert await plain.get_data(KEY) == {"n": 1}
    assert await plain.get_state(KEY) == "Flow:b"
    assert await plain.get_data(KEY) == {"n": 1}
