"""The webhook's web server (``python -m bot run`` with WEBHOOK_URL): Telegram's updates, ``/healthz`` and
``/metrics``.

* ``POST <webhook path>``: the secret is checked first (401 without it); a body that is not a Telegram update —
  not JSON, not UTF-8, JSON that is no ``Update`` — is answered 400 and logged, never 500, and reaches no
  handler. A real update is answered when its handler has finished (a replica that dies mid-update leaves it
  to Telegram's redelivery).
* ``GET /healthz``: whether the database and Redis answer, as a small JSON (``{"status": "ok", "database":
  "ok", "redis": "ok"}``); 200 when both do (Redis «not used» when dialogs live in the database), 503 when one
  does not. A load balancer takes a replica out on 503.
* ``GET /metrics``: Prometheus' text format, from ``prometheus-client`` (one registry per server, not the
  library's global one): updates handled and failed by type, the handler latency histogram, webhook requests
  refused, the outbox queue (read from the database at each scrape), push messages sent and failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from sqlalchemy import case, func, select, text

from bot.app import App
from storage.models import Notification

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 2.0  # seconds per check: a hung database is «down», not a hung probe
# handler latency buckets, seconds: most updates take milliseconds, a PDF or an import takes seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PUSH_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
NOT_USED = "not used"


class Metrics:
    """The process's Prometheus metrics in a registry of their own (tests build as many as they like)."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter("bot_updates", "Updates handled, by update type", ["type"], registry=r)
        self.errors = Counter("bot_update_errors", "Updates whose handler raised (the user got the apology)",
                              ["type"], registry=r)
        self.latency = Histogram("bot_update_duration_seconds", "Time to handle one update, middlewares included",
                                 ["type"], buckets=LATENCY_BUCKETS, registry=r)
        self.rejected = Counter("bot_webhook_rejected", "Webhook requests refused: wrong secret (secret) or a "
                                "body that is no Telegram update (not_update)", ["reason"], registry=r)
        self.outbox = Gauge("bot_outbox_pushes", "Pushes waiting in the outbox: due now (due), due later (later), "
                            "being sent (sending)", ["state"], registry=r)
        self.pushes_sent = Counter("bot_pushes_sent", "Push messages Telegram accepted; paid: sent with "
                                   "allow_paid_broadcast", ["paid"], registry=r)
        self.pushes_failed = Counter("bot_pushes_failed", "Push messages Telegram did not accept: flood (429, "
                                     "retried later), blocked (the user is gone), refused (400), error (network, "
                                     "5xx; retried later)", ["reason"], registry=r)
        for state in ("due", "later", "sending"):
            self.outbox.labels(state).set(0)
        for paid in ("false", "true"):
            self.pushes_sent.labels(paid)
        for reason in ("flood", "blocked", "refused", "error"):
            self.pushes_failed.labels(reason)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def watch_updates(self, app: App) -> None:
        """Count and time every update the dispatcher handles (outermost but for aiogram's error handler, so
        a handler's exception is seen here before the apology is sent)."""
        app.dispatcher.update.outer_middleware(UpdateMetrics(self))

    def watch_pushes(self, push_bot: Bot) -> None:
        """Count the push sender's messages: a request middleware on the bot it sends with."""
        push_bot.session.middleware(PushMetrics(self))


class UpdateMetrics(BaseMiddleware):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = _update_type(event)
        errors = self.metrics.errors.labels(kind)  # at 0 from the first update of a type, so rate() works
        start = time.perf_counter()
        try:
            return await handler(event, data)
        except Exception:
            errors.inc()
            raise
        finally:
            self.metrics.latency.labels(kind).observe(time.perf_counter() - start)
            self.metrics.updates.labels(kind).inc()


def _update_type(event: TelegramObject) -> str:
    try:
        return event.event_type if isinstance(event, Update) else type(event).__name__
    except Exception:  # aiogram's UpdateTypeLookupError: an update of a type it does not know
        return "unknown"


class PushMetrics(BaseRequestMiddleware):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Any:
        if method.__api_method__ not in PUSH_METHODS:
            return await make_request(bot, method)
        try:
            result = await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.pushes_failed.labels("flood").inc()
            raise
        except TelegramForbiddenError:
            self.metrics.pushes_failed.labels("blocked").inc()
            raise
        except (TelegramBadRequest, TelegramNotFound):
            self.metrics.pushes_failed.labels("refused").inc()
            raise
        except Exception:
            self.metrics.pushes_failed.labels("error").inc()
            raise
        paid = bool(getattr(method, "allow_paid_broadcast", None))
        self.metrics.pushes_sent.labels("true" if paid else "false").inc()
        return result


