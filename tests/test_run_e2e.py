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


async def test_webhook_mode_checks_the_secret_and_answers(api, tmp_path, monkeypatch):
    import aiohttp

    from tests.fake_bot_api import _free_port

    port = _free_port()
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.invalid/tg")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("WEB_HOST", "127.0.0.1")
    monkeypatch.setenv("WEB_PORT", str(port))
    proc = await start_bot(api, tmp_path / "bot.db")
    try:
        hook = await api.wait_for(lambda c: c.method == "setWebhook")
        assert hook.params["url"] == "https://bot.example.invalid/tg" and hook.params["secret_token"] == "s3cret"
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start",
                  "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                  "chat": {"id": USER, "type": "private"}, "from": {"id": USER, "is_bot": False, "first_name": "Р"}}}
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # the server is up once setWebhook was called; give it a moment anyway
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            async with http.post(f"http://127.0.0.1:{port}/tg", json=update) as r:
                assert r.status == 401  # no secret: refused
            async with http.post(f"http://127.0.0.1:{port}/tg", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as r:
                assert r.status == 200
        reply = await api.wait_for(lambda c: c.method == "sendMessage" and "Здравствуйте" in c.text)
        assert t.BTN_ACCOUNTS in reply.buttons
    finally:
        code, err = await stop(proc, tmp_path / "bot.log")
    assert code == 0, err


async def test_polling_with_metrics_port_serves_healthz_and_metrics(api, tmp_path, monkeypatch):
    """Long polling opens no port, unless METRICS_PORT is set: then /healthz and /metrics answer there, and the
    updates polled are counted."""
    import aiohttp

    from tests.fake_bot_api import _free_port

    port = _free_port()
    monkeypatch.setenv("WEB_HOST", "127.0.0.1")
    monkeypatch.setenv("METRICS_PORT", str(port))
    proc = await start_bot(api, tmp_path / "bot.db")
    try:
        api.push_message(USER, "/start")
        await api.wait_for(lambda c: c.method == "sendMessage" and "Здравствуйте" in c.text)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert r.status == 200 and (await r.json())["database"] == "ok"
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                body = await r.text()
        assert r.status == 200 and 'bot_updates_total{type="message"} 1.0' in body
        assert 'bot_outbox_pushes{state="due"}' in body
    finally:
        code, err = await stop(proc, tmp_path / "bot.log")
    assert code == 0, err
    assert f"/healthz and /metrics on 127.0.0.1:{port}" in err


async def test_sigkill_mid_dialog_then_restart_continues_it(api, tmp_path):
    db = tmp_path / "bot.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    loader = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "import", "-q",
                                                  str(ROOT / "demo" / "registry"), cwd=ROOT, env=env,
                                                  stdout=asyncio.subprocess.DEVNULL)
    assert await loader.wait() == 0

    proc = await start_bot(api, db)
    try:
        api.push_message(USER, "/start")
        offer = await api.wait_for(lambda c: c.method == "sendMessage" and "Подключить" in " ".join(c.buttons))
        api.push_callback(USER, next(d for txt, d in offer.inline.items() if "Подключить" in txt))
        await api.wait_for(lambda c: c.method.startswith(("send", "edit")) and "адрес" in c.text.lower())
        mark = len(api.calls)
        api.push_message(USER, "бауманская 11 к2")
        houses = await api.wait_for(lambda c: c.inline and any("Бауманская" in b for b in c.inline), start=mark)
        house_button = next(d for txt, d in houses.inline.items() if "Бауманская" in txt)
    finally:
        proc.kill()  # SIGKILL: no goodbye
        await proc.wait()

    proc = await start_bot(api, db)
    try:
        mark = len(api.calls)
        api.push_callback(USER, house_button)
        ask = await api.wait_for(lambda c: c.method.startswith(("send", "edit")) and "Шаг 2" in c.text, start=mark)
        assert "лицевого счёта" in ask.text.lower() or "номер" in ask.text.lower()
        mark = len(api.calls)
        api.push_message(USER, "1100101")
        step3 = await api.wait_for(lambda c: c.method.startswith("send") and "Шаг 3" in c.text, start=mark)
        assert "Иванова" not in step3.text  # nothing about the account before proof
    finally:
        code, err = await stop(proc, tmp_path / "bot.log")
    assert code == 0, err


async def test_start_checks_the_staff_chat_and_sets_its_menu(api, tmp_path):
    """The bot is not in the staff group: one clear line in the log, and it keeps serving residents."""
    api.member_status = "left"
    proc = await start_bot(api, tmp_path / "bot.db")
    try:
        await api.wait_for(lambda c: c.method == "getChatMember" and c.params.get("chat_id") == "-100777")
        staff_menu = await api.wait_for(lambda c: c.method == "setMyCommands" and "-100777" in str(c.params))
        assert '"outage"' in staff_menu.params["commands"] and '"import"' in staff_menu.params["commands"]
        api.push_message(USER, "/start")
        await api.wait_for(lambda c: c.method == "sendMessage" and "Здравствуйте" in c.text)
    finally:
        code, err = await stop(proc, tmp_path / "bot.log")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "STAFF_CHAT_ID=-100777" in line]
    assert len(lines) == 1 and "not a member of the staff group" in lines[0], err
