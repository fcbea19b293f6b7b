"""One scheduler leader across replicas: the lease, its fence on the outbox claim, the hand-over, the catch-up.

The PostgreSQL tests (skipped without TEST_DATABASE_URL) run two «replicas» in one process: two leases on two
connections of their own, two senders over the same outbox."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from bot.config import SettingsError, load_settings
from bot.leader import Leader, start_leader
from bot.scheduler import JOBS, build_scheduler, missed
from bot.services.leader import LocalLease, PgLease, open_lease
from bot.services.notify.notices import NewsNotice, PushKind
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.sender import Outgoing, Sender
from storage.db import create_engine
from storage.models import Notification, User
from tests.conftest import TEST_DATABASE_URL

pg_only = [pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
           pytest.mark.parametrize("backend", ["postgresql"])]


def on_pg(fn):
    for mark in pg_only:
        fn = mark(fn)
    return fn


async def queue_news(sessions, clock, n: int, first: int = 7001) -> list[int]:
    ids = list(range(first, first + n))
    async with sessions.begin() as s:
        for i in ids:
            s.add(User(id=i, first_name=f"u{i}"))
    pushes = [Push(i, PushKind.news, "n1", "2026-11", NewsNotice(html=f"Новость для {i}")) for i in ids]
    assert await enqueue(sessions, pushes, clock) == n
    return ids


async def statuses(sessions) -> dict[int, str]:
    async with sessions() as s:
        return dict((await s.execute(select(Notification.user_id, Notification.status))).all())


class Telegram:
    """The Bot API as the senders see it: records who got what; ``hold`` makes the send to one user hang until
    released (a send in flight)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, int]] = []
        self.hold: dict[int, asyncio.Event] = {}
        self.entered: dict[int, asyncio.Event] = {}

    def send_as(self, who: str):
        async def send(msg: Outgoing) -> str:
            self.got.append((who, msg.user_id))
            if msg.user_id in self.hold:
                self.entered.setdefault(msg.user_id, asyncio.Event()).set()
                await self.hold[msg.user_id].wait()
            return "ok"

        return send

    def hang(self, user_id: int) -> asyncio.Event:
        self.hold[user_id] = asyncio.Event()
        self.entered[user_id] = asyncio.Event()
        return self.hold[user_id]


def sender(sessions, clock, send, lease) -> Sender:
    return Sender(sessions, send, clock, rate=30, per_chat=0, quiet_hours="off", lease=lease)


async def terminate(pid: int) -> None:
    """What the server does to a dead, frozen or cut-off leader's session: end it (its locks go with it)."""
    engine = create_engine(TEST_DATABASE_URL)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})).scalar_one()
    await engine.dispose()
    for _ in range(50):  # the backend takes a moment to go
        engine = create_engine(TEST_DATABASE_URL)
        async with engine.connect() as conn:
            alive = (await conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"),
                                        {"p": pid})).scalar_one()
        await engine.dispose()
        if not alive:
            return
        await asyncio.sleep(0.05)


# ------------------------------------------------------------------------------------------------ settings
def test_leader_settings_are_checked():
    s = load_settings(_env_file=None)
    assert s.run_scheduler and s.leader_heartbeat == 5 and s.leader_timeout == 30
    with pytest.raises(SettingsError, match="LEADER_TIMEOUT.*вдвое"):
        load_settings(_env_file=None, leader_heartbeat=10, leader_timeout=15)
    with pytest.raises(SettingsError, match="LEADER_TIMEOUT.*минуты"):
        load_settings(_env_file=None, leader_heartbeat=10, leader_timeout=55)
    with pytest.raises(SettingsError, match="LEADER_HEARTBEAT"):
        load_settings(_env_file=None, leader_heartbeat=0)