class UpdateHandler(SimpleRequestHandler):
    """aiogram's handler, but a body that is not an update is a 400 (aiogram's own answers 500 and logs a
    traceback); the update is parsed once, here."""

    def __init__(self, app: App, bot: Bot, secret: str, metrics: Metrics) -> None:
        super().__init__(app.dispatcher, bot, handle_in_background=False, secret_token=secret)
        self.metrics = metrics

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            self.metrics.rejected.labels("secret").inc()
            log.warning("webhook: a request from %s without the right secret; refused (401)", request.remote)
            return web.Response(status=401, text="Unauthorized")
        body = await request.read()
        try:
            update = Update.model_validate(bot.session.json_loads(body), context={"bot": bot})
        except (ValueError, TypeError) as exc:  # bad JSON, bad UTF-8, pydantic's ValidationError (a ValueError)
            self.metrics.rejected.labels("not_update").inc()
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            log.warning("webhook: a request from %s is not a Telegram update (%s; %d bytes: %r); refused (400)",
                        request.remote, reason, len(body), body[:80])
            return web.Response(status=400, text="not a Telegram update")
        result = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    __call__ = handle


class Health:
    """The checks behind ``/healthz``: a ``SELECT 1`` and a Redis PING, each bounded by ``timeout``."""

    def __init__(self, app: App, timeout: float = HEALTH_TIMEOUT) -> None:
        self.app, self.timeout = app, timeout

    async def check(self) -> tuple[bool, dict[str, str]]:
        database, redis = await asyncio.gather(self._probe("database", self._database),
                                               self._probe("redis", self._redis))
        ok = database == "ok" and redis in ("ok", NOT_USED)
        return ok, {"status": "ok" if ok else "fail", "database": database, "redis": redis}

    async def _probe(self, name: str, probe: Callable[[], Awaitable[str]]) -> str:
        try:
            return await asyncio.wait_for(probe(), self.timeout)
        except TimeoutError:
            log.warning("healthz: %s did not answer in %.1f s", name, self.timeout)
            return "timeout"
        except Exception as exc:
            # the reason goes to the log; the answer names the kind only (no hosts, no URLs)
            log.warning("healthz: %s is down: %r", name, exc)
            return f"down: {type(exc).__name__}"

    async def _database(self) -> str:
        async with self.app.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "ok"

    async def _redis(self) -> str:
        client = getattr(self.app.dispatcher.storage, "redis", None)
        if client is None:
            return NOT_USED
        await client.ping()
        return "ok"


async def outbox_queue(app: App) -> dict[str, int]:
    """Pushes waiting: pending and due now, pending for later (quiet hours, a retry's pause), being sent."""
    now = app.clock.utcnow()
    n = Notification
    state = case((n.status == "sending", "sending"), (n.not_before <= now, "due"), else_="later")
    async with app.sessions() as s:
        rows = (await s.execute(select(state, func.count()).where(n.status.in_(("pending", "sending")))
                                .group_by(state))).all()
    out = {"due": 0, "later": 0, "sending": 0}
    out.update({str(k): int(v) for k, v in rows})
    return out


def build_web_app(app: App, bot: Bot, path: str, secret: str, metrics: Metrics) -> web.Application:
    """The aiohttp application of one replica: the webhook at ``path``, ``/healthz`` and ``/metrics``."""
    web_app = build_monitor_app(app, metrics)
    UpdateHandler(app, bot, secret, metrics).register(web_app, path=path)
    setup_application(web_app, app.dispatcher, bot=bot)
    return web_app


def build_monitor_app(app: App, metrics: Metrics) -> web.Application:
    """``/healthz`` and ``/metrics`` alone: what a long-polling bot serves on METRICS_PORT."""
    health = Health(app)
    metrics.watch_updates(app)

    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health.check()
        return web.json_response(body, status=200 if ok else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        try:
            queue = await asyncio.wait_for(outbox_queue(app), HEALTH_TIMEOUT)
        except Exception as exc:  # the database is down: the other metrics are still worth scraping
            log.warning("metrics: could not read the outbox: %r", exc)
        else:
            for state, count in queue.items():
                metrics.outbox.labels(state).set(count)
        # the classic text format (0.0.4): every Prometheus reads it, and our names need nothing newer
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics_page)
    return web_app
