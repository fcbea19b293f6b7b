"""aiogram FSM storage on our own database, so dialogs survive restarts without Redis; and ``BufferedStorage``,
which reads a dialog once per update and writes it at most once, at the end of the update.

Each StorageKey is one row (state and data together); a write is its own short transaction, never held across a
Telegram API call. A cleared dialog is one DELETE.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
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
from sqlalchemy import bindparam, delete, select

from storage.db import Sessions, UnitOfWork, current_sessions, upsert_stmt
from storage.models import FsmRecord, utcnow

EMPTY = "{}"
CACHE_SIZE = 20_000  # dialogs SqlStorage keeps in memory (state and data as JSON text: about 10 MB at most)


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
    """Dialogs in the ``fsm_records`` table, state and data in one row: one SELECT reads both, one upsert writes
    both, ``clear()`` is one DELETE, and nothing is written when nothing changed.

    The rows this process read or wrote last (``cache_size`` of them) are remembered, so a dialog is read from the
    database once, not on every update: this storage is the engine of the one-process deployment (several
    replicas share dialogs through Redis), so no one else writes these rows while it runs."""

    def __init__(self, sessions: Sessions, cache_size: int = CACHE_SIZE) -> None:
        self._sessions = sessions
        self._cache: OrderedDict[str, tuple[str | None, str]] = OrderedDict()
        self._cache_size = cache_size
        self._upserts: dict[str, Any] = {}
        self._select = select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == bindparam("k"))
        table = FsmRecord.__table__
        self._delete = delete(table).where(table.c.key == bindparam("k"))  # Core: one statement for many keys
        self._queue: list[tuple[str, str | None, str, asyncio.Future[None]]] = []  # writes waiting for the writer
        self._writing = False  # a task is writing the queue
        self._drainer: asyncio.Task[None] | None = None
        self.reads = 0  # SELECTs issued (for tests)

    def _remember(self, k: str, rec: tuple[str | None, str]) -> None:
        if not self._cache_size:
            return
        self._cache[k] = rec
        self._cache.move_to_end(k)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def read(self, key: StorageKey) -> tuple[str | None, str]:
        """(state, data as JSON text) of ``key``."""
        k = storage_key(key)
        rec = self._cache.get(k)
        if rec is not None:
            self._cache.move_to_end(k)
            return rec
        self.reads += 1
        row = await self._select_row(k)
        rec = (row.state, json.dumps(row.data) if row.data else EMPTY) if row else (None, EMPTY)
        if k not in self._cache:  # else a write of this dialog finished meanwhile and remembered what it wrote
            self._remember(k, rec)
        return rec

    async def _select_row(self, k: str) -> Any:
        sessions = current_sessions(self._sessions)
        if sessions is not self._sessions:  # the update's own session
            async with sessions() as s:
                return (await s.execute(self._select, {"k": k})).first()
        # aiogram reads the state before the update's session opens. Closed by hand: ``async with`` would close
        # it in a task of its own, and the update waited a turn of the loop, holding its connection, for that
        s = self._sessions()
        try:
            return (await s.execute(self._select, {"k": k})).first()
        finally:
            await s.close()

    async def write(self, key: StorageKey, state: str | None, data: str) -> None:
        """Store state and data (JSON text) of ``key`` in one statement; none when they are what is stored.

        Writes that arrive while another is being committed wait and then go together, in one transaction of at
        most two statements (the upserts, the DELETEs of cleared dialogs), so a burst of users does not queue one
        by one on SQLite's one writer; each call still returns once its own row is committed."""
        k = storage_key(key)
        if self._cache.get(k) == (state, data):
            self._cache.move_to_end(k)
            return
        self._cache.pop(k, None)  # a read finishing before this write does may remember the old row: the write's
        # own ``_remember`` replaces it once the new one is committed
        sessions = current_sessions(self._sessions)
        if isinstance(sessions, UnitOfWork) and sessions.in_block:
            # inside a write block of the update (a direct call): this write commits with that block, as before
            await self._write_rows(sessions, [(k, state, data)])
            self._remember(k, (state, data))
            return
        done = asyncio.get_running_loop().create_future()
        self._queue.append((k, state, data, done))
        if not self._writing:  # this write leads: it writes what is queued now, its own included
            self._writing = True
            try:
                await self._write_batch()
            finally:
                self._hand_on()
        await done

    def _hand_on(self) -> None:
        """After a batch: what queued meanwhile is written by a task of its own, not by the update that led (its
        answer is not held up by other users' writes)."""
        if self._queue:
            self._drainer = asyncio.get_running_loop().create_task(self._drain(), context=contextvars.Context())
        else:
            self._writing = False

    async def _drain(self) -> None:
        try:
            await self._write_batch()
        finally:
            self._hand_on()

    async def _write_batch(self) -> None:
        batch, self._queue = self._queue, []
        rows = {k: (k, state, data) for k, state, data, _ in batch}  # a key twice: its last write
        try:
            await self._write_rows(current_sessions(self._sessions), list(rows.values()))
        except asyncio.CancelledError:
            self._queue[:0] = [b for b in batch if not b[3].done()]
            raise
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][3], exc)
            else:
                await self._write_each(batch)  # one write's failure is not the others': each its own outcome
            return
        for k, state, data, done in batch:
            self._remember(k, (state, data))
            _settle(done)

    async def _write_each(self, batch: list[tuple[str, str | None, str, asyncio.Future[None]]]) -> None:
        for i, (k, state, data, done) in enumerate(batch):
            try:
                await self._write_rows(current_sessions(self._sessions), [(k, state, data)])
            except asyncio.CancelledError:
                self._queue[:0] = [b for b in batch[i:] if not b[3].done()]
                raise
            except Exception as exc:
                _settle(done, exc)
            else:
                self._remember(k, (state, data))
                _settle(done)

    async def _write_rows(self, sessions: Any, rows: list[tuple[str, str | None, str]]) -> None:
        gone = [{"k": k} for k, state, data in rows if state is None and data == EMPTY]
        now = utcnow()
        kept = [{"key": k, "state": state, "data": json.loads(data), "updated_at": now}
                for k, state, data in rows if not (state is None and data == EMPTY)]
        async with sessions.begin(one_statement=not (gone and kept)) as s:
            if kept:
                await s.execute(self._upsert(s.bind.dialect.name), kept[0] if len(kept) == 1 else kept)
            if gone:
                await s.execute(self._delete, gone[0] if len(gone) == 1 else gone)

    def _upsert(self, dialect: str) -> Any:
        stmt = self._upserts.get(dialect)
        if stmt is None:
            stmt = self._upserts[dialect] = upsert_stmt(dialect, FsmRecord.__table__, ["key"],
                                                        ["state", "data", "updated_at"])
        return stmt

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self.write(key, value, (await self.read(key))[1])

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self.read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.write(key, (await self.read(key))[0], dump_data(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return json.loads((await self.read(key))[1])

    async def close(self) -> None:  # the engine is owned and disposed by the application
        while self._drainer is not None and not self._drainer.done():  # the writes still queued are made
            await self._drainer


def _settle(done: asyncio.Future[None], exc: BaseException | None = None) -> None:
    """The waiting write's outcome (unless its task gave up waiting)."""
    if done.done():
        return
    if exc is None:
        done.set_result(None)
    else:
        done.set_exception(exc)


def dump_data(data: Mapping[str, Any]) -> str:
    if not isinstance(data, dict):
        raise TypeError(f"Data must be a dict, got {type(data).__name__}")
    return json.dumps(data) if data else EMPTY


# --------------------------------------------------------------------------------------------- one update


@dataclass
class _Entry:
    """A dialog as one update sees it: what the storage holds (``old_*``) and what the update made of it."""

    state: str | None = None
    data: str = EMPTY
    old_state: str | None = None
    old_data: str = EMPTY
    has_state: bool = False  # state / old_state known
    has_data: bool = False
    set_state: bool = False  # the update set it
    set_data: bool = False


_batch: ContextVar[dict[StorageKey, _Entry] | None] = ContextVar("fsm_batch", default=None)
# the dialog aiogram's FSM middleware read for this update (key, (state, data)), handed to the update's batch, so
# that the state and the data are one read, not two; any write outside a batch drops it
_prefetched: ContextVar[tuple[StorageKey, tuple[str | None, str]] | None] = ContextVar("fsm_prefetched",
                                                                                      default=None)


class BufferedStorage(BaseStorage):
    """Wraps the real storage (``SqlStorage``, or aiogram's ``RedisStorage``). Inside ``batch()`` — one update,
    opened by ``bot.middlewares.UnitOfWorkMiddleware`` — a dialog is read at most once (its state not at all:
    aiogram read it already and the middleware hands it over), every change stays here, and at the end of the
    update what changed is written once: state and data in one statement on SQL, a ``clear()`` as one DELETE,
    nothing when nothing changed. Outside a batch (the scheduler, the CLI, tests) every call goes straight to the
    real storage."""

    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:  # redis, key_builder, create_isolation … of the real storage
        return getattr(self.inner, name)

    @asynccontextmanager
    async def batch(self, key: StorageKey | None = None, raw_state: str | None = None) -> AsyncIterator[None]:
        """One update: ``key`` and ``raw_state`` are the update's own dialog and the state aiogram read for it."""
        entries: dict[StorageKey, _Entry] = {}
        if key is not None:
            entries[key] = e = _Entry(state=raw_state, old_state=raw_state, has_state=True)
            pre = _prefetched.get()
            if pre is not None and pre[0] == key and pre[1][0] == raw_state:
                e.data = e.old_data = pre[1][1]
                e.has_data = True
        _prefetched.set(None)
        token = _batch.set(entries)
        try:
            yield
        finally:
            _batch.reset(token)
            await self._flush(entries)

    async def _load(self, key: StorageKey, e: _Entry, need_data: bool) -> None:
        read = getattr(self.inner, "read", None)
        if read is not None:
            state, data = await read(key)
            if not e.has_state:
                e.state = e.old_state = state
                e.has_state = True
            if not e.has_data:
                e.data = e.old_data = data
                e.has_data = True
            return
        if not need_data and not e.has_state:
            e.state = e.old_state = await self.inner.get_state(key)
            e.has_state = True
        if need_data and not e.has_data:
            e.data = e.old_data = dump_data(await self.inner.get_data(key))
            e.has_data = True

    def _entry(self, key: StorageKey) -> _Entry | None:
        entries = _batch.get()
        if entries is None:
            return None
        e = entries.get(key)
        if e is None:
            e = entries[key] = _Entry()
        return e

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        e = self._entry(key)
        if e is None:
            _prefetched.set(None)
            await self.inner.set_state(key, state)
            return
        e.state = state.state if isinstance(state, State) else state
        e.set_state = True

    async def get_state(self, key: StorageKey) -> str | None:
        e = self._entry(key)
        if e is None:
            read = getattr(self.inner, "read", None)
            if read is None:
                return await self.inner.get_state(key)
            rec = await read(key)  # the data with it: the update's batch will want it (aiogram reads the state
            _prefetched.set((key, rec))  # just before the batch opens, under the update's lock)
            return rec[0]
        if not (e.has_state or e.set_state):
            await self._load(key, e, need_data=False)
        return e.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        e = self._entry(key)
        if e is None:
            _prefetched.set(None)
            await self.inner.set_data(key, data)
            return
        e.data = dump_data(data)
        e.set_data = True

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        e = self._entry(key)
        if e is None:
            return await self.inner.get_data(key)
        if not (e.has_data or e.set_data):
            await self._load(key, e, need_data=True)
        return json.loads(e.data)

    async def _flush(self, entries: dict[StorageKey, _Entry]) -> None:
        for key, e in entries.items():
            state_changed = e.set_state and not (e.has_state and e.state == e.old_state)
            data_changed = e.set_data and not (e.has_data and e.data == e.old_data)
            if not (state_changed or data_changed):
                continue
            write = getattr(self.inner, "write", None)
            if write is not None:
                if not (e.set_state and e.set_data) and not (e.has_state and e.has_data):
                    await self._load(key, e, need_data=True)
                await write(key, e.state if e.set_state else e.old_state, e.data if e.set_data else e.old_data)
                continue
            redis = getattr(self.inner, "redis", None)
            if (redis is not None and state_changed and data_changed and e.state is None and e.data == EMPTY
                    and hasattr(self.inner, "key_builder")):
                kb = self.inner.key_builder  # a clear(): both keys in one DEL, as RedisStorage deletes them
                await redis.delete(kb.build(key, "state"), kb.build(key, "data"))
                continue
            if state_changed:
                await self.inner.set_state(key, e.state)
            if data_changed:
                await self.inner.set_data(key, json.loads(e.data))

    async def close(self) -> None:
        await self.inner.close()
