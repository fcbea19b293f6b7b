"""The one sender: takes due rows from the outbox and hands them to ``send`` at a steady rate.

* at most ``rate`` messages per second in all (a pacing slot every 1/rate s), at most one per chat per
  ``per_chat`` seconds;
* paid broadcast (``paid_rate`` set, PAID_BROADCAST=true): urgent outage pushes go out as paid messages (Telegram's
  ``allow_paid_broadcast``: up to 1 000 a second, paid in Stars) at ``paid_rate`` a second; ordinary ones keep
  ``rate``, and every message, paid or not, takes a slot of ``paid_rate``, so the two together never pass it;
* ``RetryAfter`` (Telegram's 429): everything waits that long, the row is retried, the attempt is not counted;
* ``RecipientGone`` (the user blocked the bot, deleted the account): the user becomes inactive, this and every
  other pending push of theirs is skipped, nothing is retried;
* ``PermanentFailure`` (Telegram refused the message itself): failed at once, reason logged;
* any other error: retried with growing pauses, failed after ``max_attempts`` with the reason logged;
* quiet hours: an ordinary push that comes due at night waits until the user's quiet hours end; urgent ones
  (emergency outages) go at once.

Paid broadcast, the hot path: a pass reads a second's worth of due rows; while it is sent, the next pass (the urgent
rows after its last one, by id: no sort of the whole outbox) is read, and while its last group is paced the next
pass's first group is claimed — so no slot waits for a read or a claim. Sends are tasks (many in flight; pacing is
about when each starts), marked sent in batches (FLUSH_ROWS / FLUSH_EVERY).

Exactly once, as near as Telegram allows: a row is claimed (status ``sending``) in its own short transaction
just before the API call and marked ``sent`` right after it; no transaction is held across the call. If the process
dies between the two, the row stays ``sending``; the next start marks it failed ("interrupted") rather than send
it again — a push that might come twice is worse than a lost one.

Several replicas: only the one holding the lease (``bot/services/leader.py``) drains, and its claim is fenced —
the claim's UPDATE carries ``lease.fence()``, so a leader that lost the lease cannot claim (nor send) another row,
even before it notices; the rows it had already handed to Telegram are finished by it, those claimed but not yet
handed over are given back (pending) for the next leader, never sent by both.

No aiogram here: ``send`` is any ``async (Outgoing) -> None`` raising the exceptions below.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, false, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ColumnElement

from bot.services.clock import Clock
from bot.services.leader import Lease
from bot.services.notify.notices import expired
from bot.services.notify.outbox import KIND_SETTING
from bot.services.notify.quiet import DEFAULT_QUIET, effective, parse_quiet_hours, quiet_until
from storage.models import Notification, User

log = logging.getLogger(__name__)

INTERRUPTED_AFTER = dt.timedelta(minutes=2)  # a claim older than this belongs to a process that died
# what may go as paid broadcast when it is urgent: outages (an emergency, or a planned one starting within hours);
# a clerk's news sent at night («Отправить сейчас») is urgent for the quiet hours only and is not paid for
PAID_KINDS = frozenset({"outage"})
CATCH_UP = 0.005  # seconds of missed pacing slots that may still be used (see _pace)
# the same for paid messages: a stall of the event loop (a pass's rows decoded, a batch marked sent) costs tens of
# slots at 1 000/s; they are caught up, as a burst that the one-second window (``_window``, ⌈paid_rate⌉ in any
# second, below Telegram's 1 000) still bounds
PAID_CATCH_UP = 0.05
READ_AHEAD = 0.25  # seconds of paid sending read in one pass after the first (see ``_due(after=…)``)
CLAIM_AHEAD = 0.05  # seconds of sending claimed in one statement (at 25/s: one row; paid, at 950/s: 47)
FLUSH_ROWS, FLUSH_EVERY = 100, 0.05  # sent rows are marked sent in one statement per 100 rows or 50 ms
BACKOFF = (30, 120, 600, 1800)  # seconds before retry 1, 2, 3, 4…
# why a row was not sent, as the outbox log keeps it (for the operator, not the resident)
INTERRUPTED = "interrupted while sending (the process stopped); not repeated, so it cannot arrive twice"
SKIPPED = "the user turned this kind of push off or blocked the bot"
EXPIRED = "out of date before it could be sent (the window closed, the voting or the outage is over)"
BLOCKED = "the user blocked the bot"


def _resume(next_slot: float, now: float, catch_up: float = CATCH_UP) -> float:
    """The next pacing slot: the schedule's own while it is at most ``catch_up`` behind, else now."""
    return next_slot if next_slot >= now - catch_up else now


