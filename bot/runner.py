"""Serving Telegram, with a clean stop on SIGTERM/SIGINT.

Long polling (the default): polling stops taking updates, the handlers already running finish (aiogram has
confirmed their updates to Telegram, so they would otherwise be lost), then we exit.

Webhook (WEBHOOK_URL set; several replicas behind a load balancer): Telegram's request is answered only when its
handler has finished, so an update whose replica dies is delivered again; on stop the server takes no new
requests and waits for the ones in flight."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from aiogram import Bot

from bot.app import App, build_app, build_bot, check_staff_chat, freeze_startup, set_commands
from bot.config import Settings

log = logging.getLogger(__name__)

DRAIN_TIMEOUT = 30.0


async def drain(app: App) -> None:
    """Wait for handlers in flight (bounded)."""
    tasks = set(getattr(app.dispatcher, "_handle_update_tasks", ()))
    if tasks:
        log.info("waiting for %d update(s) in flight", len(tasks))
        await asyncio.wait(tasks, timeout=DRAIN_TIMEOUT)
    try:
        await asyncio.wait_for(app.tracker.idle.wait(), timeout=DRAIN_TIMEOUT)
    except TimeoutError:
        log.warning("%d update(s) still running after %.0f s; exiting anyway", app.tracker.count, DRAIN_TIMEOUT)


async def run_polling(settings: Settings) -> None:
    app = build_app(settings)
    bot: Bot = build_bot(settings)
    leader = push_bot = monitor = None
    try:
        me = await bot.get_me()
        log.info("bot @%s (id %s) starting, database %s", me.username, me.id,
                 app.engine.url.render_as_string(hide_password=True))
        await _prepare(bot, app.settings)
        await bot.delete_webhook(drop_pending_updates=False)  # polling and a webhook exclude each other
        push_bot = build_bot(settings, retry=False)
        if settings.metrics_port is not None:
            monitor = await serve_monitor(app, push_bot, settings)
        leader = start_scheduler(app, push_bot)
        dp = app.dispatcher
        freeze_startup()
        await dp.start_polling(bot, handle_signals=True, close_bot_session=False,
                               allowed_updates=dp.resolve_used_update_types())
        await drain(app)
    finally:
        await stop_scheduler(leader)
        if monitor is not None:
            await monitor.cleanup()
        if push_bot is not None:
            await push_bot.session.close()
        await bot.session.close()
        await app.close()
        log.info("stopped")


async def run_webhook(settings: Settings) -> None:
    from aiohttp import web

    from bot.web import Metrics, build_web_app

    app = build_app(settings)
    bot: Bot = build_bot(settings)
    dp = app.dispatcher
    path = urlparse(settings.webhook_url).path or "/"
    metrics = Metrics()
    web_app = build_web_app(app, bot, path, settings.webhook_token, metrics)  # the webhook, /healthz, /metrics
    runner = web.AppRunner(web_app)
    leader = push_bot = None
    try:
        me = await bot.get_me()
        log.info("bot @%s (id %s) serving webhook %s on %s:%s", me.username, me.id, settings.webhook_url,
                 settings.web_host, settings.web_port)
        await _prepare(bot, app.settings)
        await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_token,
                              allowed_updates=dp.resolve_used_update_types(), drop_pending_updates=False)
        await runner.setup()
        await web.TCPSite(runner, settings.web_host, settings.web_port, shutdown_timeout=DRAIN_TIMEOUT).start()
        push_bot = build_bot(settings, retry=False)
        metrics.watch_pushes(push_bot)
        leader = start_scheduler(app, push_bot)
        freeze_startup()
        await _until_signal()
        log.info("stopping: finishing requests in flight")
    finally:
        await stop_scheduler(leader)  # first: the sends in flight finish and the lease is free for another replica
        await finish_requests(runner, app)  # no new requests; those in flight finish, their bot session still open
        await runner.cleanup()
        if push_bot is not None:
            await push_bot.session.close()
        await bot.session.close()
        await app.close()
        log.info("stopped")


async def serve_monitor(app: App, push_bot: Bot, settings: Settings):
    """Long polling with METRICS_PORT: ``/healthz`` and ``/metrics`` on WEB_HOST:METRICS_PORT (the runner)."""
    from aiohttp import web

    from bot.web import Metrics, build_monitor_app

    metrics = Metrics()
    runner = web.AppRunner(build_monitor_app(app, metrics))
    await runner.setup()
    await web.TCPSite(runner, settings.web_host, settings.metrics_port).start()
    metrics.watch_pushes(push_bot)
    log.info("/healthz and /metrics on %s:%s", settings.web_host, settings.metrics_port)
    return runner


async def finish_requests(runner, app: App) -> None:
    """Stop taking webhook requests and let the handlers in flight finish. aiohttp's ``runner.cleanup()`` alone
    is not enough: it runs the on_shutdown hooks — aiogram's closes the bot's session there — before it waits for
    the handlers, so a reply being sent at that moment would fail."""
    for site in list(runner.sites):
        await site.stop()  # the listening socket is closed
    await asyncio.sleep(0)  # requests accepted just before have started
    if runner.server is not None:
        runner.server.pre_shutdown()  # kept-alive connections take no further request and close when done
    await drain(app)


async def _prepare(bot: Bot, settings: Settings) -> None:
    """The command menus; one clear log line when the staff chat cannot be worked in."""
    await set_commands(bot, settings)
    try:
        problem = await check_staff_chat(bot, settings)
    except Exception as exc:  # a check must never keep the bot from starting
        problem = f"STAFF_CHAT_ID={settings.staff_chat_id}: could not check the staff chat: {exc!r}"
    if problem:
        log.warning("%s", problem)
    else:
        log.info("staff chat %s: the bot can post there and sees its messages", settings.staff_chat_id)


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def start_scheduler(app: App, bot: Bot):
    """This replica's part in the election (``bot/leader.py``): while it holds the lease, the reminders'
    scheduler and the push sender run here. None when it must never lead (RUN_SCHEDULER=false). ``bot`` is one
    without the 429 retry middleware: the sender paces itself and waits out a 429 for all its sends at once."""
    from bot.leader import start_leader

    return start_leader(app.sessions, app.settings, app.clock, bot)


async def stop_scheduler(leader) -> None:
    """Leave the election: the sends in flight are finished, then the lease is given up."""
    if leader is not None:
        await leader.stop()
