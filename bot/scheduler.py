"""The reminders' scheduler and the push sender, in the bot's process.

Jobs are built at start from this registry (no pickled job store), each with a fixed id, ``coalesce`` and a misfire
grace of hours; a job that runs twice adds nothing (unique push keys). A scheduler built with ``catch_up`` (each
time a replica becomes the leader, the first start included) runs at once every daily job whose time passed less
than its grace ago — so neither a restart nor a hand-over between replicas at 10:00 skips the 10:00 reminders.
``python -m bot jobs list`` / ``jobs run NAME`` use the same registry.

Which process runs it: the one holding the lease (``bot/leader.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import outages, payment_reminders
from bot.services.clock import Clock
from bot.services.leader import Lease
from bot.services.notify import reminders
from bot.services.notify.sender import Sender
from bot.texts import jobs as tj

log = logging.getLogger(__name__)

MISFIRE_GRACE = 6 * 3600  # seconds: a daily reminder still runs when the bot comes back within 6 hours


@dataclass
class JobContext:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Clock
    sender: Sender | None  # None when there is no bot to send with (jobs run without BOT_TOKEN)
    bot: Any = None  # the bot, for jobs that post to the staff chat (None without BOT_TOKEN)


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str  # for people (jobs list)
    trigger: Callable[[Settings], Any]
    func: Callable[[JobContext], Awaitable[str]]
    misfire_grace: int = MISFIRE_GRACE
    max_instances: int = 1
    queues_pushes: bool = True  # its work is pushes in the outbox (the digest posts to the staff chat itself)


async def _send(ctx: JobContext) -> str:
    if ctx.sender is None:
        return tj.NO_SENDER
    if ctx.sender.busy:  # the running drain will pick new rows up; never two at once
        return tj.SENDER_BUSY
    st = await ctx.sender.drain()
    if st.sent or st.failed or st.blocked or st.flood_waits or st.interrupted:
        log.info("pushes: sent %d, retry later %d, failed %d, blocked %d, 429 %d, deferred %d, interrupted %d",
                 st.sent, st.retried, st.failed, st.blocked, st.flood_waits, st.deferred, st.interrupted)
    return tj.sent(st.sent, st.retried, st.failed, st.blocked, st.deferred)


async def _readings(ctx: JobContext) -> str:
    n = await reminders.remind_readings(ctx.sessions, ctx.clock, ctx.settings.reading_window_from,
                                        ctx.settings.reading_window_to)
    return tj.queued("readings", n)


async def _verification(ctx: JobContext) -> str:
    return tj.queued("verification", await reminders.remind_verification(ctx.sessions, ctx.clock))


async def _outages(ctx: JobContext) -> str:
    n = await outages.publish_active(ctx.sessions, ctx.clock, ctx.settings.quiet_hours)
    return tj.queued("outages", n)


async def _outages_eve(ctx: JobContext) -> str:
    return tj.queued("outages_eve", await outages.remind_eve(ctx.sessions, ctx.clock))


async def _meetings(ctx: JobContext) -> str:
    return tj.queued("meetings", await reminders.remind_meetings(ctx.sessions, ctx.clock))


async def _meetings_close(ctx: JobContext) -> str:
    """Voting that has ended: the results are computed once and stored (the protocol is rendered from them), and
    «итоги голосования» are queued to the owners who might vote."""
    closed, queued = await reminders.close_meetings(ctx.sessions, ctx.clock)
    return f"{tj.closed(closed)}; {tj.queued('meetings_close', queued)}"


async def _payments(ctx: JobContext) -> str:
    return tj.queued("payments", await payment_reminders.remind_payments(ctx.sessions, ctx.clock))


async def _appeals_digest(ctx: JobContext) -> str:
    from bot.handlers.appeal_delivery import post_digest

    if ctx.bot is None:
        return tj.NO_SENDER
    d = await post_digest(ctx.bot, ctx.settings, ctx.sessions, ctx.clock)
    return tj.digest(d.new, d.in_work, d.due_today, d.overdue) if d else tj.NO_STAFF_CHAT


def _cron(hour: str, minute: int = 0) -> Callable[[Settings], CronTrigger]:
    return lambda s: CronTrigger(hour=hour, minute=minute, timezone=s.tz)


JOBS: dict[str, Job] = {j.name: j for j in (
    Job("sender", tj.SCHEDULES["sender"], lambda s: IntervalTrigger(seconds=1, timezone=s.tz), _send,
        misfire_grace=30, max_instances=3),
    Job("readings", tj.SCHEDULES["readings"], _cron("10"), _readings),
    Job("verification", tj.SCHEDULES["verification"], _cron("10", 5), _verification),
    Job("outages", tj.SCHEDULES["outages"], lambda s: IntervalTrigger(minutes=5, timezone=s.tz), _outages,
        misfire_grace=600),
    Job("outages_eve", tj.SCHEDULES["outages_eve"], _cron("18"), _outages_eve),
    Job("meetings", tj.SCHEDULES["meetings"], _cron("9-20", 15), _meetings),
    Job("meetings_close", tj.SCHEDULES["meetings_close"], lambda s: IntervalTrigger(minutes=5, timezone=s.tz),
        _meetings_close, misfire_grace=600),
    Job("payments", tj.SCHEDULES["payments"], _cron("11"), _payments),
    # the digest is a post, not a keyed push: a restart (or a new leader) repeats it only within 15 minutes of 09:00
    Job("appeals_digest", tj.SCHEDULES["appeals_digest"], _cron("9"), _appeals_digest, misfire_grace=15 * 60,
        queues_pushes=False),
)}


def build_sender(sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock, bot: Any,
                 lease: Lease | None = None) -> Sender:
    """The push sender; with a ``lease`` its claims are fenced by it (a replica that lost it sends nothing more)."""
    from bot.notify_adapter import telegram_sender

    return Sender(sessions, telegram_sender(bot), clock, rate=settings.send_rate, quiet_hours=settings.quiet_hours,
                  lease=lease, paid_rate=settings.paid_send_rate if settings.paid_broadcast else None)


def build_scheduler(sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock,
                    bot: Any, *, sender: Sender | None = None, catch_up: bool = False) -> AsyncIOScheduler:
    """All jobs, fresh from the registry; the caller starts it (``scheduler.start()``) inside the running loop.
    ``sender``: the one to drain the outbox with (default: built here, unfenced). ``catch_up``: a job whose last
    due time is less than its misfire grace ago runs at once (see the module's docstring)."""
    if sender is None and bot:
        sender = build_sender(sessions, settings, clock, bot)
    ctx = JobContext(sessions, settings, clock, sender, bot)
    scheduler = AsyncIOScheduler(timezone=settings.tz)
    now = clock.now()
    for job in JOBS.values():
        trigger = job.trigger(settings)
        extra = {"next_run_time": now} if catch_up and missed(trigger, now, job.misfire_grace) else {}
        scheduler.add_job(_runner(job, ctx), trigger, id=job.name, name=job.schedule,
                          replace_existing=True, coalesce=True, max_instances=job.max_instances,
                          misfire_grace_time=job.misfire_grace, **extra)
    return scheduler


def missed(trigger: Any, now: dt.datetime, grace: float) -> bool:
    """Was ``trigger`` due in the last ``grace`` seconds (a run that nobody made if this scheduler is new)?
    Interval jobs never are: they come round again within minutes."""
    if isinstance(trigger, IntervalTrigger):
        return False
    due = trigger.get_next_fire_time(None, now - dt.timedelta(seconds=grace))
    return due is not None and due <= now


def _runner(job: Job, ctx: JobContext) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            result = await job.func(ctx)
        except Exception:
            log.exception("job %s failed", job.name)
            return
        if job.name != "sender":
            log.info("job %s: %s", job.name, result)

    return run


async def run_job(name: str, sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock,
                  bot: Any, lease: Lease | None = None) -> list[str]:
    """Run one job now (``jobs run NAME``); then, with a bot, send what it queued. Returns lines for people.

    ``lease``: the scheduler's (``jobs run`` beside running replicas). The job runs in any case; its pushes are
    sent here only when the lease can be taken, and then fenced by it, as the leader's are — when a running bot
    holds it, that bot's sender sends them, so two senders never share the Bot API's rate."""
    if name not in JOBS:
        raise KeyError(name)
    sender = None
    if bot and (lease is None or await lease.acquire()):
        sender = build_sender(sessions, settings, clock, bot, lease=lease)
    ctx = JobContext(sessions, settings, clock, sender, bot)
    try:
        lines = [] if name == "sender" else [f"{name}: {await JOBS[name].func(ctx)}"]
        lines.append(f"sender: {tj.LEADER_SENDS if bot and sender is None else await _send(ctx)}")
    finally:
        if lease is not None and lease.held:
            await lease.release()
    return lines
