"""Long polling with a clean stop: on SIGTERM/SIGINT polling stops taking updates, the handlers already running
finish (aiogram has confirmed their updates to Telegram, so they would otherwise be lost), then we exit."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot

from bot.app import App, build_app, build_bot, set_commands
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
    scheduler = None
    try:
        me = await bot.get_me()
        log.info("bot @%s (id %s) starting, database %s", me.username, me.id,
                 app.engine.url.render_as_string(hide_password=True))
        await set_commands(bot)
        scheduler = start_scheduler(app, bot)
        dp = app.dispatcher
        await dp.start_polling(bot, handle_signals=True, close_bot_session=False,
                               allowed_updates=dp.resolve_used_update_types())
        await drain(app)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await bot.session.close()
        await app.close()
        log.info("stopped")


def start_scheduler(app: App, bot: Bot):
    """The reminders' scheduler and the push sender, in this process (None until they exist)."""
    try:
        from bot.scheduler import build_scheduler
    except ImportError:
        return None
    scheduler = build_scheduler(app.sessions, app.settings, app.clock, bot)
    scheduler.start()
    return scheduler
