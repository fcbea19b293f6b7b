"""aiogram's Redis FSM storage for several replicas, with an update's dialog in two round trips to Redis: the
per-user lock taken and the dialog read in one script, what the update changed written and the lock released in
another. Kept apart from ``storage.fsm`` so that a one-process bot on SQLite does not load the Redis client."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from storage.fsm import EMPTY, dump_data

log = logging.getLogger(__name__)

LOCK_TTL_MS = 60_000  # as aiogram's RedisEventIsolation: a replica that dies holding a lock frees it after a minute
LOCK_RETRY_S = (0.005, 0.1)  # first and longest pause between tries while another update of the user holds it

# KEYS: lock, state, data; ARGV: token, ttl ms. Taken: {1, state, data}; held by another update: {0}
_LOCK_AND_READ = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
end
return {0}
"""
# KEYS: lock, state, data; ARGV: token, then for the state and the data each: op ('keep' / 'del' / 'set'), value,
# ttl ms (0: none). The writes are made whoever holds the lock (as a write after the lock expired always was); the
# lock is released only if it is still this update's. Returns 1 if it was
_WRITE_AND_RELEASE = """
for i = 0, 1 do
  local op, value, ttl = ARGV[2 + 3 * i], ARGV[3 + 3 * i], tonumber(ARGV[4 + 3 * i])
  if op == 'del' then
    redis.call('DEL', KEYS[2 + i])
  elseif op == 'set' then
    if ttl > 0 then redis.call('SET', KEYS[2 + i], value, 'PX', ttl) else redis.call('SET', KEYS[2 + i], value) end
  end
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


@dataclass
class _Held:
    """The dialog lock this update holds: the dialog read with it (until someone uses or changes it), and what the
    update wrote to it, to be written with the release."""

    key: StorageKey
    token: str
    read: tuple[str | None, str] | None
    write: tuple[str | None, str] | None = None


_held: ContextVar[_Held | None] = ContextVar("redis_dialog_lock", default=None)


def _ms(ttl: Any) -> int:
    if ttl is None:
        return 0
    if isinstance(ttl, dt.timedelta):
        return max(1, int(ttl.total_seconds() * 1000))
    return int(ttl) * 1000


class RedisFsmStorage(RedisStorage):
    """aiogram's ``RedisStorage`` with the same keys and values, plus ``read`` / ``write`` for ``BufferedStorage``
    and an event isolation (``create_isolation``) that reads the dialog with the lock and writes it with the
    release. Outside an update (the scheduler, the CLI) a read is one MGET and a write one MULTI/EXEC."""

    def _keys(self, key: StorageKey) -> tuple[str, str]:
        return self.key_builder.build(key, "state"), self.key_builder.build(key, "data")

    def _decode(self, state: Any, data: Any) -> tuple[str | None, str]:
        if isinstance(state, bytes):
            state = state.decode("utf-8")
        if data is None:
            return state, EMPTY
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return state, dump_data(self.json_loads(data))

    def _encode(self, data: str) -> str:
        return data if self.json_dumps is json.dumps else self.json_dumps(json.loads(data))

    async def read(self, key: StorageKey) -> tuple[str | None, str]:
        """(state, data as JSON text) of ``key``."""
        held = _held.get()
        if held is not None and held.key == key:
            if held.write is not None:
                return held.write
            if held.read is not None:
                rec, held.read = held.read, None  # used once: whoever reads it again reads Redis
                return rec
        return self._decode(*await self.redis.mget(self._keys(key)))

    async def write(self, key: StorageKey, state: str | None, data: str) -> None:
        """Store state and data (JSON text) of ``key`` as ``set_state`` and ``set_data`` would; for the dialog whose
        lock the update holds, with the lock's release (one trip for both)."""
        held = _held.get()
        if held is not None and held.key == key:
            held.read = None
            held.write = (state, data)
            return
        state_key, data_key = self._keys(key)
        if state is None and data == EMPTY:
            await self.redis.delete(state_key, data_key)
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            if state is None:
                pipe.delete(state_key)
            else:
                pipe.set(state_key, state, ex=self.state_ttl)
            if data == EMPTY:
                pipe.delete(data_key)
            else:
                pipe.set(data_key, self._encode(data), ex=self.data_ttl)
            await pipe.execute()

    async def set_state(self, key: StorageKey, state: Any = None) -> None:
        await self._settle(key)
        await super().set_state(key, state)

    async def set_data(self, key: StorageKey, data: Any) -> None:
        await self._settle(key)
        await super().set_data(key, data)

    async def _settle(self, key: StorageKey) -> None:
        """Before a write of the held dialog past ``write``: what was read with the lock is no longer what will be
        stored, and a write waiting for the release is made now, before this one (so it cannot undo it)."""
        held = _held.get()
        if held is None or held.key != key:
            return
        held.read = None
        pending, held.write = held.write, None
        if pending is not None:
            reset = _held.set(None)
            try:
                await self.write(key, *pending)
            finally:
                _held.reset(reset)

    def create_isolation(self, **kwargs: Any) -> RedisDialogIsolation:
        return RedisDialogIsolation(self, **kwargs)


class RedisDialogIsolation(BaseEventIsolation):
    """One update at a time per user and chat across every replica: a Redis lock per dialog (aiogram's key,
    ``…:lock``), taken with a token of this update's, held at most ``LOCK_TTL_MS``. Taking it reads the dialog in
    the same script, and releasing it writes what the update changed — two round trips per update where the lock,
    the read, the write and the release were four."""

    def __init__(self, storage: RedisFsmStorage, ttl_ms: int = LOCK_TTL_MS) -> None:
        self.storage = storage
        self.ttl_ms = ttl_ms
        redis = storage.redis
        self._lock_and_read = redis.register_script(_LOCK_AND_READ)
        self._write_and_release = redis.register_script(_WRITE_AND_RELEASE)
        self._tokens = (f"{os.urandom(8).hex()}:{n}" for n in itertools.count())

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        storage = self.storage
        lock_key = storage.key_builder.build(key, "lock")
        state_key, data_key = storage._keys(key)
        keys = [lock_key, state_key, data_key]
        token = next(self._tokens)
        pause = LOCK_RETRY_S[0]
        while True:
            got = await self._lock_and_read(keys=keys, args=[token, self.ttl_ms])
            if got[0]:
                break
            await asyncio.sleep(pause)
            pause = min(pause * 2, LOCK_RETRY_S[1])
        held = _Held(key, token, storage._decode(got[1], got[2]))
        reset = _held.set(held)
        try:
            yield
        finally:
            _held.reset(reset)
            args: list[Any] = [token]
            if held.write is None:
                args += ["keep", "", 0, "keep", "", 0]
            else:
                state, data = held.write
                args += ["del", "", 0] if state is None else ["set", state, _ms(storage.state_ttl)]
                args += ["del", "", 0] if data == EMPTY else ["set", storage._encode(data), _ms(storage.data_ttl)]
            if not await self._write_and_release(keys=keys, args=args):
                log.warning("the dialog lock %s had expired before its update ended (held over %d ms)", lock_key,
                            self.ttl_ms)

    async def close(self) -> None:  # the connection pool is the storage's
        return None
