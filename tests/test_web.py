"""The webhook's web server on a real aiohttp server (loopback port): a body that is no update is a 400, not a
500; /healthz names the database and Redis and says 503 when one is down; /metrics is Prometheus' text format."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_app, build_bot
from bot.notify_adapter import telegram_sender
from bot.services.notify.notices import NewsNotice
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.sender import Sender
from bot.texts import common as t
from bot.web import Metrics, build_web_app
from storage.models import User
from tests.conftest import TEST_REDIS_URL
from tests.harness import RecordingSession

SECRET = "s3cret-webhook"
PATH = "/tg"
USER = 5551


def start_update(update_id: int = 1, text: str = "/start") -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}] if text.startswith("/") else [],
        "chat": {"id": USER, "type": "private"}, "from": {"id": USER, "is_bot": False, "first_name": "Р"}}}


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + want + '}') if want else ''} (\S+)$"
    m = re.search(pattern, page, re.M)
    assert m, f"{name}{{{want}}} not in\n{page}"
    return float(m.group(1))


class Server:
    """One replica's web app on a loopback port, with the app, its bot's recording session and its metrics."""

    def __init__(self, settings, clock) -> None:
        self.app = build_app(settings, clock)
        self.bot = build_bot(settings, session=RecordingSession())
        self.metrics = Metrics()
        self.http = TestClient(TestServer(build_web_app(self.app, self.bot, PATH, SECRET, self.metrics),
                                          host="127.0.0.1"))

    async def __aenter__(self) -> Server:
        await self.http.start_server()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()
        await self.app.close()

    def post(self, body: bytes | str, secret: str | None = SECRET):
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return self.http.post(PATH, data=body, headers=headers)

    async def page(self) -> str:
        resp = await self.http.get("/metrics")
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return await resp.text()

    def sent(self) -> list[SendMessage]:
        return [r for r in self.bot.session.requests if isinstance(r, SendMessage)]


async def test_an_update_is_handled_counted_and_timed(settings, clock):
    import json

    async with Server(settings, clock) as srv:
        resp = await srv.post(json.dumps(start_update()))
        assert resp.status == 200
        assert any("Здравствуйте" in m.text for m in srv.sent())
        page = await srv.page()
    assert metric(page, "bot_updates_total", type="message") == 1
    assert metric(page, "bot_update_errors_total", type="message") == 0
    assert metric(page, "bot_update_duration_seconds_count", type="message") == 1
    assert metric(page, "bot_update_duration_seconds_bucket", le="+Inf", type="message") == 1


# what reaches a webhook that is no update: not JSON, not UTF-8, JSON of another shape, an update that is broken
NOT_UPDATES = [
    b"not json at all",
    b"\xff\xfe\x00garbage",
    b"",
    b"[1, 2, 3]",
    b'"a string"',
    b"{}",
    b'{"update_id": "one"}',
    b'{"update_id": 7, "message": {"message_id": 1}}',  # a message without chat and date
    b'{"update_id": 8, "callback_query": {"id": "x"}}',
]


@pytest.mark.parametrize("body", NOT_UPDATES, ids=range(len(NOT_UPDATES)))
async def test_a_body_that_is_no_update_is_a_400_and_logged_not_a_500(settings, clock, caplog, body):
    caplog.set_level(logging.WARNING, logger="bot.web")
    async with Server(settings, clock) as srv:
        resp = await srv.post(body)
        assert resp.status == 400, await resp.text()
        assert await resp.text() == "not a Telegram update"
        assert srv.sent() == []  # no handler ran, nothing was answered to anyone
        page = await srv.page()
    assert metric(page, "bot_webhook_rejected_total", reason="not_update") == 1
    assert "bot_updates_total{" not in page  # no update was handled
    logged = [r for r in caplog.records if r.name == "bot.web" and r.levelno == logging.WARNING]
    assert len(logged) == 1 and "not a Telegram update" in logged[0].getMessage()
    assert "Traceback" not in caplog.text


async def test_the_secret_is_checked_before_the_body(settings, clock):
    async with Server(settings, clock) as srv:
        assert (await srv.post(b"not json", secret=None)).status == 401
        assert (await srv.post(b"not json", secret="wrong")).status == 401
        page = await srv.page()
    assert metric(page, "bot_webhook_rejected_total", reason="secret") == 2
    assert "bot_webhook_rejected_total{reason=\"not_update\"}" not in page


@pytest.mark.filterwarnings("ignore:Detected unknown update type")
async def test_an_update_of_a_type_the_bot_does_not_use_is_answered(settings, clock):
    """A valid update aiogram has no handler for (here: a bare update_id) is a 200, like any other."""
    async with Server(settings, clock) as srv:
        assert (await srv.post(b'{"update_id": 9}')).status == 200
        assert srv.sent() == []


async def test_a_failing_handler_is_counted_as_an_error(settings, clock):
    import json

    async with Server(settings, clock) as srv:
        srv.bot.session.add_result("sendMessage", RuntimeError("Telegram fell over"))
        resp = await srv.post(json.dumps(start_update()))
        assert resp.status == 200  # the error handler apologised; Telegram must not send it again
        assert srv.sent()[-1].text == t.ERROR
        page = await srv.page()
    assert metric(page, "bot_updates_total", type="message") == 1
    assert metric(page, "bot_update_errors_total", type="message") == 1


async def test_healthz_names_the_database_and_redis(settings, clock):
    async with Server(settings, clock) as srv:
        resp = await srv.http.get("/healthz")
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "ok", "redis": "not used"}


async def test_healthz_is_503_when_redis_does_not_answer(settings, clock):
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})  # nothing listens on port 1
    async with Server(down, clock) as srv:
        resp = await srv.http.get("/healthz")
        body = await resp.json()
    assert resp.status == 503
    assert body["status"] == "fail" and body["database"] == "ok"
    assert body["redis"].startswith("down: ")
    assert "127.0.0.1" not in str(body)  # no hosts or URLs in the answer; the log has the detail


async def test_healthz_is_503_when_the_database_does_not_answer(settings, clock):
    down = settings.model_copy(update={"database_url": "postgresql+asyncpg://bot:secret-pw@127.0.0.1:1/bot"})
    async with Server(down, clock) as srv:
        resp = await srv.http.get("/healthz")
        body = await resp.json()
        # the metrics page still answers: the outbox is unknown, the rest is there
        page = await srv.page()
    assert resp.status == 503
    assert body["status"] == "fail" and body["redis"] == "not used"
    assert body["database"].startswith("down: ") and "secret-pw" not in str(body)
    assert metric(page, "bot_outbox_pushes", state="due") == 0


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_healthz_with_a_real_redis(settings, clock):
    up = settings.model_copy(update={"redis_url": TEST_REDIS_URL})
    async with Server(up, clock) as srv:
        resp = await srv.http.get("/healthz")
        assert resp.status == 200
        assert (await resp.json())["redis"] == "ok"


async def test_metrics_show_the_outbox_and_the_pushes_sent_and_failed(settings, clock, sessions):
    async with sessions.begin() as s:
        s.add_all([User(id=i, first_name=f"u{i}") for i in (1, 2, 3)])
    pushes = [Push(i, "news", "m1", "-", NewsNotice(html=f"Новость {i}")) for i in (1, 2, 3)]
    assert await enqueue(sessions, pushes, clock) == 3
    later = clock.utcnow() + dt.timedelta(days=1)
    assert await enqueue(sessions, [Push(3, "news", "later", "-", NewsNotice(html="Позже"))], clock, later) == 1

    async with Server(settings, clock) as srv:
        page = await srv.page()
        assert metric(page, "bot_outbox_pushes", state="due") == 3
        assert metric(page, "bot_outbox_pushes", state="later") == 1
        assert metric(page, "bot_outbox_pushes", state="sending") == 0

        push_session = RecordingSession()
        # the first push (to user 1) finds the bot blocked
        push_session.add_result("sendMessage", TelegramForbiddenError(method=SendMessage(chat_id=1, text="x"),
                                                                      message="Forbidden: bot was blocked by the user"))
        push_bot = build_bot(settings, session=push_session, retry=False)
        srv.metrics.watch_pushes(push_bot)
        sender = Sender(srv.app.sessions, telegram_sender(push_bot), clock, rate=1000, quiet_hours="off")
        stats = await sender.drain()
        assert (stats.sent, stats.blocked) == (2, 1)
        page = await srv.page()
    assert metric(page, "bot_pushes_sent_total", paid="false") == 2
    assert metric(page, "bot_pushes_sent_total", paid="true") == 0
    assert metric(page, "bot_pushes_failed_total", reason="blocked") == 1
    assert metric(page, "bot_outbox_pushes", state="due") == 0
    assert metric(page, "bot_outbox_pushes", state="later") == 1
