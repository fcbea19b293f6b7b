"""Two replicas of ``python -m bot run`` in webhook mode on two loopback ports, on PostgreSQL + Redis (the CI
machine's; skipped when TEST_DATABASE_URL / TEST_REDIS_URL are unset), as deploy/ runs them behind a proxy.

One user's updates go alternately to both: the dialog stays consistent (its state lives in Redis, and Redis's lock
handles the user's updates one at a time across replicas). A broadcast is sent by the one leader; the leader is
killed (SIGKILL) in the middle of a send and the other replica takes over: every push reaches Telegram exactly
once. The survivor, SIGTERM'd while a handler is in flight, finishes that update before it exits.

Each replica talks to a Bot API of its own (two fake servers), so the test sees which replica sent what."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.services.clock import FixedClock
from bot.services.notify.notices import NewsNotice, PushKind
from bot.services.notify.outbox import Push, enqueue
from bot.services.registry import import_registry
from storage.models import Notification, User
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.fake_bot_api import Call, FakeBotApi, _free_port

pytestmark = [pytest.mark.skipif(not (TEST_DATABASE_URL and TEST_REDIS_URL),
                                 reason="needs TEST_DATABASE_URL and TEST_REDIS_URL"),
              pytest.mark.parametrize("backend", ["postgresql"])]

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:E2E_TEST_TOKEN_abcdefghijklmnopqrstu"
SECRET = "r3plica-secret"
PATH = "/tg"
PUSHES = 6
KILL_AT = 2  # the leader dies when Telegram receives its 2nd push
SEND_RATE = 3  # pushes a second: a claim every 1/3 s, so the kill lands between two claims, during a send


class Api(FakeBotApi):
    """The fake Bot API, with a hook called as each request arrives (before it is answered)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.on_request = None

    async def _handle(self, request):
        if self.on_request is not None:
            self.on_request(self, request.match_info["method"], dict(await request.post()))
        return await super()._handle(request)


@dataclass
class Replica:
    name: str
    port: int
    api: Api
    log: Path
    proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


_update_ids = itertools.count(1)


def message(user: int, text: str) -> dict:
    msg = {"message_id": next(_update_ids), "date": int(time.time()), "text": text,
           "chat": {"id": user, "type": "private", "first_name": "Ринат"},
           "from": {"id": user, "is_bot": False, "first_name": "Ринат", "language_code": "ru"}}
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": msg}


def callback(user: int, data: str) -> dict:
    uid = next(_update_ids)
    return {"update_id": uid, "callback_query": {
        "id": str(uid), "from": {"id": user, "is_bot": False, "first_name": "Ринат"}, "chat_instance": "ci",
        "data": data, "message": {"message_id": 1, "date": int(time.time()), "text": "…",
                                  "chat": {"id": user, "type": "private"}}}}


async def start(replica: Replica) -> None:
    env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": replica.api.url, "DATABASE_URL": TEST_DATABASE_URL,
           "REDIS_URL": TEST_REDIS_URL, "WEBHOOK_URL": f"https://bot.example.invalid{PATH}",
           "WEBHOOK_SECRET": SECRET, "WEB_HOST": "127.0.0.1", "WEB_PORT": str(replica.port),
           "STAFF_CHAT_ID": "-100777", "LOG_LEVEL": "INFO", "QUIET_HOURS": "off", "SEND_RATE": str(SEND_RATE),
           "RUN_SCHEDULER": "true", "LEADER_HEARTBEAT": "0.5", "LEADER_TIMEOUT": "3"}
    replica.proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=replica.log.open("ab"))