# ------------------------------------------------------------------------------------------------ catch-up
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_new_leader_runs_the_daily_jobs_it_missed(settings, clock):
    """Elected at 12:00: the 10:00 and 11:00 jobs (within their 6-hour grace) run at once; the 18:00 one waits;
    interval jobs come round by themselves."""
    noon = clock.now()
    trig = {name: job.trigger(settings) for name, job in JOBS.items()}
    assert missed(trig["readings"], noon, JOBS["readings"].misfire_grace)
    assert missed(trig["payments"], noon, JOBS["payments"].misfire_grace)
    assert not missed(trig["outages_eve"], noon, JOBS["outages_eve"].misfire_grace)
    assert not missed(trig["sender"], noon, 30) and not missed(trig["outages"], noon, 600)
    early = noon.replace(hour=8)  # yesterday's 10:00 is 22 hours ago: beyond the grace
    assert not missed(trig["readings"], early, JOBS["readings"].misfire_grace)

    scheduler = build_scheduler(None, settings, clock, None, catch_up=True)
    due_now = {j.id for j in scheduler.get_jobs() if getattr(j, "next_run_time", None) == noon}
    assert {"readings", "verification", "payments", "meetings"} <= due_now
    assert "outages_eve" not in due_now and "sender" not in due_now
    plain = build_scheduler(None, settings, clock, None)
    assert not any(getattr(j, "next_run_time", None) == noon for j in plain.get_jobs())


# ------------------------------------------------------------------------------------------------ SQLite
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_on_sqlite_the_one_process_leads_at_once(sessions, settings, clock, bot):
    lease = open_lease(settings.database_url)
    assert isinstance(lease, LocalLease)
    leader = Leader(sessions, settings, clock, bot, lease, heartbeat=0.01)
    await leader.tick()
    assert leader.leading and leader.terms == 1 and leader.scheduler.running
    assert leader.sender.lease is lease and lease.held
    await leader.tick()  # renewing a local lease keeps it
    assert leader.leading and leader.terms == 1
    await leader.stop()
    assert not leader.leading and not lease.held


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_run_scheduler_false_never_leads(sessions, settings, clock, bot):
    assert start_leader(sessions, settings.model_copy(update={"run_scheduler": False}), clock, bot) is None


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_sender_without_the_lease_sends_nothing(sessions, clock):
    await queue_news(sessions, clock, 2)
    api = Telegram()
    lease = LocalLease()  # not acquired
    st = await sender(sessions, clock, api.send_as("A"), lease).drain()
    assert st.sent == 0 and api.got == []
    await lease.acquire()
    st = await sender(sessions, clock, api.send_as("A"), lease).drain()
    assert st.sent == 2 and set((await statuses(sessions)).values()) == {"sent"}


# ------------------------------------------------------------------------------------------------ PostgreSQL
@on_pg
async def test_one_holder_at_a_time_and_a_release_hands_over(db_url):
    a, b = PgLease(db_url, timeout=6), PgLease(db_url, timeout=6)
    try:
        assert await a.acquire() and a.held
        assert not await b.acquire() and not b.held
        assert await a.renew()
        await a.release()
        assert not a.held
        assert await b.acquire()
        assert not await a.acquire()
    finally:
        await a.close()
        await b.close()


@on_pg
async def test_a_lost_connection_is_a_lost_lease_and_fences_the_stale_leader(db_url, sessions, clock):
    """A's session ends (the server ended it: A was frozen or cut off). A has not noticed — it still believes it
    leads — yet its claim is refused by the database; B takes the lease and sends everything once."""
    ids = await queue_news(sessions, clock, 4)
    a, b = PgLease(db_url, timeout=6), PgLease(db_url, timeout=6)
    api = Telegram()
    try:
        assert await a.acquire()
        await terminate(a.pid)
        assert a.held  # A's belief, not yet corrected by a heartbeat
        st = await sender(sessions, clock, api.send_as("A"), a).drain()
        assert st.sent == 0 and api.got == []  # fenced: no row claimed, nothing sent
        assert set((await statuses(sessions)).values()) == {"pending"}
        assert await b.acquire()
        st = await sender(sessions, clock, api.send_as("B"), b).drain()
        assert st.sent == 4 and sorted(u for _, u in api.got) == ids
        assert not await a.renew() and not a.held  # A's heartbeat: lost
    finally:
        await a.close()
        await b.close()


