"""aiogram FSM storage on our own database, so dialogs survive restarts without Redis.

Each StorageKey is one row; every call is its own short transaction, never held across a Telegram API call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, Literal

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    DEFAULT_DESTINY,
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import upsert
from storage.models import FsmRecord, utcnow


def storage_key(key: StorageKey) -> str:
    parts = [str(key.bot_id), str(key.chat_id), str(key.user_id)]
    if key.thread_id:
        parts.append(f"t{key.thread_id}")
    if key.business_connection_id:
        parts.append(f"b{key.business_connection_id}")
    if key.destiny != "default":
        parts.append(f"d{key.destiny}")
    return ":".join(parts)


class RedisKeyBuilder(DefaultKeyBuilder):
    """aiogram's default Redis keys, with the destiny added only when it is not the dialog's own: the per-user
    records kept apart from dialogs (a destiny of their own) get keys, and the keys of dialogs stay as they were."""

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        parts = [super().build(replace(key, destiny=DEFAULT_DESTINY))]
        if key.destiny != DEFAULT_DESTINY:
            parts.append(key.destiny)
        if part:
            parts.append(part)
        return self.separator.join(parts)


class LocalEventIsolation(BaseEventIsolation):
    """One update at a time per user and chat, within one process: a lock lives while someone holds or waits for
    it (aiogram's SimpleEventIsolation keeps a lock for every user ever seen)."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    @property
    def held(self) -> int:
        """How many keys have a lock now (for tests)."""
        return len(self._locks)

    async def close(self) -> None:
        """Nothing to release: each lock goes with the last update that holds it (clearing them here would pull
        the lock from under an update still finishing during a graceful stop)."""


class SqlStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def _write(self, key: StorageKey, values: dict[str, Any]) -> None:
        row = {"key": storage_key(key), "updated_at": utcnow(), **values}
        async with self._sessions.begin() as s:
            dialect = s.bind.dialect.name
            await s.execute(upsert(dialect, FsmRecord.__table__, [row], ["key"], update=[*values, "updated_at"]))

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        async with self._sessions() as s:
            return (await s.execute(select(FsmRecord).where(FsmRecord.key == storage_key(key)))).scalar_one_or_none()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, {"state": value})

    async def get_state(self, key: StorageKey) -> str | None:
        rec = await self._read(key)
        return rec.state if rec else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise TypeError(f"Data must be a dict, got {type(data).__name__}")
        await self._write(key, {"data": dict(data)})

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        rec = await self._read(key)
        return dict(rec.data) if rec and rec.data else {}

    async def close(self) -> None:  # the engine is owned and disposed by the application
        return None
