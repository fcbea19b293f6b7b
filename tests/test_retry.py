"""One retry policy for the Bot API calls of the bot that answers updates: a 429 is waited out and the call sent
again (bounded); the push sender's bot has no such middleware and keeps its own pacing."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.app import build_bot
from bot.local_client import BotClient
from bot.local_session import LocalSession
from bot.middlewares import RetryAfterMiddleware
from bot.texts import common as t


def too_many(seconds: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(method=SendMessage(chat_id=1, text="x"), message="Too Many Requests",
                              retry_after=seconds)


def delivered(bot) -> list[str]:
    """The texts Telegram accepted (a call answered with a 429 is recorded too, as refused)."""
    return [req.text for req, res in zip(bot.session.requests, bot.session.results, strict=True)
            if isinstance(req, SendMessage) and not isinstance(res, BaseException)]


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
async def retrying_bot(settings, waits):
    """The bot as ``python -m bot run`` builds it (with the retry middleware), on the local session; its sleep
    recorded instead of slept."""
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    b = build_bot(settings, session=LocalSession())
    for mw in b.session.middleware._middlewares:
        if isinstance(mw, RetryAfterMiddleware):
            mw.sleep = sleep
    yield b
    await b.session.close()


async def test_start_under_one_429_waits_and_is_answered(dp, retrying_bot, waits):
    client = BotClient(dp, retrying_bot)
    retrying_bot.session.add_result("sendMessage", too_many(3))
    await client.send("/start")
    assert waits == [3]
    greeting, offer = delivered(retrying_bot)  # the greeting (sent again after 3 s) and the offer; no apology
    assert "Здравствуйте, Ринат" in greeting and offer.startswith("У вас ещё нет подключённых")


async def test_a_long_retry_after_is_not_waited_inside_a_handler(dp, retrying_bot, waits):
    client = BotClient(dp, retrying_bot)
    retrying_bot.session.add_result("sendMessage", too_many(600))
    await client.send("/help")
    assert waits == []  # ten minutes are not waited in a handler
    assert delivered(retrying_bot) == [t.ERROR]  # the error handler apologises


async def test_retries_are_bounded(dp, retrying_bot, waits):
    client = BotClient(dp, retrying_bot)
    for _ in range(3):
        retrying_bot.session.add_result("sendMessage", too_many(1))
    retrying_bot.session.add_result("sendMessage", too_many(1))  # for the apology: it gets one retry too
    await client.send("/help")
    assert waits == [1, 1, 1]  # two retries of /help's answer, one of the apology
    assert delivered(retrying_bot) == [t.ERROR]


async def test_the_push_senders_bot_paces_itself(settings):
    from bot.notify_adapter import telegram_sender
    from bot.services.notify.sender import Outgoing, RetryAfter

    push_bot = build_bot(settings, session=LocalSession(), retry=False)
    assert not any(isinstance(m, RetryAfterMiddleware) for m in push_bot.session.middleware._middlewares)
    push_bot.session.add_result("sendMessage", too_many(7))
    with pytest.raises(RetryAfter) as exc:  # straight to the sender, which holds every send for 7 s
        await telegram_sender(push_bot)(Outgoing(1, 77, "news", {"html": "Отключение"}, False))
    assert exc.value.seconds == 7
    await push_bot.session.close()