@on_pg
async def test_a_frozen_leader_loses_the_lease_after_the_timeout(db_url):
    """A leader that falls silent (frozen, cut off: no heartbeat) keeps the lock only LEADER_TIMEOUT: the server
    ends its idle session, the lock goes with it, the standby takes over; the frozen one, when it wakes, finds it
    lost."""
    a, b = PgLease(db_url, timeout=2), PgLease(db_url, timeout=2)
    try:
        assert await a.acquire()
        assert not await b.acquire()
        started = asyncio.get_running_loop().time()
        while not await b.acquire():
            assert asyncio.get_running_loop().time() - started < 10, "the silent leader kept the lock"
            await asyncio.sleep(0.2)
        assert asyncio.get_running_loop().time() - started >= 1.5  # not before the timeout
        assert not await a.renew() and not a.held
    finally:
        await a.close()
        await b.close()


@on_pg
async def test_the_leader_killed_in_the_middle_of_a_send(db_url, sessions, clock):
    """A is sending the 3rd push when it loses the lease (its session is killed). B takes over at once and
    sends the rest; A's send in flight completes (Telegram has it) and A claims nothing more. Every resident
    gets the push exactly once, none is lost."""
    ids = await queue_news(sessions, clock, 8)
    a, b = PgLease(db_url, timeout=6), PgLease(db_url, timeout=6)
    api = Telegram()
    release = api.hang(ids[2])
    try:
        assert await a.acquire()
        sa = sender(sessions, clock, api.send_as("A"), a)
        sa.concurrency = 1  # one message in flight at a time: the 3rd one hangs, nothing after it starts
        drain_a = asyncio.create_task(sa.drain())
        await asyncio.wait_for(api.entered[ids[2]].wait(), 10)
        await terminate(a.pid)
        assert await b.acquire()
        st_b = await sender(sessions, clock, api.send_as("B"), b).drain()
        release.set()
        st_a = await asyncio.wait_for(drain_a, 10)
    finally:
        release.set()
        await a.close()
        await b.close()
    # A finishes what it had claimed before the kill (the claim is fenced; the sender claims the next small group
    # while it paces the current one), B sends all the rest: nobody's push is lost or sent twice
    by_a = [u for who, u in api.got if who == "A"]
    by_b = [u for who, u in api.got if who == "B"]
    assert by_a[:3] == ids[:3] and len(by_a) <= 5 and st_a.sent == len(by_a)
    assert sorted(by_a + by_b) == ids and not set(by_a) & set(by_b) and st_b.sent == len(by_b) >= 3
    assert set((await statuses(sessions)).values()) == {"sent"}


@on_pg
async def test_jobs_run_beside_a_running_leader_leaves_its_pushes_to_the_leader(db_url, sessions, settings, clock,
                                                                                bot):
    """``python -m bot jobs run NAME`` while a replica leads: the job runs, but its pushes are sent by the leader
    (two senders would share one Bot API rate). With the lease free the CLI takes it, sends fenced by it, and gives
    it back."""
    from aiogram.methods import SendMessage

    from bot.scheduler import run_job
    from bot.texts import jobs as tj

    ids = await queue_news(sessions, clock, 3)
    leader, cli = PgLease(db_url, timeout=6), PgLease(db_url, timeout=6)
    try:
        assert await leader.acquire()
        assert await run_job("sender", sessions, settings, clock, bot, cli) == [f"sender: {tj.LEADER_SENDS}"]
        lines = await run_job("readings", sessions, settings, clock, bot, cli)
        assert lines[1] == f"sender: {tj.LEADER_SENDS}"
        assert set((await statuses(sessions)).values()) == {"pending"}
        assert not [r for r in bot.session.requests if isinstance(r, SendMessage)]
        await leader.release()
        lines = await run_job("sender", sessions, settings, clock, bot, cli)
        assert "отправлено: 3 сообщения" in lines[0]
        assert not cli.held and await leader.acquire()  # the CLI gave the lease back
    finally:
        await leader.close()
        await cli.close()
    assert sorted(r.chat_id for r in bot.session.requests if isinstance(r, SendMessage)) == ids
    assert set((await statuses(sessions)).values()) == {"sent"}


