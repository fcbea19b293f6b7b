"""A Bot API server on localhost for end-to-end runs of ``python -m bot run`` (TELEGRAM_API_URL points here).

It serves getMe, getUpdates (long polling over a queue the test fills), records every other call and answers
it the way Telegram does (a Message for send*, True otherwise)."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 4242


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[str]:
        markup = self.params.get("reply_markup")
        if not markup:
            return []
        data = json.loads(markup) if isinstance(markup, str) else markup
        rows = data.get("inline_keyboard") or data.get("keyboard") or []
        return [b["text"] for row in rows for b in row]

    @property
    def inline(self) -> dict[str, str]:
        markup = self.params.get("reply_markup")
        data = json.loads(markup) if isinstance(markup, str) else (markup or {})
        return {b["text"]: b.get("callback_data") for row in data.get("inline_keyboard", []) for b in row}


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.delays: dict[str, float] = {}  # method → seconds to wait before answering
        self.member_status = "member"  # what getChatMember says the bot is in the staff chat
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(500)
        self.port = _free_port()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # ------------------------------------------------------------------------------------------ the test's side
    def push_message(self, user_id: int, text: str | None = None, **extra: Any) -> int:
        uid = next(self._update_ids)
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": {"id": user_id, "type": "private", "first_name": "Ринат"},
               "from": {"id": user_id, "is_bot": False, "first_name": "Ринат", "language_code": "ru"}, **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.updates.append({"update_id": uid, "message": msg})
        self._new_update.set()
        return uid

    def push_callback(self, user_id: int, data: str, message_id: int = 1) -> int:
        uid = next(self._update_ids)
        user = {"id": user_id, "is_bot": False, "first_name": "Ринат"}
        self.updates.append({"update_id": uid, "callback_query": {
            "id": str(uid), "from": user, "chat_instance": "ci", "data": data,
            "message": {"message_id": message_id, "date": int(time.time()), "text": "…",
                        "chat": {"id": user_id, "type": "private"}}}})
        self._new_update.set()
        return uid

    async def wait_for(self, predicate, timeout: float = 60.0, start: int = 0) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls[start:]:
                if predicate(call):
                    return call
            await asyncio.sleep(0.05)
        raise AssertionError(f"no such call in {timeout}s; calls: {[(c.method, c.text[:60]) for c in self.calls]}")

    def sent(self, start: int = 0) -> list[Call]:
        return [c for c in self.calls[start:] if c.method.startswith("send") or c.method.startswith("edit")]

    # ------------------------------------------------------------------------------------------ the bot's side
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(await request.post())
        if method == "getUpdates":
            return await self._get_updates(params)
        call = Call(method, params)
        self.calls.append(call)
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        # confirmed updates (below the offset) are gone, as with Telegram
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                pass
        return web.json_response({"ok": True, "result": self.updates[:100]})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "ЖКХ", "username": "gis_test_bot",
                    "can_read_all_group_messages": False}
        if method == "getChat":
            return {"id": int(params.get("chat_id") or 0), "type": "supergroup", "title": "УК — сотрудники",
                    "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False, "premium_subscription": False,
                                            "gifts_from_channels": False}}
        if method == "getChatMember":
            return {"status": self.member_status,
                    "user": {"id": int(params.get("user_id") or 0), "is_bot": True, "first_name": "ЖКХ"}}
        if method.startswith("send") or method.startswith("edit"):
            chat_id = int(params.get("chat_id") or 0)
            msg = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}}
            if "text" in params:
                msg["text"] = params["text"]
            return msg
        return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
