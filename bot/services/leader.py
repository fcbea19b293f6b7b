"""The lease: which replica runs the scheduler and the push sender. Every replica may run with the same settings;
the one that holds the lease leads, the others stand by and take it when it is free.

PostgreSQL: a session-level advisory lock, taken with ``pg_try_advisory_lock`` on a dedicated connection (outside the
pool, autocommit, so it is never «idle in transaction»). The lock lives exactly as long as that connection:

* the leader is killed → its socket closes, the server frees the lock at once;
* the leader freezes or is cut off → its connection falls silent; the server ends the session after ``timeout``
  (``idle_session_timeout``; TCP keepalives for a vanished host) and frees the lock;
* the leader's heartbeat (``renew``, each few seconds, bounded by a statement timeout) finds the lock gone or the
  connection broken → it steps down.

Fencing. A leader that lost the lock without noticing yet (frozen, partitioned, its heartbeat not due) must not send:
every claim of an outbox row carries ``fence()``, a condition the database checks in the claim's own statement —
«this advisory lock is granted, right now, to this very connection» (``pg_locks``, our backend pid). Once the lock
is gone no claim of ours succeeds, whatever our process believes.

SQLite: one process, nothing to elect. ``LocalLease`` is always held and its fence is TRUE.

No aiogram here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from sqlalchemy import column, exists, false, func, select, table, text, true
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

log = logging.getLogger(__name__)

LOCK_CLASS = 0x474B4831  # "GKH1": the bot's namespace of advisory locks (pg_locks.classid)
LOCK_SCHEDULER = 1  # the scheduler's lease (pg_locks.objid)

_pg_locks = table("pg_locks", column("locktype"), column("classid"), column("objid"), column("objsubid"),
                  column("pid"), column("granted"))


class Lease(Protocol):
    """What the sender and the leadership loop need of a lease."""

    kind: str

    @property
    def held(self) -> bool:
        """What this process believes; the database's word is ``fence()``."""

    async def acquire(self) -> bool:
        """Try once, without waiting: True when this process holds the lease now."""

    async def renew(self) -> bool:
        """The heartbeat: True while the lease is still ours; False (and ``held`` False) once it is lost."""

    async def release(self) -> None:
        """Give the lease up now (a clean stop): another replica can take it at its next try."""

    def fence(self) -> ColumnElement[bool]:
        """A SQL condition true only while the database sees this process as the holder."""

    async def close(self) -> None: ...


class LocalLease:
    """One process (SQLite): the lease is trivially held."""

    kind = "local"

    def __init__(self) -> None:
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    async def acquire(self) -> bool:
        self._held = True
        return True

    async def renew(self) -> bool:
        return self._held

    async def release(self) -> None:
        self._held = False

    def fence(self) -> ColumnElement[bool]:
        return true() if self._held else false()

    async def close(self) -> None:
        self._held = False


class PgLease:
    """A PostgreSQL advisory lock on a dedicated connection; see the module's docstring."""

    kind = "postgresql"

    def __init__(self, url: str, *, key: int = LOCK_SCHEDULER, timeout: float = 30.0) -> None:
        self.key = key
        self.timeout = timeout
        # every statement on the lease's connection answers within this, or the connection counts as lost
        self.statement_timeout = max(1.0, timeout / 3)
        self._engine = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._conn: AsyncConnection | None = None
        self._pid: int | None = None
        self._fence: ColumnElement[bool] | None = None  # built once per connection: a claim only binds it
        self._held = False
        self.error: str | None = None  # why the last try could not reach the database (None: it did)

    @property
    def held(self) -> bool:
        return self._held

    @property
    def pid(self) -> int | None:
        """The server process of the lease's connection (pg_stat_activity.pid), once connected."""
        return self._pid

    def describe(self) -> str:
        where = make_url(self._engine.url).render_as_string(hide_password=True)
        return f"PostgreSQL advisory lock ({LOCK_CLASS}, {self.key}) on {where}, backend pid {self._pid}"

    def fence(self) -> ColumnElement[bool]:
        if not self._held or self._fence is None:
            return false()
        return self._fence

    def _granted_to(self, pid: int | ColumnElement[int]) -> ColumnElement[bool]:
        locks = _pg_locks.c
        return exists().where(locks.locktype == "advisory", locks.classid == LOCK_CLASS, locks.objid == self.key,
                              locks.objsubid == 2, locks.pid == pid, locks.granted.is_(True))

    async def acquire(self) -> bool:
        if self._held:
            return await self.renew()
        try:
            conn = await self._connection()
            got = bool(await self._scalar(conn, select(func.pg_try_advisory_lock(LOCK_CLASS, self.key))))
        except Exception as exc:  # the database is down or slow: not this time
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            await self._drop()
            return False
        self.error = None
        self._held = got
        return got

    async def renew(self) -> bool:
        if not self._held or self._conn is None:
            self._held = False
            return False
        try:
            still = bool(await self._scalar(self._conn, select(self._granted_to(func.pg_backend_pid()))))
        except Exception as exc:
            log.warning("lease: the lock's connection failed (%r); the lease counts as lost", exc)
            still = False
        if not still:
            self._held = False
            await self._drop()
        return still

    async def release(self) -> None:
        was = self._held
        self._held = False
        if was and self._conn is not None:
            try:
                await self._scalar(self._conn, select(func.pg_advisory_unlock(LOCK_CLASS, self.key)))
            except Exception as exc:  # closing the connection below frees it anyway
                log.debug("lease: unlock failed: %r", exc)
        await self._drop()

    async def close(self) -> None:
        await self.release()
        await self._engine.dispose()

    # ------------------------------------------------------------------------------------------ the connection
    async def _connection(self) -> AsyncConnection:
        if self._conn is not None:
            return self._conn
        conn = await asyncio.wait_for(self._engine.connect(), self.statement_timeout)
        try:
            version = int(await self._scalar(conn, text("SHOW server_version_num")))
            ms = int(self.timeout * 1000)
            settings = {"application_name": "gis-zhkh-bot lease",
                        # a dead peer's socket is noticed in idle + interval × count seconds
                        "tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
            if version >= 140000:  # a session silent for longer than the timeout is ended: its lock is freed
                settings["idle_session_timeout"] = str(ms)
            for name, value in settings.items():
                await self._scalar(conn, select(func.set_config(name, value, False)))
            self._pid = int(await self._scalar(conn, select(func.pg_backend_pid())))
            self._fence = self._granted_to(self._pid)
        except BaseException:
            await self._close_quietly(conn)
            raise
        self._conn = conn
        return conn

    async def _scalar(self, conn: AsyncConnection, stmt):
        result = await asyncio.wait_for(conn.execute(stmt), self.statement_timeout)
        return result.scalar_one()

    async def _drop(self) -> None:
        conn, self._conn, self._pid, self._fence = self._conn, None, None, None
        if conn is not None:
            await self._close_quietly(conn)

    @staticmethod
    async def _close_quietly(conn: AsyncConnection) -> None:
        try:
            await asyncio.wait_for(conn.invalidate(), 2)
        except Exception:
            pass
        try:
            await asyncio.wait_for(conn.close(), 2)
        except Exception:
            pass


def open_lease(database_url: str, timeout: float = 30.0) -> Lease:
    """The lease for this database: an advisory lock on PostgreSQL, a trivial one on SQLite (one process)."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return PgLease(database_url, timeout=timeout)
    return LocalLease()