@on_pg
async def test_a_clean_stop_finishes_its_sends_then_hands_over(db_url, sessions, settings, clock, bot):
    """SIGTERM to the leader mid-broadcast: its sends in flight finish and are marked, the lease is given up, the
    standby takes it at its next heartbeat and sends the rest; nothing is lost, nothing twice."""
    ids = await queue_news(sessions, clock, 6)
    api = Telegram()
    release = api.hang(ids[1])
    one = Leader(sessions, settings, clock, bot, PgLease(db_url, timeout=6), heartbeat=0.05)
    two = Leader(sessions, settings, clock, bot, PgLease(db_url, timeout=6), heartbeat=0.05)
    try:
        await one.tick()
        await two.tick()
        assert one.leading and not two.leading
        one.sender.send = api.send_as("one")
        one.sender.concurrency = 1
        drain = asyncio.create_task(one.sender.drain())
        await asyncio.wait_for(api.entered[ids[1]].wait(), 10)
        stopping = asyncio.create_task(one.stop())
        await asyncio.sleep(0.2)
        assert not stopping.done()  # waits for the send in flight
        await two.tick()
        assert not two.leading  # the lease is not given up before that send is finished
        release.set()
        await asyncio.wait_for(stopping, 10)
        await drain
        await two.tick()
        assert two.leading and two.terms == 1
        two.sender.send = api.send_as("two")
        await two.sender.drain()
    finally:
        release.set()
        await one.stop()
        await two.stop()
    assert [u for who, u in api.got if who == "one"] == ids[:2]
    assert sorted(u for who, u in api.got if who == "two") == ids[2:]
    assert set((await statuses(sessions)).values()) == {"sent"}


@on_pg
async def test_the_heartbeat_notices_the_loss_and_steps_down(db_url, sessions, settings, clock, bot):
    one = Leader(sessions, settings, clock, bot, PgLease(db_url, timeout=6), heartbeat=0.05)
    two = Leader(sessions, settings, clock, bot, PgLease(db_url, timeout=6), heartbeat=0.05)
    try:
        await one.tick()
        assert one.leading
        await terminate(one.lease.pid)
        await one.tick()  # the renewal fails: one steps down
        assert not one.leading and not one.lease.held
        await two.tick()
        assert two.leading
        await one.tick()  # and stands by
        assert not one.leading
    finally:
        await one.stop()
        await two.stop()


@on_pg
async def test_replicas_migrating_a_fresh_database_at_once_both_start(db_url):
    """Two replicas started together on an empty database (here: an empty schema): one migrates, the other waits
    for it and finds the schema at the head (without the lock the two got stuck on each other's catalog locks)."""
    from storage.migrate import upgrade

    schema = "fresh_replicas"
    admin = create_engine(db_url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    engines = [create_engine(db_url, connect_args={"server_settings": {"search_path": schema}}) for _ in range(2)]
    try:
        await asyncio.wait_for(asyncio.gather(*(upgrade(e) for e in engines)), 90)  # without the lock: stuck
        async with engines[0].connect() as conn:
            heads = (await conn.execute(text(f"SELECT version_num FROM {schema}.alembic_version"))).scalars().all()
        assert len(heads) == 1
    finally:
        for e in engines:
            await e.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_database_that_does_not_answer_is_said_so_and_retried(settings, clock, bot, caplog):
    lease = PgLease("postgresql+asyncpg://nobody@127.0.0.1:1/none", timeout=3)
    leader = Leader(None, settings, clock, bot, lease, heartbeat=0.01)
    with caplog.at_level("INFO", logger="bot.leader"):
        await leader.tick()
        await leader.tick()
    assert not leader.leading and lease.error
    said = [r.getMessage() for r in caplog.records if r.name == "bot.leader"]
    assert len(said) == 1 and "cannot try the lease" in said[0], said
    await leader.stop()
