"""The frame of the conversation: /start, menu, /help, /cancel, unknown input, errors."""

from __future__ import annotations

from sqlalchemy import select

from bot.texts import common as t
from storage.models import User


async def test_start_greets_and_shows_menu(client, sessions):
    replies = await client.send("/start")
    assert len(replies) == 2  # the greeting, then the offer to link an account (nothing linked yet)
    assert "Здравствуйте, Ринат" in replies[0].text
    for label in [t.BTN_ACCOUNTS, t.BTN_READINGS, t.BTN_PAY, t.BTN_APPEALS, t.BTN_VOTING, t.BTN_HOUSE,
                  t.BTN_SETTINGS]:
        assert label in replies[0].buttons
    async with sessions() as s:
        user = (await s.execute(select(User))).scalar_one()
    assert user.id == client.user.id and user.first_name == "Ринат" and user.is_active


async def test_second_start_does_not_duplicate_user(client, sessions):
    await client.send("/start")
    await client.send("/start")
    async with sessions() as s:
        assert len((await s.execute(select(User))).scalars().all()) == 1


async def test_help_lists_sections(client):
    (reply,) = await client.send("/help")
    assert t.BTN_READINGS in reply.text and "/cancel" in reply.text
    # every command of the residents' menu is in /help, and the menu has every command a section answers
    for command, _ in t.COMMANDS:
        assert command == "start" or f"/{command}" in reply.text, command
    assert {"pay", "appeal", "appeals", "vote"} <= {c for c, _ in t.COMMANDS}


async def test_cancel_outside_dialog(client):
    (reply,) = await client.send("/cancel")
    assert reply.text == t.NOTHING_TO_CANCEL


async def test_nonsense_gets_hint(client):
    (reply,) = await client.send("абырвалг")
    assert reply.text == t.UNKNOWN_INPUT
    assert t.BTN_ACCOUNTS in reply.buttons


async def test_sticker_like_input_is_answered(client):
    from aiogram.types import Location

    replies = await client.feed(message=client._message(location=Location(latitude=55.7, longitude=37.6)))
    assert replies and replies[0].text == t.UNKNOWN_INPUT


async def test_forged_callback_is_answered(client):
    (reply,) = await client.click_data("nonsense:1:2")
    assert reply.method == "answerCallbackQuery" and reply.text == t.STALE_BUTTON


async def test_group_chatter_is_ignored(staff):
    assert await staff.send("коллеги, привет") == []


async def test_handler_error_apologises_and_bot_keeps_running(dp, client, monkeypatch):
    from bot.services import users

    async def boom(*args, **kwargs):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(users, "register", boom)
    (reply,) = await client.send("/start")
    assert reply.text == t.ERROR
    monkeypatch.undo()
    reply, *_ = await client.send("/start")
    assert "Здравствуйте" in reply.text


async def test_start_greets_a_name_with_html_characters_as_written(make_client):
    client = make_client(user_id=4321, first_name="<b>Иван & Ко", last_name=None)
    replies = await client.send("/start")
    assert replies[0].text.startswith("Здравствуйте, &lt;b&gt;Иван &amp; Ко!")
    assert not any(r.text == t.ERROR for r in replies)


async def test_forged_20_digit_ids_of_the_linking_and_staff_buttons_are_stale(client, staff):
    for data in ("slr:a:99999999999999999999", "slr:k:99999999999999999999", "lka:99999999999999999999",
                 "acc:o:99999999999999999999", "lkh:p:99999999999999999999:0", "lkr:z"):
        for who in (client, staff):
            who.skip_unread()  # what the bot said to the other one
            replies = await who.click_data(data)
            assert [(r.method, r.text) for r in replies] == [("answerCallbackQuery", t.STALE_BUTTON)], (data, who)