def _status_is(status: str) -> ColumnElement[bool]:
    """``status = :status`` for statements that name their rows by id: written ``status || '' = …`` so that SQLite
    looks the ids up by primary key instead of walking ix_notifications_due over every row of that status (a claim
    of 50 rows took ~27 ms with 100k pending, a pending-row scan each); PostgreSQL plans it by the key either way."""
    return Notification.status.concat("") == status


class RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = float(seconds)


class RecipientGone(Exception):
    """The user cannot receive messages from the bot any more (blocked it, deactivated the account)."""


class PermanentFailure(Exception):
    """Telegram refused this message; sending it again will not help."""


@dataclass(frozen=True)
class Outgoing:
    """A due push as the sender hands it to ``send``: its notice as data (``payload``, rendered by the push view)
    and the file to send with it. ``text``/``buttons``: what a row queued before the outbox kept data held."""

    id: int
    user_id: int
    kind: str
    payload: dict[str, Any] | None
    urgent: bool
    media: dict[str, Any] | None = None
    text: str | None = None
    buttons: list[list[dict[str, str]]] | None = None
    paid: bool = False  # send with allow_paid_broadcast (an urgent push while paid broadcast is on)


# sends one push; returns the text as delivered (kept in the row) or None
SendFn = Callable[[Outgoing], Awaitable[str | None]]


