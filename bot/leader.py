"""One scheduler leader across replicas, by itself.

Every replica with ``RUN_SCHEDULER=true`` (the default) takes part: each ``LEADER_HEARTBEAT`` seconds it tries the
lease (``bot/services/leader.py``); the one that holds it runs the reminders' scheduler and the push sender, and
renews the lease at the same pace. When the lease is lost (its connection broke, the server ended the session) the
leader steps down at once: no new job starts, the sender finishes what it already handed to Telegram and claims
nothing more — its claims are fenced in the database anyway. On a clean stop (SIGTERM) the leader finishes its
sends and gives the lease up, so another replica takes over at its next try. ``RUN_SCHEDULER=false``: this replica
never leads.

On SQLite the lease is trivially held: the one process leads from its start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.services.clock import Clock
from bot.services.leader import Lease, open_lease
from bot.services.notify.sender import Sender

log = logging.getLogger(__name__)

HALT_TIMEOUT = 30.0  # seconds a stepping-down sender may take to finish the messages in flight


class Leader:
    """The election loop of one replica, and the scheduler it runs while it leads."""

    def __init__(self, sessions: Any, settings: Settings, clock: Clock, bot: Any, lease: Lease,
                 heartbeat: float | None = None) -> None:
        self.sessions, self.settings, self.clock, self.bot = sessions, settings, clock, bot
        self.lease = lease
        self.heartbeat = heartbeat if heartbeat is not None else settings.leader_heartbeat
        self.scheduler: AsyncIOScheduler | None = None
        self.sender: Sender | None = None
        self.terms = 0  # how many times this replica became the leader
        self._task: asyncio.Task[None] | None = None
        self._standing_by: str | None = None  # what the log last said while not leading

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="leader-election")

    async def stop(self) -> None:
        """A clean stop: leave the election, finish the sends in flight, give the lease up."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down("stopping")
        await self.lease.close()

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let the election die: the next tick tries again
                log.exception("leader: election step failed")
            await asyncio.sleep(self.heartbeat)

    async def tick(self) -> None:
        """One step: renew the lease we hold (or step down), or try to take a free one."""
        if self.leading:
            if not await self.lease.renew():
                log.warning("leader: the lease is lost; this replica stops the scheduler and the push sender")
                await self._step_down("lease lost")
            return
        if await self.lease.acquire():
            self._take_office()
            return
        error = getattr(self.lease, "error", None)
        state = "unreachable" if error else "standby"
        if state != self._standing_by:
            self._standing_by = state
            if error:
                log.warning("leader: cannot try the lease (%s); trying again every %.1f s", error, self.heartbeat)
            else:
                log.info("leader: another replica holds the lease; this one stands by (tries every %.1f s)",
                         self.heartbeat)

    def _take_office(self) -> None:
        from bot.scheduler import build_scheduler, build_sender

        self.terms += 1
        self._standing_by = None
        self.sender = build_sender(self.sessions, self.settings, self.clock, self.bot, lease=self.lease)
        self.scheduler = build_scheduler(self.sessions, self.settings, self.clock, self.bot, sender=self.sender,
                                         catch_up=True)
        self.scheduler.start()
        describe = getattr(self.lease, "describe", None)
        log.info("leader: this replica runs the scheduler and the push sender (%s)",
                 describe() if describe else f"{self.lease.kind} lease")

    async def _step_down(self, why: str) -> None:
        scheduler, sender = self.scheduler, self.sender
        self.scheduler = self.sender = None
        if scheduler is not None:
            scheduler.pause()  # no new job (a new drain would start the sender again)
        # the drain under way finishes its sends first: shutting the scheduler down would cancel it mid-step
        if sender is not None and not await sender.halt(HALT_TIMEOUT):
            log.warning("leader: pushes still in flight after %.0f s (%s)", HALT_TIMEOUT, why)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await self.lease.release()


def start_leader(sessions: Any, settings: Settings, clock: Clock, bot: Any) -> Leader | None:
    """The election for this replica, started; None when it must never lead (RUN_SCHEDULER=false)."""
    if not settings.run_scheduler:
        log.info("leader: RUN_SCHEDULER=false, this replica never runs the scheduler or the push sender")
        return None
    leader = Leader(sessions, settings, clock, bot, open_lease(settings.database_url, settings.leader_timeout))
    leader.start()
    return leader