async def until(predicate, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


async def post(http: aiohttp.ClientSession, replica: Replica, update: dict) -> int:
    async with http.post(replica.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
        return r.status


async def reply(replica: Replica, predicate, mark: int) -> Call:
    return await replica.api.wait_for(predicate, timeout=30, start=mark)


@pytest.fixture
async def replicas(tmp_path, db_url):
    pair = [Replica(n, _free_port(), Api(n), tmp_path / f"{n}.log") for n in ("r1", "r2")]
    for r in pair:
        await r.api.start()
    try:
        yield pair
    finally:
        for r in pair:
            if r.proc is not None and r.proc.returncode is None:
                r.proc.kill()
                await r.proc.wait()
            await r.api.stop()


async def test_two_replicas_one_dialog_one_leader_each_push_once(replicas, sessions, settings):
    r1, r2 = replicas
    user = 6_000_000 + random.randrange(1_000_000)  # no dialog state of an earlier run in Redis
    await import_registry(sessions, ROOT / "demo" / "registry", settings.tz)
    await asyncio.gather(start(r1), start(r2))
    async with aiohttp.ClientSession() as http:
        async def up(r: Replica) -> bool:
            try:
                async with http.get(f"http://127.0.0.1:{r.port}/healthz") as resp:
                    return resp.status == 200
            except aiohttp.ClientError:
                return False

        for r in replicas:
            for _ in range(600):
                if await up(r):
                    break
                if r.proc.returncode is not None:
                    raise AssertionError(f"{r.name} exited: {r.log_text()}")
                await asyncio.sleep(0.1)
        # exactly one leader; the other stands by
        await until(lambda: all("leader: " in r.log_text() for r in replicas), 30, "both replicas in the election")
        leaders = [r for r in replicas if "runs the scheduler and the push sender" in r.log_text()]
        assert len(leaders) == 1, [r.log_text() for r in replicas]
        (leader,) = leaders
        (standby,) = [r for r in replicas if r is not leader]
        assert "stands by" in standby.log_text()

        # ---- one user's dialog, its updates alternately to r1 and r2
        mark1, mark2 = len(r1.api.calls), len(r2.api.calls)
        assert await post(http, r1, message(user, "/start")) == 200
        offer = await reply(r1, lambda c: c.method == "sendMessage" and "Подключить" in " ".join(c.buttons), mark1)
        connect = next(d for txt, d in offer.inline.items() if "Подключить" in txt)
        assert await post(http, r2, callback(user, connect)) == 200
        await reply(r2, lambda c: c.method.startswith(("send", "edit")) and "адрес" in c.text.lower(), mark2)
        mark1 = len(r1.api.calls)
        assert await post(http, r1, message(user, "бауманская 11 к2")) == 200
        houses = await reply(r1, lambda c: c.inline and any("Бауманская" in b for b in c.inline), mark1)
        house = next(d for txt, d in houses.inline.items() if "Бауманская" in txt)
        mark2 = len(r2.api.calls)
        assert await post(http, r2, callback(user, house)) == 200
        await reply(r2, lambda c: c.method.startswith(("send", "edit")) and "Шаг 2" in c.text, mark2)
        mark1 = len(r1.api.calls)
        assert await post(http, r1, message(user, "1100101")) == 200
        await reply(r1, lambda c: c.method.startswith("send") and "Шаг 3" in c.text, mark1)

        # ---- two updates of the user at once, one to each replica: handled one after the other (Redis lock)
        for r in replicas:
            r.api.delays["sendMessage"] = 0.6
        mark1, mark2 = len(r1.api.calls), len(r2.api.calls)
        codes = await asyncio.gather(post(http, r1, message(user, "/help")), post(http, r2, message(user, "/help")))
        assert codes == [200, 200]
        sends = sorted([c for c in r1.api.calls[mark1:] if c.method == "sendMessage"]
                       + [c for c in r2.api.calls[mark2:] if c.method == "sendMessage"], key=lambda c: c.at)
        assert len(sends) == 2 and sends[1].at - sends[0].at >= 0.5, "the two handlers overlapped"
        for r in replicas:
            r.api.delays.clear()

        # ---- a broadcast; the leader is killed when Telegram receives its KILL_AT-th push
        people = list(range(user + 1, user + 1 + PUSHES))
        got: list[tuple[str, int, float]] = []
        killed: list[float] = []

        def on_request(api: Api, method: str, params: dict) -> None:
            if method == "sendMessage" and int(params.get("chat_id") or 0) in people:
                got.append((api.name, int(params["chat_id"]), time.monotonic()))
                if len(got) == KILL_AT and not killed:
                    sender = next(r for r in replicas if r.api is api)
                    sender.proc.kill()  # SIGKILL: the push in flight never gets its answer, its row stays 'sending'
                    killed.append(time.monotonic())

        for r in replicas:
            r.api.on_request = on_request
        async with sessions.begin() as s:
            for i in people:
                s.add(User(id=i, first_name=f"u{i}"))
        clock = FixedClock(settings.tz, dt.datetime(2026, 1, 1, 12, 0))  # due long ago, whatever the wall clock
        pushes = [Push(i, PushKind.news, "replicas", "1", NewsNotice(html=f"Новость {i}")) for i in people]
        assert await enqueue(sessions, pushes, clock, not_before=dt.datetime(2000, 1, 1)) == PUSHES

        await until(lambda: len(got) >= PUSHES, 40, "every push sent")
        await asyncio.sleep(1.5)  # a duplicate, if any, would come now
        assert await asyncio.wait_for(leader.proc.wait(), 10) == -signal.SIGKILL
        by_leader = [u for who, u, _ in got if who == leader.api.name]
        by_standby = [u for who, u, _ in got if who == standby.api.name]
        assert by_leader == people[:KILL_AT] and sorted(by_standby) == people[KILL_AT:]
        assert sorted(u for _, u, _ in got) == people  # each push once
        handover = min(t for who, _, t in got if who == standby.api.name) - killed[0]
        assert handover < 15, f"the standby took {handover:.1f} s to take over"
        print(f"hand-over: the standby's first push {handover:.2f} s after the leader was killed")
        assert "runs the scheduler and the push sender" in standby.log_text()
        async with sessions() as s:
            rows = dict((await s.execute(select(Notification.user_id, Notification.status)
                                         .where(Notification.user_id.in_(people)))).all())
        # the one in flight when the leader died stays 'sending' (later marked failed, never sent again)
        assert rows[people[KILL_AT - 1]] == "sending"
        assert all(rows[u] == "sent" for u in people if u != people[KILL_AT - 1]), rows

        # ---- the survivor, SIGTERM'd with a handler in flight, finishes it
        standby.api.on_request = None
        standby.api.delays["sendMessage"] = 2.0  # Telegram is slow: the handler is still awaiting when we stop
        mark = len(standby.api.calls)
        pending = asyncio.create_task(post(http, standby, message(user, "/help")))
        await standby.api.wait_for(lambda c: c.method == "sendMessage", timeout=30, start=mark)
        asked = time.monotonic()
        standby.proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(pending, 30) == 200
        code = await asyncio.wait_for(standby.proc.wait(), 40)
        assert code == 0 and time.monotonic() - asked >= 1.5, standby.log_text()
    log = standby.log_text()
    assert "Traceback" not in log and "Session is closed" not in log, log
    await _forget(user)


async def _forget(user: int) -> None:
    """The test user's dialog keys, out of the shared Redis."""
    from redis.asyncio import Redis

    client = Redis.from_url(TEST_REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"*:{user}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