@dataclass
class SenderStats:
    sent: int = 0
    retried: int = 0  # transient errors, to be tried again later
    failed: int = 0
    blocked: int = 0  # users found to have blocked the bot
    skipped: int = 0  # inactive user or kind turned off
    deferred: int = 0  # waiting for the end of quiet hours
    flood_waits: int = 0  # 429 answers
    interrupted: int = 0  # claimed by a process that died mid-send
    errors: list[str] = field(default_factory=list)

    def add(self, other: SenderStats) -> None:
        for name in ("sent", "retried", "failed", "blocked", "skipped", "deferred", "flood_waits", "interrupted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


class Sender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send: SendFn,
        clock: Clock,
        *,
        rate: float = 25.0,
        paid_rate: float | None = None,
        per_chat: float = 1.0,
        quiet_hours: str = DEFAULT_QUIET,
        max_attempts: int = 5,
        concurrency: int | None = None,
        batch: int = 200,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        lease: Lease | None = None,
    ) -> None:
        self.sessions, self.send, self.clock = sessions, send, clock
        self.interval = 1.0 / rate
        self.paid_rate = paid_rate
        self.paid_interval = 1.0 / paid_rate if paid_rate else 0.0
        self.per_chat = per_chat
        self.quiet = parse_quiet_hours(quiet_hours)
        self.max_attempts = max_attempts
        self.concurrency = concurrency or max(1, int(max(rate, paid_rate or 0)))
        # rows read per pass: with paid broadcast a second's worth, since each read sorts the due rows (urgent
        # first) and a big outbox makes that the cost per pass
        self.batch = max(batch, int(paid_rate)) if paid_rate else batch
        # rows of a paid broadcast's next pass, read while this one sends: a quarter of a second's worth, so that
        # decoding them holds the event loop up for less than PAID_CATCH_UP
        self._read_ahead = max(1, int((paid_rate or 0) * READ_AHEAD))
        self.monotonic, self.sleep = monotonic, sleep
        self._next_slot = 0.0  # the next free-rate slot
        self._next_any = 0.0  # the next slot of any message (paid_rate apart; the free slot when not paid)
        self._paused_until = 0.0
        self._last_sent: dict[int, float] = {}  # user → monotonic time of the last send
        # send times of the last second (``_window``): ordinary messages, and all of them with paid broadcast
        self._sent_free: deque[float] = deque()
        self._sent_all: deque[float] = deque()
        self._free_cap = max(1, math.ceil(rate))
        self._all_cap = max(1, math.ceil(paid_rate or rate))
        self._done: list[dict[str, Any]] = []  # sent, to be marked sent (``_flush``)
        self._done_since = 0.0
        self._lock = asyncio.Lock()
        # the sender's own claims and marks, one at a time: on SQLite two of them at once would make one sleep in
        # the busy handler (one writer at a time) instead of waiting here
        self._writes = asyncio.Lock()
        self._stop = False
        self.lease = lease  # None: no election (a CLI run); else claims are fenced by it

    @property
    def leading(self) -> bool:
        return self.lease is None or self.lease.held

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def stop(self) -> None:
        """Ask a running drain to stop after the messages already handed to Telegram."""
        self._stop = True

    async def halt(self, timeout: float | None = None) -> bool:
        """Stop a running drain and wait until the messages it handed to Telegram are finished (sent and
        marked). False when that took longer than ``timeout``."""
        self._stop = True
        try:
            await asyncio.wait_for(self._lock.acquire(), timeout)
        except TimeoutError:
            return False
        self._lock.release()
        return True

    # ------------------------------------------------------------------------------------------ the loop
    async def drain(self, limit: int | None = None) -> SenderStats:
        """Send everything due now (or ``limit`` messages), then return. One drain at a time."""
        async with self._lock:
            self._stop = False
            stats = SenderStats()
            if not self.leading:  # another replica sends
                return stats
            stats.interrupted = await self._recover_interrupted()
            inflight: set[asyncio.Task[None]] = set()
            inflight_users: set[int] = set()
            sem = asyncio.Semaphore(self.concurrency)
            held: list[int] = []  # claimed, not yet handed to send: given back if we stop or are cancelled
            claiming: asyncio.Task[set[int]] | None = None  # the next group's claim, under way
            # paid broadcast: the next pass (the urgent rows after this one's, by id) read while this one sends
            reading: asyncio.Task[list[Outgoing]] | None = None
            # ... and, while this pass's last group is paced, the first group of that next pass is claimed
            ahead: tuple[list[Outgoing], list[Outgoing], set[int], float | None, list[Outgoing]] | None = None
            carried: asyncio.Task[set[int]] | None = None  # that claim
            # chats with a row left behind the read-ahead (held back one a second, in flight): none of their
            # later rows goes before it — they wait for the next fresh pass, which takes them in order
            behind: set[int] = set()
            dispatched = 0
            try:
                while not self._stop and self.leading and (limit is None or dispatched < limit):
                    continued = reading is not None or ahead is not None
                    first: list[Outgoing] = []
                    if ahead is not None:
                        (rows, ready, chats, wake_at, first), ahead = ahead, None
                    else:
                        if reading is not None:
                            rows, reading = await reading, None
                        else:
                            rows = await self._due(stats)
                            behind = set()
                        ready, chats, wake_at = self._ready(rows, inflight_users, behind, behind)
                    progressed = False
                    # paid broadcast: claimed in groups of what the next ~CLAIM_AHEAD seconds send, so it is not a
                    # transaction per message; the next group is claimed while this one is paced, and waits for its
                    # slots 'sending'. The free rate: each row claimed only once its slot has come, right before
                    # its send — a replica killed meanwhile leaves nothing claimed and unsent
                    if first:  # its claim (``carried``) is under way: its group stays as it was claimed
                        rest = None if limit is None else max(0, limit - dispatched - len(first))
                        groups = [first, *self._groups(ready[len(first):], rest)]
                    else:
                        groups = self._groups(ready, None if limit is None else limit - dispatched)
                    # a full pass of paid rows: the next one is read now, concurrently, so no slot is lost to the
                    # read; it goes on from this pass's last row (urgent first, by id, as a fresh pass would),
                    # and a fresh pass follows once it comes back short or this pass had anything else in it
                    if (self.paid_rate is not None and ready
                            and len(rows) >= (self._read_ahead if continued else self.batch)
                            and all(r.paid for r in rows)
                            and (limit is None or dispatched + len(ready) < limit)):
                        reading = asyncio.create_task(self._due(stats, after=max(r.id for r in rows)))
                    if carried is not None:
                        claiming, carried = carried, None
                    else:
                        claiming = self._claim_soon(groups[0]) if groups and groups[0][0].paid else None
                    for k, group in enumerate(groups):
                        paid = group[0].paid
                        if paid:
                            if claiming is None:
                                claiming = self._claim_soon(group)
                            claimed = await claiming
                            claiming = None
                            held = [r.id for r in group if r.id in claimed]
                        else:
                            claimed, held = {r.id for r in group}, []
                        nxt = groups[k + 1] if k + 1 < len(groups) else None
                        if paid and nxt is not None and nxt[0].paid and not self._stop and self.leading:
                            claiming = self._claim_soon(nxt)
                        elif paid and nxt is None and reading is not None and not self._stop and self.leading:
                            # the last group: the next pass's rows (read meanwhile) are taken now and its first
                            # group claimed while this one is paced, as between two groups of one pass; no chat
                            # of this pass is in it (one message per chat at a time)
                            rows_next, reading = await reading, None
                            ready_next, chats_next, wake_next = self._ready(rows_next, inflight_users,
                                                                            chats | behind, behind)
                            head = self._groups(ready_next, None)[:1]
                            if head and head[0][0].paid:
                                ahead = (rows_next, ready_next, chats_next, wake_next, head[0])
                                carried = self._claim_soon(head[0])
                            else:
                                ahead = (rows_next, ready_next, chats_next, wake_next, [])
                        for row in group:
                            if row.id not in claimed:
                                continue
                            if self._stop or not self.leading or (limit is not None and dispatched >= limit):
                                break
                            await sem.acquire()
                            if not paid:
                                await self._wait_pause()  # nothing is claimed yet: a 429 pause is waited out here
                            if not await self._pace(row.paid):
                                if paid:
                                    sem.release()
                                    break  # a 429 came: what is claimed is given back below
                                await self._wait_pause()
                            if self._stop or not self.leading:  # told to stop while waiting for a free slot
                                sem.release()
                                break
                            if paid:
                                held.remove(row.id)
                            else:
                                # the rate is checked before the claim (a claimed row does not wait for it)
                                # and counted again at the call itself (``_deliver``), after the claim's commit
                                await self._window(False, record=False)
                                if row.id not in await self._claim([row.id]):
                                    sem.release()  # sent or taken meanwhile
                                    continue
                            progressed = True
                            dispatched += 1
                            inflight_users.add(row.user_id)
                            self._last_sent[row.user_id] = self.monotonic()
                            task = asyncio.create_task(self._deliver(row, stats, sem, inflight_users))
                            inflight.add(task)
                            task.add_done_callback(inflight.discard)
                        if self._stop or not self.leading or held:
                            break
                    if self._stop or not self.leading:
                        break
                    if held or claiming is not None:  # a 429 pause: nothing waits in 'sending' meanwhile
                        await self._give_back(held, claiming)
                        await self._give_back([], carried)
                        held, claiming, carried, ahead = [], None, None, None
                        reading = await self._drop(reading)  # what comes due after the pause: a fresh pass
                    if not progressed and continued:
                        continue  # the continuation ran dry: a fresh pass (ordinary rows, retries) next
                    if not progressed:
                        await self._flush()  # nothing to send right now: what was sent is marked at once
                        if inflight:
                            await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
                        elif wake_at is not None:
                            await self.sleep(max(0.0, wake_at - self.monotonic()))
                        elif self._paused_until > self.monotonic():
                            await self._wait_pause()  # a push Telegram refused with 429 comes due when it ends
                        else:
                            break
            finally:
                # the messages already claimed are finished (sent and marked) even when we are cancelled
                await asyncio.shield(self._settle(inflight, held, claiming, carried))
                await self._drop(reading)
            return stats

    def _ready(self, rows: list[Outgoing], inflight_users: set[int], taken: set[int],
               behind: set[int]) -> tuple[list[Outgoing], set[int], float | None]:
        """The rows of a pass that may go now: one message per chat at a time (none to a chat with one in
        flight or in ``taken``: the pass before, a row left behind), one per ``per_chat`` seconds; their chats;
        the earliest time one held back by ``per_chat`` may go. The chats of the rows left are added to
        ``behind``."""
        ready: list[Outgoing] = []
        chats: set[int] = set()
        wake_at: float | None = None
        now = self.monotonic()
        for row in rows:
            if row.user_id in inflight_users or row.user_id in chats or row.user_id in taken:
                behind.add(row.user_id)
                continue
            at = self._last_sent.get(row.user_id, -1e18) + self.per_chat
            if at > now:
                wake_at = at if wake_at is None else min(wake_at, at)
                behind.add(row.user_id)
                continue
            chats.add(row.user_id)
            ready.append(row)
        return ready, chats, wake_at

    @staticmethod
    async def _drop(reading: asyncio.Task[list[Outgoing]] | None) -> None:
        """A pass read ahead and not needed (a stop, a 429): nothing of it is claimed, it is only dropped."""
        if reading is not None:
            reading.cancel()
            try:
                await reading
            except (asyncio.CancelledError, Exception):
                pass
        return None

    async def _settle(self, inflight: set[asyncio.Task[None]], held: list[int],
                      claiming: asyncio.Task[set[int]] | None, carried: asyncio.Task[set[int]] | None) -> None:
        if inflight:
            await asyncio.gather(*inflight, return_exceptions=True)
        await self._flush()
        await self._give_back(held, claiming)
        await self._give_back([], carried)

    async def _give_back(self, held: list[int], claiming: asyncio.Task[set[int]] | None) -> None:
        """Rows claimed but not handed to Telegram (and those the claim under way gets) are pending again."""
        if claiming is not None:
            try:
                held = held + sorted(await claiming)
            except Exception:  # the claim itself failed: nothing was claimed
                log.exception("claiming pushes failed")
        if held:
            await self._release(held)

    def _groups(self, ready: list[Outgoing], limit: int | None) -> list[list[Outgoing]]:
        """``ready`` cut into claim groups: consecutive rows of one rate (paid or not), ``_claim_size`` each."""
        groups: list[list[Outgoing]] = []
        for row in ready[:limit] if limit is not None else ready:
            if not groups or len(groups[-1]) >= self._claim_size(row.paid) or groups[-1][0].paid != row.paid:
                groups.append([])
            groups[-1].append(row)
        return groups

    def _claim_soon(self, group: list[Outgoing]) -> asyncio.Task[set[int]]:
        async def claim() -> set[int]:
            await self._wait_pause()
            return await self._claim([r.id for r in group])

        return asyncio.create_task(claim())

    async def run_forever(self, poll: float = 1.0) -> None:
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("push sender failed; retrying")
            await self.sleep(poll)

    # ------------------------------------------------------------------------------------------ pieces
    async def _pace(self, paid: bool = False) -> bool:
        """Wait for this message's slot; False (at once, or after the wait) when a 429 pause is on: the caller
        gives the row back rather than keep it claimed through the pause. A paid message needs a slot of
        ``paid_rate``; an ordinary one a slot of ``rate`` as well. The slots are absolute times (no drift from the
        sleeps). A schedule at most ``CATCH_UP`` seconds behind goes on (a sleep wakes a millisecond late); one
        further behind starts again from now, so a sender that fell behind or was idle does not burst: in any
        second at most ``rate`` × (1 + CATCH_UP) + 1 messages go. Paid slots catch up to ``PAID_CATCH_UP`` (at
        1 000/s a stall of the event loop of tens of ms is tens of slots); ``_window`` still caps any second at
        ⌈paid_rate⌉."""
        now = self.monotonic()
        if self._paused_until > now:
            return False
        slot = _resume(self._next_any, now, PAID_CATCH_UP if paid else CATCH_UP)
        if not paid:
            slot = max(slot, _resume(self._next_slot, now))
            self._next_slot = slot + self.interval
        self._next_any = slot + self.paid_interval
        if slot - now >= FLUSH_EVERY:  # a long wait (the free rate): mark what was sent first
            await self._flush()
        if slot > now:
            await self.sleep(slot - now)
        return self._paused_until <= self.monotonic()

    async def _window(self, paid: bool, record: bool = True) -> None:
        """The last check before the call: at most ⌈rate⌉ ordinary messages (and, with paid broadcast, ⌈paid_rate⌉
        in all) in any second, counted at the moment of sending. Pacing keeps the average; this keeps a task that
        the event loop ran late (a busy machine) from sending right behind the next one."""
        windows = [] if paid else [(self._sent_free, self._free_cap)]
        if self.paid_rate is not None:
            windows.append((self._sent_all, self._all_cap))
        while True:
            now = self.monotonic()
            wait = 0.0
            for window, cap in windows:
                while window and now - window[0] >= 1.0 - 1e-6:  # a microsecond: float sums of 1/rate aside
                    window.popleft()
                if len(window) >= cap:
                    wait = max(wait, 1.0 - (now - window[0]))
            if wait <= 0:
                if record:
                    for window, _ in windows:
                        window.append(now)
                return
            await self.sleep(wait)

    async def _recover_interrupted(self) -> int:
        cutoff = self.clock.utcnow() - INTERRUPTED_AFTER
        stuck = Notification.status == "sending", Notification.not_before < cutoff
        async with self.sessions() as s:  # a read first: an idle sender takes no write lock every second
            if (await s.execute(select(Notification.id).where(*stuck).limit(1))).first() is None:
                return 0
        async with self.sessions.begin() as s:
            result = await s.execute(
                update(Notification)
                .where(*stuck)
                .values(status="failed", error=INTERRUPTED)
            )
        n = max(result.rowcount or 0, 0)
        if n:
            log.warning("%d push(es) were being sent when the process stopped; marked failed, not repeated", n)
        return n

    async def _due(self, stats: SenderStats, after: int | None = None) -> list[Outgoing]:
        """Due pending rows, urgent first. Rows of inactive users or turned-off kinds are skipped here; ordinary
        rows that come due in the user's quiet hours are moved to the end of them. ``after``: the urgent rows
        after that id only (a paid broadcast's next pass): read along the primary key from there, without sorting
        the whole outbox again."""
        now_utc = self.clock.utcnow()
        local_now = self.clock.now()
        settings_cols = sorted(set(KIND_SETTING.values()))
        query = (select(Notification.id, Notification.user_id, Notification.kind, Notification.payload,
                        Notification.media, Notification.text, Notification.buttons, Notification.urgent,
                        User.is_active, User.quiet_from, User.quiet_to,
                        *[getattr(User, c) for c in settings_cols])
                 .join(User, User.id == Notification.user_id)
                 .limit(self.batch if after is None else self._read_ahead))
        # a read (no write lock: it may run while the pass before it claims and marks); what it skips or defers
        # is written after it, in a short transaction of its own
        async with self.sessions() as s:
            if after is None:
                # urgent first, then the others, each by id: two reads that can go along ix_notifications_next
                # (status, urgent, id) and stop at the pass's size, the second only when the urgent rows do not fill
                # the pass. One ORDER BY urgent DESC, id sorted every due row: 57 ms a pass with 100 000 pending on
                # PostgreSQL, 4 ms this way. SQLite (no statistics) keeps ix_notifications_due and sorts, as before.
                # ``== true()``, not IS TRUE: PostgreSQL reads an index by = only
                due = (query.where(Notification.status == "pending", Notification.not_before <= now_utc)
                       .order_by(Notification.id))
                rows = list((await s.execute(due.where(Notification.urgent == true()))).all())
                if len(rows) < self.batch:
                    rows += (await s.execute(due.where(Notification.urgent == false())
                                             .limit(self.batch - len(rows)))).all()
            else:
                rows = (await s.execute(query.where(Notification.id > after, _status_is("pending"),
                                                    Notification.urgent.is_(True), Notification.not_before <= now_utc)
                                        .order_by(Notification.id))).all()
        out: list[Outgoing] = []
        skip: list[int] = []
        stale: list[int] = []
        defer: dict[dt.datetime, list[int]] = {}
        for r in rows:
            prefs = dict(zip(settings_cols, r[11:], strict=True))
            setting = KIND_SETTING.get(r.kind)
            if not r.is_active or (setting is not None and not prefs[setting]):
                skip.append(r.id)
                continue
            if expired(r.kind, r.payload, local_now):
                stale.append(r.id)
                continue
            if not r.urgent:
                until = quiet_until(local_now, *effective(r.quiet_from, r.quiet_to, self.quiet))
                if until is not None:
                    defer.setdefault(self.clock.to_utc(until), []).append(r.id)
                    continue
            out.append(Outgoing(r.id, r.user_id, r.kind, r.payload, r.urgent, r.media, r.text, r.buttons,
                                paid=bool(r.urgent) and r.kind in PAID_KINDS and self.paid_rate is not None))
        if skip or stale or defer:
            async with self._writes, self.sessions.begin() as s:
                for ids, why in ((skip, SKIPPED), (stale, EXPIRED)):
                    if ids:
                        await s.execute(update(Notification).where(Notification.id.in_(ids), _status_is("pending"))
                                        .values(status="skipped", error=why))
                        stats.skipped += len(ids)
                for until, ids in defer.items():
                    await s.execute(update(Notification).where(Notification.id.in_(ids), _status_is("pending"))
                                    .values(not_before=until))
                    stats.deferred += len(ids)
        return out

    def _claim_size(self, paid: bool) -> int:
        return max(1, int((self.paid_rate if paid and self.paid_rate else 1 / self.interval) * CLAIM_AHEAD))

    async def _wait_pause(self) -> None:
        """After a 429 nothing is claimed until the pause is over (a claimed row must not wait long)."""
        now = self.monotonic()
        if self._paused_until > now:
            await self._flush()
            await self.sleep(self._paused_until - self.monotonic())

    async def _claim(self, ids: list[int]) -> set[int]:
        """Mark these rows 'sending' (those still pending); the ones this sender now owns. The same statement
        checks, in the database, that we still hold the lease (``fence``): a replica that lost it claims nothing."""
        async with self._writes, self.sessions.begin() as s:
            return set((await s.execute(self._claim_statement(ids))).scalars())

    def _claim_statement(self, ids: list[int]) -> Update:
        fence = () if self.lease is None else (self.lease.fence(),)
        return (update(Notification)
                .where(Notification.id.in_(ids), _status_is("pending"), *fence)
                .values(status="sending", not_before=self.clock.utcnow())
                .returning(Notification.id))

    async def _release(self, ids: list[int]) -> None:
        """Claimed rows that were never handed to Telegram (the drain stopped): pending again."""
        async with self.sessions.begin() as s:
            await s.execute(update(Notification).where(Notification.id.in_(ids), Notification.status == "sending")
                            .values(status="pending"))

    def _mark_sent(self, notification_id: int, delivered: str | None) -> bool:
        """Keep a sent row for the next batch that marks it (one statement for many). True when it is time."""
        if not self._done:
            self._done_since = self.monotonic()
        self._done.append({"_id": notification_id, "_text": delivered, "_sent_at": self.clock.utcnow()})
        return len(self._done) >= FLUSH_ROWS or self.monotonic() - self._done_since >= FLUSH_EVERY

    async def _flush(self) -> None:
        """Mark the sent rows sent. Until then they stay 'sending': a process killed before this repeats none
        of them (they are marked failed as interrupted, like a message in flight)."""
        done, self._done = self._done, []
        if not done:
            return
        t = Notification.__table__  # Core executemany, one statement for all of them
        stmt = (update(t).where(t.c.id == bindparam("_id"))
                .values(status="sent", error=None, sent_at=bindparam("_sent_at"),
                        text=func.coalesce(bindparam("_text", type_=t.c.text.type), t.c.text)))
        try:
            async with self._writes, self.sessions.begin() as s:
                await s.execute(stmt, done)
        except Exception:
            log.exception("could not mark %d sent push(es) sent; they stay 'sending' and are not repeated",
                          len(done))

    async def _deliver(self, row: Outgoing, stats: SenderStats, sem: asyncio.Semaphore,
                       inflight_users: set[int]) -> None:
        try:
            try:
                await self._window(row.paid)  # counted at the call, nothing awaited between the two
                delivered = await self.send(row)
            except RetryAfter as exc:
                stats.flood_waits += 1
                self._paused_until = max(self._paused_until, self.monotonic() + exc.seconds)
                log.warning("Telegram asks to wait %.0f s (flood control); push %s will be retried",
                            exc.seconds, row.id)
                await self._finish(row.id, status="pending", error=str(exc),
                                   not_before=self.clock.utcnow() + dt.timedelta(seconds=exc.seconds))
            except RecipientGone as exc:
                stats.blocked += 1
                log.info("user %s cannot receive pushes (%s); marked inactive", row.user_id, exc)
                await self._gone(row, str(exc))
            except PermanentFailure as exc:
                stats.failed += 1
                stats.errors.append(f"{row.id}: {exc}")
                log.warning("push %s to user %s refused by Telegram: %s", row.id, row.user_id, exc)
                await self._finish(row.id, status="failed", error=str(exc), attempt=True)
            except Exception as exc:  # network, 5xx, anything else: try again later
                await self._transient(row, exc, stats)
            else:
                stats.sent += 1
                # at the free rate each row is marked at once (a kill loses no record of a delivered push); paid
                # broadcast marks in batches, the cost of 1 000 a second
                if self._mark_sent(row.id, delivered if isinstance(delivered, str) else None) or not row.paid:
                    await self._flush()
        finally:
            self._last_sent[row.user_id] = self.monotonic()
            inflight_users.discard(row.user_id)
            sem.release()

    async def _transient(self, row: Outgoing, exc: Exception, stats: SenderStats) -> None:
        reason = f"{type(exc).__name__}: {exc}"[:500]
        async with self.sessions.begin() as s:
            attempts = (await s.execute(select(Notification.attempts).where(Notification.id == row.id))).scalar_one()
        attempts += 1
        if attempts >= self.max_attempts:
            stats.failed += 1
            stats.errors.append(f"{row.id}: {reason}")
            log.error("push %s to user %s given up after %d attempts: %s", row.id, row.user_id, attempts, reason)
            await self._finish(row.id, status="failed", error=reason, attempts=attempts)
            return
        stats.retried += 1
        pause = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        log.warning("push %s to user %s failed (%s); retry %d in %d s", row.id, row.user_id, reason, attempts, pause)
        await self._finish(row.id, status="pending", error=reason, attempts=attempts,
                           not_before=self.clock.utcnow() + dt.timedelta(seconds=pause))

    async def _finish(self, notification_id: int, *, status: str, error: str | None,
                      attempt: bool = False, **values: Any) -> None:
        if attempt:
            values["attempts"] = Notification.attempts + 1
        async with self.sessions.begin() as s:
            await s.execute(update(Notification).where(Notification.id == notification_id)
                            .values(status=status, error=error, **values))

    async def _gone(self, row: Outgoing, reason: str) -> None:
        now = self.clock.utcnow()
        async with self.sessions.begin() as s:
            await s.execute(update(User).where(User.id == row.user_id, User.is_active.is_(True))
                            .values(is_active=False, blocked_at=now))
            await s.execute(update(Notification).where(Notification.id == row.id)
                            .values(status="skipped", error=reason[:500]))
            await s.execute(update(Notification)
                            .where(Notification.user_id == row.user_id, Notification.status == "pending")
                            .values(status="skipped", error=BLOCKED))
