"""``python -m bot run`` as a real process against a Bot API server given in TELEGRAM_API_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.texts import common as t
from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:E2E_TEST_TOKEN_abcdefghijklmnopqrstu"
USER = 5001


@pytest.fixture
async def api():
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


async def start_bot(api: FakeBotApi, db: Path) -> asyncio.subprocess.Process:
    """Start the bot; its log goes to a file beside the database (a pipe nobody reads could fill up)."""
    env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url, "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
           "STAFF_CHAT_ID": "-100777", "LOG_LEVEL": "INFO", "REDIS_URL": ""}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=(db.parent / "bot.log").open("ab"))


async def stop(proc: asyncio.subprocess.Process, log: Path, sig: int = signal.SIGTERM) -> tuple[int, str]:
    if proc.returncode is None:
        proc.send_signal(sig)
    await asyncio.wait_for(proc.wait(), 60)
    return proc.returncode, log.read_text()


async def test_start_answers_with_menu_and_sets_commands(api, tmp_path):
    proc = await start_bot(api, tmp_path / "bot.db")
    try:
        api.push_message(USER, "/start")
        reply = await api.wait_for(lambda c: c.method == "sendMessage" and "Здравствуйте" in c.text)
        assert t.BTN_ACCOUNTS in reply.buttons and t.BTN_VOTING in reply.buttons
        commands = await api.wait_for(lambda c: c.method == "setMyCommands")
        for name in ("start", "menu", "cancel", "help"):
            assert f'"{name}"' in commands.params["commands"]
    finally:
        code, err = await stop(proc, tmp_path / "bot.log")
    assert code == 0, err


async def test_sigterm_lets_the_handler_in_flight_finish(api, tmp_path):
    proc = await start_bot(api, tmp_path / "bot.db")
    try:
        await api.wait_for(lambda c: c.method == "setMyCommands")
        api.delays["sendMessage"] = 2.0  # Telegram is slow: the handler is still awaiting when we stop
        api.push_message(USER, "/help")
        await api.wait_for(lambda c: c.method == "sendMessage")
        asked = time.monotonic()
        code, err = await stop(proc, tmp_path / "bot.log")
        finished = time.monotonic()
    finally:
        if proc.returncode is None:
            proc.kill()
    assert code == 0, err
    assert finished - asked >= 1.5, "exited before the handler in flight finished"
    assert "Session is closed" not in err and "Traceback" not in err, err
