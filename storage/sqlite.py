"""SQLite for SQLAlchemy's aiosqlite dialect, run in the event loop's own thread.

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes four calls per statement
(open a cursor, execute, fetch, close): each is a trip to that thread and back, and under a burst each trip waits
for the GIL (up to its 5 ms switch interval) while the loop is busy — a burst then ran slower than one user at a
time. This bot's statements take SQLite microseconds (an indexed lookup, a one-row write), so here they simply run
where they are called: the coroutines SQLAlchemy awaits finish at once, no thread, no hand-off.

Waiting on another process's lock never blocks the loop: the connection's busy timeout is 0, and a statement
SQLite answers «database is locked» is retried after an ``asyncio.sleep`` (backing off) until ``busy_timeout``
seconds have passed — a statement refused with SQLITE_BUSY changed nothing, so it is safe to send again. Inside
the process writers queue on ``storage.db``'s one-writer lock before ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any

BUSY_FIRST_SLEEP = 0.001
BUSY_MAX_SLEEP = 0.05


def _busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc)


class Cursor:
    """The part of an aiosqlite cursor SQLAlchemy's adapter uses; the rows are fetched with the statement."""

    __slots__ = ("_conn", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        self._rows = []

    def _take(self, cur: sqlite3.Cursor) -> Cursor:
        try:
            self.description = cur.description
            self._rows = cur.fetchall() if cur.description else []
            self.rowcount, self.lastrowid = cur.rowcount, cur.lastrowid
        finally:
            cur.close()
        return self

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        params = () if parameters is None else parameters
        return self._take(await self._conn._retry(lambda cur: cur.execute(sql, params)))

    async def executemany(self, sql: str, seq: Iterable[Any]) -> Cursor:
        rows = list(seq)
        return self._take(await self._conn._retry(lambda cur: cur.executemany(sql, rows)))

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        n = self.arraysize if size is None else size
        rows, self._rows = self._rows[:n], self._rows[n:]
        return rows

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    async def close(self) -> None:
        self._rows = []


class _Immediate:
    """Stands in for aiosqlite's queue to its thread (SQLAlchemy's isolation-level setter puts calls there)."""

    def put_nowait(self, item: tuple[asyncio.Future, Any]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # pragma: no cover - the setter only assigns an attribute
            future.set_exception(exc)


class Connection:
    """The part of an ``aiosqlite.Connection`` SQLAlchemy's adapter uses, over a sqlite3 connection in the loop."""

    def __init__(self, conn: sqlite3.Connection, busy_timeout: float) -> None:
        self._connection: sqlite3.Connection | None = conn
        self._busy_timeout = busy_timeout
        self._tx = _Immediate()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def _retry(self, run: Any) -> sqlite3.Cursor:
        deadline = None
        pause = BUSY_FIRST_SLEEP
        while True:
            cur = self._conn.cursor()
            try:
                run(cur)
                return cur
            except sqlite3.OperationalError as exc:
                cur.close()
                if not _busy(exc):
                    raise
                now = time.monotonic()
                deadline = deadline or now + self._busy_timeout
                if now >= deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, BUSY_MAX_SLEEP)
            except BaseException:
                cur.close()
                raise

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value

    def cursor(self) -> Cursor:  # SQLAlchemy awaits the cursor's __aenter__
        return Cursor(self)

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await self._retry(lambda _cur: self._conn.commit())

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def creator(path: str, busy_timeout: float, **kwargs: Any):
    """``async_creator`` for ``create_async_engine``: a file database at ``path``."""
    kwargs.setdefault("check_same_thread", False)  # a pool may close a connection from the garbage collector

    async def connect() -> Connection:
        return Connection(sqlite3.connect(path, timeout=0, **kwargs), busy_timeout)

    return connect
